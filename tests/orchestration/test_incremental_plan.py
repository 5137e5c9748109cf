"""The incremental night's plan: what lands again and which assets rebuild, from fingerprints.

The warehouse state of a night that landed and published everything is written directly (the
fingerprints of the files as they are), then files are added or changed and the plan is read.
No Dagster run here; the runs themselves are in test_incremental_night.py (slow).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.warehouse import ensure_landing_tables, record_landed_input
from orchestration import settings
from orchestration.operations import incremental

REPO_DATA = Path(__file__).resolve().parents[2] / "data"

COPIED = ("real/maganghub-2025-10", "real/ump-province")
DAY = date(2026, 12, 2)
NEW_DAY_FILE = f"real/maganghub-2025-10/maganghub_positions_{DAY.isoformat()}.csv.gz"


def _key(text: str) -> dg.AssetKey:
    return dg.AssetKey.from_user_string(text)


@pytest.fixture()
def published_night(tmp_path: Path, monkeypatch) -> Path:
    """A data folder (shipped files, two folders copied to be changed) after a published night."""
    data = tmp_path / "data"
    for top in ("real", "synthetic", "reference"):
        (data / top).mkdir(parents=True)
        for child in (REPO_DATA / top).iterdir():
            relative = f"{top}/{child.name}"
            if relative in COPIED:
                shutil.copytree(child, data / relative)
            else:
                (data / relative).symlink_to(child, target_is_directory=child.is_dir())
    marts = tmp_path / "marts"
    marts.mkdir()
    monkeypatch.setattr(settings, "DATA_DIR", data)
    monkeypatch.setattr(settings, "MARTS_DIR", marts)
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        ensure_landing_tables(con)
        for (relation, key), (_, fingerprint) in incremental.current_inputs().items():
            record_landed_input(con, relation, key, fingerprint, "night-1")
    incremental.record_publication_inputs("night-1")
    (marts / "_publication.json").write_text(json.dumps({"run_id": "night-1"}))
    return data


def _new_portal_day(data: Path) -> None:
    source = data / "real/maganghub-2025-10/maganghub_positions_2025-10.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    with gzip.open(data / NEW_DAY_FILE, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines[:1] + lines[-5:]) + "\n")


def test_nothing_changed_runs_nothing(published_night) -> None:
    plan = incremental.plan_night()
    assert plan.nothing_to_do, plan.reasons


def test_new_portal_day_lands_one_partition_and_rebuilds_only_its_downstream(
    published_night,
) -> None:
    _new_portal_day(published_night)
    plan = incremental.plan_night(until=DAY)
    assert plan.partition_runs == [
        incremental.PartitionRun(
            "land_portal_days", DAY.isoformat(), (_key("raw/maganghub_positions"),)
        )
    ]
    selected = set(plan.nightly_selection)
    for rebuilt in (
        "staging/stg_maganghub__positions",
        "marts/fct_portal_vacancies",
        "published/parquet_marts",
    ):
        assert _key(rebuilt) in selected
    for untouched in (
        "marts/fct_vacancy_postings",
        "marts/labour_force_indicators",
        "marts/fct_minimum_wages",
        "raw/jobstreet_postings",
        "staging/stg_wlkp__workforce_reports",
    ):
        assert _key(untouched) not in selected
    assert not any(key.path[0] == "raw" for key in selected)


def test_a_day_not_yet_reached_is_not_landed(published_night) -> None:
    _new_portal_day(published_night)
    assert incremental.plan_night(until=date(2026, 12, 1)).nothing_to_do


def _landed_and_published_new_day(data: Path) -> None:
    """The new portal day landed and published by an earlier night."""
    _new_portal_day(data)
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        for (relation, key), (_, fingerprint) in incremental.current_inputs().items():
            record_landed_input(con, relation, key, fingerprint, "night-2")
    incremental.record_publication_inputs("night-2")
    (settings.MARTS_DIR / "_publication.json").write_text(json.dumps({"run_id": "night-2"}))


def test_a_day_whose_file_is_removed_is_deleted_and_its_downstream_rebuilt(
    published_night,
) -> None:
    _landed_and_published_new_day(published_night)
    assert incremental.plan_night(until=DAY).nothing_to_do
    (published_night / NEW_DAY_FILE).unlink()
    plan = incremental.plan_night(until=DAY)
    assert plan.removed_partitions == [
        incremental.RemovedPartition(
            "raw.maganghub_positions", DAY.isoformat(), "maganghub_positions"
        )
    ]
    assert plan.partition_runs == []
    selected = set(plan.nightly_selection)
    assert {_key("staging/stg_maganghub__positions"), _key("marts/fct_portal_vacancies")} <= (
        selected
    )
    assert _key("marts/fct_vacancy_postings") not in selected


def test_a_backfill_of_an_earlier_day_removes_no_later_day(published_night) -> None:
    _landed_and_published_new_day(published_night)
    assert incremental.plan_night(until=date(2026, 12, 1)).removed_partitions == []


def test_a_backfill_of_an_earlier_day_sets_the_later_days_aside(published_night) -> None:
    """Day D's release held the rows of a later day landed before the backfill, and every
    backfilled day was rebuilt. The later day is now set aside (deleted from raw, its files
    kept, not a withdrawal) so D is built from the partitions started by D; once that night has
    published, D again plans nothing, and the later day's own night lands it again."""
    _landed_and_published_new_day(published_night)
    earlier = date(2026, 12, 1)
    plan = incremental.plan_night(until=earlier)
    assert plan.set_aside == [
        incremental.RemovedPartition(
            "raw.maganghub_positions", DAY.isoformat(), "maganghub_positions"
        )
    ]
    assert plan.removed_partitions == [] and plan.partition_runs == []
    assert _key("marts/fct_portal_vacancies") in set(plan.nightly_selection)
    incremental._set_aside_partitions(plan.set_aside, {})
    with duckdb.connect(str(settings.WAREHOUSE_PATH), read_only=True) as con:
        withdrawn = con.execute("select count(*) from raw.removed_partitions").fetchall()
    assert withdrawn == [(0,)]
    assert (published_night / NEW_DAY_FILE).exists()
    incremental.record_publication_inputs("night-3")
    (settings.MARTS_DIR / "_publication.json").write_text(json.dumps({"run_id": "night-3"}))
    assert incremental.plan_night(until=earlier).nothing_to_do
    assert [run.partition_key for run in incremental.plan_night(until=DAY).partition_runs] == [
        DAY.isoformat()
    ]


