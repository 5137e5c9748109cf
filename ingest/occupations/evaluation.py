"""Honest accuracy of the occupation coder on the development gold set (nested cross-validation).

Procedure (what the model card reports):
1. The 260 gold adverts are split into 5 folds, stratified by source file.
2. For each outer fold, a model is fitted on the hand-labelled titles, the reference titles and
   the gold adverts of the other four folds only. The held-out fold is never seen: not by the
   index, the ranker, the calibrator or the threshold.
3. Inside those four folds, a second loop (5 folds, or `--inner-folds`) gives out-of-fold gold
   predictions; the model of step 2 gives out-of-fold signals of the hand-coded titles (rankers
   cross-fitted over them). The confidence model is fitted on these, and the auto-code threshold
   is chosen from the inner gold predictions' calibrated confidences.
4. The held-out fold is coded, calibrated and thresholded with what was learnt in 2-3.
Several confidence/threshold variants are fitted from the same predictions and scored side by
side (`VARIANTS`); the main tables use the shipped one. Pooled and per-fold figures
follow. Run with `python -m ingest.occupations.evaluation OUT.md`.
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ingest.occupations import build, context_rules, descriptions, references
from ingest.occupations import model as occupation_model
from ingest.occupations.build import (
    CONFIDENCE_METHOD,
    choose_threshold,
    expected_error_threshold,
    fit_calibrator,
    fit_model,
    fold_numbers,
    gold_texts,
    out_of_fold_raw,
    predict_frame,
    prepare_ads,
    prepare_reference,
    signal_matrix,
)
from ingest.occupations.model import TitleVectoriser
from ingest.occupations.normalise import TitleNormaliser, default_normaliser

log = logging.getLogger(__name__)

OUTER_FOLDS = 5
INNER_FOLDS = 5
TARGET_ERROR = 0.05
RELIABILITY_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001)
SHIPPED_VARIANT = "pooled-platt-expected"
VARIANTS = {
    # name: (scorer fitted on gold only or gold + hand-coded, calibration, threshold rule)
    "gold-isotonic-guarded": ("gold", "isotonic", "guarded"),
    "gold-isotonic-expected": ("gold", "isotonic", "expected"),
    "gold-platt-expected": ("gold", "platt", "expected"),
    "pooled-isotonic-expected": ("pooled", "isotonic", "expected"),
    SHIPPED_VARIANT: ("pooled", CONFIDENCE_METHOD, "expected"),
    "pooled-platt-expected-all": ("pooled", "platt", "expected_all"),
    "pooled-platt-guarded": ("pooled", "platt", "guarded"),
}
"""Confidence model and threshold rule, compared in the same nested run: `guarded` counts inner
errors with two prior errors; `expected` reads mean(1 - confidence) of the inner gold
predictions; `expected_all` of the inner gold predictions and the hand-coded titles' together."""


@dataclass
class EvaluationInputs:
    normaliser: TitleNormaliser
    reference: pl.DataFrame
    hand: pl.DataFrame
    gold: pl.DataFrame
    vectoriser: TitleVectoriser
    adverts: pl.DataFrame


def load_inputs(hand_filter: str = "all") -> EvaluationInputs:
    """Shipped data; `hand_filter` = all | dev_disjoint (drop hand titles equal to a dev title,
    after normalisation) | no_adverts (the hand-coded title files only, without the hand-coded
    adverts of `occupation_adverts_*.csv`) | none."""
    normaliser = default_normaliser()
    reference = prepare_reference(normaliser)
    hand = references.hand_labelled_titles()
    adverts = references.hand_labelled_adverts()
    gold = references.gold_set()
    if hand_filter == "no_adverts":
        hand = references.hand_labelled_titles(references.hand_label_paths())
        adverts = adverts.head(0)
    elif hand_filter == "none":
        hand = hand.head(0)
        adverts = adverts.head(0)
    elif hand_filter == "dev_disjoint":
        dev_norms = list({normaliser.normalise(t) for t in gold["title"].to_list()})

        def disjoint(table: pl.DataFrame) -> pl.DataFrame:
            return table.filter(
                ~pl.col("title")
                .map_elements(normaliser.normalise, return_dtype=pl.String)
                .is_in(dev_norms)
            )

        hand, adverts = disjoint(hand), disjoint(adverts)
    hand_ads = prepare_ads(hand, None, normaliser)
    vectoriser = TitleVectoriser().fit(reference["norm"].to_list() + hand_ads["norm"].to_list())
    return EvaluationInputs(normaliser, reference, hand, gold, vectoriser, adverts)


