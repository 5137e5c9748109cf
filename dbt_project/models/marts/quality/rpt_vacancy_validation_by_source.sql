-- One row per source and validation rule: how many postings the rule could check and how many
-- it flagged. Shares are of all postings and of the postings the rule could check.
with

validated as (

    select * from {{ ref('int_vacancy_postings_validated') }}

),

rules as (

    select * from {{ ref('int_vacancy_validation_rules') }}

),

flags as (

    select
        source,
        flag_column,
        is_flagged
    from validated
    unpivot include nulls (
        is_flagged for flag_column in (columns('^(is|has)_'))
    )

),

counts as (

    select
        source,
        flag_column,
        count(*) as postings,
        count(is_flagged) as postings_checked,
        count(*) filter (where is_flagged) as postings_flagged
    from flags
    group by source, flag_column

),

final as (

    select
        r.standard_id,
        r.rule_name,
        c.source,
        c.postings,
        c.postings_checked,
        c.postings_flagged,
        round(c.postings_flagged / c.postings, 4) as share_flagged,
        round(c.postings_flagged / nullif(c.postings_checked, 0), 4) as share_flagged_of_checked,
        round(c.postings_checked / c.postings, 4) as share_checked
    from counts as c
    inner join rules as r
        on c.flag_column = r.flag_column

)

select * from final
