"""How strong the Critical Occupations List's evidence is, and that the page says so honestly:
survey changes within sampling noise give no signal, synthetic inputs are named, real Sakernas
rounds win over synthetic ones, the vacancy windows' real contents are stated."""

from __future__ import annotations

import html
import logging
import math
import re
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from reports.critical_occupations import report, scoring, wording
from reports.critical_occupations.report import build_critical_occupations_reports

# The fixture builder sits beside the tests (pytest runs with --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_marts import (  # noqa: E402
    MUST_BE_LISTED,
    MUST_BE_UNDETERMINED,
    SCORED_AT_MINOR_GROUP,
    survey_mart,
    write_evidence,
    write_fixture_marts,
)


def _score(marts_dir: Path, config: dict) -> dict:
    return scoring.score(scoring.read_marts(marts_dir, None, config), config)


def _row(frame: pl.DataFrame, code: str, indicator: str) -> dict:
    return frame.filter(
        pl.col("level") == len(code), pl.col("unit_code") == code, pl.col("indicator") == indicator
    ).row(0, named=True)


def _status(results: dict, code: str) -> dict:
    return results["occupations"].filter(pl.col("kbji_code") == code).row(0, named=True)


def _survey(marts_dir: Path, code: str, indicator: str, period: str) -> dict:
    return (
        pl.read_parquet(marts_dir / "labour_force_indicators_synthetic.parquet")
        .filter(
            pl.col("breakdown") == f"kbji{len(code)}={code}",
            pl.col("indicator") == indicator,
            pl.col("period") == period,
        )
        .row(0, named=True)
    )


# H4 ---------------------------------------------------------------------------------------------


def _doubled_real_rounds(periods: list[str] | None) -> pl.DataFrame:
    """Real rounds (all when `periods` is None) whose 2512 employment is twice the synthetic."""
    rows = survey_mart()
    if periods is not None:
        rows = rows.filter(pl.col("period").is_in(periods))
    return rows.with_columns(
        is_synthetic=pl.lit(False),
        value=pl.when(
            pl.col("breakdown") == f"kbji4={MUST_BE_LISTED}", pl.col("indicator") == "employed"
        )
        .then(pl.col("value") * 2)
        .otherwise(pl.col("value")),
    )


def test_a_real_round_alone_is_not_mixed_with_synthetic_earlier_rounds(marts_dir, config, caplog):
    """A real national 2024-08 round beside the synthetic series: the growth, z and history
    compare rounds of one series, so the synthetic one is scored whole (the real end over a
    synthetic start gave a growth of neither series)."""
    real = _doubled_real_rounds(["2024-08"])
    real.write_parquet(marts_dir / "labour_force_indicators.parquet")
    with caplog.at_level(logging.WARNING, logger=scoring.log.name):
        results = _score(marts_dir, config)
    growth = _row(results["values"], MUST_BE_LISTED, "employment_growth")
    # The synthetic series: 1 % then twice 12 %; the real end (doubled) is not used.
    assert growth["value"] == pytest.approx((1.01 * 1.12 * 1.12) ** (1 / 3) - 1)
    assert growth["is_synthetic"]
    end = _survey(marts_dir, MUST_BE_LISTED, "employed", "2024-08")
    start = _survey(marts_dir, MUST_BE_LISTED, "employed", "2021-08")
    assert growth["z"] == pytest.approx(
        (end["value"] - start["value"]) / math.hypot(end["se"], start["se"])
    )
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    series = real.select("breakdown", "indicator").unique().height
    assert f"{series} series" in warning and "the synthetic series is scored" in warning
    assert "00/kbji3=216/employed" in warning


def test_real_rounds_covering_the_series_win_over_the_synthetic_ones(marts_dir, config, caplog):
    real = _doubled_real_rounds(None)
    real.write_parquet(marts_dir / "labour_force_indicators.parquet")
    with caplog.at_level(logging.WARNING, logger=scoring.log.name):
        results = _score(marts_dir, config)
    growth = _row(results["values"], MUST_BE_LISTED, "employment_growth")
    # Both ends doubled: the real series' growth is the synthetic one's, and it is real.
    assert growth["value"] == pytest.approx((1.01 * 1.12 * 1.12) ** (1 / 3) - 1)
    assert not growth["is_synthetic"]
    assert not _row(results["values"], MUST_BE_LISTED, "hours_growth")["is_synthetic"]
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "the real series is scored" in warning


