"""The linker's output on real postings is pinned: speed work must not change a pair or a score.

The fixtures were written by the linker as it stood before the chunked scoring, on a
fixed sample of the shipped real postings: every posting whose title starts with a, b or c
(5,080 postings; whole title blocks, so re-sightings and board copies stay together). They hold
every candidate pair with its evidence and score (rejected ones too), and every posting's
vacancy. The full real data (24,606 postings) is pinned by a digest.

Rewrite the fixtures only when the linker's behaviour is meant to change, and say so in the
commit: `.venv/bin/python -m tests.ingest.normalise.test_linker_regression --write`.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from ingest.normalise import normalise_postings
from ingest.normalise.duplicates import (
    LinkerSettings,
    candidate_pairs,
    duplicate_rates,
    link_duplicates,
    posting_features,
    score_pairs,
)
from ingest.normalise.real_samples import load_real_postings

FIXTURES = Path(__file__).parent / "fixtures"
SCORED_FIXTURE = FIXTURES / "linker_regression_scored_pairs.csv.gz"
CLUSTERS_FIXTURE = FIXTURES / "linker_regression_clusters.csv.gz"
# SHA-256 of the sorted CSV of all linked pairs and of all clusters on the 24,606 real postings.
FULL_PAIRS_DIGEST = "36572090f6160fa2865ccd7860946357f20c00a2624a7958f7d3ccbc152bcdf4"
FULL_CLUSTERS_DIGEST = "1381b678c0babdadbfcd2488ce742e462e1132bfbc4cfefbe53384e92911f2af"


@cache
def _normalised(sample_only: bool) -> pl.DataFrame:
    real = load_real_postings()
    if sample_only:
        real = real.filter(
            pl.col("title").str.to_lowercase().str.strip_chars().str.contains("^[a-c]")
        )
    return normalise_postings(real)


def _all_scored(normalised: pl.DataFrame) -> pl.DataFrame:
    """Every blocked candidate pair with its evidence and score, in a fixed order."""
    settings = LinkerSettings()
    features = posting_features(normalised, settings)
    scored = score_pairs(
        features, candidate_pairs(features, settings), settings, keep_rejected=True
    )
    return scored.drop("_a", "_b").sort("posting_id_a", "posting_id_b")


def _digest(frame: pl.DataFrame) -> str:
    return hashlib.sha256(frame.write_csv().encode()).hexdigest()


def _write_fixtures() -> None:
    normalised = _normalised(sample_only=True)
    _all_scored(normalised).write_csv(SCORED_FIXTURE, compression="gzip")
    _, clusters = link_duplicates(normalised)
    clusters.write_csv(CLUSTERS_FIXTURE, compression="gzip")
    full_pairs, full_clusters = link_duplicates(_normalised(sample_only=False))
    sys.stdout.write(
        f"pairs {_digest(full_pairs.sort('posting_id_a', 'posting_id_b'))}\n"
        f"clusters {_digest(full_clusters.sort('posting_id'))}\n"
    )


def test_every_candidate_pair_keeps_its_evidence_and_score() -> None:
    scored = _all_scored(_normalised(sample_only=True))
    expected = pl.read_csv(SCORED_FIXTURE, schema=scored.schema)
    assert scored.height == expected.height == 9900
    assert_frame_equal(scored, expected)


def test_linked_pairs_are_the_pinned_pairs_with_a_decision() -> None:
    pairs, _ = link_duplicates(_normalised(sample_only=True))
    pairs = pairs.sort("posting_id_a", "posting_id_b")
    expected = pl.read_csv(SCORED_FIXTURE, schema=pairs.schema).filter(
        pl.col("decision").is_not_null()
    )
    assert_frame_equal(pairs, expected)


def test_every_posting_keeps_its_vacancy_and_type() -> None:
    pairs, clusters = link_duplicates(_normalised(sample_only=True))
    expected = pl.read_csv(CLUSTERS_FIXTURE, schema=clusters.schema)
    assert_frame_equal(clusters, expected)
    rates = duplicate_rates(clusters, pairs)
    assert rates["postings"].sum() == 5080
    assert rates["vacancies"].sum() == clusters["vacancy_id"].n_unique()


def test_full_real_data_output_is_unchanged(
    real_linked: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    pairs, clusters = real_linked
    assert _digest(pairs.sort("posting_id_a", "posting_id_b")) == FULL_PAIRS_DIGEST
    assert _digest(clusters.sort("posting_id")) == FULL_CLUSTERS_DIGEST


if __name__ == "__main__":
    if "--write" in sys.argv:
        _write_fixtures()
