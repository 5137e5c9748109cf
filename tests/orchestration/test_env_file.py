"""`lmis` reads the project's `.env` as `dagster dev` does, before settings are read.

A reviewer found that nothing in `lmis` read `.env`: `LMIS_ENV=production` and the pseudonym
key set there reached the Dagster UI and its schedules, while `lmis run` from cron used another
warehouse and the published development key. The CLI runs in a subprocess here, because
`orchestration.settings` reads the environment once, when first imported.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration import env_file

REPO_ROOT = Path(__file__).resolve().parents[2]

# `lmis backup` with the project's .env pointed at a test file: it names the warehouse it would
# back up (settings.WAREHOUSE_PATH) in its error, as none exists there.
LMIS_WITH_ENV_FILE = (
    "import sys; from pathlib import Path; from orchestration import cli, env_file; "
    "env_file.ENV_FILE = Path(sys.argv[1]); sys.exit(cli.main(sys.argv[2:]))"
)


def _lmis_backup(env_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMIS_")}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", LMIS_WITH_ENV_FILE, str(env_path), "backup"],
        cwd=env_path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_value_in_dot_env_reaches_settings_and_the_log_names_the_file(tmp_path: Path) -> None:
    warehouse = tmp_path / "from-dot-env.duckdb"
    env_path = tmp_path / ".env"
    env_path.write_text(
        f"# operator's settings\nLMIS_WAREHOUSE={warehouse}\n"
        f"LMIS_PSEUDONYM_KEY='{'s' * 40}'\n"
        f"LMIS_BACKUP_DIR={tmp_path / 'backups'}\n"
    )
    result = _lmis_backup(env_path)
    assert result.returncode == 1, result.stderr
    assert f"no warehouse to back up at {warehouse}" in result.stderr
    assert f"read {env_path}: set 3 environment variable(s)" in result.stderr
    # The count, never a value: the pseudonym key is a secret.
    assert "s" * 40 not in result.stderr


def test_an_exported_variable_beats_dot_env(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    env_path.write_text(f"LMIS_WAREHOUSE={tmp_path / 'from-dot-env.duckdb'}\n")
    exported = tmp_path / "exported.duckdb"
    result = _lmis_backup(
        env_path, LMIS_WAREHOUSE=str(exported), LMIS_BACKUP_DIR=str(tmp_path / "b")
    )
    assert f"no warehouse to back up at {exported}" in result.stderr, result.stderr
    assert "set 0 environment variable(s); 1 already set kept their value" in result.stderr


def test_no_dot_env_is_fine(tmp_path: Path) -> None:
    exported = tmp_path / "exported.duckdb"
    result = _lmis_backup(
        tmp_path / ".env", LMIS_WAREHOUSE=str(exported), LMIS_BACKUP_DIR=str(tmp_path / "b")
    )
    assert result.returncode == 1
    assert f"no warehouse to back up at {exported}" in result.stderr, result.stderr
    assert ".env" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_line_is_reported_with_file_and_line_and_the_rest_is_read(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "from-dot-env.duckdb"
    env_path = tmp_path / ".env"
    env_path.write_text(
        f"LMIS_ENV production\nLMIS_WAREHOUSE={warehouse}\nLMIS_BACKUP_DIR={tmp_path}/b\n"
    )
    result = _lmis_backup(env_path)
    assert f"WARNING lmis: {env_path} line 1: not a NAME=value line" in result.stderr
    assert f"no warehouse to back up at {warehouse}" in result.stderr
    # python-dotenv's own warning, which names no file, is not shown besides ours.
    assert "python-dotenv could not parse" not in result.stderr


def test_the_project_dot_env_is_the_one_next_to_dot_env_example() -> None:
    assert env_file.PROJECT_ENV_FILE == REPO_ROOT / ".env"
    assert (REPO_ROOT / ".env.example").is_file()


def test_importing_the_cli_does_not_read_settings_before_dot_env() -> None:
    # settings read the environment when first imported; were the CLI module to import them,
    # the .env loaded in main() would come too late.
    code = "import sys, orchestration.cli; sys.exit('orchestration.settings' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_load_sets_only_missing_variables_and_skips_bare_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LMIS_TEST_A", "LMIS_TEST_B", "LMIS_TEST_BARE"):
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    monkeypatch.setenv("LMIS_TEST_B", "exported")
    env_path = tmp_path / ".env"
    env_path.write_text("LMIS_TEST_A=from file\nLMIS_TEST_B=from file\nLMIS_TEST_BARE\n")
    load = env_file.load_env_file(env_path)
    assert load.set_names == ("LMIS_TEST_A",)
    assert load.kept_names == ("LMIS_TEST_B",)
    assert os.environ["LMIS_TEST_A"] == "from file"
    assert os.environ["LMIS_TEST_B"] == "exported"
    assert "LMIS_TEST_BARE" not in os.environ


def _lmis_backup_as_tests_start_it(env_path: Path, root: Path) -> str:
    # The environment the whole-job test gives its `lmis run`, with `env_path` standing for the
    # checkout's .env (the child reads it unless switched off).
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from whole_job_run import isolated_environment
    finally:
        sys.path.pop(0)
    return subprocess.run(
        [sys.executable, "-c", LMIS_WITH_ENV_FILE, str(env_path), "backup"],
        cwd=env_path.parent,
        env=isolated_environment(root, LMIS_BACKUP_DIR=str(root / "b")),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stderr


def test_children_started_by_the_test_helpers_read_no_dot_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The helper switches .env off by itself, not only through tests/conftest.py.
    monkeypatch.delenv(env_file.ENV_FILE_VARIABLE)
    env_path = tmp_path / "project" / ".env"
    env_path.parent.mkdir()
    production = tmp_path / "production.duckdb"
    env_path.write_text(f"LMIS_WAREHOUSE={production}\nLMIS_ALERT_COMMAND=/bin/false\n")
    stderr = _lmis_backup_as_tests_start_it(env_path, tmp_path / "isolated")
    assert f"no warehouse to back up at {tmp_path / 'isolated' / 'warehouse.duckdb'}" in stderr
    assert str(production) not in stderr
    assert f"read {env_path}" not in stderr


def test_the_test_session_switches_dot_env_off_for_every_child() -> None:
    # tests/conftest.py sets it in os.environ, which every subprocess inherits.
    assert os.environ[env_file.ENV_FILE_VARIABLE] == ""
    code = "import sys; from orchestration import env_file; sys.exit(env_file.env_file_path())"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_lmis_env_file_names_the_file_to_read(tmp_path: Path) -> None:
    other = tmp_path / "other.env"
    warehouse = tmp_path / "from-other.duckdb"
    other.write_text(f"LMIS_WAREHOUSE={warehouse}\nLMIS_BACKUP_DIR={tmp_path / 'b'}\n")
    result = _lmis_backup(tmp_path / ".env", LMIS_ENV_FILE=str(other))
    assert f"no warehouse to back up at {warehouse}" in result.stderr, result.stderr
    assert f"read {other}: set 2 environment variable(s)" in result.stderr


def test_a_dot_env_that_is_not_utf8_is_named_and_skipped(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    env_path.write_bytes(b"LMIS_WAREHOUSE=/tmp/caf\xe9.duckdb\n")
    exported = tmp_path / "exported.duckdb"
    result = _lmis_backup(
        env_path, LMIS_WAREHOUSE=str(exported), LMIS_BACKUP_DIR=str(tmp_path / "b")
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert f"WARNING lmis: {env_path} not read (not UTF-8 text): nothing set" in result.stderr
    assert f"no warehouse to back up at {exported}" in result.stderr
    help_result = subprocess.run(
        [sys.executable, "-c", LMIS_WITH_ENV_FILE, str(env_path), "--help"],
        env={k: v for k, v in os.environ.items() if not k.startswith("LMIS_")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert help_result.returncode == 0, help_result.stderr


def test_a_relative_path_in_dot_env_is_relative_to_the_dot_env_folder(tmp_path: Path) -> None:
    # cron starts lmis in the operator's home folder: `data/w.duckdb` must still name the
    # project's warehouse, not one under the current folder.
    project, elsewhere = tmp_path / "project", tmp_path / "home"
    project.mkdir()
    elsewhere.mkdir()
    env_path = project / ".env"
    env_path.write_text("LMIS_WAREHOUSE=data/w.duckdb\nLMIS_BACKUP_DIR=backups\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMIS_")}
    result = subprocess.run(
        [sys.executable, "-c", LMIS_WITH_ENV_FILE, str(env_path), "backup"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert f"no warehouse to back up at {project / 'data' / 'w.duckdb'}" in result.stderr, (
        result.stderr
    )


def test_load_anchors_path_lists_and_leaves_absolute_and_other_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LMIS_LANDING_DIRS", "LMIS_MARTS_DIR", "LMIS_ALERT_COMMAND"):
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    env_path = tmp_path / ".env"
    env_path.write_text(
        "LMIS_LANDING_DIRS=in/a, /abs/b\nLMIS_MARTS_DIR=/srv/marts\n"
        "LMIS_ALERT_COMMAND=bin/notify --channel x\n"
    )
    env_file.load_env_file(env_path)
    assert os.environ["LMIS_LANDING_DIRS"] == f"{tmp_path / 'in' / 'a'},/abs/b"
    assert os.environ["LMIS_MARTS_DIR"] == "/srv/marts"
    assert os.environ["LMIS_ALERT_COMMAND"] == "bin/notify --channel x"


def test_every_path_setting_is_anchored_to_the_dot_env_folder() -> None:
    settings_source = (REPO_ROOT / "orchestration" / "settings.py").read_text()
    read_as_paths = set(re.findall(r'_path_from_env\("(\w+)"', settings_source))
    assert read_as_paths
    others = {"LMIS_RELEASES_DIR", "LMIS_ALERT_DIR", "LMIS_CRAWL_DIR"}
    assert read_as_paths | others <= set(env_file.PATH_VARIABLES)
    assert "LMIS_LANDING_DIRS" in env_file.PATH_LIST_VARIABLES


def test_env_example_read_as_a_env_file_has_no_comment_in_a_value(tmp_path, monkeypatch):
    # An operator's review: `# LMIS_PSEUDONYM_KEY=  # secret ...` taught a form systemd's
    # EnvironmentFile reads as part of the value. Uncommented, every line of .env.example must
    # read as NAME=value with no `#` in the value, by the project's own reader.
    example = (env_file.PROJECT_ENV_FILE.parent / ".env.example").read_text(encoding="utf-8")
    # Each commented-out setting, `# NAME=value`, as an operator uncomments it.
    settings_lines = re.findall(r"^# ([A-Z][A-Z0-9_]*=.*)$", example, flags=re.M)
    uncommented = "\n".join(settings_lines)
    env = tmp_path / ".env"
    env.write_text(uncommented + "\n", encoding="utf-8")
    names = [line.split("=", 1)[0] for line in settings_lines]
    for name in names:
        # setenv first: monkeypatch then removes what the reader sets (os.environ) at the end.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    load = env_file.load_env_file(env)
    assert load.found and not load.bad_lines
    assert "LMIS_PSEUDONYM_KEY" in load.set_names
    assert len(load.set_names) == len(set(names)) > 20
    values = {name: os.environ[name] for name in load.set_names}
    assert not {name: v for name, v in values.items() if "#" in v}
    # python-dotenv drops ` # ...` after a value; systemd's EnvironmentFile keeps it.
    as_systemd_reads = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in settings_lines}
    assert not {name: v for name, v in as_systemd_reads.items() if "#" in v}
