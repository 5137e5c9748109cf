"""Sakernas estimates: harmonised microdata to design-based indicators with standard errors.

The estimator (`ingest.sakernas`) reads each round's microdata file with its declarative round
mapping, harmonises it, and computes every indicator with Taylor-linearised standard errors,
BPS reliability flags and primary and secondary suppression. The real rounds and the synthetic
rounds are written to separate tables, so a synthetic figure can never pass for a published one;
dbt publishes them as `labour_force_indicators` and `labour_force_indicators_synthetic`.

Both assets are partitioned by survey round (`SAKERNAS_ROUNDS`, e.g. `2020-08`): the estimator
works round by round anyway, so a partition estimates one round's file and replaces exactly that
round's rows (`_partition_key`) in its table, in one transaction. A new round is estimated
without re-estimating the ten before it.
"""

import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from dagster_duckdb import DuckDBResource

from ingest.sakernas.pipeline import build_indicator_mart, discover_inputs
from ingest.warehouse import (
    PARTITION_COLUMN,
    append_load_audit,
    ensure_landing_tables,
    record_landed_input,
    replace_partition,
)
from orchestration import settings
from orchestration.landing.inputs import LandedInput, files_fingerprint
from orchestration.landing.partitions import SAKERNAS_ROUNDS, files_by_partition, month_of_file

log = logging.getLogger(__name__)

REAL_ROUNDS = {
    # microdata file under the data folder -> the round mapping in ingest/sakernas/rounds/
    "real/sakernas-2020-08-jambi/sakernas_2020_08_jambi.csv.gz": "2020-08",
}
SYNTHETIC_FOLDER = "synthetic/sakernas"
SYNTHETIC_PATTERN = "sakernas_synthetic_*.parquet"
REAL_TABLE = "sakernas_indicator_estimates"
SYNTHETIC_TABLE = "sakernas_indicator_estimates_synthetic"
SYNTHETIC_SOURCE = "sakernas_synthetic"
"""The synthetic rounds' name in `raw.load_audit`: they have no raw landing, the estimator reads
their files; a real round's file is audited by its raw landing (`sakernas_2020_08_jambi`)."""


def real_round_files(data_dir: Path) -> dict[str, list[Path]]:
    """Round -> microdata file of the real rounds that are present."""
    rounds: dict[str, list[Path]] = {}
    for relative, round_name in REAL_ROUNDS.items():
        if (data_dir / relative).exists():
            rounds.setdefault(round_name, []).append(data_dir / relative)
    return rounds


def synthetic_round_files(data_dir: Path) -> dict[str, list[Path]]:
    """Round -> generated microdata file, from the round in each file's name."""
    paths = (data_dir / SYNTHETIC_FOLDER).glob(SYNTHETIC_PATTERN)
    return files_by_partition(paths, month_of_file, SAKERNAS_ROUNDS)


