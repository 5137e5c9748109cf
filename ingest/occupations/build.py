"""Fitting the occupation model from shipped data, and caching it under `data/cache/`.

`fit_model` is the one place a model is fitted, used both by the cross-validation in
`evaluation.py` (with the held-out fold removed from everything) and by `load_model`, which fits
on all labelled data, calibrates on out-of-fold predictions of the gold set and pickles the result
to `data/cache/occupations/` keyed by a hash of the inputs, so it is rebuilt automatically when
any input file or this code changes and otherwise loads in about a second.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from pathlib import Path

import numpy as np
import polars as pl

from ingest.occupations import context_rules, references
from ingest.occupations import descriptions as descriptions_module
from ingest.occupations import model as model_module
from ingest.occupations.descriptions import (
    DescriptionReranker,
    DescriptionScorer,
    advert_text,
    fit_reranker,
    rerank_features,
)
from ingest.occupations.model import (
    SIGNAL_NAMES,
    ConfidenceModel,
    OccupationModel,
    RankerTrainingSet,
    TitleVectoriser,
    build_index,
    fit_classifier,
    fit_ranker,
    out_of_fold_signals,
    ranker_training_set,
)
from ingest.occupations.normalise import LEXICON_PATH, TitleNormaliser
from orchestration.settings import DATA_DIR

log = logging.getLogger(__name__)

CACHE_DIR = DATA_DIR / "cache" / "occupations"
GOLD_RANKER_WEIGHT = 3.0
CALIBRATION_FOLDS = 5
CALIBRATION_SEED = 7
TARGET_AUTO_CODE_ERROR = 0.05
"""The default auto-code threshold is the lowest confidence whose out-of-fold error is <= this."""
PRIOR_ERRORS = 2.0
"""Errors added to the out-of-fold count before comparing with the target (`choose_threshold`,
the earlier rule, kept for comparison). Picking the lowest threshold that meets the target on
~200 adverts picks one that met it partly by luck."""
GOLD_CONFIDENCE_WEIGHT = 10.0
"""Weight of an out-of-fold gold prediction relative to a hand-coded title's when fitting the
confidence model's scorer: gold adverts are what will be coded, but there are few of them."""
CONFIDENCE_METHOD = "platt"
USE_DESCRIPTIONS = True
"""Fit the description scorer (`descriptions.py`). With `descriptions.RESCORE` False, as shipped,
the title model's ranking is kept and the description only gives the confidence model its
backing of the top code: on split seeds 2 and 3, never used to design it, that auto-coded 40-42 %
of gold adverts instead of 38.5 % at no higher error and the same accuracy (model card, "Fifth
round"). Re-scoring the candidates with the description lost accuracy and stays off.
TODO(7): the gold adverts' descriptions are cut to 150-300 characters and mostly list
requirements, so the description cannot yet change a code; that goes away when labelled adverts
with full descriptions from other boards make `evaluation.py --descriptions on` beat the title
ranking in the nested evaluation."""
GOLD_RERANKER_WEIGHT = GOLD_RANKER_WEIGHT
MIN_DESCRIBED_ADVERTS = 50
"""Fewer hand-coded adverts with a description than this: no description re-ranker."""


CATEGORY_SEGMENTS_KEPT = 2


def specific_category(category: str | None) -> str:
    """The most specific part of a board's category path: boards write "Sector,Specialism"
    (JobStreet) or "Sector / Field / Role" (Loker.id); the sector says little about the job."""
    text = (category or "").rsplit(",", 1)[-1]
    segments = [s.strip() for s in text.split(" / ") if s.strip()]
    if len(segments) > CATEGORY_SEGMENTS_KEPT:
        segments = segments[-CATEGORY_SEGMENTS_KEPT:]
    return " ".join(segments)


def context_text(category: str | None, normaliser: TitleNormaliser) -> str:
    """The specific part of the advert's category as a normalised string (secondary evidence)."""
    return normaliser.normalise(specific_category(category))


def prepare_reference(normaliser: TitleNormaliser) -> pl.DataFrame:
    table = references.reference_titles()
    return table.with_columns(
        pl.col("title").map_elements(normaliser.normalise, return_dtype=pl.String).alias("norm"),
        pl.col("source").alias("group"),
        (pl.lit("ref:") + pl.int_range(pl.len()).cast(pl.String)).alias("key"),
    )


