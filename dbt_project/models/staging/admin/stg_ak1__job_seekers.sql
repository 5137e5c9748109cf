-- One row per AK1 registration. Identifiers are keyed pseudonyms (HMAC-SHA256) made at landing;
-- no name, contact, address or birth date exists in the warehouse.
{{ config(
    post_hook="{{ delete_removed_partitions(source('admin_raw', 'ak1_job_seekers')) }}"
) }}

with

source as (

    select * from {{ source('admin_raw', 'ak1_job_seekers') }}
    {{ partitions_not_in_this(source('admin_raw', 'ak1_job_seekers')) }}

),

renamed as (

    select
        job_seeker_id,
        registration_id,
        sex,
        birth_year,
        age_at_registration,
        marital_status,
        education_level,
        education_major,
        graduation_year,
        skills,
        desired_jabatan_title,
        desired_location,
        disability as disability_type,
        has_disability,
        regency_name,
        province_name,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        registered_date,
        valid_until_date,
        register_status,
        is_synthetic,
        _source_file as source_file,
        _source_row as source_row,
        _partition_key,
        _run_id
    from source

)

select * from renamed
