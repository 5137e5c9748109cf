-- SYNTHETIC. One row per period x area x breakdown x indicator from the generated multi-round
-- Sakernas-shaped extracts (every province, August 2015-2024, 4-digit KBJI). Calibrated to BPS's
-- published TPT by province and round; every other figure is invented. For building and
-- testing the Critical Occupations List, never for publication as statistics.
with

estimates as (

    select * from {{ source('sakernas_estimator', 'sakernas_indicator_estimates_synthetic') }}

),

final as (

    select
        period,
        area_level,
        area_code,
        breakdown,
        indicator,
        value,
        se,
        rse,
        -- A zero SE of a non-zero estimate (medians of answers bunched at round amounts) says
        -- nothing about precision: not assessable, rather than "reliable".
        case
            when se = 0 and value <> 0 then 'not_assessable' else reliability
        end as reliability,
        sample_persons,
        breakdown_variable,
        unit,
        sample_psus,
        se_method,
        is_suppressed,
        suppression_reason,
        is_synthetic
    from estimates
    where is_synthetic

)

select * from final
