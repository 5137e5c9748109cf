"""The occupation coder's model: retrieval over labelled titles, a candidate ranker, calibration.

How a title is coded:
1. The title (and, as weaker evidence, the advert's category) is normalised and turned into
   TF-IDF vectors of words, word pairs and character 3-5-grams.
2. For each group of labelled titles (hand-coded adverts and gold adverts, KBJI jabatan, ISCO
   index, ESCO labels) the nearest titles are found; every KBJI unit group they point to is a
   candidate.
3. Each candidate gets a small feature vector (best similarity per group, votes among advert
   neighbours, exact normalised match, agreement with the category, how common the group is
   among adverts) and a logistic-regression ranker, trained on adverts whose own row is left out
   of the index, scores it. Scores are turned into a distribution over candidates.
4. A confidence model (`ConfidenceModel`: logistic regression over the top probability, its
   margin over the second and whether retrieval, the word classifier and the category agree on
   the top code, then isotonic regression) maps these signals to the probability that the top
   code is right; it is fitted on out-of-fold predictions of the gold set (see `build.py`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from ingest.occupations.normalise import TitleNormaliser, default_normaliser

log = logging.getLogger(__name__)

GROUPS = ("ads", "kbji", "isco", "esco")
"""Groups of labelled titles; `ads` holds hand-coded and gold advert titles."""
NEIGHBOURS_PER_GROUP = 15
QUERY_BATCH = 1000
CHAR_NGRAMS = (3, 5)
"""Character n-gram lengths; 2-grams are shared by almost every title and made search slow."""
VOTE_POWER = 3
"""Votes among advert neighbours count sim**3, so near-identical titles outvote many loose ones."""
ROLE_WORD_BOOST = 2.0
"""Weight of role words ("manager", "helper", "lecturer") relative to other title words."""
FEATURE_NAMES = (
    [f"best_{g}" for g in GROUPS]
    + [f"second_{g}" for g in GROUPS]
    + ["ads_vote", "ads_exact", "any_exact", "ads_log_count", "category_best", "category_vote"]
    + ["n_groups", "best_overall", "role_best", "role_ads", "role_missing"]
    + ["clf_prob", "clf_is_top", "clf_log_prob", "ctx_prob", "ctx_is_top", "ctx_gain"]
)
CLASSIFIER_TOP_CANDIDATES = 3
ADS_CLASSIFIER_WEIGHT = 5.0
"""Weight of an advert title relative to a reference title when fitting the word classifier."""
CROSS_FIT_FOLDS = 5
RANK_WORDS = frozenset(
    """supervisor coordinator leader lead foreman officer executive staff assistant specialist
    associate head chief spv""".split()
)
"""Words for a rank rather than a kind of work; ISCO codes a supervisor with those supervised,
so these get no extra weight and the domain words around them decide."""
ROLE_WORDS = frozenset(
    """manager director admin clerk helper analyst engineer technician operator mechanic
    developer programmer designer consultant advisor teacher lecturer tutor instructor trainer
    driver courier cashier nurse doctor accountant auditor architect draftsman writer editor
    representative agent promoter collector surveyor inspector cook chef waiter barista cleaner
    security guard receptionist secretary translator interpreter host therapist pharmacist
    midwife scientist researcher trainee crew worker labourer attendant keeper controller
    planner estimator merchandiser tailor welder electrician carpenter painter photographer
    videographer creator strategist counsellor counselor psychologist lawyer buyer
    dentist veterinarian""".split()
)
"""Words naming the kind of worker; a neighbour that lacks the query's role words is weaker."""


@dataclass
class IndexRows:
    """Labelled titles of the index: normalised text, unit group, group name, unique key."""

    text: list[str]
    kbji4: list[str]
    group: list[str]
    key: list[str]