def test_real_rows_alone_are_not_called_synthetic(marts_dir, config):
    path = marts_dir / "labour_force_indicators_synthetic.parquet"
    pl.read_parquet(path).with_columns(is_synthetic=pl.lit(False)).write_parquet(
        marts_dir / "labour_force_indicators.parquet"
    )
    path.unlink()
    values = _score(marts_dir, config)["values"]
    assert not _row(values, MUST_BE_LISTED, "employment_growth")["is_synthetic"]


def test_a_real_occupation_is_not_set_against_synthetic_all_workers(marts_dir, config):
    """Relative wage growth subtracts all workers' growth: a real occupation series with a
    synthetic all-workers series (or the reverse) would be a difference of unrelated series."""
    real = survey_mart().filter(
        pl.col("breakdown") == f"kbji4={MUST_BE_LISTED}",
        pl.col("indicator") == "earnings_mean_monthly_idr",
    )
    assert real.height > 1
    real.with_columns(is_synthetic=pl.lit(False)).write_parquet(
        marts_dir / "labour_force_indicators.parquet"
    )
    wages = _row(_score(marts_dir, config)["values"], MUST_BE_LISTED, "relative_wage_growth")
    assert not wages["is_usable"]
    assert wages["unusable_reason"] == "mixed_real_synthetic"
    assert wages["z"] is None


def test_a_missing_all_workers_series_is_no_estimate_not_a_mix(marts_dir, config):
    """Without all workers' earnings, a synthetic occupation series was compared with the
    'real' default of a series that is not there and called `mixed_real_synthetic`."""
    path = marts_dir / "labour_force_indicators_synthetic.parquet"
    survey = pl.read_parquet(path)
    latest = survey["period"].max()
    survey.filter(
        ~((pl.col("breakdown") == "total") & (pl.col("indicator") == "earnings_mean_monthly_idr"))
    ).write_parquet(path)
    wages = _row(_score(marts_dir, config)["values"], MUST_BE_LISTED, "relative_wage_growth")
    assert not wages["is_usable"]
    assert wages["unusable_reason"] == f"total:{latest}:no_estimate"
    assert wages["z"] is None


# H3 ---------------------------------------------------------------------------------------------


def test_vacancies_per_worker_are_synthetic_when_employment_is(tmp_path, config):
    """Real postings (no synthetic flag) over synthetic Sakernas employment."""
    marts_dir = write_fixture_marts(tmp_path / "marts", coded_postings=True)
    values = _score(marts_dir, config)["values"]
    rate = _row(values, MUST_BE_LISTED, "vacancies_per_1000_employed")
    assert rate["is_usable"]
    assert rate["is_synthetic"]
    assert rate["synthetic_inputs"] == "survey"
    # The postings themselves are real: their own indicators are not synthetic.
    assert not _row(values, MUST_BE_LISTED, "vacancy_growth")["is_synthetic"]
    # The page names the synthetic input as the survey, not the postings.
    rates = values.filter(pl.col("indicator") == "vacancies_per_1000_employed")
    assert report.synthetic_inputs(rates) == ["survey"]


def test_vacancies_per_worker_over_real_employment_are_real(tmp_path, config):
    marts_dir = write_fixture_marts(tmp_path / "marts", coded_postings=True)
    path = marts_dir / "labour_force_indicators_synthetic.parquet"
    pl.read_parquet(path).with_columns(is_synthetic=pl.lit(False)).write_parquet(path)
    rate = _row(_score(marts_dir, config)["values"], MUST_BE_LISTED, "vacancies_per_1000_employed")
    assert rate["is_usable"] and not rate["is_synthetic"]


# H1 ---------------------------------------------------------------------------------------------


