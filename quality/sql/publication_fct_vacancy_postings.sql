-- Publication gate frame for the vacancy postings mart. $today is the run's date in Jakarta.
select
    posting_id,
    source,
    first_seen_date,
    last_seen_date,
    posted_date > cast($today as date) + 1 as is_posted_in_future,
    last_seen_date > cast($today as date) + 1 as is_seen_in_future
from marts.fct_vacancy_postings
