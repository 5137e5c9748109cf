-- Rows quarantined per source and reason, with the first reason as an example, from the latest
-- landing of every source and partition: each landing replaces its own quarantine rows, so the
-- table holds exactly those, whichever run of the night landed them. The one exception is left
-- out: rows of a whole landing that partition landings have superseded since.
select
    q.source,
    q.reason_code,
    count(*) as rows,
    min(q.reason) as example
from raw.quarantine as q
where
    q.partition_key is not null
    or not exists (
        select 1
        from raw.load_audit as a
        where
            a.source = q.source
            and a.partition_key is not null
            and a.loaded_at > q.quarantined_at
    )
group by q.source, q.reason_code
order by q.source, q.reason_code
