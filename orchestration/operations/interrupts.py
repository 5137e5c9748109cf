"""Holding an interrupt (Ctrl-C, SIGINT) or a stop (SIGTERM) off while files are swapped in, and
recording that one was received.

A run stops where an interrupt reaches it (orchestration/runner.py). Where a publication or a
release is put in place by more than one rename, stopping between two of them would leave marts
of two nights side by side, or a release day moved aside and not replaced: those renames are
done inside `interrupts_held`, and the interrupt arrives once they are all done.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Ctrl-C, and the stop a service manager sends (systemd, `docker stop`)."""
SIGNAL_NAMES = {signal.SIGINT: "SIGINT, Ctrl-C", signal.SIGTERM: "SIGTERM, a stop"}


def describe_signal(number: int | None) -> str:
    """How messages name a signal: "SIGINT, Ctrl-C", "SIGTERM, a stop"; "an interrupt" when
    no signal is known (a KeyboardInterrupt raised by code)."""
    if number is None:
        return "an interrupt"
    return SIGNAL_NAMES.get(number, signal.Signals(number).name)


@contextmanager
def stop_signals_raised(received: list[int]) -> Iterator[None]:
    """For the block, SIGINT and SIGTERM raise KeyboardInterrupt and are appended to `received`.

    By default SIGTERM ends the process at once (exit 143, no message, no alert) until a
    Dagster run has mapped it to the SIGINT handler, after which it is a KeyboardInterrupt
    like Ctrl-C: a command that runs jobs now stops the same way on both, from its start, and
    can say which signal stopped it. Only the main thread can set handlers: elsewhere a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(number: int, frame) -> None:
        received.append(number)
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, stop) for number in HELD_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def interrupts_held(what: str) -> Iterator[None]:
    """Hold SIGINT and SIGTERM off for the block, then deliver each received to the handler that
    was there (Dagster's, in a step, which stops the step; the default, which ends the process).
    Only the main thread receives signals: elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda got, frame: received.append(got))
        for number in HELD_SIGNALS
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(received):
            log.warning("%s held off until %s was done", signal.Signals(number).name, what)
            signal.raise_signal(number)


_record: dict = {"pipe": None, "received": []}
"""The read end of the wakeup pipe while `signals_recorded` records, and what it has read."""


@contextmanager
def signals_recorded() -> Iterator[None]:
    """Record each SIGINT and SIGTERM the process receives in the block, whichever handler takes
    it (`stop_signals_received`).

    In a step, Dagster's handler raises its interrupt error wherever the main thread is. A
    library can turn that error into its own: DuckDB interrupts its query and raises
    `RuntimeError('Query interrupted')`, linked to nothing, which the retry policy took for a
    failure and retried. Python writes the number of every signal it handles to the wakeup file
    descriptor before any handler runs, so the record does not depend on which handler was in
    place or what became of its error. Only the main thread receives signals: elsewhere, or
    when something else (an event loop) owns the wakeup descriptor, nothing is recorded and
    errors are judged by their type alone.
    """
    if threading.current_thread() is not threading.main_thread() or _record["pipe"] is not None:
        yield  # not the main thread, or an outer block already records
        return
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    if previous != -1:
        signal.set_wakeup_fd(previous)
        os.close(read)
        os.close(write)
        log.debug("the signal wakeup descriptor is in use: interrupts not recorded")
        yield
        return
    _record.update(pipe=read, received=[])
    try:
        yield
    finally:
        signal.set_wakeup_fd(-1)
        os.close(read)
        os.close(write)
        _record.update(pipe=None, received=[])


def stop_signals_received() -> list[signal.Signals]:
    """The SIGINTs and SIGTERMs received so far in `signals_recorded`, first first (empty
    outside it)."""
    if _record["pipe"] is not None:
        try:
            data = os.read(_record["pipe"], 4096)
            while data:
                _record["received"] += [n for n in data if n in HELD_SIGNALS]
                data = os.read(_record["pipe"], 4096)
        except BlockingIOError:  # nothing more to read
            pass
    return [signal.Signals(number) for number in _record["received"]]
