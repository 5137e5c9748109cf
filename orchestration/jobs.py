"""The nightly job and its schedule (Asia/Jakarta)."""

from __future__ import annotations

import dagster as dg

from orchestration import settings

nightly_job = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.all(),
    description="Land every source, build and test the dbt models, publish marts and reports.",
    # One process: DuckDB allows a single writer, and the steps are small.
    executor_def=dg.in_process_executor,
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_at_0200_wib",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone=settings.TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
