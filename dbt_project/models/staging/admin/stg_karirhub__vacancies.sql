-- One row per Karirhub vacancy from the job-detail API. Amounts are monthly rupiah; placeholder
-- amounts (888, 999, 0) are already null, and `salary_status` says how the pay was shown.
{{ config(
    post_hook="{{ delete_removed_partitions(source('admin_raw', 'karirhub_vacancies')) }}"
) }}

with

source as (

    select * from {{ source('admin_raw', 'karirhub_vacancies') }}
    {{ partitions_not_in_this(source('admin_raw', 'karirhub_vacancies')) }}

),

renamed as (

    select
        vacancy_id as source_vacancy_id,
        vacancy_title,
        job_function_name,
        job_type_name,
        industry_name,
        vacancy_status,
        quota as places_total,
        filled_quota as places_filled,
        available_quota as places_open,
        published_at,
        cast(timezone('Asia/Jakarta', published_at) as date) as published_date,
        expires_date,
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
        region_level as source_region_level,
        region_name as source_region_name,
        village_code_kemendagri,
        district_code_kemendagri,
        district_code_bps,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        employer_id,
        employer_name,
        employer_industry_name,
        has_wlkp_company_profile,
        is_partner_repost,
        partner_platform_name,
        is_confidential,
        skills,
        description_text,
        qualification_text,
        is_synthetic,
        _source_file as source_file,
        _source_row as source_row,
        _partition_key,
        _run_id
    from source

)

select * from renamed
