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
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from statistics import NormalDist, median
from typing import Any

import polars as pl
import yaml

from ingest.merging import deep_merge

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
    # z of a survey change (growths), for the significance rule; null for other indicators.
    "z": pl.Float64,
    "synthetic_inputs": pl.Utf8,
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
        if "is_synthetic" not in part.columns:
            # The mart's name says what its rows are when a column does not.
            part = part.with_columns(is_synthetic=pl.lit(name.endswith("_synthetic")))
        survey_parts.append(part)
    if survey_parts:
        marts.survey = prefer_real_survey_rows(pl.concat(survey_parts, how="diagonal_relaxed"))
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


SURVEY_KEY = ("area_code", "breakdown", "indicator", "period")
SERIES_KEY = ("area_code", "breakdown", "indicator")


def prefer_real_survey_rows(survey: pl.DataFrame) -> pl.DataFrame:
    """One series per (area, breakdown, indicator), never a mix of real and synthetic rounds:
    the real rows when they cover every round the series has (the growths, z and history
    medians compare those rounds), else the synthetic rows. Picking per round scored a real
    latest round against a synthetic start. A warning names the series that had both."""
    if survey.is_empty() or "is_synthetic" not in survey.columns:
        return survey
    series = [c for c in SERIES_KEY if c in survey.columns]
    flagged = survey.with_columns(pl.col("is_synthetic").fill_null(False).alias("_synthetic"))
    coverage = flagged.group_by(series).agg(
        pl.col("period").n_unique().alias("_rounds"),
        pl.col("period").filter(~pl.col("_synthetic")).n_unique().alias("_real_rounds"),
        pl.col("_synthetic").any().alias("_has_synthetic"),
    )
    # Real wins only when it covers every round; a series with no synthetic row stays real.
    coverage = coverage.with_columns(
        ((pl.col("_real_rounds") == pl.col("_rounds")) | ~pl.col("_has_synthetic")).alias(
            "_use_real"
        )
    )
    both = coverage.filter(pl.col("_has_synthetic"), pl.col("_real_rounds") > 0)
    if both.height:
        for use_real, word in ((True, "real"), (False, "synthetic")):
            part = both.filter(pl.col("_use_real") == use_real)
            if not part.height:
                continue
            shown = [
                "/".join(str(v) for v in row)
                for row in part.select(series).sort(series).head(10).rows()
            ]
            log.warning(
                "survey rows: %d series (%s) have real and synthetic rounds; the %s series is "
                "scored (real rows %s every round), e.g. %s",
                part.height,
                ", ".join(series),
                word,
                "cover" if use_real else "do not cover",
                "; ".join(shown),
            )
    key = [c for c in SURVEY_KEY if c in survey.columns]
    # Keep the chosen series' rows, then one row per round (stable: the marts' order otherwise).
    return (
        flagged.with_row_index("_order")
        .join(coverage.select(*series, "_use_real"), on=series, how="left")
        .filter(pl.col("_synthetic") != pl.col("_use_real"))
        .unique(subset=key, keep="first", maintain_order=True)
        .sort("_order")
        .drop("_order", "_synthetic", "_use_real")
    )


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


def _change_z(end: dict[str, Any], start: dict[str, Any]) -> float | None:
    """z of the change between two rounds' estimates, taken as independent samples:
    (end - start) / sqrt(se_end^2 + se_start^2). Sakernas rounds share part of their sample;
    that covariance is positive, so leaving it out overstates the SE (a conservative test)."""
    se_end, se_start = end.get("se"), start.get("se")
    if se_end is None or se_start is None:
        return None
    spread = (se_end**2 + se_start**2) ** 0.5
    if spread == 0:
        return None
    return (end["value"] - start["value"]) / spread


