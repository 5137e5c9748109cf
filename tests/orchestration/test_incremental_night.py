"""Slow: `lmis backfill` over seven days on which a new portal export arrives each day.

The fixture data of whole_job_run.py, with the MagangHub export split into one file per day
(incremental_days.py). The first day lands every partition and runs the whole nightly job; each
later day lands only its MagangHub partition and rebuilds only what depends on it, and its
release is still complete: every mart, the untouched ones byte-identical to the day before.
Then one day's partition is landed twice more and its rows do not change.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from incremental_days import ROWS_PER_DAY, add_portal_days  # noqa: E402
from whole_job_run import REPO, build_fixture_data, isolated_environment  # noqa: E402

DAYS = [date(2026, 11, 28) + timedelta(days=offset) for offset in range(7)]
TIMEOUT_SECONDS = 3600
CHANGED_MARTS = {"fct_portal_vacancies", "labour_market_tightness"}
UNTOUCHED_MARTS = {"fct_vacancy_postings", "labour_force_indicators", "fct_minimum_wages"}


def _environment(root: Path) -> dict[str, str]:
    return isolated_environment(
        root,
        LMIS_RELEASES_DIR=str(root / "releases"),
        LMIS_BACKUP_DIR=str(root / "backups"),
        LMIS_ALERT_DIR=str(root / "alerts"),
        LMIS_REPORTS_PDF="0",
    )


def _lmis(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        cwd=REPO,
        env=_environment(root),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def _partition_state(warehouse: Path, day: str) -> tuple[int, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select * exclude (_run_id) from raw.maganghub_positions "
            "where _partition_key = ? order by all",
            [day],
        ).fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("incremental_night")
    build_fixture_data(root / "data")
    add_portal_days(root / "data", DAYS)
    completed = _lmis(root, "backfill", "--from", DAYS[0].isoformat(), "--to", DAYS[-1].isoformat())
    return root, completed


@pytest.mark.slow
def test_first_day_rebuilds_and_the_new_days_are_incremental(backfilled) -> None:
    root, completed = backfilled
    log = completed.stdout + completed.stderr
    assert completed.returncode == 0, log[-4000:]
    modes = re.findall(r"(\d{4}-\d{2}-\d{2})\s+(rebuilt|incremental|released)\s", log)
    assert modes == [(DAYS[0].isoformat(), "rebuilt")] + [
        (day.isoformat(), "incremental") for day in DAYS[1:]
    ]


@pytest.mark.slow
def test_every_release_is_complete_and_only_the_changed_marts_change(backfilled) -> None:
    root, _ = backfilled
    manifests = [
        json.loads((root / "releases" / day.isoformat() / "manifest.json").read_text())
        for day in DAYS
    ]
    tables = [set(m["tables"]) for m in manifests]
    assert all(t == tables[0] for t in tables)
    assert CHANGED_MARTS | UNTOUCHED_MARTS <= tables[0]

    def sha(manifest: dict, table: str) -> list[str]:
        return sorted(f["sha256"] for f in manifest["files"] if f["table"] == table)

    portal_rows = [m["tables"]["fct_portal_vacancies"]["rows"] for m in manifests]
    assert portal_rows == sorted(portal_rows) and portal_rows[-1] > portal_rows[0]
    for before, after in zip(manifests, manifests[1:], strict=False):
        for table in UNTOUCHED_MARTS:
            assert sha(before, table) == sha(after, table), table


@pytest.mark.slow
def test_a_portal_day_landed_again_keeps_its_rows(backfilled) -> None:
    root, _ = backfilled
    day = DAYS[3].isoformat()
    first = _partition_state(root / "warehouse.duckdb", day)
    assert first[0] == ROWS_PER_DAY
    for _ in range(2):
        rerun = _lmis(root, "backfill", "--from", day, "--to", day, "--job", "land_portal_days")
        assert rerun.returncode == 0, (rerun.stdout + rerun.stderr)[-3000:]
        assert _partition_state(root / "warehouse.duckdb", day) == first


@pytest.mark.slow
def test_a_day_whose_file_is_removed_leaves_the_warehouse_and_the_marts(backfilled) -> None:
    root, _ = backfilled
    last, before_last = DAYS[-1].isoformat(), DAYS[-2].isoformat()
    (root / "data/real/maganghub-2025-10" / f"maganghub_positions_{last}.csv.gz").unlink()
    rerun = _lmis(root, "backfill", "--from", last, "--to", last)
    assert rerun.returncode == 0, (rerun.stdout + rerun.stderr)[-3000:]
    assert "1 removed partition(s)" in rerun.stdout + rerun.stderr
    assert _partition_state(root / "warehouse.duckdb", last)[0] == 0
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        staged = con.execute(
            "select count(*) from staging.stg_maganghub__positions where _partition_key = ?",
            [last],
        ).fetchone()[0]
        removed = con.execute(
            "select rows_removed from raw.removed_partitions where partition_key = ?", [last]
        ).fetchall()
    assert staged == 0
    assert removed == [(ROWS_PER_DAY,)]

    def manifest(day: str) -> dict:
        return json.loads((root / "releases" / day / "manifest.json").read_text())

    rows = [manifest(day)["tables"]["fct_portal_vacancies"]["rows"] for day in (last, before_last)]
    assert rows[0] == rows[1]
    listed = [vintage["source_file"] for vintage in manifest(last)["source_vintages"]]
    assert not any(last in name for name in listed)
    assert any(before_last in name for name in listed)


@pytest.mark.slow
def test_a_backfill_of_an_earlier_day_holds_no_later_day(backfilled) -> None:
    """With later portal days landed, a backfill of an earlier day published their rows
    under its date and rebuilt on every run. It now sets the later days aside, so its release
    holds what had started by that day, and the same day backfilled again is released as is."""
    root, _ = backfilled
    day = DAYS[2].isoformat()
    release = root / "releases" / day

    def portal(folder: Path) -> tuple[int, str]:
        with duckdb.connect() as con:
            return con.execute(
                "select count(*), max(portal_snapshot_date)::varchar "
                f"from '{folder}/fct_portal_vacancies.parquet'"
            ).fetchone()

    first_pass = portal(release)
    assert first_pass[1] <= day
    rerun = _lmis(root, "backfill", "--from", day, "--to", day)
    log = rerun.stdout + rerun.stderr
    assert rerun.returncode == 0, log[-3000:]
    assert "partition(s) after the day set aside" in log
    assert portal(release) == first_pass
    listed = [
        vintage["source_file"]
        for vintage in json.loads((release / "manifest.json").read_text())["source_vintages"]
    ]
    assert not any(later.isoformat() in name for name in listed for later in DAYS[3:])
    again = _lmis(root, "backfill", "--from", day, "--to", day)
    log = again.stdout + again.stderr
    assert again.returncode == 0, log[-3000:]
    assert re.findall(r"\d{4}-\d{2}-\d{2}\s+(rebuilt|incremental|released)\s", log) == ["released"]
