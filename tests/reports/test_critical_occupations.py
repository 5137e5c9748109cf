"""The Critical Occupations List from fixture marts whose right answers are known."""

from __future__ import annotations

import html
import re
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from reports.critical_occupations import scoring, wording
from reports.critical_occupations.report import build_critical_occupations_reports

# The fixture builder sits beside the tests (pytest runs with --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_marts import (  # noqa: E402
    HOSTILE_TITLE,
    MUST_BE_LISTED,
    MUST_BE_UNDETERMINED,
    MUST_NOT_BE_LISTED,
    SCORED_AT_MINOR_GROUP,
    write_evidence,
    write_fixture_marts,
)


def _score(marts_dir: Path, config: dict, evidence: Path | None = None) -> dict:
    return scoring.score(scoring.read_marts(marts_dir, evidence, config), config)


def _status(results: dict, code: str) -> dict:
    rows = results["occupations"].filter(pl.col("kbji_code") == code).to_dicts()
    assert len(rows) == 1, code
    return rows[0]


def test_occupation_rising_on_every_indicator_is_listed_with_its_reasons(marts_dir, config):
    listed = _status(_score(marts_dir, config), MUST_BE_LISTED)
    assert listed["status"] == scoring.STATUS_LISTED
    assert listed["scored_code"] == MUST_BE_LISTED
    assert listed["usable_indicators"] == 3  # no unemployment rate by occupation in the fixture
    assert listed["shortage_score"] == pytest.approx(1.0)
    assert listed["reason_codes"].split(",") == [
        "EMPLOYMENT_GROWING",
        "HOURS_RISING",
        "WAGES_RISING_FAST",
    ]
    assert listed["strategic_sectors"] == "J"


def test_occupation_with_only_suppressed_estimates_is_undetermined_not_unlisted(marts_dir, config):
    undetermined = _status(_score(marts_dir, config), MUST_BE_UNDETERMINED)
    assert undetermined["status"] == scoring.STATUS_UNDETERMINED
    assert undetermined["usable_indicators"] == 0
    assert undetermined["reason_codes"] == ""


def test_flat_occupation_is_not_listed(marts_dir, config):
    flat = _status(_score(marts_dir, config), MUST_NOT_BE_LISTED)
    assert flat["status"] == scoring.STATUS_NOT_LISTED
    assert flat["shortage_score"] == pytest.approx(0.0)


def test_thin_unit_group_is_scored_at_its_minor_group(marts_dir, config):
    thin = _status(_score(marts_dir, config), SCORED_AT_MINOR_GROUP)
    assert (thin["scored_level"], thin["scored_code"]) == (3, SCORED_AT_MINOR_GROUP[:3])
    assert thin["status"] == scoring.STATUS_LISTED


def test_growth_value_is_the_annualised_change_over_the_configured_years(marts_dir, config):
    values = _score(marts_dir, config)["values"]
    growth = values.filter(
        pl.col("unit_code") == MUST_BE_LISTED, pl.col("indicator") == "employment_growth"
    ).row(0, named=True)
    # 2021 -> 2024: one year at 1% then two at 12%, annualised over three years.
    assert growth["value"] == pytest.approx((1.01 * 1.12 * 1.12) ** (1 / 3) - 1)
    assert growth["is_usable"]


def test_unreliable_estimate_does_not_count(marts_dir, config):
    path = marts_dir / "labour_force_indicators_synthetic.parquet"
    survey = pl.read_parquet(path).with_columns(
        pl.when(pl.col("breakdown") == f"kbji4={MUST_BE_LISTED}", pl.col("period") == "2024-08")
        .then(pl.lit("unreliable"))
        .otherwise(pl.col("reliability"))
        .alias("reliability")
    )
    survey.write_parquet(path)
    results = _score(marts_dir, config)
    values = results["values"].filter(pl.col("unit_code") == MUST_BE_LISTED)
    assert not values["is_usable"].any()
    assert set(values["unusable_reason"].to_list()) >= {"2024-08:rse_class:unreliable"}
    # With nothing usable at 4 digits, the occupation falls back to its minor group 251.
    assert _status(results, MUST_BE_LISTED)["scored_code"] == "251"


