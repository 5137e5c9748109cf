"""Skills outlook: skills named in online vacancies by occupation, province and board category,
rising and falling skills between two periods, and vacancy skills against ESCO's essential skills.

Reads the published `bridge_vacancy_skills` (one row per posting and skill) joined to
`fct_vacancy_postings` (occupation, province, dates), and the ESCO reference files. Every share
is "share of the group's postings that ask for the skill", so groups of different size compare;
boards differ in how many skills their adverts reveal (one carries no descriptions), so a group
resting on another mix of boards shows other shares (`board_coverage`, stated on the page).
An occupation counts a posting only when its KBJI code is accepted (`is_occupation_coded`), as
the skills-demand-by-occupation mart does.
A missing mart or an uncoded occupation degrades to an empty table with a stated reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import yaml

log = logging.getLogger(__name__)

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "skills_outlook.yaml"


def load_config(path: Path = CONFIG_PATH) -> dict[str, Any]:
    """Read the skills-outlook settings."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass
class SkillInputs:
    """Postings with their skills; None where the mart is not published."""

    posting_skills: pl.DataFrame | None = None
    postings: pl.DataFrame | None = None
    esco_essential: pl.DataFrame | None = None
    # Per board: share of its postings with a description (what the skills are found in).
    descriptions: pl.DataFrame | None = None
    missing: list[str] = field(default_factory=list)


def read_inputs(marts_dir: Path, esco_dir: Path, config: dict[str, Any]) -> SkillInputs:
    """Read the skills bridge, the postings and ESCO's occupation-skill relations by KBJI code."""
    inputs = SkillInputs()
    postings_path = marts_dir / "fct_vacancy_postings.parquet"
    bridge_path = marts_dir / "bridge_vacancy_skills.parquet"
    if postings_path.exists():
        columns = pl.read_parquet_schema(postings_path)
        wanted = [
            c
            for c in (
                "posting_id",
                "source",
                "kbji2014_code",
                "is_occupation_coded",
                "province_bps_code",
                "category_text",
                "first_seen_date",
                "is_synthetic",
            )
            if c in columns
        ]
        inputs.postings = _accepted_codes_only(pl.read_parquet(postings_path, columns=wanted))
        if "description" in columns and "source" in columns:
            inputs.descriptions = (
                pl.scan_parquet(postings_path)
                .group_by("source")
                .agg(
                    pl.col("description")
                    .str.strip_chars()
                    .str.len_chars()
                    .gt(0)
                    .fill_null(False)
                    .mean()
                )
                .rename({"description": "share_with_description"})
                .collect()
            )
    else:
        inputs.missing.append("fct_vacancy_postings")
    if bridge_path.exists():
        inputs.posting_skills = pl.read_parquet(
            bridge_path, columns=["posting_id", "skill_uri", "skill_label", "skill_source"]
        ).unique(["posting_id", "skill_uri"])
    else:
        inputs.missing.append("bridge_vacancy_skills")
    inputs.esco_essential = _esco_skills_by_kbji(marts_dir, esco_dir, config, inputs.missing)
    log.info(
        "skills inputs: %d posting-skill rows, %d postings, %d ESCO kbji-skill pairs; missing %s",
        0 if inputs.posting_skills is None else inputs.posting_skills.height,
        0 if inputs.postings is None else inputs.postings.height,
        0 if inputs.esco_essential is None else inputs.esco_essential.height,
        inputs.missing or "none",
    )
    return inputs


def _accepted_codes_only(postings: pl.DataFrame) -> pl.DataFrame:
    """The postings with `kbji2014_code` kept only where the code is accepted
    (`is_occupation_coded`), as the skills-demand mart counts them: a code below the
    coder's auto-code threshold awaits a human coder and is no occupation figure yet. Without
    the flag no code is known to be accepted."""
    if "kbji2014_code" not in postings.columns:
        return postings
    if "is_occupation_coded" not in postings.columns:
        log.warning("fct_vacancy_postings has no is_occupation_coded: no code counts as accepted")
        accepted = pl.lit(False)
    else:
        accepted = pl.col("is_occupation_coded").fill_null(False)
    return postings.with_columns(
        pl.when(accepted).then(pl.col("kbji2014_code")).otherwise(None).alias("kbji2014_code")
    ).drop("is_occupation_coded", strict=False)


