"""Landing the administrative sources into `raw`: counts, accounting, no personal data, re-runs.

These run the landing functions of the Dagster assets (ingest/admin/landing.py with
ingest/warehouse.py's write_landing) on the shipped files into a temporary DuckDB file, without
Dagster or dbt; the whole job is exercised in test_admin_pipeline.py.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.admin import ak1
from ingest.admin.landing import (
    ADMIN_SOURCES,
    admin_source,
    land_admin_source,
    landing_metadata,
)
from ingest.admin.personal_data import find_personal_data
from ingest.admin.pseudonymise import PseudonymKeyError, load_pseudonym_key
from ingest.admin.regions import region_index
from ingest.admin.results import AdminSourceError, TotalMismatchError
from ingest.admin.wlkp_generate import generate_wlkp_exports
from ingest.warehouse import write_landing
from orchestration.settings import DATA_DIR

KEY = load_pseudonym_key({})
EXPECTED_ROWS = {
    # source: (rows read, rows loaded, rows quarantined)
    "karirhub_details": (57, 57, 0),
    "karirhub_listing": (30, 30, 0),
    "karirhub_rss": (30, 30, 0),
    "maganghub_positions": (1765, 1765, 0),
    "ak1_job_seekers": (3000, 2963, 37),
    "ak1_placements": (415, 415, 0),
    "wlkp": (15523, 15523, 0),
}
# Columns the readers' raw frames have and the warehouse must never get.
PERSONAL_COLUMNS = {
    "record_json", "full_name", "birth_place", "birth_date", "address", "phone", "email",
    "nik", "registration_number", "manager_name", "company_phone", "company_email",
}  # fmt: skip


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("admin_landing") / "warehouse.duckdb"
    index = region_index()
    metadata = {}
    with duckdb.connect(str(path)) as con:
        for source in ADMIN_SOURCES:
            load, result = land_admin_source(source, DATA_DIR, index=index, key=KEY)
            write_landing(con, source, result, "run-1")
            metadata[source.name] = landing_metadata(load, result)
    return {"path": path, "metadata": metadata}


def _query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_source_lands_with_its_rows_accounted(landed) -> None:
    audit = _query(
        landed["path"],
        "select source, sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
        "from raw.load_audit where run_id = 'run-1' group by source",
    )
    assert {row[0]: tuple(row[1:]) for row in audit} == EXPECTED_ROWS
    for source in ADMIN_SOURCES:
        read, loaded, quarantined = EXPECTED_ROWS[source.name]
        in_table = _query(landed["path"], f"select count(*) from raw.{source.table}")[0][0]
        in_quarantine = _query(
            landed["path"], "select count(*) from raw.quarantine where source = ?", [source.name]
        )[0][0]
        assert (in_table, in_quarantine) == (loaded, quarantined), source.name
        assert read == in_table + in_quarantine


def test_wlkp_audit_has_one_row_per_monthly_export(landed) -> None:
    files = _query(
        landed["path"],
        "select source_file, rows_read from raw.load_audit where source = 'wlkp' order by 1",
    )
    assert [name for name, _ in files] == [
        "wlkp_synthetic_2025-01.xlsx", "wlkp_synthetic_2025-02.csv",
        "wlkp_synthetic_2025-03.xlsx", "wlkp_synthetic_2025-04.csv",
        "wlkp_synthetic_2025-05.xlsx", "wlkp_synthetic_2025-06.csv",
    ]  # fmt: skip
    assert sum(rows for _, rows in files) == 15523
    assert landed["metadata"]["wlkp"]["totals_reconciled"] > 0


def test_ak1_quarantine_keeps_reasons_and_no_identifier_in_clear(landed) -> None:
    reasons = dict(
        _query(
            landed["path"],
            "select reason_code, count(*) from raw.quarantine "
            "where source = 'ak1_job_seekers' group by 1",
        )
    )
    assert reasons == {"nik_invalid": 13, "nik_scientific_notation": 15, "unreadable_date": 9}
    assert landed["metadata"]["ak1_job_seekers"]["pseudonym_key"] == "development"


def test_raw_tables_hold_no_personal_columns_or_values(landed) -> None:
    with duckdb.connect(str(landed["path"]), read_only=True) as con:
        for source in ADMIN_SOURCES:
            frame = con.sql(f"select * from raw.{source.table}").pl()
            assert not PERSONAL_COLUMNS & set(frame.columns), source.table
            assert find_personal_data(frame, source.table) == [], source.table
        quarantine = con.sql("select * from raw.quarantine").pl()
    assert find_personal_data(quarantine, "raw.quarantine") == []


def test_synthetic_sources_are_marked_row_by_row(landed) -> None:
    flags = dict(
        _query(
            landed["path"],
            "select 'karirhub', bool_or(is_synthetic) from raw.karirhub_vacancies "
            "union all select 'maganghub', bool_or(is_synthetic) from raw.maganghub_positions "
            "union all select 'ak1', bool_and(is_synthetic) from raw.ak1_job_seekers "
            "union all select 'placements', bool_and(is_synthetic) from raw.ak1_placements "
            "union all select 'wlkp', bool_and(is_synthetic) from raw.wlkp_workforce_reports",
        )
    )
    assert flags == {
        "karirhub": False, "maganghub": False, "ak1": True, "placements": True, "wlkp": True,
    }  # fmt: skip


def test_regions_of_the_real_portals_resolve_to_dim_region_keys(landed) -> None:
    for table, expected in (("karirhub_vacancies", 57), ("maganghub_positions", 1765)):
        resolved = _query(
            landed["path"],
            f"select count(*) from raw.{table} "
            "where regexp_full_match(region_id, 'regency-[0-9]{4}')",
        )[0][0]
        assert resolved == expected, table


def test_a_rerun_replaces_rows_instead_of_adding_them(landed, tmp_path) -> None:
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(landed["path"], path)
    source = admin_source("ak1_job_seekers")
    with duckdb.connect(str(path)) as con:
        _, result = land_admin_source(source, DATA_DIR, key=KEY)
        write_landing(con, source, result, "run-2")
    assert _query(path, "select count(*) from raw.ak1_job_seekers")[0][0] == 2963
    assert _query(
        path, "select count(*), min(run_id) from raw.quarantine where source = 'ak1_job_seekers'"
    ) == [(37, "run-2")]
    assert _query(
        path,
        "select count(distinct run_id) from raw.load_audit where source = 'ak1_job_seekers'",
    ) == [(2,)]


def test_production_without_a_key_refuses_before_reading(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("LMIS_ENV", "production")
    monkeypatch.delenv("LMIS_PSEUDONYM_KEY", raising=False)
    # The data folder is empty: the refusal must come before any file is looked for.
    with pytest.raises(PseudonymKeyError, match="LMIS_PSEUDONYM_KEY is not set"):
        land_admin_source(admin_source("ak1_job_seekers"), tmp_path)


def test_missing_files_name_the_source_and_the_pattern(tmp_path) -> None:
    with pytest.raises(AdminSourceError, match=r"maganghub_positions: no file matches"):
        land_admin_source(admin_source("maganghub_positions"), tmp_path)


def test_a_wlkp_total_that_does_not_add_up_stops_the_load_and_keeps_the_last_one(
    landed, tmp_path
) -> None:
    data = tmp_path / "data"
    folder = data / "synthetic" / "wlkp"
    generate_wlkp_exports(folder, companies=30, months=(1,), formats=("csv",), reorder_every=0)
    export = next(folder.glob("wlkp_*.csv"))
    lines = export.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("JUMLAH TOTAL"))
    delimiter = ";" if lines[number].count(";") > lines[number].count(",") else ","
    cells = lines[number].split(delimiter)
    cells[-1] = str(int(cells[-1].replace(".", "")) + 3)
    lines[number] = delimiter.join(cells)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(landed["path"], path)
    with pytest.raises(TotalMismatchError, match=rf"{export.name}: 1 total\(s\) do not add up"):
        land_admin_source(admin_source("wlkp"), data)
    # Nothing was written: the previous load stays whole.
    assert _query(path, "select count(*) from raw.wlkp_workforce_reports")[0][0] == 15523


def test_landing_frame_keeps_source_row_and_file(landed) -> None:
    with duckdb.connect(str(landed["path"]), read_only=True) as con:
        frame = con.sql(
            "select _source_file, _source_row, _run_id from raw.maganghub_positions"
        ).pl()
    assert frame["_source_file"].unique().to_list() == ["maganghub_positions_2025-10.csv.gz"]
    assert frame["_source_row"].min() == 2
    assert frame.select(pl.col("_run_id").unique()).to_series().to_list() == ["run-1"]


def _ak1_rows(count: int) -> tuple[list[str], list[list[str]]]:
    """The header and the first `count` rows of the shipped AK1 register that load."""
    [path] = sorted((DATA_DIR / "synthetic" / "ak1").glob("ak1_pencari_kerja_*.csv"))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    load = ak1.read_ak1_job_seekers(path, KEY)
    good = set(load.staging["source_row"].to_list())
    # Line numbers equal row positions + 2 as long as no quoted value spans lines.
    return header, [row for number, row in enumerate(rows, start=2) if number in good][:count]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return path


def test_a_repeated_nik_in_one_days_files_is_quarantined_naming_the_first_row(tmp_path) -> None:
    # Regression: a repeated NIK (job_seeker_id) was landed, and the raw suite's key check
    # (RAW-KEY-01, unique per partition) failed the whole landing without naming a line.
    header, rows = _ak1_rows(5)
    first = _write(tmp_path / "ak1_pencari_kerja_a.csv", header, [*rows, rows[1]])
    second = _write(tmp_path / "ak1_pencari_kerja_b.csv", header, [rows[3]])
    source = admin_source("ak1_job_seekers")
    _, result = land_admin_source(source, tmp_path, paths=[first, second], key=KEY)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (7, 5, 2)
    quarantined = result.quarantined.sort("source_file")
    assert quarantined.select("source_file", "source_row", "field", "reason_code").rows() == [
        ("ak1_pencari_kerja_a.csv", 7, "job_seeker_id", "id_duplicated"),
        ("ak1_pencari_kerja_b.csv", 2, "job_seeker_id", "id_duplicated"),
    ]
    reasons = quarantined["reason"].to_list()
    assert reasons[0].endswith("is already used by the row on line 3")
    assert reasons[1].endswith("is already used by the row on ak1_pencari_kerja_a.csv line 5")
    assert not result.loaded["job_seeker_id"].is_duplicated().any()
