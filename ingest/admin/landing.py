"""Landing the administrative sources into the warehouse's `raw` schema.

Each `AdminSource` names the shipped files of one source (globs under the data folder), its
reader and its `raw.<table>`. `land_admin_source` reads the files into an `AdminLoad` and turns it
into the `LandingResult` that `ingest.warehouse.write_landing` writes, so admin sources share the
quarantine table, the load audit and the checks of the file sources.

What lands is the reader's *staging* frame, not its raw frame: the raw frame holds names, phone
numbers, e-mail addresses and birth data (and Karirhub's whole API body, with the employer's
contact details), which must never reach the warehouse; they stay in the source files. So
`raw.<admin table>` holds typed values (the readers already parse nested JSON and merged
spreadsheet headers), pseudonyms instead of NIK and AK1 numbers, and `_source_file`,
`_source_row`, `is_synthetic` (from the file's own labelling) for every row. Staged text and
quarantined records are masked for e-mails, phone numbers and NIK-shaped numbers when the
`AdminLoad` is made (`results.AdminLoad`), and the quarantine once more before it is written, as
a second guard behind the readers' own placeholders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ingest.admin import ak1, karirhub, maganghub, wlkp_read
from ingest.admin.personal_data import mask_text_columns
from ingest.admin.pseudonymise import PseudonymKey, load_pseudonym_key
from ingest.admin.regions import RegionIndex, region_index
from ingest.admin.results import (
    QUARANTINE_MASKED,
    AdminLoad,
    AdminSourceError,
    concat_loads,
    problems_record,
    quarantine_frame,
)
from ingest.landing import LandingResult
from ingest.quarantine import ID_DUPLICATED, IdClaims

log = logging.getLogger(__name__)

Reader = Callable[[Path, RegionIndex, PseudonymKey | None], AdminLoad]


@dataclass(frozen=True)
class AdminSource:
    """One administrative source as the pipeline lands it."""

    name: str
    """The readers' source name: `raw.quarantine.source` and `raw.load_audit.source`."""
    table: str
    """`raw.<table>` receives the loaded records."""
    files: tuple[str, ...]
    """Glob patterns relative to the data folder."""
    description: str
    read_file: Reader
    needs_pseudonym_key: bool = False
    key: str | None = None
    """The staging column that is the source's id, unique in a partition (RAW-KEY-01): a later
    row of an id among the files landed together is quarantined as `id_duplicated`."""
    row_unit: str = "line"
    """What `source_row` counts in its files (`line`; `hit` of a JSON listing, `item` of a feed)."""


def _details(path: Path, index: RegionIndex, _key: PseudonymKey | None) -> AdminLoad:
    return karirhub.read_karirhub_details(path, index)


def _listing(path: Path, index: RegionIndex, _key: PseudonymKey | None) -> AdminLoad:
    return karirhub.read_karirhub_listing(path, index)


def _rss(path: Path, index: RegionIndex, _key: PseudonymKey | None) -> AdminLoad:
    return karirhub.read_karirhub_rss(path, index)


def _maganghub(path: Path, index: RegionIndex, _key: PseudonymKey | None) -> AdminLoad:
    return maganghub.read_maganghub_positions(path, index)


def _job_seekers(path: Path, index: RegionIndex, key: PseudonymKey | None) -> AdminLoad:
    return ak1.read_ak1_job_seekers(path, key, index)


def _placements(path: Path, index: RegionIndex, key: PseudonymKey | None) -> AdminLoad:
    return ak1.read_ak1_placements(path, key, index)


def _wlkp(path: Path, index: RegionIndex, _key: PseudonymKey | None) -> AdminLoad:
    # A total that does not add up stops the load: the export is wrong as a whole.
    return wlkp_read.read_wlkp_export(path, index=index)


