-- One row per province and year with a provincial minimum wage (UMP). Years in which a province
-- set no UMP (blank in the source) are dropped rather than read as zero. Two files land here: the
-- BPS table (2015-2024) and 2025 values transcribed from news reports of the governors' decrees;
-- should both give a year, the BPS value wins.
with

source as (

    select * from {{ source('raw', 'ump_province') }}

),

renamed as (

    select
        cast(year as integer) as wage_year,
        province as province_name,
        cast(ump_idr as double) as minimum_wage_monthly_idr,
        coalesce(nullif(source, ''), 'bps') as wage_source,
        coalesce(nullif(source, ''), 'bps') <> 'bps' as is_provisional,
        _source_file as source_file
    from source
    where nullif(ump_idr, '') is not null
        and province <> 'Indonesia'

),

final as (

    select * from renamed
    qualify row_number() over (
            partition by province_name, wage_year
            order by is_provisional, source_file
        ) = 1

)

select * from final
