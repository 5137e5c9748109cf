"""Critical Occupations List scoring, as described in docs/critical-occupations-method.md.

Two steps, so the sensitivity table can re-run the second cheaply:

1. `compute_indicator_values` turns the published marts into one row per occupation unit
   (KBJI 2014 code at 4 and 3 digits) and indicator: its value, its comparison history, and
   whether it is usable (Sakernas RSE class and suppression, or the number of postings behind a
   vacancy indicator). An unusable indicator keeps its reason and never counts.
2. `evaluate` compares each usable indicator with all occupations (a quantile threshold) and with
   its own history, weights the signals, and gives each occupation a status: `listed`
   (shortage, skilled and strategic), `shortage_not_critical`, `not_listed` or `undetermined`
   (too few usable indicators: not the same as "no shortage").

A missing mart is not an error: its indicators are "no data" for every occupation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from statistics import median
from typing import Any

import polars as pl
import yaml

log = logging.getLogger(__name__)

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "critical_occupations.yaml"

STATUS_LISTED = "listed"
STATUS_SHORTAGE_NOT_CRITICAL = "shortage_not_critical"
STATUS_NOT_LISTED = "not_listed"
STATUS_UNDETERMINED = "undetermined"

# Why a usable indicator is still not used: its values cannot rank occupations (see evaluate).
NO_SPREAD = "no_spread_across_occupations"
# The portal mart is there, but no vacancy of the unit closed with its filled places known.
NO_CLOSED_VACANCIES = "no_closed_vacancies_filled_known"

# Sakernas indicator behind each survey-based score indicator; "growth" compares two rounds.
SURVEY_INDICATORS = {
    "employment_growth": ("employed", "growth"),
    "relative_wage_growth": ("earnings_mean_monthly_idr", "relative_growth"),
    "hours_growth": ("hours_mean_weekly", "growth"),
    "unemployment_rate": ("tpt", "level"),
}

VALUE_COLUMNS = {
    "level": pl.Int64,
    "unit_code": pl.Utf8,
    "indicator": pl.Utf8,
    "value": pl.Float64,
    "history": pl.List(pl.Float64),
    "is_usable": pl.Boolean,
    "unusable_reason": pl.Utf8,
    "evidence": pl.Utf8,
    "is_synthetic": pl.Boolean,
}


def load_config(path: Path = CONFIG_PATH) -> dict[str, Any]:
    """Read the scoring configuration (thresholds, weights, filters, scenarios)."""
    with path.open(encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    missing = {"indicators", "min_reliable_indicators", "shortage_score_threshold"} - set(config)
    if missing:
        raise ValueError(f"{path}: missing keys {sorted(missing)}")
    return config


@dataclass
class Marts:
    """The published marts the scoring reads; None where a mart is not published."""

    survey: pl.DataFrame | None = None
    postings: pl.DataFrame | None = None
    portal: pl.DataFrame | None = None
    evidence: pl.DataFrame | None = None
    # KBJI 2014 codes of dim_occupation: every unit group gets a status, evidence or not.
    occupation_codes: list[str] | None = None
    missing: list[str] = field(default_factory=list)


def read_marts(marts_dir: Path, evidence_path: Path | None, config: dict[str, Any]) -> Marts:
    """Read the national occupation rows of the Sakernas marts and the vacancy marts."""
    marts = Marts()
    levels = config.get("occupation_levels", [4, 3])
    pattern = "^kbji(" + "|".join(str(level) for level in levels) + ")="
    survey_parts = []
    for name in ("labour_force_indicators", "labour_force_indicators_synthetic"):
        path = marts_dir / f"{name}.parquet"
        if not path.exists():
            marts.missing.append(name)
            continue
        part = (
            pl.scan_parquet(path)
            .filter(
                pl.col("area_code") == str(config.get("area_code", "00")),
                pl.col("breakdown").str.starts_with("kbji") | (pl.col("breakdown") == "total"),
            )
            .collect()
        )
        part = part.filter(
            pl.col("breakdown").str.contains(pattern) | (pl.col("breakdown") == "total")
        )
        survey_parts.append(part)
    if survey_parts:
        marts.survey = pl.concat(survey_parts, how="diagonal_relaxed")
    for attribute, name in (
        ("postings", "fct_vacancy_postings"),
        ("portal", "fct_portal_vacancies"),
    ):
        path = marts_dir / f"{name}.parquet"
        if path.exists():
            setattr(marts, attribute, pl.read_parquet(path))
        else:
            marts.missing.append(name)
    occupations = marts_dir / "dim_occupation.parquet"
    if occupations.exists():
        codes = pl.read_parquet(occupations, columns=["kbji_code"])["kbji_code"]
        marts.occupation_codes = sorted(c for c in codes.drop_nulls().unique().to_list())
    if evidence_path is not None and evidence_path.exists():
        marts.evidence = pl.read_csv(evidence_path, schema_overrides={"kbji2014_code": pl.Utf8})
    elif evidence_path is not None:
        marts.missing.append(evidence_path.name)
    log.info(
        "read marts: %d survey rows, %d postings, %d portal rows, %d evidence rows; missing %s",
        0 if marts.survey is None else marts.survey.height,
        0 if marts.postings is None else marts.postings.height,
        0 if marts.portal is None else marts.portal.height,
        0 if marts.evidence is None else marts.evidence.height,
        marts.missing or "none",
    )
    return marts


def _shift_period(period: str, years: int) -> str:
    year, _, month = period.partition("-")
    return f"{int(year) - years}-{month}" if month else str(int(year) - years)


def _survey_usable(row: dict[str, Any] | None, config: dict[str, Any]) -> tuple[bool, str | None]:
    if row is None:
        return False, "no_estimate"
    if row.get("is_suppressed"):
        return False, f"suppressed:{row.get('suppression_reason') or 'unknown'}"
    if row.get("value") is None:
        return False, "no_estimate"
    if row.get("reliability") not in config.get("accepted_reliability", ["reliable"]):
        return False, f"rse_class:{row.get('reliability')}"
    rse = row.get("rse")
    if rse is not None and rse > config.get("max_rse_percent", 50):
        return False, "rse_above_limit"
    return True, None


def _growth(end: float, start: float, years: int) -> float | None:
    if start is None or end is None or start <= 0 or end <= 0:
        return None
    return (end / start) ** (1 / years) - 1


def _survey_values(survey: pl.DataFrame, config: dict[str, Any]) -> list[dict[str, Any]]:
    years = int(config.get("growth_years", 3))
    periods = sorted(survey["period"].unique().to_list())
    latest = periods[-1]
    lookup: dict[tuple[str, str, str], dict[str, Any]] = {
        (r["breakdown"], r["indicator"], r["period"]): r for r in survey.iter_rows(named=True)
    }
    breakdowns = sorted(b for b in survey["breakdown"].unique().to_list() if b != "total")
    synthetic = bool(survey["is_synthetic"].any()) if "is_synthetic" in survey.columns else False
    rows = []

    def usable_value(breakdown: str, indicator: str, period: str) -> tuple[float | None, str]:
        row = lookup.get((breakdown, indicator, period))
        ok, reason = _survey_usable(row, config)
        return (row["value"] if ok else None), (reason or "")

    def growth_at(breakdown: str, indicator: str, period: str) -> tuple[float | None, str]:
        end, end_reason = usable_value(breakdown, indicator, period)
        start, start_reason = usable_value(breakdown, indicator, _shift_period(period, years))
        if end is None:
            return None, f"{period}:{end_reason}"
        if start is None:
            return None, f"{_shift_period(period, years)}:{start_reason}"
        return _growth(end, start, years), ""

    for breakdown in breakdowns:
        variable, _, code = breakdown.partition("=")
        level = int(variable.removeprefix("kbji"))
        for name, (indicator, kind) in SURVEY_INDICATORS.items():
            if not any((breakdown, indicator, p) in lookup for p in periods):
                rows.append(_value_row(level, code, name, None, [], "no_data", "", synthetic))
                continue
            if kind == "level":
                value, reason = usable_value(breakdown, indicator, latest)
                history = [usable_value(breakdown, indicator, p)[0] for p in periods[:-1]]
                evidence = f"{indicator} {latest}"
            else:
                value, reason = growth_at(breakdown, indicator, latest)
                history = [growth_at(breakdown, indicator, p)[0] for p in periods[:-1]]
                evidence = f"{indicator} {_shift_period(latest, years)}..{latest}"
                if kind == "relative_growth" and value is not None:
                    # Relative to all workers: removes the inflation every occupation shares.
                    overall, overall_reason = growth_at("total", indicator, latest)
                    if overall is None:
                        value, reason = None, f"total:{overall_reason}"
                    else:
                        value -= overall
                    history = [
                        h - t
                        for p, h in zip(periods[:-1], history, strict=True)
                        if h is not None and (t := growth_at("total", indicator, p)[0]) is not None
                    ]
            history = [h for h in history if h is not None]
            rows.append(_value_row(level, code, name, value, history, reason, evidence, synthetic))
    log.info("survey indicators: %d rows over %d occupation units", len(rows), len(breakdowns))
    return rows


def _value_row(
    level: int,
    code: str,
    indicator: str,
    value: float | None,
    history: list[float],
    reason: str | None,
    evidence: str,
    synthetic: bool,
) -> dict[str, Any]:
    return {
        "level": level,
        "unit_code": code,
        "indicator": indicator,
        "value": value,
        "history": history,
        "is_usable": value is not None,
        "unusable_reason": None if value is not None else (reason or "no_data"),
        "evidence": evidence,
        "is_synthetic": synthetic,
    }


def _accepted_code(postings: pl.DataFrame) -> pl.Expr:
    """Postings whose code the coder accepted (`is_occupation_coded`: confidence at or above
    its auto-code threshold). A mart without the flag cannot say which codes are accepted."""
    if "is_occupation_coded" not in postings.columns:
        log.warning("fct_vacancy_postings has no is_occupation_coded: no code counts")
        return pl.lit(False)
    return pl.col("is_occupation_coded").fill_null(False)


def posting_coding(postings: pl.DataFrame | None) -> pl.DataFrame:
    """One row: postings, those carrying a code, those whose code counts (`accepted`) and those
    whose code awaits a human coder (`awaiting_coder`, left out of the vacancy indicators)."""
    counts = {"postings": 0, "with_code": 0, "accepted": 0, "awaiting_coder": 0}
    if postings is not None and "kbji2014_code" in postings.columns:
        with_code = postings.filter(pl.col("kbji2014_code").is_not_null())
        accepted = with_code.filter(_accepted_code(with_code)).height
        counts = {
            "postings": postings.height,
            "with_code": with_code.height,
            "accepted": accepted,
            "awaiting_coder": with_code.height - accepted,
        }
    return pl.DataFrame([counts], schema={name: pl.Int64 for name in counts})


def _vacancy_values(
    marts: Marts, employed: dict[tuple[int, str], float], config: dict[str, Any]
) -> list[dict[str, Any]]:
    postings = marts.postings
    levels = config.get("occupation_levels", [4, 3])
    minimum = int(config.get("min_postings", 30))
    rows: list[dict[str, Any]] = []
    if postings is None or "kbji2014_code" not in postings.columns:
        return rows
    # A code below the coder's confidence threshold awaits a human coder: it does not count.
    coded = postings.filter(
        pl.col("kbji2014_code").is_not_null(),
        _accepted_code(postings),
        pl.col("first_seen_date").is_not_null(),
    )
    log.info(
        "vacancy indicators: %d of %d postings with an accepted code", coded.height, postings.height
    )
    if coded.height == 0:
        return rows
    window = timedelta(days=int(config.get("vacancy_window_days", 365)))
    latest = coded["first_seen_date"].max()
    current_start, previous_start = latest - window, latest - 2 * window
    synthetic = bool(coded["is_synthetic"].any()) if "is_synthetic" in coded.columns else False
    for level in levels:
        frame = coded.with_columns(pl.col("kbji2014_code").str.slice(0, level).alias("unit_code"))
        stats = frame.group_by("unit_code").agg(
            (pl.col("first_seen_date") > current_start).sum().alias("current"),
            (
                (pl.col("first_seen_date") > previous_start)
                & (pl.col("first_seen_date") <= current_start)
            )
            .sum()
            .alias("previous"),
            (pl.col("last_seen_date") - pl.col("first_seen_date"))
            .dt.total_days()
            .filter(pl.col("first_seen_date") > current_start)
            .median()
            .alias("median_days_open"),
        )
        for stat in stats.iter_rows(named=True):
            code, current, previous = stat["unit_code"], stat["current"], stat["previous"]
            span = f"{current} postings since {current_start}, {previous} before"
            if current >= minimum and previous >= minimum:
                growth, reason = current / previous - 1, None
            else:
                growth, reason = None, "too_few_postings"
            rows.append(
                _value_row(level, code, "vacancy_growth", growth, [], reason, span, synthetic)
            )
            if current < minimum:
                reason = "too_few_postings"
                per_1000, days = None, None
            else:
                days = None if stat["median_days_open"] is None else float(stat["median_days_open"])
                workers = employed.get((level, code))
                per_1000 = None if not workers else current / workers * 1000
                reason = None if workers else "employment_not_reliable"
            rows.append(
                _value_row(
                    level,
                    code,
                    "vacancies_per_1000_employed",
                    per_1000,
                    [],
                    reason,
                    span,
                    synthetic,
                )
            )
            rows.append(
                _value_row(
                    level,
                    code,
                    "vacancy_duration_days",
                    days,
                    [],
                    None if days is not None else "too_few_postings",
                    span,
                    synthetic,
                )
            )
    return rows


def _hard_to_fill_values(marts: Marts, config: dict[str, Any]) -> list[dict[str, Any]]:
    portal = marts.portal
    if portal is None or not {"kbji4", "places_filled", "places_total"} <= set(portal.columns):
        return []
    minimum = int(config.get("min_postings", 30))
    # Only closed vacancies whose filled places are known say anything about filling.
    closed = portal.filter(
        pl.col("kbji4").is_not_null(),
        pl.col("places_filled").is_not_null(),
        pl.col("places_total") > 0,
        pl.col("closing_date") <= pl.col("portal_snapshot_date"),
    )
    synthetic = bool(portal["is_synthetic"].any()) if "is_synthetic" in portal.columns else False
    rows = []
    for level in config.get("occupation_levels", [4, 3]):
        stats = (
            closed.with_columns(pl.col("kbji4").str.slice(0, level).alias("unit_code"))
            .group_by("unit_code")
            .agg(
                pl.len().alias("closed"),
                (pl.col("places_filled") < pl.col("places_total")).mean().alias("share"),
            )
        )
        for stat in stats.iter_rows(named=True):
            enough = stat["closed"] >= minimum
            rows.append(
                _value_row(
                    level,
                    stat["unit_code"],
                    "hard_to_fill_share",
                    stat["share"] if enough else None,
                    [],
                    None if enough else "too_few_closed_vacancies",
                    f"{stat['closed']} closed portal vacancies",
                    synthetic,
                )
            )
    return rows


def _hard_to_fill_without_data(rows: list[dict[str, Any]], marts: Marts) -> list[dict[str, Any]]:
    """'No data' hard-to-fill rows for the occupation units scored without one, with the reason:
    without them the indicator left the indicator table silently when no portal vacancy had
    closed with its filled places known (the appendix still named its weight)."""
    portal = marts.portal
    if portal is None or not {"kbji4", "places_filled", "places_total"} <= set(portal.columns):
        reason = "no_data"
    else:
        reason = NO_CLOSED_VACANCIES
    done = {(r["level"], r["unit_code"]) for r in rows if r["indicator"] == "hard_to_fill_share"}
    units = sorted({(r["level"], r["unit_code"]) for r in rows} - done)
    return [
        # Not synthetic: no value rests on the portal's rows.
        _value_row(level, code, "hard_to_fill_share", None, [], reason, "", False)
        for level, code in units
    ]


def _evidence_values(marts: Marts, config: dict[str, Any]) -> list[dict[str, Any]]:
    evidence = marts.evidence
    if evidence is None or evidence.height == 0:
        return []
    settings = config.get("employer_evidence", {})
    minimum = int(settings.get("min_respondents", 5))
    rows = []
    for level in config.get("occupation_levels", [4, 3]):
        stats = (
            evidence.filter(pl.col("kbji2014_code").str.len_chars() >= level)
            .with_columns(pl.col("kbji2014_code").str.slice(0, level).alias("unit_code"))
            .group_by("unit_code")
            .agg(
                pl.col("respondents").sum(),
                pl.col("respondents_reporting_difficulty").sum(),
                pl.col("evidence_id").sort().str.join(",").alias("ids"),
                pl.col("kbji2014_code").unique().sort().str.join(",").alias("about"),
                pl.col("is_illustrative").any(),
            )
        )
        for stat in stats.iter_rows(named=True):
            enough = stat["respondents"] >= minimum
            share = stat["respondents_reporting_difficulty"] / stat["respondents"]
            rows.append(
                _value_row(
                    level,
                    stat["unit_code"],
                    "employer_evidence",
                    share if enough else None,
                    [],
                    None if enough else "too_few_respondents",
                    # The codes the rows name: at 3 digits they may be one unit group only.
                    f"{stat['respondents']} respondents ({stat['ids']}) about {stat['about']}",
                    stat["is_illustrative"],
                )
            )
    return rows


def compute_indicator_values(marts: Marts, config: dict[str, Any]) -> pl.DataFrame:
    """One row per occupation unit (level, code) and indicator, with usability and history."""
    rows: list[dict[str, Any]] = []
    employed: dict[tuple[int, str], float] = {}
    if marts.survey is not None and marts.survey.height:
        rows += _survey_values(marts.survey, config)
        latest = marts.survey["period"].max()
        for row in marts.survey.filter(
            pl.col("period") == latest, pl.col("indicator") == "employed"
        ).iter_rows(named=True):
            if row["breakdown"] != "total" and _survey_usable(row, config)[0]:
                variable, _, code = row["breakdown"].partition("=")
                employed[(int(variable.removeprefix("kbji")), code)] = row["value"]
    rows += _vacancy_values(marts, employed, config)
    rows += _hard_to_fill_values(marts, config)
    rows += _evidence_values(marts, config)
    rows += _hard_to_fill_without_data(rows, marts)
    values = pl.DataFrame(rows, schema=VALUE_COLUMNS)
    log.info("indicator values: %d rows, %d usable", values.height, values["is_usable"].sum() or 0)
    return values


def _quantile_thresholds(values: pl.DataFrame, quantile: float) -> dict[tuple[int, str], tuple]:
    """(high, low, lowest, highest) of each indicator's usable values per digit level."""
    usable = values.filter(pl.col("is_usable"))
    thresholds = {}
    for (level, indicator), part in usable.group_by("level", "indicator"):
        thresholds[(level, indicator)] = (
            part["value"].quantile(quantile, "linear"),
            part["value"].quantile(1 - quantile, "linear"),
            part["value"].min(),
            part["value"].max(),
        )
    return thresholds


