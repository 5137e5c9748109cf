"""The linters CI enforces: ruff on Python, sqlfluff on every dbt model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[1]
BIN = Path(sys.executable).parent


def test_python_passes_ruff():
    completed = subprocess.run(
        [str(BIN / "ruff"), "check", "--output-format", "concise", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]


def test_python_is_formatted_as_ruff_formats_it():
    # Markdown is left out: ruff would reflow the code samples of the docs, which are written
    # to be read at their width.
    completed = subprocess.run(
        [str(BIN / "ruff"), "format", "--check", "--extend-exclude", "*.md", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]


def test_dbt_models_pass_sqlfluff():
    completed = subprocess.run(
        [
            str(BIN / "sqlfluff"),
            "lint",
            "dbt_project/models",
            "--processes",
            "1",
            "--disable-progress-bar",
            "--nofail",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    violations = [line for line in completed.stdout.splitlines() if line.startswith("L:")]
    assert not violations, completed.stdout[-4000:]
