"""`lmis normalise IN.csv OUT.csv`: parse pay, dates, places and education in any posting file.

Input: a CSV with an `id` column and any of `salary_text`, `date_text`, `crawl_date`,
`location_text`, `education_text` (other columns are ignored). Output: `id` and the parsed fields
with their flags. Rows it cannot use go to OUT.quarantine.csv with file line, field and reason
(a row of the wrong shape, an empty `id`, negative pay, a later row of an `id` an earlier usable
row has), the rest to OUT (rows read =
rows written + rows quarantined), as for every `lmis IN.csv OUT.csv`
command (ingest/file_commands.py). The pipeline calls the same
`ingest.normalise.normalise_postings`.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import polars as pl

from ingest.csv_records import CsvInputError
from ingest.file_commands import (
    LINE_COLUMN,
    id_key,
    read_rows,
    refuse_to_overwrite,
    split_duplicate_ids,
    write_quarantine,
)
from ingest.normalise import normalise_postings
from ingest.normalise.pay import PAY_NEGATIVE
from ingest.quarantine import merge_by_line, negative_pay_detail, quarantine_record

log = logging.getLogger(__name__)

COMMAND = "normalise"

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

MONEY_COLUMNS = ("salary_min", "salary_max", "salary_monthly_min", "salary_monthly_max")
# Whole amounts are written through a 38-digit decimal, so one beyond Int64 (9.2e18, no
# plausible pay but a parsed typo) is still written out in digits; above 1e38 none fits.
_WHOLE = pl.Decimal(38, 0)
_WHOLE_LIMIT = 1e38


def money_as_text(name: str) -> pl.Expr:
    """An amount as written to OUT: whole amounts as integers in digits ("4500000", not
    "4500000.0"; "100000000000000000000", not "1e+20"), a real fraction kept ("4.5" USD, the
    monthly equivalent of an hourly rate)."""
    value = pl.col(name)
    is_whole = (value.round(0) == value) & (value.abs() < _WHOLE_LIMIT)
    return (
        pl.when(is_whole)
        .then(value.cast(_WHOLE, strict=False).cast(pl.String))
        .otherwise(value.cast(pl.String))
        .alias(name)
    )


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
    try:
        refuse_to_overwrite(path, args.output)
        rows = read_rows(path, COMMAND)
    except CsvInputError as error:
        log.error("%s", error)
        return 2
    if "id" not in rows.columns:
        log.error(
            "%s: required column `id` is missing (found: %s)", path, ", ".join(rows.file_columns)
        )
        return 2
    present = [c for c in INPUT_COLUMNS if c in rows.columns]
    if present == ["id"]:
        log.error("%s: none of the columns %s is present", path, ", ".join(INPUT_COLUMNS[1:]))
        return 2
    raw_by_line = {row[LINE_COLUMN]: rows.raw(row) for row in rows.frame.iter_rows(named=True)}
    keyed = rows.frame.select(*present, LINE_COLUMN).with_columns(id_key())
    quarantined = [
        quarantine_record(
            COMMAND,
            path,
            line,
            None,
            "id",
            "id_missing",
            f"the id is empty (got {raw_by_line[line]['id']!r})",
            raw_by_line[line],
        )
        for line in keyed.filter(pl.col("id").is_null())[LINE_COLUMN]
    ]
    # Every row is parsed, repeated ids too, so that a row's quarantine names all its problems.
    parsed = normalise_postings(keyed)
    negative = parsed.filter(pl.col("salary_status") == PAY_NEGATIVE)
    # A row quarantined for its pay claims no id: a later usable row of its id is written.
    unusable = negative[LINE_COLUMN].to_list()
    quarantined += split_duplicate_ids(rows, path, COMMAND, unusable_lines=unusable)[1]
    quarantined += [
        quarantine_record(
            COMMAND,
            path,
            row[LINE_COLUMN],
            row["id"],
            "salary_text",
            "salary_negative",
            negative_pay_detail(row["salary_text"]),
            raw_by_line[row[LINE_COLUMN]],
        )
        for row in negative.iter_rows(named=True)
    ]
    records = merge_by_line(rows.quarantine + quarantined, rows.columns)
    parsed = parsed.filter(~pl.col(LINE_COLUMN).is_in([r["source_row"] for r in quarantined]))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    parsed.select(OUTPUT_COLUMNS).with_columns(money_as_text(c) for c in MONEY_COLUMNS).write_csv(
        args.output
    )
    quarantine = write_quarantine(records, args.output)
    if rows.rows_read != parsed.height + len(records):
        raise AssertionError(
            f"{path}: {rows.rows_read} rows read but {parsed.height} written and "
            f"{len(records)} quarantined"
        )
    log.info(
        "normalise: %s: %d rows read, %d written to %s, %d quarantined -> %s",
        path,
        rows.rows_read,
        parsed.height,
        args.output,
        len(records),
        quarantine,
    )
    return 0
