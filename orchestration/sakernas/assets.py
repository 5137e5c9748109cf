"""Sakernas estimates: harmonised microdata to design-based indicators with standard errors.

The estimator (`ingest.sakernas`) reads each round's microdata file with its declarative round
mapping, harmonises it, and computes every indicator with Taylor-linearised standard errors,
BPS reliability flags and primary and secondary suppression. The real rounds and the synthetic
rounds are written to separate tables, so a synthetic figure can never pass for a published one;
dbt publishes them as `labour_force_indicators` and `labour_force_indicators_synthetic`.
"""

import logging
import tempfile
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
from dagster_duckdb import DuckDBResource

from ingest.sakernas.pipeline import build_indicator_mart, discover_inputs
from orchestration import settings

log = logging.getLogger(__name__)

REAL_ROUNDS = {
    # microdata file under the data folder -> the round mapping in ingest/sakernas/rounds/
    "real/sakernas-2020-08-jambi/sakernas_2020_08_jambi.csv.gz": "2020-08",
}
SYNTHETIC_FOLDER = "synthetic/sakernas"


def _estimate_into(warehouse: DuckDBResource, inputs: list, table: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="sakernas_mart_") as tmp:
        mart_path = Path(tmp) / f"{table}.parquet"
        summary = build_indicator_mart(inputs, mart_path)
        with warehouse.get_connection() as con:
            con.execute("create schema if not exists staging")
            con.execute(
                f"create or replace table staging.{table} as select * from read_parquet(?)",
                [str(mart_path)],
            )
        summary["rows_written"] = pq.ParquetFile(mart_path).metadata.num_rows
    return summary


@dg.asset(
    key=["staging", "sakernas_indicator_estimates"],
    deps=[dg.AssetKey(["raw", "sakernas_2020_08_jambi"])],
    group_name="labour_force",
    kinds={"python", "duckdb"},
    pool="warehouse",
    description=(
        "Indicators from the real Sakernas rounds with standard errors, RSE, reliability and "
        "suppression (one row per period x area x breakdown x indicator)."
    ),
)
def sakernas_indicator_estimates(warehouse: DuckDBResource) -> dg.MaterializeResult:
    inputs = []
    for relative, round_name in REAL_ROUNDS.items():
        inputs += discover_inputs([settings.DATA_DIR / relative], round_name)
    summary = _estimate_into(warehouse, inputs, "sakernas_indicator_estimates")
    return dg.MaterializeResult(metadata={**summary, "dagster/row_count": summary["rows_written"]})


@dg.asset(
    key=["staging", "sakernas_indicator_estimates_synthetic"],
    group_name="labour_force",
    kinds={"python", "duckdb"},
    pool="warehouse",
    description=(
        "SYNTHETIC: indicators from the generated multi-round Sakernas-shaped extracts (all "
        "provinces, August 2015-2024, 4-digit KBJI), calibrated to BPS's published TPT."
    ),
)
def sakernas_indicator_estimates_synthetic(warehouse: DuckDBResource) -> dg.MaterializeResult:
    inputs = discover_inputs([settings.DATA_DIR / SYNTHETIC_FOLDER])
    summary = _estimate_into(warehouse, inputs, "sakernas_indicator_estimates_synthetic")
    return dg.MaterializeResult(metadata={**summary, "dagster/row_count": summary["rows_written"]})


sakernas_assets = [sakernas_indicator_estimates, sakernas_indicator_estimates_synthetic]
