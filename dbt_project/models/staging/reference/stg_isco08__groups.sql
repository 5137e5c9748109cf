-- One row per ISCO-08 group at any of its four levels.
with

source as (

    select * from {{ source('raw', 'isco08_structure') }}

),

renamed as (

    select
        isco08_code,
        cast(level as integer) as isco08_level,
        nullif(parent_code, '') as parent_isco08_code,
        title_en
    from source

)

select * from renamed
