"""The quality domain's Dagster definitions: gate checks on dbt assets and the report asset."""

from __future__ import annotations

from orchestration.publish.assets import MART_KEYS
from orchestration.quality.gates import build_gate_checks
from orchestration.quality.report import data_quality_report
from orchestration.transform.dbt import warehouse_dbt_assets

quality_checks = build_gate_checks(warehouse_dbt_assets.keys, MART_KEYS)
quality_assets = [data_quality_report]
