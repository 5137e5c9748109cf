"""The Critical Occupations List report (`critical-occupations.<lang>.html`, `.pdf`, tables).

Built from the published parquet marts and the employer-evidence input file by
`reports.critical_occupations.scoring`; the methodology appendix is generated from the same
configuration the scoring used. Every figure resting on synthetic data is footnoted as such.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from reports.critical_occupations import scoring
from reports.critical_occupations.rendering import Page, print_pdf

log = logging.getLogger(__name__)

STEM = "critical-occupations"

TEXT: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Daftar Jabatan Kritis Indonesia",
        "subtitle": "Dibangun otomatis dari mart gudang data LMIS; metode dan ambang dapat diubah "
        "di reports/config/critical_occupations.yaml.",
        "summary": "Ringkasan",
        "summary_text": "{listed} jabatan masuk daftar, {shortage} kekurangan tetapi tidak kritis, "
        "{not_listed} tidak masuk daftar, {undetermined} belum dapat ditentukan "
        "(indikator andal terlalu sedikit) dari {total} jabatan KBJI 4 digit.",
        "list": "Daftar jabatan kritis",
        "all": "Semua jabatan dan statusnya",
        "by_major": "Status jabatan menurut golongan pokok KBJI 2014",
        "scores": "Skor kekurangan jabatan yang masuk daftar",
        "sensitivity": "Kepekaan: status menurut ambang dan bobot alternatif",
        "sensitivity_counts": "Jumlah jabatan masuk daftar per skenario",
        "indicators": "Nilai indikator dan sinyal",
        "method": "Lampiran metodologi",
        "missing": "Mart tidak tersedia (indikatornya dianggap tanpa data): {names}.",
        "synthetic": "Angka ini berasal dari data SINTETIS (Sakernas sintetis 2015-2024), bukan "
        "estimasi resmi BPS; hanya untuk menguji metode.",
        "illustrative": "Bukti pemberi kerja ditandai ilustratif/sintetis; bukan hasil survei.",
        "no_vacancy_codes": "Lowongan daring belum dikode ke KBJI 2014: indikator lowongan tanpa "
        "data untuk semua jabatan.",
        "status": {
            "listed": "masuk daftar",
            "shortage_not_critical": "kekurangan, tidak kritis",
            "not_listed": "tidak masuk daftar",
            "undetermined": "belum dapat ditentukan",
        },
        "columns": {
            "kbji_code": "KBJI 2014",
            "title": "Jabatan",
            "scored_level": "Digit dinilai",
            "scored_code": "Kode dinilai",
            "usable_indicators": "Indikator andal",
            "shortage_score": "Skor",
            "status": "Status",
            "is_skilled": "Terampil",
            "strategic_sectors": "Sektor strategis (KBLI)",
            "reason_codes": "Kode alasan",
            "is_synthetic": "Sintetis",
            "scenario": "Skenario",
            "listed": "Masuk daftar",
            "changed": "Berubah dari dasar",
            "indicator": "Indikator",
            "value": "Nilai",
            "unusable_reason": "Alasan tidak dipakai",
            "passes_cross_section": "Lolos lintas jabatan",
            "passes_own_history": "Lolos riwayat sendiri",
            "signals_shortage": "Sinyal kekurangan",
            "evidence": "Bukti",
            "weight": "Bobot",
            "direction": "Arah",
            "reason": "Kode alasan",
            "setting": "Pengaturan",
            "base": "Dasar",
            "level": "Tingkat",
            "unit_code": "Kode unit",
            "kbli": "KBLI",
            "sector": "Sektor",
            "kbji_prefixes": "Awalan KBJI",
        },
        "scenario_names": {
            "base": "dasar",
            "stricter_threshold": "ambang lebih ketat",
            "looser_threshold": "ambang lebih longgar",
            "top_third": "sepertiga teratas",
            "top_tenth": "sepersepuluh teratas",
            "equal_weights": "bobot sama",
            "wages_weigh_double": "bobot upah ganda",
            "more_indicators_required": "lebih banyak indikator wajib",
        },
        "method_text": [
            "Unit: kelompok jabatan KBJI 2014 (4 digit); jika indikator andal kurang dari "
            "minimum, dinilai pada golongan (3 digit).",
            "Setiap indikator dibandingkan dengan semua jabatan (kuantil) dan dengan riwayatnya "
            "sendiri (median tahun-tahun sebelumnya); indikator tidak andal (kelas RSE, "
            "penekanan, jumlah lowongan terlalu sedikit) tidak dihitung.",
            "Skor = bobot indikator bersinyal / bobot indikator andal. Kritis = kekurangan, "
            "terampil (golongan pokok terpilih) dan terkait sektor strategis.",
        ],
    },
    "en": {
        "title": "Indonesia Critical Occupations List",
        "subtitle": "Built automatically from the LMIS warehouse marts; method and thresholds "
        "are set in reports/config/critical_occupations.yaml.",
        "summary": "Summary",
        "summary_text": "{listed} occupations listed, {shortage} in shortage but not critical, "
        "{not_listed} not listed, {undetermined} undetermined (too few reliable indicators) "
        "out of {total} KBJI 4-digit occupations.",
        "list": "Critical occupations",
        "all": "All occupations and their status",
        "by_major": "Occupation status by KBJI 2014 major group",
        "scores": "Shortage score of listed occupations",
        "sensitivity": "Sensitivity: status under alternative thresholds and weights",
        "sensitivity_counts": "Occupations listed per scenario",
        "indicators": "Indicator values and signals",
        "method": "Methodology appendix",
        "missing": "Marts not available (their indicators count as no data): {names}.",
        "synthetic": "This figure rests on SYNTHETIC data (synthetic Sakernas 2015-2024), not "
        "official BPS estimates; it exercises the method only.",
        "illustrative": "Employer evidence marked illustrative/synthetic; not survey results.",
        "no_vacancy_codes": "Online vacancies are not yet coded to KBJI 2014: vacancy indicators "
        "have no data for any occupation.",
        "status": {
            "listed": "listed",
            "shortage_not_critical": "shortage, not critical",
            "not_listed": "not listed",
            "undetermined": "undetermined",
        },
        "columns": {
            "kbji_code": "KBJI 2014",
            "title": "Occupation",
            "scored_level": "Digits scored",
            "scored_code": "Code scored",
            "usable_indicators": "Reliable indicators",
            "shortage_score": "Score",
            "status": "Status",
            "is_skilled": "Skilled",
            "strategic_sectors": "Strategic sectors (KBLI)",
            "reason_codes": "Reason codes",
            "is_synthetic": "Synthetic",
            "scenario": "Scenario",
            "listed": "Listed",
            "changed": "Changed from base",
            "indicator": "Indicator",
            "value": "Value",
            "unusable_reason": "Why not used",
            "passes_cross_section": "Passes cross-occupation test",
            "passes_own_history": "Passes own-history test",
            "signals_shortage": "Signals shortage",
            "evidence": "Evidence",
            "weight": "Weight",
            "direction": "Direction",
            "reason": "Reason code",
            "setting": "Setting",
            "base": "Base",
            "level": "Level",
            "unit_code": "Unit code",
            "kbli": "KBLI",
            "sector": "Sector",
            "kbji_prefixes": "KBJI prefixes",
        },
        "scenario_names": {
            "base": "base",
            "stricter_threshold": "stricter threshold",
            "looser_threshold": "looser threshold",
            "top_third": "top third",
            "top_tenth": "top tenth",
            "equal_weights": "equal weights",
            "wages_weigh_double": "wages weigh double",
            "more_indicators_required": "more indicators required",
        },
        "method_text": [
            "Unit: KBJI 2014 unit group (4 digits); with fewer reliable indicators than the "
            "minimum it is scored at its minor group (3 digits).",
            "Each indicator is compared with all occupations (a quantile) and with its own "
            "history (median of earlier years); unreliable indicators (RSE class, suppression, "
            "too few postings) do not count.",
            "Score = weight of signalling indicators / weight of reliable indicators. Critical "
            "= in shortage, skilled (selected major groups) and linked to a strategic sector.",
        ],
    },
}

STATUS_ORDER = ["listed", "shortage_not_critical", "not_listed", "undetermined"]
STATUS_COLOURS = {
    "listed": "#c0392b",
    "shortage_not_critical": "#e67e22",
    "not_listed": "#7f8c8d",
    "undetermined": "#bdc3c7",
}
SETTINGS_SHOWN = (
    "growth_years",
    "accepted_reliability",
    "max_rse_percent",
    "min_postings",
    "min_history_points",
    "min_reliable_indicators",
    "cross_section_quantile",
    "shortage_score_threshold",
    "vacancy_window_days",
    "skilled_major_groups",
    "occupation_levels",
)


def occupation_titles(marts_dir: Path, language: str) -> dict[str, str]:
    """KBJI code -> title in the language (Indonesian KBJI title, or the ISCO-08 English one)."""
    path = marts_dir / "dim_occupation.parquet"
    if not path.exists():
        return {}
    column = "title_id" if language == "id" else "isco08_title_en"
    frame = pl.read_parquet(path, columns=["kbji_code", "title_id", "isco08_title_en"])
    return {
        code: title or fallback
        for code, title, fallback in frame.select(
            "kbji_code", pl.col(column).alias("title"), pl.col("title_id").alias("fallback")
        ).iter_rows()
    }


def methodology_appendix(page: Page, config: dict[str, Any], text: dict[str, Any]) -> None:
    """The appendix, generated from the configuration the scoring ran with."""
    page.heading(text["method"])
    for line in text["method_text"]:
        page.paragraph(line)
    columns = text["columns"]
    settings = pl.DataFrame(
        {
            "setting": list(SETTINGS_SHOWN),
            "value": [str(config.get(key)) for key in SETTINGS_SHOWN],
        }
    )
    page.table(settings, "settings", columns)
    indicators = pl.DataFrame(
        [
            {
                "indicator": name,
                "weight": float(spec["weight"]),
                "direction": "+" if int(spec["direction"]) > 0 else "-",
                "reason": spec["reason"],
            }
            for name, spec in config["indicators"].items()
        ]
    )
    page.table(indicators, "indicator_weights", columns, numeric={"weight"})
    language = page.language
    sectors = pl.DataFrame(
        [
            {
                "kbli": section,
                "sector": sector.get(f"name_{language}", section),
                "kbji_prefixes": ", ".join(sector["kbji_prefixes"]),
            }
            for section, sector in (config.get("strategic_sectors") or {}).items()
        ]
    )
    page.table(sectors, "strategic_sectors", columns)
    scenarios = pl.DataFrame(
        [
            {
                "scenario": text["scenario_names"].get(s["name"], s["name"]),
                "setting": ", ".join(f"{k}={v}" for k, v in s.items() if k != "name"),
            }
            for s in config.get("sensitivity") or []
        ]
    )
    page.table(scenarios, "scenarios", columns)


def build_report(
    marts_dir: Path,
    output_dir: Path,
    language: str,
    config: dict[str, Any],
    evidence_path: Path | None,
    results: dict[str, pl.DataFrame] | None = None,
    missing: list[str] | None = None,
) -> Page:
    """Write the report in one language; return the page (with the files it wrote)."""
    text = TEXT[language]
    columns = text["columns"]
    if results is None:
        marts = scoring.read_marts(marts_dir, evidence_path, config)
        results, missing = scoring.score(marts, config), marts.missing
    titles = occupation_titles(marts_dir, language)
    page = Page(text["title"], language, output_dir, STEM)
    occupations = results["occupations"].with_columns(
        pl.col("kbji_code").replace_strict(titles, default="").alias("title"),
        pl.col("status").replace_strict(text["status"], default=pl.col("status")).alias("label"),
    )
    synthetic = bool(occupations["is_synthetic"].any())
    synthetic_note = page.footnote(text["synthetic"]) if synthetic else ""
    if missing:
        page.paragraph(text["missing"].format(names=", ".join(missing)), css="note")
    if (
        results["values"]
        .filter(pl.col("indicator").is_in(["vacancy_growth", "vacancy_duration_days"]))
        .height
        == 0
    ):
        page.paragraph(text["no_vacancy_codes"], css="note")

    counts = {s: occupations.filter(pl.col("status") == s).height for s in STATUS_ORDER}
    page.heading(text["summary"])
    page.paragraph(
        text["summary_text"].format(
            listed=counts["listed"],
            shortage=counts["shortage_not_critical"],
            not_listed=counts["not_listed"],
            undetermined=counts["undetermined"],
            total=occupations.height,
        )
        + (f" {synthetic_note}" if synthetic else "")
    )

    by_major = (
        occupations.with_columns(pl.col("kbji_code").str.slice(0, 1).alias("major"))
        .group_by("major", "status")
        .len()
        .sort("major")
    )
    figure = go.Figure()
    for status in STATUS_ORDER:
        part = by_major.filter(pl.col("status") == status)
        figure.add_bar(
            name=text["status"][status],
            x=part["major"].to_list(),
            y=part["len"].to_list(),
            marker_color=STATUS_COLOURS[status],
        )
    figure.update_layout(barmode="stack", title=f"{text['by_major']} {synthetic_note}")
    figure.update_xaxes(type="category", categoryorder="category ascending", title="KBJI 2014")
    page.heading(text["by_major"])
    page.figure(figure, note=f"{synthetic_note} {text['synthetic']}" if synthetic else None)

    listed = occupations.filter(pl.col("status") == "listed").sort(
        "shortage_score", "kbji_code", descending=[True, False]
    )
    page.heading(text["list"])
    if listed.height:
        figure = go.Figure(
            go.Bar(
                x=listed["kbji_code"].to_list(),
                y=listed["shortage_score"].to_list(),
                hovertext=[html.escape(t) for t in listed["title"].to_list()],
                marker_color=STATUS_COLOURS["listed"],
            )
        )
        figure.update_layout(title=f"{text['scores']} {synthetic_note}")
        figure.update_xaxes(type="category", title="KBJI 2014")
        figure.update_yaxes(range=[0, 1])
        page.figure(figure)
    list_columns = [
        "kbji_code",
        "title",
        "scored_code",
        "usable_indicators",
        "shortage_score",
        "strategic_sectors",
        "reason_codes",
        "is_synthetic",
    ]
    page.table(
        listed.select(list_columns),
        "list",
        columns,
        numeric={"usable_indicators", "shortage_score"},
        note=f"{synthetic_note} {text['synthetic']}" if synthetic else None,
    )

    page.heading(text["sensitivity"])
    sensitivity = results["sensitivity"]
    scenario_names = [c for c in sensitivity.columns if c != "kbji_code"]
    base_listed = set(sensitivity.filter(pl.col("base") == "listed")["kbji_code"].to_list())
    summary_rows = []
    for name in scenario_names:
        listed_here = set(sensitivity.filter(pl.col(name) == "listed")["kbji_code"].to_list())
        summary_rows.append(
            {
                "scenario": text["scenario_names"].get(name, name),
                "listed": len(listed_here),
                "changed": len(listed_here ^ base_listed),
            }
        )
    summary = pl.DataFrame(summary_rows)
    figure = go.Figure(go.Bar(x=summary["scenario"].to_list(), y=summary["listed"].to_list()))
    figure.update_layout(title=f"{text['sensitivity_counts']} {synthetic_note}")
    figure.update_xaxes(type="category", title=columns["scenario"])
    figure.update_yaxes(title=columns["listed"])
    page.figure(figure)
    page.table(summary, "sensitivity_summary", columns, numeric={"listed", "changed"})
    changed = (
        sensitivity.filter(pl.any_horizontal(pl.col(n) != pl.col("base") for n in scenario_names))
        if scenario_names
        else sensitivity
    )
    # Statuses and scenario names in the page's language (the column keys stay the codes).
    scenario_columns = {
        name: text["scenario_names"].get(name, name) for name in ["base", *scenario_names]
    }
    changed = changed.with_columns(
        pl.col(name).replace_strict(text["status"], default=pl.col(name))
        for name in scenario_columns
        if name in changed.columns
    )
    page.table(changed, "sensitivity", columns | scenario_columns, max_rows=200)

    page.heading(text["all"])
    page.table(
        occupations.select(
            "kbji_code",
            "title",
            "scored_level",
            "scored_code",
            "usable_indicators",
            "shortage_score",
            pl.col("label").alias("status"),
            "is_skilled",
            "strategic_sectors",
            "reason_codes",
            "is_synthetic",
        ),
        "occupations",
        columns,
        numeric={"usable_indicators", "shortage_score", "scored_level"},
        max_rows=500,
    )
    signals = results["signals"]
    if signals.height:
        page.heading(text["indicators"])
        page.table(
            signals.select(
                "level",
                "unit_code",
                "indicator",
                "value",
                "unusable_reason",
                "passes_cross_section",
                "passes_own_history",
                "signals_shortage",
                "evidence",
                "is_synthetic",
            ).sort("level", "unit_code", "indicator"),
            "indicators",
            columns,
            numeric={"value"},
            max_rows=300,
        )
    if (
        results["values"]
        .filter((pl.col("indicator") == "employer_evidence") & pl.col("is_synthetic"))
        .height
    ):
        page.paragraph(f"{page.footnote(text['illustrative'])} {text['illustrative']}", "note")
    methodology_appendix(page, config, text)
    page.write(text["subtitle"])
    return page


def build_critical_occupations_reports(
    marts_dir: Path,
    output_dir: Path,
    evidence_path: Path | None,
    config: dict[str, Any] | None = None,
    pdf: bool = True,
) -> list[Path]:
    """Score once, write the report in every configured language; return the files written."""
    config = config or scoring.load_config()
    marts = scoring.read_marts(marts_dir, evidence_path, config)
    results = scoring.score(marts, config)
    written: list[Path] = []
    for language in config.get("languages", ["id", "en"]):
        page = build_report(
            marts_dir, output_dir, language, config, evidence_path, results, marts.missing
        )
        written += page.written
        if pdf:
            target = print_pdf(output_dir / f"{STEM}.{language}.html")
            if target is not None:
                written.append(target)
    log.info("critical occupations: %d files written", len(written))
    return written
