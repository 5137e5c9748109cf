"""A landing that fails on its input file fails at once, naming the file: no retries.

Retries (the nightly job's retry policy) are for what can pass on a second try, a warehouse held
by another process or a mount that hiccups; a file that is not gzip stays so.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from orchestration import settings
from orchestration.landing.assets import landing_assets


def _lokerid_asset() -> dg.AssetsDefinition:
    return next(a for a in landing_assets if a.key == dg.AssetKey(["raw", "lokerid_postings"]))


def test_a_gz_that_is_not_gzip_fails_its_landing_without_retries(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "data" / "real" / "lokerid-2025-07"
    folder.mkdir(parents=True)
    (folder / "lokerid_jobs_2025-08.csv.gz").write_text("this is plain text, not gzip\n")
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "data")
    warehouse = DuckDBResource(database=str(tmp_path / "warehouse.duckdb"))
    with pytest.raises(dg.Failure) as failure:
        _lokerid_asset()(dg.build_asset_context(), warehouse=warehouse)
    assert failure.value.allow_retries is False
    assert "lokerid_jobs_2025-08.csv.gz: cannot be read from its start" in str(failure.value)
    assert not (tmp_path / "warehouse.duckdb").exists() or _no_lokerid_table(tmp_path)


def _no_lokerid_table(tmp_path: Path) -> bool:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        tables = con.execute("select table_name from information_schema.tables").fetchall()
    return ("lokerid_postings",) not in tables
