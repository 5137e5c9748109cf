"""The crawl assets against loopback fixture boards: rows, metadata, checks, re-runs, marts.

Every crawl asset materialises one partition (in this process, with `dg.materialize`) against
fixture sites that this module serves on 127.0.0.1: the crawler tests' server and sites, built
from the real records in data/real. The crawler resource points each spider at its site, allows
no host but 127.0.0.1 and writes into a temporary crawl folder; the warehouse is a temporary
DuckDB file. The static snapshots are landed beside the crawls (cut to their first rows) and dbt
folds both into one row per posting, in a subprocess with its own target folder; the slow test
builds on up to `fct_vacancy_postings`, which needs the occupation coder.

Expected counts come from the fixture records, not from what the crawl reported.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import polars as pl
import pytest
from dagster_duckdb import DuckDBResource

SCRAPER_TESTS = Path(__file__).resolve().parents[1] / "ingest" / "scrapers"
if str(SCRAPER_TESTS) not in sys.path:
    sys.path.insert(0, str(SCRAPER_TESTS))

from crawl_fixture_careers import build_employers, employer_site  # noqa: E402
from crawl_fixture_server import FixtureServer  # noqa: E402
from crawl_fixture_sites import (  # noqa: E402
    dealls_rows,
    dealls_site,
    glints_searches,
    glints_site,
    jobstreet_rows,
    jobstreet_site,
    karirhub_details,
    karirhub_listing_hits,
    karirhub_site,
    lokerid_rows,
    lokerid_site,
)
from crawl_test_helpers import TEST_CONTACT  # noqa: E402

from ingest.landing import land_source  # noqa: E402
from ingest.scrapers.runner import CrawlConfigError  # noqa: E402
from ingest.sources import VACANCY_SOURCES  # noqa: E402
from ingest.warehouse import write_landing  # noqa: E402
from orchestration.crawling.assets import crawl_assets  # noqa: E402
from orchestration.crawling.landing import land_crawl_files  # noqa: E402
from orchestration.crawling.resources import CrawlerResource  # noqa: E402
from orchestration.crawling.sources import CRAWLED_SOURCES, crawled_source  # noqa: E402
from orchestration.crawling.warehouse import landing_connection  # noqa: E402
from orchestration.operations.warehouse_lock import writer_lock  # noqa: E402
from orchestration.settings import DATA_DIR, DBT_PROJECT_DIR, REPO_ROOT  # noqa: E402

DAY = "2025-10-23"
NEXT_DAY = "2025-10-24"
JOBSTREET_SNAPSHOT = "jobstreet_2021-12-14.csv"
CRAWLED_ROWS = {"jobstreet": 90, "lokerid": 60, "dealls": 60}
STATIC_ROWS = 40  # first rows of each static snapshot file, landed as the historical backfill
CRAWL_CHECKS = ("great_expectations_suite", "rows_accounted", "volume_not_dropped")


@dataclass
class CrawlRuns:
    root: Path
    warehouse: Path
    expected_rows: dict[str, int]  # spider -> postings its fixture site serves
    first: dg.ExecuteInProcessResult
    second: dg.ExecuteInProcessResult
    next_day: dg.ExecuteInProcessResult
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    staging_before_crawl: subprocess.CompletedProcess
    dbt_fold: subprocess.CompletedProcess


def _count(con: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> Any:
    return con.execute(sql, parameters or []).fetchone()[0]


def _partition_counts(warehouse: Path, day: str) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            s.spider: _count(con, f"select count(*) from raw.{s.table} where crawl_date = ?", [day])
            for s in CRAWLED_SOURCES
        }


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


def _land_static_snapshots(data: Path, warehouse: Path) -> None:
    for relative in (
        "real/jobstreet-id-2021-12/jobstreet_id_daily_2021-12-14_to_31.csv.gz",
        "real/lokerid-2025-07/lokerid_jobs_2025-07.csv.gz",
        "real/dealls-2024-08/dealls_jobs_2024-08-22.csv",
    ):
        _cut_csv(DATA_DIR / relative, data / relative, STATIC_ROWS)
    with duckdb.connect(str(warehouse)) as con:
        for spec in VACANCY_SOURCES:
            write_landing(con, spec, land_source(spec, data), "static-backfill")


def _dbt(root: Path, warehouse: Path, *arguments: str) -> subprocess.CompletedProcess:
    """dbt in a subprocess on the temporary warehouse, with its own target and log folders."""
    environment = {
        **os.environ,
        "LMIS_WAREHOUSE": str(warehouse),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *arguments,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(root / "dbt_target"),
            "--log-path",
            str(root / "dbt_logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _materialize(
    resources: dict[str, Any], partition: str, spiders: list[str] | None = None
) -> dg.ExecuteInProcessResult:
    assets = [
        asset
        for asset, source in zip(crawl_assets, CRAWLED_SOURCES, strict=True)
        if spiders is None or source.spider in spiders
    ]
    return dg.materialize(
        assets, partition_key=partition, resources=resources, raise_on_error=False
    )


@pytest.fixture(scope="module")
def crawl_runs(tmp_path_factory: pytest.TempPathFactory) -> CrawlRuns:
    root = tmp_path_factory.mktemp("crawl-assets")
    warehouse = root / "warehouse.duckdb"
    searches = glints_searches()
    employers = build_employers(karirhub_details())
    sites = {
        "jobstreet": jobstreet_site(
            jobstreet_rows(JOBSTREET_SNAPSHOT)[: CRAWLED_ROWS["jobstreet"]]
        ),
        "glints": glints_site(searches),
        "karirhub": karirhub_site(karirhub_listing_hits(), karirhub_details()),
        "lokerid": lokerid_site(lokerid_rows()[: CRAWLED_ROWS["lokerid"]]),
        "dealls": dealls_site(dealls_rows()[: CRAWLED_ROWS["dealls"]]),
    }
    # A board with no site here would be refused (politeness is off only for loopback sites)
    # and surface far later as a missing raw table; say so first.
    no_site = [s.spider for s in CRAWLED_SOURCES if s.spider not in {*sites, "careers_jsonld"}]
    if no_site:
        pytest.fail(
            f"no loopback fixture site for {no_site}: add one to "
            "tests/ingest/scrapers/crawl_fixture_sites.py and serve it in `sites` here"
        )
    servers = {name: FixtureServer(site).start() for name, site in sites.items()}
    employer_servers = [FixtureServer(employer_site(e)).start() for e in employers]
    try:
        _land_static_snapshots(root / "data", warehouse)
        staging_before_crawl = _dbt(root, warehouse, "run", "--select", "stg_crawled__postings")
        crawler_config = {
            "out_dir": str(root / "crawls"),
            "contact": TEST_CONTACT,
            "allowed_hosts": ["127.0.0.1"],
            "base_urls": {name: server.base_url for name, server in servers.items()},
            "career_pages": [f"{server.base_url}/karir" for server in employer_servers],
            "glints_keywords": list(searches),
            "throttled": False,
            "timeout_seconds": 120,
        }
        resources = {
            "warehouse": DuckDBResource(database=str(warehouse)),
            "crawler": CrawlerResource(**crawler_config),
        }
        first = _materialize(resources, DAY)
        counts_after_first = _partition_counts(warehouse, DAY)
        second = _materialize(resources, DAY)
        counts_after_second = _partition_counts(warehouse, DAY)
        # The next day the board also lists a record without an id, which the crawler cannot
        # make into an item: it must reach raw.quarantine and make the crawl incomplete.
        rows = jobstreet_rows(JOBSTREET_SNAPSHOT)[: CRAWLED_ROWS["jobstreet"]]
        servers["jobstreet_next_day"] = FixtureServer(
            jobstreet_site([*rows, {**rows[0], "id": ""}])
        ).start()
        next_day = _materialize(
            {
                **resources,
                # A new resource: Dagster rebuilds a resource from its original config.
                "crawler": CrawlerResource(
                    **{
                        **crawler_config,
                        "base_urls": {"jobstreet": servers["jobstreet_next_day"].base_url},
                    }
                ),
            },
            NEXT_DAY,
            ["jobstreet"],
        )
    finally:
        for server in [*servers.values(), *employer_servers]:
            server.stop()
    dbt_fold = _dbt(root, warehouse, "build", "--select", "+int_vacancy_postings_folded")
    glints_postings = {job["id"] for jobs in searches.values() for job in jobs}
    expected_rows = {
        **CRAWLED_ROWS,
        "glints": len(glints_postings),
        "karirhub": len(karirhub_details()),
        "careers_jsonld": sum(len(employer.expected) for employer in employers),
    }
    return CrawlRuns(
        root,
        warehouse,
        expected_rows,
        first,
        second,
        next_day,
        counts_after_first,
        counts_after_second,
        staging_before_crawl,
        dbt_fold,
    )


def _materialization(result: dg.ExecuteInProcessResult, spider: str) -> dict[str, Any]:
    key = dg.AssetKey(["raw", crawled_source(spider).table])
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return {
        name: getattr(value, "value", value)
        for name, value in event.materialization.metadata.items()
    }


def _check_evaluations(result: dg.ExecuteInProcessResult, spider: str) -> dict[str, Any]:
    key = dg.AssetKey(["raw", crawled_source(spider).table])
    return {
        evaluation.check_name: evaluation
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.asset_key == key
    }


def test_every_crawl_partition_lands_each_posting_once(crawl_runs: CrawlRuns) -> None:
    assert crawl_runs.first.success
    assert crawl_runs.counts_after_first == crawl_runs.expected_rows
    with duckdb.connect(str(crawl_runs.warehouse), read_only=True) as con:
        for source in CRAWLED_SOURCES:
            distinct, sources = con.execute(
                f"select count(distinct source_posting_id), list(distinct source) "
                f"from raw.{source.table} where crawl_date = ?",
                [DAY],
            ).fetchone()
            assert distinct == crawl_runs.expected_rows[source.spider], source.spider
            assert sources == [source.source]
        quarantined = _count(
            con,
            "select count(*) from raw.quarantine where source like 'crawled_%' "
            "and source_file like ?",
            [f"%/{DAY}/%"],
        )
        assert quarantined == 0


def test_crawl_metadata_reports_expected_and_achieved_coverage(crawl_runs: CrawlRuns) -> None:
    for source in CRAWLED_SOURCES:
        metadata = _materialization(crawl_runs.first, source.spider)
        rows = crawl_runs.expected_rows[source.spider]
        assert metadata["rows_loaded"] == metadata["dagster/row_count"] == rows, source.spider
        assert metadata["rows_read"] == rows and metadata["rows_quarantined"] == 0
        assert metadata["items_written"] == rows
        assert metadata["crawl_date"] == DAY and metadata["crawl_run_id"]
        assert metadata["achieved"]["postings"] == rows
        assert metadata["requests"] > 0 and metadata["peak_rss_mib"] > 0
        assert "lmis/items_written" in metadata["crawl_stats"]
        assert isinstance(metadata["salary_unparsed"], int)
    jobstreet = _materialization(crawl_runs.first, "jobstreet")
    assert jobstreet["is_complete"] is True and jobstreet["incomplete_reasons"] == []
    assert jobstreet["salary_unparsed"] == 0  # JobStreet's API gives pay as numbers
    assert jobstreet["expected"]["listings"] == CRAWLED_ROWS["jobstreet"]
    assert jobstreet["expected"]["pages"] == 3 and jobstreet["listing_coverage"] == 1.0
    glints = _materialization(crawl_runs.first, "glints")
    # Three overlapping searches: 300 listings, 158 distinct postings (PROVENANCE.md).
    assert glints["achieved"]["listings"] == glints["expected"]["listings"] == 300
    assert glints["duplicates_in_run"] == 142
    karirhub = _materialization(crawl_runs.first, "karirhub")
    assert karirhub["detail_coverage"] == 1.0 and karirhub["is_complete"] is True
    careers = _materialization(crawl_runs.first, "careers_jsonld")
    # One posting page is forbidden by robots.txt and one holds only unreadable JSON-LD.
    assert careers["is_complete"] is False
    assert any("robots_forbidden 1" in reason for reason in careers["incomplete_reasons"])
    assert careers["robots_forbidden"] == 1 and careers["jsonld_blocks_failed"] == 2


def test_checks_pass_and_an_incomplete_crawl_warns(crawl_runs: CrawlRuns) -> None:
    for source in CRAWLED_SOURCES:
        evaluations = _check_evaluations(crawl_runs.first, source.spider)
        for name in CRAWL_CHECKS:
            assert evaluations[name].passed, (source.spider, name, evaluations[name].description)
        complete = evaluations["crawl_complete"]
        if source.spider == "careers_jsonld":
            assert not complete.passed
            assert complete.severity == dg.AssetCheckSeverity.WARN
            assert complete.description.startswith("INCOMPLETE: detail pages not read")
        else:
            assert complete.passed, (source.spider, complete.description)


def test_rerunning_a_partition_replaces_it_exactly(crawl_runs: CrawlRuns) -> None:
    assert crawl_runs.second.success
    assert crawl_runs.counts_after_second == crawl_runs.counts_after_first
    for source in CRAWLED_SOURCES:
        metadata = _materialization(crawl_runs.second, source.spider)
        assert metadata["rows_loaded"] == crawl_runs.expected_rows[source.spider]
        assert (
            metadata["crawl_run_id"]
            != _materialization(crawl_runs.first, source.spider)["crawl_run_id"]
        )
    with duckdb.connect(str(crawl_runs.warehouse), read_only=True) as con:
        audits = con.execute(
            "select source, run_id, sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
            "from raw.load_audit where source like 'crawled_%' and source_file like ? "
            "group by all",
            [f"%/{DAY}/%"],
        ).fetchall()
    assert len(audits) == 2 * len(CRAWLED_SOURCES)  # one audit per source and run
    assert all(read == loaded + quarantined for _, _, read, loaded, quarantined in audits)


def test_another_day_is_its_own_partition(crawl_runs: CrawlRuns) -> None:
    assert crawl_runs.next_day.success
    with duckdb.connect(str(crawl_runs.warehouse), read_only=True) as con:
        per_day = dict(
            con.execute(
                "select crawl_date, count(*) from raw.crawled_jobstreet group by 1"
            ).fetchall()
        )
        first_seen = con.execute(
            "select distinct first_seen_date, last_seen_date from raw.crawled_jobstreet "
            "where crawl_date = ?",
            [NEXT_DAY],
        ).fetchall()
        quarantined = con.execute(
            "select source_file, source_row, field, reason_code, reason from raw.quarantine "
            "where source = 'crawled_jobstreet'"
        ).fetchall()
    assert per_day == {DAY: CRAWLED_ROWS["jobstreet"], NEXT_DAY: CRAWLED_ROWS["jobstreet"]}
    assert first_seen == [(DAY, NEXT_DAY)]
    [(source_file, line, field, reason_code, reason)] = quarantined
    assert source_file.startswith(f"jobstreet/{NEXT_DAY}/runs/")
    assert source_file.endswith("/quarantine.jsonl") and line == 1
    # A card without an id has no link either: the crawler names both missing fields.
    assert (field, reason_code) == (
        "source_posting_id;url",
        "missing_source_posting_id;missing_url",
    )
    assert "line 1 field source_posting_id: " in reason and "; field url: " in reason
    metadata = _materialization(crawl_runs.next_day, "jobstreet")
    assert metadata["rows_read"] == CRAWLED_ROWS["jobstreet"] + 1
    assert metadata["rows_quarantined"] == 1 and metadata["is_complete"] is False
    evaluations = _check_evaluations(crawl_runs.next_day, "jobstreet")
    assert evaluations["rows_accounted"].passed and not evaluations["crawl_complete"].passed
    volume = evaluations["volume_not_dropped"]
    assert volume.passed and f"on {DAY}" in volume.description


def test_crawl_log_records_every_run_with_its_verdict(crawl_runs: CrawlRuns) -> None:
    with duckdb.connect(str(crawl_runs.warehouse), read_only=True) as con:
        rows = con.execute(
            "select spider, count(*), bool_and(is_complete), min(achieved_postings), "
            "max(incomplete_reasons), count(distinct dagster_run_id) from raw.crawl_log "
            "where crawl_date = ? group by spider",
            [DAY],
        ).fetchall()
    log = {spider: rest for spider, *rest in rows}
    assert set(log) == {source.spider for source in CRAWLED_SOURCES}
    for spider, (runs, complete, postings, reasons, landings) in log.items():
        # Both runs of the day, copied again by the second landing.
        assert runs == 2 and landings == 1, spider
        assert postings == crawl_runs.expected_rows[spider]
        assert complete == (spider != "careers_jsonld")
        assert (json.loads(reasons) == []) == complete


def test_staging_builds_before_any_crawl_has_landed(crawl_runs: CrawlRuns) -> None:
    completed = crawl_runs.staging_before_crawl
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert "PASS=1" in completed.stdout


def _postings_per_source(crawl_runs: CrawlRuns, relation: str) -> dict[str, Any]:
    with duckdb.connect(str(crawl_runs.warehouse), read_only=True) as con:
        per_source = dict(
            con.execute(f"select source, count(*) from {relation} group by 1").fetchall()
        )
        jobstreet_days = con.execute(
            "select min(first_seen_date), max(last_seen_date), max(days_seen) "
            f"from {relation} where source = 'jobstreet'"
        ).fetchone()
        crawled_rows = _count(con, "select count(*) from staging.stg_crawled__postings")
    return {"per_source": per_source, "jobstreet_days": jobstreet_days, "rows": crawled_rows}


def _assert_crawls_folded_with_the_backfill(crawl_runs: CrawlRuns, found: dict[str, Any]) -> None:
    expected = crawl_runs.expected_rows
    assert found["per_source"]["glints"] == expected["glints"]
    assert found["per_source"]["karirhub"] == expected["karirhub"]
    assert found["per_source"]["careers"] == expected["careers_jsonld"]
    # The static snapshots' first rows are the first postings the fixture boards serve: each is
    # one posting, seen in its snapshot (the backfill) and crawled.
    for board in ("jobstreet", "lokerid", "dealls"):
        assert found["per_source"][board] == CRAWLED_ROWS[board], board
    assert found["jobstreet_days"] == (
        datetime(2021, 12, 14).date(),
        datetime(2025, 10, 24).date(),
        3,
    )
    assert found["rows"] == sum(expected.values()) + CRAWLED_ROWS["jobstreet"]


def test_crawled_postings_fold_with_the_static_backfill(crawl_runs: CrawlRuns) -> None:
    completed = crawl_runs.dbt_fold
    assert completed.returncode == 0, completed.stdout[-5000:]
    found = _postings_per_source(crawl_runs, "intermediate.int_vacancy_postings_folded")
    _assert_crawls_folded_with_the_backfill(crawl_runs, found)


@pytest.mark.slow
def test_crawled_postings_reach_fct_vacancy_postings(crawl_runs: CrawlRuns) -> None:
    # Slow: the mart needs the occupation coder, fitted once per coder version (minutes).
    # Cautious: only the tests whose every parent is built (not those reaching other marts).
    completed = _dbt(
        crawl_runs.root,
        crawl_runs.warehouse,
        "build",
        "--select",
        "+fct_vacancy_postings",
        "+fct_vacancies",
        "--indirect-selection",
        "cautious",
    )
    assert completed.returncode == 0, completed.stdout[-5000:]
    found = _postings_per_source(crawl_runs, "marts.fct_vacancy_postings")
    _assert_crawls_folded_with_the_backfill(crawl_runs, found)


@pytest.mark.slow
def test_lmis_backfill_runs_crawl_daily_configured_from_the_environment(tmp_path: Path) -> None:
    # As an operator runs it: `lmis backfill --job crawl_daily` in a subprocess, every setting
    # from the environment. The backfill holds the writer lock in its own process, so this also
    # shows that the landings do not wait for their own run.
    searches = glints_searches()
    sites = {
        "jobstreet": jobstreet_site(jobstreet_rows(JOBSTREET_SNAPSHOT)[:60]),
        "glints": glints_site(searches),
        "karirhub": karirhub_site(karirhub_listing_hits(), karirhub_details()),
        "lokerid": lokerid_site(lokerid_rows()[:30]),
        "dealls": dealls_site(dealls_rows()[:30]),
    }
    servers = {name: FixtureServer(site).start() for name, site in sites.items()}
    environment = {
        **os.environ,
        "LMIS_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "LMIS_MARTS_DIR": str(tmp_path / "marts"),
        "LMIS_REPORTS_DIR": str(tmp_path / "reports"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "LMIS_CRAWL_DIR": str(tmp_path / "crawls"),
        "LMIS_CRAWL_CONTACT": TEST_CONTACT,
        "LMIS_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
        "LMIS_CRAWL_UNTHROTTLED": "1",
        "LMIS_GLINTS_KEYWORDS": ",".join(searches),
        **{f"LMIS_CRAWL_BASE_URL_{name.upper()}": s.base_url for name, s in servers.items()},
    }
    environment.pop("LMIS_CAREER_PAGES", None)  # none: careers_jsonld is not in the job
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "backfill", "--job", "crawl_daily"]
            + ["--from", DAY, "--to", DAY],
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        for server in servers.values():
            server.stop()
    assert completed.returncode == 0, completed.stderr[-3000:]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        log = con.execute(
            "select spider, is_complete, achieved_postings from raw.crawl_log order by spider"
        ).fetchall()
    assert log == [
        ("dealls", True, 30),
        ("glints", True, 158),
        ("jobstreet", True, 60),
        ("karirhub", True, len(karirhub_details())),
        ("lokerid", True, 30),
    ]
    assert sorted(p.name for p in (tmp_path / "crawls").iterdir()) == [
        "crawl_state.sqlite",
        "dealls",
        "glints",
        "jobstreet",
        "karirhub",
        "lokerid",
    ]


def test_politeness_cannot_be_switched_off_for_a_real_site(tmp_path: Path) -> None:
    crawler = CrawlerResource(
        out_dir=str(tmp_path), base_urls={"lokerid": "https://www.loker.id"}, throttled=False
    )
    with pytest.raises(CrawlConfigError, match="loopback"):
        crawler.scrapy_settings("lokerid")
    with pytest.raises(CrawlConfigError, match="loopback"):
        crawler.scrapy_settings("jobstreet")  # no base URL: its default site
    polite = CrawlerResource(out_dir=str(tmp_path), base_urls={"lokerid": "https://www.loker.id"})
    assert polite.scrapy_settings("lokerid") == {"LMIS_BASE_URL": "https://www.loker.id"}


def test_malformed_item_lines_are_quarantined_with_their_line(tmp_path: Path) -> None:
    source = crawled_source("jobstreet")
    good = {
        "source": "jobstreet",
        "source_posting_id": "1",
        "url": "https://www.jobstreet.co.id/id/job/1",
        "title": "Staf Gudang",
        "crawl_date": DAY,
        "salary_min": 4500000.0,
        "raw": {"listing": {"id": "1"}},
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "source_posting_id": "2", "source": "glints"}),
        json.dumps({**good, "source_posting_id": "3", "title": "  "}),
        json.dumps({**good, "source_posting_id": "4", "crawl_date": NEXT_DAY}),
        json.dumps({**good, "source_posting_id": "5", "url": "javascript:void(0)"}),
        json.dumps(good),
        # Regression: staging's cast(crawled_at as timestamptz) failed the dbt build on it.
        json.dumps({**good, "source_posting_id": "6", "crawled_at": "2025-02-30T10:00:00+00:00"}),
        "",
    ]
    items = tmp_path / "jobstreet" / DAY / "items.jsonl"
    items.parent.mkdir(parents=True)
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    crawler_quarantine = items.parent / "runs" / "r1" / "quarantine.jsonl"
    crawler_quarantine.parent.mkdir(parents=True)
    crawler_quarantine.write_text(
        json.dumps({"field": "source_posting_id", "reason_code": "missing_source_posting_id"})
        + "\n"
    )
    columns = ["source", "source_posting_id", "url", "title", "crawl_date", "salary_min", "raw"]
    result = land_crawl_files(source, tmp_path, DAY, items, crawler_quarantine, columns)
    assert result.rows_read == 9 and result.rows_loaded == 1 and result.rows_quarantined == 8
    reasons = {
        (row["source_row"], row["reason_code"]) for row in result.quarantined.iter_rows(named=True)
    }
    assert reasons == {
        (2, "invalid_json"),
        (3, "unexpected_source"),
        (4, "missing_title"),
        (5, "partition_mismatch"),
        (6, "invalid_url"),
        (7, "id_duplicated"),
        (8, "invalid_date"),
        (1, "missing_source_posting_id"),
    }
    repeated = result.quarantined.filter(pl.col("reason_code") == "id_duplicated")["reason"]
    assert repeated.to_list() == [
        f"jobstreet/{DAY}/items.jsonl line 7 field source_posting_id: id '1' is already used by "
        "the row on line 1"
    ]
    [loaded] = result.loaded.iter_rows(named=True)
    assert loaded["salary_min"] == "4500000.0" and json.loads(loaded["raw"]) == good["raw"]
    assert loaded["_source_file"] == f"jobstreet/{DAY}/items.jsonl" and loaded["_source_row"] == 1


def test_a_crawl_that_dies_fails_its_step_and_is_logged(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    crawler = CrawlerResource(
        out_dir=str(tmp_path / "crawls"),
        contact=TEST_CONTACT,
        allowed_hosts=["127.0.0.1"],
        # A closed port on the loopback interface; the crawler is stopped before it reports.
        base_urls={"dealls": "http://127.0.0.1:9"},
        throttled=False,
        timeout_seconds=0.2,
    )
    resources = {"warehouse": DuckDBResource(database=str(warehouse)), "crawler": crawler}
    result = _materialize(resources, DAY, ["dealls"])
    assert not result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        finish_reason, complete, reasons = con.execute(
            "select finish_reason, is_complete, incomplete_reasons from raw.crawl_log"
        ).fetchone()
        landed = _count(con, "select count(*) from raw.crawled_dealls")
    assert finish_reason == "process_failed" and complete is False
    assert "before reporting" in reasons
    assert landed == 0


def test_an_empty_crawl_fails_its_blocking_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No career pages anywhere: the spider sends no request and reports why.
    monkeypatch.delenv("LMIS_CAREER_PAGES", raising=False)
    crawler = CrawlerResource(
        out_dir=str(tmp_path / "crawls"), contact=TEST_CONTACT, allowed_hosts=["127.0.0.1"]
    )
    resources = {
        "warehouse": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
        "crawler": crawler,
    }
    result = _materialize(resources, DAY, ["careers_jsonld"])
    assert not result.success  # blocking checks failed: the step fails after landing
    evaluations = _check_evaluations(result, "careers_jsonld")
    assert not evaluations["volume_not_dropped"].passed
    assert not evaluations["great_expectations_suite"].passed
    assert evaluations["rows_accounted"].passed
    complete = evaluations["crawl_complete"]
    assert not complete.passed and "no_career_pages_configured" in complete.description


def test_landing_queues_behind_another_writer_but_not_behind_itself(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    resource = DuckDBResource(database=str(warehouse))
    # A backfill holds the writer lock in this process: the landing must not wait for itself.
    with writer_lock(warehouse, wait_seconds=1), landing_connection(resource, 5) as con:
        assert con.execute("select 42").fetchone() == (42,)
    # Another process holds it for a moment: the landing waits, then writes.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from orchestration.operations.warehouse_lock import writer_lock\n"
            "with writer_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); time.sleep(2)",
            str(warehouse),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with landing_connection(resource, 30) as con:
            waited = time.monotonic() - started
            con.execute("create table waited as select 1 as x")
    finally:
        holder.wait(timeout=30)
    assert waited > 0.5


def test_nightly_leaves_the_crawls_to_their_own_job_and_schedule() -> None:
    from orchestration.definitions import defs
    from orchestration.jobs import nightly_job

    graph = defs.resolve_asset_graph()
    crawl_keys = {dg.AssetKey(["raw", source.table]) for source in CRAWLED_SOURCES}
    assert not crawl_keys & nightly_job.selection.resolve(graph)
    assert (
        not {check.asset_key for check in nightly_job.selection.resolve_checks(graph)} & crawl_keys
    )
    crawl_daily = defs.resolve_job_def("crawl_daily")
    assert set(crawl_daily.asset_layer.executable_asset_keys) <= crawl_keys
    schedule = defs.resolve_schedule_def("crawl_daily_at_0030_wib")
    assert schedule.execution_timezone == "Asia/Jakarta"
    tick = datetime(2025, 10, 24, 0, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    with dg.build_schedule_context(scheduled_execution_time=tick) as context:
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == DAY


def test_a_crawled_item_lists_every_failed_check_in_column_order(tmp_path: Path) -> None:
    source = crawled_source("jobstreet")
    bad = {
        "source": "glints",
        "source_posting_id": "7",
        "url": "javascript:void(0)",
        "title": " ",
        "crawl_date": NEXT_DAY,
    }
    items = tmp_path / "jobstreet" / DAY / "items.jsonl"
    items.parent.mkdir(parents=True)
    items.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    # The table's column order, not the order the checks run in, orders the problems.
    columns = ["crawl_date", "title", "source", "source_posting_id", "url"]
    result = land_crawl_files(source, tmp_path, DAY, items, None, columns)
    assert result.rows_read == 1 and result.rows_quarantined == 1
    [row] = result.quarantined.iter_rows(named=True)
    assert row["source_file"] == f"jobstreet/{DAY}/items.jsonl" and row["source_row"] == 1
    assert row["field"] == "crawl_date;title;source;url"
    assert row["reason_code"] == "partition_mismatch;missing_title;unexpected_source;invalid_url"
    reason = row["reason"]
    assert reason.startswith(f"jobstreet/{DAY}/items.jsonl line 1 field crawl_date: ")
    assert "; field title: title is empty; field source: source must be 'jobstreet'" in reason
    assert json.loads(row["raw_record"]) == bad


@pytest.mark.parametrize(
    ("value", "typed"),
    [
        ("2024-08-19T20:40:18Z", True),
        ("2024-08-19 20:40:18+07:00", True),
        ("2024-08-19T20:40", True),
        (None, True),
        ("20240819T204018", False),
        ("2024-W33-1", False),
        ("2024-08-19 20:40:18,5", False),
        ("2024-02-30T10:00:00Z", False),
    ],
)
def test_crawled_at_is_accepted_only_in_the_layout_the_staging_cast_reads(value, typed):
    # Regression (read-through 2026-12-05): Python's fromisoformat also reads basic and week
    # forms that DuckDB's timestamptz cast refuses, so such a value loaded and failed dbt.
    from orchestration.crawling.landing import _is_timestamp

    assert _is_timestamp(value) is typed


JOBSTREET_ITEM = {
    "source": "jobstreet",
    "source_posting_id": "1",
    "url": "https://www.jobstreet.co.id/id/job/1",
    "title": "Staf Gudang",
    "crawl_date": DAY,
    "crawled_at": "2025-10-23T10:00:00+00:00",
}


def _land_jobstreet_items(root: Path, lines: list[dict]):
    """Land `lines` as one JobStreet crawl of DAY under `root`, with every column they name."""
    items = root / "jobstreet" / DAY / "items.jsonl"
    items.parent.mkdir(parents=True)
    items.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    columns = list(dict.fromkeys(column for line in lines for column in line))
    return land_crawl_files(crawled_source("jobstreet"), root, DAY, items, None, columns)


def test_a_valid_item_after_a_quarantined_first_item_of_its_id_loads(tmp_path: Path) -> None:
    # Regression (one repeated-id rule, IdClaims): an item quarantined for its date claims no
    # id, so the id's later valid item loads; rows in = loaded + quarantined.
    good = JOBSTREET_ITEM
    lines = [{**good, "crawled_at": "2025-02-30T10:00:00+00:00"}, good, good]
    result = _land_jobstreet_items(tmp_path, lines)
    assert [row["_source_row"] for row in result.loaded.iter_rows(named=True)] == [2]
    quarantined = result.quarantined.select("source_row", "reason_code").rows()
    assert quarantined == [(1, "invalid_date"), (3, "id_duplicated")]
    assert result.quarantined["reason"][1].endswith("id '1' is already used by the row on line 2")
    assert result.rows_read == result.rows_loaded + result.rows_quarantined == 3


def test_a_crawled_item_with_pay_below_zero_is_quarantined(tmp_path: Path) -> None:
    # Regression (read-through 2026-12-05): crawled pay text was never checked, so "Rp -5.000.000"
    # reached the marts as salary_status 'negative', which their accepted values refuse.
    item = {**JOBSTREET_ITEM, "salary_text": "Rp -5.000.000 per bulan"}
    lines = [item, {**item, "source_posting_id": "2", "salary_text": "Rp 5.000.000 per bulan"}]
    result = _land_jobstreet_items(tmp_path, lines)
    assert result.quarantined.select("source_row", "reason_code").rows() == [(1, "salary_negative")]
    assert "is negative" in result.quarantined["reason"][0]
    assert result.rows_read == result.rows_loaded + result.rows_quarantined == 2


def test_crawled_structured_pay_below_zero_is_quarantined(tmp_path: Path) -> None:
    # Regression: only salary_text was checked, so salary_min -5000000 or salary_max -1 without
    # a pay text loaded, though staging's documentation says negative pay stops at landing.
    lines = [
        {**JOBSTREET_ITEM, "source_posting_id": "1", "salary_min": -5000000, "salary_max": 0},
        {**JOBSTREET_ITEM, "source_posting_id": "2", "salary_max": "-1"},
        {**JOBSTREET_ITEM, "source_posting_id": "3", "salary_min": 0, "salary_max": "5000000"},
        {**JOBSTREET_ITEM, "source_posting_id": "4", "salary_min": "n/a", "salary_max": None},
    ]
    result = _land_jobstreet_items(tmp_path, lines)
    assert result.quarantined.select("source_row", "field", "reason_code").rows() == [
        (1, "salary_min", "salary_negative"),
        (2, "salary_max", "salary_negative"),
    ]
    assert "pay '-5000000' is negative" in result.quarantined["reason"][0]
    assert result.rows_read == result.rows_loaded + result.rows_quarantined == 4


RAW_PAY_LAYOUT = next(
    expectation["kwargs"]["regex"]
    for expectation in json.loads(
        (REPO_ROOT / "quality" / "suites" / "raw_crawled_jobstreet.json").read_text()
    )["expectations"]
    if expectation["kwargs"].get("column") == "salary_min"
)


@pytest.mark.parametrize(
    ("value", "landed", "flagged"),
    [
        ("n/a", None, True),
        ("5jt", "5000000", False),
        ("Rp 5.000.000", "5000000", False),
        ("5,5 juta", "5500000", False),
        ("3 - 5 jt", "3000000", False),
        ("Nego", None, True),
        ("UMR", None, True),
        ("", None, False),
        (None, None, False),
        (5000000, "5000000", False),
        (5000000.0, "5000000.0", False),
        ("5000000", "5000000", False),
        (" 5000000.50 ", "5000000.50", False),
        (float("nan"), None, True),
        (True, None, True),
    ],
)
def test_crawled_structured_pay_is_read_by_the_pay_parser_or_kept_and_flagged(
    tmp_path: Path, value: Any, landed: str | None, flagged: bool
) -> None:
    # Regression: staging's try_cast turned "5jt" or "n/a" into NULL pay with no trace (and the
    # raw suite's salary_min layout refused them). Now the landing reads what `parse_pay` reads
    # and lands it as a plain number; what nothing reads loads with its pay empty, flagged
    # `salary_unparsed` in `problems` and counted.
    from orchestration.crawling.landing import SALARY_UNPARSED, rows_with_problem

    item = {**JOBSTREET_ITEM, "salary_min": value, "salary_max": None, "problems": ["x"]}
    result = _land_jobstreet_items(tmp_path, [item])
    assert result.rows_loaded == 1 and result.rows_quarantined == 0
    [row] = result.loaded.iter_rows(named=True)
    assert (row["salary_min"], row["salary_max"]) == (landed, None)
    assert landed is None or re.fullmatch(RAW_PAY_LAYOUT, landed)
    assert json.loads(row["problems"]) == (["x", SALARY_UNPARSED] if flagged else ["x"])
    assert rows_with_problem(result.loaded, SALARY_UNPARSED) == int(flagged)


@pytest.mark.parametrize(
    ("value", "landed"),
    [("4.500", "4500"), ("1,5", "1.5"), ("4.5", "4.5"), ("5000000.50", "5000000.50")],
)
def test_crawled_pay_with_a_thousands_group_is_read_as_the_pay_parser_reads_it(
    tmp_path: Path, value: str, landed: str
) -> None:
    # Regression (review 2026-12-05): the plain-number check ran before `parse_pay`, so "4.500"
    # landed 4.5 while the pay parser reads the dot before three digits as thousands (4500).
    item = {**JOBSTREET_ITEM, "salary_min": value}
    [row] = _land_jobstreet_items(tmp_path, [item]).loaded.iter_rows(named=True)
    assert row["salary_min"] == landed


@pytest.mark.parametrize(
    ("value", "landed"),
    [
        (1e20, "100000000000000000000"),
        (1e-07, "0.0000001"),
        (1.5e6, "1500000.0"),
        (5000000, "5000000"),
    ],
)
def test_crawled_json_float_pay_lands_as_a_plain_number(
    tmp_path: Path, value: float, landed: str
) -> None:
    # Regression (review 2026-12-05): a JSON float landed as JSON writes it ("1e+20", "1e-07"),
    # against the plain-number layout the landing's docstring and the raw suite promise.
    item = {**JOBSTREET_ITEM, "salary_max": value}
    [row] = _land_jobstreet_items(tmp_path, [item]).loaded.iter_rows(named=True)
    assert row["salary_max"] == landed
    assert re.fullmatch(RAW_PAY_LAYOUT, landed)


def test_crawled_json_integer_pay_no_float_holds_is_flagged_not_a_crash(tmp_path: Path) -> None:
    # Regression: float() of a 400-digit JSON integer raised OverflowError and stopped the landing.
    from orchestration.crawling.landing import SALARY_UNPARSED

    item = {**JOBSTREET_ITEM, "salary_max": 10**400, "problems": []}
    [row] = _land_jobstreet_items(tmp_path, [item]).loaded.iter_rows(named=True)
    assert row["salary_max"] is None
    assert json.loads(row["problems"]) == [SALARY_UNPARSED]


@pytest.mark.parametrize(
    ("field", "value", "period", "currency", "landed"),
    [
        # A period or currency the text states that is not the item's: flagged, not published
        # as the item's (monthly rupiah when it states none, as staging's parser assumes).
        ("salary_min", "Rp 150rb/hari", None, None, None),
        ("salary_min", "5 jt per hari", "MONTH", "IDR", None),
        ("salary_max", "USD 1,500", None, None, None),
        ("salary_max", "USD 1,500", "MONTH", "IDR", None),
        ("salary_min", "Rp 150rb/hari", "DAY", "IDR", "150000"),
        ("salary_max", "USD 1,500", "MONTH", "USD", "1500"),
        ("salary_min", "5jt per bulan", None, None, "5000000"),
        ("salary_min", "Rp 5.000.000", "MONTH", None, "5000000"),
        ("salary_min", "150rb", "DAY", "IDR", "150000"),
        # A one-sided bound in the other field: flagged; in its own field it lands.
        ("salary_min", "s/d 7jt", None, None, None),
        ("salary_max", "mulai 5jt", None, None, None),
        ("salary_max", "s/d 7jt", None, None, "7000000"),
        ("salary_min", "mulai 5jt", None, None, "5000000"),
    ],
)
def test_crawled_pay_text_of_another_period_currency_or_bound_is_flagged(
    tmp_path: Path,
    field: str,
    value: str,
    period: str | None,
    currency: str | None,
    landed: str | None,
) -> None:
    # Regression (review 2026-12-05): parse_pay's period and currency were thrown away, so
    # "Rp 150rb/hari" landed 150000 as the item's (monthly) pay and "USD 1,500" as rupiah; and
    # "s/d 7jt" (up to) in salary_min landed 7000000 as a minimum.
    from orchestration.crawling.landing import SALARY_UNPARSED

    item = {
        **JOBSTREET_ITEM,
        field: value,
        "salary_period": period,
        "salary_currency": currency,
        "problems": [],
    }
    [row] = _land_jobstreet_items(tmp_path, [item]).loaded.iter_rows(named=True)
    assert row[field] == landed
    assert json.loads(row["problems"]) == ([] if landed else [SALARY_UNPARSED])


@pytest.mark.parametrize(
    ("value", "landed_min", "landed_max"),
    [
        ("5-7jt", "5000000", "7000000"),
        ("Rp5.000.000 - Rp7.000.000", "5000000", "7000000"),
        ("Rp 7.000.000 - 5.000.000", "5000000", "7000000"),
        ("0", "0", "0"),
        ("Rp 0", "0", "0"),
        (0, "0", "0"),
    ],
)
def test_crawled_pay_range_gives_each_field_its_end_and_zero_is_read_alike(
    tmp_path: Path, value: Any, landed_min: str, landed_max: str
) -> None:
    # Regression (review 2026-12-05): a range parse_pay reads ("5-7jt") was flagged
    # salary_unparsed in either field; and "0" landed 0 while "Rp 0" was flagged, though
    # staging's parser reads both as the placeholder `zero_placeholder`.
    item = {**JOBSTREET_ITEM, "salary_min": value, "salary_max": value, "problems": []}
    [row] = _land_jobstreet_items(tmp_path, [item]).loaded.iter_rows(named=True)
    assert (row["salary_min"], row["salary_max"]) == (landed_min, landed_max)
    assert json.loads(row["problems"]) == []


def test_crawled_structured_pay_text_below_zero_is_quarantined(tmp_path: Path) -> None:
    # Regression: "Rp -5.000.000" in salary_min was no number to the negative-pay check and
    # loaded, to become NULL in staging; the pay parser reads it as below zero.
    lines = [
        {**JOBSTREET_ITEM, "salary_min": "Rp -5.000.000"},
        {
            **JOBSTREET_ITEM,
            "source_posting_id": "2",
            "salary_min": "n/a",
            "salary_max": "7jt",
            "problems": [],
        },
    ]
    result = _land_jobstreet_items(tmp_path, lines)
    assert result.quarantined.select("source_row", "field", "reason_code").rows() == [
        (1, "salary_min", "salary_negative")
    ]
    [row] = result.loaded.iter_rows(named=True)
    assert (row["salary_min"], row["salary_max"]) == (None, "7000000")
    assert json.loads(row["problems"]) == ["salary_unparsed"]


@pytest.mark.parametrize(
    ("posted_at", "loads"),
    [
        ("2021-02-30T00:00:00Z", False),
        ("2021-02-28T25:00:00Z", False),
        ("2021-13-01", False),
        ("yesterday", False),
        ("2021-02-28T00:00:00Z", True),
        ("2025-10-22 09:34:51", True),
        ("2021-02-28", True),
        (None, True),
    ],
)
def test_an_impossible_posted_at_is_quarantined_as_invalid_date(
    tmp_path: Path, posted_at: str | None, loads: bool
) -> None:
    # Regression: "2021-02-30T00:00:00Z" loaded and silently became NULL in staging's try_cast.
    result = _land_jobstreet_items(tmp_path, [{**JOBSTREET_ITEM, "posted_at": posted_at}])
    assert result.rows_loaded == int(loads)
    if not loads:
        [row] = result.quarantined.iter_rows(named=True)
        assert (row["field"], row["reason_code"]) == ("posted_at", "invalid_date")
        assert row["reason"].endswith(f"got {posted_at!r}")
