"""A `dbt build` of a few selected nodes into a test's own warehouse file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from orchestration import settings
from orchestration.transform import dbt as transform_dbt


def build_selected(root: Path, warehouse: Path, *selection: str) -> None:
    """Run `dbt build` with `selection` (e.g. `--select`, nodes) against `warehouse`, its target
    and logs under `root`; fail the test with dbt's output if the build fails."""
    completed = subprocess.run(
        [
            transform_dbt._dbt_executable(),
            "build",
            *selection,
            "--project-dir",
            str(settings.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(settings.DBT_PROJECT_DIR),
            "--target-path",
            str(root / "target"),
            "--log-path",
            str(root / "target"),
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env={**transform_dbt.dbt_environment(), "LMIS_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
