"""The nightly job and its schedule (Asia/Jakarta)."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from orchestration import settings
from orchestration.crawling.assets import CRAWL_ASSET_KEYS
from orchestration.operations.alerts import alert_on_step_failure
from orchestration.operations.policies import NIGHTLY_RETRY_POLICY
from orchestration.operations.releases import RELEASE_DATE_TAG

nightly_job = dg.define_asset_job(
    name="nightly",
    # The crawls need the network and run in their own job (orchestration/crawling/jobs.py).
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*CRAWL_ASSET_KEYS),
    description="Land every source, build and test the dbt models, publish marts and reports.",
    # One process: DuckDB allows a single writer, and the steps are small.
    executor_def=dg.in_process_executor,
    op_retry_policy=NIGHTLY_RETRY_POLICY,
    hooks={alert_on_step_failure},
)


@dg.schedule(
    name="nightly_at_0200_wib",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone=settings.TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 02:00 WIB the night processes the day just ended: its release carries that date."""
    day_before = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    return dg.RunRequest(run_key=day_before, tags={RELEASE_DATE_TAG: day_before})
