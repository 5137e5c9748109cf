"""One row per posting and skill it asks for, mapped to ESCO (or SKKNI) with the matched text.

A dbt Python model around `ingest.occupations.extract_skills`; each distinct text is scanned once.
"""

from ingest.occupations import extract_skills

INPUT_COLUMNS = """
    posting_id as id,
    job_title as title,
    description
"""


def model(dbt, session):
    dbt.config(materialized="table")
    postings = dbt.ref("int_vacancy_postings_folded").project(INPUT_COLUMNS).pl()
    skills = extract_skills(postings).rename({"id": "posting_id"})
    return skills.to_arrow()
