"""`lmis run`: materialise the whole nightly job on the shipped data, then summarise it."""

from __future__ import annotations

import argparse
import logging
import time

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the whole pipeline (land, transform, check, publish) on the shipped data",
        description="Land every partition of the partitioned sources, then materialise every "
        "asset of the nightly job, in this process, with progress on the terminal and a summary "
        "of rows per source at the end.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orchestration.operations.incremental import whole_warehouse_run
    from orchestration.operations.retention import tidy_history
    from orchestration.runner import check_run_settings, summarise_run

    # A bad setting ends the command here (exit 2), not in the publication after the build.
    check_run_settings()
    # Old alert files and Dagster runs go first: a night that then fails has still tidied up.
    tidy_history()
    started = time.monotonic()
    # Every partition on disk is landed (portal days, WLKP periods, Sakernas rounds), then the
    # whole nightly job runs: a fresh warehouse gets everything shipped.
    result = whole_warehouse_run()
    summary_ok = summarise_run(result.run_ids) if result.run_ids else False
    log.info("run %s finished in %.1f s", result.nightly_run_id, time.monotonic() - started)
    if not result.success:
        log.error("the run failed; see the step errors above")
        return 1
    if not summary_ok:
        return 1
    if result.quarantined_files:
        from orchestration.cli import EXIT_FILES_QUARANTINED

        log.error(
            "file(s) that cannot be read were not landed (see the alert and "
            "raw.quarantined_files): %s",
            ", ".join(f.path for f in result.quarantined_files),
        )
        return EXIT_FILES_QUARANTINED
    return 0
