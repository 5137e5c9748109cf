"""The reports speak their reader's language: no English in the Bahasa pages, no machine codes in
either, synthetic inputs said at the top, one time format, tables in a stable order.

Regression tests for the fresh-eyes review of 2026-12-05 (findings 5 and 6): the Bahasa
critical-occupations page had 112 English lines ("2 postings since 2024-07-09, 0 before") and
raw codes (too_few_postings, EMPLOYMENT_GROWING, growth_years); the list rested on synthetic
Sakernas data with only a "[1]" saying so, under the title "Daftar Jabatan Kritis Indonesia".
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import sys
from pathlib import Path

import polars as pl
import pytest

from reports.critical_occupations.report import build_critical_occupations_reports
from reports.overview import build_overview_reports
from reports.quality_report import QualityFigures, build_quality_report
from reports.skills_outlook.report import build_skills_outlook_reports

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_marts import (  # noqa: E402
    write_evidence,
    write_fixture_marts,
    write_overview_marts,
    write_skills_fixture,
)

# Machine codes: snake_case and UPPER_SNAKE words. Published mart names (named where a mart is
# missing) are file names a researcher downloads, not codes.
CODE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\b[A-Z0-9]+_[A-Z0-9_]+\b")
MART_NAME = re.compile(r"^(fct|dim|bridge|rpt)_|^labour_force_indicators")
ENGLISH_IN_BAHASA = (
    "postings since",
    " before",
    "respondents",
    "closed portal vacancies",
    "no data",
    "Managers",
    "Professionals",
    "employment growth",
    "Postings",
    "Province",
    "Skill",
)


def _chart_strings(page: str) -> list[str]:
    """The texts of every Plotly chart of the page: titles, trace names, labels, hover texts."""
    found: list[str] = []
    decoder = json.JSONDecoder()

    def walk(node: object, key: str | None = None) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                walk(value, name)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)
        elif isinstance(node, str) and key in {"text", "name", "x", "y", "hovertext"}:
            found.append(html.unescape(node))

    for match in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', page):
        data, end = decoder.raw_decode(page, match.end())
        layout, _ = decoder.raw_decode(page, page.index("{", end))
        walk(data)
        walk(layout)
    return found


def _reader_text(page: str) -> str:
    """What a reader sees: the visible text and the charts' texts, paths left out."""
    visible = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    visible = html.unescape(re.sub(r"<[^>]+>", " ", visible))
    text = " ".join([visible, *_chart_strings(page)])
    return re.sub(r"\s+", " ", re.sub(r"\S+/\S+", " ", text))


def _codes(text: str) -> set[str]:
    return {code for code in CODE.findall(text) if not MART_NAME.match(code)}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    """Every analytical report of the fixture marts, in both languages, by file name."""
    root = tmp_path_factory.mktemp("language")
    out = root / "out"
    marts = write_fixture_marts(root / "marts", coded_postings=True)
    evidence = write_evidence(root / "employer_evidence.csv")
    build_critical_occupations_reports(marts, out, evidence, pdf=False)
    skills_marts, esco = write_skills_fixture(root / "skills")
    pl.DataFrame(
        {"region_level": ["province"] * 2, "bps_code": ["15", "31"], "region_name": ["Jambi", None]}
    ).write_parquet(skills_marts / "dim_region.parquet")
    build_skills_outlook_reports(skills_marts, out, esco, pdf=False)
    overview_marts = write_overview_marts(root / "overview")
    pl.DataFrame(
        {
            "source": ["lokerid", "dealls"],
            "province_bps_code": ["15", "15"],
            "kbji2014_code": ["2512", "3313"],
            "is_occupation_coded": [True, True],
        }
    ).write_parquet(overview_marts / "fct_vacancy_postings.parquet")
    build_overview_reports(overview_marts, out)
    return {path.name: path.read_text(encoding="utf-8") for path in out.glob("*.html")}


STEMS = ("critical-occupations", "skills-outlook", "labour-market-overview")