def _relative_change_z(rows: list[dict[str, Any]]) -> float | None:
    """z of an occupation's change relative to all workers': log(end/start) of the occupation
    minus that of all workers, over the delta-method SE sqrt(sum of the four RSEs squared)
    (SE of log(x) ~ se/x). `rows`: occupation end, start, total end, total start. The
    occupation is part of the total; leaving that covariance out overstates the SE."""
    if any(r.get("se") is None or not r.get("value") or r["value"] <= 0 for r in rows):
        return None
    end, start, total_end, total_start = rows
    change = math.log(end["value"] / start["value"]) - math.log(
        total_end["value"] / total_start["value"]
    )
    spread = math.sqrt(sum((r["se"] / r["value"]) ** 2 for r in rows))
    return change / spread if spread else None


UNKNOWN = "unknown"
"""Written in an evidence line for a sample size or SE the mart does not give."""


def significant_text(value: float, digits: int = 3) -> str:
    """`value` rounded to `digits` significant digits, written without exponent, its decimals
    those the digits need: 61532 -> '61500', 150 -> '150', 85 -> '85.0', 0.0123 -> '0.0123',
    0 -> '0', 99.96 -> '100'. The one rule for the SEs of an evidence line (the page keeps its
    decimals)."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    if rounded and math.floor(math.log10(abs(rounded))) > math.floor(math.log10(abs(value))):
        # Rounding carried into the next power of ten (99.96 -> 100): the decimals are those of
        # the rounded figure, else '100.0' would claim a fourth digit the SE does not have.
        decimals -= 1
    return f"{rounded:.{max(decimals, 0)}f}"


def _survey_evidence(indicator: str, span: str, rows: list[dict[str, Any]], z: float | None) -> str:
    """'employed 2021-08..2024-08 n=12..19 se=61500..64400 z=0.81': the rounds, their sample
    persons and SEs (3 significant digits; 'unknown' where the mart has none), earliest first,
    and the change's z (none for a level)."""
    shown = f"{indicator} {span}"
    if rows:
        persons = "..".join(
            UNKNOWN if r.get("sample_persons") is None else str(int(r["sample_persons"]))
            for r in rows
        )
        errors = "..".join(
            UNKNOWN if r.get("se") is None else significant_text(float(r["se"])) for r in rows
        )
        shown += f" n={persons} se={errors}"
    if z is not None:
        shown += f" z={z:.2f}"
    return shown


