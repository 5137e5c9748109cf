"""`lmis backfill`: which days rebuild, which are released from the publication, stop on failure.

The night's plan is replaced by a stand-in that rebuilds when the inputs changed since the last
publication and has nothing to do otherwise (the real planner is tested in
test_incremental_plan.py). The whole-job backfills over real runs are in test_idempotency.py and
test_incremental_night.py (slow).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

# Imported before any test patches settings.DATA_DIR: the module binds the shipped data folder
# when first imported, and `lmis backfill` would otherwise import it under a temporary one,
# breaking every later test that places postings.
import ingest.normalise.places  # noqa: F401
from orchestration import settings
from orchestration.cli import main
from orchestration.operations import backfill as backfill_module
from orchestration.operations import incremental
from orchestration.operations.backfill import BackfillRefused, backfill, days_between
from orchestration.operations.incremental import NightPlan, NightResult
from orchestration.operations.releases import (
    RELEASE_DATE_TAG,
    input_fingerprint,
    list_releases,
    verify_release,
)

PROJECT_MANIFEST = settings.DBT_PROJECT_DIR / "target" / "manifest.json"
"""A release needs a dbt manifest (it says which marts hold personal data): the project's."""


@pytest.fixture()
def published(tmp_path: Path, monkeypatch) -> Path:
    """A publication of one mart in a temporary data folder, not yet released."""
    data = tmp_path / "data"
    (data / "real").mkdir(parents=True)
    (data / "real" / "extract.csv").write_text("a\n1\n")
    marts = data / "marts"
    marts.mkdir()
    with duckdb.connect() as con:
        con.execute(
            f"copy (select range as id from range(10)) to '{marts / 'dim_x.parquet'}' "
            "(format parquet)"
        )
    record = {"run_id": "run-a", "tables": {"dim_x": 10}}
    (marts / "_publication.json").write_text(json.dumps(record))
    monkeypatch.setattr(settings, "DATA_DIR", data)
    monkeypatch.setattr(settings, "MARTS_DIR", marts)
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", data / "warehouse.duckdb")
    monkeypatch.delenv("LMIS_RELEASES_DIR", raising=False)
    monkeypatch.delenv("LMIS_RELEASE_RETENTION", raising=False)
    # The days below must have ended in Jakarta whenever the tests run.
    monkeypatch.setattr(backfill_module, "today_in_jakarta", lambda: date(2026, 12, 10))
    return data


def _fake_nightly(monkeypatch, calls: list[date], succeed: bool = True) -> None:
    """Stands in for the planner and the runs: publishes like the nightly job and releases."""
    published = {"inputs": None}

    def plan(until: date | None = None, *, full: bool = False) -> NightPlan:
        if full or published["inputs"] != input_fingerprint():
            return NightPlan()
        return NightPlan(run_nightly=False)

    def run(plan: NightPlan, tags: dict[str, str]) -> NightResult:
        day = date.fromisoformat(tags[RELEASE_DATE_TAG])
        calls.append(day)
        if succeed:
            backfill_module.write_release(
                settings.MARTS_DIR,
                settings.DATA_DIR / "releases",
                day,
                run_id="run-a",
                source_vintages=[],
                dbt_manifest=PROJECT_MANIFEST,
                retention=14,
                input_fingerprint=input_fingerprint(),
            )
            published["inputs"] = input_fingerprint()
        return NightResult(succeed, [f"run-{day}"], f"run-{day}")

    monkeypatch.setattr(incremental, "plan_night", plan)
    monkeypatch.setattr(incremental, "run_night", run)


def test_days_between_includes_both_ends_and_refuses_a_reversed_range():
    assert days_between(date(2026, 11, 30), date(2026, 12, 2)) == [
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2026, 12, 2),
    ]
    with pytest.raises(ValueError, match="before"):
        days_between(date(2026, 12, 2), date(2026, 12, 1))


def test_first_day_rebuilds_and_unchanged_days_are_released(published, monkeypatch):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    outcomes = backfill(date(2026, 11, 28), date(2026, 12, 4))
    assert [o.mode for o in outcomes] == ["rebuilt"] + ["released"] * 6
    assert calls == [date(2026, 11, 28)]
    releases = list_releases(published / "releases")
    assert [r.name for r in releases] == [f"2026-11-{d}" for d in (28, 29, 30)] + [
        f"2026-12-0{d}" for d in (1, 2, 3, 4)
    ]
    for release in releases:
        assert verify_release(release) == []
    assert (published / "releases" / "latest").resolve().name == "2026-12-04"