def test_the_z_of_a_change_uses_both_rounds_standard_errors(marts_dir, config):
    values = _score(marts_dir, config)["values"]
    end = _survey(marts_dir, MUST_BE_LISTED, "employed", "2024-08")
    start = _survey(marts_dir, MUST_BE_LISTED, "employed", "2021-08")
    growth = _row(values, MUST_BE_LISTED, "employment_growth")
    expected = (end["value"] - start["value"]) / math.hypot(end["se"], start["se"])
    assert growth["z"] == pytest.approx(expected)
    assert f"n={start['sample_persons']}..{end['sample_persons']}" in growth["evidence"]
    assert f"z={expected:.2f}" in growth["evidence"]
    # Wages relative to all workers: log changes, over the four rounds' relative errors.
    wages = _row(values, MUST_BE_LISTED, "relative_wage_growth")
    rows = [
        _survey(marts_dir, MUST_BE_LISTED, "earnings_mean_monthly_idr", "2024-08"),
        _survey(marts_dir, MUST_BE_LISTED, "earnings_mean_monthly_idr", "2021-08"),
    ]
    totals = (
        pl.read_parquet(marts_dir / "labour_force_indicators_synthetic.parquet")
        .filter(pl.col("breakdown") == "total", pl.col("indicator") == "earnings_mean_monthly_idr")
        .sort("period")
    )
    rows += [
        totals.filter(pl.col("period") == p).row(0, named=True) for p in ("2024-08", "2021-08")
    ]
    change = math.log(rows[0]["value"] / rows[1]["value"]) - math.log(
        rows[2]["value"] / rows[3]["value"]
    )
    spread = math.sqrt(sum((r["se"] / r["value"]) ** 2 for r in rows))
    assert wages["z"] == pytest.approx(change / spread)


def test_a_change_within_sampling_noise_is_usable_but_gives_no_signal(marts_dir, config):
    """The fixture's rising 2512 with the SEs of 12-person national cells: nothing signals,
    and the scenario without the rule shows the list it would have given."""
    path = marts_dir / "labour_force_indicators_synthetic.parquet"
    pl.read_parquet(path).with_columns(
        se=pl.when(pl.col("breakdown").str.starts_with("kbji"))
        .then(pl.col("value") * 0.35)
        .otherwise(pl.col("se")),
        sample_persons=pl.when(pl.col("breakdown").str.starts_with("kbji"))
        .then(12)
        .otherwise(pl.col("sample_persons")),
    ).write_parquet(path)
    results = _score(marts_dir, config)
    signal = _row(results["signals"], MUST_BE_LISTED, "employment_growth")
    assert signal["is_usable"] and signal["passes_cross_section"]
    assert signal["passes_significance"] is False
    assert not signal["signals_shortage"]
    listed = _status(results, MUST_BE_LISTED)
    assert listed["status"] == scoring.STATUS_NOT_LISTED
    assert listed["usable_indicators"] == 3  # still reliable: "no signal", not "no data"
    scenario = results["sensitivity"].filter(pl.col("kbji_code") == MUST_BE_LISTED)
    assert scenario["no_significance_rule"][0] == scoring.STATUS_LISTED
    # With the rule off in the configuration, the list is the one before the rule.
    off = {**config, "significance": {"enabled": False}}
    assert _status(_score(marts_dir, off), MUST_BE_LISTED)["status"] == scoring.STATUS_LISTED


