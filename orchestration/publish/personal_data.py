"""Marts that carry personal data are published only on synthetic rows, or when an operator allows.

`fct_job_seekers` keeps birth year, sex and regency, which together can single people out in a
small regency (docs/admin-sources.md): the real table is personal data, and so is
`fct_placements` (the same pseudonymised people, with employer, wage and date). Today their rows
are the AK1 generator's, so publishing them is harmless; real AK1 exports must not reach
data/marts/ and the researchers' releases by default.

A mart is personal-data-bearing when its dbt YAML says so:

    config:
      meta:
        contains_personal_data: true

Such a mart is published (and released) only when every row has `is_synthetic = true`, or when
`LMIS_PUBLISH_PERSONAL_DATA=1` says the folder's readers may see personal data. Otherwise it is
withheld: no file is written (an earlier one is removed), a warning names it, and the reason is
in the publication's record (`_publication.json`, `withheld`) and in the release manifest.

Any other value of the variable is a configuration error (`SettingError`): `lmis run` and
`lmis backfill` refuse to start with it (`orchestration.runner.check_run_settings`), and the
publication step, which reads it again, fails without retries.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import duckdb

from orchestration.settings import SettingError

log = logging.getLogger(__name__)

PERSONAL_DATA_META = "contains_personal_data"
ALLOW_ENV = "LMIS_PUBLISH_PERSONAL_DATA"


def personal_data_marts(dbt_manifest: Path) -> set[str]:
    """Names of the marts whose dbt YAML marks them as personal data.

    A missing manifest raises (FileNotFoundError): without it nothing says which marts hold
    personal data, so nothing may be published as if none did.
    """
    manifest = json.loads(dbt_manifest.read_text())
    marts = set()
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") != "marts":
            continue
        if is_personal_data_node(node):
            marts.add(node["name"])
    return marts


def is_personal_data_node(node: dict) -> bool:
    """True when a dbt manifest node's meta (top level or under config) marks personal data."""
    meta = {**node.get("meta", {}), **node.get("config", {}).get("meta", {})}
    return meta.get(PERSONAL_DATA_META) is True


def personal_data_allowed() -> bool:
    """True when `LMIS_PUBLISH_PERSONAL_DATA=1`; 0 or unset is False, anything else an error
    (`SettingError`; spaces around 0 or 1 are ignored)."""
    raw = os.environ.get(ALLOW_ENV, "0")
    value = raw.strip() or "0"
    if value not in {"0", "1"}:
        raise SettingError(
            f"{ALLOW_ENV} must be 0 or 1, not {raw!r} (0, the default, withholds the marts "
            "marked as personal data unless their rows are synthetic; 1 publishes them)"
        )
    return value == "1"


def withholding_reason(
    con: duckdb.DuckDBPyConnection, relation: str, parameters: list | None = None
) -> str | None:
    """Why a personal-data mart, read as `relation`, may not be published; None if it may."""
    if personal_data_allowed():
        return None
    parameters = parameters or []
    columns = {
        row[0] for row in con.execute(f"describe select * from {relation}", parameters).fetchall()
    }
    if "is_synthetic" not in columns:
        return f"personal data with no is_synthetic column; {ALLOW_ENV}=1 publishes it"
    real = con.execute(
        f"select count(*) filter (where is_synthetic is not true) from {relation}", parameters
    ).fetchone()[0]
    if real:
        return f"personal data: {real} row(s) not synthetic; {ALLOW_ENV}=1 publishes them"
    return None
