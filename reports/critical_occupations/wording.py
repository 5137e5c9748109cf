"""The Critical Occupations List's codes as a reader of each language reads them.

The scoring (`scoring.py`) works with codes: indicator names (`employment_growth`), reason codes
(`EMPLOYMENT_GROWING`), reasons an indicator is not used (`too_few_postings`,
`2024-08:suppressed:too_few_sample_persons`), evidence written for the run log ("41 postings
since 2024-10-01, 39 before") and the configuration's keys (`growth_years`). The report shows
each as plain words in its language; an unknown code is shown as it is rather than dropped.
"""

from __future__ import annotations

import re
from typing import Any

from reports.formatting import format_number
from reports.labels import major_group_label
from reports.overview import TEXT as OVERVIEW_TEXT

INDICATORS = {
    "id": {
        "employment_growth": "pertumbuhan penduduk bekerja",
        "relative_wage_growth": "pertumbuhan upah relatif terhadap semua pekerja",
        "hours_growth": "pertumbuhan jam kerja",
        "unemployment_rate": "tingkat pengangguran",
        "vacancy_growth": "pertumbuhan iklan lowongan",
        "vacancies_per_1000_employed": "iklan lowongan per 1.000 penduduk bekerja",
        "vacancy_duration_days": "lama iklan lowongan terlihat (hari)",
        "hard_to_fill_share": "proporsi lowongan portal yang sulit diisi",
        "employer_evidence": "bukti dari pemberi kerja",
    },
    "en": {
        "employment_growth": "employment growth",
        "relative_wage_growth": "wage growth relative to all workers",
        "hours_growth": "growth of hours worked",
        "unemployment_rate": "unemployment rate",
        "vacancy_growth": "growth of vacancy postings",
        "vacancies_per_1000_employed": "vacancy postings per 1,000 employed",
        "vacancy_duration_days": "days a posting is seen",
        "hard_to_fill_share": "share of portal vacancies hard to fill",
        "employer_evidence": "employer evidence",
    },
}

REASONS = {
    "id": {
        "EMPLOYMENT_GROWING": "penduduk bekerja bertambah",
        "WAGES_RISING_FAST": "upah naik cepat",
        "HOURS_RISING": "jam kerja bertambah",
        "LOW_UNEMPLOYMENT": "pengangguran rendah",
        "VACANCIES_GROWING": "iklan lowongan bertambah",
        "MANY_VACANCIES_PER_WORKER": "banyak iklan lowongan per pekerja",
        "VACANCIES_LONG_OPEN": "iklan lowongan lama terbuka",
        "HARD_TO_FILL": "lowongan sulit diisi",
        "EMPLOYER_REPORTED_SHORTAGE": "pemberi kerja melaporkan kekurangan",
    },
    "en": {
        "EMPLOYMENT_GROWING": "employment growing",
        "WAGES_RISING_FAST": "wages rising fast",
        "HOURS_RISING": "hours rising",
        "LOW_UNEMPLOYMENT": "low unemployment",
        "VACANCIES_GROWING": "vacancy postings growing",
        "MANY_VACANCIES_PER_WORKER": "many vacancy postings per worker",
        "VACANCIES_LONG_OPEN": "vacancy postings open long",
        "HARD_TO_FILL": "vacancies hard to fill",
        "EMPLOYER_REPORTED_SHORTAGE": "employers report a shortage",
    },
}

