-- One row per period x area x breakdown x indicator from the real Sakernas rounds, with its
-- standard error, RSE and BPS reliability flag. Suppressed cells (too few sample persons, RSE
-- above 50 %, or suppressed again so they cannot be recovered from their breakdown's total)
-- are published without a value.
with

estimates as (

    select * from {{ source('sakernas_estimator', 'sakernas_indicator_estimates') }}

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
    where not is_synthetic

)

select * from final
