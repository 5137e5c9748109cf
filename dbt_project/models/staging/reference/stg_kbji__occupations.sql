-- One row per KBJI 2014 code at any level (major group to 6-digit jabatan).
with

source as (

    select * from {{ source('raw', 'kbji2014_structure') }}

),

renamed as (

    select
        kbji_code,
        cast(level as integer) as kbji_level,
        level_name as kbji_level_name,
        nullif(parent_code, '') as parent_kbji_code,
        title_id,
        nullif(description_id, '') as description_id
    from source

)

select * from renamed
