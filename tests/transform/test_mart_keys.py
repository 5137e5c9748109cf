"""The keys a researcher joins the marts on give the right rows.

Regression tests for two faults a review of the published marts found (2026-12-06):

* `fct_vacancies.kbji2014_code` is the coder's first choice whether or not it was accepted, and
  the mart had no flag to tell them apart: counting vacancies by occupation counted 10,850
  vacancies whose code no posting had accepted. It now carries the first posting's
  `occupation_confidence` and `is_occupation_coded`, the posting its code comes from;
* the Sakernas indicator marts key areas by BPS code (`area_code`) while `dim_region.region_id`
  is built from the Kemendagri code, so `'regency-' || area_code` named 4 of Jambi's 11
  regencies wrongly (BPS 1506 is Tanjung Jabung Timur, Kemendagri 1506 Tanjung Jabung Barat).
  The marts now carry `region_id`, found by BPS code and level.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from selected_build import build_selected, land_region_reference

REPO = Path(__file__).resolve().parents[2]
VACANCIES = REPO / "dbt_project" / "models" / "marts" / "vacancies" / "fct_vacancies.sql"


def _vacancies(postings: pl.DataFrame) -> pl.DataFrame:
    """fct_vacancies built from hand-made fct_vacancy_postings rows."""
    sql = re.sub(r"\{\{\s*ref\('(\w+)'\)\s*\}\}", r"\1", VACANCIES.read_text())
    assert "{{" not in sql and "{%" not in sql
    with duckdb.connect() as con:
        con.register("postings_frame", postings.to_arrow())
        con.execute("create table fct_vacancy_postings as select * from postings_frame")
        return pl.from_arrow(con.sql(sql).to_arrow_table()).sort("vacancy_id")


SALARY_COLUMNS = ("salary_monthly_min_idr", "salary_monthly_max_idr")


def _posting(posting_id: str, vacancy_id: str, seen: date, code: str, confidence: float) -> dict:
    row = {
        "posting_id": posting_id,
        "vacancy_id": vacancy_id,
        "source": posting_id.split(":")[0],
        "first_seen_date": seen,
        "last_seen_date": seen,
        "posted_date": seen,
        "salary_is_plausible": False,
        "kbji2014_code": code,
        "occupation_confidence": confidence,
        "is_occupation_coded": confidence >= 0.875,
    }
    for name in (
        "job_title",
        "company_name",
        "province_bps_code",
        "province_kemendagri_code",
        "regency_kemendagri_code",
        "location_status",
        "salary_status",
        "salary_monthly_min_idr",
        "salary_monthly_max_idr",
        "education_level",
        "employment_type",
    ):
        row[name] = None
    return row


def test_a_vacancy_carries_the_confidence_and_flag_of_the_posting_its_code_comes_from():
    postings = pl.DataFrame(
        [
            # Accepted: one posting.
            _posting("a:1", "a:1", date(2024, 8, 1), "2512", 0.95),
            # Not accepted: its first posting's code was below the threshold; a later posting
            # accepted under another code does not make the first posting's code accepted.
            _posting("b:1", "b:1", date(2024, 8, 1), "3322", 0.40),
            _posting("c:9", "b:1", date(2024, 8, 5), "2431", 0.90),
        ],
        schema_overrides={name: pl.Float64 for name in SALARY_COLUMNS},
    )
    vacancies = _vacancies(postings)
    got = {
        r["vacancy_id"]: (r["kbji2014_code"], r["occupation_confidence"], r["is_occupation_coded"])
        for r in vacancies.iter_rows(named=True)
    }
    assert got == {"a:1": ("2512", 0.95, True), "b:1": ("3322", 0.40, False)}
    # Added last, so that readers by position keep working.
    assert vacancies.columns[-3:] == [
        "last_seen_date",
        "occupation_confidence",
        "is_occupation_coded",
    ]


ESTIMATE_COLUMNS = {
    "period": pl.String,
    "area_level": pl.String,
    "area_code": pl.String,
    "breakdown": pl.String,
    "indicator": pl.String,
    "value": pl.Float64,
    "se": pl.Float64,
    "rse": pl.Float64,
    "reliability": pl.String,
    "sample_persons": pl.Int64,
    "breakdown_variable": pl.String,
    "unit": pl.String,
    "sample_psus": pl.Int64,
    "se_method": pl.String,
    "is_suppressed": pl.Boolean,
    "suppression_reason": pl.String,
    "is_synthetic": pl.Boolean,
    "sample_strata": pl.Int64,
}
AREAS = [
    # (level, BPS code, name dim_region gives the area)
    ("national", "00", None),
    ("province", "15", "Jambi"),
    ("regency", "1506", "Kabupaten Tanjung Jabung Timur"),
    ("regency", "1507", "Kabupaten Tanjung Jabung Barat"),
    ("regency", "1508", "Kabupaten Tebo"),
    ("regency", "1509", "Kabupaten Bungo"),
    # BPS 91 is Papua Barat (Kemendagri 92); Kemendagri 91 is Papua.
    ("province", "91", "Papua Barat"),
]


def _estimates(is_synthetic: bool) -> pl.DataFrame:
    rows = [
        {
            "period": "2020-08",
            "area_level": level,
            "area_code": code,
            "breakdown": "total",
            "indicator": "tpt",
            "value": 5.0,
            "se": 0.5,
            "rse": 10.0,
            "reliability": "reliable",
            "sample_persons": 500,
            "breakdown_variable": "total",
            "unit": "percent",
            "sample_psus": 40,
            "se_method": "test",
            "is_suppressed": False,
            "suppression_reason": None,
            "is_synthetic": is_synthetic,
            "sample_strata": 4,
        }
        for level, code, _ in AREAS
    ]
    return pl.DataFrame(rows, schema=ESTIMATE_COLUMNS)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    """dim_region from the shipped region reference and both indicator marts from hand-made
    estimates, built by dbt with their data tests (the region_id relationships test among
    them)."""
    root = tmp_path_factory.mktemp("mart_keys")
    path = root / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        land_region_reference(con)
        con.execute("create schema if not exists staging")
        for table, synthetic in (
            ("sakernas_indicator_estimates", False),
            ("sakernas_indicator_estimates_synthetic", True),
        ):
            con.register("estimates_frame", _estimates(synthetic).to_arrow())
            con.execute(f"create table staging.{table} as select * from estimates_frame")
            con.unregister("estimates_frame")
    build_selected(
        root,
        path,
        "--select",
        "province_codes stg_wilayah__regencies dim_region labour_force_indicators "
        "labour_force_indicators_synthetic",
        "--indirect-selection",
        "cautious",
    )
    return str(path)


@pytest.mark.parametrize("mart", ["labour_force_indicators", "labour_force_indicators_synthetic"])
def test_indicator_region_id_joins_dim_region_to_the_area_bps_code_names(
    warehouse: str, mart: str
) -> None:
    with duckdb.connect(warehouse, read_only=True) as con:
        rows = con.execute(
            f"select i.area_level, i.area_code, i.region_id, r.region_name "
            f"from marts.{mart} as i left join marts.dim_region as r using (region_id)"
        ).fetchall()
    names = {(level, code): name for level, code, _, name in rows}
    assert names == {(level, code): name for level, code, name in AREAS}
    # National has no dim_region row: its region_id is null, never a made-up key.
    assert [r[2] for r in rows if r[0] == "national"] == [None]
    with duckdb.connect(warehouse, read_only=True) as con:
        columns = [row[0] for row in con.execute(f"describe marts.{mart}").fetchall()]
    # Added last, so that readers by position keep working.
    assert columns[:4] == ["period", "area_level", "area_code", "breakdown"]
    assert columns[-2:] == ["sample_strata", "region_id"]
