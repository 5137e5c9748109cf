"""An interrupt (Ctrl-C, SIGINT) of `lmis run` is final: the run stops at the first one, no step
is retried, dbt's thread lets go of the warehouse before anything else opens it, and the run ends
with one line, an alert saying it was interrupted and exit code 130.

The run is a real `lmis run` in a subprocess (`interrupted_run.py`), on a small job built like
`nightly` whose slow step is a dbt model run in the process's dbt thread, or a Python asset.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli import EXIT_INTERRUPTED

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

# The file the harness writes once its DuckDB query runs: one name, the harness's.
from interrupted_run import QUERY_RUNNING  # noqa: E402

HARNESS = Path(__file__).with_name("interrupted_run.py")
QUERY_KINDS = ("duckdb", "after-duckdb")
REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 90
END_TIMEOUT_SECONDS = 60


def _environment(root: Path) -> dict[str, str]:
    data = root / "data"
    return {
        **os.environ,
        "LMIS_DATA_DIR": str(data),
        "LMIS_WAREHOUSE": str(root / "warehouse.duckdb"),
        "LMIS_MARTS_DIR": str(data / "marts"),
        "LMIS_REPORTS_DIR": str(root / "reports"),
        "LMIS_ALERT_DIR": str(root / "alerts"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "LMIS_ALERT_COMMAND": "",
        "PYTHONPATH": str(REPO),
    }


def _interrupt(
    kind: str, root: Path, again_while_waiting: bool = False, number: int = signal.SIGINT
):
    """Start the run, send it the signal (SIGINT unless told) once its slow step has started (and
    a SIGINT once more when it says it waits for dbt, if asked); return its exit code and
    stderr. A DuckDB query is signalled once the harness says it runs, not after a fixed wait:
    on a loaded machine the signal could land before the query and test something else."""
    err_path = root / "stderr.txt"
    with err_path.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, str(HARNESS), kind, str(root)],
            env=_environment(root),
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            _wait_for(lambda: (root / "started").exists(), process, START_TIMEOUT_SECONDS)
            if kind in QUERY_KINDS:
                _wait_for(lambda: (root / QUERY_RUNNING).exists(), process, START_TIMEOUT_SECONDS)
            else:
                time.sleep(0.5)
            process.send_signal(number)
            if again_while_waiting:
                _wait_for(lambda: "waiting up to" in err_path.read_text(), process, 30)
                process.send_signal(signal.SIGINT)
            process.wait(timeout=END_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"the run did not stop after the interrupt:\n{err_path.read_text()[-3000:]}"
            )
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return process.returncode, err_path.read_text()


def _wait_for(condition, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the run ended or hung before the moment to interrupt it")
        time.sleep(0.2)


def _events(root: Path, event_type: dg.DagsterEventType) -> list:
    with dg.DagsterInstance.from_config(str(root / "dagster_home")) as instance:
        [run] = instance.get_runs()
        return instance.get_records_for_run(run.run_id, of_type=event_type).records


def _alerts(root: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted((root / "alerts").glob("*.json"))]


@pytest.mark.parametrize("kind", ["dbt", "python"])
def test_one_interrupt_stops_the_run_without_retry_or_traceback(kind: str, tmp_path: Path) -> None:
    code, stderr = _interrupt(kind, tmp_path)
    assert code == EXIT_INTERRUPTED, stderr[-3000:]
    # Regression: only a third Ctrl-C ended the run, with a DuckDB traceback from the runner.
    assert "Traceback (most recent call last)" not in stderr, stderr[-3000:]
    assert "different configuration" not in stderr
    # Regression: the nightly retry policy restarted the interrupted step.
    assert _events(tmp_path, dg.DagsterEventType.STEP_UP_FOR_RETRY) == []
    assert not (tmp_path / "after-ran").exists()
    # Regression: the step's alert had an empty message.
    [alert] = _alerts(tmp_path)
    assert alert["kind"] == "interrupted" and alert["step"].startswith("slow"), alert
    assert "interrupted (SIGINT, Ctrl-C) during step slow" in alert["message"], alert
    # Regression: "the published marts are whole" on a run that had published nothing.
    assert alert["signal"] == "SIGINT" and "nothing has been published yet" in alert["message"]
    last = stderr.strip().splitlines()[-1]
    assert "lmis: interrupted: run" in last and "during step slow" in last, stderr[-3000:]
    if kind == "dbt":
        # The run waited for dbt's thread to end before it went on.
        assert "waiting up to" in stderr and alert["dbt_let_go"] is True


@pytest.mark.slow
def test_a_second_interrupt_ends_the_wait_for_dbt(tmp_path: Path) -> None:
    code, stderr = _interrupt("dbt", tmp_path, again_while_waiting=True)
    assert code == EXIT_INTERRUPTED, stderr[-3000:]
    assert "Traceback (most recent call last)" not in stderr, stderr[-3000:]
    assert "not waiting for dbt any longer" in stderr
    [alert] = _alerts(tmp_path)
    assert alert["dbt_let_go"] is False
    assert "lmis: interrupted: run" in stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_in_a_duckdb_query_stops_the_run_without_retry(
    number: signal.Signals, tmp_path: Path
) -> None:
    # Regression: DuckDB turned the interrupt into its own `RuntimeError('Query interrupted')`,
    # linked to nothing; the policy retried the step and the run went on (SIGTERM too).
    code, stderr = _interrupt("duckdb", tmp_path, number=number)
    assert code == EXIT_INTERRUPTED, stderr[-3000:]
    assert _events(tmp_path, dg.DagsterEventType.STEP_UP_FOR_RETRY) == []
    assert not (tmp_path / "after-ran").exists()
    [failure] = _events(tmp_path, dg.DagsterEventType.STEP_FAILURE)
    error = failure.event_log_entry.dagster_event.step_failure_data.error
    assert error.cls_name == "DagsterExecutionInterruptedError", error
    assert "Query interrupted" in error.cause.message, error
    [alert] = _alerts(tmp_path)
    assert alert["kind"] == "interrupted" and alert["step"] == "slow", alert
    # Regression: a SIGTERM was recorded and alerted as "(SIGINT, Ctrl-C)", signal SIGINT.
    name = {signal.SIGINT: "SIGINT, Ctrl-C", signal.SIGTERM: "SIGTERM, a stop"}[number]
    assert f"interrupted ({name}) during step slow" in alert["message"], alert
    assert alert["signal"] == number.name, alert
    last = stderr.strip().splitlines()[-1]
    assert "lmis: interrupted: run" in last and "during step slow" in last, stderr[-3000:]


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        ("after", signal.SIGINT),
        ("after", signal.SIGTERM),
        ("after-duckdb", signal.SIGINT),
        ("after-duckdb", signal.SIGTERM),
    ],
)
def test_an_interrupt_outside_a_run_says_so_and_alerts(
    kind: str, number: signal.Signals, tmp_path: Path
) -> None:
    # Regression: the last line was an empty `ERROR lmis: ` (str(KeyboardInterrupt()) is "")
    # and no alert was written; a SIGTERM before the first run ended the process silently.
    # `after-duckdb`: DuckDB turns the interrupt into RuntimeError('Query interrupted'), which
    # was a traceback and exit 1.
    code, stderr = _interrupt(kind, tmp_path, number=number)
    assert code == EXIT_INTERRUPTED, stderr[-3000:]
    assert "Traceback (most recent call last)" not in stderr, stderr[-3000:]
    name = {signal.SIGINT: "SIGINT, Ctrl-C", signal.SIGTERM: "SIGTERM, a stop"}[number]
    last = stderr.strip().splitlines()[-1]
    assert f"lmis: interrupted: lmis run interrupted ({name}) outside a run" in last, last
    [alert] = _alerts(tmp_path)
    assert alert["kind"] == "interrupted" and alert["job"] == "lmis-run", alert
    assert alert["signal"] == number.name and "outside a run" in alert["message"], alert


def test_the_interrupt_message_says_what_is_published(tmp_path: Path, monkeypatch) -> None:
    from orchestration import runner, settings
    from orchestration.publish.publication import PUBLICATION_MANIFEST

    describe = runner.describe_published_marts
    monkeypatch.setattr(settings, "MARTS_DIR", tmp_path)
    assert describe("new") == "nothing has been published yet"
    (tmp_path / PUBLICATION_MANIFEST).write_text(json.dumps({"run_id": "old"}))
    assert describe("new") == "the published marts are those of run old, whole"
    assert describe("old") == "this run's publication is in place, whole"
    # The sentence is named as one: `published_marts` (releases.py) gives the marts' files.
    assert not hasattr(runner, "published_marts")
