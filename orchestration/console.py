"""What `lmis` prints on the terminal: its own lines, and the libraries' warnings.

Two kinds of line said nothing to the operator and are filtered out of the command's handlers:

- Libraries that log their own set-up at INFO (`CHATTY_LIBRARIES`): dozens of lines a night
  ("Created temporary directory ... for ephemeral docs site", "Context impl SQLiteImpl").
  Setting their logger to WARNING is not enough: Great Expectations sets its own module
  loggers to INFO when it is imported (`great_expectations.data_context.types.base`), after
  `lmis` has started, so the filter drops their records below WARNING whatever the logger's
  level. `--verbose` shows everything.
- During a run, Dagster's console logger already prints what steps log through Dagster's
  logger (`dagster.builtin`, e.g. dagster-dbt's "Finished dbt command"), with the run and the
  step; the same record reaching the command's handler printed it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

CHATTY_LIBRARIES = ("great_expectations", "alembic")
"""Loggers (and their children) whose records below WARNING are not printed."""
DAGSTER_STEP_LOGGER = "dagster.builtin"
"""Dagster's logger for step code: printed by Dagster's console logger during a run."""


class _RunCount:
    """How many runs of this process are going on inside `dagster_console` (they may nest)."""

    going_on = 0


_runs = _RunCount()


def _is_under(name: str, parent: str) -> bool:
    return name == parent or name.startswith(parent + ".")


def _printed_by_dagster(record: logging.LogRecord) -> bool:
    """A step's record that Dagster's console logger prints (at `runner.CONSOLE_LOG_LEVEL`)."""
    return (
        _runs.going_on > 0
        and record.levelno >= logging.INFO
        and _is_under(record.name, DAGSTER_STEP_LOGGER)
    )


@contextmanager
def dagster_console() -> Iterator[None]:
    """For the block (a run in this process), Dagster's console logger prints step logs."""
    _runs.going_on += 1
    try:
        yield
    finally:
        _runs.going_on -= 1


class QuietLibraries(logging.Filter):
    """Drops the chatty libraries' records below WARNING, and during a run the records of
    Dagster's step logger, which its console logger prints (module doc)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _printed_by_dagster(record):
            return False
        chatty = any(_is_under(record.name, library) for library in CHATTY_LIBRARIES)
        return not chatty or record.levelno >= logging.WARNING


def quiet_libraries(verbose: bool) -> None:
    """Filter the root logger's handlers (see the module doc); with `verbose`, only the
    duplicates of Dagster's console."""
    for chatty in CHATTY_LIBRARIES:
        logging.getLogger(chatty).setLevel(logging.NOTSET if verbose else logging.WARNING)
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, QuietLibraries)]:
            handler.removeFilter(old)
        handler.addFilter(QuietVerbose() if verbose else QuietLibraries())


class QuietVerbose(QuietLibraries):
    """`--verbose`: every library's records, without Dagster's duplicates."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _printed_by_dagster(record)
