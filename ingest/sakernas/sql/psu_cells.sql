-- One row per period x stratum x regency x breakdown cell: over the PSUs of that stratum and
-- regency, the sums, sums of squares and cross-products of the PSU-level weighted totals that
-- the variance formulas need (sql/macros.sql), plus sample counts. PSUs nest in regencies, so
-- these sums add up exactly to any area that is a union of regencies.
-- One breakdown dimension per statement ($dim): a grouping-sets pass over all dimensions at
-- once holds every dimension's PSU-level hash table together and needs far more memory. Job
-- dimensions (occupation, sector, status) exist only for the employed; rows where they are null
-- because the person is not employed are dropped.
-- Every floating-point sum is `sakernas_sum` (sql/macros.sql), which adds in a fixed order, so the
-- same persons give the same bits whatever order DuckDB's threads deliver them in.
-- Parameters: $period, $dim (`total`, `sex`, `age_group`, `education`, `occ1`..`occ4`,
-- `kbli_sector`, `status`).

with

persons as (

    select
        period,
        stratum_id,
        psu_id,
        province_code,
        regency_code,
        weight,
        sex,
        age_group,
        coalesce(education_level, 'unknown') as education,
        is_in_labour_force,
        is_employed,
        is_unemployed,
        is_underemployed,
        case when is_employed then
            case when occupation_digits >= 1 then left(occupation_code, 1) else 'unknown' end
        end as occ1,
        case when is_employed then
            case when occupation_digits >= 2 then left(occupation_code, 2) else 'unknown' end
        end as occ2,
        case when is_employed then
            case when occupation_digits >= 3 then left(occupation_code, 3) else 'unknown' end
        end as occ3,
        case when is_employed then
            case when occupation_digits >= 4 then left(occupation_code, 4) else 'unknown' end
        end as occ4,
        case when is_employed then coalesce(industry_sector17, 'unknown') end as kbli_sector,
        case when is_employed then coalesce(status_in_employment, 'unknown') end as status,
        case when is_employee then earnings_monthly_idr end as earnings,
        case when is_employed then hours_main_job_week end as hours
    from sakernas_persons_input
    where period = $period and age >= 15

),

psu as (

    select
        period,
        stratum_id,
        psu_id,
        province_code,
        regency_code,
        $dim as dim,
        case $dim
            when 'sex' then sex
            when 'age_group' then age_group
            when 'education' then education
            when 'occ1' then occ1
            when 'occ2' then occ2
            when 'occ3' then occ3
            when 'occ4' then occ4
            when 'kbli_sector' then kbli_sector
            when 'status' then status
            else 'total'
        end as value,
        count(*) as n_pop,
        sakernas_sum(weight) as pop,
        count(*) filter (where is_in_labour_force) as n_lf,
        coalesce(sakernas_sum(case when is_in_labour_force then weight end), 0) as lf,
        count(*) filter (where is_employed) as n_emp,
        coalesce(sakernas_sum(case when is_employed then weight end), 0) as emp,
        count(*) filter (where is_unemployed) as n_unemp,
        coalesce(sakernas_sum(case when is_unemployed then weight end), 0) as unemp,
        count(*) filter (where is_underemployed) as n_under,
        coalesce(sakernas_sum(case when is_underemployed then weight end), 0) as under,
        count(earnings) as n_earn,
        coalesce(sakernas_sum(case when earnings is not null then weight end), 0) as earn_w,
        coalesce(sakernas_sum(weight * earnings), 0) as earn_s,
        coalesce(sakernas_sum(weight * earnings * earnings), 0) as earn_ss,
        count(hours) as n_hours,
        coalesce(sakernas_sum(case when hours is not null then weight end), 0) as hours_w,
        coalesce(sakernas_sum(weight * hours), 0) as hours_s
    from persons
    group by period, stratum_id, psu_id, province_code, regency_code, value

),

final as (

    select
        period,
        stratum_id,
        province_code,
        regency_code,
        dim,
        value,
        count(*) as n_psu_with_members,
        -- PSUs holding at least one of the persons each indicator counts (its sample_persons
        -- base): the published `sample_psus`, for a minimum-PSU rule or degrees of freedom.
        count(*) as p_pop,
        count(*) filter (where n_lf > 0) as p_lf,
        count(*) filter (where n_emp > 0) as p_emp,
        count(*) filter (where n_unemp > 0) as p_unemp,
        count(*) filter (where n_under > 0) as p_under,
        count(*) filter (where n_earn > 0) as p_earn,
        count(*) filter (where n_hours > 0) as p_hours,
        sum(n_pop) as n_pop, sum(n_lf) as n_lf, sum(n_emp) as n_emp,
        sum(n_unemp) as n_unemp, sum(n_under) as n_under, sum(n_earn) as n_earn,
        sum(n_hours) as n_hours,
        sakernas_sum(pop) as pop, sakernas_sum(pop * pop) as pop_2,
        sakernas_sum(lf) as lf, sakernas_sum(lf * lf) as lf_2,
        sakernas_sum(emp) as emp, sakernas_sum(emp * emp) as emp_2,
        sakernas_sum(unemp) as unemp, sakernas_sum(unemp * unemp) as unemp_2,
        sakernas_sum(under) as under, sakernas_sum(under * under) as under_2,
        sakernas_sum(unemp * lf) as unemp_lf,
        sakernas_sum(lf * pop) as lf_pop,
        sakernas_sum(under * emp) as under_emp,
        sakernas_sum(earn_w) as earn_w, sakernas_sum(earn_w * earn_w) as earn_w_2,
        sakernas_sum(earn_s) as earn_s, sakernas_sum(earn_s * earn_s) as earn_s_2,
        sakernas_sum(earn_s * earn_w) as earn_sw, sakernas_sum(earn_ss) as earn_ss,
        sakernas_sum(hours_w) as hours_w, sakernas_sum(hours_w * hours_w) as hours_w_2,
        sakernas_sum(hours_s) as hours_s, sakernas_sum(hours_s * hours_s) as hours_s_2,
        sakernas_sum(hours_s * hours_w) as hours_sw
    from psu
    where value is not null
    group by period, stratum_id, province_code, regency_code, dim, value

)

select * from final
