"""Release parquet files that describe themselves, and what Stata makes of their columns.

Researchers open a release's files alone (DuckDB, Polars, R's arrow, Stata through a converter),
often far from the data dictionary. So each file carries, in its Arrow schema:

- per column, its description from the dbt YAML (field metadata `description`);
- per file (schema metadata): `table`, the table's `description`, `release` (the release that
  wrote the file) and `column_descriptions` (JSON, every column of the table, the hive partition
  column too), which DuckDB's `parquet_kv_metadata()` shows, as it shows no field metadata.

A table whose published file did not change is hard-linked from the release `latest` points to
(orchestration/operations/releases.py), so its files name the release that first wrote them:
the same bytes were in that release. A change of the descriptions writes the files again
(`metadata_fingerprint`).

`describe_file` rewrites a file DuckDB wrote with pyarrow, row group by row group: the same rows
in the same order, the same column names, order, types and nullability; only the metadata is
added. `stata_problems` names the columns Stata cannot take as they are, with the conversion.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DESCRIPTION_KEY = b"description"
TABLE_KEY = b"table"
RELEASE_KEY = b"release"
COLUMN_DESCRIPTIONS_KEY = b"column_descriptions"
ROW_GROUP_ROWS = 122_880
"""DuckDB's row group size, kept so a reader's memory per row group stays what it was."""
ZSTD_LEVEL = 3
"""DuckDB's zstd level; pyarrow's default (1) made the release files about 8 % larger."""
FORMAT_VERSION = "1"
"""Part of `metadata_fingerprint`: a change to what the files carry writes them all again."""


def metadata_fingerprint(table: str, description: str, columns: dict[str, str]) -> str:
    """SHA-256 of what `describe_file` writes into a table's files, but the release id.

    A release reuses a file of the previous one only when this is the same: a description
    edited in the dbt YAML must reach the files even when the rows did not change."""
    text = json.dumps([FORMAT_VERSION, table, description, columns], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def described_schema(
    schema: pa.Schema, *, table: str, description: str, columns: dict[str, str], release: str
) -> pa.Schema:
    """`schema` with the descriptions and the release id as metadata (the fields unchanged)."""
    fields = [
        field.with_metadata({DESCRIPTION_KEY: columns[field.name].encode()})
        if columns.get(field.name)
        else field.remove_metadata()
        for field in schema
    ]
    metadata = {
        TABLE_KEY: table.encode(),
        DESCRIPTION_KEY: description.encode(),
        RELEASE_KEY: release.encode(),
        COLUMN_DESCRIPTIONS_KEY: json.dumps(columns, sort_keys=True).encode(),
    }
    return pa.schema(fields, metadata=metadata)


def describe_file(
    path: Path, *, table: str, description: str, columns: dict[str, str], release: str
) -> None:
    """Write `path` again with the descriptions in its schema (module doc); replaced atomically.

    Read as one file, not a dataset: a path under `period=.../` must not gain the partition
    column (pyarrow's dataset reader would add it)."""
    source = pq.ParquetFile(path)
    schema = described_schema(
        source.schema_arrow, table=table, description=description, columns=columns, release=release
    )
    temporary = path.with_name(f".{path.name}.describing")
    try:
        with pq.ParquetWriter(
            temporary, schema, compression="zstd", compression_level=ZSTD_LEVEL
        ) as writer:
            for batch in source.iter_batches(batch_size=ROW_GROUP_ROWS):
                writer.write_batch(
                    pa.RecordBatch.from_arrays(batch.columns, schema=schema),
                    row_group_size=ROW_GROUP_ROWS,
                )
        source.close()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def file_descriptions(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(schema metadata, per column its description) of a parquet file, as text."""
    schema = pq.read_schema(path)
    table = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
    table.pop("ARROW:schema", None)
    columns = {
        field.name: (field.metadata or {}).get(DESCRIPTION_KEY, b"").decode() for field in schema
    }
    return table, columns


STATA_NAME_LENGTH = 32
_STATA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def stata_name_problems(names: list[str]) -> list[tuple[str, str]]:
    """(column, problem) for the column names Stata cannot take as they are: over 32
    characters, not a letter or underscore first (or other than letters, digits and
    underscores), or equal to an earlier column's name but for case (a converter or a
    case-insensitive reader merges or renames them)."""
    problems = []
    seen: dict[str, str] = {}
    for name in names:
        if len(name) > STATA_NAME_LENGTH:
            problems.append(
                (
                    name,
                    f"{len(name)} characters, over Stata's {STATA_NAME_LENGTH}: pandas "
                    f"`to_stata` renames it `{name[:STATA_NAME_LENGTH]}` (with a warning)",
                )
            )
        if not _STATA_NAME.fullmatch(name):
            problems.append((name, "not a Stata name: a letter or _ first, then A-z, 0-9 or _"))
        if name.lower() in seen:
            problems.append((name, f"the name of `{seen[name.lower()]}` but for case"))
        seen.setdefault(name.lower(), name)
    return problems


@dataclass(frozen=True)
class StataProblem:
    column: str
    arrow_type: str
    kind: str
    conversion: str


STATA_CONVERSIONS = {
    "list": (
        "a list; Stata has no list variables: unnest it to one row per element, e.g. "
        "`select key, unnest(col) as item from 'file.parquet'`, or join it into one string "
        "with `array_to_string(col, ';')`"
    ),
    "struct or map": "nested; Stata cannot hold it: select its fields as columns first",
    "timestamp with zone": (
        "an instant in UTC; Stata has no time zones: export Jakarta wall-clock time, "
        "`strftime(timezone('Asia/Jakarta', col), '%Y-%m-%d %H:%M:%S')`, then "
        '`gen double t = clock(col_wib, "YMDhms")` with `format t %tc`'
    ),
    "timestamp": (
        "microseconds; Stata's %tc clock is in milliseconds: the microseconds are lost "
        "(import as a double with `format %tc`)"
    ),
    "64-bit integer over 2^53": (
        "Stata's largest integer type is 32-bit (long) and a double is exact only up to 2^53: "
        "export it as a string"
    ),
    "decimal over 18 digits": "more digits than a Stata double holds: export it as a string",
    "other": "a type Stata has no match for: convert it before import",
}
"""Per kind of problem, the conversion the data dictionary gives."""


def _stata_kind(kind: pa.DataType) -> str | None:
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return "list"
    if pa.types.is_struct(kind) or pa.types.is_map(kind):
        return "struct or map"
    if pa.types.is_timestamp(kind):
        return "timestamp with zone" if kind.tz else "timestamp"
    if pa.types.is_decimal(kind):
        return "decimal over 18 digits" if kind.precision > 18 else None
    simple = (
        pa.types.is_boolean,
        pa.types.is_integer,
        pa.types.is_floating,
        pa.types.is_string,
        pa.types.is_large_string,
        pa.types.is_date,
        pa.types.is_null,
        pa.types.is_dictionary,
    )
    return None if any(check(kind) for check in simple) else "other"


DOUBLE_EXACT = 2**53
"""Integers a double (what a converter makes of a 64-bit integer for Stata) holds exactly."""


def _beyond_double(path: Path, column: str) -> bool:
    """True if the statistics of `column` in `path` reach 2^53, or a row group with values has
    none (a file without the column, a hive partition's, has nothing beyond)."""
    metadata = pq.ParquetFile(path).metadata
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(row_group.num_columns):
            chunk = row_group.column(index)
            if chunk.path_in_schema != column:
                continue
            stats = chunk.statistics
            if stats is None or not stats.has_min_max:
                if stats is None or stats.null_count != stats.num_values:
                    return True
            elif max(abs(stats.min), abs(stats.max)) >= DOUBLE_EXACT:
                return True
    return False


def stata_problems(schema: pa.Schema, files: list[Path] = ()) -> list[StataProblem]:
    """The columns of `schema` Stata cannot take without a conversion, with that conversion.

    A 64-bit integer (signed or not) becomes a double in Stata: a problem only where a value of
    one of `files` (the table's, read from their statistics) reaches 2^53."""
    found = []
    for field in schema:
        kind = _stata_kind(field.type)
        is_int64 = pa.types.is_int64(field.type) or pa.types.is_uint64(field.type)
        if is_int64 and any(_beyond_double(path, field.name) for path in files):
            kind = "64-bit integer over 2^53"
        if kind is not None:
            found.append(StataProblem(field.name, str(field.type), kind, STATA_CONVERSIONS[kind]))
    return found
