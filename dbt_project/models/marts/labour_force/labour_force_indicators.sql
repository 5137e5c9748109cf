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
        {{ labour_force_indicator_columns() }}
    from estimates
    where not is_synthetic

)

select * from final
