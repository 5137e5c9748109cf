"""The data-quality report asset: tonight's checks, volumes, flags and publication status.

The report must be written precisely when a gate fails, so it cannot sit downstream of the gated
assets (a failed blocking check abandons everything downstream). It has no dependencies and the
lowest step priority instead: the nightly job runs in one process, one step at a time, always the
highest-priority step that is ready, so this step runs after every other step of the run has
finished or been abandoned. It reads the run's check results from the Dagster instance, the
landing audit and quarantine from the warehouse, and the quality marts as last built.

Besides the HTML pages it appends the run's check results and a summary row to the warehouse's
`quality` schema (`quality.check_results`, `quality.report_runs`), the history the report's
figures can be traced back to.
"""

import datetime as dt
import json
import logging
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from dagster_duckdb import DuckDBResource

from ingest.sources import ALL_SOURCES
from ingest.warehouse import table_columns
from orchestration import settings
from orchestration.operations.releases import PUBLICATION_MANIFEST
from orchestration.publish.publication import published_parquet_files
from orchestration.quality.gates import SQL_DIR, evaluations_in_run, today_in_jakarta
from reports.quality_report import QualityFigures, build_quality_report

log = logging.getLogger(__name__)

PRIORITY_LAST = "-1000"
PUBLICATION_KEY = "published/parquet_marts"
LANDING_CHECKS = {"great_expectations_suite", "rows_accounted", "volume_not_dropped"}
GATE_BY_CHECK = {
    "staging_gate": "staging",
    "publication_gate": "publication",
    "volume_not_dropped_since_publication": "publication",
    "coherence_with_bps": "coherence",
}
CHECK_COLUMNS = {
    "gate": pl.String,
    "asset_key": pl.String,
    "check_name": pl.String,
    "status": pl.String,
    "severity": pl.String,
    "description": pl.String,
}


def _gate_of(check_name: str) -> str:
    if check_name in LANDING_CHECKS:
        return "raw landing"
    return GATE_BY_CHECK.get(check_name, "dbt tests")


def _arrow_frame(
    con: duckdb.DuckDBPyConnection, query: str, parameters: dict | None = None
) -> pl.DataFrame:
    """The result of `query` as a Polars frame, through a DuckDB relation (`con.sql`), which
    binds the parameters too: `execute(...).to_arrow_table()` would copy the rows once more and
    print DuckDB's Arrow-copy warning on the terminal."""
    return con.sql(query, params=parameters).pl()


def _query(
    con: duckdb.DuckDBPyConnection, name: str, parameters: dict, notes: list[str]
) -> pl.DataFrame:
    """A report query from quality/sql; a missing table gives an empty frame and a note."""
    try:
        return _arrow_frame(con, (SQL_DIR / f"{name}.sql").read_text(), parameters)
    except duckdb.Error as exc:
        notes.append(f"{name}: not available ({str(exc).splitlines()[0]})")
        return pl.DataFrame()


def _table(con: duckdb.DuckDBPyConnection, relation: str, notes: list[str]) -> pl.DataFrame:
    try:
        return _arrow_frame(con, f"select * from {relation}")
    except duckdb.Error as exc:
        notes.append(f"{relation}: not available ({str(exc).splitlines()[0]})")
        return pl.DataFrame()


LINEAGE_COLUMNS = ("_run_id", "_source_file", "_source_row")


def raw_completeness(con: duckdb.DuckDBPyConnection, sources: list[str]) -> pl.DataFrame:
    """Share of non-blank values per raw column, for the columns not always filled."""
    tables = {spec.name: spec.table for spec in ALL_SOURCES}
    frames = []
    for source in sources:
        table = tables.get(source)
        if table is None:
            continue
        # The source's own columns, without the landing's lineage columns. A load whose every
        # row was quarantined can leave a table without them (and without rows): it is skipped
        # instead of failing the section for every source.
        columns = table_columns(con, f"raw.{table}") or {}
        value_columns = [name for name in columns if name not in LINEAGE_COLUMNS]
        if not value_columns:
            continue
        quoted = ", ".join('"' + name.replace('"', '""') + '"' for name in value_columns)
        # Every raw value is text; a blank counts as missing, like a null.
        frame = _arrow_frame(
            con,
            "select column_name, count(*) as total, count(nullif(trim(field_value), '')) "
            f"as filled from raw.{table} unpivot include nulls (field_value for "
            f"column_name in ({quoted})) group by column_name",
        )
        if frame.is_empty():
            continue
        frames.append(
            frame.with_columns(
                completeness=pl.col("filled") / pl.col("total"), source=pl.lit(source)
            ).filter(pl.col("completeness") < 1)
        )
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).select("source", "column_name", "completeness")


def _run_events(instance: dg.DagsterInstance, run_id: str) -> tuple[pl.DataFrame, set[str]]:
    failures = []
    for record in instance.get_records_for_run(
        run_id=run_id, of_type=dg.DagsterEventType.STEP_FAILURE
    ).records:
        event = record.event_log_entry.dagster_event
        error = getattr(event.event_specific_data, "error", None)
        message = (error.message if error else "") or ""
        failures.append({"step_key": event.step_key, "message": message.strip()[:500]})
    materialised = {
        record.event_log_entry.dagster_event.asset_key.to_user_string()
        for record in instance.get_records_for_run(
            run_id=run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
    }
    frame = pl.DataFrame(failures, schema={"step_key": pl.String, "message": pl.String})
    return frame, materialised


def published_files(marts_dir: Path) -> tuple[pl.DataFrame, dict | None]:
    """The parquet marts of the last publication (`published_parquet_files`) with their rows
    as it recorded them, and its record."""
    manifest_path = marts_dir / PUBLICATION_MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    rows_by_table = (manifest or {}).get("tables", {})
    files = []
    for path in published_parquet_files(marts_dir):
        stat = path.stat()
        files.append(
            {
                "name": path.name,
                "rows": rows_by_table.get(path.stem),
                "size_bytes": stat.st_size,
                "modified_at": dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).strftime(
                    "%Y-%m-%d %H:%M UTC"
                ),
            }
        )
    schema = {
        "name": pl.String,
        "rows": pl.Int64,
        "size_bytes": pl.Int64,
        "modified_at": pl.String,
    }
    return pl.DataFrame(files, schema=schema), manifest


