"""Province names published are the Kemendagri 2025 list's, never the population file's typo.

`data/reference/wilayah/kemendagri_2025_penduduk_luas.csv` (a copy of shared source data, kept as
received) spells Kemendagri 96 "Papua Barat Oaya". The project reads only codes and populations
from that file (the synthetic generators, the calibration test); the names published in
`dim_region` come from the `province_codes` seed, which spells 96 as `kemendagri_2025_provinsi.csv`
does (wilayah PROVENANCE.md).
"""

from __future__ import annotations

import csv

import duckdb
import pytest
from selected_build import build_dim_region

from orchestration import settings

WILAYAH = settings.DATA_DIR / "reference" / "wilayah"
SEED = settings.DBT_PROJECT_DIR / "seeds" / "province_codes.csv"


def _names(path, code_column: str, name_column: str, **where: str) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row[code_column]: row[name_column]
            for row in csv.DictReader(handle)
            if all(row[column] == value for column, value in where.items())
        }


def test_the_seed_names_the_provinces_as_the_kemendagri_2025_list_does() -> None:
    listed = _names(WILAYAH / "kemendagri_2025_provinsi.csv", "kode_kemendagri", "nama")
    seed = _names(SEED, "kemendagri_code", "province_name")
    # The seed shortens two names (DKI Jakarta, DI Yogyakarta); the rest are the list's.
    assert seed.keys() == listed.keys()
    assert sum(seed[code] != listed[code] for code in seed) == 2
    assert seed["96"] == listed["96"] == "Papua Barat Daya"
    # The copied source stays as received (its provenance); the typo is read nowhere.
    population = _names(
        WILAYAH / "kemendagri_2025_penduduk_luas.csv", "kode_kemendagri", "nama", level="1"
    )
    assert population["96"] == "Papua Barat Oaya"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> str:
    return str(build_dim_region(tmp_path_factory.mktemp("regions")))


def test_dim_region_publishes_papua_barat_daya(warehouse) -> None:
    with duckdb.connect(warehouse, read_only=True) as con:
        names = con.execute(
            "select distinct region_name, province_name from marts.dim_region "
            "where province_kemendagri_code = '96' and region_level = 'province'"
        ).fetchall()
        (misspelt,) = con.execute(
            "select count(*) from marts.dim_region "
            "where region_name ilike '%oaya%' or province_name ilike '%oaya%'"
        ).fetchone()
    assert names == [("Papua Barat Daya", "Papua Barat Daya")]
    assert misspelt == 0