def test_employer_evidence_counts_as_an_auditable_indicator(marts_dir, config, tmp_path):
    evidence = write_evidence(tmp_path / "employer_evidence.csv")
    results = _score(marts_dir, config, evidence)
    listed = _status(results, MUST_BE_LISTED)
    assert "EMPLOYER_REPORTED_SHORTAGE" in listed["reason_codes"]
    rows = results["values"].filter(pl.col("indicator") == "employer_evidence")
    too_few = rows.filter(pl.col("unit_code") == MUST_NOT_BE_LISTED, pl.col("level") == 4)
    assert too_few["unusable_reason"].to_list() == ["too_few_respondents"]
    assert "fx-1" in rows.filter(pl.col("unit_code") == MUST_BE_LISTED)["evidence"][0]


def test_vacancy_indicators_with_coded_postings(tmp_path, config):
    marts_dir = write_fixture_marts(tmp_path / "marts", coded_postings=True)
    values = _score(marts_dir, config)["values"].filter(
        pl.col("unit_code") == MUST_BE_LISTED, pl.col("level") == 4
    )
    by_name = {r["indicator"]: r for r in values.iter_rows(named=True)}
    # 80 postings 9 days apart: 41 in the last 365 days, 39 in the year before.
    assert by_name["vacancy_growth"]["value"] == pytest.approx(41 / 40 - 1, abs=0.06)
    assert by_name["vacancy_duration_days"]["value"] == pytest.approx(45.0)
    assert by_name["vacancies_per_1000_employed"]["is_usable"]


def test_uncoded_postings_give_no_vacancy_indicator(marts_dir, config):
    values = _score(marts_dir, config)["values"]
    assert values.filter(pl.col("indicator").str.starts_with("vacanc")).height == 0


def test_sensitivity_table_reruns_each_scenario(marts_dir, config):
    table = _score(marts_dir, config)["sensitivity"]
    assert table.columns == ["kbji_code", "base", *(s["name"] for s in config["sensitivity"])]
    row = table.filter(pl.col("kbji_code") == MUST_NOT_BE_LISTED).row(0, named=True)
    # Requiring four reliable indicators makes the three-indicator occupations undetermined.
    assert row["more_indicators_required"] == scoring.STATUS_UNDETERMINED
    assert row["base"] == scoring.STATUS_NOT_LISTED
    assert table.filter(pl.col("kbji_code") == MUST_BE_LISTED)["wages_weigh_double"].to_list() == [
        scoring.STATUS_LISTED
    ]


def test_the_sensitivity_base_is_the_reported_list(marts_dir, config):
    scored = _score(marts_dir, config)
    reported = scored["occupations"].select("kbji_code", base="status").sort("kbji_code")
    assert scored["sensitivity"].select("kbji_code", "base").sort("kbji_code").equals(reported)
    alone = scoring.sensitivity(scored["values"], config).sort("kbji_code")
    assert alone.equals(scored["sensitivity"].sort("kbji_code"))


def test_run_log_says_which_configuration_each_scored_count_is_of(marts_dir, config, caplog):
    caplog.set_level("INFO", logger=scoring.__name__)
    _score(marts_dir, config)
    scored = [r.getMessage() for r in caplog.records if "occupations scored" in r.getMessage()]
    scenarios = [s["name"] for s in config["sensitivity"]]
    # The list the report shows (also the sensitivity table's base: scored once) and one line per
    # scenario, each named.
    assert len(scored) == 1 + len(scenarios)
    assert scored[0].startswith("critical occupations, the list as reported: occupations scored")
    for line, name in zip(scored[1:], scenarios, strict=True):
        assert line.startswith(f"critical occupations, sensitivity scenario {name}: ")
    assert all("by status" in line for line in scored)


