"""Marts marked as personal data in dbt are published and released only on synthetic rows or when
`LMIS_PUBLISH_PERSONAL_DATA=1` (orchestration/publish/personal_data.py)."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.operations.releases import verify_release, write_release
from orchestration.publish.personal_data import personal_data_allowed, personal_data_marts
from orchestration.publish.publication import PUBLICATION_MANIFEST, publish_marts

DBT_MANIFEST = settings.DBT_PROJECT_DIR / "target" / "manifest.json"


@pytest.fixture(autouse=True)
def _no_operator_setting(monkeypatch):
    monkeypatch.delenv("LMIS_PUBLISH_PERSONAL_DATA", raising=False)


def _warehouse(real_rows: int, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A `marts` schema with a region table and 10 job seekers, `real_rows` of them not
    synthetic (real AK1 registrations)."""
    con = duckdb.connect(database)
    con.execute("create schema marts")
    con.execute("create table marts.dim_region as select range as region_id from range(5)")
    con.execute(
        "create table marts.fct_job_seekers as select 'js' || range as job_seeker_id, "
        f"1990 + range as birth_year, 'female' as sex, range >= {real_rows} as is_synthetic "
        "from range(10)"
    )
    return con


def _publish(con: duckdb.DuckDBPyConnection, marts: Path, run_id: str = "night-1"):
    # The default: which marts are personal data is read from the project's dbt manifest.
    return publish_marts(con, marts, run_id, rebuilt=lambda table: True)


def _release(marts: Path, releases: Path, day: str = "2026-12-01"):
    return write_release(
        marts,
        releases,
        date.fromisoformat(day),
        run_id=f"run-{day}",
        source_vintages=[],
        dbt_manifest=DBT_MANIFEST,
        retention=5,
    )


def test_the_job_seeker_marts_are_marked_as_personal_data_in_dbt():
    assert personal_data_marts(DBT_MANIFEST) == {"fct_job_seekers", "fct_placements"}


def test_real_job_seekers_are_withheld_from_the_publication_and_release(tmp_path, caplog):
    marts = tmp_path / "marts"
    with _warehouse(real_rows=3) as con, caplog.at_level("WARNING"):
        rows, _ = _publish(con, marts)
    assert rows == {"dim_region": 5}
    assert not (marts / "fct_job_seekers.parquet").exists()
    record = json.loads((marts / PUBLICATION_MANIFEST).read_text())
    assert list(record["withheld"]) == ["fct_job_seekers"]
    assert "3 row(s) not synthetic" in record["withheld"]["fct_job_seekers"]
    assert "withheld marts.fct_job_seekers" in caplog.text

    result = _release(marts, tmp_path / "releases")
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert list(manifest["tables"]) == ["dim_region"]
    assert list(manifest["withheld"]) == ["fct_job_seekers"]
    assert not list(result.path.rglob("fct_job_seekers*"))
    dictionary = (result.path / "data_dictionary.md").read_text()
    assert "## Withheld" in dictionary and "- `fct_job_seekers`: personal data" in dictionary
    assert verify_release(result.path) == []


def test_synthetic_job_seekers_are_published_and_released(tmp_path):
    marts = tmp_path / "marts"
    with _warehouse(real_rows=0) as con:
        rows, _ = _publish(con, marts)
    assert rows == {"dim_region": 5, "fct_job_seekers": 10}
    assert json.loads((marts / PUBLICATION_MANIFEST).read_text())["withheld"] == {}
    manifest = json.loads(
        (_release(marts, tmp_path / "releases").path / "manifest.json").read_text()
    )
    assert sorted(manifest["tables"]) == ["dim_region", "fct_job_seekers"]
    assert manifest["withheld"] == {}


def test_the_operator_setting_publishes_real_personal_data(tmp_path, monkeypatch):
    monkeypatch.setenv("LMIS_PUBLISH_PERSONAL_DATA", "1")
    marts = tmp_path / "marts"
    with _warehouse(real_rows=3) as con:
        rows, _ = _publish(con, marts)
    assert rows["fct_job_seekers"] == 10
    manifest = json.loads(
        (_release(marts, tmp_path / "releases").path / "manifest.json").read_text()
    )
    assert manifest["tables"]["fct_job_seekers"]["is_synthetic"] == "mixed"
    assert manifest["withheld"] == {}


def test_an_earlier_published_file_goes_when_real_rows_arrive(tmp_path):
    marts = tmp_path / "marts"
    with _warehouse(real_rows=0) as con:
        _publish(con, marts, "night-1")
        assert (marts / "fct_job_seekers.parquet").exists()
        con.execute("update marts.fct_job_seekers set is_synthetic = false where birth_year = 1990")
        rows, _ = _publish(con, marts, "night-2")
    assert "fct_job_seekers" not in rows
    assert not (marts / "fct_job_seekers.parquet").exists()


def test_a_release_of_an_allowed_publication_withholds_once_the_setting_is_gone(
    tmp_path, monkeypatch
):
    """A backfill day cut from a publication made while personal data was allowed."""
    marts = tmp_path / "marts"
    monkeypatch.setenv("LMIS_PUBLISH_PERSONAL_DATA", "1")
    with _warehouse(real_rows=3) as con:
        _publish(con, marts)
    monkeypatch.delenv("LMIS_PUBLISH_PERSONAL_DATA")
    result = _release(marts, tmp_path / "releases")
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert list(manifest["tables"]) == ["dim_region"]
    assert list(manifest["withheld"]) == ["fct_job_seekers"]
    assert verify_release(result.path) == []


