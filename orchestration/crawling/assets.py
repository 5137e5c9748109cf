"""One daily-partitioned asset per crawled source, keyed `raw/crawled_<spider>`.

A partition is one crawl day in Jakarta time. Materialising it runs the spider in a subprocess
for that date (`CrawlerResource.crawl` -> `ingest.scrapers.runner.run_crawl`; Twisted's reactor
cannot restart in one process), then lands the day's postings: the partition's rows of
`raw.crawled_<spider>` are replaced in one transaction, with row accounting in `raw.load_audit`,
unusable records in `raw.quarantine` and the crawl's log rows in `raw.crawl_log`
(orchestration/crawling/landing.py). The crawl's stats, expected and achieved coverage and
verdict are the materialisation's metadata; the checks are in orchestration/crawling/checks.py.

A crawl that cannot start (no contact address, politeness off for a real site) or whose process
died before reporting fails the step; the latter is still written to `raw.crawl_log`. A crawl
that finished short lands what it got and fails the `crawl_complete` check (warning).

Crawls hold no warehouse lock while they crawl; the landing queues behind the warehouse's writer
lock like any writer (orchestration/crawling/warehouse.py). The assets are not in the `nightly`
job (no network there); `crawl_daily` runs them.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
import logging
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from ingest.landing import LandingResult
from ingest.scrapers.runner import CrawlConfigError, CrawlResult
from ingest.scrapers.runpaths import RunPaths
from orchestration.crawling.checks import (
    accounting_check,
    check_specs,
    completeness_check,
    suite_check,
    suite_frame,
    volume_check,
)
from orchestration.crawling.landing import (
    SALARY_UNPARSED,
    crawl_log_rows,
    ensure_crawl_tables,
    land_crawl_files,
    record_crawl_log,
    rows_with_problem,
    table_columns,
    write_crawl_partition,
)
from orchestration.crawling.resources import CrawlerResource
from orchestration.crawling.sources import CRAWLED_SOURCES, CrawledSource
from orchestration.crawling.warehouse import landing_connection
from orchestration.landing.inputs import files_fingerprint
from orchestration.settings import TIMEZONE

log = logging.getLogger(__name__)

GROUP = "crawling"
CRAWL_PARTITIONS_START = "2025-10-01"
"""The first crawl day: the month of the Karirhub API answers the crawlers were built on."""

CRAWL_PARTITIONS = dg.DailyPartitionsDefinition(
    start_date=CRAWL_PARTITIONS_START, timezone=TIMEZONE
)

# Scrapy counters worth a metadata entry of their own (all of them are in `crawl_stats`).
STAT_ENTRIES = {
    "items_written": "lmis/items_written",
    "items_new": "lmis/items_new",
    "items_seen_before": "lmis/items_seen_before",
    "duplicates_in_run": "lmis/duplicates_in_run",
    "requests": "downloader/request_count",
    "responses_429": "downloader/response_status_count/429",
    "retry_after_waits": "lmis/retry_after/waits",
    "robots_forbidden": "robotstxt/forbidden",
    "jsonld_blocks_failed": "lmis/jsonld/blocks_failed",
    "encoding_declaration_contradicted": "lmis/encoding/declaration_contradicted",
}


def _ratio(achieved: Any, expected: Any) -> float | None:
    if isinstance(achieved, int) and isinstance(expected, int) and expected > 0:
        return round(achieved / expected, 4)
    return None


def crawl_metadata(result: CrawlResult, landing: LandingResult) -> dict[str, Any]:
    """Materialisation metadata: the crawl's verdict and coverage, counters, rows landed."""
    expected, achieved, stats = result.expected, result.achieved, result.stats
    metadata: dict[str, Any] = {
        "crawl_date": result.crawl_date,
        "crawl_run_id": result.run_id,
        "is_complete": result.is_complete,
        "incomplete_reasons": dg.MetadataValue.json(list(result.incomplete_reasons)),
        "finish_reason": str(stats.get("finish_reason", "")),
        "expected": dg.MetadataValue.json(expected),
        "achieved": dg.MetadataValue.json(achieved),
        "rows_read": landing.rows_read,
        "rows_loaded": landing.rows_loaded,
        "rows_quarantined": landing.rows_quarantined,
        "dagster/row_count": landing.rows_loaded,
        # Postings kept with pay no reader could make a number of (their pay left empty).
        SALARY_UNPARSED: rows_with_problem(landing.loaded, SALARY_UNPARSED),
        "files": dg.MetadataValue.json(landing.files),
        # Rows whose e-mails, phones or NIKs were masked, per column (`mask_landed_text`).
        "personal_data_masked": dg.MetadataValue.json(landing.masked),
        "elapsed_seconds": float(stats.get("elapsed_time_seconds", 0.0)),
        "peak_rss_mib": float(stats.get("lmis/peak_rss_mib", 0.0)),
        "crawl_stats": dg.MetadataValue.json(stats),
        "items_path": dg.MetadataValue.path(str(result.items_path)),
        "crawl_log_path": dg.MetadataValue.path(str(result.log_path)),
    }
    if result.archive_path is not None:
        metadata["archive_path"] = dg.MetadataValue.path(str(result.archive_path))
    for name, stat in STAT_ENTRIES.items():
        metadata[name] = int(stats.get(stat, 0))
    # Coverage ratios only where the site states what there is to get.
    for name, numerator, denominator in (
        ("listing_coverage", achieved.get("listings"), expected.get("listings")),
        ("detail_coverage", achieved.get("detail_pages"), expected.get("detail_pages")),
    ):
        ratio = _ratio(numerator, denominator)
        if ratio is not None:
            metadata[name] = ratio
    if landing.rows_quarantined:
        reasons = landing.quarantined.group_by("reason_code").len().rows()
        metadata["quarantine_reasons"] = dg.MetadataValue.json(dict(reasons))
    return metadata


