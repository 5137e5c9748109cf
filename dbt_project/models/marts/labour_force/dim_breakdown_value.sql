-- One row per coded breakdown value of the Sakernas marts (sex, kbli_sector) with its labels.
with

labels as (

    select * from {{ ref('int_breakdown_value_labels') }}

),

final as (

    select
        breakdown_variable,
        code,
        breakdown,
        label_id,
        label_en,
        kbli_sections
    from labels

)

select * from final
