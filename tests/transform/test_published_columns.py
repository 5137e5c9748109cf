"""The published marts' columns are a contract with the researchers who read the parquet files:
a column added to or removed from a mart (a rename is both) is named in CHANGELOG.md before the
committed snapshot of published columns (`published_columns.snapshot.txt`) may follow it.

After naming the change in CHANGELOG.md, update the snapshot with `UPDATE_COMMAND`, the way
every snapshot test is updated (CONTRIBUTING.md; `python <this file> --update` does the same):
it refuses while a change is unnamed and logs what it wrote.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
MARTS = REPO / "dbt_project" / "models" / "marts"
"""Every model here is published (the `marts` schema is exported whole, README)."""
SNAPSHOT = Path(__file__).with_name("published_columns.snapshot.txt")
CHANGELOG = REPO / "CHANGELOG.md"
UPDATE_COMMAND = (
    "LMIS_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/transform/test_published_columns.py"
)
log = logging.getLogger(__name__)


def published_columns(marts: Path = MARTS) -> set[str]:
    """`mart.column` for every column the marts' dbt YAML documents."""
    found = set()
    for path in sorted(marts.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            found.update(f"{model['name']}.{column['name']}" for column in model.get("columns", []))
    return found


def snapshot_columns(path: Path = SNAPSHOT) -> set[str]:
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def changelog_entries(text: str) -> list[str]:
    """The changelog's list items, each with its continuation lines."""
    return [match.group(0) for match in re.finditer(r"(?m)^- .*(?:\n(?!- |#|\n).*)*", text)]


def _names(entry: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", entry) is not None


def unnamed_changes(current: set[str], snapshot: set[str], changelog: str) -> list[str]:
    """Columns added or removed since the snapshot that no changelog entry names: an entry
    naming the column and its mart, or the mart alone when the whole mart came or went."""
    marts_now = {column.split(".")[0] for column in current}
    marts_then = {column.split(".")[0] for column in snapshot}
    entries = changelog_entries(changelog)
    unnamed = []
    for change, column in sorted(
        [("added", c) for c in current - snapshot] + [("removed", c) for c in snapshot - current],
        key=lambda item: item[1],
    ):
        mart, name = column.split(".", 1)
        whole_mart = (mart in marts_now) != (mart in marts_then)
        if not any(
            _names(entry, mart) and (whole_mart or _names(entry, name)) for entry in entries
        ):
            unnamed.append(f"{column} ({change})")
    return unnamed


def test_every_published_column_change_is_named_in_the_changelog() -> None:
    unnamed = unnamed_changes(
        published_columns(), snapshot_columns(), CHANGELOG.read_text(encoding="utf-8")
    )
    assert not unnamed, (
        "published columns changed without a CHANGELOG.md entry naming them (mart and column): "
        + ", ".join(unnamed)
    )


def update_snapshot(columns: set[str], path: Path, changelog: str) -> str:
    """Write the snapshot, refusing while a change is unnamed; log and return what changed."""
    before = snapshot_columns(path) if path.exists() else set()
    missing = unnamed_changes(columns, before, changelog)
    if missing:
        raise SystemExit("name these in CHANGELOG.md first: " + ", ".join(missing))
    path.write_text("".join(f"{column}\n" for column in sorted(columns)), encoding="utf-8")
    summary = (
        f"wrote {path} ({len(columns)} columns): added {sorted(columns - before)}, "
        f"removed {sorted(before - columns)}"
    )
    log.warning("%s", summary)
    return summary


def test_the_update_writes_the_snapshot_and_says_what_changed(tmp_path, caplog) -> None:
    path = tmp_path / "snapshot.txt"
    path.write_text("fct_x.a\nfct_x.gone\n", encoding="utf-8")
    changelog = "- `fct_x.b` added; `fct_x.gone` removed.\n"
    summary = update_snapshot({"fct_x.a", "fct_x.b"}, path, changelog)
    assert path.read_text(encoding="utf-8") == "fct_x.a\nfct_x.b\n"
    assert "added ['fct_x.b'], removed ['fct_x.gone']" in summary
    assert summary in caplog.text


def test_the_snapshot_of_published_columns_is_current() -> None:
    current = published_columns()
    if os.environ.get("LMIS_UPDATE_SNAPSHOTS") == "1":
        # A warning, so pytest shows what was written in its summary of a passing run.
        warnings.warn(
            update_snapshot(current, SNAPSHOT, CHANGELOG.read_text(encoding="utf-8")), stacklevel=1
        )
    snapshot = snapshot_columns()
    assert current == snapshot, (
        f"added {sorted(current - snapshot)}, removed {sorted(snapshot - current)}: name them in "
        f"CHANGELOG.md, then run `{UPDATE_COMMAND}`"
    )


def test_a_renamed_column_is_unnamed_until_the_changelog_names_it() -> None:
    snapshot = {"fct_x.posting_id", "fct_x.salary_idr", "dim_y.code"}
    current = {"fct_x.posting_id", "fct_x.salary_monthly_idr", "dim_y.code", "dim_new.code"}
    changelog = "## [Unreleased]\n### Added\n- `dim_new`, a new mart.\n- salary_idr somewhere.\n"
    assert unnamed_changes(current, snapshot, changelog) == [
        "fct_x.salary_idr (removed)",
        "fct_x.salary_monthly_idr (added)",
    ]
    changelog += "### Changed\n- `fct_x.salary_idr` is now\n  `salary_monthly_idr` (monthly).\n"
    assert unnamed_changes(current, snapshot, changelog) == []


def test_the_changelog_is_linked_from_the_readme_and_the_publication_docs() -> None:
    for doc in ("README.md", "docs/operations.md"):
        assert "CHANGELOG.md" in (REPO / doc).read_text(encoding="utf-8"), doc


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    update_snapshot(published_columns(), SNAPSHOT, CHANGELOG.read_text(encoding="utf-8"))
