"""The skills-outlook report (`skills-outlook.<lang>.html`, `.pdf`, tables as CSV and XLSX).

Skills come from the vacancy texts (the `bridge_vacancy_skills` mart): their labels are ESCO or
SKKNI labels, but board categories are scraped text, so every cell is escaped (rendering.Page).
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from reports import sources
from reports.critical_occupations.rendering import Page, print_pdf
from reports.critical_occupations.report import occupation_titles
from reports.formatting import format_number, machine_value
from reports.labels import coded_label, source_name
from reports.overview import TEXT as OVERVIEW_TEXT
from reports.overview import region_names
from reports.skills_outlook import outlook

log = logging.getLogger(__name__)

STEM = "skills-outlook"
SKILLS_MARTS = ("fct_vacancy_postings", "bridge_vacancy_skills", "dim_occupation", "dim_region")
"""The marts the outlook reads (their SHA-256, with ESCO's and the configuration's, is the
page's data version)."""

TEXT: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Prospek Keterampilan dari Lowongan Daring",
        "subtitle": "Keterampilan yang diminta iklan lowongan daring (ESCO/SKKNI), dibangun "
        "otomatis dari mart gudang data LMIS.",
        "overall": "Keterampilan paling banyak diminta",
        "by_occupation": "Keterampilan menurut jabatan (KBJI 2014)",
        "by_province": "Keterampilan menurut provinsi",
        "by_category": "Keterampilan menurut kategori situs lowongan kerja (bukan KBLI)",
        "trends": "Keterampilan naik dan turun",
        "trends_periods": "Periode dibandingkan: {periods}; situs lowongan kerja dengan iklan di "
        "kedua periode: {boards}.",
        "period_span": "{start} s.d. {end}",
        "and": "dan",
        "no_boards": "tidak ada",
        "esco": "Keterampilan lowongan dibanding keterampilan esensial ESCO",
        "method": "Lampiran metodologi",
        "missing": "Mart/berkas tidak tersedia: {names}. Bagian yang memerlukannya kosong.",
        "no_data": "Tidak ada data untuk bagian ini.",
        "too_few": "Iklan lowongan per periode dari situs lowongan kerja yang sama terlalu sedikit "
        "untuk membandingkan tren (pergantian situs akan terlihat sebagai tren).",
        "uncoded": "Belum ada iklan lowongan dengan kode KBJI 2014 yang diterima.",
        "trend_values": {"rising": "naik", "falling": "turun", "stable": "tetap"},
        "settings": {
            "languages": "Bahasa laporan",
            "period_days": "Panjang periode tren (hari)",
            "min_postings_per_period": "Iklan lowongan minimum per kelompok dan periode",
            "min_skill_postings": "Iklan lowongan minimum per keterampilan",
            "top_n": "Keterampilan yang ditampilkan per kelompok",
            "change_threshold_pp": "Ambang naik/turun (poin persen)",
            "esco_relation_types": "Jenis hubungan ESCO yang dibandingkan",
            "caution_below_postings": "Proporsi ditandai hati-hati di bawah iklan lowongan ini",
        },
        "setting_values": {
            "id": "Bahasa Indonesia",
            "en": "bahasa Inggris",
            "essential": "esensial",
            "optional": "opsional",
        },
        "synthetic": "Sebagian iklan lowongan berasal dari data SINTETIS; angka hanya menguji "
        "metode.",
        "banner": "DATA SINTETIS: sebagian iklan lowongan daring dalam laporan ini sintetis. "
        "Angka-angkanya menguji metode, bukan temuan tentang pasar kerja.",
        "opening": "Laporan ini sebagian bersandar pada iklan lowongan daring sintetis; jangan "
        "dikutip sebagai hasil.",
        "sector_note": "Iklan lowongan daring tidak membawa kode KBLI; kategori situs lowongan "
        "kerja dipakai sebagai pendekatan sektor.",
        "method_text": [
            "Proporsi (%) = iklan lowongan kelompok yang meminta keterampilan / semua iklan "
            "lowongan kelompok x 100.",
            "Naik/turun: perubahan proporsi (poin persen) antara periode terakhir dan sebelumnya.",
            "Jabatan: hanya iklan yang kode KBJI 2014-nya diterima otomatis (keyakinan "
            "pengode sama dengan atau di atas ambangnya); kode di bawah ambang menunggu pengode "
            "manusia dan tidak dihitung, seperti pada tabel terbitan permintaan keterampilan "
            "menurut jabatan.",
            "ESCO: keterampilan esensial semua jabatan ESCO dalam kelompok ISCO-08 yang "
            "dipetakan dari KBJI 2014.",
            "Nama keterampilan ESCO tampil dalam bahasa Inggris: itulah label resmi ESCO yang "
            "dimuat gudang data; keterampilan SKKNI bernama bahasa Indonesia.",
        ],
        "columns": {
            "kbji2014_code": "KBJI 2014",
            "province_bps_code": "Provinsi (kode BPS)",
            "province_name": "Provinsi",
            "category_text": "Kategori situs lowongan kerja",
            "skill_label": "Keterampilan",
            "skill_source": "Sumber",
            "postings": "Iklan lowongan",
            "group_postings": "Iklan lowongan kelompok",
            "share_of_postings": "Proporsi iklan lowongan (%)",
            "trend": "Tren",
            "postings_previous": "Iklan lowongan periode sebelumnya",
            "postings_current": "Iklan lowongan periode terakhir",
            "share_previous_pct": "Proporsi periode sebelumnya (%)",
            "share_current_pct": "Proporsi periode terakhir (%)",
            "change_pp": "Perubahan (poin %)",
            "skills_named": "Keterampilan disebut",
            "named_and_essential": "Disebut dan esensial",
            "esco_essential_skills": "Esensial ESCO",
            "share_named_that_are_essential": "Proporsi yang disebut dan esensial (%)",
            "share_of_essential_named": "Proporsi keterampilan esensial yang disebut (%)",
            "setting": "Pengaturan",
            "value": "Nilai",
            "skill_uri": "URI keterampilan",
            "occupation_title": "Jabatan",
            "caution": "Hati-hati: kurang dari {minimum} iklan",
            "source": "Situs lowongan kerja",
            "postings_with_skill": "Iklan dengan keterampilan ditemukan",
            "share_with_skill": "Proporsi iklan dengan keterampilan ditemukan (%)",
            "share_with_description": "Proporsi iklan dengan deskripsi (%)",
        },
        "coverage": "Keterampilan ditemukan menurut situs lowongan kerja",
        "coverage_note": "Keterampilan dicari dalam judul dan deskripsi iklan. Situs yang iklannya "
        "tanpa deskripsi menghasilkan lebih sedikit keterampilan, jadi proporsi suatu kelompok "
        "(jabatan, provinsi, kategori) bergantung pada situs asal iklannya: kelompok dengan lebih "
        "banyak iklan dari situs berdeskripsi lengkap menunjukkan proporsi lebih tinggi. "
        "Bandingkan kelompok dengan hati-hati.",
        "caution_note": "Proporsi yang bersandar pada kurang dari {minimum} iklan lowongan "
        "ditandai pada kolom hati-hati: satu-dua iklan mengubahnya banyak.",
    },
    "en": {
        "title": "Skills Outlook from Online Vacancies",
        "subtitle": "Skills asked for in online vacancies (ESCO/SKKNI), built automatically from "
        "the LMIS warehouse marts.",
        "overall": "Most requested skills",
        "by_occupation": "Skills by occupation (KBJI 2014)",
        "by_province": "Skills by province",
        "by_category": "Skills by job-board category (not KBLI)",
        "trends": "Rising and falling skills",
        "trends_periods": "Periods compared: {periods}; job boards with postings in both: "
        "{boards}.",
        "period_span": "{start} to {end}",
        "and": "and",
        "no_boards": "none",
        "esco": "Vacancy skills against ESCO essential skills",
        "method": "Methodology appendix",
        "missing": "Marts/files not available: {names}. Sections that need them are empty.",
        "no_data": "No data for this section.",
        "too_few": "Too few postings per period from the same job boards to compare trends (a "
        "change of boards would show as a trend).",
        "uncoded": "No posting has an accepted KBJI 2014 code yet.",
        "trend_values": {"rising": "rising", "falling": "falling", "stable": "stable"},
        "settings": {
            "languages": "Report languages",
            "period_days": "Length of a trend period (days)",
            "min_postings_per_period": "Minimum postings per group and period",
            "min_skill_postings": "Minimum postings per skill",
            "top_n": "Skills shown per group",
            "change_threshold_pp": "Rising/falling threshold (percentage points)",
            "esco_relation_types": "ESCO relation types compared",
            "caution_below_postings": "Shares marked for caution below this many postings",
        },
        "setting_values": {
            "id": "Bahasa Indonesia",
            "en": "English",
            "essential": "essential",
            "optional": "optional",
        },
        "synthetic": "Some postings are SYNTHETIC data; figures exercise the method only.",
        "banner": "SYNTHETIC DATA: some online vacancy postings in this report are synthetic. "
        "The figures exercise the method; they are not findings about the labour market.",
        "opening": "This report rests partly on synthetic online vacancy postings; do not quote "
        "it as a result.",
        "sector_note": "Online vacancies carry no KBLI code; the job board's category stands in "
        "for the sector.",
        "method_text": [
            "Share (%) = postings of the group asking for the skill / all postings of the group x "
            "100.",
            "Rising/falling: change of the share (percentage points) between the latest period "
            "and the one before.",
            "Occupation: only postings whose KBJI 2014 code is accepted automatically (the "
            "coder's confidence at or above its threshold); codes below it await a human coder "
            "and are not counted, as in the published table of skills demand by occupation.",
            "ESCO: essential skills of every ESCO occupation in the ISCO-08 group that KBJI "
            "2014 maps to.",
            "ESCO skill names are shown in English: they are ESCO's official labels as the "
            "warehouse loads them; SKKNI skills are named in Bahasa Indonesia.",
        ],
        "columns": {
            "kbji2014_code": "KBJI 2014",
            "province_bps_code": "Province (BPS code)",
            "province_name": "Province",
            "category_text": "Job-board category",
            "skill_label": "Skill",
            "skill_source": "Source",
            "postings": "Postings",
            "group_postings": "Postings in group",
            "share_of_postings": "Share of postings (%)",
            "trend": "Trend",
            "postings_previous": "Postings before",
            "postings_current": "Postings latest",
            "share_previous_pct": "Share before (%)",
            "share_current_pct": "Share latest (%)",
            "change_pp": "Change (pp)",
            "skills_named": "Skills named",
            "named_and_essential": "Named and essential",
            "esco_essential_skills": "ESCO essential",
            "share_named_that_are_essential": "Share of named that are essential (%)",
            "share_of_essential_named": "Share of essential that are named (%)",
            "setting": "Setting",
            "value": "Value",
            "skill_uri": "Skill URI",
            "occupation_title": "Occupation",
            "caution": "Caution: fewer than {minimum} postings",
            "source": "Job board",
            "postings_with_skill": "Postings with a skill found",
            "share_with_skill": "Share of postings with a skill found (%)",
            "share_with_description": "Share of postings with a description (%)",
        },
        "coverage": "Skills found by job board",
        "coverage_note": "Skills are looked for in the postings' titles and descriptions. A "
        "board whose adverts carry no description yields fewer skills, so a group's shares "
        "(occupation, province, category) depend on the boards its postings come from: a group "
        "with more postings from boards with full descriptions shows higher shares. Compare "
        "groups with care.",
        "caution_note": "A share resting on fewer than {minimum} postings is marked in the "
        "caution column: one or two postings move it a lot.",
    },
}

