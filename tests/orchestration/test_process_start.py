"""What a new process pays before a night starts: the garbage collector's thresholds and the
libraries the Dagster definitions import (orchestration/__init__.py)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _passes(script: str, tmp_path: Path) -> None:
    """Run `script` in a new interpreter (its own imports, its own collector) and require that
    its assertions hold."""
    environment = {
        **os.environ,
        "LMIS_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_importing_orchestration_collects_garbage_less_often(tmp_path: Path) -> None:
    _passes(
        "import gc, orchestration\n"
        "assert gc.get_threshold() == orchestration.NIGHT_THRESHOLDS, gc.get_threshold()\n",
        tmp_path,
    )


def test_thresholds_a_process_set_itself_are_left_alone(tmp_path: Path) -> None:
    _passes(
        "import gc\ngc.set_threshold(1234, 5, 6)\nimport orchestration\n"
        "assert gc.get_threshold() == (1234, 5, 6), gc.get_threshold()\n",
        tmp_path,
    )


def test_the_definitions_import_no_library_a_night_may_not_need(tmp_path: Path) -> None:
    # openpyxl lays out workbooks only for tables not in the report cache; Scrapy crawls only.
    _passes(
        "import sys\nimport orchestration.definitions\n"
        "loaded = sorted({'openpyxl', 'scrapy'} & set(sys.modules))\n"
        "assert not loaded, loaded\n",
        tmp_path,
    )
