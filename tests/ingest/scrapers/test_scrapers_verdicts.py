"""Crawl verdicts on hostile local sites: a page that cannot be read never passes as complete,
and spiders stay on their own site.

Every site here is a fixture server on 127.0.0.1; "other hosts" are second fixture servers on
other ports of 127.0.0.1, so nothing leaves the machine.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawl_fixture_server import (
    FixtureServer,
    Reply,
    RequestInfo,
    html_reply,
    json_reply,
    redirect,
)
from crawl_fixture_sites import (
    KARIRHUB_API,
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
    lokerid_rows,
    lokerid_site,
    robots_reply,
)
from crawl_test_helpers import TEST_CONTACT, crawl, read_items
from scrapy.exceptions import CannotResolveHostError
from twisted.python.failure import Failure

from ingest.scrapers.base import classify_failure
from ingest.scrapers.middlewares import site_key
from ingest.scrapers.runner import UNTHROTTLED, CrawlResult, run_crawl, unthrottled_problem
from ingest.scrapers.state import read_table
from orchestration.settings import REPO_ROOT


def _stream(result, name: str) -> dict:
    return json.loads(result.stats_path.read_text())["coverage"]["streams"][name]


# -- 1. a listing page that fails to parse -----------------------------------------------------


def test_lokerid_unreadable_total_makes_the_stream_incomplete(out_dir: Path) -> None:
    site = lokerid_site(lokerid_rows()[:5])

    def hostile(request: RequestInfo) -> Reply:
        reply = site(request)
        if request.path == "/cari-lowongan-kerja":
            reply.body = re.sub(rb"dari [\d.]+ lowongan", b"dari . lowongan", reply.body)
        return reply

    with FixtureServer(hostile) as server:
        result = crawl("lokerid", out_dir, server.base_url)
    assert not result.is_complete
    assert _stream(result, "all")["stop_reason"] == "listing_parse_error"
    assert any("listing:parse_error 1" in reason for reason in result.incomplete_reasons)


def test_jobstreet_total_as_text_makes_the_crawl_incomplete(out_dir: Path) -> None:
    site = jobstreet_site(jobstreet_rows("jobstreet_2021-12-14.csv")[:70])

    def hostile(request: RequestInfo) -> Reply:
        reply = site(request)
        if request.method == "POST":
            body = json.loads(reply.body)
            body["data"]["jobs"]["totalJobs"] = "70 jobs"
            reply = json_reply(json.dumps(body).encode())
        return reply

    with FixtureServer(hostile) as server:
        result = crawl("jobstreet", out_dir, server.base_url)
    assert not result.is_complete
    assert _stream(result, "all")["stop_reason"] == "listing_parse_error"


def test_glints_keyword_whose_page_holds_a_null_job_stays_in_the_verdict(out_dir: Path) -> None:
    searches = dict(list(glints_searches().items())[:2])
    good, bad = list(searches)
    searches[bad] = [*searches[bad][:3], None]
    with FixtureServer(glints_site(searches)) as server:
        result = crawl("glints", out_dir, server.base_url, arguments={"keywords": f"{good},{bad}"})
    assert not result.is_complete
    assert _stream(result, bad)["stop_reason"] == "listing_parse_error"
    assert _stream(result, good)["stop_reason"] in ("short_page", "reached_total")
    assert len(read_items(result.items_path)) >= len(searches[good])


# -- 2. a record without an id ------------------------------------------------------------------


def test_one_record_without_an_id_does_not_cut_a_json_crawl_short(out_dir: Path) -> None:
    rows = jobstreet_rows("jobstreet_2021-12-14.csv")[:70]
    site = jobstreet_site(rows)
    id_less = rows[5]["id"]

    def hostile(request: RequestInfo) -> Reply:
        reply = site(request)
        if request.method == "POST":
            body = json.loads(reply.body)
            for job in body["data"]["jobs"]["jobs"]:
                if job["id"] == id_less:
                    job["id"] = None
            reply = json_reply(json.dumps(body).encode())
        return reply

    with FixtureServer(hostile) as server:
        result = crawl("jobstreet", out_dir, server.base_url)
        pages = [r for r in server.requests if r.method == "POST"]
    assert len(pages) == 3  # 30 + 30 + 10: the page with the bad record was full
    ids = {item["source_posting_id"] for item in read_items(result.items_path)}
    assert ids == {row["id"] for row in rows} - {id_less}
    assert not result.is_complete  # the quarantined record still says so
    assert any("quarantined: 1" in reason for reason in result.incomplete_reasons)
    assert _stream(result, "all")["stop_reason"] == "short_page"


def test_a_page_of_records_without_ids_ends_the_stream_cut_short(out_dir: Path) -> None:
    # A site serving the same id-less page for every page number was read to `LMIS_MAX_PAGES`:
    # such a page is neither empty nor a repeat of known ids.
    rows = jobstreet_rows("jobstreet_2021-12-14.csv")[:70]
    site = jobstreet_site(rows)

    def hostile(request: RequestInfo) -> Reply:
        reply = site(request)
        if request.method == "POST":
            body = json.loads(reply.body)
            for job in body["data"]["jobs"]["jobs"]:
                job["id"] = None
            reply = json_reply(json.dumps(body).encode())
        return reply

    with FixtureServer(hostile) as server:
        result = crawl("jobstreet", out_dir, server.base_url)
        pages = [r for r in server.requests if r.method == "POST"]
    assert len(pages) == 1
    assert not result.is_complete
    assert _stream(result, "all")["stop_reason"] == "page_without_ids"


def test_one_card_without_an_id_does_not_cut_an_html_crawl_short(out_dir: Path) -> None:
    rows = lokerid_rows()[:25]
    site = lokerid_site(rows, page_size=10)
    id_less = rows[3]["Job ID"]

    def hostile(request: RequestInfo) -> Reply:
        reply = site(request)
        if request.path == "/cari-lowongan-kerja":
            reply.body = reply.body.replace(f'data-id="{id_less}"'.encode(), b"")
        return reply

    with FixtureServer(hostile) as server:
        result = crawl("lokerid", out_dir, server.base_url)
    ids = {item["source_posting_id"] for item in read_items(result.items_path)}
    assert ids == {row["Job ID"] for row in rows} - {id_less}
    assert result.achieved["pages_fetched"] == 3


# -- 3. spiders stay on their own site ----------------------------------------------------------


def test_offsite_links_and_redirects_are_refused_and_counted(out_dir: Path) -> None:
    rows = lokerid_rows()[:6]
    linked, redirected = rows[1], rows[2]
    site = lokerid_site(rows)

    with FixtureServer(lambda request: site(request)) as elsewhere:

        def hostile(request: RequestInfo) -> Reply:
            reply = site(request)
            if request.path == "/cari-lowongan-kerja":
                path = lokerid_detail_path(linked).encode()
                reply.body = reply.body.replace(
                    b'href="' + path + b'"', b'href="' + elsewhere.base_url.encode() + path + b'"'
                )
            if request.path == lokerid_detail_path(redirected):
                return redirect(elsewhere.base_url + request.path)
            return reply

        with FixtureServer(hostile) as server:
            # Both servers are on 127.0.0.1, so LMIS_ALLOWED_HOSTS (the test fence) lets the
            # second through: only the spider's own-site rule can refuse it.
            result = crawl("lokerid", out_dir, server.base_url)
        reached_elsewhere = elsewhere.requests
    assert reached_elsewhere == []  # not even its robots.txt
    ids = {item["source_posting_id"] for item in read_items(result.items_path)}
    assert ids == {row["Job ID"] for row in rows} - {linked["Job ID"], redirected["Job ID"]}
    assert not result.is_complete
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["detail_outcomes"]["offsite_refused"] == 2
    assert result.stats["lmis/offsite_refused"] == 2


def test_a_site_host_listed_in_settings_is_followed(out_dir: Path) -> None:
    rows = lokerid_rows()[:3]
    site = lokerid_site(rows)
    with FixtureServer(lambda request: site(request)) as elsewhere:

        def hostile(request: RequestInfo) -> Reply:
            if request.path == lokerid_detail_path(rows[0]):
                return redirect(elsewhere.base_url + request.path)
            return site(request)

        with FixtureServer(hostile) as server:
            result = crawl("lokerid", out_dir, server.base_url, LMIS_SITE_HOSTS=[elsewhere.netloc])
    assert result.is_complete, result.incomplete_reasons
    assert len(read_items(result.items_path)) == 3


def test_unthrottled_refuses_career_pages_off_loopback(tmp_path: Path) -> None:
    # `.invalid` is never looked up: the command must refuse before any crawl starts.
    command = [
        sys.executable,
        "-m",
        "orchestration.cli",
        "crawl",
        "careers_jsonld",
        "--out",
        str(tmp_path),
        "--base-url",
        "http://127.0.0.1:9",
        "--unthrottled",
        "-a",
        "career_pages=http://employer.invalid/karir",
        # A fence in case the check ever lets it through: the host guard refuses it unresolved.
        "--set",
        'LMIS_ALLOWED_HOSTS=["127.0.0.1"]',
    ]
    environment = {**os.environ, "LMIS_CRAWL_CONTACT": TEST_CONTACT}
    completed = subprocess.run(
        command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 2
    assert "employer.invalid" in completed.stderr
    assert not (tmp_path / "careers_jsonld").exists()
    assert (
        unthrottled_problem("careers_jsonld", {}, {"career_pages": "http://127.0.0.1:9/k"}) is None
    )
    assert "glints.com" in (
        unthrottled_problem(
            "lokerid", {"LMIS_BASE_URL": "http://127.0.0.1:9", "LMIS_SITE_HOSTS": ["glints.com"]}
        )
        or ""
    )


def test_unthrottled_check_sees_the_base_url_argument_and_the_site_hosts_setting(
    monkeypatch,
) -> None:
    # The spider's `base_url` argument wins over the setting, and `LMIS_CRAWL_SITE_HOSTS` adds
    # hosts the guard follows: both reach the internet however loopback `--base-url` is.
    loopback = {"LMIS_BASE_URL": "http://127.0.0.1:9"}
    assert "dealls.com" in (
        unthrottled_problem("dealls", loopback, {"base_url": "https://dealls.com"}) or ""
    )
    monkeypatch.setenv("LMIS_CRAWL_SITE_HOSTS", "jobs.example.com")
    assert "jobs.example.com" in (unthrottled_problem("dealls", loopback) or "")
    monkeypatch.delenv("LMIS_CRAWL_SITE_HOSTS")
    assert unthrottled_problem("dealls", loopback) is None


def test_a_host_that_cannot_be_resolved_is_a_dns_error() -> None:
    failure = Failure(CannotResolveHostError("employer.invalid"))
    assert classify_failure(failure) == "dns_error"


# -- 4. robots.txt that cannot be fetched, and Crawl-delay ---------------------------------------


def test_robots_txt_that_times_out_means_disallow_all(out_dir: Path) -> None:
    site = lokerid_site(lokerid_rows()[:3])

    def hostile(request: RequestInfo) -> Reply:
        if request.path == "/robots.txt":
            time.sleep(2.5)  # longer than the crawl's download timeout
        return site(request)

    with FixtureServer(hostile) as server:
        result = crawl("lokerid", out_dir, server.base_url, DOWNLOAD_TIMEOUT=1, RETRY_TIMES=0)
        paths = {r.path for r in server.requests}
    assert paths == {"/robots.txt"}  # nothing else was asked for
    assert result.stats["lmis/robots/network_error_disallow_all"] == 1
    assert not result.is_complete
    assert any("robots_forbidden" in reason for reason in result.incomplete_reasons)


def test_robots_crawl_delay_is_the_minimum_gap_between_requests(out_dir: Path) -> None:
    rows = lokerid_rows()[:3]
    robots = "User-agent: *\nCrawl-delay: 1\nDisallow: /akun/\n"
    with FixtureServer(lokerid_site(rows, robots=robots)) as server:
        # Unthrottled (no download delay, 16 in parallel): only Crawl-delay spaces them.
        result = crawl("lokerid", out_dir, server.base_url)
        arrivals = sorted(r.arrived for r in server.requests if r.path != "/robots.txt")
    assert result.is_complete, result.incomplete_reasons
    assert len(arrivals) == 4  # the listing and three details
    assert min(b - a for a, b in zip(arrivals, arrivals[1:], strict=False)) >= 0.95
    assert result.stats["lmis/robots/crawl_delay/" + server.netloc] == 1.0


def test_a_crawl_delay_too_long_to_honour_means_disallow_all(out_dir: Path) -> None:
    robots = "User-agent: lmis-warehouse\nCrawl-delay: 86400\n"
    with FixtureServer(lokerid_site(lokerid_rows()[:3], robots=robots)) as server:
        result = crawl("lokerid", out_dir, server.base_url)
        paths = {r.path for r in server.requests}
    assert paths == {"/robots.txt"}
    assert result.stats["lmis/robots/crawl_delay_too_long_disallow_all"] == 1
    assert not result.is_complete


# -- 5. exit codes and a next link back to the start ----------------------------------------------


def _lmis_crawl(*arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "orchestration.cli", "crawl", *arguments]
    environment = {**os.environ, "LMIS_CRAWL_CONTACT": TEST_CONTACT}
    return subprocess.run(
        command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_a_crawl_that_cannot_start_exits_1_not_3(tmp_path: Path) -> None:
    # A closed loopback port; the spider fails to build before any request is made.
    completed = _lmis_crawl(
        "lokerid",
        "--out",
        str(tmp_path),
        "--base-url",
        "http://127.0.0.1:9",
        "--set",
        'LMIS_ALLOWED_HOSTS=["127.0.0.1"]',
        "--set",
        "LMIS_MAX_PAGES=abc",
    )
    assert completed.returncode == 1, completed.stderr[-2000:]


def test_a_malformed_date_is_a_configuration_error(tmp_path: Path) -> None:
    completed = _lmis_crawl(
        "lokerid",
        "--out",
        str(tmp_path),
        "--date",
        "2026-13-01",
        "--base-url",
        "http://127.0.0.1:9",
        "--set",
        'LMIS_ALLOWED_HOSTS=["127.0.0.1"]',
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "2026-13-01" in completed.stderr


def test_a_next_link_back_to_the_start_ends_the_stream_as_repeated(out_dir: Path) -> None:
    rows = lokerid_rows()[:10]
    site = lokerid_site(rows, page_size=4)

    def hostile(request: RequestInfo) -> Reply:
        reply = site(request)
        if request.path == "/cari-lowongan-kerja" and request.query.get("page") == "2":
            reply.body = reply.body.replace(b"/cari-lowongan-kerja?page=3", b"/cari-lowongan-kerja")
        return reply

    with FixtureServer(hostile) as server:
        result = crawl("lokerid", out_dir, server.base_url)
    assert _stream(result, "all")["stop_reason"] == "repeated_page"
    assert not result.is_complete
    assert any("listed 8 of 10 (repeated_page)" in r for r in result.incomplete_reasons)


def test_same_site_ignores_default_ports_and_www() -> None:
    assert (
        site_key("https://www.loker.id/x") == site_key("http://loker.id:80/y") == ("loker.id", None)
    )
    assert site_key("127.0.0.1:8123") == ("127.0.0.1", 8123) != site_key("http://127.0.0.1:8124/")
    assert site_key("https://jobs.loker.id/") != site_key("https://loker.id/")


def test_a_listing_answer_that_is_not_a_result_page_is_not_an_empty_page(out_dir: Path) -> None:
    site = jobstreet_site(jobstreet_rows("jobstreet_2021-12-14.csv")[:70])
    answers = {
        "array": b"[]",
        "graphql_error": b'{"data": null, "errors": [{"message": "rate limited"}]}',
    }
    for name, body in answers.items():

        def hostile(request: RequestInfo, body: bytes = body) -> Reply:
            return json_reply(body) if request.method == "POST" else site(request)

        with FixtureServer(hostile) as server:
            result = crawl("jobstreet", out_dir / name, server.base_url)
        assert not result.is_complete, name
        assert _stream(result, "all")["stop_reason"] == "listing_parse_error", name


# -- 4. detail pages that cannot be used as read ------------------------------------------------


def test_an_empty_or_truncated_detail_page_is_not_a_read_page(out_dir: Path) -> None:
    rows = lokerid_rows()[:4]
    empty, truncated = rows[0], rows[1]
    site = lokerid_site(rows)

    def hostile(request: RequestInfo) -> Reply:
        if request.path == lokerid_detail_path(empty):
            return Reply(200, b"")
        if request.path == lokerid_detail_path(truncated):
            return Reply(200, lokerid_detail_page(truncated).encode()[:150])
        return site(request)

    with FixtureServer(hostile) as server:
        result = crawl("lokerid", out_dir, server.base_url)
    assert not result.is_complete
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["detail_outcomes"] == {"ok": 2, "detail_empty": 2}
    assert any("detail_empty 2" in reason for reason in result.incomplete_reasons)
    items = {item["source_posting_id"]: item for item in read_items(result.items_path)}
    assert set(items) == {row["Job ID"] for row in rows}  # listed postings are kept
    for row in (empty, truncated):
        item = items[row["Job ID"]]
        assert item["problems"] == ["detail_empty"]
        assert item["description"] is None
        assert item["title"] == row["Title"]
        assert "detail" not in item["raw"]
    assert items[rows[2]["Job ID"]]["problems"] == []


def test_dealls_role_page_without_jobposting_and_empty_career_page_are_shortfalls(
    out_dir: Path,
) -> None:
    rows = dealls_rows()[:3]
    site = dealls_site(rows)
    bare = dealls_slug(rows[0])

    def hostile(request: RequestInfo) -> Reply:
        if request.path == f"/role/{bare}":
            return html_reply("<html><head><title>x</title></head><body></body></html>")
        return site(request)

    with FixtureServer(hostile) as server:
        result = crawl("dealls", out_dir / "dealls", server.base_url)
    assert not result.is_complete
    items = {item["source_posting_id"]: item for item in read_items(result.items_path)}
    assert items[bare]["problems"] == ["detail_empty"]
    assert items[bare]["title"] == rows[0]["job_title"]

    def career(request: RequestInfo) -> Reply:
        if request.path == "/robots.txt":
            return robots_reply("User-agent: *\nAllow: /\n")
        if request.path == "/karir":
            links = '<a href="/karir/lowongan-1">a</a><a href="/karir/lowongan-2">b</a>'
            return html_reply(f"<html><body>{links}</body></html>")
        if request.path == "/karir/lowongan-1":
            return Reply(200, b"")
        return html_reply("<html><body><p>Tentang kami</p></body></html>")

    with FixtureServer(career) as server:
        result = crawl(
            "careers_jsonld",
            out_dir / "careers",
            None,
            arguments={"career_pages": f"{server.base_url}/karir"},
        )
    report = json.loads(result.stats_path.read_text())
    # The page without a posting stays benign; the empty answer does not.
    assert report["coverage"]["detail_outcomes"] == {"detail_empty": 1, "no_jobposting": 1}
    assert not result.is_complete


def _karirhub_detail_answers(details: dict[str, dict], ids: list[str]) -> dict[str, bytes]:
    """Detail answers that lack the posting, for the first four of `ids`."""
    return {
        ids[0]: b"",
        ids[1]: b"{}",
        ids[2]: b'{"data": null}',
        # The description is what the detail is fetched for; without it the detail is not read.
        ids[3]: json.dumps({"data": {**details[ids[3]], "description": "  "}}).encode(),
    }


def _crawl_karirhub_answering(
    answers: dict[str, bytes], spider: str, out_dir: Path, hits: list[dict], details: dict
) -> CrawlResult:
    """Crawl the saved Karirhub site with `answers` given for those postings' detail requests."""
    site = karirhub_site(hits, list(details.values()))

    def hostile(request: RequestInfo) -> Reply:
        posting_id = request.path.removeprefix(f"{KARIRHUB_API}/vacancies/")
        if posting_id in answers:
            return json_reply(answers[posting_id])
        return site(request)

    with FixtureServer(hostile) as server:
        return crawl(spider, out_dir, server.base_url)


