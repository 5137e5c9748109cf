"""What the classifications' definitions say about a title's words.

The title model learns from labelled titles; a title whose domain word no labelled title holds
("Supervisor Hatchery") is then coded by its other words alone. The KBJI 2014, ISCO-08 and ESCO
definitions name many such words ("penetasan", hatchery, in the poultry producers' group). This
module holds one document per unit group (`references.unit_group_definitions`), read with the
title normaliser, and scores a normalised title against every document by TF-IDF cosine. It
keeps only each title's best few groups, so a million titles cost a few numbers each.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from ingest.occupations.normalise import TitleNormaliser

log = logging.getLogger(__name__)

TOP_GROUPS = 5
"""Best-scoring unit groups kept per title; a candidate outside them scores 0."""
QUERY_BATCH = 2000
MAX_DOCUMENT_SHARE = 0.5
"""Words in more than this share of the documents ("tasks", "include") carry no evidence."""
INDONESIAN_STOP_WORDS = frozenset(
    """yang dan di ke dari untuk dengan dalam atau pada oleh ini itu serta adalah sebagai
    tersebut para lain lainnya termasuk mencakup meliputi tugasnya antara agar bagi juga secara
    dapat sesuai seperti terhadap melalui tentang""".split()
)


@dataclass
class DefinitionScores:
    """Per title: its best unit groups (codes, best first) and their cosines."""

    codes: np.ndarray
    """(titles, TOP_GROUPS) KBJI codes as strings; "" where a title has fewer groups."""
    similarity: np.ndarray
    """(titles, TOP_GROUPS) cosines, float32, 0 where there is no group."""


class DefinitionScorer:
    """TF-IDF over the unit groups' definition documents, queried with normalised titles."""

    def __init__(self) -> None:
        self.vectoriser = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"[a-z][a-z0-9]+",
            sublinear_tf=True,
            max_df=MAX_DOCUMENT_SHARE,
            stop_words=sorted(ENGLISH_STOP_WORDS | INDONESIAN_STOP_WORDS),
        )
        self.codes = np.asarray([], dtype=str)
        self.documents = None

    def fit(self, definitions: pl.DataFrame, normaliser: TitleNormaliser) -> DefinitionScorer:
        """`definitions`: kbji4, text (one row per unit group)."""
        texts = [normaliser.normalise(text) for text in definitions["text"].to_list()]
        matrix = self.vectoriser.fit_transform(texts)
        self.documents = normalize(matrix).astype(np.float32).T.tocsr()
        self.codes = np.asarray(definitions["kbji4"].to_list(), dtype=str)
        log.info(
            "definition scorer: %d unit groups, %d words",
            self.codes.size,
            len(self.vectoriser.vocabulary_),
        )
        return self

    def score(self, titles: list[str]) -> DefinitionScores:
        """Best unit groups of each normalised title by cosine to their definition."""
        codes = np.full((len(titles), TOP_GROUPS), "", dtype=object)
        similarity = np.zeros((len(titles), TOP_GROUPS), dtype=np.float32)
        take = min(TOP_GROUPS, self.codes.size)
        for start in range(0, len(titles), QUERY_BATCH):
            stop = min(start + QUERY_BATCH, len(titles))
            queries = normalize(self.vectoriser.transform(titles[start:stop]))
            cosines = (queries @ self.documents).toarray()
            top = np.argpartition(-cosines, take - 1, axis=1)[:, :take]
            top_cosines = np.take_along_axis(cosines, top, axis=1)
            order = np.argsort(-top_cosines, axis=1)
            top = np.take_along_axis(top, order, axis=1)
            top_cosines = np.take_along_axis(top_cosines, order, axis=1)
            found = top_cosines > 0
            codes[start:stop, :take] = np.where(found, self.codes[top], "")
            similarity[start:stop, :take] = np.where(found, top_cosines, 0.0)
        return DefinitionScores(codes.astype(str), similarity)
