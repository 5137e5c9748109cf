"""Crawls against servers that misbehave, re-runs, replay from the archive, and politeness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from crawl_fixture_server import FixtureServer
from crawl_fixture_sites import (
    KARIRHUB_API,
    KarirhubBehaviour,
    jobstreet_rows,
    jobstreet_site,
    karirhub_details,
    karirhub_listing_hits,
    karirhub_site,
    lokerid_detail_path,
    lokerid_rows,
    lokerid_site,
)
from crawl_test_helpers import TEST_CONTACT, crawl, read_items

from ingest.scrapers import settings as crawl_settings
from ingest.scrapers.archive import iter_responses
from ingest.scrapers.runner import CrawlConfigError, run_crawl
from ingest.scrapers.state import read_table


def test_misbehaving_server_gives_reachable_postings_once_and_is_reported_incomplete(
    out_dir: Path,
) -> None:
    """429 with Retry-After, a last page served again for later pages, no robots.txt, and a
    total larger than what is reachable."""
    hits = karirhub_listing_hits()
    served = hits[:54]  # three full pages of 18
    recovering, failing = served[5]["id"], served[40]["id"]
    behaviour = KarirhubBehaviour(
        reported_total=72,
        served_hits=54,
        repeat_last_page=True,
        has_robots=False,
        first_429_on_listing_pages={2},
        first_429_on_details={recovering},
        always_429_on_details={failing},
        retry_after="1",
    )
    with FixtureServer(karirhub_site(hits, karirhub_details(), behaviour)) as server:
        result = crawl("karirhub", out_dir, server.base_url, LMIS_RETRY_AFTER_MAX_TIMES=2)
        requests = server.requests

    items = read_items(result.items_path)
    ids = [item["source_posting_id"] for item in items]
    assert len(ids) == len(set(ids)) == 53
    assert set(ids) == {hit["id"] for hit in served} - {failing}

    assert not result.is_complete
    assert result.expected == {"listings": 72, "pages": 4, "detail_pages": 54}
    assert result.achieved["listings"] == 54
    assert result.achieved["postings"] == 53
    assert result.achieved["pages_fetched"] == 4  # pages 1-3, then page 4 = page 3 again
    assert result.achieved["pages_repeated"] == 1
    assert result.achieved["detail_pages"] == 53
    report = json.loads(result.stats_path.read_text())
    assert report["coverage"]["streams"]["all"]["stop_reason"] == "repeated_page"
    assert report["coverage"]["failures"] == {"detail:http_429": 1}
    assert any("listed 54 of 72" in reason for reason in result.incomplete_reasons)

    stats = result.stats
    assert stats["lmis/robots/missing_allow_all"] == 1
    # page 2 once, the recovering detail once, the failing detail twice before giving up
    assert stats["lmis/retry_after/waits"] == 4
    assert stats["lmis/retry_after/gave_up_too_many"] == 1

    # Retry-After was honoured: page 2 was asked again only after the second it was told to wait.
    listing_path = f"{KARIRHUB_API}/industrial-vacancies"
    page_two = [r.arrived for r in requests if r.path == listing_path and r.query["page"] == "2"]
    assert len(page_two) == 2 and page_two[1] - page_two[0] >= 0.95
    assert sum(1 for r in requests if r.path.endswith(failing)) == 3

    log_rows = read_table(result.state_db, "crawl_log")
    assert len(log_rows) == 1
    row = log_rows[0]
    assert (row["is_complete"], row["expected_listings"], row["achieved_postings"]) == (0, 72, 53)
    assert (row["pages_repeated"], row["retry_after_waits"], row["requests_failed"]) == (1, 4, 1)


def test_rerunning_a_day_adds_no_duplicates_and_the_next_day_updates_last_seen(
    out_dir: Path,
) -> None:
    day_one, day_two = (
        jobstreet_rows("jobstreet_2021-12-14.csv"),
        jobstreet_rows("jobstreet_2021-12-15.csv"),
    )
    ids_one, ids_two = {r["id"] for r in day_one}, {r["id"] for r in day_two}
    serving = {"rows": day_one}

    def site(request):  # the board's content changes between the two days
        return jobstreet_site(serving["rows"])(request)

    with FixtureServer(site) as server:
        first = crawl("jobstreet", out_dir, server.base_url, crawl_date="2021-12-14")
        again = crawl("jobstreet", out_dir, server.base_url, crawl_date="2021-12-14")
        assert first.items_path == again.items_path
        day_items = read_items(again.items_path)
        assert len(day_items) == len({i["source_posting_id"] for i in day_items}) == 540
        seen = read_table(again.state_db, "seen_postings")
        assert len(seen) == 540
        assert {(r["first_seen_date"], r["last_seen_date"], r["days_seen"]) for r in seen} == {
            ("2021-12-14", "2021-12-14", 1)
        }
        serving["rows"] = day_two
        next_day = crawl("jobstreet", out_dir, server.base_url, crawl_date="2021-12-15")

    seen = {r["source_posting_id"]: r for r in read_table(next_day.state_db, "seen_postings")}
    assert len(seen) == len(ids_one | ids_two) == 898
    for posting_id in ids_one & ids_two:
        assert (seen[posting_id]["first_seen_date"], seen[posting_id]["last_seen_date"]) == (
            "2021-12-14",
            "2021-12-15",
        )
        assert seen[posting_id]["days_seen"] == 2
    for posting_id in ids_two - ids_one:
        assert seen[posting_id]["first_seen_date"] == "2021-12-15"
    for posting_id in ids_one - ids_two:
        assert seen[posting_id]["last_seen_date"] == "2021-12-14"
    day_two_items = {i["source_posting_id"]: i for i in read_items(next_day.items_path)}
    assert len(day_two_items) == 540
    assert {i["first_seen_date"] for k, i in day_two_items.items() if k in ids_one & ids_two} == {
        "2021-12-14"
    }
    assert next_day.stats["lmis/items_new"] == len(ids_two - ids_one)
    runs = read_table(next_day.state_db, "crawl_log")
    assert len(runs) == 3 and all(run["is_complete"] == 1 for run in runs)


def _comparable(item: dict) -> dict:
    return {
        k: v
        for k, v in item.items()
        if k not in ("crawled_at", "run_id", "first_seen_date", "last_seen_date")
    }


def test_replay_reparses_the_archive_without_the_site(tmp_path: Path) -> None:
    rows = lokerid_rows()[:25]
    cases = {rows[3]["Job ID"]: "utf8_declared_latin1"}
    with FixtureServer(lokerid_site(rows, encoding_cases=cases)) as server:
        original = crawl("lokerid", tmp_path / "live", server.base_url)
        base_url = server.base_url
    # The server is gone; the replay must not need it.
    assert original.archive_path is not None
    archived = list(iter_responses(original.archive_path))
    assert len(archived) == 1 + 2 + 25  # robots.txt, two listing pages, 25 detail pages
    replay = crawl(
        "lokerid",
        tmp_path / "replay",
        base_url,
        LMIS_REPLAY_ARCHIVE=str(original.archive_path),
    )
    assert replay.is_complete, replay.incomplete_reasons
    assert replay.stats["lmis/replay/served"] == len(archived)
    before = sorted(map(_comparable, read_items(original.items_path)), key=str)
    after = sorted(map(_comparable, read_items(replay.items_path)), key=str)
    assert before == after and len(after) == 25


def test_user_agent_delay_and_robots_are_respected(out_dir: Path) -> None:
    rows = lokerid_rows()[:3]
    forbidden = lokerid_detail_path(rows[1])
    # The group for our product token applies, not the generic one.
    robots = (
        "User-agent: *\nDisallow: /wp-admin/\n\n"
        f"User-agent: lmis-warehouse\nDisallow: {forbidden}\n"
    )
    with FixtureServer(lokerid_site(rows, robots=robots)) as server:
        result = crawl(
            "lokerid",
            out_dir,
            server.base_url,
            DOWNLOAD_DELAY=0.4,
            DOWNLOAD_DELAY_JITTER=0,
            AUTOTHROTTLE_ENABLED=True,
            AUTOTHROTTLE_START_DELAY=0.4,
            CONCURRENT_REQUESTS_PER_DOMAIN=1,
        )
        requests = server.requests
    agents = {r.headers.get("User-Agent") for r in requests}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("lmis-warehouse/") and f"mailto:{TEST_CONTACT}" in agent
    assert forbidden not in [r.path for r in requests]
    assert result.stats["robotstxt/forbidden"] == 1
    assert len(read_items(result.items_path)) == 2
    assert not result.is_complete  # a posting we may not read is a shortfall, and says so
    assert len(requests) == 4  # robots.txt, the listing, two details
    # The per-domain delay spaces the site's pages; robots.txt is fetched on its own schedule
    # (it was measured 0.28 s before the listing on a loaded machine), so it is left out.
    arrivals = sorted(r.arrived for r in requests if r.path != "/robots.txt")
    assert min(b - a for a, b in zip(arrivals, arrivals[1:], strict=False)) >= 0.38


def test_polite_defaults() -> None:
    assert crawl_settings.ROBOTSTXT_OBEY is True
    assert crawl_settings.AUTOTHROTTLE_ENABLED is True
    assert crawl_settings.DOWNLOAD_DELAY >= 1.0
    assert crawl_settings.CONCURRENT_REQUESTS_PER_DOMAIN <= 2
    assert crawl_settings.TELNETCONSOLE_ENABLED is False
    assert crawl_settings.REMOTE_CONTROL_ENABLED is False
    assert not {429, 503} & set(crawl_settings.RETRY_HTTP_CODES)
    assert {429, 503} <= set(crawl_settings.LMIS_RETRY_AFTER_HTTP_CODES)
    agent = crawl_settings.build_user_agent("data@example.org")
    assert agent.startswith("lmis-warehouse/") and "mailto:data@example.org" in agent


@pytest.mark.parametrize("contact", [None, "", "not a contact"])
def test_crawl_refuses_to_start_without_a_contact(
    contact: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LMIS_CRAWL_CONTACT", raising=False)
    overrides = {} if contact is None else {"LMIS_CRAWL_CONTACT": contact}
    with pytest.raises(CrawlConfigError, match="LMIS_CRAWL_CONTACT"):
        run_crawl("lokerid", tmp_path, "2025-10-23", overrides)
    assert not (tmp_path / "lokerid").exists()
