"""`int_vacancy_occupations_coded` keeps earlier codes of unchanged postings: a build that reuses
them must hold exactly the rows a build from nothing holds."""

import importlib.util
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.admin.personal_data import PATTERNS

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "dbt_project/models/intermediate/vacancies/int_vacancy_occupations_coded.py"
GOLD = REPO / "data/goldset/dev.csv"


@pytest.fixture(scope="module")
def coded_model():
    spec = importlib.util.spec_from_file_location("int_vacancy_occupations_coded", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def postings(coded_model) -> pl.DataFrame:
    adverts = pl.read_csv(GOLD, infer_schema=False).select(
        "id", "title", "category", "company", "description"
    )
    return coded_model.with_input_hash(adverts.sort("id"))


class _Relation:
    def __init__(self, schema: str, identifier: str) -> None:
        self.schema, self.identifier = schema, identifier

    def __repr__(self) -> str:
        return f"{self.schema}.{self.identifier}"


class _Session:
    """The part of dbt-duckdb's session the model uses: a DuckDB connection."""

    def __init__(self) -> None:
        self.connection = duckdb.connect()
        self.connection.execute("create schema intermediate")

    def execute(self, sql, params):
        return self.connection.execute(sql, params)

    def sql(self, sql, params):
        return self.connection.sql(sql, params=params)

    def store(self, table: pl.DataFrame) -> None:
        self.connection.register("built", table)
        self.connection.execute(
            "create or replace table intermediate.int_vacancy_occupations_coded as "
            "select * from built"
        )


class _Dbt:
    def __init__(self, postings: pl.DataFrame, session: _Session) -> None:
        self.this = _Relation("intermediate", "int_vacancy_occupations_coded")
        self._postings = postings
        self._session = session

    def config(self, **_):
        return None

    def ref(self, _name: str):
        frame = self._postings.select(
            posting_id="id",
            job_title="title",
            category_text="category",
            company_name="company",
            description="description",
        )
        return self._session.connection.from_arrow(frame.to_arrow())


def _build(coded_model, postings: pl.DataFrame, session: _Session) -> pl.DataFrame:
    built = pl.from_arrow(coded_model.model(_Dbt(postings, session), session))
    session.store(built)
    return built


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
    from_nothing = _build(coded_model, postings, _Session())

    session = _Session()
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
        coded_model, coded_model.with_input_hash(edited.drop("coding_input_hash")), _Session()
    )
    assert reused.equals(fresh)
    assert reused.height == from_nothing.height == postings.height
    assert reused.filter(pl.col("posting_id") == postings["id"][3])["kbji4"].to_list() == (
        fresh.filter(pl.col("posting_id") == postings["id"][3])["kbji4"].to_list()
    )
