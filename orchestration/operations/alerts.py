"""Alerts when a night fails: an alert file, and optionally a command an operator configures.

Two routes feed the same alert writer:

- `alert_on_step_failure`, a Dagster failure hook on the nightly job, fires in the run's own
  process once a step has failed for good (after its retries), so `lmis run` and `lmis backfill`
  alert too, without the daemon;
- `alert_on_run_failure`, a run-failure sensor, fires under the daemon (`dagster dev`, a
  deployment) for any failed run of the code location, including runs that died before a step.
  It skips a run the hook has alerted already (an alert file with its run id) and a scheduled
  night (`incremental_night`) that failed because a run it started failed: a failed night
  gives one alert, not one per route and run.

Several steps of one run can fail independently, and several runs of one scheduled night can
fail. Each failure still gets its alert file, but the alert command runs for the first of a run
(or of the scheduled night the run belongs to) only: the operator is paged once a night, and the
files say everything that failed. The first is decided by creating a marker file exclusively,
which holds across the processes of a multiprocess run; a command that fails gives its marker
back, so the next failure of the group tries again. A run re-executed from the UI (it has a
parent run) pages on its own, although it carries its night's tag.

The alert is a JSON file in `LMIS_ALERT_DIR` (default `<data>/alerts/`). If `LMIS_ALERT_COMMAND`
is set it is run (split like a shell line, not through a shell) with the alert file's path as its
last argument and in `LMIS_ALERT_FILE`; a failing or hanging command is logged, never raised, so
alerting cannot hide the original failure.

When a step fails because a blocking asset check failed, Dagster's own error names only the asset
and the check. Both routes therefore read the run's failed check evaluations back from the event
log and put each check's description (which expectations failed, by how much) into the alert's
message, its `failed_checks` list and the log, so the operator need not open the Dagster UI. A
check is listed once, as its step's last try ended it; a dbt test, which dagster-dbt reports with
no description, is described by its dbt status, failing-row count and first 5 failing rows (read
back after dbt's run by `transform.failing_rows`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.transform.failing_rows import FAILING_ROWS_KEY

log = logging.getLogger(__name__)

ALERT_COMMAND_TIMEOUT_SECONDS = 60
MARKER_DAYS = 30
"""How long a group's marker (its command has run) is kept."""
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
"""A terminal colour or cursor code (`\x1b[31m`): dbt's error text carries them."""


def strip_ansi(text: str) -> str:
    """`text` without terminal escape codes, which a mail or chat message shows as garbage."""
    return ANSI_ESCAPE.sub("", text)


