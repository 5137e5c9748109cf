"""Idempotent nights on the fixture data: a 7-day backfill, then a run killed half-way and re-run.

Slow (two whole-job runs and a half, several minutes each on a shared 2-core machine):
`.venv/bin/pytest -m slow tests/orchestration/test_idempotency.py --basetemp=/tmp/idem` keeps
the logs (`backfill.log`, `killed.log`, `rerun.log`) with the per-day wall times.

1. `lmis backfill` over 7 days on a fresh warehouse: the first day rebuilds, the six others are
   released from the publication (same inputs and code); every release matches its manifest and
   all seven hold byte-identical files.
2. `lmis backfill --rebuild` of the day before, killed after the dbt build started; then the same
   command again: it succeeds (freeing the killed run's pool slot), and its release has the same
   files as the clean run's with the same rows and the same SHA-256, byte for byte: the kill and
   the re-run neither duplicated nor lost a row, and the rebuild from raw gives the same marts as
   the first one (every model breaks its ties on stable keys and sums in a fixed order;
   tests/orchestration/test_mart_determinism.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from whole_job_run import (  # noqa: E402
    DATA,
    REPO,
    RUN_TIMEOUT_SECONDS,
    build_fixture_data,
    isolated_environment,
)

from orchestration.operations.releases import verify_release  # noqa: E402

pytestmark = pytest.mark.slow

BACKFILL_DAYS = [f"2026-11-{d}" for d in (28, 29, 30)] + [f"2026-12-0{d}" for d in range(1, 5)]
# A day before the backfill (not yet released, and ended wherever the test runs: `lmis backfill`
# refuses days that have not ended in Jakarta). Every fixture file is older, so it gives the same
# marts as the backfilled days.
KILLED_DAY = "2026-11-27"
KILL_AFTER_LOG_LINE = "START sql"
"""The run is killed once dbt has started writing models: landing done, marts half-built."""


def _env(root: Path) -> dict[str, str]:
    return isolated_environment(
        root, LMIS_RELEASES_DIR=str(root / "releases"), LMIS_ALERT_DIR=str(root / "alerts")
    )


def _lmis(root: Path, *args: str, log_name: str) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        cwd=REPO,
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS * 8,
        check=False,
    )
    (root / log_name).write_text(completed.stderr)
    return completed


def _files(release: Path) -> dict[str, tuple[int, str]]:
    manifest = json.loads((release / "manifest.json").read_text())
    return {entry["path"]: (entry["rows"], entry["sha256"]) for entry in manifest["files"]}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("idempotency")
    data = root / "data"
    build_fixture_data(data)
    # The synthetic Sakernas rounds feed their own mart; the nightly job needs them.
    if (DATA / "synthetic" / "sakernas").exists() and not (
        data / "synthetic" / "sakernas"
    ).exists():
        shutil.copytree(DATA / "synthetic" / "sakernas", data / "synthetic" / "sakernas")
    return root


@pytest.fixture(scope="module")
def clean_backfill(root: Path) -> subprocess.CompletedProcess:
    return _lmis(
        root,
        "backfill",
        "--from",
        BACKFILL_DAYS[0],
        "--to",
        BACKFILL_DAYS[-1],
        log_name="backfill.log",
    )


def test_seven_day_backfill_releases_every_day_identically(root, clean_backfill):
    assert clean_backfill.returncode == 0, clean_backfill.stderr[-5000:]
    releases = sorted(p.name for p in (root / "releases").iterdir() if p.name[0].isdigit())
    assert releases == BACKFILL_DAYS
    assert os.readlink(root / "releases" / "latest") == BACKFILL_DAYS[-1]
    first = _files(root / "releases" / BACKFILL_DAYS[0])
    assert first
    for day in BACKFILL_DAYS:
        assert verify_release(root / "releases" / day) == [], day
        assert _files(root / "releases" / day) == first, day
    log = clean_backfill.stderr
    assert log.count(": rebuilt in ") == 1 and log.count(": released in ") == 6


def test_run_killed_half_way_then_rerun_gives_the_clean_marts(root, clean_backfill):
    assert clean_backfill.returncode == 0
    args = ["backfill", "--from", KILLED_DAY, "--to", KILLED_DAY, "--rebuild"]
    with open(root / "killed.log", "w") as log:
        killed = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", *args],
            cwd=REPO,
            env=_env(root),
            # dbt's model lines go to stdout, the run's own log to stderr: watch both.
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while KILL_AFTER_LOG_LINE not in (root / "killed.log").read_text():
            assert killed.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.5)
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
    assert not (root / "releases" / KILLED_DAY).exists()

    rerun = _lmis(root, *args, log_name="rerun.log")
    assert rerun.returncode == 0, rerun.stderr[-5000:]
    assert ": rebuilt in " in rerun.stderr
    assert verify_release(root / "releases" / KILLED_DAY) == []
    rerun_files = _files(root / "releases" / KILLED_DAY)
    clean_files = _files(root / "releases" / BACKFILL_DAYS[0])
    assert rerun_files.keys() == clean_files.keys()
    rows_differ = [path for path, (rows, _) in clean_files.items() if rerun_files[path][0] != rows]
    assert rows_differ == []
    bytes_differ = sorted(path for path in clean_files if rerun_files[path] != clean_files[path])
    assert bytes_differ == [], f"{len(bytes_differ)} of {len(clean_files)} files differ"
    leftovers = [p.name for p in (root / "releases").iterdir() if p.name.startswith(".")]
    assert leftovers == []