NUMERIC = {
    "postings",
    "group_postings",
    "share_of_postings",
    "postings_previous",
    "postings_current",
    "share_previous_pct",
    "share_current_pct",
    "change_pp",
    "skills_named",
    "named_and_essential",
    "esco_essential_skills",
    "share_named_that_are_essential",
    "share_of_essential_named",
    "postings_with_skill",
    "share_with_skill",
    "share_with_description",
}
PERCENT_COLUMNS = (
    "share_of_postings",
    "share_named_that_are_essential",
    "share_of_essential_named",
    "share_with_skill",
    "share_with_description",
)
PERCENT_POINT_COLUMNS = ("share_previous_pct", "share_current_pct", "change_pp")
"""Shares the outlook computes as fractions, shown and downloaded as per cents (every share of
the page in one unit, as the trend table's)."""


def _section(
    page: Page,
    table: pl.DataFrame | None,
    name: str,
    text: dict[str, Any],
    note: str | None,
    titles: dict[str, str] | None = None,
    caution_below: int | None = None,
) -> bool:
    if table is None or table.height == 0:
        page.paragraph(text["no_data"], css="note")
        return False
    table = _prepared(table, titles or {}, caution_below)
    labels = text["columns"] | {
        "caution": text["columns"]["caution"].format(minimum=caution_below or "")
    }
    page.table(
        table,
        name,
        labels,
        numeric=NUMERIC,
        note=note,
        max_rows=300,
        # Per cents and percentage points to one decimal on the page; the downloads keep all.
        decimals={c: 1 for c in (*PERCENT_COLUMNS, *PERCENT_POINT_COLUMNS)},
    )
    return True


