"""The Dagster definitions load, and the asset graph matches its reviewed snapshot.

When the graph changes on purpose, regenerate the snapshot with
`LMIS_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/orchestration/test_definitions.py` and review
the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "asset_graph.snapshot.txt"


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


def test_asset_graph_matches_snapshot():
    current = describe_asset_graph()
    if os.environ.get("LMIS_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current)
    assert SNAPSHOT.exists(), "no snapshot yet: run with LMIS_UPDATE_SNAPSHOTS=1"
    assert current == SNAPSHOT.read_text()


def test_every_landing_asset_has_its_three_checks():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        if key.path[0] == "raw":
            names = {c.name for c in graph.get(key).check_keys}
            assert {"great_expectations_suite", "rows_accounted", "volume_not_dropped"} <= names
