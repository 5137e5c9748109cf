"""Indonesian reports write numbers the Indonesian way and in Indonesian words (found in a review).

The fault: `.id.html` reports showed "4.49% (100 of 2,229)" and English labels. Numbers now go
through `reports.formatting` in every report; English pages keep English formats.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import sys
from pathlib import Path

import polars as pl
import pytest

from reports.formatting import format_auto, format_number, format_percent
from reports.overview import build_overview_reports
from reports.quality_report import QualityFigures, build_quality_report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_marts import write_fixture_marts, write_overview_marts  # noqa: E402


@pytest.mark.parametrize(
    ("language", "number", "share", "small"),
    [("id", "1.234.567", "5,13 %", "0,125"), ("en", "1,234,567", "5.13%", "0.125")],
)
def test_one_helper_formats_numbers_per_language(language, number, share, small):
    assert format_number(1_234_567, language) == number
    assert format_percent(0.0513, language) == share
    assert format_auto(0.125, language) == small
    assert format_number(None, language) == ""


def _visible_text(page: str) -> str:
    page = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _quality_figures() -> QualityFigures:
    return QualityFigures(
        run_id="run-1",
        generated_at=dt.datetime(2026, 12, 4, 19, 0, tzinfo=dt.UTC),
        published_in_run=False,
        marts_built_in_run=True,
        last_publication={"run_id": "run-0", "published_at": "2026-12-03T19:00:00+00:00"},
        checks=pl.DataFrame(
            {
                "gate": ["publication"],
                "asset_key": ["marts/fct_vacancy_postings"],
                "check_name": ["publication_gate"],
                "status": ["failed"],
                "severity": ["ERROR"],
                "description": ["PUB-DAT-01"],
            }
        ),
        step_failures=pl.DataFrame(),
        volumes=pl.DataFrame(
            {"source": ["lokerid"], "rows_read": [1_234_567], "rows_loaded": [1_234_000]}
        ),
        quarantine=pl.DataFrame(),
        raw_completeness=pl.DataFrame(
            {"source": ["lokerid"], "column_name": ["salary"], "completeness": [0.0513]}
        ),
        vacancy_completeness=pl.DataFrame(),
        validation=pl.DataFrame(
            {
                "standard_id": ["VAC-SEX-01", "VAC-SEX-01"],
                "rule_name": ["sex_requirement", "sex_requirement"],
                "source": ["lokerid", "dealls"],
                "postings": [2229, 2006],
                "postings_checked": [2229, 1000],
                "postings_flagged": [100, 40],
                "share_flagged": [100 / 2229, 40 / 2006],
                "share_flagged_of_checked": [100 / 2229, 40 / 1000],
                "share_checked": [1.0, 1000 / 2006],
            }
        ),
        freshness=pl.DataFrame(),
        coherence=pl.DataFrame(
            {"period": ["2024-08"], "tpt_warehouse": [4.913], "tpt_bps": [4.91]}
        ),
        published_files=pl.DataFrame(),
        notes=["marts.rpt_vacancy_completeness_by_source: not available (no such table)"],
    )


def test_data_quality_report_in_indonesian_uses_indonesian_numbers_and_words(tmp_path):
    build_quality_report(_quality_figures(), tmp_path)
    page_id = _visible_text((tmp_path / "data-quality.id.html").read_text(encoding="utf-8"))
    assert "4,49 % (100 dari 2.229)" in page_id
    assert "[4,0 % dari 1.000 yang diperiksa]" in page_id
    assert "1.234.567" in page_id and "5,13 %" in page_id and "4,91" in page_id
    assert "syarat jenis kelamin" in page_id and "publikasi" in page_id
    assert "(proses run-0)" in page_id and "tidak tersedia" in page_id and "Gagal" in page_id
    for english in (" of ", "checked", "not available", "(run ", "1,234,567", "4.49%"):
        assert english not in page_id, english
    page_en = _visible_text((tmp_path / "data-quality.en.html").read_text(encoding="utf-8"))
    assert "4.49% (100 of 2,229)" in page_en and "1,234,567" in page_en
    assert "[4.0% of 1,000 checked]" in page_en


def test_overview_in_indonesian_uses_indonesian_numbers_and_words(tmp_path):
    build_overview_reports(write_overview_marts(tmp_path / "marts"), tmp_path / "out")
    raw_id = (tmp_path / "out" / "labour-market-overview.id.html").read_text(encoding="utf-8")
    page_id = _visible_text(raw_id)
    assert "1.734.567" in page_id and "5,13" in page_id and "12.345,60 (0,7)" in page_id
    assert "gunakan dengan hati-hati" in page_id and "use_with_caution" not in page_id
    assert '"separators":",."' in raw_id  # chart numbers follow the same convention
    page_en = _visible_text(
        (tmp_path / "out" / "labour-market-overview.en.html").read_text(encoding="utf-8")
    )
    assert "1,734,567" in page_en and "12,345.60 (0.7)" in page_en


def test_table_pages_group_thousands_per_language(tmp_path):
    from reports.critical_occupations.rendering import Page

    frame = pl.DataFrame({"postings": [1_234_567], "share": [0.125], "wage_year": [2024]})
    for language, expected in (("id", ["1.234.567", "0,125"]), ("en", ["1,234,567", "0.125"])):
        page = Page("t", language, tmp_path, "t")
        page.table(frame, "numbers", {}, numeric={"postings", "share"})
        markup = "".join(page.sections)
        assert all(f">{number}</td>" in markup for number in expected)
        assert ">2024</td>" in markup  # a year is a label, never grouped


def test_critical_occupations_in_indonesian_labels_every_column(tmp_path):
    from reports.critical_occupations.report import build_critical_occupations_reports

    marts = write_fixture_marts(tmp_path / "marts", coded_postings=True)
    build_critical_occupations_reports(marts, tmp_path / "out", None, pdf=False)
    page = (tmp_path / "out" / "critical-occupations.id.html").read_text(encoding="utf-8")
    headers = set(re.findall(r"<th>(.*?)</th>", page))
    for english in ("base", "level", "unit_code", "sector", "kbli", "stricter_threshold"):
        assert english not in headers, english


def test_a_table_cut_to_its_first_rows_says_how_many_in_the_language(tmp_path):
    """Regression: a table longer than max_rows failed (a cell's text shadowed the shown rows)."""
    from reports.critical_occupations.rendering import Page

    frame = pl.DataFrame({"postings": list(range(1_500))})
    # Regression: the note was a bare "10 / 1.500"; it says in words what is shown and where the
    # rest is.
    for language, expected in (
        ("id", "Tabel ini menampilkan 10 baris pertama dari 1.500 baris. Semua baris ada di "
         "unduhan t.long.id.csv dan t.long.id.xlsx."),
        ("en", "This table shows the first 10 of 1,500 rows. Every row is in the downloads "
         "t.long.en.csv and t.long.en.xlsx."),
    ):  # fmt: skip
        page = Page("t", language, tmp_path, "t")
        page.table(frame, "long", {}, max_rows=10)
        assert f"<p class='note'>{expected}</p>" in "".join(page.sections)