class TitleVectoriser:
    """Word (1-2) and character (3-5, within words) TF-IDF, concatenated and L2-normalised."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[a-z0-9]+"
        )
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True)
        # The reference titles are the same in every cross-validation fit; transform them once.
        self._cached_key: int | None = None
        self._cached_matrix: sp.csr_matrix | None = None

    def fit(self, texts: list[str]) -> TitleVectoriser:
        self.words.fit(texts)
        self.chars.fit(texts)
        return self

    def transform_cached(self, texts: list[str]) -> sp.csr_matrix:
        """`transform`, remembering the last result (used for the reference titles)."""
        key = hash(tuple(texts))
        if key != self._cached_key or self._cached_matrix is None:
            self._cached_matrix = self.transform(texts)
            self._cached_key = key
        return self._cached_matrix

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_cached_key"] = None
        state["_cached_matrix"] = None
        return state

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        words = normalize(self.words.transform(texts))
        if ROLE_WORD_BOOST != 1.0:
            words = words @ self._role_scaling()
        chars = normalize(self.chars.transform(texts))
        stacked = sp.hstack([words, chars]).tocsr()
        return normalize(stacked).astype(np.float32)

    def _role_scaling(self) -> sp.dia_matrix:
        # The kind of worker matters more than the domain words around it.
        vocabulary = self.words.vocabulary_
        scale = np.ones(len(vocabulary), dtype=np.float64)
        for term, column in vocabulary.items():
            if ROLE_WORDS.intersection(term.split()):
                scale[column] = ROLE_WORD_BOOST
        return sp.diags(scale)


@dataclass
class Neighbours:
    """Per query and group: indices into the group's rows and their cosine similarities."""

    index: dict[str, np.ndarray]
    similarity: dict[str, np.ndarray]


class TitleIndex:
    """Nearest labelled titles per group, with leave-one-out by row key."""

    def __init__(
        self, vectoriser: TitleVectoriser, rows: IndexRows, reference_count: int = 0
    ) -> None:
        self.vectoriser = vectoriser
        self.rows = rows
        self.group_rows: dict[str, np.ndarray] = {}
        self.group_matrix: dict[str, sp.csr_matrix] = {}
        group_array = np.asarray(rows.group)
        matrix = sp.vstack(
            [
                vectoriser.transform_cached(rows.text[:reference_count]),
                vectoriser.transform(rows.text[reference_count:]),
            ]
        ).tocsr()
        self.matrix = matrix
        for group in GROUPS:
            members = np.flatnonzero(group_array == group)
            self.group_rows[group] = members
            self.group_matrix[group] = matrix[members].T.tocsr()
        self.kbji4 = np.asarray(rows.kbji4)
        self.key = np.asarray(rows.key)
        self.text = np.asarray(rows.text)
        self.words = [frozenset(text.split()) for text in rows.text]

    def neighbours(
        self, queries: list[str], exclude_keys: list[str | None] | None = None
    ) -> Neighbours:
        k = NEIGHBOURS_PER_GROUP
        query_matrix = self.vectoriser.transform(queries)
        out_index = {g: np.full((len(queries), k), -1, dtype=np.int64) for g in GROUPS}
        out_sim = {g: np.zeros((len(queries), k), dtype=np.float32) for g in GROUPS}
        for start in range(0, len(queries), QUERY_BATCH):
            stop = min(start + QUERY_BATCH, len(queries))
            batch = query_matrix[start:stop]
            for group in GROUPS:
                members = self.group_rows[group]
                if members.size == 0:
                    continue
                sims = (batch @ self.group_matrix[group]).toarray()
                if exclude_keys is not None and group == "ads":
                    group_keys = self.key[members]
                    for offset, excluded in enumerate(exclude_keys[start:stop]):
                        if excluded is not None:
                            sims[offset, group_keys == excluded] = -1.0
                take = min(k, members.size)
                top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
                top_sims = np.take_along_axis(sims, top, axis=1)
                order = np.argsort(-top_sims, axis=1)
                top = np.take_along_axis(top, order, axis=1)
                top_sims = np.take_along_axis(top_sims, order, axis=1)
                out_index[group][start:stop, :take] = members[top]
                out_sim[group][start:stop, :take] = np.maximum(top_sims, 0.0)
        return Neighbours(out_index, out_sim)


