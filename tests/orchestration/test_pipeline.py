"""The whole nightly job on a small fixture set, into a temporary warehouse.

`lmis run` runs in a subprocess with every path pointed at a temporary folder, exactly as an
operator runs it. The vacancy files are cut to their first rows (and the malformed April 2022
JobStreet extract is kept whole); Sakernas is the real Jambi extract, so the published figures
can be checked. dbt's tests run inside the job as asset checks; a failing one fails the run.
"""

from __future__ import annotations

import csv
import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

REPO = Path(__file__).parents[2]
DATA = REPO / "data"
ROWS_PER_VACANCY_FILE = 300


def _cut_csv(source: Path, target: Path, rows: int) -> None:
    opener = gzip.open if source.suffix == ".gz" else open
    target.parent.mkdir(parents=True, exist_ok=True)
    csv.field_size_limit(16 * 1024 * 1024)
    with (
        opener(source, "rt", encoding="utf-8-sig", newline="") as src,
        opener(target, "wt", encoding="utf-8", newline="") as dst,
    ):
        writer = csv.writer(dst)
        for index, row in enumerate(csv.reader(src)):
            if index > rows:
                break
            writer.writerow(row)


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("pipeline")
    data = root / "data"
    shutil.copytree(DATA / "reference", data / "reference")
    for folder in ("sakernas-2020-08-jambi", "ump-province", "bps-labour-aggregates"):
        shutil.copytree(DATA / "real" / folder, data / "real" / folder)
    vacancy_files = [
        "jobstreet-id-2021-12/jobstreet_id_daily_2021-12-14_to_31.csv.gz",
        "lokerid-2025-07/lokerid_jobs_2025-07.csv.gz",
        "dealls-2024-08/dealls_jobs_2024-08-22.csv",
    ]
    for relative in vacancy_files:
        _cut_csv(DATA / "real" / relative, data / "real" / relative, ROWS_PER_VACANCY_FILE)
    shutil.copy(
        DATA / "real" / "jobstreet-id-2021-12" / "jobstreet_id_2022-04-14_extra.csv.gz",
        data / "real" / "jobstreet-id-2021-12",
    )
    env = {
        **os.environ,
        "LMIS_DATA_DIR": str(data),
        "LMIS_WAREHOUSE": str(root / "warehouse.duckdb"),
        "LMIS_MARTS_DIR": str(root / "marts"),
        "LMIS_REPORTS_DIR": str(root / "reports"),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return {"root": root, "completed": completed}


def test_run_succeeds_and_reports_rows_per_source(pipeline_run):
    completed = pipeline_run["completed"]
    assert completed.returncode == 0, completed.stderr[-5000:]
    log = completed.stderr
    assert "rows per source" in log
    assert "jobstreet" in log and "sakernas_2020_08_jambi" in log
    assert "quarantined 90 rows of jobstreet (invalid_id)" in log


def test_rows_in_equal_rows_loaded_plus_quarantined(pipeline_run):
    with duckdb.connect(str(pipeline_run["root"] / "warehouse.duckdb"), read_only=True) as con:
        per_source = con.execute(
            "select source, sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
            "from raw.load_audit group by source"
        ).fetchall()
        jobstreet = con.execute("select count(*) from raw.jobstreet_postings").fetchone()[0]
        reasons = con.execute(
            "select source_file, reason_code, count(*) from raw.quarantine group by all"
        ).fetchall()
    assert per_source
    for source, read, loaded, quarantined in per_source:
        assert read == loaded + quarantined, source
    assert jobstreet == ROWS_PER_VACANCY_FILE
    assert reasons == [("jobstreet_id_2022-04-14_extra.csv.gz", "invalid_id", 90)]


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
