-- Publication gate frame for the minimum wages mart: each row and whether its province exists in
-- dim_region.
select
    w.province_kemendagri_code,
    w.wage_year,
    w.minimum_wage_monthly_idr,
    r.kemendagri_code is not null as is_province_in_dim_region
from marts.fct_minimum_wages as w
left join marts.dim_region as r
    on r.region_level = 'province'
    and w.province_kemendagri_code = r.kemendagri_code
