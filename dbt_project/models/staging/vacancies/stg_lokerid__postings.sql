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
        -- The scraper split "Rp 3 - 4 Juta" into numbers and "Negosiasi" into a flag; rebuilt
        -- as text so one parser reads every board.
        case
            when nullif(min_salary, '') is not null and nullif(max_salary, '') is not null
                then 'Rp ' || min_salary || ' - ' || max_salary
            when nullif(min_salary, '') is not null then 'Rp ' || min_salary || ' lebih'
            when salary_negotiation = '1' then 'Negosiasi'
        end as salary_text,
        nullif(concat_ws(
            ', ',
            case when sma_smk_stm = '1' then 'SMA/SMK/STM' end,
            case when diploma_d1_d2_d3 = '1' then 'Diploma/D1/D2/D3' end,
            case when sarjana_s1 = '1' then 'Sarjana/S1' end,
            case when master_s2 = '1' then 'Master/S2' end,
            case when doctor_s3 = '1' then 'Doctor/S3' end
        ), '') as education_text,
        case
            when nullif(max_experience, '') is not null
                then 'pengalaman ' || min_experience || ' - ' || max_experience || ' tahun'
            when nullif(min_experience, '') is not null
                then 'pengalaman ' || min_experience || ' tahun'
        end as experience_text,
        posted_date as posted_at_text,
        timezone('Asia/Jakarta', cast(posted_date as timestamp)) as posted_at,
        cast(cast(posted_date as timestamp) as date) as posted_date,
        max(cast(cast(posted_date as timestamp) as date)) over () as seen_date,
        link as posting_url,
        _source_file as source_file,
        _source_row as source_row
    from source

)

select * from renamed
