"""`lmis run` on a small nightly job with one slow step, for a test to interrupt (SIGINT, SIGTERM).

Run as `python interrupted_run.py dbt|python|duckdb|after|after-duckdb ROOT`, with the `LMIS_*`
paths and `DAGSTER_HOME` pointed under ROOT. The job is built like `nightly` (in-process
executor, the nightly retry policy, the alert hook) from a slow step and one downstream of it:

- `dbt`: a tiny dbt project (on the run's warehouse file) whose Python model writes
  `ROOT/started` and then sleeps, run in this process by the project's dbt resource;
- `python`: a Python asset that writes `ROOT/started` and then sleeps;
- `duckdb`: a Python asset that writes `ROOT/started` and then runs a DuckDB query that would
  take hours (DuckDB turns the interrupt into its own `RuntimeError('Query interrupted')`),
  writing `ROOT/query-running` once DuckDB reports progress on it (`endless_query`);
- `after`: a quick step; what the night does after its run (recording the publication's
  inputs) writes `ROOT/started` and then sleeps, so the interrupt lands outside any run;
- `after-duckdb`: as `after`, but what follows the run is the endless DuckDB query, which the
  interrupt turns into DuckDB's `RuntimeError('Query interrupted')` outside any run.

Everything else of `lmis run` is the product's own: the command, its night (with nothing to land
and the whole job to run), the runner, the summary after the run.
"""

import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import dagster as dg
from dagster_dbt import dbt_assets

from orchestration import settings
from orchestration.transform.dbt import WarehouseDbtResource

SLEEP_SECONDS = 12
"""How long the slow step sleeps: the test interrupts it long before it ends."""
ENDLESS_QUERY = "select count(*) from range(1000000000000) t(n) where n % 7 = 3"
"""A query DuckDB would take hours over, and interrupts at once."""
QUERY_RUNNING = "query-running"
"""The file `endless_query` writes in ROOT once the query runs: the moment to interrupt it."""

PROJECT = """name: tiny
version: "1.0"
profile: tiny
model-paths: ["models"]
"""
SLOW_MODEL = f"""import time
from pathlib import Path


def model(dbt, session):
    Path({{started!r}}).write_text("started")
    time.sleep({SLEEP_SECONDS})
    return session.sql("select 1 as n")
"""


def tiny_project(root: Path, warehouse: Path) -> Path:
    project = root / "tiny"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(PROJECT)
    (project / "profiles.yml").write_text(
        "tiny:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        f"      path: {warehouse}\n      threads: 1\n"
    )
    (project / "models" / "slow.py").write_text(SLOW_MODEL.format(started=str(root / "started")))
    parsed = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "parse"]
        + ["--project-dir", str(project), "--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    if parsed.returncode != 0:
        raise RuntimeError(parsed.stdout + parsed.stderr)
    return project


def endless_query(root: Path) -> None:
    """Write `ROOT/started`, run `ENDLESS_QUERY`, and write `ROOT/QUERY_RUNNING` once it runs.

    An interrupt that lands before DuckDB executes the query (while it is still parsed or
    planned, or before `execute` is called at all) is Python's own KeyboardInterrupt, not
    DuckDB's `Query interrupted`; only a sign from inside the query says it is time to send one.
    """
    import duckdb

    with duckdb.connect() as con:
        # One thread: the main one, which the signal reaches, runs the query and stops it
        # between two chunks; a task on a worker thread is waited for to its end.
        con.execute("set threads = 1")
        # Progress is what says the query runs (-1 until it does); computed from the first
        # chunk, never printed.
        con.execute("set enable_progress_bar = true")
        con.execute("set enable_progress_bar_print = false")
        con.execute("set progress_bar_time = 0")
        (root / "started").write_text("started")
        watcher = threading.Thread(
            target=_mark_when_running, args=(con, root / QUERY_RUNNING), daemon=True
        )
        watcher.start()
        con.execute(ENDLESS_QUERY).fetchall()


def _mark_when_running(con, marker: Path) -> None:
    # Runs on another thread while the main one waits in `execute`, which has let go of the
    # GIL; a connection closed under it (the query failed before it ran) ends the watch quietly.
    import duckdb

    deadline = time.monotonic() + 120
    try:
        while con.query_progress() < 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)
    except duckdb.Error:
        return
    marker.write_text("running")


def slow_step(kind: str, root: Path):
    if kind == "python":

        @dg.asset(key="slow")
        def slow() -> None:
            (root / "started").write_text("started")
            time.sleep(SLEEP_SECONDS)

        return slow, {}
    if kind == "duckdb":

        @dg.asset(key="slow")
        def slow_query() -> None:
            endless_query(root)

        return slow_query, {}
    if kind in ("after", "after-duckdb"):

        @dg.asset(key="slow")
        def quick() -> None:
            pass

        return quick, {}
    project = tiny_project(root, settings.WAREHOUSE_PATH)

    @dbt_assets(manifest=project / "target" / "manifest.json")
    def slow_dbt(context: dg.AssetExecutionContext, dbt: WarehouseDbtResource):
        yield from dbt.cli(["build"], context=context, target_path=root / "target").stream()

    resource = WarehouseDbtResource(
        project_dir=str(project),
        profiles_dir=str(project),
        dbt_executable=str(Path(sys.executable).parent / "dbt"),
    )
    return slow_dbt, {"dbt": resource}


def main(kind: str, root: Path) -> int:
    from orchestration import cli
    from orchestration.operations import incremental
    from orchestration.operations.alerts import alert_on_step_failure
    from orchestration.operations.policies import NIGHTLY_RETRY_POLICY

    slow, resources = slow_step(kind, root)

    @dg.asset(key="after", deps=["slow"])
    def after() -> None:
        (root / "after-ran").write_text("ran")

    job = dg.define_asset_job(
        name="nightly",
        selection=dg.AssetSelection.all(),
        executor_def=dg.in_process_executor,
        op_retry_policy=NIGHTLY_RETRY_POLICY,
        hooks={alert_on_step_failure},
    )
    # The runner resolves the job from the code location's module: here, this small one.
    definitions = types.ModuleType("orchestration.definitions")
    definitions.defs = dg.Definitions(assets=[slow, after], jobs=[job], resources=resources)
    sys.modules["orchestration.definitions"] = definitions
    # No partition to land: the night is the `nightly` job alone.
    incremental.plan_night = lambda until=None, *, full=False: incremental.NightPlan(
        reasons=["interrupt test"]
    )
    if kind == "after":

        def slow_record(run_id: str) -> None:
            (root / "started").write_text("started")
            time.sleep(SLEEP_SECONDS)

        incremental.record_publication_inputs = slow_record
    if kind == "after-duckdb":

        def slow_record(run_id: str) -> None:
            endless_query(root)

        incremental.record_publication_inputs = slow_record
    return cli.main(["run"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
