"""The crawl-run extension: checks politeness configuration, then reports the run.

On open it refuses to crawl without a contact address in the user agent. On close it asks the
spider's `CoverageTracker` for the verdict, writes `stats.json` (Scrapy stats, expected and
achieved coverage, completeness and its reasons, file paths) and one row in the `crawl_log`
table of the crawl-state database.
"""

from __future__ import annotations

import json
import logging
import resource
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals

from ingest.scrapers.runpaths import RunPaths
from ingest.scrapers.settings import contact_problem
from ingest.scrapers.state import write_crawl_log

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


class CrawlRunExtension:
    def __init__(self, crawler: Crawler):
        problem = contact_problem(crawler.settings.get("LMIS_CRAWL_CONTACT"))
        if problem:
            raise RuntimeError(problem)
        self.crawler = crawler
        self.paths = RunPaths.from_settings(crawler.settings, crawler.spidercls.name)
        self.started_at: str | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunExtension:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = datetime.now(UTC).isoformat()
        self.paths.run_dir.mkdir(parents=True, exist_ok=True)
        log.info(
            "run %s of %s for %s: user agent %r, robots.txt obeyed: %s, delay %.2fs,"
            " AutoThrottle: %s",
            self.paths.run_id,
            spider.name,
            self.paths.crawl_date,
            self.crawler.settings.get("USER_AGENT"),
            self.crawler.settings.getbool("ROBOTSTXT_OBEY"),
            self.crawler.settings.getfloat("DOWNLOAD_DELAY"),
            self.crawler.settings.getbool("AUTOTHROTTLE_ENABLED"),
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        # Peak memory of the whole run, the day-file merge included (Linux reports KiB).
        self.crawler.stats.set_value(
            "lmis/peak_rss_mib", round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        )
        stats = _plain(self.crawler.stats.get_stats())
        coverage = spider.coverage.summary(reason)
        finished_at = datetime.now(UTC).isoformat()
        archive = self.paths.archive if self.paths.archive.exists() else None
        report = {
            "run_id": self.paths.run_id,
            "spider": spider.name,
            "source": getattr(spider, "source", None),
            "crawl_date": self.paths.crawl_date,
            "started_at": self.started_at,
            "finished_at": finished_at,
            "finish_reason": reason,
            "is_complete": coverage["is_complete"],
            "incomplete_reasons": coverage["incomplete_reasons"],
            "coverage": coverage,
            "paths": {
                "items": str(self.paths.day_items),
                "run_items": str(self.paths.items),
                "archive": str(archive) if archive else None,
                "log": str(self.paths.log),
                "state_db": str(self.paths.state_db),
            },
            "scrapy_stats": stats,
        }
        self.paths.stats.write_text(
            json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
        achieved, expected = coverage["achieved"], coverage["expected"]
        write_crawl_log(
            self.paths.state_db,
            {
                "run_id": self.paths.run_id,
                "spider": spider.name,
                "source": getattr(spider, "source", None),
                "crawl_date": self.paths.crawl_date,
                "started_at": self.started_at,
                "finished_at": finished_at,
                "finish_reason": reason,
                "is_complete": int(coverage["is_complete"]),
                "incomplete_reasons": coverage["incomplete_reasons"],
                "expected_listings": expected["listings"],
                "expected_pages": expected["pages"],
                "achieved_listings": achieved["listings"],
                "achieved_postings": achieved["postings"],
                "pages_fetched": achieved["pages_fetched"],
                "pages_repeated": achieved["pages_repeated"],
                "items_written": stats.get("lmis/items_written", 0),
                "items_new": stats.get("lmis/items_new", 0),
                "requests_failed": sum(coverage["failures"].values()),
                "robots_forbidden": stats.get("robotstxt/forbidden", 0),
                "retry_after_waits": stats.get("lmis/retry_after/waits", 0),
                "jsonld_blocks_failed": stats.get("lmis/jsonld/blocks_failed", 0),
                "items_path": str(self.paths.day_items),
                "archive_path": str(archive) if archive else None,
                "stats_json": str(self.paths.stats),
            },
        )
        log.info(
            "run %s finished (%s): %s; expected listings %s, listed %d, postings %d,"
            " pages %d (%d repeated)%s",
            self.paths.run_id,
            reason,
            "complete" if coverage["is_complete"] else "INCOMPLETE",
            expected["listings"],
            achieved["listings"],
            achieved["postings"],
            achieved["pages_fetched"],
            achieved["pages_repeated"],
            "" if coverage["is_complete"] else f"; reasons: {coverage['incomplete_reasons']}",
        )
