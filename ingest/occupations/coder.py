"""Public API of the occupation coder: free-text job titles to KBJI 2014 and ISCO-08.

`code_titles(df)` takes a frame with `id`, `title` and optionally `category`, `company` and
`description` (other columns are ignored) and returns one row per input row:

| column | meaning |
|---|---|
| id | the input id (as text) |
| kbji4 | KBJI 2014 unit group, 4 digits as text; null when the title has no usable words |
| isco08 | ISCO-08 unit group from the KBJI-ISCO crosswalk |
| confidence | calibrated probability (0-1) that `kbji4` is right |
| kbji4_alt1, kbji4_alt2 | the next two candidates |
| is_auto_coded | confidence >= the threshold (chosen at build time); others go to a human coder |
| title_normalised | the normalised title that was coded |
| kbji4_title | Indonesian title of the unit group |

A row without a code (confidence 0) is never auto-coded, even at threshold 0.

Each distinct (normalised title, normalised category) is coded once, so a million postings with
a few tens of thousands of distinct titles cost the same as those titles. When the model has a
description scorer (`build.USE_DESCRIPTIONS`), an advert's company and the start of its
description (`descriptions.advert_text`) give the confidence model two signals of the pair's top
code, computed once per distinct text, or, with `descriptions.RESCORE`, re-score the pair's
candidates advert by advert (slower); without one they are not read.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.occupations import build as build_module
from ingest.occupations import context_rules
from ingest.occupations import descriptions as descriptions_module
from ingest.occupations.build import context_text, load_model
from ingest.occupations.descriptions import advert_text
from ingest.occupations.model import OccupationModel
from ingest.occupations.references import kbji_unit_groups

log = logging.getLogger(__name__)

DEFAULT_AUTO_CODE_THRESHOLD: float | None = None
"""None: use the threshold the model chose at build time (lowest confidence at which the expected
error of the auto-coded out-of-fold gold adverts, mean(1 - confidence), is <= 5%); pass a number
to override."""
CLI_COLUMNS = ["id", "kbji4", "isco08", "confidence", "kbji4_alt1", "kbji4_alt2", "is_auto_coded"]
OUTPUT_SCHEMA = {
    "id": pl.String,
    "kbji4": pl.String,
    "isco08": pl.String,
    "confidence": pl.Float64,
    "kbji4_alt1": pl.String,
    "kbji4_alt2": pl.String,
    "is_auto_coded": pl.Boolean,
    "title_normalised": pl.String,
    "kbji4_title": pl.String,
}
QUARANTINE_SCHEMA = {
    "row_number": pl.Int64,
    "id": pl.String,
    "field": pl.String,
    "reason": pl.String,
    "raw_value": pl.String,
}


@dataclass
class CodingResult:
    """Coded rows (one per input row) and the rows that could not be coded, with reasons."""

    coded: pl.DataFrame
    quarantine: pl.DataFrame


class OccupationCoder:
    """A loaded model plus the KBJI lookups; reuse one instance for many calls."""

    def __init__(
        self,
        model: OccupationModel | None = None,
        auto_code_threshold: float | None = DEFAULT_AUTO_CODE_THRESHOLD,
    ) -> None:
        self.model = model or load_model()
        self.auto_code_threshold = (
            self.model.auto_code_threshold if auto_code_threshold is None else auto_code_threshold
        )
        units = kbji_unit_groups()
        self.isco_of = dict(units.select("kbji4", "isco08").iter_rows())
        self.title_of = dict(units.select("kbji4", "title_id").iter_rows())

    def code(self, df: pl.DataFrame) -> CodingResult:
        """Code every row of `df` (columns `id`, `title`, optional `category`, `company`,
        `description`)."""
        missing = [c for c in ("id", "title") if c not in df.columns]
        if missing:
            raise ValueError(f"code_titles: input lacks required column(s) {missing}")
        started = time.perf_counter()
        normaliser = self.model.normaliser
        # Without a description scorer the advert's text changes nothing: do not carry it.
        reads_text = self.model.describer is not None

        def optional(name: str, wanted: bool = True) -> pl.Expr:
            present = wanted and name in df.columns
            column = pl.col(name).cast(pl.String) if present else pl.lit(None)
            return column.cast(pl.String).alias(name)

        frame = df.select(
            pl.col("id").cast(pl.String),
            pl.col("title").cast(pl.String),
            optional("category"),
            optional("company", reads_text),
            optional("description", reads_text),
        ).with_row_index("row_number", offset=1)
        frame = frame.with_columns(
            pl.col("title", "category", "company", "description").fill_null("")
        )
        # Normalise each distinct raw value once; a million postings repeat a few thousand.
        titles = frame.select("title").unique()
        titles = titles.with_columns(
            pl.Series(
                "title_normalised",
                [normaliser.normalise(t) for t in titles["title"].to_list()],
                dtype=pl.String,
            )
        )
        categories = frame.select("category").unique()
        categories = categories.with_columns(
            pl.Series(
                "context_normalised",
                [context_text(c, normaliser) for c in categories["category"].to_list()],
                dtype=pl.String,
            )
        )
        texts = frame.select("company", "description").unique()
        texts = texts.with_columns(
            pl.Series(
                "advert_text",
                [advert_text(c, d) for c, d in texts.iter_rows()],
                dtype=pl.String,
            )
        )
        # Adverts are told apart only by the characters the scorer reads (company and the start
        # of the description): one number per such text, carried instead of the text itself.
        texts = texts.with_columns(
            (pl.col("advert_text").rank("dense").cast(pl.Int64) - 1).alias("text_id")
        )
        distinct_texts = (
            texts.select("text_id", "advert_text").unique().sort("text_id")["advert_text"].to_list()
        )
        frame = (
            frame.join(titles, on="title", how="left")
            .join(categories, on="category", how="left")
            .join(texts.drop("advert_text"), on=["company", "description"], how="left")
            .drop("company", "description")
        )
        keys = ["title_normalised", "context_normalised", "text_id"]
        distinct = frame.filter(pl.col("title_normalised") != "").select(keys).unique()
        prepared = time.perf_counter()
        coded_distinct = self._code_distinct(distinct, distinct_texts)
        log.info(
            "coded %d rows through %d distinct (title, category, advert text) rows, %d distinct "
            "advert texts; normalising and grouping took %.1f s, coding %.1f s",
            frame.height,
            distinct.height,
            len(distinct_texts),
            prepared - started,
            time.perf_counter() - prepared,
        )
        coded = frame.join(coded_distinct, on=keys, how="left").sort("row_number")
        coded = coded.with_columns(
            pl.col("confidence").fill_null(0.0),
            pl.col("is_auto_coded").fill_null(False),
        )
        quarantine = self._quarantine(frame)
        return CodingResult(coded.select(list(OUTPUT_SCHEMA)), quarantine)

    def _code_distinct(self, distinct: pl.DataFrame, texts: list[str]) -> pl.DataFrame:
        """Codes and confidence of each distinct (title, category, text number) row; `texts`
        holds the advert text of each text number."""
        started = time.perf_counter()
        pair_keys = ["title_normalised", "context_normalised"]
        pairs = distinct.select(pair_keys).unique(maintain_order=True).with_row_index("pair")
        distinct = distinct.join(pairs, on=pair_keys, how="left")
        model = self.model
        if model.describer is not None and descriptions_module.RESCORE and any(texts):
            # The re-ranker changes each advert's ranking: every row gets its own candidates.
            text_rows = distinct["text_id"].to_numpy()
            prediction = model.rank(
                distinct["title_normalised"].to_list(),
                distinct["context_normalised"].to_list(),
                descriptions=[texts[i] for i in text_rows],
            )
            coded = distinct.with_columns(*self._code_columns(prediction.codes))
            signals = prediction.signals
        else:
            # The title model's ranking holds for every advert of a pair: code each pair once;
            # an advert's text adds only its signals of the pair's top code.
            prediction = model.rank(
                pairs["title_normalised"].to_list(), pairs["context_normalised"].to_list()
            )
            coded = distinct.join(
                pairs.select("pair").with_columns(*self._code_columns(prediction.codes)),
                on="pair",
                how="left",
            )
            titled = time.perf_counter()
            pair_rows, text_rows = coded["pair"].to_numpy(), coded["text_id"].to_numpy()
            # An employer or setting named in the advert can move a code of the pair's top three
            # first (ICT sales, private tuition: `context_rules`).
            chosen = context_rules.choose(
                prediction.codes, pairs["title_normalised"].to_list(), texts, pair_rows, text_rows
            )
            signals = model.description_signals(prediction, pair_rows, texts, text_rows, chosen)
            coded = _with_chosen_first(coded, chosen)
            log.info(
                "context rules moved another of the top three codes first for %d of %d rows",
                int((chosen > 0).sum()),
                coded.height,
            )
            log.info(
                "title model: %d (title, category) pairs in %.1f s; description signals of "
                "%d rows in %.1f s",
                pairs.height,
                titled - started,
                coded.height,
                time.perf_counter() - titled,
            )
        confidence = np.where(coded["kbji4"].is_null().to_numpy(), 0.0, model.confidence(signals))
        return (
            coded.with_columns(pl.Series("confidence", np.round(confidence, 4), dtype=pl.Float64))
            .with_columns(
                pl.col("kbji4").replace_strict(self.isco_of, default=None).alias("isco08"),
                pl.col("kbji4").replace_strict(self.title_of, default=None).alias("kbji4_title"),
                _auto_coded(self.auto_code_threshold),
            )
            .drop("pair")
        )

    @staticmethod
    def _code_columns(codes: list[list[str]]) -> list[pl.Series]:
        """The top code and the next two as columns (null where there are fewer)."""
        padded = [(row + [None, None, None])[:3] for row in codes]
        return [
            pl.Series(name, [row[i] for row in padded], dtype=pl.String)
            for i, name in enumerate(("kbji4", "kbji4_alt1", "kbji4_alt2"))
        ]

    @staticmethod
    def _quarantine(frame: pl.DataFrame) -> pl.DataFrame:
        empty_title = frame.filter(pl.col("title_normalised") == "").select(
            pl.col("row_number").cast(pl.Int64),
            "id",
            pl.lit("title").alias("field"),
            pl.when(pl.col("title").str.strip_chars() == "")
            .then(pl.lit("title_missing"))
            .otherwise(pl.lit("title_has_no_job_words"))
            .alias("reason"),
            pl.col("title").alias("raw_value"),
        )
        missing_id = frame.filter(pl.col("id").is_null() | (pl.col("id") == "")).select(
            pl.col("row_number").cast(pl.Int64),
            "id",
            pl.lit("id").alias("field"),
            pl.lit("id_missing").alias("reason"),
            pl.col("id").alias("raw_value"),
        )
        duplicated = frame.filter(pl.col("id").is_duplicated() & pl.col("id").is_not_null()).select(
            pl.col("row_number").cast(pl.Int64),
            "id",
            pl.lit("id").alias("field"),
            pl.lit("id_duplicated").alias("reason"),
            pl.col("id").alias("raw_value"),
        )
        return pl.concat([empty_title, missing_id, duplicated]).sort("row_number")


_DEFAULT_CODER: OccupationCoder | None = None
_DEFAULT_CODER_KEY: str | None = None


def _with_chosen_first(coded: pl.DataFrame, chosen: np.ndarray) -> pl.DataFrame:
    """`kbji4`, `kbji4_alt1`, `kbji4_alt2` with the code at position `chosen` (0-2) first and
    the others in their order."""
    position = pl.Series("position", chosen, dtype=pl.Int64)
    top, alt1, alt2 = pl.col("kbji4"), pl.col("kbji4_alt1"), pl.col("kbji4_alt2")
    return (
        coded.with_columns(position)
        .with_columns(
            pl.when(pl.col("position") == 1)
            .then(alt1)
            .when(pl.col("position") == 2)
            .then(alt2)
            .otherwise(top)
            .alias("kbji4"),
            pl.when(pl.col("position") > 0).then(top).otherwise(alt1).alias("kbji4_alt1"),
            pl.when(pl.col("position") == 2).then(alt1).otherwise(alt2).alias("kbji4_alt2"),
        )
        .drop("position")
    )


def default_coder() -> OccupationCoder:
    """A process-wide coder built from the cached model (built on first use), built again when
    the model's key has changed since (a label file edited while a long `lmis backfill` runs):
    the codes must come from the model `build.coder_fingerprint` names."""
    global _DEFAULT_CODER, _DEFAULT_CODER_KEY
    key = build_module._input_fingerprint()
    if _DEFAULT_CODER is None or key != _DEFAULT_CODER_KEY:
        _DEFAULT_CODER = OccupationCoder()
        _DEFAULT_CODER_KEY = key
    return _DEFAULT_CODER


def code_titles(df: pl.DataFrame, auto_code_threshold: float | None = None) -> pl.DataFrame:
    """One row per input row with kbji4, isco08, confidence, alternatives and the auto-code
    decision (see the module docstring). Rows without a usable title get null codes and
    confidence 0; use `OccupationCoder.code` to get them as quarantine records too."""
    coder = default_coder()
    result = coder.code(df).coded
    if auto_code_threshold is not None:
        result = result.with_columns(_auto_coded(auto_code_threshold))
    return result


def _auto_coded(threshold: float) -> pl.Expr:
    """`is_auto_coded`: a code whose confidence reaches `threshold`. A row without a code has
    confidence 0 and is never auto-coded, even at threshold 0."""
    return ((pl.col("confidence") >= threshold) & pl.col("kbji4").is_not_null()).alias(
        "is_auto_coded"
    )
