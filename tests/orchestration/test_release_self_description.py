"""Release files describe themselves: each column's and the table's description and the release
id in the Arrow schema, with the rows, column order and types of the published file unchanged;
the join guide and the dictionary travel with the release; Stata's problems are listed."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.operations.release_schema import (
    file_descriptions,
    stata_name_problems,
    stata_problems,
)
from orchestration.operations.releases import _export_table, verify_release, write_release

TABLES = {
    "fct_things": (
        "One row per thing.",
        {
            "thing_id": "The thing's key.",
            "tags": "The thing's tags.",
            "seen_at": "When it was seen (UTC).",
            "wage_monthly_idr": "Monthly wage in rupiah.",
            "seen_date": "The day it was seen, in Jakarta.",
            "big_count": "A count.",
        },
    ),
    "labour_force_indicators_synthetic": (
        "One row per period and indicator.",
        {"period": "Survey round (YYYY-MM).", "indicator": "Indicator code.", "value": "Value."},
    ),
}


def _manifest(path: Path, tables: dict = TABLES) -> Path:
    nodes = {
        f"model.lmis.{name}": {
            "resource_type": "model",
            "schema": "marts",
            "name": name,
            "description": description,
            "columns": {column: {"description": text} for column, text in columns.items()},
        }
        for name, (description, columns) in tables.items()
    }
    path.write_text(json.dumps({"nodes": nodes}))
    return path


@pytest.fixture()
def marts(tmp_path: Path) -> Path:
    """Marts written as the publication writes them, with a not-null list column, an instant,
    a decimal, a date and a 64-bit integer."""
    folder = tmp_path / "marts"
    folder.mkdir()
    with duckdb.connect() as con:
        con.execute(
            "create table fct_things (thing_id varchar not null, tags varchar[] not null, "
            "seen_at timestamptz, wage_monthly_idr decimal(18, 2), seen_date date, "
            "big_count bigint)"
        )
        con.execute(
            "insert into fct_things select 't' || range, ['a', 'b' || (range % 3)], "
            "timestamptz '2024-05-01 02:00:00+00' + to_seconds(range), range * 1000.5, "
            "date '2024-05-01' + range::int, range from range(300)"
        )
        # Sorted on every column, as `write_sorted_parquet` writes a published mart.
        con.execute(
            f"copy (from fct_things order by all) to '{folder / 'fct_things.parquet'}' "
            "(format parquet)"
        )
        con.execute(
            "copy (select case when range % 2 = 0 then '2024-08' else '2025-02' end as period, "
            "'tpt' as indicator, range / 7 as value from range(200)) "
            f"to '{folder / 'labour_force_indicators_synthetic.parquet'}' (format parquet)"
        )
    tables = {p.stem: pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet")}
    (folder / "_publication.json").write_text(json.dumps({"tables": tables}))
    return folder


def _release(marts: Path, releases: Path, day: str, dbt_manifest: Path):
    return write_release(
        marts,
        releases,
        date.fromisoformat(day),
        run_id=f"run-{day}",
        source_vintages=[],
        dbt_manifest=dbt_manifest,
        retention=5,
    )


def test_every_file_carries_its_descriptions_and_release(marts, tmp_path):
    result = _release(marts, tmp_path / "releases", "2026-12-01", _manifest(tmp_path / "m.json"))
    table, columns = file_descriptions(result.path / "fct_things.parquet")
    assert table["table"] == "fct_things"
    assert table["description"] == "One row per thing."
    assert table["release"] == "2026-12-01"
    assert columns == TABLES["fct_things"][1]
    assert json.loads(table["column_descriptions"]) == TABLES["fct_things"][1]
    # Each hive partition too; the partition column, not in the files, is in the JSON.
    parts = sorted((result.path / "labour_force_indicators_synthetic").rglob("*.parquet"))
    assert len(parts) == 2
    for part in parts:
        table, columns = file_descriptions(part)
        assert columns == {"indicator": "Indicator code.", "value": "Value."}
        assert json.loads(table["column_descriptions"])["period"] == "Survey round (YYYY-MM)."
    # DuckDB shows the file's metadata (it has no place for a field's).
    with duckdb.connect() as con:
        found = dict(
            con.execute(
                "select decode(key), decode(value) from parquet_kv_metadata(?)",
                [str(result.path / "fct_things.parquet")],
            ).fetchall()
        )
    assert found["description"] == "One row per thing."
    assert found["release"] == "2026-12-01"
    assert json.loads(found["column_descriptions"])["tags"] == "The thing's tags."


def test_nothing_but_the_metadata_changes(marts, tmp_path):
    result = _release(marts, tmp_path / "releases", "2026-12-01", _manifest(tmp_path / "m.json"))
    assert verify_release(result.path) == []  # the manifest's checksums are the written files'
    partitioned = result.path / "labour_force_indicators_synthetic"
    cases = [
        ("fct_things", [result.path / "fct_things.parquet"], None),
        ("labour_force_indicators_synthetic", sorted(partitioned.rglob("*.parquet")), "period"),
    ]
    for table, files, partition in cases:
        source = marts / f"{table}.parquet"
        published = [field for field in pq.read_schema(source) if field.name != partition]
        # The files as DuckDB writes them, before their descriptions (it declares `not null`
        # a column without nulls: that stays as it was).
        plain = tmp_path / f"plain-{table}"
        plain.mkdir()
        with duckdb.connect() as con:
            _export_table(con, source, plain)
        for path in files:
            after = [field.remove_metadata() for field in pq.read_schema(path)]
            assert [(f.name, f.type) for f in after] == [(f.name, f.type) for f in published]
            as_written = pq.read_schema(plain / path.relative_to(result.path))
            assert after == list(as_written), path  # names, order, types, nullability
        relation = f"read_parquet({[str(path) for path in files]}, hive_partitioning = true)"
        columns = ", ".join(f'"{name}"' for name in pq.read_schema(source).names)
        names = pq.read_schema(source).names
        published_rows = f"read_parquet('{source}')"
        with duckdb.connect() as con:
            # Both directions: rows only in the published file, and rows only in the release.
            for first, second in ((published_rows, relation), (relation, published_rows)):
                assert (
                    con.execute(
                        f"select {columns} from {first} except all select {columns} from {second}"
                    ).fetchall()
                    == []
                ), (first, second)
            if len(files) == 1:  # one file: the same rows in the same order
                before, after = (
                    f"select row_number() over () as rn, {columns} from {rows}"
                    for rows in (published_rows, relation)
                )
                left = ", ".join(f'a."{name}"' for name in names)
                right = ", ".join(f'b."{name}"' for name in names)
                [(moved,)] = con.execute(
                    f"select count(*) from ({before}) a full join ({after}) b on a.rn = b.rn "
                    f"where row({left}) is distinct from row({right})"
                ).fetchall()
                assert moved == 0, f"{source.stem}: {moved} rows out of order"
            assert con.execute(f"select count(*) from {relation}").fetchone()[0] == (
                pq.ParquetFile(source).metadata.num_rows
            )
            assert (
                con.execute(f"describe select * from read_parquet('{source}')").fetchall()
                == con.execute(f"describe select {columns} from {relation}").fetchall()
            )


def test_a_changed_description_writes_the_files_again(marts, tmp_path):
    releases = tmp_path / "releases"
    first = _release(marts, releases, "2026-12-01", _manifest(tmp_path / "m.json"))
    # Same rows, same descriptions: linked, and the file names the release that wrote it.
    second = _release(marts, releases, "2026-12-02", _manifest(tmp_path / "m.json"))
    path = "fct_things.parquet"
    assert (first.path / path).stat().st_ino == (second.path / path).stat().st_ino
    assert file_descriptions(second.path / path)[0]["release"] == "2026-12-01"
    changed = {**TABLES, "fct_things": ("One row per thing, now clearer.", TABLES["fct_things"][1])}
    third = _release(marts, releases, "2026-12-03", _manifest(tmp_path / "m2.json", changed))
    assert (third.path / path).stat().st_ino != (second.path / path).stat().st_ino
    table, _ = file_descriptions(third.path / path)
    assert (table["description"], table["release"]) == (
        "One row per thing, now clearer.",
        "2026-12-03",
    )
    assert verify_release(third.path) == []


def test_the_join_guide_and_the_dictionary_travel_with_the_release(marts, tmp_path):
    result = _release(marts, tmp_path / "releases", "2026-12-01", _manifest(tmp_path / "m.json"))
    manifest = json.loads((result.path / "manifest.json").read_text())
    documents = {entry["path"] for entry in manifest["documents"]}
    assert {"data_dictionary.md", "docs/how-the-marts-join.md"} <= documents
    dictionary = (result.path / "data_dictionary.md").read_text()
    # Every page of docs/ the dictionary names is in the release, where the dictionary says.
    for page in set(re.findall(r"(?<![\w/.-])docs/[\w-]+\.md", dictionary)):
        assert (result.path / page).is_file(), page
        assert page in documents, page
    (result.path / "data_dictionary.md").write_text("changed")
    assert verify_release(result.path) == ["data_dictionary.md: checksum differs from the manifest"]


def test_the_dictionary_lists_what_stata_cannot_take(marts, tmp_path):
    result = _release(marts, tmp_path / "releases", "2026-12-01", _manifest(tmp_path / "m.json"))
    dictionary = (result.path / "data_dictionary.md").read_text()
    section = dictionary.split("## Reading the files in Stata and R")[1].split("\n## ")[0]
    assert "| `fct_things` | `tags` | list<element: string> | a list;" in section
    assert "| `fct_things` | `seen_at` | timestamp[us, tz=UTC] | an instant in UTC;" in section
    # A decimal(18, 2), a date and small 64-bit integers import as they are.
    for column in ("wage_monthly_idr", "seen_date", "big_count", "thing_id"):
        assert f"`{column}`" not in section, column


def test_stata_names_over_32_characters_bad_starts_and_case_twins_are_found():
    names = ["ok_name", "a" * 33, "1st", "Region", "region", "_fine"]
    assert [column for column, _ in stata_name_problems(names)] == ["a" * 33, "1st", "region"]
    assert "renames it `" + "a" * 32 + "`" in stata_name_problems(names)[0][1]


def test_stata_problem_types(tmp_path):
    schema = pa.schema(
        [
            ("small", pa.int64()),
            ("huge", pa.int64()),
            ("unsigned", pa.uint64()),
            ("money", pa.decimal128(38, 2)),
            ("fine_money", pa.decimal128(18, 2)),
            ("moment", pa.timestamp("us")),
            ("nested", pa.struct([("a", pa.int32())])),
            ("day", pa.date32()),
        ]
    )
    table = pa.table(
        [
            [1, 2],
            [1, 2**53],
            [1, 2],
            [None, None],
            [None, None],
            [None, None],
            [None, None],
            [None, None],
        ],
        schema=schema,
    )
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    kinds = {problem.column: problem.kind for problem in stata_problems(schema, [path])}
    assert kinds == {
        "huge": "64-bit integer over 2^53",
        "money": "decimal over 18 digits",
        "moment": "timestamp",
        "nested": "struct or map",
    }
