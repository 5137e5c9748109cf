"""Incremental-night inputs: the shipped MagangHub export split into new days.

`add_portal_days` takes `ROWS_PER_DAY` positions per day (or as many as asked) out of the
MagangHub export of a data folder (the fixture's, or the shipped one in bench/) and writes them
as `maganghub_positions_<day>.csv.gz`, one file per day, as if the portal had delivered a daily
export on each of those days; the monthly export keeps the rest. Positions are disjoint between
files, so the union is the shipped export.
"""

from __future__ import annotations

import csv
import gzip
from datetime import date
from pathlib import Path

MAGANGHUB_EXPORT = "real/maganghub-2025-10/maganghub_positions_2025-10.csv.gz"
ROWS_PER_DAY = 50


def add_portal_days(data: Path, days: list[date], rows_per_day: int = ROWS_PER_DAY) -> list[Path]:
    """Split the MagangHub export of `data` into one file per day of `days`; return them."""
    export = data / MAGANGHUB_EXPORT
    csv.field_size_limit(16 * 1024 * 1024)
    with gzip.open(export, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    taken = rows_per_day * len(days)
    if taken >= len(rows):
        raise ValueError(f"{export}: {len(rows)} positions, {taken} wanted for the new days")
    day_files = []
    for index, day in enumerate(days):
        path = export.with_name(f"maganghub_positions_{day.isoformat()}.csv.gz")
        chunk = rows[len(rows) - taken + index * rows_per_day :][:rows_per_day]
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