def test_weight_override_changes_the_score(marts_dir, config):
    values = scoring.compute_indicator_values(scoring.read_marts(marts_dir, None, config), config)
    # All weight on employment growth: the override must reach every signal row.
    weights = {name: 0.0 for name in config["indicators"]} | {"employment_growth": 1.0}
    signals, _ = scoring.evaluate(values, {**config, "weights": weights})
    used = signals.filter(pl.col("unit_code") == MUST_BE_LISTED, pl.col("is_usable"))
    assert dict(zip(used["indicator"], used["weight"], strict=True)) == {
        "employment_growth": 1.0,
        "relative_wage_growth": 0.0,
        "hours_growth": 0.0,
    }


def test_reports_in_both_languages_escape_scraped_text_and_footnote_synthetic(marts_dir, tmp_path):
    output = tmp_path / "out"
    written = build_critical_occupations_reports(marts_dir, output, None, pdf=False)
    names = {p.name for p in written}
    assert {"critical-occupations.id.html", "critical-occupations.en.html"} <= names
    assert {"critical-occupations.list.id.csv", "critical-occupations.list.en.xlsx"} <= names
    page_id = (output / "critical-occupations.id.html").read_text(encoding="utf-8")
    page_en = (output / "critical-occupations.en.html").read_text(encoding="utf-8")
    assert "<html lang='id'>" in page_id and "Daftar Jabatan Kritis" in page_id
    assert "<html lang='en'>" in page_en and "Critical Occupations List" in page_en
    assert HOSTILE_TITLE not in page_id
    assert html.escape(HOSTILE_TITLE) in page_id
    assert "SINTETIS" in page_id and "SYNTHETIC" in page_en
    assert "fct_portal_vacancies" in page_en  # the missing mart is named, not fatal
    # Plotly is embedded: no script is fetched from anywhere.
    assert not re.search(r"<script[^>]*\bsrc=", page_id)
    assert "Plotly" in page_id
    assert "Lampiran metodologi" in page_id and "Ambang skor kekurangan" in page_id
    listed = pl.read_csv(
        output / "critical-occupations.list.en.csv", schema_overrides={"kbji_code": pl.Utf8}
    )
    assert set(listed["kbji_code"]) == {MUST_BE_LISTED, SCORED_AT_MINOR_GROUP}
    sheet = load_workbook(output / "critical-occupations.list.id.xlsx").active
    assert sheet.cell(1, 1).value == "KBJI 2014"  # the Bahasa workbook has the page's headers
    assert load_workbook(output / "critical-occupations.list.en.xlsx").active["A1"].value == (
        "kbji_code"
    )
    assert {sheet.cell(r, 1).value for r in (2, 3)} == {MUST_BE_LISTED, SCORED_AT_MINOR_GROUP}


def test_report_builds_when_no_mart_is_published(tmp_path):
    empty = tmp_path / "marts"
    empty.mkdir()
    build_critical_occupations_reports(empty, tmp_path / "out", tmp_path / "none.csv", pdf=False)
    page = (tmp_path / "out" / "critical-occupations.en.html").read_text(encoding="utf-8")
    for name in ("labour_force_indicators_synthetic", "fct_vacancy_postings", "none.csv"):
        assert name in page
    assert "0 occupations listed" in page


def test_bahasa_tables_are_not_copies_of_the_english_ones(marts_dir, tmp_path):
    """Every `.id.csv` had the English tables' column names, several byte for byte the same."""
    output = tmp_path / "out"
    build_critical_occupations_reports(marts_dir, output, None, pdf=False)
    tables = sorted(output.glob("critical-occupations.*.id.csv"))
    assert len(tables) >= 8
    for table in tables:
        english = table.with_name(table.name.replace(".id.csv", ".en.csv"))
        header_id = table.read_text(encoding="utf-8").splitlines()[0]
        header_en = english.read_text(encoding="utf-8").splitlines()[0]
        assert header_id != header_en, table.name
    header = (output / "critical-occupations.occupations.id.csv").read_text().splitlines()[0]
    assert header.startswith(
        "KBJI 2014,Jabatan,Tingkat kode yang dinilai (digit),Kode yang dinilai,Indikator andal,Skor"
    )
    settings = (output / "critical-occupations.settings.en.csv").read_text().splitlines()[0]
    assert settings == "setting,key,value,number"  # the English tables keep the column names


