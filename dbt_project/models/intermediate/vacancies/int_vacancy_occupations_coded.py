"""One row per posting with its KBJI 2014 unit group, ISCO-08 code and the coder's confidence.

A dbt Python model around `ingest.occupations.code_titles` (see
docs/occupation-coder-model-card.md); each distinct title and category is coded once.
"""

from ingest.occupations import code_titles

INPUT_COLUMNS = """
    posting_id as id,
    job_title as title,
    category_text as category,
    company_name as company,
    description
"""

OUTPUT_COLUMNS = [
    "id", "kbji4", "isco08", "confidence", "kbji4_alt1", "kbji4_alt2", "is_auto_coded",
]


def model(dbt, session):
    dbt.config(materialized="table")
    # In id order, so the coder meets the distinct titles in the same order (and batches) on
    # every build: its scores then come out the same to the last bit.
    postings = dbt.ref("int_vacancy_postings_folded").project(INPUT_COLUMNS).order("id").pl()
    coded = code_titles(postings).select(OUTPUT_COLUMNS)
    return coded.rename({"id": "posting_id", "confidence": "occupation_confidence"}).to_arrow()
