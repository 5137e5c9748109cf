"""`lmis admin …`: generate the synthetic WLKP and AK1 exports, and load any admin source.

Examples:
    lmis admin generate-wlkp --companies 3000 --out data/synthetic/wlkp
    lmis admin generate-ak1 --job-seekers 3000 --out data/synthetic/ak1
    lmis admin load wlkp --input data/synthetic/wlkp --out /tmp/wlkp-staging
    lmis admin load karirhub

The logic lives in `ingest/admin/`; this module only parses arguments.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from orchestration import settings

log = logging.getLogger(__name__)

SOURCES = ("karirhub", "karirhub-listing", "karirhub-rss", "maganghub", "wlkp", "ak1")


def _months(text: str) -> list[int]:
    """'1-6' or '1,2,3' -> [1, …]."""
    if "-" in text:
        first, last = (int(part) for part in text.split("-", 1))
        months = list(range(first, last + 1))
    else:
        months = [int(part) for part in text.split(",")]
    if not months or any(not 1 <= m <= 12 for m in months):
        raise argparse.ArgumentTypeError(f"{text!r}: months must be within 1-12")
    return months


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "admin", help="administrative sources: Karirhub, MagangHub, AK1, WLKP"
    )
    commands = parser.add_subparsers(dest="admin_command", required=True, metavar="ACTION")

    wlkp = commands.add_parser("generate-wlkp", help="write synthetic WLKP exports (xlsx, csv)")
    wlkp.add_argument(
        "--companies", type=int, default=3000,
        help="companies reporting (default: %(default)s)",
    )  # fmt: skip
    wlkp.add_argument(
        "--out", type=Path, default=settings.DATA_DIR / "synthetic" / "wlkp",
        help="output folder (default: %(default)s)",
    )  # fmt: skip
    wlkp.add_argument(
        "--year", type=int, default=2025, help="year of the monthly exports (default: %(default)s)"
    )
    wlkp.add_argument("--months", type=_months, default=_months("1-6"), help="e.g. 1-6 or 1,4")
    wlkp.add_argument(
        "--seed", type=int, default=4,
        help="random seed; the same seed gives the same files (default: %(default)s)",
    )  # fmt: skip
    wlkp.add_argument("--formats", default="xlsx,csv", help="formats to alternate by month")
    wlkp.add_argument(
        "--reorder-every", type=int, default=3,
        help="every Nth month has its columns in another order (0: never)",
    )  # fmt: skip
    wlkp.set_defaults(func=run_generate_wlkp)

    ak1 = commands.add_parser("generate-ak1", help="write synthetic AK1 register and placements")
    ak1.add_argument(
        "--job-seekers", type=int, default=3000,
        help="job seekers registered (default: %(default)s)",
    )  # fmt: skip
    ak1.add_argument(
        "--out", type=Path, default=settings.DATA_DIR / "synthetic" / "ak1",
        help="output folder (default: %(default)s)",
    )  # fmt: skip
    ak1.add_argument(
        "--year", type=int, default=2025, help="year of the registrations (default: %(default)s)"
    )
    ak1.add_argument(
        "--months", type=_months, default=_months("1-6"),
        help="months of registrations, e.g. 1-6 or 1,4 (default: 1-6)",
    )  # fmt: skip
    ak1.add_argument(
        "--seed", type=int, default=4,
        help="random seed; the same seed gives the same files (default: %(default)s)",
    )  # fmt: skip
    ak1.add_argument("--defect-rate", type=float, default=0.01,
                     help="share of register rows given a typical export fault")  # fmt: skip
    ak1.set_defaults(func=run_generate_ak1)

    load = commands.add_parser("load", help="read a source; log counts; optionally write parquet")
    load.add_argument("source", choices=SOURCES, help=f"the source to read: {', '.join(SOURCES)}")
    load.add_argument("--input", type=Path, help="file or folder (default: the shipped sample)")
    load.add_argument(
        "--out", type=Path,
        help="write <source>_staging.parquet, _quarantine.parquet and _metadata.json here",
    )  # fmt: skip
    load.add_argument(
        "--report-mismatches", action="store_true",
        help="WLKP: list total mismatches in the metadata instead of failing",
    )  # fmt: skip
    load.set_defaults(func=run_load)


def run_generate_wlkp(args: argparse.Namespace) -> int:
    from ingest.admin.wlkp_generate import generate_wlkp_exports

    manifest = generate_wlkp_exports(
        args.out, companies=args.companies, year=args.year, months=args.months, seed=args.seed,
        formats=tuple(args.formats.split(",")), reorder_every=args.reorder_every,
    )  # fmt: skip
    log.info("wrote %d WLKP exports, %d detail rows, to %s",
             len(manifest["files"]), manifest["detail_rows"], args.out)  # fmt: skip
    return 0


def run_generate_ak1(args: argparse.Namespace) -> int:
    from ingest.admin.ak1 import generate_ak1_exports

    manifest = generate_ak1_exports(
        args.out, job_seekers=args.job_seekers, year=args.year, months=args.months,
        seed=args.seed, defect_rate=args.defect_rate,
    )  # fmt: skip
    for name, info in manifest["files"].items():
        log.info("wrote %s: %d rows", args.out / name, info["rows"])
    return 0


def _loads(source: str, input_path: Path | None, report: bool) -> list:
    """The `AdminLoad`s of one source (AK1 has two: the register and the placements)."""
    from ingest.admin import ak1, karirhub, maganghub, wlkp_read
    from ingest.admin.results import AdminSourceError

    if input_path is not None and not input_path.exists():
        # Not every reader checks this itself; a missing path is one error line, not a traceback.
        raise AdminSourceError(f"{input_path}: no such file or folder")
    if source == "karirhub":
        return [karirhub.read_karirhub_details(input_path or karirhub.DETAILS_FILE)]
    if source == "karirhub-listing":
        return [karirhub.read_karirhub_listing(input_path or karirhub.LISTING_FILE)]
    if source == "karirhub-rss":
        return [karirhub.read_karirhub_rss(input_path or karirhub.RSS_FILE)]
    if source == "maganghub":
        return [maganghub.read_maganghub_positions(input_path or maganghub.POSITIONS_FILE)]
    if source == "wlkp":
        folder = input_path or settings.DATA_DIR / "synthetic" / "wlkp"
        paths = list(wlkp_read.iter_export_paths(folder)) if folder.is_dir() else [folder]
        mode = "report" if report else "raise"
        return [wlkp_read.read_wlkp_exports(paths, on_total_mismatch=mode)]
    folder = input_path or settings.DATA_DIR / "synthetic" / "ak1"
    key = ak1.load_pseudonym_key()
    loads = []
    for path in sorted(folder.glob("ak1_*.csv")) if folder.is_dir() else [folder]:
        is_placement = "penempatan" in path.name
        reader = ak1.read_ak1_placements if is_placement else ak1.read_ak1_job_seekers
        loads.append(reader(path, key))
    return loads


def _as_landed(loads: list) -> list:
    """The loads as the pipeline lands them: the files of one source as one partition, each
    later row of an id quarantined (`id_duplicated`), so the counts logged are the landing's."""
    from ingest.admin.landing import with_repeated_keys_quarantined
    from ingest.admin.results import concat_loads

    by_source: dict[str, list] = {}
    for load in loads:
        by_source.setdefault(load.source, []).append(load)
    return [
        with_repeated_keys_quarantined(group[0] if len(group) == 1 else concat_loads(name, group))
        for name, group in by_source.items()
    ]


