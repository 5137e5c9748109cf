"""Item pipelines, run in this fixed order (the numbers in settings.ITEM_PIPELINES):

100 `RequiredFieldsPipeline`  items without source, posting id or URL go to the run's quarantine
                              file with their raw record and every missing field (`field` and
                              `reason_code` joined by `;`, as every quarantine lists them);
                              rows in = items + quarantined.
200 `CleanFieldsPipeline`     one-line fields lose over-escaped entities, tags, zero-width
                              characters and extra whitespace; each repair is counted per field.
300 `InRunDedupePipeline`     a posting listed twice in one run (overlapping searches, a repeated
                              page) is written once; duplicates are counted.
400 `SeenStorePipeline`       records the sighting in the seen-postings store and stamps the item
                              with its first- and last-seen dates.
500 `ItemsWriterPipeline`     writes the run's JSON-lines file and merges it into the day's file,
                              so a re-run of the same day replaces postings instead of adding them.

Problems are counted in the crawl stats (`lmis/clean/<field>/<repair>`, `lmis/quarantined/...`)
rather than dropping values silently.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from ingest.quarantine import PROBLEM_SEPARATOR
from ingest.scrapers.items import REQUIRED_FIELDS, VacancyItem
from ingest.scrapers.runpaths import RunPaths
from ingest.scrapers.state import SeenStore
from ingest.scrapers.text import clean_inline_text

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

INLINE_TEXT_FIELDS = (
    "title",
    "company_name",
    "location",
    "employment_type",
    "posted_at",
    "valid_through",
    "salary_text",
)


def posting_key(item: VacancyItem | dict[str, Any]) -> str:
    return f"{item['source']}\x1f{item['source_posting_id']}"


def json_safe(value: Any) -> Any:
    """Replace NaN and infinities (which lenient parsing accepts) with None for strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def dumps_item(item: VacancyItem | dict[str, Any]) -> str:
    """One JSON line; values that strict JSON cannot hold (NaN) are only searched for on failure."""
    try:
        return json.dumps(dict(item), ensure_ascii=False, allow_nan=False, default=str)
    except ValueError:
        return json.dumps(json_safe(dict(item)), ensure_ascii=False, allow_nan=False, default=str)


class _Base:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.paths = RunPaths.from_settings(crawler.settings, crawler.spidercls.name)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    @property
    def coverage(self) -> Any:
        return self.crawler.spider.coverage


class RequiredFieldsPipeline(_Base):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._quarantine: IO[str] | None = None
        self.quarantined = 0

    def process_item(self, item: VacancyItem) -> VacancyItem:
        missing = [name for name in REQUIRED_FIELDS if not item.get(name)]
        if not missing:
            return item
        if self._quarantine is None:
            self.paths.run_dir.mkdir(parents=True, exist_ok=True)
            self._quarantine = self.paths.quarantine.open("a", encoding="utf-8")
        record = {
            "spider": item.get("spider"),
            "source": item.get("source"),
            "listing_url": item.get("listing_url"),
            "url": item.get("url"),
            # Every problem, in the item's field order (REQUIRED_FIELDS), as merge_by_line does.
            "field": PROBLEM_SEPARATOR.join(missing),
            "reason_code": PROBLEM_SEPARATOR.join(f"missing_{name}" for name in missing),
            "raw": item.get("raw"),
        }
        self._quarantine.write(json.dumps(json_safe(record), ensure_ascii=False) + "\n")
        self.quarantined += 1
        for name in missing:
            self.stats.inc_value(f"lmis/quarantined/missing_{name}")
        self.coverage.note("listing_records_quarantined")
        raise DropItem(f"missing {', '.join(missing)}", log_level="DEBUG")

    def close_spider(self) -> None:
        if self._quarantine is not None:
            self._quarantine.close()
            log.info("quarantined %d records to %s", self.quarantined, self.paths.quarantine)