def _esco_skills_by_kbji(
    marts_dir: Path, esco_dir: Path, config: dict[str, Any], missing: list[str]
) -> pl.DataFrame | None:
    occupations_path = esco_dir / "esco_occupations_en.csv"
    relations_path = esco_dir / "esco_occupation_skill_relations.csv.gz"
    dimension_path = marts_dir / "dim_occupation.parquet"
    for path in (occupations_path, relations_path, dimension_path):
        if not path.exists():
            missing.append(path.name)
            return None
    kbji = (
        pl.read_parquet(dimension_path, columns=["kbji_code", "kbji_level", "isco08_code"])
        .filter(pl.col("kbji_level") == 4, pl.col("isco08_code").is_not_null())
        .select("kbji_code", "isco08_code")
    )
    esco = pl.read_csv(
        occupations_path,
        columns=["occupation_uri", "isco08_code"],
        schema_overrides={"isco08_code": pl.Utf8},
    )
    relations = pl.read_csv(relations_path).filter(
        pl.col("relation_type").is_in(config.get("esco_relation_types", ["essential"]))
    )
    # A KBJI unit group's essential skills: those of every ESCO occupation in its ISCO group.
    return (
        kbji.join(esco, on="isco08_code")
        .join(relations, on="occupation_uri")
        .select(pl.col("kbji_code").alias("kbji2014_code"), "skill_uri", "skill_label")
        .unique(["kbji2014_code", "skill_uri"])
    )


def _skills_with_groups(inputs: SkillInputs) -> pl.DataFrame | None:
    if inputs.posting_skills is None or inputs.postings is None:
        return None
    return inputs.posting_skills.join(inputs.postings, on="posting_id", how="inner")


def _large_groups(postings: pl.DataFrame, group: str, config: dict[str, Any]) -> pl.DataFrame:
    """Postings per group, for the groups with at least `min_postings_per_period` (the appendix's
    "minimum postings per group and period"; the whole span is one period here): a share of 3
    in 5 postings is no skill profile of an occupation or province."""
    minimum = int(config.get("min_postings_per_period", 20))
    totals = postings.group_by(group).agg(pl.len().alias("group_postings"))
    large = totals.filter(pl.col("group_postings") >= minimum)
    log.info(
        "skills by %s: %d of %d groups have at least %d postings and are shown",
        group,
        large.height,
        totals.height,
        minimum,
    )
    return large


def top_skills(
    inputs: SkillInputs, group: str | None, config: dict[str, Any]
) -> pl.DataFrame | None:
    """Top skills per group (or overall when group is None) as shares of the group's postings."""
    joined = _skills_with_groups(inputs)
    if joined is None:
        return None
    postings = inputs.postings
    keys = [group] if group else []
    if group:
        joined = joined.filter(pl.col(group).is_not_null())
        postings = postings.filter(pl.col(group).is_not_null())
    totals = (
        _large_groups(postings, group, config)
        if group
        else pl.DataFrame({"group_postings": [postings.height]})
    )
    counts = joined.group_by([*keys, "skill_uri", "skill_label", "skill_source"]).agg(
        pl.col("posting_id").n_unique().alias("postings")
    )
    # An inner join: a group below the minimum is not shown at all.
    counts = counts.join(totals, on=keys) if keys else counts.join(totals, how="cross")
    top_n = int(config.get("top_n", 10))
    ranked = (
        counts.filter(pl.col("postings") >= int(config.get("min_skill_postings", 3)))
        .with_columns((pl.col("postings") / pl.col("group_postings")).alias("share_of_postings"))
        .sort([*keys, "postings", "skill_uri"], descending=[False] * len(keys) + [True, False])
    )
    if keys:
        ranked = ranked.group_by(keys, maintain_order=True).head(top_n)
    else:
        ranked = ranked.head(top_n)
    return ranked.select(
        *keys,
        "skill_label",
        "skill_source",
        "postings",
        "group_postings",
        "share_of_postings",
        "skill_uri",
    )


