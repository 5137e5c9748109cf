"""The project's `.env` file, read by `lmis` as `dagster dev` reads it.

`dagster dev` (and `make dagster-dev`, started in the project folder) loads `.env` into the
environment of everything it runs, so an operator who sets `LMIS_ENV=production`, a pseudonym
key or a warehouse path there gets them in the Dagster UI and its schedules. `lmis run` and
`lmis backfill` from cron must see the same values, or they would write another warehouse and
make NIK pseudonyms with the published development key. So `lmis` reads the same file, with the
same reader (python-dotenv's `dotenv_values`, as Dagster's `get_env_var_dict`), once, before
`orchestration.settings` is imported: settings are read when that module is first imported.

Two differences from Dagster, both deliberate:

- The file is `<project>/.env`, not `.env` in the current folder: cron starts `lmis` in the
  operator's home folder. (`make dagster-dev` runs in the project folder, so both read the same
  file.)
- A variable already set in the environment keeps its value (Dagster's `.env` overrides it), so
  a one-off `LMIS_WAREHOUSE=/tmp/w.duckdb lmis run` does what it says.

This module imports nothing from the project, so loading it cannot read settings too early.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from dotenv.parser import parse_stream

PROJECT_ENV_FILE = Path(__file__).resolve().parent.parent / ".env"
"""The project's `.env`, next to `.env.example`."""

ENV_FILE = PROJECT_ENV_FILE
"""The file `load_env_file` reads unless `LMIS_ENV_FILE` names another (or none)."""

ENV_FILE_VARIABLE = "LMIS_ENV_FILE"
"""Set to a path, `lmis` reads that file instead of the project's `.env`; set empty, none.

Tests set it empty (tests/conftest.py) so that `lmis` children they start, which inherit the
environment, never read an operator's `.env` in the checkout: its warehouse, release and backup
folders and its alert command are production ones.
"""


def env_file_path() -> Path | None:
    """The file to read: `LMIS_ENV_FILE` when set (empty: none), else `ENV_FILE`."""
    value = os.environ.get(ENV_FILE_VARIABLE)
    if value is None:
        return ENV_FILE
    return Path(value) if value.strip() else None


PATH_VARIABLES = (
    "LMIS_DATA_DIR",
    "LMIS_WAREHOUSE",
    "LMIS_MARTS_DIR",
    "LMIS_REPORTS_DIR",
    "LMIS_RELEASES_DIR",
    "LMIS_BACKUP_DIR",
    "LMIS_ALERT_DIR",
    "LMIS_CRAWL_DIR",
    "DAGSTER_HOME",
)
"""Variables holding a path. A relative one read from `.env` is taken relative to the file's
folder, not the current one: cron starts `lmis` in the operator's home folder, where
`LMIS_WAREHOUSE=data/w.duckdb` would name another warehouse. (tests/orchestration/
test_env_file.py checks this list against the names settings reads as paths.)"""

PATH_LIST_VARIABLES = ("LMIS_LANDING_DIRS",)
"""Comma-separated paths, each made relative to the `.env` folder likewise."""


def _anchored(name: str, value: str, folder: Path) -> str:
    """`value` with a relative path of a path variable made absolute against `folder`."""
    if name in PATH_VARIABLES and value.strip():
        return str(folder / Path(value.strip()).expanduser())
    if name in PATH_LIST_VARIABLES:
        parts = [part.strip() for part in value.split(",")]
        return ",".join(str(folder / Path(part).expanduser()) if part else part for part in parts)
    return value


@dataclass(frozen=True)
class EnvFileLoad:
    """What reading the `.env` file did, for the CLI to log once logging is configured."""

    path: Path
    found: bool
    set_names: tuple[str, ...] = ()
    """Variables the file set (their values are never logged: one is a secret key)."""
    kept_names: tuple[str, ...] = ()
    """Variables in the file that were already set in the environment and kept that value."""
    bad_lines: tuple[int, ...] = ()
    """Line numbers python-dotenv could not read; those lines set nothing."""
    other_file: Path | None = field(default=None)
    """A `.env` in the current folder that is not the project's, hence not read."""
    switched_off: bool = False
    """`LMIS_ENV_FILE` was set empty: no file read."""
    unreadable: str | None = None
    """Why the file could not be read (not UTF-8, say); nothing was set from it."""


def load_env_file(path: Path | None = None) -> EnvFileLoad:
    """Set the variables of the project's `.env` that the environment does not already have."""
    if path is None:
        path = env_file_path()
        if path is None:
            return EnvFileLoad(PROJECT_ENV_FILE, found=False, switched_off=True)
    cwd_file = Path.cwd() / ".env"
    other_file = cwd_file if cwd_file.is_file() and cwd_file.resolve() != path.resolve() else None
    if not path.is_file():
        return EnvFileLoad(path, found=False, other_file=other_file)
    try:
        with path.open(encoding="utf-8") as stream:
            bad_lines = tuple(b.original.line for b in parse_stream(stream) if b.error)
    except (UnicodeDecodeError, OSError) as exc:
        # Every command, `--help` included, starts here: a file it cannot read must not stop
        # them. Nothing is set from it; the CLI says so once logging is configured.
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)
        return EnvFileLoad(path, found=True, other_file=other_file, unreadable=reason)
    # python-dotenv warns of each bad line on its own logger, before the CLI has configured
    # logging and without naming the file; the CLI reports them itself, with the file's path.
    dotenv_log = logging.getLogger("dotenv.main")
    level = dotenv_log.level
    dotenv_log.setLevel(logging.ERROR)
    try:
        values = dotenv_values(path, encoding="utf-8")
    finally:
        dotenv_log.setLevel(level)
    set_names: list[str] = []
    kept_names: list[str] = []
    for name, value in values.items():
        if value is None:
            # A bare `NAME` line has no value; Dagster skips it too.
            continue
        if name in os.environ:
            kept_names.append(name)
        else:
            os.environ[name] = _anchored(name, value, path.resolve().parent)
            set_names.append(name)
    return EnvFileLoad(
        path,
        found=True,
        set_names=tuple(set_names),
        kept_names=tuple(kept_names),
        bad_lines=bad_lines,
        other_file=other_file,
    )


def log_env_file_load(load: EnvFileLoad, log: logging.Logger) -> None:
    """Say which file was read and how many variables it set, never their values."""
    if load.switched_off:
        log.debug("%s is empty: no .env file read", ENV_FILE_VARIABLE)
        return
    if load.unreadable is not None:
        log.warning("%s not read (%s): nothing set from it", load.path, load.unreadable)
    elif load.found:
        log.info(
            "read %s: set %d environment variable(s); %d already set kept their value",
            load.path,
            len(load.set_names),
            len(load.kept_names),
        )
        for line in load.bad_lines:
            log.warning(
                "%s line %d: not a NAME=value line, ignored (nothing set from it)", load.path, line
            )
    else:
        log.debug("no %s: environment variables and defaults only", load.path)
    if load.other_file is not None:
        log.info(
            "%s is not read: lmis reads %s (the project's .env) wherever it is started",
            load.other_file,
            load.path,
        )
