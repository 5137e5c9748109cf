"""Figures and states the documentation gives, against the marts' YAML and the rules stated
beside them (the data are not read here: the figures the marts give are checked by their tests).

A reviewer found docs/assumptions_caveats.md calling standard errors empty and postings uncoded
after both had landed, and docs/admin-sources.md giving a row count of fct_company_workforce that
its own grain and merge rule do not give. Figures that move with the data are given with the way
to get them; the ones kept must agree with the rule stated beside them.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
LABOUR_FORCE_MODELS = (
    REPO / "dbt_project" / "models" / "marts" / "labour_force" / "_labour_force__models.yml"
)


def _row(document: Path, first_cell: str) -> str:
    for line in document.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| {first_cell} |"):
            return line
    raise AssertionError(f"{document.name}: no table row '{first_cell}'")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_caveats_state_the_standard_errors_and_suppression_the_mart_publishes():
    models = yaml.safe_load(LABOUR_FORCE_MODELS.read_text(encoding="utf-8"))["models"]
    mart = next(m for m in models if m["name"] == "labour_force_indicators")
    columns = {c["name"] for c in mart["columns"]}
    assert {"se", "rse", "reliability", "is_suppressed"} <= columns
    row = _row(DOCS / "assumptions_caveats.md", "Standard errors")
    assert "empty" not in row and "not yet suppressed" not in row
    assert "`is_suppressed`" in row


def test_caveats_state_how_postings_are_coded():
    row = _row(DOCS / "assumptions_caveats.md", "Occupation of a posting")
    assert "Not yet coded" not in row
    assert "`is_occupation_coded`" in row and "auto_code_threshold" in row


def test_company_workforce_rows_agree_with_the_grain_and_the_merged_repeats():
    document = (DOCS / "admin-sources.md").read_text(encoding="utf-8")
    row = _row(DOCS / "admin-sources.md", "`fct_company_workforce`")
    stated = re.search(
        r"\| ([\d,]+) \(the ([\d,]+) report lines × 4 employment relations × 2 sexes, less the "
        r"([\d,]+) rows of the (\d+) repeated lines summed\)",
        row,
    )
    assert stated, row
    rows, lines, merged, repeated = (_number(g) for g in stated.groups())
    assert rows == lines * 4 * 2 - merged
    assert merged == repeated * 4 * 2
    repeats = re.search(r"(\d+) report lines\s+repeat a jabatan title", document)
    assert repeats and int(repeats.group(1)) == repeated
