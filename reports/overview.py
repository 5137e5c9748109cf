"""The labour-market overview report: Sakernas headline indicators and vacancy counts.

Built from the published parquet marts into one self-contained HTML file per language
(`labour-market-overview.id.html`, `labour-market-overview.en.html`). Plotly's script is embedded
once per file, so the report opens offline. Region and occupation codes are categorical axes
(a code is a label, not a number), shown with the region's name from `dim_region`, and every
text that came from a source is HTML-escaped.

The title names the area the survey indicators cover as the mart has it (national rows exist only
for a round covering every province; the shipped microdata cover one province), a breakdown chart
shows one area (the nation when it has rows, else each province in turn), suppressed values
are labelled and explained under their chart (the rule of docs/sakernas.md, stated on the page: a
reader of the HTML has no repository), and the vacancy charts say that they count postings, not
distinct vacancies, and which postings they leave out (no province, no accepted occupation code).
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from reports import sources
from reports.critical_occupations.rendering import figure_html
from reports.formatting import format_number
from reports.labels import major_group_label, source_name

log = logging.getLogger(__name__)

TEXT = {
    "id": {
        "title": "Ikhtisar Pasar Kerja",
        "subtitle": "Dibangun otomatis dari mart gudang data LMIS.",
        "national": "Indonesia",
        "one_province": "Provinsi {name}",
        # A code that dim_region has no name for: the code with the word for what it is.
        "unnamed_province": "Provinsi {code}",
        "unnamed_regency": "Kabupaten/kota {code}",
        "many_provinces": "{count} provinsi",
        "and": "dan",
        "survey_scope": "Indikator Sakernas: {coverage}, periode {periods}.",
        "survey_only": (
            " Data mikro Sakernas yang dimuat hanya mencakup wilayah ini, jadi indikatornya "
            "bukan angka nasional."
        ),
        "no_survey": "Belum ada indikator Sakernas yang dipublikasikan.",
        "vacancy_scope": "Lowongan daring: {postings} iklan ({vacancies} lowongan berbeda)",
        "vacancy_scope_postings": "Lowongan daring: {postings} iklan",
        "located_all": " dengan lokasi di {provinces} provinsi.",
        "located_some": (
            ", {located} di antaranya dengan lokasi di {provinces} provinsi; {missing} iklan tanpa "
            "provinsi tidak masuk grafik per provinsi."
        ),
        "no_province_note": "{missing} iklan tanpa provinsi tidak ditampilkan di grafik ini.",
        "headline": "Indikator utama Sakernas",
        "period": "Periode",
        "area": "Wilayah",
        "indicator": "Indikator",
        "value": "Nilai",
        "tpt": "Tingkat Pengangguran Terbuka (TPT, %)",
        "tpak": "Tingkat Partisipasi Angkatan Kerja (TPAK, %)",
        "population_15plus": "Penduduk usia 15+",
        "labour_force": "Angkatan kerja",
        "employed": "Bekerja",
        "unemployed": "Pengangguran",
        "tpt_by_regency": "TPT menurut kabupaten/kota",
        "tpt_by_sex_age": "TPT menurut jenis kelamin dan kelompok umur",
        "employed_by_kbji": "Penduduk bekerja menurut golongan pokok KBJI 2014",
        "vacancies": "Lowongan daring (seluruh Indonesia)",
        "vacancies_by_province": "Iklan lowongan menurut provinsi",
        "vacancies_by_source": "Iklan lowongan menurut sumber",
        "postings_note": (
            "Grafik ini menghitung iklan (posting), bukan lowongan: lowongan yang sama yang "
            "diiklankan di beberapa situs lowongan kerja atau beberapa kali terhitung sebagai "
            "beberapa iklan. Iklan lowongan mencakup seluruh Indonesia, tidak hanya wilayah "
            "Sakernas di atas; tanggal pengumpulannya per situs ada di Sumber dan periode."
        ),
        "vacancies_by_occupation": (
            "Iklan lowongan dengan kode KBJI 2014 yang diterima, menurut golongan pokok"
        ),
        "coded_note": (
            "Menghitung iklan (posting), hanya {accepted} dari {postings} iklan yang kode jabatan "
            "KBJI 2014-nya diterima otomatis. Judul {coded} iklan dikode otomatis; {awaiting} "
            "kode di antaranya di bawah ambang keyakinan pengode dan menunggu pengode manusia, "
            "{uncoded} iklan tanpa kode. Keduanya tidak masuk grafik ini."
        ),
        "not_coded": (
            "Belum ada iklan lowongan dengan kode KBJI 2014 yang diterima; grafik ini muncul "
            "setelah pengkodean jabatan berjalan."
        ),
        "postings": "Jumlah iklan lowongan",
        "sex": {"1": "Laki-laki", "2": "Perempuan"},
        "source_note": ("SE = galat baku; RSE = galat baku relatif (%), aturan keandalan BPS."),
        "persons": "Orang",
        "major_group": "Golongan pokok KBJI 2014 (kode)",
        "no_data": "Tidak ada data.",
        "se_rse": "SE (RSE, %)",
        "reliability": "Keandalan (aturan BPS)",
        "reliability_values": {
            "reliable": "andal",
            "use_with_caution": "gunakan dengan hati-hati",
            "unreliable": "tidak andal",
            "not_assessable": "tidak dapat dinilai",
        },
        "regency_code": "Kabupaten/kota (kode BPS)",
        "province_code": "Provinsi (kode BPS)",
        "suppressed": "tidak ditampilkan",
        "suppressed_note": (
            "Batang kosong bertanda (tidak ditampilkan){where}: nilainya disensor, {cells}. "
            "Aturan keandalan BPS: nilai disensor bila RSE di atas 50 % atau sampelnya kurang "
            "dari 10 orang; nilai yang terkait dengannya ikut disensor, dan bila suatu total "
            "hanya punya satu bagian yang disensor, bagian terkecil lainnya ikut disensor, agar "
            "tidak ada nilai yang dapat dihitung balik."
        ),
        "suppression_reasons": {
            "rse_above_50": "RSE di atas 50 %",
            "too_few_sample_persons": "sampel kurang dari 10 orang",
            "secondary_complement": "disensor sebagai pelengkap",
            "linked": "ikut disensor bersama nilai {indicator} yang disensor",
        },
        "age_group": "Jenis kelamin / kelompok umur",
        "in_area": " di {area}",
        "source": "Sumber",
        "sakernas": "Sakernas BPS (data mikro publik), {coverage}",
        "title_scope": "Sakernas {coverage} dan lowongan daring nasional",
    },
    "en": {
        "title": "Labour Market Overview",
        "subtitle": "Built automatically from the LMIS warehouse marts.",
        "national": "Indonesia",
        "one_province": "{name} Province",
        "unnamed_province": "Province {code}",
        "unnamed_regency": "Regency/city {code}",
        "many_provinces": "{count} provinces",
        "and": "and",
        "survey_scope": "Sakernas indicators: {coverage}, period {periods}.",
        "survey_only": (
            " The Sakernas microdata loaded cover this area only, so the indicators are not "
            "national figures."
        ),
        "no_survey": "No Sakernas indicators are published yet.",
        "vacancy_scope": "Online vacancies: {postings} postings ({vacancies} distinct vacancies)",
        "vacancy_scope_postings": "Online vacancies: {postings} postings",
        "located_all": " located in {provinces} provinces.",
        "located_some": (
            ", {located} of them located in {provinces} provinces; {missing} postings without a "
            "province are left out of the chart by province."
        ),
        "no_province_note": "{missing} postings without a province are not in this chart.",
        "headline": "Sakernas headline indicators",
        "period": "Period",
        "area": "Area",
        "indicator": "Indicator",
        "value": "Value",
        "tpt": "Open unemployment rate (TPT, %)",
        "tpak": "Labour-force participation rate (TPAK, %)",
        "population_15plus": "Population aged 15+",
        "labour_force": "Labour force",
        "employed": "Employed",
        "unemployed": "Unemployed",
        "tpt_by_regency": "TPT by regency/city",
        "tpt_by_sex_age": "TPT by sex and age group",
        "employed_by_kbji": "Employed persons by KBJI 2014 major group",
        "vacancies": "Online vacancies (all of Indonesia)",
        "vacancies_by_province": "Vacancy postings by province",
        "vacancies_by_source": "Vacancy postings by source",
        "postings_note": (
            "These charts count postings (adverts), not vacancies: one vacancy advertised on "
            "several job boards or several times counts as several postings. The postings cover "
            "all of Indonesia, not only the Sakernas area above; each board's collection dates "
            "are under Sources and periods."
        ),
        "vacancies_by_occupation": (
            "Vacancy postings with an accepted KBJI 2014 code, by major group"
        ),
        "coded_note": (
            "Counts postings (adverts), and only the {accepted} of {postings} postings whose KBJI "
            "2014 occupation code is accepted automatically. {coded} titles are coded "
            "automatically; {awaiting} of these codes are below the coder's confidence threshold "
            "and await a human coder, and {uncoded} postings have no code. Neither is in this "
            "chart."
        ),
        "not_coded": (
            "No vacancy posting has an accepted KBJI 2014 code yet; this chart appears once "
            "occupation coding runs."
        ),
        "postings": "Vacancy postings",
        "sex": {"1": "Male", "2": "Female"},
        "source_note": (
            "SE = standard error; RSE = relative standard error (%), BPS reliability rule."
        ),
        "persons": "Persons",
        "major_group": "KBJI 2014 major group (code)",
        "no_data": "No data.",
        "se_rse": "SE (RSE, %)",
        "reliability": "Reliability (BPS rule)",
        "reliability_values": {
            "reliable": "reliable",
            "use_with_caution": "use with caution",
            "unreliable": "unreliable",
            "not_assessable": "not assessable",
        },
        "regency_code": "Regency/city (BPS code)",
        "province_code": "Province (BPS code)",
        "suppressed": "suppressed",
        "suppressed_note": (
            "Empty bars marked (suppressed){where}: the value is not published, {cells}. BPS "
            "reliability rule: a value is suppressed when its RSE is above 50% or fewer than 10 "
            "persons are sampled; the values linked to it are suppressed too, and where a total "
            "has exactly one withheld part, its smallest other part as well, so that no withheld "
            "value can be worked back."
        ),
        "suppression_reasons": {
            "rse_above_50": "RSE above 50%",
            "too_few_sample_persons": "fewer than 10 persons sampled",
            "secondary_complement": "complementary suppression",
            "linked": "suppressed with the suppressed {indicator} value",
        },
        "age_group": "Sex / age group",
        "in_area": " in {area}",
        "source": "Source",
        "sakernas": "BPS Sakernas (public-use microdata), {coverage}",
        "title_scope": "Sakernas {coverage} and national online vacancies",
    },
}

OVERVIEW_MARTS = ("labour_force_indicators", "dim_region", "fct_vacancy_postings", "fct_vacancies")
"""The marts the overview reads (their SHA-256 is the page's data version)."""
HEADLINE_INDICATORS = ("tpt", "tpak", "population_15plus", "labour_force", "employed", "unemployed")


def _read_mart(marts_dir: Path, name: str) -> pl.DataFrame:
    path = marts_dir / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"mart {name} not published at {path}; run the pipeline first")
    return pl.read_parquet(path)


