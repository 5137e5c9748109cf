"""One row per posting with pay, date, place and requirements parsed from the board's text.

A dbt Python model, so the parse runs inside the same `dbt build` as the SQL around it; the
parsing itself is `ingest.normalise.normalise_postings` (see docs/normalisation.md).
"""

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
    "source", "title", "location_text", "salary_text", "date_text", "crawl_date",
    "education_text", "experience_text", "employment_text", "description",
]


def model(dbt, session):
    dbt.config(materialized="table")
    postings = dbt.ref("int_vacancy_postings_folded").project(INPUT_COLUMNS).pl()
    normalised = normalise_postings(postings)
    return normalised.drop(RAW_TEXT_COLUMNS).to_arrow()
