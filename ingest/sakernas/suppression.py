"""BPS reliability flags, primary suppression and secondary (complementary) suppression.

Reliability follows the BPS rule on the relative standard error: RSE <= 25 % reliable, 25-50 %
use with caution, above 50 % unreliable. Primary suppression: unreliable estimates and estimates
resting on fewer than `min_sample_persons` sample persons.

A suppressed value must not be recoverable from what is published, so two more passes run to a
fixed point:

* linked suppression inside a cell: tpt = unemployed / labour force, labour force = employed +
  unemployed, tpak = labour force / population, underemployment rate = underemployed / employed;
  when one member of such an identity is suppressed, enough of the others are suppressed too.
* complementary suppression across cells, for the additive counts: the categories of a breakdown
  add up to its `total`, regencies to their province, provinces to the nation, and each KBJI
  level's codes to their parent code. When exactly one child of such a sum is suppressed, the
  smallest other child is suppressed as well (or the parent, if there is no other child).
"""

from __future__ import annotations

import logging
import re

import polars as pl

log = logging.getLogger(__name__)

ADDITIVE_INDICATORS = (
    "population_15plus",
    "labour_force",
    "employed",
    "unemployed",
    "underemployed",
)

LINKED_SUPPRESSION: dict[str, tuple[str, ...]] = {
    # If the key is suppressed, these are suppressed in the same cell (transitively).
    "unemployed": ("tpt", "employed"),
    "tpt": ("unemployed", "employed"),
    "employed": ("unemployed", "tpt", "underemployment_rate"),
    "labour_force": ("tpak", "unemployed", "employed", "tpt"),
    "tpak": ("labour_force",),
    "population_15plus": ("tpak", "labour_force"),
    "underemployed": ("underemployment_rate",),
    "underemployment_rate": ("underemployed",),
}

RSE_CAUTION = 25.0
RSE_UNRELIABLE = 50.0
MAX_PASSES = 50
# `reliability` of a published suppressed cell (value, se and rse withheld).
RELIABILITY_SUPPRESSED = "suppressed"
# Columns a published suppressed cell leaves empty: the value and everything it could be worked
# back from (its SE and RSE, and its sample counts).
SUPPRESSED_COLUMNS = ("value", "se", "rse", "sample_persons", "sample_psus", "sample_strata")

_CELL_KEY = ["period", "area_level", "area_code", "breakdown"]
_OCCUPATION_LEVEL = re.compile(r"^(kbji|[a-z]+\d{4}_)(\d)$")


def _with_reliability(frame: pl.DataFrame) -> pl.DataFrame:
    # A zero SE of a non-zero estimate (a median of answers bunched at a round amount, a rate of
    # 100 %) says nothing about precision: no RSE, so `rse < 25` cannot read it as reliable.
    rse = (
        pl.when(pl.col("value").is_not_null() & (pl.col("value") != 0) & (pl.col("se") > 0))
        .then(pl.col("se") / pl.col("value").abs() * 100)
        .otherwise(None)
    )
    return frame.with_columns(rse.alias("rse")).with_columns(
        pl.when(pl.col("rse").is_null())
        .then(pl.lit("not_assessable"))
        .when(pl.col("rse") <= RSE_CAUTION)
        .then(pl.lit("reliable"))
        .when(pl.col("rse") <= RSE_UNRELIABLE)
        .then(pl.lit("use_with_caution"))
        .otherwise(pl.lit("unreliable"))
        .alias("reliability")
    )


