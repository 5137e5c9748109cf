"""Freeing the `warehouse` pool slot of a run whose process was killed.

A run executed in process (`lmis run`, `lmis backfill`) claims the pool slot of each step in the
instance's storage and frees it when the step ends. A run killed with SIGKILL (the machine
rebooted, an operator's `kill -9`) never frees it, and with the pool limited to one every later
run would wait for that slot forever. Runs started by the command line carry the process id and
host in their tags; before a new run, slots held by such runs whose process is gone are freed
and the run is marked failed. Runs launched by the Dagster daemon carry no such tags and are left
to Dagster's own run monitoring.
"""

from __future__ import annotations

import logging
import os
import socket

import dagster as dg

log = logging.getLogger(__name__)

PID_TAG = "lmis/pid"
HOST_TAG = "lmis/host"
WAREHOUSE_POOL = "warehouse"


def process_tags() -> dict[str, str]:
    """Tags that let a later run tell whether this run's process is still alive."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def free_slots_of_dead_runs(instance: dg.DagsterInstance, pool: str = WAREHOUSE_POOL) -> list[str]:
    """Free `pool` slots claimed by command-line runs of this host whose process is gone."""
    info = instance.event_log_storage.get_concurrency_info(pool)
    run_ids = {slot.run_id for slot in info.claimed_slots}
    run_ids |= {step.run_id for step in info.pending_steps}
    freed = []
    for run_id in sorted(run_ids):
        run = instance.get_run_by_id(run_id)
        if run is None:
            continue
        tags = run.tags
        if tags.get(HOST_TAG) != socket.gethostname() or not tags.get(PID_TAG, "").isdigit():
            continue
        if _alive(int(tags[PID_TAG])):
            continue
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        if not run.is_finished:
            instance.report_run_failed(run)
        freed.append(run_id)
        log.warning(
            "freed the %s pool slot of run %s: its process (PID %s) is gone",
            pool,
            run_id,
            tags[PID_TAG],
        )
    return freed