def prepare_ads(
    hand: pl.DataFrame, gold: pl.DataFrame | None, normaliser: TitleNormaliser
) -> pl.DataFrame:
    """Hand-labelled and gold advert titles as index/ranker rows (norm, context_norm, key)."""
    hand_rows = hand.select(
        pl.col("title"),
        pl.col("kbji4"),
        pl.lit("").alias("category"),
        (pl.lit("hand:") + pl.int_range(pl.len()).cast(pl.String)).alias("key"),
    )
    parts = [hand_rows]
    if gold is not None and gold.height:
        parts.append(
            gold.select(
                "title",
                "kbji4",
                pl.col("category").fill_null(""),
                (pl.lit("gold:") + pl.col("id")).alias("key"),
            )
        )
    ads = pl.concat(parts)
    return ads.with_columns(
        pl.col("title").map_elements(normaliser.normalise, return_dtype=pl.String).alias("norm"),
        pl.col("category")
        .map_elements(lambda c: context_text(c, normaliser), return_dtype=pl.String)
        .alias("context_norm"),
        pl.lit("ads").alias("group"),
    ).filter(pl.col("norm") != "")


def fit_model(
    reference: pl.DataFrame,
    hand: pl.DataFrame,
    gold_train: pl.DataFrame | None,
    normaliser: TitleNormaliser,
    vectoriser: TitleVectoriser | None = None,
    with_training_signals: bool = False,
    adverts: pl.DataFrame | None = None,
) -> OccupationModel:
    """Index + ranker from reference rows, hand-labelled adverts and (training) gold adverts,
    and the description re-ranker from the hand-coded adverts with descriptions (`adverts`,
    `references.hand_labelled_adverts`) and the training gold adverts' texts.
    `with_training_signals`: also keep out-of-fold confidence signals of the hand-coded titles
    (five more ranker fits) for the confidence model."""
    ads = prepare_ads(hand, gold_train, normaliser)
    if vectoriser is None:
        # Fitted on reference and hand-labelled titles only, never on gold text.
        vectoriser = TitleVectoriser().fit(reference["norm"].to_list() + hand_norms(ads))
    index = build_index(vectoriser, reference, ads)
    ads_counts = dict(
        ads.filter(pl.col("key").str.starts_with("hand:"))["kbji4"].value_counts().iter_rows()
    )
    training = ranker_training_set(index, ads, ads_counts, GOLD_RANKER_WEIGHT)
    ranker = fit_ranker(training.features, training.labels, training.weights)
    classifier = fit_classifier(index)
    log.info(
        "fitted coder: %d index rows, %d ranker rows (%d positive)",
        len(index.rows.key),
        training.labels.size,
        int(training.labels.sum()),
    )
    model = OccupationModel(index, ranker, ads_counts, classifier, normaliser)
    if USE_DESCRIPTIONS:
        model.describer = fit_describer(model, training, ads, hand, adverts, gold_train)
    if with_training_signals:
        signals, correct = out_of_fold_signals(training)
        # Gold rows get their out-of-fold predictions from whole models fitted without them.
        model.training_signals = signals[~training.is_gold]
        model.training_correct = correct[~training.is_gold]
    return model


def gold_texts(gold: pl.DataFrame) -> list[str]:
    """`advert_text` of each gold advert (company and the start of the description)."""
    company = gold["company"] if "company" in gold.columns else pl.Series([None] * gold.height)
    description = (
        gold["description"] if "description" in gold.columns else pl.Series([None] * gold.height)
    )
    return [
        advert_text(c, d) for c, d in zip(company.to_list(), description.to_list(), strict=True)
    ]


