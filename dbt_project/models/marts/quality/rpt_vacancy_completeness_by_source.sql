-- One row per source and column of fct_vacancy_postings: the share of postings where the column
-- holds a value (an empty or blank text counts as missing). Completeness by field for the
-- data-quality report; columns added to the postings mart are picked up without a change here.
-- One derived field as well: kbji2014_code_accepted, the code where it is accepted
-- (is_occupation_coded). kbji2014_code alone is filled for every coded title, also below the
-- auto-code threshold, and would show a coverage no occupation figure uses.
with

postings as (

    select
        *,
        case when is_occupation_coded then kbji2014_code end as kbji2014_code_accepted
    from {{ ref('fct_vacancy_postings') }}

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
