"""Every published column is described (release files carry the descriptions in their schema),
and every published column name is one Stata can take, or its renaming is documented.

Names are a contract (`published_columns.snapshot.txt`): a name Stata cannot take is not
renamed; it is listed in `STATA_RENAMED` and the README tells researchers what Stata makes of it.
The column types Stata cannot take are found in each release's files and listed, with their
conversion, in its data dictionary (orchestration/operations/release_schema.py).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml
from test_published_columns import MARTS, REPO, snapshot_columns

from orchestration.operations.release_schema import STATA_NAME_LENGTH, stata_name_problems

STATA_RENAMED = {"fct_vacancy_validation.marital_status_requirement_evidence"}
"""Published columns over Stata's 32 characters, kept for the contract; the README names each
with the name pandas' `to_stata` gives it."""


def _models(marts: Path = MARTS) -> list[dict]:
    models = []
    for path in sorted(marts.rglob("*.yml")):
        models += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", [])
    return models


def test_every_published_mart_and_column_has_a_description() -> None:
    missing = [
        f"{model['name']}.{column['name']}"
        for model in _models()
        for column in model.get("columns", [])
        if not str(column.get("description") or "").strip()
    ]
    missing += [model["name"] for model in _models() if not str(model.get("description")).strip()]
    assert not missing, f"published without a description (dbt YAML): {missing}"


def test_every_published_column_of_the_snapshot_is_documented_in_the_yaml() -> None:
    documented = {
        f"{model['name']}.{column['name']}"
        for model in _models()
        for column in model.get("columns", [])
    }
    assert snapshot_columns() <= documented


def test_published_names_are_stata_names_or_their_renaming_is_documented() -> None:
    per_mart: dict[str, list[str]] = defaultdict(list)
    for column in sorted(snapshot_columns()):
        mart, name = column.split(".", 1)
        per_mart[mart].append(name)
    problems = {
        f"{mart}.{name}": problem
        for mart, names in per_mart.items()
        for name, problem in stata_name_problems(names)
    }
    unexpected = {column: text for column, text in problems.items() if column not in STATA_RENAMED}
    assert not unexpected, unexpected
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for column in STATA_RENAMED:
        name = column.split(".", 1)[1]
        assert len(name) > STATA_NAME_LENGTH, f"{column} fits Stata now: drop it from the list"
        assert name in readme and name[:STATA_NAME_LENGTH] + "`" in readme, column


def test_the_name_check_finds_long_names_bad_starts_and_case_twins() -> None:
    problems = stata_name_problems(["a" * 33, "2nd", "x", "X", "_ok"])
    assert [name for name, _ in problems] == ["a" * 33, "2nd", "X"]
