-- Staging gate frame for the provincial minimum wages: every row, with whether its province
-- is in the province code list.
select
    w.wage_year,
    w.province_name,
    w.minimum_wage_monthly_idr,
    p.province_name is not null as is_province_known
from staging.stg_ump__province_minimum_wages as w
left join reference.province_codes as p
    on w.province_name = p.province_name
