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

from reports import sources
from reports.critical_occupations import scoring, wording
from reports.critical_occupations.rendering import Page, print_pdf
from reports.formatting import format_number, machine_value
from reports.labels import major_group_label, source_name
from reports.overview import region_names, survey_coverage

log = logging.getLogger(__name__)

STEM = "critical-occupations"

TEXT: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Daftar Jabatan Kritis",
        "synthetic_title": "uji metode dengan data sintetis",
        "banner": "DATA SINTETIS: daftar ini dihitung sebagian dari data sintetis ({inputs}). "
        "Ini menguji metode, bukan temuan tentang pasar kerja Indonesia.",
        "opening": "Daftar ini bersandar pada data sintetis ({inputs}), bukan hanya statistik "
        "resmi; jangan dikutip sebagai hasil.",
        "synthetic_inputs": {
            "survey": "indikator Sakernas nasional multi-ronde",
            "portal": "lowongan portal pemerintah",
            "postings": "sebagian iklan lowongan daring",
            "evidence": "bukti pemberi kerja ilustratif",
        },
        "subtitle": "Dibangun otomatis dari mart gudang data LMIS; metode dan ambang dapat diubah "
        "di reports/config/critical_occupations.yaml.",
        "summary": "Ringkasan",
        "major_group": "Golongan pokok KBJI 2014 (kode)",
        "summary_text": "{listed} jabatan masuk daftar, {shortage} kekurangan tetapi tidak kritis, "
        "{not_listed} tidak masuk daftar, {undetermined} belum dapat ditentukan "
        "(indikator andal terlalu sedikit) dari {total} subgolongan KBJI 2014 (4 digit).",
        "list": "Daftar jabatan kritis",
        "all": "Semua jabatan dan statusnya",
        "by_major": "Status jabatan menurut golongan pokok KBJI 2014",
        "scores": "Skor kekurangan jabatan yang masuk daftar",
        "sensitivity": "Analisis sensitivitas: status menurut ambang dan bobot alternatif",
        "sensitivity_counts": "Jumlah jabatan masuk daftar per skenario",
        "indicators": "Nilai indikator dan sinyal",
        "method": "Lampiran metodologi",
        "missing": "Mart tidak tersedia (indikatornya dianggap tanpa data): {names}.",
        "synthetic": "Angka ini berasal dari data SINTETIS (Sakernas sintetis {years}), bukan "
        "estimasi resmi BPS; hanya untuk menguji metode.",
        "illustrative": "Bukti pemberi kerja ditandai ilustratif/sintetis; bukan hasil survei.",
        "no_vacancy_codes": "Iklan lowongan daring belum dikode ke KBJI 2014: indikator iklan "
        "lowongan tanpa data untuk semua jabatan.",
        "awaiting_coder": "{awaiting} dari {with_code} iklan lowongan daring berkode KBJI 2014 "
        "memiliki kode di bawah ambang keyakinan pengode dan menunggu pengode manusia; iklan "
        "itu tidak dihitung. {accepted} iklan kodenya diterima; dari iklan itu hanya yang "
        "pertama terlihat dalam rentang waktu iklan lowongan (di bawah) yang dihitung.",
        "windows": "Rentang waktu iklan lowongan: saat ini {first} s.d. {last} ({days} hari, "
        "tanggal awal dan akhir termasuk, berakhir pada hari pertama terlihat terakhir); "
        "{count} iklan lowongan berkode diterima dihitung di dalamnya: {sources}. Rentang "
        "sebelumnya {previous_first} s.d. {previous_last}: {previous} iklan lowongan.",
        "windows_source": "{source} {count} (pertama terlihat {dates})",
        "windows_dates": "pada {days} hari, {first} s.d. {last}",
        "windows_no_growth": "Rentang sebelumnya kosong atau terlalu sedikit: pertumbuhan iklan "
        "lowongan tidak dapat dihitung untuk jabatan mana pun.",
        "windows_survey": "Indikator per 1.000 penduduk bekerja membagi iklan lowongan ini "
        "dengan penduduk bekerja Sakernas {period}; periodenya tidak sama.",
        "shortage_defined": "Kekurangan: sedikitnya {minimum} indikator andal, dan skor "
        "kekurangan (bobot indikator bersinyal dibagi bobot indikator andal) pada atau di atas "
        "{threshold}. Masuk daftar = kekurangan, terampil (golongan pokok {skilled}) dan terkait "
        "sektor strategis.",
        "cautions": "Perhatian: dari {listed} jabatan yang masuk daftar, {minimum} hanya "
        "memiliki jumlah minimum indikator andal ({min_count}), {at_threshold} memiliki skor "
        "tepat pada ambang, dan {minor} masuk daftar melalui golongannya (3 digit); daftar ini "
        "bersandar pada {independent} penilaian yang berdiri sendiri.",
        "significance": "Perubahan survei (pertumbuhan penduduk bekerja, upah, jam kerja) "
        "hanya memberi sinyal bila berbeda nyata dari galat sampling ke arah kekurangan: uji "
        "satu sisi ke arah kekurangan pada taraf {alpha} % ((100 % - tingkat kepercayaan "
        "{level} %) / 2), yaitu z pada atau di atas {critical}, z = perubahan / SE "
        "perubahan, bertanda positif ke arah kekurangan. "
        "Perubahan yang tidak signifikan tetap andal tetapi tanpa sinyal; skenario "
        '"tanpa uji signifikansi" pada analisis sensitivitas menunjukkan dampaknya.',
        "significance_counts": "Uji berganda: {tested} perubahan diuji dan {passing} lolos; "
        "bila tidak ada jabatan yang berubah, sekitar {by_chance} akan lolos karena kebetulan "
        "saja.",
        "significance_fdr": 'Skenario "kendali tingkat temuan palsu" (Benjamini-Hochberg, '
        "{rate} %, atas semua perubahan yang diuji, nilai p satu sisi) pada analisis "
        "sensitivitas menunjukkan dampaknya.",
        "indicator_summary": "Ringkasan indikator: unit jabatan dengan nilai andal dan "
        "dengan sinyal",
        "indicator_summary_note": "Indikator tanpa nilai andal pada suatu tingkat tidak ikut "
        "dalam skor mana pun pada tingkat itu, walaupun bobotnya tercantum di lampiran.",
        "status": {
            "listed": "masuk daftar",
            "shortage_not_critical": "kekurangan, tidak kritis",
            "not_listed": "tidak masuk daftar",
            "undetermined": "belum dapat ditentukan",
        },
        "columns": {
            "kbji_code": "KBJI 2014",
            "title": "Jabatan",
            "scored_level": "Tingkat kode yang dinilai (digit)",
            "scored_code": "Kode yang dinilai",
            "usable_indicators": "Indikator andal",
            "shortage_score": "Skor",
            "status": "Status",
            "is_skilled": "Terampil",
            "strategic_sectors": "Sektor strategis (KBLI)",
            "reason_codes": "Alasan kekurangan",
            "is_synthetic": "Sintetis",
            "scenario": "Skenario",
            "listed": "Masuk daftar",
            "changed": "Status berubah dibanding skenario dasar",
            "listed_changed": "Masuk atau keluar daftar dibanding skenario dasar",
            "indicator": "Indikator",
            "value": "Nilai",
            "unusable_reason": "Alasan tidak dipakai",
            "passes_cross_section": "Lolos uji lintas jabatan",
            "passes_own_history": "Lolos uji riwayat sendiri",
            "signals_shortage": "Sinyal kekurangan",
            "evidence": "Bukti",
            "weight": "Bobot",
            "direction": "Arah",
            "reason": "Alasan",
            "setting": "Pengaturan",
            "base": "Skenario dasar",
            "level": "Tingkat (digit)",
            "unit": "Satuan",
            "unit_code": "Kode KBJI 2014",
            "kbli": "KBLI",
            "sector": "Sektor",
            "kbji_prefixes": "Awalan KBJI",
            "caution": "Perhatian",
            "passes_significance": "Signifikan (uji z)",
            "usable_4": "Unit andal (4 digit)",
            "signalling_4": "Unit bersinyal (4 digit)",
            "usable_3": "Unit andal (3 digit)",
            "signalling_3": "Unit bersinyal (3 digit)",
        },
        "scenario_names": {
            "base": "skenario dasar",
            "stricter_threshold": "ambang lebih ketat",
            "looser_threshold": "ambang lebih longgar",
            "top_third": "sepertiga teratas",
            "top_tenth": "sepersepuluh teratas",
            "equal_weights": "bobot sama",
            "wages_weigh_double": "bobot upah ganda",
            "more_indicators_required": "lebih banyak indikator wajib",
            "no_significance_rule": "tanpa uji signifikansi",
            "false_discovery_control": "kendali tingkat temuan palsu",
        },
        "method_text": [
            "Unit: subgolongan KBJI 2014 (4 digit); jika indikator andal kurang dari "
            "minimum, dinilai pada golongan (3 digit).",
            "Setiap indikator dibandingkan dengan semua jabatan (kuantil) dan dengan riwayatnya "
            "sendiri (median tahun-tahun sebelumnya); indikator tidak andal (kelas RSE, "
            "penyensoran, jumlah iklan lowongan terlalu sedikit) tidak dihitung.",
            "Skor = bobot indikator bersinyal / bobot indikator andal; skor pada atau di atas "
            "ambang = kekurangan. Kritis = kekurangan, terampil (golongan pokok terpilih) dan "
            "terkait sektor strategis.",
        ],
    },
    "en": {
        "title": "Critical Occupations List",
        "synthetic_title": "method test on synthetic data",
        "banner": "SYNTHETIC DATA: this list is computed partly from synthetic data ({inputs}). "
        "It exercises the method; it is not a finding about Indonesia's labour market.",
        "opening": "This list rests on synthetic data ({inputs}), not official statistics "
        "alone; do not quote it as a result.",
        "synthetic_inputs": {
            "survey": "national multi-round Sakernas indicators",
            "portal": "government portal vacancies",
            "postings": "some online vacancy postings",
            "evidence": "illustrative employer evidence",
        },
        "subtitle": "Built automatically from the LMIS warehouse marts; method and thresholds "
        "are set in reports/config/critical_occupations.yaml.",
        "summary": "Summary",
        "major_group": "KBJI 2014 major group (code)",
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
        "synthetic": "This figure rests on SYNTHETIC data (synthetic Sakernas {years}), not "
        "official BPS estimates; it exercises the method only.",
        "illustrative": "Employer evidence marked illustrative/synthetic; not survey results.",
        "no_vacancy_codes": "Online vacancies are not yet coded to KBJI 2014: vacancy indicators "
        "have no data for any occupation.",
        "awaiting_coder": "{awaiting} of the {with_code} online vacancy postings with a KBJI 2014 "
        "code have a code below the coder's confidence threshold and await a human coder; they "
        "do not count. {accepted} postings have an accepted code; of these, only those first "
        "seen in the vacancy windows (below) count.",
        "windows": "Vacancy windows: current {first} to {last} ({days} days, first and last "
        "days included, ending on the latest first sighting); {count} postings with an "
        "accepted code count in it: {sources}. Previous window {previous_first} to "
        "{previous_last}: {previous} postings.",
        "windows_source": "{source} {count} (first seen {dates})",
        "windows_dates": "on {days} days, {first} to {last}",
        "windows_no_growth": "The previous window is empty or too thin: vacancy growth cannot "
        "be computed for any occupation.",
        "windows_survey": "The per-1,000-employed indicator divides these postings by Sakernas "
        "employment of {period}; the periods differ.",
        "shortage_defined": "Shortage: at least {minimum} reliable indicators, and a shortage "
        "score (weight of signalling indicators over weight of reliable indicators) at or "
        "above {threshold}. Listed = in shortage, skilled (major groups {skilled}) and linked "
        "to a strategic sector.",
        "cautions": "Caution: of the {listed} listed occupations, {minimum} have only the "
        "minimum number of reliable indicators ({min_count}), {at_threshold} score exactly at "
        "the threshold, and {minor} are listed through their minor group (3 digits); the list "
        "rests on {independent} independent {assessments}.",
        "significance": "A survey change (growth of employment, wages, hours) signals only "
        "when it is distinguishable from sampling noise in the shortage's direction: a "
        "one-sided test in the shortage's direction at {alpha} % ((100 % - the {level} % "
        "confidence level) / 2), i.e. z at or above {critical}, z = change / SE of the change, "
        "signed positive in the shortage's direction. A change that is not "
        'significant stays reliable but gives no signal; the sensitivity scenario "no '
        'significance rule" shows its effect.',
        "significance_counts": "Multiple testing: {tested} changes are tested and {passing} "
        "pass; if no occupation changed, about {by_chance} would pass by chance alone.",
        "significance_fdr": 'The sensitivity scenario "false-discovery-rate control" '
        "(Benjamini-Hochberg at {rate} %, over all tested changes, one-sided p-values) shows "
        "its effect.",
        "indicator_summary": "Indicators at a glance: occupation units with a reliable value "
        "and with a signal",
        "indicator_summary_note": "An indicator without a reliable value at a level enters no "
        "score at that level, although the appendix lists its weight.",
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
            "reason_codes": "Shortage reasons",
            "is_synthetic": "Synthetic",
            "scenario": "Scenario",
            "listed": "Listed",
            "changed": "Status changed from base",
            "listed_changed": "Moved into or out of the list from base",
            "indicator": "Indicator",
            "value": "Value",
            "unusable_reason": "Why not used",
            "passes_cross_section": "Passes cross-occupation test",
            "passes_own_history": "Passes own-history test",
            "signals_shortage": "Signals shortage",
            "evidence": "Evidence",
            "weight": "Weight",
            "direction": "Direction",
            "reason": "Reason",
            "setting": "Setting",
            "base": "Base",
            "level": "Level (digits)",
            "unit": "Unit",
            "unit_code": "KBJI 2014 code",
            "kbli": "KBLI",
            "sector": "Sector",
            "kbji_prefixes": "KBJI prefixes",
            "caution": "Caution",
            "passes_significance": "Significant (z test)",
            "usable_4": "Reliable units (4 digits)",
            "signalling_4": "Signalling units (4 digits)",
            "usable_3": "Reliable units (3 digits)",
            "signalling_3": "Signalling units (3 digits)",
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
            "no_significance_rule": "no significance rule",
            "false_discovery_control": "false-discovery-rate control",
        },
        "method_text": [
            "Unit: KBJI 2014 unit group (4 digits); with fewer reliable indicators than the "
            "minimum it is scored at its minor group (3 digits).",
            "Each indicator is compared with all occupations (a quantile) and with its own "
            "history (median of earlier years); unreliable indicators (RSE class, suppression, "
            "too few postings) do not count.",
            "Score = weight of signalling indicators / weight of reliable indicators; a score at "
            "or above the threshold = shortage. Critical = in shortage, skilled (selected major "
            "groups) and linked to a strategic sector.",
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
# Settings inside a block of the configuration, shown by their dotted key.
NESTED_SETTINGS_SHOWN = (
    ("employer_evidence", "min_respondents"),
    ("employer_evidence", "shortage_share_threshold"),
    ("significance", "enabled"),
    ("significance", "level"),
    ("significance", "false_discovery_rate"),
)


SYNTHETIC_INPUT_OF_INDICATOR = {
    **{name: "survey" for name in scoring.SURVEY_INDICATORS},
    "vacancy_growth": "postings",
    "vacancies_per_1000_employed": "postings",
    "vacancy_duration_days": "postings",
    "hard_to_fill_share": "portal",
    "employer_evidence": "evidence",
}


# Said under a table the page cuts, after "the first 300 of 3,597 rows".
ROWS_FIRST = {
    "id": {
        "listed": ", baris jabatan yang masuk daftar lebih dulu",
        "shortage_not_critical": ", baris jabatan yang masuk daftar lebih dulu (tidak ada), lalu "
        "jabatan yang kekurangan tetapi tidak kritis",
        "": ", menurut kode (tidak ada jabatan yang masuk daftar atau kekurangan)",
        # The occupations table sorts by status, then score: "by code" was not its order.
        "by_status": ", jabatan yang tidak masuk daftar lebih dulu, lalu yang belum dapat "
        "ditentukan; masing-masing menurut skor (tertinggi lebih dulu), lalu kode (tidak ada "
        "jabatan yang masuk daftar atau kekurangan)",
    },
    "en": {
        "listed": ", the listed occupations' rows first",
        "shortage_not_critical": ", the listed occupations' rows first (there are none), then "
        "those of occupations in shortage but not critical",
        "": ", by code (no occupation is listed or in shortage)",
        "by_status": ", the occupations not listed first, then the undetermined ones; each by "
        "score (highest first), then code (no occupation is listed or in shortage)",
    },
}
SENSITIVITY_FIRST = {
    "id": ", baris jabatan yang masuk daftar pada skenario dasar lebih dulu, lalu yang masuk "
    "daftar pada skenario lain, lalu yang kekurangan tetapi tidak kritis",
    "en": ", the rows of occupations listed in the base scenario first, then those listed in "
    "another scenario, then those in shortage but not critical",
}
FIRST_STATUSES = ("listed", "shortage_not_critical")
"""Statuses whose occupations' rows a cut table shows first, in this order."""


def cautions_text(
    listed: pl.DataFrame, config: dict[str, Any], text: dict[str, Any], language: str
) -> str:
    """The caution under the list: how many listed occupations rest on thin evidence, and on
    how many independent assessments (distinct scored codes) the list rests."""
    cautions = listed["caution_codes"].fill_null("")
    independent = listed["scored_code"].n_unique()
    return text["cautions"].format(
        listed=format_number(listed.height, language),
        minimum=format_number(int(cautions.str.contains("MINIMUM").sum()), language),
        min_count=int(config["min_reliable_indicators"]),
        at_threshold=format_number(int(cautions.str.contains("AT_THRESHOLD").sum()), language),
        minor=format_number(int(cautions.str.contains("MINOR_GROUP").sum()), language),
        independent=format_number(independent, language),
        # English needs the singular for one ("rests on 1 independent assessments" read wrong);
        # Indonesian has no plural, and its text does not use the word.
        assessments="assessment" if independent == 1 else "assessments",
    )


def occupation_rows_order(language: str, first: str) -> str:
    """What a cut occupations table says of its order: it is sorted by status, score (highest
    first) and code, so with no listed occupation nor one in shortage, not by code."""
    return ROWS_FIRST[language][first or "by_status"]


def first_status(occupations: pl.DataFrame) -> str:
    """The first of `FIRST_STATUSES` some occupation has ('' for none): what the page's cut
    tables put first, and say they do."""
    present = set(occupations["status"].unique().to_list())
    return next((status for status in FIRST_STATUSES if status in present), "")


SOURCE_TEXT = {
    "id": {
        "survey": "Sakernas BPS: estimasi nasional per jabatan",
        "survey_synthetic": "Sakernas sintetis: estimasi nasional per jabatan",
        "portal": "Lowongan portal pemerintah ({portals})",
        "evidence": "Bukti pemberi kerja",
        "illustrative": "ilustratif, bukan hasil survei",
    },
    "en": {
        "survey": "BPS Sakernas: national estimates by occupation",
        "survey_synthetic": "Synthetic Sakernas: national estimates by occupation",
        "portal": "Government portal vacancies ({portals})",
        "evidence": "Employer evidence",
        "illustrative": "illustrative, not survey results",
    },
}
MARTS_READ = (
    "labour_force_indicators",
    "labour_force_indicators_synthetic",
    "fct_vacancy_postings",
    "fct_portal_vacancies",
    "dim_occupation",
)


def status_units(occupations: pl.DataFrame, status: str) -> set[tuple[int, str]]:
    """(digits, code) of the occupations with `status` and of the minor groups they were scored
    at."""
    chosen = occupations.filter(pl.col("status") == status)
    units = {(len(code), code) for code in chosen["kbji_code"].to_list()}
    units |= {
        (int(level), code)
        for level, code in chosen.select("scored_level", "scored_code").iter_rows()
        if code
    }
    return units


def ordered_indicator_rows(
    signals: pl.DataFrame, occupations: pl.DataFrame, config: dict[str, Any]
) -> pl.DataFrame:
    """The indicator rows as the page lists them: the listed occupations' rows (and their minor
    groups') first, then those of the occupations in shortage but not critical, then the rest;
    by code, a minor group just before its unit groups, and each code's indicators in the
    configuration's order (the method's order, not the names')."""
    ranks: dict[tuple[int, str], int] = {}
    for rank, status in reversed(list(enumerate(FIRST_STATUSES))):
        ranks |= dict.fromkeys(status_units(occupations, status), rank)
    order = {name: i for i, name in enumerate(config.get("indicators") or {})}
    return (
        signals.with_columns(
            pl.struct("level", "unit_code")
            .map_elements(
                lambda row: ranks.get((row["level"], row["unit_code"]), len(FIRST_STATUSES)),
                return_dtype=pl.Int8,
            )
            .alias("_listed"),
            pl.col("indicator").replace_strict(order, default=len(order)).alias("_order"),
        )
        .sort("_listed", "unit_code", "level", "_order", "indicator")
        .drop("_listed", "_order")
    )


def with_units(signals: pl.DataFrame, language: str) -> pl.DataFrame:
    """`value` in the indicator's unit (growth in % per year, shares in %) beside a `unit`
    column; every other column as it was."""
    scale = {name: wording.indicator_scale(name) for name in wording.INDICATOR_UNITS}
    units = {name: wording.indicator_unit(name, language) for name in wording.INDICATOR_UNITS}
    position = signals.columns.index("value") + 1
    columns = [*signals.columns[:position], "unit", *signals.columns[position:]]
    return signals.with_columns(
        (pl.col("value") * pl.col("indicator").replace_strict(scale, default=1.0)).alias("value"),
        pl.col("indicator").replace_strict(units, default="").alias("unit"),
    ).select(columns)


def ordered_sensitivity(changed: pl.DataFrame, scenarios: list[str]) -> pl.DataFrame:
    """Occupations listed in the base scenario first, then those listed in another scenario,
    then those in shortage but not critical in the base, then the rest, each by code."""
    listed_elsewhere = (
        pl.any_horizontal(pl.col(n) == "listed" for n in scenarios) if scenarios else pl.lit(False)
    )
    rank = (
        pl.when(pl.col("base") == "listed")
        .then(0)
        .when(listed_elsewhere.fill_null(False))
        .then(1)
        .when(pl.col("base") == "shortage_not_critical")
        .then(2)
        .otherwise(3)
    )
    return changed.with_columns(rank.alias("_rank")).sort("_rank", "kbji_code").drop("_rank")


def source_rows(
    marts_dir: Path, survey: pl.DataFrame | None, evidence_path: Path | None, language: str
) -> list[sources.SourceRow]:
    """The sources of the list with their periods, from the rows the scoring read."""
    text = SOURCE_TEXT[language]
    rows: list[sources.SourceRow] = []
    if survey is not None and survey.height:
        flag = "is_synthetic" if "is_synthetic" in survey.columns else None
        for synthetic in (False, True):
            part = survey.filter(
                pl.col(flag).fill_null(False) == synthetic if flag else pl.lit(not synthetic)
            )
            if part.height:
                rows.append(
                    sources.SourceRow(
                        text["survey_synthetic" if synthetic else "survey"],
                        sources.periods_text(part["period"].to_list(), language),
                        part.height,
                        sources.TEXT[language]["synthetic"] if synthetic else "",
                    )
                )
    postings_path = marts_dir / "fct_vacancy_postings.parquet"
    if postings_path.exists():
        wanted = [
            c
            for c in ("source", "first_seen_date", "is_synthetic")
            if c in pl.read_parquet_schema(postings_path)
        ]
        rows += sources.posting_rows(pl.read_parquet(postings_path, columns=wanted), language)
    portal_path = marts_dir / "fct_portal_vacancies.parquet"
    if portal_path.exists():
        schema = pl.read_parquet_schema(portal_path)
        date = next((c for c in ("portal_snapshot_date", "first_seen_date") if c in schema), None)
        wanted = [c for c in ("portal", date, "is_synthetic") if c and c in schema]
        portal = pl.read_parquet(portal_path, columns=wanted)
        if portal.height:
            names = (
                sorted(portal["portal"].drop_nulls().unique().to_list())
                if "portal" in (portal.columns)
                else []
            )
            synthetic = "is_synthetic" in portal.columns and bool(portal["is_synthetic"].any())
            rows.append(
                sources.SourceRow(
                    text["portal"].format(
                        portals=", ".join(source_name(n, language) for n in names)
                    ),
                    sources.dates_text(portal[date].to_list() if date else [], language),
                    portal.height,
                    sources.TEXT[language]["synthetic"] if synthetic else "",
                )
            )
    if evidence_path is not None and evidence_path.exists():
        evidence = pl.read_csv(evidence_path, infer_schema_length=0)
        dates = evidence["collected_date"].to_list() if "collected_date" in evidence.columns else []
        illustrative = "is_illustrative" in evidence.columns and bool(
            evidence["is_illustrative"].str.to_lowercase().eq("true").any()
        )
        rows.append(
            sources.SourceRow(
                text["evidence"],
                sources.dates_text(dates, language),
                evidence.height,
                text["illustrative"] if illustrative else "",
            )
        )
    return rows


def synthetic_inputs(values: pl.DataFrame) -> list[str]:
    """Which inputs behind the indicator values are synthetic or illustrative, in a fixed order
    (`survey`, `postings`, `portal`, `evidence`)."""
    if values.is_empty() or "is_synthetic" not in values.columns:
        return []
    flagged = values.filter(pl.col("is_synthetic").fill_null(False))
    kinds: set[str] = set()
    inputs = (
        flagged["synthetic_inputs"]
        if "synthetic_inputs" in flagged.columns
        else pl.Series([None] * flagged.height, dtype=pl.Utf8)
    )
    for name, named in zip(flagged["indicator"].to_list(), inputs.to_list(), strict=True):
        # An indicator with two inputs names the synthetic one(s); others their only input.
        kinds |= (
            set(named.split(",")) if named else {SYNTHETIC_INPUT_OF_INDICATOR.get(name, "survey")}
        )
    return [kind for kind in ("survey", "postings", "portal", "evidence") if kind in kinds]


def report_title(marts_dir: Path, survey: pl.DataFrame | None, language: str) -> str:
    """The title with the area the list covers, chosen as the overview chooses its own: from
    the real (not synthetic) Sakernas rows scored. Only synthetic survey rows: the title says it
    is a test of the method, never 'Indonesia'."""
    text = TEXT[language]
    if survey is None or survey.is_empty():
        return text["title"]
    is_synthetic = (
        pl.col("is_synthetic").fill_null(False) if "is_synthetic" in survey.columns else False
    )
    real = survey.filter(~is_synthetic, pl.col("value").is_not_null())
    if real.is_empty():
        return f"{text['title']}: {text['synthetic_title']}"
    regions = marts_dir / "dim_region.parquet"
    provinces = region_names(pl.read_parquet(regions), "province") if regions.exists() else {}
    return f"{text['title']}: {survey_coverage(real, provinces, language)}"


def _sector_names(sections: str | None, config: dict[str, Any], language: str) -> str:
    """'C,J' -> 'Industri pengolahan (C), Informasi dan komunikasi (J)'."""
    sectors = config.get("strategic_sectors") or {}
    shown = []
    for section in (sections or "").split(","):
        if section:
            name = (sectors.get(section) or {}).get(f"name_{language}")
            shown.append(f"{name} ({section})" if name else section)
    return ", ".join(shown)


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


def settings_download(keys: list[tuple[str, Any]], language: str) -> pl.DataFrame:
    """The appendix's settings (`(key, value)`, a nested one by its dotted key) as the downloads
    hold them: the label, the key, the value as a script reads it, and the number itself where
    the setting is one number (a real number in the XLSX, shown in the reader's locale, not the
    page's text "0,75")."""
    values = [value for _, value in keys]
    return pl.DataFrame(
        {
            "setting": [wording.setting_label(key, language) for key, _ in keys],
            "key": [key for key, _ in keys],
            "value": [machine_value(v) for v in values],
            "number": [
                float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
                for v in values
            ],
        },
        schema={"setting": pl.Utf8, "key": pl.Utf8, "value": pl.Utf8, "number": pl.Float64},
    )


def methodology_appendix(page: Page, config: dict[str, Any], text: dict[str, Any]) -> None:
    """The appendix, generated from the configuration the scoring ran with."""
    page.heading(text["method"])
    for line in text["method_text"]:
        page.paragraph(line)
    columns = text["columns"]
    language = page.language
    keys = [(key, config.get(key)) for key in SETTINGS_SHOWN]
    keys += [
        (f"{block}.{key}", (config.get(block) or {}).get(key))
        for block, key in NESTED_SETTINGS_SHOWN
        if key in (config.get(block) or {})
    ]
    settings = pl.DataFrame(
        {
            "setting": [wording.setting_label(key, language) for key, _ in keys],
            "value": [wording.setting_value(key, value, language) for key, value in keys],
        }
    )
    page.table(settings, "settings", columns, download=settings_download(keys, language))
    indicators = pl.DataFrame(
        [
            {
                "indicator": wording.indicator_label(name, language),
                "weight": float(spec["weight"]),
                "direction": "+" if int(spec["direction"]) > 0 else "-",
                "reason": wording.reason_labels(spec["reason"], language),
            }
            for name, spec in config["indicators"].items()
        ]
    )
    page.table(indicators, "indicator_weights", columns, numeric={"weight"})
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
                "setting": wording.scenario_settings(s, language),
            }
            for s in config.get("sensitivity") or []
        ]
    )
    page.table(scenarios, "scenarios", columns)


