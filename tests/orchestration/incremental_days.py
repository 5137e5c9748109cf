"""Fixture data for incremental nights: the shipped MagangHub export split into new days.

`add_portal_days` takes `ROWS_PER_DAY` positions per day out of the MagangHub export of the
fixture data folder and writes them as `maganghub_positions_<day>.csv.gz`, one file per day, as
if the portal had delivered a daily export on each of those days; the monthly export keeps the
rest. Positions are disjoint between files, so the union is the shipped export.
"""

from __future__ import annotations

import csv
import gzip
from datetime import date
from pathlib import Path

MAGANGHUB_EXPORT = "real/maganghub-2025-10/maganghub_positions_2025-10.csv.gz"
ROWS_PER_DAY = 50


def add_portal_days(data: Path, days: list[date]) -> list[Path]:
    """Split the fixture's MagangHub export into one file per day of `days`; return them."""
    export = data / MAGANGHUB_EXPORT
    csv.field_size_limit(16 * 1024 * 1024)
    with gzip.open(export, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    taken = ROWS_PER_DAY * len(days)
    day_files = []
    for index, day in enumerate(days):
        path = export.with_name(f"maganghub_positions_{day.isoformat()}.csv.gz")
        chunk = rows[len(rows) - taken + index * ROWS_PER_DAY :][:ROWS_PER_DAY]
        _write(path, header, chunk)
        day_files.append(path)
    _write(export, header, rows[: len(rows) - taken])
    return day_files


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    # mtime=0: the same rows give the same bytes, so fingerprints depend on content only.
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped,
        open_text(zipped) as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def open_text(binary):
    import io

    return io.TextIOWrapper(binary, encoding="utf-8", newline="")