def _values(rows: list[tuple[int, str, str, float | None]]) -> pl.DataFrame:
    """Indicator values built in memory: (level, unit code, indicator, value)."""
    return pl.DataFrame(
        [
            {
                "level": level,
                "unit_code": code,
                "indicator": indicator,
                "value": value,
                "history": [],
                "is_usable": value is not None,
                "unusable_reason": None if value is not None else "no_data",
                "evidence": "",
                "is_synthetic": False,
            }
            for level, code, indicator, value in rows
        ],
        schema=scoring.VALUE_COLUMNS,
    )


def _signal(signals: pl.DataFrame, code: str, indicator: str) -> dict:
    return signals.filter(
        pl.col("level") == len(code), pl.col("unit_code") == code, pl.col("indicator") == indicator
    ).row(0, named=True)


def test_indicator_without_spread_is_unusable_and_signals_for_nobody(config):
    """Every posting seen on one day: 0 days for all; the quantile 0 passed every tie."""
    codes = [f"25{i:02d}" for i in range(10)]
    rows = [(4, c, "vacancy_duration_days", 0.0) for c in codes]
    rows += [(4, c, "employment_growth", float(i)) for i, c in enumerate(codes)]
    signals, occupations = scoring.evaluate(_values(rows), config)
    durations = signals.filter(pl.col("indicator") == "vacancy_duration_days")
    assert not durations["signals_shortage"].any()
    assert not durations["is_usable"].any()
    assert set(durations["unusable_reason"]) == {scoring.NO_SPREAD}
    assert set(occupations["usable_indicators"]) == {1}
    # Mostly tied at the lowest value and one above: the one stands apart and passes; the tied
    # ones, level with occupations outside the top share, do not.
    rows = [(4, c, "vacancy_duration_days", 5.0 if c == "2509" else 0.0) for c in codes]
    signals, _ = scoring.evaluate(_values(rows), config)
    assert signals["is_usable"].all()
    assert signals.filter(pl.col("passes_cross_section"))["unit_code"].to_list() == ["2509"]


def test_values_tied_at_the_threshold_do_not_pass_the_cross_section(config):
    # 0.75 quantile of 1, 2, 3, 4, 5, 5, 5, 5 is 5: half the occupations tie there, none is
    # above the values outside the top quarter.
    tied = [1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0]
    codes = [f"25{i:02d}" for i in range(len(tied))]
    rows = [(4, c, "employment_growth", v) for c, v in zip(codes, tied, strict=True)]
    signals, _ = scoring.evaluate(_values(rows), config)
    assert signals["is_usable"].all()
    assert not signals["passes_cross_section"].any()
    # Distinct values: only those strictly above the quantile (6.25) pass.
    rows = [(4, c, "employment_growth", float(i + 1)) for i, c in enumerate(codes)]
    signals, _ = scoring.evaluate(_values(rows), config)
    passing = signals.filter(pl.col("passes_cross_section"))["unit_code"].to_list()
    assert sorted(passing) == ["2506", "2507"]
    # Low is shortage (unemployment rate): strictly below the 0.25 quantile.
    rows = [(4, c, "unemployment_rate", 6.0 - v) for c, v in zip(codes, tied, strict=True)]
    signals, _ = scoring.evaluate(_values(rows), config)
    assert not signals["passes_cross_section"].any()


