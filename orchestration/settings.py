"""Paths and settings shared by every part of the warehouse.

Each value can be overridden with an environment variable (documented in `.env.example`), so tests
and operators can point the pipeline at another data folder or warehouse file without code changes.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingError(ValueError):
    """An `LMIS_*` variable holds a value the pipeline cannot use; the message names the
    variable, its value and the values allowed. A configuration error: no retry can fix it, so a
    step raises it without retries and `lmis` ends with one line and exit code 2."""


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


DATA_DIR = _path_from_env("LMIS_DATA_DIR", REPO_ROOT / "data")
"""Shipped inputs (`real/`, `reference/`, `synthetic/`) live here, read-only for the pipeline."""

WAREHOUSE_PATH = _path_from_env("LMIS_WAREHOUSE", DATA_DIR / "warehouse.duckdb")
"""The single DuckDB file the pipeline writes."""

MARTS_DIR = _path_from_env("LMIS_MARTS_DIR", DATA_DIR / "marts")
"""Parquet exports of every mart, for researchers."""

REPORTS_DIR = _path_from_env("LMIS_REPORTS_DIR", REPO_ROOT / "reports" / "output")
"""Generated HTML reports."""

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

TIMEZONE = "Asia/Jakarta"
"""Every schedule and every local date in the warehouse uses Jakarta time (WIB)."""

DAGSTER_HOME = _path_from_env("DAGSTER_HOME", REPO_ROOT / ".dagster_home")
"""Project-local Dagster instance: run history, schedules and logs stay with the checkout."""


WAREHOUSE_POOL_CONFIG = "concurrency:\n  pools:\n    default_limit: 1\n"
"""Instance setting that limits every pool, `warehouse` included, to one step at a time."""


EVENT_LOG_CONFIG = (
    "event_log_storage:\n"
    "  module: orchestration.operations.event_log\n"
    "  class: PooledSqliteEventLogStorage\n"
)
"""Instance setting: Dagster's SQLite event log with its databases kept open (a write costs
milliseconds instead of a connection, a checkpoint and a wait for the disk; see the module)."""


TICK_RETENTION_CONFIG = (
    "retention:\n"
    "  schedule:\n"
    "    purge_after_days: 30\n"
    "  sensor:\n"
    "    purge_after_days:\n"
    "      skipped: 7\n"
    "      success: 30\n"
    "      failure: 30\n"
    "      started: 30\n"
)
"""Instance setting: the daemon deletes schedule ticks after 30 days and sensor ticks after 7
(skipped) or 30 days (Dagster's default keeps every tick but a sensor's skipped ones for ever;
the new-files sensor ticks every `landing_sensor.LANDING_SENSOR_INTERVAL_SECONDS`, some 2,000
ticks a week). Runs are pruned by the night itself (`orchestration/operations/retention.py`)."""


def _append_block(config: Path, block: str) -> None:
    # A file edited by hand may end without a newline: the block must start on a line of its own.
    text = config.read_text()
    with config.open("a") as handle:
        handle.write(("" if not text or text.endswith("\n") else "\n") + block)


def _top_level_keys(config: Path) -> set[str]:
    loaded = yaml.safe_load(config.read_text())
    return set(loaded) if isinstance(loaded, dict) else set()


def ensure_dagster_home() -> Path:
    """Create the Dagster home with telemetry off and export it for Dagster to find."""
    DAGSTER_HOME.mkdir(parents=True, exist_ok=True)
    config = DAGSTER_HOME / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    if "concurrency" not in _top_level_keys(config):
        # The `warehouse` pool admits one step at a time across runs: DuckDB has one writer.
        _append_block(config, WAREHOUSE_POOL_CONFIG)
    if not _top_level_keys(config) & {
        "storage",
        "run_storage",
        "event_log_storage",
        "schedule_storage",
    }:
        # A home whose storage someone chose (Postgres, say) is left as it is.
        _append_block(config, EVENT_LOG_CONFIG)
    if "retention" not in _top_level_keys(config):
        # The daemon bounds the tick history by this block; a home with its own keeps it.
        _append_block(config, TICK_RETENTION_CONFIG)
    os.environ["DAGSTER_HOME"] = str(DAGSTER_HOME)
    return DAGSTER_HOME


BACKUP_DIR = _path_from_env("LMIS_BACKUP_DIR", DATA_DIR / "backups")
"""Warehouse snapshots taken by `lmis backup`."""
