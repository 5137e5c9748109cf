-- One row per province and year with a provincial minimum wage (UMP). Years in which a province
-- set no UMP (blank in the source) are dropped rather than read as zero.
with

source as (

    select * from {{ source('raw', 'ump_province') }}

),

renamed as (

    select
        cast(year as integer) as wage_year,
        province as province_name,
        cast(ump_idr as double) as minimum_wage_monthly_idr
    from source
    where nullif(ump_idr, '') is not null
        and province <> 'Indonesia'

)

select * from renamed
