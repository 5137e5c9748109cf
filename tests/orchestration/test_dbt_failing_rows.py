"""A failed dbt test's alert names its first failing rows, as a failed raw, staging or
publication check does (orchestration/transform/failing_rows.py, operations/alerts.py)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import dbt_assets

from orchestration import settings
from orchestration.operations.alerts import alert_on_step_failure
from orchestration.transform.dbt import WarehouseDbtResource
from orchestration.transform.failing_rows import (
    FAILING_ROWS_KEY,
    first_failing_rows,
    row_text,
    with_failing_rows,
)

DBT = str(Path(sys.executable).parent / "dbt")
PROJECT = """name: tiny
version: "1.0"
profile: tiny
model-paths: ["models"]
macro-paths: ["macros"]
"""
# Seven postings: two without a title, and p7 twice.
POSTINGS_SQL = """select * from (values
    ('p1', 'Kasir'), ('p2', null), ('p3', 'Sopir'), ('p4', null),
    ('p5', 'Guru'), ('p6', 'Perawat'), ('p7', 'Satpam'), ('p7', 'Satpam')
) as postings (posting_id, job_title)
"""
MODELS_YML = """version: 2
models:
  - name: postings
    columns:
      - name: posting_id
        data_tests: [unique]
      - name: job_title
        data_tests: [not_null]
"""


def _broken_project(root: Path, models: dict[str, str] | None = None) -> Path:
    project = root / "tiny"
    (project / "models").mkdir(parents=True)
    (project / "macros").mkdir()
    (project / "dbt_project.yml").write_text(PROJECT)
    (project / "profiles.yml").write_text(
        "tiny:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        f"      path: {root / 'tiny.duckdb'}\n      threads: 1\n"
    )
    for name, text in (models or {"postings.sql": POSTINGS_SQL, "schema.yml": MODELS_YML}).items():
        (project / "models" / name).write_text(text)
    # The warehouse's own not_null, which selects whole rows.
    shutil.copy(settings.DBT_PROJECT_DIR / "macros" / "test_not_null.sql", project / "macros")
    parsed = subprocess.run(
        [DBT, "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    assert parsed.returncode == 0, parsed.stdout
    return project


@pytest.mark.parametrize("in_process", ["1", "0"])
def test_a_failed_dbt_test_alert_names_its_first_failing_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_process: str
) -> None:
    # Regression: the alert said "2 row(s) fail it" and named none of them.
    from orchestration.transform.failing_rows import stream_with_failing_rows

    monkeypatch.setenv("LMIS_DBT_IN_PROCESS", in_process)
    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    project = _broken_project(tmp_path)
    manifest = project / "target" / "manifest.json"
    target = tmp_path / "run"

    @dbt_assets(manifest=manifest)
    def tiny_assets(context: dg.AssetExecutionContext, dbt: WarehouseDbtResource):
        events = dbt.cli(["build", "--no-write-json"], context=context, target_path=target)
        yield from stream_with_failing_rows(
            events.stream(), manifest, target, tmp_path / "tiny.duckdb"
        )

    resource = WarehouseDbtResource(
        project_dir=str(project), profiles_dir=str(project), dbt_executable=DBT
    )
    job = dg.define_asset_job("tiny", hooks={alert_on_step_failure})
    defs = dg.Definitions(assets=[tiny_assets], jobs=[job], resources={"dbt": resource})
    result = defs.resolve_job_def("tiny").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    [path] = list((tmp_path / "alerts").glob("*.json"))
    alert = json.loads(path.read_text())
    described = {check["check"]: check["description"] for check in alert["failed_checks"]}
    assert described == {
        "not_null_postings_job_title": "dbt test not_null_postings_job_title: 2 row(s) fail it "
        "(status fail); first 2 failing row(s): posting_id=p2 job_title=None | "
        "posting_id=p4 job_title=None",
        "unique_postings_posting_id": "dbt test unique_postings_posting_id: 1 row(s) fail it "
        "(status fail); first 1 failing row(s): unique_field=p7 n_records=2",
    }
    assert "posting_id=p2 job_title=None" in alert["message"]
    # The materialisation went out as it came; only the failed checks waited for dbt's end.
    assert [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()] == [
        "postings"
    ]


def test_no_more_than_five_rows_and_a_wide_row_is_cut(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create table t as select range as row_id, null as x from range(12)")
        rows = first_failing_rows(con, "select * from t where x is null order by row_id", "x")
    assert rows == [f"row_id={n} x=None" for n in range(5)]
    wide = row_text(["note"], ("a" * 500,), None)
    assert len(wide) == 300 and wide.endswith("...")
    # No column names the row (a mart keyed on codes and a year): the whole row, not the null.
    keyed = row_text(["province_code", "wage_year", "wage_idr"], ("15", 2015, None), "wage_idr")
    assert keyed == "province_code=15 wage_year=2015 wage_idr=None"


def test_rows_that_cannot_be_read_leave_the_check_as_dbt_reported_it(tmp_path: Path) -> None:
    check = dg.AssetCheckResult(
        asset_key=["marts", "postings"],
        check_name="not_null_postings_job_title",
        passed=False,
        metadata={"unique_id": "test.tiny.missing", "status": "fail"},
    )
    # No manifest, and then no warehouse: the check goes out unchanged, nothing raised.
    assert with_failing_rows([check], tmp_path / "none.json", tmp_path, tmp_path / "w.duckdb") == [
        check
    ]
    (tmp_path / "manifest.json").write_text(json.dumps({"nodes": {}}))
    duckdb.connect(str(tmp_path / "w.duckdb")).close()
    [same] = with_failing_rows([check], tmp_path / "manifest.json", tmp_path, tmp_path / "w.duckdb")
    assert FAILING_ROWS_KEY not in same.metadata


# Job seekers keyed on no `*_id` column, so a failing row shows every column.
SEEKERS_SQL = """select * from (values
    ('Budi Santoso', '081234567890', 'budi@example.com NIK 3201011203900001', null),
    ('Ani', '+62 812 3456 7890', 'kontak 0812-9876-5432', '3171'),
    ('Citra', null, 'budi@example.com NIK 3201011203900001', '3174')
) as seekers (full_name, phone, note, regency_code)
"""
SEEKERS_YML = """version: 2
models:
  - name: seekers
    columns:
      - name: note
        data_tests: [unique]
      - name: regency_code
        data_tests: [not_null]
