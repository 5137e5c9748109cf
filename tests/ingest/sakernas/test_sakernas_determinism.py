"""The estimator gives the same bits whatever order the persons come in and however many threads.

Published marts are compared by SHA-256 from one night to the next, so an estimate may not move
in its last bit when DuckDB's threads add the same weights in another order. The persons are
shuffled (another order of addition for any plain `sum`) and the second estimate runs on four
threads; every value must be identical, not just close.
"""

from __future__ import annotations

import duckdb
import polars as pl
from polars.testing import assert_frame_equal

from ingest.sakernas.estimate import estimate_indicators


def _estimate(persons: pl.DataFrame, *, threads: int) -> pl.DataFrame:
    con = duckdb.connect(config={"threads": threads})
    con.register("persons_frame", persons.to_arrow())
    try:
        return estimate_indicators(con, "persons_frame", publish=False)
    finally:
        con.close()


def test_estimates_are_bit_identical_for_shuffled_persons_on_four_threads(jambi_persons):
    first = _estimate(jambi_persons, threads=1)
    shuffled = jambi_persons.sample(fraction=1.0, shuffle=True, seed=20261204)
    assert not shuffled["source_row"].equals(jambi_persons["source_row"])
    second = _estimate(shuffled, threads=4)
    assert_frame_equal(first, second, check_exact=True)
