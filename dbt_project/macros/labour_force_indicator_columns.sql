{#- The published column list of the labour-force indicator marts (real and synthetic). -#}
{% macro labour_force_indicator_columns() -%}
period,
        area_level,
        area_code,
        breakdown,
        indicator,
        value,
        -- A zero SE says nothing about precision: the estimator publishes it as a null SE and
        -- RSE, reliability not_assessable (ingest/sakernas/suppression.py), so no filter
        -- `rse < 25` or z test reads it as perfectly precise.
        se,
        rse,
        -- A suppressed cell publishes no value, so it has no reliability to state: its RSE
        -- class ("reliable" for a cell hidden for too few persons) would read as a verdict on a
        -- figure nobody can see.
        case when is_suppressed then 'suppressed' else reliability end as reliability,
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
