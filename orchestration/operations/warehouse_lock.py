"""Opening the warehouse with a clear message when another process holds it.

DuckDB lets one process write a database file, and while it does no other process can open the
file at all. The raw error ("Could not set lock on file ... Conflicting lock is held in ... (PID
n)") is turned into one that says what to do.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb


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
        holder = re.search(r"PID (\d+)", message)
        raise WarehouseLockedError(
            f"the warehouse {path} is in use by another process"
            + (f" (PID {holder.group(1)})" if holder else "")
            + ". DuckDB allows one writer at a time: wait for the running job to finish, or "
            "read the published parquet marts in data/marts/ instead."
        ) from exc
