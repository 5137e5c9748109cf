"""Every standard is documented once with an id, enforced somewhere, and tested.

docs/data-quality-standards.md is the list; each id must be used by a suite, the vacancy rule
registry or a check, and must be named in a test module of tests/quality/ (only the name is
checked: ids sit in docstrings, comments and parameter tables, so which test asserts on each
cannot be told cheaply; the document says so). Every id a suite uses must be in the document.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from quality.vacancies import RULES

REPO = Path(__file__).parents[2]
DOC = REPO / "docs" / "data-quality-standards.md"
ID = re.compile(r"\b(?:GX|RAW|QUA|STG|PUB|VAC)-[A-Z]{3}-\d{2}\b")


def _documented() -> list[str]:
    # An id is documented where it opens a table row.
    return re.findall(r"^\| ((?:GX|RAW|QUA|STG|PUB|VAC)-[A-Z]{3}-\d{2}) \|", DOC.read_text(), re.M)


def test_each_standard_is_documented_once():
    ids = _documented()
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert len(ids) >= 40


def test_every_id_a_suite_uses_is_documented():
    documented = set(_documented())
    for suite in (REPO / "quality" / "suites").glob("*.json"):
        for expectation in json.loads(suite.read_text())["expectations"]:
            standard = expectation.get("meta", {}).get("standard_id")
            assert standard in documented, f"{suite.name}: {standard} not in {DOC.name}"


def test_every_vacancy_rule_is_documented():
    assert {r.standard_id for r in RULES} <= set(_documented())


def test_every_documented_standard_has_a_test():
    tested = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        if path.name != Path(__file__).name:
            tested |= set(ID.findall(path.read_text(encoding="utf-8")))
    missing = sorted(set(_documented()) - tested)
    assert not missing, f"standards without a test: {missing}"
