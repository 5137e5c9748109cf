-- One row per JobStreet posting per crawl day. The crawl day is in the snapshot file's name
-- (jobstreet_2021-12-14.csv); postedAt is UTC and is converted to the Jakarta calendar date.
with

source as (

    select * from {{ source('raw', 'jobstreet_postings') }}

),

renamed as (

    select
        id as source_posting_id,
        trim(job_title) as job_title,
        nullif(trim(company_name), '') as company_name,
        company_private = 'true' as is_company_confidential,
        nullif(trim(locations), '') as location_text,
        nullif(trim(categories_name), '') as category_text,
        nullif(trim(description), '') as description,
        nullif(employment, '') as employment_type,
        nullif(salarycurrency, '') as salary_currency,
        try_cast(nullif(salary_min, '') as double) as salary_min,
        try_cast(nullif(salary_max, '') as double) as salary_max,
        nullif(salary_period, '') as salary_period,
        -- The pay as one text, so one parser reads every board: "IDR 15000000 - 21000000 monthly".
        case
            when nullif(salary_min, '') is not null or nullif(salary_max, '') is not null
                then concat_ws(
                        ' ', salarycurrency, salary_min, '-', salary_max, salary_period
                    )
        end as salary_text,
        cast(null as varchar) as education_text,
        cast(null as varchar) as experience_text,
        posted_at as posted_at_text,
        cast(posted_at as timestamptz) as posted_at,
        cast(timezone('Asia/Jakarta', cast(posted_at as timestamptz)) as date) as posted_date,
        try_cast(regexp_extract(snapshot_file, '(\d{4}-\d{2}-\d{2})', 1) as date) as seen_date,
        split_part(job_url, '?', 1) as posting_url,
        _source_file as source_file,
        _source_row as source_row
    from source

)

select * from renamed
