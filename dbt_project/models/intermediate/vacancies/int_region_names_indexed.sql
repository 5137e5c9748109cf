-- One row per normalised place name that points at exactly one province, with the regency when
-- the name points at exactly one regency. A bare name shared by a kabupaten and a kota
-- (Tangerang, Bekasi, Bandung...) resolves to the province only and is marked ambiguous.
with

regions as (

    select * from {{ ref('dim_region') }}

),

province_names as (

    select
        upper(region_name) as place_name,
        province_kemendagri_code,
        null as regency_code
    from regions
    where region_level = 'province'
    union all
    -- Spellings the vacancy boards use for the capital and the special region.
    select * from (
        values
        ('JAKARTA RAYA', '31', null),
        ('JAKARTA', '31', null),
        ('DAERAH KHUSUS IBUKOTA JAKARTA', '31', null),
        ('DAERAH ISTIMEWA YOGYAKARTA', '34', null)
    ) as aliases (place_name, province_kemendagri_code, regency_code)  -- noqa: AL05

),

regency_names as (

    select
        upper(trim(regexp_replace(
            region_name, '^(Kabupaten Administrasi|Kota Administrasi|Kabupaten|Kota)\s+', '', 'i'
        ))) as bare_name,
        regency_type,
        province_kemendagri_code,
        kemendagri_code as regency_code
    from regions
    where region_level = 'regency'

),

regency_forms as (

    -- "Tangerang Selatan", "Kota Tangerang", "Kabupaten Tangerang", "Bandung Kota"
    select
        bare_name as place_name,
        province_kemendagri_code,
        regency_code
    from regency_names
    union all
    select
        upper(regency_type) || ' ' || bare_name as place_name,
        province_kemendagri_code,
        regency_code
    from regency_names
    union all
    select
        bare_name || ' ' || upper(regency_type) as place_name,
        province_kemendagri_code,
        regency_code
    from regency_names
    union all
    select
        'KAB. ' || bare_name as place_name,
        province_kemendagri_code,
        regency_code
    from regency_names
    where regency_type = 'Kabupaten'

),

all_names as (

    select * from province_names
    union all
    select * from regency_forms

),

final as (

    select
        place_name,
        min(province_kemendagri_code) as province_kemendagri_code,
        case when count(distinct regency_code) = 1 then min(regency_code) end as regency_code,
        count(distinct regency_code) > 1 as is_ambiguous
    from all_names
    group by place_name
    having count(distinct province_kemendagri_code) = 1

)

select * from final
