-- One row per period x area x breakdown cell: weighted estimates and their Taylor-linearised
-- variances. Reads `sakernas_psu_cells` (psu_cells.sql: PSU sums per stratum x regency x cell)
-- for one period.
-- Floating-point sums are `sakernas_sum` (sql/macros.sql): a fixed order of addition, so the
-- same inputs give the same bits on any number of threads.
-- Parameters: $period; $with_national, $with_province, $with_regency (booleans, which area
-- levels the round is representative for); $regency_dims (breakdown dimensions published at
-- regency level).

with

design as (

    -- A stratum's persons share one se_method: it names the strata actually used, which differ
    -- where a person's regency is unknown (province x urban/rural, harmonise.py).
    select stratum_id, count(distinct psu_id) as n_psu, min(se_method) as se_method
    from sakernas_persons_input
    where period = $period
    group by stratum_id

),

psu as (

    select * from sakernas_psu_cells

),

by_area as (

    select 'national' as area_level, '00' as area_code, * from psu where $with_national
    union all
    select 'province' as area_level, province_code as area_code, * from psu where $with_province
    union all
    select 'regency' as area_level, regency_code as area_code, * from psu
    where $with_regency and regency_code is not null and list_contains($regency_dims, dim)

),

by_stratum as (

    select
        a.period,
        a.area_level,
        a.area_code,
        a.dim,
        a.value,
        a.stratum_id,
        any_value(d.n_psu) as n_psu,
        any_value(d.se_method) as se_method,
        sum(p_pop) as p_pop, sum(p_lf) as p_lf, sum(p_emp) as p_emp,
        sum(p_unemp) as p_unemp, sum(p_under) as p_under, sum(p_earn) as p_earn,
        sum(p_hours) as p_hours,
        sum(n_pop) as n_pop, sum(n_lf) as n_lf, sum(n_emp) as n_emp,
        sum(n_unemp) as n_unemp, sum(n_under) as n_under, sum(n_earn) as n_earn,
        sum(n_hours) as n_hours,
        sakernas_sum(pop) as pop, sakernas_sum(pop_2) as pop_2,
        sakernas_sum(lf) as lf, sakernas_sum(lf_2) as lf_2,
        sakernas_sum(emp) as emp, sakernas_sum(emp_2) as emp_2,
        sakernas_sum(unemp) as unemp, sakernas_sum(unemp_2) as unemp_2,
        sakernas_sum(under) as under, sakernas_sum(under_2) as under_2,
        sakernas_sum(unemp_lf) as unemp_lf,
        sakernas_sum(lf_pop) as lf_pop,
        sakernas_sum(under_emp) as under_emp,
        sakernas_sum(earn_w) as earn_w, sakernas_sum(earn_w_2) as earn_w_2,
        sakernas_sum(earn_s) as earn_s, sakernas_sum(earn_s_2) as earn_s_2,
        sakernas_sum(earn_sw) as earn_sw, sakernas_sum(earn_ss) as earn_ss,
        sakernas_sum(hours_w) as hours_w, sakernas_sum(hours_w_2) as hours_w_2,
        sakernas_sum(hours_s) as hours_s, sakernas_sum(hours_s_2) as hours_s_2,
        sakernas_sum(hours_sw) as hours_sw
    from by_area as a
    inner join design as d on a.stratum_id = d.stratum_id
    group by a.period, a.area_level, a.area_code, a.dim, a.value, a.stratum_id

),

cell_totals as (

    select
        period,
        area_level,
        area_code,
        dim,
        value,
        sakernas_sum(pop) as cell_pop,
        sakernas_sum(lf) as cell_lf,
        sakernas_sum(emp) as cell_emp,
        sakernas_sum(unemp) as cell_unemp,
        sakernas_sum(under) as cell_under,
        sakernas_sum(earn_w) as cell_earn_w,
        sakernas_sum(earn_s) as cell_earn_s,
        sakernas_sum(hours_w) as cell_hours_w,
        sakernas_sum(hours_s) as cell_hours_s
    from by_stratum
    group by period, area_level, area_code, dim, value

),

