"""The SQL examples of docs/how-the-marts-join.md and the README's region-name example run on
marts of the published layout and name the regions right (the review of 2026-12-06 found the
obvious join `'regency-' || area_code` naming 4 of Jambi's 11 regencies wrongly)."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import polars as pl
import pytest

from orchestration import settings

JOINS = settings.REPO_ROOT / "docs" / "how-the-marts-join.md"
README = settings.REPO_ROOT / "README.md"


def _sql_snippets(text: str) -> list[str]:
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def _indicators(level: str, code: str, region_id: str | None, period: str) -> dict:
    return {
        "period": period,
        "area_level": level,
        "area_code": code,
        "region_id": region_id,
        "breakdown": "total",
        "breakdown_variable": "total",
        "indicator": "tpt",
        "value": 5.0,
    }


@pytest.fixture
def marts(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "marts"
    folder.mkdir(parents=True)
    pl.DataFrame(
        {
            "region_id": ["province-15", "regency-1506", "regency-1507"],
            "region_level": ["province", "regency", "regency"],
            "kemendagri_code": ["15", "1506", "1507"],
            "bps_code": ["15", "1507", "1506"],
            "region_name": [
                "Jambi",
                "Kabupaten Tanjung Jabung Barat",
                "Kabupaten Tanjung Jabung Timur",
            ],
        }
    ).write_parquet(folder / "dim_region.parquet")
    rows = [
        _indicators("regency", "1506", "regency-1507", "2020-08"),
        _indicators("regency", "1507", "regency-1506", "2020-08"),
        _indicators("national", "00", None, "2020-08"),
    ]
    pl.DataFrame(rows).write_parquet(folder / "labour_force_indicators.parquet")
    synthetic = [
        _indicators("province", "15", "province-15", "2023-08"),
        _indicators("province", "15", "province-15", "2024-08"),
    ]
    pl.DataFrame(synthetic).write_parquet(folder / "labour_force_indicators_synthetic.parquet")
    pl.DataFrame(
        {
            "month_start_date": [date(2025, 10, 1)],
            "period": ["2025-10"],
            "province_region_id": ["province-15"],
            "province_code_kemendagri": ["15"],
            "kbji4": ["2512"],
            "vacancies_per_job_seeker": [0.5],
        }
    ).write_parquet(folder / "labour_market_tightness.parquet")
    pl.DataFrame(
        {
            "vacancy_id": ["a", "b"],
            "kbji2014_code": ["2512", "2512"],
            "is_occupation_coded": [True, False],
        }
    ).write_parquet(folder / "fct_vacancies.parquet")
    pl.DataFrame({"kbji_code": ["2512"], "title_id": ["Pengembang perangkat lunak"]}).write_parquet(
        folder / "dim_occupation.parquet"
    )
    monkeypatch.chdir(tmp_path)
    return folder


def test_every_join_example_runs_and_names_regions_by_their_bps_code(marts) -> None:
    snippets = _sql_snippets(JOINS.read_text(encoding="utf-8"))
    readme = README.read_text(encoding="utf-8").split("## Published marts", 1)[1]
    snippets += _sql_snippets(readme.split("\n## ", 1)[0])
    assert len(snippets) >= 4, "the join examples are gone"
    results = []
    with duckdb.connect() as con:
        for snippet in snippets:
            results.append(con.sql(snippet).fetchall())
    names = [r for result in results for r in result if "2020-08" in r]
    # BPS 1506 is Tanjung Jabung Timur: every regency example must say so.
    assert names and all(
        ("1506" in r and "Kabupaten Tanjung Jabung Timur" in r) or "1506" not in r for r in names
    )
    # Tightness beside TPT: the latest round of the province.
    assert any(r[-2:] == ("2024-08", 5.0) for result in results for r in result)
    # Vacancies by occupation count accepted codes only.
    assert [("2512", "Pengembang perangkat lunak", 1)] in results
