"""What an advert's description (and company) says about its unit group: a scorer and a re-ranker.

Some titles cannot be coded from the title alone: a "Staff Admin" who keeps the books is not the
one who files letters, and an intern's unit group is the trade described under "Magang". The
title model (`model.py`) ranks candidate unit groups from the title and category; this module
adjusts that ranking with the description when there is one:

1. `DescriptionScorer`: TF-IDF of words and word pairs over the company name and the start of
   the description (`advert_text`), fitted on hand-coded adverts that carry their description
   (`data/labels/occupation_adverts_*.csv`) and on the training gold adverts. For a new advert
   it gives, per unit group, the cosine to the group's centroid and the share of the votes of
   the most similar labelled descriptions.
2. `fit_reranker`: a logistic regression over each candidate's title-model score and these
   description scores, trained on the labelled adverts with descriptions (their title-model
   scores come from the title model with the advert's own title left out of its index, their
   description scores from scorers fitted without them). Its output replaces the title model's
   score for adverts that have a description; adverts without one keep the title model's.

Only the first `DESCRIPTION_CHARS` characters are read: the gold adverts' descriptions are cut to
about 150 (JobStreet 2021) or 300 (Loker.id) characters, so longer training text would teach
the scorer words it will rarely see.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

DESCRIPTION_CHARS = 300
RESCORE = False
"""False (shipped): keep the title model's ranking and pass only the description's signals of the
top code (cosine to its centroid, its share of the neighbours' votes, has the advert a text) to
the confidence model (`evaluation.py --descriptions signals`); True: re-score every candidate
with the re-ranker (`evaluation.py --descriptions on`), which lost accuracy. The signals need
only each advert text and its pair's top code, so they are computed per distinct text without
expanding candidates (`DescriptionScorer.code_scores`)."""
DESCRIPTION_NEIGHBOURS = 10
SCORE_BATCH = 5000
RERANK_FEATURE_NAMES = (
    "title_score",
    "title_gap",
    "centroid",
    "centroid_gap",
    "centroid_is_top",
    "neighbour_share",
    "neighbour_is_top",
)
SIGNAL_FEATURE_COLUMNS = [
    RERANK_FEATURE_NAMES.index("centroid"),
    RERANK_FEATURE_NAMES.index("neighbour_share"),
]
"""Description scores of a candidate that the confidence model reads for the top candidate."""
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _clean(text: str | None) -> str:
    text = html.unescape(_TAG.sub(" ", text or ""))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SPACE.sub(" ", text).strip().lower()


def advert_text(company: str | None, description: str | None) -> str:
    """Company name plus the start of the description, lower case, tags and accents removed."""
    body = _clean(description)[:DESCRIPTION_CHARS].strip()
    return " ".join(part for part in (_clean(company), body) if part)


@dataclass
class DescriptionScores:
    """Per text and unit group (columns = `DescriptionScorer.classes`): cosine to the group's
    centroid, and the group's share of the nearest labelled descriptions' votes."""

    centroid: np.ndarray
    neighbours: np.ndarray


class DescriptionScorer:
    """Centroids and nearest neighbours of labelled advert texts (`advert_text`)."""

    def __init__(self, min_df: int = 2) -> None:
        # Words in more than half of the adverts ("pengalaman", "kami", "and") say nothing.
        self.vectoriser = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=min_df,
            max_df=0.5,
            token_pattern=r"[a-z0-9]+",
        )
        self.classes = np.asarray([], dtype=str)
        self.column_of: dict[str, int] = {}
        self.centroids: sp.csr_matrix | None = None
        self.matrix: sp.csr_matrix | None = None
        self.codes = np.asarray([], dtype=np.int64)

    def fit(
        self, texts: list[str], codes: list[str], weights: np.ndarray | None = None
    ) -> DescriptionScorer:
        self.vectoriser.fit([t for t in texts if t])
        self.classes = np.unique(np.asarray(codes, dtype=str))
        self.column_of = {code: i for i, code in enumerate(self.classes)}
        self._fit_rows(self.transform(texts), np.asarray(codes, dtype=str), weights)
        return self

    def _fit_rows(self, matrix: sp.csr_matrix, codes: np.ndarray, weights: np.ndarray | None):
        has_text = np.asarray(matrix.getnnz(axis=1) > 0)
        weights = np.ones(codes.size) if weights is None else np.asarray(weights, dtype=float)
        column = np.asarray([self.column_of[c] for c in codes], dtype=np.int64)
        keep = np.flatnonzero(has_text)
        membership = sp.csr_matrix(
            (weights[keep], (column[keep], np.arange(keep.size))),
            shape=(self.classes.size, keep.size),
        )
        self.centroids = normalize(membership @ matrix[keep]).astype(np.float32).T.tocsr()
        self.matrix = matrix[keep].T.tocsr()
        self.codes = column[keep]

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return normalize(self.vectoriser.transform(texts)).astype(np.float32).tocsr()

    def scores(self, texts: list[str]) -> DescriptionScores:
        return self._scores(self.transform(texts))

    def _scores(self, queries: sp.csr_matrix) -> DescriptionScores:
        rows, width = queries.shape[0], self.classes.size
        centroid = np.zeros((rows, width), dtype=np.float32)
        shares = np.zeros((rows, width), dtype=np.float32)
        if self.centroids is None or self.codes.size == 0:
            return DescriptionScores(centroid, shares)
        take = min(DESCRIPTION_NEIGHBOURS, self.codes.size)
        for start in range(0, rows, SCORE_BATCH):
            batch = queries[start : start + SCORE_BATCH]
            centroid[start : start + batch.shape[0]] = (batch @ self.centroids).toarray()
            sims = (batch @ self.matrix).toarray()
            top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
            top_sims = np.take_along_axis(sims, top, axis=1)
            votes = np.zeros((batch.shape[0], width), dtype=np.float64)
            np.add.at(votes, (np.arange(batch.shape[0])[:, None], self.codes[top]), top_sims)
            total = votes.sum(axis=1, keepdims=True)
            total[total == 0] = 1.0
            shares[start : start + batch.shape[0]] = votes / total
        return DescriptionScores(centroid, shares)

    def code_scores(
        self, texts: list[str], text_rows: np.ndarray, columns: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row, the scores of one unit group for one text: row i reads text
        `texts[text_rows[i]]` and column `columns[i]` (-1: a group without descriptions, 0).
        Distinct texts are scored `SCORE_BATCH` at a time and only each row's column is read,
        so a million rows cost two floats each. Returns centroid cosine and neighbour share per
        row, and per text whether the scorer found anything in it (see `text_found`)."""
        text_rows = np.asarray(text_rows, dtype=np.int64)
        columns = np.asarray(columns, dtype=np.int64)
        centroid = np.zeros(text_rows.size, dtype=np.float64)
        share = np.zeros(text_rows.size, dtype=np.float64)
        found = np.zeros(len(texts), dtype=bool)
        # Rows grouped by text, so each batch of texts finds its rows with two binary searches.
        order = np.argsort(text_rows, kind="stable")
        sorted_texts = text_rows[order]
        for start in range(0, len(texts), SCORE_BATCH):
            stop = min(start + SCORE_BATCH, len(texts))
            batch = texts[start:stop]
            scores = self.scores(batch)
            found[start:stop] = text_found(batch, scores)
            low, high = np.searchsorted(sorted_texts, [start, stop])
            rows = order[low:high]
            local = sorted_texts[low:high] - start
            column = columns[rows]
            known = column >= 0
            safe = np.where(known, column, 0)
            centroid[rows] = np.where(known, scores.centroid[local, safe], 0.0)
            share[rows] = np.where(known, scores.neighbours[local, safe], 0.0)
        return centroid, share, found

    def cross_fitted(
        self,
        texts: list[str],
        codes: list[str],
        folds: int = 5,
        weights: np.ndarray | None = None,
        groups: list[str] | None = None,
    ) -> DescriptionScores:
        """Scores of the training texts, each from centroids and neighbours fitted without its
        fold (same vocabulary and columns as the scorer fitted on everything). Texts of one
        group (`groups`, e.g. the employer) share a fold: an employer's adverts repeat the same
        paragraphs, and a twin in another fold would make the description look surer than it
        will be on a new employer's advert."""
        matrix = self.transform(texts)
        codes_array = np.asarray(codes, dtype=str)
        weights = np.ones(codes_array.size) if weights is None else np.asarray(weights)
        if groups is None:
            fold = np.arange(codes_array.size) % folds
        else:
            _, group_number = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
            fold = group_number % folds
        out = DescriptionScores(
            np.zeros((codes_array.size, self.classes.size), dtype=np.float32),
            np.zeros((codes_array.size, self.classes.size), dtype=np.float32),
        )
        part = DescriptionScorer()
        part.vectoriser, part.classes = self.vectoriser, self.classes
        part.column_of = self.column_of
        for k in range(folds):
            held = np.flatnonzero(fold == k)
            kept = np.flatnonzero(fold != k)
            if held.size == 0:
                continue
            part._fit_rows(matrix[kept], codes_array[kept], weights[kept])
            scored = part._scores(matrix[held])
            out.centroid[held] = scored.centroid
            out.neighbours[held] = scored.neighbours
        return out


def text_found(texts: list[str], scores: DescriptionScores) -> np.ndarray:
    """Per text: it is not empty and some labelled description shares a word with it (a text
    of words the scorer never saw is no evidence)."""
    found = np.asarray([bool(t) for t in texts], dtype=bool)
    if scores.centroid.size:
        found &= (scores.centroid.max(axis=1) > 0) | (scores.neighbours.max(axis=1) > 0)
    return found


def _group_max(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per element, the largest value of its group."""
    _, inverse = np.unique(group, return_inverse=True)
    best = np.full(inverse.max() + 1 if inverse.size else 0, -np.inf)
    np.maximum.at(best, inverse, values)
    return best[inverse]


def rerank_features(
    title_scores: np.ndarray,
    codes: np.ndarray,
    scores: DescriptionScores,
    rows: np.ndarray | int,
    column_of: dict[str, int],
    group: np.ndarray | None = None,
) -> np.ndarray:
    """Features of candidates (one per element of `codes`): the title model's score, its gap to
    the best candidate of the same advert (`group`; default one advert), and the description
    scores of the advert's text (row `rows` of `scores`) for the candidate's unit group."""
    codes = np.asarray(codes, dtype=str)
    group = np.zeros(codes.size, dtype=np.int64) if group is None else np.asarray(group)
    rows = np.broadcast_to(np.asarray(rows, dtype=np.int64), codes.shape)
    column = np.asarray([column_of.get(c, -1) for c in codes], dtype=np.int64)
    known = column >= 0
    safe = np.where(known, column, 0)
    centroid = np.where(known, scores.centroid[rows, safe], 0.0).astype(np.float64)
    share = np.where(known, scores.neighbours[rows, safe], 0.0).astype(np.float64)
    title_scores = np.asarray(title_scores, dtype=np.float64)
    best_centroid = _group_max(centroid, group)
    best_share = _group_max(share, group)
    return np.column_stack(
        [
            title_scores,
            title_scores - _group_max(title_scores, group),
            centroid,
            centroid - best_centroid,
            ((centroid == best_centroid) & (centroid > 0)).astype(np.float64),
            share,
            ((share == best_share) & (share > 0)).astype(np.float64),
        ]
    )


def fit_reranker(
    features: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> LogisticRegression:
    reranker = LogisticRegression(C=1.0, max_iter=2000)
    reranker.fit(features, np.asarray(labels, dtype=np.int64), sample_weight=weights)
    return reranker


@dataclass
class DescriptionReranker:
    """A fitted scorer and re-ranker (see the module docstring)."""

    scorer: DescriptionScorer
    reranker: LogisticRegression

    def adjust(
        self,
        query: np.ndarray,
        codes: np.ndarray,
        title_scores: np.ndarray,
        texts: list[str],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """New scores of candidates (`query` = advert number of each candidate, `texts` one per
        advert), each candidate's description scores (columns: centroid cosine, neighbour
        share), and whether each advert has a text. Adverts without text keep their title-model
        scores. With `RESCORE` False the scores are the title model's; the coder then takes the
        lean path (`OccupationModel.rank`) and does not come here."""
        distinct, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
        scores = self.scorer.scores([str(t) for t in distinct])
        has_text = text_found([str(t) for t in distinct], scores)[inverse]
        new = np.asarray(title_scores, dtype=np.float64).copy()
        description = np.zeros((codes.size, 2), dtype=np.float64)
        chosen = has_text[query]
        if chosen.any():
            features = rerank_features(
                title_scores[chosen],
                codes[chosen],
                scores,
                inverse[query[chosen]],
                self.scorer.column_of,
                query[chosen],
            )
            if RESCORE:
                new[chosen] = self.reranker.decision_function(features)
            description[chosen] = features[:, SIGNAL_FEATURE_COLUMNS]
        return new, description, has_text