def _estimate_round(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBResource,
    files: list[Path],
    table: str,
    round_name: str | None,
    audit_source: str | None = None,
) -> dg.MaterializeResult:
    partition = context.partition_key
    if not files:
        raise dg.Failure(f"no microdata file of round {partition} for {table}", allow_retries=False)
    inputs = []
    for path in files:
        inputs += discover_inputs([path], round_name)
    with tempfile.TemporaryDirectory(prefix="sakernas_mart_") as tmp:
        mart_path = Path(tmp) / f"{table}.parquet"
        quarantine_path = Path(tmp) / f"{table}_quarantine.parquet"
        per_file: list[dict] = []
        summary = build_indicator_mart(
            inputs, mart_path, per_file=per_file, quarantine_path=quarantine_path
        )
        rows = pq.read_table(mart_path)
        # The rows the estimator could not use land where every source's do, named by the
        # round and by the source its load audit uses (the table when it has none: a real
        # round's file is audited by its raw landing, whose quarantine rows are its own), so
        # they are replaced and withdrawn with the round and balance with the audit.
        quarantine_source = audit_source or table
        quarantined = pl.read_parquet(quarantine_path).with_columns(
            pl.lit(quarantine_source).alias("source"),
            pl.lit(context.run.run_id).alias("run_id"),
            pl.lit(datetime.now(UTC)).alias("quarantined_at"),
            pl.lit(partition).alias("partition_key"),
        )
    rows = rows.append_column(PARTITION_COLUMN, pa.array([partition] * rows.num_rows, pa.string()))
    fingerprint = files_fingerprint(files)
    with warehouse.get_connection() as con:
        con.execute("create schema if not exists staging")
        ensure_landing_tables(con)
        con.execute("begin transaction")
        try:
            now = datetime.now(UTC)
            replace_partition(con, f"staging.{table}", rows, partition)
            con.execute(
                "delete from raw.quarantine where source = ? and partition_key = ?",
                [quarantine_source, partition],
            )
            con.register("sakernas_quarantine", quarantined.to_arrow())
            con.execute("insert into raw.quarantine by name select * from sakernas_quarantine")
            con.unregister("sakernas_quarantine")
            record_landed_input(
                con, f"staging.{table}", partition, fingerprint, context.run.run_id, now
            )
            if audit_source is not None:
                # Rows in = persons + quarantined per file, in the audit every landing writes
                # (and the run's rows-per-source table reads), not only in the log.
                append_load_audit(con, audit_source, per_file, context.run.run_id, now, partition)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    summary["rows_written"] = rows.num_rows
    context.log.info(
        "staging.%s round %s: %d estimates, %d rows quarantined (see raw.quarantine)",
        table,
        partition,
        rows.num_rows,
        quarantined.height,
    )
    return dg.MaterializeResult(metadata={**summary, "dagster/row_count": rows.num_rows})


@dg.asset(
    key=["staging", REAL_TABLE],
    deps=[dg.AssetKey(["raw", "sakernas_2020_08_jambi"])],
    group_name="labour_force",
    kinds={"python", "duckdb"},
    pool="warehouse",
    partitions_def=SAKERNAS_ROUNDS,
    description=(
        "Indicators from the real Sakernas rounds with standard errors, RSE, reliability and "
        "suppression (one row per period x area x breakdown x indicator), one partition per round."
    ),
)
def sakernas_indicator_estimates(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    files = real_round_files(settings.DATA_DIR).get(context.partition_key, [])
    return _estimate_round(context, warehouse, files, REAL_TABLE, context.partition_key)


@dg.asset(
    key=["staging", SYNTHETIC_TABLE],
    group_name="labour_force",
    kinds={"python", "duckdb"},
    pool="warehouse",
    partitions_def=SAKERNAS_ROUNDS,
    description=(
        "SYNTHETIC: indicators from the generated multi-round Sakernas-shaped extracts (all "
        "provinces, August 2015-2024, 4-digit KBJI), calibrated to BPS's published TPT; one "
        "partition per round."
    ),
)
def sakernas_indicator_estimates_synthetic(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    files = synthetic_round_files(settings.DATA_DIR).get(context.partition_key, [])
    return _estimate_round(context, warehouse, files, SYNTHETIC_TABLE, None, SYNTHETIC_SOURCE)


sakernas_assets = [sakernas_indicator_estimates, sakernas_indicator_estimates_synthetic]

LANDED_INPUTS = [
    LandedInput(
        sakernas_indicator_estimates.key,
        f"staging.{REAL_TABLE}",
        real_round_files,
        SAKERNAS_ROUNDS,
        source_name=REAL_TABLE,
    ),
    LandedInput(
        sakernas_indicator_estimates_synthetic.key,
        f"staging.{SYNTHETIC_TABLE}",
        synthetic_round_files,
        SAKERNAS_ROUNDS,
        # A withdrawn round's audit rows are marked withdrawn, as a landing's are, and its
        # quarantine rows deleted.
        source_name=SYNTHETIC_SOURCE,
    ),
]
