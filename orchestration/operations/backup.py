"""Snapshots of the warehouse file and their restore.

A snapshot is a copy of the DuckDB file taken while this process holds the warehouse writer
lock (`warehouse_lock.writer_lock`, the one `lmis run`, `lmis backfill` and the nightly schedule
hold for a whole run) and the only connection, after a checkpoint, with its SHA-256 in a JSON
sidecar. The only connection alone is not enough: a run opens and closes the warehouse step by
step, so between two steps a copy would hold a half-landed night. Like any writer, a backup or
restore waits for a running job (up to `LMIS_WAREHOUSE_WAIT_SECONDS`, logging who holds it) and
then fails with `WarehouseLockedError`, one line. Restore checks the checksum, then swaps the
file in with an atomic rename, so a failed restore leaves the current warehouse as it was.

`lmis backup` then keeps the newest `keep` snapshots (`LMIS_BACKUP_KEEP`, see
`operations/retention.py`) and removes older ones: only `warehouse-<UTC time>.duckdb` files
whose `.json` checksum file names them (what this module writes) and names this warehouse as
their `source` (a folder shared by two warehouses keeps `keep` of each), with that file, never
the snapshot just taken. A restore checks its snapshot again under the writer lock, which the
pruning holds too, so a backup never removes a snapshot between its check and its copy.
Anything else in the folder (a `replaced-*` copy of `lmis restore`, an operator's own file, a
snapshot without its checksum file, another warehouse's snapshot) is neither counted nor
removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration.operations.warehouse_lock import connect, writer_lock

log = logging.getLogger(__name__)

CHUNK_BYTES = 8 * 1024 * 1024
SNAPSHOT_NAME = re.compile(r"warehouse-\d{8}T\d{12}Z\.duckdb")
"""The name `_snapshot` gives a snapshot: its UTC time sorts it."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    sha256: str
    size_bytes: int
    taken_at: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def take_snapshot(
    warehouse: Path, backup_dir: Path, prefix: str = "warehouse", keep: int | None = None
) -> Snapshot:
    """Copy the warehouse into `backup_dir/<prefix>-<UTC time>.duckdb` with a checksum, once
    no run is writing it (the writer lock). With `keep`, then remove the snapshots beyond the
    newest `keep` (`prune_snapshots`), still under the lock: a restore, which holds it too,
    never has its snapshot removed while it copies it."""
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse to back up at {warehouse}")
    with writer_lock(warehouse):
        snapshot = _snapshot(warehouse, backup_dir, prefix)
        if keep is not None:
            prune_snapshots(backup_dir, keep, snapshot.path, source=warehouse)
        return snapshot


