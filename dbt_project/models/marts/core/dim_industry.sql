-- One row per KBLI 2020 code at every level (21 sections to 1,791 five-digit classes).
with

industries as (

    select * from {{ ref('stg_kbli__industries') }}

),

final as (

    select
        kbli_code,
        kbli_level,
        kbli_level_name,
        kbli_section,
        parent_kbli_code,
        title_id
    from industries

)

select * from final