def _format_value(indicator: str, value: float, language: str) -> str:
    if indicator in ("tpt", "tpak"):
        return format_number(value, language, 2)
    return format_number(value, language)


def _format_se(se: float | None, rse: float | None, language: str) -> str:
    if se is None:
        return ""
    shown = format_number(se, language, 2)
    return shown + (f" ({format_number(rse, language, 1)})" if rse is not None else "")


def _read_optional_mart(marts_dir: Path, name: str) -> pl.DataFrame | None:
    path = marts_dir / f"{name}.parquet"
    return pl.read_parquet(path) if path.exists() else None


def region_names(regions: pl.DataFrame, level: str) -> dict[str, str]:
    """BPS code -> name of the regions of `level` in `dim_region` (built from the regions
    reference, data/reference/wilayah)."""
    rows = regions.filter(pl.col("region_level") == level).select("bps_code", "region_name")
    names: dict[str, str] = {}
    for code, name in rows.iter_rows():
        # Regencies split off after 2020 share their former BPS code: the first name is kept.
        if name:
            names.setdefault(code, name)
    return names


def area_label(level: str, code: str, names: dict[str, str], language: str) -> str:
    """'Name (code)'; 'Indonesia' for the national row (code 00); 'Province 15' for a code that
    `dim_region` has no name for, so that a bare number never stands for a place."""
    text = TEXT[language]
    if level == "national":
        return text["national"]
    name = names.get(code)
    if name:
        return f"{name} ({code})"
    return text[f"unnamed_{level}"].format(code=code)


