"""Raw landing assets: one per file source, each with its checks.

Every asset reads its source's shipped files, loads the rows that pass their form checks into
`raw.<table>` and puts the others in `raw.quarantine` with the reason. Three checks follow each
load: the Great Expectations suite `quality/suites/raw_<table>.json`, the row accounting of this
run (read = loaded + quarantined), and a volume check against the previous run.

These sources are whole extracts (a monthly job-board dump, a reference list, one Sakernas
extract) and are landed whole, in the `nightly` job; the partitioned ones (portal days, WLKP
periods, Sakernas rounds) are in orchestration/admin and orchestration/sakernas. Each landing
records the fingerprint of its files (orchestration/landing/inputs.py), so a night whose files
did not change leaves the table alone.
"""

import logging

import dagster as dg
from dagster_duckdb import DuckDBResource

from ingest.landing import LandingError, SourceSpec, land_source, resolve_files
from ingest.sources import REFERENCE_SOURCES, SAKERNAS_SOURCES, VACANCY_SOURCES
from ingest.warehouse import PARTITION_COLUMN, write_landing
from orchestration import settings
from orchestration.landing.inputs import LandedInput, files_fingerprint, whole
from quality.gx_runner import load_suite_definition, validate_dataframe

log = logging.getLogger(__name__)

VOLUME_DROP_TOLERANCE = 0.5
"""A load with fewer than half the rows of the previous run fails its volume check."""

GROUP_BY_SOURCE_KIND = {
    "vacancies": VACANCY_SOURCES,
    "labour_force": SAKERNAS_SOURCES,
    "reference": REFERENCE_SOURCES,
}


