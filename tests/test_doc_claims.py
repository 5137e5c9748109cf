"""Statements of README.md and docs/normalisation.md that a reviewer found stale, checked
against the dbt YAML they describe."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
README = (REPO_ROOT / "README.md").read_text()
NORMALISATION = (REPO_ROOT / "docs" / "normalisation.md").read_text()
MARTS = REPO_ROOT / "dbt_project" / "models" / "marts"


def _mart_columns() -> dict[tuple[str, str], str]:
    columns = {}
    for path in MARTS.rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            for column in model.get("columns", []):
                columns[(model["name"], column["name"])] = column.get("description", "")
    return columns


def test_readme_names_every_published_time_stamp_with_time_zone() -> None:
    columns = _mart_columns()
    instants = {
        key
        for key, description in columns.items()
        if key[1].endswith("_at") and ("UTC" in description or "TIME ZONE" in description)
    }
    assert instants == {
        ("fct_vacancy_postings", "posted_at"),
        ("fct_portal_vacancies", "published_at"),
    }
    flat = " ".join(README.split())
    for model, column in instants:
        assert f"`{model}.{column}`" in flat
    assert "timestamp[us, tz=UTC]" in flat
    assert "Stata has no time zones" in flat


def test_normalisation_doc_keys_regions_as_the_warehouse_does() -> None:
    flat = " ".join(NORMALISATION.split())
    assert "The warehouse keys regions on **BPS codes**" not in flat
    assert "The warehouse keys regions on the Kemendagri code (`dim_region.region_id`" in flat
    assert ("dim_region", "region_id") in _mart_columns()


def test_normalisation_doc_has_no_stale_phase_or_minimum_wage_todo() -> None:
    flat = " ".join(NORMALISATION.split())
    assert "is a later phase" not in flat
    assert "minimum wage is not filled in" not in flat
    assert "`minimum_wage_monthly_idr`" in flat
    assert ("fct_vacancy_validation", "minimum_wage_monthly_idr") in _mart_columns()