def test_a_karirhub_json_detail_without_the_posting_is_detail_empty(out_dir: Path) -> None:
    # Regression: an empty body was `invalid_json`, `{}` and `{"data": null}` `no_posting`, both
    # losing the listed posting, and a detail without a description was stored as read.
    hits = karirhub_listing_hits()[:5]
    details = {detail["id"]: detail for detail in karirhub_details()}
    ids = [hit["id"] for hit in hits]
    answers = _karirhub_detail_answers(details, ids)
    result = _crawl_karirhub_answering(answers, "karirhub", out_dir, hits, details)
    assert not result.is_complete
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["detail_outcomes"] == {"ok": 1, "detail_empty": 4}
    assert report["scrapy_stats"]["lmis/detail/detail_empty"] == 4
    assert any("detail_empty 4" in reason for reason in result.incomplete_reasons)
    items = {item["source_posting_id"]: item for item in read_items(result.items_path)}
    assert set(items) == set(ids)  # listed postings are kept
    for hit in hits[:4]:
        item = items[hit["id"]]
        assert item["problems"][0] == "detail_empty"
        assert item["description"] is None and "detail" not in item["raw"]
        assert item["raw"]["listing"] == hit
        assert (item["title"], item["company_name"]) == (hit["title"], hit["company_name"])
        assert item["url"].endswith(f"/lowongan-dalam-negeri/lowongan/{hit['id']}")
        assert item["posted_at"].endswith("+00:00")
    assert "detail_empty" not in items[ids[4]]["problems"]
    assert items[ids[4]]["description"] == details[ids[4]]["description"]