UNUSABLE = {
    "id": {
        "no_data": "tidak ada data",
        "no_estimate": "tidak ada estimasi",
        "too_few_postings": "iklan lowongan terlalu sedikit",
        "employment_not_reliable": "jumlah penduduk bekerja tidak andal",
        "too_few_closed_vacancies": "lowongan portal yang sudah ditutup terlalu sedikit",
        "no_closed_vacancies_filled_known": "tidak ada data: tidak ada lowongan portal yang "
        "sudah ditutup dengan jumlah terisi diketahui",
        "too_few_respondents": "responden terlalu sedikit",
        "no_spread_across_occupations": "tidak membedakan jabatan: ambang kuantil sama dengan "
        "nilai ekstremnya (banyak jabatan bernilai sama)",
        "rse_above_limit": "RSE di atas batas",
        "suppressed": "disensor",
        "rse_class": "kelas keandalan",
        "total": "semua pekerja",
        "unknown": "alasan tidak tercatat",
    },
    "en": {
        "no_data": "no data",
        "no_estimate": "no estimate",
        "too_few_postings": "too few vacancy postings",
        "employment_not_reliable": "employment not reliable",
        "too_few_closed_vacancies": "too few closed portal vacancies",
        "no_closed_vacancies_filled_known": "no data: no closed portal vacancy with its filled "
        "places known",
        "too_few_respondents": "too few respondents",
        "no_spread_across_occupations": "does not tell occupations apart: the quantile "
        "threshold equals its extreme value (many occupations share it)",
        "rse_above_limit": "RSE above the limit",
        "suppressed": "suppressed",
        "rse_class": "reliability class",
        "total": "all workers",
        "unknown": "reason not recorded",
    },
}

# Each indicator's unit on the page and in the tables, and the factor from the scoring's value:
# growth is computed as a fraction per year (0.105) and shown as 10.5 %/yr; a share as a per cent.
INDICATOR_UNITS = {
    "employment_growth": ("pct_per_year", 100.0),
    "relative_wage_growth": ("points_per_year", 100.0),
    "hours_growth": ("pct_per_year", 100.0),
    "unemployment_rate": ("pct", 1.0),
    "vacancy_growth": ("pct_per_window", 100.0),
    "vacancies_per_1000_employed": ("per_1000_employed", 1.0),
    "vacancy_duration_days": ("days", 1.0),
    "hard_to_fill_share": ("pct", 100.0),
    "employer_evidence": ("pct_respondents", 100.0),
}
UNITS = {
    "id": {
        "pct_per_year": "% per tahun",
        "points_per_year": "poin persen per tahun, selisih dengan semua pekerja",
        "pct": "%",
        "pct_per_window": "% dibanding rentang waktu sebelumnya",
        "per_1000_employed": "per 1.000 penduduk bekerja",
        "days": "hari",
        "pct_respondents": "% responden",
    },
    "en": {
        "pct_per_year": "% per year",
        "points_per_year": "percentage points per year, against all workers",
        "pct": "%",
        "pct_per_window": "% against the time span before",
        "per_1000_employed": "per 1,000 employed",
        "days": "days",
        "pct_respondents": "% of respondents",
    },
}


def indicator_unit(name: str, language: str) -> str:
    """The unit an indicator's value is shown in ('% per tahun'); empty when not known."""
    unit = INDICATOR_UNITS.get(name)
    return UNITS[language][unit[0]] if unit else ""


def indicator_scale(name: str) -> float:
    """The factor from the scoring's value to the value in `indicator_unit`."""
    return INDICATOR_UNITS.get(name, ("", 1.0))[1]


SURVEY_MEASURES = {
    "id": {
        "employed": "penduduk bekerja",
        "earnings_mean_monthly_idr": "rata-rata upah bulanan",
        "hours_mean_weekly": "rata-rata jam kerja per minggu",
        "tpt": "TPT",
    },
    "en": {
        "employed": "employed persons",
        "earnings_mean_monthly_idr": "mean monthly earnings",
        "hours_mean_weekly": "mean weekly hours",
        "tpt": "unemployment rate (TPT)",
    },
}

EVIDENCE = {
    "id": {
        "postings": "{current} iklan lowongan pada {start} s.d. {end}, {previous} pada "
        "{previous_start} s.d. {previous_end} (tanggal awal dan akhir termasuk)",
        "closed": "{count} lowongan portal yang sudah ditutup",
        "respondents": "{count} responden ({ids})",
        "about": "{evidence} tentang KBJI {codes}",
        "scored_at": "{reason}, dinilai pada golongan {scored}; bukti pemberi kerja hanya "
        "tentang KBJI {codes}",
    },
    "en": {
        "postings": "{current} vacancy postings from {start} to {end}, {previous} from "
        "{previous_start} to {previous_end} (first and last days included)",
        "closed": "{count} closed portal vacancies",
        "respondents": "{count} respondents ({ids})",
        "about": "{evidence} about KBJI {codes}",
        "scored_at": "{reason}, scored at minor group {scored}; the employer evidence is about "
        "KBJI {codes} only",
    },
}

