"""Running the nightly job from the command line and summarising what it did.

An interrupt (Ctrl-C, SIGINT; a stop, SIGTERM) is final. The step it reaches is not retried
(`operations.policies.NoRetryAfterInterrupt`) and Dagster stops the run there; `execute_job`
then waits, bounded and saying so, for a dbt run the step left going on its thread to let go
of the warehouse (a second Ctrl-C ends the wait), writes an alert saying which run and step
were interrupted, and raises `RunInterrupted`, which stops whatever command ran the job before
anything else opens DuckDB: `lmis` ends with one line and exit code 130.
"""

from __future__ import annotations

import getpass
import logging
import os
from typing import Any

from orchestration import settings
from orchestration.resources import warehouse_resource

log = logging.getLogger(__name__)

INTERRUPT_WAIT_SECONDS = 300.0
"""How long an interrupted run waits for its dbt run to end (`LMIS_INTERRUPT_WAIT_SECONDS`)."""
INTERRUPT_ERRORS = frozenset({"KeyboardInterrupt", "DagsterExecutionInterruptedError"})
"""Class names of the errors an interrupt is recorded as in a run's events."""


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by an interrupt; its message is the one line saying so. A KeyboardInterrupt,
    so that no `except Exception` on the way up goes on with the night."""


CONSOLE_LOG_LEVEL = "INFO"
CONSOLE_INFO = {"loggers": {"console": {"config": {"log_level": CONSOLE_LOG_LEVEL}}}}
"""Run config of command-line runs: Dagster's step events (DEBUG) stay in the event log."""


def check_operation_settings() -> None:
    """Raise `settings.SettingError` (`lmis` exit 2, one line, no alert) for an `LMIS_*`
    setting of operation a run reads: `LMIS_ALERT_DIR` and `LMIS_ALERT_COMMAND` (an alert that
    cannot be written or sent), `LMIS_WAREHOUSE_WAIT_SECONDS` and `LMIS_ENV`.

    `lmis backup` and `lmis restore` check only the wait (`check_warehouse_wait_setting`): they
    write no alert and pseudonymise nothing, and a broken alert command must not block a
    restore when one is needed."""
    from ingest.admin.pseudonymise import environment_problem
    from orchestration.operations.alerts import alert_settings_problem

    for problem in (environment_problem(), alert_settings_problem()):
        if problem is not None:
            raise settings.SettingError(problem)
    check_warehouse_wait_setting()


def check_warehouse_wait_setting() -> None:
    """Raise `settings.SettingError` for an `LMIS_WAREHOUSE_WAIT_SECONDS` that is not a finite
    number of seconds, 0 or more: every command that waits for the writer lock reads it."""
    from orchestration.operations.warehouse_lock import wait_seconds_from_env

    wait_seconds_from_env()


def check_run_settings() -> None:
    """Raise `settings.SettingError` for an `LMIS_*` setting a run would reject late or not at
    all: those of `check_operation_settings`, those the publication step reads after the
    whole build (`LMIS_PUBLISH_PERSONAL_DATA`, `LMIS_RELEASE_RETENTION`) and those of the
    night's housekeeping (`LMIS_ALERT_KEEP_DAYS`, `LMIS_RUN_HISTORY_DAYS`). `lmis run`, `lmis
    backfill` and the scheduled night call this before anything runs."""
    from orchestration.operations.releases import retention_from_env
    from orchestration.operations.retention import check_history_settings
    from orchestration.publish.personal_data import personal_data_allowed

    check_operation_settings()
    personal_data_allowed()
    retention_from_env()
    check_history_settings()


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
        return execute_job(
            job,
            instance,
            asset_selection=(
                [dg.AssetKey.from_user_string(key) for key in selection] if selection else None
            ),
            tags={**(tags or {}), **process_tags()},
        )


def execute_job(job, instance, **kwargs: Any):
    """`job.execute_in_process` as the command line runs it (console at INFO, errors in the
    result); an interrupted run is stopped for good (see the module doc): `RunInterrupted`.

    Call it holding the writer lock: the lock must outlast a dbt run the interrupt left going.
    """
    from orchestration.console import dagster_console
    from orchestration.operations.interrupts import signals_recorded, stop_signals_received

    with signals_recorded(), dagster_console():
        result = job.execute_in_process(
            instance=instance, run_config=CONSOLE_INFO, raise_on_error=False, **kwargs
        )
        received = stop_signals_received()
    interrupted, step = interruption(result)
    # A signal whose error a step turned into another one (or swallowed) still stops the run.
    if received and step is None:
        step = next((e.step_key for e in result.all_events if e.is_step_failure), None)
    if interrupted or received:
        stop_interrupted_run(
            instance, job.name, result.run_id, step, received[0] if received else None
        )
    return result


def _is_interrupt(error) -> bool:
    """True when a recorded error (Dagster's `SerializableErrorInfo`) is, or came from, an
    interrupt."""
    while error is not None:
        if error.cls_name in INTERRUPT_ERRORS:
            return True
        error = error.cause or error.context
    return False


def interruption(result) -> tuple[bool, str | None]:
    """`(interrupted, step)`: whether an interrupt stopped the run, and the step it stopped."""
    for event in result.all_events:
        if event.is_step_failure and _is_interrupt(event.step_failure_data.error):
            return True, event.step_key
    failure = result.get_run_failure_event() if not result.success else None
    error = getattr(failure.event_specific_data, "error", None) if failure else None
    return _is_interrupt(error), None