def test_a_partial_significance_override_keeps_the_rule_on(marts_dir, config):
    """A scenario setting only `level` merges into the block: the rule stays on at 0.90
    (a shallow merge dropped `enabled`, and the rule went off while the appendix showed 0,9)."""
    merged = scoring.scenario_config(config, {"significance": {"level": 0.90}})
    assert merged["significance"] == {"enabled": True, "level": 0.90}
    assert config["significance"] == {"enabled": True, "level": 0.95}  # not changed in place
    assert scoring.significance_rule(merged) == pytest.approx(1.644854, abs=1e-6)
    # A block without `enabled` is on; no block, or `enabled: false`, is off.
    assert scoring.significance_rule({"significance": {"level": 0.90}}) == pytest.approx(
        1.644854, abs=1e-6
    )
    assert scoring.significance_rule({}) is None
    assert scoring.significance_rule({"significance": {"enabled": False}}) is None
    # In the sensitivity table: with the rule on at 0.90 2512's noisy changes still do not
    # pass (z about 0.8), so it is not listed, unlike with the rule off.
    path = marts_dir / "labour_force_indicators_synthetic.parquet"
    pl.read_parquet(path).with_columns(
        se=pl.when(pl.col("breakdown").str.starts_with("kbji"))
        .then(pl.col("value") * 0.35)
        .otherwise(pl.col("se"))
    ).write_parquet(path)
    scenarios = [
        {"name": "level_90", "significance": {"level": 0.90}},
        {"name": "off", "significance": {"enabled": False}},
    ]
    table = _score(marts_dir, {**config, "sensitivity": scenarios})["sensitivity"]
    row = table.filter(pl.col("kbji_code") == MUST_BE_LISTED).row(0, named=True)
    assert row["level_90"] == scoring.STATUS_NOT_LISTED
    assert row["off"] == scoring.STATUS_LISTED


def _changes(zs: list[float | None]) -> pl.DataFrame:
    """Employment growths of 25xx (rising 1 to n, so the top quarter passes the cross
    section) with the given z values."""
    return pl.DataFrame(
        [
            {
                "level": 4,
                "unit_code": f"25{i:02d}",
                "indicator": "employment_growth",
                "value": float(i + 1),
                "history": [],
                "is_usable": True,
                "unusable_reason": None,
                "evidence": "",
                "is_synthetic": False,
                "z": z,
                "synthetic_inputs": None,
            }
            for i, z in enumerate(zs)
        ],
        schema=scoring.VALUE_COLUMNS,
    )


def test_benjamini_hochberg_by_hand():
    # m = 3, rate 0.05: thresholds 0.0167, 0.0333, 0.05. Rank 1 (0.02) is above its threshold
    # but rank 2 (0.024) is below its own: step-up, both are discoveries.
    assert scoring.benjamini_hochberg([0.5, 0.024, 0.02], 0.05) == [False, True, True]
    assert scoring.benjamini_hochberg([0.02, 0.04, 0.5], 0.05) == [False, False, False]
    assert scoring.benjamini_hochberg([], 0.05) == []
    # One-sided p in the shortage's direction: 1.96 up is 0.025; down, for direction -1.
    assert scoring.one_sided_p(1.959964, 1) == pytest.approx(0.025, abs=1e-6)
    assert scoring.one_sided_p(-1.959964, -1) == pytest.approx(0.025, abs=1e-6)
    assert scoring.one_sided_p(None, 1) == 1.0


def test_false_discovery_control_scenario_retests_all_changes_together(config):
    """Eight changes, two of z 2.0: each passes the 2.5 % test alone (p 0.0228), but
    Benjamini-Hochberg at 5 % over the eight needs p <= 0.05 * k / 8 at rank k."""
    zs = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0]
    signals, _ = scoring.evaluate(_changes(zs), config)
    assert signals["passes_significance"].to_list() == [False] * 6 + [True, True]
    fdr = scoring.scenario_config(config, {"significance": {"false_discovery_rate": 0.05}})
    signals, _ = scoring.evaluate(_changes(zs), fdr)
    # p of z 2.0 = 0.02275; ranks 1 and 2 need p <= 0.00625 and 0.0125: neither passes.
    assert signals["passes_significance"].to_list() == [False] * 8
    assert not signals["signals_shortage"].any()
    # z 3.0 (p 0.00135) passes both ways; the counts on the page come from the same signals.
    signals, _ = scoring.evaluate(_changes(zs[:6] + [3.0, 3.0]), fdr)
    assert signals["passes_significance"].to_list() == [False] * 6 + [True, True]
    assert signals["signals_shortage"].to_list() == [False] * 6 + [True, True]
    counts = scoring.significance_counts(signals, fdr)
    assert counts == {"tested": 8, "passing": 2, "by_chance": pytest.approx(0.2)}
    # The scenario is configured, and the base rule is unchanged.
    names = {s["name"]: s for s in config["sensitivity"]}
    assert names["false_discovery_control"]["significance"] == {"false_discovery_rate": 0.05}
    assert scoring.false_discovery_rate(config) is None