def survey_coverage(indicators: pl.DataFrame, provinces: dict[str, str], language: str) -> str:
    """The area the survey indicators cover, as the data have it: 'Indonesia' when national
    rows are published (a round covering every province), else the provinces present."""
    text = TEXT[language]
    levels = set(indicators["area_level"].unique().to_list())
    if "national" in levels:
        return text["national"]
    codes = sorted(
        indicators.filter(pl.col("area_level") == "province")["area_code"].unique().to_list()
    )
    if not codes:
        # Regency rows only: their provinces are the first two digits of the codes.
        codes = sorted({c[:2] for c in indicators["area_code"].unique().to_list() if c})
    if len(codes) > 3:
        return text["many_provinces"].format(count=len(codes))
    names = [
        text["one_province"].format(name=provinces[code])
        if provinces.get(code)
        else text["unnamed_province"].format(code=code)
        for code in codes
    ]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {text['and']} {names[-1]}"


def chart_areas(cells: pl.DataFrame) -> list[tuple[str, str]]:
    """The areas a breakdown chart is drawn for, one chart each: the nation when it has rows,
    else every province (one, for the shipped microdata). Cells of several areas never share
    one chart: their bars would carry the same labels."""
    national = cells.filter(pl.col("area_level") == "national")
    if national.height:
        return [("national", code) for code in sorted(national["area_code"].unique().to_list())]
    provinces = cells.filter(pl.col("area_level") == "province")["area_code"].unique().to_list()
    return [("province", code) for code in sorted(provinces)]


