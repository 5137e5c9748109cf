"""Nightly operations: alerts, the landing sensor, the schedule's date, writers queueing."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from orchestration.jobs import SCHEDULED_NIGHT_TAG
from orchestration.operations.alerts import (
    alert_group,
    alert_on_run_failure,
    alert_on_step_failure,
    write_alert,
)
from orchestration.operations.landing_sensor import new_files_in_landing
from orchestration.operations.warehouse_lock import WarehouseLockedError, writer_lock

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def alerts(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "alerts"
    monkeypatch.setenv("LMIS_ALERT_DIR", str(folder))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    return folder


@dg.op
def failing_step():
    raise RuntimeError("source file vanished")


@dg.job(hooks={alert_on_step_failure})
def job_that_fails():
    failing_step()


def test_alert_file_and_command_get_the_failure(alerts, tmp_path, monkeypatch):
    received = tmp_path / "received.txt"
    script = f"import sys; open({str(received)!r}, 'w').write(sys.argv[1])"
    monkeypatch.setenv("LMIS_ALERT_COMMAND", f"{sys.executable} -c {json.dumps(script)}")
    path = write_alert("run", "nightly", "abcdef123456", "dbt build failed", failed_steps=["x"])
    alert = json.loads(path.read_text())
    assert alert["job"] == "nightly" and alert["message"] == "dbt build failed"
    assert alert["failed_steps"] == ["x"]
    assert received.read_text() == str(path)


def test_an_alert_carries_no_terminal_colour_codes(alerts):
    # Regression: dbt's error text, put into the alert, kept `\x1b[31m...\x1b[0m`, which a mail
    # or chat message shows as garbage.
    message = "70 of 316 FAIL 1 not_null_x [\x1b[31mFAIL 1\x1b[0m in 0.02s]"
    path = write_alert("run", "nightly", "abcdef123456", message)
    alert = json.loads(path.read_text())
    assert alert["message"] == "70 of 316 FAIL 1 not_null_x [FAIL 1 in 0.02s]"
    assert "\x1b" not in path.read_text() and "\\u001b" not in path.read_text()


def test_failing_alert_command_does_not_raise(alerts, monkeypatch, caplog):
    monkeypatch.setenv("LMIS_ALERT_COMMAND", f"{sys.executable} -c 'raise SystemExit(3)'")
    path = write_alert("run", "nightly", "abcdef123456", "boom")
    assert path.exists()
    assert "exited 3" in caplog.text


def test_failure_hook_writes_an_alert_in_the_run_process(alerts):
    result = job_that_fails.execute_in_process(raise_on_error=False)
    assert not result.success
    [path] = list(alerts.glob("*.json"))
    alert = json.loads(path.read_text())
    assert alert["step"] == "failing_step"
    assert "source file vanished" in alert["message"]


def run_failure_sensor_on(instance: dg.DagsterInstance, result) -> None:
    """Evaluate the run-failure sensor on the failed run of `result`, as the daemon would."""
    context = dg.build_run_status_sensor_context(
        sensor_name="alert_on_run_failure",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()
    alert_on_run_failure(context)


@dg.job
def job_without_hook():
    failing_step()


def test_run_failure_sensor_writes_an_alert(alerts):
    instance = dg.DagsterInstance.ephemeral()
    result = job_without_hook.execute_in_process(instance=instance, raise_on_error=False)
    run_failure_sensor_on(instance, result)
    [path] = list(alerts.glob("*.json"))
    alert = json.loads(path.read_text())
    assert alert["kind"] == "run" and alert["failed_steps"] == ["failing_step"]


def test_a_failed_scheduled_night_alerts_once(alerts):
    """The hook in the failed `nightly` run alerts; the sensor adds nothing for that run, nor
    for the `incremental_night` run that failed because of it."""
    instance = dg.DagsterInstance.ephemeral()
    night = job_without_hook.execute_in_process(instance=instance, raise_on_error=False)
    child = job_that_fails.execute_in_process(
        instance=instance, raise_on_error=False, tags={SCHEDULED_NIGHT_TAG: night.run_id}
    )
    run_failure_sensor_on(instance, child)
    run_failure_sensor_on(instance, night)
    [path] = list(alerts.glob("*.json"))
    assert json.loads(path.read_text())["run_id"] == child.run_id


@dg.op
def second_failing_step():
    raise RuntimeError("second source file vanished")


@dg.job(hooks={alert_on_step_failure})
def job_with_two_failing_steps():
    failing_step()
    second_failing_step()


def alert_command_counting_into(path: Path) -> str:
    script = f"open({str(path)!r}, 'a').write('called\\n')"
    return f"{sys.executable} -c {json.dumps(script)}"


def test_two_failing_steps_of_one_run_page_once_and_both_are_written(alerts, tmp_path, monkeypatch):
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("LMIS_ALERT_COMMAND", alert_command_counting_into(calls))
    result = job_with_two_failing_steps.execute_in_process(raise_on_error=False)
    written = [json.loads(path.read_text()) for path in alerts.glob("*.json")]
    assert sorted(alert["step"] for alert in written) == ["failing_step", "second_failing_step"]
    assert {alert["alert_group"] for alert in written} == {result.run_id}
    assert calls.read_text().splitlines() == ["called"]


def test_two_failed_runs_of_one_scheduled_night_page_once(alerts, tmp_path, monkeypatch):
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("LMIS_ALERT_COMMAND", alert_command_counting_into(calls))
    instance = dg.DagsterInstance.ephemeral()
    night = job_without_hook.execute_in_process(instance=instance, raise_on_error=False)
    for _ in range(2):
        job_that_fails.execute_in_process(
            instance=instance, raise_on_error=False, tags={SCHEDULED_NIGHT_TAG: night.run_id}
        )
    run_failure_sensor_on(instance, night)
    assert len(list(alerts.glob("*.json"))) == 2
    assert calls.read_text().splitlines() == ["called"]

    job_that_fails.execute_in_process(instance=instance, raise_on_error=False)  # another run
    assert len(list(alerts.glob("*.json"))) == 3
    assert calls.read_text().splitlines() == ["called", "called"]


def test_a_failed_alert_command_leaves_the_page_to_the_next_failure(alerts, tmp_path, monkeypatch):
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("LMIS_ALERT_COMMAND", f"{sys.executable} -c 'raise SystemExit(1)'")
    write_alert("step_a", "nightly", "run-1", "first", group="night-1")
    monkeypatch.setenv("LMIS_ALERT_COMMAND", alert_command_counting_into(calls))
    write_alert("step_b", "nightly", "run-1", "second", group="night-1")
    write_alert("step_c", "nightly", "run-1", "third", group="night-1")
    assert calls.read_text().splitlines() == ["called"]


def test_a_re_executed_run_is_its_own_alert_group() -> None:
    class Run:
        def __init__(self, parent: str | None) -> None:
            self.parent_run_id = parent
            self.tags = {SCHEDULED_NIGHT_TAG: "night-1"}

    class Instance:
        def __init__(self, parent: str | None) -> None:
            self.run = Run(parent)

        def get_run_by_id(self, run_id: str) -> Run:
            return self.run

    assert alert_group(Instance(None), "run-2") == "night-1"
    assert alert_group(Instance("run-1"), "run-2") == "run-2"


@dg.asset(key=["raw", "positions"])
def positions_asset() -> None:
    return None


@dg.asset_check(asset=positions_asset, name="great_expectations_suite", blocking=True)
def positions_suite() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description="ERROR expect_column_values_to_be_unique(position_id) failed, 6.58% unexpected",
    )


def test_a_failed_blocking_check_puts_its_description_in_the_alert_and_log(alerts, caplog):
    instance = dg.DagsterInstance.ephemeral()
    job = dg.define_asset_job("checked", hooks={alert_on_step_failure})
    defs = dg.Definitions(assets=[positions_asset], asset_checks=[positions_suite], jobs=[job])
    result = defs.resolve_job_def("checked").execute_in_process(
        instance=instance, raise_on_error=False
    )
    assert not result.success
    [path] = list(alerts.glob("*.json"))
    alert = json.loads(path.read_text())
    detail = "expect_column_values_to_be_unique(position_id) failed, 6.58% unexpected"
    assert detail in alert["message"]
    assert alert["failed_checks"] == [
        {
            "asset": "raw/positions",
            "check": "great_expectations_suite",
            "description": f"ERROR {detail}",
        }
    ]
    assert f"raw/positions great_expectations_suite failed: ERROR {detail}" in caplog.text

    run_failure_sensor_on(instance, result)
    assert list(alerts.glob("*.json")) == [path]  # alerted once, by the hook

    # A run the hook did not alert: the sensor's alert carries the check's description.
    unhooked = dg.Definitions(
        assets=[positions_asset],
        asset_checks=[positions_suite],
        jobs=[dg.define_asset_job("checked_without_hook")],
    )
    result = unhooked.resolve_job_def("checked_without_hook").execute_in_process(
        instance=instance, raise_on_error=False
    )
    run_failure_sensor_on(instance, result)
    [run_alert] = set(alerts.glob("*.json")) - {path}
    assert detail in json.loads(run_alert.read_text())["message"]


@dg.multi_asset(
    specs=[dg.AssetSpec(["staging", "postings"])],
    check_specs=[dg.AssetCheckSpec("not_null_postings_seen_date", asset=["staging", "postings"])],
)
def dbt_like_build():
    # As dagster-dbt reports a dbt test that errored: no description, only metadata.
    yield dg.AssetCheckResult(
        asset_key=["staging", "postings"],
        check_name="not_null_postings_seen_date",
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"status": "error"},
    )
    raise RuntimeError("Conversion Error: timestamp field value out of range")


def test_a_check_failed_in_every_try_of_a_step_is_named_once_with_what_it_says(alerts):
    # Regression: a dbt test that errored came out as "no description", three times (one per
    # try of the retried step).
    instance = dg.DagsterInstance.ephemeral()
    job = dg.define_asset_job(
        "retried", hooks={alert_on_step_failure}, op_retry_policy=dg.RetryPolicy(max_retries=2)
    )
    defs = dg.Definitions(assets=[dbt_like_build], jobs=[job])
    result = defs.resolve_job_def("retried").execute_in_process(
        instance=instance, raise_on_error=False
    )
    assert not result.success
    [path] = list(alerts.glob("*.json"))
    alert = json.loads(path.read_text())
    assert alert["failed_checks"] == [
        {
            "asset": "staging/postings",
            "check": "not_null_postings_seen_date",
            "description": "dbt could not run the test not_null_postings_seen_date (status "
            "error): a model it reads failed or the query raised; dbt's error is in the step's "
            "message",
        }
    ]
    assert "Conversion Error" in alert["message"]
    assert "no description" not in alert["message"]


def test_landing_sensor_starts_one_run_per_new_set_of_files(tmp_path, monkeypatch):
    inbox = tmp_path / "real" / "jobstreet"
    inbox.mkdir(parents=True)
    (inbox / "old.csv").write_text("a\n1\n")
    from orchestration import settings

    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
    instance = dg.DagsterInstance.ephemeral()

    first = dg.build_sensor_context(instance=instance)
    assert isinstance(new_files_in_landing(first), dg.SkipReason)  # existing files recorded
    unchanged = dg.build_sensor_context(instance=instance, cursor=first.cursor)
    assert isinstance(new_files_in_landing(unchanged), dg.SkipReason)

    (inbox / "new.csv").write_text("a\n2\n")
    after_drop = dg.build_sensor_context(instance=instance, cursor=unchanged.cursor)
    request = new_files_in_landing(after_drop)
    assert isinstance(request, dg.RunRequest)
    assert request.run_key.startswith("landing-")
    assert "lmis/release_date" in request.tags
    again = dg.build_sensor_context(instance=instance, cursor=after_drop.cursor)
    assert isinstance(new_files_in_landing(again), dg.SkipReason)


def test_landing_sensor_watches_only_the_folders_landing_reads(tmp_path, monkeypatch, caplog):
    """LMIS_LANDING_DIRS made the sensor watch a folder landing never reads, so a file
    dropped there started runs that landed nothing. The sensor now watches the data folder's
    input folders whatever it says, and names the setting in a warning."""
    from orchestration import settings

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (tmp_path / "data" / "real").mkdir(parents=True)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "data")
    monkeypatch.setenv("LMIS_LANDING_DIRS", str(inbox))
    instance = dg.DagsterInstance.ephemeral()
    first = dg.build_sensor_context(instance=instance)
    new_files_in_landing(first)
    (inbox / "maganghub_positions_2026-12-02.csv.gz").write_bytes(b"new")
    dropped = dg.build_sensor_context(instance=instance, cursor=first.cursor)
    assert isinstance(new_files_in_landing(dropped), dg.SkipReason)
    assert "LMIS_LANDING_DIRS is set but no longer read" in caplog.text


def test_landing_sensor_lands_the_partition_of_a_new_portal_day(tmp_path, monkeypatch):
    from orchestration import settings

    folder = tmp_path / "real" / "maganghub-2025-10"
    folder.mkdir(parents=True)
    (folder / "maganghub_positions_2025-10.csv.gz").write_bytes(b"old")
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
    instance = dg.DagsterInstance.ephemeral()
    first = dg.build_sensor_context(instance=instance)
    new_files_in_landing(first)

    # A readable file: an unreadable one is quarantined, not landed (test_incremental_plan.py).
    (folder / "maganghub_positions_2026-12-02.csv.gz").write_bytes(gzip.compress(b"new\n"))
    request = new_files_in_landing(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    assert isinstance(request, dg.RunRequest)
    assert (request.job_name, request.partition_key) == ("land_portal_days", "2026-12-02")
    assert request.asset_selection == [dg.AssetKey(["raw", "maganghub_positions"])]


def test_schedule_processes_the_day_before_in_jakarta():
    from orchestration.jobs import nightly_schedule

    tick = datetime(2026, 12, 5, 2, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    request = nightly_schedule(dg.build_schedule_context(scheduled_execution_time=tick))
    assert request.tags["lmis/release_date"] == "2026-12-04"
    assert request.run_key == "2026-12-04"


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from orchestration.operations.warehouse_lock import connect, writer_lock
    warehouse = Path(sys.argv[1])
    with writer_lock(warehouse, wait_seconds=60):
        con = connect(warehouse)
        con.execute("create table if not exists writes (writer varchar, n integer)")
        for n in range(5):
            con.execute("insert into writes values (?, ?)", [sys.argv[2], n])
            time.sleep(0.2)  # hold the file long enough for the other writer to collide
        con.close()
    """
)


