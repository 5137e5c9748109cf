"""dbt run in the step's own process gives Dagster what a dbt subprocess gives, and lets go of
the warehouse file when it is done (orchestration/transform/dbt_in_process.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import dbt_assets

from orchestration.transform import dbt_in_process
from orchestration.transform.dbt import WarehouseDbtResource
from orchestration.transform.dbt_in_process import DbtInThisProcess, in_process_arguments

PROJECT = """name: tiny
version: "1.0"
profile: tiny
model-paths: ["models"]
"""
DBT = str(Path(sys.executable).parent / "dbt")
MODELS_YML = """version: 2
models:
  - name: counts
    columns:
      - name: n
        data_tests: [not_null]
"""


def _tiny_project(root: Path, model_sql: str = "select 1 as n") -> Path:
    project = root / "tiny"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(PROJECT)
    (project / "profiles.yml").write_text(
        "tiny:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        f"      path: {root / 'tiny.duckdb'}\n      threads: 1\n"
    )
    (project / "models" / "counts.sql").write_text(model_sql)
    (project / "models" / "schema.yml").write_text(MODELS_YML)
    return project


def _run(project: Path, target: Path, *arguments: str) -> tuple:
    environment = {"DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target)}
    environment["DBT_PROFILES_DIR"] = str(project)
    full = in_process_arguments(list(arguments), environment, project)
    process = DbtInThisProcess(["dbt", *full], project, target)
    with process.stdout as lines:
        events = [json.loads(line) for line in lines]
    return process.wait(), events


def test_the_settings_dagster_dbt_puts_in_the_environment_become_flags(tmp_path: Path) -> None:
    arguments = in_process_arguments(
        ["build", "--select", "counts"],
        {
            "DBT_TARGET_PATH": "/t",
            "DBT_LOG_PATH": "/t",
            "DBT_PROFILES_DIR": "/p",
            "DBT_INDIRECT_SELECTION": "empty",
        },
        tmp_path,
    )
    assert arguments[0] == "build"
    assert arguments[-2:] == ["--select", "counts"]

    def value(flag: str) -> str:
        return arguments[arguments.index(flag) + 1]

    assert value("--target-path") == "/t" and value("--log-path") == "/t"
    assert value("--profiles-dir") == "/p" and value("--indirect-selection") == "empty"
    assert value("--project-dir") == str(tmp_path)
    # Nothing printed by dbt itself; its debug log still goes to the file.
    assert value("--log-level") == "none" and value("--log-level-file") == "debug"


def test_events_and_exit_code_as_a_dbt_subprocess_prints_them(tmp_path: Path) -> None:
    project = _tiny_project(tmp_path)
    code, events = _run(project, tmp_path / "target", "build")
    assert code == 0
    results = [e for e in events if e["info"]["name"] in {"LogModelResult", "LogTestResult"}]
    assert {e["data"]["node_info"]["unique_id"] for e in results} >= {"model.tiny.counts"}
    assert all(e["info"]["level"] in {"info", "warn", "error"} for e in events)
    # dbt's own debug log is written where a subprocess writes it.
    assert (tmp_path / "target" / "dbt.log").stat().st_size > 0


def test_a_failing_model_exits_1_with_its_error(tmp_path: Path) -> None:
    project = _tiny_project(tmp_path, "select * from a_table_that_does_not_exist")
    code, events = _run(project, tmp_path / "target", "build")
    assert code == 1
    errors = [e["info"]["msg"] for e in events if e["info"]["level"] == "error"]
    assert any("a_table_that_does_not_exist" in message for message in errors)


def test_a_bad_command_exits_2(tmp_path: Path) -> None:
    project = _tiny_project(tmp_path)
    code, events = _run(project, tmp_path / "target", "build", "--no-such-flag")
    assert code == 2
    assert [e for e in events if e["info"]["level"] == "error"]


def test_the_warehouse_file_is_free_for_another_writer_after_the_run(tmp_path: Path) -> None:
    project = _tiny_project(tmp_path)
    assert _run(project, tmp_path / "target", "build")[0] == 0
    # Another process opens the file read-write: DuckDB refuses while any process holds it.
    writer = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
        "c.execute('create table other as select 2 as n'); c.close()"
    )
    completed = subprocess.run(
        [sys.executable, "-c", writer, str(tmp_path / "tiny.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_the_project_is_parsed_once_and_again_after_an_edit(tmp_path: Path) -> None:
    project = _tiny_project(tmp_path)
    first = dbt_in_process.parsed_manifest(project, tmp_path / "t1")
    assert dbt_in_process.parsed_manifest(project, tmp_path / "t2") is first
    model = project / "models" / "counts.sql"
    model.write_text("select 2 as n")
    stamp = model.stat().st_mtime + 5
    os.utime(model, (stamp, stamp))
    assert dbt_in_process.parsed_manifest(project, tmp_path / "t3") is not first


@pytest.mark.parametrize("in_process", ["1", "0"])
def test_dagster_gets_the_same_materialisations_and_checks_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_process: str
) -> None:
    project = _tiny_project(tmp_path)
    parsed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "parse",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    assert parsed.returncode == 0, parsed.stdout
    monkeypatch.setenv("LMIS_DBT_IN_PROCESS", in_process)

    @dbt_assets(manifest=project / "target" / "manifest.json")
    def tiny_assets(context: dg.AssetExecutionContext, dbt: WarehouseDbtResource):
        yield from dbt.cli(["build"], context=context, target_path=tmp_path / "run").stream()

    resource = WarehouseDbtResource(
        project_dir=str(project), profiles_dir=str(project), dbt_executable=DBT
    )
    result = dg.materialize([tiny_assets], resources={"dbt": resource})
    assert result.success
    materialised = [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()]
    assert materialised == ["counts"]
    checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert [(c.check_name, c.passed) for c in checks] == [("not_null_counts_n", True)]


def test_a_second_run_waits_for_the_first_and_their_events_stay_apart(tmp_path: Path) -> None:
    project = _tiny_project(tmp_path)
    environment = {"DBT_TARGET_PATH": str(tmp_path / "t"), "DBT_LOG_PATH": str(tmp_path / "t")}
    environment["DBT_PROFILES_DIR"] = str(project)
    arguments = ["dbt", *in_process_arguments(["build"], environment, project)]
    # Two at once, as a step's retry in this process would start while an interrupted run goes on.
    first = DbtInThisProcess(arguments, project, tmp_path / "t")
    second = DbtInThisProcess(arguments, project, tmp_path / "t")
    streams = []
    for process in (first, second):
        with process.stdout as lines:
            streams.append([json.loads(line) for line in lines])
    assert first.wait() == 0 and second.wait() == 0
    invocations = [{e["info"].get("invocation_id") for e in s if "data" in e} for s in streams]
    assert all(len(ids) == 1 for ids in invocations), invocations
    assert invocations[0] != invocations[1]
    for stream in streams:
        names = [e["info"]["name"] for e in stream]
        assert names.count("LogModelResult") == 1 and names.count("LogTestResult") == 1


def test_any_added_removed_or_edited_project_file_is_a_new_project_version(tmp_path: Path) -> None:
    from orchestration.transform.dbt import project_version

    project = _tiny_project(tmp_path)
    versions = [project_version(project)]
    python_model = project / "models" / "py_model.py"
    python_model.write_text("def model(dbt, session):\n    return session.sql('select 1')\n")
    versions.append(project_version(project))
    stat = python_model.stat()
    python_model.write_text("def model(dbt, session):\n    return session.sql('select 22')\n")
    # The same modification time as before (a copy that keeps times): the size still differs.
    os.utime(python_model, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    versions.append(project_version(project))
    (project / "models" / "counts.sql").unlink()  # not the newest file
    versions.append(project_version(project))
    (project / "target").mkdir(exist_ok=True)
    (project / "target" / "compiled.sql").write_text("select 1")  # dbt's output: not a source
    versions.append(project_version(project))
    assert len(set(versions[:4])) == 4 and versions[4] == versions[3]
