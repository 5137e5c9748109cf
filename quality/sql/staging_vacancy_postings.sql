-- Staging gate frame for one vacancy board's staging view (`{relation}` is filled from the gate
-- registry, never from data): every staged row with the flags its suite checks.
select
    source_posting_id,
    job_title,
    description,
    salary_currency,
    salary_period,
    salary_min,
    salary_max,
    source_file,
    source_row,
    posted_date > seen_date + 1 as is_posted_after_seen
from {relation}