def test_two_writers_queue_instead_of_failing_on_the_lock(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(warehouse), name],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    outcomes = [(w.wait(timeout=120), w.stderr.read()) for w in writers]
    for code, stderr in outcomes:
        assert code == 0, stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select writer, count(*) from writes group by 1 order by 1").fetchall()
    assert rows == [("first", 5), ("second", 5)]


def test_writer_gives_up_with_a_clear_message_after_its_wait(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from orchestration.operations.warehouse_lock import writer_lock\n"
            "with writer_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)",
            str(warehouse),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseLockedError, match=r"being written by PID \d+"):
            with writer_lock(warehouse, wait_seconds=1):
                pass
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(warehouse, wait_seconds=5):  # a killed holder leaves no stale lock
        pass


POOLED_RUN = textwrap.dedent(
    """
    import sys, time
    import dagster as dg
    from orchestration.operations.stale_runs import free_slots_of_dead_runs, process_tags

    @dg.asset(pool="warehouse")
    def writes_the_warehouse():
        print("in step", flush=True)
        time.sleep(float(sys.argv[1]))

    job = dg.define_asset_job("pooled", executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=[writes_the_warehouse], jobs=[job])
    with dg.DagsterInstance.get() as instance:
        freed = free_slots_of_dead_runs(instance)
        result = defs.resolve_job_def("pooled").execute_in_process(
            instance=instance, tags=process_tags(), raise_on_error=False
        )
        print("freed", len(freed), "success", result.success, flush=True)
    """
)