def fit_describer(
    model: OccupationModel,
    training: RankerTrainingSet,
    ads: pl.DataFrame,
    hand: pl.DataFrame,
    adverts: pl.DataFrame | None,
    gold_train: pl.DataFrame | None,
) -> DescriptionReranker | None:
    """The description scorer and re-ranker, trained on every labelled advert with a text: the
    hand-coded adverts and the training gold adverts. An advert whose title is an index row
    (a gold advert, or a hand-coded title with the same code) takes that row's candidates and
    scores from the ranker's training set, found with the row left out of the index; any other
    advert's title is coded by the title model as a new title. Description scores are
    cross-fitted. None without enough hand-coded adverts."""
    position = {key: i for i, key in enumerate(ads["key"].to_list())}
    hand_key: dict[tuple[str, str], str] = {}
    for i, pair in enumerate(zip(hand["title"].to_list(), hand["kbji4"].to_list(), strict=True)):
        hand_key.setdefault(pair, f"hand:{i}")
    # index row (-1: none), title, text, code, is gold, employer (its adverts share a fold)
    described: list[tuple[int, str, str, str, bool, str]] = []
    if adverts is not None:
        for title, code, company, description in adverts.select(
            "title", "kbji4", "company", "description"
        ).iter_rows():
            query = position.get(hand_key.get((title, code), ""), -1)
            text = advert_text(company, description)
            if text and (query >= 0 or model.normaliser.normalise(title)):
                described.append((query, title, text, code, False, company.strip().lower()))
    if gold_train is not None and gold_train.height:
        for key, title, code, text in zip(
            gold_train["id"].to_list(),
            gold_train["title"].to_list(),
            gold_train["kbji4"].to_list(),
            gold_texts(gold_train),
            strict=True,
        ):
            query = position.get(f"gold:{key}")
            if query is not None and text:
                described.append((query, title, text, code, True, f"gold:{key}"))
    is_gold = np.asarray([row[4] for row in described], dtype=bool)
    if (~is_gold).sum() < MIN_DESCRIBED_ADVERTS:
        log.info("description re-ranker not fitted: %d hand-coded adverts", (~is_gold).sum())
        return None
    texts = [row[2] for row in described]
    truths = np.asarray([row[3] for row in described])
    scorer = DescriptionScorer().fit(texts, truths.tolist())
    scores = scorer.cross_fitted(texts, truths.tolist(), groups=[row[5] for row in described])
    queries = np.asarray([row[0] for row in described], dtype=np.int64)
    indexed = np.flatnonzero(queries >= 0)
    taken, row_of = model_module.candidates_of(
        training.candidates.query, training.truth.size, queries[indexed]
    )
    parts = [
        (
            indexed[row_of],
            training.candidates.kbji4[taken],
            model.ranker.decision_function(training.features[taken]),
        )
    ]
    new = np.flatnonzero(queries < 0)
    if new.size:
        norms = [model.normaliser.normalise(described[i][1]) for i in new]
        candidates, title_scores, _ = model.title_scores_of(norms, [""] * new.size, None)
        parts.append((new[candidates.query], candidates.kbji4, title_scores))
    rows = np.concatenate([part[0] for part in parts])
    codes = np.concatenate([part[1] for part in parts])
    title_scores = np.concatenate([part[2] for part in parts])
    features = rerank_features(title_scores, codes, scores, rows, scorer.column_of, rows)
    labels = codes == truths[rows]
    weights = np.where(is_gold[rows], GOLD_RERANKER_WEIGHT, 1.0)
    reranker = fit_reranker(features, labels, weights)
    log.info(
        "description re-ranker: %d adverts with a text (%d gold, %d titles new to the index), "
        "%d candidates",
        len(described),
        int(is_gold.sum()),
        new.size,
        labels.size,
    )
    return DescriptionReranker(scorer, reranker)


def hand_norms(ads: pl.DataFrame) -> list[str]:
    return ads.filter(pl.col("key").str.starts_with("hand:"))["norm"].to_list()


def fold_numbers(gold: pl.DataFrame, folds: int, seed: int) -> np.ndarray:
    """Fold of each gold row, stratified by source file so every fold mixes the three boards."""
    rng = np.random.default_rng(seed)
    assignment = np.zeros(gold.height, dtype=np.int64)
    sources = np.asarray(gold["source"].to_list())
    for source in sorted(set(sources)):
        members = np.flatnonzero(sources == source)
        rng.shuffle(members)
        assignment[members] = np.arange(members.size) % folds
    return assignment


def predict_frame(
    model: OccupationModel,
    titles: list[str],
    categories: list[str | None],
    texts: list[str] | None = None,
) -> pl.DataFrame:
    """Top-3 codes and raw top probability for raw titles/categories and, when given, the
    adverts' `advert_text` (no calibration)."""
    normaliser = model.normaliser
    norms = [normaliser.normalise(t) for t in titles]
    contexts = [context_text(c, normaliser) for c in categories]
    prediction = model.rank(norms, contexts, descriptions=texts)
    rows = []
    for codes, probs in zip(prediction.codes, prediction.probabilities, strict=True):
        padded = (codes + [None, None, None])[:3]
        rows.append((*padded, probs[0] if probs else 0.0))
    frame = pl.DataFrame(
        rows,
        schema={"kbji4": pl.String, "alt1": pl.String, "alt2": pl.String, "raw": pl.Float64},
        orient="row",
    )
    moved = prediction.moved if prediction.moved is not None else np.zeros(frame.height, bool)
    frame = frame.with_columns(pl.Series("context_moved", moved, dtype=pl.Boolean))
    return frame.with_columns(
        pl.Series(f"signal_{name}", prediction.signals[:, i], dtype=pl.Float64)
        for i, name in enumerate(SIGNAL_NAMES)
    )


