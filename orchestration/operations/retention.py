"""Retention: what a nightly install removes so that its disk use stays bounded.

Three kinds of file grow every night and nobody reads them after a few weeks:

- warehouse snapshots of `lmis backup`: it keeps the newest `LMIS_BACKUP_KEEP` (default 14) and
  removes older ones (`backup.prune_snapshots`), only `warehouse-<UTC time>.duckdb` files whose
  `.json` checksum file says the backup command wrote them, never the one just written;
- alert files: a night (`lmis run`, `lmis backfill`, the scheduled `incremental_night`) removes
  the alert files older than `LMIS_ALERT_KEEP_DAYS` (default 90), only files named and shaped as
  `alerts.write_alert` writes them;
- Dagster's run history (runs, their event logs): the same nights delete the runs created more
  than `LMIS_RUN_HISTORY_DAYS` (default 30) ago that have ended, through
  `DagsterInstance.delete_run` (and their captured logs), never a run that is queued, starting
  or in progress.

Sensor and schedule ticks are bounded by Dagster's daemon itself, from the `retention:` block
`settings.ensure_dagster_home()` adds to `dagster.yaml` (`TICK_RETENTION_CONFIG`).

Releases (`LMIS_RELEASES_DIR`, their own `LMIS_RELEASE_RETENTION`) and the published marts are
for researchers and are not touched here. Housekeeping never fails a night: an error is logged
as a warning and the night goes on.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestration.settings import SettingError

log = logging.getLogger(__name__)

DEFAULT_BACKUP_KEEP = 14
"""Snapshots kept by `lmis backup` when `LMIS_BACKUP_KEEP` is not set: two weeks of nights."""
DEFAULT_ALERT_KEEP_DAYS = 90
"""Days an alert file is kept when `LMIS_ALERT_KEEP_DAYS` is not set: a quarter to look back."""
DEFAULT_RUN_HISTORY_DAYS = 30
"""Days of Dagster runs kept when `LMIS_RUN_HISTORY_DAYS` is not set."""

ALERT_FILE_NAME = re.compile(r"(?P<stamp>\d{8}T\d{12}Z)-.+\.json")
"""The name `alerts.write_alert` gives an alert file: its UTC time, job, kind and run."""
ALERT_KEYS = frozenset({"kind", "job", "run_id", "message", "raised_at"})
"""Keys every alert file has; a JSON file without them is not the product's alert."""


@dataclass(frozen=True)
class Pruned:
    """What one pruning removed: files (or runs) and the bytes they held."""

    count: int = 0
    size_bytes: int = 0


def whole_number_from_env(name: str, default: int, what: str) -> int:
    """The value of `name`, a whole number of 1 or more (`what` says what it counts); unset or
    empty means `default`. Anything else is a `SettingError` naming the value (`lmis` exit 2)."""
    value = os.environ.get(name, "").strip() or str(default)
    try:
        number = int(value)
    except ValueError as exc:
        raise SettingError(
            f"{name}={value!r} is not allowed: a whole number of {what}, 1 or more "
            f"(default {default})"
        ) from exc
    if number < 1:
        raise SettingError(
            f"{name}={number} is not allowed: a whole number of {what}, 1 or more "
            f"(default {default})"
        )
    return number


def backup_keep_from_env() -> int:
    return whole_number_from_env("LMIS_BACKUP_KEEP", DEFAULT_BACKUP_KEEP, "snapshots")


def alert_keep_days_from_env() -> int:
    return whole_number_from_env("LMIS_ALERT_KEEP_DAYS", DEFAULT_ALERT_KEEP_DAYS, "days")


def run_history_days_from_env() -> int:
    return whole_number_from_env("LMIS_RUN_HISTORY_DAYS", DEFAULT_RUN_HISTORY_DAYS, "days")


def check_history_settings() -> None:
    """Raise `SettingError` for a bad `LMIS_ALERT_KEEP_DAYS` or `LMIS_RUN_HISTORY_DAYS`."""
    alert_keep_days_from_env()
    run_history_days_from_env()


