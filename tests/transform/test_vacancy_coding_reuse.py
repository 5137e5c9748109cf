"""`int_vacancy_occupations_coded` keeps earlier codes of unchanged postings: a build that reuses
them must hold exactly the rows a build from nothing holds."""

from pathlib import Path

import polars as pl
import pytest
from dbt_python_model import Session, build, load_model

from ingest.admin.personal_data import PATTERNS

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "data/goldset/dev.csv"
NAME = "int_vacancy_occupations_coded"


@pytest.fixture(scope="module")
def coded_model():
    return load_model(f"vacancies/{NAME}.py")


@pytest.fixture(scope="module")
def postings(coded_model) -> pl.DataFrame:
    adverts = pl.read_csv(GOLD, infer_schema=False).select(
        "id", "title", "category", "company", "description"
    )
    return coded_model.with_input_hash(adverts.sort("id"))


def _build(coded_model, postings: pl.DataFrame, session: Session) -> pl.DataFrame:
    folded = postings.select(
        posting_id="id",
        job_title="title",
        category_text="category",
        company_name="company",
        description="description",
    )
    return build(coded_model, NAME, folded, session)


def test_the_input_hash_follows_every_input_the_coder_reads(coded_model, postings) -> None:
    first = postings.head(1)
    for column in ("title", "category", "company", "description"):
        changed = coded_model.with_input_hash(first.with_columns(pl.lit("x").alias(column)))
        assert changed["coding_input_hash"][0] != first["coding_input_hash"][0], column
    again = coded_model.with_input_hash(first.drop("coding_input_hash"))
    assert again["coding_input_hash"][0] == first["coding_input_hash"][0]
    # Never something the personal-data checks would take for a NIK or a phone number.
    # (Five thousand inputs: a number-valued hash would give a 16-digit number a few times.)
    digits = pl.DataFrame(
        {n: [f"3201011203{i:06d}" for i in range(5000)] for n in ("title", "category", "company")}
    )
    hashes = coded_model.with_input_hash(
        pl.concat(
            [
                postings.drop("coding_input_hash"),
                digits.with_columns(id=pl.lit("x"), description=pl.lit(None, dtype=pl.String)),
            ],
            how="diagonal",
        )
    )["coding_input_hash"]
    assert all(PATTERNS["nik"].search(h) is None for h in hashes)
    assert all(PATTERNS["phone"].search(h) is None for h in hashes)
    assert hashes.str.starts_with("sha256:").all()


def test_a_build_reusing_codes_equals_a_build_from_nothing(coded_model, postings, caplog) -> None:
    from_nothing = _build(coded_model, postings, Session())

    session = Session()
    _build(coded_model, postings.head(150), session)  # the earlier nights
    edited = postings.with_columns(
        # One posting edited since: it must be coded again, not reused.
        pl.when(pl.col("id") == postings["id"][3])
        .then(pl.lit("Staf Gudang"))
        .otherwise(pl.col("title"))
        .alias("title")
    )
    caplog.set_level("INFO")
    reused = _build(
        coded_model, coded_model.with_input_hash(edited.drop("coding_input_hash")), session
    )
    assert "149 coded before by this coder from the same inputs, 111 coded now" in caplog.text
    fresh = _build(
        coded_model, coded_model.with_input_hash(edited.drop("coding_input_hash")), Session()
    )
    assert reused.equals(fresh)
    assert reused.height == from_nothing.height == postings.height
    assert reused.filter(pl.col("posting_id") == postings["id"][3])["kbji4"].to_list() == (
        fresh.filter(pl.col("posting_id") == postings["id"][3])["kbji4"].to_list()
    )


def test_rows_carry_the_threshold_the_coder_used(coded_model, postings) -> None:
    # The release manifest publishes this column; it must be the coder's own threshold (chosen
    # when its model was built), and `is_auto_coded` must follow from it and the confidence.
    from ingest.occupations.coder import default_coder

    rows = _build(coded_model, postings.head(40), Session())
    used = default_coder().auto_code_threshold
    assert rows["auto_code_threshold"].unique().to_list() == [used]
    rebuilt = (pl.col("occupation_confidence") >= pl.col("auto_code_threshold")) & pl.col(
        "kbji4"
    ).is_not_null()
    assert rows.select(rebuilt.alias("x"))["x"].to_list() == rows["is_auto_coded"].to_list()


def test_admin_titles_carry_the_threshold_the_coder_used() -> None:
    from ingest.occupations.coder import default_coder

    admin = load_model("admin/int_admin_titles_coded.py")
    rows = admin._code(pl.DataFrame({"job_title": ["Guru Matematika", "Staf Gudang", "---"]}))
    assert rows["auto_code_threshold"].to_list() == [default_coder().auto_code_threshold] * 3
    assert rows["occupation_coding_status"].to_list() == ["coded", "coded", "no_job_words"]
