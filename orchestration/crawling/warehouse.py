"""Opening the warehouse for a crawl's landing: behind the writer lock, for seconds only.

Crawls run for hours, so they take neither the `warehouse` pool nor the warehouse's writer lock
(`orchestration.operations.warehouse_lock.writer_lock`, which the nightly job, backfills and
restores hold for their whole run) while they crawl. Only the landing writes, and it queues like
any other writer: it takes the writer lock, then opens DuckDB, retrying while a process outside
the lock protocol (an analyst's session) still holds DuckDB's own file lock.

When this process already holds the writer lock (a backfill runs `crawl_daily` in-process under
it), taking it again would wait for itself: `flock` locks belong to an open file, not a process.
The lock file names its holder (`PID <pid>`), so a lock held under this process's id is used as
it is.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

import duckdb
from dagster_duckdb import DuckDBResource

from orchestration.operations.warehouse_lock import WarehouseLockedError, writer_lock

log = logging.getLogger(__name__)

WAIT_REPORT_SECONDS = 60.0
"""How often a wait for DuckDB's file lock is logged."""
DUCKDB_LOCK_POLL_SECONDS = 15.0


def writer_lock_path(warehouse: Path) -> Path:
    """The lock file `writer_lock` uses for `warehouse`."""
    return warehouse.with_name(warehouse.name + ".writer.lock")


def held_by_this_process(lock_path: Path) -> bool:
    """True when the writer lock is taken and its file names this process as the holder."""
    try:
        holder = lock_path.read_text().strip()
    except FileNotFoundError:
        return False
    if holder != f"PID {os.getpid()}":
        return False
    with lock_path.open("a+") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True  # taken, and the file says by us
        fcntl.flock(probe, fcntl.LOCK_UN)
        return False  # free: the name is left from an earlier lock of this process


@contextmanager
def landing_connection(
    warehouse: DuckDBResource, wait_seconds: float
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse connection for one landing, queued behind every other writer.

    Only for steps outside the `warehouse` pool (the crawls). A step in the pool must never take
    the writer lock: a scheduled night takes the lock first and its runs then wait for a pool
    slot, so a step holding a slot while it waits for the lock would wait for that night, and the
    night for its slot (lock-order inversion; both wait until the lock's timeout).
    """
    path = Path(warehouse.database).resolve()
    with queued_connection(
        path, warehouse.get_connection, wait_seconds, DUCKDB_LOCK_POLL_SECONDS
    ) as connection:
        yield connection


@contextmanager
def queued_connection(
    path: Path,
    open_connection: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    wait_seconds: float,
    poll_seconds: float,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`open_connection()` on the warehouse `path`, queued behind every other writer.

    Takes the writer lock (unless this process holds it), then opens DuckDB, retrying every
    `poll_seconds` while a process outside the lock protocol holds DuckDB's own file lock; both
    waits end `wait_seconds` from now.
    """
    started = time.monotonic()
    deadline = started + wait_seconds
    next_report = started
    with ExitStack() as stack:
        if not held_by_this_process(writer_lock_path(path)):
            stack.enter_context(writer_lock(path, wait_seconds=wait_seconds))
        while True:
            try:
                connection = stack.enter_context(open_connection())
                break
            except (duckdb.IOException, WarehouseLockedError) as error:
                held = isinstance(error, WarehouseLockedError) or "lock" in str(error).lower()
                now = time.monotonic()
                if not held or now > deadline:
                    raise
                if now >= next_report:  # once, then every WAIT_REPORT_SECONDS, not every poll
                    log.info(
                        "DuckDB's file lock on %s is held outside the writer lock; waited %.0f s,"
                        " retrying every %.1f s for up to %.0f s more",
                        path,
                        now - started,
                        poll_seconds,
                        deadline - now,
                    )
                    next_report = now + WAIT_REPORT_SECONDS
                time.sleep(poll_seconds)
        yield connection
