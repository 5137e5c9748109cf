"""The whole nightly job on a small fixture set, into a temporary warehouse.

`lmis run` runs in a subprocess with every path pointed at a temporary folder, exactly as an
operator runs it. The vacancy files are cut to their first rows (and the malformed April 2022
JobStreet extract is kept whole); Sakernas is the real Jambi extract, so the published figures
can be checked. dbt's tests run inside the job as asset checks; a failing one fails the run.
The run and its fixture data are in `whole_job_run.py`, shared with the other tests that need a
built warehouse (the administrative sources, the personal-data scan), so it runs once.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
import yaml

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from whole_job_run import ROWS_PER_VACANCY_FILE, whole_job_run  # noqa: E402

from orchestration.operations.release_schema import (  # noqa: E402
    file_descriptions,
    stata_problems,
)

MARTS_YAML = HERE.parents[1] / "dbt_project" / "models" / "marts"

# Every row of the shifted-header JobStreet extract fails these checks, in column order (it has
# no snapshot_file column: its name, jobstreet_id_2022-04-14_extra.csv.gz, gives the crawl day).
SHIFTED_EXTRACT_CODES = "invalid_id;invalid_url;invalid_timestamp;invalid_number"


@pytest.fixture(scope="module")
def pipeline_run() -> dict:
    run = whole_job_run()
    return {"root": run.root, "completed": run.completed}


def test_run_succeeds_and_reports_rows_per_source(pipeline_run):
    completed = pipeline_run["completed"]
    assert completed.returncode == 0, completed.stderr[-5000:]
    log = completed.stderr
    assert "rows per source" in log
    assert "jobstreet" in log and "sakernas_2020_08_jambi" in log
    assert f"quarantined 90 rows of jobstreet ({SHIFTED_EXTRACT_CODES})" in log


def test_rows_in_equal_rows_loaded_plus_quarantined(pipeline_run):
    with duckdb.connect(str(pipeline_run["root"] / "warehouse.duckdb"), read_only=True) as con:
        per_source = con.execute(
            "select source, sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
            "from raw.load_audit group by source"
        ).fetchall()
        jobstreet = con.execute("select count(*) from raw.jobstreet_postings").fetchone()[0]
        # The synthetic AK1 register's injected faults are checked in test_admin_pipeline.py.
        reasons = con.execute(
            "select source_file, reason_code, count(*) from raw.quarantine "
            "where source <> 'ak1_job_seekers' group by all"
        ).fetchall()
    assert per_source
    for source, read, loaded, quarantined in per_source:
        assert read == loaded + quarantined, source
    assert jobstreet == ROWS_PER_VACANCY_FILE
    assert reasons == [("jobstreet_id_2022-04-14_extra.csv.gz", SHIFTED_EXTRACT_CODES, 90)]


def test_labour_force_indicators_reproduce_bps_jambi_august_2020(pipeline_run):
    indicators = pl.read_parquet(pipeline_run["root"] / "marts" / "labour_force_indicators.parquet")
    assert (
        indicators.columns[:10]
        == [
            "period",
            "area_level",
            "area_code",
            "breakdown",
            "indicator",
            "value",
            "se",
            "rse",
            "reliability",
            "sample_persons",
        ][: len(indicators.columns[:10])]
    )
    total = indicators.filter(
        pl.col("period") == "2020-08",
        pl.col("area_level") == "province",
        pl.col("area_code") == "15",
        pl.col("breakdown") == "total",
    )
    values = dict(total.select("indicator", "value").iter_rows())
    assert round(values["tpt"], 2) == 5.13
    assert round(values["tpak"], 2) == 67.79
    # One province alone is not the nation: no national row may be published from it.
    assert indicators.filter(pl.col("area_level") == "national").height == 0


def test_every_mart_is_published_as_parquet(pipeline_run):
    marts = {p.stem for p in (pipeline_run["root"] / "marts").glob("*.parquet")}
    assert {
        "dim_occupation",
        "dim_region",
        "fct_vacancy_postings",
        "labour_force_indicators",
    } <= marts
    regions = pl.read_parquet(pipeline_run["root"] / "marts" / "dim_region.parquet")
    assert regions.filter(pl.col("region_level") == "province").height == 38
    occupations = pl.read_parquet(pipeline_run["root"] / "marts" / "dim_occupation.parquet")
    assert occupations.filter(pl.col("kbji_level") == 4).height == 446
    assert occupations.filter(pl.col("kbji_code") == "2512")["isco08_code"].to_list() == ["2512"]


def test_every_released_file_describes_its_columns_and_stata_can_take_its_types(pipeline_run):
    # The dbt YAML may miss a column a model's SQL publishes: only a built release shows it.
    release = pipeline_run["root"] / "data" / "releases" / "latest"
    files = json.loads((release / "manifest.json").read_text())["files"]
    assert files
    undescribed, unknown = [], []
    for entry in files:
        path = release / entry["path"]
        table, columns = file_descriptions(path)
        assert table["description"] and table["release"], entry["path"]
        undescribed += [f"{entry['table']}.{name}" for name, text in columns.items() if not text]
        unknown += [
            f"{entry['table']}.{problem.column}: {problem.arrow_type}"
            for problem in stata_problems(pq.read_schema(path), [path])
            # A conversion the dictionary gives for these is known to lose nothing.
            if problem.kind in ("other", "64-bit integer over 2^53", "decimal over 18 digits")
        ]
    assert undescribed == [], "describe them in the dbt YAML"
    assert unknown == [], "change the type (CHANGELOG) or document the conversion"


def test_vacancy_postings_fold_repeat_sightings(pipeline_run):
    postings = pl.read_parquet(pipeline_run["root"] / "marts" / "fct_vacancy_postings.parquet")
    assert postings["posting_id"].is_unique().all()
    assert set(postings["source"].unique()) == {"jobstreet", "lokerid", "dealls"}
    assert (postings["first_seen_date"] <= postings["last_seen_date"]).all()


def test_reports_open_offline_in_both_languages(pipeline_run):
    for language in ("id", "en"):
        path = pipeline_run["root"] / "reports" / f"labour-market-overview.{language}.html"
        page = path.read_text(encoding="utf-8")
        # Offline: no script is fetched from anywhere; plotly.js is embedded in the page.
        assert re.search(r"<script[^>]*\bsrc=", page) is None
        assert "Plotly.newPlot" in page
        assert f"lang='{language}'" in page


def documented_mart_columns() -> dict[str, list[str]]:
    """Each published mart's columns as its dbt YAML lists them, in order."""
    documented = {}
    for path in sorted(MARTS_YAML.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            documented[model["name"]] = [column["name"] for column in model.get("columns", [])]
    return documented


def test_every_published_mart_builds_exactly_the_columns_its_yaml_documents(pipeline_run):
    # The published-columns snapshot follows the YAML, not the build: a mart that takes its
    # columns from another model (fct_vacancy_validation's `* exclude`) could publish a column no
    # YAML, CHANGELOG entry or data dictionary names. Only the built tables can show that.
    documented = documented_mart_columns()
    with duckdb.connect(str(pipeline_run["root"] / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' order by table_name, ordinal_position"
        ).fetchall()
    built: dict[str, list[str]] = {}
    for table, column in rows:
        built.setdefault(table, []).append(column)
    for parquet in sorted((pipeline_run["root"] / "marts").glob("*.parquet")):
        assert list(pl.read_parquet_schema(parquet)) == built.get(parquet.stem), parquet.name
    drift = []
    for mart in sorted(set(built) | set(documented)):
        have, said = built.get(mart, []), documented.get(mart, [])
        if have != said:
            undocumented = [c for c in have if c not in said]
            not_built = [c for c in said if c not in have]
            drift.append(
                f"{mart}: built, not in its YAML {undocumented}; in its YAML, not built "
                f"{not_built}" + ("" if undocumented or not_built else "; the order differs")
            )
    assert not drift, (
        "a published mart's built columns differ from its dbt YAML (dbt_project/models/marts/); "
        "document each column in order, and name the change in CHANGELOG.md: " + "; ".join(drift)
    )