def nested_cross_validation(
    inputs: EvaluationInputs, seed: int, inner_folds: int = INNER_FOLDS
) -> pl.DataFrame:
    """One row per gold advert: truth, predictions, calibrated confidence, fold, threshold
    (shipped variant) and `confidence_<variant>`, `threshold_<variant>` for every variant."""
    gold = inputs.gold
    assignment = fold_numbers(gold, OUTER_FOLDS, seed)
    parts = []
    for fold in range(OUTER_FOLDS):
        train = gold.filter(pl.Series(assignment != fold))
        held = gold.filter(pl.Series(assignment == fold))
        inner = out_of_fold_raw(
            inputs.reference,
            inputs.hand,
            train,
            inputs.normaliser,
            inputs.vectoriser,
            inner_folds,
            seed + 1000 + fold,
            inputs.adverts,
        )
        inner_correct = (inner["kbji4"] == inner["truth"]).fill_null(False).to_numpy()
        model = fit_model(
            inputs.reference,
            inputs.hand,
            train,
            inputs.normaliser,
            inputs.vectoriser,
            with_training_signals=True,
            adverts=inputs.adverts,
        )
        predicted = predict_frame(
            model, held["title"].to_list(), held["category"].to_list(), gold_texts(held)
        )
        columns = []
        for name, (scorer, method, rule) in VARIANTS.items():
            pooled = scorer == "pooled"
            calibrator = fit_calibrator(
                inner,
                inner_correct,
                model.training_signals if pooled else None,
                model.training_correct if pooled else None,
                method,
            )
            inner_confidence = calibrator.predict(signal_matrix(inner))
            if rule == "guarded":
                threshold = choose_threshold(inner_confidence, inner_correct, TARGET_ERROR)
            elif rule == "expected":
                threshold = expected_error_threshold(inner_confidence, TARGET_ERROR)
            else:
                everything = np.concatenate(
                    [inner_confidence, calibrator.predict(model.training_signals)]
                )
                threshold = expected_error_threshold(everything, TARGET_ERROR)
            confidence = calibrator.predict(signal_matrix(predicted))
            columns += [
                pl.Series(f"confidence_{name}", confidence),
                pl.lit(threshold).alias(f"threshold_{name}"),
            ]
            log.info("outer fold %d, %s: threshold %.3f", fold, name, threshold)
        frame = pl.concat(
            [held.select("id", "source", pl.col("kbji4").alias("truth")), predicted],
            how="horizontal",
        ).with_columns(*columns, pl.lit(fold).alias("fold"))
        parts.append(
            frame.with_columns(
                pl.col(f"confidence_{SHIPPED_VARIANT}").alias("confidence"),
                pl.col(f"threshold_{SHIPPED_VARIANT}").alias("threshold"),
            )
        )
    return pl.concat(parts)