def test_a_karirhub_rss_detail_without_the_posting_is_detail_empty(out_dir: Path) -> None:
    # Regression: an empty body raised in the JSON reader (`detail:parse_error`) and
    # `{"data": null}` was `no_posting`; both lost the posting the feed listed.
    hits = karirhub_listing_hits()
    details = {detail["id"]: detail for detail in karirhub_details()}
    feed_ids = [hit["id"] for hit in hits[:30]]  # the feed holds the 30 real listing hits
    answers = _karirhub_detail_answers(details, feed_ids)
    result = _crawl_karirhub_answering(answers, "karirhub_rss", out_dir, hits, details)
    assert not result.is_complete
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["detail_outcomes"] == {"ok": 26, "detail_empty": 4}
    assert any("detail_empty 4" in reason for reason in result.incomplete_reasons)
    items = {item["source_posting_id"]: item for item in read_items(result.items_path)}
    assert set(items) == set(feed_ids)
    for posting_id in feed_ids[:4]:
        item = items[posting_id]
        detail = details[posting_id]
        assert item["problems"] == ["detail_empty"] and item["description"] is None
        # From the entry: the title in its content (not its decorated <title>), the employer.
        assert item["title"] == detail["title"]
        assert item["company_name"] == detail["employer"]["name"]
        assert item["raw"]["feed_item"]["guid"] == posting_id and "detail" not in item["raw"]
        assert item["posted_at"].endswith("+00:00")


