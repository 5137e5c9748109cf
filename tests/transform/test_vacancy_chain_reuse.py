"""The vacancy chain's per-posting models keep their previous rows for unchanged postings: a
build that keeps rows must hold exactly the rows a build from nothing holds.

`int_vacancy_postings_normalised`, `int_vacancy_skills_extracted` and `int_vacancy_text_flags` are
built on real postings
(a sample of the shipped snapshots, `ingest.normalise.real_samples`): first on part of them (the
earlier nights), then on all of them with one posting edited, one seen on a later day and one
without a crawl date, and compared with a build from nothing of the same postings. The
validation given the kept text flags judges as it does matching the texts itself.
"""

from datetime import date

import polars as pl
import pytest
from dbt_python_model import Relation, Session, build, load_model

from ingest.normalise.real_samples import load_real_postings
from quality.vacancies import check_vacancies

SAMPLE = 1200
EARLIER = 900
FOLDER = {
    "int_vacancy_postings_normalised": "vacancies",
    "int_vacancy_skills_extracted": "vacancies",
    "int_vacancy_text_flags": "quality",
}


@pytest.fixture(scope="module")
def folded() -> pl.DataFrame:
    """Real postings as `int_vacancy_postings_folded` has them (the columns the models read)."""
    postings = load_real_postings().sort("posting_id")
    # Every source, not only the first in id order.
    sample = postings.sample(SAMPLE, seed=10).sort("posting_id")
    return sample.select(
        "posting_id",
        "source",
        job_title="title",
        company_name="company",
        category_text=pl.lit(None, dtype=pl.String),
        location_text="location_text",
        salary_text="salary_text",
        posted_at_text="date_text",
        last_seen_date=pl.col("crawl_date").str.slice(0, 10).str.to_date(strict=False),
        education_text="education_text",
        experience_text="experience_text",
        employment_text="employment_text",
        description="description",
    ).with_columns(pl.col("last_seen_date").fill_null(date(2025, 10, 1)))


def _tonight(folded: pl.DataFrame) -> pl.DataFrame:
    """The postings of a later night: one edited, one seen again later, one without a date."""
    ids = folded["posting_id"]
    return folded.with_columns(
        job_title=pl.when(pl.col("posting_id") == ids[3])
        .then(pl.lit("Staf Gudang (Jakarta Utara), gaji Rp 5 juta"))
        .otherwise("job_title"),
        description=pl.when(pl.col("posting_id") == ids[3])
        .then(pl.col("description") + " Menguasai Microsoft Excel.")
        .otherwise("description"),
        last_seen_date=pl.when(pl.col("posting_id") == ids[5])
        .then(pl.lit(date(2026, 12, 4)))
        .when(pl.col("posting_id") == ids[7])
        .then(None)
        .otherwise("last_seen_date"),
    )


@pytest.mark.parametrize(
    ("name", "kept_message"),
    [
        ("int_vacancy_postings_normalised", f"{EARLIER - 3} kept from the previous build"),
        ("int_vacancy_skills_extracted", "kept from the previous build"),
        ("int_vacancy_text_flags", f"{EARLIER - 1} kept from the previous build"),
    ],
)
def test_a_build_keeping_rows_equals_a_build_from_nothing(
    folded, name, kept_message, caplog
) -> None:
    model = load_model(f"{FOLDER[name]}/{name}.py")
    tonight = _tonight(folded)
    session = Session()
    build(model, name, folded.head(EARLIER), session)  # the earlier nights
    caplog.set_level("INFO")
    kept = build(model, name, tonight, session)
    assert kept_message in caplog.text
    fresh = build(model, name, tonight, Session())
    assert kept.schema == fresh.schema
    assert kept.equals(fresh)
    # Built again with nothing new: every row kept, the same table.
    caplog.clear()
    again = build(model, name, tonight, session)
    assert again.equals(fresh)
    edited = tonight["posting_id"][3]
    assert not fresh.filter(pl.col("posting_id") == edited).equals(
        build(model, name, folded.filter(pl.col("posting_id") == edited), Session())
    )


def test_the_validation_with_kept_text_flags_equals_matching_the_texts(folded) -> None:
    name = "int_vacancy_text_flags"
    session = Session()
    build(load_model(f"quality/{name}.py"), name, folded.head(EARLIER), session)
    text = build(load_model(f"quality/{name}.py"), name, _tonight(folded), session)
    validated = load_model("quality/int_vacancy_postings_validated.py")
    flag_columns = [c for c in text.columns if c not in validated.TEXT_BOOKKEEPING]
    vacancies = _tonight(folded).select(
        id="posting_id", source="source", title="job_title", description="description"
    )
    wages = pl.DataFrame(
        {"province_code": ["31"], "wage_year": [2025], "minimum_wage_monthly_idr": [5396761.0]}
    )
    kept = check_vacancies(
        vacancies, wages, text_flags=text.select(flag_columns).rename({"posting_id": "id"})
    )
    assert kept.equals(check_vacancies(vacancies, wages))


def test_new_code_adding_a_column_keeps_it_over_an_older_table(folded) -> None:
    """The previous build, by older rules, lacked a column (`sex_requirement_scope`): rebuilt
    under the new fingerprint nothing is kept, and the new column must not be dropped."""
    name = "int_vacancy_text_flags"
    model = load_model(f"quality/{name}.py")
    session = Session()
    older = build(model, name, folded.head(EARLIER), session)
    session.store(
        Relation("intermediate", name),
        older.drop("sex_requirement_scope").with_columns(
            text_rules_fingerprint=pl.lit("0123456789abcdef")
        ),
    )
    rebuilt = build(model, name, folded, session)
    assert rebuilt.equals(build(model, name, folded, Session()))
    assert "sex_requirement_scope" in rebuilt.columns


def test_the_fingerprints_follow_code_and_reference_files() -> None:
    normalised = load_model("vacancies/int_vacancy_postings_normalised.py")
    skills = load_model("vacancies/int_vacancy_skills_extracted.py")
    text = load_model("quality/int_vacancy_text_flags.py")
    fingerprints = (
        normalised.normaliser_fingerprint(),
        skills.matcher_fingerprint(),
        text.text_rules_fingerprint(),
    )
    assert [len(f) for f in fingerprints] == [16, 16, 16]
    assert normalised.normaliser_fingerprint() == fingerprints[0]
