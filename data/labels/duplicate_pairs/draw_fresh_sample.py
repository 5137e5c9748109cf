"""Draw the fresh evaluation sample of candidate duplicate pairs (see README.md in this folder).

Run once, from the repository root:
`.venv/bin/python data/labels/duplicate_pairs/draw_fresh_sample.py`. It scores every blocked
candidate pair of the shipped real postings (rejected ones too), puts each pair in one stratum,
draws a fixed number per stratum with a fixed seed, leaves out every pair that shares a posting
with the first (tuning) sample, and writes:

* `fresh_candidate_pairs.csv`: the drawn pairs in random order with both postings' raw fields
  only (description cut to 400 characters): what the labeller reads;
* `fresh_strata.csv`: each pair's stratum, the stratum's size among the eligible candidate pairs
  and the number drawn from it, for weighted estimates. Not read while labelling.
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl

from ingest.normalise import normalise_postings
from ingest.normalise.duplicates import (
    LinkerSettings,
    candidate_pairs,
    posting_features,
    score_pairs,
)
from ingest.normalise.real_samples import load_real_postings

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
SEED = 20261204  # the first sample used other seeds; any fixed value will do
DESCRIPTION_CHARS = 400
# Strata, first match wins; the quotas give both likely duplicates and likely distinct pairs.
QUOTAS = {
    "cross_source_same_year": 15,  # two boards in the same year: where board copies can be
    "cross_source_years_apart": 10,
    "same_id_or_url": 20,
    "score_0.8_plus": 50,
    "score_0.6_0.8": 50,
    "score_0.3_0.6": 40,
    "score_below_0.3_titles_alike": 25,
    "score_below_0.3_other": 15,
}
RAW_FIELDS = [
    "source", "source_posting_id", "title", "company", "location_text", "salary_text",
    "date_text", "crawl_date", "employment_text", "education_text", "experience_text",
    "description", "url",
]  # fmt: skip


def stratum() -> pl.Expr:
    year = r"(\d{4})"  # every source name carries its year
    return (
        pl.when(
            (pl.col("source_a") != pl.col("source_b"))
            & (pl.col("source_a").str.extract(year) == pl.col("source_b").str.extract(year))
        )
        .then(pl.lit("cross_source_same_year"))
        .when(pl.col("source_a") != pl.col("source_b"))
        .then(pl.lit("cross_source_years_apart"))
        .when(pl.col("same_source_id") | pl.col("same_url"))
        .then(pl.lit("same_id_or_url"))
        .when(pl.col("score") >= 0.8)
        .then(pl.lit("score_0.8_plus"))
        .when(pl.col("score") >= 0.6)
        .then(pl.lit("score_0.6_0.8"))
        .when(pl.col("score") >= 0.3)
        .then(pl.lit("score_0.3_0.6"))
        .when(pl.col("title_similarity") >= 0.5)
        .then(pl.lit("score_below_0.3_titles_alike"))
        .otherwise(pl.lit("score_below_0.3_other"))
    )


def all_candidates(real: pl.DataFrame) -> pl.DataFrame:
    """Every blocked candidate pair of the real postings with its stratum."""
    settings = LinkerSettings()
    features = posting_features(normalise_postings(real), settings)
    scored = score_pairs(
        features, candidate_pairs(features, settings), settings, keep_rejected=True
    )
    return scored.select("posting_id_a", "posting_id_b", stratum=stratum())


def draw(candidates: pl.DataFrame, tuning_labels: pl.DataFrame) -> pl.DataFrame:
    """The stratified sample, leaving out pairs that share a posting with the tuning sample."""
    used = pl.concat([tuning_labels["posting_id_a"], tuning_labels["posting_id_b"]]).implode()
    eligible = candidates.filter(
        ~pl.col("posting_id_a").is_in(used) & ~pl.col("posting_id_b").is_in(used)
    )
    sizes = eligible.group_by("stratum").len("stratum_candidates")
    parts = []
    for name, quota in QUOTAS.items():
        members = eligible.filter(pl.col("stratum") == name)
        parts.append(members.sample(min(quota, members.height), seed=SEED))
    sample = pl.concat(parts).join(sizes, on="stratum")
    return sample.with_columns(stratum_sampled=pl.len().over("stratum"))


def with_raw_fields(sample: pl.DataFrame, real: pl.DataFrame) -> pl.DataFrame:
    raw = real.select("posting_id", *RAW_FIELDS).with_columns(
        pl.col("description").str.slice(0, DESCRIPTION_CHARS)
    )
    return (
        sample.select("posting_id_a", "posting_id_b")
        .join(raw.rename(lambda c: f"{c}_a"), on="posting_id_a", maintain_order="left")
        .join(raw.rename(lambda c: f"{c}_b"), on="posting_id_b", maintain_order="left")
    )


def main() -> None:
    real = load_real_postings()
    tuning = pl.read_csv(HERE / "labels.csv")
    sample = draw(all_candidates(real), tuning)
    # Random order, so a pair's position says nothing about its stratum.
    sample = sample.sample(fraction=1.0, shuffle=True, seed=SEED)
    with_raw_fields(sample, real).write_csv(HERE / "fresh_candidate_pairs.csv")
    sample.select(
        "posting_id_a", "posting_id_b", "stratum", "stratum_candidates", "stratum_sampled"
    ).write_csv(HERE / "fresh_strata.csv")
    log.info("fresh sample: %d pairs drawn", sample.height)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    main()
