"""The same inputs give the same marts, byte for byte, whatever order rows reach a model in.

A night's release is compared with the last one by SHA-256, so every model that picks one row
among several (the latest sighting of an advert, a vacancy's first posting, a vacancy's id) must
break ties on stable keys, and every published file must be written in a fixed row order. Each
test feeds a model the same rows in two orders on four DuckDB threads and wants one answer; the
inputs are made with ties, where an incomplete ORDER BY would pick by arrival order. (The
Sakernas estimator's sums: tests/ingest/sakernas/test_sakernas_determinism.py; a whole rebuild:
the slow tests/orchestration/test_idempotency.py.)
"""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ingest.normalise import duplicates
from orchestration import settings
from orchestration.operations.releases import sha256_of, write_release, write_sorted_parquet

PROJECT_MANIFEST = settings.DBT_PROJECT_DIR / "target" / "manifest.json"
"""A release needs a dbt manifest (it says which marts hold personal data): the project's."""


REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "dbt_project" / "models"
THREADS = 4


def _sql_model(relative: str) -> str:
    """A SQL model with each `{{ ref('x') }}` replaced by the table `x` (no other Jinja used)."""
    sql = (MODELS / relative).read_text()
    sql = re.sub(r"\{\{\s*ref\('(\w+)'\)\s*\}\}", r"\1", sql)
    assert "{{" not in sql and "{%" not in sql, relative
    return sql