def _suppressed(frame: pl.DataFrame) -> pl.Series:
    """Which rows of an indicator frame are suppressed (value withheld by the BPS rule)."""
    if "is_suppressed" in frame.columns:
        return frame["is_suppressed"].fill_null(False)
    return pl.Series([False] * frame.height)


def _reason_text(reason: str | None, text: dict) -> str:
    reasons = text["suppression_reasons"]
    if reason and reason.startswith("linked_to_suppressed_"):
        indicator = reason.removeprefix("linked_to_suppressed_")
        return reasons["linked"].format(indicator=text.get(indicator, indicator))
    return reasons.get(reason or "", reason or "")


def _suppressed_labels(
    labels: list[str], frame: pl.DataFrame, text: dict, area: str | None = None
) -> tuple[list[str], str | None]:
    """Bar labels with '(suppressed)' on each withheld value, and the note explaining them (in
    `area`, when the labels do not name it)."""
    hidden = _suppressed(frame).to_list()
    reasons = (
        frame["suppression_reason"].to_list()
        if "suppression_reason" in frame.columns
        else [None] * frame.height
    )
    shown = [
        f"{label} ({text['suppressed']})" if h else label
        for label, h in zip(labels, hidden, strict=True)
    ]
    cells = [
        f"{label}: {_reason_text(reason, text)}"
        for label, h, reason in zip(labels, hidden, reasons, strict=True)
        if h
    ]
    if not cells:
        return shown, None
    where = text["in_area"].format(area=area) if area else ""
    return shown, text["suppressed_note"].format(where=where, cells="; ".join(cells))


