"""The administrative sources through the whole nightly job: landing, dbt, published marts.

Uses the shared whole-job run of `whole_job_run.py` (one `lmis run` per test process, also used
by tests/test_personal_data.py). Values are checked against what the sources hold: 57 Karirhub
vacancies and 1,765 MagangHub positions, the synthetic sets' manifests, and the WLKP totals.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from whole_job_run import REPO, whole_job_run  # noqa: E402

ADMIN_MARTS = REPO / "dbt_project" / "models" / "marts" / "admin" / "_admin__models.yml"
SYNTHETIC_MARTS = ("fct_job_seekers", "fct_placements", "fct_company_workforce")


@pytest.fixture(scope="module")
def run():
    return whole_job_run()


@pytest.fixture(scope="module")
def marts(run) -> dict[str, pl.DataFrame]:
    assert run.completed.returncode == 0, run.completed.stderr[-5000:]
    names = (*SYNTHETIC_MARTS, "fct_portal_vacancies", "labour_market_tightness", "dim_region")
    return {name: pl.read_parquet(run.marts / f"{name}.parquet") for name in names}


def test_the_run_lands_every_admin_source_and_balances(run) -> None:
    assert run.completed.returncode == 0, run.completed.stderr[-5000:]
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        audit = con.execute(
            "select source, sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
            "from raw.load_audit where source in ('karirhub_details', 'karirhub_listing', "
            "'karirhub_rss', 'maganghub_positions', 'ak1_job_seekers', 'ak1_placements', 'wlkp') "
            "group by source"
        ).fetchall()
    assert {row[0]: tuple(row[1:]) for row in audit} == {
        "karirhub_details": (57, 57, 0),
        "karirhub_listing": (30, 30, 0),
        "karirhub_rss": (30, 30, 0),
        "maganghub_positions": (1765, 1765, 0),
        "ak1_job_seekers": (3000, 2963, 37),
        "ak1_placements": (415, 415, 0),
        "wlkp": (15523, 15523, 0),
    }
    log = run.completed.stderr
    assert "quarantined 15 rows of ak1_job_seekers (nik_scientific_notation)" in log


def test_portal_vacancies_hold_every_karirhub_and_maganghub_vacancy(marts) -> None:
    vacancies = marts["fct_portal_vacancies"]
    assert vacancies["portal_vacancy_id"].is_unique().all()
    assert dict(vacancies.group_by("portal").len().iter_rows()) == {
        "karirhub": 57,
        "maganghub": 1765,
    }
    karirhub = vacancies.filter(pl.col("portal") == "karirhub")
    assert karirhub["is_in_detail_api"].all()
    assert karirhub["is_in_listing"].sum() == 30 and karirhub["is_in_rss_feed"].sum() == 30
    assert karirhub["is_partner_repost"].sum() == 15
    assert set(karirhub.filter("is_partner_repost")["partner_platform_name"]) == {"HiredToday"}
    assert dict(karirhub.group_by("required_sex").len().iter_rows()) == {
        None: 46,
        "male": 7,
        "female": 4,
    }
    assert karirhub["is_salary_shown"].sum() == 32
    assert not vacancies["is_synthetic"].any()


def test_every_vacancy_region_is_a_dim_region_key(marts) -> None:
    vacancies, regions = marts["fct_portal_vacancies"], marts["dim_region"]
    keys = set(regions["region_id"])
    assert vacancies["region_id"].null_count() == 0
    assert set(vacancies["region_id"]) <= keys
    assert set(vacancies["province_region_id"]) <= keys
    assert vacancies["region_id"].str.starts_with("regency-").all()


def test_titles_are_coded_to_kbji_once_per_distinct_title(run, marts) -> None:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        titles = con.sql("select * from intermediate.int_admin_titles_coded").pl()
    assert titles["job_title"].is_unique().all()
    assert set(titles["occupation_coding_status"]) <= {"coded", "no_job_words"}
    assert titles["kbji4"].str.contains(r"^\d{4}$").sum() == titles["kbji4"].drop_nulls().len()
    for name, title in (
        ("fct_portal_vacancies", "vacancy_title"),
        ("fct_job_seekers", "desired_jabatan_title"),
        ("fct_company_workforce", "jabatan_title"),
    ):
        frame = marts[name]
        coded_share = frame["kbji4"].is_not_null().mean()
        assert coded_share > 0.95, (name, coded_share)
        joined = (
            frame.select(title, "kbji4")
            .unique()
            .join(
                titles.select(pl.col("job_title").alias(title), pl.col("kbji4").alias("expected")),
                on=title,
                how="left",
            )
        )
        assert (joined["kbji4"] == joined["expected"]).fill_null(True).all(), name


def test_job_seekers_and_placements_are_pseudonymised_and_synthetic(marts) -> None:
    seekers, placements = marts["fct_job_seekers"], marts["fct_placements"]
    assert seekers.height == 2963 and placements.height == 415
    for frame, column in ((seekers, "job_seeker_id"), (placements, "placement_id")):
        assert frame[column].str.contains(r"^[0-9a-f]{64}$").all()
        assert frame["is_synthetic"].all()
    assert not {"full_name", "nik", "phone", "email", "birth_date", "disability_type"} & set(
        seekers.columns
    )
    # 412 of the 415 placements belong to registrations that loaded; 3 to quarantined rows.
    assert placements["is_job_seeker_in_register"].sum() == 412
    assert seekers["is_placed"].sum() == 412
    assert dict(placements.group_by("placement_kind").len().iter_rows()) == {
        "AKL": 348,
        "AKAD": 57,
        "AKAN": 10,
    }


def test_company_workforce_adds_up_to_the_wlkp_manifest(run, marts) -> None:
    workforce = marts["fct_company_workforce"]
    manifest = json.loads((run.data / "synthetic/wlkp/wlkp_synthetic_manifest.json").read_text())
    totals = [f["totals"] for f in manifest["files"]]
    assert workforce["workers"].sum() == sum(t["workers_total"] for t in totals)
    by_relation = dict(
        workforce.group_by("employment_relation", "sex")
        .agg(pl.col("workers").sum())
        .select(pl.concat_str("employment_relation", "sex", separator="_"), "workers")
        .iter_rows()
    )
    manifest_names = {
        "pkwtt_male": "workers_pkwtt_male",
        "pkwt_female": "workers_pkwt_female",
        "outsourced_male": "workers_outsourced_male",
        "foreign_tka_female": "foreign_workers_female",
    }
    for key, column in manifest_names.items():
        assert by_relation[key] == sum(t[column] for t in totals), key
    assert workforce["wlkp_company_id"].n_unique() == manifest["companies"]
    assert workforce["is_synthetic"].all()
    assert workforce["kbli_code"].null_count() == 0


def test_tightness_counts_open_places_and_registered_job_seekers(marts) -> None:
    tightness, vacancies = marts["labour_market_tightness"], marts["fct_portal_vacancies"]
    seekers = marts["fct_job_seekers"]
    # Both portals' dumps are from October 2025, so that is the only month observed.
    assert tightness["period"].unique().to_list() == ["2025-10"]
    assert tightness["open_places"].sum() == vacancies["places_open"].sum()
    assert tightness["open_vacancy_postings"].sum() == vacancies.height
    # Registered in October: every loaded registration (January-June 2025, cards valid two
    # years) not placed before October; the synthetic placements all fall in January-June.
    assert tightness["registered_job_seekers"].sum() == seekers.filter(~pl.col("is_placed")).height
    assert tightness["is_synthetic"].all()
    both = tightness.filter((pl.col("open_places") > 0) & (pl.col("registered_job_seekers") > 0))
    ratio = both["open_places"] / both["registered_job_seekers"]
    assert (both["vacancies_per_job_seeker"] - ratio).abs().max() < 1e-9


def test_synthetic_marts_say_so_in_their_descriptions() -> None:
    models = {m["name"]: m for m in yaml.safe_load(ADMIN_MARTS.read_text())["models"]}
    for name in (*SYNTHETIC_MARTS, "labour_market_tightness"):
        assert "SYNTHETIC" in models[name]["description"], name
        assert "is_synthetic" in {c["name"] for c in models[name]["columns"]}, name
    assert "Real data" in models["fct_portal_vacancies"]["description"]
