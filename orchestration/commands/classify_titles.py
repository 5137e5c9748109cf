"""`lmis classify-titles IN.csv OUT.csv`: code job titles to KBJI 2014 and ISCO-08.

Input: a CSV with columns `id` and `title`, and optionally `company`, `category`, `location`,
`description` (the category is used as secondary evidence). Output: `id, kbji4, isco08,
confidence, kbji4_alt1, kbji4_alt2, is_auto_coded`, one row per input row of the right width, in
input order; a row with the wrong number of fields is not coded and goes only to
OUT.quarantine.csv (`field_count`). Rows whose title has no usable words get empty codes and
confidence 0 and are also written, with the reason, to OUT.quarantine.csv, as is each later row
of a repeated id (`id_duplicated`, naming the first row's line; still coded). `is_auto_coded` is
confidence >= the threshold (`--threshold`, else the one chosen when the model was built, about
0.88); a row without a code (confidence 0) is never auto-coded, even at `--threshold 0`. Rows
are numbered by file line, header = line 1, as in every `lmis IN.csv OUT.csv` command. The model
is built from the shipped data on first use (about 4 minutes) and cached in `data/cache/`. The
pipeline calls the same `ingest.occupations.code_titles`.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import polars as pl

from ingest.csv_records import CsvInputError
from ingest.file_commands import (
    LINE_COLUMN,
    CsvRows,
    id_key,
    read_rows,
    refuse_to_overwrite,
    write_quarantine,
)
from ingest.quarantine import merge_by_line, quarantine_record

log = logging.getLogger(__name__)

COMMAND = "classify_titles"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "classify-titles",
        help="code job titles to KBJI 2014 / ISCO-08 with a calibrated confidence",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", type=Path, help="CSV with `id`, `title` and optional context")
    parser.add_argument("output", type=Path, help="CSV to write the codes to")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="confidence at or above which a code counts as auto-coded (default: the one chosen "
        "at build time, see docs/occupation-coder-model-card.md); a row without a code is "
        "never auto-coded, even at 0",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the cached model before coding"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ingest.occupations import CLI_COLUMNS, OccupationCoder
    from ingest.occupations.build import load_model
    from ingest.occupations.coder import OUTPUT_SCHEMA, QUARANTINE_SCHEMA, CodingResult

    path: Path = args.input
    try:
        refuse_to_overwrite(path, args.output)
        rows = read_rows(path, COMMAND)
    except CsvInputError as error:
        log.error("%s", error)
        return 2
    frame = rows.frame
    missing = [c for c in ("id", "title") if c not in frame.columns]
    if missing:
        log.error("%s: required column(s) missing: %s", path, ", ".join(missing))
        return 2
    threshold = args.threshold
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        log.error("--threshold must be between 0 and 1, got %s", threshold)
        return 2
    if threshold is not None:
        threshold += 0.0  # -0.0 becomes 0.0, so the log does not say "-0.0000"
    coder = OccupationCoder(load_model(rebuild=args.rebuild), auto_code_threshold=threshold)
    threshold = coder.auto_code_threshold
    if frame.height == 0:
        # The coder's vectoriser refuses an empty batch; no row to code is an empty result.
        result = CodingResult(
            pl.DataFrame(schema=OUTPUT_SCHEMA), pl.DataFrame(schema=QUARANTINE_SCHEMA)
        )
    else:
        result = coder.code(frame.drop(LINE_COLUMN).with_columns(id_key()))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    result.coded.select(CLI_COLUMNS).write_csv(args.output)
    records = merge_by_line(
        rows.quarantine + _quarantine_records(result.quarantine, rows, path), rows.columns
    )
    quarantine_file = write_quarantine(records, args.output)
    for record in sorted(records, key=lambda r: r["source_row"])[:5]:
        log.warning("%s (id %s)", record["reason"], record["id"])
    coded = result.coded
    log.info(
        "%s: %d rows in, %d coded (%d auto-coded at threshold %.4f), %d quarantined -> %s",
        path,
        rows.rows_read,
        coded.filter(pl.col("kbji4").is_not_null()).height,
        coded.filter(pl.col("is_auto_coded")).height,
        threshold,
        len(records),
        quarantine_file,
    )
    return 0


REASON_TEXT = {
    "title_missing": "the title is empty",
    "title_has_no_job_words": "the title has no words a job title is coded from",
    "id_missing": "the id is empty",
}


def _quarantine_records(coder_rows: pl.DataFrame, rows: CsvRows, path: Path) -> list[dict]:
    """The coder's records (numbered by data row) in the file-line convention of every command."""
    frame = rows.frame
    lines = frame[LINE_COLUMN].to_list()
    first_line: dict[str, int] = {}
    for row_id, line in zip(frame.select(id_key())["id"].to_list(), lines, strict=True):
        if row_id is not None:
            first_line.setdefault(row_id, line)
    records = []
    for row in coder_rows.iter_rows(named=True):
        line = lines[row["row_number"] - 1]
        reason = row["reason"]
        if reason == "id_duplicated":
            first = first_line[row["id"]]
            if first == line:
                continue  # the first row of a repeated id is kept as it is
            detail = f"id {row['id']!r} is already used by the row on line {first}"
        raw = rows.raw(frame.row(row["row_number"] - 1, named=True))
        if reason != "id_duplicated":
            # The value as IN has it: the coder sees ids without blanks, a blank one as null.
            value = raw.get(row["field"], row["raw_value"])
            detail = f"{REASON_TEXT.get(reason, reason)} (got {value!r})"
        records.append(
            quarantine_record(COMMAND, path, line, row["id"], row["field"], reason, detail, raw)
        )
    return records
