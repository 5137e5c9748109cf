"""Crawl verdicts on hostile local sites: a page that cannot be read never passes as complete,
and spiders stay on their own site.

Every site here is a fixture server on 127.0.0.1; "other hosts" are second fixture servers on
other ports of 127.0.0.1, so nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from crawl_fixture_server import FixtureServer, Reply, RequestInfo, json_reply
from crawl_fixture_sites import (
    glints_searches,
    glints_site,
    jobstreet_rows,
    jobstreet_site,
    lokerid_rows,
    lokerid_site,
)
from crawl_test_helpers import crawl, read_items


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