@pytest.mark.parametrize("stem", STEMS)
def test_bahasa_pages_have_no_english_and_no_machine_codes(pages, stem):
    text = _reader_text(pages[f"{stem}.id.html"])
    assert _codes(text) == set()
    assert [phrase for phrase in ENGLISH_IN_BAHASA if phrase in text] == []


@pytest.mark.parametrize("stem", STEMS)
def test_english_pages_show_labels_not_machine_codes(pages, stem):
    assert _codes(_reader_text(pages[f"{stem}.en.html"])) == set()


def test_critical_occupations_words_replace_the_codes(pages):
    text_id = _reader_text(pages["critical-occupations.id.html"])
    text_en = _reader_text(pages["critical-occupations.en.html"])
    # Both windows by their first and last days, both included ("sejak 2024-10-01" read as
    # including a day the window left out).
    assert (
        "41 iklan lowongan pada 2024-10-02 s.d. 2025-10-01, 39 pada 2023-10-03 s.d. 2024-10-01 "
        "(tanggal awal dan akhir termasuk)" in text_id
    )
    assert (
        "41 vacancy postings from 2024-10-02 to 2025-10-01, 39 from 2023-10-03 to 2024-10-01 "
        "(first and last days included)" in text_en
    )
    assert "penduduk bekerja bertambah" in text_id and "employment growing" in text_en
    assert "disensor (sampel kurang dari 10 orang)" in text_id
    assert "Tahun untuk pertumbuhan 3" in text_id and "Years of growth 3" in text_en
    assert "Profesional (2)" in text_id and "Professionals (2)" in text_en
    assert "Informasi dan komunikasi (J)" in text_id


@pytest.mark.parametrize(
    ("language", "banner_word", "inputs"),
    [("id", "DATA SINTETIS", "Sakernas"), ("en", "SYNTHETIC DATA", "Sakernas")],
)
def test_critical_occupations_say_synthetic_at_the_top(pages, language, banner_word, inputs):
    page = pages[f"critical-occupations.{language}.html"]
    top = page.split("<h2>", 1)[0]
    title = re.search(r"<h1>(.*?)</h1>", top)[1]
    assert "Indonesia" not in title  # synthetic national rounds are not national coverage
    assert re.search(r"sintetis|synthetic", title)
    banner = re.search(r"<h1>.*?</h1><p class='banner'[^>]*>(.*?)</p><p>(.*?)</p>", top)
    assert banner is not None, "the banner follows the title"
    assert banner_word in banner[1] and inputs in banner[1]
    assert "bukti pemberi kerja" in banner[1] or "employer evidence" in banner[1]
    opening = banner[2].split(". ")[0]
    assert re.search(r"sintetis|synthetic", opening)


def test_critical_occupations_title_names_the_real_coverage(tmp_path):
    """Real national rows: the title names the nation, as the overview does, and no banner."""
    marts = write_fixture_marts(tmp_path / "marts")
    path = marts / "labour_force_indicators_synthetic.parquet"
    pl.read_parquet(path).with_columns(is_synthetic=pl.lit(False)).write_parquet(
        marts / "labour_force_indicators.parquet"
    )
    path.unlink()
    build_critical_occupations_reports(marts, tmp_path / "out", None, pdf=False)
    page = (tmp_path / "out" / "critical-occupations.id.html").read_text(encoding="utf-8")
    assert "<h1>Daftar Jabatan Kritis: Indonesia</h1>" in page
    assert "class='banner'" not in page


def test_skills_outlook_counts_postings_as_the_overview_does(pages, tmp_path):
    overview = _reader_text(pages["labour-market-overview.id.html"])
    skills = _reader_text(pages["skills-outlook.id.html"])
    assert "iklan" in overview and "Iklan lowongan kelompok" in skills
    assert re.search(r"\bLowongan\b(?! Daring)", skills) is None
    assert "Jambi (15)" in _chart_strings(pages["skills-outlook.id.html"])
    assert "Provinsi 31" in _chart_strings(pages["skills-outlook.id.html"])
    assert "JobStreet" in skills and "jobstreet" not in skills