def test_a_later_day_whose_file_is_gone_is_withdrawn_by_a_backfill_not_set_aside(
    published_night,
) -> None:
    """Set aside, a later day whose file had been removed was deleted unrecorded: no night
    lands it again, so none sees it withdrawn, and `raw.removed_partitions` never had it."""
    _landed_and_published_new_day(published_night)
    (published_night / NEW_DAY_FILE).unlink()
    plan = incremental.plan_night(until=date(2026, 12, 1))
    later = incremental.RemovedPartition(
        "raw.maganghub_positions", DAY.isoformat(), "maganghub_positions"
    )
    assert plan.set_aside == []
    assert plan.removed_partitions == [later]


def test_a_withdrawal_is_seen_until_a_night_publishes_without_it(published_night) -> None:
    """Night 2 landed the day but never published (its `nightly` failed); night 3 withdrew the
    day, then stopped before its `nightly` run: night 4 must still rebuild the day's source."""
    _new_portal_day(published_night)
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        for (relation, key), (_, fingerprint) in incremental.current_inputs().items():
            record_landed_input(con, relation, key, fingerprint, "night-2")
    (published_night / NEW_DAY_FILE).unlink()
    plan = incremental.plan_night(until=DAY)
    assert [removed.partition_key for removed in plan.removed_partitions] == [DAY.isoformat()]
    incremental._remove_partitions(plan.removed_partitions, {})

    plan = incremental.plan_night(until=DAY)
    assert plan.removed_partitions == []
    assert _key("marts/fct_portal_vacancies") in set(plan.nightly_selection), plan.reasons


def test_a_backfill_of_an_earlier_day_withdraws_an_earlier_file(published_night) -> None:
    _landed_and_published_new_day(published_night)
    (published_night / "real/maganghub-2025-10/maganghub_positions_2025-10.csv.gz").unlink()
    plan = incremental.plan_night(until=date(2026, 12, 1))
    assert [removed.partition_key for removed in plan.removed_partitions] == ["2025-10-31"]


def test_a_file_that_fits_no_partition_holds_back_withdrawals(published_night, caplog) -> None:
    _landed_and_published_new_day(published_night)
    day_file = published_night / NEW_DAY_FILE
    day_file.rename(day_file.with_name("maganghub_positions_20261202.csv.gz"))
    assert incremental.plan_night(until=DAY).removed_partitions == []
    assert "fit no partition (maganghub_positions_20261202.csv.gz)" in caplog.text


