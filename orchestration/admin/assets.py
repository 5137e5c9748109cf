"""Landing assets of the administrative sources: Karirhub, MagangHub, AK1 and WLKP.

One asset per source, keyed `raw/<table>` in the `admin` group. Each reads the source's shipped
files with its reader in `ingest/admin/`, writes the loaded records (no names, phones or e-mails;
NIK and AK1 numbers as keyed pseudonyms) to `raw.<table>` and the unusable rows to
`raw.quarantine` through `ingest.warehouse.write_landing`, and gets the same three blocking checks
as every landing asset (Great Expectations suite, rows accounted, volume not dropped).

The assets are partitioned (orchestration/landing/partitions.py): the portal sources (Karirhub,
MagangHub, AK1) by the day an export covers, WLKP by reporting period. A partition lands the
files of that day or period and replaces exactly that partition's rows, so a new day's export is
landed without touching the days before it, and landing a day again changes nothing. The
partitioned landing jobs are in orchestration/jobs.py.

The AK1 assets load the pseudonym key before reading anything: with `LMIS_ENV=production` and no
`LMIS_PSEUDONYM_KEY` they fail, and the run fails with them.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
import functools
import gzip
import zlib
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from ingest.admin import wlkp_read
from ingest.admin.landing import ADMIN_SOURCES, AdminSource, land_admin_source, landing_metadata
from ingest.admin.results import AdminSourceError
from ingest.warehouse import write_landing
from orchestration import settings
from orchestration.landing.assets import raw_table_checks
from orchestration.landing.inputs import LandedInput, files_fingerprint
from orchestration.landing.partitions import (
    PORTAL_DAYS,
    WLKP_PERIODS,
    day_of_file,
    files_by_partition,
    month_of_file,
)

GROUP = "admin"


def _partitioning(source: AdminSource):
    if source.name == wlkp_read.SOURCE:
        return WLKP_PERIODS, month_of_file
    return PORTAL_DAYS, day_of_file


def partition_files(source: AdminSource, data_dir: Path) -> dict[str, list[Path]]:
    """The source's files under `data_dir`, grouped by the partition each belongs to."""
    partitions_def, partition_of = _partitioning(source)
    return files_by_partition(source_files(source, data_dir), partition_of, partitions_def)


def source_files(source: AdminSource, data_dir: Path) -> list[Path]:
    """Every file under `data_dir` that the source's patterns match."""
    return sorted({path for pattern in source.files for path in data_dir.glob(pattern)})


def _admin_landing_asset(source: AdminSource) -> dg.AssetsDefinition:
    partitions_def, _ = _partitioning(source)

    @dg.asset(
        key=["raw", source.table],
        group_name=GROUP,
        description=f"{source.description} Landed from `{', '.join(source.files)}`.",
        kinds={"duckdb", "python"},
        pool="warehouse",
        partitions_def=partitions_def,
    )
    def land(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
        partition = context.partition_key
        files = partition_files(source, settings.DATA_DIR).get(partition)
        if not files:
            raise dg.Failure(
                f"{source.name}: no file under {settings.DATA_DIR} belongs to partition "
                f"{partition} ({', '.join(source.files)})",
                allow_retries=False,
            )
        try:
            load, result = land_admin_source(source, settings.DATA_DIR, paths=files)
        except AdminSourceError as exc:  # the file is wrong: reading it again cannot help
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:  # gzip's errors name no file
            raise dg.Failure(
                description=f"{source.name} {partition}: cannot read "
                f"{', '.join(str(path) for path in files)}: {exc}",
                allow_retries=False,
            ) from exc
        fingerprint = files_fingerprint(files)
        with warehouse.get_connection() as con:
            write_landing(
                con,
                source,
                result,
                context.run.run_id,
                partition_key=partition,
                fingerprint=fingerprint,
            )
        metadata = landing_metadata(load, result)
        if result.rows_quarantined:
            context.log.warning(
                "%s %s: %d of %d rows quarantined (%s); see raw.quarantine",
                source.name,
                partition,
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
    check
    for source in ADMIN_SOURCES
    for check in raw_table_checks(source.name, source.table, partitioned=True)
]


def _files_of(source: AdminSource):
    return lambda data_dir: partition_files(source, data_dir)


LANDED_INPUTS = [
    LandedInput(
        dg.AssetKey(["raw", source.table]),
        f"raw.{source.table}",
        _files_of(source),
        _partitioning(source)[0],
        source_name=source.name,
        all_files=functools.partial(source_files, source),
    )
    for source in ADMIN_SOURCES
]
