"""The vacancy rules (`quality.vacancies.checks.RULES`) against every place that must follow them.

A rule added to `RULES` flows into `lmis check-vacancies`'s output and, through the dbt Python
model `int_vacancy_postings_validated`, into the published `fct_vacancy_validation` (which takes
its columns with `* exclude`). These tests need no build: they hold the rules against the dbt
YAML of both models, the command's written columns, the report's labels and the flag-prefix
convention, and name the file to edit when one falls behind (CONTRIBUTING.md, "A vacancy rule").
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml

from orchestration.cli import main
from quality.vacancies.checks import RULES
from quality.vacancies.text_rules import load_lexicon
from reports.quality_report import TEXT

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "dbt_project" / "models"
INTERMEDIATE_YAML = MODELS / "intermediate" / "quality" / "_int_quality__models.yml"
MART_YAML = MODELS / "marts" / "quality" / "_quality__models.yml"
FIXTURE = Path(__file__).parent / "fixtures" / "vacancies_batch.csv"
# The mart's own columns, from fct_vacancy_postings, before those of the Python model.
MART_LEAD = ["posting_id", "source", "posted_date", "province_bps_code"]


def _yaml_columns(path: Path, model: str) -> list[str]:
    for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
        if entry["name"] == model:
            return [column["name"] for column in entry.get("columns", [])]
    raise AssertionError(f"{path}: no model {model}")


def _rule_columns() -> list[str]:
    return [c for rule in RULES for c in (rule.flag_column, rule.evidence_column)]


def _written_columns(tmp_path: Path) -> list[str]:
    wages = tmp_path / "ump.csv"
    pl.DataFrame(
        {"province_bps_code": ["31"], "wage_year": [2024], "minimum_wage_monthly_idr": [5_067_381]}
    ).write_csv(wages)
    out = tmp_path / "flags.csv"
    argv = ["check-vacancies", str(FIXTURE), str(out), "--minimum-wages", str(wages)]
    assert main([*argv, "--as-of", "2024-06-01"]) == 0
    return pl.read_csv(out, n_rows=0).columns


def test_the_marts_yaml_documents_every_rule_column_in_order():
    mart = _yaml_columns(MART_YAML, "fct_vacancy_validation")
    assert mart[: len(MART_LEAD)] == MART_LEAD, MART_YAML
    rule_part = mart[len(MART_LEAD) : len(MART_LEAD) + 2 * len(RULES)]
    assert rule_part == _rule_columns(), (
        f"{MART_YAML.relative_to(REPO)} (fct_vacancy_validation) must list each rule's flag and "
        "evidence columns in the order of RULES in quality/vacancies/checks.py"
    )


def test_the_intermediate_and_mart_yaml_list_the_same_model_columns():
    intermediate = _yaml_columns(INTERMEDIATE_YAML, "int_vacancy_postings_validated")
    mart = _yaml_columns(MART_YAML, "fct_vacancy_validation")
    assert intermediate[:2] == ["posting_id", "source"]
    assert mart[len(MART_LEAD) :] == intermediate[2:], (
        f"{MART_YAML.relative_to(REPO)} and {INTERMEDIATE_YAML.relative_to(REPO)} must document "
        "the same columns of the checks, in the same order"
    )


def test_check_vacancies_writes_the_documented_columns(tmp_path):
    # The command's OUT has the intermediate model's columns with `id` for `posting_id`
    # (docs/data-quality-standards.md, "lmis check-vacancies on a file").
    intermediate = _yaml_columns(INTERMEDIATE_YAML, "int_vacancy_postings_validated")
    documented = ["id", *intermediate[1:]]
    assert _written_columns(tmp_path) == documented, (
        f"lmis check-vacancies writes other columns than {INTERMEDIATE_YAML.relative_to(REPO)} "
        "documents: update the YAML (and fct_vacancy_validation's) and CHANGELOG.md"
    )


def test_every_rule_has_a_report_label_in_both_languages():
    for language in ("id", "en"):
        unlabelled = [r.name for r in RULES if r.name not in TEXT[language]["rules"]]
        assert not unlabelled, (
            f"add {unlabelled} to TEXT[{language!r}]['rules'] in reports/quality_report.py: the "
            "data-quality report would show the raw key"
        )


def test_every_flag_column_is_prefixed_is_or_has_by_its_kind():
    # rpt_vacancy_validation_by_source finds flags by prefix and counts title-only checks for
    # has_ rules only (docs/data-quality-standards.md, "Flag columns").
    text_rules = {rule.name for rule in load_lexicon()}
    for rule in RULES:
        expected = "has_" if rule.name in text_rules else "is_"
        assert rule.flag_column == f"{expected}{rule.name}", (
            f"{rule.standard_id}: flag column {rule.flag_column!r} should be "
            f"{expected}{rule.name} (has_ for a lexicon text rule, is_ otherwise)"
        )


def test_no_other_output_column_takes_a_flag_prefix():
    flags = {rule.flag_column for rule in RULES}
    intermediate = _yaml_columns(INTERMEDIATE_YAML, "int_vacancy_postings_validated")
    stray = [c for c in intermediate if c.startswith(("is_", "has_")) and c not in flags]
    assert not stray, f"{stray} would be counted as rules by rpt_vacancy_validation_by_source"
