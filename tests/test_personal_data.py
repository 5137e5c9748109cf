"""No NIK, phone number or e-mail address in clear anywhere in the warehouse or the published marts.

Scans every table and view of every schema of the warehouse the whole-job test builds (`raw`
included: landed sources, quarantine, load audit) and every parquet mart it publishes, with the
patterns of `ingest.admin.personal_data` (16-digit NIK-shaped numbers, Indonesian mobile and
landline numbers, e-mail addresses). Every column is read as text, so a NIK typed as a number, or
hidden in a list or a struct, is found too. The scan is first shown to find planted values.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.admin.personal_data import PersonalDataHit, find_personal_data

sys.path.insert(0, str(Path(__file__).resolve().parent / "orchestration"))

from whole_job_run import whole_job_run  # noqa: E402

# Numeric columns cannot hold a phone number or an e-mail, and a NIK in a floating-point column
# is already destroyed (3.2e15); integers are scanned, as text.
SKIPPED_TYPES = ("DOUBLE", "FLOAT", "DECIMAL", "DATE", "TIMESTAMP", "TIME", "BOOLEAN", "INTERVAL")


def _as_text(con: duckdb.DuckDBPyConnection, relation: str) -> pl.DataFrame:
    columns = con.execute(f"describe select * from {relation}").fetchall()
    selected = [
        f'cast("{name}" as varchar) as "{name}"'
        for name, column_type, *_ in columns
        if not column_type.startswith(SKIPPED_TYPES)
    ]
    if not selected:
        return pl.DataFrame()
    return con.sql(f"select {', '.join(selected)} from {relation}").pl()


def scan_warehouse(path: Path) -> tuple[list[str], list[PersonalDataHit]]:
    """(relations scanned, hits) for every table and view of every schema."""
    hits: list[PersonalDataHit] = []
    with duckdb.connect(str(path), read_only=True) as con:
        relations = [
            f'"{schema}"."{name}"'
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = current_database() order by 1, 2"
            ).fetchall()
        ]
        for relation in relations:
            hits.extend(find_personal_data(_as_text(con, relation), relation))
    return relations, hits


def scan_parquet(folder: Path) -> tuple[list[str], list[PersonalDataHit]]:
    files = sorted(folder.glob("*.parquet"))
    hits: list[PersonalDataHit] = []
    with duckdb.connect() as con:
        for path in files:
            relation = f"read_parquet('{path}')"
            hits.extend(find_personal_data(_as_text(con, relation), path.name))
    return [path.name for path in files], hits


def _describe(hits: list[PersonalDataHit]) -> str:
    return "\n".join(f"{h.table}.{h.column}: {h.kind} e.g. {h.example!r}" for h in hits)


def test_the_scan_finds_planted_personal_data(tmp_path) -> None:
    path = tmp_path / "planted.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.planted as select 3201011203900001::bigint as nik_number, "
            "['kirim CV ke hrd.toko@gmail.com'] as notes, "
            "{'contact': 'WA 0812-3456-7890'} as details, 12.5 as share"
        )
        con.execute(f"copy raw.planted to '{tmp_path / 'planted.parquet'}' (format parquet)")
    relations, hits = scan_warehouse(path)
    assert relations == ['"raw"."planted"']
    assert {(h.column, h.kind) for h in hits} == {
        ("nik_number", "nik"),
        ("notes", "email"),
        ("details", "phone"),
    }
    files, parquet_hits = scan_parquet(tmp_path)
    assert files == ["planted.parquet"] and len(parquet_hits) == 3


@pytest.fixture(scope="module")
def run():
    run = whole_job_run()
    assert run.completed.returncode == 0, run.completed.stderr[-5000:]
    return run


def test_no_personal_data_in_any_warehouse_table(run) -> None:
    relations, hits = scan_warehouse(run.warehouse)
    # The scan covered the admin sources at every layer, raw included.
    for relation in (
        '"raw"."ak1_job_seekers"',
        '"raw"."karirhub_vacancies"',
        '"raw"."wlkp_workforce_reports"',
        '"raw"."quarantine"',
        '"staging"."stg_ak1__job_seekers"',
        '"marts"."fct_job_seekers"',
    ):
        assert relation in relations
    assert hits == [], _describe(hits)


def test_planted_advert_contacts_reach_the_marts_masked(run) -> None:
    # The guard's fixture (whole_job_run.PLANTED_CONTACTS) got through, so the scans above saw
    # the adverts' text, masked: a regression would show the contacts there, not drop the rows.
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        masked = con.execute(
            "select source, count(*) from marts.fct_vacancy_postings "
            "where description like '%[email] atau [email], WA [phone], NIK [nik].%' "
            "or company_name like '%WA [phone], NIK [nik].%' group by source order by source"
        ).fetchall()
    assert {"dealls", "lokerid"} <= {source for source, _ in masked}
    postings = pl.read_parquet(run.marts / "fct_vacancy_postings.parquet")
    assert postings.filter(pl.col("description").str.contains("[email]", literal=True)).height


def test_no_personal_data_in_any_parquet_mart(run) -> None:
    files, hits = scan_parquet(run.marts)
    assert {"fct_job_seekers.parquet", "fct_placements.parquet", "dim_region.parquet"} <= set(files)
    assert hits == [], _describe(hits)
