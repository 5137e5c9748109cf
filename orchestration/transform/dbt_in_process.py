"""dbt run inside the Dagster step's own process, instead of a `dbt` subprocess per step.

A dbt subprocess costs about 4.5 s before dbt does any work on this machine: the interpreter,
dbt's imports (about 3.4 s: dbt builds hundreds of serialisation classes on import) and reading
the partial-parse state of 47 models and 250 tests. That is a third of an incremental night. In
this process dbt's modules are imported once, the project is parsed once per process and the
parsed manifest is handed to every later invocation (dbt's documented programmatic use), and
the Python models' imports (the occupation coder, the normaliser) are loaded once too. A whole
rebuild gains little; a night that changes one partition gains most of it.

dagster-dbt still turns dbt's events into Dagster's (materialisations, asset checks, errors):
`DbtInThisProcess` offers the part of `subprocess.Popen` that `DbtCliInvocation` reads, the JSON
lines dbt would have printed (its events at info level and above, as the dbt CLI prints them
with `--log-format json`) and dbt's exit code (0 success, 1 a node failed, 2 dbt itself failed).

Off with `LMIS_DBT_IN_PROCESS=0`, which brings back dagster-dbt's subprocess.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

STDOUT_LEVELS = frozenset({"info", "warn", "error"})
"""The event levels the dbt CLI prints by default; debug events go to dbt.log only."""
END = None

_parsed_manifests: dict[tuple[str, str, str, str], object] = {}
_parse_lock = threading.Lock()
_one_dbt_at_a_time = threading.Lock()
"""dbt keeps its event callbacks, flags and adapters in process-wide state, so two invocations
at once would mix their events and close each other's database. A run whose step was interrupted
goes on to its end (see `send_signal`); a later dbt run in this process waits for it here."""
_running: set[threading.Thread] = set()
"""The threads of the dbt runs of this process not ended yet (`wait_for_dbt_runs`)."""


def in_process_enabled() -> bool:
    return os.environ.get("LMIS_DBT_IN_PROCESS", "1").strip().lower() not in {"0", "false", "no"}


def in_process_arguments(
    dbt_arguments: Sequence[str], env: dict[str, str], project_dir: Path
) -> list[str]:
    """The arguments of a dbt subprocess, with the settings dagster-dbt passes in its
    environment (target and log folders, profiles folder, JSON logs) made explicit flags: dbt
    in this process reads this process's environment, not the one prepared for a child."""
    explicit = [
        "--project-dir",
        str(project_dir),
        "--target-path",
        env["DBT_TARGET_PATH"],
        "--log-path",
        env["DBT_LOG_PATH"],
        # Nothing on this process's stdout (dagster-dbt prints each event's message itself);
        # dbt.log in the run's target folder as a dbt subprocess writes it.
        "--log-level",
        "none",
        "--log-level-file",
        "debug",
        "--no-send-anonymous-usage-stats",
    ]
    if env.get("DBT_PROFILES_DIR"):
        explicit += ["--profiles-dir", env["DBT_PROFILES_DIR"]]
    if env.get("DBT_INDIRECT_SELECTION"):
        explicit += ["--indirect-selection", env["DBT_INDIRECT_SELECTION"]]
    command, *rest = dbt_arguments
    return [command, *explicit, *rest]


class _EventLines:
    """The JSON lines of dbt's events as they come, read like a pipe's stdout."""

    def __init__(self) -> None:
        self._lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.closed = False

    def put(self, line: bytes | None) -> None:
        self._lines.put(line)

    def __iter__(self) -> Iterator[bytes]:
        while (line := self._lines.get()) is not END:
            yield line

    def __enter__(self) -> _EventLines:
        return self

    def __exit__(self, *exc_info) -> None:
        self.closed = True


