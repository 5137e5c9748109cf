"""Landing assets of the administrative sources: Karirhub, MagangHub, AK1 and WLKP.

One asset per source, keyed `raw/<table>` in the `admin` group. Each reads the source's shipped
files with its reader in `ingest/admin/`, writes the loaded records (no names, phones or e-mails;
NIK and AK1 numbers as keyed pseudonyms) to `raw.<table>` and the unusable rows to
`raw.quarantine` through `ingest.warehouse.write_landing`, and gets the same three blocking checks
as every landing asset (Great Expectations suite, rows accounted, volume not dropped).

The AK1 assets load the pseudonym key before reading anything: with `LMIS_ENV=production` and no
`LMIS_PSEUDONYM_KEY` they fail, and the run fails with them.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
import dagster as dg
from dagster_duckdb import DuckDBResource

from ingest.admin.landing import ADMIN_SOURCES, AdminSource, land_admin_source, landing_metadata
from ingest.warehouse import write_landing
from orchestration import settings
from orchestration.landing.assets import raw_table_checks

GROUP = "admin"


def _admin_landing_asset(source: AdminSource) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", source.table],
        group_name=GROUP,
        description=f"{source.description} Landed from `{', '.join(source.files)}`.",
        kinds={"duckdb", "python"},
        pool="warehouse",
    )
    def land(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
        load, result = land_admin_source(source, settings.DATA_DIR)
        with warehouse.get_connection() as con:
            write_landing(con, source, result, context.run_id)
        metadata = landing_metadata(load, result)
        if result.rows_quarantined:
            context.log.warning(
                "%s: %d of %d rows quarantined (%s); see raw.quarantine",
                source.name,
                result.rows_quarantined,
                result.rows_read,
                ", ".join(f"{code}: {n}" for code, n in metadata["quarantine_reasons"].items()),
            )
        return dg.MaterializeResult(
            metadata={
                **{k: v for k, v in metadata.items() if isinstance(v, int | str)},
                "files": dg.MetadataValue.json(result.files),
                "details": dg.MetadataValue.json(
                    {k: v for k, v in metadata.items() if not isinstance(v, int | str)}
                ),
                "dagster/row_count": result.rows_loaded,
            }
        )

    return land


admin_landing_assets = [_admin_landing_asset(source) for source in ADMIN_SOURCES]
admin_landing_checks = [
    check for source in ADMIN_SOURCES for check in raw_table_checks(source.name, source.table)
]