def _memberships(frame: pl.DataFrame) -> pl.DataFrame:
    """(row_id, group_id, parent_row_id) for every additive sum a row takes part in."""
    rows = frame.filter(pl.col("indicator").is_in(ADDITIVE_INDICATORS)).select(
        "row_id",
        "period",
        "area_level",
        "area_code",
        "breakdown",
        "breakdown_variable",
        "indicator",
    )
    parent_rows = rows.select(
        pl.col("row_id").alias("parent_row_id"),
        "period",
        pl.col("area_level").alias("parent_level"),
        pl.col("area_code").alias("parent_code"),
        pl.col("breakdown").alias("parent_breakdown"),
        "indicator",
    )
    parents = []
    # Categories of one breakdown variable add up to the cell's total.
    parents.append(
        rows.filter(pl.col("breakdown") != "total").with_columns(
            pl.col("area_level").alias("parent_level"),
            pl.col("area_code").alias("parent_code"),
            pl.lit("total").alias("parent_breakdown"),
            pl.concat_str(["area_level", "area_code", "breakdown_variable"], separator="|").alias(
                "partition"
            ),
        )
    )
    # Regencies add up to their province; provinces to the nation.
    parents.append(
        rows.filter(pl.col("area_level") == "regency").with_columns(
            pl.lit("province").alias("parent_level"),
            pl.col("area_code").str.slice(0, 2).alias("parent_code"),
            pl.col("breakdown").alias("parent_breakdown"),
            pl.concat_str(
                [pl.lit("regencies"), pl.col("area_code").str.slice(0, 2), "breakdown"],
                separator="|",
            ).alias("partition"),
        )
    )
    parents.append(
        rows.filter(pl.col("area_level") == "province").with_columns(
            pl.lit("national").alias("parent_level"),
            pl.lit("00").alias("parent_code"),
            pl.col("breakdown").alias("parent_breakdown"),
            pl.concat_str([pl.lit("provinces"), "breakdown"], separator="|").alias("partition"),
        )
    )
    # Each occupation level's codes add up to their parent code one level up.
    occupation = rows.with_columns(
        pl.col("breakdown_variable").str.extract(_OCCUPATION_LEVEL.pattern, 1).alias("_prefix"),
        pl.col("breakdown_variable")
        .str.extract(_OCCUPATION_LEVEL.pattern, 2)
        .cast(pl.Int32, strict=False)
        .alias("_digits"),
        pl.col("breakdown").str.split("=").list.get(1, null_on_oob=True).alias("_code"),
    ).filter((pl.col("_digits") > 1) & (pl.col("_code") != "unknown"))
    parents.append(
        occupation.with_columns(
            pl.col("area_level").alias("parent_level"),
            pl.col("area_code").alias("parent_code"),
            (
                pl.col("_prefix")
                + (pl.col("_digits") - 1).cast(pl.String)
                + "="
                + pl.col("_code").str.slice(0, pl.col("_digits") - 1)
            ).alias("parent_breakdown"),
        )
        .with_columns(
            pl.concat_str(
                ["area_level", "area_code", "breakdown_variable", "parent_breakdown"],
                separator="|",
            ).alias("partition"),
        )
        .drop("_prefix", "_digits", "_code")
    )
    links = pl.concat(
        [p.select("row_id", "period", "indicator", "parent_level", "parent_code",
                  "parent_breakdown", "partition") for p in parents]
    )  # fmt: skip
    links = links.join(
        parent_rows,
        on=["period", "parent_level", "parent_code", "parent_breakdown", "indicator"],
        how="inner",
    )
    return links.select(
        "row_id",
        pl.concat_str(["period", "indicator", "partition"], separator="|").alias("group_id"),
        "parent_row_id",
    )


