"""Known typos of shipped reference files are corrected where the file is read, not in the file.

Regression: "Systems Aministrators" (ISCO-08 2522, misspelt in the ILO workbook as received)
reached the critical-occupations report through `dim_occupation`.
"""

from __future__ import annotations

import csv

import duckdb
import pytest
from selected_build import build_selected

from ingest.landing import land_source
from ingest.sources import source_by_name
from ingest.warehouse import ensure_landing_tables, write_landing
from orchestration import settings

ERRATA = settings.DBT_PROJECT_DIR / "seeds" / "reference_errata.csv"
REFERENCE_FILES = {"isco08_structure": settings.DATA_DIR / "reference/isco08/isco08_structure.csv"}
KEY_COLUMNS = {"isco08_structure": "isco08_code"}


def _errata() -> list[dict[str, str]]:
    with open(ERRATA, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_erratum_names_a_value_the_shipped_file_still_has() -> None:
    """An erratum whose typo is gone from the file (fixed upstream) is idle: remove it."""
    for erratum in _errata():
        path = REFERENCE_FILES[erratum["reference"]]
        with open(path, encoding="utf-8", newline="") as handle:
            rows = {row[KEY_COLUMNS[erratum["reference"]]]: row for row in csv.DictReader(handle)}
        assert rows[erratum["code"]][erratum["column_name"]] == erratum["received_value"]
        assert erratum["corrected_value"] != erratum["received_value"]
        assert erratum["reason"].strip()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("errata")
    path = root / "warehouse.duckdb"
    spec = source_by_name("isco08_structure")
    with duckdb.connect(str(path)) as con:
        ensure_landing_tables(con)
        write_landing(con, spec, land_source(spec, settings.DATA_DIR), "run-1")
    build_selected(
        root,
        path,
        "--select",
        "reference_errata stg_isco08__groups",
    )
    return str(path)


def test_systems_administrators_is_spelt_right_in_the_warehouse(warehouse) -> None:
    with duckdb.connect(warehouse, read_only=True) as con:
        (title,) = con.execute(
            "select title_en from staging.stg_isco08__groups where isco08_code = '2522'"
        ).fetchone()
        (misspelt,) = con.execute(
            "select count(*) from staging.stg_isco08__groups where title_en like '%Aministrator%'"
        ).fetchone()
        (groups,) = con.execute("select count(*) from staging.stg_isco08__groups").fetchone()
    assert title == "Systems Administrators"
    assert misspelt == 0
    assert groups == 619  # the errata correct values, they add or drop no row
    # The shipped file stays as received (its provenance).
    assert "Systems Aministrators" in REFERENCE_FILES["isco08_structure"].read_text("utf-8")
