"""`lmis sakernas`: generate SYNTHETIC Sakernas rounds and build the labour-force indicator mart.

    lmis sakernas generate --rounds 2015-2024 --persons 150000 --out DIR
    lmis sakernas indicators IN [IN ...] OUT.parquet [--round 2020-08]

The rows of IN it cannot use are written to OUT_quarantine.parquet beside OUT (`lfi.parquet` ->
`lfi_quarantine.parquet`, as `lmis admin load --out` writes `<source>_quarantine.parquet`).

IN is a microdata file (any supported format; give its round mapping with --round unless it is a
generator file, which names its mapping) or a folder of generator files.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from orchestration import settings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sakernas", help="Sakernas: synthetic rounds and the labour-force indicator mart"
    )
    actions = parser.add_subparsers(dest="sakernas_command", required=True, metavar="ACTION")

    generate = actions.add_parser("generate", help="write SYNTHETIC Sakernas-shaped rounds")
    generate.add_argument(
        "--rounds",
        type=_rounds,
        default="2015-2024",
        help="August rounds: a range or a list of years, e.g. 2015-2024 or 2018,2020 "
        "(default: %(default)s)",
    )
    generate.add_argument(
        "--persons",
        # 0 or fewer used to be accepted (and silently generated a minimum sample anyway).
        type=_at_least_one,
        default=150_000,
        help="persons in total over all rounds, at least 1 (default: %(default)s)",
    )
    generate.add_argument("--out", type=Path, required=True, help="output folder")
    generate.add_argument(
        "--seed",
        type=int,
        default=20200815,
        help="random seed; the same seed gives the same files (default: %(default)s)",
    )
    generate.add_argument(
        "--provinces",
        type=_provinces,
        default=None,
        help="comma-separated BPS province codes (default: all 38)",
    )
    generate.set_defaults(func=run_generate)

    indicators = actions.add_parser(
        "indicators",
        help="build labour_force_indicators parquet (unusable rows: OUT_quarantine.parquet)",
    )
    indicators.add_argument("inputs", type=Path, nargs="+", help="files or folders, then OUT")
    indicators.add_argument(
        "--round",
        dest="round_name",
        default=None,
        help="round mapping that reads the inputs (a name in ingest/sakernas/rounds, e.g. "
        "2020-08, or a .yaml file); needed for every input but generator files, which name "
        "their own",
    )
    indicators.add_argument(
        "--min-sample-persons",
        type=_at_least_one,
        default=10,
        help="suppress an estimate resting on fewer sample persons (default: %(default)s)",
    )
    indicators.add_argument(
        "--memory-limit",
        type=_memory_limit,
        default="1GB",
        help="most memory DuckDB may use while estimating, e.g. 512MB or 4GB "
        "(default: %(default)s)",
    )
    indicators.set_defaults(func=run_indicators)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def _rounds(text: str) -> list[str]:
    """`--rounds` as August periods; a bad value is a usage error (exit 2), not a traceback."""
    from ingest.sakernas.generator import parse_rounds

    try:
        return parse_rounds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _provinces(text: str) -> list[str]:
    """`--provinces` as BPS codes; a code that names no province is a usage error (exit 2)."""
    from ingest.admin.regions import bps_province_names

    codes = [code.strip() for code in text.split(",") if code.strip()]
    known = bps_province_names()
    unknown = [code for code in codes if code not in known]
    if unknown or not codes:
        raise argparse.ArgumentTypeError(
            f"{', '.join(unknown) or repr(text)}: not a BPS province code; known: "
            f"{', '.join(sorted(known))}"
        )
    return codes


def _at_least_one(text: str) -> int:
    """`--min-sample-persons` and `generate --persons`: a count of at least 1 (0 or less would
    publish cells resting on no person at all, or ask for an empty survey)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of persons, at least 1")
    return value


def _memory_limit(text: str) -> str:
    """`--memory-limit` as DuckDB reads it (512MB, 4GB, 1.5GiB); DuckDB itself judges the value,
    so what it accepts and this option accepts cannot drift apart."""
    import duckdb

    try:
        duckdb.connect(config={"memory_limit": text}).close()
    except duckdb.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise argparse.ArgumentTypeError(
            f"{text!r}: not a memory size DuckDB can work in, e.g. 512MB or 4GB ({reason})"
        ) from exc
    return text


def _writable_folder_problem(folder: Path) -> str | None:
    """Why files cannot be written into `folder` (made if missing), or None when they can."""
    if folder.is_file():
        return "it is a file, not a folder"
    probe = folder / f".lmis-write-test.{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.open("wb").close()
        probe.unlink()
    except OSError as exc:
        return str(exc.strerror or exc)
    return None


def run_generate(args: argparse.Namespace) -> int:
    from ingest.sakernas.generator import generate

    problem = _writable_folder_problem(args.out)
    if problem:
        log.error("%s: cannot write the rounds there (%s)", args.out, problem)
        return 2
    manifest = generate(
        args.out, settings.DATA_DIR, args.rounds, args.persons, args.seed, args.provinces
    )
    log.info("SYNTHETIC data: %s persons in %s", manifest["persons"], args.out)
    return 0


def run_indicators(args: argparse.Namespace) -> int:
    import duckdb

    from ingest.csv_records import CsvInputError
    from ingest.file_commands import refuse_to_overwrite
    from ingest.sakernas.config import RoundConfigError
    from ingest.sakernas.harmonise import HarmonisationError
    from ingest.sakernas.pipeline import (
        MartWriteError,
        build_indicator_mart,
        discover_inputs,
        quarantine_path_for,
    )
    from ingest.sakernas.readers import MicrodataReadError

    if len(args.inputs) < 2:
        log.error("give at least one input and the output parquet path")
        return 2
    *sources, out_path = args.inputs
    try:
        # The files a folder holds too: OUT may be one of them.
        inputs = discover_inputs(sources, args.round_name)
        quarantine_path = quarantine_path_for(out_path)
        for item in inputs:
            refuse_to_overwrite(item.path, out_path, quarantine=False)
            # The quarantine file is written beside OUT too: it must not be an input either.
            refuse_to_overwrite(item.path, quarantine_path, quarantine=False)
        build_indicator_mart(
            inputs,
            out_path,
            min_sample_persons=args.min_sample_persons,
            memory_limit=args.memory_limit,
            quarantine_path=quarantine_path,
        )
    except (
        MicrodataReadError,
        RoundConfigError,
        HarmonisationError,
        CsvInputError,
        MartWriteError,
    ) as exc:
        # Inputs the command cannot use: one line naming the file, as every command does.
        log.error("%s", exc)
        return 2
    except duckdb.OutOfMemoryException as exc:
        log.error(
            "%s: DuckDB ran out of memory within --memory-limit %s; give it more (%s)",
            out_path,
            args.memory_limit,
            (str(exc).strip().splitlines() or [type(exc).__name__])[0],
        )
        return 2
    return 0