def test_codes_below_the_auto_code_threshold_await_a_coder_and_do_not_count(tmp_path, config):
    marts_dir = write_fixture_marts(tmp_path / "marts", coded_postings=True)
    path = marts_dir / "fct_vacancy_postings.parquet"
    # Every other posting's code is below the coder's threshold: a code, not an accepted one.
    postings = pl.read_parquet(path).with_row_index("row")
    postings.with_columns(is_occupation_coded=pl.col("row") % 2 == 0).drop("row").write_parquet(
        path
    )
    results = _score(marts_dir, config)
    values = results["values"].filter(pl.col("unit_code") == MUST_BE_LISTED, pl.col("level") == 4)
    growth = values.filter(pl.col("indicator") == "vacancy_growth").row(0, named=True)
    # 40 accepted postings over two years: about 20 a year, below min_postings (30).
    assert not growth["is_usable"]
    assert growth["unusable_reason"] == "too_few_postings"
    assert results["posting_coding"].row(0, named=True) == {
        "postings": 80,
        "with_code": 80,
        "accepted": 40,
        "awaiting_coder": 40,
    }
    output = tmp_path / "out"
    build_critical_occupations_reports(marts_dir, output, None, pdf=False)
    page_en = (output / "critical-occupations.en.html").read_text(encoding="utf-8")
    page_id = (output / "critical-occupations.id.html").read_text(encoding="utf-8")
    assert "40 of the 80 online vacancy postings with a KBJI 2014 code" in page_en
    assert "await a human coder" in page_en
    assert "40 dari 80 iklan lowongan daring berkode KBJI 2014" in page_id
    assert "menunggu pengode manusia" in page_id


def test_every_unit_group_of_dim_occupation_gets_one_status(marts_dir, config):
    path = marts_dir / "dim_occupation.parquet"
    dimension = pl.read_parquet(path)
    # 7121: no indicator at 4 or 3 digits; 2519: none at 4 digits, its minor group 251 has them.
    extra = pl.DataFrame(
        {
            "kbji_code": ["7121", "712", "2519"],
            "title_id": ["Jabatan 7121", "Jabatan 712", "Jabatan 2519"],
            "isco08_title_en": ["Occupation 7121", "Occupation 712", "Occupation 2519"],
        }
    )
    pl.concat([dimension, extra]).write_parquet(path)
    results = _score(marts_dir, config)
    codes = results["occupations"]["kbji_code"].to_list()
    assert len(codes) == len(set(codes))
    assert {c for c in pl.concat([dimension, extra])["kbji_code"] if len(c) == 4} <= set(codes)
    nothing = _status(results, "7121")
    assert nothing["status"] == scoring.STATUS_UNDETERMINED
    assert nothing["usable_indicators"] == 0
    sibling = _status(results, "2519")
    assert (sibling["scored_code"], sibling["status"]) == ("251", scoring.STATUS_LISTED)
    assert set(results["sensitivity"]["kbji_code"]) == set(codes)


def test_sensitivity_summary_counts_status_changes_and_list_moves_apart(marts_dir, tmp_path):
    output = tmp_path / "out"
    build_critical_occupations_reports(marts_dir, output, None, pdf=False)
    table = _score(marts_dir, scoring.load_config())["sensitivity"]
    summary = pl.read_csv(output / "critical-occupations.sensitivity_summary.en.csv")
    assert summary.columns == ["scenario", "listed", "changed", "listed_changed"]
    row = summary.filter(pl.col("scenario") == "more indicators required").row(0, named=True)
    changed = table.filter(pl.col("more_indicators_required") != pl.col("base"))
    base_listed = set(table.filter(pl.col("base") == "listed")["kbji_code"])
    here = set(table.filter(pl.col("more_indicators_required") == "listed")["kbji_code"])
    # not_listed -> undetermined is a change of status without a move across the list's edge.
    assert row["changed"] == changed.height > row["listed_changed"] == len(here ^ base_listed)
    page_en = (output / "critical-occupations.en.html").read_text(encoding="utf-8")
    page_id = (output / "critical-occupations.id.html").read_text(encoding="utf-8")
    assert "Status changed from base" in page_en
    assert "Moved into or out of the list from base" in page_en
    assert "Status berubah dibanding skenario dasar" in page_id
    assert "Masuk atau keluar daftar dibanding skenario dasar" in page_id


