"""Backfills over a range of days: `lmis backfill --from 2026-11-28 --to 2026-12-04`.

What a day means depends on the job:

- A daily-partitioned job (the crawls' `crawl_daily`, the portal exports' `land_portal_days`)
  materialises that day's partition; each partition replaces its own rows, so re-running a day
  is safe.
- `nightly` (the default): the night that would have run for the day, leaving that day's dated
  release. It is planned like every incremental night (orchestration/operations/incremental.py),
  with the partitions that had started by that day: the tables and partitions whose files changed
  are landed again, then only the assets downstream of them are rebuilt and everything is
  published. When nothing changed and the publication in data/marts/ is the one `latest` was cut
  from, the day's release is cut from the publication without any run (a rebuild would give the
  same marts, tests/orchestration/test_idempotency.py). `--rebuild` lands every partition and
  runs the whole nightly job for every day.

Only days that have ended in Jakarta can be backfilled: the daily partitions end yesterday, so a
night of today (or a later day) would leave that day's files out and still be released. Such a
range is refused (`BackfillRefused`) before anything runs, naming the last day that can be.

Days run one after another, each run behind the warehouse writer lock; the first failed day stops
the backfill (its failure hook has written an alert), so no later day is released on top of it.
A day that fails outside any run (a path that cannot be used, such as `LMIS_RELEASES_DIR` naming
a file, or the writer lock not freed in time) has no hook to alert: the backfill writes that
alert itself (`_alert_outside_a_run`), then stops with the error as before.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from orchestration import settings
from orchestration.operations.releases import (
    MANIFEST_NAME,
    RELEASE_DATE_TAG,
    input_fingerprint,
    list_releases,
    releases_dir,
    retention_from_env,
    write_release,
)
from orchestration.operations.warehouse_lock import WarehouseLockedError, writer_lock
from orchestration.runner import execute_job

log = logging.getLogger(__name__)

BACKFILL_TAG = "lmis/backfill"


class BackfillRefused(ValueError):
    """A range reversed or reaching past the last day whose partitions exist, or a job that is
    not there; nothing was run."""


def today_in_jakarta() -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(settings.TIMEZONE)).date()


def last_backfill_day() -> date:
    """Yesterday in Jakarta: the last daily partition (they end with the last whole day)."""
    return today_in_jakarta() - timedelta(days=1)


def check_backfill_range(start: date, end: date) -> None:
    """Refuse a reversed range, and one running into today or later, whose days have no
    partition yet."""
    if end < start:
        raise BackfillRefused(f"--to {end} is before --from {start}")
    last = last_backfill_day()
    if end > last:
        raise BackfillRefused(
            f"--to {end} has not ended in Jakarta ({settings.TIMEZONE}); its partitions do not "
            f"exist yet, so its files would be left out. The last day that can be backfilled "
            f"is {last}"
        )


@dataclass(frozen=True)
class DayOutcome:
    day: date
    mode: str
    """`rebuilt` (every partition and the whole nightly job), `incremental` (what changed and
    its downstream), `released` (cut from the publication, nothing changed), `partition`."""
    seconds: float
    success: bool
    run_id: str | None
    withdrawn: tuple[str, ...] = ()
    """`relation partition` of each partition withdrawn by this night: its files removed, or
    (with the reason) set aside by a backfill and its file unreadable since."""
    quarantined_files: tuple[str, ...] = ()
    """Files the night could not read and did not land (alerted; raw.quarantined_files)."""


def days_between(start: date, end: date) -> list[date]:
    """Every day from `start` to `end`, both included."""
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def _reusable_release(*, check_inputs: bool = True) -> dict | None:
    """The manifest of the newest release of the current publication (and, if asked, of the
    current inputs), or None. Not necessarily `latest`: after a night released as a later day
    (`lmis run` dates its release today), a backfill of earlier days publishes marts that
    `latest` does not hold. A night plan with nothing to do has compared the inputs source by
    source already."""
    publication = settings.MARTS_DIR / "_publication.json"
    if not publication.exists():
        return None
    run_id = json.loads(publication.read_text()).get("run_id")
    for release in reversed(list_releases(releases_dir())):
        manifest_path = release / MANIFEST_NAME
        if not manifest_path.exists():
            continue
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("run_id") != run_id:
            continue
        if check_inputs and manifest.get("input_fingerprint") != input_fingerprint():
            log.info("inputs or code changed since release %s: rebuilding", release.name)
            return None
        return manifest
    log.info("no release holds the publication of run %s: rebuilding", run_id)
    return None


def _release_from_publication(day: date, manifest: dict) -> None:
    from orchestration.operations.incremental import standing_stand_ins

    with writer_lock(settings.WAREHOUSE_PATH):
        # A night with nothing to run still names a source an empty table stands in for.
        missing = set(manifest.get("missing_sources") or []) | set(standing_stand_ins())
        write_release(
            settings.MARTS_DIR,
            releases_dir(),
            day,
            run_id=manifest["run_id"],
            source_vintages=manifest["source_vintages"],
            dbt_manifest=settings.DBT_PROJECT_DIR / "target" / "manifest.json",
            retention=retention_from_env(),
            input_fingerprint=manifest["input_fingerprint"],
            occupation_coder=manifest.get("occupation_coder"),
            missing_sources=sorted(missing),
        )


def night_of(day: date, tags: dict[str, str] | None = None, *, rebuild: bool = False) -> DayOutcome:
    """The night of `day`, as `lmis backfill` and the nightly schedule run it (module doc)."""
    started = time.monotonic()
    mode, success, run_id, withdrawn, files = _run_nightly_day(
        day, dict(tags or {}), rebuild=rebuild
    )
    return DayOutcome(day, mode, time.monotonic() - started, success, run_id, withdrawn, files)


def _run_nightly_day(
    day: date, tags: dict[str, str], *, rebuild: bool
) -> tuple[str, bool, str, tuple[str, ...], tuple[str, ...]]:
    """The night of `day`: (mode, success, run id of its nightly run or of the release, the
    partitions it withdrew, the files it could not read)."""
    from orchestration.operations.incremental import (
        plan_night,
        record_quarantined_files,
        run_night,
    )

    tags = {**tags, RELEASE_DATE_TAG: day.isoformat()}
    plan = plan_night(until=day, full=rebuild)
    if plan.nothing_to_do:
        manifest = _reusable_release(check_inputs=False)
        if manifest is not None:
            record_quarantined_files(plan.quarantined_files, tags)
            _release_from_publication(day, manifest)
            files = tuple(f.path for f in plan.quarantined_files)
            return "released", True, manifest["run_id"], _withdrawn(plan), files
        plan = plan_night(until=day, full=True)
    mode = "rebuilt" if plan.nightly_selection is None else "incremental"
    withdrawn = _withdrawn(plan)
    result = run_night(plan, tags)
    run_id = result.nightly_run_id or (result.run_ids or [""])[-1]
    return mode, result.success, run_id, withdrawn, tuple(f.path for f in plan.quarantined_files)


def _withdrawn(plan) -> tuple[str, ...]:
    """The night's withdrawals as its summary lists them, each set-aside partition whose file
    turned unreadable with its reason (orchestration/operations/incremental.py)."""
    return tuple(f"{r.relation} {r.partition_key}" for r in plan.removed_partitions) + tuple(
        f"{r.relation} {r.partition_key} (set aside by a backfill, its file now unreadable)"
        for r in plan.withdrawn_unreadable
    )


def _run_partition(
    job_name: str, day: date, tags: dict[str, str]
) -> tuple[bool, str | None, tuple[str, ...]]:
    """(success, run id, files set aside unread) of one day of a daily-partitioned job."""
    settings.ensure_dagster_home()
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.operations.incremental import screen_partition
    from orchestration.operations.stale_runs import free_slots_of_dead_runs, process_tags

    job = defs.resolve_job_def(job_name)
    selection = _assets_with_files(job_name, day.isoformat())
    files: tuple[str, ...] = ()
    if selection:
        # The night's file check: an unreadable file is quarantined, not a failed run.
        day_tags = {**tags, RELEASE_DATE_TAG: day.isoformat()}
        selection, quarantined = screen_partition(
            day.isoformat(), selection, day_tags, job_name=job_name, run_id=f"backfill-{day}"
        )
        files = tuple(f.path for f in quarantined)
    if selection == []:
        log.info("%s %s: no readable file belongs to this day; nothing to land", job_name, day)
        return True, None, files
    with writer_lock(settings.WAREHOUSE_PATH), dg.DagsterInstance.get() as instance:
        free_slots_of_dead_runs(instance)
        result = execute_job(
            job,
            instance,
            partition_key=day.isoformat(),
            asset_selection=selection,
            tags={**tags, RELEASE_DATE_TAG: day.isoformat(), **process_tags()},
        )
    return result.success, result.run_id, files


def _assets_with_files(job_name: str, partition_key: str) -> list | None:
    """For a partitioned landing job, the assets with a file in the partition; else None (the
    whole job: the crawls fetch their day, they do not read files)."""
    from orchestration.operations.incremental import all_landed_inputs, landing_job_of

    inputs = [i for i in all_landed_inputs() if i.partitions_def is not None]
    mine = []
    for item in inputs:
        try:
            if landing_job_of(item.asset_key) != job_name:
                continue
        except KeyError:
            continue
        mine.append(item)
    if not mine:
        return None
    return [i.asset_key for i in mine if partition_key in i.files_by_partition(settings.DATA_DIR)]


def backfill_jobs() -> list[str]:
    """The jobs an operator may pass to `lmis backfill --job`: `nightly` and the daily-partitioned
    jobs. Not Dagster's internal `__ASSET_JOB`, nor `incremental_night` (what the schedule runs;
    `nightly` is its backfill), nor the monthly and half-yearly jobs (`land_wlkp_periods`,
    `estimate_sakernas_rounds`), whose partitions are not days."""
    settings.ensure_dagster_home()
    import dagster as dg

    from orchestration.definitions import defs

    daily = [
        job.name
        for job in defs.resolve_all_job_defs()
        if isinstance(job.partitions_def, dg.DailyPartitionsDefinition)
    ]
    return ["nightly", *sorted(daily)]


def is_partitioned(job_name: str) -> bool:
    """Whether `job_name` is one of the daily-partitioned jobs (else `nightly`); refuse others."""
    jobs = backfill_jobs()
    if job_name in jobs:
        return job_name != "nightly"
    from orchestration.definitions import defs

    if job_name in {job.name for job in defs.resolve_all_job_defs()}:
        problem = f"job {job_name!r} cannot be backfilled by day"
    else:
        problem = f"no job named {job_name!r}"
    raise BackfillRefused(f"{problem}; the jobs are {', '.join(jobs)}")


def backfill(
    start: date, end: date, *, job_name: str = "nightly", rebuild: bool = False
) -> list[DayOutcome]:
    """Run `job_name` for every day from `start` to `end`; stop at the first failed day."""
    check_backfill_range(start, end)
    days = days_between(start, end)
    tags = {BACKFILL_TAG: f"{start.isoformat()}..{end.isoformat()}"}
    partitioned = job_name != "nightly" and is_partitioned(job_name)
    outcomes: list[DayOutcome] = []
    for day in days:
        try:
            if partitioned:
                started = time.monotonic()
                success, run_id, files = _run_partition(job_name, day, tags)
                seconds = time.monotonic() - started
                outcome = DayOutcome(day, "partition", seconds, success, run_id, (), files)
            else:
                outcome = night_of(day, tags, rebuild=rebuild)
        except Exception as exc:
            _alert_outside_a_run(job_name, day, exc)
            raise
        outcomes.append(outcome)
        log.info(
            "backfill %s %s: %s in %.1f s (run %s)",
            job_name,
            day,
            outcome.mode if outcome.success else f"{outcome.mode} FAILED",
            outcome.seconds,
            outcome.run_id,
        )
        if outcome.withdrawn:
            log.warning("%s withdrew: %s", day, ", ".join(outcome.withdrawn))
        if outcome.quarantined_files:
            log.error(
                "%s: file(s) that cannot be read were not landed (see the alert and "
                "raw.quarantined_files): %s",
                day,
                ", ".join(outcome.quarantined_files),
            )
        if not outcome.success:
            log.error("backfill stopped at %s; later days were not run", day)
            break
    return outcomes


def _alert_outside_a_run(job_name: str, day: date, error: Exception) -> None:
    """An alert for a day that failed where no run's failure hook sees it (before or between
    its runs); a failure to write it is logged, never raised over the day's own error.

    A writer lock not freed in time (exit 75) alerts too: the night did not run, and the holder
    may be hung rather than merely long (a hung process never fails, so never alerts itself).
    A bad setting stops `lmis backfill` before any day (exit 2, one line) and never gets here."""
    from orchestration.operations.alerts import write_alert

    if isinstance(error, WarehouseLockedError):
        log.warning("backfill of %s did not run: another writer held the warehouse", day)
    try:
        write_alert(
            "backfill",
            job_name,
            "no-run",
            f"backfill of {day} stopped outside a run: {type(error).__name__}: {error}",
            day=day.isoformat(),
        )
    except Exception as alert_error:  # the original error is the one to report
        log.error("no alert could be written for %s: %s", day, alert_error)
