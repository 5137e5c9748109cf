"""The report's volumes and quarantine cover every source's latest landing, not one run's.

A night is several runs: one per partition landed (portal days, WLKP periods) and the nightly run
that lands the whole sources and writes the report. The figures must show both kinds.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from ingest.landing import QUARANTINE_COLUMNS, LandingResult, SourceSpec
from ingest.warehouse import remove_partition, write_landing
from orchestration.quality.report import _query

PORTAL = SourceSpec(name="portal", table="portal_rows", files=(), required_columns=("id",))
BOARD = SourceSpec(name="board", table="board_rows", files=(), required_columns=("id",))


def _landing(source: str, loaded: int, quarantined: int) -> LandingResult:
    rows = pl.DataFrame({"id": [f"{source}-{n}" for n in range(loaded)]})
    bad = pl.DataFrame(
        {
            "source": [source] * quarantined,
            "source_file": ["f.csv"] * quarantined,
            "source_row": list(range(quarantined)),
            "field": ["id"] * quarantined,
            "reason_code": [f"bad_{source}"] * quarantined,
            "reason": ["unreadable id"] * quarantined,
            "raw_record": ["{}"] * quarantined,
        },
        schema=QUARANTINE_COLUMNS,
    )
    audit = {
        "source": source,
        "source_file": "f.csv",
        "rows_read": loaded + quarantined,
        "rows_loaded": loaded,
        "rows_quarantined": quarantined,
    }
    return LandingResult(source, rows, bad, [audit])


def _two_nights(con: duckdb.DuckDBPyConnection) -> None:
    # Night 1: two portal days in their own partition runs, then the nightly run.
    write_landing(con, PORTAL, _landing("portal", 3, 1), "part-1", partition_key="2026-01-01")
    write_landing(con, PORTAL, _landing("portal", 2, 0), "part-2", partition_key="2026-01-02")
    write_landing(con, BOARD, _landing("board", 10, 1), "nightly-1")
    # Night 2: only the second day changed and is landed again; the nightly run writes the report.
    write_landing(con, PORTAL, _landing("portal", 4, 2), "part-3", partition_key="2026-01-02")
    write_landing(con, BOARD, _landing("board", 12, 3), "nightly-2")


def test_volumes_cover_partitioned_sources_landed_by_other_runs() -> None:
    notes: list[str] = []
    with duckdb.connect() as con:
        _two_nights(con)
        volumes = _query(con, "report_volumes", {}, notes)
    assert notes == []
    rows = {row["source"]: row for row in volumes.iter_rows(named=True)}
    assert set(rows) == {"board", "portal"}
    # Both portal days as last landed: day 1 from night 1, day 2 from night 2.
    assert rows["portal"]["partitions"] == 2
    assert rows["portal"]["rows_loaded"] == 3 + 4
    assert rows["portal"]["rows_quarantined"] == 1 + 2
    assert rows["portal"]["rows_read"] == 4 + 6
    # Before its latest landing, day 2 had 2 rows; day 1 has no earlier landing.
    assert rows["portal"]["previous_rows_loaded"] == 2
    assert rows["board"]["rows_loaded"] == 12
    assert rows["board"]["previous_rows_loaded"] == 10
    assert rows["board"]["partitions"] == 0


def test_a_withdrawn_partition_leaves_the_volumes_and_the_quarantine() -> None:
    notes: list[str] = []
    with duckdb.connect() as con:
        _two_nights(con)
        remove_partition(con, "raw.portal_rows", "2026-01-02", "night-3", "portal")
        volumes = _query(con, "report_volumes", {}, notes)
        quarantine = _query(con, "report_quarantine", {}, notes)
    assert notes == []
    portal = volumes.filter(pl.col("source") == "portal").row(0, named=True)
    assert (portal["partitions"], portal["rows_read"], portal["rows_loaded"]) == (1, 4, 3)
    assert portal["rows_quarantined"] == 1
    assert dict(quarantine.select("reason_code", "rows").iter_rows())["bad_portal"] == 1


def test_quarantine_covers_partitioned_sources_landed_by_other_runs() -> None:
    notes: list[str] = []
    with duckdb.connect() as con:
        _two_nights(con)
        quarantine = _query(con, "report_quarantine", {}, notes)
    assert notes == []
    counts = dict(quarantine.select("reason_code", "rows").iter_rows())
    assert counts == {"bad_portal": 1 + 2, "bad_board": 3}


def test_a_source_landed_whole_then_by_partition_shows_only_its_partitions() -> None:
    notes: list[str] = []
    with duckdb.connect() as con:
        write_landing(con, PORTAL, _landing("portal", 50, 5), "old-whole")
        write_landing(con, PORTAL, _landing("portal", 3, 1), "part-1", partition_key="2026-01-01")
        volumes = _query(con, "report_volumes", {}, notes)
        quarantine = _query(con, "report_quarantine", {}, notes)
    assert notes == []
    assert volumes.select("rows_loaded", "rows_quarantined").row(0) == (3, 1)
    assert quarantine["rows"].to_list() == [1]


def test_landing_time_is_shown_to_the_minute_as_in_the_timeliness_table() -> None:
    with duckdb.connect() as con:
        _two_nights(con)
        volumes = _query(con, "report_volumes", {}, [])
    shown = volumes["last_loaded_at"].to_list()
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", text) for text in shown), shown
