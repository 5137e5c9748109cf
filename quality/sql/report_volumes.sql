-- Rows read, loaded and quarantined per source as the warehouse holds them now: the latest
-- landing of each partition (or of the whole table) not withdrawn since, whichever run of the
-- night landed it, beside the rows the landing before each of those had loaded. A night is one
-- run per partition landed plus the nightly run, so the report's own run alone would leave out
-- every partitioned source.
with

landings as (

    select
        source,
        partition_key,
        run_id,
        loaded_at,
        count(*) as files,
        cast(sum(rows_read) as bigint) as rows_read,
        cast(sum(rows_loaded) as bigint) as rows_loaded,
        cast(sum(rows_quarantined) as bigint) as rows_quarantined,
        row_number() over (
            partition by source, partition_key order by loaded_at desc
        ) as recency
    from raw.load_audit
    where withdrawn_at is null
    group by source, partition_key, run_id, loaded_at

),

last_whole as (

    select
        source,
        max(loaded_at) as loaded_at
    from landings
    where partition_key is null
    group by source

),

-- A whole landing replaces every partition landed before it, and the first partition landed
-- after a whole landing replaces the whole table (ingest/warehouse.py).
current_landings as (

    select l.*
    from landings as l
    left join last_whole as w
        on l.source = w.source
    where
        l.recency = 1
        and (
            (
                l.partition_key is null
                and not exists (
                    select 1
                    from landings as p
                    where
                        p.source = l.source
                        and p.partition_key is not null
                        and p.loaded_at > l.loaded_at
                )
            )
            or (
                l.partition_key is not null
                and (w.loaded_at is null or l.loaded_at > w.loaded_at)
            )
        )

),

previous as (

    select
        source,
        partition_key,
        rows_loaded
    from landings
    where recency = 2

)

select
    c.source,
    count(c.partition_key) as partitions,
    cast(sum(c.files) as bigint) as files,
    cast(sum(c.rows_read) as bigint) as rows_read,
    cast(sum(c.rows_loaded) as bigint) as rows_loaded,
    cast(sum(c.rows_quarantined) as bigint) as rows_quarantined,
    cast(sum(p.rows_loaded) as bigint) as previous_rows_loaded,
    strftime(max(c.loaded_at), '%Y-%m-%d %H:%M UTC') as last_loaded_at
from current_landings as c
left join previous as p
    on
        c.source = p.source
        and c.partition_key is not distinct from p.partition_key
group by c.source
order by c.source