def test_a_source_with_no_file_left_keeps_its_partitions(published_night, caplog) -> None:
    for path in (published_night / "real/maganghub-2025-10").iterdir():
        path.unlink()
    plan = incremental.plan_night()
    assert plan.removed_partitions == []
    assert "no file of raw.maganghub_positions is on disk" in caplog.text


def test_changed_whole_source_relands_it_in_the_nightly_run(published_night) -> None:
    wages = published_night / "real/ump-province/ump_province_2015_2024_bps_via_dashboard.csv"
    wages.write_text(wages.read_text() + "\n")
    plan = incremental.plan_night()
    assert plan.partition_runs == [], plan.reasons
    assert plan.nightly_selection is not None, plan.reasons
    selected = set(plan.nightly_selection)
    assert {_key("raw/ump_province"), _key("marts/fct_minimum_wages")} <= selected
    assert _key("staging/stg_maganghub__positions") not in selected
    assert _key("marts/fct_vacancy_postings") not in selected


def _land_crawl_day(day: str, fingerprint: str) -> None:
    # What the crawl asset's landing records with the day's rows (orchestration/crawling).
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        record_landed_input(con, "raw.crawled_lokerid", day, fingerprint, "crawl-run")


def test_a_crawl_day_landed_since_the_publication_rebuilds_the_vacancy_chain(
    published_night,
) -> None:
    # The crawls land on their own schedule, not from files the plan reads: the night must still
    # see the new day, and again a day crawled again with other postings, but not the same day.
    _land_crawl_day("2026-12-02", "sha-a")
    plan = incremental.plan_night(until=DAY)
    assert plan.partition_runs == [], plan.reasons
    assert plan.nightly_selection is not None, plan.reasons
    assert "raw/crawled_lokerid" in plan.reasons[0]
    selected = set(plan.nightly_selection)
    for rebuilt in (
        "staging/stg_crawled__postings",
        "intermediate/int_vacancy_postings_normalised",
        "marts/fct_vacancy_postings",
        "published/parquet_marts",
    ):
        assert _key(rebuilt) in selected
    for untouched in ("marts/fct_portal_vacancies", "raw/crawled_lokerid"):
        assert _key(untouched) not in selected
    incremental.record_publication_inputs("night-2")
    (settings.MARTS_DIR / "_publication.json").write_text(json.dumps({"run_id": "night-2"}))
    assert incremental.plan_night(until=DAY).nothing_to_do
    _land_crawl_day("2026-12-02", "sha-b")
    assert incremental.plan_night(until=DAY).nightly_selection is not None


def test_publication_of_another_run_means_the_whole_job(published_night) -> None:
    (settings.MARTS_DIR / "_publication.json").write_text(json.dumps({"run_id": "from-the-ui"}))
    plan = incremental.plan_night()
    assert plan.partition_runs == []
    assert plan.run_nightly and plan.nightly_selection is None


def test_full_plan_lands_every_partition(published_night) -> None:
    plan = incremental.plan_night(full=True)
    jobs = {(run.job_name, run.partition_key) for run in plan.partition_runs}
    assert ("land_wlkp_periods", "2025-06") in jobs
    assert ("estimate_sakernas_rounds", "2020-08") in jobs
    assert ("land_portal_days", "2025-10-31") in jobs
    assert plan.nightly_selection is None


_HOLDER = """
import contextlib, sys, time, duckdb
from pathlib import Path
from orchestration.operations.warehouse_lock import writer_lock
path = Path(sys.argv[1])
with writer_lock(path) if sys.argv[2] == "lock" else contextlib.nullcontext():
    con = duckdb.connect(str(path))
    sys.stdout.write("holding\\n")  # tells the test the warehouse is now held
    sys.stdout.flush()
    time.sleep(3)
    con.close()
"""


@pytest.mark.parametrize("holder", ["lock", "duckdb-only"])
def test_planning_waits_for_a_process_writing_the_warehouse(
    published_night, holder, monkeypatch
) -> None:
    monkeypatch.setenv("LMIS_WAREHOUSE_WAIT_SECONDS", "30")
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(settings.WAREHOUSE_PATH), holder],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "holding"
        started = time.monotonic()
        plan = incremental.plan_night(until=DAY)
        assert time.monotonic() - started > 1
        assert plan.nothing_to_do
    finally:
        process.wait(timeout=30)


