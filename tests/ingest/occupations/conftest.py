"""Shared fixtures: the production coder, built from shipped data on first use and cached."""

from __future__ import annotations

import pytest

from ingest.occupations.build import load_model
from ingest.occupations.coder import OccupationCoder


@pytest.fixture(scope="session")
def occupation_model():
    # On a clean clone this builds the model (about a minute); afterwards it loads the cache.
    return load_model()


@pytest.fixture(scope="session")
def coder(occupation_model):
    return OccupationCoder(occupation_model)
