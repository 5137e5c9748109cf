"""The runbook's "How to check last night" blocks run, copy-pasted, on a built warehouse.

An operator's review found step 4 failing on a default install (`raw.crawl_log` does not exist
without crawls) and step 2's `dagster run list` printing no status in Dagster 1.13. Each bash
block of the section is run here, unchanged, in a project folder laid out as a default install
(`data/warehouse.duckdb`, `data/releases/latest`, `.dagster_home`, `.venv`) over the whole-job
run the pipeline tests share, so the runbook cannot rot.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from whole_job_run import REPO, whole_job_run  # noqa: E402

RUNBOOK = REPO / "docs" / "runbook.md"


def _blocks() -> list[str]:
    text = RUNBOOK.read_text(encoding="utf-8")
    section = text.split("## How to check last night", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^   ```bash\n(.*?)^   ```$", section, flags=re.S | re.M)
    # The blocks are indented under their numbered step: as pasted, without the indent.
    return ["\n".join(line[3:] for line in block.splitlines()) + "\n" for block in blocks]


def _default_install(root: Path) -> Path:
    run = whole_job_run()
    assert run.completed.returncode == 0, run.completed.stderr[-3000:]
    project = root / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "warehouse.duckdb").symlink_to(run.warehouse)
    (project / "data" / "releases").symlink_to(run.data / "releases", target_is_directory=True)
    (project / ".dagster_home").symlink_to(run.root / "dagster_home", target_is_directory=True)
    (project / ".venv").symlink_to(REPO / ".venv", target_is_directory=True)
    return project


def test_every_check_of_last_night_runs_on_a_default_install(tmp_path):
    blocks = _blocks()
    assert len(blocks) == 4, "one block per step: alerts, runs, release, what landed"
    project = _default_install(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME" and k != "PYTHONPATH"}
    outputs = []
    for block in blocks:
        completed = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode == 0, (block, completed.stdout, completed.stderr[-3000:])
        assert "Traceback" not in completed.stderr, (block, completed.stderr[-3000:])
        outputs.append(completed.stdout)
    alerts, runs, release, landed = outputs
    # The runs carry their status, the whole run's `nightly` among them.
    assert re.search(r"^\w{8} nightly\s+SUCCESS ", runs, flags=re.M), runs
    assert re.match(r"\d{4}-\d\d-\d\d\n", release), release
    assert "maganghub_positions" in landed and "rows_quarantined" in landed, landed
    assert "no crawl has landed" in landed
