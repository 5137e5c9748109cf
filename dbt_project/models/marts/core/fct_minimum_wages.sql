-- One row per province and year with a provincial minimum wage (UMP), keyed on province codes.
with

wages as (

    select * from {{ ref('stg_ump__province_minimum_wages') }}

),

province_codes as (

    select * from {{ ref('province_codes') }}

),

final as (

    select
        p.bps_code as province_bps_code,
        p.kemendagri_code as province_kemendagri_code,
        w.wage_year,
        w.minimum_wage_monthly_idr,
        w.wage_source,
        w.is_provisional
    from wages as w
    inner join province_codes as p
        on w.province_name = p.province_name

)

select * from final
