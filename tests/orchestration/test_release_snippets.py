"""The reading examples of docs/operations.md ("Releases for researchers") run on a release,
and those of the README ("Published marts") on published marts.

The release is laid out by the release writer itself (`_export_table`), so a change of the
layout that breaks the documented examples fails here.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from orchestration import settings
from orchestration.operations.releases import _export_table

DOC = settings.REPO_ROOT / "docs" / "operations.md"
README = settings.REPO_ROOT / "README.md"


def _snippets(path, heading: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def _indicators(periods: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": periods,
            "area_level": ["province"] * len(periods),
            "area_code": ["15"] * len(periods),
            "breakdown": ["total"] * len(periods),
            "indicator": ["tpt"] * len(periods),
            "value": [5.0 + i for i in range(len(periods))],
        }
    )


def test_duckdb_and_polars_examples_read_a_release(tmp_path, monkeypatch) -> None:
    marts = tmp_path / "marts"
    marts.mkdir()
    _indicators(["2020-08"]).write_parquet(marts / "labour_force_indicators.parquet")
    synthetic = _indicators(["2023-08", "2024-08", "2024-08"])
    synthetic.write_parquet(marts / "labour_force_indicators_synthetic.parquet")
    release = tmp_path / "data" / "releases" / "latest"
    release.mkdir(parents=True)
    with duckdb.connect() as con:
        for mart in sorted(marts.glob("*.parquet")):
            _export_table(con, mart, release)
    assert (release / "labour_force_indicators_synthetic" / "period=2024-08").is_dir()

    snippets = _snippets(DOC, "## Releases for researchers")
    assert any("import polars" in s for s in snippets), "the Polars example is gone"
    assert any("import duckdb" in s for s in snippets)
    monkeypatch.chdir(tmp_path)
    for snippet in snippets:
        names: dict = {}
        exec(compile(snippet, str(DOC), "exec"), names)  # noqa: S102 - the docs' own examples
        if "round_2024" in names:
            round_2024 = names["round_2024"]
            assert round_2024.height == 2
            assert round_2024["period"].unique().to_list() == ["2024-08"]
            assert names["totals"]["value"].to_list() == [5.0]


def test_readme_examples_read_the_published_marts(tmp_path, monkeypatch) -> None:
    marts = tmp_path / "data" / "marts"
    marts.mkdir(parents=True)
    _indicators(["2020-08"]).write_parquet(marts / "labour_force_indicators.parquet")
    (snippet,) = _snippets(README, "## Published marts (contract)")
    assert "import polars" in snippet
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, str(README), "exec"), {})  # noqa: S102 - the README's own example