def _crawl_asset(source: CrawledSource) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", source.table])

    @dg.asset(
        key=key,
        group_name=GROUP,
        description=(
            f"{source.description} One partition per crawl day (Asia/Jakarta): the `"
            f"{source.spider}` spider runs in a subprocess and the day's postings replace the "
            "partition's rows; crawl coverage in the metadata and in `raw.crawl_log`."
        ),
        kinds={"scrapy", "duckdb", "python"},
        partitions_def=CRAWL_PARTITIONS,
        check_specs=check_specs(source, key),
        metadata={"spider": source.spider, "source": source.source},
    )
    def crawl(
        context: dg.AssetExecutionContext, crawler: CrawlerResource, warehouse: DuckDBResource
    ) -> dg.MaterializeResult:
        crawl_date = context.partition_key
        run_id = context.run.run_id
        try:
            result = crawler.crawl(source.spider, crawl_date)
        except CrawlConfigError as error:
            raise dg.Failure(
                description=f"{source.spider}: the crawl cannot start: {error}"
            ) from error
        log_rows = crawl_log_rows(result.state_db, source.spider, crawl_date)
        if not result.stats:
            # The crawler died before reporting: log it in the warehouse, land nothing new.
            with landing_connection(warehouse, crawler.landing_wait_seconds) as con:
                record_crawl_log(con, source, crawl_date, log_rows, run_id)
            raise dg.Failure(
                description=f"{source.spider} crawl for {crawl_date} failed: "
                + "; ".join(result.incomplete_reasons),
                metadata={"crawl_log_path": dg.MetadataValue.path(str(result.log_path))},
            )
        with landing_connection(warehouse, crawler.landing_wait_seconds) as con:
            ensure_crawl_tables(con, source)
            columns = table_columns(con, source)
        # Read the files without holding the warehouse; a big day takes seconds to parse.
        paths = RunPaths(crawler.crawl_dir, source.spider, crawl_date, result.run_id)
        quarantine = paths.quarantine
        landing = land_crawl_files(
            source, crawler.crawl_dir, crawl_date, result.items_path, quarantine, columns
        )
        landed_files = [path for path in (result.items_path, quarantine) if path.exists()]
        fingerprint = files_fingerprint(landed_files, crawler.crawl_dir)
        with landing_connection(warehouse, crawler.landing_wait_seconds) as con:
            write_crawl_partition(con, source, crawl_date, landing, log_rows, run_id, fingerprint)
            partition_rows = suite_frame(con, source, crawl_date)
            accounting = accounting_check(con, source, crawl_date, run_id)
            volume = volume_check(con, source, crawl_date)
        # Great Expectations runs after the warehouse is released to the next writer.
        check_results = [
            suite_check(partition_rows, source),
            accounting,
            volume,
            completeness_check(result),
        ]
        if not result.is_complete:
            context.log.warning(
                "%s crawl for %s is INCOMPLETE (%s); %d postings landed",
                source.spider,
                crawl_date,
                "; ".join(result.incomplete_reasons),
                landing.rows_loaded,
            )
        if landing.rows_quarantined:
            context.log.warning(
                "%s: %d of %d rows quarantined; see raw.quarantine",
                source.table,
                landing.rows_quarantined,
                landing.rows_read,
            )
        return dg.MaterializeResult(
            metadata=crawl_metadata(result, landing), check_results=check_results
        )

    return crawl


crawl_assets = [_crawl_asset(source) for source in CRAWLED_SOURCES]
CRAWL_ASSET_KEYS = [dg.AssetKey(["raw", source.table]) for source in CRAWLED_SOURCES]
