"""The end-of-run summary logs what its docstring says: rows per source and the marts' sizes.

A reviewer found `summarise_run` promised "mart sizes" but logged only how many parquet files
there were.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration import runner
from orchestration.publish.publication import PUBLICATION_MANIFEST, mart_sizes


def _marts(folder: Path) -> None:
    folder.mkdir()
    pq.write_table(pa.table({"a": list(range(5))}), folder / "fct_b.parquet")
    pq.write_table(pa.table({"a": [1, 2]}), folder / "dim_a.parquet")


def test_mart_sizes_reads_rows_and_bytes_of_each_mart(tmp_path: Path) -> None:
    _marts(tmp_path / "marts")
    sizes = mart_sizes(tmp_path / "marts")
    assert [(name, rows) for name, rows, _ in sizes] == [("dim_a", 2), ("fct_b", 5)]
    assert [size for _, _, size in sizes] == [
        (tmp_path / "marts" / f"{name}.parquet").stat().st_size for name, _, _ in sizes
    ]


def test_mart_sizes_count_only_the_marts_the_publication_recorded(tmp_path: Path) -> None:
    # Regression: a command's output written into the marts folder by hand was counted as a
    # published mart in the run summary, although a release leaves it out.
    _marts(tmp_path / "marts")
    record = {"tables": {"dim_a": 2}}
    (tmp_path / "marts" / PUBLICATION_MANIFEST).write_text(json.dumps(record))
    assert [name for name, _, _ in mart_sizes(tmp_path / "marts")] == ["dim_a"]


def test_summarise_run_logs_the_marts_rows_and_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _marts(tmp_path / "marts")
    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema raw")
    con.execute(
        "create table raw.load_audit as select 'src' as source, 'r1' as run_id, "
        "3 as rows_read, 2 as rows_loaded, 1 as rows_quarantined"
    )
    con.execute(
        "create table raw.quarantine as select 'src' as source, 'bad' as reason_code, "
        "'f.csv' as source_file, 'r1' as run_id"
    )
    con.close()
    monkeypatch.setattr(runner.settings, "WAREHOUSE_PATH", warehouse)
    monkeypatch.setattr(runner.settings, "MARTS_DIR", tmp_path / "marts")
    monkeypatch.setattr(
        runner,
        "warehouse_resource",
        lambda: SimpleNamespace(get_connection=lambda: duckdb.connect(str(warehouse))),
    )
    with caplog.at_level(logging.DEBUG, logger=runner.log.name):
        assert runner.summarise_run("r1") is True
    messages = [r.getMessage() for r in caplog.records]
    summary = next(m for m in messages if "parquet marts in" in m)
    assert summary.startswith(f"2 parquet marts in {tmp_path / 'marts'} (7 rows, ")
    assert any(m.split()[:2] == ["fct_b", "5"] for m in messages)