class CleanFieldsPipeline(_Base):
    def process_item(self, item: VacancyItem) -> VacancyItem:
        for name in INLINE_TEXT_FIELDS:
            value = item.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                value = str(value)
            cleaned, repairs = clean_inline_text(value)
            for repair in repairs:
                self.stats.inc_value(f"lmis/clean/{name}/{repair}")
            item[name] = cleaned
        description = item.get("description")
        if isinstance(description, str):
            item["description"] = description.strip() or None
        low, high = item.get("salary_min"), item.get("salary_max")
        if low is not None and high is not None and low > high:
            item["problems"] = [*item.get("problems", []), "salary_min_above_max"]
            self.stats.inc_value("lmis/problems/salary_min_above_max")
        for problem in item.get("problems") or []:
            self.stats.inc_value(f"lmis/problems/{problem}")
        return item


class InRunDedupePipeline(_Base):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.seen: set[str] = set()

    def process_item(self, item: VacancyItem) -> VacancyItem:
        key = posting_key(item)
        if key in self.seen:
            self.stats.inc_value("lmis/duplicates_in_run")
            raise DropItem(f"already written in this run: {key}", log_level="DEBUG")
        self.seen.add(key)
        self.coverage.item_emitted(key)
        return item


class SeenStorePipeline(_Base):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.store: SeenStore | None = None

    def open_spider(self) -> None:
        self.store = SeenStore(self.paths.state_db)

    def process_item(self, item: VacancyItem) -> VacancyItem:
        assert self.store is not None
        sighting = self.store.record(
            item["source"],
            str(item["source_posting_id"]),
            item.get("url"),
            self.paths.crawl_date,
            self.paths.run_id,
        )
        item["first_seen_date"] = sighting.first_seen_date
        item["last_seen_date"] = sighting.last_seen_date
        self.stats.inc_value("lmis/items_new" if sighting.is_new else "lmis/items_seen_before")
        return item

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()


class ItemsWriterPipeline(_Base):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._file: IO[str] | None = None
        self.written = 0

    def open_spider(self) -> None:
        self.paths.run_dir.mkdir(parents=True, exist_ok=True)
        self._file = self.paths.items.open("w", encoding="utf-8")

    def process_item(self, item: VacancyItem) -> VacancyItem:
        assert self._file is not None
        self._file.write(dumps_item(item) + "\n")
        self.written += 1
        self.stats.inc_value("lmis/items_written")
        return item

    def close_spider(self) -> None:
        if self._file is None:
            return
        self._file.close()
        merged = merge_into_day_file(self.paths.items, self.paths.day_items)
        log.info(
            "wrote %d items to %s; the day's file now holds %d postings",
            self.written,
            self.paths.items,
            merged,
        )


def merge_into_day_file(run_items: Path, day_items: Path) -> int:
    """Merge a run's items into the day's file keyed by posting; the run's version wins.

    Streams both files (only the run's posting keys are held in memory) into a temporary file
    that is then renamed, so a reader never sees half a file. Two runs of a spider on the same
    day (a re-run started while the first still goes) merge one after the other, under a lock
    on the day's folder: read, merge and rename in turns, neither loses the other's postings.
    Returns the number of postings in the day's file.
    """
    with run_items.open(encoding="utf-8") as lines:
        run_keys = {posting_key(json.loads(line)) for line in lines if line.strip()}
    lock_path = day_items.with_name(day_items.name + ".lock")
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _merge_locked(run_items, day_items, run_keys)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _merge_locked(run_items: Path, day_items: Path, run_keys: set[Any]) -> int:
    # A name of this process's own: a second merger must not write into the same file.
    temporary = day_items.with_name(f"{day_items.name}.{os.getpid()}.tmp")
    postings = 0
    with temporary.open("w", encoding="utf-8") as output:
        if day_items.exists():
            with day_items.open(encoding="utf-8") as lines:
                for line in lines:
                    if line.strip() and posting_key(json.loads(line)) not in run_keys:
                        output.write(line if line.endswith("\n") else line + "\n")
                        postings += 1
        with run_items.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    output.write(line if line.endswith("\n") else line + "\n")
                    postings += 1
    os.replace(temporary, day_items)
    return postings
