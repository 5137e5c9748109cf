-- One crawled source's raw table: one row per posting per crawl day, every value as text, as the
-- spider wrote it (`problems` and `raw` as JSON). `{table}` is filled with a checked identifier.
-- The columns are the fields of ingest.scrapers.items.VacancyItem, then the landing provenance.
create schema if not exists raw;

create table if not exists raw.{table} (
    source varchar,
    source_posting_id varchar,
    url varchar,
    crawled_at varchar,
    crawl_date varchar,
    spider varchar,
    run_id varchar,
    listing_url varchar,
    title varchar,
    company_name varchar,
    location varchar,
    posted_at varchar,
    valid_through varchar,
    employment_type varchar,
    salary_text varchar,
    salary_min varchar,
    salary_max varchar,
    salary_currency varchar,
    salary_period varchar,
    description varchar,
    encoding varchar,
    encoding_source varchar,
    encoding_declared varchar,
    problems varchar,
    raw varchar,
    first_seen_date varchar,
    last_seen_date varchar,
    _source_file varchar not null,
    _source_row bigint not null,
    _run_id varchar not null
);
