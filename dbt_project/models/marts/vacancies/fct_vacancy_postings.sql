-- One row per posting per source: the same advert seen on several crawl days is one row, with
-- the first and last day it was seen and how many days it was seen. Attributes are those of the
-- latest sighting. The place is resolved from the first place the posting names.
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

place_names as (

    select * from {{ ref('int_region_names_indexed') }}

),

regions as (

    select * from {{ ref('dim_region') }}

),

sightings as (

    select * from jobstreet
    union all by name
    select * from lokerid
    union all by name
    select * from dealls

),

postings as (

    select
        source,
        source_posting_id,
        arg_max(sightings, seen_date) as latest,
        min(seen_date) as first_seen_date,
        max(seen_date) as last_seen_date,
        count(distinct seen_date) as days_seen,
        count(*) as rows_in_source
    from sightings
    group by source, source_posting_id

),

flattened as (

    select
        source,
        source_posting_id,
        latest.job_title,
        latest.company_name,
        latest.is_company_confidential,
        latest.location_text,
        latest.category_text,
        latest.description,
        latest.employment_type,
        latest.salary_currency,
        latest.salary_min,
        latest.salary_max,
        latest.salary_period,
        latest.posted_at,
        latest.posted_date,
        latest.posting_url,
        first_seen_date,
        last_seen_date,
        days_seen,
        rows_in_source,
        -- The first of several places; English "X Regency"/"X City" written the Indonesian way.
        upper(trim(regexp_replace(regexp_replace(
            split_part(latest.location_text, ',', 1), '\s+Regency$', ' KABUPATEN', 'i'
        ), '\s+City$', ' KOTA', 'i'))) as place_name
    from postings

),

final as (

    select
        f.source || ':' || f.source_posting_id as posting_id,
        f.* exclude (place_name),  -- noqa: RF02
        p.province_kemendagri_code,
        r.bps_code as province_bps_code,
        p.regency_code as regency_kemendagri_code,
        case
            when f.location_text is null then 'missing'
            when f.place_name in ('INDONESIA', 'REMOTE') then 'national_or_remote'
            when p.place_name is null then 'unresolved'
            when p.is_ambiguous then 'ambiguous_province_only'
            when p.regency_code is null then 'province_only'
            else 'regency'
        end as location_status,
        cast(null as varchar) as kbji2014_code,
        false as is_occupation_coded
    from flattened as f
    left join place_names as p
        on f.place_name = p.place_name
    left join regions as r
        on r.region_level = 'province'
            and p.province_kemendagri_code = r.kemendagri_code

)

select * from final
