-- One row per posting per source: the same advert seen on several crawl days is one row, with
-- the first and last day seen. Pay, date, place and requirements are the normaliser's parse of
-- the board's text; `vacancy_id` links postings that advertise the same vacancy.
-- The normaliser gives the four 2022 Papua provinces their Kemendagri code (it has no BPS code for
-- them); here they get their BPS code from the `province_codes` seed, so `province_bps_code` is
-- a BPS code on every row and joins BPS tables (minimum wages, Sakernas) without a system check.
-- Their regencies, which the normaliser codes in Kemendagri 2025 after the split, get their BPS
-- 2020 code from the name link `dim_region` uses (no later BPS regency list is shipped): a
-- Kemendagri code in `regency_bps_code` would read as another regency (Nabire, Kemendagri 9401,
-- is BPS 9404; BPS 9401 is Merauke).
with

postings as (

    select * from {{ ref('int_vacancy_postings_folded') }}

),

normalised as (

    select * from {{ ref('int_vacancy_postings_normalised') }}

),

clusters as (

    select * from {{ ref('int_vacancy_duplicate_links') }}

),

occupations as (

    select * from {{ ref('int_vacancy_occupations_coded') }}

),

province_codes as (

    select * from {{ ref('province_codes') }}

),

regencies as (

    select * from {{ ref('stg_wilayah__regencies') }}

),

final as (

    select
        p.posting_id,
        p.source,
        p.source_posting_id,
        c.vacancy_id,
        c.is_first_posting,
        c.duplicate_type,
        len(c.uncertain_links) > 0 as has_uncertain_duplicate,
        p.job_title,
        p.company_name,
        p.is_company_confidential,
        p.category_text,
        p.description,
        p.posting_url,
        p.location_text,
        case
            when n.province_code_system = 'kemendagri' then pc.bps_code else n.province_code
        end as province_bps_code,
        -- Said of the code published: a Kemendagri code the seed could not convert has none.
        case
            when n.province_code_system = 'kemendagri' and pc.bps_code is not null then 'bps'
            when n.province_code_system != 'kemendagri' and n.province_code is not null then 'bps'
        end as province_code_system,
        case
            when n.province_code_system = 'kemendagri' and pc.bps_code is not null then '2024'
            when n.province_code_system != 'kemendagri' then n.province_code_vintage
        end as province_code_vintage,
        case
            when n.regency_code_system = 'kemendagri' then r.bps_code_2020 else n.regency_code
        end as regency_bps_code,
        case
            when n.regency_code_system = 'kemendagri' and r.bps_code_2020 is not null then 'bps'
            when n.regency_code_system != 'kemendagri' then n.regency_code_system
        end as regency_code_system,
        case
            when n.regency_code_system = 'kemendagri' and r.bps_code_2020 is not null then '2020'
            when n.regency_code_system != 'kemendagri' then n.regency_code_vintage
        end as regency_code_vintage,
        n.province_code_kemendagri_2025 as province_kemendagri_code,
        n.regency_code_kemendagri_2025 as regency_kemendagri_code,
        n.location_status,
        p.salary_text,
        n.salary_status,
        n.salary_currency,
        n.salary_period,
        n.salary_min,
        n.salary_max,
        -- Rupiah columns hold rupiah only: pay in another currency keeps its own columns above.
        -- The columns researchers aggregate hold plausible pay only ("IDR 6 - 9 monthly" is not
        -- a wage a min() or avg() should meet); the amount as posted stays in `_as_posted`.
        case
            when n.salary_currency = 'IDR' and n.salary_is_plausible then n.salary_monthly_min
        end as salary_monthly_min_idr,
        case
            when n.salary_currency = 'IDR' and n.salary_is_plausible then n.salary_monthly_max
        end as salary_monthly_max_idr,
        n.salary_is_plausible,
        case
            when n.salary_currency = 'IDR' then n.salary_monthly_min
        end as salary_monthly_min_idr_as_posted,
        case
            when n.salary_currency = 'IDR' then n.salary_monthly_max
        end as salary_monthly_max_idr_as_posted,
        n.salary_flags,
        p.posted_at,
        n.posted_date,
        n.posted_date_status,
        p.first_seen_date,
        p.last_seen_date,
        p.days_seen,
        p.rows_in_source,
        n.education_level,
        n.experience_min_years,
        n.experience_max_years,
        n.employment_type,
        n.employment_types,
        n.work_arrangement,
        o.kbji4 as kbji2014_code,
        o.isco08 as isco08_code,
        o.occupation_confidence,
        o.kbji4_alt1 as kbji2014_code_alt1,
        o.kbji4_alt2 as kbji2014_code_alt2,
        coalesce(o.is_auto_coded, false) as is_occupation_coded
    from postings as p
    left join normalised as n
        on p.posting_id = n.posting_id
    left join clusters as c
        on p.posting_id = c.posting_id
    left join occupations as o
        on p.posting_id = o.posting_id
    left join province_codes as pc
        on
            n.province_code_system = 'kemendagri'
            and n.province_code = pc.kemendagri_code
    left join regencies as r
        on
            n.regency_code_system = 'kemendagri'
            and n.regency_code = r.kemendagri_code

)

select * from final