def test_killed_run_does_not_hold_the_warehouse_pool_for_ever(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\nconcurrency:\n  pools:\n    default_limit: 1\n"
    )
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    killed = subprocess.Popen(
        [sys.executable, "-c", POOLED_RUN, "120"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert killed.stdout.readline().strip() == "in step"
    finally:
        killed.kill()  # SIGKILL: the step's pool slot stays claimed in the instance
        killed.wait()
    rerun = subprocess.run(
        [sys.executable, "-c", POOLED_RUN, "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "freed 1 success True" in rerun.stdout, rerun.stderr[-3000:]


TRIES: list[str] = []


def _raising(error: BaseException) -> dg.AssetsDefinition:
    @dg.asset(name="stopped")
    def stopped() -> None:
        TRIES.append("try")
        raise error

    return stopped


def _from_an_interrupt() -> BaseException:
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as interrupt:
        error = RuntimeError("cleaning up after the interrupt failed")
        error.__cause__ = interrupt
        return error


@pytest.mark.parametrize(
    ("error", "tries"),
    [
        (KeyboardInterrupt(), 1),
        (dg.DagsterExecutionInterruptedError(), 1),
        (_from_an_interrupt(), 1),
        (OSError("IO Error: the disk hiccupped"), 3),
        # DuckDB's error for a query interrupted by another thread: no signal, a failure.
        (RuntimeError("Query interrupted"), 3),
    ],
)
def test_the_nightly_retry_policy_never_retries_an_interrupted_step(error, tries):
    # Regression: Dagster retried a step stopped by Ctrl-C under the nightly retry policy.
    from orchestration.jobs import nightly_job
    from orchestration.operations.policies import NIGHTLY_RETRY_POLICY, NoRetryAfterInterrupt
    from orchestration.runner import interruption

    assert nightly_job.op_retry_policy is NIGHTLY_RETRY_POLICY
    TRIES.clear()
    job = dg.define_asset_job(
        "retried",
        executor_def=dg.in_process_executor,
        op_retry_policy=NoRetryAfterInterrupt(max_retries=2),  # the nightly one, without delay
    )
    defs = dg.Definitions(assets=[_raising(error)], jobs=[job])
    result = defs.resolve_job_def("retried").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    assert len(TRIES) == tries
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert len(retries) == tries - 1
    # The runner tells an interrupted run from a failed one.
    assert interruption(result) == ((True, "stopped") if tries == 1 else (False, None))


def test_a_step_error_after_a_recorded_signal_stops_the_run_as_an_interrupt():
    # Regression: DuckDB turned Ctrl-C into `RuntimeError('Query interrupted')`, linked to
    # nothing, and the step was retried. Here the signal reaches a handler that only takes note
    # of it, as a library that swallows it would, and the step then fails.
    from orchestration.operations.interrupts import signals_recorded, stop_signals_received
    from orchestration.operations.policies import NoRetryAfterInterrupt
    from orchestration.runner import interruption

    @dg.asset(name="stopped")
    def stopped() -> None:
        TRIES.append("try")
        previous = signal.signal(signal.SIGTERM, lambda number, frame: None)
        try:
            signal.raise_signal(signal.SIGTERM)
        finally:
            signal.signal(signal.SIGTERM, previous)
        raise RuntimeError("Query interrupted")

    TRIES.clear()
    job = dg.define_asset_job(
        "retried", executor_def=dg.in_process_executor, op_retry_policy=NoRetryAfterInterrupt(2)
    )
    defs = dg.Definitions(assets=[stopped], jobs=[job])
    with signals_recorded():
        result = defs.resolve_job_def("retried").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
        assert stop_signals_received() == [signal.SIGTERM]
    assert stop_signals_received() == []  # nothing is recorded outside the block
    assert len(TRIES) == 1
    assert interruption(result) == (True, "stopped")


def test_an_interrupt_while_a_step_waits_for_its_retry_stops_the_run():
    import threading

    from orchestration.operations.policies import NoRetryAfterInterrupt
    from orchestration.runner import interruption

    TRIES.clear()
    job = dg.define_asset_job(
        "retried",
        executor_def=dg.in_process_executor,
        op_retry_policy=NoRetryAfterInterrupt(max_retries=2, delay=3),
    )
    defs = dg.Definitions(assets=[_raising(OSError("IO Error: the disk hiccupped"))], jobs=[job])
    # The operator's Ctrl-C a second into the wait before the second try.
    timer = threading.Timer(1.0, signal.raise_signal, [signal.SIGINT])
    timer.start()
    try:
        result = defs.resolve_job_def("retried").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
    finally:
        timer.cancel()
    assert not result.success
    assert len(TRIES) == 1
    assert interruption(result) == (True, "stopped")
