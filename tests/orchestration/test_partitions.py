"""Partitioned landing: a partition replaces exactly its own rows, and twice is the same as once.

These call `ingest.warehouse.write_landing` and the partition mapping directly on small frames
and on the shipped WLKP exports, without Dagster; the whole job over partitions is exercised by
test_incremental_night.py (slow).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.admin.landing import admin_source, land_admin_source
from ingest.admin.pseudonymise import load_pseudonym_key
from ingest.landing import QUARANTINE_COLUMNS, LandingResult, SourceSpec
from ingest.warehouse import (
    PARTITION_COLUMN,
    landed_inputs,
    remove_partition,
    write_landing,
)
from orchestration.admin.assets import partition_files
from orchestration.landing.partitions import (
    PORTAL_DAYS,
    SAKERNAS_ROUNDS,
    WLKP_PERIODS,
    day_of_file,
    month_of_file,
    partition_start,
)
from orchestration.operations.releases import source_vintages
from orchestration.sakernas.assets import synthetic_round_files
from orchestration.settings import DATA_DIR

SPEC = SourceSpec(name="portal", table="portal_rows", files=(), required_columns=("id",))


def _result(ids: list[str], quarantined: int = 0, file: str = "f.csv") -> LandingResult:
    loaded = pl.DataFrame(
        {"id": ids, "_source_file": [file] * len(ids), "_source_row": list(range(2, len(ids) + 2))}
    )
    bad = pl.DataFrame(
        {
            "source": ["portal"] * quarantined,
            "source_file": [file] * quarantined,
            "source_row": [99] * quarantined,
            "field": ["id"] * quarantined,
            "reason_code": ["invalid_id"] * quarantined,
            "reason": ["bad id"] * quarantined,
            "raw_record": ["{}"] * quarantined,
        },
        schema=QUARANTINE_COLUMNS,
    )
    files = [
        {
            "source": "portal",
            "source_file": file,
            "rows_read": len(ids) + quarantined,
            "rows_loaded": len(ids),
            "rows_quarantined": quarantined,
        }
    ]
    return LandingResult("portal", loaded, bad, files)


def _state(con: duckdb.DuckDBPyConnection, table: str, partition: str) -> tuple[int, str]:
    """Rows of one partition and a checksum of their content (run ids left out)."""
    rows = con.execute(
        f"select * exclude (_run_id) from {table} where {PARTITION_COLUMN} = ? order by all",
        [partition],
    ).fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def test_partition_rerun_gives_the_same_rows_and_checksum(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        write_landing(con, SPEC, _result(["1", "2", "3"], 1), "run-1", partition_key="2026-12-01")
        first = _state(con, "raw.portal_rows", "2026-12-01")
        write_landing(con, SPEC, _result(["1", "2", "3"], 1), "run-2", partition_key="2026-12-01")
        second = _state(con, "raw.portal_rows", "2026-12-01")
        quarantine = con.execute("select count(*) from raw.quarantine").fetchone()[0]
        audit = con.execute(
            "select run_id, partition_key, rows_loaded from raw.load_audit order by run_id"
        ).fetchall()
    assert first == second
    assert first[0] == 3
    assert quarantine == 1
    assert audit == [("run-1", "2026-12-01", 3), ("run-2", "2026-12-01", 3)]


def test_landing_a_partition_leaves_the_others_untouched(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        write_landing(con, SPEC, _result(["1", "2"], 1), "run-1", partition_key="2026-12-01")
        before = _state(con, "raw.portal_rows", "2026-12-01")
        write_landing(con, SPEC, _result(["7", "8", "9"], 2), "run-2", partition_key="2026-12-02")
        write_landing(con, SPEC, _result(["8", "9"]), "run-3", partition_key="2026-12-02")
        after = _state(con, "raw.portal_rows", "2026-12-01")
        per_partition = con.execute(
            f"select {PARTITION_COLUMN}, count(*) from raw.portal_rows group by 1 order by 1"
        ).fetchall()
        quarantine = con.execute(
            "select partition_key, count(*) from raw.quarantine group by 1 order by 1"
        ).fetchall()
    assert before == after
    assert per_partition == [("2026-12-01", 2), ("2026-12-02", 2)]
    assert quarantine == [("2026-12-01", 1)]


def test_a_failed_partition_landing_changes_nothing(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        write_landing(con, SPEC, _result(["1", "2"]), "run-1", partition_key="2026-12-01")
        broken = _result(["3"])
        broken.files[0]["rows_read"] = 5  # does not balance: refused before any write
        with pytest.raises(AssertionError, match="does not balance"):
            write_landing(con, SPEC, broken, "run-2", partition_key="2026-12-01")
        assert _state(con, "raw.portal_rows", "2026-12-01")[0] == 2


def test_a_whole_table_becomes_partitioned_and_new_columns_are_added(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        write_landing(con, SPEC, _result(["1", "2", "3"]), "run-0")
        write_landing(con, SPEC, _result(["4"]), "run-1", partition_key="2026-12-01")
        wider = _result(["5"])
        wider.loaded = wider.loaded.with_columns(pl.lit("x").alias("extra"))
        write_landing(con, SPEC, wider, "run-2", partition_key="2026-12-02")
        rows = con.execute(
            f"select id, extra, {PARTITION_COLUMN} from raw.portal_rows order by id"
        ).fetchall()
    assert rows == [("4", None, "2026-12-01"), ("5", "x", "2026-12-02")]


def test_fingerprint_is_recorded_with_the_partition(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        write_landing(con, SPEC, _result(["1"]), "r1", partition_key="2026-12-01", fingerprint="a")
        write_landing(con, SPEC, _result(["1"]), "r2", partition_key="2026-12-01", fingerprint="b")
        write_landing(con, SPEC, _result(["2"]), "r3", fingerprint="c")
        assert landed_inputs(con) == {
            ("raw.portal_rows", "2026-12-01"): "b",
            ("raw.portal_rows", ""): "c",
        }


def test_removing_a_partition_deletes_its_rows_quarantine_and_record_only(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        for day, ids in (("2026-12-01", ["1", "2"]), ("2026-12-02", ["3"])):
            result = _result(ids, quarantined=1, file=f"{day}.csv")
            write_landing(con, SPEC, result, "r", partition_key=day, fingerprint=day)
        assert remove_partition(con, "raw.portal_rows", "2026-12-01", "night-x", "portal") == 2
        assert con.execute(f"select id, {PARTITION_COLUMN} from raw.portal_rows").fetchall() == [
            ("3", "2026-12-02")
        ]
        assert con.execute("select partition_key from raw.quarantine").fetchall() == [
            ("2026-12-02",)
        ]
        assert landed_inputs(con) == {("raw.portal_rows", "2026-12-02"): "2026-12-02"}
        removed = con.execute(
            "select relation, partition_key, rows_removed, quarantined_rows_removed, night_id "
            "from raw.removed_partitions"
        ).fetchall()
        assert removed == [("raw.portal_rows", "2026-12-01", 2, 1, "night-x")]
        audited = con.execute("select count(*) from raw.load_audit").fetchone()[0]
        assert audited == 2  # the history of the landings stays, but no release lists the file
        assert [v["source_file"] for v in source_vintages(con)] == ["2026-12-02.csv"]


def test_shipped_wlkp_period_lands_twice_with_the_same_rows(tmp_path: Path) -> None:
    source = admin_source("wlkp")
    by_period = partition_files(source, DATA_DIR)
    assert sorted(by_period) == [f"2025-0{m}" for m in range(1, 7)]
    key = load_pseudonym_key({})
    states = []
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        for run in ("run-1", "run-2"):
            for period in ("2025-01", "2025-02"):
                _, result = land_admin_source(source, DATA_DIR, paths=by_period[period], key=key)
                write_landing(con, source, result, run, partition_key=period)
            states.append([_state(con, f"raw.{source.table}", p) for p in ("2025-01", "2025-02")])
        periods = con.execute(
            f"select distinct {PARTITION_COLUMN}, report_period from raw.{source.table} order by 1"
        ).fetchall()
    assert states[0] == states[1]
    assert all(rows > 0 for rows, _ in states[0])
    assert [p[0] for p in periods] == ["2025-01", "2025-02"]


def test_files_map_to_their_partitions() -> None:
    assert day_of_file(Path("maganghub_positions_2026-11-29.csv.gz")) == "2026-11-29"
    assert day_of_file(Path("karirhub_job_details_2025-10.jsonl.gz")) == "2025-10-31"
    assert day_of_file(Path("ak1_penempatan_synthetic_2025.csv")) == "2025-12-31"
    assert day_of_file(Path("export.csv")) is None
    assert month_of_file(Path("wlkp_synthetic_2025-03.xlsx")) == "2025-03"
    rounds = synthetic_round_files(DATA_DIR)
    assert sorted(rounds) == [f"{year}-08" for year in range(2015, 2025)]
    assert SAKERNAS_ROUNDS.get_partition_keys()[:3] == ["2015-02", "2015-08", "2016-02"]
    assert partition_start(SAKERNAS_ROUNDS, "2020-08") == date(2020, 8, 1)
    assert partition_start(WLKP_PERIODS, "2025-03") == date(2025, 3, 1)
    assert partition_start(PORTAL_DAYS, "2026-11-29") == date(2026, 11, 29)
