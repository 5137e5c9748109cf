"""Rows a per-posting dbt Python model keeps from its previous build.

The vacancy chain's Python models derive each posting's rows from that posting's own inputs (its
text, its dates) and from fixed code and reference files. A new crawl day adds a few hundred
postings to about twenty thousand, so such a model reads its own previous build: a posting whose
inputs hash as they did then (`with_input_hash`), under the same code and reference files
(`fingerprint_of_files`), keeps the rows it has; only new and changed postings are derived again.
The model stores both values on its rows. A build that keeps rows gives the rows a build from
nothing gives, provided what is derived for one posting does not depend on the other postings
(each model's test builds it both ways: tests/transform/test_vacancy_*_reuse.py).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl

log = logging.getLogger(__name__)


def with_input_hash(frame: pl.DataFrame, inputs: Iterable[str], column: str) -> pl.DataFrame:
    """`frame` with `column`: `sha256:` and 128 bits of SHA-256 in hexadecimal over `inputs`,
    each with its length (no two different inputs run together alike; a null is not an empty
    text). Prefixed hexadecimal, never a bare number: 16 digits read like a NIK to the
    personal-data checks."""
    rows = frame.select(*(pl.col(name).cast(pl.String) for name in inputs)).iter_rows()
    hashes = [
        "sha256:"
        + hashlib.sha256(
            "".join("-" if value is None else f"{len(value)}:{value}" for value in row).encode()
        ).hexdigest()[:32]
        for row in rows
    ]
    return frame.with_columns(pl.Series(column, hashes, dtype=pl.String))


def fingerprint_of_files(paths: Iterable[Path]) -> str:
    """16 hexadecimal digits over the files' names and bytes and the polars version (which
    hashes the inputs and runs the derivation)."""
    digest = hashlib.sha256(pl.__version__.encode())
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def previous_rows(
    session,
    this,
    columns: dict[str, pl.DataType] | None,
    hash_column: str,
    fingerprint_column: str,
    fingerprint: str,
) -> pl.DataFrame | None:
    """The previous build's rows made under `fingerprint`: its `columns` (cast to their types)
    and `hash_column`, or (`columns` None) every column but the fingerprint, as stored. None if
    there is no previous build, or it predates these columns."""
    from ingest.warehouse import table_columns

    stored = table_columns(session, f"{this.schema}.{this.identifier}") or {}
    if columns is None:
        names = [name for name in stored if name != fingerprint_column]
    else:
        names = [*columns, hash_column]
    if not {*names, hash_column, fingerprint_column} <= set(stored):
        return None
    quoted = ", ".join(f'"{name}"' for name in names)
    rows = session.sql(
        f"select {quoted} from {this!r} where {fingerprint_column} = ?", params=[fingerprint]
    ).pl()
    return rows if columns is None else rows.cast({**columns, hash_column: pl.String})


def kept_and_new(
    previous: pl.DataFrame | None,
    postings: pl.DataFrame,
    key: str,
    hash_column: str,
    id_column: str,
) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    """The previous rows of postings whose inputs hash as they did (`previous`' `key` against
    `postings`' `id_column`), and the postings with no such row, to derive again. A null hash
    never matches: a posting whose derivation cannot be trusted to repeat is derived again."""
    if previous is None:
        return None, postings
    current = postings.select(pl.col(id_column).alias(key), hash_column)
    kept = previous.join(current, on=[key, hash_column], how="semi")
    new = postings.join(
        kept.select(pl.col(key).alias(id_column)).unique(), on=id_column, how="anti"
    )
    return kept, new


def build_keeping_rows(
    session,
    this,
    postings: pl.DataFrame,
    derive: Callable[[pl.DataFrame], pl.DataFrame],
    hash_column: str,
    fingerprint_column: str,
    fingerprint: str,
    sort_by: tuple[str, ...] = ("posting_id",),
) -> pl.DataFrame:
    """A model's table: the previous build's rows of unchanged `postings` (keyed on
    `posting_id`, with `hash_column`) and `derive` of the others (which returns their rows with
    `posting_id` and `hash_column`), stamped with `fingerprint` and sorted."""
    previous = previous_rows(session, this, None, hash_column, fingerprint_column, fingerprint)
    kept, new = kept_and_new(previous, postings, "posting_id", hash_column, "posting_id")
    if kept is None or kept.is_empty():
        # Nothing kept (first build, or new code): the columns are the derivation's. The previous
        # table's may be fewer, when the new code adds one, and must not drop it.
        rows = derive(new)
    elif new.is_empty():
        rows = kept
    else:
        rows = derive(new)
        # A column all null among the postings derived now has no type of its own.
        rows = rows.cast({n: t for n, t in kept.schema.items() if rows.schema[n] == pl.Null})
        rows = pl.concat([kept, rows.select(kept.columns)], how="vertical_relaxed")
    rows = rows.with_columns(pl.lit(fingerprint).alias(fingerprint_column))
    log.info(
        "%s: %d postings, %d kept from the previous build, %d derived now",
        this.identifier,
        postings.height,
        postings.height - new.height,
        new.height,
    )
    return rows.sort(*sort_by)
