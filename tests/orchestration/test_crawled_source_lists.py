"""Every place that lists the crawled sources agrees with `ingest/crawled_sources.py`.

A spider is scheduled, landed, checked and staged only where it is listed: the declaration
(`CRAWLED_SOURCES`), the dbt sources YAML, the Jinja list of `stg_crawled__postings.sql` and
the `source` values its YAML accepts, its raw suite, its spider file, the spider table of
docs/crawling.md and the fixture sites of tests/orchestration/test_crawl_assets.py. Each test
names the file to edit (CONTRIBUTING.md, "A new job board").
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ingest.crawled_sources import CRAWLED_SOURCES

REPO = Path(__file__).resolve().parents[2]
DECLARATION = "ingest/crawled_sources.py"
SOURCES_YAML = "dbt_project/models/staging/crawled/_crawled__sources.yml"
STAGING_SQL = "dbt_project/models/staging/crawled/stg_crawled__postings.sql"
STAGING_YAML = "dbt_project/models/staging/crawled/_crawled__models.yml"
SPIDERS = "ingest/scrapers/spiders"
CRAWLING_DOC = "docs/crawling.md"
FIXTURE_SITES = "tests/ingest/scrapers/crawl_fixture_sites.py"
CRAWL_ASSETS_TEST = "tests/orchestration/test_crawl_assets.py"
# Spiders with a file but no landing of their own, and why.
UNSCHEDULED = {"karirhub_rss": "a second way into Karirhub's postings (source karirhub), by hand"}
# Employer career pages are served by crawl_fixture_careers.py, not by a board's fixture site.
NO_BOARD_SITE = {"careers_jsonld"}

SCHEDULED = [source.spider for source in CRAWLED_SOURCES]
TABLES = [source.table for source in CRAWLED_SOURCES]


def _text(relative: str) -> str:
    return (REPO / relative).read_text(encoding="utf-8")


def test_every_declared_spider_has_a_spider_file_and_every_file_is_declared():
    files = {p.stem for p in (REPO / SPIDERS).glob("*.py") if p.stem != "__init__"}
    assert not set(SCHEDULED) - files, f"no spider file in {SPIDERS}/ for {set(SCHEDULED) - files}"
    undeclared = files - set(SCHEDULED) - set(UNSCHEDULED)
    assert not undeclared, (
        f"spider(s) {sorted(undeclared)} are not landed: add each to CRAWLED_SOURCES in "
        f"{DECLARATION} (or, if it is run by hand only, to UNSCHEDULED in this test, with why)"
    )


def test_the_dbt_sources_yaml_lists_every_crawled_table():
    [source] = [s for s in yaml.safe_load(_text(SOURCES_YAML))["sources"] if s["name"] == "crawled"]
    listed = [table["name"] for table in source["tables"]]
    assert listed == TABLES, f"edit {SOURCES_YAML}: it lists {listed}, {DECLARATION} {TABLES}"


def test_the_staging_model_unions_every_crawled_table():
    match = re.search(r"set crawled_tables = \[(.*?)\]", _text(STAGING_SQL), re.S)
    assert match, STAGING_SQL
    listed = re.findall(r"'([a-z_]+)'", match.group(1))
    assert listed == TABLES, f"edit crawled_tables in {STAGING_SQL}: {listed}, not {TABLES}"


def test_the_staging_models_source_test_accepts_every_crawled_source():
    [model] = [
        m
        for m in yaml.safe_load(_text(STAGING_YAML))["models"]
        if m["name"] == "stg_crawled__postings"
    ]
    [column] = [c for c in model["columns"] if c["name"] == "source"]
    [accepted] = [t["accepted_values"] for t in column["data_tests"] if "accepted_values" in t]
    missing = sorted({s.source for s in CRAWLED_SOURCES} - set(accepted["arguments"]["values"]))
    assert not missing, f"add {missing} to the accepted_values of `source` in {STAGING_YAML}"


def test_every_crawled_table_has_its_raw_suite():
    missing = [t for t in TABLES if not (REPO / "quality" / "suites" / f"raw_{t}.json").exists()]
    assert not missing, f"add quality/suites/raw_<table>.json for {missing}"


def test_the_crawling_doc_lists_every_spider():
    doc = _text(CRAWLING_DOC)
    table = doc.split("## Spiders", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"(?m)^\| `([a-z_]+)` \|", table))
    missing = sorted((set(SCHEDULED) | set(UNSCHEDULED)) - documented)
    assert not missing, f"add {missing} to the spider table of {CRAWLING_DOC} (## Spiders)"


def test_every_board_has_a_fixture_site_in_the_crawl_assets_test():
    sites, assets_test = _text(FIXTURE_SITES), _text(CRAWL_ASSETS_TEST)
    boards = [spider for spider in SCHEDULED if spider not in NO_BOARD_SITE]
    no_site = [s for s in boards if not re.search(rf"(?m)^def {s}_site\(", sites)]
    assert not no_site, f"add a loopback fixture site `<spider>_site` to {FIXTURE_SITES}: {no_site}"
    unused = [s for s in boards if not re.search(rf'"{s}": {s}_site\(', assets_test)]
    assert not unused, f"serve {unused} in `sites` of crawl_runs in {CRAWL_ASSETS_TEST}"
