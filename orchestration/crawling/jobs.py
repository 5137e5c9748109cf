"""The crawl job and its schedule: every crawl asset for yesterday (Asia/Jakarta), at 00:30.

`crawl_daily` is separate from `nightly`, which runs on the shipped files and must work without
network. Partition D is crawled at 00:30 WIB on D + 1, when D is over; the crawl records what the
sites show then under D. The nightly job (02:00) builds the marts from whatever partitions have
landed, so a crawl still running at 02:00 is picked up the next night.

Steps run in separate processes, at most three at a time: the crawls wait on per-site politeness
delays, not on the CPU, so crawling boards side by side shortens the night without making any
one site see more requests. Landing waits for DuckDB's single-writer lock (see
`orchestration.crawling.assets.warehouse_connection`).

The schedule starts switched on only in production (`LMIS_ENV=production`) with a contact
address configured (`LMIS_CRAWL_CONTACT`): crawling third-party sites is the operator's decision,
a developer's `make dagster-dev` with the contact in `.env` must not crawl the real boards at
00:30, and without a contact every crawl would refuse to start. Elsewhere it can still be
switched on in the UI. `careers_jsonld` is in the job only when
`LMIS_CAREER_PAGES` lists pages: with none it could only fail every night.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import dagster as dg

from ingest.admin.pseudonymise import ENV_VARIABLE
from orchestration.crawling.resources import CAREERS_SPIDER, crawler_resource
from orchestration.crawling.sources import CRAWLED_SOURCES

MAX_CONCURRENT_CRAWLS = 3


def crawl_schedule_default_status(
    contact: str | None, environ: Mapping[str, str] | None = None
) -> dg.DefaultScheduleStatus:
    """RUNNING only in production with a contact; STOPPED in development (the default)."""
    env = os.environ if environ is None else environ
    production = env.get(ENV_VARIABLE, "").strip().lower() == "production"
    if production and contact:
        return dg.DefaultScheduleStatus.RUNNING
    return dg.DefaultScheduleStatus.STOPPED


def scheduled_crawl_keys(career_pages: list[str]) -> list[dg.AssetKey]:
    """The crawl assets the nightly crawl runs: every board, employer pages when configured."""
    return [
        dg.AssetKey(["raw", source.table])
        for source in CRAWLED_SOURCES
        if source.spider != CAREERS_SPIDER or career_pages
    ]


_configured = crawler_resource()

crawl_daily_job = dg.define_asset_job(
    name="crawl_daily",
    selection=dg.AssetSelection.assets(*scheduled_crawl_keys(_configured.career_pages)),
    description=(
        "Crawl every job board (and configured employer career pages) for one day and land the "
        "postings into raw.crawled_*; coverage in each asset's metadata and in raw.crawl_log."
    ),
    executor_def=dg.multiprocess_executor.configured({"max_concurrent": MAX_CONCURRENT_CRAWLS}),
)

crawl_daily_schedule = dg.build_schedule_from_partitioned_job(
    crawl_daily_job,
    name="crawl_daily_at_0030_wib",
    hour_of_day=0,
    minute_of_hour=30,
    default_status=crawl_schedule_default_status(_configured.contact),
)
