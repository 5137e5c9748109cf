-- One row per distinct vacancy: the postings the duplicate linker found to advertise the same
-- job (the same advert re-posted, or posted on several boards), counted once. Attributes come
-- from the vacancy's first posting; the sources and posting ids it was seen under are listed.
-- The occupation too: the first posting's code comes with its own confidence and accepted flag,
-- so `is_occupation_coded` says whether the code published here was accepted (a later posting
-- accepted under another code does not lend its flag to a code it did not get).
with

postings as (

    select * from {{ ref('fct_vacancy_postings') }}

),

vacancies as (

    select
        vacancy_id,
        -- Postings first seen on the same day tie: the smallest posting id breaks the tie, so
        -- the same postings always give the vacancy the same attributes.
        arg_min(postings, (first_seen_date, posting_id))
        filter (where first_seen_date is not null) as first_posting,
        count(*) as postings,
        list(posting_id order by posting_id) as posting_ids,
        list(distinct source order by source) as sources,
        min(first_seen_date) as first_seen_date,
        max(last_seen_date) as last_seen_date,
        min(posted_date) as first_posted_date
    from postings
    group by vacancy_id

),

final as (

    select
        vacancy_id,
        postings,
        posting_ids,
        sources,
        len(sources) > 1 as is_cross_board,
        first_posting.job_title,
        first_posting.company_name,
        first_posting.province_bps_code,
        first_posting.province_kemendagri_code,
        first_posting.regency_kemendagri_code,
        first_posting.location_status,
        first_posting.salary_status,
        -- Amounts outside a sane monthly band ("IDR 6 - 9") are not published as pay here.
        case
            when first_posting.salary_is_plausible then first_posting.salary_monthly_min_idr
        end as salary_monthly_min_idr,
        case
            when first_posting.salary_is_plausible then first_posting.salary_monthly_max_idr
        end as salary_monthly_max_idr,
        first_posting.education_level,
        first_posting.employment_type,
        first_posting.kbji2014_code,
        first_posted_date,
        first_seen_date,
        last_seen_date,
        -- Added after the existing columns so that readers by position keep working.
        first_posting.occupation_confidence,
        coalesce(first_posting.is_occupation_coded, false) as is_occupation_coded
    from vacancies

)

select * from final
