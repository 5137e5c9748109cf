"""One row per posting with its KBJI 2014 unit group, ISCO-08 code and the coder's confidence.

A dbt Python model around `ingest.occupations.code_titles` (see
docs/occupation-coder-model-card.md); each distinct title and category is coded once.

Coding is the slow step of the vacancy chain (about 16 s for the shipped 19,305 postings, most of
it the model's ranking), while a new crawl day adds a few hundred postings. So, like
`int_admin_titles_coded`, the model reads its own previous build: a posting coded there from the
same inputs (`coding_input_hash`: title, category, company, description) by the same coder
(`coder_fingerprint`) keeps its codes, and only new or changed postings are coded. The coder
codes each posting the same whatever others are coded with it (same codes and confidences for
the shipped postings in id order, shuffled, or a subset), so a build that reuses codes gives the
rows a build from nothing gives (tests/transform/test_vacancy_coding_reuse.py).
"""

import hashlib
import logging

import polars as pl

from ingest.kept_rows import kept_and_new, previous_rows
from ingest.kept_rows import with_input_hash as with_input_hash_of

log = logging.getLogger(__name__)

INPUT_COLUMNS = """
    posting_id as id,
    job_title as title,
    category_text as category,
    company_name as company,
    description
"""

OUTPUT_COLUMNS = {
    "posting_id": pl.String,
    "kbji4": pl.String,
    "isco08": pl.String,
    "occupation_confidence": pl.Float64,
    "kbji4_alt1": pl.String,
    "kbji4_alt2": pl.String,
    "is_auto_coded": pl.Boolean,
    "auto_code_threshold": pl.Float64,
}
INPUTS = ("title", "category", "company", "description")


def coder_fingerprint() -> str:
    """The coder's fingerprint (its model's inputs and code, and `coder.py`) and the polars that
    hashes the inputs: a change of any of them codes every posting again."""
    from ingest.occupations import build

    digest = hashlib.sha256(build.coder_fingerprint().encode())
    digest.update(pl.__version__.encode())
    return digest.hexdigest()[:16]


def with_input_hash(postings: pl.DataFrame) -> pl.DataFrame:
    """`coding_input_hash` over the inputs the coder reads (`ingest.kept_rows.with_input_hash`)."""
    return with_input_hash_of(postings, INPUTS, "coding_input_hash")


def previous_codes(session, this, fingerprint: str) -> pl.DataFrame:
    """Postings the previous build coded with this coder, with their input hash (none if there
    is no previous build, or it predates these columns)."""
    found = previous_rows(
        session, this, OUTPUT_COLUMNS, "coding_input_hash", "coder_fingerprint", fingerprint
    )
    if found is None:
        return pl.DataFrame(schema={**OUTPUT_COLUMNS, "coding_input_hash": pl.String})
    return found


def code_new(postings: pl.DataFrame) -> pl.DataFrame:
    """The coder's columns for postings not coded before (input in id order)."""
    if postings.is_empty():
        return pl.DataFrame(schema=OUTPUT_COLUMNS)
    from ingest.occupations.coder import default_coder

    # One coder for the codes and the threshold the release manifest publishes: asking for the
    # process's coder twice could meet a model rebuilt in between (its key changed).
    coder = default_coder()
    coded = coder.code(postings.select("id", *INPUTS)).coded
    threshold = coder.auto_code_threshold
    coded = coded.select(
        pl.col("id").alias("posting_id"),
        "kbji4",
        "isco08",
        pl.col("confidence").alias("occupation_confidence"),
        "kbji4_alt1",
        "kbji4_alt2",
        "is_auto_coded",
        pl.lit(threshold, dtype=pl.Float64).alias("auto_code_threshold"),
    )
    return coded.cast(OUTPUT_COLUMNS)


def model(dbt, session):
    dbt.config(materialized="table")
    postings = with_input_hash(
        dbt.ref("int_vacancy_postings_folded").project(INPUT_COLUMNS).order("id").pl()
    )
    fingerprint = coder_fingerprint()
    known, new = kept_and_new(
        previous_codes(session, dbt.this, fingerprint),
        postings,
        "posting_id",
        "coding_input_hash",
        "id",
    )
    log.info(
        "postings: %d, %d coded before by this coder from the same inputs, %d coded now",
        postings.height,
        known.height,
        new.height,
    )
    coded = pl.concat([known.select(list(OUTPUT_COLUMNS)).cast(OUTPUT_COLUMNS), code_new(new)])
    return (
        coded.join(
            postings.select(posting_id="id", coding_input_hash="coding_input_hash"),
            on="posting_id",
            how="left",
        )
        .with_columns(pl.lit(fingerprint).alias("coder_fingerprint"))
        .sort("posting_id")
        .to_arrow()
    )
