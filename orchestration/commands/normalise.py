"""`lmis normalise IN.csv OUT.csv`: parse pay, dates, places and education in any posting file.

Input: a CSV with an `id` column and any of `salary_text`, `date_text`, `crawl_date`,
`location_text`, `education_text` (other columns are ignored). Output: `id` and the parsed fields
with their flags. The pipeline calls the same `ingest.normalise.normalise_postings`.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import polars as pl

from ingest.normalise import normalise_postings

log = logging.getLogger(__name__)

INPUT_COLUMNS = ["id", "salary_text", "date_text", "crawl_date", "location_text", "education_text"]
OUTPUT_COLUMNS = [
    "id",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_status",
    "salary_monthly_min",
    "salary_monthly_max",
    "salary_is_plausible",
    "salary_flags",
    "posted_date",
    "posted_date_status",
    "province_code",
    "province_code_system",
    "province_code_vintage",
    "regency_code",
    "regency_code_system",
    "regency_code_vintage",
    "location_status",
    "education_level",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "normalise",
        help="parse pay, dates, places and education in a CSV of postings",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", type=Path, help="CSV with `id` and raw text columns")
    parser.add_argument("output", type=Path, help="CSV to write the parsed fields to")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.input
    if not path.is_file():
        log.error("%s: no such file", path)
        return 2
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as error:
        log.error("%s: cannot be read as CSV: %s", path, error)
        return 2
    if "id" not in raw.columns:
        log.error("%s: required column `id` is missing (found: %s)", path, ", ".join(raw.columns))
        return 2
    present = [c for c in INPUT_COLUMNS if c in raw.columns]
    if present == ["id"]:
        log.error("%s: none of the columns %s is present", path, ", ".join(INPUT_COLUMNS[1:]))
        return 2
    blank_ids = raw.with_row_index("row", offset=2).filter(pl.col("id").is_null())
    if blank_ids.height:
        log.error("%s: row %d: field `id` is empty", path, blank_ids["row"][0])
        return 2
    parsed = normalise_postings(raw.select(present))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    parsed.select(OUTPUT_COLUMNS).write_csv(args.output)
    log.info("normalise: wrote %d rows to %s", parsed.height, args.output)
    return 0
