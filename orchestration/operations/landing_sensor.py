"""A sensor that lands files dropped into the landing folders.

Every source reads its files through globs under the data folder (ingest/sources.py), so a new
extract dropped into, say, `real/jobstreet-id-2021-12/` is landed by the next run. The sensor
keeps a fingerprint (path, size, modification time) of every file under the watched folders in
its cursor and, when it changes, asks for:

- one run of the partitioned landing job per partition a new or changed file belongs to (a
  portal day, a WLKP period, a Sakernas round), for just the assets that read it; the marts
  take the partition in at the next night;
- one run of `nightly` when a new or changed file belongs to a source landed whole, or to no
  known source (the night then lands and publishes it at once).

Before a run is asked for, its files get the night's check (`screen_partition`,
orchestration/operations/incremental.py): an unreadable file is quarantined and alerted, and its
assets are left out of the run (a partition run with none left is not asked for).

The sensor never waits for the warehouse: Dagster gives an evaluation 60 s, and a night holds
the writer lock for hours. Reading the files needs no lock; the lookup of files quarantined
before, the recording of a new one and a stand-in table are tried without waiting
(`SENSOR_WAIT_SECONDS`). With the warehouse busy every file is read again, an unreadable one
is alerted and left to the next night to record, and a `nightly` run that needs a stand-in is
not asked for (the next night puts it in and runs).

Run keys carry the fingerprint, so the same set of files never starts the same run twice. The
first evaluation only records the state: files already there are the nightly schedule's business.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration import settings
from orchestration.jobs import PARTITIONED_LANDING_JOBS, nightly_job
from orchestration.operations.incremental import screen_partition
from orchestration.operations.releases import RELEASE_DATE_TAG, STARTED_AT_TAG

log = logging.getLogger(__name__)

WATCHED_SUBFOLDERS = ("real", "synthetic", "reference")
LANDING_SENSOR_INTERVAL_SECONDS = 300
SENSOR_WAIT_SECONDS = 0.0
"""How long an evaluation waits for a busy warehouse: not at all (module doc)."""


def landing_folders() -> list[Path]:
    """The folders landing reads new files from: the data folder's input subfolders.

    `LMIS_LANDING_DIRS` used to name other folders to watch, but landing reads only its fixed
    patterns under `LMIS_DATA_DIR` (docs/runbook.md, "Where a new export goes"), so a file
    dropped there started runs that landed nothing new. It is no longer read; a value still
    set is named in a warning."""
    if os.environ.get("LMIS_LANDING_DIRS", "").strip():
        log.warning(
            "LMIS_LANDING_DIRS is set but no longer read: new exports go under %s (see "
            "docs/runbook.md, 'Where a new export goes'); the sensor watches those folders",
            settings.DATA_DIR,
        )
    return [settings.DATA_DIR / name for name in WATCHED_SUBFOLDERS]


def landing_state(folders: list[Path]) -> dict[str, str]:
    """`path -> "size:mtime_ns"` of every file under `folders` (hidden files left out)."""
    state = {}
    for folder in folders:
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            if path.is_file() and not any(part.startswith(".") for part in path.parts):
                stat = path.stat()
                state[str(path)] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return state


def changed_files(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Files added or changed since `previous` (a removal starts no run: the next night deletes
    a partition whose files are all gone, orchestration/operations/incremental.py)."""
    return sorted(path for path, stamp in current.items() if previous.get(path) != stamp)


def _fingerprint(state: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]


def partitions_of_files(changed: list[str]) -> tuple[dict[tuple[str, str], set], bool]:
    """`(job, partition) -> asset keys` that read the changed files; True if some file is for
    a source landed whole or for no known source (the `nightly` job's business)."""
    from orchestration.operations.incremental import all_landed_inputs, landing_job_of

    remaining = set(changed)
    runs: dict[tuple[str, str], set] = {}
    for item in all_landed_inputs():
        if item.partitions_def is None:
            continue
        for key, files in item.files_by_partition(settings.DATA_DIR).items():
            hits = remaining & {str(path) for path in files}
            if hits:
                runs.setdefault((landing_job_of(item.asset_key), key), set()).add(item.asset_key)
    for item in all_landed_inputs():
        if item.partitions_def is not None:
            for files in item.files_by_partition(settings.DATA_DIR).values():
                remaining -= {str(path) for path in files}
    return runs, bool(remaining)


