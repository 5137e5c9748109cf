"""Writing the publication (data/marts/), and when a published mart can stay as it is.

An incremental night rebuilds a few marts; the others are in the warehouse exactly as the last
publication exported them. Exporting them again (sorted, zstd) costs most of the publication
and gives the same bytes (docs/operations.md, idempotency). A mart keeps its published file when
all of these hold:

- the run did not rebuild it (it is not in the run's asset selection; a run without a selection,
  the whole job, exports every mart);
- its warehouse table has the fingerprint recorded when that file was exported: the schema, the
  row count and an order-independent sum of the rows' hashes (one scan, no sort, no write);
- the published file is still the one exported then (its SHA-256 is the one recorded).

Anything else (no record, a table changed behind the pipeline's back, a file replaced or lost,
a publication killed between the swap and its manifest) exports the mart again.

A mart whose dbt YAML marks it as personal data is withheld unless its rows are synthetic or the
operator allows it (orchestration/publish/personal_data.py): not exported, its earlier file
removed, the reason recorded under `withheld` in `_publication.json`.

An interrupt (Ctrl-C, SIGINT) or a stop (SIGTERM) never leaves a publication half swapped: the
renames of the swap and the manifest after them are one step it waits for
(`operations.interrupts`); it stops the run before the swap or right after the manifest. Only a
kill (SIGKILL, a power cut) can land between two renames, and then the next run's check above
exports the marts again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.operations.interrupts import interrupts_held
from orchestration.operations.releases import (
    PUBLICATION_MANIFEST,
    sha256_of,
    write_sorted_parquet,
)
from orchestration.publish.personal_data import personal_data_marts, withholding_reason

log = logging.getLogger(__name__)


def table_fingerprint(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> tuple[int, str]:
    """`(rows, fingerprint)` of a warehouse table: its columns and types, rows, rows' hashes."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    # A row's hash as a struct covers every column; the sum does not depend on row order, and
    # as a hugeint it cannot wrap around (unlike a xor, which equal rows would cancel).
    rows, hashes = con.execute(
        f'select count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar from {schema}."{table}" t'
    ).fetchone()
    digest = hashlib.sha256(json.dumps([columns, rows, hashes]).encode()).hexdigest()
    return rows, digest


def read_publication(marts_dir: Path) -> dict:
    """The last publication's manifest, or an empty one."""
    path = marts_dir / PUBLICATION_MANIFEST
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def can_keep(
    previous: dict, marts_dir: Path, table: str, fingerprint: str, *, rebuilt: bool
) -> bool:
    """True if `table`'s published file may stay as it is (see the module doc)."""
    if rebuilt or previous.get("fingerprints", {}).get(table) != fingerprint:
        return False
    recorded = previous.get("sha256", {}).get(table)
    path = marts_dir / f"{table}.parquet"
    return recorded is not None and path.exists() and sha256_of(path) == recorded


def publish_marts(
    con: duckdb.DuckDBPyConnection,
    marts_dir: Path,
    run_id: str,
    rebuilt: Callable[[str], bool],
    personal_marts: Collection[str] | None = None,
) -> tuple[dict[str, int], list[str]]:
    """Export every table of the `marts` schema to `marts_dir/<table>.parquet` except the ones
    that may stay (`can_keep`) and the personal-data marts that may not be published
    (orchestration/publish/personal_data.py; `personal_marts`, by default read from the dbt
    manifest); swap the new files in only once all are written. Returns the rows per published
    table and the tables kept."""
    if personal_marts is None:
        personal_marts = personal_data_marts(settings.DBT_PROJECT_DIR / "target" / "manifest.json")
    marts_dir.mkdir(parents=True, exist_ok=True)
    staging = marts_dir / f".publishing-{run_id}"
    previous = read_publication(marts_dir)
    exported: dict[str, int] = {}
    fingerprints: dict[str, str] = {}
    checksums: dict[str, str] = {}
    kept: list[str] = []
    withheld: dict[str, str] = {}
    try:
        staging.mkdir()
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        for table in list(tables):
            if table in personal_marts:
                reason = withholding_reason(con, f'marts."{table}"')
                if reason is not None:
                    log.warning("withheld marts.%s from the publication: %s", table, reason)
                    withheld[table] = reason
                    tables.remove(table)
                    continue
            exported[table], fingerprints[table] = table_fingerprint(con, "marts", table)
            if can_keep(previous, marts_dir, table, fingerprints[table], rebuilt=rebuilt(table)):
                kept.append(table)
                checksums[table] = previous["sha256"][table]
                continue
            target = staging / f"{table}.parquet"
            # Sorted, so the same rows give the same bytes on every rebuild.
            write_sorted_parquet(con, f'select * from marts."{table}"', target)
            written = con.execute("select count(*) from read_parquet(?)", [str(target)])
            if written.fetchone()[0] != exported[table]:
                raise RuntimeError(f"{target}: written rows differ from marts.{table}")
            checksums[table] = sha256_of(target)
        manifest = {
            "run_id": run_id,
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": exported,
            "fingerprints": fingerprints,
            "sha256": checksums,
            "kept_from_previous": kept,
            "withheld": withheld,
        }
        # Every file is written and checked: swap them in (each rename is atomic), then the
        # manifest, with no interrupt in between (an interrupted swap mixed two nights' marts).
        with interrupts_held("the swap of the publication"):
            for table in tables:
                if table in kept:
                    log.info("kept marts.%s: %d rows, unchanged", table, exported[table])
                    continue
                os.replace(staging / f"{table}.parquet", marts_dir / f"{table}.parquet")
                log.info("published marts.%s: %d rows", table, exported[table])
            for table in withheld:
                # An earlier night's file of it (published when its rows were synthetic, or
                # when allowed) must not stay in the folder the reports and releases read.
                (marts_dir / f"{table}.parquet").unlink(missing_ok=True)
            (marts_dir / PUBLICATION_MANIFEST).write_text(json.dumps(manifest, indent=2))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return exported, kept


def published_parquet_files(marts_dir: Path) -> list[Path]:
    """The parquet files of the published marts, by name: those the publication recorded when
    there is a record (another file in the folder, a command's output written there by hand,
    was not published, and a release leaves it out), else every parquet file there."""
    recorded = read_publication(marts_dir).get("tables") or {}
    return [
        path
        for path in sorted(marts_dir.glob("*.parquet"))
        if not recorded or path.stem in recorded
    ]


def mart_sizes(marts_dir: Path) -> list[tuple[str, int, int]]:
    """(mart, rows, bytes) of every published parquet mart (`published_parquet_files`). Rows
    come from each file's footer, so this reads a few KiB per mart."""
    import pyarrow.parquet as pq

    return [
        (path.stem, pq.ParquetFile(path).metadata.num_rows, path.stat().st_size)
        for path in published_parquet_files(marts_dir)
    ]