def test_significance_rule_is_configured_on_at_95_percent(config):
    assert config["significance"] == {"enabled": True, "level": 0.95}
    assert scoring.significance_rule(config) == pytest.approx(1.959964, abs=1e-6)
    assert scoring.significance_rule({**config, "significance": {"enabled": False}}) is None
    names = [s["name"] for s in config["sensitivity"]]
    assert "no_significance_rule" in names


def test_listed_on_thin_evidence_carries_a_caution(marts_dir, config):
    results = _score(marts_dir, config)
    listed = _status(results, MUST_BE_LISTED)
    assert listed["status"] == scoring.STATUS_LISTED
    # 3 usable indicators, the configured minimum.
    assert listed["caution_codes"] == scoring.CAUTION_MINIMUM_EVIDENCE
    through_minor = _status(results, SCORED_AT_MINOR_GROUP)
    assert scoring.CAUTION_MINOR_GROUP in through_minor["caution_codes"].split(",")
    at_threshold = {**config, "shortage_score_threshold": listed["shortage_score"]}
    again = _status(_score(marts_dir, at_threshold), MUST_BE_LISTED)
    assert scoring.CAUTION_AT_THRESHOLD in again["caution_codes"].split(",")


def test_page_shows_sample_persons_se_z_and_the_cautions(marts_dir, tmp_path):
    output = tmp_path / "out"
    build_critical_occupations_reports(marts_dir, output, None, pdf=False)
    page_en = html.unescape((output / "critical-occupations.en.html").read_text("utf-8"))
    page_id = html.unescape((output / "critical-occupations.id.html").read_text("utf-8"))
    assert "400 and 400 sample persons; SE " in page_en
    assert "sampel 400 dan 400 orang; SE " in page_id
    assert "two-sided" not in page_en and "dua sisi" not in page_id
    assert (
        "a one-sided test in the shortage's direction at 2.5 % ((100 % - the 95 % confidence "
        "level) / 2), i.e. z at or above 1.96" in page_en
    )
    assert (
        "uji satu sisi ke arah kekurangan pada taraf 2,5 % ((100 % - tingkat kepercayaan 95 %) "
        "/ 2), yaitu z pada atau di atas 1,96" in page_id
    )
    # Multiple testing: the numbers tested, passing and expected by chance, from the signals.
    counts = scoring.significance_counts(
        _score(marts_dir, scoring.load_config())["signals"], {"significance": {"level": 0.95}}
    )
    assert counts["tested"] > 0
    by_chance = counts["tested"] * 0.025
    assert (
        f"Multiple testing: {counts['tested']} changes are tested and {counts['passing']} pass; "
        f"if no occupation changed, about {by_chance:.1f} would pass by chance alone." in page_en
    )
    assert (
        f"Uji berganda: {counts['tested']} perubahan diuji dan {counts['passing']} lolos; bila "
        f"tidak ada jabatan yang berubah, sekitar {by_chance:.1f}".replace(".", ",")
        in page_id
    )
    assert 'scenario "false-discovery-rate control" (Benjamini-Hochberg at 5 %' in page_en
    assert 'Skenario "kendali tingkat temuan palsu" (Benjamini-Hochberg, 5 %' in page_id
    assert "a shortage score (weight of signalling indicators over weight of reliable" in page_en
    assert "only the minimum number of reliable indicators" in page_en
    assert "hanya jumlah minimum indikator andal" in page_id
    assert "listed through its minor group 251 (3 digits)" in page_en
    assert "the list rests on 2 independent assessments" in page_en
    listed = pl.read_csv(
        output / "critical-occupations.list.en.csv", schema_overrides={"kbji_code": pl.Utf8}
    )
    assert "caution" in listed.columns
    signals = pl.read_csv(output / "critical-occupations.indicators.en.csv")
    assert "passes_significance" in signals.columns


# M1 / L9 ----------------------------------------------------------------------------------------


