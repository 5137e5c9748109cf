"""The dbt project as Dagster assets: every model, seed and test, keyed like the warehouse.

dagster-dbt reads `dbt_project/target/manifest.json` when this module is imported, so the
manifest is (re)built here with `dbt parse` whenever it is missing or older than a model file;
this keeps a clean clone and an edited model working without a separate step.
"""

import logging
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration import settings

log = logging.getLogger(__name__)

MANIFEST_PATH = settings.DBT_PROJECT_DIR / "target" / "manifest.json"

# dbt folder -> Dagster group, so a domain's raw, staging and mart assets sit together.
GROUP_BY_FOLDER = {
    "vacancies": "vacancies",
    "crawled": "vacancies",
    "sakernas": "labour_force",
    "labour_force": "labour_force",
    "reference": "reference",
    "core": "reference",
    "admin": "admin",
}


def dbt_environment() -> dict[str, str]:
    """The environment every dbt invocation gets: the warehouse path and no telemetry."""
    return {
        **os.environ,
        "LMIS_WAREHOUSE": str(settings.WAREHOUSE_PATH),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def _project_sources_newer_than(path: Path) -> bool:
    built = path.stat().st_mtime
    for pattern in ("**/*.sql", "**/*.yml", "**/*.csv", "**/*.md"):
        for source in settings.DBT_PROJECT_DIR.glob(pattern):
            if "target" in source.parts or "dbt_packages" in source.parts:
                continue
            if source.stat().st_mtime > built:
                return True
    return False


def ensure_manifest() -> Path:
    """Run `dbt parse` when the manifest is missing or stale; return its path."""
    if MANIFEST_PATH.exists() and not _project_sources_newer_than(MANIFEST_PATH):
        return MANIFEST_PATH
    log.info("building the dbt manifest (dbt parse)")
    completed = subprocess.run(
        [
            _dbt_executable(),
            "parse",
            "--quiet",
            "--project-dir",
            str(settings.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(settings.DBT_PROJECT_DIR),
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env=dbt_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{completed.stdout}\n{completed.stderr}")
    return MANIFEST_PATH


def _dbt_executable() -> str:
    # The dbt installed beside this interpreter, so the locked version runs.
    import sys

    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


class WarehouseTranslator(DagsterDbtTranslator):
    """Asset keys follow the warehouse: `raw/<table>`, `staging/<model>`, `marts/<model>`."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # Keyed by schema, not source name: a table written by a Python asset into
            # `staging` is `staging/<table>` whichever dbt source declares it.
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        folder = fqn[-2] if len(fqn) >= 3 else "reference"
        return GROUP_BY_FOLDER.get(folder, "reference")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=str(settings.DBT_PROJECT_DIR),
        profiles_dir=str(settings.DBT_PROJECT_DIR),
        dbt_executable=_dbt_executable(),
    )


@dbt_assets(
    manifest=ensure_manifest(),
    dagster_dbt_translator=WarehouseTranslator(),
    pool="warehouse",
)
def warehouse_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Build and test every dbt model and seed (`dbt build`)."""
    os.environ["LMIS_WAREHOUSE"] = str(settings.WAREHOUSE_PATH)
    yield from dbt.cli(["build"], context=context).stream()
