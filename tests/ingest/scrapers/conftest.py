"""Crawler tests: make the fixture modules next to this file importable, share `out_dir`.

The suite runs with `--import-mode=importlib`, which does not put test folders on `sys.path`;
the fixture server, sites and helpers live beside the tests under names unique to this folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "crawls"
