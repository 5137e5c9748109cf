"""The labour-market overview says what it covers, names regions and explains withheld values.

Regression tests for what a new user found in the shipped report: a title for Indonesia over
survey data of one province, regions shown as bare BPS codes, suppressed age groups shown as empty
bars without a word, and posting counts labelled as vacancies.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import polars as pl

from reports.overview import build_overview_reports


def _visible_text(page: str) -> str:
    page = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _chart_labels(page: str) -> list[list[str]]:
    """The x labels of every bar chart of the page, in order."""
    return [json.loads(f"[{found}]") for found in re.findall(r'"x":\[([^\]]*)\]', page)]


def _cell(area_level: str, area_code: str, breakdown: str, indicator: str, value, **more):
    return {
        "period": "2023-08",
        "area_level": area_level,
        "area_code": area_code,
        "breakdown": breakdown,
        "indicator": indicator,
        "value": value,
        "se": None if value is None else 0.5,
        "rse": None if value is None else 5.0,
        "reliability": "reliable" if value is not None else None,
        "is_suppressed": value is None,
        "suppression_reason": more.get("reason"),
        "sample_persons": more.get("persons", 500),
    }


def _write_marts(folder: Path, area_level: str = "province", area_code: str = "21") -> Path:
    """Sakernas of one province (Kepulauan Riau, BPS 21) with two regencies and a suppressed
    age group; postings in two provinces; three postings of two distinct vacancies."""
    folder.mkdir(parents=True, exist_ok=True)
    linked = "linked_to_suppressed_employed"
    cells = [
        _cell(area_level, area_code, "total", "tpt", 6.5),
        _cell(area_level, area_code, "total", "employed", 1_000_000.0),
        _cell(area_level, area_code, "age_group=15-24", "tpt", 14.0),
        _cell(area_level, area_code, "age_group=65+", "tpt", None, reason="too_few_sample_persons"),
        _cell(area_level, area_code, "age_group=55-64", "tpt", None, reason=linked),
        _cell("regency", "2171", "total", "tpt", 8.0),
        _cell("regency", "2101", "total", "tpt", 4.0),
    ]  # fmt: skip
    pl.DataFrame(cells).write_parquet(folder / "labour_force_indicators.parquet")
    pl.DataFrame(
        {
            "region_level": ["province", "province", "regency", "regency"],
            "bps_code": ["21", "31", "2171", "2101"],
            "region_name": ["Kepulauan Riau", "DKI Jakarta", "Kota Batam", "Kabupaten Karimun"],
        }
    ).write_parquet(folder / "dim_region.parquet")
    pl.DataFrame(
        {
            "source": ["lokerid", "jobstreet", "jobstreet"],
            "province_bps_code": ["21", "31", "31"],
            "kbji2014_code": [None, None, None],
        },
        schema_overrides={"kbji2014_code": pl.String},
    ).write_parquet(folder / "fct_vacancy_postings.parquet")
    pl.DataFrame({"vacancy_id": ["v1", "v2"], "postings": [1, 2]}).write_parquet(
        folder / "fct_vacancies.parquet"
    )
    return folder


def _pages(tmp_path: Path, **marts) -> dict[str, str]:
    return _pages_of(tmp_path, _write_marts(tmp_path / "marts", **marts))


def test_title_names_the_province_the_survey_data_cover_not_indonesia(tmp_path) -> None:
    pages = _pages(tmp_path)
    assert (
        "<h1>Ikhtisar Pasar Kerja: Sakernas Provinsi Kepulauan Riau dan lowongan daring "
        "nasional</h1>" in pages["id"]
    )
    assert (
        "<h1>Labour Market Overview: Sakernas Kepulauan Riau Province and national online "
        "vacancies</h1>" in pages["en"]
    )
    for page in pages.values():
        assert "Indonesia</h1>" not in page and "Indonesia Labour" not in page
    text_id, text_en = (_visible_text(pages[lang]) for lang in ("id", "en"))
    assert "hanya mencakup wilayah ini" in text_id
    assert "cover this area only, so the indicators are not national figures" in text_en
    assert "3 postings (2 distinct vacancies) located in 2 provinces" in text_en


def test_title_says_indonesia_when_national_rows_are_published(tmp_path) -> None:
    pages = _pages(tmp_path, area_level="national", area_code="00")
    assert "<h1>Ikhtisar Pasar Kerja: Indonesia</h1>" in pages["id"]
    assert "<h1>Labour Market Overview: Indonesia</h1>" in pages["en"]
    assert "not national figures" not in pages["en"]


def test_regions_are_named_from_the_reference_with_their_code(tmp_path) -> None:
    pages = _pages(tmp_path)
    labels = _chart_labels(pages["en"])
    assert ["Kota Batam (2171)", "Kabupaten Karimun (2101)"] in labels
    # One trace per board, stacked: each names its provinces.
    assert ["DKI Jakarta (31)"] in labels and ["Kepulauan Riau (21)"] in labels
    assert "Kepulauan Riau (21)" in _visible_text(pages["en"])  # the headline table


def test_suppressed_age_groups_are_marked_and_explained(tmp_path) -> None:
    pages = _pages(tmp_path)
    assert ["15-24", "65+ (tidak ditampilkan)", "55-64 (tidak ditampilkan)"] in _chart_labels(
        pages["id"]
    )
    assert ["15-24", "65+ (suppressed)", "55-64 (suppressed)"] in _chart_labels(pages["en"])
    text_id, text_en = (_visible_text(pages[lang]) for lang in ("id", "en"))
    assert "65+: sampel kurang dari 10 orang" in text_id
    assert "RSE di atas 50 % atau sampelnya kurang dari 10 orang" in text_id
    assert "65+: fewer than 10 persons sampled" in text_en
    assert "55-64: suppressed with the suppressed Employed value" in text_en


def test_posting_counts_are_labelled_as_postings(tmp_path) -> None:
    pages = _pages(tmp_path)
    assert "Vacancy postings by source" in pages["en"] and "Vacancies by source" not in pages["en"]
    assert "Iklan lowongan menurut sumber" in pages["id"]
    assert "count postings (adverts), not vacancies" in _visible_text(pages["en"])


def _write_several_areas(folder: Path, national: bool) -> Path:
    """Sakernas of the nation (optionally) and two provinces, Kepulauan Riau (21) and 15, which
    `dim_region` lacks; each area has the same sex, age-group and KBJI cells, one suppressed."""
    _write_marts(folder)
    areas = [("province", "21"), ("province", "15")] + ([("national", "00")] if national else [])
    cells = []
    for level, code in areas:
        cells += [
            _cell(level, code, "total", "tpt", 5.0),
            _cell(level, code, "sex=1", "tpt", 5.5),
            _cell(level, code, "sex=2", "tpt", 4.5),
            _cell(level, code, "age_group=15-24", "tpt", 14.0),
            _cell(level, code, "age_group=65+", "tpt", None, reason="too_few_sample_persons"),
            _cell(level, code, "kbji1=1", "employed", 100.0),
            _cell(level, code, "kbji1=2", "employed", 200.0),
        ]
    pl.DataFrame(cells).write_parquet(folder / "labour_force_indicators.parquet")
    return folder


def _pages_of(tmp_path: Path, marts: Path) -> dict[str, str]:
    build_overview_reports(marts, tmp_path / "out")
    return {
        language: (tmp_path / "out" / f"labour-market-overview.{language}.html").read_text(
            encoding="utf-8"
        )
        for language in ("id", "en")
    }


def test_breakdown_charts_show_the_national_rows_when_there_are_any(tmp_path) -> None:
    """Every province's cells landed on one chart under the same ~16 labels."""
    pages = _pages_of(tmp_path, _write_several_areas(tmp_path / "marts", national=True))
    labels = _chart_labels(pages["en"])
    assert labels.count(["Male", "Female", "15-24", "65+ (suppressed)"]) == 1
    assert labels.count(["Managers (1)", "Professionals (2)"]) == 1
    text = _visible_text(pages["en"])
    assert "Empty bars marked (suppressed) in Indonesia: the value is not published, 65+: " in text
    assert "TPT by sex and age group, Indonesia, 2023-08" in pages["en"]
    # The headline table names the nation and falls back to words for a province without a name.
    assert "<td>Indonesia</td>" in pages["en"] and "<td>00</td>" not in pages["en"]
    assert "<td>Province 15</td>" in pages["en"] and "<td>Provinsi 15</td>" in pages["id"]
    assert "<td>Kepulauan Riau (21)</td>" in pages["en"]