def test_vacancy_windows_count_what_falls_in_them(tmp_path, config):
    marts_dir = write_fixture_marts(tmp_path / "marts", coded_postings=True)
    path = marts_dir / "fct_vacancy_postings.parquet"
    # Only the last year's postings: the previous window is empty.
    pl.read_parquet(path).filter(pl.col("first_seen_date") > date(2024, 10, 1)).write_parquet(path)
    results = _score(marts_dir, config)
    windows = results["vacancy_windows"]
    current = windows.filter(pl.col("window") == "current").row(0, named=True)
    assert (current["first_day"], current["last_day"]) == (date(2024, 10, 2), date(2025, 10, 1))
    assert current["postings"] == 41 and current["source"] == "fixture"
    previous = windows.filter(pl.col("window") == "previous").row(0, named=True)
    assert previous["postings"] == 0
    assert (previous["first_day"], previous["last_day"]) == (date(2023, 10, 3), date(2024, 10, 1))
    output = tmp_path / "out"
    build_critical_occupations_reports(marts_dir, output, None, pdf=False)
    page_en = (output / "critical-occupations.en.html").read_text(encoding="utf-8")
    page_id = (output / "critical-occupations.id.html").read_text(encoding="utf-8")
    assert "current 2024-10-02 to 2025-10-01 (365 days, first and last days included" in page_en
    assert "41 postings with an accepted code count in it" in page_en
    assert "vacancy growth cannot be computed for any occupation" in page_en
    assert "pertumbuhan iklan lowongan tidak dapat dihitung" in page_id
    assert "Sakernas employment of 2024-08; the periods differ" in page_en


# M4 / M5 ----------------------------------------------------------------------------------------


def test_undetermined_without_usable_indicators_names_no_scored_level(marts_dir, config):
    undetermined = _status(_score(marts_dir, config), MUST_BE_UNDETERMINED)
    assert undetermined["status"] == scoring.STATUS_UNDETERMINED
    assert undetermined["scored_level"] is None and undetermined["scored_code"] is None
    assert undetermined["shortage_score"] is None


def test_appendix_and_footnote_come_from_the_config_and_the_data(marts_dir, tmp_path):
    output = tmp_path / "out"
    build_critical_occupations_reports(marts_dir, output, None, pdf=False)
    page_en = (output / "critical-occupations.en.html").read_text(encoding="utf-8")
    page_id = (output / "critical-occupations.id.html").read_text(encoding="utf-8")
    # The fixture's synthetic rounds are 2018-2024, not the shipped 2015-2024.
    assert "synthetic Sakernas 2018-2024" in page_en and "2015-2024" not in page_en
    assert "Sakernas sintetis 2018-2024" in page_id
    settings = pl.read_csv(output / "critical-occupations.settings.en.csv")
    shown = dict(settings.select("setting", "value").iter_rows())
    assert shown["Employer evidence: minimum respondents"] == "5"
    level = "Confidence level of the significance test (one-sided test in the shortage's "
    assert shown[level + "direction at (1 - level) / 2)"] == "0.95"
    assert "at or above the threshold = shortage" in page_en
    summary = pl.read_csv(output / "critical-occupations.indicator_summary.en.csv")
    rows = {r["indicator"]: r for r in summary.iter_rows(named=True)}
    assert rows["employment growth"]["usable_4"] > 0
    assert rows["unemployment rate"]["usable_4"] == 0


# SEs and unknowns in the evidence ---------------------------------------------------------------


def _round(period: str, se: float | None, persons: int | None = 400) -> dict:
    return {"period": period, "value": 1000.0, "se": se, "sample_persons": persons}


