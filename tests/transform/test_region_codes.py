"""Every regency code the warehouse emits is one `dim_region` knows, or null with a reason.

Regression tests for two faults reviewers found (2026-12-05):

* the synthetic Sakernas generator made up BPS regency codes for the four 2022 Papua provinces
  (the new province's BPS code + the regency's 2020 suffix: 9501 for Merauke, 9206 for Sorong
  Selatan), 25 codes that `dim_region` has not, so 811 persons a round joined no region (9501 is
  even Jayawijaya's Kemendagri code); matching names without their kind, it also left Kabupaten
  Sorong in Papua Barat. No BPS code list for those regencies is shipped (wilayah PROVENANCE.md),
  so their regency is now missing (`KODE_KAB` null) and they publish at province level only;
* `fct_vacancy_postings.regency_bps_code` held the Kemendagri 2025 code of a post-split Papua
  regency (Nabire 9401, which as a BPS code is Merauke). It now holds the regency's BPS 2020
  code from the same name link `dim_region` uses (`stg_wilayah__regencies`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from selected_build import build_dim_region
from test_vacancy_posting_mart import _postings

from ingest.admin.regions import RegionIndex
from ingest.sakernas import harmonise, load_round_config, read_microdata
from ingest.sakernas.generator import generate
from orchestration import settings

SHIPPED_SYNTHETIC = settings.DATA_DIR / "synthetic" / "sakernas"
NEW_PAPUA_BPS = {"92", "95", "96", "97"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`dim_region` and the regency staging model, built by dbt from the shipped reference."""
    return str(build_dim_region(tmp_path_factory.mktemp("region_codes")))


def _table(warehouse: str, sql: str) -> pl.DataFrame:
    with duckdb.connect(warehouse, read_only=True) as con:
        return pl.from_arrow(con.sql(sql).to_arrow_table())


@pytest.fixture(scope="module")
def regencies(warehouse: str) -> pl.DataFrame:
    return _table(
        warehouse,
        "select kemendagri_code, bps_code, province_bps_code from marts.dim_region "
        "where region_level = 'regency'",
    )


def _harmonised_regencies(folder: Path) -> pl.DataFrame:
    """(province_code, regency_code, persons) of every synthetic round file in `folder`."""
    parts = []
    for path in sorted(folder.glob("sakernas_synthetic_*.parquet")):
        period = path.stem.removeprefix("sakernas_synthetic_")
        persons, _ = harmonise(read_microdata(path).data, load_round_config(f"synthetic-{period}"))
        parts.append(persons.group_by("province_code", "regency_code").len("persons"))
    return pl.concat(parts).group_by("province_code", "regency_code").agg(pl.sum("persons"))


def _assert_regencies_known(found: pl.DataFrame, regencies: pl.DataFrame) -> None:
    unknown = found.filter(
        pl.col("regency_code").is_not_null()
        & ~pl.col("regency_code").is_in(regencies["bps_code"].implode())
    )
    assert unknown.is_empty(), unknown.sort("regency_code")
    # A null regency is allowed only where no BPS regency code is shipped: the 2022 provinces.
    missing = found.filter(pl.col("regency_code").is_null())
    assert set(missing["province_code"]) <= NEW_PAPUA_BPS


def test_generated_synthetic_sakernas_regencies_are_in_dim_region(
    tmp_path: Path, regencies: pl.DataFrame
) -> None:
    # The four new provinces and their parents, one pre-split and one post-split round.
    generate(
        tmp_path,
        settings.DATA_DIR,
        ["2021-08", "2024-08"],
        4_000,
        provinces=["91", "92", "94", "95", "96", "97"],
    )
    found = _harmonised_regencies(tmp_path)
    _assert_regencies_known(found, regencies)
    # Every province keeps persons; the parents keep their coded regencies.
    assert set(found["province_code"]) == {"91", "92", "94", "95", "96", "97"}
    coded = found.filter(pl.col("regency_code").is_not_null())
    assert set(coded["province_code"]) == {"91", "94"}


def test_shipped_synthetic_sakernas_regencies_are_in_dim_region(
    regencies: pl.DataFrame,
) -> None:
    found = _harmonised_regencies(SHIPPED_SYNTHETIC)
    _assert_regencies_known(found, regencies)
    # Of dim_region's 514 regencies, all but the 26 of the 2022 provinces keep their BPS code.
    assert found.filter(pl.col("regency_code").is_not_null()).height == 514 - 26


def test_admin_region_index_codes_are_in_dim_region(regencies: pl.DataFrame) -> None:
    # fct_job_seekers, fct_placements, fct_company_workforce and fct_portal_vacancies take
    # their regency codes from this index.
    frame = RegionIndex().frame()
    pairs = set(zip(frame["regency_code_kemendagri"], frame["regency_code_bps"], strict=True))
    assert pairs == set(zip(regencies["kemendagri_code"], regencies["bps_code"], strict=True))


def test_posting_regency_bps_code_is_a_bps_code_in_dim_region(
    warehouse: str, regencies: pl.DataFrame
) -> None:
    # As the normaliser places them: after the split a new Papua province's regency has its
    # Kemendagri code (system kemendagri); before it, its BPS 2020 code.
    normalised = pl.DataFrame(
        {
            "posting_id": ["a:nabire", "b:merauke", "c:merauke2021", "d:jakarta", "e:sorong"],
            "province_code": ["94", "93", "94", "31", "96"],
            "province_code_system": ["kemendagri", "kemendagri", "bps", "bps", "kemendagri"],
            "province_code_vintage": ["2025", "2025", "2020", "2020", "2025"],
            "province_code_kemendagri_2025": ["94", "93", "93", "31", "96"],
            "regency_code": ["9401", "9301", "9401", "3171", "9671"],
            "regency_code_system": ["kemendagri", "kemendagri", "bps", "bps", "kemendagri"],
            "regency_code_vintage": ["2025", "2025", "2020", "2020", "2025"],
            "regency_code_kemendagri_2025": ["9401", "9301", "9301", "3174", "9671"],
            "posted_date": [date(2024, 8, 1)] * 2 + [date(2021, 5, 1)] + [date(2024, 8, 1)] * 2,
        }
    )
    staged = _table(warehouse, "select * from staging.stg_wilayah__regencies")
    marts = _postings(normalised, {"stg_wilayah__regencies": staged})
    rows = {r["posting_id"]: r for r in marts.iter_rows(named=True)}
    got = {
        k: (r["regency_bps_code"], r["regency_code_system"], r["regency_code_vintage"])
        for k, r in rows.items()
    }
    assert got == {
        # Nabire (Papua Tengah): BPS 2020 9404; Kemendagri 9401 would read as BPS Merauke.
        "a:nabire": ("9404", "bps", "2020"),
        "b:merauke": ("9401", "bps", "2020"),
        "c:merauke2021": ("9401", "bps", "2020"),
        "d:jakarta": ("3171", "bps", "2020"),
        "e:sorong": ("9171", "bps", "2020"),  # Kota Sorong, BPS 2020 in Papua Barat
    }
    assert rows["a:nabire"]["regency_kemendagri_code"] == "9401"
    assert rows["a:nabire"]["province_bps_code"] == "96"
    # Each posting's (Kemendagri, BPS) regency pair is dim_region's row.
    known = set(zip(regencies["kemendagri_code"], regencies["bps_code"], strict=True))
    for row in rows.values():
        assert (row["regency_kemendagri_code"], row["regency_bps_code"]) in known
