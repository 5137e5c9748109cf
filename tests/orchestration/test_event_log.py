"""The Dagster home's event log: kept open per process, readable by Dagster's own class."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy
import yaml
from dagster._core.events.log import EventLogEntry
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration import settings
from orchestration.operations import event_log
from orchestration.operations.event_log import PooledSqliteEventLogStorage


@pytest.fixture()
def home(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "dagster_home"
    monkeypatch.setattr(settings, "DAGSTER_HOME", folder)
    monkeypatch.setenv("DAGSTER_HOME", str(folder))
    return folder


@dg.asset(check_specs=[dg.AssetCheckSpec(f"check_{n}", asset="counted") for n in range(3)])
def counted():
    yield dg.Output(None)
    for n in range(3):
        yield dg.AssetCheckResult(check_name=f"check_{n}", passed=n != 2)


def _event_types(instance: dg.DagsterInstance, run_id: str) -> list:
    return [e.dagster_event.event_type for e in instance.all_logs(run_id) if e.dagster_event]


def test_a_new_home_uses_the_pooled_event_log_and_dagsters_class_reads_it(home):
    settings.ensure_dagster_home()
    text = (home / "dagster.yaml").read_text()
    assert "concurrency:" in text and "PooledSqliteEventLogStorage" in text
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        result = dg.materialize([counted], instance=instance, raise_on_error=False)
        written = _event_types(instance, result.run_id)
    # The same files through Dagster's own class, as a UI of another version would read them.
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.get() as instance:
        assert type(instance.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert _event_types(instance, result.run_id) == written
        checks = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("counted"), f"check_{n}") for n in range(3)]
        )
        assert len(checks) == 3
        assert instance.get_latest_materialization_event(dg.AssetKey("counted")) is not None
    assert dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED in written


def test_runs_keep_a_few_databases_open(home, monkeypatch):
    monkeypatch.setattr(event_log, "OPEN_RUN_DATABASES", 2)
    settings.ensure_dagster_home()
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        run_ids = [dg.materialize([counted], instance=instance).run_id for _ in range(4)]
        assert set(storage._engines) == {"index", *run_ids[-2:]}
        # An evicted run's database opens again when read.
        assert instance.all_logs(run_ids[0])
        storage.wipe()
        assert set(storage._engines) <= {"index"}
        assert instance.all_logs(run_ids[-1]) == []


def test_a_home_with_its_own_storage_is_left_alone(home):
    home.mkdir(parents=True)
    chosen = "storage:\n  postgres:\n    postgres_url: postgresql://127.0.0.1/lmis\n"
    (home / "dagster.yaml").write_text(chosen)
    settings.ensure_dagster_home()
    text = (home / "dagster.yaml").read_text()
    assert text.startswith(chosen) and "PooledSqliteEventLogStorage" not in text


def test_an_older_home_gets_the_pooled_event_log_once(home):
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n" + settings.WAREHOUSE_POOL_CONFIG
    )
    settings.ensure_dagster_home()
    settings.ensure_dagster_home()
    assert (home / "dagster.yaml").read_text().count("event_log_storage:") == 1


@pytest.mark.parametrize(
    "start",
    [
        "telemetry:\n  enabled: false",  # no final newline
        "telemetry:\n  enabled: false\n" + settings.WAREHOUSE_POOL_CONFIG.rstrip("\n"),
        "telemetry:\n  enabled: false\n# concurrency: and storage: are set below\n",
    ],
)
def test_a_hand_edited_home_stays_valid_over_two_starts(home, start):
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(start)
    settings.ensure_dagster_home()
    first = (home / "dagster.yaml").read_text()
    settings.ensure_dagster_home()
    assert (home / "dagster.yaml").read_text() == first
    loaded = yaml.safe_load(first)
    assert loaded["concurrency"] == {"pools": {"default_limit": 1}}
    assert loaded["event_log_storage"]["class"] == "PooledSqliteEventLogStorage"
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)


def _message(run_id: str, n: int) -> EventLogEntry:
    return EventLogEntry(
        error_info=None, level=logging.INFO, user_message=f"m{n}", run_id=run_id, timestamp=0.0
    )


def test_dagsters_watcher_sees_events_written_through_open_connections(tmp_path):
    """The UI's live run log: Dagster's class in another process watches the run's file."""
    base = str(tmp_path / "runs")
    writer = PooledSqliteEventLogStorage(base_dir=base)
    writer.store_event(_message("r1", 0))
    watcher = SqliteEventLogStorage(base_dir=base)
    seen = []
    watcher.watch("r1", None, lambda entry, _cursor: seen.append(entry.user_message))
    try:
        time.sleep(0.5)  # the observer thread starts watching
        for n in range(1, 6):
            writer.store_event(_message("r1", n))
        deadline = time.monotonic() + 10
        while len(seen) < 6 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        watcher.dispose()
        writer.dispose()
    assert seen == [f"m{n}" for n in range(6)]


def test_a_deleted_run_file_is_created_again_and_a_deleted_folder_fails(tmp_path):
    """As with Dagster's class: no write goes on into a file someone deleted."""
    base = tmp_path / "runs"
    writer = PooledSqliteEventLogStorage(base_dir=str(base))
    try:
        writer.store_event(_message("r1", 0))
        (base / "r1.db").unlink()
        writer.store_event(_message("r1", 1))
        fresh = SqliteEventLogStorage(base_dir=str(base))
        assert [
            r.event_log_entry.user_message for r in fresh.get_records_for_run("r1").records
        ] == ["m1"]
        shutil.rmtree(base)
        with pytest.raises(sqlalchemy.exc.OperationalError):
            writer.store_event(_message("r1", 2))
    finally:
        writer.dispose()


def test_an_instance_of_another_folder_keeps_its_events_beside_its_runs(home, monkeypatch):
    settings.ensure_dagster_home()
    other = home.parent / "elsewhere"
    other.mkdir()
    (other / "dagster.yaml").write_text((home / "dagster.yaml").read_text())
    monkeypatch.delenv("DAGSTER_HOME")
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(other))) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        result = dg.materialize([counted], instance=instance)
    assert (other / "history" / "runs" / f"{result.run_id}.db").exists()
    assert not (home / "history").exists()


def test_the_shipped_home_is_left_unchanged_so_a_fresh_clone_stays_clean(home):
    # `make setup` in a clone prepares the project's own .dagster_home: a block appended to the
    # tracked dagster.yaml there would show as a local change in every fresh checkout.
    shipped = Path(__file__).resolve().parents[2] / ".dagster_home" / "dagster.yaml"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(shipped.read_text())
    settings.ensure_dagster_home()
    assert (home / "dagster.yaml").read_text() == shipped.read_text()
