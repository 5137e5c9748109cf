"""Where one crawl run writes its files, derived from the run settings.

<out>/crawl_state.sqlite                         seen postings and crawl log (all spiders)
<out>/<spider>/<crawl_date>/items.jsonl          the day's postings, merged over re-runs
<out>/<spider>/<crawl_date>/runs/<run_id>/
    items.jsonl                                  this run's items
    responses.warc.gz                            every raw response of the run
    stats.json                                   Scrapy stats, coverage and verdict
    crawl.log                                    the crawler's log
    jsonld_failures.jsonl                        JSON-LD blocks that could not be read
    quarantine.jsonl                             records that could not become items
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only a type here: importing Scrapy (and Twisted) costs every `lmis` process about 1.5 s.
    from scrapy.settings import BaseSettings

STATE_DB_NAME = "crawl_state.sqlite"


@dataclass(frozen=True)
class RunPaths:
    out_dir: Path
    spider: str
    crawl_date: str
    run_id: str

    @classmethod
    def from_settings(cls, settings: BaseSettings, spider: str) -> RunPaths:
        missing = [
            name
            for name in ("LMIS_OUT_DIR", "LMIS_CRAWL_DATE", "LMIS_RUN_ID")
            if not settings.get(name)
        ]
        if missing:
            raise RuntimeError(
                f"crawl settings {', '.join(missing)} are not set; start crawls with "
                "`lmis crawl` or ingest.scrapers.runner.run_crawl"
            )
        return cls(
            Path(settings["LMIS_OUT_DIR"]),
            spider,
            str(settings["LMIS_CRAWL_DATE"]),
            str(settings["LMIS_RUN_ID"]),
        )

    @property
    def state_db(self) -> Path:
        return self.out_dir / STATE_DB_NAME

    @property
    def day_dir(self) -> Path:
        return self.out_dir / self.spider / self.crawl_date

    @property
    def day_items(self) -> Path:
        return self.day_dir / "items.jsonl"

    @property
    def run_dir(self) -> Path:
        return self.day_dir / "runs" / self.run_id

    @property
    def items(self) -> Path:
        return self.run_dir / "items.jsonl"

    @property
    def archive(self) -> Path:
        return self.run_dir / "responses.warc.gz"

    @property
    def stats(self) -> Path:
        return self.run_dir / "stats.json"

    @property
    def log(self) -> Path:
        return self.run_dir / "crawl.log"

    @property
    def jsonld_failures(self) -> Path:
        return self.run_dir / "jsonld_failures.jsonl"

    @property
    def quarantine(self) -> Path:
        return self.run_dir / "quarantine.jsonl"
