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
   margin over the second, whether retrieval, the word classifier and the category agree on
   the top code and how many of the title's words no labelled title has, then Platt scaling)
   maps these signals to the probability that the top code is right; the regression is fitted
   on out-of-fold predictions of the gold set and of the hand-coded titles, the scaling on the
   gold ones only (see `build.py`).
Optionally (`OccupationModel.describer`, `descriptions.py`) an advert's company and description
re-score the candidates of its title before step 4.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from ingest.occupations import context_rules
from ingest.occupations import descriptions as descriptions_module
from ingest.occupations.descriptions import DescriptionReranker
from ingest.occupations.normalise import TitleNormaliser, default_normaliser

log = logging.getLogger(__name__)

GROUPS = ("ads", "kbji", "isco", "esco")
"""Groups of labelled titles; `ads` holds hand-coded and gold advert titles."""
NEIGHBOURS_PER_GROUP = 15
QUERY_BATCH = 1000
EXPAND_BATCH = 20000
"""Rows re-scored with their descriptions at a time (bounds the memory of their candidates)."""
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
) | frozenset("bus truck motorcycle forklift excavator crane tractor".split())
"""Words naming the kind of worker; a neighbour that lacks the query's role words is weaker.
Vehicle words that move a driver or operator out of the car drivers' group count too (a bus
driver is 8331, not 8322 like the many car drivers among the hand-coded adverts); "taxi" does
not, since taxi drivers are car drivers."""


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
        self.word_rows: dict[str, int] = {}
        for words in self.words:
            for word in words:
                self.word_rows[word] = self.word_rows.get(word, 0) + 1
        self.row_of_key = {key: i for i, key in enumerate(rows.key)}
        self.role_bits = _role_bits(self.words)
        self.text_id: dict[str, int] = {}
        for text in rows.text:
            self.text_id.setdefault(text, len(self.text_id))
        self.text_ids = np.asarray([self.text_id[text] for text in rows.text], dtype=np.int64)

    def unknown_share(
        self, queries: list[str], exclude_keys: list[str | None] | None = None
    ) -> np.ndarray:
        """Share of each query's words found in no labelled title (its own row left out): text
        unlike any job title ("asdf qwerty", a URL) should not look as sure as a known title."""
        out = np.zeros(len(queries), dtype=np.float64)
        for q, query in enumerate(queries):
            words = set(query.split())
            if not words:
                continue
            own: frozenset[str] = frozenset()
            if exclude_keys is not None and exclude_keys[q] is not None:
                row = self.row_of_key.get(exclude_keys[q])
                own = self.words[row] if row is not None else own
            unknown = sum(self.word_rows.get(w, 0) - (w in own) <= 0 for w in words)
            out[q] = unknown / len(words)
        return out

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


ROLE_LIST = sorted(ROLE_WORDS)
ROLE_BIT = {word: 1 << position for position, word in enumerate(ROLE_LIST)}


def _role_bits(word_sets: list[frozenset[str]] | list[set[str]]) -> np.ndarray:
    """Role words of each text as bits in two 64-bit words (there are fewer than 128)."""
    bits = np.zeros((len(word_sets), 2), dtype=np.uint64)
    for i, words in enumerate(word_sets):
        value = 0
        for word in words:
            value |= ROLE_BIT.get(word, 0)
        if value:
            bits[i, 0] = value & 0xFFFFFFFFFFFFFFFF
            bits[i, 1] = value >> 64
    return bits


@dataclass
class _Hits:
    """Neighbours flattened to one entry per (query, group, rank) with a valid row."""

    query: np.ndarray
    rank: np.ndarray
    row: np.ndarray
    similarity: np.ndarray
    group: np.ndarray


def _flatten(hits: Neighbours) -> _Hits:
    parts = []
    for number, group in enumerate(GROUPS):
        rows = hits.index[group]
        queries, ranks = np.nonzero(rows >= 0)
        parts.append(
            (
                queries,
                ranks,
                rows[queries, ranks],
                hits.similarity[group][queries, ranks].astype(np.float64),
                np.full(queries.size, number, dtype=np.int64),
            )
        )
    return _Hits(*(np.concatenate(columns) for columns in zip(*parts, strict=True)))