def test_without_national_rows_each_province_gets_its_own_charts(tmp_path) -> None:
    pages = _pages_of(tmp_path, _write_several_areas(tmp_path / "marts", national=False))
    labels = _chart_labels(pages["en"])
    assert labels.count(["Male", "Female", "15-24", "65+ (suppressed)"]) == 2
    assert labels.count(["Managers (1)", "Professionals (2)"]) == 2
    for area in ("Kepulauan Riau (21)", "Province 15"):
        assert f"TPT by sex and age group, {area}, 2023-08" in pages["en"]
        assert f"Empty bars marked (suppressed) in {area}:" in _visible_text(pages["en"])
    assert "Batang kosong bertanda (tidak ditampilkan) di Provinsi 15:" in _visible_text(
        pages["id"]
    )
    assert (
        "<h1>Labour Market Overview: Sakernas Province 15 and Kepulauan Riau Province and "
        "national online vacancies</h1>" in (pages["en"])
    )
    assert (
        "<h1>Ikhtisar Pasar Kerja: Sakernas Provinsi 15 dan Provinsi Kepulauan Riau dan lowongan "
        "daring nasional</h1>" in pages["id"]
    )
    assert "15 Province" not in pages["en"]


def test_a_province_without_a_name_is_never_none_province(tmp_path) -> None:
    marts = _write_marts(tmp_path / "marts")
    pl.DataFrame(
        {"region_level": ["province"], "bps_code": ["21"], "region_name": [None]},
        schema_overrides={"region_name": pl.String},
    ).write_parquet(marts / "dim_region.parquet")
    pages = _pages_of(tmp_path, marts)
    assert (
        "<h1>Labour Market Overview: Sakernas Province 21 and national online "
        "vacancies</h1>" in pages["en"]
    )
    assert "None" not in _visible_text(pages["en"])


