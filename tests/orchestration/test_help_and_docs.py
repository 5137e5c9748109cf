"""Help texts and README say what the code does.

Each test is named after a mismatch a reviewer found between `lmis ... --help`, README.md,
`.env.example` and the code.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from orchestration.cli import build_parser
from orchestration.operations.backfill import BackfillRefused, backfill_jobs, is_partitioned

REPO_ROOT = Path(__file__).resolve().parents[2]
README = (REPO_ROOT / "README.md").read_text()
ENV_EXAMPLE = (REPO_ROOT / ".env.example").read_text()


def _subparser(*names: str) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in names:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def _readme_variable_rows() -> dict[str, str]:
    rows = {}
    for line in README.splitlines():
        for name in re.findall(r"^\| `([A-Z_<>]+)`", line) + re.findall(r"/ `([A-Z_]+)` \|", line):
            rows[name] = line
    return rows


def test_every_variable_of_env_example_is_in_the_readme_table() -> None:
    rows = _readme_variable_rows()
    variables = set(re.findall(r"^# ((?:LMIS|DAGSTER)_[A-Z_]+)=", ENV_EXAMPLE, re.MULTILINE))
    assert "LMIS_INTERRUPT_WAIT_SECONDS" in variables
    missing = [
        name
        for name in sorted(variables)
        if name not in rows and not name.startswith("LMIS_CRAWL_BASE_URL_")
    ]
    assert missing == []


def test_crawl_help_names_the_site_hosts_spiders_may_also_reach() -> None:
    text = _subparser("crawl").format_help()
    assert "never leave" not in text
    assert "LMIS_CRAWL_SITE_HOSTS" in text


def test_backup_and_restore_help_say_they_wait_for_the_writer_lock() -> None:
    for command in ("backup", "restore"):
        text = " ".join(_subparser(command).format_help().split())
        assert "Waits for a running job's writer lock" in text
        assert "refused (exit 75)" in text


def test_backfill_lists_only_the_jobs_an_operator_may_pass() -> None:
    jobs = backfill_jobs()
    assert jobs == ["nightly", "crawl_daily", "land_portal_days"]
    with pytest.raises(BackfillRefused) as refused:
        is_partitioned("bogus")
    assert str(refused.value) == (
        "no job named 'bogus'; the jobs are nightly, crawl_daily, land_portal_days"
    )
    for internal in ("__ASSET_JOB", "incremental_night", "land_wlkp_periods"):
        with pytest.raises(BackfillRefused, match="cannot be backfilled by day"):
            is_partitioned(internal)
    job_help = next(a.help for a in _subparser("backfill")._actions if a.dest == "job")
    operations = (REPO_ROOT / "docs" / "operations.md").read_text()
    for job in jobs:
        assert f"`{job}`" in job_help
        assert f"--job {job}" in operations or job == "nightly"


def test_production_without_a_key_refuses_to_pseudonymise_in_readme_and_env_example() -> None:
    env_lines = " ".join(ENV_EXAMPLE.split())
    assert "refuses to run" not in env_lines
    assert "Production refuses to pseudonymise without a LMIS_PSEUDONYM_KEY" in env_lines
    assert "refuses to pseudonymise" in _readme_variable_rows()["LMIS_ENV"]


def test_readme_admin_row_names_only_admin_actions_that_exist() -> None:
    actions = next(
        a for a in _subparser("admin")._actions if isinstance(a, argparse._SubParsersAction)
    ).choices
    row = next(line for line in README.splitlines() if line.startswith("| `lmis admin"))
    named = set(re.findall(r"`((?:generate|load)[\w-]*)", row))
    assert named == set(actions), row


def test_docs_say_every_dagster_command_reads_dot_env_and_may_override_dagster_home() -> None:
    # Dagster's CLI helpers load the current folder's .env over the environment for the daemon,
    # the webserver and `dagster run list` alike, not only for `dagster dev`.
    import dagster._cli.utils as dagster_cli_utils

    assert hasattr(dagster_cli_utils, "_inject_local_env_file")
    runbook = (REPO_ROOT / "docs" / "runbook.md").read_text()
    for text in (README, ENV_EXAMPLE, runbook):
        assert "dagster-daemon" in text and "dagster-webserver" in text
        assert "DAGSTER_HOME" in text
    assert "`dagster run list`" in README


def test_docs_say_daemon_runs_have_no_signal_record_and_who_alerts_outside_a_run() -> None:
    runbook = (REPO_ROOT / "docs" / "runbook.md").read_text()
    operations = (REPO_ROOT / "docs" / "operations.md").read_text()
    assert "has no signal record" in runbook
    assert "Runs the daemon\n  launches" in operations
    [row] = [line for line in runbook.splitlines() if line.startswith("| 130 |")]
    assert "`lmis run` and `lmis backfill` also when it landed outside a run" in row


@pytest.mark.parametrize("name", ["runbook.md", "operations.md"])
def test_doc_prose_lines_are_at_most_100_characters(name: str) -> None:
    # Table rows are one line each by Markdown's rule; prose and code blocks are wrapped.
    lines = (REPO_ROOT / "docs" / name).read_text().splitlines()
    long = [n for n, line in enumerate(lines, 1) if len(line) > 100 and not line.startswith("|")]
    assert long == []
