"""Fixtures for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestration import env_file

# `lmis` children that tests start inherit this: set empty, they read no .env, so an operator's
# .env in the checkout (production folders, an alert command that pages people) never reaches
# them. Set here, on import, before any test starts a child.
os.environ[env_file.ENV_FILE_VARIABLE] = ""


@pytest.fixture(autouse=True)
def _no_project_dot_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests call `lmis` (cli.main) in-process: an operator's or developer's .env in the checkout
    # must not set variables for the rest of the session. Tests of .env pass their own file.
    monkeypatch.setattr(env_file, "ENV_FILE", Path("/nonexistent-lmis-test") / ".env")