def test_postings_left_out_of_a_chart_are_counted_and_no_repository_path_is_shown(tmp_path):
    """The subtitle said every posting was located in N provinces, the occupation chart was
    titled 'Vacancies' over coded postings only, and notes sent readers to docs/sakernas.md."""
    marts = _write_marts(tmp_path / "marts")
    pl.DataFrame(
        {
            "source": ["lokerid", "jobstreet", "jobstreet", "dealls"],
            "province_bps_code": ["21", "31", None, None],
            "kbji2014_code": ["2512", None, "5223", None],
            "is_occupation_coded": [True, False, True, False],
        }
    ).write_parquet(marts / "fct_vacancy_postings.parquet")
    pages = _pages_of(tmp_path, marts)
    text_en, text_id = (_visible_text(pages[lang]) for lang in ("en", "id"))
    assert (
        "4 postings (2 distinct vacancies), 2 of them located in 2 provinces; 2 postings without "
        "a province are left out of the chart by province."
    ) in text_en
    assert "2 iklan tanpa provinsi tidak masuk grafik per provinsi" in text_id
    assert "2 postings without a province are not in this chart." in text_en
    assert "Vacancy postings with an accepted KBJI 2014 code, by major group" in pages["en"]
    assert "Vacancies by KBJI" not in pages["en"]
    occupation_title_id = (
        "Iklan lowongan dengan kode KBJI 2014 yang diterima, menurut golongan pokok"
    )
    assert occupation_title_id in pages["id"]
    assert "only the 2 of 4 postings whose KBJI 2014 occupation code is accepted" in text_en
    assert "hanya 2 dari 4 iklan yang kode jabatan KBJI 2014-nya diterima" in text_id
    for page in pages.values():
        assert "docs/" not in _visible_text(page)
    assert "its smallest other part as well, so that no withheld value can be worked back" in (
        text_en
    )


def test_an_empty_indicator_mart_renders_without_warnings(tmp_path, recwarn) -> None:
    """Comparing the period with the latest of no periods (None) made Polars warn twice."""
    marts = _write_marts(tmp_path / "marts")
    frame = pl.read_parquet(marts / "labour_force_indicators.parquet")
    frame.clear().write_parquet(marts / "labour_force_indicators.parquet")
    pages = _pages_of(tmp_path, marts)
    assert [str(w.message) for w in recwarn] == []
    assert "No Sakernas indicators are published yet." in _visible_text(pages["en"])


def test_codes_awaiting_a_human_coder_are_not_in_the_occupation_chart(tmp_path):
    """The chart counted every coded title, also codes below the coder's threshold: on the
    shipped data '19,298 of 19,305 postings whose title is coded', of which 8,385 accepted."""
    marts = _write_marts(tmp_path / "marts")
    pl.DataFrame(
        {
            "source": ["lokerid", "jobstreet", "jobstreet", "dealls", "dealls"],
            "province_bps_code": ["21", "31", "31", "31", "31"],
            "kbji2014_code": ["2512", "5223", "5223", "4110", None],
            "is_occupation_coded": [True, False, False, True, False],
        }
    ).write_parquet(marts / "fct_vacancy_postings.parquet")
    pages = _pages_of(tmp_path, marts)
    text_en, text_id = (_visible_text(pages[lang]) for lang in ("en", "id"))
    assert (
        "only the 2 of 5 postings whose KBJI 2014 occupation code is accepted automatically. 4 "
        "titles are coded automatically; 2 of these codes are below the coder's confidence "
        "threshold and await a human coder, and 1 postings have no code."
    ) in text_en
    assert "hanya 2 dari 5 iklan" in text_id and "2 kode di antaranya di bawah ambang" in text_id
    # Major group 5 has only codes awaiting a coder: it is not on the axis.
    assert ["Professionals (2)", "Clerical support workers (4)"] in _chart_labels(pages["en"])
    assert "Service and sales workers (5)" not in pages["en"]


def test_without_accepted_codes_the_occupation_chart_is_not_drawn(tmp_path):
    marts = _write_marts(tmp_path / "marts")
    pl.DataFrame(
        {
            "source": ["lokerid"],
            "province_bps_code": ["21"],
            "kbji2014_code": ["2512"],
            "is_occupation_coded": [False],
        }
    ).write_parquet(marts / "fct_vacancy_postings.parquet")
    pages = _pages_of(tmp_path, marts)
    assert "No vacancy posting has an accepted KBJI 2014 code yet" in _visible_text(pages["en"])
    assert "Belum ada iklan lowongan dengan kode KBJI 2014 yang diterima" in pages["id"]
