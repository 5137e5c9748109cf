"""Dagster definitions of the warehouse: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

import dagster as dg

from orchestration.admin.assets import admin_landing_assets, admin_landing_checks
from orchestration.crawling.assets import crawl_assets
from orchestration.crawling.jobs import crawl_daily_job, crawl_daily_schedule
from orchestration.crawling.resources import crawler_resource
from orchestration.jobs import (
    PARTITIONED_LANDING_JOBS,
    incremental_night_job,
    nightly_job,
    nightly_schedule,
)
from orchestration.landing.assets import landing_assets, landing_checks
from orchestration.operations.alerts import alert_on_run_failure
from orchestration.operations.landing_sensor import new_files_in_landing
from orchestration.operations.policies import with_mart_freshness
from orchestration.publish.assets import labour_market_overview, parquet_marts
from orchestration.quality.assets import quality_assets, quality_checks
from orchestration.reports.assets import report_assets
from orchestration.resources import warehouse_resource
from orchestration.sakernas.assets import sakernas_assets
from orchestration.transform.dbt import dbt_resource, warehouse_dbt_assets

defs = dg.Definitions(
    assets=[
        *landing_assets,
        *admin_landing_assets,
        *crawl_assets,
        *sakernas_assets,
        with_mart_freshness(warehouse_dbt_assets),
        with_mart_freshness(parquet_marts),
        labour_market_overview,
        *report_assets,
        *quality_assets,
    ],
    asset_checks=[*landing_checks, *admin_landing_checks, *quality_checks],
    jobs=[nightly_job, incremental_night_job, *PARTITIONED_LANDING_JOBS, crawl_daily_job],
    schedules=[nightly_schedule, crawl_daily_schedule],
    sensors=[alert_on_run_failure, new_files_in_landing],
    resources={
        "warehouse": warehouse_resource(),
        "dbt": dbt_resource(),
        "crawler": crawler_resource(),
    },
)
