"""The staging and publication gates: Great Expectations suites run as blocking asset checks.

Raw landing has its own checks (orchestration/landing). After dbt builds, two more gates run:

* the **staging gate** on staging views: keys, domains, date order and referential integrity to
  the dimensions (`quality/suites/staging_*.json`);
* the **publication gate** on the marts: values in range, keys, references, every posting
  validated, and no mart (or vacancy source within it) under half its last published size
  (`quality/suites/publication_*.json`); a coherence check against BPS's published TPT warns.

Each check validates a pandas frame built by a SQL file in `quality/sql/` against its suite
(`quality.gx_runner`). `published/parquet_marts` depends on every gated asset, so a failed
error-level check (or an engine error: a check that could not judge) stops publication and the
last good publication stays in place. The outcome is in the check's metadata
(`quality_status`: passed, warning, failed or engine_error) for the data-quality report.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBResource

from orchestration import settings
from quality.gx_runner import SuiteOutcome, load_suite_definition, validate_dataframe

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).parents[2] / "quality" / "sql"
_RELATION = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*")

PASSED, WARNING, FAILED, ENGINE_ERROR = "passed", "warning", "failed", "engine_error"
VOLUME_CHECK = "volume_not_dropped_since_publication"


@dataclass(frozen=True)
class SuiteGate:
    """One suite run on one asset: the frame comes from `sql_file` (with `{relation}` filled)."""

    gate: str
    asset: tuple[str, ...]
    check_name: str
    suite: str
    sql_file: str
    description: str
    relation: str | None = None
    blocking: bool = True

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey(list(self.asset))


def _vacancy_staging_gate(board: str, model: str) -> SuiteGate:
    return SuiteGate(
        gate="staging",
        asset=("staging", model),
        check_name="staging_gate",
        suite=f"staging_{board}_postings",
        sql_file="staging_vacancy_postings.sql",
        relation=f"staging.{model}",
        description=f"Staging gate: keys, pay domains and date order of {board} postings.",
    )


STAGING_GATES: tuple[SuiteGate, ...] = (
    _vacancy_staging_gate("jobstreet", "stg_jobstreet__postings"),
    _vacancy_staging_gate("lokerid", "stg_lokerid__postings"),
    _vacancy_staging_gate("dealls", "stg_dealls__postings"),
    SuiteGate(
        gate="staging",
        asset=("staging", "stg_ump__province_minimum_wages"),
        check_name="staging_gate",
        suite="staging_ump_province_minimum_wages",
        sql_file="staging_ump_province_minimum_wages.sql",
        description="Staging gate: UMP keys, plausible amounts, provinces in the code list.",
    ),
    SuiteGate(
        gate="staging",
        asset=("staging", "stg_sakernas__persons"),
        check_name="staging_gate",
        suite="staging_sakernas_persons",
        sql_file="staging_sakernas_persons.sql",
        description="Staging gate: Sakernas person keys, domains, regions in dim_region.",
    ),
)

PUBLICATION_GATES: tuple[SuiteGate, ...] = (
    SuiteGate(
        gate="publication",
        asset=("marts", "fct_vacancy_postings"),
        check_name="publication_gate",
        suite="publication_fct_vacancy_postings",
        sql_file="publication_fct_vacancy_postings.sql",
        description="Publication gate: posting keys, no dates after tonight, seen-date order.",
    ),
    SuiteGate(
        gate="publication",
        asset=("marts", "labour_force_indicators"),
        check_name="publication_gate",
        suite="publication_labour_force_indicators",
        sql_file="publication_labour_force_indicators.sql",
        description="Publication gate: rates within 0-100, counts >= 0, areas in dim_region.",
    ),
    SuiteGate(
        gate="publication",
        asset=("marts", "fct_minimum_wages"),
        check_name="publication_gate",
        suite="publication_fct_minimum_wages",
        sql_file="publication_fct_minimum_wages.sql",
        description="Publication gate: plausible UMP amounts, provinces in dim_region.",
    ),
    SuiteGate(
        gate="publication",
        asset=("marts", "fct_vacancy_validation"),
        check_name="publication_gate",
        suite="publication_fct_vacancy_validation",
        sql_file="publication_fct_vacancy_validation.sql",
        description="Publication gate: every published posting carries its validation flags.",
    ),
    SuiteGate(
        gate="coherence",
        asset=("marts", "labour_force_indicators"),
        check_name="coherence_with_bps",
        suite="coherence_tpt_bps",
        sql_file="coherence_tpt_bps.sql",
        description="Coherence: provincial TPT within one point of BPS's published August TPT.",
    ),
)


def today_in_jakarta() -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.TIMEZONE)).date()


def gate_frame(con: duckdb.DuckDBPyConnection, gate: SuiteGate, today: dt.date) -> pd.DataFrame:
    """The frame `gate`'s suite validates, read from the warehouse."""
    sql = (SQL_DIR / gate.sql_file).read_text()
    if "{relation}" in sql:
        if gate.relation is None or not _RELATION.fullmatch(gate.relation):
            raise ValueError(f"{gate.suite}: not a safe relation name: {gate.relation!r}")
        sql = sql.replace("{relation}", gate.relation)
    parameters = {"today": today} if "$today" in sql else {}
    return con.execute(sql, parameters).df()


