"""The nightly job, the partitioned landing jobs and the nightly schedule (Asia/Jakarta).

Dagster runs assets of one partitioning per job, so the night is split:

- `land_portal_days` (Karirhub, MagangHub, AK1; daily), `land_wlkp_periods` (monthly) and
  `estimate_sakernas_rounds` (one partition per survey round) land one partition per run; the
  new-files sensor, `lmis run` and `lmis backfill` start them for the partitions whose files
  are new or changed (orchestration/operations/incremental.py);
- `nightly` holds every unpartitioned asset: the sources landed whole, dbt, the gates,
  publication and reports. It reads whatever partitions have landed. A night that only needs
  part of it (a new portal day) runs the changed sources' downstream assets, not the whole job;
- `crawl_daily` (orchestration/crawling/jobs.py) crawls the job boards.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from orchestration import settings
from orchestration.admin.assets import admin_landing_assets
from orchestration.crawling.assets import CRAWL_ASSET_KEYS
from orchestration.landing.partitions import PORTAL_DAYS, SAKERNAS_ROUNDS, WLKP_PERIODS
from orchestration.operations.alerts import alert_on_step_failure
from orchestration.operations.policies import NIGHTLY_RETRY_POLICY
from orchestration.operations.releases import RELEASE_DATE_TAG
from orchestration.sakernas.assets import sakernas_assets


def _keys_partitioned_by(assets, partitions_def) -> list[dg.AssetKey]:
    return [a.key for a in assets if a.partitions_def == partitions_def]


PORTAL_DAY_KEYS = _keys_partitioned_by(admin_landing_assets, PORTAL_DAYS)
WLKP_PERIOD_KEYS = _keys_partitioned_by(admin_landing_assets, WLKP_PERIODS)
SAKERNAS_ROUND_KEYS = _keys_partitioned_by(sakernas_assets, SAKERNAS_ROUNDS)
PARTITIONED_KEYS = [*PORTAL_DAY_KEYS, *WLKP_PERIOD_KEYS, *SAKERNAS_ROUND_KEYS]


def _landing_job(name: str, keys: list[dg.AssetKey], description: str) -> dg.JobDefinition:
    return dg.define_asset_job(
        name=name,
        selection=dg.AssetSelection.assets(*keys),
        description=description,
        # One process: every step writes the single-writer warehouse.
        executor_def=dg.in_process_executor,
        op_retry_policy=NIGHTLY_RETRY_POLICY,
        hooks={alert_on_step_failure},
    )


portal_days_job = _landing_job(
    "land_portal_days",
    PORTAL_DAY_KEYS,
    "Land one day of the portal exports (Karirhub, MagangHub, AK1), replacing that day's rows.",
)
wlkp_periods_job = _landing_job(
    "land_wlkp_periods",
    WLKP_PERIOD_KEYS,
    "Land one WLKP reporting period, replacing that period's rows.",
)
sakernas_rounds_job = _landing_job(
    "estimate_sakernas_rounds",
    SAKERNAS_ROUND_KEYS,
    "Estimate one Sakernas round (real and synthetic), replacing that round's estimates.",
)
PARTITIONED_LANDING_JOBS = (portal_days_job, wlkp_periods_job, sakernas_rounds_job)

nightly_job = dg.define_asset_job(
    name="nightly",
    # The crawls need the network and run in their own job (orchestration/crawling/jobs.py); the
    # partitioned landings run in the jobs above.
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.assets(*CRAWL_ASSET_KEYS)
    - dg.AssetSelection.assets(*PARTITIONED_KEYS),
    description="Land the whole-extract sources, build and test the dbt models, publish marts "
    "and reports, from whatever partitions have landed.",
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