def test_a_detail_redirected_to_another_posting_is_not_stored_as_the_card(out_dir: Path) -> None:
    rows = lokerid_rows()[:4]
    moved, target, renamed = rows[0], rows[1], rows[2]
    site = lokerid_site(rows)

    def hostile(request: RequestInfo) -> Reply:
        if request.path == lokerid_detail_path(moved):
            return redirect(lokerid_detail_path(target))
        if request.path == lokerid_detail_path(renamed) and not request.query:
            # The posting's own page under a new address: read as usual.
            return redirect(lokerid_detail_path(renamed) + "?v=2")
        return site(request)

    with FixtureServer(hostile) as server:
        result = crawl("lokerid", out_dir / "lokerid", server.base_url)
    assert not result.is_complete
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["detail_outcomes"] == {"ok": 3, "detail_redirected_elsewhere": 1}
    assert result.stats["lmis/detail/detail_redirected_elsewhere"] == 1
    items = {item["source_posting_id"]: item for item in read_items(result.items_path)}
    kept = items[moved["Job ID"]]
    assert kept["problems"] == ["detail_redirected_elsewhere"]
    assert kept["title"] == moved["Title"]
    assert kept["description"] is None
    assert kept["url"].endswith(lokerid_detail_path(moved))
    assert items[target["Job ID"]]["description"]
    assert items[renamed["Job ID"]]["problems"] == []
    assert items[renamed["Job ID"]]["description"]

    # Dealls URLs carry the posting's slug, so a redirect to any other role page is caught,
    # listed or not.
    deals = dealls_rows()[:3]
    dealls = dealls_site(deals)
    first, second = dealls_slug(deals[0]), dealls_slug(deals[1])

    def hostile_dealls(request: RequestInfo) -> Reply:
        if request.path == f"/role/{first}":
            return redirect(f"/role/{second}")
        return dealls(request)

    with FixtureServer(hostile_dealls) as server:
        result = crawl("dealls", out_dir / "dealls", server.base_url)
    assert not result.is_complete
    items = {item["source_posting_id"]: item for item in read_items(result.items_path)}
    assert items[first]["problems"] == ["detail_redirected_elsewhere"]
    assert items[first]["title"] == deals[0]["job_title"]
    assert items[second]["problems"] == []


