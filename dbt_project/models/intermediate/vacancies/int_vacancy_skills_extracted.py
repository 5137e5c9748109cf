"""One row per posting and skill it asks for, mapped to ESCO (or SKKNI) with the matched text.

A dbt Python model around `ingest.occupations.extract_skills`; each distinct text is scanned once.

A posting's skills come from its title and description alone, with the matcher's code and its
dictionaries (ESCO, SKKNI, the skill lexicon). So the model keeps the rows of its previous build
for postings whose title and description hash as they did (`skills_input_hash`) under the same
matcher (`matcher_fingerprint`), and scans only new and changed postings (`ingest.kept_rows`).
A posting in which no skill was found has no row to keep and is scanned again each build.
"""

import polars as pl

from ingest.kept_rows import build_keeping_rows, fingerprint_of_files, with_input_hash
from ingest.occupations import extract_skills

INPUT_COLUMNS = """
    posting_id,
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


def extract(postings: pl.DataFrame) -> pl.DataFrame:
    skills = extract_skills(postings.rename({"posting_id": "id"})).rename({"id": "posting_id"})
    return skills.join(postings.select("posting_id", HASH), on="posting_id", how="left")


def model(dbt, session):
    dbt.config(materialized="table")
    postings = with_input_hash(
        dbt.ref("int_vacancy_postings_folded").project(INPUT_COLUMNS).order("posting_id").pl(),
        ("title", "description"),
        HASH,
    )
    fingerprint = matcher_fingerprint()
    skills = build_keeping_rows(
        session,
        dbt.this,
        postings,
        extract,
        HASH,
        FINGERPRINT,
        fingerprint,
        sort_by=("posting_id", "skill_uri"),
    )
    return skills.to_arrow()