class DbtInThisProcess:
    """A dbt command run by dbt's own runner on a thread of this process, with the attributes
    of `subprocess.Popen` that dagster-dbt uses: `args`, `stdout`, `returncode`, `wait()` and
    `send_signal()`."""

    def __init__(
        self,
        args: Sequence[str],
        project_dir: Path,
        target_path: Path,
        profiles_dir: Path | None = None,
    ) -> None:
        self.args = list(args)
        self.returncode: int | None = None
        self.stdout = _EventLines()
        self._signalled = False
        self._thread = threading.Thread(
            target=self._invoke,
            args=(self.args[1:], project_dir, target_path, profiles_dir or project_dir),
            name="dbt",
            daemon=True,
        )
        _running.add(self._thread)
        self._thread.start()

    def _invoke(
        self, arguments: list[str], project_dir: Path, target_path: Path, profiles_dir: Path
    ) -> None:
        from dbt.cli.main import dbtRunner

        code = 2
        if not _one_dbt_at_a_time.acquire(blocking=False):
            log.warning("waiting for the dbt run already going on in this process to end")
            _one_dbt_at_a_time.acquire()
        try:
            manifest = parsed_manifest(project_dir, target_path, profiles_dir)
            result = dbtRunner(manifest=manifest, callbacks=[self._on_event]).invoke(arguments)
            if result.exception is not None:
                self._error_line(f"dbt failed: {result.exception}")
            code = 0 if result.success else 1 if result.exception is None else 2
        except BaseException as error:  # noqa: BLE001 - reported to dagster-dbt as dbt's error
            self._error_line(f"dbt failed: {type(error).__name__}: {error}")
        finally:
            release_warehouse()
            _one_dbt_at_a_time.release()
            self.returncode = code
            self.stdout.put(END)
            _running.discard(threading.current_thread())

    def _on_event(self, message) -> None:
        from dbt_common.events.functions import msg_to_json

        if message.info.level in STDOUT_LEVELS:
            self.stdout.put(msg_to_json(message).encode())

    def _error_line(self, text: str) -> None:
        event = {"info": {"level": "error", "msg": text, "name": "MainEncounteredError"}}
        self.stdout.put(json.dumps({**event, "data": {}}).encode())

    def wait(self, timeout: float | None = None) -> int | None:
        if self._signalled:
            # dagster-dbt waits here, inside the interrupted step, before it raises: the run
            # waits instead, once the step has stopped, bounded and saying so
            # (`wait_for_dbt_runs`).
            return self.returncode
        self._thread.join(timeout)
        return self.returncode

    def send_signal(self, signal_number: int) -> None:
        # dbt offers no way to stop a programmatic invocation: the run goes on to its last node
        # on its thread (each node's transaction keeps the warehouse whole) while the step
        # fails; the interrupted run waits for it before anything else opens the warehouse
        # (`wait_for_dbt_runs`, called by `orchestration.runner`). A process that exits
        # meanwhile stops it like a killed dbt subprocess.
        self._signalled = True
        log.warning(
            "dbt runs in this process: signal %s not forwarded; the dbt run goes on to its end",
            signal_number,
        )


def dbt_runs_going_on() -> int:
    """How many dbt runs of this process have not ended (their thread still holds dbt)."""
    return sum(thread.is_alive() for thread in list(_running))


def wait_for_dbt_runs(timeout: float) -> bool:
    """Wait up to `timeout` seconds for this process's dbt runs to end and let go of the
    warehouse; True when none is left. A KeyboardInterrupt ends the wait (it is raised)."""
    deadline = time.monotonic() + timeout
    for thread in list(_running):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        thread.join(remaining)
    return dbt_runs_going_on() == 0


def parsed_manifest(project_dir: Path, target_path: Path, profiles_dir: Path | None = None):
    """dbt's parsed project, parsed once per process, warehouse and version of the project.

    The warehouse path is part of the profile dbt parses with, and an added, removed or edited
    project file (a Python model too) must be parsed again, so both are in the key. The first
    parse reads the partial-parse state copied into `target_path`; it writes the state back
    there for the next process.
    """
    from dbt.cli.main import dbtRunner

    profiles_dir = profiles_dir or project_dir
    key = (
        str(project_dir),
        str(profiles_dir),
        os.environ.get("LMIS_WAREHOUSE", ""),
        _project_version(project_dir),
    )
    with _parse_lock:
        if key in _parsed_manifests:
            return _parsed_manifests[key]
        result = dbtRunner().invoke(
            [
                "parse",
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(profiles_dir),
                "--target-path",
                str(target_path),
                "--log-path",
                str(target_path),
                "--log-level",
                "none",
                "--no-send-anonymous-usage-stats",
                "--no-write-json",
            ]
        )
        if not result.success:
            raise RuntimeError(f"dbt parse failed: {result.exception}")
        _parsed_manifests.clear()
        _parsed_manifests[key] = result.result
        return result.result


def _project_version(project_dir: Path) -> str:
    from orchestration.transform.dbt import project_version

    return project_version(project_dir)


def release_warehouse() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the process after a run.

    dbt-duckdb holds one DuckDB instance per process in a class attribute and closes it only at
    exit; left open, it would keep the warehouse file locked against the next writer (another
    process, or this one with other settings) for as long as this process lives.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if environment is not None:
        try:
            environment.close()
        except Exception as error:  # noqa: BLE001 - closing is best effort; logged
            log.warning("closing dbt's DuckDB connection: %s", error)