SETTINGS = {
    "id": {
        "growth_years": "Tahun untuk pertumbuhan",
        "accepted_reliability": "Kelas keandalan yang diterima",
        "max_rse_percent": "RSE maksimum (%)",
        "min_postings": "Jumlah minimum iklan lowongan",
        "min_history_points": "Jumlah minimum pengamatan sebelumnya",
        "min_reliable_indicators": "Jumlah minimum indikator andal",
        "cross_section_quantile": "Kuantil lintas jabatan",
        "shortage_score_threshold": "Ambang skor kekurangan",
        "vacancy_window_days": "Rentang waktu iklan lowongan (hari)",
        "skilled_major_groups": "Golongan pokok jabatan terampil",
        "occupation_levels": "Tingkat kode jabatan KBJI 2014 (jumlah digit)",
        "equal_weights": "Bobot sama untuk semua indikator",
        "weights": "Bobot",
    },
    "en": {
        "growth_years": "Years of growth",
        "accepted_reliability": "Reliability classes accepted",
        "max_rse_percent": "Maximum RSE (%)",
        "min_postings": "Minimum vacancy postings",
        "min_history_points": "Minimum number of earlier observations",
        "min_reliable_indicators": "Minimum reliable indicators",
        "cross_section_quantile": "Cross-occupation quantile",
        "shortage_score_threshold": "Shortage score threshold",
        "vacancy_window_days": "Time span of vacancy postings (days)",
        "skilled_major_groups": "Skilled major groups",
        "occupation_levels": "KBJI 2014 code levels (number of digits)",
        "equal_weights": "Equal weights for every indicator",
        "weights": "Weight",
    },
}

# Sample persons, SEs and the change's z behind a survey indicator (scoring._survey_evidence).
SURVEY_DETAIL = {
    "id": {
        "persons": "sampel {persons} orang",
        "se": "SE {se}",
        "z": "z = {z}",
        "and": " dan ",
        "unknown": "tidak diketahui",
    },
    "en": {
        "persons": "{persons} sample persons",
        "se": "SE {se}",
        "z": "z = {z}",
        "and": " and ",
        "unknown": "unknown",
    },
}

# Why a listed occupation's evidence is thin (scoring._cautions).
CAUTIONS = {
    "id": {
        "MINIMUM_EVIDENCE": "hanya jumlah minimum indikator andal",
        "AT_THRESHOLD": "skor tepat pada ambang",
        "SCORED_AT_MINOR_GROUP": "masuk daftar melalui golongan {scored} (3 digit)",
    },
    "en": {
        "MINIMUM_EVIDENCE": "only the minimum number of reliable indicators",
        "AT_THRESHOLD": "score exactly at the threshold",
        "SCORED_AT_MINOR_GROUP": "listed through its minor group {scored} (3 digits)",
    },
}

# Settings inside a configuration block (`employer_evidence:`, `significance:`), by dotted key.
NESTED_SETTINGS = {
    "id": {
        "employer_evidence.min_respondents": "Bukti pemberi kerja: responden minimum",
        "employer_evidence.shortage_share_threshold": "Bukti pemberi kerja: ambang bagian "
        "responden yang melaporkan kesulitan (pada atau di atas = sinyal)",
        "significance.enabled": "Uji signifikansi perubahan survei",
        "significance.level": "Tingkat kepercayaan uji signifikansi (uji satu sisi ke arah "
        "kekurangan pada taraf (1 - tingkat) / 2)",
        "significance.false_discovery_rate": "Tingkat temuan palsu (Benjamini-Hochberg atas "
        "semua perubahan yang diuji; menggantikan uji per perubahan)",
    },
    "en": {
        "employer_evidence.min_respondents": "Employer evidence: minimum respondents",
        "employer_evidence.shortage_share_threshold": "Employer evidence: threshold share of "
        "respondents reporting difficulty (at or above = signal)",
        "significance.enabled": "Significance test of survey changes",
        "significance.level": "Confidence level of the significance test (one-sided test in "
        "the shortage's direction at (1 - level) / 2)",
        "significance.false_discovery_rate": "False-discovery rate (Benjamini-Hochberg over "
        "all tested changes; replaces the test of each change)",
    },
}