def test_overview_names_boards_and_major_groups(pages):
    charts = _chart_strings(pages["labour-market-overview.id.html"])
    assert {"Loker.id", "Dealls"} <= set(charts)
    assert {"Profesional (2)", "Teknisi dan Asisten Profesional (3)"} <= set(charts)
    assert not {"lokerid", "dealls", "2", "3"} & set(charts)


def _quality_figures(order: int) -> QualityFigures:
    raw = pl.DataFrame(
        {
            "source": ["lokerid", "ak1", "lokerid", "dealls"],
            "column_name": ["Min Salary", "nik", "Posted Date", "salary"],
            "completeness": [0.5, 0.9, 0.99, 0.2],
        }
    )
    vacancy = pl.DataFrame(
        {
            "source": ["lokerid", "dealls", "lokerid", "dealls"],
            "field_name": ["posted_date", "posted_date", "job_title", "job_title"],
            "completeness": [1.0, 0.5, 1.0, 0.9],
        }
    )
    quarantine = pl.DataFrame(
        {
            "source": ["ak1", "lokerid"],
            "reason_code": ["nik_invalid", "invalid_number;invalid_code"],
            "rows": [3, 1],
            "example": ["NIK has 15 digits, not 16", "must be a number (got 'x')"],
        }
    )
    if order:
        raw, vacancy, quarantine = raw.reverse(), vacancy.reverse(), quarantine.reverse()
    return QualityFigures(
        run_id="run-1",
        generated_at=dt.datetime(2026, 12, 5, 11, 49, tzinfo=dt.UTC),
        published_in_run=True,
        marts_built_in_run=True,
        last_publication={"run_id": "run-0", "published_at": "2026-12-05T11:49:46+00:00"},
        checks=pl.DataFrame(),
        step_failures=pl.DataFrame(),
        volumes=pl.DataFrame(
            {
                "source": ["ak1", "lokerid"],
                "partitions": [3, 0],
                "rows_read": [10, 20],
                "last_loaded_at": ["2026-12-05 11:45 UTC", "2026-12-05 11:46 UTC"],
            }
        ),
        quarantine=quarantine,
        raw_completeness=raw,
        vacancy_completeness=vacancy,
        validation=pl.DataFrame(),
        freshness=pl.DataFrame(),
        coherence=pl.DataFrame(),
        published_files=pl.DataFrame(),
    )


def test_quality_report_tables_keep_their_order_whatever_the_query_returned(tmp_path):
    build_quality_report(_quality_figures(0), tmp_path / "a")
    build_quality_report(_quality_figures(1), tmp_path / "b")
    for name in ("data-quality.id.html", "data-quality.en.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_quality_report_in_bahasa_one_time_format_and_reason_classes(tmp_path):
    build_quality_report(_quality_figures(0), tmp_path)
    page = (tmp_path / "data-quality.id.html").read_text(encoding="utf-8")
    text = _reader_text(page)
    header = text.split("Data malam ini")[0]
    assert "2026-12-05 18:49 WIB" in header
    assert "UTC" not in text and "+00:00" not in text and "T11:49" not in text
    assert "satu kesatuan" in text and "Partisi 0" not in text
    assert "NIK tidak valid" in text and "nik_invalid" not in text
    assert "bukan angka yang sah; kode tidak dikenal" in text
    # The detailed message stays as recorded, under a header that says so.
    assert "Contoh pesan (sebagaimana tercatat)" in text and "NIK has 15 digits" in text
    assert "Loker.id" in text and "lokerid" not in text
    # Key fields in their fixed order, sources by name.
    relevance = text.split("1. Relevansi")[1].split("2. Akurasi")[0]
    assert relevance.index("judul jabatan") < relevance.index("tanggal iklan")
    assert relevance.index("Dealls") < relevance.index("Loker.id")