with_cell_totals as (

    select *
    from by_stratum
    inner join cell_totals using (period, area_level, area_code, dim, value)

),

ratios as (

    select
        *,
        cell_unemp / nullif(cell_lf, 0) as r_tpt,
        cell_lf / nullif(cell_pop, 0) as r_tpak,
        cell_under / nullif(cell_emp, 0) as r_under,
        cell_earn_s / nullif(cell_earn_w, 0) as r_earn,
        cell_hours_s / nullif(cell_hours_w, 0) as r_hours
    from with_cell_totals

),

final as (

    select
        period,
        area_level,
        area_code,
        dim,
        value,
        count(*) as n_strata,
        -- Strata holding one of the persons each indicator counts: with the p_* PSU counts,
        -- the design degrees of freedom of the cell (PSUs minus strata).
        count(*) filter (where p_pop > 0) as s_pop, count(*) filter (where p_lf > 0) as s_lf,
        count(*) filter (where p_emp > 0) as s_emp,
        count(*) filter (where p_unemp > 0) as s_unemp,
        count(*) filter (where p_under > 0) as s_under,
        count(*) filter (where p_earn > 0) as s_earn,
        count(*) filter (where p_hours > 0) as s_hours,
        sum(n_psu) as n_psu,
        -- Every method of the strata the cell draws on (a national cell can mix two).
        array_to_string(list_sort(list_distinct(list(se_method))), ' | ') as se_method,
        sum(p_pop) as p_pop, sum(p_lf) as p_lf, sum(p_emp) as p_emp,
        sum(p_unemp) as p_unemp, sum(p_under) as p_under, sum(p_earn) as p_earn,
        sum(p_hours) as p_hours,
        sum(n_pop) as n_pop, sum(n_lf) as n_lf, sum(n_emp) as n_emp,
        sum(n_unemp) as n_unemp, sum(n_under) as n_under, sum(n_earn) as n_earn,
        sum(n_hours) as n_hours,
        any_value(cell_pop) as pop,
        any_value(cell_lf) as lf,
        any_value(cell_emp) as emp,
        any_value(cell_unemp) as unemp,
        any_value(cell_under) as under,
        any_value(r_tpt) as tpt,
        any_value(r_tpak) as tpak,
        any_value(r_under) as under_rate,
        any_value(r_earn) as earn_mean,
        any_value(r_hours) as hours_mean,
        sakernas_sum(sakernas_var_total(n_psu, pop, pop_2)) as pop_var,
        sakernas_sum(sakernas_var_total(n_psu, lf, lf_2)) as lf_var,
        sakernas_sum(sakernas_var_total(n_psu, emp, emp_2)) as emp_var,
        sakernas_sum(sakernas_var_total(n_psu, unemp, unemp_2)) as unemp_var,
        sakernas_sum(sakernas_var_total(n_psu, under, under_2)) as under_var,
        sakernas_sum(
            sakernas_var_ratio(n_psu, unemp, lf, unemp_2, lf_2, unemp_lf, r_tpt, cell_lf)
        ) as tpt_var,
        sakernas_sum(
            sakernas_var_ratio(n_psu, lf, pop, lf_2, pop_2, lf_pop, r_tpak, cell_pop)
        ) as tpak_var,
        sakernas_sum(
            sakernas_var_ratio(n_psu, under, emp, under_2, emp_2, under_emp, r_under, cell_emp)
        ) as under_rate_var,
        sakernas_sum(sakernas_var_ratio(
            n_psu, earn_s, earn_w, earn_s_2, earn_w_2, earn_sw, r_earn, cell_earn_w
        )) as earn_mean_var,
        sakernas_sum(sakernas_var_ratio(
            n_psu, hours_s, hours_w, hours_s_2, hours_w_2, hours_sw, r_hours, cell_hours_w
        )) as hours_mean_var,
        -- Weighted population variance of earnings in the cell, for the median's design effect.
        sakernas_sum(earn_ss) / nullif(any_value(cell_earn_w), 0)
            - any_value(r_earn) * any_value(r_earn) as earn_pop_var
    from ratios
    group by period, area_level, area_code, dim, value

)

select * from final
