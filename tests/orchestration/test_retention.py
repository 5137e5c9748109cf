"""Retention: backups, alert files and Dagster's run history stay bounded, and only what the
product made goes.

An operator found a nightly install growing without bound: Dagster's runs and events in its home
(about 1.8 MB a night), every backup kept, every alert file kept.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from orchestration import settings
from orchestration.cli import main
from orchestration.operations import backup as backup_module
from orchestration.operations.alerts import write_alert
from orchestration.operations.backup import prune_snapshots, take_snapshot
from orchestration.operations.retention import (
    DEFAULT_ALERT_KEEP_DAYS,
    DEFAULT_BACKUP_KEEP,
    DEFAULT_RUN_HISTORY_DAYS,
    alert_keep_days_from_env,
    backup_keep_from_env,
    prune_alerts,
    prune_run_history,
    run_history_days_from_env,
)
from orchestration.runner import check_run_settings

SETTINGS = ("LMIS_BACKUP_KEEP", "LMIS_ALERT_KEEP_DAYS", "LMIS_RUN_HISTORY_DAYS")


@pytest.fixture(autouse=True)
def _defaults(monkeypatch) -> None:
    for name in (*SETTINGS, "LMIS_ALERT_COMMAND", "LMIS_ENV", "LMIS_RELEASE_RETENTION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select range as id from range(100)")
    return path


def _old_snapshot(folder: Path, stamp: str) -> Path:
    """A snapshot as `lmis backup` writes it, taken at `stamp`."""
    path = folder / f"warehouse-{stamp}.duckdb"
    path.write_bytes(b"x" * 1000)
    record = {"file": path.name, "sha256": "0" * 64, "size_bytes": 1000, "taken_at": stamp}
    path.with_suffix(".json").write_text(json.dumps(record))
    return path


def _foreign_files(folder: Path) -> list[Path]:
    """Files of a backup folder `lmis backup` did not write, all older-looking than any of its
    snapshots: none may be removed."""
    files = {
        "notes.txt": "the operator's notes",
        "warehouse-manual.duckdb": "a copy taken by hand",
        "warehouse-20200101T000000000000Z.duckdb": "a snapshot-like name, no checksum file",
        "warehouse-20200102T000000000000Z.duckdb": "its checksum file names another file",
        "warehouse-20200102T000000000000Z.json": json.dumps({"file": "other", "sha256": "0"}),
        "warehouse-20200103T000000000000Z.duckdb": "its checksum file is not JSON",
        "warehouse-20200103T000000000000Z.json": "not json",
        "replaced-20200101T000000000000Z.duckdb": "kept by lmis restore",
        "replaced-20200101T000000000000Z.json": json.dumps(
            {"file": "replaced-20200101T000000000000Z.duckdb", "sha256": "0"}
        ),
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    return [folder / name for name in files]


def test_backup_keeps_the_newest_and_leaves_foreign_files(warehouse, tmp_path, caplog):
    folder = tmp_path / "backups"
    folder.mkdir()
    foreign = _foreign_files(folder)
    old = [_old_snapshot(folder, f"2026010{day}T020000000000Z") for day in range(1, 6)]
    freed = sum(p.stat().st_size + p.with_suffix(".json").stat().st_size for p in old[:3])
    caplog.set_level("INFO")
    written = take_snapshot(warehouse, folder, keep=3).path
    assert written.exists() and written.with_suffix(".json").exists()
    # The newest three: the one just written and the two newest before it.
    assert [p.exists() for p in old] == [False, False, False, True, True]
    assert not any(p.with_suffix(".json").exists() for p in old[:3])
    assert all(p.exists() for p in foreign), [p.name for p in foreign if not p.exists()]
    assert f"removed 3 ({freed} bytes)" in caplog.text  # each with its checksum file


def test_backup_never_removes_the_snapshot_it_just_wrote(warehouse, tmp_path):
    # A clock set back: every older snapshot sorts after the new one.
    folder = tmp_path / "backups"
    folder.mkdir()
    later = [_old_snapshot(folder, f"2099010{day}T020000000000Z") for day in range(1, 3)]
    written = take_snapshot(warehouse, folder, keep=2).path
    assert written.exists()
    assert [p.exists() for p in later] == [False, True]
    with pytest.raises(ValueError):
        prune_snapshots(folder, 0, written)


def test_lmis_backup_reads_its_retention(warehouse, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [_old_snapshot(folder, f"2026010{day}T020000000000Z") for day in range(1, 4)]
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", warehouse)
    monkeypatch.setenv("LMIS_BACKUP_KEEP", "2")
    assert main(["backup", "--to", str(folder)]) == 0
    assert [p.exists() for p in old] == [False, False, True]
    assert len(backup_module.list_snapshots(folder)) == 2


@pytest.mark.parametrize("value", ["0", "-1", "abc", "2.5", "14 days"])
def test_a_bad_backup_retention_stops_backup_in_one_line(
    warehouse, tmp_path, monkeypatch, caplog, value
):
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", warehouse)
    monkeypatch.setenv("LMIS_BACKUP_KEEP", value)
    caplog.clear()
    assert main(["backup", "--to", str(tmp_path / "backups")]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "LMIS_BACKUP_KEEP" in errors[0], errors
    assert "1 or more" in errors[0]
    assert not (tmp_path / "backups").exists(), "nothing is written on a setting error"


def _alert(folder: Path, when: datetime, **content) -> Path:
    path = folder / f"{when:%Y%m%dT%H%M%S%fZ}-nightly-step-{uuid.uuid4().hex[:8]}.json"
    body = {"kind": "step", "job": "nightly", "run_id": "r", "message": "m", "raised_at": "t"}
    path.write_text(json.dumps({**body, **content}))
    return path


def test_old_alert_files_go_and_anything_else_stays(tmp_path, monkeypatch):
    folder = tmp_path / "alerts"
    monkeypatch.setenv("LMIS_ALERT_DIR", str(folder))
    now = datetime.now(UTC)
    recent = write_alert("step", "nightly", "abcdef0123", "failed")  # the product's own file
    old = _alert(folder, now - timedelta(days=91))
    kept = _alert(folder, now - timedelta(days=89))
    foreign = [
        folder / "notes.json",
        folder / f"{now - timedelta(days=400):%Y%m%dT%H%M%S%fZ}-not-an-alert.json",
        folder / f"{now - timedelta(days=400):%Y%m%dT%H%M%S%fZ}-nightly-step-1.txt",
    ]
    foreign[0].write_text("{}")
    foreign[1].write_text(json.dumps({"anything": 1}))
    foreign[2].write_text("text")
    marker = folder / ".commands-run" / "group"
    marker.parent.mkdir()
    marker.write_text("")
    pruned = prune_alerts(folder, 90, now=now)
    assert pruned.count == 1 and pruned.size_bytes > 0
    assert not old.exists()
    assert recent.exists() and kept.exists() and marker.exists()
    assert all(p.exists() for p in foreign)


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "dagster_home"
    monkeypatch.setattr(settings, "DAGSTER_HOME", folder)
    monkeypatch.setenv("DAGSTER_HOME", str(folder))
    settings.ensure_dagster_home()
    return folder


@dg.op
def _step() -> None:
    return None


@dg.job
def _tiny() -> None:
    _step()


def test_old_finished_runs_go_and_a_run_in_progress_stays(home):
    with dg.DagsterInstance.get() as instance:
        finished = _tiny.execute_in_process(instance=instance).run_id
        failed = instance.create_run_for_job(_tiny, status=dg.DagsterRunStatus.FAILURE).run_id
        going = instance.create_run_for_job(_tiny, status=dg.DagsterRunStatus.STARTED).run_id
        waiting = instance.create_run_for_job(_tiny, status=dg.DagsterRunStatus.NOT_STARTED).run_id
        run_file = Path(instance.event_log_storage.path_for_shard(finished))
        assert run_file.exists()
        captured = Path(instance.storage_directory()) / finished
        captured.mkdir(parents=True, exist_ok=True)  # where a run's stdout and stderr go
        (captured / "step.out").write_text("output")

        # Within the kept days nothing goes.
        assert prune_run_history(instance, 30).count == 0
        assert instance.get_run_by_id(finished) is not None

        later = datetime.now(UTC) + timedelta(days=40)
        pruned = prune_run_history(instance, 30, now=later)
        assert pruned.count == 2 and pruned.size_bytes > 0
        assert instance.get_run_by_id(finished) is None
        assert instance.get_run_by_id(failed) is None
        assert not run_file.exists(), "the run's event log file is gone, not just emptied"
        assert not captured.exists(), "its captured logs too"
        assert instance.get_run_by_id(going) is not None
        assert instance.get_run_by_id(waiting) is not None
        # A run after the pruning writes its events as before.
        again = _tiny.execute_in_process(instance=instance)
        assert again.success
        assert instance.get_records_for_run(again.run_id).records


def test_a_new_home_bounds_its_tick_history(home):
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    assert config["retention"]["sensor"]["purge_after_days"]["skipped"] == 7
    with dg.DagsterInstance.get() as instance:
        from dagster._core.definitions.run_request import InstigatorType

        for kind in (InstigatorType.SENSOR, InstigatorType.SCHEDULE):
            assert all(days > 0 for days in instance.get_tick_retention_settings(kind).values())


def test_a_home_with_its_own_retention_keeps_it(tmp_path, monkeypatch):
    folder = tmp_path / "dagster_home"
    folder.mkdir()
    (folder / "dagster.yaml").write_text("retention:\n  schedule:\n    purge_after_days: 5\n")
    monkeypatch.setattr(settings, "DAGSTER_HOME", folder)
    settings.ensure_dagster_home()
    config = yaml.safe_load((folder / "dagster.yaml").read_text())
    assert config["retention"] == {"schedule": {"purge_after_days": 5}}


def test_defaults_when_unset_or_empty(monkeypatch):
    assert backup_keep_from_env() == DEFAULT_BACKUP_KEEP == 14
    assert alert_keep_days_from_env() == DEFAULT_ALERT_KEEP_DAYS
    assert run_history_days_from_env() == DEFAULT_RUN_HISTORY_DAYS
    for name in SETTINGS:
        monkeypatch.setenv(name, " ")
    assert backup_keep_from_env() == DEFAULT_BACKUP_KEEP


@pytest.mark.parametrize("name", ["LMIS_ALERT_KEEP_DAYS", "LMIS_RUN_HISTORY_DAYS"])
@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5"])
def test_bad_history_settings_stop_a_run_before_it_starts(
    tmp_path, monkeypatch, caplog, name, value
):
    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingError, match=name):
        check_run_settings()
    for argv in (["run"], ["backfill", "--from", "2026-12-01", "--to", "2026-12-01"]):
        caplog.clear()
        assert main(argv) == 2
        errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
        assert len(errors) == 1 and name in errors[0] and "1 or more" in errors[0], errors


def test_a_night_removes_old_alert_files_before_it_runs(home, tmp_path, monkeypatch, caplog):
    from types import SimpleNamespace

    from orchestration.operations import incremental

    folder = tmp_path / "alerts"
    folder.mkdir()
    monkeypatch.setenv("LMIS_ALERT_DIR", str(folder))
    old = _alert(folder, datetime.now(UTC) - timedelta(days=200))
    recent = _alert(folder, datetime.now(UTC) - timedelta(days=1))
    seen = {}

    def night():
        seen["old alert still there"] = old.exists()
        return SimpleNamespace(run_ids=[], success=False, nightly_run_id=None)

    monkeypatch.setattr(incremental, "whole_warehouse_run", night)
    caplog.set_level("INFO")
    assert main(["run"]) == 1
    assert seen == {"old alert still there": False}
    assert recent.exists()
    assert "alerts: removed 1 file(s)" in caplog.text
    assert "Dagster history: deleted 0 run(s)" in caplog.text


def test_a_failing_alert_pruning_does_not_stop_the_run_pruning(home, monkeypatch, caplog):
    """Alert and run pruning shared one try block: an alert folder that could not be pruned
    stopped the pruning of Dagster's run history, night after night."""
    from orchestration.operations import retention

    def broken(folder, keep_days):
        raise PermissionError(f"cannot list {folder}")

    pruned = []
    monkeypatch.setattr(retention, "prune_alerts", broken)
    monkeypatch.setattr(retention, "prune_run_history", lambda instance, days: pruned.append(days))
    caplog.set_level("WARNING")
    retention.tidy_history()
    assert pruned == [retention.DEFAULT_RUN_HISTORY_DAYS]
    assert "housekeeping of old alert files failed" in caplog.text
