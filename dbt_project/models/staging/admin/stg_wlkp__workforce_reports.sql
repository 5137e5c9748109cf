-- One row per line of a WLKP export: one company's jabatan in one reporting month, with its
-- workforce by employment relation and sex, BPJS participants and open vacancies. Subtotal and
-- total rows were reconciled and dropped by the reader; the manager's name and the company's
-- phone and e-mail never left the source files.
{{ config(
    post_hook="{{ delete_removed_partitions(source('admin_raw', 'wlkp_workforce_reports')) }}"
) }}

with

source as (

    select * from {{ source('admin_raw', 'wlkp_workforce_reports') }}
    {{ partitions_not_in_this(source('admin_raw', 'wlkp_workforce_reports')) }}

),

renamed as (

    select
        report_period,
        wlkp_company_id,
        company_name,
        nib,
        kbli_code,
        is_kbli_valid,
        capital_status,
        company_address,
        regency_name,
        province_name,
        region_id,
        province_code_kemendagri,
        regency_code_kemendagri,
        province_code_bps,
        regency_code_bps,
        region_match_method,
        is_region_resolved,
        founded_date,
        founded_date_typed_as,
        reported_date,
        reported_date_typed_as,
        jabatan_title,
        workers_pkwtt_male,
        workers_pkwtt_female,
        workers_pkwt_male,
        workers_pkwt_female,
        workers_outsourced_male,
        workers_outsourced_female,
        foreign_workers_male,
        foreign_workers_female,
        bpjs_employment_participants,
        bpjs_health_participants,
        vacancies_male,
        vacancies_female,
        workers_total,
        is_synthetic,
        _source_file as source_file,
        source_sheet,
        _source_row as source_row,
        _partition_key,
        _run_id
    from source

)

select * from renamed