@dataclass
class Candidates:
    """Candidate unit groups per query: flat arrays with a query number per candidate."""

    query: np.ndarray
    kbji4: np.ndarray
    features: np.ndarray


def _collect(
    index: TitleIndex,
    title_hits: Neighbours,
    context_hits: Neighbours | None,
    queries: list[str],
    ads_counts: dict[str, int],
    class_probs: np.ndarray | None = None,
    classes: np.ndarray | None = None,
    context_probs: np.ndarray | None = None,
) -> Candidates:
    query_numbers: list[int] = []
    codes: list[str] = []
    feature_rows: list[list[float]] = []
    column_of = {} if classes is None else {str(c): i for i, c in enumerate(classes)}
    for q, query_text in enumerate(queries):
        per_code: dict[str, dict[str, float]] = {}
        query_roles = ROLE_WORDS.intersection(query_text.split())
        for group in GROUPS:
            for rank in range(NEIGHBOURS_PER_GROUP):
                row = title_hits.index[group][q, rank]
                if row < 0:
                    break
                sim = float(title_hits.similarity[group][q, rank])
                code = index.kbji4[row]
                stats = per_code.setdefault(code, {})
                best_key, second_key = f"best_{group}", f"second_{group}"
                if sim > stats.get(best_key, 0.0):
                    stats[second_key] = stats.get(best_key, 0.0)
                    stats[best_key] = sim
                elif sim > stats.get(second_key, 0.0):
                    stats[second_key] = sim
                neighbour_words = index.words[row]
                if query_roles.issubset(neighbour_words):
                    stats["role_best"] = max(stats.get("role_best", 0.0), sim)
                    if group == "ads":
                        stats["role_ads"] = max(stats.get("role_ads", 0.0), sim)
                if group == "ads" and rank < 10:
                    stats["ads_vote"] = stats.get("ads_vote", 0.0) + sim**VOTE_POWER
                if query_text and index.text[row] == query_text:
                    stats["any_exact"] = 1.0
                    if group == "ads":
                        stats["ads_exact"] = stats.get("ads_exact", 0.0) + 1.0
        if context_hits is not None:
            for group in GROUPS:
                for rank in range(NEIGHBOURS_PER_GROUP):
                    row = context_hits.index[group][q, rank]
                    if row < 0:
                        break
                    sim = float(context_hits.similarity[group][q, rank])
                    code = index.kbji4[row]
                    if code not in per_code:
                        continue
                    stats = per_code[code]
                    stats["category_best"] = max(stats.get("category_best", 0.0), sim)
                    if rank < 5:
                        stats["category_vote"] = stats.get("category_vote", 0.0) + sim
        if class_probs is not None and classes is not None:
            row_probs = class_probs[q]
            top = np.argsort(-row_probs)[:CLASSIFIER_TOP_CANDIDATES]
            for column in top:
                per_code.setdefault(str(classes[column]), {})
            best_column = int(top[0])
            for code, stats in per_code.items():
                column = column_of.get(code)
                if column is not None:
                    stats["clf_prob"] = float(row_probs[column])
                    stats["clf_log_prob"] = float(row_probs[column] - row_probs[best_column])
                    stats["clf_is_top"] = float(column == best_column)
                else:
                    stats["clf_log_prob"] = -1.0
        if context_probs is not None and classes is not None:
            row_context = context_probs[q]
            best_context = int(np.argmax(row_context))
            per_code.setdefault(str(classes[best_context]), {})
            for code, stats in per_code.items():
                column = column_of.get(code)
                if column is not None:
                    stats["ctx_prob"] = float(row_context[column])
                    stats["ctx_is_top"] = float(column == best_context)
                    stats["ctx_gain"] = stats["ctx_prob"] - stats.get("clf_prob", 0.0)
        if not per_code:
            continue
        total_vote = sum(s.get("ads_vote", 0.0) for s in per_code.values()) or 1.0
        for code, stats in per_code.items():
            stats["ads_vote"] = stats.get("ads_vote", 0.0) / total_vote
            stats["ads_exact"] = min(stats.get("ads_exact", 0.0), 3.0)
            stats["ads_log_count"] = float(np.log1p(ads_counts.get(code, 0)))
            stats["n_groups"] = float(sum(stats.get(f"best_{g}", 0.0) > 0 for g in GROUPS))
            stats["best_overall"] = max(stats.get(f"best_{g}", 0.0) for g in GROUPS)
            stats["role_missing"] = float(stats.get("role_best", 0.0) == 0.0 and bool(query_roles))
            query_numbers.append(q)
            codes.append(code)
            feature_rows.append([stats.get(name, 0.0) for name in FEATURE_NAMES])
    features = np.asarray(feature_rows, dtype=np.float64).reshape(-1, len(FEATURE_NAMES))
    return Candidates(np.asarray(query_numbers, dtype=np.int64), np.asarray(codes), features)


