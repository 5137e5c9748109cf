-- One row per item of the RSS feed generated (by a third party) from the Karirhub listing. The
-- title is the full one from the item's content, not the shortened <title>.
{{ config(
    post_hook="{{ delete_removed_partitions(source('admin_raw', 'karirhub_rss_items')) }}"
) }}

with

source as (

    select * from {{ source('admin_raw', 'karirhub_rss_items') }}
    {{ partitions_not_in_this(source('admin_raw', 'karirhub_rss_items')) }}

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
        region_name as source_region_name,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        employer_name,
        vacancy_url,
        is_synthetic,
        _source_file as source_file,
        _source_row as source_row,
        _partition_key,
        _run_id
    from source

)

select * from renamed
