"""`lmis classify-titles IN.csv OUT.csv`: code job titles to KBJI 2014 and ISCO-08.

Input: a CSV with columns `id` and `title`, and optionally `company`, `category`, `location`,
`description` (the category is used as secondary evidence). Output: `id, kbji4, isco08,
confidence, kbji4_alt1, kbji4_alt2, is_auto_coded`, one row per input row in input order. Rows
whose title has no usable words get empty codes and confidence 0 and are also written, with the
reason, to OUT with `.quarantine.csv` appended. The model is built from the shipped data on first
use (about a minute) and cached in `data/cache/`. The pipeline calls the same
`ingest.occupations.code_titles`.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import polars as pl

log = logging.getLogger(__name__)


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
        "at build time, see docs/occupation-coder-model-card.md)",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the cached model before coding"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ingest.occupations import CLI_COLUMNS, OccupationCoder
    from ingest.occupations.build import load_model

    path: Path = args.input
    if not path.is_file():
        log.error("%s: no such file", path)
        return 2
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        log.error("%s: cannot be read as CSV: %s", path, error)
        return 2
    missing = [c for c in ("id", "title") if c not in frame.columns]
    if missing:
        log.error("%s: required column(s) missing: %s", path, ", ".join(missing))
        return 2
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        log.error("--threshold must be between 0 and 1, got %s", args.threshold)
        return 2
    coder = OccupationCoder(load_model(rebuild=args.rebuild), auto_code_threshold=args.threshold)
    threshold = coder.auto_code_threshold
    result = coder.code(frame)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    result.coded.select(CLI_COLUMNS).write_csv(args.output)
    quarantine_path = args.output.with_name(args.output.name + ".quarantine.csv")
    if result.quarantine.height:
        result.quarantine.with_columns(pl.lit(str(path)).alias("source_file")).write_csv(
            quarantine_path
        )
        for row in result.quarantine.head(5).iter_rows(named=True):
            log.warning(
                "%s row %d (id %s): field %s: %s",
                path,
                row["row_number"],
                row["id"],
                row["field"],
                row["reason"],
            )
    coded = result.coded
    log.info(
        "%s: %d rows in, %d coded (%d auto-coded at threshold %.2f), %d quarantined -> %s",
        path,
        frame.height,
        coded.filter(pl.col("kbji4").is_not_null()).height,
        coded.filter(pl.col("is_auto_coded")).height,
        threshold,
        result.quarantine.height,
        args.output,
    )
    return 0