# -- 5. a crawl cut at its timeout ---------------------------------------------------------------


def test_a_crawl_stopped_at_its_timeout_keeps_what_it_read(out_dir: Path) -> None:
    rows = lokerid_rows()[:6]
    slow = rows[5]
    site = lokerid_site(rows)

    def hostile(request: RequestInfo) -> Reply:
        if request.path == lokerid_detail_path(slow):
            time.sleep(7)  # still in flight when the timeout strikes
        return site(request)

    settings = {
        **UNTHROTTLED,
        "LMIS_ALLOWED_HOSTS": ["127.0.0.1"],
        "LMIS_CRAWL_CONTACT": TEST_CONTACT,
        "DOWNLOAD_TIMEOUT": 20,
    }
    with FixtureServer(hostile) as server:
        settings["LMIS_BASE_URL"] = server.base_url
        result = run_crawl(
            "lokerid", out_dir, "2025-10-23", settings, timeout_seconds=5, stop_grace_seconds=30
        )
    assert not result.is_complete
    assert any(reason.startswith("timeout") for reason in result.incomplete_reasons)
    report = json.loads(result.stats_path.read_text())
    assert report["finish_reason"] == "timeout"
    (log_row,) = [
        r for r in read_table(result.state_db, "crawl_log") if r["run_id"] == result.run_id
    ]
    assert log_row["finish_reason"] == "timeout"
    assert log_row["is_complete"] == 0
    # The postings read before the stop reached the day's file and the archive is whole.
    day_ids = {item["source_posting_id"] for item in read_items(result.items_path)}
    assert {row["Job ID"] for row in rows[:5]} <= day_ids
    assert result.archive_path is not None
    with gzip.open(result.archive_path) as archive:
        assert archive.read().count(b"WARC-Type: response") >= 6


