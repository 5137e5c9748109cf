"""One row per vacancy posting with the text rules' flags and evidence for its title and
description (`quality.vacancies.text_rules.flag_text_rules`), for `int_vacancy_postings_validated`.

A model of its own because the text rules are most of the time of the validation (regular
expressions over every description) and read nothing but the posting's title and description,
the rules' code and their lexicon: the model keeps the rows of its previous build for postings
whose title and description hash as they did (`text_input_hash`) under the same rules
(`text_rules_fingerprint`), and matches only new and changed postings (`ingest.kept_rows`). The
other rules compare postings with each other (duplicates, the latest crawl of a source) or are
quick, and run whole in the validation model.
"""

import polars as pl

from ingest.kept_rows import build_keeping_rows, fingerprint_of_files, with_input_hash
from quality.vacancies.text_rules import LEXICON_PATH, flag_text_rules

INPUT_COLUMNS = """
    posting_id,
    job_title as title,
    description
"""
HASH, FINGERPRINT = "text_input_hash", "text_rules_fingerprint"


def text_rules_fingerprint() -> str:
    from pathlib import Path

    from quality.vacancies import text_rules

    return fingerprint_of_files([Path(text_rules.__file__), LEXICON_PATH])


def flag(postings: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(
        [postings.select("posting_id", HASH), flag_text_rules(postings, "title", "description")],
        how="horizontal",
    )


def model(dbt, session):
    dbt.config(materialized="table")
    postings = with_input_hash(
        dbt.ref("int_vacancy_postings_folded").project(INPUT_COLUMNS).order("posting_id").pl(),
        ("title", "description"),
        HASH,
    )
    fingerprint = text_rules_fingerprint()
    flags = build_keeping_rows(session, dbt.this, postings, flag, HASH, FINGERPRINT, fingerprint)
    return flags.to_arrow()
