"""Dagster's SQLite event log, with each database opened once per process instead of per event.

Dagster's own `SqliteEventLogStorage` opens a new SQLite connection for every write and closes
it afterwards; as the last connection of a WAL database, the close checkpoints the log into the
database file and deletes it, and the commit before it waits for the disk (`synchronous=FULL`).
An event costs two or three of those (the run's database, the cross-run index, the asset-check
table): 12-17 ms each on an idle disk, 50-80 ms on the shared machine with other jobs writing.
A `nightly` run of a new portal day writes about 270 events (74 of them "planned" before its
first step), which made them the largest fixed cost of an incremental night after dbt.

`PooledSqliteEventLogStorage` keeps one connection per database file open for the process
(a few, least recently used closed first), and commits with `synchronous=NORMAL`: in WAL mode a
commit then needs no wait for the disk and nothing is lost when a process dies; a crash of the
operating system or a power cut can lose the last commits (the tail of a run's history, never
the warehouse) but cannot corrupt the database.
The tables, files and their format are Dagster's, so an instance can switch between the two
classes back and forth. `settings.ensure_dagster_home()` configures it in `dagster.yaml`, which
every process of the instance reads: the runs, the UI and the daemon all use this class, and
SQLite's WAL locking works between them as before. Events wait in `<run_id>.db-wal` while the
connection stays open, so each stored event touches `<run_id>.db` for Dagster's watcher.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

RUN_FILE_SUFFIXES = ("", "-wal", "-shm")
"""A run's SQLite database and the files SQLite keeps beside it while it is open."""
OPEN_RUN_DATABASES = 4
"""Run databases kept open besides the index: the runs of one night are written one by one."""


def _commit_without_waiting_for_the_disk(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with long-lived connections (see the module doc)."""

    def __init__(self, base_dir: str | None = None, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._files: dict[str, tuple[int, int]] = {}
        """Device and inode of each database file when it was opened."""
        self._pending_inst_data = inst_data
        if base_dir is not None:
            super().__init__(base_dir, inst_data)
        # Without a base_dir the folder is the instance's own, known once Dagster registers the
        # instance (before any use): an instance of another folder than $DAGSTER_HOME keeps its
        # events beside its runs, as with Dagster's default storage.

    def register_instance(self, instance) -> None:
        if not hasattr(self, "_base_dir"):
            root = instance.root_directory
            super().__init__(os.path.join(root, "history", "runs"), self._pending_inst_data)
        super().register_instance(instance)

    @classmethod
    def config_type(cls):
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, base_dir=config_value.get("base_dir"))

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is not None:
                self._engines.move_to_end(shard)
                return engine
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=2,
                connect_args={
                    "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                    # Dagster's event-log watcher threads write too; `_db_lock` serialises them.
                    "check_same_thread": False,
                },
            )
            event.listen(engine, "connect", _commit_without_waiting_for_the_disk)
            self._engines[shard] = engine
            runs_open = [key for key in self._engines if key != INDEX_SHARD_NAME]
            for stale in runs_open[: max(0, len(runs_open) - OPEN_RUN_DATABASES)]:
                self._engines.pop(stale).dispose()
            return engine

    def _file_of(self, shard: str) -> tuple[int, int] | None:
        try:
            found = os.stat(self.path_for_shard(shard))
        except FileNotFoundError:
            return None
        return found.st_dev, found.st_ino

    def _forget_if_replaced(self, shard: str) -> None:
        # An open connection would go on writing a deleted (or replaced) file without an error.
        # Opened again, the database is created afresh like Dagster's class does, or the write
        # fails as it does when the folder itself is gone.
        if shard not in self._files or self._file_of(shard) == self._files[shard]:
            return
        del self._files[shard]
        self._initialized_dbs.discard(shard)
        with self._engines_lock:
            stale = self._engines.pop(shard, None)
        if stale is not None:
            stale.dispose()

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            self._forget_if_replaced(shard)
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                if shard not in self._files:
                    self._files[shard] = self._file_of(shard)
                yield conn

    def store_event(self, event) -> None:
        super().store_event(event)
        # The write stays in `<run_id>.db-wal` while the connection is open, but Dagster's
        # watcher (the UI's live run log) waits for a change of `<run_id>.db` itself. A new
        # modification time is such a change (inotify reports it) and costs a system call where
        # a checkpoint would cost a write of the database.
        os.utime(self.path_for_shard(event.run_id))

    def _close_all(self) -> None:
        self._files.clear()
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def run_file_size(self, run_id: str) -> int:
        """Bytes of a run's database files (the database, its write-ahead log and index)."""
        total = 0
        for suffix in RUN_FILE_SUFFIXES:
            with contextlib.suppress(FileNotFoundError):
                total += os.stat(self.path_for_shard(run_id) + suffix).st_size
        return total

    def delete_events(self, run_id: str) -> None:
        super().delete_events(run_id)
        if run_id == INDEX_SHARD_NAME:
            return
        # Dagster's class empties a deleted run's database but keeps the file, whose size
        # SQLite never gives back: a history pruned that way would not shrink on disk. The
        # file holds nothing else, and `wipe` deletes such files too.
        with self._db_lock:
            self._files.pop(run_id, None)
            self._initialized_dbs.discard(run_id)
            with self._engines_lock:
                stale = self._engines.pop(run_id, None)
            if stale is not None:
                stale.dispose()
            for suffix in RUN_FILE_SUFFIXES:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path_for_shard(run_id) + suffix)

    def wipe(self) -> None:
        # The run databases are deleted: close them first.
        self._close_all()
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        if hasattr(self, "_base_dir"):
            super().dispose()