def rising_falling(inputs: SkillInputs, config: dict[str, Any]) -> tuple[pl.DataFrame | None, str]:
    """Change in each skill's share of postings, latest period against the one before."""
    joined = _skills_with_groups(inputs)
    if joined is None or "first_seen_date" not in inputs.postings.columns:
        return None, ""
    postings = inputs.postings.filter(pl.col("first_seen_date").is_not_null())
    if postings.height == 0:
        return None, ""
    days = timedelta(days=int(config.get("period_days", 182)))
    latest = postings["first_seen_date"].max()
    current_start, previous_start = latest - days, latest - 2 * days
    label = f"{previous_start + timedelta(days=1)}..{current_start} / "
    label += f"{current_start + timedelta(days=1)}..{latest}"

    def period_of(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(
            pl.when(pl.col("first_seen_date") > current_start)
            .then(pl.lit("current"))
            .when(pl.col("first_seen_date") > previous_start)
            .then(pl.lit("previous"))
            .otherwise(None)
            .alias("window")
        ).filter(pl.col("window").is_not_null())

    minimum = int(config.get("min_postings_per_period", 20))
    if "source" in postings.columns:
        # Boards differ in what their adverts say (one has descriptions, another titles only): a
        # board that posts in one period only would show as a change of skills. Compare the
        # boards with enough postings in both periods, and name them.
        per_board = period_of(postings).group_by("source", "window").len()
        boards = sorted(
            per_board.filter(pl.col("len") >= minimum)
            .group_by("source")
            .agg(pl.col("window").n_unique().alias("windows"))
            .filter(pl.col("windows") == 2)["source"]
            .to_list()
        )
        log.info("rising/falling: boards with postings in both periods: %s", boards)
        label += f"; {', '.join(boards) if boards else '-'}"
        postings = postings.filter(pl.col("source").is_in(boards))
        joined = joined.filter(pl.col("posting_id").is_in(postings["posting_id"].implode()))
    totals = dict(period_of(postings).group_by("window").len().iter_rows())
    if totals.get("current", 0) < minimum or totals.get("previous", 0) < minimum:
        log.info("rising/falling: too few postings per period %s", totals)
        return pl.DataFrame(), label
    counts = (
        period_of(joined.filter(pl.col("first_seen_date").is_not_null()))
        .group_by("skill_uri", "skill_label", "window")
        .agg(pl.col("posting_id").n_unique().alias("postings"))
        .pivot(on="window", index=["skill_uri", "skill_label"], values="postings")
    )
    for window in ("current", "previous"):
        if window not in counts.columns:
            counts = counts.with_columns(pl.lit(0).alias(window))
    threshold = float(config.get("change_threshold_pp", 1.0))
    change = (
        counts.with_columns(
            pl.col("current").fill_null(0).alias("postings_current"),
            pl.col("previous").fill_null(0).alias("postings_previous"),
        )
        .filter(
            (pl.col("postings_current") + pl.col("postings_previous"))
            >= int(config.get("min_skill_postings", 3))
        )
        .with_columns(
            (pl.col("postings_previous") / totals["previous"] * 100).alias("share_previous_pct"),
            (pl.col("postings_current") / totals["current"] * 100).alias("share_current_pct"),
        )
        .with_columns(
            (pl.col("share_current_pct") - pl.col("share_previous_pct")).alias("change_pp")
        )
        .with_columns(
            pl.when(pl.col("change_pp") >= threshold)
            .then(pl.lit("rising"))
            .when(pl.col("change_pp") <= -threshold)
            .then(pl.lit("falling"))
            .otherwise(pl.lit("stable"))
            .alias("trend")
        )
        .sort("change_pp", "skill_uri", descending=[True, False])
        .select(
            "skill_label",
            "trend",
            "postings_previous",
            "postings_current",
            "share_previous_pct",
            "share_current_pct",
            "change_pp",
            "skill_uri",
        )
    )
    return change, label


def esco_comparison(inputs: SkillInputs, config: dict[str, Any]) -> pl.DataFrame | None:
    """Per occupation: how many vacancy skills ESCO lists as essential, and how many it covers."""
    joined = _skills_with_groups(inputs)
    if joined is None or inputs.esco_essential is None:
        return None
    coded = joined.filter(pl.col("kbji2014_code").is_not_null())
    if coded.height == 0:
        return pl.DataFrame()
    essential = inputs.esco_essential.with_columns(pl.lit(True).alias("is_essential"))
    named = coded.select("kbji2014_code", "skill_uri").unique()
    named = named.join(essential.drop("skill_label"), on=["kbji2014_code", "skill_uri"], how="left")
    occupation_postings = inputs.postings.filter(pl.col("kbji2014_code").is_not_null())
    totals = _large_groups(occupation_postings, "kbji2014_code", config).rename(
        {"group_postings": "postings"}
    )
    essential_counts = essential.group_by("kbji2014_code").agg(
        pl.len().alias("esco_essential_skills")
    )
    summary = (
        named.group_by("kbji2014_code")
        .agg(
            pl.len().alias("skills_named"),
            pl.col("is_essential").fill_null(False).sum().alias("named_and_essential"),
        )
        .join(totals, on="kbji2014_code")
        .join(essential_counts, on="kbji2014_code", how="left")
        .with_columns(
            pl.col("esco_essential_skills").fill_null(0),
            (pl.col("named_and_essential") / pl.col("skills_named")).alias(
                "share_named_that_are_essential"
            ),
        )
        .with_columns(
            pl.when(pl.col("esco_essential_skills") > 0)
            .then(pl.col("named_and_essential") / pl.col("esco_essential_skills"))
            .otherwise(None)
            .alias("share_of_essential_named")
        )
        .sort("postings", "kbji2014_code", descending=[True, False])
        .select(
            "kbji2014_code",
            "postings",
            "skills_named",
            "named_and_essential",
            "esco_essential_skills",
            "share_named_that_are_essential",
            "share_of_essential_named",
        )
    )
    log.info("ESCO comparison: %d occupations", summary.height)
    return summary


def board_coverage(inputs: SkillInputs) -> pl.DataFrame | None:
    """Per job board: its postings, those with at least one skill found, and the share of its
    postings with a description. A board whose adverts carry no description yields few skills,
    so every share of postings asking for a skill depends on the boards behind the group."""
    if inputs.postings is None or inputs.posting_skills is None:
        return None
    if "source" not in inputs.postings.columns:
        return None
    with_skill = inputs.posting_skills["posting_id"].unique().implode()
    coverage = (
        inputs.postings.group_by("source")
        .agg(
            pl.len().alias("postings"),
            pl.col("posting_id").is_in(with_skill).sum().alias("postings_with_skill"),
        )
        .with_columns(
            (pl.col("postings_with_skill") / pl.col("postings")).alias("share_with_skill")
        )
        .sort("source")
    )
    if inputs.descriptions is not None:
        coverage = coverage.join(inputs.descriptions, on="source", how="left")
    return coverage


def build_outlook(inputs: SkillInputs, config: dict[str, Any]) -> dict[str, Any]:
    """Every table of the skills outlook; a None table means its inputs are not published."""
    trends, period_label = rising_falling(inputs, config)
    return {
        "overall": top_skills(inputs, None, config),
        "by_occupation": top_skills(inputs, "kbji2014_code", config),
        "by_province": top_skills(inputs, "province_bps_code", config),
        "by_category": top_skills(inputs, "category_text", config)
        if inputs.postings is not None and "category_text" in inputs.postings.columns
        else None,
        "trends": trends,
        "period_label": period_label,
        "esco": esco_comparison(inputs, config),
        "coverage": board_coverage(inputs),
        "is_synthetic": bool(
            inputs.postings is not None
            and "is_synthetic" in inputs.postings.columns
            and inputs.postings["is_synthetic"].any()
        ),
    }