def _link_pass(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    rules = pl.DataFrame(
        [
            (trigger, target)
            for trigger, targets in LINKED_SUPPRESSION.items()
            for target in targets
        ],
        schema={"trigger": pl.String, "indicator": pl.String},
        orient="row",
    )
    suppressed = frame.filter(pl.col("is_suppressed")).select(
        *_CELL_KEY, pl.col("indicator").alias("trigger")
    )
    to_suppress = (
        suppressed.join(rules, on="trigger")
        .group_by(*_CELL_KEY, "indicator")
        .agg(pl.col("trigger").min())
    )
    updated = frame.join(to_suppress, on=[*_CELL_KEY, "indicator"], how="left")
    newly = pl.col("trigger").is_not_null() & ~pl.col("is_suppressed")
    count = int(updated.select(newly.sum()).item())
    updated = updated.with_columns(
        pl.when(newly)
        .then(pl.lit("linked_to_suppressed_") + pl.col("trigger"))
        .otherwise(pl.col("suppression_reason"))
        .alias("suppression_reason"),
        (pl.col("is_suppressed") | newly).alias("is_suppressed"),
    ).drop("trigger")
    return updated, count


def _complement_pass(frame: pl.DataFrame, memberships: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    state = frame.select("row_id", "is_suppressed", "value")
    members = memberships.join(state, on="row_id").join(
        state.select(
            pl.col("row_id").alias("parent_row_id"),
            pl.col("is_suppressed").alias("parent_suppressed"),
        ),
        on="parent_row_id",
    )
    exposed = (
        members.group_by("group_id")
        .agg(
            pl.col("is_suppressed").sum().alias("n_suppressed"),
            pl.col("parent_suppressed").first(),
            pl.col("parent_row_id").first(),
        )
        .filter((pl.col("n_suppressed") == 1) & ~pl.col("parent_suppressed"))
    )
    if exposed.height == 0:
        return frame, 0
    candidates = (
        members.join(exposed.select("group_id"), on="group_id")
        .filter(~pl.col("is_suppressed"))
        .sort("value", "row_id")
        .group_by("group_id", maintain_order=True)
        .first()
        .select("group_id", "row_id")
    )
    # A lone suppressed child with no sibling left equals its parent: suppress the parent.
    lone = exposed.join(candidates, on="group_id", how="anti").select(
        pl.col("parent_row_id").alias("row_id")
    )
    chosen = pl.concat([candidates.select("row_id"), lone]).unique()
    newly = pl.col("row_id").is_in(chosen["row_id"].implode()) & ~pl.col("is_suppressed")
    count = int(frame.select(newly.sum()).item())
    frame = frame.with_columns(
        pl.when(newly)
        .then(pl.lit("secondary_complement"))
        .otherwise(pl.col("suppression_reason"))
        .alias("suppression_reason"),
        (pl.col("is_suppressed") | newly).alias("is_suppressed"),
    )
    return frame, count


def apply_reliability_and_suppression(
    estimates: pl.DataFrame, *, min_sample_persons: int = 10, publish: bool = True
) -> pl.DataFrame:
    """Add `rse`, `reliability`, `is_suppressed`, `suppression_reason`; null suppressed values."""
    # Row ids follow the key, not the order the estimates arrived in: the complementary pass
    # breaks ties between equal values by row id, so the same estimates suppress the same cells.
    frame = (
        _with_reliability(estimates)
        .sort("period", "area_level", "area_code", "breakdown", "indicator")
        .with_row_index("row_id")
    )
    primary = (
        pl.when(pl.col("sample_persons") < min_sample_persons)
        .then(pl.lit("too_few_sample_persons"))
        .when(pl.col("reliability") == "unreliable")
        .then(pl.lit("rse_above_50"))
        .otherwise(None)
    )
    frame = frame.with_columns(primary.alias("suppression_reason")).with_columns(
        pl.col("suppression_reason").is_not_null().alias("is_suppressed")
    )
    primary_count = int(frame["is_suppressed"].sum())
    memberships = _memberships(frame)
    linked_total = complement_total = 0
    for _ in range(MAX_PASSES):
        frame, linked = _link_pass(frame)
        frame, complemented = _complement_pass(frame, memberships)
        linked_total += linked
        complement_total += complemented
        if linked == 0 and complemented == 0:
            break
    else:
        raise RuntimeError(f"suppression did not settle after {MAX_PASSES} passes")
    log.info(
        "suppression: %d estimates, %d primary, %d linked, %d complementary",
        frame.height,
        primary_count,
        linked_total,
        complement_total,
    )
    if publish:
        # A not-assessable SE is no SE: null, so no z test or RSE filter can use a zero.
        frame = frame.with_columns(
            pl.when(pl.col("reliability") == "not_assessable")
            .then(None)
            .otherwise(pl.col("se"))
            .alias("se")
        )
        # A withheld value has no reliability to state (the mart's contract): the RSE class of
        # the hidden figure would otherwise read "reliable" beside an empty cell. Its sample
        # counts go too: sample_persons times the area's mean weight works the value back
        # (within about 25 %), and a PSU count bounds it.
        frame = frame.with_columns(
            *(
                pl.when(pl.col("is_suppressed")).then(None).otherwise(pl.col(c)).alias(c)
                for c in SUPPRESSED_COLUMNS
            ),
            pl.when(pl.col("is_suppressed"))
            .then(pl.lit(RELIABILITY_SUPPRESSED))
            .otherwise(pl.col("reliability"))
            .alias("reliability"),
        )
    columns = [
        "period", "area_level", "area_code", "breakdown", "breakdown_variable", "indicator",
        "unit", "value", "se", "rse", "reliability", "sample_persons", "sample_psus",
        "sample_strata", "se_method", "is_suppressed", "suppression_reason", "is_synthetic",
    ]  # fmt: skip
    return frame.select(columns).sort("period", "area_level", "area_code", "breakdown", "indicator")
