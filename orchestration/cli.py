"""The `lmis` command: one entry point for operators and analysts.

Sub-commands live one per module in `orchestration/commands/`. Each module exposes
`register(subparsers)`, which adds its parser and sets `func` to the function that runs it, so a
new command is added by adding a file, without touching this one.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from orchestration import commands, env_file
from orchestration.console import quiet_libraries
from orchestration.operations.interrupts import stop_signals_raised
from orchestration.operations.warehouse_lock import WarehouseLockedError

log = logging.getLogger("lmis")

EXIT_WAREHOUSE_BUSY = 75
"""Exit code when another process holds the warehouse (EX_TEMPFAIL: try again later)."""
EXIT_INTERRUPTED = 130
"""Exit code when the operator interrupts (Ctrl-C, SIGINT; a stop, SIGTERM, too): 128 + SIGINT's
number, as shells report it. An interrupted run is not retried and ends here
(orchestration/runner.py)."""
EXIT_FILES_QUARANTINED = 4
"""Exit code of a night (`lmis run`, `lmis backfill`) that landed and published everything else
but left out a file it could not read (not gzip, cut short, not UTF-8 at its start): the alert
and `raw.quarantined_files` name it (orchestration/landing/file_check.py)."""
EXIT_USAGE = 2
"""Exit code when an input or output path or an `LMIS_*` setting cannot be used, as for a bad
argument."""
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"
"""Local date, time and UTC offset, as Dagster's console lines (`2026-12-06 02:00:01 +0700`):
a log file appended to night after night says when each line was written."""
PATH_ERRORS = (
    FileNotFoundError,
    FileExistsError,
    NotADirectoryError,
    IsADirectoryError,
    PermissionError,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lmis",
        description=(
            "Indonesian labour-market data warehouse: Sakernas, WLKP, Karirhub, vacancies."
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Before build_parser: the commands import orchestration.settings, which reads the
    # environment once, on import (see orchestration/env_file.py).
    env_load = env_file.load_env_file()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format=LOG_FORMAT,
        datefmt=LOG_DATE_FORMAT,
    )
    # Libraries' set-up chatter and Dagster's duplicates of its console (orchestration/console.py).
    quiet_libraries(args.verbose)
    env_file.log_env_file_load(env_load, log)
    received: list[int] = []
    try:
        with stop_signals_raised(received):
            return int(args.func(args) or 0)
    except KeyboardInterrupt as exc:
        # One line, no traceback: an interrupted run says which run and step it stopped (its
        # message). Outside a run (before, between or after a command's runs) the exception
        # has no message: say so, and alert as a run would.
        return _interrupted(args.command, received, str(exc))
    except Exception as exc:
        if received:
            # A signal was received, so this error is the interrupt in another form: DuckDB
            # turns it into RuntimeError('Query interrupted') during a query (the retry policy
            # judges a step's error by the same rule, orchestration/operations/policies.py).
            log.debug("the error the interrupt became", exc_info=True)
            return _interrupted(args.command, received, "")
        if isinstance(exc, WarehouseLockedError):
            # A busy warehouse is an operator's situation, not a bug: one line, no traceback.
            log.error("%s", exc)
            return EXIT_WAREHOUSE_BUSY
        # Imported here: importing settings reads the environment, which must wait for `.env`.
        from orchestration.settings import SettingError

        if isinstance(exc, SettingError):
            # A bad LMIS_* value is the operator's to fix: one line naming it and what is
            # allowed (orchestration/runner.py checks them before `run` and `backfill` start).
            log.error("%s", exc)
            return EXIT_USAGE
        if isinstance(exc, PATH_ERRORS):
            # A path that cannot be read or written (a missing folder, a file where a folder
            # should be, no permission) is the caller's to fix: one line naming it; --verbose
            # also shows where it arose. Other OS errors (a full disk, a network failure) keep
            # their traceback.
            log.error("%s", exc)
            log.debug("where the error arose", exc_info=True)
            return EXIT_USAGE
        raise


def _interrupted(command: str, received: list[int], message: str) -> int:
    """Log the one line of an interrupted command (an alert too outside a run of `run` or
    `backfill`) and give its exit code."""
    from orchestration.runner import interrupted_outside_a_run

    log.error(
        "%s", message or interrupted_outside_a_run(command, received[0] if received else None)
    )
    return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
