-- Rows quarantined in a run, per source and reason, with the first reason as an example.
select
    source,
    reason_code,
    count(*) as rows,
    min(reason) as example
from raw.quarantine
where run_id = $run_id
group by source, reason_code
order by source, reason_code
