-- One row per MagangHub internship position. Timestamps were WIB wall-clock time in the export
-- and are UTC here; the region is the posting company's.
{{ config(
    post_hook="{{ delete_removed_partitions(source('admin_raw', 'maganghub_positions')) }}"
) }}

with

source as (

    select * from {{ source('admin_raw', 'maganghub_positions') }}
    {{ partitions_not_in_this(source('admin_raw', 'maganghub_positions')) }}

),

renamed as (

    select
        position_id as source_vacancy_id,
        vacancy_title,
        kbji_code_stated,
        description_text,
        position_status,
        quota as places_total,
        registered_applicants,
        applicants_per_place,
        created_at,
        updated_at,
        cast(timezone('Asia/Jakarta', created_at) as date) as published_date,
        required_sex_id,
        required_physical_condition_id,
        min_age,
        max_age,
        accepted_education_levels,
        accepted_study_programmes,
        programme_batch,
        registration_start_date,
        registration_end_date,
        internship_start_date,
        internship_end_date,
        program_id,
        company_id as employer_id,
        company_name as employer_name,
        has_wlkp_company_profile,
        region_name as source_region_name,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        is_synthetic,
        _source_file as source_file,
        _source_row as source_row,
        _partition_key,
        _run_id
    from source

)

select * from renamed