def summarise_variants(results: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Auto-coded share, its error and the Brier score of every confidence variant."""
    correct = (results["kbji4"] == results["truth"]).fill_null(False).to_numpy()
    out = {}
    for name in VARIANTS:
        confidence = results[f"confidence_{name}"].to_numpy()
        auto = confidence >= results[f"threshold_{name}"].to_numpy()
        out[name] = {
            "auto_share": float(auto.mean()),
            "auto_error": float(1.0 - correct[auto].mean()) if auto.any() else 0.0,
            "brier": float(np.mean((confidence - correct) ** 2)),
        }
    return out


def summarise(results: pl.DataFrame) -> dict[str, object]:
    """Accuracy at 4/3/2/1 digits, top-3, auto-coding, per fold and source, reliability."""

    def metrics(frame: pl.DataFrame) -> dict[str, float]:
        out: dict[str, float] = {"n": frame.height}
        for digits in (4, 3, 2, 1):
            hit = frame["kbji4"].str.slice(0, digits) == frame["truth"].str.slice(0, digits)
            out[f"acc{digits}"] = float(hit.fill_null(False).mean())
        top3 = (
            (frame["kbji4"] == frame["truth"])
            | (frame["alt1"] == frame["truth"])
            | (frame["alt2"] == frame["truth"])
        )
        out["top3"] = float(top3.fill_null(False).mean())
        auto = frame["confidence"] >= frame["threshold"]
        correct = (frame["kbji4"] == frame["truth"]).fill_null(False)
        out["auto_share"] = float(auto.mean())
        out["auto_error"] = float(1.0 - correct.filter(auto).mean()) if auto.any() else 0.0
        out["mean_confidence"] = float(frame["confidence"].mean())
        return out

    summary: dict[str, object] = {"pooled": metrics(results)}
    summary["per_fold"] = {
        int(fold): metrics(results.filter(pl.col("fold") == fold))
        | {"threshold": float(results.filter(pl.col("fold") == fold)["threshold"][0])}
        for fold in sorted(results["fold"].unique().to_list())
    }
    summary["per_source"] = {
        source: metrics(results.filter(pl.col("source") == source))
        for source in sorted(results["source"].unique().to_list())
    }
    correct = (results["kbji4"] == results["truth"]).fill_null(False).to_numpy()
    confidence = results["confidence"].to_numpy()
    reliability = []
    for low, high in zip(RELIABILITY_BINS[:-1], RELIABILITY_BINS[1:], strict=True):
        members = (confidence >= low) & (confidence < high)
        if members.any():
            reliability.append(
                {
                    "bin": f"{low:.1f}-{min(high, 1.0):.1f}",
                    "n": int(members.sum()),
                    "mean_confidence": float(confidence[members].mean()),
                    "accuracy": float(correct[members].mean()),
                }
            )
    summary["reliability"] = reliability
    summary["brier"] = float(np.mean((confidence - correct) ** 2))
    fixed = {}
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        auto = confidence >= threshold
        fixed[f"{threshold:.1f}"] = {
            "auto_share": float(auto.mean()),
            "auto_error": float(1.0 - correct[auto].mean()) if auto.any() else 0.0,
        }
    summary["fixed_thresholds"] = fixed
    if f"confidence_{SHIPPED_VARIANT}" in results.columns:
        summary["variants"] = summarise_variants(results)
    return summary


def markdown(summaries: dict[str, dict[str, object]]) -> str:
    """Tables for the model card from one or more named evaluation runs."""
    lines = []
    for name, summary in summaries.items():
        pooled = summary["pooled"]
        lines += [
            f"### {name}",
            "",
            "| scope | n | 4-digit | 3-digit | 2-digit | 1-digit | top-3 "
            "| auto-coded | error among auto-coded | threshold |",
            "|---" * 10 + "|",
        ]

        def row(label: str, m: dict, threshold: str) -> str:
            return (
                f"| {label} | {m['n']} | {m['acc4']:.1%} | {m['acc3']:.1%} | {m['acc2']:.1%} | "
                f"{m['acc1']:.1%} | {m['top3']:.1%} | {m['auto_share']:.1%} | "
                f"{m['auto_error']:.1%} | {threshold} |"
            )

        lines.append(row("pooled", pooled, "per fold"))
        for fold, m in summary["per_fold"].items():
            lines.append(row(f"fold {fold}", m, f"{m['threshold']:.2f}"))
        for source, m in summary["per_source"].items():
            lines.append(row(source, m, "per fold"))
        lines += [
            "",
            "Reliability (pooled, calibrated confidence):",
            "",
            "| confidence | n | mean confidence | share correct |",
            "|---|---|---|---|",
        ]
        for b in summary["reliability"]:
            lines.append(
                f"| {b['bin']} | {b['n']} | {b['mean_confidence']:.2f} | {b['accuracy']:.2f} |"
            )
        lines += [
            "",
            f"Brier score: {summary['brier']:.3f}",
            "",
            "Fixed thresholds (pooled):",
            "",
            "| threshold | auto-coded | error |",
            "|---|---|---|",
        ]
        for threshold, m in summary["fixed_thresholds"].items():
            lines.append(f"| {threshold} | {m['auto_share']:.1%} | {m['auto_error']:.1%} |")
        if "variants" in summary:
            lines += [
                "",
                "Confidence model and threshold rule (pooled; shipped: " + SHIPPED_VARIANT + "):",
                "",
                "| variant | auto-coded | error among auto-coded | Brier |",
                "|---|---|---|---|",
            ]
            for variant, m in summary["variants"].items():
                lines.append(
                    f"| {variant} | {m['auto_share']:.1%} | {m['auto_error']:.1%} "
                    f"| {m['brier']:.3f} |"
                )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="markdown file for the tables")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--inner-folds",
        type=int,
        default=INNER_FOLDS,
        help="folds of the inner loop that fits the confidence model and threshold",
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        default=["all"],
        choices=["all", "dev_disjoint", "no_adverts", "none"],
    )
    parser.add_argument(
        "--descriptions",
        choices=["on", "off", "signals"],
        default=(
            ("on" if descriptions.RESCORE else "signals") if build.USE_DESCRIPTIONS else "off"
        ),
        help="on: the description re-ranker re-scores the candidates; signals: keep the title "
        "ranking, give the confidence model the description's signals of the top code; off: "
        "titles and categories only (default: as the production build does)",
    )
    parser.add_argument(
        "--ranker",
        choices=occupation_model.RANKER_LEARNERS,
        default=occupation_model.RANKER_LEARNER,
        help="the ranker's learner (default: as the production build does)",
    )
    parser.add_argument(
        "--department-cues",
        choices=["on", "off"],
        default="on" if context_rules.DEPARTMENT_CUES else "off",
        help="on: the department rules for generic clerical and supervisory titles run after "
        "the shipped context rules (`context_rules.DEPARTMENT_RULES`; default: as the "
        "production build does)",
    )
    args = parser.parse_args(argv)
    occupation_model.RANKER_LEARNER = args.ranker
    context_rules.DEPARTMENT_CUES = args.department_cues == "on"
    build.USE_DESCRIPTIONS = args.descriptions != "off"
    descriptions.RESCORE = args.descriptions != "signals"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    summaries: dict[str, dict[str, object]] = {}
    for variant in args.variants:
        inputs = load_inputs(variant)
        for seed in args.seeds:
            results = nested_cross_validation(inputs, seed, args.inner_folds)
            name = (
                f"hand labels: {variant}, descriptions {args.descriptions}, "
                f"ranker {args.ranker}, department cues {args.department_cues}, "
                f"split seed {seed}"
            )
            summaries[name] = summarise(results)
            results.write_csv(
                args.output.with_name(
                    f"{args.output.stem}_{variant}_descriptions-{args.descriptions}_{seed}.csv"
                )
            )
            log.info("%s: %s", name, json.dumps(summaries[name]["pooled"]))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(markdown(summaries), encoding="utf-8")
    log.info("wrote %s", args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
