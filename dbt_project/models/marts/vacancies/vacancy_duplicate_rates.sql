-- One row per source: sightings, postings and distinct vacancies, and the share of postings that
-- repeat an earlier posting of the same vacancy, overall and by the duplicate types statistical
-- offices distinguish (full: identical; semantic: same job, reworded; temporal: re-posted later;
-- partial: an uncertain link, reported as a caveat rather than merged).
with

folded as (

    select * from {{ ref('int_vacancy_postings_folded') }}

),

links as (

    select * from {{ ref('int_vacancy_duplicate_links') }}

),

per_source as (

    select
        l.source,
        cast(sum(f.rows_in_source) as bigint) as sightings,
        count(*) as postings,
        count(*) filter (where l.is_first_posting) as vacancies,
        avg(case when l.is_first_posting then 0 else 1 end) as duplicate_rate,
        avg(case when l.duplicate_type = 'full' then 1 else 0 end) as full_rate,
        avg(case when l.duplicate_type = 'semantic' then 1 else 0 end) as semantic_rate,
        avg(case when l.duplicate_type = 'temporal' then 1 else 0 end) as temporal_rate,
        avg(case when len(l.uncertain_links) > 0 then 1 else 0 end) as partial_rate
    from links as l
    inner join folded as f
        on l.posting_id = f.posting_id
    group by l.source

),

final as (

    select * from per_source

)

select * from final
