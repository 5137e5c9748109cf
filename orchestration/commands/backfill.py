"""`lmis backfill --from D --to D`: run the nightly job (or a daily-partitioned job) per day."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import date

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backfill",
        help="run the nightly job (or a daily-partitioned job) for every day of a range",
        description="One run per day, oldest first, each leaving that day's dated release in "
        "data/releases/. Days whose inputs and code match the latest release are released from "
        "the current publication without rebuilding, unless --rebuild. Only days that have "
        "ended in Jakarta: a range reaching today or later is refused (exit 2). See "
        "docs/operations.md.",
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=date.fromisoformat,
        required=True,
        help="first day of the range, YYYY-MM-DD",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=date.fromisoformat,
        required=True,
        help="last day of the range, YYYY-MM-DD (included; a day that has ended in Jakarta)",
    )
    parser.add_argument(
        "--job",
        default="nightly",
        help="`nightly` (default), or a daily-partitioned job: `crawl_daily`, `land_portal_days`",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="run the whole nightly job for every day"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orchestration.operations.backfill import BackfillRefused, backfill
    from orchestration.runner import check_run_settings

    # A bad setting ends the command here (exit 2), not in the first day's publication.
    check_run_settings()
    started = time.monotonic()
    try:
        outcomes = backfill(args.start, args.end, job_name=args.job, rebuild=args.rebuild)
    except BackfillRefused as exc:
        log.error("backfill refused: %s", exc)
        return 2
    for outcome in outcomes:
        log.info(
            "  %s  %-9s %7.1f s  %s",
            outcome.day,
            outcome.mode,
            outcome.seconds,
            "ok" if outcome.success else "FAILED",
        )
    failed = [o for o in outcomes if not o.success]
    log.info(
        "backfill of %d day(s) took %.1f s; %d failed",
        len(outcomes),
        time.monotonic() - started,
        len(failed),
    )
    expected_days = (args.end - args.start).days + 1
    if failed or len(outcomes) != expected_days:
        return 1
    from orchestration.cli import EXIT_FILES_QUARANTINED

    # Every day published, but a file was left out: the operator must still hear of it.
    return EXIT_FILES_QUARANTINED if any(o.quarantined_files for o in outcomes) else 0