def _prepared(
    table: pl.DataFrame, titles: dict[str, str], caution_below: int | None
) -> pl.DataFrame:
    """The table as the page and its downloads show it: shares in per cent, taxonomies by
    their names, each KBJI code with its title, and a caution mark on a share resting on
    fewer than `caution_below` postings."""
    table = table.with_columns(
        (pl.col(c) * 100).alias(c) for c in PERCENT_COLUMNS if c in table.columns
    )
    if "skill_source" in table.columns:
        # The taxonomies by their names (esco -> ESCO, skkni -> SKKNI).
        table = table.with_columns(pl.col("skill_source").str.to_uppercase())
    if "kbji2014_code" in table.columns and titles:
        position = table.columns.index("kbji2014_code") + 1
        columns = [*table.columns[:position], "occupation_title", *table.columns[position:]]
        table = table.with_columns(
            pl.col("kbji2014_code").replace_strict(titles, default="").alias("occupation_title")
        ).select(columns)
    if caution_below and {"postings", "share_of_postings"} <= set(table.columns):
        table = table.with_columns((pl.col("postings") < caution_below).alias("caution"))
    return table


def _setting_value(value: Any, text: dict[str, Any], language: str) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_setting_value(v, text, language) for v in value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_number(value, language)
    if isinstance(value, float):
        return format_number(value, language, 1)
    return text["setting_values"].get(str(value), str(value))


