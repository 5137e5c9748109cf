-- Returns one row per occupation, month and skill whose postings found outside the title are
-- not a part of its postings (0 to `postings`), or whose share disagrees with that count.
with

skills as (

    select * from {{ ref('skills_demand_by_occupation') }}

),

final as (

    select
        kbji2014_code,
        period,
        skill_uri,
        postings,
        postings_outside_title,
        share_of_postings_outside_title
    from skills
    where
        postings_outside_title is null
        or postings_outside_title < 0
        or postings_outside_title > postings
        or abs(
            share_of_postings_outside_title - postings_outside_title / occupation_postings
        ) > 1e-9

)

select * from final