def test_an_unreadable_file_is_quarantined_and_the_rest_of_the_night_goes_on(
    published_night, monkeypatch, tmp_path
) -> None:
    """A portal day's file that is not gzip failed its partition run, and the night stopped
    there, every night, until someone removed it. The plan now sets it aside (recorded with its
    reason, alerted), lands the other changes, and does not read the same bytes again."""
    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    bad = published_night / NEW_DAY_FILE
    bad.write_text("this is not gzip\n")
    other_day = date(2026, 12, 3)
    _new_portal_day(published_night)
    good = published_night / NEW_DAY_FILE.replace(DAY.isoformat(), other_day.isoformat())
    (published_night / NEW_DAY_FILE).rename(good)
    bad.write_text("this is not gzip\n")
    plan = incremental.plan_night(until=other_day)
    assert [run.partition_key for run in plan.partition_runs] == [other_day.isoformat()]
    assert [(f.path, f.reason_code, f.known) for f in plan.quarantined_files] == [
        (str(bad), "not_gzip", False)
    ]
    assert _key("marts/fct_portal_vacancies") in set(plan.nightly_selection)
    incremental.record_quarantined_files(plan.quarantined_files, {})
    alerts = [json.loads(p.read_text()) for p in (tmp_path / "alerts").glob("*.json")]
    assert [(a["kind"], a["file"]) for a in alerts] == [("file_quarantined", str(bad))]
    with duckdb.connect(str(settings.WAREHOUSE_PATH), read_only=True) as con:
        recorded = con.execute(
            "select file_path, reason_code, relation, partition_key from raw.quarantined_files"
        ).fetchall()
    assert recorded == [(str(bad), "not_gzip", "raw.maganghub_positions", DAY.isoformat())]
    # The same bytes are not read again; a fixed file lands.
    from orchestration.landing import file_check

    with monkeypatch.context() as patched:
        patched.setattr(file_check, "unreadable_reason", lambda path: pytest.fail(str(path)))
        [known] = incremental.plan_night(until=DAY).quarantined_files
    assert known.known and known.reason_code == "not_gzip"
    bad.write_bytes(good.read_bytes())
    plan = incremental.plan_night(until=DAY)
    assert plan.quarantined_files == []
    assert [run.partition_key for run in plan.partition_runs] == [DAY.isoformat()]


def test_a_landed_day_replaced_by_a_cut_file_keeps_its_rows(published_night) -> None:
    _landed_and_published_new_day(published_night)
    path = published_night / NEW_DAY_FILE
    path.write_bytes(path.read_bytes()[:-12])
    plan = incremental.plan_night(until=DAY)
    assert [(f.reason_code, f.partition_key) for f in plan.quarantined_files] == [
        ("truncated_gzip", DAY.isoformat())
    ]
    assert plan.removed_partitions == [] and plan.partition_runs == []
    assert not plan.run_nightly


def test_unreadable_reasons(tmp_path) -> None:
    from orchestration.landing.file_check import unreadable_reason

    good = tmp_path / "good.csv.gz"
    with gzip.open(good, "wt", encoding="utf-8") as handle:
        handle.write("a,b\n1,é\n" * 1000)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("a,b\n1,\xe9\n".encode("latin-1"))
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(good.read_bytes()[:40])
    plain = tmp_path / "plain.csv.gz"
    plain.write_text("a,b\n")
    sheet = tmp_path / "report.xlsx"
    sheet.write_bytes(b"\x00\xff")
    assert unreadable_reason(good) is None
    assert unreadable_reason(sheet) is None
    assert unreadable_reason(latin)[0] == "not_utf8"
    assert unreadable_reason(cut)[0] == "truncated_gzip"
    assert unreadable_reason(plain)[0] == "not_gzip"


def _quarantined_files() -> list[tuple]:
    with duckdb.connect(str(settings.WAREHOUSE_PATH), read_only=True) as con:
        return con.execute(
            "select file_path, reason_code, relation, partition_key from raw.quarantined_files "
            "order by file_path"
        ).fetchall()