def test_days_before_a_later_release_of_another_run_are_released_not_rebuilt(
    published, monkeypatch
):
    """`lmis run` released its publication as a later day; a backfill of earlier days then
    publishes other marts, which `latest` (still the later day) does not hold."""
    backfill_module.write_release(
        settings.MARTS_DIR,
        published / "releases",
        date(2026, 12, 9),
        run_id="run-z",
        source_vintages=[],
        dbt_manifest=PROJECT_MANIFEST,
        retention=14,
        input_fingerprint="other",
    )
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    outcomes = backfill(date(2026, 12, 1), date(2026, 12, 3))
    assert [o.mode for o in outcomes] == ["rebuilt", "released", "released"]
    assert calls == [date(2026, 12, 1)]
    assert (published / "releases" / "latest").resolve().name == "2026-12-09"


def test_a_reversed_range_and_an_unknown_job_are_refused_before_anything_runs():
    # No `published` fixture: the definitions must not be imported with a patched DATA_DIR.
    with pytest.raises(BackfillRefused, match="before --from"):
        backfill(date(2026, 12, 2), date(2026, 12, 1))
    with pytest.raises(BackfillRefused, match="no job named 'nosuchjob'; the jobs are .*nightly"):
        backfill(date(2026, 12, 1), date(2026, 12, 1), job_name="nosuchjob")


def test_changed_input_rebuilds_the_day(published, monkeypatch):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    backfill(date(2026, 12, 1), date(2026, 12, 1))
    (published / "real" / "extract.csv").write_text("a\n1\n2\n")
    outcomes = backfill(date(2026, 12, 2), date(2026, 12, 2))
    assert [o.mode for o in outcomes] == ["rebuilt"]
    assert calls == [date(2026, 12, 1), date(2026, 12, 2)]


def test_rebuild_flag_runs_every_day(published, monkeypatch):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    outcomes = backfill(date(2026, 12, 1), date(2026, 12, 3), rebuild=True)
    assert [o.mode for o in outcomes] == ["rebuilt"] * 3
    assert len(calls) == 3


def test_failed_day_stops_the_backfill(published, monkeypatch):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls, succeed=False)
    outcomes = backfill(date(2026, 12, 1), date(2026, 12, 3))
    assert [(o.day, o.success) for o in outcomes] == [(date(2026, 12, 1), False)]
    assert list_releases(published / "releases") == []


def test_today_and_later_days_are_refused_naming_the_last_day(published, monkeypatch):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    today = backfill_module.today_in_jakarta()
    yesterday = today - timedelta(days=1)
    assert backfill_module.last_backfill_day() == yesterday
    for start, end in ((today, today), (yesterday, today + timedelta(days=2))):
        with pytest.raises(
            BackfillRefused, match=f"last day that can be backfilled is {yesterday}"
        ):
            backfill(start, end)
    assert calls == []
    assert list_releases(published / "releases") == []


def test_the_command_exits_2_on_a_day_not_ended(published, monkeypatch, caplog):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    today = backfill_module.today_in_jakarta()
    assert main(["backfill", "--from", str(today), "--to", str(today)]) == 2
    assert f"last day that can be backfilled is {today - timedelta(days=1)}" in caplog.text
    assert calls == []


def test_a_path_error_before_the_run_writes_an_alert_and_exits_2(
    published, monkeypatch, caplog, tmp_path
):
    # LMIS_RELEASES_DIR naming a regular file failed in one clean line but left no alert, so a
    # nightly backfill that never ran went unseen.
    not_a_folder = tmp_path / "releases.txt"
    not_a_folder.write_text("")
    alerts = tmp_path / "alerts"
    monkeypatch.setenv("LMIS_RELEASES_DIR", str(not_a_folder))
    monkeypatch.setenv("LMIS_ALERT_DIR", str(alerts))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    monkeypatch.setattr(
        incremental, "plan_night", lambda until=None, *, full=False: NightPlan(run_nightly=False)
    )
    assert main(["backfill", "--from", "2026-12-01", "--to", "2026-12-02"]) == 2
    written = sorted(alerts.glob("*.json"))
    assert len(written) == 1
    alert = json.loads(written[0].read_text())
    assert alert["kind"] == "backfill" and alert["day"] == "2026-12-01"
    assert str(not_a_folder) in alert["message"] and "NotADirectoryError" in alert["message"]
    assert str(not_a_folder) in caplog.text