def _landing_asset(spec: SourceSpec, group: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", spec.table],
        group_name=group,
        description=f"{spec.description} Landed from `{', '.join(spec.files)}`.",
        kinds={"duckdb", "python"},
        pool="warehouse",
    )
    def land(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
        files = resolve_files(spec, settings.DATA_DIR)
        try:
            result = land_source(spec, settings.DATA_DIR, files)
        except LandingError as exc:  # the file is wrong: reading it again cannot help
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        fingerprint = files_fingerprint(files)
        with warehouse.get_connection() as con:
            write_landing(con, spec, result, context.run.run_id, fingerprint=fingerprint)
        if result.rows_quarantined:
            reasons = result.quarantined.group_by("reason_code").len().rows()
            context.log.warning(
                "%s: %d of %d rows quarantined (%s); see raw.quarantine",
                spec.name,
                result.rows_quarantined,
                result.rows_read,
                ", ".join(f"{code}: {count}" for code, count in reasons),
            )
        return dg.MaterializeResult(
            metadata={
                "rows_read": result.rows_read,
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "files": dg.MetadataValue.json(result.files),
                "dagster/row_count": result.rows_loaded,
                # Rows whose e-mails, phones or NIKs were masked, per column (adverts only).
                **(
                    {"personal_data_masked": dg.MetadataValue.json(result.masked)}
                    if spec.masks_personal_data
                    else {}
                ),
            }
        )

    return land


def _run_partition(context: dg.AssetCheckExecutionContext) -> str | None:
    # A check runs in its asset's run; the run's partition is the one just landed.
    return context.op_execution_context.run.tags.get("dagster/partition")


def raw_table_checks(
    source: str, table: str, *, partitioned: bool = False
) -> list[dg.AssetChecksDefinition]:
    """The three blocking checks of a landing asset `raw/<table>` fed by `source`.

    Shared by every landing asset (file sources here, administrative sources in
    orchestration/admin): the suite `quality/suites/raw_<table>.json` (on the whole table), the
    row accounting of this run in `raw.load_audit` and `raw.quarantine`, and the volume against
    the previous run. For a partitioned table, accounting and volume are about the partition
    landed in the run, compared with the previous landing of that same partition.
    """
    asset_key = dg.AssetKey(["raw", table])
    suite_name = f"raw_{table}"

    @dg.asset_check(
        asset=asset_key,
        name="great_expectations_suite",
        blocking=True,
        description=f"Great Expectations suite quality/suites/{suite_name}.json.",
    )
    def suite_check(warehouse: DuckDBResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            frame = con.execute(f"select * from raw.{table}").df()
        try:
            outcome = validate_dataframe(frame, load_suite_definition(suite_name))
        except Exception as exc:  # the engine failed: say so, never pass or fail the data
            return dg.AssetCheckResult(
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                description=f"engine error, data not judged: {exc}",
                metadata={"engine_error": str(exc)},
            )
        return dg.AssetCheckResult(
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=outcome.summary(),
            metadata={
                "expectations": len(outcome.outcomes),
                "engine_errors": len(outcome.engine_errors),
                "failed_errors": len(outcome.failed_errors),
                "failed_warnings": len(outcome.failed_warnings),
            },
        )

    @dg.asset_check(
        asset=asset_key,
        name="rows_accounted",
        blocking=True,
        description="Rows read = rows loaded + rows quarantined, for this run.",
    )
    def accounting_check(
        context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource
    ) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            audit = con.execute(
                "select coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), "
                "coalesce(sum(rows_quarantined), 0) from raw.load_audit "
                "where source = ? and run_id = ?",
                [source, context.op_execution_context.run_id],
            ).fetchone()
            partition = _run_partition(context) if partitioned else None
            in_table = con.execute(
                f"select count(*) from raw.{table}"
                + ("" if partition is None else f" where {PARTITION_COLUMN} = ?"),
                [] if partition is None else [partition],
            ).fetchone()[0]
            in_quarantine = con.execute(
                "select count(*) from raw.quarantine where source = ? and run_id = ?",
                [source, context.op_execution_context.run_id],
            ).fetchone()[0]
        read, loaded, quarantined = audit
        balanced = read == loaded + quarantined and loaded == in_table
        balanced = balanced and quarantined == in_quarantine
        return dg.AssetCheckResult(
            passed=bool(balanced and read > 0),
            description=(
                f"read {read}, loaded {loaded} (table holds {in_table}), quarantined "
                f"{quarantined} (quarantine holds {in_quarantine})"
            ),
            metadata={"rows_read": read, "rows_loaded": loaded, "rows_quarantined": quarantined},
        )

    @dg.asset_check(
        asset=asset_key,
        name="volume_not_dropped",
        blocking=True,
        description="Rows loaded are not empty and not below half the previous run.",
    )
    def volume_check(
        context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource
    ) -> dg.AssetCheckResult:
        partition = _run_partition(context) if partitioned else None
        with warehouse.get_connection() as con:
            runs = con.execute(
                "select run_id, sum(rows_loaded) as loaded, max(loaded_at) as last_loaded_at "
                "from raw.load_audit where source = ? "
                + ("" if partition is None else "and partition_key = ? ")
                + "group by run_id order by last_loaded_at desc limit 2",
                [source] if partition is None else [source, partition],
            ).fetchall()
        run_id = context.op_execution_context.run_id
        current = next((r[1] for r in runs if r[0] == run_id), 0)
        previous = next((r[1] for r in runs if r[0] != run_id), None)
        if current == 0:
            return dg.AssetCheckResult(passed=False, description="no rows loaded this run")
        if previous and current < VOLUME_DROP_TOLERANCE * previous:
            return dg.AssetCheckResult(
                passed=False,
                description=f"volume dropped from {previous} to {current} rows",
                metadata={"previous_rows": previous, "current_rows": current},
            )
        return dg.AssetCheckResult(
            passed=True,
            description=f"{current} rows (previous run: {previous if previous else 'none'})",
            metadata={"previous_rows": previous or 0, "current_rows": current},
        )

    return [suite_check, accounting_check, volume_check]


landing_assets = [
    _landing_asset(spec, group) for group, specs in GROUP_BY_SOURCE_KIND.items() for spec in specs
]
landing_checks = [
    check
    for specs in GROUP_BY_SOURCE_KIND.values()
    for spec in specs
    for check in raw_table_checks(spec.name, spec.table)
]


def _existing_files(spec: SourceSpec):
    def files(data_dir):
        try:
            return resolve_files(spec, data_dir)
        except LandingError:
            return []

    return files


LANDED_INPUTS = [
    LandedInput(dg.AssetKey(["raw", spec.table]), f"raw.{spec.table}", whole(_existing_files(spec)))
    for specs in GROUP_BY_SOURCE_KIND.values()
    for spec in specs
]
