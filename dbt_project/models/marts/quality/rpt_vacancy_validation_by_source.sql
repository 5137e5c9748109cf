-- One row per source and validation rule: how many postings the rule could check and how many
-- it flagged. Shares are of all postings and of the postings the rule could check. A phrase rule
-- run on a title alone (Dealls has no descriptions) is counted apart, and the sex rule's flags
-- that name one sex only (a restriction, not "Pria/Wanita").
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
        is_flagged,
        text_checked,
        sex_requirement_scope
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
        count(*) filter (where is_flagged) as postings_flagged,
        count(*) filter (
            where is_flagged is not null and text_checked = 'title_only'
        ) as postings_checked_title_only,
        count(*) filter (
            where is_flagged and sex_requirement_scope = 'one_sex'
        ) as postings_flagged_one_sex
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
        round(c.postings_checked / c.postings, 4) as share_checked,
        -- The phrase rules (has_*) read the text; the others do not, so theirs is null.
        case
            when starts_with(c.flag_column, 'has_') then c.postings_checked_title_only
        end as postings_checked_title_only,
        case
            when c.flag_column = 'has_sex_requirement' then c.postings_flagged_one_sex
        end as postings_flagged_one_sex,
        case
            when c.flag_column = 'has_sex_requirement'
                then round(c.postings_flagged_one_sex / c.postings, 4)
        end as share_flagged_one_sex
    from counts as c
    inner join rules as r
        on c.flag_column = r.flag_column

)

select * from final
