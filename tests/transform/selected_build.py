"""A `dbt build` of a few selected nodes into a test's own warehouse file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb

from ingest.landing import land_source
from ingest.sources import source_by_name
from ingest.warehouse import ensure_landing_tables, write_landing
from orchestration import settings
from orchestration.transform import dbt as transform_dbt


def build_selected(root: Path, warehouse: Path, *selection: str) -> None:
    """Run `dbt build` with `selection` (e.g. `--select`, nodes) against `warehouse`, its target
    and logs under `root`; fail the test with dbt's output if the build fails."""
    completed = subprocess.run(
        [
            transform_dbt._dbt_executable(),
            "build",
            *selection,
            "--project-dir",
            str(settings.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(settings.DBT_PROJECT_DIR),
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "target"),
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env={**transform_dbt.dbt_environment(), "LMIS_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]


def land_region_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Land the shipped region reference `dim_region` is built from into `con`'s raw tables."""
    ensure_landing_tables(con)
    for name in ("wilayah_regencies_2025", "bps_kemendagri_bridging_regencies_2020"):
        spec = source_by_name(name)
        write_landing(con, spec, land_source(spec, settings.DATA_DIR), "run-1")


def build_dim_region(root: Path) -> Path:
    """A warehouse under `root` with `dim_region` and the regency staging model, landed and built
    from the shipped region reference; not the relationship tests of marts that point at
    `dim_region`, which are not built here."""
    warehouse = root / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        land_region_reference(con)
    build_selected(
        root,
        warehouse,
        "--select",
        "province_codes stg_wilayah__regencies dim_region",
        "--indirect-selection",
        "cautious",
    )
    return warehouse