def _expand(features: np.ndarray) -> np.ndarray:
    """Add squares and a few products so the linear ranker can bend where it needs to."""
    best = features[:, [FEATURE_NAMES.index(f"best_{g}") for g in GROUPS]]
    exact = features[:, [FEATURE_NAMES.index("ads_exact")]]
    vote = features[:, [FEATURE_NAMES.index("ads_vote")]]
    role = features[:, [FEATURE_NAMES.index("role_best"), FEATURE_NAMES.index("role_ads")]]
    return np.hstack([features, best**2, best[:, :1] * vote, exact * best[:, :1], role**2])


class WordClassifier:
    """Class centroids (Rocchio) over the title vectors, adverts weighted up: a group's typical
    words count even when no single labelled title is close ("lecturer" + any faculty name)."""

    def __init__(self) -> None:
        self.classes = np.asarray([], dtype=object)
        self.centroids: sp.csr_matrix | None = None

    def fit(self, matrix: sp.csr_matrix, labels: np.ndarray, weights: np.ndarray) -> WordClassifier:
        self.classes, column = np.unique(labels, return_inverse=True)
        membership = sp.csr_matrix(
            (weights, (column, np.arange(labels.size))), shape=(self.classes.size, labels.size)
        )
        self.centroids = normalize(membership @ matrix).astype(np.float32).T.tocsr()
        return self

    def probabilities(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Cosine similarity of each query to each class centroid (not normalised to 1)."""
        return (matrix @ self.centroids).toarray()


def fit_classifier(index: TitleIndex, exclude: np.ndarray | None = None) -> WordClassifier:
    """Classifier on every index row (adverts weighted up), optionally without some rows."""
    keep = np.ones(len(index.key), dtype=bool) if exclude is None else ~exclude
    is_ads = np.asarray(index.rows.group) == "ads"
    weights = np.where(is_ads, ADS_CLASSIFIER_WEIGHT, 1.0)[keep]
    return WordClassifier().fit(index.matrix[keep], index.kbji4[keep], weights)


def _aligned(probabilities: np.ndarray, own: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Re-order classifier columns from `own` classes to `target` classes (missing -> 0)."""
    position = {c: i for i, c in enumerate(own)}
    out = np.zeros((probabilities.shape[0], target.size), dtype=np.float64)
    for j, code in enumerate(target):
        i = position.get(code)
        if i is not None:
            out[:, j] = probabilities[:, i]
    return out


SIGNAL_FEATURES = ("ads_exact", "clf_is_top", "ctx_is_top", "ads_vote", "best_overall")
"""Features of the top candidate passed to the confidence model beside its probability."""
SIGNAL_NAMES = ("top_probability", "margin", *SIGNAL_FEATURES)
"""Per query: how sure the ranker is and whether retrieval, the word classifier and the category
agree on its top code (the confidence model learns how much each agreement is worth)."""


@dataclass
class Prediction:
    """Top candidates per query (codes and probabilities, best first) and confidence signals."""

    codes: list[list[str]]
    probabilities: list[list[float]]
    signals: np.ndarray | None = None


class ConfidenceModel:
    """Probability that the top code is right, from the confidence signals: a logistic
    regression over the signals, then isotonic regression of its score onto correctness so the
    output reads as a probability."""

    def __init__(self) -> None:
        self.scorer = LogisticRegression(C=1.0, max_iter=2000)
        self.isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")

    @staticmethod
    def _design(signals: np.ndarray) -> np.ndarray:
        top = np.clip(signals[:, 0], 1e-4, 1 - 1e-4)
        exact = (signals[:, SIGNAL_NAMES.index("ads_exact")] > 0).astype(np.float64)
        return np.column_stack([np.log(top / (1 - top)), signals[:, 1:], exact])

    def fit(self, signals: np.ndarray, correct: np.ndarray) -> ConfidenceModel:
        design = self._design(signals)
        self.scorer.fit(design, correct.astype(np.int64))
        self.isotonic.fit(self.scorer.decision_function(design), correct.astype(np.float64))
        return self

    def predict(self, signals: np.ndarray) -> np.ndarray:
        if signals.shape[0] == 0:
            return np.zeros(0)
        return np.clip(
            self.isotonic.predict(self.scorer.decision_function(self._design(signals))), 0.0, 1.0
        )


@dataclass
class OccupationModel:
    """A fitted coder: index, ranker and calibrator. Build it with `fit_model`."""

    index: TitleIndex
    ranker: LogisticRegression
    ads_counts: dict[str, int]
    classifier: WordClassifier
    normaliser: TitleNormaliser = field(default_factory=default_normaliser)
    calibrator: ConfidenceModel | None = None
    auto_code_threshold: float = 0.8
    """Set at build time from out-of-fold gold predictions (see `build.fit_full_model`)."""

    def rank(
        self,
        titles: list[str],
        contexts: list[str] | None = None,
        exclude_keys: list[str | None] | None = None,
    ) -> Prediction:
        """Normalised titles (and contexts) -> candidates ordered by ranker probability."""
        if exclude_keys is None:
            # Many (title, category) pairs share a title or a category: search each text once.
            title_hits = self._neighbours_of_distinct(titles)
        else:
            title_hits = self.index.neighbours(titles, exclude_keys)
        context_hits = None
        if contexts is not None:
            context_hits = self._neighbours_of_distinct(contexts)
        vectoriser = self.index.vectoriser
        class_probs = self.classifier.probabilities(vectoriser.transform(titles))
        context_probs = None
        if contexts is not None:
            context_probs = self.classifier.probabilities(
                vectoriser.transform(with_context(titles, contexts))
            )
        candidates = _collect(
            self.index,
            title_hits,
            context_hits,
            titles,
            self.ads_counts,
            class_probs,
            self.classifier.classes,
            context_probs,
        )
        codes: list[list[str]] = [[] for _ in titles]
        probabilities: list[list[float]] = [[] for _ in titles]
        signals = np.zeros((len(titles), len(SIGNAL_NAMES)), dtype=np.float64)
        if candidates.query.size == 0:
            return Prediction(codes, probabilities, signals)
        signal_columns = [FEATURE_NAMES.index(name) for name in SIGNAL_FEATURES]
        scores = self.ranker.decision_function(_expand(candidates.features))
        order = np.lexsort((-scores, candidates.query))
        boundaries = np.flatnonzero(np.diff(candidates.query[order])) + 1
        for chunk in np.split(order, boundaries):
            q = int(candidates.query[chunk[0]])
            chunk_scores = scores[chunk]
            weights = np.exp(chunk_scores - chunk_scores.max())
            probs = weights / weights.sum()
            codes[q] = candidates.kbji4[chunk].tolist()
            probabilities[q] = probs.tolist()
            signals[q, 0] = probs[0]
            signals[q, 1] = probs[0] - (probs[1] if probs.size > 1 else 0.0)
            signals[q, 2:] = candidates.features[chunk[0], signal_columns]
        return Prediction(codes, probabilities, signals)

    def _neighbours_of_distinct(self, texts: list[str]) -> Neighbours:
        return neighbours_of_distinct(self.index, texts)

    def confidence(self, signals: np.ndarray) -> np.ndarray:
        """Calibrated probability that the top code is right, from `Prediction.signals`."""
        if self.calibrator is None:
            return signals[:, 0]
        return self.calibrator.predict(signals)


def neighbours_of_distinct(index: TitleIndex, texts: list[str]) -> Neighbours:
    """`index.neighbours` searching each distinct text once."""
    distinct, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
    hits = index.neighbours([str(t) for t in distinct], None)
    return Neighbours(
        {g: a[inverse] for g, a in hits.index.items()},
        {g: a[inverse] for g, a in hits.similarity.items()},
    )


def build_index(
    vectoriser: TitleVectoriser, reference: pl.DataFrame, ads: pl.DataFrame
) -> TitleIndex:
    """Index over reference titles and advert titles; frames need norm, kbji4, group, key."""
    reference = reference.filter(pl.col("norm") != "")
    table = pl.concat(
        [
            reference.select("norm", "kbji4", "group", "key"),
            ads.select("norm", "kbji4", "group", "key").filter(pl.col("norm") != ""),
        ]
    )
    rows = IndexRows(
        table["norm"].to_list(),
        table["kbji4"].to_list(),
        table["group"].to_list(),
        table["key"].to_list(),
    )
    return TitleIndex(vectoriser, rows, reference.height)


def ranker_training_set(
    model_index: TitleIndex,
    ads: pl.DataFrame,
    ads_counts: dict[str, int],
    gold_weight: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate features for every advert row with itself left out; label = right code."""
    queries = ads["norm"].to_list()
    contexts = ads["context_norm"].to_list()
    title_hits = model_index.neighbours(queries, ads["key"].to_list())
    # Most advert rows share a category or have none: search each distinct category once.
    context_hits = neighbours_of_distinct(model_index, contexts)
    keys = ads["key"].to_list()
    class_probs = cross_fitted_probabilities(model_index, keys)
    context_probs = cross_fitted_probabilities(
        model_index, keys, model_index.vectoriser.transform(with_context(queries, contexts))
    )
    classes = np.unique(model_index.kbji4)
    candidates = _collect(
        model_index,
        title_hits,
        context_hits,
        queries,
        ads_counts,
        class_probs,
        classes,
        context_probs,
    )
    truth = np.asarray(ads["kbji4"].to_list())[candidates.query]
    labels = (candidates.kbji4 == truth).astype(np.int64)
    is_gold = np.asarray([k.startswith("gold:") for k in ads["key"].to_list()])
    weights = np.where(is_gold[candidates.query], gold_weight, 1.0)
    return _expand(candidates.features), labels, weights


def with_context(titles: list[str], contexts: list[str]) -> list[str]:
    """Title followed by its advert's category words (for the context-aware classifier)."""
    return [f"{t} {c}".strip() for t, c in zip(titles, contexts, strict=True)]


def cross_fitted_probabilities(
    index: TitleIndex, ads_keys: list[str], queries: sp.csr_matrix | None = None
) -> np.ndarray:
    """Classifier probabilities for advert rows from classifiers that did not see them;
    `queries` (one vector per advert row) replaces the rows' own title vectors."""
    classes = np.unique(index.kbji4)
    row_of_key = {key: i for i, key in enumerate(index.key)}
    ads_rows = np.asarray([row_of_key[key] for key in ads_keys])
    fold = np.arange(ads_rows.size) % CROSS_FIT_FOLDS
    out = np.zeros((ads_rows.size, classes.size), dtype=np.float64)
    for k in range(CROSS_FIT_FOLDS):
        held = ads_rows[fold == k]
        exclude = np.zeros(len(index.key), dtype=bool)
        exclude[held] = True
        classifier = fit_classifier(index, exclude)
        held_vectors = index.matrix[held] if queries is None else queries[fold == k]
        probabilities = classifier.probabilities(held_vectors)
        out[fold == k] = _aligned(probabilities, classifier.classes, classes)
    return out


def fit_ranker(features: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> LogisticRegression:
    ranker = LogisticRegression(C=1.0, max_iter=2000)
    ranker.fit(features, labels, sample_weight=weights)
    return ranker
