-- One row per month x province x KBJI unit group: open vacancies on the Ministry's portals
-- (Karirhub, MagangHub) against job seekers registered with the public employment service (AK1).
-- The job-seeker side is SYNTHETIC until real AK1 exports are landed, so every row is marked
-- synthetic. Months are those the portals' data covers: a portal export is a snapshot, so a
-- vacancy counts as open from its publication month to the month of the snapshot (or of its
-- closing, if earlier), never in months nobody observed.
with

vacancies as (

    select * from {{ ref('fct_portal_vacancies') }}

),

job_seekers as (

    select * from {{ ref('fct_job_seekers') }}

),

occupations as (

    select * from {{ ref('dim_occupation') }}

),

vacancy_spans as (

    select
        portal_vacancy_id,
        province_code_kemendagri,
        kbji4,
        places_open,
        is_synthetic,
        published_date,
        least(coalesce(closing_date, portal_snapshot_date), portal_snapshot_date)
            as last_open_date
    from vacancies
    where published_date <= portal_snapshot_date

),

vacancy_months as (

    select
        portal_vacancy_id,
        province_code_kemendagri,
        kbji4,
        places_open,
        is_synthetic,
        cast(unnest(generate_series(
            date_trunc('month', published_date),
            date_trunc('month', last_open_date),
            interval '1 month'
        )) as date) as month_start_date
    from vacancy_spans

),

months as (

    select distinct month_start_date from vacancy_months

),

open_vacancies as (

    select
        month_start_date,
        province_code_kemendagri,
        kbji4,
        count(*) as open_vacancy_postings,
        cast(coalesce(sum(places_open), 0) as bigint) as open_places,
        bool_or(is_synthetic) as is_synthetic
    from vacancy_months
    group by month_start_date, province_code_kemendagri, kbji4

),

-- Registered during a month: card issued by its last day, still valid on its first day, and
-- not placed before it.
registered_job_seekers as (

    select
        months.month_start_date,
        job_seekers.province_code_kemendagri,
        job_seekers.kbji4,
        count(*) as registered_job_seekers,
        bool_or(job_seekers.is_synthetic) as is_synthetic
    from months
    inner join job_seekers
        on
            job_seekers.registered_date < months.month_start_date + interval '1 month'
            and coalesce(job_seekers.valid_until_date, months.month_start_date)
            >= months.month_start_date
            and coalesce(job_seekers.first_placement_date, months.month_start_date)
            >= months.month_start_date
    group by months.month_start_date, job_seekers.province_code_kemendagri, job_seekers.kbji4

),

register_is_synthetic as (

    select coalesce(bool_or(is_synthetic), false) as is_synthetic from job_seekers

),

cells as (

    select
        coalesce(v.month_start_date, s.month_start_date) as month_start_date,
        coalesce(v.province_code_kemendagri, s.province_code_kemendagri)
            as province_code_kemendagri,
        coalesce(v.kbji4, s.kbji4) as kbji4,
        coalesce(v.open_vacancy_postings, 0) as open_vacancy_postings,
        coalesce(v.open_places, 0) as open_places,
        coalesce(s.registered_job_seekers, 0) as registered_job_seekers,
        coalesce(v.is_synthetic, false) or coalesce(s.is_synthetic, false) as has_synthetic_rows
    from open_vacancies as v
    full outer join registered_job_seekers as s
        on
            v.month_start_date = s.month_start_date
            and v.province_code_kemendagri is not distinct from s.province_code_kemendagri
            and v.kbji4 is not distinct from s.kbji4

),

final as (

    select
        cells.month_start_date,
        strftime(cells.month_start_date, '%Y-%m') as period,
        'province-' || cells.province_code_kemendagri as province_region_id,
        cells.province_code_kemendagri,
        cells.kbji4,
        occupations.title_id as kbji4_title,
        occupations.isco08_code as isco08,
        cells.open_vacancy_postings,
        cells.open_places,
        cells.registered_job_seekers,
        cells.open_places / nullif(cells.registered_job_seekers, 0) as vacancies_per_job_seeker,
        cells.registered_job_seekers / nullif(cells.open_places, 0) as job_seekers_per_vacancy,
        cells.has_synthetic_rows or register_is_synthetic.is_synthetic as is_synthetic
    from cells
    cross join register_is_synthetic
    left join occupations
        on cells.kbji4 = occupations.kbji_code

)

select * from final
