"""Each suite-based standard fails on an input that breaks it and passes on one that meets it.

The suites are the versioned files in quality/suites/; each test builds the smallest frame the
suite accepts, then breaks one standard and checks that exactly that standard fails (or warns).
Raw landing's Python checks (RAW-VOL-03, QUA-ACC-01) are invoked directly on a DuckDB file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from dagster_duckdb import DuckDBResource

from quality.gx_runner import load_suite_definition, validate_dataframe


def _not_met(suite: str, frame: pd.DataFrame) -> dict[str, set[str]]:
    outcome = validate_dataframe(frame, load_suite_definition(suite))
    assert not outcome.engine_errors, outcome.summary()
    return {
        "error": {o.standard_id for o in outcome.failed_errors},
        "warning": {o.standard_id for o in outcome.failed_warnings},
    }


def _assert_only(suite: str, frame: pd.DataFrame, standard: str, severity: str = "error"):
    not_met = _not_met(suite, frame)
    other = "warning" if severity == "error" else "error"
    assert not_met[severity] == {standard}, not_met
    assert not not_met[other], not_met


# Raw landing: raw_lokerid_postings and raw_wilayah_provinces_2025 stand for every raw suite.
def _lokerid(rows: int = 100) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "job_id": [str(1000 + i) for i in range(rows)],
            "title": ["Kasir"] * rows,
            "company": ["PT A"] * rows,
            "location": ["Jakarta Barat"] * rows,
            "posted_date": ["2025-07-01 10:00"] * rows,
            "min_salary": ["3000000"] * rows,
            "max_salary": ["4000000"] * rows,
            "description": ["Melayani pembeli."] * rows,
            "type": ["Full Time"] * rows,
        }
    )


def test_raw_suite_passes_a_good_landing():
    assert _not_met("raw_lokerid_postings", _lokerid()) == {"error": set(), "warning": set()}


@pytest.mark.parametrize(
    ("standard", "severity", "breaks"),
    [
        ("RAW-VOL-01", "error", lambda f: f.head(99)),
        ("RAW-SCH-01", "error", lambda f: f.drop(columns=["description"])),
        ("RAW-CMP-01", "error", lambda f: f.assign(title=[None] + list(f.title[1:]))),
        (
            "RAW-KEY-01",
            "error",
            lambda f: f.assign(job_id=["1000"] + list(f.job_id[1:-1]) + ["1000"]),
        ),
        ("RAW-TYP-01", "error", lambda f: f.assign(job_id=[f"x{i}" for i in range(len(f))])),
        ("RAW-DOM-01", "warning", lambda f: f.assign(type=["Remote"] * 10 + list(f.type[10:]))),
    ],
)
def test_raw_standard_fails_on_its_fault(standard, severity, breaks):
    _assert_only("raw_lokerid_postings", breaks(_lokerid()), standard, severity)


def test_raw_vol_02_closed_list_has_its_size():
    provinces = pd.DataFrame({"kode_kemendagri": [f"{i:02d}" for i in range(11, 49)]})
    assert _not_met("raw_wilayah_provinces_2025", provinces)["error"] == set()
    _assert_only("raw_wilayah_provinces_2025", provinces.head(37), "RAW-VOL-02")


def _landing_check(name: str, source: str = "lokerid"):
    from orchestration.landing.assets import landing_checks

    for check in landing_checks:
        key = next(iter(check.check_keys))
        if key.name == name and key.asset_key.path[-1] == f"{source}_postings":
            return check
    raise LookupError(name)


@pytest.fixture
def landing_warehouse(tmp_path: Path) -> Path:
    from ingest.warehouse import ensure_landing_tables

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        ensure_landing_tables(con)
        con.execute("create table raw.lokerid_postings as select 1 as job_id from range(3)")
    return path


def _audit(path: Path, run_id: str, read: int, loaded: int, quarantined: int, when: str):
    with duckdb.connect(str(path)) as con:
        con.execute(
            "insert into raw.load_audit (run_id, source, source_file, rows_read, rows_loaded,"
            " rows_quarantined, loaded_at) values (?, 'lokerid', 'f.csv', ?, ?, ?, ?)",
            [run_id, read, loaded, quarantined, dt.datetime.fromisoformat(when)],
        )
        for row in range(quarantined):
            con.execute(
                "insert into raw.quarantine (run_id, source, source_file, source_row, field,"
                " reason_code, reason, raw_record, quarantined_at) values (?, 'lokerid',"
                " 'f.csv', ?, 'job_id', 'invalid_id', 'bad id', '{}', now())",
                [run_id, row + 2],
            )


def _run_check(check, path: Path) -> dg.AssetCheckResult:
    # A directly invoked check runs as run "EPHEMERAL".
    return check(dg.build_asset_check_context(), warehouse=DuckDBResource(database=str(path)))


def test_qua_acc_01_rows_in_equal_rows_loaded_plus_quarantined(landing_warehouse):
    _audit(landing_warehouse, "EPHEMERAL", 4, 3, 1, "2026-01-02T02:00:00+00:00")
    assert _run_check(_landing_check("rows_accounted"), landing_warehouse).passed


def test_qua_acc_01_fails_when_a_row_is_unaccounted_for(landing_warehouse):
    _audit(landing_warehouse, "EPHEMERAL", 5, 3, 1, "2026-01-02T02:00:00+00:00")
    assert not _run_check(_landing_check("rows_accounted"), landing_warehouse).passed


def test_raw_vol_03_volume_drop_against_the_previous_run(landing_warehouse):
    _audit(landing_warehouse, "previous", 10, 10, 0, "2026-01-01T02:00:00+00:00")
    _audit(landing_warehouse, "EPHEMERAL", 3, 3, 0, "2026-01-02T02:00:00+00:00")
    result = _run_check(_landing_check("volume_not_dropped"), landing_warehouse)
    assert not result.passed and "dropped from 10 to 3" in result.description


def test_raw_vol_03_steady_volume_passes(landing_warehouse):
    _audit(landing_warehouse, "previous", 4, 4, 0, "2026-01-01T02:00:00+00:00")
    _audit(landing_warehouse, "EPHEMERAL", 3, 3, 0, "2026-01-02T02:00:00+00:00")
    assert _run_check(_landing_check("volume_not_dropped"), landing_warehouse).passed


# Staging gate
def _staged_postings(rows: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_posting_id": [str(i) for i in range(rows)],
            "job_title": ["Kasir"] * rows,
            "description": ["Melayani pembeli."] * rows,
            "salary_currency": ["IDR"] * rows,
            "salary_period": ["monthly"] * rows,
            "salary_min": [3_000_000.0] * rows,
            "salary_max": [4_000_000.0] * rows,
            "source_file": ["a.csv"] * rows,
            "source_row": list(range(2, rows + 2)),
            "is_posted_after_seen": [False] * rows,
        }
    )


def test_staging_suite_passes_good_postings():
    assert _not_met("staging_lokerid_postings", _staged_postings()) == {
        "error": set(),
        "warning": set(),
    }


@pytest.mark.parametrize(
    ("standard", "severity", "breaks"),
    [
        ("STG-VOL-01", "error", lambda f: f.head(0)),
        ("STG-KEY-01", "error", lambda f: f.assign(source_row=[2] * len(f))),
        ("STG-CMP-01", "error", lambda f: f.assign(job_title=[None] * len(f))),
        ("STG-CMP-02", "warning", lambda f: f.assign(description=[None] * len(f))),
        ("STG-DOM-01", "error", lambda f: f.assign(salary_period=["fortnight"] * len(f))),
        ("STG-DOM-02", "warning", lambda f: f.assign(salary_currency=["XYZ"] * len(f))),
        ("STG-VAL-01", "error", lambda f: f.assign(salary_max=[1_000_000.0] * len(f))),
        ("STG-DAT-01", "error", lambda f: f.assign(is_posted_after_seen=[True] * len(f))),
    ],
)
def test_staging_standard_fails_on_its_fault(standard, severity, breaks):
    frame = breaks(_staged_postings())
    not_met = _not_met("staging_lokerid_postings", frame)
    assert standard in not_met[severity], not_met
    if standard != "STG-VOL-01":  # an empty batch also fails the empty-batch rule
        assert not_met[severity] == {standard}


def _ump() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "wage_year": [2023, 2024],
            "province_name": ["Aceh", "Aceh"],
            "minimum_wage_monthly_idr": [3_413_666.0, 3_460_672.0],
            "is_province_known": [True, True],
        }
    )


def test_staging_ump_suite_passes_and_stg_val_02_and_ref_01_fail_on_their_faults():
    assert _not_met("staging_ump_province_minimum_wages", _ump())["error"] == set()
    _assert_only(
        "staging_ump_province_minimum_wages",
        _ump().assign(minimum_wage_monthly_idr=[3_413_666.0, 34_606_720_000.0]),
        "STG-VAL-02",
    )
    _assert_only(
        "staging_ump_province_minimum_wages",
        _ump().assign(is_province_known=[True, False]),
        "STG-REF-01",
    )


def test_staging_sakernas_referential_integrity_to_dim_region():
    persons = pd.DataFrame(
        {
            "person_id": ["1", "2"],
            "sex_code": ["1", "2"],
            "age_years": [30, 41],
            "survey_weight": [120.5, 98.0],
            "is_province_in_dim_region": [True, True],
            "is_regency_in_dim_region": [True, True],
        }
    )
    assert _not_met("staging_sakernas_persons", persons)["error"] == set()
    _assert_only(
        "staging_sakernas_persons",
        persons.assign(is_province_in_dim_region=[True, False]),
        "STG-REF-01",
    )


# Publication gate
def _published_postings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "posting_id": ["a:1", "a:2"],
            "source": ["a", "a"],
            "first_seen_date": [dt.date(2025, 7, 1)] * 2,
            "last_seen_date": [dt.date(2025, 7, 9)] * 2,
            "is_posted_in_future": [False, False],
            "is_seen_in_future": [False, False],
        }
    )


@pytest.mark.parametrize(
    ("standard", "breaks"),
    [
        ("PUB-KEY-01", lambda f: f.assign(posting_id=["a:1", "a:1"])),
        ("PUB-DAT-01", lambda f: f.assign(is_posted_in_future=[False, True])),
        ("PUB-DAT-02", lambda f: f.assign(first_seen_date=[dt.date(2025, 7, 10)] * 2)),
    ],
)
def test_publication_standard_fails_on_its_fault(standard, breaks):
    assert _not_met("publication_fct_vacancy_postings", _published_postings())["error"] == set()
    _assert_only("publication_fct_vacancy_postings", breaks(_published_postings()), standard)


def test_pub_vol_01_an_empty_mart_fails():
    not_met = _not_met("publication_fct_vacancy_postings", _published_postings().head(0))
    assert "PUB-VOL-01" in not_met["error"]


def _indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2020-08", "2020-08"],
            "area_level": ["province", "province"],
            "area_code": ["15", "15"],
            "breakdown": ["total", "total"],
            "indicator": ["tpt", "employed"],
            "rate_percent": [5.13, None],
            "count_value": [None, 1_700_000.0],
            "is_area_in_dim_region": [True, True],
        }
    )


def test_publication_indicators_pass_and_fail_on_range_and_reference():
    assert _not_met("publication_labour_force_indicators", _indicators())["error"] == set()
    _assert_only(
        "publication_labour_force_indicators",
        _indicators().assign(rate_percent=[513.0, None]),
        "PUB-VAL-01",
    )
    _assert_only(
        "publication_labour_force_indicators",
        _indicators().assign(is_area_in_dim_region=[True, False]),
        "PUB-REF-01",
    )


def test_publication_minimum_wages_pass_and_fail_on_pub_val_02():
    wages = pd.DataFrame(
        {
            "province_kemendagri_code": ["11"],
            "wage_year": [2024],
            "minimum_wage_monthly_idr": [3_460_672.0],
            "is_province_in_dim_region": [True],
        }
    )
    assert _not_met("publication_fct_minimum_wages", wages)["error"] == set()
    _assert_only(
        "publication_fct_minimum_wages",
        wages.assign(minimum_wage_monthly_idr=[3460.0]),
        "PUB-VAL-02",
    )


def test_pub_vac_01_every_published_posting_is_validated():
    ok = pd.DataFrame(
        {"postings_validated": [10], "postings_published": [10], "postings_without_validation": [0]}
    )
    assert _not_met("publication_fct_vacancy_validation", ok)["error"] == set()
    short = ok.assign(postings_validated=[9], postings_without_validation=[1])
    _assert_only("publication_fct_vacancy_validation", short, "PUB-VAC-01")


def test_pub_coh_01_tpt_far_from_bps_warns():
    close = pd.DataFrame({"tpt_difference_points": [0.002, None]})
    assert _not_met("coherence_tpt_bps", close) == {"error": set(), "warning": set()}
    _assert_only(
        "coherence_tpt_bps", pd.DataFrame({"tpt_difference_points": [2.5]}), "PUB-COH-01", "warning"
    )
