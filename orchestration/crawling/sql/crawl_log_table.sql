-- One row per crawl run, copied from the crawlers' state (crawl_state.sqlite) when its day is
-- landed: what the sites reported (expected), what the crawl got (achieved) and the verdict.
create schema if not exists raw;

create table if not exists raw.crawl_log (
    crawl_run_id varchar not null,
    spider varchar not null,
    source varchar,
    crawl_date date not null,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    finish_reason varchar,
    is_complete boolean not null,
    incomplete_reasons varchar,
    expected_listings bigint,
    expected_pages bigint,
    achieved_listings bigint,
    achieved_postings bigint,
    pages_fetched bigint,
    pages_repeated bigint,
    items_written bigint,
    items_new bigint,
    requests_failed bigint,
    robots_forbidden bigint,
    retry_after_waits bigint,
    jsonld_blocks_failed bigint,
    items_path varchar,
    archive_path varchar,
    stats_path varchar,
    dagster_run_id varchar not null,
    landed_at timestamp with time zone not null
);
