"""Gate checks on a small warehouse: statuses, the volume comparison with the last publication,
and the publication verdict (orchestration/quality/gates.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest
from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluation
from dagster_duckdb import DuckDBResource

from orchestration.quality import gates
from orchestration.quality.gates import (
    ENGINE_ERROR,
    FAILED,
    PASSED,
    WARNING,
    evaluate_gate,
    publication_blockers,
    validate_suite,
    volume_frame,
)

TODAY = dt.date(2025, 7, 10)
LOKERID_GATE = next(g for g in gates.STAGING_GATES if g.suite == "staging_lokerid_postings")
POSTINGS_GATE = next(
    g for g in gates.PUBLICATION_GATES if g.suite == "publication_fct_vacancy_postings"
)


def _status(result: dg.AssetCheckResult) -> str:
    return result.metadata["quality_status"].value


@pytest.fixture
def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema staging; create schema marts")
    con.execute(
        "create table staging.stg_lokerid__postings as select cast(i as varchar) as "
        "source_posting_id, 'Kasir' as job_title, 'Melayani.' as description, 'IDR' as "
        "salary_currency, 'monthly' as salary_period, 3000000.0 as salary_min, 4000000.0 as "
        "salary_max, 'f.csv' as source_file, i + 2 as source_row, date '2025-07-01' as "
        "posted_date, date '2025-07-09' as seen_date from range(5) t(i)"
    )
    con.execute(
        "create table marts.fct_vacancy_postings as select 'lokerid:' || i as posting_id, "
        "case when i < 6 then 'lokerid' else 'jobstreet' end as source, date '2025-07-01' as "
        "posted_date, date '2025-07-01' as first_seen_date, date '2025-07-09' as "
        "last_seen_date from range(10) t(i)"
    )
    return con


def test_a_gate_on_good_data_passes(warehouse):
    result = evaluate_gate(warehouse, LOKERID_GATE, TODAY)
    assert result.passed and _status(result) == PASSED


def test_a_data_fault_fails_with_error_severity(warehouse):
    warehouse.execute("update staging.stg_lokerid__postings set salary_max = 1 where true")
    result = evaluate_gate(warehouse, LOKERID_GATE, TODAY)
    assert not result.passed and _status(result) == FAILED
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert "STG-VAL-01" in result.metadata["standards_not_met"].value


def test_a_warning_does_not_fail_the_gate(warehouse):
    warehouse.execute("update staging.stg_lokerid__postings set salary_currency = 'XYZ' where true")
    result = evaluate_gate(warehouse, LOKERID_GATE, TODAY)
    assert _status(result) == WARNING and result.severity == dg.AssetCheckSeverity.WARN


def test_a_query_that_cannot_run_is_an_engine_error_not_a_failure(warehouse):
    """GX-ENG-01 at the gate: the staging view is missing, so nothing was judged."""
    warehouse.execute("drop table staging.stg_lokerid__postings")
    result = evaluate_gate(warehouse, LOKERID_GATE, TODAY)
    assert not result.passed
    assert _status(result) == ENGINE_ERROR
    assert result.description.startswith("ENGINE ERROR, data not judged")


def test_gx_itself_failing_is_an_engine_error(monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("GX could not start")

    monkeypatch.setattr(gates, "validate_dataframe", broken)
    result = validate_suite(None, "publication_volume", gate="publication")
    assert _status(result) == ENGINE_ERROR and "GX could not start" in result.description


def test_a_posting_dated_after_tonight_fails_publication(warehouse):
    assert evaluate_gate(warehouse, POSTINGS_GATE, TODAY).passed
    warehouse.execute(
        "update marts.fct_vacancy_postings set posted_date = date '2099-01-01' "
        "where posting_id = 'lokerid:3'"
    )
    result = evaluate_gate(warehouse, POSTINGS_GATE, TODAY)
    assert _status(result) == FAILED and "PUB-DAT-01" in result.metadata["standards_not_met"].value


def _publish(warehouse: duckdb.DuckDBPyConnection, marts_dir: Path) -> None:
    marts_dir.mkdir(exist_ok=True)
    target = marts_dir / "fct_vacancy_postings.parquet"
    warehouse.execute(f"copy marts.fct_vacancy_postings to '{target}' (format parquet)")


def test_first_publication_passes_the_volume_gate(warehouse, tmp_path):
    frame = volume_frame(warehouse, "fct_vacancy_postings", tmp_path)
    assert frame["ratio_to_published"].isna().all()
    assert _status(validate_suite(frame, "publication_volume", gate="publication")) == PASSED


def test_a_source_under_half_its_published_size_fails_although_the_total_does_not(
    warehouse, tmp_path
):
    """PUB-VOL-02: lokerid drops from 6 to 2 rows; the total only from 10 to 6."""
    _publish(warehouse, tmp_path)
    warehouse.execute(
        "delete from marts.fct_vacancy_postings where posting_id in "
        "('lokerid:0', 'lokerid:1', 'lokerid:2', 'lokerid:3')"
    )
    frame = volume_frame(warehouse, "fct_vacancy_postings", tmp_path).set_index("scope")
    assert frame.loc["all", "ratio_to_published"] == pytest.approx(0.6)
    assert frame.loc["source=lokerid", "ratio_to_published"] == pytest.approx(2 / 6)
    result = validate_suite(frame.reset_index(), "publication_volume", gate="publication")
    assert _status(result) == FAILED and "PUB-VOL-02" in result.metadata["standards_not_met"].value


def test_a_steady_volume_passes(warehouse, tmp_path):
    _publish(warehouse, tmp_path)
    frame = volume_frame(warehouse, "fct_vacancy_postings", tmp_path)
    assert _status(validate_suite(frame, "publication_volume", gate="publication")) == PASSED


def _instance_with(*evaluations: AssetCheckEvaluation) -> SimpleNamespace:
    records = [
        SimpleNamespace(
            event_log_entry=SimpleNamespace(
                dagster_event=SimpleNamespace(event_specific_data=evaluation)
            )
        )
        for evaluation in evaluations
    ]
    return SimpleNamespace(get_records_for_run=lambda **_kwargs: SimpleNamespace(records=records))


def _evaluation(check: str, passed: bool, status: str) -> AssetCheckEvaluation:
    return AssetCheckEvaluation(
        asset_key=dg.AssetKey(["marts", "fct_vacancy_postings"]),
        check_name=check,
        passed=passed,
        metadata={"quality_status": dg.MetadataValue.text(status)},
        severity=dg.AssetCheckSeverity.ERROR,
    )


def test_publication_is_refused_when_the_gate_did_not_run_or_failed():
    required = [
        ("marts/fct_vacancy_postings", "publication_gate"),
        ("marts/fct_vacancy_postings", gates.VOLUME_CHECK),
    ]
    passed = _instance_with(
        _evaluation("publication_gate", True, PASSED), _evaluation(gates.VOLUME_CHECK, True, PASSED)
    )
    assert publication_blockers(passed, "run", required) == []
    missing = _instance_with(_evaluation("publication_gate", True, PASSED))
    assert publication_blockers(missing, "run", required) == [
        f"marts/fct_vacancy_postings {gates.VOLUME_CHECK}: not evaluated in this run"
    ]
    broken = _instance_with(
        _evaluation("publication_gate", False, ENGINE_ERROR),
        _evaluation(gates.VOLUME_CHECK, True, PASSED),
    )
    assert publication_blockers(broken, "run", required) == [
        "marts/fct_vacancy_postings publication_gate: engine_error"
    ]


def test_every_gate_targets_an_asset_of_the_warehouse():
    from orchestration.publish.assets import MART_KEYS
    from orchestration.transform.dbt import warehouse_dbt_assets

    keys = set(warehouse_dbt_assets.keys)
    for gate in gates.STAGING_GATES + gates.PUBLICATION_GATES:
        assert gate.asset_key in keys, gate.suite
        assert (gates.SQL_DIR / gate.sql_file).exists()
    assert dg.AssetKey(["marts", "fct_vacancy_validation"]) in MART_KEYS


def test_publication_without_the_gate_in_the_run_keeps_the_published_files(tmp_path, monkeypatch):
    from orchestration import settings
    from orchestration.publish.assets import parquet_marts

    marts_dir = tmp_path / "marts"
    marts_dir.mkdir()
    published = marts_dir / "fct_vacancy_postings.parquet"
    published.write_bytes(b"last good publication")
    monkeypatch.setattr(settings, "MARTS_DIR", marts_dir)
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.fct_vacancy_postings as select 1 as x")
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_asset_context(instance=instance)
        with pytest.raises(dg.Failure, match="not evaluated in this run"):
            parquet_marts(context, warehouse=DuckDBResource(database=str(path)))
    assert published.read_bytes() == b"last good publication"
    assert sorted(p.name for p in marts_dir.iterdir()) == ["fct_vacancy_postings.parquet"]


def test_an_accepted_drop_passes_until_it_expires(warehouse, tmp_path):
    _publish(warehouse, tmp_path)
    warehouse.execute("delete from marts.fct_vacancy_postings where source = 'lokerid'")
    accepted_file = tmp_path / "accepted.csv"
    accepted_file.write_text(
        "table,scope,expires,reason\n"
        "fct_vacancy_postings,source=lokerid,2025-12-31,board retired\n"
        "fct_vacancy_postings,all,2025-12-31,board retired\n"
    )
    accepted = gates.accepted_drops(TODAY, accepted_file)
    frame = volume_frame(warehouse, "fct_vacancy_postings", tmp_path, accepted)
    assert _status(validate_suite(frame, "publication_volume", gate="publication")) == PASSED
    assert set(frame["accepted_drop_reason"].dropna()) == {"board retired"}
    expired = gates.accepted_drops(dt.date(2026, 1, 1), accepted_file)
    frame = volume_frame(warehouse, "fct_vacancy_postings", tmp_path, expired)
    assert _status(validate_suite(frame, "publication_volume", gate="publication")) == FAILED


def test_a_failed_staging_check_names_the_rows_that_fail_it(warehouse):
    # Regression: one Dealls row posted after the crawl that saw it failed STG-DAT-01 and the
    # alert said only "0.04% unexpected", with no id, file or line to find the row by.
    warehouse.execute(
        "update staging.stg_lokerid__postings set posted_date = date '2025-08-19' "
        "where source_posting_id = '3'"
    )
    result = evaluate_gate(warehouse, LOKERID_GATE, TODAY)
    assert _status(result) == FAILED
    assert "STG-DAT-01" in result.description
    assert (
        "first unexpected: is_posted_after_seen=True source_posting_id=3 source_file=f.csv "
        "source_row=5" in result.description
    )
