-- One row per placement of a job seeker by the public employment service (AK1 placements):
-- local (AKL), to another region (AKAD) or abroad (AKAN). Pseudonymised like fct_job_seekers and
-- SYNTHETIC until real exports are landed; the jabatan is coded to KBJI 2014. Exports are
-- snapshots: a placement, and the registration it joins, are their latest snapshots.
with

placements as (

    {{ latest_snapshot(ref('stg_ak1__placements'), 'placement_id') }}

),

job_seekers as (

    {{ latest_snapshot(ref('stg_ak1__job_seekers'), 'job_seeker_id') }}

),

wlkp_companies as (

    select distinct wlkp_company_id from {{ ref('stg_wlkp__workforce_reports') }}

),

titles as (

    select * from {{ ref('int_admin_titles_coded') }}

),

final as (

    select
        placements.placement_id,
        placements.job_seeker_id,
        placements.registration_id,
        job_seekers.job_seeker_id is not null as is_job_seeker_in_register,
        placements.placement_date,
        cast(date_trunc('month', placements.placement_date) as date) as placement_month_date,
        placements.placement_date - job_seekers.registered_date as days_since_registration,
        placements.employer_name,
        placements.wlkp_company_id,
        wlkp_companies.wlkp_company_id is not null as is_wlkp_reporting_company,
        placements.jabatan_title,
        titles.kbji4,
        titles.isco08,
        titles.occupation_confidence,
        coalesce(titles.is_auto_coded, false) as is_auto_coded,
        coalesce(titles.occupation_coding_status, 'no_job_words') as occupation_coding_status,
        placements.placement_kind,
        case placements.placement_kind
            when 'AKL' then 'local'
            when 'AKAD' then 'another_region'
            when 'AKAN' then 'abroad'
        end as placement_scope,
        placements.destination_country,
        placements.vacancy_source,
        placements.wage_monthly_idr,
        placements.region_id,
        'province-' || placements.province_code_kemendagri as province_region_id,
        placements.province_code_kemendagri,
        placements.regency_code_kemendagri,
        placements.province_code_bps,
        placements.regency_code_bps,
        placements.region_match_method,
        placements.is_synthetic,
        placements.first_seen_date,
        placements.last_seen_date,
        placements.snapshot_days
    from placements
    left join job_seekers
        on placements.job_seeker_id = job_seekers.job_seeker_id
    left join wlkp_companies
        on placements.wlkp_company_id = wlkp_companies.wlkp_company_id
    left join titles
        on trim(placements.jabatan_title) = titles.job_title

)

select * from final