def build_overview_html(marts_dir: Path, language: str) -> str:
    text = TEXT[language]
    indicators = _read_mart(marts_dir, "labour_force_indicators")
    regions = _read_mart(marts_dir, "dim_region")
    postings = _read_mart(marts_dir, "fct_vacancy_postings")
    vacancies = _read_optional_mart(marts_dir, "fct_vacancies")
    province_names = region_names(regions, "province")
    regency_names = region_names(regions, "regency")
    sections: list[str] = []
    charts = 0

    def add_figure(figure: go.Figure, note: str | None = None) -> None:
        nonlocal charts
        charts += 1
        sections.append(figure_html(figure, language, charts))
        if note:
            sections.append(f"<p class='note'>{html.escape(note)}</p>")

    # What the page covers, from the data themselves: the shipped Sakernas microdata may cover
    # one province while the vacancies cover the country.
    if indicators.height:
        coverage = survey_coverage(indicators, province_names, language)
        periods = ", ".join(sorted(indicators["period"].unique().to_list()))
        scope = text["survey_scope"].format(coverage=coverage, periods=periods)
        if coverage != text["national"]:
            scope += text["survey_only"]
        # The vacancy charts cover the country: a title naming one province would claim them.
        title = f"{text['title']}: " + (
            coverage
            if coverage == text["national"]
            else text["title_scope"].format(coverage=coverage)
        )
    else:
        scope, title = text["no_survey"], text["title"]
    located = postings["province_bps_code"].drop_nulls()
    unlocated = postings.height - located.len()
    counts = {
        "postings": format_number(postings.height, language),
        "vacancies": format_number(vacancies.height, language) if vacancies is not None else "",
        "provinces": format_number(located.n_unique(), language),
        "located": format_number(located.len(), language),
        "missing": format_number(unlocated, language),
    }
    vacancy_scope = text["vacancy_scope" if vacancies is not None else "vacancy_scope_postings"]
    vacancy_scope += text["located_some" if unlocated else "located_all"]
    vacancy_scope = vacancy_scope.format(**counts)
    subtitle = " ".join((scope, vacancy_scope, text["subtitle"]))

    # Headline table: every province-level (and national, when published) total.
    headline = indicators.filter(
        pl.col("breakdown") == "total",
        pl.col("area_level").is_in(["national", "province"]),
        pl.col("indicator").is_in(HEADLINE_INDICATORS),
    ).sort("period", "area_level", "area_code")
    rows = "".join(
        f"<tr><td>{html.escape(r['period'])}</td>"
        f"<td>{html.escape(area_label(r['area_level'], r['area_code'], province_names, language))}"
        "</td>"
        f"<td>{html.escape(text[r['indicator']])}</td>"
        f"<td class='num'>{_format_value(r['indicator'], r['value'], language)}</td>"
        f"<td class='num'>{_format_se(r.get('se'), r.get('rse'), language)}</td>"
        f"<td>{html.escape(text['reliability_values'].get(r.get('reliability') or '', ''))}</td>"
        "</tr>"
        for r in headline.iter_rows(named=True)
        if r["value"] is not None
    )
    sections.append(
        f"<h2>{text['headline']}</h2><table><thead><tr><th>{text['period']}</th>"
        f"<th>{text['area']}</th><th>{text['indicator']}</th><th>{text['value']}</th>"
        f"<th>{text['se_rse']}</th><th>{text['reliability']}</th></tr>"
        f"</thead><tbody>{rows or '<tr><td colspan=6>' + text['no_data'] + '</td></tr>'}"
        "</tbody></table>"
    )

    # The charts show the latest round; with no rounds there is no period to compare with (a
    # comparison with None is null for every row, and Polars warns about it).
    latest_period = indicators["period"].max()
    latest = (
        indicators.filter(pl.col("period") == latest_period)
        if latest_period is not None
        else indicators.clear()
    )
    tpt = latest.filter(pl.col("indicator") == "tpt")

    by_regency = tpt.filter(pl.col("area_level") == "regency", pl.col("breakdown") == "total")
    if by_regency.height:
        by_regency = by_regency.sort(
            "value", "area_code", descending=[True, False], nulls_last=True
        )
        labels, note = _suppressed_labels(
            [area_label("regency", c, regency_names, language) for c in by_regency["area_code"]],
            by_regency,
            text,
        )
        figure = go.Figure(
            go.Bar(x=[html.escape(x) for x in labels], y=by_regency["value"].to_list())
        )
        figure.update_layout(title=f"{text['tpt_by_regency']}, {latest_period}")
        figure.update_xaxes(type="category", title=text["regency_code"])
        figure.update_yaxes(title="%")
        add_figure(figure, note)

    sex_age = tpt.filter(pl.col("breakdown").str.contains("^(sex|age_group)="))
    for level, code in chart_areas(sex_age):
        area = area_label(level, code, province_names, language)
        here = sex_age.filter(pl.col("area_level") == level, pl.col("area_code") == code)
        by_sex = here.filter(pl.col("breakdown").str.starts_with("sex="))
        by_sex_age = here.filter(pl.col("breakdown").str.starts_with("age_group="))
        cells = pl.concat([by_sex, by_sex_age], how="diagonal_relaxed")
        labels = [text["sex"].get(b.split("=")[1], b) for b in by_sex["breakdown"].to_list()]
        labels += [b.split("=")[1] for b in by_sex_age["breakdown"].to_list()]
        labels, note = _suppressed_labels(labels, cells, text, area)
        figure = go.Figure(go.Bar(x=labels, y=cells["value"].to_list()))
        figure.update_layout(
            title=html.escape(f"{text['tpt_by_sex_age']}, {area}, {latest_period}")
        )
        figure.update_xaxes(type="category", title=text["age_group"])
        figure.update_yaxes(title="%")
        add_figure(figure, note)

    employed_kbji = latest.filter(
        pl.col("indicator") == "employed", pl.col("breakdown").str.starts_with("kbji1=")
    )
    for level, code in chart_areas(employed_kbji):
        area = area_label(level, code, province_names, language)
        here = employed_kbji.filter(
            pl.col("area_level") == level, pl.col("area_code") == code
        ).sort("breakdown")
        labels, note = _suppressed_labels(
            [major_group_label(b.split("=")[1], language) for b in here["breakdown"].to_list()],
            here,
            text,
            area,
        )
        figure = go.Figure(go.Bar(x=labels, y=here["value"].to_list()))
        figure.update_layout(
            title=html.escape(f"{text['employed_by_kbji']}, {area}, {latest_period}")
        )
        figure.update_xaxes(type="category", title=text["major_group"])
        figure.update_yaxes(title=text["persons"])
        add_figure(figure, note)

    sections.append(f"<h2>{text['vacancies']}</h2>")
    sections.append(f"<p class='note'>{html.escape(text['postings_note'])}</p>")
    by_source = postings.group_by("source").len().sort("source")
    figure = go.Figure(
        go.Bar(
            x=[html.escape(source_name(s, language)) for s in by_source["source"].to_list()],
            y=by_source["len"].to_list(),
        )
    )
    figure.update_layout(title=text["vacancies_by_source"])
    figure.update_xaxes(type="category", title=text["source"])
    figure.update_yaxes(title=text["postings"])
    add_figure(figure)

    by_province = (
        postings.filter(pl.col("province_bps_code").is_not_null())
        .group_by("province_bps_code", "source")
        .len()
        .sort("province_bps_code")
    )
    if by_province.height:
        # Names in code order, so provinces stay in BPS order (Aceh first) on the axis.
        order = [
            html.escape(area_label("province", c, province_names, language))
            for c in sorted(by_province["province_bps_code"].unique())
        ]
        figure = go.Figure()
        for source in sorted(by_province["source"].unique().to_list()):
            part = by_province.filter(pl.col("source") == source)
            figure.add_bar(
                name=html.escape(source_name(source, language)),
                x=[
                    html.escape(area_label("province", c, province_names, language))
                    for c in part["province_bps_code"].to_list()
                ],
                y=part["len"].to_list(),
            )
        figure.update_layout(barmode="stack", title=text["vacancies_by_province"])
        figure.update_xaxes(
            type="category", categoryorder="array", categoryarray=order, title=text["province_code"]
        )
        figure.update_yaxes(title=text["postings"])
        add_figure(figure, text["no_province_note"].format(**counts) if unlocated else None)

    coded = postings.filter(pl.col("kbji2014_code").is_not_null())
    # Only accepted codes are occupation figures (as in the skills-demand mart): a code
    # below the coder's threshold awaits a human coder. Without the flag none is accepted.
    accepted = (
        coded.filter(pl.col("is_occupation_coded").fill_null(False))
        if "is_occupation_coded" in coded.columns
        else coded.clear()
    )
    if accepted.height:
        by_major = accepted.with_columns(pl.col("kbji2014_code").str.slice(0, 1).alias("major"))
        by_major = by_major.group_by("major").len().sort("major")
        figure = go.Figure(
            go.Bar(
                x=[major_group_label(m, language) for m in by_major["major"].to_list()],
                y=by_major["len"].to_list(),
            )
        )
        figure.update_layout(title=text["vacancies_by_occupation"])
        figure.update_xaxes(type="category", title=text["major_group"])
        figure.update_yaxes(title=text["postings"])
        coded_note = text["coded_note"].format(
            accepted=format_number(accepted.height, language),
            coded=format_number(coded.height, language),
            awaiting=format_number(coded.height - accepted.height, language),
            postings=counts["postings"],
            uncoded=format_number(postings.height - coded.height, language),
        )
        add_figure(figure, coded_note)
    else:
        sections.append(f"<p class='note'>{text['not_coded']}</p>")

    source_rows = (
        [
            sources.SourceRow(
                text["sakernas"].format(coverage=coverage),
                sources.periods_text(indicators["period"].to_list(), language),
                indicators.height,
            )
        ]
        if indicators.height
        else []
    )
    source_rows += sources.posting_rows(postings, language)
    sections.append(
        sources.sources_html(source_rows, language, sources.data_version(marts_dir, OVERVIEW_MARTS))
    )
    body = "\n".join(sections)
    return (
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd}"
        ".num{text-align:right}.note{color:#666;font-style:italic}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>{body}"
        f"<p class='note'>{text['source_note']}</p></body></html>"
    )


def build_overview_reports(marts_dir: Path, output_dir: Path) -> list[Path]:
    """Write the overview in Indonesian and English; return the files written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for language in ("id", "en"):
        target = output_dir / f"labour-market-overview.{language}.html"
        target.write_text(build_overview_html(marts_dir, language), encoding="utf-8")
        log.info("wrote %s", target)
        written.append(target)
    return written
