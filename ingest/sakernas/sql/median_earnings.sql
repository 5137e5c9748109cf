-- Weighted median monthly earnings of employees per cell, with a Woodruff confidence interval
-- turned into a standard error. The variance of the estimated distribution function at the
-- median is approximated as deff * 0.25 / n, where deff is the design effect of the cell's mean
-- earnings (from cell_estimates.sql, table `sakernas_cells`): a documented approximation that
-- avoids a second pass over the persons per cell.
-- One breakdown dimension per statement, like psu_cells.sql; sums of weights are `sakernas_sum`
-- (a fixed order of addition, sql/macros.sql), so the cumulative shares never move by a bit.
-- Parameters: $period, $dim, $with_national, $with_province, $with_regency, $regency_dims.

with

employees as (

    select
        province_code,
        regency_code,
        sex,
        age_group,
        coalesce(education_level, 'unknown') as education,
        case when occupation_digits >= 1 then left(occupation_code, 1) else 'unknown' end as occ1,
        case when occupation_digits >= 2 then left(occupation_code, 2) else 'unknown' end as occ2,
        case when occupation_digits >= 3 then left(occupation_code, 3) else 'unknown' end as occ3,
        case when occupation_digits >= 4 then left(occupation_code, 4) else 'unknown' end as occ4,
        coalesce(industry_sector17, 'unknown') as kbli_sector,
        coalesce(status_in_employment, 'unknown') as status,
        earnings_monthly_idr as earnings,
        weight
    from sakernas_persons_input
    where period = $period and age >= 15 and is_employee and earnings_monthly_idr is not null

),

by_value as (

    select
        province_code,
        regency_code,
        earnings,
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
        sakernas_sum(weight) as w
    from employees
    group by province_code, regency_code, earnings, value

),

by_area as (

    select 'national' as area_level, '00' as area_code, dim, value, earnings, sakernas_sum(w) as w
    from by_value where $with_national
    group by all
    union all
    select 'province', province_code, dim, value, earnings, sakernas_sum(w)
    from by_value where $with_province
    group by all
    union all
    select 'regency', regency_code, dim, value, earnings, sakernas_sum(w)
    from by_value
    where $with_regency and regency_code is not null and list_contains($regency_dims, dim)
    group by all

),

cumulative as (

    select
        area_level,
        area_code,
        dim,
        value,
        earnings,
        -- The running sum adds in the order of earnings, unique in a cell: a fixed order.
        sum(w) over cell_ordered / sakernas_sum(w) over cell as cdf
    from by_area
    window
        cell as (partition by area_level, area_code, dim, value),
        cell_ordered as (
            partition by area_level, area_code, dim, value
            order by earnings
            rows between unbounded preceding and current row
        )

),

spread as (

    -- Standard deviation of the estimated distribution function at the median.
    select
        area_level,
        area_code,
        dim,
        value,
        sqrt(
            0.25 / n_earn
            * coalesce(earn_mean_var / nullif(earn_pop_var / n_earn, 0), 1.0)
        ) as cdf_se
    from sakernas_cells
    where n_earn > 0 and dim = $dim

),

final as (

    select
        c.area_level,
        c.area_code,
        c.dim,
        c.value,
        -- The 1e-9 slack keeps float round-off in the running sum from skipping a quantile.
        min(c.earnings) filter (where c.cdf >= 0.5 - 1e-9) as earn_median,
        (
            min(c.earnings) filter (where c.cdf >= least(0.5 + 1.96 * s.cdf_se, 1.0) - 1e-9)
            - min(c.earnings) filter (where c.cdf >= greatest(0.5 - 1.96 * s.cdf_se, 0.0) - 1e-9)
        ) / (2 * 1.96) as earn_median_se
    from cumulative as c
    inner join spread as s
        on c.area_level = s.area_level
        and c.area_code = s.area_code
        and c.dim = s.dim
        and c.value = s.value
    group by c.area_level, c.area_code, c.dim, c.value

)

select * from final