def check_result(
    outcome: SuiteOutcome | None,
    *,
    gate: str,
    suite: str,
    engine_error: str | None = None,
) -> dg.AssetCheckResult:
    """An asset check result that keeps a data failure, a warning and an engine error apart."""
    if engine_error is not None or outcome is None:
        message = engine_error or "the suite produced no outcome"
        return dg.AssetCheckResult(
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
            description=f"ENGINE ERROR, data not judged: {message}"[:2000],
            metadata={
                "gate": gate,
                "suite": suite,
                "quality_status": ENGINE_ERROR,
                "engine_error": message[:2000],
            },
        )
    if outcome.engine_errors:
        status = ENGINE_ERROR
    elif outcome.failed_errors:
        status = FAILED
    elif outcome.failed_warnings:
        status = WARNING
    else:
        status = PASSED
    failing = outcome.engine_errors + outcome.failed_errors + outcome.failed_warnings
    return dg.AssetCheckResult(
        passed=status == PASSED,
        severity=dg.AssetCheckSeverity.WARN if status == WARNING else dg.AssetCheckSeverity.ERROR,
        description=outcome.summary()[:2000],
        metadata={
            "gate": gate,
            "suite": suite,
            "quality_status": status,
            "rows": outcome.rows,
            "expectations": len(outcome.outcomes),
            "engine_errors": len(outcome.engine_errors),
            "failed_errors": len(outcome.failed_errors),
            "failed_warnings": len(outcome.failed_warnings),
            "standards_not_met": ", ".join(
                sorted({o.standard_id or o.expectation_type for o in failing})
            ),
        },
    )


def evaluate_gate(
    con: duckdb.DuckDBPyConnection, gate: SuiteGate, today: dt.date | None = None
) -> dg.AssetCheckResult:
    """Run one gate on the warehouse; a query or engine failure is reported as such."""
    try:
        frame = gate_frame(con, gate, today or today_in_jakarta())
    except Exception as exc:  # the frame could not be built: the data were not judged
        return check_result(None, gate=gate.gate, suite=gate.suite, engine_error=str(exc))
    return validate_suite(frame, gate.suite, gate=gate.gate)


def validate_suite(frame: pd.DataFrame, suite: str, *, gate: str) -> dg.AssetCheckResult:
    try:
        outcome = validate_dataframe(frame, load_suite_definition(suite))
    except Exception as exc:  # GX itself failed: never a pass, never a data failure
        return check_result(None, gate=gate, suite=suite, engine_error=str(exc))
    return check_result(outcome, gate=gate, suite=suite)


ACCEPTED_DROPS = Path(__file__).parents[2] / "quality" / "accepted_volume_drops.csv"


def accepted_drops(today: dt.date, path: Path = ACCEPTED_DROPS) -> dict[tuple[str, str], str]:
    """Volume drops an operator accepted on purpose (a source retired, a dedupe that shrank a
    mart): (table, scope) -> reason, for entries not yet expired. Kept in a versioned CSV with a
    reason and an expiry date, so an exception is reviewed like code and does not outlive it."""
    if not path.exists():
        return {}
    frame = pd.read_csv(path, dtype=str).fillna("")
    accepted = {}
    for row in frame.itertuples(index=False):
        if dt.date.fromisoformat(row.expires) >= today:
            accepted[(row.table, row.scope)] = row.reason
    return accepted