# -- 6. Retry-After longer than the cap ----------------------------------------------------------


def test_a_retry_after_longer_than_the_cap_gives_up_on_the_host(out_dir: Path) -> None:
    rows = lokerid_rows()[:6]
    site = lokerid_site(rows)
    details = {lokerid_detail_path(row) for row in rows}
    asked: list[str] = []

    def hostile(request: RequestInfo) -> Reply:
        if request.path in details:
            asked.append(request.path)
            if len(asked) == 1:
                return Reply(429, b"slow down", headers=[("Retry-After", "99999")])
        return site(request)

    with FixtureServer(hostile) as server:
        started = time.monotonic()
        # One request at a time, so every detail after the 429 is asked for after it.
        result = crawl(
            "lokerid",
            out_dir,
            server.base_url,
            CONCURRENT_REQUESTS=1,
            CONCURRENT_REQUESTS_PER_DOMAIN=1,
        )
        elapsed = time.monotonic() - started
    assert len(asked) == 1  # the host was not asked again (the cap in tests is 5 s)
    assert elapsed < 20  # and nothing waited for the cap either
    assert result.stats["lmis/retry_after/gave_up_wait_too_long"] == 1
    assert result.stats["lmis/retry_after/requests_not_sent"] == 5
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["detail_outcomes"] == {"http_429": 1, "retry_after_too_long": 5}
    assert not result.is_complete


