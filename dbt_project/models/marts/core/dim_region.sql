-- One row per region: the 38 provinces and their 514 regencies and cities, keyed on the
-- Kemendagri 2025 code (the only system that covers all 38 provinces), with the BPS code beside
-- it. BPS regency codes are those of BPS's 2020 bridging table (`bps_code_vintage`); the
-- regencies of the four provinces created in 2022 keep their 2020 BPS code, which still points
-- into the pre-split Papua or Papua Barat.
with

province_codes as (

    select * from {{ ref('province_codes') }}

),

regencies as (

    select * from {{ ref('stg_wilayah__regencies') }}

),

provinces as (

    select
        'province-' || kemendagri_code as region_id,
        'province' as region_level,
        kemendagri_code,
        bps_code,
        case
            when bps_code_source = 'bps_kemendagri_bridging_2020' then '2020' else '2024'
        end as bps_code_vintage,
        province_name as region_name,
        cast(null as varchar) as regency_type,
        kemendagri_code as province_kemendagri_code,
        bps_code as province_bps_code,
        province_name
    from province_codes

),

regency_rows as (

    select
        'regency-' || r.kemendagri_code as region_id,
        'regency' as region_level,
        r.kemendagri_code,
        r.bps_code_2020 as bps_code,
        case when r.bps_code_2020 is not null then '2020' end as bps_code_vintage,
        r.regency_name as region_name,
        r.regency_type,
        p.kemendagri_code as province_kemendagri_code,
        p.bps_code as province_bps_code,
        p.province_name
    from regencies as r
    inner join province_codes as p
        on r.kemendagri_province_code = p.kemendagri_code

),

final as (

    select * from provinces
    union all
    select * from regency_rows

)

select * from final