def volume_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    marts_dir: Path | None = None,
    accepted: dict[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """Rows of `marts.<table>` now and in its published parquet, in total and per source.

    `ratio_to_published` is null when nothing was published before (a first publication) or when
    the drop was accepted (`accepted_drop_reason`, from quality/accepted_volume_drops.csv).
    """
    accepted = accepted_drops(today_in_jakarta()) if accepted is None else accepted
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
        raise ValueError(f"not a safe table name: {table!r}")
    published = (marts_dir or settings.MARTS_DIR) / f"{table}.parquet"
    columns = {r[0] for r in con.execute(f"describe marts.{table}").fetchall()}
    current = {"*": con.execute(f"select count(*) from marts.{table}").fetchone()[0]}
    before: dict[str, int] = {}
    if published.exists():
        before["*"] = con.execute(
            "select count(*) from read_parquet(?)", [str(published)]
        ).fetchone()[0]
    if "source" in columns:
        current |= dict(
            con.execute(f"select source, count(*) from marts.{table} group by 1").fetchall()
        )
        if published.exists():
            published_columns = {
                r[0]
                for r in con.execute(
                    "describe select * from read_parquet(?)", [str(published)]
                ).fetchall()
            }
            if "source" in published_columns:
                before |= dict(
                    con.execute(
                        "select source, count(*) from read_parquet(?) group by 1",
                        [str(published)],
                    ).fetchall()
                )
    rows = []
    for scope in sorted(set(current) | set(before), key=str):
        now, then = current.get(scope, 0), before.get(scope)
        scope_name = "all" if scope == "*" else f"source={scope}"
        reason = accepted.get((table, scope_name))
        rows.append(
            {
                "table": table,
                "scope": scope_name,
                "current_rows": now,
                "published_rows": then,
                "ratio_to_published": (now / then) if then and reason is None else None,
                "accepted_drop_reason": reason,
            }
        )
    return pd.DataFrame(rows)


def _suite_check(gate: SuiteGate) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=gate.asset_key,
        name=gate.check_name,
        blocking=gate.blocking,
        description=f"{gate.description} Suite quality/suites/{gate.suite}.json.",
        pool="warehouse",
    )
    def suite_gate(warehouse: DuckDBResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            return evaluate_gate(con, gate)

    return suite_gate


def _volume_check(key: dg.AssetKey) -> dg.AssetChecksDefinition:
    table = key.path[-1]

    @dg.asset_check(
        asset=key,
        name=VOLUME_CHECK,
        blocking=True,
        description=(
            "Publication gate: the mart (and each source in it) is not under half the rows of "
            "its last publication. Suite quality/suites/publication_volume.json."
        ),
        pool="warehouse",
    )
    def volume_gate(warehouse: DuckDBResource) -> dg.AssetCheckResult:
        try:
            with warehouse.get_connection() as con:
                frame = volume_frame(con, table)
        except Exception as exc:
            return check_result(
                None, gate="publication", suite="publication_volume", engine_error=str(exc)
            )
        return validate_suite(frame, "publication_volume", gate="publication")

    return volume_gate


def build_gate_checks(
    asset_keys: Iterable[dg.AssetKey], mart_keys: Iterable[dg.AssetKey]
) -> list[dg.AssetChecksDefinition]:
    """Gate checks for the assets that exist; a gate whose asset is missing is logged."""
    known = set(asset_keys)
    checks: list[dg.AssetChecksDefinition] = []
    for gate in STAGING_GATES + PUBLICATION_GATES:
        if gate.asset_key not in known:
            log.warning("quality gate %s: asset %s does not exist", gate.suite, gate.asset_key)
            continue
        checks.append(_suite_check(gate))
    checks.extend(_volume_check(key) for key in mart_keys)
    return checks


def staging_gate_keys(asset_keys: Iterable[dg.AssetKey]) -> list[dg.AssetKey]:
    """Staging assets carrying a gate; publication depends on them so their checks block it."""
    known = set(asset_keys)
    return sorted(
        {g.asset_key for g in STAGING_GATES if g.asset_key in known},
        key=lambda k: k.to_user_string(),
    )


@dataclass(frozen=True)
class GateEvaluation:
    asset_key: str
    check_name: str
    passed: bool
    severity: str
    status: str
    description: str


def evaluations_in_run(instance: dg.DagsterInstance, run_id: str) -> list[GateEvaluation]:
    """Every asset check evaluated in a run, with its quality status (see `check_result`)."""
    records = instance.get_records_for_run(
        run_id=run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    evaluations = []
    for record in records:
        data = record.event_log_entry.dagster_event.event_specific_data
        metadata = data.metadata or {}
        status_value = metadata.get("quality_status")
        status = getattr(status_value, "value", status_value) or (
            PASSED
            if data.passed
            else WARNING
            if data.severity == dg.AssetCheckSeverity.WARN
            else ENGINE_ERROR
            if "engine_error" in metadata
            else FAILED
        )
        evaluations.append(
            GateEvaluation(
                asset_key=data.asset_key.to_user_string(),
                check_name=data.check_name,
                passed=bool(data.passed),
                severity=data.severity.value,
                status=str(status),
                description=(data.description or "")[:1000],
            )
        )
    return evaluations


def publication_blockers(
    instance: dg.DagsterInstance, run_id: str, required: Iterable[tuple[str, str]]
) -> list[str]:
    """Why publication must not go ahead in this run: gate checks not run, failed or broken.

    `required` lists (asset key, check name) pairs. Dagster already stops publication after a
    failed blocking check; this also refuses a run in which the gate never ran (publishing a
    selection without its checks), so only data that passed the gate tonight is published.
    """
    latest = {(e.asset_key, e.check_name): e for e in evaluations_in_run(instance, run_id)}
    problems = []
    for asset_key, check_name in sorted(required):
        evaluation = latest.get((asset_key, check_name))
        if evaluation is None:
            problems.append(f"{asset_key} {check_name}: not evaluated in this run")
        elif evaluation.status in (FAILED, ENGINE_ERROR):
            problems.append(f"{asset_key} {check_name}: {evaluation.status}")
    return problems