def run_load(args: argparse.Namespace) -> int:
    from ingest.admin.personal_data import mask_nested
    from ingest.admin.pseudonymise import PseudonymKeyError
    from ingest.admin.results import AdminSourceError

    try:
        loads = _as_landed(_loads(args.source, args.input, args.report_mismatches))
    except AdminSourceError as exc:
        log.error("%s", exc)
        return 1
    except PseudonymKeyError as exc:
        log.error("refusing to run: %s", exc)
        return 2
    for load in loads:
        # The readers logged each file as read; this is the count the pipeline lands.
        log.info(
            "%s as landed (repeated ids quarantined): %d rows in, %d loaded, %d quarantined",
            load.source, load.rows_in, load.rows_loaded, load.rows_quarantined,
        )  # fmt: skip
        if not args.out:
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        stem = load.source
        # The raw frame may hold names, phones and e-mails: it is not written here.
        load.staging.write_parquet(args.out / f"{stem}_staging.parquet")
        load.quarantine.write_parquet(args.out / f"{stem}_quarantine.parquet")
        # The metadata quotes the input (file names, header labels, title and note lines,
        # messages quoting cells), where anyone may have typed a phone number or a NIK.
        (args.out / f"{stem}_metadata.json").write_text(
            json.dumps(mask_nested(load.metadata), indent=2, default=str) + "\n"
        )
        log.info("wrote staging, quarantine and metadata of %s to %s", stem, args.out)
    return 0
