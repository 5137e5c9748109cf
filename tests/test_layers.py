"""ingest/, quality/ and reports/ are layers below orchestration/: they read, check, land and
render, and must not need the Dagster side (the `lmis` commands, assets, operations) to do so.
quality/ and reports/ may import ingest/ (the landings' declarations and readers, shared
helpers such as `ingest.merging`); orchestration/ imports them all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]

# The paths and settings every part of the warehouse shares (the data folder, the time zone)
# still live in orchestration/settings.py, which imports nothing of orchestration's own: the one
# import allowed. It goes when those settings get a module below both layers (about 80 files
# and the tests that swap settings at run time would change with it).
SHARED_SETTINGS = "orchestration.settings"

ALLOWED: dict[str, dict[str, str]] = {"ingest": {}, "quality": {}, "reports": {}}
"""Per package, a file allowed one named orchestration import (besides the shared settings),
with the reason beside it; none is needed today."""


IMPORTING_CALLS = frozenset({"import_module", "__import__"})
"""`importlib.import_module("a.b")` and `__import__("a.b")`: imports by a string the import
statements do not show."""


def imported_modules(path: Path) -> set[str]:
    """Every absolute module `path` imports, at any depth (inside functions too);
    `from a import b` counts as `a.b`, since `b` may be a module; a module named by a constant
    string in `importlib.import_module(...)` or `__import__(...)` counts too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _called_name(node.func) in IMPORTING_CALLS:
            name = node.args[0] if node.args else None
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                found.add(name.value)
    return found


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def is_orchestration(module: str) -> bool:
    return module == "orchestration" or module.startswith("orchestration.")


def is_shared_settings(module: str) -> bool:
    return module == SHARED_SETTINGS or module.startswith(SHARED_SETTINGS + ".")


def orchestration_imports(package: Path, root: Path = REPO) -> list[str]:
    """'<file>: <module>' for every orchestration module a file under `package` imports,
    the shared settings aside."""
    return sorted(
        f"{path.relative_to(root).as_posix()}: {module}"
        for path in package.rglob("*.py")
        for module in imported_modules(path)
        if is_orchestration(module) and not is_shared_settings(module)
    )


def test_imported_modules_sees_every_form_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import importlib\n"
        "import orchestration.jobs\n"
        "from orchestration import file_commands\n"
        "from .sibling import x\n"
        "def f():\n"
        "    from orchestration.file_commands import read_rows\n"
        "    importlib.import_module('orchestration.crawling.sources')\n"
        "    __import__('orchestration.cli')\n"
        "    importlib.import_module(name)\n"
    )
    assert {m for m in imported_modules(sample) if is_orchestration(m)} == {
        "orchestration.jobs",
        "orchestration.file_commands",
        "orchestration.file_commands.read_rows",
        "orchestration.crawling.sources",
        "orchestration.cli",
    }


def test_a_planted_import_module_of_orchestration_is_an_offender(tmp_path):
    """The check once read import statements only: an `importlib.import_module` of an
    orchestration module passed unseen."""
    package = tmp_path / "quality"
    package.mkdir()
    (package / "checks.py").write_text(
        "import importlib\n\n"
        "def sources():\n"
        '    return importlib.import_module("orchestration.crawling.sources").CRAWLED_SOURCES\n'
    )
    (package / "paths.py").write_text("from orchestration.settings import DATA_DIR\n")
    assert orchestration_imports(package, tmp_path) == [
        "quality/checks.py: orchestration.crawling.sources"
    ]


def _is_within(module: str, allowed: str | None) -> bool:
    return allowed is not None and (module == allowed or module.startswith(allowed + "."))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_no_lower_layer_module_imports_orchestration(layer):
    allowed = ALLOWED[layer]
    found = [line.split(": ") for line in orchestration_imports(REPO / layer)]
    offenders = [
        f"{file}: {module}" for file, module in found if not _is_within(module, allowed.get(file))
    ]
    assert not offenders, "\n".join(offenders)
    # An exception no longer used is removed, so it cannot hide a new import later.
    used = {file for file, module in found if _is_within(module, allowed.get(file))}
    assert used == set(allowed), sorted(set(allowed) - used)
