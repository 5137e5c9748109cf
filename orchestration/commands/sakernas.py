"""`lmis sakernas`: generate SYNTHETIC Sakernas rounds and build the labour-force indicator mart.

    lmis sakernas generate --rounds 2015-2024 --persons 150000 --out DIR
    lmis sakernas indicators IN [IN ...] OUT.parquet [--round 2020-08]

IN is a microdata file (any supported format; give its round mapping with --round unless it is a
generator file, which names its mapping) or a folder of generator files.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from orchestration.settings import DATA_DIR

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
        "--persons", type=int, default=150_000, help="persons in total over all rounds"
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

    indicators = actions.add_parser("indicators", help="build labour_force_indicators parquet")
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
        type=int,
        default=10,
        help="suppress an estimate resting on fewer sample persons (default: %(default)s)",
    )
    indicators.add_argument(
        "--memory-limit",
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


def run_generate(args: argparse.Namespace) -> int:
    from ingest.sakernas.generator import generate

    manifest = generate(args.out, DATA_DIR, args.rounds, args.persons, args.seed, args.provinces)
    log.info("SYNTHETIC data: %s persons in %s", manifest["persons"], args.out)
    return 0


def run_indicators(args: argparse.Namespace) -> int:
    from ingest.sakernas.config import RoundConfigError
    from ingest.sakernas.harmonise import HarmonisationError
    from ingest.sakernas.pipeline import build_indicator_mart, discover_inputs
    from ingest.sakernas.readers import MicrodataReadError

    if len(args.inputs) < 2:
        log.error("give at least one input and the output parquet path")
        return 2
    *sources, out_path = args.inputs
    try:
        inputs = discover_inputs(sources, args.round_name)
        build_indicator_mart(
            inputs,
            out_path,
            min_sample_persons=args.min_sample_persons,
            memory_limit=args.memory_limit,
        )
    except (MicrodataReadError, RoundConfigError, HarmonisationError) as exc:
        # Inputs the command cannot use: one line naming the file, as every command does.
        log.error("%s", exc)
        return 2
    return 0