def test_standard_errors_are_written_by_one_rule_of_significant_digits():
    """Two rules gave 'SE 150 and 85.00' and 'SE 0.00 and 0.00'; an unknown size gave '?'."""
    assert scoring.significant_text(61532) == "61500"
    assert scoring.significant_text(150) == "150"
    assert scoring.significant_text(85) == "85.0"
    assert scoring.significant_text(0.012345) == "0.0123"
    assert scoring.significant_text(0) == "0"
    line = scoring._survey_evidence(
        "employed", "2021-08..2024-08", [_round("2021-08", 150.0), _round("2024-08", 85.0)], 0.5
    )
    assert line == "employed 2021-08..2024-08 n=400..400 se=150..85.0 z=0.50"
    assert wording.evidence_label(line, "en") == (
        "Sakernas: employed persons, 2021-08 to 2024-08; 400 and 400 sample persons; "
        "SE 150 and 85.0; "
        "z = 0.50"
    )
    zero = scoring._survey_evidence(
        "employed", "2021-08..2024-08", [_round("2021-08", 0.0), _round("2024-08", 0.0)], None
    )
    assert wording.evidence_label(zero, "id").endswith("SE 0 dan 0")
    unknown = scoring._survey_evidence(
        "employed",
        "2021-08..2024-08",
        [_round("2021-08", 61532.0, 12), _round("2024-08", None, None)],
        None,
    )
    assert "?" not in unknown
    assert unknown.endswith("n=12..unknown se=61500..unknown")
    shown_en = wording.evidence_label(unknown, "en")
    assert "12 and unknown sample persons; SE 61,500 and unknown" in shown_en
    shown_id = wording.evidence_label(unknown, "id")
    assert "sampel 12 dan tidak diketahui orang; SE 61.500 dan tidak diketahui" in shown_id


# The z test by hand -----------------------------------------------------------------------------


def test_a_standard_error_rounded_up_to_the_next_power_of_ten_keeps_three_digits():
    """99.96 was written '100.0': a fourth digit, as if the SE were known to a tenth. Three
    significant digits of 99.96 are 100, as 61532's are 61500 (an SE is no share, so '100'
    claims no certainty; a floor such as '99.9' would understate the error)."""
    assert scoring.significant_text(99.96) == "100"
    assert scoring.significant_text(9.996) == "10.0"
    assert scoring.significant_text(0.09996) == "0.100"
    assert scoring.significant_text(999.6) == "1000"
    assert scoring.significant_text(99.94) == "99.9"


def test_change_z_by_hand_with_unknown_and_zero_standard_errors():
    # (1098 - 1000) / sqrt(30^2 + 40^2) = 98 / 50 = 1.96
    assert scoring._change_z({"value": 1098, "se": 30}, {"value": 1000, "se": 40}) == 1.96
    assert scoring._change_z({"value": 1098, "se": None}, {"value": 1000, "se": 40}) is None
    assert scoring._change_z({"value": 1098, "se": 0.0}, {"value": 1000, "se": 0.0}) is None


def test_significance_at_and_just_below_the_critical_value(config):
    critical = scoring.significance_rule(config)  # Phi^-1(0.975) = 1.959964
    assert critical == pytest.approx(1.959964, abs=1e-6)
    growth = {"indicator": "employment_growth"}
    # Exactly at the critical value passes ("at or above"); just below does not.
    assert scoring._passes_significance({**growth, "z": critical}, 1, critical) is True
    below = math.nextafter(critical, 0)
    assert scoring._passes_significance({**growth, "z": below}, 1, critical) is False
    # By hand: z = 98 / 50 = 1.96 > 1.959964 passes; 97.99 / 50 = 1.9598 does not.
    assert scoring._passes_significance({**growth, "z": 98 / 50}, 1, critical) is True
    assert scoring._passes_significance({**growth, "z": 97.99 / 50}, 1, critical) is False
    # Unknown SE (no z) and zero SE (no z either) cannot be told from noise: no pass.
    assert scoring._passes_significance({**growth, "z": None}, 1, critical) is False
    # In the shortage's direction only: a fall of z -2.5 does not pass for a rising indicator.
    assert scoring._passes_significance({**growth, "z": -2.5}, 1, critical) is False
    assert scoring._passes_significance({**growth, "z": -2.5}, -1, critical) is True
    # Not a change (a level) or the rule off: does not apply.
    level = {"indicator": "unemployment_rate", "z": 3.0}
    assert scoring._passes_significance(level, -1, critical) is None
    assert scoring._passes_significance({**growth, "z": 3.0}, 1, None) is None