def _second_largest(position: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per position, the second largest of its values (ties count twice; 0 if fewer than two)."""
    out = np.zeros(size, dtype=np.float64)
    if position.size == 0:
        return out
    order = np.lexsort((-values, position))
    sorted_position, sorted_values = position[order], values[order]
    first = np.flatnonzero(np.r_[True, sorted_position[1:] != sorted_position[:-1]])
    has_second = first + 1 < sorted_position.size
    has_second[has_second] = (
        sorted_position[first[has_second] + 1] == sorted_position[first[has_second]]
    )
    out[sorted_position[first[has_second]]] = sorted_values[first[has_second] + 1]
    return out


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
    """Candidate unit groups of every query and their features, in array operations: every
    code among a query's neighbours, the word classifier's top codes with and without the
    category. Candidates come out ordered by query, then code."""
    n_queries = len(queries)
    class_codes = np.asarray([], dtype=str) if classes is None else np.asarray(classes, dtype=str)
    universe = np.unique(np.concatenate([index.kbji4.astype(str), class_codes]))
    n_codes = universe.size
    code_of_row = np.searchsorted(universe, index.kbji4.astype(str))
    column_of_code = np.full(n_codes, -1, dtype=np.int64)
    column_of_code[np.searchsorted(universe, class_codes)] = np.arange(class_codes.size)

    hits = _flatten(title_hits)
    hit_keys = hits.query * n_codes + code_of_row[hits.row]
    neighbour_keys = np.unique(hit_keys)
    key_sets = [neighbour_keys]
    top_columns = best_column = best_context = None
    if class_probs is not None and classes is not None:
        top_columns = np.argsort(-class_probs, axis=1)[:, :CLASSIFIER_TOP_CANDIDATES]
        best_column = top_columns[:, 0]
        class_code = np.searchsorted(universe, class_codes)
        key_sets.append((np.arange(n_queries)[:, None] * n_codes + class_code[top_columns]).ravel())
    before_context = np.unique(np.concatenate(key_sets))
    if context_probs is not None and classes is not None:
        best_context = np.argmax(context_probs, axis=1)
        class_code = np.searchsorted(universe, class_codes)
        key_sets.append(np.arange(n_queries) * n_codes + class_code[best_context])
    keys = np.unique(np.concatenate(key_sets))
    query = keys // n_codes
    code = keys % n_codes
    size = keys.size
    feature = {name: np.zeros(size, dtype=np.float64) for name in FEATURE_NAMES}
    position = np.searchsorted(keys, hit_keys)

    query_words = [set(text.split()) for text in queries]
    query_roles = _role_bits(query_words)
    row_roles = index.role_bits
    missing_roles = query_roles[hits.query] & ~row_roles[hits.row]
    covers_roles = (missing_roles == 0).all(axis=1)
    is_ads = hits.group == GROUPS.index("ads")
    for number, group in enumerate(GROUPS):
        in_group = hits.group == number
        np.maximum.at(feature[f"best_{group}"], position[in_group], hits.similarity[in_group])
        feature[f"second_{group}"] = _second_largest(
            position[in_group], hits.similarity[in_group], size
        )
    np.maximum.at(feature["role_best"], position[covers_roles], hits.similarity[covers_roles])
    role_ads = covers_roles & is_ads
    np.maximum.at(feature["role_ads"], position[role_ads], hits.similarity[role_ads])
    # Advert titles that all lack a kind of worker the query names ("driver bus" among many
    # car-driver adverts and no bus-driver advert) say nothing about its code: no votes then.
    has_roles = (query_roles != 0).any(axis=1)
    ads_cover = np.bincount(hits.query[is_ads & covers_roles], minlength=n_queries) > 0
    votes_count = ads_cover | ~has_roles
    voting = is_ads & (hits.rank < 10) & votes_count[hits.query]
    np.add.at(feature["ads_vote"], position[voting], hits.similarity[voting] ** VOTE_POWER)
    query_text_id = np.asarray([index.text_id.get(text, -1) if text else -1 for text in queries])
    exact = index.text_ids[hits.row] == query_text_id[hits.query]
    feature["any_exact"][position[exact]] = 1.0
    np.add.at(feature["ads_exact"], position[exact & is_ads], 1.0)

    if context_hits is not None:
        context = _flatten(context_hits)
        context_keys = context.query * n_codes + code_of_row[context.row]
        # Only codes the title's own neighbours proposed get category evidence.
        known = np.isin(context_keys, neighbour_keys)
        at = np.searchsorted(keys, context_keys[known])
        np.maximum.at(feature["category_best"], at, context.similarity[known])
        voting = context.rank[known] < 5
        np.add.at(feature["category_vote"], at[voting], context.similarity[known][voting])

    column = column_of_code[code]
    has_column = column >= 0
    safe_column = np.where(has_column, column, 0)
    if top_columns is not None:
        # A code the category alone proposed was added after these were set, as it always was.
        scored = np.isin(keys, before_context)
        with_column = scored & has_column
        clf_prob = class_probs[query, safe_column]
        # The difference is taken in the probabilities' own precision, as it always was.
        below_best = (clf_prob - class_probs[query, best_column[query]]).astype(np.float64)
        feature["clf_prob"] = np.where(with_column, clf_prob.astype(np.float64), 0.0)
        feature["clf_log_prob"] = np.where(with_column, below_best, np.where(scored, -1.0, 0.0))
        feature["clf_is_top"] = (with_column & (column == best_column[query])).astype(np.float64)
    if best_context is not None:
        ctx_prob = np.where(has_column, context_probs[query, safe_column].astype(np.float64), 0.0)
        feature["ctx_prob"] = ctx_prob
        feature["ctx_is_top"] = (has_column & (column == best_context[query])).astype(np.float64)
        feature["ctx_gain"] = np.where(has_column, ctx_prob - feature["clf_prob"], 0.0)

    total_vote = np.bincount(query, weights=feature["ads_vote"], minlength=n_queries)
    total_vote[total_vote == 0] = 1.0
    feature["ads_vote"] = feature["ads_vote"] / total_vote[query]
    feature["ads_exact"] = np.minimum(feature["ads_exact"], 3.0)
    counts = np.asarray([ads_counts.get(str(c), 0) for c in universe], dtype=np.float64)
    feature["ads_log_count"] = np.log1p(counts)[code]
    best = np.column_stack([feature[f"best_{g}"] for g in GROUPS])
    feature["n_groups"] = (best > 0).sum(axis=1).astype(np.float64)
    feature["best_overall"] = best.max(axis=1)
    feature["role_missing"] = ((feature["role_best"] == 0.0) & has_roles[query]).astype(np.float64)
    features = np.column_stack([feature[name] for name in FEATURE_NAMES])
    return Candidates(query.astype(np.int64), universe[code], features)


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
SIGNAL_NAMES = (
    "top_probability",
    "margin",
    *SIGNAL_FEATURES,
    "unknown_share",
    "description_centroid",
    "description_share",
    "has_description",
)
"""Per query: how sure the ranker is, whether retrieval, the word classifier and the category
agree on its top code, how much of the title no labelled title knows, and what the advert's
description says of the top code: the cosine to the code's centroid of labelled descriptions and
the code's share of the nearest labelled descriptions' votes (the confidence model learns how
much each is worth)."""
DESCRIPTION_SIGNALS = [
    SIGNAL_NAMES.index("description_centroid"),
    SIGNAL_NAMES.index("description_share"),
]
CALIBRATION_METHODS = ("platt", "isotonic")


@dataclass
class Prediction:
    """Top candidates per query (codes and probabilities, best first) and confidence signals."""

    codes: list[list[str]]
    probabilities: list[list[float]]
    signals: np.ndarray | None = None
    moved: np.ndarray | None = None
    """Per query: a context rule put a lower-ranked code first (`context_rules`); None: none."""


def _prediction(
    candidates: Candidates,
    scores: np.ndarray,
    queries: int,
    unknown: np.ndarray,
    description: np.ndarray | None = None,
    has_description: np.ndarray | None = None,
) -> Prediction:
    """Ranker scores of the candidates -> per query codes, probabilities and signals;
    `description` (per candidate: centroid cosine, neighbour share) and `has_description` (per
    query) come from the description re-ranker when the adverts have descriptions."""
    codes: list[list[str]] = [[] for _ in range(queries)]
    probabilities: list[list[float]] = [[] for _ in range(queries)]
    signals = np.zeros((queries, len(SIGNAL_NAMES)), dtype=np.float64)
    signals[:, SIGNAL_NAMES.index("unknown_share")] = unknown
    if has_description is not None:
        signals[:, SIGNAL_NAMES.index("has_description")] = has_description
    if candidates.query.size == 0:
        return Prediction(codes, probabilities, signals)
    signal_columns = [FEATURE_NAMES.index(name) for name in SIGNAL_FEATURES]
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
        signals[q, 2 : 2 + len(SIGNAL_FEATURES)] = candidates.features[chunk[0], signal_columns]
        if description is not None:
            signals[q, DESCRIPTION_SIGNALS] = description[chunk[0]]
    return Prediction(codes, probabilities, signals)


def _move_signals(
    signals: np.ndarray, prediction: Prediction, pair_rows: np.ndarray, chosen: np.ndarray
) -> None:
    """In place: the signals of each row whose first code a context rule took from lower down
    its pair's ranking (`chosen` > 0) describe that code: its probability, its margin over the
    title model's first code (negative), and none of the agreement signals, which were the first
    code's. The confidence model has seen no such row, so it gives them a low confidence."""
    for row in np.flatnonzero(chosen):
        probabilities = prediction.probabilities[pair_rows[row]]
        position = chosen[row]
        signals[row, 0] = probabilities[position]
        signals[row, 1] = probabilities[position] - probabilities[0]
        signals[row, 2 : 2 + len(SIGNAL_FEATURES)] = 0.0


def _reordered(
    prediction: Prediction, pair_rows: np.ndarray, chosen: np.ndarray, signals: np.ndarray
) -> Prediction:
    """One entry per row: its pair's codes and probabilities with the chosen code first."""
    rows = list(zip(pair_rows.tolist(), chosen.tolist(), strict=True))
    return Prediction(
        [context_rules.reorder(prediction.codes[p], c) for p, c in rows],
        [context_rules.reorder(prediction.probabilities[p], c) for p, c in rows],
        signals,
        chosen > 0,
    )


class ConfidenceModel:
    """Probability that the top code is right, from the confidence signals.

    Two stages. A logistic regression over the signals ranks predictions by how likely they are
    right; it can be fitted on many rows (out-of-fold predictions of the hand-coded titles as
    well as of gold adverts). A one-dimensional calibration of its score, fitted only on rows
    like the adverts to be coded (out-of-fold gold predictions, `calibrate_on`), turns the score
    into a probability: Platt scaling (two parameters, smooth, so the top of the scale is not
    set by a few lucky adverts) or isotonic regression."""

    def __init__(self, method: str = "platt") -> None:
        if method not in CALIBRATION_METHODS:
            raise ValueError(f"unknown calibration method {method!r}")
        self.method = method
        self.scorer = LogisticRegression(C=1.0, max_iter=2000)
        self.isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        self.platt = LogisticRegression(C=1e4, max_iter=2000)

    @staticmethod
    def _design(signals: np.ndarray) -> np.ndarray:
        top = np.clip(signals[:, 0], 1e-4, 1 - 1e-4)
        exact = (signals[:, SIGNAL_NAMES.index("ads_exact")] > 0).astype(np.float64)
        return np.column_stack([np.log(top / (1 - top)), signals[:, 1:], exact])

    def fit(
        self,
        signals: np.ndarray,
        correct: np.ndarray,
        sample_weight: np.ndarray | None = None,
        calibrate_on: np.ndarray | None = None,
    ) -> ConfidenceModel:
        """`calibrate_on`: rows (boolean mask) for the calibration stage; default all."""
        design = self._design(signals)
        labels = correct.astype(np.int64)
        self.scorer.fit(design, labels, sample_weight=sample_weight)
        mask = np.ones(labels.size, dtype=bool) if calibrate_on is None else calibrate_on
        score = self.scorer.decision_function(design[mask])
        if self.method == "platt":
            self.platt.fit(score.reshape(-1, 1), labels[mask])
        else:
            self.isotonic.fit(score, labels[mask].astype(np.float64))
        return self

    def predict(self, signals: np.ndarray) -> np.ndarray:
        """Calibrated confidence, at most the share of the title's words that some labelled
        title has: the training rows hold almost no text unlike every job title, so the fitted
        models cannot learn that "asdf qwerty" deserves no trust; this cap says it."""
        if signals.shape[0] == 0:
            return np.zeros(0)
        score = self.scorer.decision_function(self._design(signals))
        if self.method == "platt":
            calibrated = self.platt.predict_proba(score.reshape(-1, 1))[:, 1]
        else:
            calibrated = self.isotonic.predict(score)
        known = 1.0 - signals[:, SIGNAL_NAMES.index("unknown_share")]
        return np.clip(np.minimum(calibrated, known), 0.0, 1.0)


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
    training_signals: np.ndarray | None = None
    """Out-of-fold confidence signals of the hand-coded advert titles (`out_of_fold_signals`)."""
    training_correct: np.ndarray | None = None
    describer: DescriptionReranker | None = None
    """Re-ranks the candidates of adverts with a description (`descriptions.py`)."""

    def rank(
        self,
        titles: list[str],
        contexts: list[str] | None = None,
        exclude_keys: list[str | None] | None = None,
        descriptions: list[str] | None = None,
    ) -> Prediction:
        """Normalised titles (and contexts, and `advert_text` of company and description) ->
        candidates ordered by probability. The title model runs once per distinct (title,
        context); the description re-scores that pair's candidates (`descriptions.RESCORE`) or
        only adds its signals of the pair's top code, once per distinct text."""
        if descriptions is None or self.describer is None or not any(descriptions):
            candidates, scores, unknown = self.title_scores_of(titles, contexts, exclude_keys)
            prediction = _prediction(candidates, scores, len(titles), unknown)
            if exclude_keys is not None:  # a training title scored for the confidence model
                return prediction
            rows = np.arange(len(titles), dtype=np.int64)
            chosen = context_rules.choose(prediction.codes, titles, [], rows, np.zeros_like(rows))
            _move_signals(prediction.signals, prediction, rows, chosen)
            return _reordered(prediction, rows, chosen, prediction.signals)
        if exclude_keys is not None:
            raise ValueError("rank: descriptions cannot be combined with exclude_keys")
        pair_of: dict[tuple[str, str], int] = {}
        pair_rows = np.asarray(
            [
                pair_of.setdefault((t, c), len(pair_of))
                for t, c in zip(titles, contexts or [""] * len(titles), strict=True)
            ],
            dtype=np.int64,
        )
        pairs = list(pair_of)
        candidates, scores, unknown = self.title_scores_of(
            [t for t, _ in pairs], None if contexts is None else [c for _, c in pairs], None
        )
        if descriptions_module.RESCORE:
            # TODO(7): the context rules are not applied after the re-ranker, which is off; they
            # go in here if `RESCORE` is turned on.
            return self._with_descriptions(candidates, scores, unknown, pair_rows, descriptions)
        text_of: dict[str, int] = {}
        text_rows = np.asarray(
            [text_of.setdefault(text, len(text_of)) for text in descriptions], dtype=np.int64
        )
        pair_prediction = _prediction(candidates, scores, len(pairs), unknown)
        distinct_texts = list(text_of)
        chosen = context_rules.choose(
            pair_prediction.codes, [t for t, _ in pairs], distinct_texts, pair_rows, text_rows
        )
        signals = self.description_signals(
            pair_prediction, pair_rows, distinct_texts, text_rows, chosen
        )
        return _reordered(pair_prediction, pair_rows, chosen, signals)

    def description_signals(
        self,
        pair_prediction: Prediction,
        pair_rows: np.ndarray,
        texts: list[str],
        text_rows: np.ndarray,
        chosen: np.ndarray | None = None,
    ) -> np.ndarray:
        """Confidence signals of adverts whose (title, category) pair was coded by the title
        model alone (`pair_prediction`, one entry per pair): row i is pair `pair_rows[i]` with
        text `texts[text_rows[i]]`. Its pair's signals plus the text's description scores for
        the row's first code: the pair's top code, or the one at position `chosen[i]` of the
        pair's codes where a context rule chose it (`context_rules.choose`). No other candidate
        is looked at, so the memory is a few numbers per row whatever the number of candidates."""
        signals = pair_prediction.signals[pair_rows]
        if chosen is None:
            chosen = np.zeros(pair_rows.size, dtype=np.int64)
        _move_signals(signals, pair_prediction, pair_rows, chosen)
        if self.describer is None:
            return signals
        column_of = self.describer.scorer.column_of
        top_column = np.asarray(
            [column_of.get(codes[0], -1) if codes else -1 for codes in pair_prediction.codes],
            dtype=np.int64,
        )
        row_column = top_column[pair_rows]
        for row in np.flatnonzero(chosen):
            code = pair_prediction.codes[pair_rows[row]][chosen[row]]
            row_column[row] = column_of.get(code, -1)
        centroid, share, found = self.describer.scorer.code_scores(texts, text_rows, row_column)
        has_text = found[text_rows]
        signals[:, DESCRIPTION_SIGNALS[0]] = np.where(has_text, centroid, 0.0)
        signals[:, DESCRIPTION_SIGNALS[1]] = np.where(has_text, share, 0.0)
        signals[:, SIGNAL_NAMES.index("has_description")] = has_text
        return signals

    def _with_descriptions(
        self,
        candidates: Candidates,
        scores: np.ndarray,
        unknown: np.ndarray,
        pair_rows: np.ndarray,
        descriptions: list[str],
    ) -> Prediction:
        """Per row: its pair's candidates re-scored with the row's description (in batches,
        so a million rows do not hold all their candidates' features at once)."""
        parts = []
        for begin in range(0, pair_rows.size, EXPAND_BATCH):
            rows = pair_rows[begin : begin + EXPAND_BATCH]
            taken, row_of = candidates_of(candidates.query, unknown.size, rows)
            expanded = Candidates(row_of, candidates.kbji4[taken], candidates.features[taken])
            new_scores, description, has_text = self.describer.adjust(
                row_of, expanded.kbji4, scores[taken], descriptions[begin : begin + rows.size]
            )
            parts.append(
                _prediction(expanded, new_scores, rows.size, unknown[rows], description, has_text)
            )
        return Prediction(
            [codes for part in parts for codes in part.codes],
            [probs for part in parts for probs in part.probabilities],
            np.vstack([part.signals for part in parts]),
        )

    def title_scores_of(
        self,
        titles: list[str],
        contexts: list[str] | None,
        exclude_keys: list[str | None] | None,
    ) -> tuple[Candidates, np.ndarray, np.ndarray]:
        """The title model: candidates, their ranker scores, and each title's unknown share."""
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
        scores = (
            self.ranker.decision_function(_expand(candidates.features))
            if candidates.query.size
            else np.zeros(0)
        )
        unknown = self.index.unknown_share(titles, exclude_keys)
        return candidates, scores, unknown

    def _neighbours_of_distinct(self, texts: list[str]) -> Neighbours:
        return neighbours_of_distinct(self.index, texts)

    def confidence(self, signals: np.ndarray) -> np.ndarray:
        """Calibrated probability that the top code is right, from `Prediction.signals`."""
        if self.calibrator is None:
            return signals[:, 0]
        return self.calibrator.predict(signals)


def candidates_of(
    query: np.ndarray, queries: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the candidates of each of `rows` (query numbers, repeats allowed) in
    candidate arrays ordered by query, and the number (0..len(rows)-1) of the row each is for."""
    counts = np.bincount(query, minlength=queries)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    per_row = counts[rows]
    row_of = np.repeat(np.arange(rows.size), per_row)
    offset = np.arange(per_row.sum()) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return starts[rows][row_of] + offset, row_of


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


@dataclass
class RankerTrainingSet:
    """Candidates of every advert row (its own row left out of the index), their labels and
    weights, and what is needed to turn ranker scores back into per-row predictions."""

    candidates: Candidates
    labels: np.ndarray
    weights: np.ndarray
    truth: np.ndarray
    unknown: np.ndarray
    is_gold: np.ndarray

    @property
    def features(self) -> np.ndarray:
        return _expand(self.candidates.features)


def ranker_training_set(
    model_index: TitleIndex,
    ads: pl.DataFrame,
    ads_counts: dict[str, int],
    gold_weight: float,
) -> RankerTrainingSet:
    """Candidate features for every advert row with itself left out; label = right code."""
    queries = ads["norm"].to_list()
    contexts = ads["context_norm"].to_list()
    keys = ads["key"].to_list()
    title_hits = model_index.neighbours(queries, keys)
    # Most advert rows share a category or have none: search each distinct category once.
    context_hits = neighbours_of_distinct(model_index, contexts)
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
    truth = np.asarray(ads["kbji4"].to_list())
    labels = (candidates.kbji4 == truth[candidates.query]).astype(np.int64)
    is_gold = np.asarray([k.startswith("gold:") for k in keys], dtype=bool)
    weights = np.where(is_gold[candidates.query], gold_weight, 1.0)
    unknown = model_index.unknown_share(queries, keys)
    return RankerTrainingSet(candidates, labels, weights, truth, unknown, is_gold)


def out_of_fold_signals(
    training: RankerTrainingSet, folds: int = CROSS_FIT_FOLDS
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence signals of every advert row from rankers that did not train on that row
    (its features already leave the row out), and whether its top code is right. These give
    the confidence model thousands of realistic predictions beside the few hundred gold ones."""
    queries = training.truth.size
    features = training.features
    fold_of_query = np.arange(queries) % folds
    scores = np.zeros(training.labels.size, dtype=np.float64)
    candidate_fold = fold_of_query[training.candidates.query]
    for k in range(folds):
        held = candidate_fold == k
        ranker = fit_ranker(features[~held], training.labels[~held], training.weights[~held])
        scores[held] = ranker.decision_function(features[held])
    prediction = _prediction(training.candidates, scores, queries, training.unknown)
    top = np.asarray([codes[0] if codes else "" for codes in prediction.codes])
    return prediction.signals, top == training.truth


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


RANKER_LEARNERS = ("logistic", "boosted")
RANKER_LEARNER = "logistic"
"""The ranker's learner: `logistic` (shipped) or `boosted` (gradient-boosted trees on every
right candidate and a quarter of the wrong ones; tried and not kept: model card, "Eleventh
round").
Read when a ranker is fitted, so the evaluation can switch it (`evaluation.py --ranker`)."""
BOOSTED_WRONG_SHARE = 0.25
"""Share of the wrong candidates a boosted ranker is fitted on (weighted up by its inverse):
wrong candidates are about 23 of every 24, and a tree fit costs per row."""


def fit_ranker(
    features: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> LogisticRegression | HistGradientBoostingClassifier:
    """A pointwise ranker: the probability that a candidate is the right code, from its
    features; only `decision_function` is used (`_prediction` turns it into probabilities)."""
    if RANKER_LEARNER == "boosted":
        draw = np.random.default_rng(0).random(labels.size)
        taken = (labels == 1) | (draw < BOOSTED_WRONG_SHARE)
        scaled = np.where(labels == 1, weights, weights / BOOSTED_WRONG_SHARE)
        boosted = HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False, random_state=0
        )
        return boosted.fit(features[taken], labels[taken], sample_weight=scaled[taken])
    if RANKER_LEARNER != "logistic":
        raise ValueError(f"RANKER_LEARNER must be one of {RANKER_LEARNERS}, not {RANKER_LEARNER!r}")
    ranker = LogisticRegression(C=1.0, max_iter=2000)
    ranker.fit(features, labels, sample_weight=weights)
    return ranker
