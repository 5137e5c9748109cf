-- One row per KBJI 2014 code at every level (10 major groups, 43 sub-major, 130 minor, 446 unit
-- groups and 2,137 jabatan), with its ancestors and the ISCO-08 code it corresponds to.
with

occupations as (

    select * from {{ ref('stg_kbji__occupations') }}

),

crosswalk as (

    select * from {{ ref('stg_kbji__isco08_crosswalk') }}

),

isco as (

    select * from {{ ref('stg_isco08__groups') }}

),

with_unit_group as (

    select
        *,
        -- A jabatan's unit group is its first four digits; other levels are their own code.
        case when kbji_level = 5 then left(kbji_code, 4) else kbji_code end as unit_group_code
    from occupations

),

final as (

    select
        o.kbji_code,
        o.kbji_level,
        o.kbji_level_name,
        o.parent_kbji_code,
        o.title_id,
        o.description_id,
        left(o.kbji_code, 1) as major_group_code,
        case when o.kbji_level >= 2 then left(o.kbji_code, 2) end as submajor_group_code,
        case when o.kbji_level >= 3 then left(o.kbji_code, 3) end as minor_group_code,
        case when o.kbji_level >= 4 then o.unit_group_code end as unit_group_code,
        c.isco08_code,
        c.crosswalk_relation,
        i.title_en as isco08_title_en
    from with_unit_group as o
    left join crosswalk as c
        on o.unit_group_code = c.kbji_code
    left join isco as i
        on c.isco08_code = i.isco08_code

)

select * from final
