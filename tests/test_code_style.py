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
    # The same command as `make lint`: its exclusions (Markdown) are in pyproject.toml.
    completed = subprocess.run(
        [str(BIN / "ruff"), "format", "--check", "."],
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


# Docs held to the style rule of lines up to 100 characters (tables, code blocks and lines with
# a link are exempt: they cannot be broken). Other docs still have long lines; add each once
# reflowed.
WRAPPED_DOCS = (
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    "docs/crawling.md",
    "docs/data-quality-standards.md",
)


def test_wrapped_docs_keep_prose_lines_within_100_characters():
    long_lines = []
    for name in WRAPPED_DOCS:
        in_code = False
        for number, line in enumerate((REPO / name).read_text().splitlines(), start=1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            exempt = in_code or line.lstrip().startswith("|") or "http" in line
            if len(line) > 100 and not exempt:
                long_lines.append(f"{name}:{number} ({len(line)} characters)")
    assert not long_lines, long_lines


def test_make_lint_runs_the_commands_these_tests_run():
    # One definition of what is linted: `make lint` on a clean clone passes exactly when these
    # tests do (the exclusions live in pyproject.toml, not on either command line).
    recipe = (REPO / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check .\n" in recipe
    assert "ruff format --check .\n" in recipe
    assert "sqlfluff lint dbt_project/models --processes 1" in recipe