def alert_dir() -> Path:
    from orchestration import settings

    value = os.environ.get("LMIS_ALERT_DIR")
    return Path(value).resolve() if value else settings.DATA_DIR / "alerts"


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def alert_settings_problem() -> str | None:
    """What makes `LMIS_ALERT_DIR` or `LMIS_ALERT_COMMAND` unusable (one line naming the
    variable, its value and what is allowed), or None. Checked before a run starts: found only
    when a night fails, the failure would go unalerted (the alert hook errors, or the command
    cannot run) exactly when it is needed."""
    folder = alert_dir()
    shown = os.environ.get("LMIS_ALERT_DIR") or f"(unset: {folder})"
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        return (
            f"LMIS_ALERT_DIR={shown!r} is not allowed: {existing} is not a folder; a folder "
            "that exists or can be created, writable by this user"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        return (
            f"LMIS_ALERT_DIR={shown!r} is not allowed: {existing} is not writable by this user; "
            "a folder that exists or can be created, writable by this user"
        )
    command = os.environ.get("LMIS_ALERT_COMMAND", "").strip()
    if not command:
        return None
    allowed = "a command line whose program exists and is executable (or unset)"
    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        return f"LMIS_ALERT_COMMAND={command!r} is not allowed: it cannot be split; {allowed}"
    if os.sep in program:
        found = Path(program).is_file() and os.access(program, os.X_OK)
    else:
        found = shutil.which(program) is not None
    if not found:
        return (
            f"LMIS_ALERT_COMMAND={command!r} is not allowed: {program} is not an executable "
            f"file{'' if os.sep in program else ' on PATH'}; {allowed}"
        )
    return None


def safe_file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _marker(group: str) -> Path:
    return alert_dir() / ".commands-run" / safe_file_name(group)


def first_alert_of(group: str) -> bool:
    """True for the first caller with this `group` (a run id, or a scheduled night's run id)
    across processes: it creates the group's marker file, later callers find it there. Markers
    older than `MARKER_DAYS` are pruned on the way."""
    marker = _marker(group)
    marker.parent.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - MARKER_DAYS * 86400
    for old in marker.parent.iterdir():
        with contextlib.suppress(OSError):  # another process may prune it first
            if old.stat().st_mtime < cutoff:
                old.unlink()
    try:
        descriptor = os.open(marker, os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def write_alert(
    kind: str,
    job_name: str,
    run_id: str,
    message: str,
    group: str | None = None,
    **details: Any,
) -> Path:
    """Write one alert file and run the configured alert command; return the file's path.

    With a `group` (see the module doc) the command runs only for the group's first alert.
    """
    folder = alert_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = folder / f"{now:%Y%m%dT%H%M%S%fZ}-{job_name}-{safe_file_name(kind)}-{run_id[:8]}.json"
    message = strip_ansi(message)
    alert = {
        "kind": kind,
        "job": job_name,
        "run_id": run_id,
        "message": message,
        "raised_at": now.isoformat(timespec="seconds"),
        **({} if group is None else {"alert_group": group}),
        **details,
    }
    path.write_text(json.dumps(alert, indent=2, default=str))
    log.error("alert written to %s: %s %s failed: %s", path, job_name, kind, message[:300])
    if group is None or not os.environ.get("LMIS_ALERT_COMMAND", "").strip():
        call_alert_command(path)
    elif not first_alert_of(group):
        log.info("alert command not run again for %s: its run or night has paged", path.name)
    elif call_alert_command(path) != 0:
        _marker(group).unlink(missing_ok=True)  # not paged: the next failure tries again
    return path


def call_alert_command(alert_file: Path) -> int | None:
    """Run `LMIS_ALERT_COMMAND <alert_file>`; return its exit code, None if none configured."""
    command = os.environ.get("LMIS_ALERT_COMMAND", "").strip()
    if not command:
        return None
    argv = [*shlex.split(command), str(alert_file)]
    try:
        completed = subprocess.run(
            argv,
            env={**os.environ, "LMIS_ALERT_FILE": str(alert_file)},
            capture_output=True,
            text=True,
            timeout=ALERT_COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.error("alert command %r could not run: %s", argv[0], exc)
        return -1
    if completed.returncode != 0:
        log.error(
            "alert command %r exited %d: %s",
            argv[0],
            completed.returncode,
            completed.stderr[-500:],
        )
    else:
        log.info("alert command %r ran for %s", argv[0], alert_file.name)
    return completed.returncode


def failed_checks(
    instance: dg.DagsterInstance, run_id: str, step_key: str | None = None
) -> list[dict[str, str]]:
    """The asset checks that failed with ERROR severity in a run (or in one step of it), each
    with its description; an event log that cannot be read gives an empty list, never an error."""
    try:
        records = instance.get_records_for_run(
            run_id=run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
    except Exception as exc:  # the alert must still go out without the details
        log.warning("could not read the asset checks of run %s: %s", run_id, exc)
        return []
    # A step retried evaluates its checks again: each check is listed once, as it last ended.
    latest: dict[tuple[str, str], Any] = {}
    for record in records:
        if step_key is not None and record.event_log_entry.step_key != step_key:
            continue
        data = record.event_log_entry.dagster_event.event_specific_data
        key = (data.asset_key.to_user_string(), data.check_name)
        latest.pop(key, None)
        latest[key] = data
    return [
        {"asset": asset, "check": check, "description": strip_ansi(check_description(data))[:2000]}
        for (asset, check), data in latest.items()
        if not data.passed and data.severity == dg.AssetCheckSeverity.ERROR
    ]


def check_description(data: Any) -> str:
    """What a failed check says; for one without a description (a dbt test: dagster-dbt gives
    only metadata), what its metadata says: dbt's status, the number of failing rows and the
    first of them (`transform.failing_rows`)."""
    if data.description:
        return data.description
    metadata = data.metadata or {}

    def value(name: str) -> Any:
        entry = metadata.get(name)
        return getattr(entry, "value", entry)

    status, failing = value("status"), value("dagster_dbt/failed_row_count")
    rows = value(FAILING_ROWS_KEY)
    if status == "error":
        return (
            f"dbt could not run the test {data.check_name} (status error): a model it reads "
            "failed or the query raised; dbt's error is in the step's message"
        )
    if failing is not None and rows:
        first = rows.splitlines()
        return (
            f"dbt test {data.check_name}: {failing} row(s) fail it (status {status}); "
            f"first {len(first)} failing row(s): {' | '.join(first)}"
        )
    if failing is not None:
        return f"dbt test {data.check_name}: {failing} row(s) fail it (status {status})"
    if status is not None:
        return f"check {data.check_name} failed (status {status}), with no description"
    return f"check {data.check_name} failed, with no description"


def with_check_details(message: str, failures: list[dict[str, str]]) -> str:
    """`message` followed by one line per failed check, and each check logged on its own line."""
    for failure in failures:
        log.error(
            "asset check %s %s failed: %s",
            failure["asset"],
            failure["check"],
            failure["description"],
        )
    lines = [f"{f['asset']} {f['check']}: {f['description']}" for f in failures]
    return "\n".join([message, *lines])


def alert_group(instance: dg.DagsterInstance, run_id: str) -> str:
    """The scheduled night a run belongs to (its `incremental_night` run id), else the run. A
    re-executed run keeps its parent's tags, night included, but is its own group."""
    from orchestration.jobs import SCHEDULED_NIGHT_TAG

    run = instance.get_run_by_id(run_id)
    if run is None or run.parent_run_id is not None:
        return run_id
    return run.tags.get(SCHEDULED_NIGHT_TAG, run_id)


@dg.failure_hook(name="alert_on_step_failure")
def alert_on_step_failure(context: dg.HookContext) -> None:
    error = context.op_exception
    failures = failed_checks(context.instance, context.run_id, context.step_key)
    write_alert(
        context.step_key or context.op.name,
        context.job_name,
        context.run_id,
        with_check_details(str(error) if error is not None else "step failed", failures),
        group=alert_group(context.instance, context.run_id),
        step=context.step_key,
        failed_checks=failures,
    )


def alerted_already(run_id: str) -> bool:
    """True when an alert file of `run_id` exists (written by the step hook in the run)."""
    for path in alert_dir().glob(f"*-{run_id[:8]}.json"):
        try:
            if json.loads(path.read_text()).get("run_id") == run_id:
                return True
        except (OSError, ValueError):
            continue
    return False


def failed_runs_of_night(instance: dg.DagsterInstance, night_run_id: str) -> list[str]:
    """The failed partition and `nightly` runs a scheduled night (`incremental_night`) started."""
    from orchestration.jobs import SCHEDULED_NIGHT_TAG

    runs = instance.get_runs(
        filters=dg.RunsFilter(
            tags={SCHEDULED_NIGHT_TAG: night_run_id}, statuses=[dg.DagsterRunStatus.FAILURE]
        )
    )
    return [run.run_id for run in runs]


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    description="Writes an alert file (and runs LMIS_ALERT_COMMAND) for every failed run, "
    "once: not again for a run its step hook alerted, nor for a scheduled night whose failure "
    "is that of a run it started.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
    run = context.dagster_run
    if alerted_already(run.run_id):
        log.info("run %s failed; its step hook has alerted already", run.run_id)
        return
    children = failed_runs_of_night(context.instance, run.run_id)
    if children:
        log.info("night %s failed in run %s, which has alerted", run.run_id, children[0])
        return
    steps = [event.step_key for event in context.get_step_failure_events()]
    failures = failed_checks(context.instance, run.run_id)
    write_alert(
        "run",
        run.job_name,
        run.run_id,
        with_check_details(context.failure_event.message or "run failed", failures),
        group=alert_group(context.instance, run.run_id),
        failed_steps=steps,
        failed_checks=failures,
        tags=dict(run.tags),
    )
