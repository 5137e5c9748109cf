"""Holding an interrupt (Ctrl-C, SIGINT) off while files are swapped in.

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


@contextmanager
def interrupts_held(what: str) -> Iterator[None]:
    """Hold SIGINT off for the block, then deliver it to the handler that was there (Dagster's,
    in a step, which stops the step). Only the main thread receives signals: elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            log.warning("interrupt held off until %s was done", what)
            signal.raise_signal(signal.SIGINT)
