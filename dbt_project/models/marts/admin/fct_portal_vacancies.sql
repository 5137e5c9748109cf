-- One row per vacancy on the Ministry of Manpower's portals: Karirhub (SIAPkerja, ex-AyoKitaKerja)
-- and MagangHub internships. Real data. Places, pay as shown, the requirements employers state
-- (inputs of the discrimination checks), region keys, employer and partner-platform re-posts;
-- the title coded to KBJI 2014 once per distinct title. The portals export daily snapshots: a
-- vacancy is its latest snapshot, with the first and last day an export had it.
with

karirhub as (

    select * from {{ ref('int_karirhub_vacancies_combined') }}

),

maganghub_snapshots as (

    select * from {{ ref('stg_maganghub__positions') }}

),

maganghub_latest as (

    {{ latest_snapshot(ref('stg_maganghub__positions'), 'source_vacancy_id') }}

),

-- The day each export stands for (macro export_snapshot_date): a monthly or yearly file is
-- dated by its latest update.
maganghub_export_dates as (

    select
        _partition_key,
        {{ export_snapshot_date(
            "max(cast(timezone('Asia/Jakarta', updated_at) as date))"
        ) }} as portal_snapshot_date
    from maganghub_snapshots
    group by _partition_key

),

maganghub as (

    select
        maganghub_latest.*,
        export_dates.portal_snapshot_date
    from maganghub_latest
    left join maganghub_export_dates as export_dates
        on maganghub_latest._partition_key = export_dates._partition_key

),

titles as (

    select * from {{ ref('int_admin_titles_coded') }}

),

karirhub_vacancies as (

    select
        'karirhub:' || source_vacancy_id as portal_vacancy_id,
        'karirhub' as portal,
        source_vacancy_id,
        vacancy_title,
        job_function_name,
        job_type_name,
        industry_name,
        coalesce(job_type_name = 'Internship', false) as is_internship,
        vacancy_status,
        places_total,
        places_filled,
        places_open,
        cast(null as bigint) as registered_applicants,
        published_at,
        published_date,
        expires_date as closing_date,
        portal_snapshot_date,
        is_salary_shown,
        salary_status,
        wage_min_monthly_idr,
        wage_max_monthly_idr,
        required_sex,
        required_physical_condition,
        required_marital_status,
        min_age,
        max_age,
        min_experience_years,
        min_education_name,
        min_education_level,
        village_code_kemendagri,
        district_code_kemendagri,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        employer_id,
        employer_name,
        has_wlkp_company_profile,
        is_partner_repost,
        partner_platform_name,
        is_confidential,
        is_in_detail_api,
        is_in_listing,
        is_in_rss_feed,
        is_synthetic,
        first_seen_date,
        last_seen_date,
        snapshot_days
    from karirhub

),

maganghub_vacancies as (

    select
        'maganghub:' || source_vacancy_id as portal_vacancy_id,
        'maganghub' as portal,
        source_vacancy_id,
        vacancy_title,
        cast(null as varchar) as job_function_name,
        'Internship' as job_type_name,
        cast(null as varchar) as industry_name,
        true as is_internship,
        position_status as vacancy_status,
        places_total,
        cast(null as bigint) as places_filled,
        -- MagangHub gives no filled places; the batch was still registering when exported.
        places_total as places_open,
        registered_applicants,
        created_at as published_at,
        published_date,
        registration_end_date as closing_date,
        portal_snapshot_date,
        cast(null as boolean) as is_salary_shown,
        'none' as salary_status,
        cast(null as bigint) as wage_min_monthly_idr,
        cast(null as bigint) as wage_max_monthly_idr,
        -- MagangHub's requirement ids have no published code list; an id is kept, marked.
        'maganghub_id:' || required_sex_id as required_sex,
        'maganghub_id:' || required_physical_condition_id as required_physical_condition,
        cast(null as varchar) as required_marital_status,
        min_age,
        max_age,
        cast(null as bigint) as min_experience_years,
        case
            when list_contains(accepted_education_levels, 'Diploma') then 'Diploma'
            when list_contains(accepted_education_levels, 'Sarjana') then 'Sarjana'
        end as min_education_name,
        case
            when list_contains(accepted_education_levels, 'Diploma') then 40
            when list_contains(accepted_education_levels, 'Sarjana') then 50
        end as min_education_level,
        cast(null as varchar) as village_code_kemendagri,
        cast(null as varchar) as district_code_kemendagri,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        employer_id,
        employer_name,
        has_wlkp_company_profile,
        false as is_partner_repost,
        cast(null as varchar) as partner_platform_name,
        false as is_confidential,
        false as is_in_detail_api,
        false as is_in_listing,
        false as is_in_rss_feed,
        is_synthetic,
        first_seen_date,
        last_seen_date,
        snapshot_days
    from maganghub

),

vacancies as (

    select * from karirhub_vacancies
    union all
    select * from maganghub_vacancies

),

final as (

    select
        vacancies.portal_vacancy_id,
        vacancies.portal,
        vacancies.source_vacancy_id,
        vacancies.vacancy_title,
        titles.kbji4,
        titles.isco08,
        titles.occupation_confidence,
        coalesce(titles.is_auto_coded, false) as is_auto_coded,
        coalesce(titles.occupation_coding_status, 'no_job_words') as occupation_coding_status,
        vacancies.job_function_name,
        vacancies.job_type_name,
        vacancies.industry_name,
        vacancies.is_internship,
        vacancies.vacancy_status,
        vacancies.places_total,
        vacancies.places_filled,
        vacancies.places_open,
        vacancies.registered_applicants,
        vacancies.published_at,
        vacancies.published_date,
        vacancies.closing_date,
        vacancies.portal_snapshot_date,
        vacancies.is_salary_shown,
        vacancies.salary_status,
        vacancies.wage_min_monthly_idr,
        vacancies.wage_max_monthly_idr,
        vacancies.required_sex,
        vacancies.required_physical_condition,
        vacancies.required_marital_status,
        vacancies.min_age,
        vacancies.max_age,
        vacancies.required_sex is not null as has_sex_requirement,
        vacancies.min_age is not null or vacancies.max_age is not null as has_age_limit,
        vacancies.min_experience_years,
        vacancies.min_education_name,
        vacancies.min_education_level,
        vacancies.village_code_kemendagri,
        vacancies.district_code_kemendagri,
        vacancies.region_id,
        'province-' || vacancies.province_code_kemendagri as province_region_id,
        vacancies.province_code_kemendagri,
        vacancies.regency_code_kemendagri,
        vacancies.province_code_bps,
        vacancies.regency_code_bps,
        vacancies.region_match_method,
        vacancies.is_region_resolved,
        vacancies.employer_id,
        vacancies.employer_name,
        vacancies.has_wlkp_company_profile,
        vacancies.is_partner_repost,
        vacancies.partner_platform_name,
        vacancies.is_confidential,
        vacancies.is_in_detail_api,
        vacancies.is_in_listing,
        vacancies.is_in_rss_feed,
        vacancies.is_synthetic,
        vacancies.first_seen_date,
        vacancies.last_seen_date,
        vacancies.snapshot_days
    from vacancies
    left join titles
        on trim(vacancies.vacancy_title) = titles.job_title

)

select * from final