# -- 7. a page larger than DOWNLOAD_MAXSIZE --------------------------------------------------------


def test_a_page_larger_than_the_maximum_is_dropped_and_counted(out_dir: Path) -> None:
    rows = lokerid_rows()[:3]
    huge = rows[0]
    site = lokerid_site(rows)
    filler = "<p>" + "y" * 1000 + "</p>"

    def hostile(request: RequestInfo) -> Reply:
        reply = site(request)
        if request.path == lokerid_detail_path(huge):
            reply.body = reply.body.replace(
                b"<div class='prose'>", b"<div class='prose'>" + filler.encode() * 2000
            )
        return reply

    with FixtureServer(hostile) as server:
        # 2 MB page, a 1 MiB limit (the shipped limit is 8 MiB; same code path, smaller page)
        result = crawl("lokerid", out_dir, server.base_url, DOWNLOAD_MAXSIZE=1024 * 1024)
    assert not result.is_complete
    assert result.stats["lmis/page_too_large"] == 1
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["detail_outcomes"] == {"ok": 2, "page_too_large": 1}
    items = {item["source_posting_id"]: item for item in read_items(result.items_path)}
    assert items[huge["Job ID"]]["problems"] == ["page_too_large"]
    assert items[huge["Job ID"]]["description"] is None
    assert items[huge["Job ID"]]["title"] == huge["Title"]


