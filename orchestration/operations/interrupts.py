"""Holding an interrupt (Ctrl-C, SIGINT) or a stop (SIGTERM) off while files are swapped in.

A run stops where an interrupt reaches it (orchestration/runner.py). Where a publication or a
release is put in place by more than one rename, stopping between two of them would leave marts
of two nights side by side, or a release day moved aside and not replaced: those renames are
done inside `interrupts_held`, and the interrupt arrives once they are all done.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Ctrl-C, and the stop a service manager sends (systemd, `docker stop`)."""


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
