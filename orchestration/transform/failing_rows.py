"""The first failing rows of a failed dbt test, read back for its asset check and the alert.

dagster-dbt reports a failed dbt test with its failing-row count only, so an alert said "3
row(s) fail it" and the operator had to find the rows by hand. A raw, staging or publication
check names its first 5 unexpected rows (`quality.gx_runner`); a dbt test now does too.

A failed test's check result is held back while dbt runs (dbt's DuckDB connection is the only
one the warehouse file allows), and once dbt has ended and let go of the file, the test's
compiled SQL (which dbt leaves in the run's target folder) is run again on a read-only
connection with a limit, and the rows go into the check's metadata (`FAILING_ROWS_KEY`), where
`operations.alerts.check_description` reads them. Reading them is best effort: a warehouse that
cannot be opened or a query that raises is logged and the check goes out as dagster-dbt made it.

Alerts are read by operators and may be forwarded, so a row's text holds no personal data in
clear: a column personal by its name (`ingest.admin.personal_data.is_personal_column`) shows
`[removed]`, and in every other column e-mails, phone numbers and NIK-shaped numbers are masked
by pattern (`mask_personal_data`), whatever the column is called (a `unique` test's
`unique_field`, a pseudonym column that holds a NIK by mistake).

The project's `not_null` test selects whole rows (macros/test_not_null.sql), as dbt does when it
stores failures: dbt's own selects only the null column, which names no row.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from ingest.admin.personal_data import shown_in_alert

log = logging.getLogger(__name__)

FAILING_ROWS_SHOWN = 5
FAILING_ROWS_KEY = "lmis/first_failing_rows"
"""Check metadata: the first failing rows, one `column=value ...` line each."""
ROW_CHARACTERS = 300
"""A row's text is cut here: a mart row of forty columns would drown the alert."""
ROW_NAMING_COLUMNS = ("source_file", "source_row", "_source_file", "_source_row", "_partition_key")
"""Columns that name a row besides the `*_id` ones (as `quality.gx_runner.ROW_ID_COLUMNS`)."""


def _value(metadata: Mapping[str, Any], name: str) -> Any:
    entry = metadata.get(name)
    return getattr(entry, "value", entry)


def is_failed_dbt_test(event: Any) -> bool:
    """A dbt test's check that failed on its rows (not one that errored: it has no rows)."""
    if not isinstance(event, dg.AssetCheckResult) or event.passed:
        return False
    metadata = event.metadata or {}
    return _value(metadata, "unique_id") is not None and _value(metadata, "status") != "error"


def compiled_sql_path(node: Mapping[str, Any], target_path: Path) -> Path:
    """Where dbt writes a node's compiled SQL in a run's target folder: under the file that
    defines it, and for a generic test (many tests to one YAML file) under that file's path."""
    path, original = node["path"], node["original_file_path"]
    relative = original if Path(path).name == Path(original).name else os.path.join(original, path)
    return target_path / "compiled" / node["package_name"] / relative


def row_text(columns: list[str], row: tuple, tested_column: str | None) -> str:
    """`posting_id=p1 seen_date=None`: the columns that name the row (`*_id`,
    `ROW_NAMING_COLUMNS`) and the tested column when the row has naming columns, else every
    column (a mart keyed on codes and years), each value as `shown_in_alert`; cut at
    `ROW_CHARACTERS`."""
    naming = {
        i for i, name in enumerate(columns) if name.endswith("_id") or name in ROW_NAMING_COLUMNS
    }
    shown = (
        [i for i, name in enumerate(columns) if i in naming or name == tested_column]
        if naming
        else list(range(len(columns)))
    )
    text = " ".join(f"{columns[i]}={shown_in_alert(columns[i], row[i])}" for i in shown)
    return text if len(text) <= ROW_CHARACTERS else text[: ROW_CHARACTERS - 3] + "..."


def first_failing_rows(
    con: duckdb.DuckDBPyConnection, compiled_sql: str, tested_column: str | None = None
) -> list[str]:
    """The first `FAILING_ROWS_SHOWN` rows a test's compiled query returns, as `row_text`."""
    # A relation with a limit, not SQL pasted around dbt's: the query is dbt's, as compiled.
    relation = con.sql(compiled_sql).limit(FAILING_ROWS_SHOWN)
    columns = list(relation.columns)
    return [row_text(columns, row, tested_column) for row in relation.fetchall()]


def with_failing_rows(
    results: list[dg.AssetCheckResult],
    manifest_path: Path,
    target_path: Path,
    warehouse: Path,
) -> list[dg.AssetCheckResult]:
    """`results` (failed dbt tests) each with its first failing rows in its metadata."""
    if not results:
        return results
    try:
        nodes = json.loads(manifest_path.read_text())["nodes"]
        con = duckdb.connect(str(warehouse), read_only=True)
    except (OSError, ValueError, KeyError, duckdb.Error) as error:
        log.warning("the failing rows of %d dbt test(s) cannot be read: %s", len(results), error)
        return results
    described = []
    with con:
        for result in results:
            node = nodes.get(_value(result.metadata, "unique_id"), {})
            try:
                sql = compiled_sql_path(node, target_path).read_text()
                rows = first_failing_rows(con, sql, node.get("column_name"))
            except (OSError, KeyError, duckdb.Error) as error:
                log.warning("failing rows of dbt test %s not read: %s", result.check_name, error)
                described.append(result)
                continue
            log.info("dbt test %s, first failing rows: %s", result.check_name, " | ".join(rows))
            metadata = {**result.metadata, FAILING_ROWS_KEY: "\n".join(rows)}
            described.append(result._replace(metadata=metadata))
    return described


def stream_with_failing_rows(
    events: Iterable[Any], manifest_path: Path, target_path: Path, warehouse: Path
) -> Iterator[Any]:
    """dbt's Dagster events as they come, except failed tests' check results, which follow when
    dbt has ended (also when it failed, before its error is raised) with their failing rows."""
    held: list[dg.AssetCheckResult] = []
    try:
        for event in events:
            if is_failed_dbt_test(event):
                held.append(event)
            else:
                yield event
    except Exception:
        yield from with_failing_rows(held, manifest_path, target_path, warehouse)
        raise
    yield from with_failing_rows(held, manifest_path, target_path, warehouse)