ADMIN_SOURCES: tuple[AdminSource, ...] = (
    AdminSource(
        name="karirhub_details",
        table="karirhub_vacancies",
        files=("real/karirhub-api-2025-10/karirhub_job_details_*.jsonl.gz",),
        description=(
            "Karirhub (SIAPkerja, ex-AyoKitaKerja) job-detail API responses, one row per "
            "vacancy: quota and filled places, salary shown or hidden, stated requirements, "
            "region to village level, employer, partner-platform re-posts. Real data."
        ),
        read_file=_details,
        key="vacancy_id",
    ),
    AdminSource(
        name="karirhub_listing",
        table="karirhub_listing_hits",
        files=("real/karirhub-api-2025-10/karirhub_job_listing_page_*.json",),
        description="Karirhub search listing page, one row per hit. Real data.",
        read_file=_listing,
        key="vacancy_id",
        row_unit="hit",
    ),
    AdminSource(
        name="karirhub_rss",
        table="karirhub_rss_items",
        files=("real/karirhub-api-2025-10/karirhub_rss_feed_*.xml",),
        description="RSS feed a third party generated from the Karirhub listing. Real data.",
        read_file=_rss,
        key="vacancy_id",
        row_unit="item",
    ),
    AdminSource(
        name="maganghub_positions",
        table="maganghub_positions",
        files=("real/maganghub-2025-10/maganghub_positions_*.csv.gz",),
        description="MagangHub internship positions, one row per position. Real data.",
        read_file=_maganghub,
        key="position_id",
    ),
    AdminSource(
        name="ak1_job_seekers",
        table="ak1_job_seekers",
        files=("synthetic/ak1/ak1_pencari_kerja_*.csv",),
        description=(
            "AK1 job-seeker register, one row per registration; NIK and AK1 number as keyed "
            "pseudonyms, no name, phone, e-mail, address or birth date. SYNTHETIC data."
        ),
        read_file=_job_seekers,
        key="job_seeker_id",
        needs_pseudonym_key=True,
    ),
    AdminSource(
        name="ak1_placements",
        table="ak1_placements",
        files=("synthetic/ak1/ak1_penempatan_*.csv",),
        description=(
            "AK1 placements, one row per placement; identifiers as keyed pseudonyms that join "
            "the register. SYNTHETIC data."
        ),
        read_file=_placements,
        key="placement_id",
        needs_pseudonym_key=True,
    ),
    AdminSource(
        name=wlkp_read.SOURCE,
        table="wlkp_workforce_reports",
        files=("synthetic/wlkp/wlkp_*.xlsx", "synthetic/wlkp/wlkp_*.csv"),
        description=(
            "WLKP company employment reports, one row per company x jabatan line: KBLI, "
            "region, workforce by employment relation and sex, BPJS, vacancies; subtotals and "
            "totals reconciled and dropped. SYNTHETIC data."
        ),
        read_file=_wlkp,
    ),
)


def admin_source(name: str) -> AdminSource:
    for source in ADMIN_SOURCES:
        if source.name == name:
            return source
    raise KeyError(f"no administrative source named {name!r}")


def resolve_admin_files(source: AdminSource, data_dir: Path) -> list[Path]:
    """The source's files under `data_dir`, in name order; an error if there is none."""
    paths = sorted({path for pattern in source.files for path in data_dir.glob(pattern)})
    if not paths:
        raise AdminSourceError(
            f"source {source.name}: no file matches {', '.join(source.files)} under {data_dir}"
        )
    return paths


def read_admin_source(
    source: AdminSource,
    data_dir: Path,
    *,
    paths: Sequence[Path] | None = None,
    index: RegionIndex | None = None,
    key: PseudonymKey | None = None,
) -> AdminLoad:
    """Read every file of `source` into one `AdminLoad` (one metadata entry per file).

    The pseudonym key is loaded before any file is read, so production without a key fails
    before touching personal data.
    """
    if source.needs_pseudonym_key and key is None:
        key = load_pseudonym_key()
    index = index or region_index()
    files = list(paths) if paths is not None else resolve_admin_files(source, data_dir)
    loads = [source.read_file(path, index, key) for path in files]
    combined = concat_loads(source.name, loads)
    log.info(
        "%s: %d file(s), %d rows in, %d loaded, %d quarantined",
        source.name,
        len(files),
        combined.rows_in,
        combined.rows_loaded,
        combined.rows_quarantined,
    )
    return combined


def file_accounting(load: AdminLoad) -> list[dict[str, Any]]:
    """Rows read, loaded and quarantined per file, as `raw.load_audit` records them.

    Rows read come from the reader's own count of input rows; loaded and quarantined are
    counted in the frames, so a reader that dropped a row would show up as unbalanced.
    """
    files = load.metadata.get("files", [load.metadata])
    loaded = dict(load.staging.group_by("source_file").len().iter_rows())
    quarantined = dict(load.quarantine.group_by("source_file").len().iter_rows())
    return [
        {
            "source": load.source,
            "source_file": info["source_file"],
            "rows_read": int(info["rows_in"]),
            "rows_loaded": int(loaded.get(info["source_file"], 0)),
            "rows_quarantined": int(quarantined.get(info["source_file"], 0)),
        }
        for info in files
    ]


def synthetic_files(load: AdminLoad) -> set[str]:
    """Files the readers found labelled synthetic (file name, WLKP title block and notes)."""
    files = load.metadata.get("files", [load.metadata])
    return {info["source_file"] for info in files if info.get("is_synthetic")}