def test_a_change_of_dbt_project_yml_alone_changes_the_fingerprints(tmp_path, monkeypatch):
    """Folder-wide materialisations live in dbt_project.yml, a single file among the folders."""
    from orchestration.landing import inputs

    repo = tmp_path / "repo"
    (repo / "dbt_project" / "models").mkdir(parents=True)
    (repo / "dbt_project" / "models" / "m.sql").write_text("select 1")
    project = repo / "dbt_project" / "dbt_project.yml"
    project.write_text("models:\n  +materialized: table\n")
    monkeypatch.setattr(settings, "REPO_ROOT", repo)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "data")
    before = (input_fingerprint(), inputs.code_fingerprint.__wrapped__())
    project.write_text("models:\n  +materialized: incremental\n")
    after = (input_fingerprint(), inputs.code_fingerprint.__wrapped__())
    assert before[0] != after[0] and before[1] != after[1]


# The 02:00 schedule runs the same night as `lmis backfill --from D --to D` (orchestration/jobs.py).


def _scheduled_run(tick: datetime, tags_seen: list[dict[str, str]], monkeypatch):
    """Evaluate the schedule at `tick` and execute the run it asks for, as the daemon would."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.jobs import nightly_schedule

    real_run = incremental.run_night

    def run(plan: NightPlan, tags: dict[str, str]) -> NightResult:
        tags_seen.append(dict(tags))
        return real_run(plan, tags)

    monkeypatch.setattr(incremental, "run_night", run)
    request = nightly_schedule(dg.build_schedule_context(scheduled_execution_time=tick))
    schedule = defs.resolve_schedule_def("nightly_at_0200_wib")
    job = defs.resolve_job_def(schedule.job_name)
    result = job.execute_in_process(
        run_config=request.run_config,
        tags=request.tags,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return request, result


def test_schedule_asks_for_the_incremental_night_of_the_day_before(published):
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.jobs import nightly_schedule

    tick = datetime(2026, 12, 5, 2, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    request = nightly_schedule(dg.build_schedule_context(scheduled_execution_time=tick))
    schedule = defs.resolve_schedule_def("nightly_at_0200_wib")
    assert schedule.job_name == "incremental_night"
    assert (request.run_key, request.tags[RELEASE_DATE_TAG]) == ("2026-12-04", "2026-12-04")
    assert request.run_config["ops"]["run_incremental_night"]["config"] == {"day": "2026-12-04"}
    # `lmis run` and a launch of `nightly` from the UI still run the whole job on every asset.
    assert defs.resolve_job_def("nightly").name == "nightly"


def test_scheduled_nights_run_and_release_like_a_backfilled_day(published, monkeypatch):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    tags_seen: list[dict[str, str]] = []
    first = datetime(2026, 12, 5, 2, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    _, result = _scheduled_run(first, tags_seen, monkeypatch)
    assert result.success
    assert calls == [date(2026, 12, 4)]
    assert tags_seen[0][RELEASE_DATE_TAG] == "2026-12-04"
    assert tags_seen[0]["lmis/scheduled_night"] == result.run_id
    # The next night nothing changed: released from the publication, no run.
    _, result = _scheduled_run(first + timedelta(days=1), tags_seen, monkeypatch)
    assert result.success
    assert calls == [date(2026, 12, 4)]
    assert [r.name for r in list_releases(published / "releases")] == ["2026-12-04", "2026-12-05"]
    assert (published / "releases" / "latest").resolve().name == "2026-12-05"


def test_a_failed_scheduled_night_fails_its_run(published, monkeypatch):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls, succeed=False)
    tick = datetime(2026, 12, 5, 2, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    _, result = _scheduled_run(tick, [], monkeypatch)
    assert not result.success
    assert calls == [date(2026, 12, 4)]
    assert list_releases(published / "releases") == []


def test_a_scheduled_night_of_a_day_not_ended_is_refused(published, monkeypatch):
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    # 2026-12-10 is today in Jakarta for these tests (the fixture): its night cannot run yet.
    tick = datetime(2026, 12, 11, 2, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    _, result = _scheduled_run(tick, [], monkeypatch)
    assert not result.success
    assert calls == []


def test_the_command_ends_with_the_rows_per_source_table_of_its_runs(
    published, monkeypatch, caplog
):
    # An operator's review: `lmis backfill` printed no rows-per-source table at the end, as
    # `lmis run` does; one table now sums every run the backfill started.
    from orchestration.commands import backfill as backfill_command

    sql = (settings.REPO_ROOT / "ingest" / "sql" / "landing_tables.sql").read_text()
    with duckdb.connect(str(settings.WAREHOUSE_PATH)) as con:
        con.execute(sql)
        con.execute(
            "insert into raw.load_audit (run_id, source, source_file, rows_read, rows_loaded, "
            "rows_quarantined, loaded_at) values "
            "('run-1', 'maganghub_positions', 'a.csv.gz', 8, 5, 3, now()), "
            "('run-2', 'maganghub_positions', 'b.csv.gz', 4, 4, 0, now()), "
            "('run-old', 'lokerid', 'old.csv', 9, 9, 0, now())"
        )
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    asked = []

    def runs(start, end, since):
        asked.append((start, end))
        return ["run-1", "run-2"]

    monkeypatch.setattr(backfill_command, "runs_of_backfill", runs)
    caplog.set_level("INFO")
    assert main(["backfill", "--from", "2026-12-01", "--to", "2026-12-02"]) == 0
    assert asked == [(date(2026, 12, 1), date(2026, 12, 2))]
    lines = [r.getMessage() for r in caplog.records]
    assert "rows per source in run(s) run-1, run-2:" in lines
    [row] = [line for line in lines if "maganghub_positions" in line and "quarantined" not in line]
    assert row.split() == ["maganghub_positions", "2", "12", "9", "3"]
    assert not any("lokerid" in line for line in lines)
    assert lines.index("rows per source in run(s) run-1, run-2:") > max(
        i for i, line in enumerate(lines) if "backfill of 2 day(s)" in line
    )


def test_a_night_with_an_unreadable_file_publishes_and_exits_4(published, monkeypatch, tmp_path):
    """The night goes on without the file, and the command still ends non-zero."""
    from orchestration.operations.incremental import QuarantinedFile

    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    bad = QuarantinedFile(
        "raw.x", "2026-12-02", "/in/x_2026-12-02.csv.gz", "ab" * 32, "not_gzip", ""
    )
    calls: list[date] = []
    _fake_nightly(monkeypatch, calls)
    assert main(["backfill", "--from", "2026-12-01", "--to", "2026-12-01"]) == 0
    monkeypatch.setattr(
        incremental,
        "plan_night",
        lambda until=None, *, full=False: NightPlan(run_nightly=False, quarantined_files=[bad]),
    )
    assert main(["backfill", "--from", "2026-12-02", "--to", "2026-12-02"]) == 4
    assert (published / "releases" / "2026-12-02").is_dir()
    [alert] = [json.loads(p.read_text()) for p in (tmp_path / "alerts").glob("*.json")]
    assert alert["file"] == bad.path and alert["kind"] == "file_quarantined"


def test_a_day_released_from_the_publication_names_the_stand_ins_still_standing(
    tmp_path, monkeypatch
):
    """A night with nothing to run copies the last release's `missing_sources`: a stand-in put
    in by a night that published nothing was not named by the day's release."""
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", tmp_path / "warehouse.duckdb")
    cut = {}
    monkeypatch.setattr(backfill_module, "write_release", lambda *a, **kw: cut.update(kw))
    monkeypatch.setattr(
        incremental, "standing_stand_ins", lambda: {"raw.ump_province": "night of 2026-12-02"}
    )
    manifest = {"run_id": "r", "source_vintages": [], "input_fingerprint": "f"}
    backfill_module._release_from_publication(date(2026, 12, 3), manifest)
    assert cut["missing_sources"] == ["raw.ump_province"]
