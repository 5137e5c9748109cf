{#- The published column list of the labour-force indicator marts (real and synthetic). -#}
{% macro labour_force_indicator_columns() -%}
period,
        area_level,
        area_code,
        region_id,
        breakdown,
        indicator,
        value,
        se,
        rse,
        -- A suppressed cell publishes no value, so it has no reliability to state: its RSE
        -- class ("reliable" for a cell hidden for too few persons) would read as a verdict on a
        -- figure nobody can see. A zero SE of a non-zero estimate (medians of answers bunched at
        -- round amounts) says nothing about precision: not assessable, rather than "reliable".
        case
            when is_suppressed then 'suppressed'
            when se = 0 and value <> 0 then 'not_assessable'
            else reliability
        end as reliability,
        sample_persons,
        breakdown_variable,
        unit,
        sample_psus,
        se_method,
        is_suppressed,
        suppression_reason,
        is_synthetic
{%- endmacro %}