def test_the_operator_setting_is_validated(monkeypatch):
    assert personal_data_allowed() is False
    monkeypatch.setenv("LMIS_PUBLISH_PERSONAL_DATA", "0")
    assert personal_data_allowed() is False
    monkeypatch.setenv("LMIS_PUBLISH_PERSONAL_DATA", "yes")
    with pytest.raises(ValueError, match="must be 0 or 1"):
        personal_data_allowed()


def _refuse_to_run(*args, **kwargs):
    raise AssertionError("a run started with a bad setting")


@pytest.mark.parametrize("value", ["yes", "true ", "2"])
@pytest.mark.parametrize(
    ("command", "started"),
    [
        (["run"], "orchestration.operations.incremental.whole_warehouse_run"),
        (
            ["backfill", "--from", "2026-11-01", "--to", "2026-11-01"],
            "orchestration.operations.backfill.backfill",
        ),
    ],
)
def test_run_and_backfill_refuse_a_bad_setting_before_anything_runs(
    monkeypatch, caplog, value, command, started
):
    """Before, the value was read by the publication step, after the whole build, and that
    step failed and was retried twice."""
    from orchestration.cli import main

    monkeypatch.setenv("LMIS_PUBLISH_PERSONAL_DATA", value)
    monkeypatch.setattr(started, _refuse_to_run)
    assert main(command) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert "LMIS_PUBLISH_PERSONAL_DATA" in errors[0] and repr(value) in errors[0]
    assert "must be 0 or 1" in errors[0]


def test_run_refuses_a_bad_release_retention_before_anything_runs(monkeypatch, caplog):
    from orchestration.cli import main

    monkeypatch.setenv("LMIS_RELEASE_RETENTION", "two")
    monkeypatch.setattr("orchestration.operations.incremental.whole_warehouse_run", _refuse_to_run)
    assert main(["run"]) == 2
    assert "LMIS_RELEASE_RETENTION='two' is not allowed: a whole number of releases" in caplog.text


def test_the_publication_step_fails_on_a_bad_setting_without_retries(tmp_path, monkeypatch):
    """A daemon's run reaches the publication without `lmis`'s check: no retry can help."""
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from orchestration.publish import assets

    monkeypatch.setenv("LMIS_PUBLISH_PERSONAL_DATA", "yes")
    monkeypatch.setattr(settings, "MARTS_DIR", tmp_path / "marts")
    monkeypatch.setattr(assets, "publication_blockers", lambda *args: [])
    database = tmp_path / "warehouse.duckdb"
    _warehouse(real_rows=3, database=str(database)).close()
    warehouse = DuckDBResource(database=str(database))
    # As a context manager, the context's temporary Dagster instance is closed at the end.
    with dg.build_asset_context() as context, pytest.raises(dg.Failure) as failure:
        assets.parquet_marts(context, warehouse=warehouse)
    assert failure.value.allow_retries is False
    assert "LMIS_PUBLISH_PERSONAL_DATA must be 0 or 1, not 'yes'" in str(failure.value)
    assert not (tmp_path / "marts" / PUBLICATION_MANIFEST).exists()


@pytest.mark.parametrize("manifest", [None, Path("no/such/manifest.json")])
def test_a_release_without_the_dbt_manifest_is_refused(tmp_path, monkeypatch, manifest):
    """Before, a release without the manifest skipped the personal-data check: real job seekers
    published while allowed went into the release once the setting was gone."""
    marts = tmp_path / "marts"
    monkeypatch.setenv("LMIS_PUBLISH_PERSONAL_DATA", "1")
    with _warehouse(real_rows=3) as con:
        _publish(con, marts)
    monkeypatch.delenv("LMIS_PUBLISH_PERSONAL_DATA")
    releases = tmp_path / "releases"
    with pytest.raises(FileNotFoundError, match="no dbt manifest at .*personal data"):
        write_release(
            marts,
            releases,
            date(2026, 12, 1),
            run_id="run-1",
            source_vintages=[],
            dbt_manifest=manifest,
            retention=5,
        )
    assert not releases.exists() or not list(releases.rglob("*"))


def test_the_scheduled_night_fails_on_a_bad_setting_before_its_runs(monkeypatch):
    """The daemon's 02:00 night (`incremental_night`) checks as `lmis backfill` does."""
    import dagster as dg

    from orchestration.jobs import run_incremental_night

    monkeypatch.setenv("LMIS_PUBLISH_PERSONAL_DATA", "yes")
    monkeypatch.setattr("orchestration.operations.backfill.night_of", _refuse_to_run)
    with (
        dg.build_op_context(op_config={"day": "2026-12-01"}) as context,
        pytest.raises(dg.Failure) as failure,
    ):
        run_incremental_night(context)
    assert failure.value.allow_retries is False
    assert "LMIS_PUBLISH_PERSONAL_DATA must be 0 or 1, not 'yes'" in str(failure.value)
