-- One row per WLKP report x company x jabatan x sex x employment relation: the workforce companies
-- declare in their mandatory employment report (WLKP), with the company's KBLI 2020 class and
-- region and the jabatan coded to KBJI 2014. SYNTHETIC data (the WLKP generator) until real
-- exports are landed. Foreign workers (TKA) are their own group in the WLKP layout, not split by
-- relation. Two lines of one report with the same jabatan title are summed.
with

reports as (

    select * from {{ ref('stg_wlkp__workforce_reports') }}

),

titles as (

    select * from {{ ref('int_admin_titles_coded') }}

),

worker_groups as (

    -- The eight worker columns of a WLKP line, as (relation, sex).
    select
        worker_group.employment_relation,
        worker_group.sex,
        worker_group.count_column
    from (
        values
        ('pkwtt', 'male', 'workers_pkwtt_male'),
        ('pkwtt', 'female', 'workers_pkwtt_female'),
        ('pkwt', 'male', 'workers_pkwt_male'),
        ('pkwt', 'female', 'workers_pkwt_female'),
        ('outsourced', 'male', 'workers_outsourced_male'),
        ('outsourced', 'female', 'workers_outsourced_female'),
        ('foreign_tka', 'male', 'foreign_workers_male'),
        ('foreign_tka', 'female', 'foreign_workers_female')
    ) as worker_group (employment_relation, sex, count_column)

),

unpivoted as (

    select
        reports.report_period,
        reports.reported_date,
        reports.wlkp_company_id,
        reports.company_name,
        reports.nib,
        reports.kbli_code,
        reports.is_kbli_valid,
        reports.capital_status,
        reports.region_id,
        reports.province_code_kemendagri,
        reports.regency_code_kemendagri,
        reports.province_code_bps,
        reports.regency_code_bps,
        reports.region_match_method,
        reports.source_file,
        reports.source_sheet,
        reports.source_row,
        trim(reports.jabatan_title) as jabatan_title,
        worker_groups.employment_relation,
        worker_groups.sex,
        case worker_groups.count_column
            when 'workers_pkwtt_male' then reports.workers_pkwtt_male
            when 'workers_pkwtt_female' then reports.workers_pkwtt_female
            when 'workers_pkwt_male' then reports.workers_pkwt_male
            when 'workers_pkwt_female' then reports.workers_pkwt_female
            when 'workers_outsourced_male' then reports.workers_outsourced_male
            when 'workers_outsourced_female' then reports.workers_outsourced_female
            when 'foreign_workers_male' then reports.foreign_workers_male
            when 'foreign_workers_female' then reports.foreign_workers_female
        end as workers,
        reports.is_synthetic
    from reports
    cross join worker_groups

),

aggregated as (

    select
        report_period,
        wlkp_company_id,
        jabatan_title,
        sex,
        employment_relation,
        cast(sum(workers) as bigint) as workers,
        count(*) as report_lines,
        max(reported_date) as reported_date,
        bool_and(is_kbli_valid) as is_kbli_valid,
        bool_or(is_synthetic) as is_synthetic,
        -- The company's fields repeat on every line of its report; should two lines disagree,
        -- all of them come from one line, the latest (then the last in the file), so the same
        -- report always gives the same values.
        arg_max(
            {
                'company_name': company_name,
                'nib': nib,
                'kbli_code': kbli_code,
                'capital_status': capital_status,
                'region_id': region_id,
                'province_code_kemendagri': province_code_kemendagri,
                'regency_code_kemendagri': regency_code_kemendagri,
                'province_code_bps': province_code_bps,
                'regency_code_bps': regency_code_bps,
                'region_match_method': region_match_method
            },
            (reported_date, source_file, source_sheet, source_row)
        ) as company
    from unpivoted
    group by report_period, wlkp_company_id, jabatan_title, sex, employment_relation

),

aggregated_with_company as (

    select
        * exclude (company),
        -- A struct unnests to one column per field, each named after its field.
        unnest(company)  -- noqa: AL03
    from aggregated

),

final as (

    select
        aggregated.report_period,
        aggregated.reported_date,
        aggregated.wlkp_company_id,
        aggregated.company_name,
        aggregated.nib,
        case when aggregated.is_kbli_valid then aggregated.kbli_code end as kbli_code,
        aggregated.kbli_code as kbli_code_reported,
        aggregated.capital_status,
        aggregated.region_id,
        'province-' || aggregated.province_code_kemendagri as province_region_id,
        aggregated.province_code_kemendagri,
        aggregated.regency_code_kemendagri,
        aggregated.province_code_bps,
        aggregated.regency_code_bps,
        aggregated.region_match_method,
        aggregated.jabatan_title,
        titles.kbji4,
        titles.isco08,
        titles.occupation_confidence,
        coalesce(titles.is_auto_coded, false) as is_auto_coded,
        coalesce(titles.occupation_coding_status, 'no_job_words') as occupation_coding_status,
        aggregated.employment_relation,
        aggregated.sex,
        aggregated.workers,
        aggregated.report_lines,
        aggregated.is_synthetic
    from aggregated_with_company as aggregated
    left join titles
        on aggregated.jabatan_title = titles.job_title

)

select * from final