def interrupt_wait_seconds() -> float:
    value = os.environ.get("LMIS_INTERRUPT_WAIT_SECONDS", "").strip()
    try:
        return max(0.0, float(value)) if value else INTERRUPT_WAIT_SECONDS
    except ValueError:
        # A bad setting must not turn an interrupt into a traceback.
        log.warning(
            "LMIS_INTERRUPT_WAIT_SECONDS=%r is no number: %.0f s", value, INTERRUPT_WAIT_SECONDS
        )
        return INTERRUPT_WAIT_SECONDS


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container's numeric user)
        return f"uid {os.getuid()}"


def describe_published_marts(run_id: str) -> str:
    """A sentence saying what is published after run `run_id` was interrupted, as the
    interrupt's message ends (not the marts themselves: `publication.read_publication`)."""
    from orchestration.publish.publication import read_publication

    published = read_publication(settings.MARTS_DIR).get("run_id")
    # Publication swaps its files in whole or not at all (`operations.interrupts`).
    if published is None:
        return "nothing has been published yet"
    if published == run_id:
        return "this run's publication is in place, whole"
    return f"the published marts are those of run {published}, whole"


def stop_interrupted_run(
    instance, job_name: str, run_id: str, step: str | None, number: int | None = None
) -> None:
    """Wait for the run's dbt to let go of the warehouse, alert, raise `RunInterrupted`.
    `number` is the signal that stopped the run (None: unknown, a KeyboardInterrupt raised by
    code)."""
    from orchestration.operations.alerts import alert_group, write_alert
    from orchestration.operations.interrupts import describe_signal
    from orchestration.transform.dbt_in_process import dbt_runs_going_on, wait_for_dbt_runs

    where = f"during step {step}" if step else "between steps"
    what = f"run {run_id} of {job_name} interrupted ({describe_signal(number)}) {where}"
    log.warning("%s: stopping; no step is retried after an interrupt", what)
    released = True
    if dbt_runs_going_on():
        seconds = interrupt_wait_seconds()
        log.warning(
            "waiting up to %.0f s for the dbt run still going on in this process to end and let "
            "go of the warehouse (dbt cannot be stopped mid-run; Ctrl-C again to stop waiting)",
            seconds,
        )
        try:
            released = wait_for_dbt_runs(seconds)
        except KeyboardInterrupt:
            released = False
            log.warning("second interrupt: not waiting for dbt any longer")
    if not released:
        # The process exits with dbt's run unfinished, like a killed dbt subprocess: DuckDB
        # keeps what dbt committed, model by model, and drops the rest.
        log.warning("dbt's run did not end: exiting without opening the warehouse again")
    outcome = f"no step was retried or run after it; {describe_published_marts(run_id)}"
    write_alert(
        "interrupted",
        job_name,
        run_id,
        f"{what}; {outcome}",
        group=alert_group(instance, run_id),
        step=step,
        signal=signal_name(number),
        user=_user(),
        pid=os.getpid(),
        dbt_let_go=released,
    )
    raise RunInterrupted(f"interrupted: {what}; {outcome}")


RUN_COMMANDS = frozenset({"run", "backfill"})
"""The `lmis` commands that run jobs: an interrupt outside their runs is alerted too."""


def interrupted_outside_a_run(command: str, number: int | None) -> str:
    """The line for `lmis COMMAND` interrupted outside any run; for a command that runs jobs, an
    `interrupted` alert saying so too."""
    from orchestration.operations.alerts import write_alert
    from orchestration.operations.interrupts import describe_signal

    what = f"lmis {command} interrupted ({describe_signal(number)})"
    if command not in RUN_COMMANDS:
        return f"interrupted: {what}"
    what += " outside a run (before, between or after its runs)"
    outcome = "no run was going on; no later run was started"
    write_alert(
        "interrupted",
        f"lmis-{command}",
        "",
        f"{what}; {outcome}",
        step=None,
        signal=signal_name(number),
        user=_user(),
        pid=os.getpid(),
    )
    return f"interrupted: {what}; {outcome}"


def signal_name(number: int | None) -> str | None:
    import signal

    return None if number is None else signal.Signals(number).name


def summarise_run(run_id: str | list[str], require_landing: bool = True) -> bool:
    """Log rows per source for this run (or runs: a night's partition landings and its nightly
    run, a backfill's), quarantine reasons and mart sizes (rows and bytes of each published
    parquet: the total at INFO, one line per mart at DEBUG); True if balanced. Runs that
    landed nothing are an error only if `require_landing` (`lmis run` lands every source; an
    incremental night may land none)."""
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
    if not per_source and require_landing:
        log.error("this run landed no source")
        return False
    if not per_source:
        log.info("  (no file was landed by these runs)")
    from orchestration.publish.publication import mart_sizes

    sizes = mart_sizes(settings.MARTS_DIR)
    for mart, rows, size in sizes:
        log.debug("  %-40s %10d rows %12d bytes", mart, rows, size)
    log.info(
        "%d parquet marts in %s (%d rows, %.1f MiB); reports in %s",
        len(sizes),
        settings.MARTS_DIR,
        sum(rows for _, rows, _ in sizes),
        sum(size for _, _, size in sizes) / 2**20,
        settings.REPORTS_DIR,
    )
    return balanced
