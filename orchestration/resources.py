"""Resources shared by the assets: the DuckDB warehouse and the dbt project."""

from __future__ import annotations

from dagster_duckdb import DuckDBResource

from orchestration import settings


def warehouse_resource() -> DuckDBResource:
    settings.WAREHOUSE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return DuckDBResource(database=str(settings.WAREHOUSE_PATH))
