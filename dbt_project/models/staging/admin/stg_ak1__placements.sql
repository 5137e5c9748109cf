-- One row per AK1 placement. `job_seeker_id` is the register's pseudonym of the same NIK, so
-- placements join job seekers without any identifier in clear.
{{ config(
    post_hook="{{ delete_removed_partitions(source('admin_raw', 'ak1_placements')) }}"
) }}

with

source as (

    select * from {{ source('admin_raw', 'ak1_placements') }}
    {{ partitions_not_in_this(source('admin_raw', 'ak1_placements')) }}

),

renamed as (

    select
        placement_id,
        job_seeker_id,
        registration_id,
        placement_date,
        employer_name,
        wlkp_company_id,
        jabatan_title,
        regency_name,
        province_name,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        placement_kind,
        destination_country,
        vacancy_source,
        wage_monthly_idr,
        is_synthetic,
        _source_file as source_file,
        _source_row as source_row,
        _partition_key,
        _run_id
    from source

)

select * from renamed
