{#- The body of a labour-force indicator mart (real or synthetic): one estimates table of the
    Sakernas estimator, each area's dim_region key, the published columns, the rows whose
    is_synthetic is `synthetic`. -#}
{% macro labour_force_indicator_mart(estimates_table, synthetic) -%}
with

estimates as (

    select * from {{ source('sakernas_estimator', estimates_table) }}

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
    where is_synthetic = {{ 'true' if synthetic else 'false' }}

)

select * from final
{%- endmacro %}
