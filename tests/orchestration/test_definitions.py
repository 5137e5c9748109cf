"""The Dagster definitions load, and the asset graph matches its reviewed snapshot.

When the graph changes on purpose (a new asset or check, and also a new dbt model or dbt test:
each dbt test is a check), regenerate the snapshot with `UPDATE_COMMAND` and review the diff
like code (CONTRIBUTING.md, "Updating snapshots").
"""

from __future__ import annotations

import difflib
import os
import warnings
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "asset_graph.snapshot.txt"
UPDATE_COMMAND = "LMIS_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/orchestration/test_definitions.py"


def describe_asset_graph() -> str:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        parents = ", ".join(sorted(p.to_user_string() for p in node.parent_keys))
        lines.append(f"{key.to_user_string()} [{node.group_name}] <- {parents or '-'}")
        for check_key in sorted(node.check_keys, key=lambda c: c.name):
            lines.append(f"    check {check_key.name}")
    return "\n".join(lines) + "\n"


def test_definitions_load_with_job_schedule_and_resources():
    from orchestration.definitions import defs

    job = defs.resolve_job_def("nightly")
    assert job is not None
    schedule = defs.resolve_schedule_def("nightly_at_0200_wib")
    assert schedule.execution_timezone == "Asia/Jakarta"
    assert schedule.cron_schedule == "0 2 * * *"


def snapshot_mismatch(current: str, saved: str) -> str:
    """The failure message: what changed, and the command that accepts it."""
    diff = difflib.unified_diff(
        saved.splitlines(), current.splitlines(), "snapshot", "current", n=0, lineterm=""
    )
    changed = "\n".join(list(diff)[:40])
    return (
        f"the asset graph differs from {SNAPSHOT.name} (a new asset, check, dbt model or dbt "
        f"test changes it); if on purpose, run `{UPDATE_COMMAND}` and commit the file:\n{changed}"
    )


def test_a_snapshot_mismatch_names_the_update_command_and_the_change():
    message = snapshot_mismatch("a [g] <- -\n    check new\n", "a [g] <- -\n")
    assert UPDATE_COMMAND in message and "+    check new" in message


def test_asset_graph_matches_snapshot():
    current = describe_asset_graph()
    if os.environ.get("LMIS_UPDATE_SNAPSHOTS") == "1":
        before = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
        SNAPSHOT.write_text(current)
        # A warning, so pytest shows what was written in its summary of a passing run.
        changed = sum(
            1
            for line in difflib.unified_diff(before.splitlines(), current.splitlines(), n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")
        )
        warnings.warn(f"wrote {SNAPSHOT} ({changed} lines changed)", stacklevel=1)
    assert SNAPSHOT.exists(), f"no snapshot yet: run `{UPDATE_COMMAND}`"
    saved = SNAPSHOT.read_text()
    assert current == saved, snapshot_mismatch(current, saved)


def test_every_landing_asset_has_its_three_checks():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        if key.path[0] == "raw":
            names = {c.name for c in graph.get(key).check_keys}
            assert {"great_expectations_suite", "rows_accounted", "volume_not_dropped"} <= names
