-- Rows read, loaded and quarantined per source in a run, beside the rows loaded by the source's
-- previous run (the landing's volume check compares the same two figures).
with

audit as (

    select
        run_id,
        source,
        count(*) as files,
        cast(sum(rows_read) as bigint) as rows_read,
        cast(sum(rows_loaded) as bigint) as rows_loaded,
        cast(sum(rows_quarantined) as bigint) as rows_quarantined,
        max(loaded_at) as loaded_at
    from raw.load_audit
    group by run_id, source

),

this_run as (

    select * from audit where run_id = $run_id

),

previous as (

    select
        a.source,
        arg_max(a.rows_loaded, a.loaded_at) as previous_rows_loaded
    from audit as a
    inner join this_run as t
        on a.source = t.source
        and a.loaded_at < t.loaded_at
    group by a.source

)

select
    t.source,
    t.files,
    t.rows_read,
    t.rows_loaded,
    t.rows_quarantined,
    p.previous_rows_loaded
from this_run as t
left join previous as p
    on t.source = p.source
order by t.source
