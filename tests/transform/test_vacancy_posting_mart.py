"""fct_vacancy_postings' place and pay contract, on a few hand-made normaliser rows.

Regression tests for two faults a new-user review found (2026-12-05): the Kemendagri codes of the
2022 Papua provinces (93, 96) sat in `province_bps_code`, so Sorong read as BPS 96 Papua Tengah
and got its minimum wage; and pay the normaliser judged implausible ("IDR 6 - 9 monthly" -> 6.0)
sat in `salary_monthly_min_idr`, where a researcher's min() or avg() picks it up.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "dbt_project" / "models" / "marts" / "vacancies" / "fct_vacancy_postings.sql"
SEED = REPO / "dbt_project" / "seeds" / "province_codes.csv"

FOLDED_COLUMNS = [
    "source", "source_posting_id", "job_title", "company_name", "is_company_confidential",
    "category_text", "description", "posting_url", "location_text", "salary_text", "posted_at",
    "first_seen_date", "last_seen_date", "days_seen", "rows_in_source",
]  # fmt: skip
NORMALISED_COLUMNS = [
    "province_code", "province_code_system", "province_code_vintage", "regency_code",
    "regency_code_system", "regency_code_vintage", "province_code_kemendagri_2025",
    "regency_code_kemendagri_2025", "location_status", "salary_status", "salary_currency",
    "salary_period", "salary_min", "salary_max", "salary_monthly_min", "salary_monthly_max",
    "salary_is_plausible", "salary_flags", "posted_date", "posted_date_status",
    "education_level", "experience_min_years", "experience_max_years", "employment_type",
    "employment_types", "work_arrangement",
]  # fmt: skip
OCCUPATION_COLUMNS = [
    "kbji4", "isco08", "occupation_confidence", "kbji4_alt1", "kbji4_alt2", "is_auto_coded",
]  # fmt: skip


TYPES = {
    "is_auto_coded": pl.Boolean,
    "salary_is_plausible": pl.Boolean,
    "salary_monthly_min": pl.Float64,
    "salary_monthly_max": pl.Float64,
}


def _with_nulls(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    return frame.with_columns(pl.lit(None, dtype=TYPES.get(c, pl.String)).alias(c) for c in missing)


def _postings(
    normalised: pl.DataFrame, extra_tables: dict[str, pl.DataFrame] | None = None
) -> pl.DataFrame:
    """Build the mart from normaliser rows (one posting each) and the shipped seed;
    `extra_tables` gives other models the mart reads (default: none of their rows)."""
    ids = normalised["posting_id"]
    tables = {
        "int_vacancy_postings_folded": _with_nulls(
            pl.DataFrame({"posting_id": ids}), FOLDED_COLUMNS
        ),
        "int_vacancy_postings_normalised": _with_nulls(normalised, NORMALISED_COLUMNS),
        "int_vacancy_duplicate_links": pl.DataFrame(
            {
                "posting_id": ids,
                "vacancy_id": ids,
                "is_first_posting": [True] * len(ids),
                "duplicate_type": [None] * len(ids),
                "uncertain_links": [[] for _ in ids],
            },
            schema_overrides={"duplicate_type": pl.String, "uncertain_links": pl.List(pl.String)},
        ),
        "int_vacancy_occupations_coded": _with_nulls(
            pl.DataFrame({"posting_id": ids}), OCCUPATION_COLUMNS
        ),
        "province_codes": pl.read_csv(SEED, infer_schema=False),
        "stg_wilayah__regencies": pl.DataFrame(
            schema={"kemendagri_code": pl.String, "bps_code_2020": pl.String}
        ),
        **(extra_tables or {}),
    }
    sql = re.sub(r"\{\{\s*ref\('(\w+)'\)\s*\}\}", r"\1", MODEL.read_text())
    assert "{{" not in sql and "{%" not in sql
    con = duckdb.connect()
    try:
        for name, frame in tables.items():
            con.register(f"{name}_frame", frame.to_arrow())
            con.execute(f"create table {name} as select * from {name}_frame")
        return pl.from_arrow(con.sql(sql).to_arrow_table()).sort("posting_id")
    finally:
        con.close()


def test_new_papua_province_kemendagri_code_becomes_its_bps_code():
    # As the normaliser places them: after the 2022 split a new Papua province has its
    # Kemendagri code (system kemendagri); before it, its former province's BPS 2020 code.
    normalised = pl.DataFrame(
        {
            "posting_id": ["a:jakarta", "b:sorong", "c:merauke", "d:merauke2021", "e:nowhere"],
            "province_code": ["31", "96", "93", "94", None],
            "province_code_system": ["bps", "kemendagri", "kemendagri", "bps", None],
            "province_code_vintage": ["2020", "2025", "2025", "2020", None],
            "province_code_kemendagri_2025": ["31", "96", "93", "93", None],
            "posted_date": [date(2024, 8, 1)] * 3 + [date(2021, 5, 1), None],
        }
    )
    marts = _postings(normalised)
    rows = {r["posting_id"]: r for r in marts.iter_rows(named=True)}
    codes = {k: (r["province_bps_code"], r["province_code_system"]) for k, r in rows.items()}
    assert codes == {
        "a:jakarta": ("31", "bps"),
        "b:sorong": ("92", "bps"),  # Papua Barat Daya, BPS 92 (not 96, Papua Tengah)
        "c:merauke": ("95", "bps"),  # Papua Selatan, BPS 95
        "d:merauke2021": ("94", "bps"),  # before the split: Papua, BPS 94
        "e:nowhere": (None, None),
    }
    assert rows["b:sorong"]["province_code_vintage"] == "2024"
    assert rows["d:merauke2021"]["province_code_vintage"] == "2020"
    assert rows["b:sorong"]["province_kemendagri_code"] == "96"


def test_implausible_monthly_pay_is_not_in_the_aggregated_salary_columns():
    normalised = pl.DataFrame(
        {
            "posting_id": ["a:idr6", "b:plausible", "c:usd"],
            "salary_currency": ["IDR", "IDR", "USD"],
            "salary_monthly_min": [6.0, 5_000_000.0, 1_000.0],
            "salary_monthly_max": [9.0, 7_000_000.0, 2_000.0],
            "salary_is_plausible": [False, True, None],
        }
    )
    marts = _postings(normalised)
    columns = [
        "salary_monthly_min_idr",
        "salary_monthly_max_idr",
        "salary_monthly_min_idr_as_posted",
        "salary_monthly_max_idr_as_posted",
    ]
    pay = {r["posting_id"]: tuple(r[c] for c in columns) for r in marts.iter_rows(named=True)}
    assert pay == {
        "a:idr6": (None, None, 6.0, 9.0),
        "b:plausible": (5_000_000.0, 7_000_000.0, 5_000_000.0, 7_000_000.0),
        "c:usd": (None, None, None, None),
    }


def test_a_kemendagri_code_the_seed_cannot_convert_claims_no_code_system():
    # Read-through (2026-12-05): the system was 'bps' whenever a province code existed, so a
    # code missing from the seed would publish a null code labelled BPS 2024.
    normalised = pl.DataFrame(
        {
            "posting_id": ["a:unknown"],
            "province_code": ["99"],
            "province_code_system": ["kemendagri"],
            "province_code_vintage": ["2025"],
            "province_code_kemendagri_2025": ["99"],
            "posted_date": [date(2024, 8, 1)],
        }
    )
    row = _postings(normalised).row(0, named=True)
    assert row["province_bps_code"] is None
    assert row["province_code_system"] is None
    assert row["province_code_vintage"] is None