def _cross_section_test(
    value: float, direction: int, thresholds: tuple
) -> tuple[bool | None, str | None]:
    """(passes, why not usable): strictly beyond the quantile, so a value tied with occupations
    outside the top share never passes (most occupations at 0 and a few above: the few pass).
    An indicator whose usable values are all equal cannot rank occupations: no signal."""
    high, low, lowest, highest = thresholds
    if lowest is None or highest is None or lowest == highest:
        return None, NO_SPREAD
    if direction > 0:
        return value > high, None
    return value < low, None


def _is_strategic(code: str, config: dict[str, Any]) -> list[str]:
    return [
        section
        for section, sector in (config.get("strategic_sectors") or {}).items()
        if any(code.startswith(p) or p.startswith(code) for p in sector["kbji_prefixes"])
    ]


def evaluate(
    values: pl.DataFrame,
    config: dict[str, Any],
    label: str = "the list as reported",
    occupation_codes: list[str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Signals per indicator and the status per KBJI 4-digit occupation.

    Returns (signals, occupations). Each 4-digit occupation with too few usable indicators is
    scored at its 3-digit minor group instead; `scored_code` says which. `label` names the
    configuration in the run log, where the sensitivity scenarios log their counts too.
    `occupation_codes` (dim_occupation's codes): unit groups that get a status even when no
    indicator names them (`undetermined`, unless their minor group can be scored).
    """
    indicators = config["indicators"]
    quantile = float(config.get("cross_section_quantile", 0.75))
    min_history = int(config.get("min_history_points", 3))
    thresholds = _quantile_thresholds(values, quantile)
    signal_rows = []
    for row in values.iter_rows(named=True):
        spec = indicators.get(row["indicator"])
        if spec is None:
            continue
        weight = 1.0 if config.get("equal_weights") else float(spec["weight"])
        weight = float((config.get("weights") or {}).get(row["indicator"], weight))
        direction = int(spec["direction"])
        passes_cross = passes_history = None
        is_usable, unusable_reason = row["is_usable"], row["unusable_reason"]
        if is_usable:
            value = row["value"]
            if row["indicator"] == "employer_evidence":
                # Survey shares have an absolute meaning; no cross-occupation ranking.
                share = config.get("employer_evidence", {}).get("shortage_share_threshold", 0.5)
                passes_cross = value >= share
            else:
                passes_cross, no_spread = _cross_section_test(
                    value, direction, thresholds[(row["level"], row["indicator"])]
                )
                if no_spread:
                    # Ties cannot rank occupations: the indicator says nothing, for or against.
                    is_usable, unusable_reason = False, no_spread
            history = row["history"] or []
            if is_usable and len(history) >= min_history:
                passes_history = (
                    value > median(history) if direction > 0 else value < median(history)
                )
        signals = bool(is_usable and passes_cross and passes_history is not False)
        signal_rows.append(
            {
                **{k: row[k] for k in ("level", "unit_code", "indicator", "value")},
                "is_usable": is_usable,
                "unusable_reason": unusable_reason,
                "weight": weight,
                "passes_cross_section": passes_cross,
                "passes_own_history": passes_history,
                "signals_shortage": signals,
                "reason_code": spec["reason"] if signals else None,
                "evidence": row["evidence"],
                "is_synthetic": row["is_synthetic"],
            }
        )
    signals = pl.DataFrame(signal_rows, infer_schema_length=None) if signal_rows else None
    occupations = _occupation_status(signals, values, config, occupation_codes)
    log.info(
        "critical occupations, %s: occupations scored %d, by status %s",
        label,
        occupations.height,
        dict(occupations.group_by("status").len().sort("status").iter_rows()),
    )
    return signals, occupations


EVIDENCE_ABOUT = re.compile(r" about (\S+)$")


def evidence_about(evidence: str | None) -> str:
    """The KBJI codes an employer-evidence line names ('12 respondents (e-1) about 2512')."""
    match = EVIDENCE_ABOUT.search(evidence or "")
    return match[1] if match else ""


def _unit_summary(signals: pl.DataFrame | None, config: dict[str, Any]) -> dict[tuple, dict]:
    if signals is None:
        return {}
    usable = pl.col("is_usable").fill_null(False)
    signalled = usable & pl.col("signals_shortage").fill_null(False)
    # One aggregation over all units rather than filters per unit: the sensitivity scenarios
    # evaluate every occupation nine times, and per-unit filters took most of the report's time.
    units = signals.group_by("level", "unit_code").agg(
        usable_indicators=usable.sum(),
        weight_total=pl.col("weight").filter(usable).sum(),
        weight_signal=pl.col("weight").filter(signalled).sum(),
        reason_codes=pl.col("reason_code").filter(signalled).sort(),
        is_synthetic=pl.col("is_synthetic").any(),
        evidence=pl.col("evidence")
        .filter(signalled & (pl.col("indicator") == "employer_evidence"))
        .first(),
    )
    return {
        (row["level"], row["unit_code"]): {
            "usable_indicators": row["usable_indicators"],
            "score": row["weight_signal"] / row["weight_total"] if row["weight_total"] else None,
            "reason_codes": ",".join(row["reason_codes"]),
            "is_synthetic": bool(row["is_synthetic"]),
            "evidence_about": evidence_about(row["evidence"]),
        }
        for row in units.iter_rows(named=True)
    }


def _occupation_status(
    signals: pl.DataFrame | None,
    values: pl.DataFrame,
    config: dict[str, Any],
    occupation_codes: list[str] | None = None,
) -> pl.DataFrame:
    levels = config.get("occupation_levels", [4, 3])
    top, fallback = levels[0], levels[-1]
    minimum = int(config.get("min_reliable_indicators", 3))
    threshold = float(config["shortage_score_threshold"])
    skilled = {str(g) for g in config.get("skilled_major_groups", ["1", "2", "3"])}
    summary = _unit_summary(signals, config)
    codes = set(values.filter(pl.col("level") == top)["unit_code"].unique().to_list())
    # Unit groups no indicator names still get exactly one status.
    codes = sorted(codes | {c for c in occupation_codes or [] if len(c) == top})
    rows = []
    for code in codes:
        unit = summary.get((top, code), {"usable_indicators": 0})
        scored_level, scored_code = top, code
        if unit["usable_indicators"] < minimum and (fallback, code[:fallback]) in summary:
            scored_level, scored_code = fallback, code[:fallback]
            unit = summary[(fallback, scored_code)]
        usable = unit["usable_indicators"]
        score = unit.get("score")
        sectors = _is_strategic(code, config)
        is_skilled = code[:1] in skilled
        if usable < minimum:
            status = STATUS_UNDETERMINED
        elif score is not None and score >= threshold:
            status = STATUS_LISTED if is_skilled and sectors else STATUS_SHORTAGE_NOT_CRITICAL
        else:
            status = STATUS_NOT_LISTED
        rows.append(
            {
                "kbji_code": code,
                "scored_level": scored_level,
                "scored_code": scored_code,
                "usable_indicators": usable,
                "shortage_score": score,
                "status": status,
                "is_skilled": is_skilled,
                "strategic_sectors": ",".join(sectors),
                "reason_codes": unit.get("reason_codes", "")
                if status != STATUS_UNDETERMINED
                else "",
                "is_synthetic": unit.get("is_synthetic", False),
                # Scored at the minor group: the employer evidence credited may name other unit
                # groups only; the report says which.
                "evidence_about": unit.get("evidence_about", "")
                if status != STATUS_UNDETERMINED and scored_code != code
                else "",
            }
        )
    schema = {
        "kbji_code": pl.Utf8,
        "scored_level": pl.Int64,
        "scored_code": pl.Utf8,
        "usable_indicators": pl.Int64,
        "shortage_score": pl.Float64,
        "status": pl.Utf8,
        "is_skilled": pl.Boolean,
        "strategic_sectors": pl.Utf8,
        "reason_codes": pl.Utf8,
        "is_synthetic": pl.Boolean,
        "evidence_about": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema)


def sensitivity(
    values: pl.DataFrame,
    config: dict[str, Any],
    base: pl.DataFrame | None = None,
    occupation_codes: list[str] | None = None,
) -> pl.DataFrame:
    """Status of every occupation under the base configuration and each scenario; `base`: the
    occupations `evaluate(values, config)` already gave, if at hand (the base is not scored
    twice)."""
    if base is None:
        _, base = evaluate(values, config, "sensitivity base", occupation_codes)
    table = base.select("kbji_code", pl.col("status").alias("base"))
    for scenario in config.get("sensitivity") or []:
        overrides = {k: v for k, v in scenario.items() if k != "name"}
        _, alternative = evaluate(
            values,
            {**config, **overrides},
            f"sensitivity scenario {scenario['name']}",
            occupation_codes,
        )
        table = table.join(
            alternative.select("kbji_code", pl.col("status").alias(scenario["name"])),
            on="kbji_code",
            how="left",
        )
    return table


def score(marts: Marts, config: dict[str, Any]) -> dict[str, pl.DataFrame]:
    """Everything the report shows: values, signals, occupations and the sensitivity table."""
    values = compute_indicator_values(marts, config)
    signals, occupations = evaluate(values, config, occupation_codes=marts.occupation_codes)
    return {
        "values": values,
        "signals": signals if signals is not None else pl.DataFrame(),
        "occupations": occupations,
        "sensitivity": sensitivity(values, config, occupations, marts.occupation_codes),
        "posting_coding": posting_coding(marts.postings),
    }
