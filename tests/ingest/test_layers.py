"""ingest/ is the layer below orchestration/: it reads, checks and lands, and must not need the
Dagster side (the `lmis` commands, assets, operations) to do so."""

from __future__ import annotations

import ast
from pathlib import Path

INGEST = Path(__file__).parents[2] / "ingest"

# The paths and settings every part of the warehouse shares (the data folder, the time zone)
# still live in orchestration/settings.py, which imports nothing of orchestration's own: the one
# import allowed. It goes when those settings get a module below both layers (about 80 files
# and the tests that swap settings at run time would change with it).
SHARED_SETTINGS = "orchestration.settings"


def imported_modules(path: Path) -> set[str]:
    """Every absolute module `path` imports, at any depth (inside functions too);
    `from a import b` counts as `a.b`, since `b` may be a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def is_orchestration(module: str) -> bool:
    return module == "orchestration" or module.startswith("orchestration.")


def test_imported_modules_sees_every_form_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import orchestration.jobs\n"
        "from orchestration import file_commands\n"
        "from .sibling import x\n"
        "def f():\n"
        "    from orchestration.file_commands import read_rows\n"
    )
    assert {m for m in imported_modules(sample) if is_orchestration(m)} == {
        "orchestration.jobs",
        "orchestration.file_commands",
        "orchestration.file_commands.read_rows",
    }


def test_no_ingest_module_imports_orchestration():
    offenders = sorted(
        f"{path.relative_to(INGEST.parent)}: {module}"
        for path in INGEST.rglob("*.py")
        for module in imported_modules(path)
        if is_orchestration(module)
        and module != SHARED_SETTINGS
        and not module.startswith(SHARED_SETTINGS + ".")
    )
    assert not offenders, "\n".join(offenders)
