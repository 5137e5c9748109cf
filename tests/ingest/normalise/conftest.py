"""Shared fixtures: the shipped real postings, normalised and linked once per test session."""

from __future__ import annotations

import polars as pl
import pytest

from ingest.normalise import normalise_postings
from ingest.normalise.duplicates import link_duplicates
from ingest.normalise.real_samples import load_real_postings


@pytest.fixture(scope="session")
def real_linked() -> tuple[pl.DataFrame, pl.DataFrame]:
    """`(pairs, clusters)` of `link_duplicates` on all 24,606 shipped real postings."""
    return link_duplicates(normalise_postings(load_real_postings()))
