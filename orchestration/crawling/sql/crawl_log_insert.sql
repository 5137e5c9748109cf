-- Copy the crawl-state rows registered as `crawl_state_rows` (SQLite's text and integers) into
-- raw.crawl_log with their types. $dagster_run_id and $landed_at name the landing.
insert into raw.crawl_log
select
    run_id as crawl_run_id,
    spider,
    source,
    cast(crawl_date as date) as crawl_date,
    cast(started_at as timestamp with time zone) as started_at,
    cast(finished_at as timestamp with time zone) as finished_at,
    finish_reason,
    is_complete <> 0 as is_complete,
    incomplete_reasons,
    expected_listings,
    expected_pages,
    achieved_listings,
    achieved_postings,
    pages_fetched,
    pages_repeated,
    items_written,
    items_new,
    requests_failed,
    robots_forbidden,
    retry_after_waits,
    jsonld_blocks_failed,
    items_path,
    archive_path,
    stats_json as stats_path,
    $dagster_run_id as dagster_run_id,
    cast($landed_at as timestamp with time zone) as landed_at
from crawl_state_rows