def _alert_time(path: Path) -> datetime | None:
    """The UTC time in the name of an alert file the product wrote, else None."""
    match = ALERT_FILE_NAME.fullmatch(path.name)
    if match is None or not path.is_file() or path.is_symlink():
        return None
    try:
        raised = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        content = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or not ALERT_KEYS <= content.keys():
        return None
    return raised


def prune_alerts(folder: Path, keep_days: int, now: datetime | None = None) -> Pruned:
    """Remove the alert files in `folder` raised more than `keep_days` ago (by the time in their
    name, which copying a folder does not change, unlike a modification time). Any other file,
    and the markers of `.commands-run/` (pruned by the alert writer), stay."""
    if not folder.is_dir():
        return Pruned()
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    count = size = 0
    for path in sorted(folder.iterdir()):
        raised = _alert_time(path)
        if raised is None or raised >= cutoff:
            continue
        try:
            length = path.stat().st_size
            path.unlink()
        except OSError as exc:  # another night may have removed it first
            log.warning("could not remove the old alert file %s: %s", path, exc)
            continue
        count, size = count + 1, size + length
    log.info(
        "alerts: removed %d file(s) older than %d day(s) from %s (%d bytes)",
        count,
        keep_days,
        folder,
        size,
    )
    return Pruned(count, size)


FINISHED_STATUSES = ("SUCCESS", "FAILURE", "CANCELED")
"""Run statuses that never change again; any other (queued, starting, started, canceling, not
started) is a run that may still be going, which is never deleted."""


def _compute_log_size(instance, run_id: str) -> int:
    """Bytes of a run's captured logs where Dagster keeps them by default (`storage/<run id>`);
    0 for logs kept elsewhere. For the log line only."""
    folder = Path(instance.storage_directory()) / run_id
    if not folder.is_dir():
        return 0
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def prune_run_history(instance, keep_days: int, now: datetime | None = None) -> Pruned:
    """Delete the runs (their event logs and captured logs) created more than `keep_days` ago
    that have ended, through `DagsterInstance.delete_run` and the compute log manager's
    `delete_logs`; return how many and the bytes of their files. Only runs before the cutoff
    with a finished status are listed, so a run in progress, however old, stays."""
    import dagster as dg

    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    records = instance.get_run_records(
        filters=dg.RunsFilter(
            created_before=cutoff,
            statuses=[dg.DagsterRunStatus[status] for status in FINISHED_STATUSES],
        )
    )
    shard_size = getattr(instance.event_log_storage, "run_file_size", lambda run_id: 0)
    count = size = 0
    for record in records:
        run = record.dagster_run
        if run.status.value not in FINISHED_STATUSES:  # a storage that ignored the filter
            continue
        length = shard_size(run.run_id) + _compute_log_size(instance, run.run_id)
        instance.delete_run(run.run_id)
        # `delete_run` leaves the run's captured stdout and stderr (`storage/<run id>/`).
        try:
            instance.compute_log_manager.delete_logs(prefix=[run.run_id])
        except NotImplementedError:
            pass
        count, size = count + 1, size + length
    log.info(
        "Dagster history: deleted %d run(s) that ended and were created before %s "
        "(%d day(s) kept; %d bytes of event and captured logs)",
        count,
        f"{cutoff:%Y-%m-%d %H:%M} UTC",
        keep_days,
        size,
    )
    return Pruned(count, size)


def tidy_history() -> None:
    """The night's housekeeping: old alert files and old Dagster runs. Call it after
    `check_run_settings`, which has checked both settings. Never raises: a night must not fail
    (nor page) because an old file could not be removed."""
    from orchestration import settings
    from orchestration.operations.alerts import alert_dir

    # Two tries: an alert folder that cannot be pruned must not stop the runs' pruning.
    try:
        prune_alerts(alert_dir(), alert_keep_days_from_env())
    except SettingError:
        raise
    except Exception as exc:
        log.warning("housekeeping of old alert files failed, the night goes on: %s", exc)
    try:
        settings.ensure_dagster_home()
        import dagster as dg

        with dg.DagsterInstance.get() as instance:
            prune_run_history(instance, run_history_days_from_env())
    except SettingError:
        raise
    except Exception as exc:
        log.warning("housekeeping of old Dagster runs failed, the night goes on: %s", exc)
