"""`lmis backfill --from D --to D`: run the nightly job (or a daily-partitioned job) per day."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import UTC, date, datetime

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
    from orchestration.operations.retention import tidy_history
    from orchestration.runner import check_run_settings, summarise_run

    # A bad setting ends the command here (exit 2), not in the first day's publication.
    check_run_settings()
    # Old alert files and Dagster runs go first: a night that then fails has still tidied up.
    tidy_history()
    started = time.monotonic()
    started_at = datetime.now(UTC)
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
    # The rows-per-source table `lmis run` ends with, over every run of the backfill (its days'
    # partition landings and nightly runs; a day released without a run adds none).
    run_ids = runs_of_backfill(args.start, args.end, started_at)
    balanced = summarise_run(run_ids, require_landing=False) if run_ids else True
    if not run_ids:
        log.info("no day of the backfill started a run: nothing was landed")
    expected_days = (args.end - args.start).days + 1
    if failed or len(outcomes) != expected_days or not balanced:
        return 1
    from orchestration.cli import EXIT_FILES_QUARANTINED

    # Every day published, but a file was left out: the operator must still hear of it.
    return EXIT_FILES_QUARANTINED if any(o.quarantined_files for o in outcomes) else 0


def runs_of_backfill(start: date, end: date, since: datetime) -> list[str]:
    """The ids of the runs this backfill started (its tag, created since it started), oldest
    first."""
    from orchestration import settings
    from orchestration.operations.backfill import BACKFILL_TAG

    settings.ensure_dagster_home()
    import dagster as dg

    runs_filter = dg.RunsFilter(
        tags={BACKFILL_TAG: f"{start.isoformat()}..{end.isoformat()}"}, created_after=since
    )
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(filters=runs_filter)
    return [run.run_id for run in reversed(runs)]
