"""Opening the warehouse with a clear message when another process holds it.

DuckDB lets one process write a database file, and while it does no other process can open the
file at all. The raw error ("Could not set lock on file ... Conflicting lock is held in ... (PID
n)") is turned into one that says what to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)


class WarehouseLockedError(RuntimeError):
    """Another process has the warehouse open; readers should use the published parquet."""


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, or raise `WarehouseLockedError` naming the process that holds it."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" not in message.lower():
            raise
        from orchestration import settings

        holder = re.search(r"PID (\d+)", message)
        raise WarehouseLockedError(
            f"the warehouse {path} is in use by another process"
            + (f" (PID {holder.group(1)})" if holder else "")
            + ". DuckDB allows one writer at a time: wait for the running job to finish, or "
            f"read the published parquet marts in {settings.MARTS_DIR} instead."
        ) from exc


DEFAULT_WAIT_SECONDS = 3600.0
"""How long a writer waits for another by default (`LMIS_WAREHOUSE_WAIT_SECONDS`)."""

_POLL_SECONDS = 0.5


def wait_seconds_from_env() -> float:
    """`LMIS_WAREHOUSE_WAIT_SECONDS`: a finite number of seconds, 0 or more (unset or empty: the
    default). Anything else is a `settings.SettingError` naming the value (`lmis` exit 2)."""
    from orchestration.settings import SettingError

    value = os.environ.get("LMIS_WAREHOUSE_WAIT_SECONDS", "").strip()
    if not value:
        return DEFAULT_WAIT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    # "inf" and "1e400" read as infinity: a cron line would wait for ever on a hung holder.
    if not math.isfinite(seconds) or seconds < 0:
        raise SettingError(
            f"LMIS_WAREHOUSE_WAIT_SECONDS={value!r} is not allowed: a finite number of seconds, "
            f"0 or more (default {DEFAULT_WAIT_SECONDS:.0f})"
        )
    return seconds


@contextlib.contextmanager
def writer_lock(warehouse: Path, wait_seconds: float | None = None) -> Iterator[None]:
    """Queue behind any other writer of `warehouse` (a run, a backfill day, a restore).

    An advisory lock on `<warehouse>.writer.lock` is held for the whole run, so a second run
    waits, logging who holds it, instead of failing half-way on DuckDB's own lock. The lock is
    released by the kernel if the holder dies, so a killed run never blocks the next one.

    Order: the writer lock first, then a `warehouse` pool slot (the runs a night starts). Code
    running inside a step of that pool must not take this lock: it would hold a slot while
    waiting for the lock, and the lock's holder would wait for that slot.
    """
    wait = wait_seconds_from_env() if wait_seconds is None else wait_seconds
    lock_path = warehouse.with_name(warehouse.name + ".writer.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")  # noqa: SIM115 - held open for the life of the lock
    try:
        deadline = time.monotonic() + wait
        logged = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if time.monotonic() >= deadline:
                    raise WarehouseLockedError(
                        f"the warehouse {warehouse} is being written by {holder} and did not "
                        f"become free within {wait:.0f} s; readers can use the published "
                        "parquet marts meanwhile"
                    ) from None
                if not logged:
                    log.info("waiting for the warehouse %s: written by %s", warehouse, holder)
                    logged = True
                time.sleep(_POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(f"PID {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the lock
