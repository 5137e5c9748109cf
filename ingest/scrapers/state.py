"""Crawl state that outlives one run: the seen-postings store and the crawl log.

Both live in one SQLite file beside the crawl output (`<out>/crawl_state.sqlite`). SQLite and not
the DuckDB warehouse, because DuckDB admits one writing process per file and the warehouse is
busy with dbt while crawls run; the Dagster assets copy both tables into the warehouse's `raw`
schema after each crawl.

`seen_postings` has one row per (source, source_posting_id) with the first and last crawl date
it was seen on and on how many distinct dates (`seen_days` keeps the dates, so a backfill of a
date between the first and the last counts once, and only if new). Re-running a crawl for the
same date only refreshes `last_run_id`, so a re-run never adds rows. `crawl_log` has one row
per run with the expected and achieved coverage and the completeness verdict.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
create table if not exists seen_postings (
    source text not null,
    source_posting_id text not null,
    url text,
    first_seen_date text not null,
    last_seen_date text not null,
    days_seen integer not null,
    first_run_id text not null,
    last_run_id text not null,
    primary key (source, source_posting_id)
);
create table if not exists seen_days (
    source text not null,
    source_posting_id text not null,
    crawl_date text not null,
    primary key (source, source_posting_id, crawl_date)
);
create table if not exists crawl_log (
    run_id text primary key,
    spider text not null,
    source text,
    crawl_date text not null,
    started_at text,
    finished_at text,
    finish_reason text,
    is_complete integer not null,
    incomplete_reasons text,
    expected_listings integer,
    expected_pages integer,
    achieved_listings integer,
    achieved_postings integer,
    pages_fetched integer,
    pages_repeated integer,
    items_written integer,
    items_new integer,
    requests_failed integer,
    robots_forbidden integer,
    retry_after_waits integer,
    jsonld_blocks_failed integer,
    items_path text,
    archive_path text,
    stats_json text
);
"""

# Writes wait for a concurrent crawl's transaction instead of failing at once.
_BUSY_TIMEOUT_SECONDS = 60


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create if needed) the state database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_SECONDS)
    connection.executescript(_SCHEMA)
    return connection


@dataclass(frozen=True)
class Sighting:
    """The seen-store's view of one posting after recording a sighting."""

    first_seen_date: str
    last_seen_date: str
    is_new: bool  # first seen on this crawl date (also true on a same-day re-run)


class SeenStore:
    """First/last-seen dates per posting; batches writes and commits every `batch_size` rows."""

    def __init__(self, path: Path, batch_size: int = 500):
        self.connection = connect(path)
        self.batch_size = batch_size
        self._pending = 0

    def record(
        self, source: str, posting_id: str, url: str | None, crawl_date: str, run_id: str
    ) -> Sighting:
        """Record that a posting was seen on `crawl_date`; idempotent for the same date."""
        cursor = self.connection.execute(
            "select first_seen_date, last_seen_date from seen_postings"
            " where source = ? and source_posting_id = ?",
            (source, posting_id),
        )
        row = cursor.fetchone()
        if row is None:
            self.connection.execute(
                "insert into seen_postings values (?, ?, ?, ?, ?, 1, ?, ?)",
                (source, posting_id, url, crawl_date, crawl_date, run_id, run_id),
            )
            self._add_day(source, posting_id, crawl_date)
            first, last = crawl_date, crawl_date
        else:
            first, last = row
            # A store written before `seen_days` existed: its dates are the first and last.
            known = self.connection.execute(
                "select count(*) from seen_days where source = ? and source_posting_id = ?",
                (source, posting_id),
            ).fetchone()[0]
            if not known:
                for day in {first, last}:
                    self._add_day(source, posting_id, day)
            is_new_day = self._add_day(source, posting_id, crawl_date)
            first, last = min(first, crawl_date), max(last, crawl_date)
            self.connection.execute(
                "update seen_postings set first_seen_date = ?, last_seen_date = ?,"
                " days_seen = days_seen + ?, url = coalesce(?, url),"
                " last_run_id = case when ? >= last_seen_date then ? else last_run_id end"
                " where source = ? and source_posting_id = ?",
                (first, last, int(is_new_day), url if crawl_date >= row[1] else None,
                 crawl_date, run_id, source, posting_id),
            )  # fmt: skip
        self._pending += 1
        if self._pending >= self.batch_size:
            self.commit()
        return Sighting(first, last, first == crawl_date)

    def _add_day(self, source: str, posting_id: str, crawl_date: str) -> bool:
        """Keep one of a posting's crawl dates; True if the date was new for it."""
        cursor = self.connection.execute(
            "insert or ignore into seen_days values (?, ?, ?)", (source, posting_id, crawl_date)
        )
        return cursor.rowcount == 1

    def known_ids(self, source: str) -> set[str]:
        rows = self.connection.execute(
            "select source_posting_id from seen_postings where source = ?", (source,)
        )
        return {posting_id for (posting_id,) in rows}

    def commit(self) -> None:
        self.connection.commit()
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self.connection.close()


def write_crawl_log(path: Path, row: dict[str, Any]) -> None:
    """Insert or replace one run's row in `crawl_log`."""
    connection = connect(path)
    try:
        columns = [
            column for (_, column, *_rest) in connection.execute("pragma table_info(crawl_log)")
        ]
        values = [
            json.dumps(row[c], ensure_ascii=False)
            if isinstance(row.get(c), dict | list)
            else row.get(c)
            for c in columns
        ]
        placeholders = ", ".join("?" for _ in columns)
        connection.execute(
            f"insert or replace into crawl_log ({', '.join(columns)}) values ({placeholders})",
            values,
        )
        connection.commit()
    finally:
        connection.close()


def read_table(path: Path, table: str) -> list[dict[str, Any]]:
    """All rows of `seen_postings` or `crawl_log` as dicts (for tests, reports and landing)."""
    if table not in ("seen_postings", "crawl_log"):
        raise ValueError(f"unknown crawl-state table {table!r}")
    connection = connect(path)
    try:
        cursor = connection.execute(f"select * from {table}")
        names = [description[0] for description in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]
    finally:
        connection.close()


def has_run(path: Path, run_id: str) -> bool:
    connection = connect(path)
    try:
        row = connection.execute("select 1 from crawl_log where run_id = ?", (run_id,)).fetchone()
        return row is not None
    finally:
        connection.close()
