"""Running the nightly job from the command line and summarising what it did."""

from __future__ import annotations

import logging

from orchestration import settings
from orchestration.resources import warehouse_resource

log = logging.getLogger(__name__)

CONSOLE_LOG_LEVEL = "INFO"
CONSOLE_INFO = {"loggers": {"console": {"config": {"log_level": CONSOLE_LOG_LEVEL}}}}
"""Run config of command-line runs: Dagster's step events (DEBUG) stay in the event log."""


def run_nightly_job(selection: list[str] | None = None, tags: dict[str, str] | None = None):
    """Execute the nightly job in this process against the project-local Dagster instance.

    Runs queue behind any other writer of the warehouse (orchestration/operations/).
    """
    settings.ensure_dagster_home()
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.operations.stale_runs import free_slots_of_dead_runs, process_tags
    from orchestration.operations.warehouse_lock import writer_lock

    job = defs.resolve_job_def("nightly")
    with writer_lock(settings.WAREHOUSE_PATH), dg.DagsterInstance.get() as instance:
        free_slots_of_dead_runs(instance)
        return job.execute_in_process(
            instance=instance,
            run_config=CONSOLE_INFO,
            raise_on_error=False,
            asset_selection=(
                [dg.AssetKey.from_user_string(key) for key in selection] if selection else None
            ),
            tags={**(tags or {}), **process_tags()},
        )


def summarise_run(run_id: str | list[str]) -> bool:
    """Log rows per source for this run (or runs: a night's partition landings and its nightly
    run), quarantine reasons and mart sizes; True if balanced."""
    run_ids = [run_id] if isinstance(run_id, str) else list(run_id)
    if not settings.WAREHOUSE_PATH.exists():
        log.error("no warehouse at %s", settings.WAREHOUSE_PATH)
        return False
    # Same process and the same connection settings as the run's resource: DuckDB refuses a
    # second handle on one file with a different configuration.
    with warehouse_resource().get_connection() as con:
        per_source = con.execute(
            "select source, count(*) as files, sum(rows_read), sum(rows_loaded), "
            "sum(rows_quarantined) from raw.load_audit where list_contains(?, run_id) "
            "group by source order by source",
            [run_ids],
        ).fetchall()
        reasons = con.execute(
            "select source, reason_code, count(*), min(source_file) from raw.quarantine "
            "where list_contains(?, run_id) group by all order by 1, 2",
            [run_ids],
        ).fetchall()
    balanced = True
    log.info("rows per source in run(s) %s:", ", ".join(run_ids))
    log.info("  %-40s %6s %10s %10s %12s", "source", "files", "read", "loaded", "quarantined")
    for source, files, read, loaded, quarantined in per_source:
        ok = read == loaded + quarantined
        balanced = balanced and ok
        log.info(
            "  %-40s %6d %10d %10d %12d%s",
            source,
            files,
            read,
            loaded,
            quarantined,
            "" if ok else "  ROWS DO NOT BALANCE",
        )
    for source, reason, count, first_file in reasons:
        log.warning(
            "  quarantined %d rows of %s (%s), e.g. in %s; see raw.quarantine",
            count,
            source,
            reason,
            first_file,
        )
    if not per_source:
        log.error("this run landed no source")
        return False
    published = sorted(settings.MARTS_DIR.glob("*.parquet"))
    log.info(
        "%d parquet marts in %s; reports in %s",
        len(published),
        settings.MARTS_DIR,
        settings.REPORTS_DIR,
    )
    return balanced