def synthetic_years(survey: pl.DataFrame | None) -> str:
    """'2015-2024': the years of the synthetic Sakernas rounds scored (read from the data, so a
    new synthetic round does not leave the footnote behind)."""
    if survey is None or survey.is_empty() or "is_synthetic" not in survey.columns:
        return ""
    years = (
        survey.filter(pl.col("is_synthetic").fill_null(False))["period"].str.slice(0, 4).unique()
    )
    if years.is_empty():
        return ""
    first, last = years.min(), years.max()
    return first if first == last else f"{first}-{last}"


def _window_paragraphs(
    windows: pl.DataFrame | None,
    config: dict[str, Any],
    survey: pl.DataFrame | None,
    text: dict[str, Any],
    language: str,
) -> list[str]:
    """What the vacancy windows hold, computed: their days, the postings that count in each
    and each source's first-sighting days (a crawl's snapshots), and what follows from it."""
    if windows is None or windows.is_empty():
        return []
    current = windows.filter(pl.col("window") == "current")
    previous = windows.filter(pl.col("window") == "previous")
    sources = []
    for row in current.filter(pl.col("postings") > 0).iter_rows(named=True):
        dates = sorted(row["first_seen_dates"])
        shown = (
            str(dates[0])
            if len(dates) == 1
            else text["windows_dates"].format(
                days=format_number(len(dates), language), first=dates[0], last=dates[-1]
            )
        )
        sources.append(
            text["windows_source"].format(
                source=source_name(row["source"], language) if row["source"] else "-",
                count=format_number(row["postings"], language),
                dates=shown,
            )
        )
    counted = int(current["postings"].sum())
    earlier = int(previous["postings"].sum())
    paragraphs = [
        text["windows"].format(
            first=current["first_day"][0],
            last=current["last_day"][0],
            days=format_number(int(config.get("vacancy_window_days", 365)), language),
            count=format_number(counted, language),
            sources=", ".join(sources) or "-",
            previous_first=previous["first_day"][0],
            previous_last=previous["last_day"][0],
            previous=format_number(earlier, language),
        )
    ]
    if earlier < int(config.get("min_postings", 30)):
        paragraphs.append(text["windows_no_growth"])
    if survey is not None and not survey.is_empty():
        paragraphs.append(text["windows_survey"].format(period=survey["period"].max()))
    return paragraphs


