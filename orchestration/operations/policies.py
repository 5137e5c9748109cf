"""Retry and freshness policies of the nightly job's assets.

Transient failures here are a warehouse file briefly held by another process (a restore, an
analyst's session), a shared disk or a network mount that hiccups while landing: retried twice,
with exponential back-off and jitter. Failures that a retry cannot fix (the publication gate, a
file that cannot be landed, a dbt build that failed on a model or test rather than on a lock) are
raised with `allow_retries=False`.

Marts are expected fresh every morning: updated between 00:00 and 06:00 WIB each day, i.e. by the
02:00 nightly run with four hours to spare for retries and a re-run.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from orchestration import settings

NIGHTLY_RETRY_POLICY = dg.RetryPolicy(
    max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
"""Second try after about 10 s, third after about 20 s."""

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
