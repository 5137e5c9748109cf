"""One row per posting and skill it asks for, mapped to ESCO (or SKKNI) with the matched text.

A dbt Python model around `ingest.occupations.extract_skills`; each distinct text is scanned once.

A posting's skills come from its title and description alone, with the matcher's code and its
dictionaries (ESCO, SKKNI, the skill lexicon). So the model keeps the rows of its previous build
for postings whose title and description hash as they did (`skills_input_hash`) under the same
matcher (`matcher_fingerprint`), and scans only new and changed postings (`ingest.kept_rows`).
A posting in which no skill was found has no row to keep and is scanned again each build.
"""

import logging

import polars as pl

from ingest.kept_rows import fingerprint_of_files, kept_and_new, previous_rows, with_input_hash
from ingest.occupations import extract_skills

log = logging.getLogger(__name__)

INPUT_COLUMNS = """
    posting_id as id,
    job_title as title,
    description
"""
HASH, FINGERPRINT = "skills_input_hash", "matcher_fingerprint"


def matcher_fingerprint() -> str:
    from pathlib import Path

    from ingest.occupations import skills

    return fingerprint_of_files(
        [
            Path(skills.__file__),
            skills.ESCO_SKILLS_PATH,
            skills.SKKNI_UNITS_PATH,
            skills.SKILL_LEXICON_PATH,
        ]
    )


def model(dbt, session):
    dbt.config(materialized="table")
    postings = with_input_hash(
        dbt.ref("int_vacancy_postings_folded").project(INPUT_COLUMNS).order("id").pl(),
        ("title", "description"),
        HASH,
    )
    fingerprint = matcher_fingerprint()
    previous = previous_rows(session, dbt.this, None, HASH, FINGERPRINT, fingerprint)
    kept, new = kept_and_new(previous, postings, "posting_id", HASH, "id")
    skills = (
        extract_skills(new)
        .rename({"id": "posting_id"})
        .join(new.select(posting_id="id", **{HASH: HASH}), on="posting_id", how="left")
    )
    log.info(
        "postings: %d, %d with skills found before from the same inputs, %d scanned now",
        postings.height,
        postings.height - new.height,
        new.height,
    )
    if kept is not None:
        skills = pl.concat([kept, skills.select(kept.columns)], how="vertical_relaxed")
    return (
        skills.with_columns(pl.lit(fingerprint).alias(FINGERPRINT))
        .sort("posting_id", "skill_uri")
        .to_arrow()
    )
