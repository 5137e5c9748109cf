-- One row per period x area x breakdown x indicator: the published labour-force indicators,
-- weighted by the Sakernas survey weight. `tpt` (open unemployment rate) = unemployed / labour
-- force; `tpak` (participation rate) = labour force / population 15+; both in percent. Counts are
-- persons. The national level is published only from a round that covers every province.
-- TODO(3): se, rse and reliability stay null until design-based standard errors are computed
-- (Taylor linearisation over census blocks); cells are not yet suppressed.
{{ config(materialized='table') }}

with

persons as (

    select * from {{ ref('stg_sakernas__persons') }}

),

coverage as (

    select period, count(distinct province_code) as provinces_covered
    from persons
    group by period

),

by_area as (

    select period, 'province' as area_level, province_code as area_code, *
        exclude (period, province_code, regency_code)
    from persons
    union all by name
    select period, 'regency' as area_level, regency_code as area_code, *
        exclude (period, province_code, regency_code)
    from persons
    union all by name
    select p.period, 'national' as area_level, '00' as area_code, p.*
        exclude (period, province_code, regency_code)
    from persons as p
    inner join coverage as c
        on p.period = c.period and c.provinces_covered >= 34

),

by_breakdown as (

    select *, 'total' as breakdown from by_area
    union all
    select *, 'sex=' || sex_code from by_area
    union all
    select *, 'age_group=' || age_group from by_area
    union all
    select *, 'education=' || coalesce(education_code, 'none') from by_area

),

totals as (

    select
        period,
        area_level,
        area_code,
        breakdown,
        count(*) as sample_persons,
        sum(survey_weight) as population_15plus,
        sum(survey_weight) filter (where is_in_labour_force) as labour_force,
        sum(survey_weight) filter (where is_employed) as employed,
        sum(survey_weight) filter (where is_unemployed) as unemployed
    from by_breakdown
    group by all

),

employed_by_occupation as (

    select
        period,
        area_level,
        area_code,
        'kbji1=' || kbji2014_major_group_code as breakdown,
        count(*) as sample_persons,
        sum(survey_weight) as employed
    from by_area
    where is_employed
    group by all

),

indicators as (

    select period, area_level, area_code, breakdown, sample_persons, 'population_15plus' as indicator,
        population_15plus as value
    from totals
    union all
    select period, area_level, area_code, breakdown, sample_persons, 'labour_force',
        coalesce(labour_force, 0)
    from totals
    union all
    select period, area_level, area_code, breakdown, sample_persons, 'employed',
        coalesce(employed, 0)
    from totals
    union all
    select period, area_level, area_code, breakdown, sample_persons, 'unemployed',
        coalesce(unemployed, 0)
    from totals
    union all
    select period, area_level, area_code, breakdown, sample_persons, 'tpt',
        100 * coalesce(unemployed, 0) / labour_force
    from totals
    where labour_force > 0
    union all
    select period, area_level, area_code, breakdown, sample_persons, 'tpak',
        100 * coalesce(labour_force, 0) / population_15plus
    from totals
    union all
    select period, area_level, area_code, breakdown, sample_persons, 'employed', employed
    from employed_by_occupation

),

final as (

    select
        period,
        area_level,
        area_code,
        breakdown,
        indicator,
        value,
        cast(null as double) as se,
        cast(null as double) as rse,
        cast(null as varchar) as reliability,
        sample_persons
    from indicators

)

select * from final
