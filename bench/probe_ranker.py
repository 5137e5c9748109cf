"""Probe: would another learner for the candidate ranker rank better than the shipped one?

Run: `.venv/bin/python bench/probe_ranker.py [VARIANT ...]` (default: all variants). The table
goes to the log and to `bench/output/probe_ranker.md`.

The development gold set is not read. The probe scores the hand-coded advert titles only
(`data/labels/occupation_titles_*.csv` and the title labels of the whole adverts): the index is
built from the reference titles and the hand-coded titles, each hand-coded title gets its
candidates with its own row left out of the index (`model.ranker_training_set`, as the build does),
and the candidates' rankers are fitted in five folds of titles, each fold scored by rankers that
did not see it. The figure is the share of hand-coded titles whose top candidate is their code.
Every variant scores the same candidates and features; only the learner differs.

This is a cheap screen, not a verdict: a learner that wins here still has to win the nested
evaluation of the gold set on split seeds never used (`ingest/occupations/evaluation.py`).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer

from ingest.occupations import build, references
from ingest.occupations import model as occupation_model
from ingest.occupations.normalise import TitleNormaliser

log = logging.getLogger("probe_ranker")
OUTPUT = Path(__file__).resolve().parent / "output" / "probe_ranker.md"
FOLDS = 5

Learner = Callable[[np.ndarray, np.ndarray, np.ndarray], object]


def _boosted(iterations: int, rate: float, leaves: int) -> Learner:
    def fit(features: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> object:
        learner = HistGradientBoostingClassifier(
            max_iter=iterations,
            learning_rate=rate,
            max_leaf_nodes=leaves,
            early_stopping=False,
            random_state=0,
        )
        return learner.fit(features, labels, sample_weight=weights)

    return fit


def _splines(features: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> object:
    # Each feature through cubic splines: a bend per feature, still a linear model.
    learner = make_pipeline(
        SplineTransformer(n_knots=5, degree=3), LogisticRegression(C=1.0, max_iter=3000)
    )
    return learner.fit(features, labels, logisticregression__sample_weight=weights)


VARIANTS: dict[str, Learner] = {
    "logistic (shipped)": occupation_model.fit_ranker,
    "logistic on splines": _splines,
    "boosted trees, 200 x 0.1, 31 leaves": _boosted(200, 0.1, 31),
    "boosted trees, 100 x 0.1, 15 leaves": _boosted(100, 0.1, 15),
}


def hand_title_training_set() -> occupation_model.RankerTrainingSet:
    """Candidates of every hand-coded title with its own row left out, as the build makes them."""
    normaliser = TitleNormaliser()
    reference = build.prepare_reference(normaliser)
    ads = build.prepare_ads(references.hand_labelled_titles(), None, normaliser)
    vectoriser = occupation_model.TitleVectoriser().fit(
        reference["norm"].to_list() + build.hand_norms(ads)
    )
    index = occupation_model.build_index(vectoriser, reference, ads)
    ads_counts = dict(
        ads.filter(pl.col("key").str.starts_with("hand:"))["kbji4"].value_counts().iter_rows()
    )
    return occupation_model.ranker_training_set(index, ads, ads_counts, build.GOLD_RANKER_WEIGHT)


def out_of_fold_scores(training: occupation_model.RankerTrainingSet, fit: Learner) -> dict:
    """Top-1, top-3 and 2-digit agreement of rankers scoring titles they were not fitted on."""
    features = training.features
    titles = training.truth.size
    fold_of_candidate = (np.arange(titles) % FOLDS)[training.candidates.query]
    scores = np.zeros(training.labels.size, dtype=np.float64)
    for fold in range(FOLDS):
        held = fold_of_candidate == fold
        learner = fit(features[~held], training.labels[~held], training.weights[~held])
        scores[held] = learner.decision_function(features[held])
    prediction = occupation_model._prediction(training.candidates, scores, titles, training.unknown)
    top = np.asarray([codes[0] if codes else "" for codes in prediction.codes])
    in_top3 = [
        truth in codes[:3] for truth, codes in zip(training.truth, prediction.codes, strict=True)
    ]
    same_2digit = [t[:2] == p[:2] for t, p in zip(training.truth, top, strict=True)]
    return {
        "top1": float(np.mean(top == training.truth)),
        "top3": float(np.mean(in_top3)),
        "two_digit": float(np.mean(same_2digit)),
    }


def main(chosen: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    started = time.perf_counter()
    training = hand_title_training_set()
    log.info(
        "%d hand-coded titles, %d candidates (%d right) in %.1f s",
        training.truth.size,
        training.labels.size,
        int(training.labels.sum()),
        time.perf_counter() - started,
    )
    lines = [
        "| ranker | 4-digit | 2-digit | top-3 | seconds for 5 fits |",
        "|---|---|---|---|---|",
    ]
    for name in chosen:
        started = time.perf_counter()
        figures = out_of_fold_scores(training, VARIANTS[name])
        seconds = time.perf_counter() - started
        log.info("%s: %s in %.0f s", name, figures, seconds)
        lines.append(
            f"| {name} | {figures['top1']:.1%} | {figures['two_digit']:.1%} "
            f"| {figures['top3']:.1%} | {seconds:.0f} |"
        )
    header = f"Out-of-fold ranking of {training.truth.size} hand-coded titles ({FOLDS} folds).\n\n"
    OUTPUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    log.info("wrote %s", OUTPUT)
    return 0


if __name__ == "__main__":
    names = sys.argv[1:] or list(VARIANTS)
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        log.error("unknown variant(s) %s; choose from %s", unknown, list(VARIANTS))
        raise SystemExit(2)
    raise SystemExit(main(names))
