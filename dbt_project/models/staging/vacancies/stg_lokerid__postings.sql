-- One row per Loker.id posting. Posted Date is local (Jakarta) time without an offset. The file
-- is one crawl whose date was not recorded, so the latest posting date stands in for it.
with

source as (

    select * from {{ source('raw', 'lokerid_postings') }}

),

renamed as (

    select
        job_id as source_posting_id,
        trim(title) as job_title,
        nullif(trim(company), '') as company_name,
        false as is_company_confidential,
        nullif(trim(location), '') as location_text,
        nullif(trim(category), '') as category_text,
        nullif(trim(description), '') as description,
        nullif(type, '') as employment_type,
        case when nullif(min_salary, '') is not null then 'IDR' end as salary_currency,
        try_cast(nullif(min_salary, '') as double) as salary_min,
        try_cast(nullif(max_salary, '') as double) as salary_max,
        case when nullif(min_salary, '') is not null then 'monthly' end as salary_period,
        timezone('Asia/Jakarta', cast(posted_date as timestamp)) as posted_at,
        cast(cast(posted_date as timestamp) as date) as posted_date,
        max(cast(cast(posted_date as timestamp) as date)) over () as seen_date,
        link as posting_url,
        _source_file as source_file,
        _source_row as source_row
    from source

)

select * from renamed
