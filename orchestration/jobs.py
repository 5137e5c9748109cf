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

The 02:00 schedule does not run `nightly` whole: it runs `incremental_night`, one op that runs
the night of the day just ended exactly as `lmis backfill` does (plan it, land the changed
partitions, run the changed sources' downstream part of `nightly`, cut the day's release; with
nothing changed, release the day from the current publication). Its partition and `nightly`
runs are runs of their own in the same instance, tagged with the scheduled run's id. `lmis run`
(`make run`) and a launch of `nightly` from the UI still run the whole job.
"""

from __future__ import annotations

from datetime import date, timedelta

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
    # One process: DuckDB allows a single writer, so the steps run one after another whatever
    # the executor (the dbt step alone for minutes); a process per step would only add its
    # start-up (imports, loading the definitions) to each.
    executor_def=dg.in_process_executor,
    op_retry_policy=NIGHTLY_RETRY_POLICY,
    hooks={alert_on_step_failure},
)


SCHEDULED_NIGHT_TAG = "lmis/scheduled_night"
"""On the partition and `nightly` runs of a scheduled night: the `incremental_night` run's id."""


@dg.op(
    description="The night of one day, as `lmis backfill --from D --to D` runs it: only what "
    "changed is landed and rebuilt, then the day's release is cut.",
    config_schema={
        "day": dg.Field(
            str,
            default_value="",
            description="The day whose night runs (YYYY-MM-DD); empty: the day just ended in "
            "Jakarta.",
        )
    },
)
def run_incremental_night(context) -> None:
    from orchestration.operations.backfill import check_backfill_range, last_backfill_day, night_of
    from orchestration.operations.retention import tidy_history
    from orchestration.runner import check_run_settings

    try:
        # As `lmis backfill` does: a bad setting fails the night before its runs, not after.
        check_run_settings()
    except settings.SettingError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    tidy_history()  # old alert files and runs; this run, in progress, is never deleted
    chosen = context.op_config["day"]
    day = date.fromisoformat(chosen) if chosen else last_backfill_day()
    # A day that has not ended in Jakarta has no partition yet: refused, as by `lmis backfill`.
    check_backfill_range(day, day)
    outcome = night_of(day, {SCHEDULED_NIGHT_TAG: context.run_id})
    summary = f"night of {day}: {outcome.mode} in {outcome.seconds:.1f} s (run {outcome.run_id})"
    if outcome.withdrawn:
        context.log.warning(
            f"night of {day} withdrew partitions whose files were removed from the landing "
            f"folder: {', '.join(outcome.withdrawn)} (see raw.removed_partitions)"
        )
    if not outcome.success:
        raise dg.Failure(description=f"{summary} FAILED; see that run's alert and event log")
    if outcome.quarantined_files:  # alerted already, one alert per file
        context.log.error(
            f"night of {day} could not read and did not land: "
            f"{', '.join(outcome.quarantined_files)} (see raw.quarantined_files)"
        )
    context.log.info(summary)


@dg.job(
    name="incremental_night",
    description="What the 02:00 schedule runs: the night of the day just ended, landing and "
    "rebuilding only what changed (the partition and `nightly` runs it starts are runs of "
    "their own), then that day's release.",
    # Not in the `warehouse` pool: the runs it starts take the pool step by step.
    executor_def=dg.in_process_executor,
)
def incremental_night_job() -> None:
    run_incremental_night()


@dg.schedule(
    name="nightly_at_0200_wib",
    job=incremental_night_job,
    cron_schedule="0 2 * * *",
    execution_timezone=settings.TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 02:00 WIB the night processes the day just ended: its release carries that date."""
    day_before = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    return dg.RunRequest(
        run_key=day_before,
        tags={RELEASE_DATE_TAG: day_before},
        run_config={"ops": {"run_incremental_night": {"config": {"day": day_before}}}},
    )
