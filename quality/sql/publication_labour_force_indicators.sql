-- Publication gate frame for the labour-force indicators: rates apart from counts, and whether
-- each area code exists in dim_region (BPS codes).
select
    i.period,
    i.area_level,
    i.area_code,
    i.breakdown,
    i.indicator,
    case when i.unit = 'percent' then i.value end as rate_percent,
    case when i.unit <> 'percent' then i.value end as count_value,
    i.area_level = 'national' or r.bps_code is not null as is_area_in_dim_region
from marts.labour_force_indicators as i
left join marts.dim_region as r
    on i.area_level = r.region_level
    and i.area_code = r.bps_code