def _periods_and_boards(label: str, text: dict[str, Any], language: str) -> tuple[str, str]:
    """outlook's 'a..b / c..d; jobstreet, lokerid' as the page says it: periods in words,
    boards by their names."""
    periods, _, boards = label.partition("; ")
    spans = []
    for span in periods.split(" / "):
        start, _, end = span.partition("..")
        spans.append(text["period_span"].format(start=start, end=end) if end else span)
    names = [source_name(b, language) for b in boards.split(", ") if b and b != "-"]
    return f" {text['and']} ".join(spans), ", ".join(names) or text["no_boards"]


def _with_province_names(
    table: pl.DataFrame | None, provinces: dict[str, str], language: str
) -> pl.DataFrame | None:
    """The table with each province's name beside its code."""
    if table is None or "province_bps_code" not in table.columns:
        return table
    unnamed = OVERVIEW_TEXT[language]["unnamed_province"]
    names = table["province_bps_code"].map_elements(
        lambda code: provinces.get(code) or unnamed.format(code=code), return_dtype=pl.Utf8
    )
    position = table.columns.index("province_bps_code") + 1
    columns = [*table.columns[:position], "province_name", *table.columns[position:]]
    return table.with_columns(names.alias("province_name")).select(columns)


def build_report(
    output_dir: Path,
    language: str,
    config: dict[str, Any],
    results: dict[str, Any],
    missing: list[str],
    provinces: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
    source_rows: list[sources.SourceRow] | None = None,
    version: str | None = None,
) -> Page:
    """Write the skills outlook in one language; return the page (with the files it wrote).

    `provinces`: BPS code -> province name (`dim_region`), for the province chart and table;
    `titles`: KBJI code -> occupation title in the language; `source_rows` and `version`: the
    page's sources and periods (`reports.sources`).
    """
    text = TEXT[language]
    provinces = provinces or {}
    titles = titles or {}
    caution = int(config.get("caution_below_postings", 10))
    page = Page(text["title"], language, output_dir, STEM)
    note = (
        f"{page.footnote(text['synthetic'])} {text['synthetic']}"
        if results["is_synthetic"]
        else None
    )
    if results["is_synthetic"]:
        # At the top, not only in the footnotes under the tables.
        page.banner(text["banner"])
    if missing:
        page.paragraph(text["missing"].format(names=", ".join(missing)), css="note")

    page.heading(text["coverage"])
    page.paragraph(text["coverage_note"], css="note")
    coverage = results.get("coverage")
    if coverage is not None and coverage.height:
        coverage = coverage.with_columns(
            pl.col("source").map_elements(
                lambda board: source_name(board, language), return_dtype=pl.Utf8
            )
        )
    _section(page, coverage, "board_coverage", text, None)
    page.paragraph(text["caution_note"].format(minimum=caution), css="note")

    page.heading(text["overall"])
    overall = results["overall"]
    if overall is not None and overall.height:
        # Plotly reads a subset of HTML in tick labels: labels from adverts are escaped.
        figure = go.Figure(
            go.Bar(
                x=[share * 100 for share in overall["share_of_postings"].to_list()],
                y=[html.escape(label) for label in overall["skill_label"].to_list()],
                orientation="h",
            )
        )
        figure.update_yaxes(type="category", autorange="reversed")
        figure.update_xaxes(title=text["columns"]["share_of_postings"])
        figure.update_layout(title=text["overall"], height=400)
        page.figure(figure, note=note)
    _section(page, overall, "overall", text, note, caution_below=caution)

    page.heading(text["by_occupation"])
    by_occupation = results["by_occupation"]
    if by_occupation is not None and by_occupation.height:
        counts = by_occupation.group_by("kbji2014_code").agg(pl.col("group_postings").first())
        counts = counts.sort("kbji2014_code")
        figure = go.Figure(
            go.Bar(
                x=counts["kbji2014_code"].to_list(),
                y=counts["group_postings"].to_list(),
                hovertext=[html.escape(titles.get(c, "")) for c in counts["kbji2014_code"]],
            )
        )
        figure.update_xaxes(type="category", title="KBJI 2014")
        figure.update_yaxes(title=text["columns"]["group_postings"])
        figure.update_layout(title=text["by_occupation"])
        page.figure(figure, note=note)
    elif results["by_occupation"] is not None:
        page.paragraph(text["uncoded"], css="note")
    _section(page, by_occupation, "by_occupation", text, note, titles, caution)

    page.heading(text["by_province"])
    by_province = results["by_province"]
    if by_province is not None and by_province.height:
        counts = by_province.group_by("province_bps_code").agg(pl.col("group_postings").first())
        counts = counts.sort("province_bps_code")
        unnamed = OVERVIEW_TEXT[language]["unnamed_province"]
        figure = go.Figure(
            go.Bar(
                x=[
                    html.escape(coded_label(code, provinces, unnamed))
                    for code in counts["province_bps_code"].to_list()
                ],
                y=counts["group_postings"].to_list(),
            )
        )
        figure.update_xaxes(type="category", title=text["columns"]["province_bps_code"])
        figure.update_yaxes(title=text["columns"]["group_postings"])
        figure.update_layout(title=text["by_province"])
        page.figure(figure, note=note)
    _section(
        page,
        _with_province_names(by_province, provinces, language),
        "by_province",
        text,
        note,
        caution_below=caution,
    )

    page.heading(text["by_category"])
    page.paragraph(text["sector_note"], css="note")
    _section(page, results["by_category"], "by_category", text, note, caution_below=caution)

    page.heading(text["trends"])
    trends = results["trends"]
    if trends is not None and results["period_label"]:
        periods, boards = _periods_and_boards(results["period_label"], text, language)
        page.paragraph(text["trends_periods"].format(periods=periods, boards=boards))
    if trends is not None and trends.height == 0:
        page.paragraph(text["too_few"], css="note")
    elif trends is not None:
        moving = pl.concat(
            [
                trends.filter(pl.col("trend") == "rising").head(10),
                trends.filter(pl.col("trend") == "falling").tail(10),
            ]
        )
        if moving.height:
            figure = go.Figure(
                go.Bar(
                    x=moving["change_pp"].to_list(),
                    y=[html.escape(label) for label in moving["skill_label"].to_list()],
                    orientation="h",
                    marker_color=[
                        "#27ae60" if t == "rising" else "#c0392b" for t in moving["trend"]
                    ],
                )
            )
            figure.update_yaxes(type="category", autorange="reversed")
            figure.update_xaxes(title=text["columns"]["change_pp"])
            figure.update_layout(title=text["trends"], height=500)
            page.figure(figure, note=note)
    if trends is not None and "trend" in trends.columns:
        trends = trends.with_columns(
            pl.col("trend").replace_strict(text["trend_values"], default=pl.col("trend"))
        )
    _section(page, trends, "trends", text, note)

    page.heading(text["esco"])
    _section(page, results["esco"], "esco_comparison", text, note, titles)

    # The version covers ESCO and the configuration too (build_skills_outlook_reports).
    covers = sources.version_covers(language, ["ESCO"]) if version else None
    page.raw(sources.sources_html(source_rows or [], language, version, covers=covers))
    page.heading(text["method"])
    for line in text["method_text"]:
        page.paragraph(line)
    settings = pl.DataFrame(
        {
            "setting": [text["settings"].get(k, k.replace("_", " ")) for k in config],
            "value": [_setting_value(v, text, language) for v in config.values()],
        }
    )
    machine = pl.DataFrame(
        {
            "setting": settings["setting"],
            "key": list(config),
            "value": [machine_value(v) for v in config.values()],
            "number": [
                float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
                for v in config.values()
            ],
        },
        schema={"setting": pl.Utf8, "key": pl.Utf8, "value": pl.Utf8, "number": pl.Float64},
    )
    page.table(settings, "settings", text["columns"], download=machine)
    opening = text["opening"] + " " if results["is_synthetic"] else ""
    page.write(opening + text["subtitle"])
    return page


