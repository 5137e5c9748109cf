"""Writing landed sources into the DuckDB warehouse's `raw` schema.

A source lands in one of two ways, never by appending:

- whole: `raw.<table>` is replaced, and the source's quarantine rows with it (reference tables,
  the job-board dumps);
- by partition (a portal day, a WLKP reporting period, a Sakernas round): the rows of that one
  partition are deleted and the new ones inserted in a single transaction, keyed on the column
  `_partition_key`; other partitions are not touched, so landing a partition twice gives the
  same rows as landing it once.

Either way `raw.load_audit` keeps one row per file and run as history (what the volume check
compares tonight against), and `raw.landed_inputs` records, in the same transaction, the
fingerprint of the files and code each table or partition was landed from (what the incremental
night compares the files on disk against, orchestration/operations/incremental.py).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl
import pyarrow as pa

from ingest.landing import LandingResult

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).parent / "sql"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
PARTITION_COLUMN = "_partition_key"
"""The column of a partitioned table that says which partition a row belongs to."""
WHOLE_TABLE = ""
"""`raw.landed_inputs.partition_key` of a table landed whole."""


def _identifier(name: str) -> str:
    # Table names cannot be bound parameters; they come from SourceSpecs, but check anyway.
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


def relation_name(relation: str) -> str:
    """`schema.table` checked part by part, for use in SQL text."""
    schema, _, table = relation.partition(".")
    return f"{_identifier(schema)}.{_identifier(table)}"


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


def table_columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str] | None:
    """`schema.table`'s columns and types in order, or None if there is no such table (dbt
    Python models ask this of their own previous build too)."""
    schema, _, table = relation.partition(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return dict(rows) if rows else None


def _without_null_columns(rows: pa.Table) -> pa.Table:
    # A column that is empty in every row of one partition comes as Arrow's null type, which a
    # table column cannot be declared as: land it as text (DuckDB casts it on insert anyway).
    for index, column in enumerate(rows.schema):
        if pa.types.is_null(column.type):
            rows = rows.set_column(index, column.name, rows.column(index).cast(pa.string()))
    return rows


def replace_partition(
    con: duckdb.DuckDBPyConnection, relation: str, rows: pa.Table, partition_key: str
) -> None:
    """Delete-and-insert one partition of `relation` (call inside the caller's transaction).

    `rows` must carry `_partition_key` = `partition_key`. The table is created on first use;
    columns a partition brings that the table lacks are added, so a file with one more column
    still lands. A table landed whole before partitions existed (no `_partition_key`) is replaced:
    its rows are superseded by the partitions, which the incremental night lands one by one.
    """
    target = relation_name(relation)
    rows = _without_null_columns(rows)
    con.register("partition_rows", rows)
    try:
        columns = table_columns(con, relation)
        if columns is None or PARTITION_COLUMN not in columns:
            if columns is not None:
                log.info("%s was landed whole; it becomes partitioned from now on", relation)
            con.execute(f"create or replace table {target} as select * from partition_rows")
            return
        described = con.execute("describe select * from partition_rows").fetchall()
        for name, dtype, *_ in described:
            if name not in columns:
                con.execute(f'alter table {target} add column "{name}" {dtype}')
        con.execute(f"delete from {target} where {PARTITION_COLUMN} = ?", [partition_key])
        con.execute(f"insert into {target} by name select * from partition_rows")
    finally:
        con.unregister("partition_rows")


def record_landed_input(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    partition_key: str,
    fingerprint: str,
    run_id: str,
    when: datetime | None = None,
) -> None:
    """Record what `relation` (or one partition of it) was landed from (inside a transaction)."""
    con.execute(
        "delete from raw.landed_inputs where relation = ? and partition_key = ?",
        [relation, partition_key],
    )
    con.execute(
        "insert into raw.landed_inputs values (?, ?, ?, ?, ?)",
        [relation, partition_key, fingerprint, run_id, when or datetime.now(UTC)],
    )


def remove_partition(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    partition_key: str,
    night_id: str,
    source_name: str | None = None,
    *,
    withdrawn: bool = True,
) -> int:
    """Delete one partition whose files are gone, in one transaction: its rows, its quarantine
    rows (of `source_name`) and its `raw.landed_inputs` record; `raw.removed_partitions` keeps
    what went. Returns the rows deleted. The load audit keeps its landings as history, marked
    `withdrawn_at`, so that release manifests and volume reports leave them out.

    `withdrawn=False`: the partition's files are still there but its day comes after the day a
    backfill builds, so it is set aside until the night of its day lands it again; nothing goes
    into `raw.removed_partitions` (its files were not withdrawn)."""
    ensure_landing_tables(con)
    target = relation_name(relation)
    now = datetime.now(UTC)
    con.execute("begin transaction")
    try:
        rows = 0
        if PARTITION_COLUMN in (table_columns(con, relation) or {}):
            rows = con.execute(
                f"select count(*) from {target} where {PARTITION_COLUMN} = ?", [partition_key]
            ).fetchone()[0]
            con.execute(f"delete from {target} where {PARTITION_COLUMN} = ?", [partition_key])
        quarantined = 0
        if source_name is not None:
            where = "from raw.quarantine where source = ? and partition_key = ?"
            quarantined = con.execute(
                f"select count(*) {where}", [source_name, partition_key]
            ).fetchone()[0]
            con.execute(f"delete {where}", [source_name, partition_key])
            con.execute(
                "update raw.load_audit set withdrawn_at = ? "
                "where source = ? and partition_key = ? and withdrawn_at is null",
                [now, source_name, partition_key],
            )
        con.execute(
            "delete from raw.landed_inputs where relation = ? and partition_key = ?",
            [relation, partition_key],
        )
        if withdrawn:
            con.execute(
                "insert into raw.removed_partitions values (?, ?, ?, ?, ?, ?)",
                [relation, partition_key, rows, quarantined, night_id, now],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    if not withdrawn:
        log.info(
            "%s partition %s: after the day built (%s); set aside its %d rows and %d "
            "quarantined rows until the night of its day lands it again",
            relation,
            partition_key,
            night_id,
            rows,
            quarantined,
        )
        return rows
    log.warning(
        "%s partition %s: its files are gone from the landing folder; deleted its %d rows "
        "and %d quarantined rows (see raw.removed_partitions)",
        relation,
        partition_key,
        rows,
        quarantined,
    )
    return rows


def landed_inputs(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """`(relation, partition_key) -> fingerprint` of everything landed so far."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'landed_inputs'"
    ).fetchone()[0]
    if not exists:
        return {}
    rows = con.execute("select relation, partition_key, fingerprint from raw.landed_inputs")
    return {(relation, key): fingerprint for relation, key, fingerprint in rows.fetchall()}


