-- Staging gate frame for Sakernas persons: keys, domains, and whether each person's province and
-- regency (BPS codes) exist in dim_region.
select
    p.person_id,
    p.sex_code,
    p.age_years,
    p.survey_weight,
    province.bps_code is not null as is_province_in_dim_region,
    regency.bps_code is not null as is_regency_in_dim_region
from staging.stg_sakernas__persons as p
left join marts.dim_region as province
    on province.region_level = 'province'
    and p.province_code = province.bps_code
left join marts.dim_region as regency
    on regency.region_level = 'regency'
    and p.regency_code = regency.bps_code