def quarantine_repeated_keys(load: AdminLoad, key: str, unit: str = "line") -> AdminLoad:
    """`load` with each later row of a `key` (in file and row order, over all its files) moved
    from staging to quarantine as `id_duplicated`, naming the first row's line (and file), by the
    rule of every landing (`IdClaims`): staging holds loaded rows only, so a row the reader
    quarantined claimed no id. Its raw suite checks the key unique per partition: a repeated id
    quarantines its row instead of failing the whole landing at that check."""
    # Staging holds only the rows the readers loaded, so every row here is otherwise loadable.
    claims = IdClaims(unit)
    later: list[int] = []
    records: list[dict[str, Any]] = []
    for index, row in enumerate(load.staging.iter_rows(named=True)):
        file, line = row["source_file"], row["source_row"]
        detail = claims.judge(row[key], line, otherwise_loadable=True, file=file)
        if detail is None:
            continue
        place = None if unit == "line" else f"{file} {unit} {line}"
        records.append(
            problems_record(
                load.source, file, line, [(key, ID_DUPLICATED, detail)], row, place=place
            )
        )
        later.append(index)
    if not later:
        return load
    log.warning("%s: %d row(s) repeat an earlier row's %s", load.source, len(later), key)
    staging = load.staging.with_row_index("_row").filter(~pl.col("_row").is_in(later)).drop("_row")
    quarantine = pl.concat([load.quarantine, quarantine_frame(records)], how="vertical")
    checked = AdminLoad(load.source, load.raw, staging, quarantine, load.metadata, load.row_unit)
    checked.check_accounting()
    return checked


def with_repeated_keys_quarantined(load: AdminLoad) -> AdminLoad:
    """`load` after its source's repeated-id check (`quarantine_repeated_keys` on the key of the
    `AdminSource` named `load.source`), as the pipeline lands it and `lmis admin load` reports
    it; a source without a key (WLKP) is returned as read."""
    source = next((s for s in ADMIN_SOURCES if s.name == load.source), None)
    if source is None or source.key is None:
        return load
    return quarantine_repeated_keys(load, source.key, source.row_unit)


def landing_result(load: AdminLoad) -> LandingResult:
    """The `AdminLoad` as `write_landing` takes it: loaded records without personal data."""
    synthetic = synthetic_files(load)
    loaded = load.staging.rename(
        {"source_file": "_source_file", "source_row": "_source_row"}
    ).with_columns(pl.col("_source_file").is_in(list(synthetic)).alias("is_synthetic"))
    # `AdminLoad` masked its quarantine when made; again here, as a frame may be replaced later.
    quarantined = mask_text_columns(load.quarantine, QUARANTINE_MASKED)
    return LandingResult(load.source, loaded, quarantined, file_accounting(load))


def land_admin_source(
    source: AdminSource, data_dir: Path, **options: Any
) -> tuple[AdminLoad, LandingResult]:
    """Read `source` and prepare its landing; the caller writes it with `write_landing`.

    The files are landed together as one partition: an id twice among them is `id_duplicated`.
    """
    load = with_repeated_keys_quarantined(read_admin_source(source, data_dir, **options))
    result = landing_result(load)
    if result.rows_read != load.rows_in:
        raise AdminSourceError(
            f"{source.name}: files account for {result.rows_read} rows, the reader for "
            f"{load.rows_in}"
        )
    return load, result


def landing_metadata(load: AdminLoad, result: LandingResult) -> dict[str, Any]:
    """Figures for the Dagster asset: counts, region resolution, synthetic files, throughput."""
    staging = load.staging
    files = load.metadata.get("files", [load.metadata])
    metadata: dict[str, Any] = {
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "files": result.files,
        "synthetic_files": sorted(synthetic_files(load)),
    }
    if "is_region_resolved" in staging.columns:
        metadata["regions_resolved"] = int(staging["is_region_resolved"].sum())
    if result.rows_quarantined:
        reasons = load.quarantine.group_by("reason_code").len().sort("reason_code")
        metadata["quarantine_reasons"] = dict(reasons.iter_rows())
    keys = {info.get("pseudonym_key") for info in files if info.get("pseudonym_key")}
    if keys:
        metadata["pseudonym_key"] = ", ".join(sorted(keys))
    reconciled = [info["totals_reconciled"] for info in files if "totals_reconciled" in info]
    if reconciled:
        metadata["totals_reconciled"] = sum(reconciled)
        metadata["rows_per_second"] = [info.get("rows_per_second") for info in files]
    return metadata
