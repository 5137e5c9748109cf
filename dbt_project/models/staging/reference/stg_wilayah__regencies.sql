-- One row per regency (kabupaten) or city (kota) in the Kemendagri 2025 list, with its BPS 2020
-- code where one exists. Most regencies bridge on the Kemendagri code; Papua's regencies were
-- renumbered by the 2022 split, so those bridge on name and type within Papua instead.
with

regencies as (

    select * from {{ source('raw', 'wilayah_regencies_2025') }}

),

bridging as (

    select * from {{ source('raw', 'bps_kemendagri_bridging_regencies_2020') }}

),

bridging_named as (

    select
        kode_bps,
        kode_dagri,
        case when upper(nama_dagri) like 'KOTA%' then 'Kota' else 'Kabupaten' end as jenis,
        upper(trim(regexp_replace(nama_dagri, '^(KAB\.?|KOTA)\s+', '', 'i'))) as bare_name
    from bridging

),

regencies_named as (

    select
        *,
        upper(trim(regexp_replace(nama, '^(Kabupaten|Kota)\s+', '', 'i'))) as bare_name
    from regencies

),

joined as (

    select
        r.kode_4digit as kemendagri_code,
        r.kode_provinsi as kemendagri_province_code,
        r.nama as regency_name,
        r.jenis as regency_type,
        coalesce(
            by_code.kode_bps,
            case when r.kode_provinsi between '91' and '96' then by_name.kode_bps end
        ) as bps_code_2020
    from regencies_named as r
    left join bridging_named as by_code
        on r.kode_4digit = by_code.kode_dagri
            and r.kode_provinsi not between '91' and '96'
    left join bridging_named as by_name
        on r.bare_name = by_name.bare_name
            and r.jenis = by_name.jenis
            and by_name.kode_bps like '9%'

)

select * from joined