def _portal(closing: date, filled: int | None, rows: int = 40) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kbji4": [MUST_BE_LISTED] * rows,
            "places_filled": [filled] * rows,
            "places_total": [2] * rows,
            "closing_date": [closing] * rows,
            "portal_snapshot_date": [date(2025, 6, 1)] * rows,
            "is_synthetic": [True] * rows,
        },
        schema_overrides={"places_filled": pl.Int64},
    )


@pytest.mark.parametrize(
    ("portal", "reason"),
    [
        # Still open on the snapshot day, or closed without its filled places: nothing to use.
        (_portal(date(2025, 12, 1), 1), scoring.NO_CLOSED_VACANCIES),
        (_portal(date(2025, 1, 1), None), scoring.NO_CLOSED_VACANCIES),
        (None, "no_data"),
    ],
)
def test_hard_to_fill_without_closed_vacancies_shows_as_no_data(
    marts_dir, config, tmp_path, portal, reason
):
    if portal is not None:
        portal.write_parquet(marts_dir / "fct_portal_vacancies.parquet")
    results = _score(marts_dir, config)
    signals = results["signals"].filter(pl.col("indicator") == "hard_to_fill_share")
    scored = {(r["level"], r["unit_code"]) for r in results["values"].iter_rows(named=True)}
    assert {(r["level"], r["unit_code"]) for r in signals.iter_rows(named=True)} == scored
    assert set(signals["unusable_reason"]) == {reason}
    assert not signals["is_usable"].any()
    output = tmp_path / "out"
    build_critical_occupations_reports(marts_dir, output, None, pdf=False)
    table = pl.read_csv(
        output / "critical-occupations.indicators.en.csv", schema_overrides={"unit_code": pl.Utf8}
    )
    shown = table.filter(pl.col("indicator") == "share of portal vacancies hard to fill")
    assert shown.height and set(shown["unusable_reason"]) == {wording.unusable_label(reason, "en")}
    assert "no data" in shown["unusable_reason"][0]


def test_minor_group_fallback_says_which_unit_group_the_employer_evidence_is_about(
    marts_dir, config, tmp_path
):
    """Evidence names 2512 only; 2513, scored at 251, must not read as evidence about 2513."""
    evidence = write_evidence(tmp_path / "employer_evidence.csv")
    results = _score(marts_dir, config, evidence)
    sibling = _status(results, SCORED_AT_MINOR_GROUP)
    assert sibling["scored_code"] == "251"
    assert "EMPLOYER_REPORTED_SHORTAGE" in sibling["reason_codes"]
    assert sibling["evidence_about"] == MUST_BE_LISTED
    assert _status(results, MUST_BE_LISTED)["evidence_about"] == ""  # scored on its own rows
    output = tmp_path / "out"
    build_critical_occupations_reports(marts_dir, output, evidence, pdf=False)
    for language, said in (
        ("en", "employers report a shortage, scored at minor group 251; the employer evidence "
         "is about KBJI 2512 only"),
        ("id", "pemberi kerja melaporkan kekurangan, dinilai pada golongan 251; bukti pemberi "
         "kerja hanya tentang KBJI 2512"),
    ):  # fmt: skip
        listed = pl.read_csv(
            output / f"critical-occupations.list.{language}.csv", infer_schema_length=0
        )
        reasons = dict(zip(listed[:, 0], listed[:, 6], strict=True))
        assert said in reasons[SCORED_AT_MINOR_GROUP], language
        assert "KBJI 2512 only" not in reasons[MUST_BE_LISTED]
        assert "hanya tentang" not in reasons[MUST_BE_LISTED]
    indicators = pl.read_csv(
        output / "critical-occupations.indicators.en.csv", infer_schema_length=0
    )
    assert "10 respondents (fx-1) about KBJI 2512" in indicators["evidence"].to_list()