def indicator_summary(signals: pl.DataFrame, language: str) -> pl.DataFrame:
    """Per indicator and digit level: occupation units with a reliable value and those whose
    value signals shortage (an indicator with none enters no score, whatever its weight)."""
    rows = []
    if signals.is_empty():
        return pl.DataFrame()
    names = signals["indicator"].unique(maintain_order=True).to_list()
    for name in names:
        part = signals.filter(pl.col("indicator") == name)
        row: dict[str, Any] = {"indicator": wording.indicator_label(name, language)}
        for level in (4, 3):
            at_level = part.filter(pl.col("level") == level)
            row[f"usable_{level}"] = int(at_level["is_usable"].fill_null(False).sum())
            row[f"signalling_{level}"] = int(at_level["signals_shortage"].fill_null(False).sum())
        rows.append(row)
    return pl.DataFrame(rows)


def build_report(
    marts_dir: Path,
    output_dir: Path,
    language: str,
    config: dict[str, Any],
    evidence_path: Path | None,
    results: dict[str, pl.DataFrame] | None = None,
    missing: list[str] | None = None,
    survey: pl.DataFrame | None = None,
) -> Page:
    """Write the report in one language; return the page (with the files it wrote).

    `survey`: the Sakernas rows the scoring read (`scoring.Marts.survey`), for the title's
    coverage; read from the marts when `results` is not given.
    """
    text = TEXT[language]
    columns = text["columns"]
    if results is None:
        marts = scoring.read_marts(marts_dir, evidence_path, config)
        results, missing, survey = scoring.score(marts, config), marts.missing, marts.survey
    titles = occupation_titles(marts_dir, language)
    inputs = synthetic_inputs(results["values"])
    page = Page(report_title(marts_dir, survey, language), language, output_dir, STEM)
    occupations = results["occupations"].with_columns(
        pl.col("kbji_code").replace_strict(titles, default="").alias("title"),
        pl.col("status").replace_strict(text["status"], default=pl.col("status")).alias("label"),
        pl.struct("reason_codes", "scored_code", "evidence_about")
        .map_elements(
            lambda row: wording.reason_labels(
                row["reason_codes"], language, row["scored_code"], row["evidence_about"] or ""
            ),
            return_dtype=pl.Utf8,
        )
        .alias("reason_codes"),
        pl.col("strategic_sectors").map_elements(
            lambda sections: _sector_names(sections, config, language), return_dtype=pl.Utf8
        ),
        pl.struct("caution_codes", "scored_code")
        .map_elements(
            lambda row: wording.caution_labels(
                row["caution_codes"], language, row["scored_code"] or ""
            ),
            return_dtype=pl.Utf8,
        )
        .alias("caution"),
    )
    synthetic = bool(occupations["is_synthetic"].any()) or bool(inputs)
    synthetic_text = text["synthetic"].format(years=synthetic_years(survey)).replace(" )", ")")
    synthetic_note = page.footnote(synthetic_text) if synthetic else ""
    named_inputs = ", ".join(text["synthetic_inputs"][kind] for kind in inputs)
    if inputs:
        # Said at the top, in the banner and the opening sentence: a footnote marker alone let
        # the list read as a finding about the country.
        page.banner(text["banner"].format(inputs=named_inputs))
    if missing:
        page.paragraph(text["missing"].format(names=", ".join(missing)), css="note")
    if (
        results["values"]
        .filter(pl.col("indicator").is_in(["vacancy_growth", "vacancy_duration_days"]))
        .height
        == 0
    ):
        page.paragraph(text["no_vacancy_codes"], css="note")
    coding = results.get("posting_coding")
    if coding is not None and coding.height and coding["awaiting_coder"][0]:
        page.paragraph(
            text["awaiting_coder"].format(
                awaiting=format_number(coding["awaiting_coder"][0], language),
                with_code=format_number(coding["with_code"][0], language),
                accepted=format_number(coding["accepted"][0], language),
            ),
            css="note",
        )
    for line in _window_paragraphs(results.get("vacancy_windows"), config, survey, text, language):
        page.paragraph(line, css="note")

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
            x=[major_group_label(m, language) for m in part["major"].to_list()],
            y=part["len"].to_list(),
            marker_color=STATUS_COLOURS[status],
        )
    figure.update_layout(barmode="stack", title=f"{text['by_major']} {synthetic_note}")
    majors = sorted(by_major["major"].unique().to_list())
    figure.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[major_group_label(m, language) for m in majors],
        title=text["major_group"],
    )
    page.heading(text["by_major"])
    page.figure(figure, note=f"{synthetic_note} {synthetic_text}" if synthetic else None)

    listed = occupations.filter(pl.col("status") == "listed").sort(
        "shortage_score", "kbji_code", descending=[True, False]
    )
    page.heading(text["list"])
    page.paragraph(
        text["shortage_defined"].format(
            minimum=int(config["min_reliable_indicators"]),
            threshold=wording.setting_value(
                "shortage_score_threshold", float(config["shortage_score_threshold"]), language
            ),
            skilled=", ".join(str(g) for g in config.get("skilled_major_groups", [])),
        )
    )
    critical = scoring.significance_rule(config)
    if critical is not None:
        level = float((config.get("significance") or {}).get("level", 0.95)) * 100
        page.paragraph(
            text["significance"].format(
                critical=format_number(critical, language, 2),
                level=wording.setting_value("significance.level", level, language),
                alpha=wording.setting_value("significance.level", (100 - level) / 2, language),
            )
        )
        counts = scoring.significance_counts(results["signals"], config)
        shown = text["significance_counts"].format(
            tested=format_number(counts["tested"], language),
            passing=format_number(counts["passing"], language),
            by_chance=format_number(counts["by_chance"], language, 1),
        )
        rates = [
            rate
            for scenario in config.get("sensitivity") or []
            if (rate := (scenario.get("significance") or {}).get("false_discovery_rate"))
        ]
        if rates:
            rate = wording.setting_value("significance.level", float(rates[0]) * 100, language)
            shown += " " + text["significance_fdr"].format(rate=rate)
        page.paragraph(shown)
    if listed.height:
        page.paragraph(
            cautions_text(listed, config, text, language),
            css="note synthetic",
        )
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
        "caution",
        "is_synthetic",
    ]
    page.table(
        listed.select(list_columns),
        "list",
        columns,
        numeric={"usable_indicators", "shortage_score"},
        note=f"{synthetic_note} {synthetic_text}" if synthetic else None,
    )

    summary_table = indicator_summary(results["signals"], language)
    if summary_table.height:
        page.heading(text["indicator_summary"])
        page.table(
            summary_table,
            "indicator_summary",
            columns,
            numeric={c for c in summary_table.columns if c != "indicator"},
        )
        page.paragraph(text["indicator_summary_note"], css="note")

    first = first_status(occupations)
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
                # Any change of status, as the method says; moves across the list's edge apart.
                "changed": sensitivity.filter(pl.col(name).ne_missing(pl.col("base"))).height,
                "listed_changed": len(listed_here ^ base_listed),
            }
        )
    summary = pl.DataFrame(summary_rows)
    figure = go.Figure(go.Bar(x=summary["scenario"].to_list(), y=summary["listed"].to_list()))
    figure.update_layout(title=f"{text['sensitivity_counts']} {synthetic_note}")
    figure.update_xaxes(type="category", title=columns["scenario"])
    figure.update_yaxes(title=columns["listed"])
    page.figure(figure)
    page.table(
        summary,
        "sensitivity_summary",
        columns,
        numeric={"listed", "changed", "listed_changed"},
    )
    changed = (
        sensitivity.filter(pl.any_horizontal(pl.col(n) != pl.col("base") for n in scenario_names))
        if scenario_names
        else sensitivity
    )
    # Statuses and scenario names in the page's language (the column keys stay the codes).
    scenario_columns = {
        name: text["scenario_names"].get(name, name) for name in ["base", *scenario_names]
    }
    # Ordered on the codes, then shown in words.
    changed = ordered_sensitivity(changed, scenario_names).with_columns(
        pl.col(name).replace_strict(text["status"], default=pl.col(name))
        for name in scenario_columns
        if name in changed.columns
    )
    page.table(
        changed,
        "sensitivity",
        columns | scenario_columns,
        max_rows=200,
        order=SENSITIVITY_FIRST[language],
    )

    page.heading(text["all"])
    status_rank = {status: rank for rank, status in enumerate(STATUS_ORDER)}
    page.table(
        occupations.sort(
            pl.col("status").replace_strict(status_rank, default=len(STATUS_ORDER)),
            pl.col("shortage_score"),
            "kbji_code",
            descending=[False, True, False],
            nulls_last=True,
        ).select(
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
            "caution",
            "is_synthetic",
        ),
        "occupations",
        columns,
        numeric={"usable_indicators", "shortage_score", "scored_level"},
        max_rows=500,
        order=occupation_rows_order(language, first),
    )
    signals = results["signals"]
    if signals.height:
        page.heading(text["indicators"])
        # Ordered on the codes (listed occupations first), then shown in words and units.
        signals = ordered_indicator_rows(with_units(signals, language), occupations, config)
        signals = signals.with_columns(
            pl.col("indicator").map_elements(
                lambda name: wording.indicator_label(name, language), return_dtype=pl.Utf8
            ),
            pl.col("unusable_reason").map_elements(
                lambda reason: wording.unusable_label(reason, language), return_dtype=pl.Utf8
            ),
            pl.col("evidence").map_elements(
                lambda evidence: wording.evidence_label(evidence, language), return_dtype=pl.Utf8
            ),
        )
        page.table(
            signals.select(
                "level",
                "unit_code",
                "indicator",
                "value",
                "unit",
                "unusable_reason",
                "passes_cross_section",
                "passes_own_history",
                "passes_significance",
                "signals_shortage",
                "evidence",
                "is_synthetic",
            ),
            "indicators",
            columns,
            numeric={"value"},
            max_rows=300,
            order=ROWS_FIRST[language][first],
        )
    if (
        results["values"]
        .filter((pl.col("indicator") == "employer_evidence") & pl.col("is_synthetic"))
        .height
    ):
        page.paragraph(f"{page.footnote(text['illustrative'])} {text['illustrative']}", "note")
    # The employer evidence and the configuration change the page too: the version covers them.
    version_inputs = [evidence_path] if evidence_path is not None and evidence_path.exists() else []
    page.raw(
        sources.sources_html(
            source_rows(marts_dir, survey, evidence_path, language),
            language,
            sources.data_version(marts_dir, MARTS_READ, version_inputs, config),
            # Named in words: a file name is a machine code on a reader's page.
            covers=sources.version_covers(
                language,
                [wording.indicator_label("employer_evidence", language)] if version_inputs else [],
            ),
        )
    )
    methodology_appendix(page, config, text)
    opening = text["opening"].format(inputs=named_inputs) + " " if inputs else ""
    page.write(opening + text["subtitle"])
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
            marts_dir,
            output_dir,
            language,
            config,
            evidence_path,
            results,
            marts.missing,
            marts.survey,
        )
        written += page.written
        if pdf:
            target = print_pdf(output_dir / f"{STEM}.{language}.html")
            if target is not None:
                written.append(target)
    log.info("critical occupations: %d files written", len(written))
    return written
