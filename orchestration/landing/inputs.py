"""What each landing asset reads, and the fingerprint that says whether it must land again.

Every asset that brings data into the warehouse from files declares a `LandedInput`: its asset
key, the relation it writes, its partitioning (None: landed whole) and a function giving its
files per partition key (`WHOLE_TABLE` for a whole table). The fingerprint of a table or a
partition is the SHA-256 of its files' names and content and of the code that turns files into
marts (the same code folders as the release's input fingerprint): the landing asset records it
in `raw.landed_inputs` with the rows, and the incremental night (orchestration/operations/
incremental.py) lands again exactly the tables and partitions whose files now fingerprint
differently. Changed code changes every fingerprint, so it re-lands and rebuilds everything.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from ingest.warehouse import WHOLE_TABLE
from orchestration import settings
from orchestration.operations.releases import fingerprinted_code_files, sha256_of


@dataclass(frozen=True)
class LandedInput:
    asset_key: dg.AssetKey
    relation: str
    """`schema.table` the asset writes (and the key of its rows in `raw.landed_inputs`)."""
    files_by_partition: Callable[[Path], dict[str, list[Path]]]
    """Data folder -> partition key (`WHOLE_TABLE` when unpartitioned) -> files."""
    partitions_def: dg.PartitionsDefinition | None = None
    source_name: str | None = None
    """The `source` of its rows in `raw.quarantine` and `raw.load_audit` (None: it quarantines
    and audits nothing per partition)."""
    all_files: Callable[[Path], list[Path]] | None = None
    """Data folder -> every file its patterns match, whether or not it fits a partition (None:
    every file it reads fits one). A file that fits none holds back the night's withdrawals."""


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 of the code folders that decide the marts (computed once per process)."""
    digest = hashlib.sha256()
    for path in fingerprinted_code_files():
        digest.update(path.relative_to(settings.REPO_ROOT).as_posix().encode())
        digest.update(sha256_of(path).encode())
    return digest.hexdigest()


def files_fingerprint(files: list[Path], data_dir: Path | None = None) -> str:
    """Fingerprint of one table or partition: its files (name and content) and the code."""
    data_dir = data_dir or settings.DATA_DIR
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in sorted(files):
        name = path.relative_to(data_dir) if path.is_relative_to(data_dir) else path.name
        digest.update(str(name).encode())
        digest.update(sha256_of(path).encode())
    return digest.hexdigest()


def whole(files: Callable[[Path], list[Path]]) -> Callable[[Path], dict[str, list[Path]]]:
    """`files_by_partition` of an unpartitioned source: every file under the one key."""

    def by_partition(data_dir: Path) -> dict[str, list[Path]]:
        found = files(data_dir)
        return {WHOLE_TABLE: found} if found else {}

    return by_partition
