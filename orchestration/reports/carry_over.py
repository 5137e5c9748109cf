"""Keep a report whose inputs did not change instead of rendering it again.

A report is a function of the published marts it reads, its other input files, the report code
and its options (PDF or not). Before rendering, the report's assets fingerprint all of them; when
the fingerprint is the one recorded after the last rendering and every file written then is
still there with the same SHA-256, the report is kept as it is (logged), otherwise rendered and
the new fingerprint recorded. An incremental night that adds a portal day changes the portal
marts only, so the reports that do not read them are not rendered again.

Which marts a report reads is found in its code: every published mart whose name appears in the
report's modules (`ReportSpec.modules`) is an input. A name that appears without being read
only costs a rendering; the modules build every mart path from a literal name, which this
relies on (tests/orchestration/test_publication_carry_over.py checks the sets found).

Two renderings of the same inputs write the same bytes (chart ids, workbook and PDF times are
fixed in reports/critical_occupations/rendering.py), so a kept report is what a rendering would
write.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from orchestration import settings
from orchestration.operations.releases import files_under, sha256_of

log = logging.getLogger(__name__)

STATE_FOLDER = ".rendered"
"""Inside the reports folder: one JSON per report, its inputs' fingerprint and its files."""
CODE = ("reports", "orchestration/reports", "orchestration/publish")
"""Code every report depends on (any change there renders every report again)."""
_CODE_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".css", ".js", ".html", ".md"}


@dataclass(frozen=True)
class ReportSpec:
    name: str
    modules: tuple[str, ...]
    """Files and folders (from the repository root) whose text names the marts it reads."""
    inputs: tuple[Path, ...] = ()
    """Other input files or folders (absolute)."""
    options: dict = field(default_factory=dict)


def marts_read(spec: ReportSpec, marts_dir: Path) -> list[str]:
    """The published marts whose name appears in the report's modules."""
    text = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in files_under([settings.REPO_ROOT / m for m in spec.modules], _CODE_SUFFIXES)
    )
    published = sorted(p.stem for p in marts_dir.glob("*.parquet"))
    return [name for name in published if re.search(rf"\b{re.escape(name)}\b", text)]


def inputs_fingerprint(spec: ReportSpec, marts_dir: Path) -> str:
    digest = hashlib.sha256()

    def add(label: str, value: str) -> None:
        digest.update(f"{label}\0{value}\n".encode())

    add("options", json.dumps(spec.options, sort_keys=True))
    for name in marts_read(spec, marts_dir):
        add("mart " + name, sha256_of(marts_dir / f"{name}.parquet"))
    for path in files_under(spec.inputs):
        add("input " + str(path), sha256_of(path))
    for path in files_under([settings.REPO_ROOT / c for c in CODE], _CODE_SUFFIXES):
        add("code " + path.relative_to(settings.REPO_ROOT).as_posix(), sha256_of(path))
    return digest.hexdigest()


def _state_path(output_dir: Path, name: str) -> Path:
    return output_dir / STATE_FOLDER / f"{name}.json"


def _relative(path: Path, output_dir: Path) -> str:
    # Files outside the reports folder (none today) are recorded by their absolute path.
    return path.relative_to(output_dir).as_posix() if path.is_relative_to(output_dir) else str(path)


def _kept_files(state: dict, output_dir: Path, fingerprint: str) -> list[Path] | None:
    if state.get("fingerprint") != fingerprint or not state.get("files"):
        return None
    paths = []
    for relative, checksum in state["files"].items():
        path = output_dir / relative
        if not path.is_file() or sha256_of(path) != checksum:
            return None
        paths.append(path)
    return paths


def render_unless_unchanged(
    spec: ReportSpec, marts_dir: Path, output_dir: Path, render: Callable[[], list[Path]]
) -> tuple[list[Path], bool]:
    """`(files, kept)`: the report's files, kept from the last rendering if its inputs are the
    same, else rendered by `render()`."""
    fingerprint = inputs_fingerprint(spec, marts_dir)
    state_path = _state_path(output_dir, spec.name)
    try:
        state = json.loads(state_path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        state = {}
    kept = _kept_files(state, output_dir, fingerprint)
    if kept is not None:
        log.info(
            "report %s: inputs unchanged since its last rendering (marts %s): kept %d files",
            spec.name,
            ", ".join(marts_read(spec, marts_dir)) or "none",
            len(kept),
        )
        return kept, True
    # Forget the last rendering first: a rendering that fails half-way must not look current.
    state_path.unlink(missing_ok=True)
    paths = render()
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "fingerprint": fingerprint,
        "files": {_relative(p, output_dir): sha256_of(p) for p in paths},
    }
    state_path.write_text(json.dumps(state, indent=2, sort_keys=True))
    return paths, False