def _survey_values(survey: pl.DataFrame, config: dict[str, Any]) -> list[dict[str, Any]]:
    years = int(config.get("growth_years", 3))
    periods = sorted(survey["period"].unique().to_list())
    latest = periods[-1]
    lookup: dict[tuple[str, str, str], dict[str, Any]] = {
        (r["breakdown"], r["indicator"], r["period"]): r for r in survey.iter_rows(named=True)
    }
    breakdowns = sorted(b for b in survey["breakdown"].unique().to_list() if b != "total")
    # Synthetic per breakdown and indicator: a real round must not be called synthetic because
    # another indicator's rounds are.
    synthetic_of: dict[tuple[str, str], bool] = {}
    if "is_synthetic" in survey.columns:
        for breakdown, indicator, flag in (
            survey.group_by("breakdown", "indicator")
            .agg(pl.col("is_synthetic").fill_null(False).any())
            .iter_rows()
        ):
            synthetic_of[(breakdown, indicator)] = bool(flag)
    rows = []

    def usable_row(breakdown: str, indicator: str, period: str) -> tuple[dict | None, str]:
        row = lookup.get((breakdown, indicator, period))
        ok, reason = _survey_usable(row, config)
        return (row if ok else None), (reason or "")

    def usable_value(breakdown: str, indicator: str, period: str) -> tuple[float | None, str]:
        row, reason = usable_row(breakdown, indicator, period)
        return (None if row is None else row["value"]), reason

    def growth_rows(
        breakdown: str, indicator: str, period: str
    ) -> tuple[float | None, str, list[dict[str, Any]]]:
        """(annualised growth, why not, [start row, end row])."""
        end, end_reason = usable_row(breakdown, indicator, period)
        start, start_reason = usable_row(breakdown, indicator, _shift_period(period, years))
        if end is None:
            return None, f"{period}:{end_reason}", []
        if start is None:
            return None, f"{_shift_period(period, years)}:{start_reason}", []
        return _growth(end["value"], start["value"], years), "", [start, end]

    def growth_at(breakdown: str, indicator: str, period: str) -> tuple[float | None, str]:
        growth, reason, _ = growth_rows(breakdown, indicator, period)
        return growth, reason

    for breakdown in breakdowns:
        variable, _, code = breakdown.partition("=")
        level = int(variable.removeprefix("kbji"))
        for name, (indicator, kind) in SURVEY_INDICATORS.items():
            synthetic = synthetic_of.get((breakdown, indicator), False)
            if not any((breakdown, indicator, p) in lookup for p in periods):
                rows.append(_value_row(level, code, name, None, [], "no_data", "", synthetic))
                continue
            z = None
            if kind == "level":
                row, reason = usable_row(breakdown, indicator, latest)
                value = None if row is None else row["value"]
                history = [usable_value(breakdown, indicator, p)[0] for p in periods[:-1]]
                evidence = _survey_evidence(indicator, latest, [row] if row else [], None)
            else:
                value, reason, used = growth_rows(breakdown, indicator, latest)
                history = [growth_at(breakdown, indicator, p)[0] for p in periods[:-1]]
                span = f"{_shift_period(latest, years)}..{latest}"
                z = _change_z(used[1], used[0]) if used else None
                if kind == "relative_growth":
                    synthetic = synthetic or synthetic_of.get(("total", indicator), False)
                # Only a series that is there can be the other kind: a missing all-workers
                # series is no estimate (`total:<round>:no_estimate` below), not a mix.
                has_total = any(("total", indicator, p) in lookup for p in periods)
                mixed = (
                    kind == "relative_growth"
                    and has_total
                    and synthetic_of.get((breakdown, indicator), False)
                    != synthetic_of.get(("total", indicator), False)
                )
                if mixed and value is not None:
                    # A real occupation against synthetic all workers (or the reverse) is a
                    # difference of two unrelated series: no value, and no test on it.
                    value, reason, z, history = None, "mixed_real_synthetic", None, []
                if kind == "relative_growth" and value is not None:
                    # Relative to all workers: removes the inflation every occupation shares.
                    overall, overall_reason, total = growth_rows("total", indicator, latest)
                    if overall is None:
                        value, reason, z = None, f"total:{overall_reason}", None
                    else:
                        value -= overall
                        z = _relative_change_z([used[1], used[0], total[1], total[0]])
                    history = [
                        h - t
                        for p, h in zip(periods[:-1], history, strict=True)
                        if h is not None and (t := growth_at("total", indicator, p)[0]) is not None
                    ]
                evidence = _survey_evidence(indicator, span, used, z)
            history = [h for h in history if h is not None]
            rows.append(
                _value_row(level, code, name, value, history, reason, evidence, synthetic, z=z)
            )
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
    z: float | None = None,
    synthetic_inputs: str | None = None,
) -> dict[str, Any]:
    """`synthetic_inputs`: which inputs made the value synthetic ("postings,survey"), where an
    indicator has more than one; else the indicator's own input (see report.py)."""
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
        "z": z if value is not None else None,
        "synthetic_inputs": synthetic_inputs,
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


def _coded_postings(postings: pl.DataFrame | None) -> pl.DataFrame | None:
    """Postings whose accepted code and first sighting let them count; None without codes."""
    if postings is None or "kbji2014_code" not in postings.columns:
        return None
    # A code below the coder's confidence threshold awaits a human coder: it does not count.
    return postings.filter(
        pl.col("kbji2014_code").is_not_null(),
        _accepted_code(postings),
        pl.col("first_seen_date").is_not_null(),
    )


def vacancy_windows(
    postings: pl.DataFrame | None, config: dict[str, Any]
) -> tuple[date, date, date] | None:
    """(previous window's first day, current window's first day, last day), all inclusive:
    the current window is the `vacancy_window_days` days ending on the latest first sighting of
    a counted posting, the previous window the same number of days before it."""
    coded = _coded_postings(postings)
    if coded is None or coded.height == 0:
        return None
    window = timedelta(days=int(config.get("vacancy_window_days", 365)))
    latest = coded["first_seen_date"].max()
    return latest - 2 * window + timedelta(days=1), latest - window + timedelta(days=1), latest


