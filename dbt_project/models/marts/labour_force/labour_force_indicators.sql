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

    select
        period,
        count(distinct province_code) as provinces_covered
    from persons
    group by period

),

by_area as (

    select
        period,
        'province' as area_level,
        province_code as area_code,
        *
        exclude (period, province_code, regency_code)
    from persons
    union all by name
    select
        period,
        'regency' as area_level,
        regency_code as area_code,
        *
        exclude (period, province_code, regency_code)
    from persons
    union all by name
    select
        p.period,
        'national' as area_level,
        '00' as area_code,
        p.*
        exclude (period, province_code, regency_code)  -- noqa: RF02
    from persons as p
    inner join coverage as c
        on p.period = c.period and c.provinces_covered >= 34

),

by_breakdown as (

    select
        *,
        'total' as breakdown
    from by_area
    union all
    select
        *,
        'sex=' || sex_code as breakdown
    from by_area
    union all
    select
        *,
        'age_group=' || age_group as breakdown
    from by_area
    union all
    select
        *,
        'education=' || coalesce(education_code, 'none') as breakdown
    from by_area

),

totals as (

    select
        period,
        area_level,
        area_code,
        breakdown,
        count(*) as sample_persons,
        sum(survey_weight) as population_15plus,
        coalesce(sum(survey_weight) filter (where is_in_labour_force), 0) as labour_force,
        coalesce(sum(survey_weight) filter (where is_employed), 0) as employed,
        coalesce(sum(survey_weight) filter (where is_unemployed), 0) as unemployed
    from by_breakdown
    group by all

),

rates as (

    select
        *,
        100 * unemployed / nullif(labour_force, 0) as tpt,
        100 * labour_force / population_15plus as tpak
    from totals

),

employed_by_occupation as (

    select
        period,
        area_level,
        area_code,
        'kbji1=' || kbji2014_major_group_code as breakdown,
        count(*) as sample_persons,
        'employed' as indicator,
        sum(survey_weight) as value  -- noqa: RF04
    from by_area
    where is_employed
    group by all

),

indicators as (

    -- One row per indicator; unpivot drops a rate whose denominator is empty.
    unpivot rates
    on population_15plus, labour_force, employed, unemployed, tpt, tpak
    into name indicator value value

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
    union all
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
    from employed_by_occupation

)

select * from final
