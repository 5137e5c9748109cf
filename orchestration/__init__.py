"""Orchestration of the warehouse: the Dagster definitions, the `lmis` command, their operations.

Every process that runs a night imports this package before anything heavy: `lmis` (its module
`orchestration.cli`), and Dagster's code server and run worker (`orchestration.definitions`). So
the garbage collector's thresholds are set here, once per process.

A night in a process of its own imports Dagster, dbt, dagster-dbt, Great Expectations, polars,
pandas and the coder's libraries: millions of objects that live as long as the process. With
Python's thresholds (a collection every 700 new container objects) the collector ran 2,200 young
and 10 full collections during one such night, each full one walking the whole heap again as the
imports grew it: 3.8-5.1 s of the night's 21-24 s of CPU (three runs on the shipped data, load
5-7). A young collection every 50,000 objects (29 young, 1 middle, no full collection in the same
night, two runs): 1.3-1.5 s of 18.7-19.4 s, with the same peak memory (906-919 MB either way). Full
collections still run, after about ten million allocations, so a long process (a backfill of many
days, the code server) still frees its reference cycles; nothing here leaves a file or a
connection for the collector to close (the warehouse connections are closed by their `with`
blocks and by `transform.dbt_in_process.release_warehouse`).
"""

import gc

PYTHON_DEFAULT_THRESHOLDS = (700, 10, 10)
NIGHT_THRESHOLDS = (50_000, 20, 10)


def collect_garbage_less_often() -> None:
    """`NIGHT_THRESHOLDS`, unless the process has set thresholds of its own."""
    if gc.get_threshold() == PYTHON_DEFAULT_THRESHOLDS:
        gc.set_threshold(*NIGHT_THRESHOLDS)


collect_garbage_less_often()
