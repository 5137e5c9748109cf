-- Returns one row per posting whose published monthly rupiah pay (`salary_monthly_*_idr`, the
-- columns researchers aggregate) holds an amount the normaliser judged implausible, such as 6.0
-- from "IDR 6 - 9 monthly", or drops a plausible amount that was posted.
with

postings as (

    select * from {{ ref('fct_vacancy_postings') }}

),

final as (

    select
        posting_id,
        salary_text,
        salary_is_plausible,
        salary_monthly_min_idr,
        salary_monthly_max_idr,
        salary_monthly_min_idr_as_posted,
        salary_monthly_max_idr_as_posted
    from postings
    where
        (
            coalesce(salary_is_plausible, false) = false
            and (salary_monthly_min_idr is not null or salary_monthly_max_idr is not null)
        )
        or (
            salary_is_plausible
            and (
                salary_monthly_min_idr is distinct from salary_monthly_min_idr_as_posted
                or salary_monthly_max_idr is distinct from salary_monthly_max_idr_as_posted
            )
        )

)

select * from final
