"""The labour-market overview report: Sakernas headline indicators and vacancy counts.

Built from the published parquet marts into one self-contained HTML file per language
(`labour-market-overview.id.html`, `labour-market-overview.en.html`). Plotly's script is embedded
once per file, so the report opens offline. Region and occupation codes are categorical axes
(a code is a label, not a number), and every text that came from a source is HTML-escaped.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from reports.critical_occupations.rendering import figure_html
from reports.formatting import format_number

log = logging.getLogger(__name__)

TEXT = {
    "id": {
        "title": "Ikhtisar Pasar Kerja Indonesia",
        "subtitle": "Dibangun otomatis dari mart gudang data LMIS",
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
        "vacancies": "Lowongan daring",
        "vacancies_by_province": "Lowongan menurut provinsi (kode BPS)",
        "vacancies_by_source": "Lowongan menurut sumber",
        "vacancies_by_occupation": "Lowongan menurut golongan pokok KBJI 2014",
        "not_coded": (
            "Lowongan belum dikode ke KBJI 2014; grafik ini muncul setelah pengkodean jabatan "
            "berjalan."
        ),
        "postings": "Jumlah lowongan",
        "sex": {"1": "Laki-laki", "2": "Perempuan"},
        "source_note": (
            "Sumber: Sakernas BPS (data mikro publik), papan lowongan JobStreet, Loker.id, "
            "Dealls. SE = galat baku; RSE = galat baku relatif (%), aturan keandalan BPS."
        ),
        "persons": "Orang",
        "no_data": "Tidak ada data.",
        "se_rse": "SE (RSE, %)",
        "reliability": "Keandalan (aturan BPS)",
        "reliability_values": {
            "reliable": "andal",
            "use_with_caution": "gunakan dengan hati-hati",
            "unreliable": "tidak andal",
            "not_assessable": "tidak dapat dinilai",
        },
        "regency_code": "Kode BPS kabupaten/kota",
        "province_code": "Kode BPS provinsi",
        "age_group": "Jenis kelamin / kelompok umur",
        "source": "Sumber",
    },
    "en": {
        "title": "Indonesia Labour Market Overview",
        "subtitle": "Built automatically from the LMIS warehouse marts",
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
        "vacancies": "Online vacancies",
        "vacancies_by_province": "Vacancies by province (BPS code)",
        "vacancies_by_source": "Vacancies by source",
        "vacancies_by_occupation": "Vacancies by KBJI 2014 major group",
        "not_coded": (
            "Vacancies are not yet coded to KBJI 2014; this chart appears once occupation "
            "coding runs."
        ),
        "postings": "Postings",
        "sex": {"1": "Male", "2": "Female"},
        "source_note": (
            "Sources: BPS Sakernas (public-use microdata); JobStreet, Loker.id and Dealls job "
            "boards. SE = standard error; RSE = relative standard error (%), BPS reliability rule."
        ),
        "persons": "Persons",
        "no_data": "No data.",
        "se_rse": "SE (RSE, %)",
        "reliability": "Reliability (BPS rule)",
        "reliability_values": {
            "reliable": "reliable",
            "use_with_caution": "use with caution",
            "unreliable": "unreliable",
            "not_assessable": "not assessable",
        },
        "regency_code": "BPS regency/city code",
        "province_code": "BPS province code",
        "age_group": "Sex / age group",
        "source": "Source",
    },
}

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


def build_overview_html(marts_dir: Path, language: str) -> str:
    text = TEXT[language]
    indicators = _read_mart(marts_dir, "labour_force_indicators")
    regions = _read_mart(marts_dir, "dim_region")
    postings = _read_mart(marts_dir, "fct_vacancy_postings")
    sections: list[str] = []
    charts = 0

    def add_figure(figure: go.Figure) -> None:
        nonlocal charts
        charts += 1
        sections.append(figure_html(figure, language, charts))

    # Headline table: every province-level (and national, when published) total.
    headline = indicators.filter(
        pl.col("breakdown") == "total",
        pl.col("area_level").is_in(["national", "province"]),
        pl.col("indicator").is_in(HEADLINE_INDICATORS),
    ).sort("period", "area_level", "area_code")
    province_names = dict(
        regions.filter(pl.col("region_level") == "province")
        .select("bps_code", "region_name")
        .iter_rows()
    )
    rows = "".join(
        f"<tr><td>{html.escape(r['period'])}</td>"
        f"<td>{html.escape(province_names.get(r['area_code'], r['area_code']))}"
        f" ({html.escape(r['area_code'])})</td>"
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

    latest_period = indicators["period"].max() if indicators.height else None
    tpt = indicators.filter(pl.col("indicator") == "tpt", pl.col("period") == latest_period)

    by_regency = tpt.filter(pl.col("area_level") == "regency", pl.col("breakdown") == "total")
    if by_regency.height:
        by_regency = by_regency.sort("value", descending=True)
        figure = go.Figure(
            go.Bar(x=by_regency["area_code"].to_list(), y=by_regency["value"].to_list())
        )
        figure.update_layout(title=f"{text['tpt_by_regency']}, {latest_period}")
        figure.update_xaxes(type="category", title=text["regency_code"])
        figure.update_yaxes(title="%")
        add_figure(figure)

    by_sex_age = tpt.filter(
        pl.col("area_level") == "province", pl.col("breakdown").str.starts_with("age_group=")
    )
    by_sex = tpt.filter(
        pl.col("area_level") == "province", pl.col("breakdown").str.starts_with("sex=")
    )
    if by_sex_age.height or by_sex.height:
        labels = [text["sex"].get(b.split("=")[1], b) for b in by_sex["breakdown"].to_list()]
        labels += [b.split("=")[1] for b in by_sex_age["breakdown"].to_list()]
        values = by_sex["value"].to_list() + by_sex_age["value"].to_list()
        figure = go.Figure(go.Bar(x=labels, y=values))
        figure.update_layout(title=f"{text['tpt_by_sex_age']}, {latest_period}")
        figure.update_xaxes(type="category", title=text["age_group"])
        figure.update_yaxes(title="%")
        add_figure(figure)

    employed_kbji = indicators.filter(
        pl.col("indicator") == "employed",
        pl.col("area_level") == "province",
        pl.col("breakdown").str.starts_with("kbji1="),
        pl.col("period") == latest_period,
    ).sort("breakdown")
    if employed_kbji.height:
        figure = go.Figure(
            go.Bar(
                x=[b.split("=")[1] for b in employed_kbji["breakdown"].to_list()],
                y=employed_kbji["value"].to_list(),
            )
        )
        figure.update_layout(title=f"{text['employed_by_kbji']}, {latest_period}")
        figure.update_xaxes(type="category", title="KBJI 2014")
        figure.update_yaxes(title=text["persons"])
        add_figure(figure)

    sections.append(f"<h2>{text['vacancies']}</h2>")
    by_source = postings.group_by("source").len().sort("source")
    figure = go.Figure(go.Bar(x=by_source["source"].to_list(), y=by_source["len"].to_list()))
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
        figure = go.Figure()
        for source in sorted(by_province["source"].unique().to_list()):
            part = by_province.filter(pl.col("source") == source)
            figure.add_bar(
                name=source, x=part["province_bps_code"].to_list(), y=part["len"].to_list()
            )
        figure.update_layout(barmode="stack", title=text["vacancies_by_province"])
        figure.update_xaxes(
            type="category", categoryorder="category ascending", title=text["province_code"]
        )
        figure.update_yaxes(title=text["postings"])
        add_figure(figure)

    coded = postings.filter(pl.col("kbji2014_code").is_not_null())
    if coded.height:
        by_major = coded.with_columns(pl.col("kbji2014_code").str.slice(0, 1).alias("major"))
        by_major = by_major.group_by("major").len().sort("major")
        figure = go.Figure(go.Bar(x=by_major["major"].to_list(), y=by_major["len"].to_list()))
        figure.update_layout(title=text["vacancies_by_occupation"])
        figure.update_xaxes(type="category", title="KBJI 2014")
        add_figure(figure)
    else:
        sections.append(f"<p class='note'>{text['not_coded']}</p>")

    body = "\n".join(sections)
    return (
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{text['title']}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd}"
        ".num{text-align:right}.note{color:#666;font-style:italic}</style></head><body>"
        f"<h1>{text['title']}</h1><p>{text['subtitle']}</p>{body}"
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
