"""Dagster assets of the vacancy crawlers: one daily-partitioned asset per crawled source.

Each asset runs its spider in a subprocess for the partition's date (`ingest.scrapers.runner`),
lands the day's postings into `raw.crawled_<spider>` with row accounting and quarantine, copies
the crawl-log rows into `raw.crawl_log`, and reports the crawl's expected and achieved coverage
as metadata and as checks. The assets have their own job and schedule (`crawl_daily`), outside
the `nightly` job, which runs on the shipped files without network. See docs/crawling.md.
"""
