-- One row per Dealls listing row. The file's `first_seen` is the crawl time (DD/MM/YYYY, Jakarta)
-- and its `last_seen` is in fact the site's own posting timestamp (ISO, UTC).
with

source as (

    select * from {{ source('raw', 'dealls_postings') }}

),

renamed as (

    select
        regexp_extract(job_url, '/role/([^/?#]+)', 1) as source_posting_id,
        trim(job_title) as job_title,
        nullif(trim(company), '') as company_name,
        false as is_company_confidential,
        nullif(nullif(trim(job_location), ''), 'N/A') as location_text,
        nullif(nullif(trim(job_department), ''), 'N/A') as category_text,
        cast(null as varchar) as description,
        nullif(job_type, '') as employment_type,
        case when try_cast(base_salary as double) is not null then 'IDR' end as salary_currency,
        try_cast(base_salary as double) as salary_min,
        try_cast(base_salary as double) as salary_max,
        case when try_cast(base_salary as double) is not null then 'monthly' end as salary_period,
        -- A bare number is a monthly rupiah amount; "N/A" stays a placeholder for the parser.
        nullif(base_salary, '') as salary_text,
        cast(null as varchar) as education_text,
        cast(null as varchar) as experience_text,
        last_seen as posted_at_text,
        try_cast(last_seen as timestamptz) as posted_at,
        cast(timezone('Asia/Jakarta', try_cast(last_seen as timestamptz)) as date) as posted_date,
        cast(strptime(first_seen, '%d/%m/%Y %H:%M:%S') as date) as seen_date,
        split_part(job_url, '?', 1) as posting_url,
        _source_file as source_file,
        _source_row as source_row
    from source

)

select * from renamed
