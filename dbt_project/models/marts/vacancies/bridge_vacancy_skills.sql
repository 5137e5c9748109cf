-- One row per posting and skill it asks for (ESCO, or SKKNI where a unit matches), with the
-- words that named it.
with

skills as (

    select * from {{ ref('int_vacancy_skills_extracted') }}

),

final as (

    select
        posting_id,
        skill_uri,
        skill_label,
        skill_source,
        matched_text,
        source_field,
        found_outside_title
    from skills

)

select * from final
