-- Returns one row per published labour-force cell that is suppressed (no value) but still
-- states a reliability other than 'suppressed', e.g. 'reliable' beside an empty value.
with

real_indicators as (

    select * from {{ ref('labour_force_indicators') }}

),

synthetic_indicators as (

    select * from {{ ref('labour_force_indicators_synthetic') }}

),

indicators as (

    select * from real_indicators
    union all
    select * from synthetic_indicators

),

final as (

    select
        period,
        area_level,
        area_code,
        breakdown,
        indicator,
        is_synthetic,
        suppression_reason,
        reliability
    from indicators
    where
        (is_suppressed and reliability is distinct from 'suppressed')
        -- Any cell without a value: an RSE class would judge a figure that is not there.
        or (value is null and reliability in ('reliable', 'use_with_caution', 'unreliable'))

)

select * from final
