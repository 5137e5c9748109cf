"""Publication assets: parquet exports of every mart, then the HTML report built from them.

Reports read the exported parquet, never the DuckDB file, so readers never contend with the
pipeline's single writer.
"""

import os

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration import settings
from orchestration.transform.dbt import warehouse_dbt_assets
from reports.overview import build_overview_reports

MART_KEYS = sorted(
    (key for key in warehouse_dbt_assets.keys if key.path[0] == "marts"),
    key=lambda k: k.to_user_string(),
)


@dg.asset(
    key=["published", "parquet_marts"],
    deps=MART_KEYS,
    group_name="publication",
    kinds={"parquet", "duckdb"},
    pool="warehouse",
    description="Every table of the `marts` schema exported to data/marts/<name>.parquet.",
)
def parquet_marts(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    settings.MARTS_DIR.mkdir(parents=True, exist_ok=True)
    exported: dict[str, int] = {}
    with warehouse.get_connection() as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        for table in tables:
            target = settings.MARTS_DIR / f"{table}.parquet"
            partial = target.with_suffix(".parquet.partial")
            # Write beside the target, then rename: a reader never sees a half-written file.
            con.execute(
                f"copy (select * from marts.{table}) to '{partial}' "
                "(format parquet, compression zstd)"
            )
            os.replace(partial, target)
            exported[table] = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
            context.log.info("exported marts.%s: %d rows -> %s", table, exported[table], target)
    return dg.MaterializeResult(
        metadata={"tables": dg.MetadataValue.json(exported), "folder": str(settings.MARTS_DIR)}
    )


@dg.asset(
    key=["reports", "labour_market_overview"],
    deps=[parquet_marts],
    group_name="publication",
    kinds={"plotly", "html"},
    description="Labour-market overview report (Bahasa Indonesia and English), offline HTML.",
)
def labour_market_overview(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    paths = build_overview_reports(settings.MARTS_DIR, settings.REPORTS_DIR)
    for path in paths:
        context.log.info("wrote %s (%d bytes)", path, path.stat().st_size)
    return dg.MaterializeResult(metadata={"files": dg.MetadataValue.json([str(p) for p in paths])})
