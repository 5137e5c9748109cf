"""`lmis backup` and `lmis restore`: snapshots of the DuckDB warehouse file."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    from orchestration import settings

    backup = subparsers.add_parser(
        "backup",
        help="snapshot the warehouse file (with a SHA-256 checksum)",
        description="Copy the warehouse (LMIS_WAREHOUSE) into a snapshot file named by its UTC "
        "time, with its SHA-256 in a .json beside it. Waits for a running job's writer lock "
        "(up to LMIS_WAREHOUSE_WAIT_SECONDS); refused (exit 75) if the warehouse is open in "
        "another process outside that lock, such as an analyst's DuckDB session. Then "
        "removes the oldest snapshots it made beyond the newest LMIS_BACKUP_KEEP (default "
        "14), never other files of the folder. See docs/operations.md.",
    )
    backup.add_argument(
        "--to",
        type=Path,
        default=settings.BACKUP_DIR,
        help="folder for snapshots (default: %(default)s)",
    )
    backup.set_defaults(func=run_backup)

    restore = subparsers.add_parser(
        "restore",
        help="replace the warehouse with a snapshot (latest by default)",
        description="Check the snapshot's SHA-256, keep the warehouse being replaced as a "
        "snapshot (unless --no-keep), then put the snapshot in its place. A snapshot without "
        "its checksum, or whose checksum differs, is refused (exit 1). Waits for a running "
        "job's writer lock like `lmis backup`, and like it is refused (exit 75) while another "
        "process has the warehouse open. See docs/operations.md.",
    )
    restore.add_argument(
        "snapshot",
        type=Path,
        nargs="?",
        help="snapshot file; default: the newest in the backup folder",
    )
    restore.add_argument(
        "--from",
        dest="backup_dir",
        type=Path,
        default=settings.BACKUP_DIR,
        help="folder to take the newest snapshot from (default: %(default)s)",
    )
    restore.add_argument(
        "--no-keep",
        dest="keep_replaced",
        action="store_false",
        help="do not snapshot the warehouse being replaced into the backup folder first",
    )
    restore.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from orchestration import settings
    from orchestration.operations.backup import take_snapshot
    from orchestration.operations.retention import backup_keep_from_env
    from orchestration.runner import check_warehouse_wait_setting

    # A bad setting ends the command here (exit 2), as for `lmis run`.
    check_warehouse_wait_setting()
    keep = backup_keep_from_env()
    try:
        take_snapshot(settings.WAREHOUSE_PATH, args.to, keep=keep)
    except FileNotFoundError as exc:
        log.error("%s", exc)
        return 1
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from orchestration import settings
    from orchestration.operations.backup import list_snapshots, restore_snapshot
    from orchestration.runner import check_warehouse_wait_setting

    check_warehouse_wait_setting()
    snapshot = args.snapshot
    if snapshot is None:
        available = list_snapshots(args.backup_dir)
        if not available:
            log.error("no snapshot in %s", args.backup_dir)
            return 1
        snapshot = available[-1]
    keep_in = args.backup_dir if args.keep_replaced else None
    try:
        restore_snapshot(snapshot, settings.WAREHOUSE_PATH, keep_replaced_in=keep_in)
    except (FileNotFoundError, ValueError) as exc:
        # A missing or corrupt snapshot: say which, keep the warehouse as it is.
        log.error("%s", exc)
        return 1
    return 0