_PERIOD = re.compile(r"^\d{4}(-\d{2})?$")
_POSTINGS = re.compile(r"^(\d+) postings (\S+)\.\.(\S+), (\d+) in (\S+)\.\.(\S+)$")
_CLOSED = re.compile(r"^(\d+) closed portal vacancies$")
_RESPONDENTS = re.compile(r"^(\d+) respondents \((.*)\)(?: about (\S+))?$")
_SURVEY = re.compile(
    r"^([a-z_]+) (\d{4}(?:-\d{2})?(?:\.\.\d{4}(?:-\d{2})?)?)"
    r"(?: n=(\S+) se=(\S+))?(?: z=(\S+))?$"
)


def indicator_label(name: str, language: str) -> str:
    return INDICATORS[language].get(name, name)


def reason_labels(
    codes: str | None, language: str, scored_code: str = "", evidence_about: str = ""
) -> str:
    """'EMPLOYMENT_GROWING,HOURS_RISING' -> 'penduduk bekerja bertambah; jam kerja bertambah'.

    `evidence_about`: for an occupation scored at its minor group `scored_code`, the unit groups
    its employer evidence names, said beside that reason (it is not evidence about the others).
    """
    if not codes:
        return ""
    shown = []
    for code in (c for c in codes.split(",") if c):
        label = REASONS[language].get(code, code)
        if code == "EMPLOYER_REPORTED_SHORTAGE" and evidence_about:
            label = EVIDENCE[language]["scored_at"].format(
                reason=label, scored=scored_code, codes=evidence_about.replace(",", ", ")
            )
        shown.append(label)
    return "; ".join(shown)


def unusable_label(reason: str | None, language: str) -> str | None:
    """Why an indicator is not used, in words: '2024-08:rse_class:unreliable' ->
    '2024-08: kelas keandalan: tidak andal'. Periods stay as they are (labels, not codes)."""
    if not reason:
        return None
    words = UNUSABLE[language]
    overview = OVERVIEW_TEXT[language]
    parts = reason.split(":")
    shown: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        if _PERIOD.match(part):
            shown.append(part)
        elif part == "suppressed":
            detail = parts[index + 1] if index + 1 < len(parts) else "unknown"
            shown.append(f"{words['suppressed']} ({_suppression(detail, language)})")
            index += 1
        elif part == "rse_class":
            detail = parts[index + 1] if index + 1 < len(parts) else ""
            reliability = overview["reliability_values"].get(detail) or words["unknown"]
            shown.append(f"{words['rse_class']} {reliability}")
            index += 1
        else:
            shown.append(words.get(part, part))
        index += 1
    return ": ".join(shown)


def _suppression(reason: str, language: str) -> str:
    overview = OVERVIEW_TEXT[language]
    reasons = overview["suppression_reasons"]
    if reason.startswith("linked_to_suppressed_"):
        indicator = reason.removeprefix("linked_to_suppressed_")
        measure = SURVEY_MEASURES[language].get(indicator) or overview.get(indicator, indicator)
        return reasons["linked"].format(indicator=measure)
    return reasons.get(reason) or UNUSABLE[language]["unknown"]


