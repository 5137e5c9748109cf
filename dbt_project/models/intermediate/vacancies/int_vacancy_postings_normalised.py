"""One row per posting with pay, date, place and requirements parsed from the board's text.

A dbt Python model, so the parse runs inside the same `dbt build` as the SQL around it; the
parsing itself is `ingest.normalise.normalise_postings` (see docs/normalisation.md).

The parse of a posting reads only that posting's text and dates, the normaliser's code and its
reference files (the region gazetteer, the place aliases). So the model keeps the rows of its
previous build for postings whose inputs hash as they did (`normalise_input_hash`) under the same
normaliser (`normaliser_fingerprint`), and parses only new and changed postings: a crawl day
parses the postings crawled that day, not the twenty thousand before them
(`ingest.kept_rows`; tests/transform/test_vacancy_chain_reuse.py builds it both ways).
A posting without a crawl date is always parsed again: its places are resolved as of today.
"""

import polars as pl

from ingest.kept_rows import build_keeping_rows, fingerprint_of_files, with_input_hash
from ingest.normalise import normalise_postings

INPUT_COLUMNS = """
    posting_id,
    source,
    job_title as title,
    location_text,
    salary_text,
    posted_at_text as date_text,
    strftime(last_seen_date, '%Y-%m-%d') as crawl_date,
    education_text,
    experience_text,
    employment_text,
    description
"""

RAW_TEXT_COLUMNS = [
    "source",
    "title",
    "location_text",
    "salary_text",
    "date_text",
    "crawl_date",
    "education_text",
    "experience_text",
    "employment_text",
    "description",
]
HASH, FINGERPRINT = "normalise_input_hash", "normaliser_fingerprint"


def normaliser_fingerprint() -> str:
    """The normaliser's code, its seeds and the reference files its gazetteer reads."""
    from pathlib import Path

    from ingest.normalise import places

    package = Path(places.__file__).parent
    wilayah = places.DATA_DIR / places.WILAYAH_DIR_NAME
    return fingerprint_of_files(
        [*package.glob("*.py"), *(package / "seeds").glob("*"), *wilayah.glob("*.csv*")]
    )


def parse(postings: pl.DataFrame) -> pl.DataFrame:
    return normalise_postings(postings).drop(RAW_TEXT_COLUMNS)


def model(dbt, session):
    dbt.config(materialized="table")
    postings = with_input_hash(
        dbt.ref("int_vacancy_postings_folded").project(INPUT_COLUMNS).order("posting_id").pl(),
        RAW_TEXT_COLUMNS,
        HASH,
    ).with_columns(pl.when(pl.col("crawl_date").is_not_null()).then(pl.col(HASH)).alias(HASH))
    fingerprint = normaliser_fingerprint()
    normalised = build_keeping_rows(
        session, dbt.this, postings, parse, HASH, FINGERPRINT, fingerprint
    )
    return normalised.to_arrow()
