"""Helpers for the crawler tests: run a spider against a loopback fixture server, read items.

Every crawl here goes through `run_crawl` (a real subprocess, as in production) with the
politeness delays off, a test contact address, and `LMIS_ALLOWED_HOSTS = ["127.0.0.1"]`, so a
spider that tried to reach any other host would be refused and the test would see the failure.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from ingest.scrapers.runner import UNTHROTTLED, CrawlResult, run_crawl

TEST_CONTACT = "crawler-tests@example.org"
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def crawl(
    spider: str,
    out_dir: Path,
    base_url: str | None,
    crawl_date: str = "2025-10-23",
    arguments: dict[str, str] | None = None,
    **overrides: Any,
) -> CrawlResult:
    settings: dict[str, Any] = {
        **UNTHROTTLED,
        "LMIS_ALLOWED_HOSTS": ["127.0.0.1"],
        "LMIS_CRAWL_CONTACT": TEST_CONTACT,
        "LOG_LEVEL": "INFO",
        # Fail fast instead of waiting long on a broken fixture.
        "DOWNLOAD_TIMEOUT": 20,
        "LMIS_RETRY_AFTER_MAX_SECONDS": 5,
    }
    if base_url:
        settings["LMIS_BASE_URL"] = base_url
    settings.update(overrides)
    return run_crawl(
        spider,
        out_dir,
        crawl_date,
        settings,
        spider_arguments=arguments,
        timeout_seconds=120,
    )


def read_items(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def inline(text: str | None) -> str | None:
    """How one-line fields are expected to arrive: entities decoded, no zero-width characters,
    whitespace runs collapsed (what the cleaning pipeline promises)."""
    if text is None:
        return None
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = " ".join(_ZERO_WIDTH.sub("", text).split())
    return text or None


def block(text: str | None) -> str | None:
    """How a JSON-LD description is expected to arrive: entities decoded, ends trimmed."""
    if text is None:
        return None
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return _ZERO_WIDTH.sub("", text).strip() or None


def assert_no_offhost_requests(result: CrawlResult) -> None:
    assert result.stats.get("lmis/offhost_blocked", 0) == 0


def merge_after_barrier(barrier: Any, run_file: Path, day_file: Path) -> int:
    """`merge_into_day_file` once every party has reached `barrier`: two worker processes
    started at different moments then merge at the same time, as two crawls ending at once do."""
    from ingest.scrapers.pipelines import merge_into_day_file

    barrier.wait(timeout=60)
    return merge_into_day_file(run_file, day_file)