@dg.sensor(
    name="new_files_in_landing",
    jobs=[nightly_job, *PARTITIONED_LANDING_JOBS],
    minimum_interval_seconds=LANDING_SENSOR_INTERVAL_SECONDS,
    description="Lands a file added to or changed in the input folders: its partition, or the "
    "nightly job for a source landed whole.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def new_files_in_landing(context: dg.SensorEvaluationContext):
    current = landing_state(landing_folders())
    if context.cursor is None:
        context.update_cursor(json.dumps(current))
        return dg.SkipReason(f"recorded {len(current)} files already in the landing folders")
    changed = changed_files(json.loads(context.cursor), current)
    context.update_cursor(json.dumps(current))
    if not changed:
        return dg.SkipReason("no new or changed file")
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo(settings.TIMEZONE)).date().isoformat()
    context.log.info("%d new or changed file(s): %s", len(changed), changed[:10])
    fingerprint = _fingerprint(current)
    partitions, whole = partitions_of_files(changed)
    tags = {
        RELEASE_DATE_TAG: today,
        # Its release is interim even if the run only starts after midnight.
        STARTED_AT_TAG: now.isoformat(),
        "lmis/trigger": "new_files_in_landing",
    }
    requests = []
    for (job, key), keys in sorted(partitions.items()):
        # The night's file check: an unreadable file is quarantined and alerted, its assets
        # left out of the run (a run of none is not started), instead of a failed run.
        run_key = f"landing-{fingerprint}-{job}-{key}"
        readable, _ = screen_partition(
            key, keys, tags, job_name=job, run_id=run_key, wait_seconds=SENSOR_WAIT_SECONDS
        )
        if readable:
            requests.append(
                dg.RunRequest(
                    run_key=run_key,
                    job_name=job,
                    partition_key=key,
                    asset_selection=sorted(readable, key=lambda k: k.to_user_string()),
                    tags=tags,
                )
            )
    if whole and (request := _nightly_request(changed, fingerprint, tags)) is not None:
        requests.append(request)
    if not requests:
        return dg.SkipReason(f"{len(changed)} new or changed file(s), none readable")
    return requests[0] if len(requests) == 1 else requests


def _nightly_request(
    changed: list[str], fingerprint: str, tags: dict[str, str]
) -> dg.RunRequest | None:
    """The `nightly` run for changed files of sources landed whole: a source with an unreadable
    file is quarantined and left out of the run, as the night's plan leaves it out. None: a
    stand-in table is needed and the warehouse is busy (module doc)."""
    from ingest.warehouse import WHOLE_TABLE
    from orchestration.operations.incremental import all_landed_inputs
    from orchestration.operations.warehouse_lock import WarehouseLockedError

    run_key = f"landing-{fingerprint}"
    touched = {
        item.asset_key
        for item in all_landed_inputs()
        if item.partitions_def is None
        for path in item.files_by_partition(settings.DATA_DIR).get(WHOLE_TABLE, [])
        if str(path) in changed
    }
    readable, quarantined = screen_partition(
        WHOLE_TABLE,
        touched,
        tags,
        job_name=nightly_job.name,
        run_id=run_key,
        wait_seconds=SENSOR_WAIT_SECONDS,
    )
    blocked = touched - set(readable)
    if not blocked:
        return dg.RunRequest(run_key=run_key, job_name=nightly_job.name, tags=tags)
    from orchestration.definitions import defs
    from orchestration.operations.incremental import _read_state, stand_in_missing_sources

    # Never landed: an empty table stands in, and the release names it, as on a night.
    try:
        landed = _read_state(SENSOR_WAIT_SECONDS)[0]
        missing = sorted(
            item.relation
            for item in all_landed_inputs()
            if item.asset_key in blocked and (item.relation, WHOLE_TABLE) not in landed
        )
        missing_tag = stand_in_missing_sources(
            missing, quarantined, tags, wait_seconds=SENSOR_WAIT_SECONDS
        )
    except WarehouseLockedError as exc:
        log.warning("no nightly run asked for: the next night lands what it can (%s)", exc)
        return None
    keys = nightly_job.selection.resolve(defs.resolve_asset_graph()) - blocked
    return dg.RunRequest(
        run_key=run_key,
        job_name=nightly_job.name,
        asset_selection=sorted(keys, key=lambda k: k.to_user_string()),
        tags={**tags, **missing_tag},
    )
