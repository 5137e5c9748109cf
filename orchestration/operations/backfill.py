"""Backfills over a range of days: `lmis backfill --from 2026-11-28 --to 2026-12-04`.

What a day means depends on the job:

- A daily-partitioned job (the crawls' `crawl_daily`) materialises that day's partition; each
  partition replaces its own rows, so re-running a day is safe.
- The `nightly` job is not partitioned: its sources are whole extracts, re-landed whole every
  run (a landing replaces the table's rows, never appends). A backfilled day is the night that
  would have run for it, and it leaves that day's dated release. When the inputs and code are
  the same as those of the release `latest` points to (same input fingerprint) and the
  publication in data/marts/ is still that release's run, a rebuild would give the same marts
  (tests/orchestration/test_idempotency.py), so the day's release is cut from the publication
  without rebuilding. `--rebuild` forces a full run for every day.

Days run one after another, each behind the warehouse writer lock; the first failed day stops
the backfill (its failure hook has written an alert), so no later day is released on top of it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta

from orchestration import settings
from orchestration.operations.releases import (
    MANIFEST_NAME,
    RELEASE_DATE_TAG,
    input_fingerprint,
    latest_release,
    releases_dir,
    retention_from_env,
    write_release,
)
from orchestration.operations.warehouse_lock import writer_lock

log = logging.getLogger(__name__)

BACKFILL_TAG = "lmis/backfill"


@dataclass(frozen=True)
class DayOutcome:
    day: date
    mode: str
    """`rebuilt` (the nightly job ran), `released` (cut from the publication), `partition`."""
    seconds: float
    success: bool
    run_id: str | None


def days_between(start: date, end: date) -> list[date]:
    """Every day from `start` to `end`, both included."""
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def _reusable_release() -> dict | None:
    """The manifest of `latest` if the publication and the inputs are still the ones it holds."""
    latest = latest_release(releases_dir())
    publication = settings.MARTS_DIR / "_publication.json"
    if latest is None or not (latest / MANIFEST_NAME).exists() or not publication.exists():
        return None
    manifest = json.loads((latest / MANIFEST_NAME).read_text())
    if json.loads(publication.read_text()).get("run_id") != manifest.get("run_id"):
        log.info("the publication is not the one released as %s: rebuilding", latest.name)
        return None
    if manifest.get("input_fingerprint") != input_fingerprint():
        log.info("inputs or code changed since release %s: rebuilding", latest.name)
        return None
    return manifest


def _release_from_publication(day: date, manifest: dict) -> None:
    with writer_lock(settings.WAREHOUSE_PATH):
        write_release(
            settings.MARTS_DIR,
            releases_dir(),
            day,
            run_id=manifest["run_id"],
            source_vintages=manifest["source_vintages"],
            dbt_manifest=settings.DBT_PROJECT_DIR / "target" / "manifest.json",
            retention=retention_from_env(),
            input_fingerprint=manifest["input_fingerprint"],
        )


def _run_nightly_day(day: date, tags: dict[str, str]) -> tuple[bool, str]:
    from orchestration.runner import run_nightly_job

    result = run_nightly_job(tags={**tags, RELEASE_DATE_TAG: day.isoformat()})
    return result.success, result.run_id


def _run_partition(job_name: str, day: date, tags: dict[str, str]) -> tuple[bool, str]:
    settings.ensure_dagster_home()
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.operations.stale_runs import free_slots_of_dead_runs, process_tags

    job = defs.resolve_job_def(job_name)
    with writer_lock(settings.WAREHOUSE_PATH), dg.DagsterInstance.get() as instance:
        free_slots_of_dead_runs(instance)
        result = job.execute_in_process(
            instance=instance,
            partition_key=day.isoformat(),
            tags={**tags, RELEASE_DATE_TAG: day.isoformat(), **process_tags()},
            raise_on_error=False,
        )
    return result.success, result.run_id


def is_partitioned(job_name: str) -> bool:
    settings.ensure_dagster_home()
    from orchestration.definitions import defs

    return defs.resolve_job_def(job_name).partitions_def is not None


def backfill(
    start: date, end: date, *, job_name: str = "nightly", rebuild: bool = False
) -> list[DayOutcome]:
    """Run `job_name` for every day from `start` to `end`; stop at the first failed day."""
    days = days_between(start, end)
    tags = {BACKFILL_TAG: f"{start.isoformat()}..{end.isoformat()}"}
    partitioned = job_name != "nightly" and is_partitioned(job_name)
    if job_name != "nightly" and not partitioned:
        raise ValueError(f"job {job_name!r} is neither `nightly` nor daily-partitioned")
    outcomes: list[DayOutcome] = []
    for day in days:
        started = time.monotonic()
        run_id = None
        if partitioned:
            mode = "partition"
            success, run_id = _run_partition(job_name, day, tags)
        else:
            manifest = None if rebuild else _reusable_release()
            if manifest is not None:
                mode = "released"
                _release_from_publication(day, manifest)
                success, run_id = True, manifest["run_id"]
            else:
                mode = "rebuilt"
                success, run_id = _run_nightly_day(day, tags)
        outcome = DayOutcome(day, mode, time.monotonic() - started, success, run_id)
        outcomes.append(outcome)
        log.info(
            "backfill %s %s: %s in %.1f s (run %s)",
            job_name,
            day,
            mode if success else f"{mode} FAILED",
            outcome.seconds,
            run_id,
        )
        if not success:
            log.error("backfill stopped at %s; later days were not run", day)
            break
    return outcomes
