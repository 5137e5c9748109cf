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
                "sample_psus": 10, "se_method": "test", "is_synthetic": False,
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
                "sample_psus": 10, "se_method": "test", "is_synthetic": False,
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
