-- Returns one row per posting whose `province_bps_code` is not the BPS code of the province it
-- was placed in (province_codes seed), e.g. a Kemendagri code (93, 96) of a 2022 Papua province.
-- A posting dated before its province was split off keeps its former province's BPS 2020 code
-- (vintage 2020): it is allowed.
with

postings as (

    select * from {{ ref('fct_vacancy_postings') }}

),

province_codes as (

    select * from {{ ref('province_codes') }}

),

final as (

    select
        p.posting_id,
        p.location_text,
        p.province_kemendagri_code,
        p.province_bps_code,
        p.province_code_system,
        p.province_code_vintage,
        pc.bps_code as expected_bps_code
    from postings as p
    inner join province_codes as pc
        on p.province_kemendagri_code = pc.kemendagri_code
    where
        (
            p.province_bps_code is distinct from pc.bps_code
            and not (
                pc.bps_code_source = 'bps_tpt_province_august_2024'
                and p.province_code_vintage = '2020'
            )
        )
        or p.province_code_system is distinct from 'bps'

)

select * from final