def _connection(tables: dict[str, pl.DataFrame]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": THREADS})
    for name, frame in tables.items():
        con.register(f"{name}_frame", frame.to_arrow())
        con.execute(f"create table {name} as select * from {name}_frame")
    return con


def _run_sql_model(relative: str, tables: dict[str, pl.DataFrame], key: str) -> pl.DataFrame:
    con = _connection(tables)
    try:
        return pl.from_arrow(con.sql(_sql_model(relative)).to_arrow_table()).sort(key)
    finally:
        con.close()


def _both_orders(frame: pl.DataFrame) -> list[pl.DataFrame]:
    return [frame, frame.reverse()]


SIGHTING_TEXT_COLUMNS = [
    "company_name", "location_text", "category_text", "description", "employment_type",
    "salary_text", "education_text", "experience_text", "posted_at_text", "posting_url",
]  # fmt: skip


def _sightings(rows: list[tuple[str, str, date, str, int]]) -> pl.DataFrame:
    """Staging rows: (posting id, title, crawl day, file, row in file); other text fixed."""
    frame = pl.DataFrame(
        rows,
        schema={
            "source_posting_id": pl.String,
            "job_title": pl.String,
            "seen_date": pl.Date,
            "source_file": pl.String,
            "source_row": pl.Int64,
        },
        orient="row",
    )
    return frame.with_columns(
        *(pl.lit("x").alias(column) for column in SIGHTING_TEXT_COLUMNS),
        pl.lit(False).alias("is_company_confidential"),
        pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("posted_at"),
    )


def test_folded_posting_takes_the_same_sighting_when_two_tie_on_the_day():
    day = date(2021, 12, 14)
    jobstreet = _sightings(
        [
            ("1", "Staf Gudang", day, "jobstreet_2021-12-14.csv", 7),
            ("1", "Staff Gudang (Cikarang)", day, "jobstreet_2021-12-14.csv", 9),
            ("1", "Gudang", date(2021, 12, 13), "jobstreet_2021-12-13.csv", 99),
            ("2", "Kasir", day, "jobstreet_2021-12-14.csv", 3),
            ("2", "Kasir Toko", day, "jobstreet_2021-12-14b.csv", 1),
        ]
    )
    empty = jobstreet.clear()
    crawled = empty.with_columns(pl.lit(None, dtype=pl.String).alias("source"))
    results = [
        _run_sql_model(
            "intermediate/vacancies/int_vacancy_postings_folded.sql",
            {
                "stg_jobstreet__postings": ordered,
                "stg_lokerid__postings": empty,
                "stg_dealls__postings": empty,
                "stg_crawled__postings": crawled,
            },
            key="posting_id",
        )
        for ordered in _both_orders(jobstreet)
    ]
    assert_frame_equal(results[0], results[1], check_exact=True)
    titles = dict(zip(results[0]["posting_id"], results[0]["job_title"], strict=True))
    # The last row of the day's last file is the latest sighting.
    assert titles == {"jobstreet:1": "Staff Gudang (Cikarang)", "jobstreet:2": "Kasir Toko"}
    assert results[0]["rows_in_source"].to_list() == [3, 2]


POSTING_TEXT_COLUMNS = [
    "company_name", "province_bps_code", "province_kemendagri_code", "regency_kemendagri_code",
    "location_status", "salary_status", "education_level", "employment_type", "kbji2014_code",
]  # fmt: skip


def test_vacancy_takes_its_attributes_from_the_same_posting_when_first_days_tie():
    day = date(2025, 7, 1)
    postings = pl.DataFrame(
        {
            "posting_id": ["lokerid:9", "dealls:5", "jobstreet:7", "jobstreet:8"],
            "vacancy_id": ["v1", "v1", "v1", "v2"],
            "source": ["lokerid", "dealls", "jobstreet", "jobstreet"],
            "job_title": ["Kasir", "Kasir Toko", "Kasir Minimarket", "Sopir"],
            "first_seen_date": [day, day, date(2025, 7, 2), day],
            "last_seen_date": [day, day, date(2025, 7, 3), day],
            "posted_date": [day, day, day, day],
            "salary_is_plausible": [True, True, True, True],
        }
    ).with_columns(
        *(pl.lit(None, dtype=pl.String).alias(column) for column in POSTING_TEXT_COLUMNS),
        pl.lit(None, dtype=pl.Float64).alias("salary_monthly_min_idr"),
        pl.lit(None, dtype=pl.Float64).alias("salary_monthly_max_idr"),
        pl.lit(None, dtype=pl.Float64).alias("occupation_confidence"),
        pl.lit(None, dtype=pl.Boolean).alias("is_occupation_coded"),
    )
    results = [
        _run_sql_model(
            "marts/vacancies/fct_vacancies.sql", {"fct_vacancy_postings": ordered}, "vacancy_id"
        )
        for ordered in _both_orders(postings)
    ]
    assert_frame_equal(results[0], results[1], check_exact=True)
    # Dealls and Loker.id were first seen the same day: the smaller posting id gives the title.
    assert results[0]["job_title"].to_list() == ["Kasir Toko", "Sopir"]
    assert results[0]["posting_ids"].to_list()[0] == ["dealls:5", "jobstreet:7", "lokerid:9"]


def _python_model(relative: str):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, MODELS / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _FakeDbt:
    """What a dbt Python model uses of `dbt`: `ref` (a DuckDB relation) and `config`."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def ref(self, name: str) -> duckdb.DuckDBPyRelation:
        return self.con.table(name)

    def config(self, **_options: object) -> None:
        return None


def test_duplicate_linker_names_the_same_vacancy_whatever_the_row_order():
    # The same advert on three boards the same day: one vacancy, whose id is one of the three
    # postings. The linker takes the first of equally early postings in its input order, so the
    # model has to give it the postings in a fixed order.
    ids = ["lokerid:1", "dealls:1", "jobstreet:1", "jobstreet:2"]
    folded = pl.DataFrame(
        {
            "posting_id": ids,
            "source": [i.split(":")[0] for i in ids],
            "source_posting_id": [i.split(":")[1] for i in ids],
            "job_title": ["Admin Gudang"] * 3 + ["Barista"],
            "company_name": ["PT Sinar Jaya"] * 3 + ["Kopi Kita"],
            "description": ["Mengelola stok barang masuk dan keluar gudang setiap hari."] * 3
            + ["Membuat kopi dan melayani pelanggan."],
            "posting_url": [f"https://example.test/{i}" for i in ids],
            "location_text": ["Bekasi"] * 4,
        }
    )
    normalised = pl.DataFrame(
        {
            "posting_id": ids,
            "province_code": ["32"] * 4,
            "regency_code": ["3216"] * 4,
            "regency_name": ["Bekasi"] * 4,
            "location_status": ["regency"] * 4,
            "posted_date": [date(2025, 7, 1)] * 4,
            "crawled_date": [date(2025, 7, 2)] * 4,
            "salary_monthly_min": [5_000_000.0] * 3 + [None],
            "salary_monthly_max": [6_000_000.0] * 3 + [None],
            "employment_type": ["full_time"] * 4,
        }
    )
    model = _python_model("intermediate/vacancies/int_vacancy_duplicate_links.py")
    results = []
    for order in (folded, folded.reverse()):
        con = _connection(
            {"int_vacancy_postings_folded": order, "int_vacancy_postings_normalised": normalised}
        )
        try:
            out = pl.from_arrow(model.model(_FakeDbt(con), None)).sort("posting_id")
        finally:
            con.close()
        results.append(out)
    assert_frame_equal(results[0], results[1], check_exact=True)
    vacancy = dict(zip(results[0]["posting_id"], results[0]["vacancy_id"], strict=True))
    assert vacancy["dealls:1"] == vacancy["jobstreet:1"] == vacancy["lokerid:1"]
    assert vacancy["jobstreet:2"] == "jobstreet:2"


def test_duplicate_links_model_gives_the_linker_every_column_it_reads():
    model = _python_model("intermediate/vacancies/int_vacancy_duplicate_links.py")
    projected = {
        line.strip().rstrip(",").split(" as ")[-1].split(".")[-1]
        for line in model.LINKER_COLUMNS.strip().splitlines()
    }
    assert projected == set(duplicates.INPUT_COLUMNS)


def test_duplicate_links_model_links_copies_at_an_ambiguous_place():
    # "Bandung" is both a kabupaten and a kota: no regency is resolved, and only the place text
    # says the two adverts are at the same place. Without it they were two vacancies.
    ids = ["dealls:officer-bandung", "dealls:officer-bandung-1"]
    folded = pl.DataFrame(
        {
            "posting_id": ids,
            "source": ["dealls"] * 2,
            "source_posting_id": [i.split(":")[1] for i in ids],
            "job_title": ["Card Funding Officer"] * 2,
            "company_name": ["PT Bank Contoh"] * 2,
            "description": [None, None],
            "posting_url": [f"https://example.test/{i}" for i in ids],
            "location_text": ["Bandung, Jawa Barat"] * 2,
        },
        schema_overrides={"description": pl.String},
    )
    normalised = pl.DataFrame(
        {
            "posting_id": ids,
            "province_code": ["32"] * 2,
            "regency_code": [None, None],
            "regency_name": [None, None],
            "location_status": ["ambiguous"] * 2,
            "posted_date": [date(2024, 8, 20)] * 2,
            "crawled_date": [date(2024, 8, 22)] * 2,
            "salary_monthly_min": [4_300_000.0] * 2,
            "salary_monthly_max": [4_300_000.0] * 2,
            "employment_type": ["full_time"] * 2,
        },
        schema_overrides={"regency_code": pl.String, "regency_name": pl.String},
    )
    model = _python_model("intermediate/vacancies/int_vacancy_duplicate_links.py")
    con = _connection(
        {"int_vacancy_postings_folded": folded, "int_vacancy_postings_normalised": normalised}
    )
    try:
        out = pl.from_arrow(model.model(_FakeDbt(con), None))
    finally:
        con.close()
    assert out["vacancy_id"].n_unique() == 1


@pytest.fixture
def shuffled_marts(tmp_path: Path) -> list[Path]:
    """Two publications of the same marts, rows written in opposite orders on four threads."""
    folders = []
    for name, order in (("a", "asc"), ("b", "desc")):
        folder = tmp_path / name
        folder.mkdir()
        con = duckdb.connect(config={"threads": THREADS})
        con.execute(
            "create table rows as select i % 97 as k, 'v' || (i % 13) as s, i / 7.0 as x "
            "from range(300000) t(i)"
        )
        for table in ("fct_example", "labour_force_indicators_synthetic"):
            select = "select k, s, x, '20' || (10 + k % 5) || '-08' as period from rows"
            target = folder / f"{table}.parquet"
            con.execute(f"copy ({select} order by x {order}) to '{target}' (format parquet)")
        con.close()
        tables = {"fct_example": 300000, "labour_force_indicators_synthetic": 300000}
        (folder / "_publication.json").write_text(json.dumps({"tables": tables}))
        folders.append(folder)
    return folders


def test_sorted_export_and_release_bytes_do_not_depend_on_row_order(shuffled_marts, tmp_path):
    assert sha256_of(shuffled_marts[0] / "fct_example.parquet") != sha256_of(
        shuffled_marts[1] / "fct_example.parquet"
    )
    exported = []
    for folder in shuffled_marts:
        target = folder / "exported.parquet"
        with duckdb.connect(config={"threads": THREADS}) as con:
            write_sorted_parquet(
                con, "select * from read_parquet(?)", target, [str(folder / "fct_example.parquet")]
            )
        exported.append(sha256_of(target))
        target.unlink()
    assert exported[0] == exported[1]

    checksums = []
    for index, folder in enumerate(shuffled_marts):
        release = write_release(
            folder,
            tmp_path / f"releases-{index}",
            date(2026, 12, 4),
            run_id=f"run-{index}",
            source_vintages=[],
            dbt_manifest=PROJECT_MANIFEST,
            retention=3,
        )
        manifest = json.loads((release.path / "manifest.json").read_text())
        checksums.append([entry["sha256"] for entry in manifest["files"]])
    assert len(checksums[0]) == 1 + 5  # one file, and one per period of the partitioned table
    assert checksums[0] == checksums[1]
