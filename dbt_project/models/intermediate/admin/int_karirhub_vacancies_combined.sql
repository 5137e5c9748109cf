-- One row per Karirhub vacancy across the three shapes of the same data: the job-detail API (the
-- richest), the search listing and the RSS feed generated from it. Each shape is a daily
-- snapshot, so a vacancy still open is exported again every day: each shape gives its latest
-- snapshot of the vacancy (macros/latest_snapshot.sql), and the days it was seen in are those of
-- any of the three. Attributes come from the detail API when it has the vacancy, else from the
-- listing, else from the feed; the flags say where the vacancy was seen.
with

snapshots as (

    select
        source_vacancy_id,
        _partition_key,
        source_file,
        published_date
    from {{ ref('stg_karirhub__vacancies') }}
    union all
    select
        source_vacancy_id,
        _partition_key,
        source_file,
        published_date
    from {{ ref('stg_karirhub__listing_hits') }}
    union all
    select
        source_vacancy_id,
        _partition_key,
        source_file,
        published_date
    from {{ ref('stg_karirhub__rss_items') }}

),

details as (

    {{ latest_snapshot(ref('stg_karirhub__vacancies'), 'source_vacancy_id') }}

),

listing as (

    {{ latest_snapshot(ref('stg_karirhub__listing_hits'), 'source_vacancy_id') }}

),

rss as (

    {{ latest_snapshot(ref('stg_karirhub__rss_items'), 'source_vacancy_id') }}

),

-- The day each export stands for (macro export_snapshot_date): a monthly or yearly file is
-- dated by its latest publication over the three shapes.
export_dates as (

    select
        _partition_key,
        {{ export_snapshot_date('max(published_date)') }} as portal_snapshot_date
    from snapshots
    group by _partition_key

),

seen as (

    select
        source_vacancy_id,
        cast(min(_partition_key) as date) as first_seen_date,
        cast(max(_partition_key) as date) as last_seen_date,
        count(distinct _partition_key) as snapshot_days,
        max(_partition_key) as last_partition_key
    from snapshots
    group by source_vacancy_id

),

final as (

    select
        seen.source_vacancy_id,
        coalesce(d.vacancy_title, l.vacancy_title, r.vacancy_title) as vacancy_title,
        coalesce(d.job_function_name, l.job_function_name, r.job_function_name)
            as job_function_name,
        coalesce(d.job_type_name, l.job_type_name, r.job_type_name) as job_type_name,
        coalesce(d.industry_name, l.industry_name, r.industry_name) as industry_name,
        d.vacancy_status,
        d.places_total,
        d.places_filled,
        d.places_open,
        coalesce(d.published_at, l.published_at, r.published_at) as published_at,
        coalesce(d.published_date, l.published_date, r.published_date) as published_date,
        d.expires_date,
        coalesce(d.is_salary_shown, l.is_salary_shown) as is_salary_shown,
        coalesce(d.salary_status, l.salary_status) as salary_status,
        coalesce(d.wage_min_monthly_idr, l.wage_min_monthly_idr) as wage_min_monthly_idr,
        coalesce(d.wage_max_monthly_idr, l.wage_max_monthly_idr) as wage_max_monthly_idr,
        d.required_sex,
        d.required_physical_condition,
        d.required_marital_status,
        d.min_age,
        d.max_age,
        d.min_experience_years,
        d.min_education_name,
        d.min_education_level,
        d.village_code_kemendagri,
        d.district_code_kemendagri,
        coalesce(d.region_id, l.region_id, r.region_id) as region_id,
        coalesce(d.province_code_kemendagri, l.province_code_kemendagri, r.province_code_kemendagri)
            as province_code_kemendagri,
        coalesce(d.regency_code_kemendagri, l.regency_code_kemendagri, r.regency_code_kemendagri)
            as regency_code_kemendagri,
        coalesce(d.province_code_bps, l.province_code_bps, r.province_code_bps)
            as province_code_bps,
        coalesce(d.regency_code_bps, l.regency_code_bps, r.regency_code_bps) as regency_code_bps,
        coalesce(d.region_match_method, l.region_match_method, r.region_match_method)
            as region_match_method,
        coalesce(d.is_region_resolved, l.is_region_resolved, r.is_region_resolved)
            as is_region_resolved,
        coalesce(d.employer_id, l.employer_id) as employer_id,
        coalesce(d.employer_name, l.employer_name, r.employer_name) as employer_name,
        d.has_wlkp_company_profile,
        coalesce(d.is_partner_repost, l.is_partner_repost) as is_partner_repost,
        coalesce(d.partner_platform_name, l.partner_platform_name) as partner_platform_name,
        d.is_confidential,
        d.source_vacancy_id is not null as is_in_detail_api,
        l.source_vacancy_id is not null as is_in_listing,
        r.source_vacancy_id is not null as is_in_rss_feed,
        coalesce(d.is_synthetic, l.is_synthetic, r.is_synthetic) as is_synthetic,
        seen.first_seen_date,
        seen.last_seen_date,
        seen.snapshot_days,
        export_dates.portal_snapshot_date
    from seen
    left join export_dates
        on seen.last_partition_key = export_dates._partition_key
    left join details as d
        on seen.source_vacancy_id = d.source_vacancy_id
    left join listing as l
        on seen.source_vacancy_id = l.source_vacancy_id
    left join rss as r
        on seen.source_vacancy_id = r.source_vacancy_id

)

select * from final
