-- One row per KBJI 2014 unit group x month x skill: how many of the occupation's postings ask
-- for the skill. Only auto-coded postings count, so a shaky occupation code never moves a skill.
with

postings as (

    select * from {{ ref('fct_vacancy_postings') }}

),

skills as (

    select * from {{ ref('bridge_vacancy_skills') }}

),

coded as (

    select
        posting_id,
        vacancy_id,
        kbji2014_code,
        strftime(first_seen_date, '%Y-%m') as period
    from postings
    where is_occupation_coded

),

occupation_totals as (

    select
        kbji2014_code,
        period,
        count(*) as occupation_postings
    from coded
    group by kbji2014_code, period

),

final as (

    select
        c.kbji2014_code,
        c.period,
        s.skill_uri,
        any_value(s.skill_label) as skill_label,
        any_value(s.skill_source) as skill_source,
        count(*) as postings,
        count(distinct c.vacancy_id) as vacancies,
        any_value(t.occupation_postings) as occupation_postings,
        count(*) / any_value(t.occupation_postings) as share_of_postings,
        -- The occupation was coded from the title: a skill named nowhere else is circular.
        count(*) filter (where s.found_outside_title) as postings_outside_title,
        count(*) filter (where s.found_outside_title)
        / any_value(t.occupation_postings) as share_of_postings_outside_title
    from coded as c
    inner join skills as s
        on c.posting_id = s.posting_id
    inner join occupation_totals as t
        on c.kbji2014_code = t.kbji2014_code and c.period = t.period
    group by c.kbji2014_code, c.period, s.skill_uri

)

select * from final
