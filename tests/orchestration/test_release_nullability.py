"""A release keeps the marts' `not null` on list columns (regression: they came out nullable).

DuckDB's parquet reader keeps `not null` on plain columns but not on list columns, so the
release, written from the published file through `read_parquet`, declared `fct_vacancies`'
`posting_ids` and `sources` nullable where the mart has them `not null`.
"""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from orchestration.operations.releases import (
    HIVE_PARTITIONED_TABLES,
    _export_table,
    write_sorted_parquet,
)


def _publish(con: duckdb.DuckDBPyConnection, folder, table: str) -> None:
    """Write a mart as the publication does: from a warehouse table with `not null` columns."""
    con.execute(
        f"create table {table} (vacancy_id varchar not null, sources varchar[] not null, "
        "period varchar not null, note varchar[])"
    )
    con.execute(
        f"insert into {table} values ('v1', ['lokerid'], '2024-08', null), "
        "('v2', ['dealls', 'jobstreet'], '2023-08', ['x'])"
    )
    write_sorted_parquet(con, f"select * from {table}", folder / f"{table}.parquet")


def test_list_columns_keep_not_null_in_the_release(tmp_path) -> None:
    marts, release = tmp_path / "marts", tmp_path / "release"
    marts.mkdir()
    release.mkdir()
    with duckdb.connect() as con:
        _publish(con, marts, "fct_vacancies")
        _export_table(con, marts / "fct_vacancies.parquet", release)
    published = pq.read_schema(marts / "fct_vacancies.parquet")
    released = pq.read_schema(release / "fct_vacancies.parquet")
    assert not published.field("sources").nullable
    assert not released.field("sources").nullable
    for name in published.names:
        assert released.field(name).nullable == published.field(name).nullable, name
        assert released.field(name).type == published.field(name).type, name
    assert pq.read_table(release / "fct_vacancies.parquet").num_rows == 2


def test_partitioned_release_tables_keep_not_null_too(tmp_path, monkeypatch) -> None:
    marts, release = tmp_path / "marts", tmp_path / "release"
    marts.mkdir()
    release.mkdir()
    monkeypatch.setitem(HIVE_PARTITIONED_TABLES, "fct_partitioned", "period")
    with duckdb.connect() as con:
        _publish(con, marts, "fct_partitioned")
        _export_table(con, marts / "fct_partitioned.parquet", release)
        # The helper table is gone: the next table starts clean.
        assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone() == (
            0,
        )
    part = pq.read_schema(release / "fct_partitioned" / "period=2024-08" / "data_0.parquet")
    assert not part.field("sources").nullable and part.field("note").nullable
    assert "period" not in part.names
