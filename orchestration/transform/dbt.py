"""The dbt project as Dagster assets: every model, seed and test, keyed like the warehouse.

dagster-dbt reads `dbt_project/target/manifest.json` when this module is imported, so the
manifest is (re)built here with `dbt parse` whenever it is missing or older than a model file;
this keeps a clean clone and an edited model working without a separate step.

A run that builds every dbt node (`lmis run`, a rebuild, the scheduled job) passes
`--full-refresh`, so the incremental models (the partitioned admin staging tables) are rebuilt
from raw; a run of a subset (the incremental night) builds them incrementally. A build that fails
on a model or a test is not retried (it would fail alike); one held off by a lock or a disk
error is, by the nightly retry policy.

What a dbt step costs before dbt does any work is kept small (it was 12 s of an incremental
night): dagster-dbt asks the dbt executable for its version in a subprocess and opens a dbt
adapter in this process on every invocation (`WarehouseDbtResource` skips both), and dbt
re-parses the whole project when the partial-parse state it finds was written for another
warehouse path (the profile's `path` is part of it), so the state dbt leaves after a run is kept
per warehouse path and handed to the next run on the same warehouse. dbt itself runs in the
step's process (`dbt_in_process`): no interpreter or dbt imports per step, one parse per
process.
"""

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_dbt.asset_utils import (
    extract_runtime_selection_from_args,
    get_updated_cli_invocation_params_for_context,
)
from dagster_dbt.compat import DBT_PYTHON_VERSION
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration import settings
from orchestration.transform.dbt_in_process import (
    DbtInThisProcess,
    in_process_arguments,
    in_process_enabled,
)
from orchestration.transform.failing_rows import stream_with_failing_rows

log = logging.getLogger(__name__)

MANIFEST_PATH = settings.DBT_PROJECT_DIR / "target" / "manifest.json"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"

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


PROJECT_SOURCE_SUFFIXES = (".sql", ".py", ".yml", ".csv", ".md")
"""The dbt project's own files: SQL and Python models, macros, YAML, seeds, docs."""
GENERATED_FOLDERS = {"target", "dbt_packages", "logs", "__pycache__"}


def project_files(project_dir: Path) -> list[tuple[str, os.stat_result]]:
    """Every file of the dbt project that dbt parses, as (path under the project, its stat)."""
    found = []
    # A walk that never enters target/: every dbt run leaves a folder of compiled SQL there
    # (thousands of files after some nights), and globbing them cost seconds per process start.
    for folder, subfolders, files in os.walk(project_dir):
        subfolders[:] = sorted(name for name in subfolders if name not in GENERATED_FOLDERS)
        for name in sorted(files):
            if name.endswith(PROJECT_SOURCE_SUFFIXES):
                path = os.path.join(folder, name)
                found.append((os.path.relpath(path, project_dir), os.stat(path)))
    return found


def newest_project_source(project_dir: Path) -> float:
    """The latest modification time of the dbt project's own files."""
    return max((stat.st_mtime for _, stat in project_files(project_dir)), default=0.0)


def project_version(project_dir: Path) -> str:
    """A key that changes when any project file is added, removed, renamed or rewritten (path,
    size and modification time of each; a copy that keeps older times still changes a size or
    a name in practice, and an edit moves the time)."""
    digest = hashlib.sha256()
    for relative, stat in project_files(project_dir):
        digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _project_sources_newer_than(path: Path) -> bool:
    return newest_project_source(settings.DBT_PROJECT_DIR) > path.stat().st_mtime


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


def _installed_dbt() -> Path:
    return Path(sys.executable).parent / "dbt"


def _dbt_executable() -> str:
    # The dbt installed beside this interpreter, so the locked version runs.
    candidate = _installed_dbt()
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


class WarehouseDbtResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without the two probes it makes before every invocation.

    Both override private methods of dagster-dbt (1.13): should a later version rename them,
    the probes simply come back and cost their seconds again.
    """

    @cached_property
    def _cli_version(self):
        # `dbt --version` in a subprocess (3-7 s on the shared machine, and a look-up of the
        # latest release on the package index): the dbt we run is the one installed with this
        # interpreter, whose version dagster-dbt has already imported.
        if DBT_PYTHON_VERSION is not None and self.dbt_executable == str(_installed_dbt()):
            return DBT_PYTHON_VERSION
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]):
        # The in-process adapter only serves row-count and column metadata, which these assets
        # never fetch; opening it loads the profile and every macro.
        return None

    def cli(
        self,
        args: Sequence[str],
        *,
        raise_on_error: bool = True,
        manifest=None,
        dagster_dbt_translator: DagsterDbtTranslator | None = None,
        context=None,
        target_path: Path | None = None,
    ) -> DbtCliInvocation:
        """dagster-dbt's invocation, with dbt run in this process (`dbt_in_process`) unless
        `LMIS_DBT_IN_PROCESS=0`. Only a step with its context and target folder (the dbt
        assets) runs here; anything else goes to dagster-dbt's subprocess."""
        if not (in_process_enabled() and context is not None and target_path is not None):
            return super().cli(
                args,
                raise_on_error=raise_on_error,
                manifest=manifest,
                dagster_dbt_translator=dagster_dbt_translator,
                context=context,
                target_path=target_path,
            )
        # The same selection dagster-dbt computes for a subprocess (asset_utils, public helpers
        # of dagster-dbt 1.13; check them on an upgrade).
        cleaned_args, selects, excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest=manifest or {},
            dagster_dbt_translator=dagster_dbt_translator or DagsterDbtTranslator(),
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        project_dir = Path(
            params.dbt_project.project_dir if params.dbt_project else self.project_dir
        )
        environment = {
            "DBT_TARGET_PATH": str(target_path),
            "DBT_LOG_PATH": str(target_path),
            "DBT_PROFILES_DIR": self.profiles_dir or "",
            "DBT_INDIRECT_SELECTION": params.indirect_selection or "",
        }
        profile = ["--profile", self.profile] if self.profile else []
        profile += ["--target", self.target] if self.target else []
        arguments = [
            *self.global_config_flags,
            *in_process_arguments(
                [*cleaned_args, *profile, *params.selection_args], environment, project_dir
            ),
        ]
        target_path.mkdir(parents=True, exist_ok=True)
        process = DbtInThisProcess(
            ["dbt", *arguments],
            project_dir,
            target_path,
            Path(self.profiles_dir) if self.profiles_dir else None,
        )
        log.info("running dbt in this process: dbt %s", " ".join(arguments))
        return DbtCliInvocation(
            process=process,
            manifest=params.manifest,
            dagster_dbt_translator=params.dagster_dbt_translator,
            project_dir=project_dir,
            target_path=target_path,
            raise_on_error=raise_on_error,
            cli_version=self._cli_version,
            project=params.dbt_project,
            context=context,
            adapter=None,
        )


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtResource(
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
    """Build and test the selected dbt models and seeds (`dbt build`); all of them: from scratch."""
    os.environ["LMIS_WAREHOUSE"] = str(settings.WAREHOUSE_PATH)
    # No manifest.json or run_results.json in the run's target folder: nothing reads them (the
    # events come from dbt's log stream), and writing the manifest cost about a second a run.
    args = ["build", "--no-write-json"]
    if not context.is_subset:
        args.append("--full-refresh")
    target_path = (
        settings.DBT_PROJECT_DIR / "target" / f"run-{context.run.run_id[:8]}-{uuid.uuid4().hex[:7]}"
    )
    parse_state = partial_parse_state_path()
    if parse_state.exists():
        # dagster-dbt copies `target/partial_parse.msgpack` only into a target folder without one.
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parse_state, target_path / PARTIAL_PARSE_FILE)
    events = dbt.cli(args, context=context, target_path=target_path).stream()
    try:
        # A failed test's check follows when dbt has let go of the warehouse, with its first
        # failing rows for the alert (`failing_rows`).
        yield from stream_with_failing_rows(
            events, MANIFEST_PATH, target_path, settings.WAREHOUSE_PATH
        )
    except DagsterDbtCliRuntimeError as exc:
        if not is_transient_dbt_failure(str(exc)):
            # A model or test that failed fails the same way again: three full builds (the
            # nightly retry policy) only triple the time and the failed-check lines of the alert.
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        raise
    keep_partial_parse_state(target_path / PARTIAL_PARSE_FILE, parse_state)
    # The compiled SQL of a run that failed stays for whoever looks into it; a successful run's
    # goes, or every night would leave a few hundred files behind.
    shutil.rmtree(target_path, ignore_errors=True)


TRANSIENT_DBT_ERRORS = ("Could not set lock", "IO Error:")
"""What a dbt build may fail on and not fail on again: the warehouse file held by another process
or a disk that hiccupped (DuckDB's messages, as DuckDB writes them). Anything else is not
retried."""


def is_transient_dbt_failure(message: str) -> bool:
    """True when a failed dbt build's error is one a retry may not meet (`TRANSIENT_DBT_ERRORS`)."""
    return any(error in message for error in TRANSIENT_DBT_ERRORS)


def partial_parse_state_path() -> Path:
    """Where dbt's partial-parse state for the current warehouse path is kept between runs."""
    key = hashlib.sha256(str(settings.WAREHOUSE_PATH.resolve()).encode()).hexdigest()[:16]
    return settings.DBT_PROJECT_DIR / "target" / "partial_parse" / f"{key}.msgpack"


def keep_partial_parse_state(written: Path, kept: Path) -> None:
    """Keep the state a dbt run wrote, replacing the previous one in one rename."""
    if not written.exists():
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_name(f".{kept.name}.{os.getpid()}")
    shutil.copyfile(written, partial)
    partial.replace(kept)
