"""Labelled titles the occupation coder learns from, read from the shipped reference data.

Every row is (title, kbji4, source). Sources differ in how much they look like job adverts, so
the coder keeps them apart and learns how far to trust each:

- `kbji`: KBJI 2014 jabatan titles and unit-group titles (Indonesian, official wording);
- `isco`: the ILO index of titles (re-ordered from "Writer, technical" to "technical writer"),
  ISCO-08 unit-group titles and their "included occupations" examples (English);
- `esco`: ESCO v1.2 occupation preferred and alternative labels, mapped through ESCO's ISCO group;
- `labelled_ads`: advert titles from sources outside the evaluation files, coded by hand
  (every `data/labels/occupation_titles_*.csv`, and the titles of the hand-coded adverts in
  `data/labels/occupation_adverts_*.csv`, see the README there);
- `gold`: the development gold set (`data/goldset/dev.csv`), only the rows a caller allows.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import polars as pl

from orchestration.settings import DATA_DIR, DBT_PROJECT_DIR

log = logging.getLogger(__name__)

KBJI_DIR = DATA_DIR / "reference" / "kbji2014"
ISCO_DIR = DATA_DIR / "reference" / "isco08"
TITLE_SETS_PATH = (
    DATA_DIR / "reference" / "occupation_title_sets" / "occupation_titles_labelled.csv.gz"
)
HAND_LABELS_DIR = DATA_DIR / "labels"
HAND_LABELS_GLOB = "occupation_titles_*.csv"
HAND_LABELS_PATH = HAND_LABELS_DIR / "occupation_titles_other_sources.csv"
"""The first hand-coded file; later batches sit beside it and are read by the same glob."""
HAND_ADVERTS_GLOB = "occupation_adverts_*.csv"
"""Hand-coded adverts with the company and description they were coded from."""
TITLE_LABEL_BASES = ("title",)
"""Hand-coded adverts (by `basis`) that are title labels too: only those the title alone decides.
An advert coded from its description says what that advert is, not what its title means; as a
title label it would contradict the title batches, which skipped such titles."""
ADVERT_COLUMNS = ["source", "advert_id", "title", "company", "description", "kbji4", "basis"]
GOLD_PATH = DATA_DIR / "goldset" / "dev.csv"
ERRATA_PATH = DBT_PROJECT_DIR / "seeds" / "reference_errata.csv"
"""Known typos of the reference files as received (the warehouse's staging models read it too)."""

# ISCO-08 unit groups with no identical KBJI code (see kbji2014/PROVENANCE.md): armed forces are
# split by branch in KBJI, police sit in major group 0. Map each to the KBJI group closest in rank.
ISCO_TO_KBJI_EXCEPTIONS = {
    "0110": "0111",
    "0210": "0211",
    "0310": "0311",
    "3355": "0115",
    "5412": "0215",
}
TRAINING_COLUMNS = ["title", "kbji4", "source"]
EVALUATION_SOURCES = ("jobstreet-2021", "lokerid-2025", "dealls-2024")
"""Files the gold set and the hidden test set are drawn from: never used as hand labels."""


def kbji_unit_groups() -> pl.DataFrame:
    """KBJI 2014 unit groups: kbji4, title_id, isco08 (crosswalk), description_id."""
    structure = pl.read_csv(KBJI_DIR / "kbji2014_structure.csv", infer_schema=False)
    crosswalk = pl.read_csv(KBJI_DIR / "kbji2014_isco08_crosswalk.csv", infer_schema=False)
    units = structure.filter(pl.col("level") == "4").select(
        pl.col("kbji_code").alias("kbji4"), "title_id", "description_id"
    )
    links = crosswalk.filter(pl.col("relation") != "isco_code_absent_in_kbji").select(
        pl.col("kbji_code").alias("kbji4"), pl.col("isco08_code").alias("isco08")
    )
    return units.join(links, on="kbji4", how="left")


def isco_to_kbji(isco_code: str | None) -> str | None:
    """KBJI 2014 unit group for an ISCO-08 unit group (identical except armed forces/police)."""
    if not isco_code:
        return None
    return ISCO_TO_KBJI_EXCEPTIONS.get(isco_code, isco_code)


def reorder_inverted_title(title: str) -> str:
    """ILO index style "Manager, department: industrial relations" -> natural word order."""
    head, _, rest = title.partition(",")
    if not rest:
        return title
    qualifier, _, detail = rest.partition(":")
    words = [detail.strip(), qualifier.strip(), head.strip()]
    return " ".join(w for w in words if w)


def _strip_residual_words(title: str) -> str:
    return re.sub(r"\b(YTDL|YBDI|Lainnya|Lain)\b", " ", title).strip()


def corrected(table: pl.DataFrame, reference: str, code_column: str) -> pl.DataFrame:
    """`table` with the errata of `reference` applied: a value is replaced only while it still
    reads as received, so a corrected file later is left alone."""
    errata = pl.read_csv(ERRATA_PATH, infer_schema=False).filter(pl.col("reference") == reference)
    for code, column, received, value in errata.select(
        "code", "column_name", "received_value", "corrected_value"
    ).iter_rows():
        wrong = (pl.col(code_column) == code) & (pl.col(column) == received)
        table = table.with_columns(
            pl.when(wrong).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
        )
    return table


def reference_titles() -> pl.DataFrame:
    """KBJI, ISCO and ESCO titles with their KBJI unit group (no advert titles)."""
    title_sets = pl.read_csv(TITLE_SETS_PATH, infer_schema=False)
    source_map = {
        "kbji2014_jabatan": "kbji",
        "isco08_ilo_index": "isco",
        "isco08_included_examples": "isco",
        "esco_v1.2_preferred": "esco",
        "esco_v1.2_alt": "esco",
    }
    rows = title_sets.filter(pl.col("source").is_in(list(source_map))).with_columns(
        pl.when(pl.col("source") == "kbji2014_jabatan")
        .then(pl.col("kbji2014_unit_code"))
        .otherwise(pl.col("isco08_code").map_elements(isco_to_kbji, return_dtype=pl.String))
        .alias("kbji4"),
        pl.when(pl.col("source") == "isco08_ilo_index")
        .then(pl.col("title").map_elements(reorder_inverted_title, return_dtype=pl.String))
        .when(pl.col("source") == "kbji2014_jabatan")
        .then(pl.col("title").map_elements(_strip_residual_words, return_dtype=pl.String))
        .otherwise(pl.col("title"))
        .alias("title"),
        pl.col("source").replace_strict(source_map).alias("source"),
    )
    units = kbji_unit_groups()
    unit_rows = units.select(
        pl.col("title_id")
        .map_elements(_strip_residual_words, return_dtype=pl.String)
        .alias("title"),
        "kbji4",
        pl.lit("kbji").alias("source"),
    )
    isco = corrected(
        pl.read_csv(ISCO_DIR / "isco08_structure.csv", infer_schema=False),
        "isco08_structure",
        code_column="isco08_code",
    )
    isco_units = isco.filter(pl.col("level") == "4").select(
        pl.col("title_en").alias("title"),
        pl.col("isco08_code").map_elements(isco_to_kbji, return_dtype=pl.String).alias("kbji4"),
        pl.lit("isco").alias("source"),
    )
    table = pl.concat([rows.select(TRAINING_COLUMNS), unit_rows, isco_units])
    table = table.filter(pl.col("kbji4").is_in(units["kbji4"].implode()))
    table = table.unique(subset=TRAINING_COLUMNS, keep="first", maintain_order=True)
    log.info(
        "reference titles: %d rows over %d unit groups", table.height, table["kbji4"].n_unique()
    )
    return table


def hand_label_paths(directory: Path = HAND_LABELS_DIR) -> list[Path]:
    """Every hand-coded advert title file, in a stable order."""
    return sorted(directory.glob(HAND_LABELS_GLOB))


def hand_advert_paths(directory: Path = HAND_LABELS_DIR) -> list[Path]:
    """Every file of hand-coded adverts (title, company, description, code), stably ordered."""
    return sorted(directory.glob(HAND_ADVERTS_GLOB))


def _read_hand_file(path: Path, valid_codes: set[str]) -> pl.DataFrame:
    # A file may be in the middle of being written by a labeller: keep the rows that parse and
    # carry a valid code, and skip a file that does not parse at all rather than fail the build.
    try:
        table = pl.read_csv(
            path, infer_schema=False, comment_prefix="#", truncate_ragged_lines=True
        )
    except (pl.exceptions.PolarsError, OSError) as error:
        log.warning("skipping unreadable hand-label file %s: %s", path.name, error)
        return pl.DataFrame(schema=dict.fromkeys(TRAINING_COLUMNS, pl.String))
    if not {"title", "kbji4"}.issubset(table.columns):
        log.warning("skipping %s: no title/kbji4 columns", path.name)
        return pl.DataFrame(schema=dict.fromkeys(TRAINING_COLUMNS, pl.String))
    if "basis" in table.columns:
        table = table.filter(pl.col("basis").is_in(list(TITLE_LABEL_BASES)))
    table = table.select(
        pl.col("title").str.strip_chars(),
        pl.col("kbji4").str.strip_chars().str.zfill(4),
        (pl.col("source") if "source" in table.columns else pl.lit(path.stem)).alias("origin"),
    ).filter(pl.col("title").is_not_null() & (pl.col("title") != ""))
    from_evaluation = table.filter(pl.col("origin").is_in(list(EVALUATION_SOURCES)))
    if from_evaluation.height:
        log.warning("%s: %d rows from evaluation files ignored", path.name, from_evaluation.height)
        table = table.filter(~pl.col("origin").is_in(list(EVALUATION_SOURCES)))
    valid = table.filter(pl.col("kbji4").is_in(list(valid_codes)))
    if valid.height < table.height:
        log.warning(
            "%s: %d rows without a valid KBJI unit group ignored",
            path.name,
            table.height - valid.height,
        )
    return valid.select("title", "kbji4", pl.lit("labelled_ads").alias("source"), "origin")


def hand_labelled_titles(paths: list[Path] | None = None) -> pl.DataFrame:
    """Advert titles from non-evaluation sources coded by hand, from every
    `occupation_titles_*.csv` and `occupation_adverts_*.csv` (columns title, kbji4, source;
    `origin` keeps the file's `source`). A title coded the same way twice is kept once; a title
    coded differently is kept with each code, which the index then treats as an ambiguous
    title."""
    paths = hand_label_paths() + hand_advert_paths() if paths is None else paths
    valid_codes = set(kbji_unit_groups()["kbji4"].to_list())
    title_parts = [
        _read_hand_file(path, valid_codes)
        for path in paths
        if path.exists() and not path.match(HAND_ADVERTS_GLOB)
    ]
    advert_parts = [
        _read_hand_file(path, valid_codes)
        for path in paths
        if path.exists() and path.match(HAND_ADVERTS_GLOB)
    ]
    parts = title_parts + ([_new_advert_titles(title_parts, advert_parts)] if advert_parts else [])
    if not parts:
        log.warning("no hand-labelled titles in %s", HAND_LABELS_DIR)
        return pl.DataFrame(schema=dict.fromkeys([*TRAINING_COLUMNS, "origin"], pl.String))
    table = pl.concat(parts).unique(subset=["title", "kbji4"], keep="first", maintain_order=True)
    log.info("hand-labelled advert titles: %d rows from %d files", table.height, len(parts))
    return table


def _new_advert_titles(
    title_parts: list[pl.DataFrame], advert_parts: list[pl.DataFrame]
) -> pl.DataFrame:
    """Titles of hand-coded adverts as title labels, the way the title batches were made: one
    title per normalised title and code, and none whose normalised title already carries that
    code. Many adverts share a title ("Admin", "ADMIN", "admin"); counted once each they would
    outvote the rest of the index."""
    from ingest.occupations.normalise import default_normaliser

    normalise = default_normaliser().normalise

    def with_norm(table: pl.DataFrame) -> pl.DataFrame:
        return table.with_columns(
            pl.col("title").map_elements(normalise, return_dtype=pl.String).alias("norm")
        )

    adverts = with_norm(pl.concat(advert_parts)).filter(pl.col("norm") != "")
    known = with_norm(pl.concat(title_parts)).select("norm", "kbji4") if title_parts else None
    if known is not None:
        adverts = adverts.join(known, on=["norm", "kbji4"], how="anti")
    return adverts.unique(subset=["norm", "kbji4"], keep="first", maintain_order=True).drop("norm")


def hand_labelled_adverts(paths: list[Path] | None = None) -> pl.DataFrame:
    """Every hand-coded advert of the `occupation_adverts_*.csv` files (`ADVERT_COLUMNS`, all as
    text, `title` stripped): one row per advert, so the description scorer sees each text.
    Rows from evaluation files or without a KBJI unit group are dropped with a warning."""
    paths = hand_advert_paths() if paths is None else paths
    valid_codes = set(kbji_unit_groups()["kbji4"].to_list())
    parts = []
    for path in paths:
        try:
            table = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True)
        except (pl.exceptions.PolarsError, OSError) as error:
            log.warning("skipping unreadable advert-label file %s: %s", path.name, error)
            continue
        missing = [c for c in ADVERT_COLUMNS if c not in table.columns]
        if missing:
            log.warning("skipping %s: no %s columns", path.name, missing)
            continue
        table = table.select(ADVERT_COLUMNS).with_columns(
            pl.col("title").str.strip_chars(),
            pl.col("kbji4").str.strip_chars().str.zfill(4),
            pl.col("company", "description").fill_null(""),
        )
        dropped = table.filter(
            pl.col("source").is_in(list(EVALUATION_SOURCES))
            | ~pl.col("kbji4").is_in(list(valid_codes))
            | pl.col("title").is_null()
            | (pl.col("title") == "")
        )
        if dropped.height:
            log.warning(
                "%s: %d adverts from evaluation files, without a title or without a valid "
                "unit group ignored",
                path.name,
                dropped.height,
            )
        parts.append(table.join(dropped, on=ADVERT_COLUMNS, how="anti", nulls_equal=True))
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(ADVERT_COLUMNS, pl.String))
    table = pl.concat(parts)
    log.info("hand-coded adverts: %d rows from %d files", table.height, len(parts))
    return table


def gold_set(path: Path = GOLD_PATH) -> pl.DataFrame:
    """The development gold set as shipped (id, source, title, context columns, kbji4, isco08)."""
    return pl.read_csv(path, infer_schema=False).with_columns(pl.col("kbji4").str.zfill(4))
