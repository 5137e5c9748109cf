-- One row per posting per source: every sighting of the same advert (on later crawl days, or
-- twice in one crawl) folded into one row carrying the latest sighting's text, the first and
-- last day it was seen and how often. This is what the Python normaliser, the duplicate linker
-- and the occupation coder read.
with

jobstreet as (

    select
        'jobstreet' as source,
        *
    from {{ ref('stg_jobstreet__postings') }}

),

lokerid as (

    select
        'lokerid' as source,
        *
    from {{ ref('stg_lokerid__postings') }}

),

dealls as (

    select
        'dealls' as source,
        *
    from {{ ref('stg_dealls__postings') }}

),

-- The nightly crawls (every board, `source` in each row); the snapshots above are the backfill.
crawled as (

    select * from {{ ref('stg_crawled__postings') }}

),

sightings as (

    select * from jobstreet
    union all by name
    select * from lokerid
    union all by name
    select * from dealls
    union all by name
    select * from crawled

),

folded as (

    select
        source,
        source_posting_id,
        -- Two sightings on one day (the advert twice in a crawl) tie on the date: the later file
        -- and row wins, so the same sightings always give the same text.
        arg_max(sightings, (seen_date, source_file, source_row))
        filter (where seen_date is not null) as latest,
        min(seen_date) as first_seen_date,
        max(seen_date) as last_seen_date,
        count(distinct seen_date) as days_seen,
        count(*) as rows_in_source
    from sightings
    group by source, source_posting_id

),

final as (

    select
        source || ':' || source_posting_id as posting_id,
        source,
        source_posting_id,
        latest.job_title,
        latest.company_name,
        latest.is_company_confidential,
        latest.location_text,
        latest.category_text,
        latest.description,
        latest.employment_type as employment_text,
        latest.salary_text,
        latest.education_text,
        latest.experience_text,
        latest.posted_at_text,
        latest.posted_at,
        latest.posting_url,
        first_seen_date,
        last_seen_date,
        days_seen,
        rows_in_source
    from folded

)

select * from final