def signal_matrix(frame: pl.DataFrame) -> np.ndarray:
    """The confidence signals of a `predict_frame` result as a matrix."""
    return frame.select(f"signal_{name}" for name in SIGNAL_NAMES).to_numpy()


def out_of_fold_raw(
    reference: pl.DataFrame,
    hand: pl.DataFrame,
    gold: pl.DataFrame,
    normaliser: TitleNormaliser,
    vectoriser: TitleVectoriser,
    folds: int,
    seed: int,
    adverts: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Predictions for every gold row from a model that never saw that row's fold, except the
    rows whose code a context rule moved (`context_rules`): the confidence model and the
    auto-code threshold are fitted on these predictions, and a moved code's signals (a code the
    title model did not rank first, yet often right) would teach it that a low probability and
    a negative margin are good news for every advert."""
    assignment = fold_numbers(gold, folds, seed)
    parts = []
    for fold in range(folds):
        # Progress: the fits take minutes in all, and each one is silent.
        log.info("occupation model: calibration fold %d of %d fitted next", fold + 1, folds)
        train = gold.filter(pl.Series(assignment != fold))
        held = gold.filter(pl.Series(assignment == fold))
        fold_model = fit_model(reference, hand, train, normaliser, vectoriser, adverts=adverts)
        predicted = predict_frame(
            fold_model, held["title"].to_list(), held["category"].to_list(), gold_texts(held)
        )
        parts.append(
            pl.concat(
                [held.select("id", "kbji4").rename({"kbji4": "truth"}), predicted], how="horizontal"
            ).with_columns(pl.lit(fold).alias("fold"))
        )
    predictions = pl.concat(parts)
    kept = predictions.filter(~pl.col("context_moved"))
    log.info(
        "out-of-fold predictions: %d gold rows, %d left out of the confidence fit (code moved by "
        "a context rule)",
        predictions.height,
        predictions.height - kept.height,
    )
    return kept


def choose_threshold(
    confidence: np.ndarray,
    correct: np.ndarray,
    target_error: float,
    prior_errors: float = PRIOR_ERRORS,
) -> float:
    """Lowest threshold whose auto-coded set has error <= target (1.0 if none qualifies),
    counting `prior_errors` extra errors among the auto-coded (see PRIOR_ERRORS)."""
    for threshold in np.unique(confidence):
        chosen = confidence >= threshold
        errors = float((~correct[chosen]).sum()) + prior_errors
        if chosen.any() and errors / (chosen.sum() + prior_errors) <= target_error:
            return float(threshold)
    return 1.0


def expected_error_threshold(confidence: np.ndarray, target_error: float) -> float:
    """Lowest threshold at which the auto-coded set's expected error, mean(1 - confidence) over
    the rows at or above it, is <= target (1.0 if none). It reads the calibrated confidences
    rather than counting errors, so it does not pick a threshold that met the target by luck."""
    # The expected error of the set above a threshold only falls as the threshold rises.
    for threshold in np.unique(confidence):
        if np.mean(1.0 - confidence[confidence >= threshold]) <= target_error:
            return float(threshold)
    return 1.0


def fit_calibrator(
    predicted: pl.DataFrame,
    correct: np.ndarray,
    training_signals: np.ndarray | None = None,
    training_correct: np.ndarray | None = None,
    method: str = CONFIDENCE_METHOD,
) -> ConfidenceModel:
    """Confidence model: its scorer fitted on out-of-fold gold predictions (`predict_frame`
    rows) and, when given, the hand-coded titles' out-of-fold signals; its calibration on the
    gold predictions only, since those are adverts like the ones to be coded."""
    gold_signals = signal_matrix(predicted)
    if training_signals is None or training_correct is None:
        return ConfidenceModel(method).fit(gold_signals, correct)
    signals = np.vstack([gold_signals, training_signals])
    outcome = np.concatenate([correct, training_correct])
    is_gold = np.arange(outcome.size) < correct.size
    weights = np.where(is_gold, GOLD_CONFIDENCE_WEIGHT, 1.0)
    return ConfidenceModel(method).fit(signals, outcome, weights, calibrate_on=is_gold)


def fit_full_model(normaliser: TitleNormaliser | None = None) -> OccupationModel:
    """The production model: everything labelled, calibrated on out-of-fold gold predictions
    and the hand-coded titles' out-of-fold signals."""
    # A fresh normaliser reads the lexicon as it is now: the process-wide one may have been
    # loaded before the lexicon changed, and the model would be cached under the new inputs.
    normaliser = normaliser or TitleNormaliser()
    reference = prepare_reference(normaliser)
    hand = references.hand_labelled_titles()
    adverts = references.hand_labelled_adverts()
    gold = references.gold_set()
    hand_ads = prepare_ads(hand, None, normaliser)
    vectoriser = TitleVectoriser().fit(reference["norm"].to_list() + hand_ads["norm"].to_list())
    oof = out_of_fold_raw(
        reference, hand, gold, normaliser, vectoriser, CALIBRATION_FOLDS, CALIBRATION_SEED, adverts
    )
    log.info("occupation model: the final fit, on every labelled title")
    full = fit_model(
        reference, hand, gold, normaliser, vectoriser, with_training_signals=True, adverts=adverts
    )
    correct = (oof["kbji4"] == oof["truth"]).fill_null(False).to_numpy()
    full.calibrator = fit_calibrator(oof, correct, full.training_signals, full.training_correct)
    confidence = full.calibrator.predict(signal_matrix(oof))
    full.auto_code_threshold = expected_error_threshold(confidence, TARGET_AUTO_CODE_ERROR)
    log.info(
        "calibrated on %d out-of-fold gold predictions and %d hand-coded titles; "
        "auto-code threshold %.3f",
        oof.height,
        len(full.training_correct),
        full.auto_code_threshold,
    )
    return full


