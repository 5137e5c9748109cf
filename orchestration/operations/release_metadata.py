"""What makes a release citable and reusable on its own, beside its marts.

- `code_version`: the package's name and version (pyproject.toml), the git commit the code ran
  from when it runs from a git checkout (null otherwise, never an error), and the code's licence.
- `source_terms`: per data folder (`<data>/<kind>/<folder>/PROVENANCE.md`), the licence or terms
  its PROVENANCE.md states, or "none stated".
- `changes_since`: what changed from the previous release: tables added and removed; per table,
  columns added, removed and retyped, and whether their order changed; rows before and after.
- `copy_documents`: CHANGELOG.md, LICENSE, CITATION.cff and the PROVENANCE.md files (under
  `provenance/<kind>/<folder>/`) copied into the release, each with its SHA-256.
- `copy_docs`: the join guide (docs/how-the-marts-join.md) and every page of docs/ the data
  dictionary or the join guide names, copied to `docs/` in the release, so the dictionary's
  `docs/<page>.md` resolve inside the release folder.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROVENANCE_NAME = "PROVENANCE.md"
PROVENANCE_FOLDER = "provenance"
REPO_DOCUMENTS = ("CHANGELOG.md", "LICENSE", "CITATION.cff")
"""Files of the repository copied into every release (those present)."""
DOCS_FOLDER = "docs"
JOIN_GUIDE = "how-the-marts-join.md"
"""The page of docs/ every release carries: which keys join which marts."""
_DOC_REFERENCE = re.compile(r"(?<![\w/.-])docs/([A-Za-z0-9_-]+\.md)\b")
NONE_STATED = "none stated"
# Whole words: "license_number" is a field of an advert, "licensed" no statement of terms.
_TERMS = re.compile(r"\blicen[cs]es?\b|\bterms\b", re.IGNORECASE)
_GIT_TIMEOUT_SECONDS = 10


def _pyproject(repo_root: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        log.warning(
            "no readable pyproject.toml in %s: the release names no code version", repo_root
        )
        return {}


def _git(repo_root: Path, *args: str) -> str | None:
    """Output of a git command in `repo_root`, or None without git or outside a checkout."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(repo_root), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=_GIT_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None


def code_version(repo_root: Path) -> dict[str, Any]:
    """The code that cut the release: package, version, licence, git commit and whether the
    checkout had uncommitted changes to tracked files (both null when not run from git)."""
    project = _pyproject(repo_root).get("project", {})
    licence = project.get("license")
    if isinstance(licence, dict):
        licence = licence.get("text") or licence.get("file")
    commit = _git(repo_root, "rev-parse", "HEAD")
    status = _git(repo_root, "status", "--porcelain", "--untracked-files=no") if commit else None
    return {
        "package": project.get("name"),
        "version": project.get("version"),
        "licence": licence,
        "git_commit": commit,
        "git_dirty": None if status is None else bool(status),
    }


def provenance_files(data_dir: Path) -> list[Path]:
    """Every shipped PROVENANCE.md: one per data folder (`<kind>/<folder>/`) or kind folder."""
    found = set(data_dir.glob(f"*/{PROVENANCE_NAME}")) | set(
        data_dir.glob(f"*/*/{PROVENANCE_NAME}")
    )
    return sorted(path for path in found if path.is_file())


def _blocks(text: str) -> list[str]:
    """The list items, headings, table rows and paragraphs of a markdown text, each with its
    continuation lines."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        starts = stripped.startswith(("- ", "* ", "#", "|")) or re.match(r"\d+\. ", stripped)
        if not stripped:
            blocks.append([])
        elif starts or not blocks or not blocks[-1] or blocks[-1][0].startswith("#"):
            # A heading is one line: the text under it is a block of its own.
            blocks.append([stripped])
        else:
            blocks[-1].append(stripped)
    return [" ".join(block) for block in blocks if block]


def stated_terms(text: str) -> list[str]:
    """The statements of a PROVENANCE.md about licence or terms: each list item or paragraph
    naming a licence or terms, markdown emphasis and list marks removed."""
    statements = []
    for block in _blocks(text):
        if not _TERMS.search(block):
            continue
        statement = " ".join(block.lstrip("-*#0123456789. ").split()).replace("**", "")
        if statement not in statements:
            statements.append(statement)
    return statements


def source_terms(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Per data folder (`real/sakernas-2020-08-jambi`), its stated licence or terms and where its
    PROVENANCE.md is in the release."""
    terms = {}
    for path in provenance_files(data_dir):
        folder = path.parent.relative_to(data_dir).as_posix()
        statements = stated_terms(path.read_text(encoding="utf-8"))
        terms[folder] = {
            "terms": statements or [NONE_STATED],
            "provenance": f"{PROVENANCE_FOLDER}/{folder}/{PROVENANCE_NAME}",
        }
    return terms


def copy_documents(repo_root: Path, data_dir: Path, release: Path) -> list[Path]:
    """Copy the repository's documents and the PROVENANCE.md files into `release`; the paths
    written."""
    written = []
    for name in REPO_DOCUMENTS:
        source = repo_root / name
        if source.is_file():
            shutil.copyfile(source, release / name)
            written.append(release / name)
        else:
            log.warning("%s not found: not in the release", source)
    for path in provenance_files(data_dir):
        target = release / PROVENANCE_FOLDER / path.parent.relative_to(data_dir) / PROVENANCE_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        written.append(target)
    return written


def referenced_docs(text: str) -> list[str]:
    """The pages `docs/<page>.md` a text names, in order of first mention."""
    return list(dict.fromkeys(_DOC_REFERENCE.findall(text)))


def copy_docs(repo_root: Path, release: Path, dictionary: str) -> list[Path]:
    """Copy the join guide and the docs/ pages the dictionary or the join guide names into
    `release/docs/`; the paths written. A named page that does not exist is logged, not copied.
    """
    docs = repo_root / DOCS_FOLDER
    guide = docs / JOIN_GUIDE
    pages = [JOIN_GUIDE, *referenced_docs(dictionary)]
    if guide.is_file():
        pages += referenced_docs(guide.read_text(encoding="utf-8"))
    written = []
    for page in dict.fromkeys(pages):
        source = docs / page
        if not source.is_file():
            log.warning("%s not found: not in the release", source)
            continue
        target = release / DOCS_FOLDER / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def changes_since(
    previous_tables: dict[str, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Tables added and removed; per table kept, the columns added and removed (by name), those
    whose type changed (`retyped`: name to [before, after]) and whether the columns both hold
    changed order (`reordered`: a reader by position reads other columns), each only when
    there is one; and per table kept its rows before and after."""
    kept = sorted(set(previous_tables) & set(tables))
    columns = {}
    for table in kept:
        before = {c["name"]: c.get("type") for c in previous_tables[table].get("schema", [])}
        after = {c["name"]: c.get("type") for c in tables[table].get("schema", [])}
        change: dict[str, Any] = {
            "added": [name for name in after if name not in before],
            "removed": [name for name in before if name not in after],
        }
        retyped = {
            name: [before[name], kind]
            for name, kind in after.items()
            if name in before and before[name] != kind
        }
        if retyped:
            change["retyped"] = retyped
        if [n for n in before if n in after] != [n for n in after if n in before]:
            change["reordered"] = True
        if any(change.values()):
            columns[table] = change
    return {
        "tables_added": sorted(set(tables) - set(previous_tables)),
        "tables_removed": sorted(set(previous_tables) - set(tables)),
        "columns": columns,
        "rows": {
            table: {"before": previous_tables[table].get("rows"), "after": tables[table]["rows"]}
            for table in kept
        },
    }