def build_skills_outlook_reports(
    marts_dir: Path,
    output_dir: Path,
    esco_dir: Path,
    config: dict[str, Any] | None = None,
    pdf: bool = True,
) -> list[Path]:
    """Compute once, write the outlook in every configured language; return the files."""
    config = config or outlook.load_config()
    inputs = outlook.read_inputs(marts_dir, esco_dir, config)
    results = outlook.build_outlook(inputs, config)
    regions = marts_dir / "dim_region.parquet"
    provinces = region_names(pl.read_parquet(regions), "province") if regions.exists() else {}
    postings_path = marts_dir / "fct_vacancy_postings.parquet"
    postings = (
        pl.read_parquet(postings_path, columns=["source", "first_seen_date"])
        if postings_path.exists()
        else None
    )
    # ESCO and the configuration change the page as the marts do.
    version = sources.data_version(marts_dir, SKILLS_MARTS, [esco_dir], config)
    written: list[Path] = []
    for language in config.get("languages", ["id", "en"]):
        page = build_report(
            output_dir,
            language,
            config,
            results,
            inputs.missing,
            provinces,
            occupation_titles(marts_dir, language),
            sources.posting_rows(postings, language),
            version,
        )
        written += page.written
        if pdf:
            target = print_pdf(output_dir / f"{STEM}.{language}.html")
            if target is not None:
                written.append(target)
    log.info("skills outlook: %d files written", len(written))
    return written
