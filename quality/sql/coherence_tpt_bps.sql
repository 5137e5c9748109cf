-- Coherence frame: the weighted TPT of each province and August round in labour_force_indicators
-- beside the TPT BPS published for it (raw.bps_tpt_province_august); null where BPS has none.
select
    i.period,
    i.area_code as province_bps_code,
    i.value as tpt_warehouse,
    try_cast(b.indeks_tpt as double) as tpt_bps,
    abs(i.value - try_cast(b.indeks_tpt as double)) as tpt_difference_points
from marts.labour_force_indicators as i
left join raw.bps_tpt_province_august as b
    on i.area_code = b.kode_provinsi
    and i.period = b.tahun || '-08'
where i.indicator = 'tpt'
    and i.area_level = 'province'
    and i.breakdown = 'total'
