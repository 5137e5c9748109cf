"""Item pipelines run on their own, with a stand-in crawler (no reactor, no network)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings

from ingest.scrapers.pipelines import RequiredFieldsPipeline


class _Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count


class _Coverage:
    def __init__(self) -> None:
        self.notes: Counter[str] = Counter()

    def note(self, name: str) -> None:
        self.notes[name] += 1


def _crawler(out_dir: Path) -> SimpleNamespace:
    settings = Settings(
        {"LMIS_OUT_DIR": str(out_dir), "LMIS_CRAWL_DATE": "2026-11-27", "LMIS_RUN_ID": "r1"}
    )
    return SimpleNamespace(
        stats=_Stats(),
        settings=settings,
        spidercls=SimpleNamespace(name="lokerid"),
        spider=SimpleNamespace(coverage=_Coverage()),
    )


def test_crawler_quarantine_records_every_missing_field(tmp_path: Path) -> None:
    # Regression: only the first missing field was recorded.
    crawler = _crawler(tmp_path)
    pipeline = RequiredFieldsPipeline(crawler)
    item = {"spider": "lokerid", "title": "Kasir", "raw": {"judul": "Kasir"}}
    with pytest.raises(DropItem):
        pipeline.process_item(item)
    pipeline.close_spider()
    [line] = (tmp_path / "lokerid" / "2026-11-27" / "runs" / "r1" / "quarantine.jsonl").open()
    record = json.loads(line)
    assert record["field"] == "source;source_posting_id;url"
    assert record["reason_code"] == "missing_source;missing_source_posting_id;missing_url"
    assert record["raw"] == {"judul": "Kasir"}
    assert crawler.stats.values == {
        "lmis/quarantined/missing_source": 1,
        "lmis/quarantined/missing_source_posting_id": 1,
        "lmis/quarantined/missing_url": 1,
    }
    assert crawler.spider.coverage.notes == {"listing_records_quarantined": 1}


def test_an_item_with_one_missing_field_names_that_field(tmp_path: Path) -> None:
    pipeline = RequiredFieldsPipeline(_crawler(tmp_path))
    item = {"source": "lokerid", "source_posting_id": "77", "title": "Kasir"}
    with pytest.raises(DropItem, match="missing url"):
        pipeline.process_item(item)
    pipeline.close_spider()
    [line] = (tmp_path / "lokerid" / "2026-11-27" / "runs" / "r1" / "quarantine.jsonl").open()
    assert json.loads(line) | {"raw": None} == {
        "spider": None, "source": "lokerid", "listing_url": None, "url": None,
        "field": "url", "reason_code": "missing_url", "raw": None,
    }  # fmt: skip
