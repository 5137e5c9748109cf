"""Writing landed sources into the DuckDB warehouse's `raw` schema.

A source's raw table is replaced whole on every load, and its quarantine rows with it, so a
re-run never duplicates rows. `raw.load_audit` keeps one row per file and run as history: it is
what the volume-drop check compares tonight against.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl

from ingest.landing import LandingResult

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).parent / "sql"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _identifier(name: str) -> str:
    # Table names cannot be bound parameters; they come from SourceSpecs, but check anyway.
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


class LandingTarget(Protocol):
    """Where a source lands: its name (quarantine and audit rows) and its `raw.<table>`.

    A file source's `SourceSpec` is one; so is an administrative source (`ingest.admin.landing`).
    """

    @property
    def name(self) -> str: ...

    @property
    def table(self) -> str: ...


def ensure_landing_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "landing_tables.sql").read_text())


def write_landing(
    con: duckdb.DuckDBPyConnection, spec: LandingTarget, result: LandingResult, run_id: str
) -> None:
    """Replace `raw.<table>` and this source's quarantine rows; append to the load audit."""
    if result.rows_read != result.rows_loaded + result.rows_quarantined:
        raise AssertionError(
            f"{spec.name}: row accounting does not balance: read {result.rows_read}, "
            f"loaded {result.rows_loaded}, quarantined {result.rows_quarantined}"
        )
    now = datetime.now(UTC)
    table = _identifier(spec.table)
    ensure_landing_tables(con)
    loaded = result.loaded.with_columns(pl.lit(run_id).alias("_run_id"))
    quarantined = result.quarantined.with_columns(
        pl.lit(run_id).alias("run_id"), pl.lit(now).alias("quarantined_at")
    )
    audit = pl.DataFrame(result.files).with_columns(
        pl.lit(run_id).alias("run_id"), pl.lit(now).alias("loaded_at")
    )
    con.execute("begin transaction")
    try:
        con.register("landed_rows", loaded.to_arrow())
        con.execute(f"create or replace table raw.{table} as select * from landed_rows")
        con.unregister("landed_rows")
        con.execute("delete from raw.quarantine where source = ?", [spec.name])
        con.register("quarantined_rows", quarantined.to_arrow())
        con.execute("insert into raw.quarantine by name select * from quarantined_rows")
        con.unregister("quarantined_rows")
        con.register("audit_rows", audit.to_arrow())
        con.execute("insert into raw.load_audit by name select * from audit_rows")
        con.unregister("audit_rows")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    log.info(
        "raw.%s: %d rows loaded, %d quarantined (run %s)",
        table,
        result.rows_loaded,
        result.rows_quarantined,
        run_id,
    )
