-- Per vacancy source: when it was last landed, its latest posting and crawl days, and how many
-- days before tonight (Jakarta) that crawl was.
with

postings as (

    select
        source,
        max(posted_date) as latest_posted_date,
        max(last_seen_date) as latest_seen_date
    from marts.fct_vacancy_postings
    group by source

),

landed as (

    select
        source,
        max(loaded_at) as last_loaded_at
    from raw.load_audit
    group by source

)

select
    p.source,
    strftime(l.last_loaded_at, '%Y-%m-%d %H:%M UTC') as last_loaded_at,
    p.latest_posted_date,
    p.latest_seen_date,
    cast($today as date) - p.latest_seen_date as days_since_latest_seen
from postings as p
left join landed as l
    on p.source = l.source
order by p.source