def load_audit_rows(
    result: LandingResult, run_id: str, loaded_at: datetime, partition_key: str | None = None
) -> pl.DataFrame:
    """`raw.load_audit` rows of one landing: rows read, loaded and quarantined per file."""
    return pl.DataFrame(
        result.files,
        schema={
            "source": pl.String,
            "source_file": pl.String,
            "rows_read": pl.Int64,
            "rows_loaded": pl.Int64,
            "rows_quarantined": pl.Int64,
        },
    ).with_columns(
        pl.lit(run_id).alias("run_id"),
        pl.lit(loaded_at).alias("loaded_at"),
        pl.lit(partition_key, dtype=pl.String).alias("partition_key"),
    )


def append_load_audit(
    con: duckdb.DuckDBPyConnection,
    source: str,
    files: list[dict],
    run_id: str,
    loaded_at: datetime,
    partition_key: str | None = None,
) -> None:
    """Append `raw.load_audit` rows for a load that is not a raw landing (the synthetic Sakernas
    rounds, which the estimator reads straight from their files), so its rows read, loaded and
    quarantined are audited like every landing's. `files`: `source_file`, `rows_read`,
    `rows_loaded`, `rows_quarantined` per file. Run it inside the caller's transaction, with the
    rows it accounts for."""
    for item in files:
        if item["rows_read"] != item["rows_loaded"] + item["rows_quarantined"]:
            raise AssertionError(f"{source} {item['source_file']}: row accounting does not balance")
    result = LandingResult(
        source, pl.DataFrame(), pl.DataFrame(), [{"source": source, **item} for item in files]
    )
    audit = load_audit_rows(result, run_id, loaded_at, partition_key)
    con.register("audit_rows", audit.to_arrow())
    try:
        con.execute("insert into raw.load_audit by name select * from audit_rows")
    finally:
        con.unregister("audit_rows")


def write_landing(
    con: duckdb.DuckDBPyConnection,
    spec: LandingTarget,
    result: LandingResult,
    run_id: str,
    *,
    partition_key: str | None = None,
    fingerprint: str | None = None,
) -> None:
    """Land `result` into `raw.<table>`: whole, or one partition; append to the load audit.

    Whole (`partition_key` None): the table and this source's quarantine rows are replaced.
    One partition: only that partition's rows and quarantine rows are replaced. With a
    `fingerprint`, `raw.landed_inputs` records it for the table or partition.
    """
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
        pl.lit(run_id).alias("run_id"),
        pl.lit(now).alias("quarantined_at"),
        pl.lit(partition_key, dtype=pl.String).alias("partition_key"),
    )
    audit = load_audit_rows(result, run_id, now, partition_key)
    con.execute("begin transaction")
    try:
        if partition_key is None:
            con.register("landed_rows", loaded.to_arrow())
            con.execute(f"create or replace table raw.{table} as select * from landed_rows")
            con.unregister("landed_rows")
            con.execute("delete from raw.quarantine where source = ?", [spec.name])
        else:
            rows = loaded.with_columns(pl.lit(partition_key).alias(PARTITION_COLUMN))
            replace_partition(con, f"raw.{table}", rows.to_arrow(), partition_key)
            con.execute(
                "delete from raw.quarantine where source = ? and partition_key = ?",
                [spec.name, partition_key],
            )
        con.register("quarantined_rows", quarantined.to_arrow())
        con.execute("insert into raw.quarantine by name select * from quarantined_rows")
        con.unregister("quarantined_rows")
        con.register("audit_rows", audit.to_arrow())
        con.execute("insert into raw.load_audit by name select * from audit_rows")
        con.unregister("audit_rows")
        if fingerprint is not None:
            key = WHOLE_TABLE if partition_key is None else partition_key
            record_landed_input(con, f"raw.{table}", key, fingerprint, run_id, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    log.info(
        "raw.%s%s: %d rows loaded, %d quarantined (run %s)",
        table,
        "" if partition_key is None else f" partition {partition_key}",
        result.rows_loaded,
        result.rows_quarantined,
        run_id,
    )
