-- One row per hit of the Karirhub search listing page (a subset of the detail API's vacancies,
-- with fewer fields). Publication times are epoch seconds in the source, UTC here.
{{ config(
    post_hook="{{ delete_removed_partitions(source('admin_raw', 'karirhub_listing_hits')) }}"
) }}

with

source as (

    select * from {{ source('admin_raw', 'karirhub_listing_hits') }}
    {{ partitions_not_in_this(source('admin_raw', 'karirhub_listing_hits')) }}

),

renamed as (

    select
        vacancy_id as source_vacancy_id,
        vacancy_title,
        job_function_name,
        job_type_name,
        industry_name,
        published_at,
        cast(timezone('Asia/Jakarta', published_at) as date) as published_date,
        is_salary_shown,
        salary_status,
        wage_min_monthly_idr,
        wage_max_monthly_idr,
        region_name as source_region_name,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        employer_id,
        employer_name,
        is_partner_repost,
        partner_platform_name,
        skills,
        is_synthetic,
        _source_file as source_file,
        _source_row as source_row,
        _partition_key,
        _run_id
    from source

)

select * from renamed
