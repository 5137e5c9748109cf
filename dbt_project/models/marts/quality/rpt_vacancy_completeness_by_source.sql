-- One row per source and column of fct_vacancy_postings: the share of postings where the column
-- holds a value (an empty or blank text counts as missing). Completeness by field for the
-- data-quality report; columns added to the postings mart are picked up without a change here.
with

postings as (

    select * from {{ ref('fct_vacancy_postings') }}

),

as_text as (

    select
        source,
        columns(* exclude (source))::varchar
    from postings

),

fields as (

    select
        source,
        field_name,
        field_value
    from as_text
    unpivot include nulls (
        field_value for field_name in (columns(* exclude (source)))
    )

),

final as (

    select
        source,
        field_name,
        count(*) as postings,
        count(nullif(trim(field_value), '')) as postings_with_value,
        round(count(nullif(trim(field_value), '')) / count(*), 4) as completeness
    from fields
    group by source, field_name

)

select * from final
