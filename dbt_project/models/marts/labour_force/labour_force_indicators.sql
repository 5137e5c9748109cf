-- One row per period x area x breakdown x indicator from the real Sakernas rounds, with its
-- standard error, RSE and BPS reliability flag. Suppressed cells (too few sample persons, RSE
-- above 50 %, or suppressed again so they cannot be recovered from their breakdown's total)
-- are published without a value.
with

estimates as (

    select * from {{ source('sakernas_estimator', 'sakernas_indicator_estimates') }}

),

regions as (

    select * from {{ ref('dim_region') }}

),

-- `area_code` is a BPS code; dim_region is keyed on the Kemendagri code, which for many
-- regencies names another place (BPS 1506 is Tanjung Jabung Timur, Kemendagri 1506 is Barat).
-- A BPS code is unique within a level in dim_region, so this join adds no row. The nation has no
-- row in dim_region: its region_id is null.
located as (

    select
        estimates.*,
        regions.region_id
    from estimates
    left join regions
        on
            estimates.area_level = regions.region_level
            and estimates.area_code = regions.bps_code

),

final as (

    select
        {{ labour_force_indicator_columns() }}
    from located
    where not is_synthetic

)

select * from final
