"""Dates in Asia/Jakarta whatever the server's TZ; relative dates against the crawl date."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import polars as pl
import pytest

from ingest.normalise.dates import parse_date, parse_date_column

CRAWL = dt.date(2025, 7, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-09", dt.date(2025, 7, 9)),
        ("2025-07-09 17:01:00", dt.date(2025, 7, 9)),  # naive: Jakarta time
        ("2021-12-13T17:30:23Z", dt.date(2021, 12, 14)),  # 00:30 WIB next day
        ("2021-12-13T16:30:23Z", dt.date(2021, 12, 13)),  # 23:30 WIB same day
        ("2025-07-09T20:00:00-05:00", dt.date(2025, 7, 10)),
        ("2025-07-01 16:17:33.000000 UTC", dt.date(2025, 7, 1)),
        ("22/08/2024 10:44:59", dt.date(2024, 8, 22)),  # day first, never month first
        ("05/06/2025", dt.date(2025, 6, 5)),
        ("9 Juli 2025", dt.date(2025, 7, 9)),
        ("09 Agt 2024", dt.date(2024, 8, 9)),
        ("9 Agu 2024", dt.date(2024, 8, 9)),
        ("1 Nop 2024", dt.date(2024, 11, 1)),
        ("3 Pebruari 2025", dt.date(2025, 2, 3)),
        ("Senin, 7 Juli 2025", dt.date(2025, 7, 7)),
        ("July 4, 2025", dt.date(2025, 7, 4)),
        ("3 hari lalu", dt.date(2025, 7, 7)),
        ("3 hari yang lalu", dt.date(2025, 7, 7)),
        ("4 bulan lalu", dt.date(2025, 3, 10)),
        ("2 minggu lalu", dt.date(2025, 6, 26)),
        ("kemarin", dt.date(2025, 7, 9)),
        ("2 days ago", dt.date(2025, 7, 8)),
        ("an hour ago", dt.date(2025, 7, 10)),
    ],
)
def test_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, CRAWL).date == expected


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert parse_date("1 bulan lalu", dt.date(2025, 3, 31)).date == dt.date(2025, 2, 28)


def test_open_relative_date_is_marked_as_a_bound() -> None:
    parsed = parse_date("30+ days ago", CRAWL)
    assert parsed.status == "relative_bound" and parsed.date == dt.date(2025, 6, 10)


@pytest.mark.parametrize("text", ["31 Feb 2025", "2025-02-30", "2025-13-01", "1999-12-31"])
def test_impossible_dates_are_rejected(text: str) -> None:
    parsed = parse_date(text, CRAWL)
    assert parsed.date is None and parsed.status == "impossible"


def test_date_after_crawl_is_rejected() -> None:
    assert parse_date("12 Juli 2025", CRAWL).status == "after_crawl"


@pytest.mark.parametrize("text", [None, "", "N/A", "-"])
def test_missing(text: str | None) -> None:
    assert parse_date(text, CRAWL).status == "missing"


def test_unparseable_is_null_with_flag() -> None:
    parsed = parse_date("segera", CRAWL)
    assert parsed.date is None and parsed.status == "unparsed"


def test_relative_without_crawl_date_is_null_with_flag() -> None:
    assert parse_date("3 hari lalu", None).status == "relative_without_crawl_date"


def test_column_fast_and_slow_paths_agree_with_single_parser() -> None:
    texts = ["2021-12-13T17:30:23Z", "2024-08-19T06:40:18.237Z", "9 Juli 2025", "3 hari lalu",
             None, "2025-07-12", "22/08/2024 10:44:59"]  # fmt: skip
    out = parse_date_column(pl.Series(texts), pl.Series([CRAWL] * len(texts)))
    expected = [parse_date(t, CRAWL) for t in texts]
    assert out["posted_date"].to_list() == [e.date for e in expected]
    assert out["posted_date_status"].to_list() == [e.status for e in expected]


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "UTC", "Asia/Tokyo"])
def test_results_do_not_depend_on_server_time_zone(zone: str) -> None:
    """Run the parsers in a fresh interpreter with TZ set; dates must not shift."""
    code = (
        "import datetime as dt, polars as pl;"
        "from ingest.normalise.dates import parse_date, parse_date_column;"
        "c=dt.date(2021,12,14);"
        "t=['2021-12-13T17:30:23Z','2021-12-13 23:59:00','kemarin','2021-12-13T16:59:59Z'];"
        "print([str(parse_date(x,c).date) for x in t]);"
        "print([str(d) for d in parse_date_column(pl.Series(t),pl.Series([c]*4))['posted_date']])"
    )
    env = {**os.environ, "TZ": zone}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    expected = "['2021-12-14', '2021-12-13', '2021-12-13', '2021-12-13']"
    assert result.stdout.splitlines() == [expected, expected]


def test_in_process_time_zone_change_does_not_shift(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        assert parse_date("2021-12-13T17:30:23Z", CRAWL).date == dt.date(2021, 12, 14)
    finally:
        monkeypatch.undo()
        time.tzset()