def collect_figures(
    con: duckdb.DuckDBPyConnection, instance: dg.DagsterInstance, run_id: str
) -> QualityFigures:
    """Everything the report shows for `run_id`, from the instance and the warehouse."""
    notes: list[str] = []
    evaluations = evaluations_in_run(instance, run_id)
    checks = pl.DataFrame(
        [
            {
                "gate": _gate_of(e.check_name),
                "asset_key": e.asset_key,
                "check_name": e.check_name,
                "status": e.status,
                "severity": e.severity,
                "description": e.description,
            }
            for e in evaluations
        ],
        schema=CHECK_COLUMNS,
    )
    step_failures, materialised = _run_events(instance, run_id)
    # Volumes and quarantine are of every source's latest landing, not of `run_id` alone: the
    # partitioned sources are landed by the night's partition runs, before this nightly run.
    volumes = _query(con, "report_volumes", {}, notes)
    sources = volumes["source"].to_list() if not volumes.is_empty() else []
    try:
        completeness_raw = raw_completeness(con, sources)
    except duckdb.Error as exc:
        notes.append(f"raw completeness: not available ({str(exc).splitlines()[0]})")
        completeness_raw = pl.DataFrame()
    files, manifest = published_files(settings.MARTS_DIR)
    return QualityFigures(
        run_id=run_id,
        generated_at=dt.datetime.now(dt.UTC),
        published_in_run=PUBLICATION_KEY in materialised,
        marts_built_in_run=any(key.startswith("marts/") for key in materialised),
        last_publication=manifest,
        checks=checks,
        step_failures=step_failures,
        volumes=volumes,
        quarantine=_query(con, "report_quarantine", {}, notes),
        raw_completeness=completeness_raw,
        vacancy_completeness=_table(con, "marts.rpt_vacancy_completeness_by_source", notes),
        validation=_table(con, "marts.rpt_vacancy_validation_by_source", notes),
        freshness=_query(con, "report_freshness", {"today": today_in_jakarta()}, notes),
        coherence=_query(con, "coherence_tpt_bps", {}, notes),
        published_files=files,
        notes=notes,
    )


def record_run(con: duckdb.DuckDBPyConnection, figures: QualityFigures) -> None:
    """Append the run's check results and summary to the `quality` schema (history)."""
    con.execute("create schema if not exists quality")
    con.execute(
        "create table if not exists quality.check_results (run_id varchar, recorded_at "
        "timestamptz, gate varchar, asset_key varchar, check_name varchar, status varchar, "
        "severity varchar, description varchar)"
    )
    con.execute(
        "create table if not exists quality.report_runs (run_id varchar, recorded_at "
        "timestamptz, published boolean, checks integer, failed integer, engine_errors "
        "integer, warnings integer, step_failures integer)"
    )
    checks = figures.checks.with_columns(
        run_id=pl.lit(figures.run_id), recorded_at=pl.lit(figures.generated_at)
    )
    con.execute("delete from quality.check_results where run_id = ?", [figures.run_id])
    con.execute("delete from quality.report_runs where run_id = ?", [figures.run_id])
    con.register("run_checks", checks.to_arrow())
    con.execute("insert into quality.check_results by name select * from run_checks")
    con.unregister("run_checks")
    status = figures.checks["status"] if not figures.checks.is_empty() else pl.Series([])
    con.execute(
        "insert into quality.report_runs values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            figures.run_id,
            figures.generated_at,
            figures.published_in_run,
            figures.checks.height,
            int((status == "failed").sum()),
            int((status == "engine_error").sum()),
            int((status == "warning").sum()),
            figures.step_failures.height,
        ],
    )


@dg.asset(
    key=["reports", "data_quality"],
    group_name="quality",
    kinds={"html", "duckdb"},
    pool="warehouse",
    op_tags={"dagster/priority": PRIORITY_LAST},
    description=(
        "Data-quality report of the run (reports/output/data-quality.<id|en>.html) and its "
        "history in the warehouse's `quality` schema. Runs last in the nightly job, whatever "
        "failed before it, and names the checks that stopped publication."
    ),
)
def data_quality_report(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        figures = collect_figures(con, context.instance, context.op_execution_context.run_id)
        record_run(con, figures)
    paths = build_quality_report(figures, settings.REPORTS_DIR)
    failures = figures.blocking_failures
    for row in failures.iter_rows(named=True):
        context.log.error(
            "quality: %s %s %s: %s",
            row["asset_key"],
            row["check_name"],
            row["status"],
            row["description"][:300],
        )
    context.log.info(
        "data-quality report: %d checks (%d failed or engine errors), published: %s -> %s",
        figures.checks.height,
        failures.height,
        figures.published_in_run,
        ", ".join(str(p) for p in paths),
    )
    return dg.MaterializeResult(
        metadata={
            "checks": figures.checks.height,
            "blocking_failures": failures.height,
            "published": figures.published_in_run,
            "files": dg.MetadataValue.json([str(p) for p in paths]),
        }
    )
