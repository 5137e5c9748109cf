"""Operation settings are checked before any run or backfill starts; backup and restore check
the one they read, the writer lock's wait.

An operator found `LMIS_ALERT_DIR` naming a regular file failing only when a night failed (no
alert, no page, a FileExistsError deep in Dagster's log), `LMIS_WAREHOUSE_WAIT_SECONDS=abc` a
traceback (and `-5` accepted), `LMIS_ENV=prod` taken for development, and a backfill that gave
up waiting for the writer lock (exit 75: another run had the warehouse) paging on-call.
"""

from __future__ import annotations

import fcntl
import os
from datetime import date
from pathlib import Path

import pytest

# As in test_backfill.py: imported once with the real settings before any is patched.
import ingest.normalise.places  # noqa: F401
from ingest.admin.pseudonymise import PseudonymKeyError, load_pseudonym_key
from orchestration import settings
from orchestration.cli import main
from orchestration.operations import backfill as backfill_module
from orchestration.operations import incremental

RUNS = (["run"], ["backfill", "--from", "2026-12-01", "--to", "2026-12-01"])
COMMANDS = (*RUNS, ["backup"], ["restore"])


@pytest.fixture()
def isolated(tmp_path: Path, monkeypatch) -> Path:
    """Settings under tmp_path, no alert command, nothing that could start a run by mistake."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(settings, "DATA_DIR", data)
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", data / "warehouse.duckdb")
    monkeypatch.setattr(settings, "MARTS_DIR", data / "marts")
    monkeypatch.setattr(settings, "BACKUP_DIR", data / "backups")
    for name in (
        "LMIS_ALERT_COMMAND",
        "LMIS_ENV",
        "LMIS_WAREHOUSE_WAIT_SECONDS",
        "LMIS_RELEASE_RETENTION",
        "LMIS_PUBLISH_PERSONAL_DATA",
        "LMIS_RELEASES_DIR",
        "LMIS_BACKUP_KEEP",
        "LMIS_ALERT_KEEP_DAYS",
        "LMIS_RUN_HISTORY_DAYS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.setattr(backfill_module, "today_in_jakarta", lambda: date(2026, 12, 10))

    def no_run(*args, **kwargs):
        raise AssertionError("a run started despite a bad setting")

    monkeypatch.setattr(incremental, "whole_warehouse_run", no_run)
    monkeypatch.setattr(incremental, "plan_night", no_run)
    monkeypatch.setattr(backfill_module, "night_of", no_run)
    return tmp_path


def _night_taking_the_lock(day, tags, rebuild=False):
    """A backfilled night as far as it goes before its run: the warehouse writer lock."""
    from orchestration.operations.warehouse_lock import writer_lock

    with writer_lock(settings.WAREHOUSE_PATH):
        raise AssertionError("the lock was free")


def _refused(argv: list[str], caplog, *expected: str) -> None:
    caplog.clear()
    assert main(argv) == 2, argv
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1, errors
    for text in expected:
        assert text in errors[0], (argv, errors[0])
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("argv", RUNS, ids=lambda a: a[0])
def test_an_alert_folder_that_is_a_file_stops_every_run(isolated, monkeypatch, caplog, argv):
    not_a_folder = isolated / "alerts.txt"
    not_a_folder.write_text("")
    monkeypatch.setenv("LMIS_ALERT_DIR", str(not_a_folder))
    _refused(argv, caplog, "LMIS_ALERT_DIR", str(not_a_folder), "folder")
    assert not_a_folder.read_text() == ""


def test_an_alert_folder_below_a_file_or_read_only_is_refused(isolated, monkeypatch, caplog):
    blocker = isolated / "file"
    blocker.write_text("")
    monkeypatch.setenv("LMIS_ALERT_DIR", str(blocker / "alerts"))
    _refused(["run"], caplog, "LMIS_ALERT_DIR", "not a folder")
    if os.geteuid() == 0:
        return  # root writes anywhere: the permission check cannot be seen
    read_only = isolated / "ro"
    read_only.mkdir(mode=0o500)
    monkeypatch.setenv("LMIS_ALERT_DIR", str(read_only / "alerts"))
    _refused(["run"], caplog, "LMIS_ALERT_DIR", "not writable")


def test_an_alert_folder_that_can_be_created_is_accepted(isolated, monkeypatch):
    from orchestration.runner import check_run_settings

    monkeypatch.setenv("LMIS_ALERT_DIR", str(isolated / "not" / "yet" / "there"))
    check_run_settings()
    assert not (isolated / "not").exists(), "a check creates nothing"


@pytest.mark.parametrize("argv", RUNS, ids=lambda a: a[0])
def test_an_alert_command_that_does_not_exist_stops_every_run(isolated, monkeypatch, caplog, argv):
    missing = isolated / "bin" / "notify-ops"
    monkeypatch.setenv("LMIS_ALERT_COMMAND", f"{missing} --channel lmis")
    _refused(argv, caplog, "LMIS_ALERT_COMMAND", str(missing), "executable")
    monkeypatch.setenv("LMIS_ALERT_COMMAND", "no-such-notify-command-here --x")
    _refused(argv, caplog, "LMIS_ALERT_COMMAND", "no-such-notify-command-here", "PATH")
    assert not (isolated / "alerts").exists(), "a setting error writes no alert"


def test_an_alert_command_that_is_not_executable_is_refused(isolated, monkeypatch, caplog):
    script = isolated / "notify.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o644)
    monkeypatch.setenv("LMIS_ALERT_COMMAND", str(script))
    _refused(["run"], caplog, "LMIS_ALERT_COMMAND", "executable")


def test_an_executable_alert_command_is_accepted(isolated, monkeypatch):
    from orchestration.runner import check_run_settings

    monkeypatch.setenv("LMIS_ALERT_COMMAND", "true --quiet")
    check_run_settings()
    script = isolated / "notify.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("LMIS_ALERT_COMMAND", f'"{script}" --channel "lmis ops"')
    check_run_settings()


@pytest.mark.parametrize("value", ["abc", "-5", "nan", "1h", "inf", "1e400"])
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: a[0])
def test_a_bad_wait_stops_every_command_in_one_line(isolated, monkeypatch, caplog, argv, value):
    monkeypatch.setenv("LMIS_WAREHOUSE_WAIT_SECONDS", value)
    _refused(argv, caplog, "LMIS_WAREHOUSE_WAIT_SECONDS", repr(value), "0 or more")
    assert not (isolated / "alerts").exists(), "a setting error writes no alert"


@pytest.mark.parametrize("value", ["0", "2.5", "3600", " ", ""])
def test_a_wait_of_zero_or_more_seconds_is_accepted(isolated, monkeypatch, value):
    from orchestration.operations.warehouse_lock import DEFAULT_WAIT_SECONDS, wait_seconds_from_env

    monkeypatch.setenv("LMIS_WAREHOUSE_WAIT_SECONDS", value)
    expected = float(value) if value.strip() else DEFAULT_WAIT_SECONDS
    assert wait_seconds_from_env() == expected


@pytest.mark.parametrize("argv", RUNS, ids=lambda a: a[0])
def test_an_unknown_lmis_env_stops_every_run_naming_the_values(isolated, monkeypatch, caplog, argv):
    monkeypatch.setenv("LMIS_ENV", "prod")
    _refused(argv, caplog, "LMIS_ENV", "'prod'", "development, production")


def test_backup_and_restore_do_not_refuse_alert_or_environment_settings(
    isolated, monkeypatch, caplog
):
    """They write no alert and pseudonymise nothing: a broken alert command must not block a
    restore when one is needed (both fail here only for want of a warehouse or snapshot)."""
    not_a_folder = isolated / "alerts.txt"
    not_a_folder.write_text("")
    monkeypatch.setenv("LMIS_ALERT_DIR", str(not_a_folder))
    monkeypatch.setenv("LMIS_ALERT_COMMAND", "no-such-notify-command-here")
    monkeypatch.setenv("LMIS_ENV", "prod")
    assert main(["backup"]) == 1
    assert main(["restore"]) == 1
    assert "LMIS_" not in caplog.text


def test_an_unknown_lmis_env_is_refused_by_the_pseudonymiser_too():
    with pytest.raises(PseudonymKeyError, match="development, production"):
        load_pseudonym_key({"LMIS_ENV": "prod", "LMIS_PSEUDONYM_KEY": "k" * 40})
    for value in ("", "development", "Production "):
        load_pseudonym_key({"LMIS_ENV": value, "LMIS_PSEUDONYM_KEY": "k" * 40})


def test_a_backfill_that_gives_up_waiting_for_the_lock_exits_75_with_an_alert(
    isolated, monkeypatch, caplog
):
    # The night did not run: a holder that hangs never fails, so never alerts itself, and a
    # cron line's exit code reaches no one when its output goes to a log file.
    monkeypatch.setenv("LMIS_WAREHOUSE_WAIT_SECONDS", "0")
    lock = settings.WAREHOUSE_PATH.with_name(settings.WAREHOUSE_PATH.name + ".writer.lock")
    monkeypatch.setattr(backfill_module, "night_of", _night_taking_the_lock)
    with open(lock, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("PID 4242")
        held.flush()
        assert main(["backfill", "--from", "2026-12-01", "--to", "2026-12-01"]) == 75
    assert "PID 4242" in caplog.text
    alerts = [path.read_text() for path in (isolated / "alerts").glob("*.json")]
    assert len(alerts) == 1 and "PID 4242" in alerts[0] and "2026-12-01" in alerts[0]
