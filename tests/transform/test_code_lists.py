"""The code lists the vacancy marts' YAML publishes are the codes the normaliser writes."""

from __future__ import annotations

from pathlib import Path

import yaml

from ingest.normalise import attributes, pay

MODELS = Path(__file__).parents[2] / "dbt_project/models/marts/vacancies/_vacancies__models.yml"


def _accepted_values(model: str, column: str) -> list[str]:
    models = {m["name"]: m for m in yaml.safe_load(MODELS.read_text())["models"]}
    (entry,) = [c for c in models[model]["columns"] if c["name"] == column]
    for test in entry.get("data_tests", []):
        if isinstance(test, dict) and "accepted_values" in test:
            return test["accepted_values"]["arguments"]["values"]
    raise AssertionError(f"{model}.{column} has no accepted_values test")


def test_education_level_codes_are_the_normalisers() -> None:
    for model in ("fct_vacancy_postings", "fct_vacancies"):
        assert _accepted_values(model, "education_level") == attributes.EDUCATION_LEVELS


def test_employment_type_codes_are_the_normalisers_in_its_order() -> None:
    kinds = [kind for kind, _ in attributes.EMPLOYMENT_TYPES]
    for model in ("fct_vacancy_postings", "fct_vacancies"):
        assert _accepted_values(model, "employment_type") == kinds
    # The documented order of `employment_types` is the order the normaliser joins them in.
    models = {m["name"]: m for m in yaml.safe_load(MODELS.read_text())["models"]}
    (entry,) = [
        c for c in models["fct_vacancy_postings"]["columns"] if c["name"] == "employment_types"
    ]
    assert ", ".join(kinds) in " ".join(entry["description"].split())


def test_salary_status_codes_are_the_pay_parsers_but_negative() -> None:
    # Negative pay is quarantined at landing (`salary_negative`), so never reaches the marts.
    statuses = {value for name, value in vars(pay).items() if name.startswith("PAY_")}
    statuses.discard(pay.PAY_NEGATIVE)
    for model in ("fct_vacancy_postings", "fct_vacancies"):
        assert set(_accepted_values(model, "salary_status")) == statuses