def _made_by_backup(path: Path, source: Path | None = None) -> bool:
    """True for a snapshot this module wrote: its name, and a `.json` checksum file naming it;
    with `source`, of that warehouse (a folder shared by two warehouses holds both's)."""
    if not SNAPSHOT_NAME.fullmatch(path.name) or not path.is_file() or path.is_symlink():
        return False
    sidecar = path.with_suffix(".json")
    try:
        record = json.loads(sidecar.read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("file") != path.name or "sha256" not in record:
        return False
    if source is None:
        return True
    # A checksum file without `source` (none is written so now) cannot say; it counts as ours.
    recorded = record.get("source")
    return not isinstance(recorded, str) or Path(recorded).resolve() == source.resolve()


def prune_snapshots(
    backup_dir: Path, keep: int, just_written: Path, source: Path | None = None
) -> tuple[int, int]:
    """Remove the snapshots of `backup_dir` older than its newest `keep` (see the module doc),
    never `just_written`; with `source`, only snapshots of that warehouse (their checksum file
    names it) are counted and removed. Return the snapshots removed and their bytes (with
    checksum files)."""
    if keep < 1:
        raise ValueError(f"keep at least one snapshot, not {keep}")
    ours = sorted(p for p in backup_dir.glob("warehouse-*.duckdb") if _made_by_backup(p, source))
    # Newest first by the UTC time in the name; the one just written is kept whatever its name.
    kept = {just_written.resolve()}
    for path in reversed(ours):
        if len(kept) >= keep:
            break
        kept.add(path.resolve())
    count = size = 0
    for path in ours:
        if path.resolve() in kept:
            continue
        sidecar = path.with_suffix(".json")
        try:
            length = path.stat().st_size + sidecar.stat().st_size
            path.unlink()
            sidecar.unlink()
        except OSError as exc:
            log.warning("could not remove the old snapshot %s: %s", path, exc)
            continue
        log.info("removed the old snapshot %s and its checksum file (%d bytes)", path, length)
        count, size = count + 1, size + length
    log.info(
        "backups: kept the newest %d snapshot(s) in %s, removed %d (%d bytes)",
        min(keep, len(ours)),
        backup_dir,
        count,
        size,
    )
    return count, size


def _snapshot(warehouse: Path, backup_dir: Path, prefix: str) -> Snapshot:
    """`take_snapshot` for a caller that holds the writer lock already (a second `writer_lock`
    in the same process would wait for itself: the lock is per open file)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    taken_at = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"{prefix}-{taken_at}.duckdb"
    # Holding a read-write connection proves no other process writes during the copy.
    con = connect(warehouse)
    try:
        con.execute("checkpoint")
        shutil.copyfile(warehouse, target)
    finally:
        con.close()
    snapshot = Snapshot(target, _sha256(target), target.stat().st_size, taken_at)
    target.with_suffix(".json").write_text(
        json.dumps(
            {
                "file": target.name,
                "sha256": snapshot.sha256,
                "size_bytes": snapshot.size_bytes,
                "taken_at": taken_at,
                "source": str(warehouse),
            },
            indent=2,
        )
    )
    log.info("snapshot %s (%d bytes, sha256 %s)", target, snapshot.size_bytes, snapshot.sha256)
    return snapshot


def _check_snapshot(snapshot: Path, checksum: bool = False) -> None:
    """Raise unless `snapshot` and its checksum file exist (and, with `checksum`, match)."""
    if not snapshot.is_file():
        raise FileNotFoundError(
            f"no such snapshot: {snapshot} (a backup may have pruned it: name another)"
        )
    sidecar = snapshot.with_suffix(".json")
    if not sidecar.exists():
        raise FileNotFoundError(f"{snapshot}: no checksum file {sidecar.name}; refusing to restore")
    if not checksum:
        return
    expected = json.loads(sidecar.read_text())["sha256"]
    actual = _sha256(snapshot)
    if actual != expected:
        raise ValueError(f"{snapshot}: checksum {actual} does not match {expected}; corrupt copy")


def list_snapshots(backup_dir: Path) -> list[Path]:
    return sorted(backup_dir.glob("warehouse-*.duckdb"))


def restore_snapshot(
    snapshot: Path, warehouse: Path, keep_replaced_in: Path | None = None
) -> Snapshot | None:
    """Replace the warehouse with `snapshot` after checking its checksum.

    With `keep_replaced_in`, the warehouse being replaced is first snapshotted there as
    `replaced-<UTC time>.duckdb`, so a restore of the wrong snapshot can itself be undone (by
    naming that file); it is not a `warehouse-*` snapshot, so it never becomes the one restored
    by default. That snapshot is returned.
    """
    _check_snapshot(snapshot)  # before waiting for the lock: a wrong name fails at once
    replaced = None
    with writer_lock(warehouse):
        # Again under the lock, which `lmis backup` prunes under: checked outside it, the
        # snapshot could be pruned between its check and its copy.
        _check_snapshot(snapshot, checksum=True)
        if warehouse.exists():
            connect(warehouse).close()  # raises a clear error if another process has it open
            if keep_replaced_in is not None:
                replaced = _snapshot(warehouse, keep_replaced_in, prefix="replaced")
                log.info("the replaced warehouse is kept as %s", replaced.path)
        partial = warehouse.with_name(warehouse.name + ".restoring")
        shutil.copyfile(snapshot, partial)
        wal = warehouse.with_name(warehouse.name + ".wal")
        if wal.exists():
            wal.unlink()  # a write-ahead log of the replaced file must not be replayed on the copy
        os.replace(partial, warehouse)
    log.info("restored %s from %s", warehouse, snapshot)
    return replaced
