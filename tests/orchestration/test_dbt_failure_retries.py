"""A dbt build that failed on a model or test is not retried; one held off by a lock is."""

from __future__ import annotations

import dagster as dg
import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration import settings
from orchestration.transform.dbt import (
    WarehouseDbtResource,
    _dbt_executable,
    is_transient_dbt_failure,
    warehouse_dbt_assets,
)

CONVERSION_ERROR = (
    "92 of 307 ERROR not_null_stg_lokerid__postings_seen_date\n"
    'Conversion Error: timestamp field value out of range: "2025-02-30 10:00:00"'
)
LOCK_ERROR = 'IO Error: Could not set lock on file "wh.duckdb": Conflicting lock is held (PID 7)'


class FailingInvocation:
    def __init__(self, message: str) -> None:
        self.message = message

    def stream(self):
        raise DagsterDbtCliRuntimeError(self.message)
        yield  # a generator, as dagster-dbt's stream is


BUILDS: list[str] = []


class FailingDbt(WarehouseDbtResource):
    """dbt that fails every build with `message`, counting the builds in `BUILDS`."""

    message: str

    def cli(self, args, **kwargs):
        BUILDS.append(self.message)
        return FailingInvocation(self.message)


def builds_of_a_failing_run(message: str, monkeypatch, tmp_path) -> int:
    BUILDS.clear()
    job = dg.define_asset_job(
        "dbt_only",
        selection=dg.AssetSelection.assets(warehouse_dbt_assets),
        op_retry_policy=dg.RetryPolicy(max_retries=2),
        executor_def=dg.in_process_executor,
    )
    resource = FailingDbt(
        project_dir=str(settings.DBT_PROJECT_DIR),
        profiles_dir=str(settings.DBT_PROJECT_DIR),
        dbt_executable=_dbt_executable(),
        message=message,
    )
    # A failed build keeps its target folder for inspection: let it be the test's.
    monkeypatch.setattr(settings, "DBT_PROJECT_DIR", tmp_path)
    defs = dg.Definitions(assets=[warehouse_dbt_assets], jobs=[job], resources={"dbt": resource})
    result = defs.resolve_job_def("dbt_only").execute_in_process(raise_on_error=False)
    assert not result.success
    return len(BUILDS)


def test_a_dbt_build_that_failed_on_a_test_runs_once(monkeypatch, tmp_path) -> None:
    # Regression: the nightly retry policy ran a build that failed on a dbt test three times,
    # and the alert listed the failed test once per build.
    assert builds_of_a_failing_run(CONVERSION_ERROR, monkeypatch, tmp_path) == 1


def test_a_dbt_build_held_off_by_a_lock_is_retried(monkeypatch, tmp_path) -> None:
    assert builds_of_a_failing_run(LOCK_ERROR, monkeypatch, tmp_path) == 3


@pytest.mark.parametrize(
    ("message", "transient"),
    [
        (CONVERSION_ERROR, False),
        (LOCK_ERROR, True),
        ("Database Error: syntax error", False),
        # A word that merely ends in "io" before "error" is no disk error.
        ("Runtime Error: ratio error in model x", False),
    ],
)
def test_only_lock_and_disk_errors_are_transient(message: str, transient: bool) -> None:
    assert is_transient_dbt_failure(message) is transient