def _digest_of(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"missing")
    return digest.hexdigest()


CODE_FILES = (
    Path(model_module.__file__),
    Path(__file__),
    Path(references.__file__),
    Path(__file__).with_name("normalise.py"),
    Path(__file__).with_name("descriptions.py"),
    Path(__file__).with_name("context_rules.py"),
)
"""The modules whose code decides the fitted model (the context rules too: the confidence model
is fitted without the gold rows they move, so a changed cue changes the threshold)."""
_CODE_DIGEST = _digest_of(list(CODE_FILES))
"""The coder's code as this process imported it: a long-running process whose code is older
than the files on disk must not cache its model under the new code's name."""


def input_paths() -> list[Path]:
    """Every data file the model is fitted from (the cache is keyed by their contents)."""
    return [
        references.TITLE_SETS_PATH,
        *references.hand_label_paths(),
        *references.hand_advert_paths(),
        references.GOLD_PATH,
        references.KBJI_DIR / "kbji2014_structure.csv",
        references.ISCO_DIR / "isco08_structure.csv",
        references.ERRATA_PATH,
        LEXICON_PATH,
    ]


def _input_fingerprint() -> str:
    # The switches are read now, not at import: a script that turns the description on or off
    # before loading a model must not get (or overwrite) the cached model of the other setting.
    switches = (
        f"descriptions={USE_DESCRIPTIONS};rescore={descriptions_module.RESCORE};"
        f"ranker={model_module.RANKER_LEARNER};departments={context_rules.DEPARTMENT_CUES}"
    )
    data = _digest_of(input_paths())
    return hashlib.sha256((_CODE_DIGEST + data + switches).encode()).hexdigest()[:16]


_CODER_DIGEST = _digest_of([Path(__file__).with_name("coder.py")])
"""`coder.py` as this process imported it (it imports this module first)."""


def coder_fingerprint() -> str:
    """The key under which a coded title or posting may be reused: the model's key (its inputs,
    code and switches) and the code that turns its scores into codes (`coder.py`), both as this
    process runs them (`coder.default_coder` reloads the model when its key changes). The
    warehouse models that keep earlier codes (`int_admin_titles_coded`,
    `int_vacancy_occupations_coded`) code everything again when it changes."""
    return hashlib.sha256((_input_fingerprint() + _CODER_DIGEST).encode()).hexdigest()[:16]


def load_model(cache_dir: Path = CACHE_DIR, rebuild: bool = False) -> OccupationModel:
    """The cached production model, fitted first if the cache is missing or stale."""
    cache_path = cache_dir / f"occupation_model_{_input_fingerprint()}.pkl"
    if cache_path.exists() and not rebuild:
        with cache_path.open("rb") as handle:
            model = pickle.load(handle)
        log.info("loaded occupation model from %s", cache_path)
        return model
    # Said up front: the first run of a clean clone is otherwise silent for minutes.
    log.info(
        "no cached occupation model for these inputs in %s: fitting one (%d fits, several "
        "minutes; later runs load it)",
        cache_dir,
        CALIBRATION_FOLDS + 1,
    )
    started = time.monotonic()
    model = fit_full_model()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("occupation_model_*.pkl"):
        stale.unlink()
    temporary = cache_path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(cache_path)
    log.info(
        "built occupation model in %.0f s and cached it at %s",
        time.monotonic() - started,
        cache_path,
    )
    return model