def test_unknown_and_zero_standard_errors_give_no_signal_in_the_scoring(config):
    """A change whose z is unknown (se None or 0) is usable but does not pass."""
    zs = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, None, 2.5]
    signals, _ = scoring.evaluate(_changes(zs), config)
    unknown = signals.row(6, named=True)
    assert unknown["is_usable"] and unknown["passes_cross_section"]
    assert unknown["passes_significance"] is False and not unknown["signals_shortage"]
    assert signals.row(7, named=True)["signals_shortage"]


# Wording read-through ---------------------------------------------------------------------------


def test_periods_text_docstring_shows_its_real_output():
    from reports import sources

    doc = sources.periods_text.__doc__
    for rounds in (["2020-08"], ["2021-08", "2019-08", "2020-08"]):
        assert f"'{sources.periods_text(rounds, 'id')}'" in doc
    many = sources.periods_text([f"{y}-08" for y in range(2015, 2025)], "id")
    assert many == "10 ronde: 2015-08 s.d. 2024-08" and f"'{many}'" in doc


def test_a_cut_occupations_table_names_its_real_order():
    """The occupations table sorts by status, score (highest first), code: with nothing listed
    or in shortage, "by code" was wrong (the indicator table is by code, and says so)."""
    for language, word in (("en", "score (highest first)"), ("id", "skor (tertinggi lebih dulu)")):
        shown = report.occupation_rows_order(language, "")
        assert word in shown and shown != report.ROWS_FIRST[language][""]
        assert (
            report.occupation_rows_order(language, "listed")
            == (report.ROWS_FIRST[language]["listed"])
        )


def test_one_independent_assessment_is_singular(config):
    listed = pl.DataFrame(
        {"caution_codes": ["SCORED_AT_MINOR_GROUP"] * 2, "scored_code": ["251", "251"]}
    )
    one = report.cautions_text(listed, config, report.TEXT["en"], "en")
    assert one.endswith("the list rests on 1 independent assessment.")
    two = listed.with_columns(scored_code=pl.Series(["251", "252"]))
    assert report.cautions_text(two, config, report.TEXT["en"], "en").endswith(
        "rests on 2 independent assessments."
    )
    assert report.cautions_text(listed, config, report.TEXT["id"], "id").endswith(
        "bersandar pada 1 penilaian yang berdiri sendiri."
    )


def test_data_version_covers_the_evidence_and_the_configuration(marts_dir, tmp_path, config):
    """The employer evidence and the configuration change the page: they change its version,
    and the page says what the version covers (it said "the mart files" and hashed only them)."""
    evidence = write_evidence(tmp_path / "employer_evidence.csv")

    def version(page: str) -> re.Match:
        return re.search(r"Data version: ([0-9a-f]{12}) \(SHA-256 of (.*?) this page reads\)", page)

    def built(name: str, cfg: dict) -> re.Match:
        output = tmp_path / name
        build_critical_occupations_reports(marts_dir, output, evidence, cfg, pdf=False)
        return version((output / "critical-occupations.en.html").read_text(encoding="utf-8"))

    base = built("base", config)
    assert base[2] == "the mart files, the input files (employer evidence) and the configuration"
    assert built("same", config)[1] == base[1]
    changed = {**config, "shortage_score_threshold": 0.6}
    assert built("config", changed)[1] != base[1]
    evidence.write_text(evidence.read_text() + "\n")
    assert built("evidence", config)[1] != base[1]


def test_data_version_over_a_folder_of_inputs_such_as_esco(tmp_path):
    from reports import sources

    esco = tmp_path / "esco"
    esco.mkdir()
    (esco / "skills.csv").write_text("a\n")
    first = sources.data_version(tmp_path, [], [esco], {"top": 10})
    assert sources.data_version(tmp_path, [], [esco], {"top": 10}) == first
    assert sources.data_version(tmp_path, [], [esco], {"top": 20}) != first
    (esco / "skills.csv").write_text("b\n")
    assert sources.data_version(tmp_path, [], [esco], {"top": 10}) != first
    assert sources.version_covers("en", ["ESCO"]) == (
        "the mart files, the input files (ESCO) and the configuration"
    )
