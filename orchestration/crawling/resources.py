"""The crawler resource: where crawls write, whom they name, which hosts they may reach.

Every value comes from the environment (documented in `.env.example` and the README) when the
definitions load; tests construct the resource directly instead.

| variable | meaning |
|---|---|
| `LMIS_CRAWL_CONTACT` | contact e-mail or URL in the user agent; crawls refuse to start without |
| `LMIS_CRAWL_DIR` | crawl output and state (default `<data>/landing/crawls`, as `lmis crawl`) |
| `LMIS_CRAWL_ALLOWED_HOSTS` | the only hosts the crawlers may contact, comma-separated |
| `LMIS_CRAWL_BASE_URL_<SPIDER>` | another scheme and host for one spider, e.g. a mirror |
| `LMIS_CAREER_PAGES` | employer career pages for `careers_jsonld`, comma-separated |
| `LMIS_GLINTS_KEYWORDS` | Glints search terms, comma-separated (default: one search for all) |
| `LMIS_CRAWL_UNTHROTTLED` | `1`: no politeness delays; refused unless every host is loopback |
| `LMIS_CRAWL_TIMEOUT_SECONDS` | stop one crawl after this long (default 6 hours) |
| `LMIS_CRAWL_LANDING_WAIT_SECONDS` | how long landing waits for the warehouse (default 4 hours) |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from ingest.scrapers.runner import (
    CAREERS_SPIDER,
    UNTHROTTLED,
    CrawlConfigError,
    CrawlResult,
    run_crawl,
    unthrottled_problem,
)
from orchestration import settings
from orchestration.crawling.sources import CRAWLED_SOURCES

DEFAULT_CRAWL_DIR = settings.DATA_DIR / "landing" / "crawls"
GLINTS_SPIDER = "glints"
DEFAULT_TIMEOUT_SECONDS = 6 * 3600.0
DEFAULT_LANDING_WAIT_SECONDS = 4 * 3600.0


class CrawlerResource(dg.ConfigurableResource):
    """Runs one spider for one day in a subprocess with this deployment's crawl settings."""

    out_dir: str = Field(description="Crawl output and state (crawl_state.sqlite) folder.")
    contact: str | None = Field(
        default=None, description="Contact e-mail or URL for the user agent (required to crawl)."
    )
    allowed_hosts: list[str] = Field(
        default=[], description="The only hosts the crawlers may contact; empty means any."
    )
    base_urls: dict[str, str] = Field(
        default={}, description="Spider name -> base URL replacing the scheme and host."
    )
    career_pages: list[str] = Field(
        default=[], description="Start pages of the careers_jsonld spider."
    )
    glints_keywords: list[str] = Field(
        default=[], description="Glints search terms, one listing stream each (empty: all jobs)."
    )
    throttled: bool = Field(
        default=True, description="Politeness delays on; off only for loopback fixture sites."
    )
    timeout_seconds: float = Field(default=DEFAULT_TIMEOUT_SECONDS)
    landing_wait_seconds: float = Field(
        default=DEFAULT_LANDING_WAIT_SECONDS,
        description=(
            "How long landing waits while another writer (the nightly job) holds the warehouse; "
            "long, because giving up loses a crawl of hours."
        ),
    )

    @property
    def crawl_dir(self) -> Path:
        return Path(self.out_dir).resolve()

    def scrapy_settings(self, spider: str) -> dict[str, Any]:
        """The Scrapy settings of one run of `spider` (see ingest/scrapers/settings.py)."""
        overrides: dict[str, Any] = {}
        if self.contact:
            overrides["LMIS_CRAWL_CONTACT"] = self.contact
        if self.allowed_hosts:
            overrides["LMIS_ALLOWED_HOSTS"] = list(self.allowed_hosts)
        if spider in self.base_urls:
            overrides["LMIS_BASE_URL"] = self.base_urls[spider]
        if spider == CAREERS_SPIDER and self.career_pages:
            overrides["LMIS_CAREER_PAGES"] = list(self.career_pages)
        if spider == GLINTS_SPIDER and self.glints_keywords:
            overrides["LMIS_GLINTS_KEYWORDS"] = list(self.glints_keywords)
        if not self.throttled:
            # The same check as `lmis crawl --unthrottled` (ingest/scrapers/runner.py).
            problem = unthrottled_problem(spider, overrides)
            if problem:
                raise CrawlConfigError(problem)
            overrides = {**UNTHROTTLED, **overrides}
        return overrides

    def crawl(self, spider: str, crawl_date: str) -> CrawlResult:
        """Run the crawl; raises CrawlConfigError before starting when it cannot be run."""
        return run_crawl(
            spider,
            self.crawl_dir,
            crawl_date,
            self.scrapy_settings(spider),
            timeout_seconds=self.timeout_seconds,
        )


def _list_from_env(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


def crawler_resource() -> CrawlerResource:
    """The resource configured from the environment (no network is contacted here)."""
    base_urls = {
        source.spider: os.environ[variable]
        for source in CRAWLED_SOURCES
        if (variable := f"LMIS_CRAWL_BASE_URL_{source.spider.upper()}") in os.environ
        and os.environ[variable].strip()
    }
    crawl_dir = os.environ.get("LMIS_CRAWL_DIR")
    return CrawlerResource(
        out_dir=str(Path(crawl_dir).resolve() if crawl_dir else DEFAULT_CRAWL_DIR),
        contact=os.environ.get("LMIS_CRAWL_CONTACT") or None,
        allowed_hosts=_list_from_env("LMIS_CRAWL_ALLOWED_HOSTS"),
        base_urls=base_urls,
        career_pages=_list_from_env("LMIS_CAREER_PAGES"),
        glints_keywords=_list_from_env("LMIS_GLINTS_KEYWORDS"),
        throttled=os.environ.get("LMIS_CRAWL_UNTHROTTLED", "") != "1",
        timeout_seconds=float(
            os.environ.get("LMIS_CRAWL_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS
        ),
        landing_wait_seconds=float(
            os.environ.get("LMIS_CRAWL_LANDING_WAIT_SECONDS") or DEFAULT_LANDING_WAIT_SECONDS
        ),
    )
