"""Shared fixtures for the Sakernas tests: the real Jambi extract, harmonised once per session."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from ingest.sakernas import harmonise, load_round_config, read_microdata
from ingest.sakernas.estimate import estimate_indicators
from orchestration.settings import DATA_DIR

JAMBI_FILE = DATA_DIR / "real" / "sakernas-2020-08-jambi" / "sakernas_2020_08_jambi.csv.gz"


@pytest.fixture(scope="session")
def jambi_persons() -> pl.DataFrame:
    data, _labels, _missing = read_microdata(JAMBI_FILE)
    persons, quarantine = harmonise(data, load_round_config("2020-08"), source_file=JAMBI_FILE.name)
    assert quarantine.height == 0
    return persons


def _mart(persons: pl.DataFrame, publish: bool) -> pl.DataFrame:
    con = duckdb.connect()
    con.register("persons_frame", persons.to_arrow())
    return estimate_indicators(con, "persons_frame", publish=publish)


@pytest.fixture(scope="session")
def jambi_mart(jambi_persons: pl.DataFrame) -> pl.DataFrame:
    """The published mart: suppressed values are null."""
    return _mart(jambi_persons, publish=True)


@pytest.fixture(scope="session")
def jambi_mart_unpublished(jambi_persons: pl.DataFrame) -> pl.DataFrame:
    """The same estimates with suppressed values kept, to check what suppression hides."""
    return _mart(jambi_persons, publish=False)
