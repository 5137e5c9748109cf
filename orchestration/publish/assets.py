"""Publication assets: parquet exports of every mart, then the HTML report built from them.

Reports read the exported parquet, never the DuckDB file, so readers never contend with the
pipeline's single writer.

Publication is behind the quality gates (orchestration/quality/gates.py): `parquet_marts` depends
on every mart and every staging asset with a gate, so a failed blocking check stops it, and it
refuses to publish in a run where the gate did not run. It writes the new set into a staging
folder first and swaps the files in only when all of them are written, so a failure leaves the
last good publication in place. A mart the run did not rebuild, unchanged since its published
file was exported, keeps that file (orchestration/publish/publication.py).
"""

from datetime import UTC, datetime

import dagster as dg
from dagster._core.errors import DagsterInvalidPropertyError
from dagster_duckdb import DuckDBResource

from orchestration import settings
from orchestration.operations.releases import release_publication
from orchestration.publish.publication import publish_marts, read_publication
from orchestration.quality.gates import (
    PUBLICATION_GATES,
    STAGING_GATES,
    VOLUME_CHECK,
    publication_blockers,
    staging_gate_keys,
)
from orchestration.reports.carry_over import ReportSpec, render_unless_unchanged
from orchestration.transform.dbt import warehouse_dbt_assets
from reports.overview import build_overview_reports

MART_KEYS = sorted(
    (key for key in warehouse_dbt_assets.keys if key.path[0] == "marts"),
    key=lambda k: k.to_user_string(),
)
GATED_STAGING_KEYS = staging_gate_keys(warehouse_dbt_assets.keys)
OVERVIEW_MODULES = ("reports/overview.py", "reports/formatting.py")
"""The modules that name the marts the overview reads (orchestration/reports/carry_over.py)."""


def _required_gate_checks(selected: set[dg.AssetKey] | None = None) -> list[tuple[str, str]]:
    # A run that materialises part of the graph (an incremental night) gates what it rebuilt;
    # the marts it did not touch passed their gates in the run that built them.
    keys = set(MART_KEYS) | set(GATED_STAGING_KEYS)
    if selected is not None:
        keys &= selected
    required = [(k.to_user_string(), VOLUME_CHECK) for k in MART_KEYS if k in keys]
    required += [
        (g.asset_key.to_user_string(), g.check_name)
        for g in STAGING_GATES + PUBLICATION_GATES
        if g.asset_key in keys and g.blocking
    ]
    return required


def _selected_assets(context: dg.AssetExecutionContext) -> set[dg.AssetKey] | None:
    """The run's asset selection; None (the whole job: gate and export everything) for a run of
    the whole job or when there is no run to ask."""
    try:
        selection = context.run.asset_selection
    except DagsterInvalidPropertyError:
        # Invoked directly (tests, a notebook): no run, so every gate is required.
        return None
    # A run of the whole job records an empty selection, not None.
    return selection or None


@dg.asset(
    key=["published", "parquet_marts"],
    deps=[*MART_KEYS, *GATED_STAGING_KEYS],
    group_name="publication",
    kinds={"parquet", "duckdb"},
    pool="warehouse",
    description=(
        "Every table of the `marts` schema exported to data/marts/<name>.parquet, only after the "
        "staging and publication gates passed; the set is swapped in whole. Marts marked as "
        "personal data are withheld unless their rows are synthetic or "
        "LMIS_PUBLISH_PERSONAL_DATA=1."
    ),
)
def parquet_marts(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    blockers = publication_blockers(
        context.instance,
        context.op_execution_context.run_id,
        _required_gate_checks(_selected_assets(context)),
    )
    if blockers:
        raise dg.Failure(
            description="publication gate not passed; the last publication stays in place: "
            + "; ".join(blockers),
            allow_retries=False,  # a failed gate stays failed: no retry can change it
        )
    selected = _selected_assets(context)
    try:
        with warehouse.get_connection() as con:
            exported, kept = publish_marts(
                con,
                settings.MARTS_DIR,
                context.op_execution_context.run_id,
                rebuilt=lambda table: selected is None or dg.AssetKey(["marts", table]) in selected,
            )
        # The gate passed and the set is in place: cut the dated release for researchers.
        run_id = context.op_execution_context.run_id
        record = context.instance.get_run_record_by_id(run_id)
        started = (
            datetime.fromtimestamp(record.start_time, UTC)
            if record is not None and record.start_time
            else None
        )
        with warehouse.get_connection() as con:
            release = release_publication(
                con, settings.MARTS_DIR, run_id, context.run.tags, started
            )
    except settings.SettingError as exc:
        # A bad LMIS_* value (`lmis run` refuses it before the build; a daemon's run meets it
        # here) stays bad on a retry: fail once, naming it.
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    return dg.MaterializeResult(
        metadata={
            "tables": dg.MetadataValue.json(exported),
            "kept_unchanged": dg.MetadataValue.json(kept),
            # Personal-data marts not published (orchestration/publish/personal_data.py).
            "withheld": dg.MetadataValue.json(read_publication(settings.MARTS_DIR)["withheld"]),
            "folder": str(settings.MARTS_DIR),
            "release": str(release.path),
            "release_files": release.files,
        }
    )


@dg.asset(
    key=["reports", "labour_market_overview"],
    deps=[parquet_marts],
    group_name="publication",
    kinds={"plotly", "html"},
    description="Labour-market overview report (Bahasa Indonesia and English), offline HTML.",
)
def labour_market_overview(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    paths, kept = render_unless_unchanged(
        ReportSpec("labour_market_overview", OVERVIEW_MODULES),
        settings.MARTS_DIR,
        settings.REPORTS_DIR,
        lambda: build_overview_reports(settings.MARTS_DIR, settings.REPORTS_DIR),
    )
    for path in paths:
        context.log.info("%s %s (%d bytes)", "kept" if kept else "wrote", path, path.stat().st_size)
    return dg.MaterializeResult(
        metadata={
            "files": dg.MetadataValue.json([str(p) for p in paths]),
            "kept_unchanged": kept,
        }
    )
