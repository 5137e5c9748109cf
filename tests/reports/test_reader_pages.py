"""What a reader needs on the page: the listed occupations' evidence first in cut tables, the
sources and their periods, shares in per cent, downloads that hold numbers (review s12)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import polars as pl
import pytest

from reports import sources
from reports.critical_occupations.report import (
    ROWS_FIRST,
    build_critical_occupations_reports,
    first_status,
    ordered_indicator_rows,
    ordered_sensitivity,
    with_units,
)
from reports.labels import source_name
from reports.skills_outlook.report import build_skills_outlook_reports

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_marts import write_evidence, write_fixture_marts, write_skills_fixture  # noqa: E402

CONFIG = {"indicators": {"employment_growth": {}, "hours_growth": {}, "vacancy_growth": {}}}


def test_listed_occupations_rows_come_first_with_their_minor_group():
    """Regression: rows sorted level 3 first, codes up; the cut at 300 of 3,597 rows hid
    the evidence of 17 of the 19 listed occupations (313, 325 and every 4-digit row)."""
    signals = pl.DataFrame(
        {
            "level": [3, 3, 4, 4, 4],
            "unit_code": ["011", "313", "0110", "3134", "3134"],
            "indicator": ["hours_growth"] * 3 + ["vacancy_growth", "employment_growth"],
            "value": [0.1] * 5,
        }
    )
    occupations = pl.DataFrame(
        {"kbji_code": ["3134"], "status": ["listed"], "scored_level": [3], "scored_code": ["313"]}
    )
    ordered = ordered_indicator_rows(signals, occupations, CONFIG)
    assert ordered.select("unit_code", "indicator").rows() == [
        ("313", "hours_growth"),
        ("3134", "employment_growth"),  # the configuration's order, not the names'
        ("3134", "vacancy_growth"),
        ("011", "hours_growth"),
        ("0110", "hours_growth"),
    ]


def test_with_nothing_listed_the_shortage_rows_come_first_and_the_page_says_so():
    """With the significance rule nothing is listed on the shipped data: the sentence under a
    cut table must not claim the listed occupations' rows come first without saying there are
    none."""
    signals = pl.DataFrame(
        {
            "level": [4, 4],
            "unit_code": ["0110", "2512"],
            "indicator": ["hours_growth"] * 2,
            "value": [0.1] * 2,
        }
    )
    occupations = pl.DataFrame(
        {
            "kbji_code": ["0110", "2512"],
            "status": ["not_listed", "shortage_not_critical"],
            "scored_level": [4, 4],
            "scored_code": ["0110", "2512"],
        }
    )
    assert ordered_indicator_rows(signals, occupations, CONFIG)["unit_code"].to_list() == [
        "2512",
        "0110",
    ]
    status = first_status(occupations)
    assert "(there are none)" in ROWS_FIRST["en"][status]
    assert "(tidak ada)" in ROWS_FIRST["id"][status]
    assert "no occupation is listed" in ROWS_FIRST["en"][first_status(occupations.head(1))]


def test_sensitivity_rows_listed_in_the_base_come_first():
    changed = pl.DataFrame(
        {"kbji_code": ["1111", "2222", "3333"], "base": ["not_listed", "not_listed", "listed"]}
        | {"other": ["not_listed", "listed", "not_listed"]}
    )
    assert ordered_sensitivity(changed, ["other"])["kbji_code"].to_list() == [
        "3333",
        "2222",
        "1111",
    ]


def test_indicator_values_are_shown_in_their_units():
    """Regression: growth shown as the fraction -0,105 with no unit."""
    signals = pl.DataFrame(
        {"indicator": ["employment_growth", "vacancy_duration_days"], "value": [-0.105, 12.0]}
    )
    shown = with_units(signals, "en")
    assert shown["value"].to_list() == pytest.approx([-10.5, 12.0])
    assert shown["unit"].to_list() == ["% per year", "days"]


@pytest.fixture(scope="module")
def col_output(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("col")
    marts = write_fixture_marts(root / "marts")
    evidence = write_evidence(root / "employer_evidence.csv")
    build_critical_occupations_reports(marts, root / "out", evidence, pdf=False)
    return root / "out"


@pytest.mark.parametrize(
    ("language", "heading", "downloads"),
    [
        ("id", "Sumber dan periode", "CSV untuk dibaca mesin"),
        ("en", "Sources and periods", "CSV is machine-readable"),
    ],
)
def test_col_page_names_its_sources_periods_and_data_version(
    col_output, language, heading, downloads
):
    """Regression: no reference periods, source dates or release on the page."""
    page = (col_output / f"critical-occupations.{language}.html").read_text(encoding="utf-8")
    assert f"<h2>{heading}</h2>" in page
    assert downloads in page
    block = page[page.index(f"<h2>{heading}</h2>") :]
    assert "2024-06-01" in block  # the employer evidence's collection date, from the file
    assert ("Versi data: " if language == "id" else "Data version: ") in block


def test_settings_downloads_hold_numbers_not_page_text(col_output):
    """Regression: the Indonesian settings CSV/XLSX held the page's text "0,75"."""
    from openpyxl import load_workbook

    for language in ("id", "en"):
        csv = (col_output / f"critical-occupations.settings.{language}.csv").read_text()
        assert "0,75" not in csv and "0.75" in csv
        workbook = load_workbook(
            io.BytesIO((col_output / f"critical-occupations.settings.{language}.xlsx").read_bytes())
        )
        numbers = [row[3] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
        assert 0.75 in numbers


def test_skill_shares_are_per_cent_with_board_coverage(tmp_path):
    """Regression: shares as fractions ("0,056") beside a "%" trend table; no word that the
    share of postings with a skill found depends on the board."""
    marts, esco = write_skills_fixture(tmp_path / "skills")
    build_skills_outlook_reports(marts, tmp_path / "out", esco, pdf=False)
    overall = pl.read_csv(tmp_path / "out" / "skills-outlook.overall.en.csv")
    assert overall["share_of_postings"].max() > 1  # per cent, not a fraction
    assert "caution" in overall.columns
    coverage = pl.read_csv(tmp_path / "out" / "skills-outlook.board_coverage.en.csv")
    assert {"source", "postings", "postings_with_skill", "share_with_skill"} <= set(
        coverage.columns
    )
    page = (tmp_path / "out" / "skills-outlook.en.html").read_text(encoding="utf-8")
    assert "depend on the boards" in page
    assert "ESCO skill names are shown in English" in page  # said in both languages


def test_source_names_and_dates():
    """The synthetic Sakernas source was shown as "sakernas synthetic"."""
    assert source_name("sakernas_synthetic", "id") == "Sakernas sintetis (uji metode)"
    assert sources.dates_text(["2024-08-22"], "en") == "collected on 2024-08-22"
    assert sources.periods_text([f"{y}-08" for y in range(2015, 2025)], "id") == (
        "10 ronde: 2015-08 s.d. 2024-08"
    )


def test_per_cents_are_shown_to_one_decimal_and_downloaded_whole(tmp_path):
    from reports.critical_occupations.rendering import Page

    page = Page("t", "id", tmp_path, "t")
    page.table(
        pl.DataFrame({"share": [12.3456]}), "s", {}, numeric={"share"}, decimals={"share": 1}
    )
    assert "<td class='num'>12,3</td>" in "".join(page.sections)
    assert "12.3456" in (tmp_path / "t.s.id.csv").read_text()


def test_quality_report_names_its_sources_with_their_dates_and_the_run():
    """M2 on the data-quality report: each source with its latest posting and crawl, and the
    run that wrote the page; the synthetic Sakernas source by its name."""
    import datetime as dt

    from reports.quality_report import QualityFigures, render

    empty = pl.DataFrame()
    figures = QualityFigures(
        run_id="run-7",
        generated_at=dt.datetime(2026, 12, 4, 19, 0, tzinfo=dt.UTC),
        published_in_run=True,
        marts_built_in_run=True,
        last_publication=None,
        checks=empty,
        step_failures=empty,
        volumes=pl.DataFrame(
            {"source": ["lokerid", "sakernas_synthetic"], "rows_loaded": [2229, 152830]}
        ),
        quarantine=empty,
        raw_completeness=empty,
        vacancy_completeness=empty,
        validation=empty,
        freshness=pl.DataFrame(
            {
                "source": ["lokerid"],
                "latest_posted_date": ["2025-07-09"],
                "latest_seen_date": ["2025-07-09"],
            }
        ),
        coherence=empty,
        published_files=empty,
    )
    page = render(figures, "en")
    block = page[page.index("<h2>Sources and periods</h2>") :]
    assert "postings up to 2025-07-09; latest crawl 2025-07-09" in block
    assert "Synthetic Sakernas (method test)" in block and "sakernas synthetic" not in page
    assert "Run run-7, generated 2026-12-05 02:00 WIB." in block
