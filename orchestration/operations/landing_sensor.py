"""A sensor that starts the nightly job when files are dropped into the landing folders.

Every source reads its files through globs under the data folder (ingest/sources.py), so a new
extract dropped into, say, `real/jobstreet-id-2021-12/` is landed by the next run. The sensor
keeps a fingerprint (path, size, modification time) of every file under the watched folders in
its cursor and asks for one run when it changes; the run key is the fingerprint, so the same set
of files never starts two runs. The first evaluation only records the state: files already there
are the nightly schedule's business.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration import settings
from orchestration.operations.releases import RELEASE_DATE_TAG

WATCHED_SUBFOLDERS = ("real", "synthetic", "reference")
LANDING_SENSOR_INTERVAL_SECONDS = 300


def landing_folders() -> list[Path]:
    """`LMIS_LANDING_DIRS` (comma-separated), else the data folder's input subfolders."""
    value = os.environ.get("LMIS_LANDING_DIRS", "").strip()
    if value:
        return [Path(part.strip()).resolve() for part in value.split(",") if part.strip()]
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
    """Files added or changed since `previous` (removals start no run: nothing new to land)."""
    return sorted(path for path, stamp in current.items() if previous.get(path) != stamp)


def _fingerprint(state: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]


@dg.sensor(
    name="new_files_in_landing",
    job_name="nightly",
    minimum_interval_seconds=LANDING_SENSOR_INTERVAL_SECONDS,
    description="Runs the nightly job when a file is added to or changed in the input folders.",
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
    today = datetime.now(ZoneInfo(settings.TIMEZONE)).date().isoformat()
    context.log.info("%d new or changed file(s): %s", len(changed), changed[:10])
    return dg.RunRequest(
        run_key=f"landing-{_fingerprint(current)}",
        tags={RELEASE_DATE_TAG: today, "lmis/trigger": "new_files_in_landing"},
    )
