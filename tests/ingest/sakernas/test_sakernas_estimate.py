"""Design-based estimates: a hand-derived design, an independent computation, Jambi, suppression."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import polars as pl
import pytest

from ingest.sakernas.estimate import estimate_indicators
from ingest.sakernas.harmonise import HARMONISED_SCHEMA
from ingest.sakernas.suppression import ADDITIVE_INDICATORS, apply_reliability_and_suppression


def persons_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    """Harmonised persons from a few fields; the rest take neutral values."""
    defaults: dict[str, object] = {
        "period": "2020-08", "round_id": "test", "is_synthetic": False, "se_method": "test",
        "source_file": "test", "source_row": 1, "person_key": "1", "province_code": "15",
        "regency_code": "1501", "urban_rural": "rural", "sex": "1", "age": 30,
        "age_group": "25-34", "education_level": "primary", "is_employed": False,
        "is_unemployed": False, "is_in_labour_force": True, "status_in_employment": None,
        "is_employee": False, "occupation_scheme": None, "occupation_code": None,
        "occupation_digits": None, "industry_sector17": None, "industry_scheme": None,
        "industry_code": None, "earnings_monthly_idr": None, "earnings_missing_reason": None,
        "hours_main_job_week": None, "hours_all_jobs_week": None, "hours_missing_reason": None,
        "wants_more_work": None, "is_underemployed": False,
    }  # fmt: skip
    records = []
    for row in rows:
        record = {**defaults, **row}
        record["is_employed"] = bool(record["is_in_labour_force"]) and not record["is_unemployed"]
        records.append(record)
    return pl.DataFrame(records, schema=HARMONISED_SCHEMA)


def run(persons: pl.DataFrame, **options: object) -> pl.DataFrame:
    con = duckdb.connect()
    con.register("persons_frame", persons.to_arrow())
    return estimate_indicators(con, "persons_frame", publish=False, **options)


def pick(mart: pl.DataFrame, indicator: str, breakdown: str = "total") -> dict[str, object]:
    rows = mart.filter(
        (pl.col("area_level") == "province")
        & (pl.col("breakdown") == breakdown)
        & (pl.col("indicator") == indicator)
    )
    assert rows.height == 1
    return rows.row(0, named=True)


def test_standard_errors_match_a_design_derived_by_hand() -> None:
    # Two strata with two PSUs each; everyone is in the labour force; y = unemployed.
    #   stratum A: PSU a1 = (w 1, y 1), (w 1, y 0)   PSU a2 = (w 2, y 1)
    #   stratum B: PSU b1 = (w 1, y 0)               PSU b2 = (w 3, y 1)
    # PSU totals of unemployed: 1, 2 | 0, 3. Unemployed total = 6.
    #   var = 2/1*[(1-1.5)^2 + (2-1.5)^2] + 2/1*[(0-1.5)^2 + (3-1.5)^2] = 1 + 9 = 10.
    # Labour force totals: 2, 2 | 1, 3 (= 8); var = 0 + 2*[(1-2)^2 + (3-2)^2] = 4.
    # TPT r = 6/8 = 0.75; z_j = (U_j - r L_j)/8 = -1/16, 1/16 | -3/32, 3/32 (each stratum sums to 0)
    #   var = 2*(2/256) + 2*(2*9/1024) = 1/64 + 9/256 = 13/256.
    design = [
        ("A", "a1", 1.0, True), ("A", "a1", 1.0, False), ("A", "a2", 2.0, True),
        ("B", "b1", 1.0, False), ("B", "b2", 3.0, True),
    ]  # fmt: skip
    persons = persons_frame(
        [
            {"stratum_id": s, "psu_id": f"{s}/{p}", "weight": w, "is_unemployed": y}
            for s, p, w, y in design
        ]
    )
    mart = run(persons, min_sample_persons=1)
    unemployed = pick(mart, "unemployed")
    assert unemployed["value"] == pytest.approx(6.0)
    assert unemployed["se"] == pytest.approx(math.sqrt(10.0))
    assert pick(mart, "labour_force")["se"] == pytest.approx(2.0)
    tpt = pick(mart, "tpt")
    assert tpt["value"] == pytest.approx(75.0)
    assert tpt["se"] == pytest.approx(100 * math.sqrt(13 / 256))
    assert tpt["rse"] == pytest.approx(100 * tpt["se"] / 75.0)


def independent_ratio_se(
    frame: pl.DataFrame, numerator: np.ndarray, denominator: np.ndarray
) -> tuple[float, float]:
    """Ratio and its linearised SE, written out PSU by PSU in plain numpy (no SQL)."""
    weight = frame["weight"].to_numpy()
    ratio = (weight * numerator).sum() / (weight * denominator).sum()
    total_x = (weight * denominator).sum()
    score = weight * (numerator - ratio * denominator) / total_x
    variance = 0.0
    strata = frame["stratum_id"].to_numpy()
    psus = frame["psu_id"].to_numpy()
    for stratum in np.unique(strata):
        in_stratum = strata == stratum
        psu_totals = np.array(
            [score[in_stratum & (psus == psu)].sum() for psu in np.unique(psus[in_stratum])]
        )
        n = psu_totals.size
        variance += n / (n - 1) * ((psu_totals - psu_totals.mean()) ** 2).sum()
    return ratio, math.sqrt(variance)


def test_domain_ratio_matches_an_independent_computation() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for person in range(3000):
        stratum = f"S{person % 6}"
        psu = f"{stratum}/{rng.integers(0, 5)}"
        in_lf = bool(rng.random() < 0.7)
        rows.append(
            {
                "stratum_id": stratum,
                "psu_id": psu,
                "weight": float(rng.uniform(50, 150)),
                "sex": str(rng.integers(1, 3)),
                "is_in_labour_force": in_lf,
                "is_unemployed": in_lf and bool(rng.random() < 0.08 + 0.04 * (psu[-1] == "0")),
            }
        )
    persons = persons_frame(rows)
    mart = run(persons)
    women = persons["sex"].to_numpy() == "2"
    unemployed = persons["is_unemployed"].to_numpy() & women
    labour_force = persons["is_in_labour_force"].to_numpy() & women
    ratio, se = independent_ratio_se(persons, unemployed.astype(float), labour_force.astype(float))
    tpt_women = pick(mart, "tpt", "sex=2")
    assert tpt_women["value"] == pytest.approx(100 * ratio)
    assert tpt_women["se"] == pytest.approx(100 * se, rel=1e-9)


def test_jambi_tpt_and_tpak_with_standard_errors(jambi_mart: pl.DataFrame) -> None:
    total = jambi_mart.filter(
        (pl.col("area_level") == "province")
        & (pl.col("area_code") == "15")
        & (pl.col("breakdown") == "total")
    )
    tpt = total.filter(pl.col("indicator") == "tpt").row(0, named=True)
    tpak = total.filter(pl.col("indicator") == "tpak").row(0, named=True)
    assert round(tpt["value"], 2) == 5.13
    assert round(tpak["value"], 2) == 67.79
    # Census blocks within regency x urban/rural give a design effect above 1 for TPT.
    assert 0.2 < tpt["se"] < 0.5 and tpt["rse"] == pytest.approx(100 * tpt["se"] / tpt["value"])
    assert 0.3 < tpak["se"] < 0.8
    assert tpt["reliability"] == tpak["reliability"] == "reliable"
    assert tpt["se_method"].startswith("taylor_ultimate_cluster")
    assert not tpt["is_synthetic"]
    # A single-province extract publishes no national rows; regencies are published.
    assert set(jambi_mart["area_level"]) == {"province", "regency"}
    assert jambi_mart.filter(pl.col("area_level") == "regency")["area_code"].n_unique() == 11


def test_every_cell_with_rse_above_50_is_suppressed_and_blank(
    jambi_mart: pl.DataFrame, jambi_mart_unpublished: pl.DataFrame
) -> None:
    unreliable = jambi_mart_unpublished.filter(pl.col("rse") > 50)
    assert unreliable.height > 0
    assert unreliable["is_suppressed"].all()
    suppressed = jambi_mart.filter(pl.col("is_suppressed"))
    assert suppressed["value"].null_count() == suppressed.height
    assert suppressed["se"].null_count() == suppressed.height


def test_suppressed_counts_cannot_be_recovered_from_their_breakdown_totals(
    jambi_mart: pl.DataFrame,
) -> None:
    counts = jambi_mart.filter(pl.col("indicator").is_in(ADDITIVE_INDICATORS))
    totals = counts.filter(pl.col("breakdown") == "total").select(
        "period", "area_level", "area_code", "indicator",
        pl.col("is_suppressed").alias("total_suppressed"),
    )  # fmt: skip
    groups = (
        counts.filter(pl.col("breakdown") != "total")
        .group_by("period", "area_level", "area_code", "indicator", "breakdown_variable")
        .agg(pl.col("is_suppressed").sum().alias("suppressed"))
        .join(totals, on=["period", "area_level", "area_code", "indicator"])
    )
    # With exactly one hidden category and a published total, subtraction would reveal it.
    assert groups.filter((pl.col("suppressed") == 1) & ~pl.col("total_suppressed")).height == 0
    assert groups.filter(pl.col("suppressed") >= 2).height > 0
    # The same holds for regencies against their province.
    regencies = (
        counts.filter(pl.col("area_level") == "regency")
        .group_by("period", "breakdown", "indicator")
        .agg(pl.col("is_suppressed").sum().alias("suppressed"))
        .join(
            counts.filter(pl.col("area_level") == "province").select(
                "period", "breakdown", "indicator", pl.col("is_suppressed").alias("parent")
            ),
            on=["period", "breakdown", "indicator"],
        )
    )
    assert regencies.filter((pl.col("suppressed") == 1) & ~pl.col("parent")).height == 0


def test_one_unreliable_category_takes_the_smallest_sibling_with_it() -> None:
    rows = [
        ("total", "total", 600.0, 20.0, 900),
        ("age_group=15-24", "age_group", 100.0, 60.0, 100),
        ("age_group=25-64", "age_group", 200.0, 10.0, 300),
        ("age_group=65+", "age_group", 300.0, 10.0, 500),
    ]
    estimates = pl.DataFrame(
        [
            {
                "period": "2020-08", "area_level": "province", "area_code": "15",
                "breakdown": breakdown, "breakdown_variable": variable, "indicator": "employed",
                "unit": "persons", "value": value, "se": se, "sample_persons": n,
                "sample_psus": 10, "sample_strata": 2, "se_method": "test", "is_synthetic": False,
            }
            for breakdown, variable, value, se, n in rows
        ]
    )  # fmt: skip
    published = apply_reliability_and_suppression(estimates).sort("breakdown")
    reasons = dict(zip(published["breakdown"], published["suppression_reason"], strict=True))
    assert reasons == {
        "age_group=15-24": "rse_above_50",
        "age_group=25-64": "secondary_complement",
        "age_group=65+": None,
        "total": None,
    }
    # 600 - 300 leaves 300 for two hidden cells: neither is recoverable.
    assert published.filter(pl.col("is_suppressed"))["value"].null_count() == 2


def test_suppressed_cell_states_no_reliability() -> None:
    # Regression (review 2026-12-05): suppressed cells were published with value null and
    # reliability "reliable" (the RSE class of the hidden figure, or of a cell with few persons).
    rows = [
        ("total", "total", 600.0, 20.0, 900),
        ("sex=1", "sex", 100.0, 5.0, 4),  # too few sample persons, RSE 5 %
        ("sex=2", "sex", 500.0, 10.0, 896),  # complement of sex=1, RSE 2 %
    ]
    estimates = pl.DataFrame(
        [
            {
                "period": "2020-08", "area_level": "province", "area_code": "15",
                "breakdown": breakdown, "breakdown_variable": variable, "indicator": "employed",
                "unit": "persons", "value": value, "se": se, "sample_persons": n,
                "sample_psus": 10, "sample_strata": 2, "se_method": "test", "is_synthetic": False,
            }
            for breakdown, variable, value, se, n in rows
        ]
    )  # fmt: skip
    published = apply_reliability_and_suppression(estimates).sort("breakdown")
    states = {
        r["breakdown"]: (r["suppression_reason"], r["reliability"], r["value"])
        for r in published.iter_rows(named=True)
    }
    assert states == {
        "sex=1": ("too_few_sample_persons", "suppressed", None),
        "sex=2": ("secondary_complement", "suppressed", None),
        "total": (None, "reliable", 600.0),
    }
    # Unpublished output keeps the RSE class for the suppression passes and for audit.
    kept = apply_reliability_and_suppression(estimates, publish=False)
    assert set(kept["reliability"].to_list()) == {"reliable"}


# Columns a suppressed row may fill: its key and flags, none derived from its persons or weights.
KEY_AND_FLAGS = {
    "period", "area_level", "area_code", "breakdown", "breakdown_variable", "indicator", "unit",
    "reliability", "se_method", "is_suppressed", "suppression_reason", "is_synthetic",
}  # fmt: skip


def _mean_weight_guess(mart: pl.DataFrame) -> pl.DataFrame:
    """The review's attack (g4.py): a suppressed regency x sex `unemployed` cell guessed as its
    sample_persons times the mean weight of the published population cell beside it."""
    hidden = mart.filter(
        (pl.col("area_level") == "regency")
        & (pl.col("breakdown_variable") == "sex")
        & (pl.col("indicator") == "unemployed")
        & pl.col("is_suppressed")
    ).select("area_code", "breakdown", "sample_persons")
    population = mart.filter(
        (pl.col("area_level") == "regency")
        & (pl.col("breakdown_variable") == "sex")
        & (pl.col("indicator") == "population_15plus")
        & ~pl.col("is_suppressed")
    ).select("area_code", "breakdown", (pl.col("value") / pl.col("sample_persons")).alias("w"))
    return (
        hidden.join(population, on=["area_code", "breakdown"])
        .with_columns((pl.col("sample_persons") * pl.col("w")).alias("guess"))
        .filter(pl.col("guess").is_not_null())
    )


def test_a_suppressed_cell_carries_no_column_its_value_can_be_worked_back_from(
    jambi_mart: pl.DataFrame, jambi_mart_unpublished: pl.DataFrame
) -> None:
    # Regression: suppressed cells published sample_persons (0-4 persons), and
    # sample_persons x mean weight recovered the hidden count within -21..+30 %.
    before = _mean_weight_guess(jambi_mart_unpublished)
    assert before.height > 0  # the attack works on what suppression hides
    assert _mean_weight_guess(jambi_mart).height == 0
    suppressed = jambi_mart.filter(pl.col("is_suppressed"))
    assert suppressed.height > 0
    filled = {c for c in suppressed.columns if suppressed[c].null_count() < suppressed.height}
    assert filled <= KEY_AND_FLAGS, sorted(filled - KEY_AND_FLAGS)


def test_sample_psus_counts_the_psus_that_hold_the_cells_persons() -> None:
    # Regression: sample_psus was every PSU of the strata the cell draws on (628
    # for each Jambi province cell, a 3-person cell too). Stratum A has three PSUs: the two
    # unemployed persons live in a1, a3 holds only people outside the labour force; stratum B
    # has one PSU with one employed person.
    rows = [
        ("A", "a1", True, True), ("A", "a1", True, True), ("A", "a1", True, False),
        ("A", "a2", True, False), ("A", "a2", True, False), ("A", "a3", False, False),
        ("B", "b1", True, False),
    ]  # fmt: skip
    persons = persons_frame(
        [
            {
                "stratum_id": stratum,
                "psu_id": f"{stratum}/{psu}",
                "weight": 1.0,
                "is_in_labour_force": lf,
                "is_unemployed": unemployed,
            }
            for stratum, psu, lf, unemployed in rows
        ]  # fmt: skip
    )
    mart = run(persons, min_sample_persons=1)
    counts = {
        indicator: (pick(mart, indicator)["sample_psus"], pick(mart, indicator)["sample_strata"])
        for indicator in ("unemployed", "employed", "labour_force", "tpt", "population_15plus")
    }
    # A ratio (tpt) counts the PSUs of its denominator, as sample_persons counts its persons.
    assert counts == {
        "unemployed": (1, 1),
        "employed": (3, 2),
        "labour_force": (3, 2),
        "tpt": (3, 2),
        "population_15plus": (4, 2),
    }


def test_jambi_sample_psus_never_exceed_sample_persons(
    jambi_persons: pl.DataFrame, jambi_mart_unpublished: pl.DataFrame
) -> None:
    mart = jambi_mart_unpublished.filter(pl.col("sample_persons") > 0)
    assert mart.filter(pl.col("sample_psus") > pl.col("sample_persons")).height == 0
    assert mart.filter(pl.col("sample_psus") < 1).height == 0
    adults = jambi_persons.filter(pl.col("age") >= 15)
    assert pick(mart, "population_15plus")["sample_psus"] == adults["psu_id"].n_unique()
    small = pick(mart, "unemployed", "age_group=65+")
    assert small["sample_psus"] <= small["sample_persons"] < 10
    # Degrees of freedom (PSUs minus strata) are never negative.
    assert mart.filter(pl.col("sample_strata") > pl.col("sample_psus")).height == 0


def _one_cell(value: float, se: float, persons: int = 2180) -> dict[str, object]:
    estimates = pl.DataFrame(
        [
            {
                "period": "2020-08", "area_level": "province", "area_code": "15",
                "breakdown": "total", "breakdown_variable": "total",
                "indicator": "earnings_median_monthly_idr", "unit": "idr", "value": value,
                "se": se, "sample_persons": persons, "sample_psus": 500, "sample_strata": 40,
                "se_method": "test", "is_synthetic": False,
            }
        ]
    )  # fmt: skip
    return apply_reliability_and_suppression(estimates).row(0, named=True)


def test_a_zero_standard_error_is_published_as_no_standard_error() -> None:
    # Regression: a median of wages heaped at Rp 2,000,000 had se 0 and rse 0, so
    # `rse < 25` took it as reliable.
    row = _one_cell(2_000_000.0, 0.0)
    assert (row["value"], row["se"], row["rse"]) == (2_000_000.0, None, None)
    assert (row["reliability"], row["is_suppressed"]) == ("not_assessable", False)
    ordinary = _one_cell(2_000_000.0, 50_000.0)
    assert (ordinary["se"], ordinary["rse"], ordinary["reliability"]) == (50_000.0, 2.5, "reliable")


def test_a_change_from_a_not_assessable_estimate_is_never_significant() -> None:
    from reports.critical_occupations import scoring

    not_assessable = {**_one_cell(2_000_000.0, 0.0), "is_suppressed": False}
    start = {"value": 1_500_000.0, "se": 40_000.0}
    # With se 0 the change was z = 500000 / 40000 = 12.5; with no SE there is no z.
    assert scoring._change_z(not_assessable, start) is None
    assert scoring._relative_change_z([not_assessable, start, start, start]) is None
    usable, reason = scoring._survey_usable(not_assessable, {"accepted_reliability": ["reliable"]})
    assert (usable, reason) == (False, "rse_class:not_assessable")


def test_a_cell_names_every_strata_design_it_draws_on() -> None:
    regency, province = "strata=regency", "strata=province"
    rows = [
        ("15", "15-A", regency), ("15", "15-A", regency),
        ("92", "92-NA", province), ("92", "92-NA", province),
    ]  # fmt: skip
    persons = persons_frame(
        [
            {
                "province_code": code,
                "regency_code": None,
                "stratum_id": stratum,
                "psu_id": f"{stratum}/{number}",
                "se_method": method,
                "weight": 1.0,
                "is_employee": True,
                "is_in_labour_force": True,
                "earnings_monthly_idr": 1e6,
            }
            for number, (code, stratum, method) in enumerate(rows)
        ]  # fmt: skip
    )
    mart = run(persons, min_sample_persons=1, national_min_provinces=2)
    methods = {
        (r["area_level"], r["area_code"], r["indicator"]): r["se_method"]
        for r in mart.filter(pl.col("breakdown") == "total").iter_rows(named=True)
    }
    assert methods[("province", "15", "tpt")] == regency
    assert methods[("province", "92", "tpt")] == province
    assert methods[("national", "00", "tpt")] == f"{province} | {regency}"
    suffix = "+median:woodruff_with_mean_deff"
    assert methods[("national", "00", "earnings_median_monthly_idr")] == (
        f"{province}{suffix} | {regency}{suffix}"
    )


def test_jambi_publishes_no_zero_standard_error(jambi_mart: pl.DataFrame) -> None:
    mart = jambi_mart
    assert mart.filter(pl.col("se") == 0).height == 0
    assert mart.filter(pl.col("rse") == 0).height == 0
    not_assessable = mart.filter(pl.col("reliability") == "not_assessable")
    assert not_assessable.height >= 1
    assert not_assessable["se"].null_count() == not_assessable.height
