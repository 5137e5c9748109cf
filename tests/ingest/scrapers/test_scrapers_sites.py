"""Each spider crawls a fixture site built from real records; its items must equal the records.

Expected items are computed from the records themselves (CSV rows, stored API answers), field by
field, not from the pages the fixture renders; `inline`/`block` state the only normalisation
the pipeline promises (entities decoded, zero-width characters dropped, whitespace collapsed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from crawl_fixture_careers import build_employers, employer_site
from crawl_fixture_server import FixtureServer
from crawl_fixture_sites import (
    EXPECTED_ENCODING,
    cp1252_safe,
    dealls_rows,
    dealls_site,
    dealls_slug,
    glints_searches,
    glints_site,
    jobstreet_rows,
    jobstreet_site,
    karirhub_details,
    karirhub_listing_hits,
    karirhub_site,
    lokerid_detail_page,
    lokerid_detail_path,
    lokerid_education,
    lokerid_experience,
    lokerid_rows,
    lokerid_site,
    lokerid_skills,
)
from crawl_test_helpers import (
    TEST_CONTACT,
    assert_no_offhost_requests,
    block,
    crawl,
    inline,
    read_items,
)

from orchestration.settings import REPO_ROOT

COMPARED_FIELDS = (
    "source",
    "url",
    "title",
    "company_name",
    "location",
    "posted_at",
    "valid_through",
    "employment_type",
    "salary_text",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "description",
)


def _expected(**values: Any) -> dict[str, Any]:
    return {name: values.get(name) for name in COMPARED_FIELDS}


def assert_items_equal(items: list[dict[str, Any]], expected: dict[str, dict[str, Any]]) -> None:
    """Same postings, each once, and every compared field equal."""
    ids = [item["source_posting_id"] for item in items]
    assert len(ids) == len(set(ids)), "a posting was written twice"
    missing, extra = set(expected) - set(ids), set(ids) - set(expected)
    assert not missing and not extra, f"missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}"
    mismatches = []
    for item in items:
        want = expected[item["source_posting_id"]]
        for name in COMPARED_FIELDS:
            if item[name] != want[name]:
                mismatches.append((item["source_posting_id"], name, item[name], want[name]))
    assert not mismatches, f"{len(mismatches)} field mismatches, first: {mismatches[:5]}"


def _float(text: str) -> float | None:
    return float(text) if text else None


# -- JobStreet ---------------------------------------------------------------------------------


def jobstreet_expected(row: dict[str, str]) -> dict[str, Any]:
    has_salary = bool(row["salaryMin"] or row["salaryMax"])
    return _expected(
        source="jobstreet",
        url=row["jobUrl"],
        title=inline(row["jobTitle"]),
        company_name=inline(row["companyName"]),
        location=inline(", ".join(p for p in row["locations"].split(",") if p)),
        posted_at=row["postedAt"],
        employment_type=row["employment"] or None,
        salary_min=_float(row["salaryMin"]),
        salary_max=_float(row["salaryMax"]),
        salary_currency=(row["salarycurrency"] or None) if has_salary else None,
        salary_period="MONTH" if has_salary and row["salaryPeriod"] == "monthly" else None,
        description=row["description"].strip() or None,
    )


def test_jobstreet_items_equal_the_snapshot(out_dir: Path) -> None:
    rows = jobstreet_rows("jobstreet_2021-12-14.csv")
    with FixtureServer(jobstreet_site(rows)) as server:
        result = crawl("jobstreet", out_dir, server.base_url, crawl_date="2021-12-14")
    items = read_items(result.items_path)
    assert_items_equal(items, {row["id"]: jobstreet_expected(row) for row in rows})
    by_id = {row["id"]: row for row in rows}
    for item in items:
        row, listing = by_id[item["source_posting_id"]], item["raw"]["listing"]
        assert ",".join(c["code"] for c in listing["categories"]) == row["categoriesCode"]
        assert ",".join(c["name"] for c in listing["categories"]) == row["categoriesName"]
        assert ",".join(listing["sellingPoints"]) == row["sellingPoints"]
        assert listing["adType"] == row["adType"]
    assert result.is_complete, result.incomplete_reasons
    assert result.expected["listings"] == 540 and result.expected["pages"] == 18
    assert result.achieved["pages_fetched"] == 18
    assert_no_offhost_requests(result)


# -- Glints ------------------------------------------------------------------------------------


def glints_expected(job: dict[str, Any], base_url: str) -> dict[str, Any]:
    basic = next((s for s in job["salaries"] if s["salaryType"] == "BASIC"), None)
    if not job["shouldShowSalary"]:
        basic = None
    return _expected(
        source="glints",
        url=f"{base_url}/id/opportunities/jobs/{job['id']}",
        title=inline(job["title"]),
        company_name=inline(job["company"]["name"]),
        location=inline(job["city"]["name"]),
        posted_at=job["createdAt"],
        salary_min=basic["minAmount"] if basic else None,
        salary_max=basic["maxAmount"] if basic else None,
        salary_currency=basic["CurrencyCode"] if basic else None,
        salary_period="MONTH" if basic else None,
    )


def test_glints_overlapping_searches_give_each_posting_once(out_dir: Path) -> None:
    searches = glints_searches()
    with FixtureServer(glints_site(searches)) as server:
        result = crawl(
            "glints", out_dir, server.base_url, arguments={"keywords": ",".join(searches)}
        )
        base_url = server.base_url
    items = read_items(result.items_path)
    jobs = {job["id"]: job for jobs in searches.values() for job in jobs}
    assert len(jobs) == 158  # 300 listings, 158 distinct (PROVENANCE.md)
    assert_items_equal(items, {i: glints_expected(job, base_url) for i, job in jobs.items()})
    for item in items:
        assert item["raw"]["listing"] == jobs[item["source_posting_id"]]
    assert result.is_complete, result.incomplete_reasons
    assert result.achieved["listings"] == 300 and result.achieved["postings"] == 158
    assert result.stats["lmis/duplicates_in_run"] == 142


# -- Karirhub (API and RSS) ---------------------------------------------------------------------


def karirhub_expected(detail: dict[str, Any], base_url: str) -> dict[str, Any]:
    shown = detail["show_salary"]
    return _expected(
        source="karirhub",
        url=f"{base_url}/lowongan-dalam-negeri/lowongan/{detail['id']}",
        title=inline(detail["title"]),
        company_name=inline(detail["employer"]["name"]),
        location=inline(detail["region"]["name"]),
        posted_at=detail["published_at"],
        valid_through=detail["expires_at"],
        employment_type=detail["job_type"]["name"],
        salary_min=detail["min_salary_amount"] if shown else None,
        salary_max=detail["max_salary_amount"] if shown else None,
        salary_currency="IDR" if shown else None,
        salary_period="MONTH" if shown else None,
        description=detail["description"].strip(),
    )


def test_karirhub_api_items_equal_the_vacancies(out_dir: Path) -> None:
    details = karirhub_details()
    with FixtureServer(karirhub_site(karirhub_listing_hits(), details)) as server:
        result = crawl("karirhub", out_dir, server.base_url)
        base_url = server.base_url
    items = read_items(result.items_path)
    assert_items_equal(items, {d["id"]: karirhub_expected(d, base_url) for d in details})
    by_id = {d["id"]: d for d in details}
    for item in items:
        assert item["raw"]["detail"] == by_id[item["source_posting_id"]]
        assert item["raw"]["listing"]["id"] == item["source_posting_id"]
        hidden = not by_id[item["source_posting_id"]]["show_salary"]
        assert ("salary_hidden" in item["problems"]) == hidden
    assert result.is_complete, result.incomplete_reasons
    assert result.expected == {"listings": 57, "pages": 4, "detail_pages": 57}


def test_karirhub_rss_through_the_cli(tmp_path: Path) -> None:
    details = karirhub_details()
    hits = karirhub_listing_hits()
    feed_ids = [hit["id"] for hit in hits[:30]]  # the feed holds the 30 real listing hits
    out = tmp_path / "cli-out"
    with FixtureServer(karirhub_site(hits, details)) as server:
        command = [
            sys.executable,
            "-m",
            "orchestration.cli",
            "crawl",
            "karirhub_rss",
            "--out",
            str(out),
            "--date",
            "2025-10-23",
            "--base-url",
            server.base_url,
            "--unthrottled",
            "--set",
            'LMIS_ALLOWED_HOSTS=["127.0.0.1"]',
        ]
        environment = {**os.environ, "LMIS_CRAWL_CONTACT": TEST_CONTACT}
        completed = subprocess.run(
            command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=120
        )
        base_url = server.base_url
    assert completed.returncode == 0, completed.stderr[-2000:]
    day_items = out / "karirhub_rss" / "2025-10-23" / "items.jsonl"
    items = read_items(day_items)
    by_id = {d["id"]: d for d in details}
    assert_items_equal(items, {i: karirhub_expected(by_id[i], base_url) for i in feed_ids})
    assert all(item["raw"]["feed_item"]["guid"] == item["source_posting_id"] for item in items)
    assert "complete" in completed.stderr


# -- Loker.id ------------------------------------------------------------------------------------


def lokerid_expected(row: dict[str, str], base_url: str) -> dict[str, Any]:
    negotiable = row["Salary Negotiation"] == "1" or not row["Min Salary"]
    low = None if negotiable else _float(row["Min Salary"])
    high = None if negotiable else _float(row["Max Salary"])
    from crawl_fixture_sites import lokerid_salary_text

    return _expected(
        source="lokerid",
        url=base_url + lokerid_detail_path(row),
        title=inline(row["Title"]),
        company_name=inline(row["Company"]),
        location=inline(row["Location"]),
        posted_at=row["Posted Date"],
        employment_type=row["Type"],
        salary_text=lokerid_salary_text(row),
        salary_min=low,
        salary_max=high,
        salary_currency=None if negotiable else "IDR",
        description="\n".join(
            " ".join(line.split()) for line in row["Description"].splitlines() if line.strip()
        )
        or None,
    )


def _encoding_cases(rows: list[dict[str, str]]) -> dict[str, str]:
    """Pick real rows whose non-ASCII text suits each charset contradiction: text that
    Windows-1252 can hold (so a wrong decoder produces mojibake without any error) and text it
    cannot (emoji, symbols)."""
    non_ascii = [row for row in rows if not lokerid_detail_page(row).isascii()]
    cp1252_text = [row for row in non_ascii if cp1252_safe(row)]
    beyond_cp1252 = [row for row in non_ascii if not cp1252_safe(row)]
    return {
        cp1252_text[0]["Job ID"]: "cp1252_declared_utf8",
        cp1252_text[1]["Job ID"]: "cp1252_declared_utf8",
        cp1252_text[2]["Job ID"]: "utf8_declared_latin1",
        beyond_cp1252[0]["Job ID"]: "utf8_declared_latin1",
        beyond_cp1252[1]["Job ID"]: "utf8_bom_declared_cp1252",
    }


def check_lokerid(rows: list[dict[str, str]], out_dir: Path, cases: dict[str, str]) -> None:
    with FixtureServer(lokerid_site(rows, encoding_cases=cases)) as server:
        result = crawl("lokerid", out_dir, server.base_url)
        base_url = server.base_url
    items = read_items(result.items_path)
    assert_items_equal(items, {row["Job ID"]: lokerid_expected(row, base_url) for row in rows})
    by_id = {row["Job ID"]: row for row in rows}
    for item in items:
        row, detail = by_id[item["source_posting_id"]], item["raw"]["detail"]
        assert detail["category"] == (row["Category"] or None)
        assert detail["subcategory"] == (row["Subcategory"] or None)
        assert detail["function"] == (row["Function"] or None)
        assert detail["level"] == (row["Level"] or None)
        assert detail["education"] == lokerid_education(row)
        assert detail["experience"] == lokerid_experience(row)
        assert detail["skills"] == [" ".join(s.split()) for s in lokerid_skills(row)]
        want_encoding, want_source = EXPECTED_ENCODING.get(
            cases.get(row["Job ID"], ""), ("utf-8", "header")
        )
        assert (item["encoding"], item["encoding_source"]) == (want_encoding, want_source)
    assert result.is_complete, result.incomplete_reasons
    assert result.expected["listings"] == len(rows)
    assert result.stats["lmis/encoding/declaration_contradicted"] == len(cases)


def test_lokerid_items_equal_the_postings_whatever_the_charset_header(out_dir: Path) -> None:
    rows = lokerid_rows()[:100]
    cases = _encoding_cases(rows)
    assert set(cases.values()) == set(EXPECTED_ENCODING)
    check_lokerid(rows, out_dir, cases)


@pytest.mark.slow
def test_lokerid_all_2229_postings(out_dir: Path) -> None:
    rows = lokerid_rows()
    check_lokerid(rows, out_dir, _encoding_cases(rows))


# -- Dealls ----------------------------------------------------------------------------------------


def dealls_expected(row: dict[str, str], base_url: str) -> dict[str, Any]:
    salary = None if row["base_salary"] == "N/A" else float(row["base_salary"])
    return _expected(
        source="dealls",
        url=f"{base_url}/role/{dealls_slug(row)}",
        title=inline(row["job_title"]),
        company_name=inline(row["company"]),
        location=inline(f"{row['job_location']}, ID"),
        posted_at=row["last_seen"],
        employment_type=row["job_type"],
        salary_min=salary,
        salary_max=salary,
        salary_currency="IDR" if salary else None,
        salary_period="MONTH" if salary else None,
    )


def test_dealls_items_equal_the_listings(out_dir: Path) -> None:
    rows = dealls_rows()[:120]
    with FixtureServer(dealls_site(rows)) as server:
        result = crawl("dealls", out_dir, server.base_url)
        base_url = server.base_url
    expected: dict[str, dict[str, Any]] = {}
    for row in rows:
        expected.setdefault(dealls_slug(row), dealls_expected(row, base_url))
    items = read_items(result.items_path)
    assert_items_equal(items, expected)
    assert result.is_complete, result.incomplete_reasons
    assert result.expected["listings"] == len(expected) == 119


# -- employer career pages (JSON-LD) ---------------------------------------------------------------


def test_career_pages_jsonld_variants(out_dir: Path) -> None:
    employers = build_employers(karirhub_details())
    servers = [FixtureServer(employer_site(employer)).start() for employer in employers]
    try:
        result = crawl(
            "careers_jsonld",
            out_dir,
            None,
            arguments={"career_pages": ",".join(f"{s.base_url}/karir" for s in servers)},
        )
        requested = [[r.path for r in server.requests] for server in servers]
    finally:
        for server in servers:
            server.stop()
    expected: dict[str, dict[str, Any]] = {}
    for employer, server in zip(employers, servers, strict=True):
        for values in employer.expected:
            key = values["posting_key"]
            posting_id = f"{server.netloc}/{key}" if key else f"{server.netloc}{values['path']}"
            expected[posting_id] = _expected(
                source="careers",
                url=server.base_url + values["path"],
                title=inline(values["title"]),
                company_name=inline(values["company_name"]),
                location=inline(values["location"]),
                posted_at=values["posted_at"],
                valid_through=values["valid_through"],
                employment_type=values["employment_type"],
                salary_text=values.get("salary_text"),
                salary_min=values["salary_min"],
                salary_max=values["salary_max"],
                salary_currency=values["salary_currency"],
                salary_period=values["salary_period"],
                description=block(values["description"]),
            )
    items = read_items(result.items_path)
    assert_items_equal(items, expected)
    assert len(items) == 13
    # robots.txt: A disallows /internal/ (never fetched); B and C redirect to error pages.
    assert "/internal/lowongan-draft.html" not in requested[0]
    assert result.stats["robotstxt/forbidden"] == 1
    assert result.stats["lmis/robots/parsed"] == 1
    assert result.stats["lmis/robots/error_page_allow_all"] == 1
    assert result.stats["lmis/robots/html_page_allow_all"] == 1
    assert "/tentang-kami" not in requested[0]
    # Broken blocks are kept and counted; the page holding only a broken block is a shortfall.
    assert result.stats["lmis/jsonld/blocks_failed"] == 2
    failures = [
        json.loads(line) for line in (result.run_items_path.parent / "jsonld_failures.jsonl").open()
    ]
    assert len(failures) == 2 and all(f["raw_text"].startswith("{") for f in failures)
    assert not result.is_complete
    outcomes = json.loads(result.stats_path.read_text())["coverage"]["detail_outcomes"]
    assert outcomes == {
        "no_jobposting": 1,
        "ok": 12,
        "robots_forbidden": 1,
        "unreadable_jsonld": 1,
    }
    assert_no_offhost_requests(result)