def evidence_label(evidence: str | None, language: str) -> str | None:
    """The evidence line the scoring wrote, in the language (unknown forms as they are)."""
    if not evidence:
        return evidence
    templates = EVIDENCE[language]
    if match := _POSTINGS.match(evidence):
        return templates["postings"].format(
            current=format_number(int(match[1]), language),
            start=match[2],
            end=match[3],
            previous=format_number(int(match[4]), language),
            previous_start=match[5],
            previous_end=match[6],
        )
    if match := _CLOSED.match(evidence):
        return templates["closed"].format(count=format_number(int(match[1]), language))
    if match := _RESPONDENTS.match(evidence):
        shown = templates["respondents"].format(
            count=format_number(int(match[1]), language), ids=match[2]
        )
        if match[3]:
            shown = templates["about"].format(evidence=shown, codes=match[3].replace(",", ", "))
        return shown
    if match := _SURVEY.match(evidence):
        measure = SURVEY_MEASURES[language].get(match[1], match[1])
        span = match[2].replace("..", {"id": " s.d. ", "en": " to "}[language])
        shown = f"Sakernas: {measure}, {span}"
        detail = SURVEY_DETAIL[language]
        if match[3]:
            shown += "; " + detail["persons"].format(
                persons=detail["and"].join(_number(v, language) for v in match[3].split(".."))
            )
            shown += "; " + detail["se"].format(
                se=detail["and"].join(_number(v, language) for v in match[4].split(".."))
            )
        if match[5]:
            shown += "; " + detail["z"].format(z=format_number(float(match[5]), language, 2))
        return shown
    return evidence


def _number(text: str, language: str) -> str:
    """A number written by the scoring ('61500', '85.0', 'unknown') in the language's format,
    with the decimals it was written with (the scoring chose them: significant digits)."""
    if text == "unknown":
        return SURVEY_DETAIL[language]["unknown"]
    try:
        value = float(text)
    except ValueError:
        return text
    _, _, decimals = text.partition(".")
    return format_number(value, language, len(decimals))


def caution_labels(codes: str | None, language: str, scored_code: str = "") -> str:
    """'MINIMUM_EVIDENCE,AT_THRESHOLD' -> 'only the minimum ...; score exactly at ...'."""
    return "; ".join(
        CAUTIONS[language].get(code, code).format(scored=scored_code)
        for code in (codes or "").split(",")
        if code
    )


def setting_label(key: str, language: str) -> str:
    if key in NESTED_SETTINGS[language]:
        return NESTED_SETTINGS[language][key]
    return SETTINGS[language].get(key, key.replace("_", " "))


def setting_value(key: str, value: Any, language: str) -> str:
    """A configuration value as the page shows it: lists joined, classes and groups named,
    numbers in the language's format."""
    if isinstance(value, list | tuple):
        return ", ".join(setting_value(key, v, language) for v in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{indicator_label(k, language)} = {setting_value(key, v, language)}"
            for k, v in value.items()
        )
    if isinstance(value, bool):
        return (
            {"id": "ya", "en": "yes"}[language] if value else {"id": "tidak", "en": "no"}[language]
        )
    if key == "accepted_reliability":
        return OVERVIEW_TEXT[language]["reliability_values"].get(str(value), str(value))
    if key == "skilled_major_groups":
        return major_group_label(str(value), language)
    if isinstance(value, float):
        return format_number(value, language, 3).rstrip("0").rstrip(",.")
    if isinstance(value, int):
        return format_number(value, language)
    return str(value)


def scenario_settings(scenario: dict[str, Any], language: str) -> str:
    """'shortage_score_threshold: 0.6' -> 'Ambang skor kekurangan = 0,6'."""
    shown = []
    for key, value in scenario.items():
        if key == "name":
            continue
        if key == "equal_weights" and value is True:
            shown.append(setting_label(key, language))
        elif key == "weights":
            shown.append(f"{setting_label(key, language)}: {setting_value(key, value, language)}")
        elif isinstance(value, dict):
            # A block of settings (`significance: {enabled: false}`): each by its dotted key.
            shown += [
                f"{setting_label(f'{key}.{k}', language)} = "
                f"{setting_value(f'{key}.{k}', v, language)}"
                for k, v in value.items()
            ]
        else:
            shown.append(f"{setting_label(key, language)} = {setting_value(key, value, language)}")
    return "; ".join(shown)
