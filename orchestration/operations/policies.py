"""Retry and freshness policies of the nightly job's assets.

Transient failures here are a warehouse file briefly held by another process (a restore, an
analyst's session), a shared disk or a network mount that hiccups while landing: retried twice,
with exponential back-off and jitter. Failures that a retry cannot fix (the publication gate, a
file that cannot be landed, a dbt build that failed on a model or test rather than on a lock) are
raised with `allow_retries=False`. An interrupt (Ctrl-C, SIGINT, or a stop, SIGTERM) is final:
the step it stopped is not retried, the run stops there (`NoRetryAfterInterrupt`).

Marts are expected fresh every morning: updated between 00:00 and 06:00 WIB each day, i.e. by the
02:00 nightly run with four hours to spare for retries and a re-run.
"""

from __future__ import annotations

import sys
from datetime import timedelta

import dagster as dg

from orchestration import settings
from orchestration.operations.interrupts import stop_signals_received

INTERRUPTS = (KeyboardInterrupt, dg.DagsterExecutionInterruptedError)
"""What an interrupt of a step is raised as: Dagster turns SIGINT into the second in a step."""


def is_interrupt(error: BaseException | None) -> bool:
    """True when `error` is an interrupt, or was raised from one or while one was handled."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, INTERRUPTS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


class NoRetryAfterInterrupt(dg.RetryPolicy):
    """A retry policy that does not apply to an interrupted step.

    Dagster (1.13, `step_execution_error_boundary`) retries a step stopped by an interrupt like
    one that failed, whenever the step has a retry policy: the operator's Ctrl-C restarted the
    step instead of stopping the run. Dagster decides with `if retry_policy:` while it handles
    the step's error, so this policy is false then, and only then, when that error is an
    interrupt: the interrupt goes on up, Dagster records the step as failed by an interrupt and
    stops the run (its behaviour for a step without a retry policy). Any other error is retried
    as before. `tests/orchestration/test_interrupted_run.py` checks this on each upgrade.

    A library may turn the interrupt into an error of its own (DuckDB raises
    `RuntimeError('Query interrupted')`, linked to nothing): any error after a SIGINT or SIGTERM
    that the runner recorded (`operations.interrupts.signals_recorded`) is an interrupt too, and
    is raised as Dagster's interrupt error (from it), which stops the run as the interrupt would
    have. Without a recorded signal (no runner, or a query interrupted by another thread) an
    error is judged by its type alone.
    """

    __slots__ = ()

    def __bool__(self) -> bool:
        error = sys.exc_info()[1]
        if is_interrupt(error):
            return False
        if error is not None and stop_signals_received():
            raise dg.DagsterExecutionInterruptedError(
                f"interrupted by {stop_signals_received()[0].name}: {error!r}"
            ) from error
        return True


NIGHTLY_RETRY_POLICY = NoRetryAfterInterrupt(
    max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
"""Second try after about 10 s, third after about 20 s; never after an interrupt."""

MART_FRESHNESS_POLICY = dg.FreshnessPolicy.cron(
    deadline_cron="0 6 * * *",
    lower_bound_delta=timedelta(hours=6),
    timezone=settings.TIMEZONE,
)
"""Each mart and the publication must have been updated in the six hours before 06:00 WIB."""

FRESH_BY_MORNING = ("marts", "published")
"""Key prefixes of the assets held to the morning freshness policy."""


def with_mart_freshness(assets: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """The same assets with the morning freshness policy on every mart and publication."""
    return assets.map_asset_specs(
        lambda spec: (
            dg.apply_freshness_policy(spec, MART_FRESHNESS_POLICY)
            if spec.key.path[0] in FRESH_BY_MORNING
            else spec
        )
    )
