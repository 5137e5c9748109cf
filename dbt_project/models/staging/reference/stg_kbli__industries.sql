-- One row per KBLI 2020 code at any level (section letter to 5-digit class).
with

source as (

    select * from {{ source('raw', 'kbli2020_structure') }}

),

renamed as (

    select
        kbli_code,
        cast(level as integer) as kbli_level,
        level_name as kbli_level_name,
        section as kbli_section,
        nullif(parent_code, '') as parent_kbli_code,
        title_id
    from source

)

select * from renamed