"""


def test_failing_rows_in_an_alert_carry_no_personal_data(tmp_path: Path, monkeypatch) -> None:
    # Regression: the alert quoted failing rows as stored, names, phones, e-mails and NIKs too.
    from orchestration.transform.failing_rows import stream_with_failing_rows

    monkeypatch.setenv("LMIS_DBT_IN_PROCESS", "1")
    monkeypatch.setenv("LMIS_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.delenv("LMIS_ALERT_COMMAND", raising=False)
    project = _broken_project(tmp_path, {"seekers.sql": SEEKERS_SQL, "schema.yml": SEEKERS_YML})
    manifest = project / "target" / "manifest.json"
    target = tmp_path / "run"

    @dbt_assets(manifest=manifest)
    def tiny_assets(context: dg.AssetExecutionContext, dbt: WarehouseDbtResource):
        events = dbt.cli(["build", "--no-write-json"], context=context, target_path=target)
        yield from stream_with_failing_rows(
            events.stream(), manifest, target, tmp_path / "tiny.duckdb"
        )

    resource = WarehouseDbtResource(
        project_dir=str(project), profiles_dir=str(project), dbt_executable=DBT
    )
    job = dg.define_asset_job("tiny", hooks={alert_on_step_failure})
    defs = dg.Definitions(assets=[tiny_assets], jobs=[job], resources={"dbt": resource})
    result = defs.resolve_job_def("tiny").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    [path] = list((tmp_path / "alerts").glob("*.json"))
    text = path.read_text()
    alert = json.loads(text)
    described = {check["check"]: check["description"] for check in alert["failed_checks"]}
    assert described["not_null_seekers_regency_code"].endswith(
        "first 1 failing row(s): full_name=[removed] phone=[removed] "
        "note=[email] NIK [nik] regency_code=None"
    )
    # dbt's unique test calls the column `unique_field`: its values are masked by pattern.
    assert described["unique_seekers_note"].endswith(
        "first 1 failing row(s): unique_field=[email] NIK [nik] n_records=2"
    )
    for clear in ("Budi", "081234567890", "budi@example.com", "3201011203900001"):
        assert clear not in text


def test_a_row_shows_personal_columns_removed_and_personal_values_masked() -> None:
    columns = ["job_seeker_id", "email", "contact_person", "reason"]
    row = ("3201011203900001", "ani@example.com", "Ani", "call 0812-9876-5432 or ani@example.com")
    assert row_text(columns, row, "reason") == (
        "job_seeker_id=[nik] reason=call [phone] or [email]"
    )
    assert row_text(columns[1:], row[1:], None) == (
        "email=[removed] contact_person=[removed] reason=call [phone] or [email]"
    )
    # A survey's row number and a null personal value stay as they are.
    assert row_text(["person_id", "phone"], (7, None), "phone") == "person_id=7 phone=None"
