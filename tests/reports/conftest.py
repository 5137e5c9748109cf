"""Fixtures the Critical Occupations tests share: the shipped configuration and the fixture
marts, written afresh for each test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reports.critical_occupations import scoring

# The fixture builder sits beside the tests (pytest runs with --import-mode=importlib).
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
from fixture_marts import write_fixture_marts  # noqa: E402


@pytest.fixture
def config() -> dict:
    return scoring.load_config()


@pytest.fixture
def marts_dir(tmp_path: Path) -> Path:
    return write_fixture_marts(tmp_path / "marts")
