"""Warehouse snapshots restore exactly, refuse corrupt copies, and name a locking process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from orchestration.operations.backup import list_snapshots, restore_snapshot, take_snapshot
from orchestration.operations.warehouse_lock import WarehouseLockedError, connect


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select range as id from range(1000)")
    return path


def test_restore_brings_back_the_snapshot_contents(warehouse, tmp_path):
    snapshot = take_snapshot(warehouse, tmp_path / "backups")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.t where id < 500")
    restore_snapshot(snapshot.path, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*), sum(id) from marts.t").fetchone() == (1000, 499500)
    assert list_snapshots(tmp_path / "backups") == [snapshot.path]


def test_corrupt_snapshot_is_refused_and_the_warehouse_kept(warehouse, tmp_path):
    snapshot = take_snapshot(warehouse, tmp_path / "backups")
    with open(snapshot.path, "r+b") as handle:
        handle.seek(5000)
        handle.write(b"corrupted")
    with pytest.raises(ValueError, match="checksum"):
        restore_snapshot(snapshot.path, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.t").fetchone() == (1000,)


def test_a_locked_warehouse_gives_a_clear_message(warehouse):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(warehouse)!r})
            sys.stdout.write("ready\\n"); sys.stdout.flush()
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseLockedError, match=rf"PID {holder.pid}.*data/marts"):
            connect(warehouse, read_only=True)
    finally:
        holder.kill()
        holder.wait()


def test_restore_keeps_the_replaced_warehouse_apart_from_the_snapshots(warehouse, tmp_path):
    backups = tmp_path / "backups"
    snapshot = take_snapshot(warehouse, backups)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.t where id < 500")
    replaced = restore_snapshot(snapshot.path, warehouse, keep_replaced_in=backups)
    assert replaced is not None and replaced.path.name.startswith("replaced-")
    assert list_snapshots(backups) == [snapshot.path]
    restore_snapshot(replaced.path, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.t").fetchone() == (500,)


def test_a_missing_snapshot_is_named_as_such(warehouse, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such snapshot"):
        restore_snapshot(tmp_path / "warehouse-nothing.duckdb", warehouse)


def test_the_command_reports_a_locked_warehouse_in_one_line(monkeypatch, caplog):
    from orchestration import cli
    from orchestration.commands import backup

    def busy(args):
        raise WarehouseLockedError("the warehouse w.duckdb is in use by another process (PID 1)")

    monkeypatch.setattr(backup, "run_backup", busy)
    assert cli.main(["backup"]) == cli.EXIT_WAREHOUSE_BUSY
    assert "in use by another process (PID 1)" in caplog.text


def _hold_writer_lock(warehouse, seconds: float) -> subprocess.Popen:
    """Another process holding the writer lock as `lmis run` does, for `seconds`."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from orchestration.operations.warehouse_lock import writer_lock
            with writer_lock(Path({str(warehouse)!r}), wait_seconds=0):
                sys.stdout.write("ready\\n"); sys.stdout.flush()
                time.sleep({seconds})
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready"
    return holder


def test_backup_during_a_run_refuses_in_one_line_when_the_run_outlasts_the_wait(
    warehouse, tmp_path, monkeypatch, caplog
):
    # Between two steps of `lmis run` the DuckDB file is free but the writer lock is held; a
    # copy then would hold a half-landed night, and a restore would swap the file under the run.
    from orchestration import cli, settings

    earlier = take_snapshot(warehouse, tmp_path / "earlier").path
    monkeypatch.setenv("LMIS_WAREHOUSE_WAIT_SECONDS", "0.5")
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", warehouse)
    holder = _hold_writer_lock(warehouse, 30)
    try:
        with pytest.raises(WarehouseLockedError, match=rf"being written by PID {holder.pid}"):
            take_snapshot(warehouse, tmp_path / "backups")
        with pytest.raises(WarehouseLockedError, match=rf"being written by PID {holder.pid}"):
            restore_snapshot(earlier, warehouse)
        caplog.clear()
        assert cli.main(["backup", "--to", str(tmp_path / "backups")]) == cli.EXIT_WAREHOUSE_BUSY
        errors = [r for r in caplog.records if r.levelname == "ERROR"]
        assert len(errors) == 1 and f"PID {holder.pid}" in errors[0].getMessage()
    finally:
        holder.kill()
        holder.wait()
    assert list_snapshots(tmp_path / "backups") == []


def test_backup_waits_for_the_run_to_finish(warehouse, tmp_path, monkeypatch, caplog):
    import time

    caplog.set_level("INFO")
    monkeypatch.setenv("LMIS_WAREHOUSE_WAIT_SECONDS", "30")
    holder = _hold_writer_lock(warehouse, 1.5)
    started = time.monotonic()
    try:
        snapshot = take_snapshot(warehouse, tmp_path / "backups")
    finally:
        holder.wait()
    assert time.monotonic() - started >= 1.0
    assert f"waiting for the warehouse {warehouse}: written by PID {holder.pid}" in caplog.text
    assert list_snapshots(tmp_path / "backups") == [snapshot.path]


def test_a_backup_never_prunes_the_snapshot_a_restore_has_checked_but_not_copied(
    warehouse, tmp_path, monkeypatch
):
    """Restore checked the checksum outside the writer lock: an `lmis backup` with
    LMIS_BACKUP_KEEP=1 between that check and the copy pruned the snapshot, and the restore
    failed with FileNotFoundError. The check is now under the lock the pruning holds."""
    import threading

    from orchestration.operations import backup

    folder = tmp_path / "backups"
    old = take_snapshot(warehouse, folder).path
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.t where id < 500")
    checksum, backups = backup._sha256, []

    def checksum_then_pruning_backup(path):
        digest = checksum(path)
        if path == old and not backups:
            # A cron `lmis backup` with LMIS_BACKUP_KEEP=1 starting between the restore's
            # check and its copy: on the old code it ran (and pruned) at once; now it waits.
            thread = threading.Thread(
                target=take_snapshot, args=(warehouse, folder), kwargs={"keep": 1}, daemon=True
            )
            thread.start()
            backups.append(thread)
            thread.join(timeout=3)
        return digest

    monkeypatch.setattr(backup, "_sha256", checksum_then_pruning_backup)
    restore_snapshot(old, warehouse)
    backups[0].join(timeout=30)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.t").fetchone() == (1000,)
    assert not old.exists()  # the backup, once the restore was done, pruned it as asked


def test_a_backup_prunes_only_its_own_warehouses_snapshots(tmp_path):
    """A backup folder shared by two warehouses was pruned as one: backing up the second with
    LMIS_BACKUP_KEEP=1 removed the first's snapshots."""
    first, second = tmp_path / "a" / "warehouse.duckdb", tmp_path / "b" / "warehouse.duckdb"
    for path in (first, second):
        path.parent.mkdir()
        with duckdb.connect(str(path)) as con:
            con.execute("create table t as select 1 as x")
    folder = tmp_path / "shared"
    kept = take_snapshot(first, folder).path
    take_snapshot(second, folder)
    take_snapshot(second, folder, keep=1)
    assert kept.exists()
    assert len(list_snapshots(folder)) == 2  # the first's one and the second's newest