def test_shipped_download_size_limits() -> None:
    from twisted.internet.defer import CancelledError

    from ingest.scrapers import settings

    # A page without Content-Length is cut while it is read: Scrapy cancels the download.
    assert classify_failure(Failure(CancelledError())) == "page_too_large"
    assert settings.DOWNLOAD_MAXSIZE == 8 * 1024 * 1024
    assert settings.DOWNLOAD_WARNSIZE == 2 * 1024 * 1024


def test_an_interrupt_while_waiting_for_a_crawl_kills_the_crawler(out_dir: Path, monkeypatch):
    # `subprocess.run` killed its child on any exception; the graceful timeout's own wait must
    # too, or a Ctrl-C of the caller leaves the crawler running alone.
    import ingest.scrapers.runner as runner

    children = []

    def interrupted(child, timeout_seconds, stop_grace_seconds):
        children.append(child)
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_wait", interrupted)
    settings = {
        **UNTHROTTLED,
        "LMIS_ALLOWED_HOSTS": ["127.0.0.1"],
        "LMIS_CRAWL_CONTACT": TEST_CONTACT,
        "LMIS_BASE_URL": "http://127.0.0.1:9",
    }
    with pytest.raises(KeyboardInterrupt):
        run_crawl("lokerid", out_dir, "2025-10-23", settings)
    (child,) = children
    assert child.poll() is not None


@pytest.mark.parametrize("spider", ["karirhub", "karirhub_rss"])
def test_a_karirhub_detail_that_is_not_json_keeps_the_listed_posting(
    spider: str, out_dir: Path
) -> None:
    # Regression: the API spider dropped the listed posting (`invalid_json`, nothing written)
    # and the RSS spider raised in the JSON reader (`detail:parse_error`).
    hits = karirhub_listing_hits()[:5]
    details = {detail["id"]: detail for detail in karirhub_details()}
    broken = hits[0]["id"]
    answers = {broken: b"<html><body>Service Unavailable</body></html>"}
    result = _crawl_karirhub_answering(answers, spider, out_dir, hits, details)
    assert not result.is_complete
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["detail_outcomes"]["invalid_json"] == 1
    assert "detail:parse_error" not in json.dumps(report["scrapy_stats"])
    items = {item["source_posting_id"]: item for item in read_items(result.items_path)}
    assert items[broken]["problems"][0] == "invalid_json"
    assert items[broken]["description"] is None
