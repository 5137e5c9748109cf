"""The synthetic Sakernas rounds in the load audit.

Their rows in = persons + quarantined check was only in the log ("15283 rows -> 15283 persons,
0 quarantined"): the estimator reads their files without a raw landing, so `raw.load_audit`, the
run's rows-per-source table and the release's source files did not list them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from ingest.sakernas.generator import generate, parse_rounds
from ingest.warehouse import append_load_audit, ensure_landing_tables
from orchestration import settings
from orchestration.sakernas.assets import (
    SYNTHETIC_FOLDER,
    SYNTHETIC_SOURCE,
    sakernas_indicator_estimates_synthetic,
)


def test_a_synthetic_round_is_audited_in_the_estimates_transaction(tmp_path, monkeypatch):
    data = tmp_path / "data"
    folder = data / SYNTHETIC_FOLDER
    folder.mkdir(parents=True)
    generate(folder, settings.DATA_DIR, parse_rounds("2024"), 38 * 60, seed=5)
    monkeypatch.setattr(settings, "DATA_DIR", data)
    warehouse = tmp_path / "warehouse.duckdb"
    result = dg.materialize(
        [sakernas_indicator_estimates_synthetic],
        partition_key="2024-08",
        resources={"warehouse": DuckDBResource(database=str(warehouse))},
    )
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        audit = con.execute(
            "select source, source_file, rows_read, rows_loaded, rows_quarantined, "
            "partition_key, run_id from raw.load_audit"
        ).fetchall()
    assert len(audit) == 1
    source, source_file, read, loaded, quarantined, partition, run_id = audit[0]
    assert (source, source_file, partition) == (
        SYNTHETIC_SOURCE,
        "sakernas_synthetic_2024-08.parquet",
        "2024-08",
    )
    assert read == loaded + quarantined and read > 0
    assert run_id == result.run_id


def test_an_audit_that_does_not_balance_is_refused():
    con = duckdb.connect()
    try:
        ensure_landing_tables(con)
        files = [
            {"source_file": "a.parquet", "rows_read": 10, "rows_loaded": 9, "rows_quarantined": 0}
        ]
        with pytest.raises(AssertionError, match="does not balance"):
            append_load_audit(con, SYNTHETIC_SOURCE, files, "run", datetime.now(UTC), "2024-08")
        assert con.execute("select count(*) from raw.load_audit").fetchone()[0] == 0
    finally:
        con.close()
