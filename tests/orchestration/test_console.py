"""`lmis`'s terminal: the libraries' set-up chatter and Dagster's duplicates are not printed."""

from __future__ import annotations

import io
import logging

import pytest

from orchestration.console import (
    CHATTY_LIBRARIES,
    QuietLibraries,
    dagster_console,
    quiet_libraries,
)


@pytest.fixture
def terminal():
    """A handler on the root logger, as `logging.basicConfig` gives `lmis`; removed after."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in CHATTY_LIBRARIES}
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        for other in root.handlers:
            for quiet in [f for f in other.filters if isinstance(f, QuietLibraries)]:
                other.removeFilter(quiet)


def test_great_expectations_set_up_lines_are_not_printed(terminal: io.StringIO) -> None:
    # Regression: 55 "Created temporary directory ..." lines in the `make run` log, although
    # the library's logger was set to WARNING: Great Expectations sets that module's logger to
    # INFO when it is imported, after `lmis` has started.
    quiet_libraries(verbose=False)
    import great_expectations.data_context.types.base as base

    assert base.logger.level == logging.INFO  # what Great Expectations does on import
    base.logger.info("Created temporary directory '/tmp/x' for ephemeral docs site")
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    base.logger.warning("a warning still shows")
    logging.getLogger("lmis").info("the command's own line")
    printed = terminal.getvalue()
    assert "Created temporary directory" not in printed and "SQLiteImpl" not in printed
    assert "a warning still shows" in printed and "the command's own line" in printed


def test_verbose_prints_the_libraries_lines(terminal: io.StringIO) -> None:
    quiet_libraries(verbose=True)
    logging.getLogger("great_expectations.data_context.types.base").info("Created temporary")
    assert "Created temporary" in terminal.getvalue()


def test_dagster_step_logs_are_printed_once_during_a_run(terminal: io.StringIO) -> None:
    # Regression: four dbt messages appeared twice, from Dagster's console logger and from
    # `dagster.builtin` through the command's handler.
    quiet_libraries(verbose=False)
    step_logger = logging.getLogger("dagster.builtin")
    with dagster_console():
        step_logger.warning("Finished dbt command")  # Dagster's console prints it
    step_logger.warning("outside any run")  # no console: the command's handler prints it
    printed = terminal.getvalue()
    assert "Finished dbt command" not in printed and "outside any run" in printed