def test_the_landing_sensor_quarantines_an_unreadable_day_instead_of_starting_a_run(
    published_night, monkeypatch, tmp_path
) -> None:
    """The sensor's own partition runs did not check files: an unreadable day started a run
    that failed with a traceback. It now quarantines and alerts as the night does, and starts
    runs only for what it can read."""
    from orchestration.operations.landing_sensor import new_files_in_landing

    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    instance = dg.DagsterInstance.ephemeral()
    first = dg.build_sensor_context(instance=instance)
    new_files_in_landing(first)
    _new_portal_day(published_night)
    good = published_night / NEW_DAY_FILE.replace(DAY.isoformat(), "2026-12-03")
    (published_night / NEW_DAY_FILE).rename(good)
    bad = published_night / NEW_DAY_FILE
    bad.write_text("this is not gzip\n")
    requests = new_files_in_landing(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    requests = requests if isinstance(requests, list) else [requests]
    assert [(r.job_name, r.partition_key) for r in requests] == [("land_portal_days", "2026-12-03")]
    assert "lmis/started_at" in requests[0].tags  # dated by the evaluation, not the run's end
    assert _quarantined_files() == [
        (str(bad), "not_gzip", "raw.maganghub_positions", DAY.isoformat())
    ]
    alerts = [json.loads(p.read_text()) for p in (tmp_path / "alerts").glob("*.json")]
    assert [(a["kind"], a["file"]) for a in alerts] == [("file_quarantined", str(bad))]


def test_the_sensor_leaves_an_unreadable_whole_source_out_of_its_nightly_run(
    published_night, monkeypatch, tmp_path
) -> None:
    from orchestration.operations.landing_sensor import new_files_in_landing

    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    instance = dg.DagsterInstance.ephemeral()
    first = dg.build_sensor_context(instance=instance)
    new_files_in_landing(first)
    wages = published_night / "real/ump-province/ump_2025_partial_20_provinces_news.csv"
    wages.write_bytes(b"year,province,ump_idr\n2025,\xe9,1\n")
    request = new_files_in_landing(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    assert request.job_name == "nightly"
    assert _key("raw/ump_province") not in set(request.asset_selection)
    assert _key("raw/jobstreet_postings") in set(request.asset_selection)
    assert [row[1:3] for row in _quarantined_files()] == [("not_utf8", "raw.ump_province")]
    assert "lmis/missing_sources" not in request.tags  # landed before: its rows stay


def test_a_partition_backfill_quarantines_an_unreadable_day_instead_of_failing(
    published_night, monkeypatch, tmp_path
) -> None:
    """`lmis backfill --job land_portal_days` ran the day's landing on an unreadable file and
    failed with a traceback; it now quarantines the file (exit 4 through the day's outcome)."""
    from orchestration.operations import backfill

    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.setattr(settings, "DAGSTER_HOME", tmp_path / "dagster_home")
    monkeypatch.setattr(backfill, "last_backfill_day", lambda: DAY)
    monkeypatch.setattr(backfill, "execute_job", lambda *a, **k: pytest.fail("a run started"))
    bad = published_night / NEW_DAY_FILE
    bad.write_bytes(gzip.compress(b"a,b\n1,2\n" * 100)[:-12])
    [outcome] = backfill.backfill(DAY, DAY, job_name="land_portal_days")
    assert outcome.success and outcome.run_id is None
    assert outcome.quarantined_files == (str(bad),)
    assert [row[1:] for row in _quarantined_files()] == [
        ("truncated_gzip", "raw.maganghub_positions", DAY.isoformat())
    ]
    # The alert names the job and day it screened for, not a "nightly" run of "no-run".
    [alert] = [json.loads(p.read_text()) for p in (tmp_path / "alerts").glob("*.json")]
    assert (alert["job"], alert["run_id"]) == ("land_portal_days", f"backfill-{DAY}")
    assert alert["message"].startswith(f"land_portal_days for {DAY}: ")


def test_a_set_aside_day_whose_file_turned_unreadable_shows_as_withdrawn(
    published_night, monkeypatch, tmp_path
) -> None:
    """A backfill set a later day aside (its rows out, its audit rows withdrawn); by the next
    night its file could not be read. The file was quarantined with an alert saying the
    partition kept its rows, but they were gone, and nothing recorded that they went. The
    partition is now recorded as withdrawn (`raw.removed_partitions`, the rows it had), the
    alert says why, and the night's withdrawals list it."""
    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    _landed_and_published_new_day(published_night)
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        con.execute(
            "insert into raw.load_audit (run_id, source, source_file, rows_read, rows_loaded, "
            "rows_quarantined, loaded_at, partition_key) values ('night-2', "
            "'maganghub_positions', ?, 7, 5, 2, now(), ?)",
            [NEW_DAY_FILE, DAY.isoformat()],
        )
    earlier = date(2026, 12, 1)
    incremental._set_aside_partitions(incremental.plan_night(until=earlier).set_aside, {})
    path = published_night / NEW_DAY_FILE
    path.write_bytes(path.read_bytes()[:-12])
    plan = incremental.plan_night(until=DAY)
    [file] = plan.quarantined_files
    assert (file.reason_code, file.set_aside_rows) == ("truncated_gzip", (5, 2))
    assert [(r.relation, r.partition_key) for r in plan.withdrawn_unreadable] == [
        ("raw.maganghub_positions", DAY.isoformat())
    ]
    from orchestration.operations.backfill import _withdrawn

    assert _withdrawn(plan) == (
        f"raw.maganghub_positions {DAY.isoformat()} (set aside by a backfill, its file now "
        "unreadable)",
    )
    incremental.record_quarantined_files(plan.quarantined_files, {})
    with duckdb.connect(str(settings.WAREHOUSE_PATH), read_only=True) as con:
        removed = con.execute(
            "select relation, partition_key, rows_removed, quarantined_rows_removed "
            "from raw.removed_partitions"
        ).fetchall()
        audit = con.execute(
            "select count(*) from raw.load_audit where source = 'maganghub_positions' "
            "and partition_key = ? and withdrawn_at is null",
            [DAY.isoformat()],
        ).fetchall()
    assert removed == [("raw.maganghub_positions", DAY.isoformat(), 5, 2)]
    assert audit == [(0,)]  # the rows in no release are in no manifest's source vintages
    [alert] = [json.loads(p.read_text()) for p in (tmp_path / "alerts").glob("*.json")]
    assert "set aside by a backfill" in alert["message"]
    assert "withdrawn" in alert["message"]
    # Recorded once: the next night with the same file alerts but withdraws nothing again.
    again = incremental.plan_night(until=DAY)
    assert again.withdrawn_unreadable == [] and again.quarantined_files[0].known


REPO = Path(__file__).resolve().parents[2]


def _staging_sql_on(relation: str) -> list[tuple[str, str]]:
    """`(model, SQL)` of the staging models reading `relation`, their Jinja resolved by hand
    (they use only `source()` and the `reference_errata` seed)."""
    import re

    table = relation.split(".")[1]
    found = []
    for path in sorted((REPO / "dbt_project/models/staging").rglob("*.sql")):
        text = path.read_text()
        if f"source('raw', '{table}')" not in text:
            continue
        text = re.sub(r"\{\{\s*source\('raw', '(\w+)'\)\s*\}\}", r"raw.\1", text)
        text = re.sub(r"\{\{\s*ref\('(\w+)'\)\s*\}\}", r"main.\1", text)
        found.append((path.stem, text))
    return found


def test_a_never_landed_whole_source_with_an_unreadable_file_builds_empty_and_is_named(
    published_night, monkeypatch, tmp_path
) -> None:
    """A source landed whole, never landed, whose file could not be read was left out of the
    night's landing, but every model reading it failed on the missing raw table, and the night
    with it. An empty stand-in table (its columns, no landing recorded) now keeps them building,
    and the night's release names the source as missing."""
    from orchestration import runner
    from orchestration.operations import releases

    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.setenv("LMIS_WAREHOUSE", str(settings.WAREHOUSE_PATH))
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        con.execute("delete from raw.landed_inputs where relation = 'raw.ump_province'")
        con.execute(
            "create table main.reference_errata as select * from read_csv(?, all_varchar=true)",
            [str(REPO / "dbt_project/seeds/reference_errata.csv")],
        )
    wages = published_night / "real/ump-province/ump_2025_partial_20_provinces_news.csv"
    wages.write_bytes(b"year,province,ump_idr\n2025,\xe9,1\n")
    [(model, sql)] = _staging_sql_on("raw.ump_province")
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        with pytest.raises(duckdb.CatalogException):  # what failed the night's build
            con.execute(sql).fetchall()
    plan = incremental.plan_night(until=DAY)
    assert plan.missing_sources == ["raw.ump_province"]
    assert [f.reason_code for f in plan.quarantined_files] == ["not_utf8"]
    started = {}

    def nightly(selection, tags):
        started.update(selection=selection, tags=tags)
        return type("Result", (), {"success": False, "run_id": "night-2"})()

    monkeypatch.setattr(runner, "run_nightly_job", nightly)
    incremental.run_night(plan, {})
    assert started["tags"]["lmis/missing_sources"] == "raw.ump_province"
    assert "raw/ump_province" not in started["selection"]
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        assert con.execute(sql).fetchall() == []
        landed = con.execute(
            "select count(*) from raw.landed_inputs where relation = 'raw.ump_province'"
        ).fetchall()
    assert landed == [(0,)]  # a readable file lands it the next night
    cut = {}
    monkeypatch.setattr(releases, "write_release", lambda *a, **kw: cut.update(kw))
    for name in ("source_vintages", "occupation_coder_of"):
        monkeypatch.setattr(releases, name, lambda con: None)
    monkeypatch.setattr(releases, "input_fingerprint", lambda: "inputs")
    releases.release_publication(None, settings.MARTS_DIR, "night-2", started["tags"])
    assert cut["missing_sources"] == ["raw.ump_province"]


def test_every_whole_source_stand_in_builds_its_staging_models(tmp_path, monkeypatch):
    """The stand-in has every column the staging models read, for each source landed whole."""
    whole = [i.relation for i in incremental.all_landed_inputs() if i.partitions_def is None]
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", tmp_path / "warehouse.duckdb")
    incremental.stand_in_missing_sources(whole)
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        con.execute(
            "create table main.reference_errata as select * from read_csv(?, all_varchar=true)",
            [str(REPO / "dbt_project/seeds/reference_errata.csv")],
        )
        built = []
        for relation in whole:
            for model, sql in _staging_sql_on(relation):
                assert con.execute(sql).fetchall() == [], model
                built.append(model)
    assert len(built) >= 10


def test_a_stand_in_keeps_the_source_named_until_it_lands_even_with_its_file_removed(
    published_night, monkeypatch, tmp_path
) -> None:
    """The stand-in empty table outlived the unreadable file it stood in for: once the operator
    removed the file (as the alert says he may), the next night built on the empty table with
    no `lmis/missing_sources` tag, and its release lacked the source without a word."""
    from orchestration import runner

    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        con.execute("delete from raw.landed_inputs where relation = 'raw.ump_province'")
        con.execute("delete from raw.published_inputs where relation = 'raw.ump_province'")
    folder = published_night / "real/ump-province"
    for path in folder.iterdir():
        path.unlink()
    (folder / "ump_2025_partial_20_provinces_news.csv").write_bytes(b"year,province\n2025,\xe9\n")
    started: dict = {}
    monkeypatch.setattr(
        runner,
        "run_nightly_job",
        lambda selection, tags: (
            started.update(tags=tags)
            or type("Result", (), {"success": True, "run_id": "night-2"})()
        ),
    )
    monkeypatch.setattr(incremental, "_run_partition", lambda run, tags: (True, "partition"))
    plan = incremental.plan_night(until=DAY)
    assert plan.missing_sources == ["raw.ump_province"]
    incremental.run_night(plan, {"lmis/release_date": DAY.isoformat()})
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        [(night, reason)] = con.execute(
            "select night, reason from raw.stand_in_sources where relation = 'raw.ump_province'"
        ).fetchall()
    assert night == f"night of {DAY}" and "not_utf8" in reason
    # The file removed, not replaced; another day arrives, so the night runs.
    for path in folder.iterdir():
        path.unlink()
    _new_portal_day(published_night)
    plan = incremental.plan_night(until=DAY)
    assert plan.missing_sources == ["raw.ump_province"]
    started.clear()
    incremental.run_night(plan, {})
    assert started["tags"]["lmis/missing_sources"] == "raw.ump_province"
    # A run that planned nothing (the sensor's, one from the UI) names it in its release too.
    from orchestration.operations import releases

    cut: dict = {}
    monkeypatch.setattr(releases, "write_release", lambda *a, **kw: cut.update(kw))
    for name in ("source_vintages", "occupation_coder_of"):
        monkeypatch.setattr(releases, name, lambda con: None)
    monkeypatch.setattr(releases, "input_fingerprint", lambda: "inputs")
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        releases.release_publication(con, settings.MARTS_DIR, "ui-run", {})
    assert cut["missing_sources"] == ["raw.ump_province"]
    # A readable file lands it: the stand-in no longer stands, the source is no longer named.
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        record_landed_input(con, "raw.ump_province", incremental.WHOLE_TABLE, "x", "night-3")
        releases.release_publication(con, settings.MARTS_DIR, "night-3", {})
    assert incremental.standing_stand_ins() == {}
    assert cut["missing_sources"] == []


@contextlib.contextmanager
def _writer_lock_held_elsewhere() -> Iterator[None]:
    """The warehouse writer lock held by another process, as a running night holds it."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\n"
            "from orchestration.operations.warehouse_lock import writer_lock\n"
            f"with writer_lock(Path({str(settings.WAREHOUSE_PATH)!r}), wait_seconds=0):\n"
            "    sys.stdout.write('ready\\n'); sys.stdout.flush(); time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.kill()
        holder.wait()


def _evaluate_while_a_night_writes(instance: dg.DagsterInstance, cursor: str | None):
    """One evaluation of the landing sensor with the writer lock held elsewhere."""
    from orchestration.operations.landing_sensor import new_files_in_landing

    with _writer_lock_held_elsewhere():
        began = time.monotonic()
        answer = new_files_in_landing(dg.build_sensor_context(instance=instance, cursor=cursor))
        took = time.monotonic() - began
    # Old code waited the 20 s of LMIS_WAREHOUSE_WAIT_SECONDS and raised; reading the files
    # themselves takes seconds on a loaded machine, so the bound is Dagster's sensor timeout.
    assert took < 60, f"the evaluation took {took:.1f} s"
    return answer


def test_the_landing_sensor_never_waits_for_the_warehouse_writer(
    published_night, monkeypatch, tmp_path
) -> None:
    """Each evaluation that saw new files queued on the writer lock (up to an hour) to look up
    the files quarantined before: during a night it outlasted Dagster's 60 s sensor timeout.
    With the lock held it now answers at once, reads the files itself, alerts on an unreadable
    one (naming the job and run it screened for) and leaves its recording to the next night."""
    from orchestration.operations.landing_sensor import new_files_in_landing

    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    monkeypatch.setenv("LMIS_WAREHOUSE_WAIT_SECONDS", "20")
    instance = dg.DagsterInstance.ephemeral()
    first = dg.build_sensor_context(instance=instance)
    new_files_in_landing(first)
    _new_portal_day(published_night)
    good = published_night / NEW_DAY_FILE.replace(DAY.isoformat(), "2026-12-03")
    (published_night / NEW_DAY_FILE).rename(good)
    bad = published_night / NEW_DAY_FILE
    bad.write_text("this is not gzip\n")
    requests = _evaluate_while_a_night_writes(instance, first.cursor)
    requests = requests if isinstance(requests, list) else [requests]
    assert [(r.job_name, r.partition_key) for r in requests] == [("land_portal_days", "2026-12-03")]
    [alert] = [json.loads(p.read_text()) for p in (tmp_path / "alerts").glob("*.json")]
    assert (alert["kind"], alert["file"], alert["job"]) == (
        "file_quarantined",
        str(bad),
        "land_portal_days",
    )
    assert alert["run_id"].startswith("landing-") and alert["run_id"].endswith(DAY.isoformat())
    assert alert["message"].startswith("new_files_in_landing on ")
    with duckdb.connect(str(settings.WAREHOUSE_PATH), read_only=True) as con:
        recorded = con.execute(
            "select count(*) from information_schema.tables where table_name = 'quarantined_files'"
        ).fetchall()
    assert recorded == [(0,)]  # not recorded: the next night screens the file again


def test_the_sensor_asks_no_nightly_run_needing_a_stand_in_while_the_warehouse_is_busy(
    published_night, monkeypatch, tmp_path
) -> None:
    """A never-landed whole source with an unreadable file needs a stand-in table, which needs
    the writer lock: with a night holding it the evaluation answers at once and leaves the run
    to the next night, instead of waiting (up to an hour) for the lock."""
    from orchestration.operations.landing_sensor import new_files_in_landing

    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    monkeypatch.setenv("LMIS_WAREHOUSE_WAIT_SECONDS", "20")
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        con.execute("delete from raw.landed_inputs where relation = 'raw.ump_province'")
    instance = dg.DagsterInstance.ephemeral()
    first = dg.build_sensor_context(instance=instance)
    new_files_in_landing(first)
    wages = published_night / "real/ump-province/ump_2025_partial_20_provinces_news.csv"
    wages.write_bytes(b"year,province,ump_idr\n2025,\xe9,1\n")
    answer = _evaluate_while_a_night_writes(instance, first.cursor)
    assert isinstance(answer, dg.SkipReason)
    assert len(list((tmp_path / "alerts").glob("*file_quarantined*.json"))) == 1