def vacancy_window_counts(postings: pl.DataFrame | None, config: dict[str, Any]) -> pl.DataFrame:
    """Per window (`current`, `previous`) and source: the postings with an accepted code that
    count there and the days they were first seen (a crawl's snapshot dates). Every window has
    a row, with source null and 0 postings when nothing falls in it."""
    schema = {
        "window": pl.Utf8,
        "first_day": pl.Date,
        "last_day": pl.Date,
        "source": pl.Utf8,
        "postings": pl.Int64,
        "first_seen_dates": pl.List(pl.Date),
    }
    bounds = vacancy_windows(postings, config)
    if bounds is None:
        return pl.DataFrame(schema=schema)
    previous_first, current_first, last = bounds
    coded = _coded_postings(postings)
    if "source" not in coded.columns:
        coded = coded.with_columns(source=pl.lit(None, pl.Utf8))
    rows = []
    for window, first, final in (
        ("current", current_first, last),
        ("previous", previous_first, current_first - timedelta(days=1)),
    ):
        part = coded.filter(pl.col("first_seen_date").is_between(first, final))
        stats = (
            part.group_by("source")
            .agg(pl.len().alias("postings"), pl.col("first_seen_date").unique().sort())
            .sort("source")
        )
        if stats.height == 0:
            rows.append([window, first, final, None, 0, []])
        rows += [[window, first, final, *row] for row in stats.iter_rows()]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _vacancy_values(
    marts: Marts, employed: dict[tuple[int, str], tuple[float, bool]], config: dict[str, Any]
) -> list[dict[str, Any]]:
    """`employed`: (employed persons, is synthetic) per occupation unit, for the rate."""
    postings = marts.postings
    levels = config.get("occupation_levels", [4, 3])
    minimum = int(config.get("min_postings", 30))
    rows: list[dict[str, Any]] = []
    coded = _coded_postings(postings)
    if coded is None:
        return rows
    log.info(
        "vacancy indicators: %d of %d postings with an accepted code", coded.height, postings.height
    )
    if coded.height == 0:
        return rows
    previous_first, current_first, latest = vacancy_windows(postings, config)
    # Comparisons below are "after the day before the window starts", as they always were.
    current_start = current_first - timedelta(days=1)
    previous_start = previous_first - timedelta(days=1)
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
            # Both windows' first and last days, inclusive (the old "since <day>" excluded it).
            span = (
                f"{current} postings {current_first}..{latest}, "
                f"{previous} in {previous_first}..{current_start}"
            )
            if current >= minimum and previous >= minimum:
                growth, reason = current / previous - 1, None
            else:
                growth, reason = None, "too_few_postings"
            rows.append(
                _value_row(level, code, "vacancy_growth", growth, [], reason, span, synthetic)
            )
            workers_synthetic = False
            if current < minimum:
                reason = "too_few_postings"
                per_1000, days = None, None
            else:
                days = None if stat["median_days_open"] is None else float(stat["median_days_open"])
                workers, workers_synthetic = employed.get((level, code), (None, False))
                per_1000 = None if not workers else current / workers * 1000
                reason = None if workers else "employment_not_reliable"
            # Synthetic when either input is: real postings over synthetic employment are not a
            # real rate (the flag used to come from the postings alone).
            inputs = [
                name
                for name, flag in (("postings", synthetic), ("survey", workers_synthetic))
                if flag
            ]
            rows.append(
                _value_row(
                    level,
                    code,
                    "vacancies_per_1000_employed",
                    per_1000,
                    [],
                    reason,
                    span,
                    bool(inputs),
                    synthetic_inputs=",".join(inputs) or None,
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
    employed: dict[tuple[int, str], tuple[float, bool]] = {}
    if marts.survey is not None and marts.survey.height:
        # Marts built by hand (not by read_marts) get the same rule: real rows win.
        marts.survey = prefer_real_survey_rows(marts.survey)
        rows += _survey_values(marts.survey, config)
        latest = marts.survey["period"].max()
        for row in marts.survey.filter(
            pl.col("period") == latest, pl.col("indicator") == "employed"
        ).iter_rows(named=True):
            if row["breakdown"] != "total" and _survey_usable(row, config)[0]:
                variable, _, code = row["breakdown"].partition("=")
                employed[(int(variable.removeprefix("kbji")), code)] = (
                    row["value"],
                    bool(row.get("is_synthetic")),
                )
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


def significance_rule(config: dict[str, Any]) -> float | None:
    """The z a survey change must reach, signed positive in the shortage's direction: a
    one-sided test at (1 - level) / 2, critical value Phi^-1(1 - (1 - level) / 2) (1.96 at
    0.95), or None when the rule is off. A `significance:` block is on unless it says
    `enabled: false` (a scenario overriding only `level` keeps the rule on)."""
    rule = config.get("significance")
    if not isinstance(rule, dict) or not rule.get("enabled", True):
        return None
    level = float(rule.get("level", 0.95))
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def false_discovery_rate(config: dict[str, Any]) -> float | None:
    """The Benjamini-Hochberg false-discovery rate the significance rule controls over all
    tested changes instead of testing each at its level (a sensitivity scenario), or None."""
    if significance_rule(config) is None:
        return None
    rate = (config.get("significance") or {}).get("false_discovery_rate")
    return None if rate is None else float(rate)


def one_sided_p(z: float | None, direction: int) -> float:
    """P(Z >= direction * z) under no change; an unknown z cannot be told from noise: 1."""
    return 1.0 if z is None else 1 - NormalDist().cdf(direction * z)


def benjamini_hochberg(p_values: list[float], rate: float) -> list[bool]:
    """Which of the p-values are discoveries at false-discovery rate `rate`: all those up to
    the largest rank k (ascending) with p_(k) <= k / m * rate."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    cut = 0
    for rank, index in enumerate(order, start=1):
        if p_values[index] <= rank / len(p_values) * rate:
            cut = rank
    passed = set(order[:cut])
    return [i in passed for i in range(len(p_values))]


def significance_counts(signals: pl.DataFrame | None, config: dict[str, Any]) -> dict[str, Any]:
    """Survey changes tested, those passing, and how many would pass by chance alone if no
    occupation changed (tested x (1 - level) / 2): the page states the three."""
    critical = significance_rule(config)
    tested = passing = 0
    if critical is not None and signals is not None and signals.height:
        checked = signals["passes_significance"].drop_nulls()
        tested, passing = checked.len(), int(checked.sum())
    level = float((config.get("significance") or {}).get("level", 0.95))
    return {"tested": tested, "passing": passing, "by_chance": tested * (1 - level) / 2}


def _passes_significance(
    row: dict[str, Any], direction: int, critical: float | None
) -> bool | None:
    """None where the rule does not apply (off, or not a survey change); else whether the
    change is distinguishable from sampling noise in the shortage's direction. A change whose
    SE is unknown cannot be told apart from noise: it does not pass."""
    if critical is None or SURVEY_INDICATORS.get(row["indicator"], ("", "level"))[1] == "level":
        return None
    z = row.get("z")
    return z is not None and direction * z >= critical


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
    critical = significance_rule(config)
    signal_rows = []
    for row in values.iter_rows(named=True):
        spec = indicators.get(row["indicator"])
        if spec is None:
            continue
        weight = 1.0 if config.get("equal_weights") else float(spec["weight"])
        weight = float((config.get("weights") or {}).get(row["indicator"], weight))
        direction = int(spec["direction"])
        passes_cross = passes_history = passes_significance = None
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
        if is_usable:
            # Usable either way: a change within sampling noise says "no signal", not "no data".
            passes_significance = _passes_significance(row, direction, critical)
        signals = bool(
            is_usable
            and passes_cross
            and passes_history is not False
            and passes_significance is not False
        )
        signal_rows.append(
            {
                **{k: row[k] for k in ("level", "unit_code", "indicator", "value")},
                "is_usable": is_usable,
                "unusable_reason": unusable_reason,
                "weight": weight,
                "passes_cross_section": passes_cross,
                "passes_own_history": passes_history,
                "passes_significance": passes_significance,
                "z": row.get("z"),
                "signals_shortage": signals,
                "reason_code": spec["reason"] if signals else None,
                "evidence": row["evidence"],
                "is_synthetic": row["is_synthetic"],
            }
        )
    rate = false_discovery_rate(config)
    if rate is not None:
        _control_false_discoveries(signal_rows, indicators, rate)
    signals = pl.DataFrame(signal_rows, infer_schema_length=None) if signal_rows else None
    occupations = _occupation_status(signals, values, config, occupation_codes)
    log.info(
        "critical occupations, %s: occupations scored %d, by status %s",
        label,
        occupations.height,
        dict(occupations.group_by("status").len().sort("status").iter_rows()),
    )
    return signals, occupations


def _control_false_discoveries(
    signal_rows: list[dict[str, Any]], indicators: dict[str, Any], rate: float
) -> None:
    """Re-decide every tested change by Benjamini-Hochberg over all of them (one-sided
    p-values in the shortage's direction), in place: with hundreds of changes tested at 2.5 %
    each, some pass by chance alone."""
    tested = [row for row in signal_rows if row["passes_significance"] is not None]
    if not tested:
        return
    p_values = [one_sided_p(r["z"], int(indicators[r["indicator"]]["direction"])) for r in tested]
    for row, passes in zip(tested, benjamini_hochberg(p_values, rate), strict=True):
        row["passes_significance"] = passes
        signals = bool(
            row["is_usable"]
            and row["passes_cross_section"]
            and row["passes_own_history"] is not False
            and passes
        )
        row["signals_shortage"] = signals
        row["reason_code"] = indicators[row["indicator"]]["reason"] if signals else None


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
        minor = summary.get((fallback, code[:fallback]), {"usable_indicators": 0})
        # Falls back only to a minor group that can be scored: an undetermined unit group
        # read "scored at 021" with no usable indicator at either level.
        if unit["usable_indicators"] < minimum and minor["usable_indicators"] >= minimum:
            scored_level, scored_code = fallback, code[:fallback]
            unit = minor
        usable = unit["usable_indicators"]
        score = unit.get("score")
        sectors = _is_strategic(code, config)
        is_skilled = code[:1] in skilled
        cautions = []
        if usable < minimum:
            status = STATUS_UNDETERMINED
            # Nothing was scored: no level, code or score to show.
            scored_level, scored_code, score = None, None, None
        elif score is not None and score >= threshold:
            status = STATUS_LISTED if is_skilled and sectors else STATUS_SHORTAGE_NOT_CRITICAL
            cautions = _cautions(usable, minimum, score, threshold, scored_code != code)
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
                "caution_codes": ",".join(cautions),
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
        "caution_codes": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema)


CAUTION_MINIMUM_EVIDENCE = "MINIMUM_EVIDENCE"
CAUTION_AT_THRESHOLD = "AT_THRESHOLD"
CAUTION_MINOR_GROUP = "SCORED_AT_MINOR_GROUP"


def _cautions(
    usable: int, minimum: int, score: float, threshold: float, at_minor_group: bool
) -> list[str]:
    """Why a shortage rests on thin evidence: no more usable indicators than the minimum, a
    score exactly at the threshold (one signal fewer and it is out), or the minor group's
    evidence (every unit group of the group is listed on one assessment)."""
    cautions = []
    if usable <= minimum:
        cautions.append(CAUTION_MINIMUM_EVIDENCE)
    if math.isclose(score, threshold, abs_tol=1e-9):
        cautions.append(CAUTION_AT_THRESHOLD)
    if at_minor_group:
        cautions.append(CAUTION_MINOR_GROUP)
    return cautions


def scenario_config(config: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The configuration of a scenario: its overrides merged into `config`, nested blocks key
    by key (`significance: {level: 0.9}` keeps the block's `enabled`)."""
    return deep_merge(config, overrides)


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
            scenario_config(config, overrides),
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
        "vacancy_windows": vacancy_window_counts(marts.postings, config),
    }
