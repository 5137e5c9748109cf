{#- The published column list of the labour-force indicator marts (real and synthetic). -#}
{% macro labour_force_indicator_columns() -%}
period,
        area_level,
        area_code,
        breakdown,
        indicator,
        value,
        -- A zero SE of a non-zero value is no SE (not_assessable below): null, so a filter
        -- `rse < 25` or a z test cannot read it as perfectly precise.
        case when se = 0 and value <> 0 then null else se end as se,
        case when se = 0 and value <> 0 then null else rse end as rse,
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
        is_synthetic,
        -- Added after the existing columns so that readers by position keep working.
        sample_strata,
        region_id
{%- endmacro %}
