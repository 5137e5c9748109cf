-- TODO(3): the quality gate checks this typed view; the published indicators come from the
-- harmonised persons of ingest/sakernas. Moves onto that person table when the gate does.
-- One row per person aged 15+ in the Sakernas August 2020 Jambi extract, with the labour-force
-- status derived by BPS's definitions:
--   employed   = worked at least an hour last week (R9A), worked for income (R9B), helped in a
--                family business (R9C) or temporarily absent from work (R10A);
--   unemployed = not employed and looking for work (R22A), preparing a business (R22B), or not
--                looking because discouraged, already accepted a job or about to start one
--                (R25A codes 1-3).
-- Code 0 in the R* variables means "not applicable" (skip pattern), so it never counts as yes.
with

source as (

    select * from {{ source('raw', 'sakernas_2020_08_jambi') }}

),

typed as (

    select
        urutan as person_id,
        '2020-08' as period,
        lpad(kode_prov, 2, '0') as province_code,
        lpad(kode_prov, 2, '0') || lpad(kode_kab, 2, '0') as regency_code,
        id_nks as census_block_id,
        cast(final_weig as double) as survey_weight,
        k4 as sex_code,
        cast(k6 as integer) as age_years,
        nullif(r6a, '0') as education_code,
        r9a = '1' or r9b = '1' or r9c = '1' or r10a = '1' as is_employed,
        r22a = '1' or r22b = '1' or r25a in ('1', '2', '3') as is_seeking_or_available,
        nullif(r12a, '0') as employment_status_code,
        nullif(r13a_kateg, '0') as sector17_code,
        r13b_kbji2 as kbji2014_major_group_code,
        try_cast(nullif(r14a1, '') as double) as wage_cash_monthly_idr,
        try_cast(nullif(r16a, '') as double) as hours_worked_weekly
    from source

),

final as (

    select
        * exclude (is_seeking_or_available),
        not is_employed and is_seeking_or_available as is_unemployed,
        is_employed or (not is_employed and is_seeking_or_available) as is_in_labour_force,
        case
            when age_years < 25 then '15-24'
            when age_years < 35 then '25-34'
            when age_years < 45 then '35-44'
            when age_years < 55 then '45-54'
            when age_years < 65 then '55-64'
            else '65+'
        end as age_group
    from typed
    where age_years >= 15

)

select * from final
