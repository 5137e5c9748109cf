"""`lmis setup`: prepare what the pipeline needs besides the installed packages."""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "setup",
        help="prepare the Dagster home and the dbt manifest (run by `make run`/`make test`)",
        description="Create the Dagster home (DAGSTER_HOME) with its instance settings and "
        "parse the dbt project into its manifest, which the Dagster definitions read.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orchestration import settings
    from orchestration.transform.dbt import ensure_manifest

    settings.ensure_dagster_home()
    manifest = ensure_manifest()
    log.info("dbt manifest ready at %s; Dagster home at %s", manifest, settings.DAGSTER_HOME)
    return 0
