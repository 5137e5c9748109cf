"""Run a Great Expectations suite kept as a JSON file in `quality/suites/` against a DataFrame.

Suites are validated on pandas frames fetched from DuckDB, not through GX's SQL datasource,
which does not work against DuckDB (see docs/quality.md). Each expectation may carry
`meta.severity` (`error` blocks publication, `warning` only flags) and `meta.standard_id`.

An expectation whose evaluation raised is reported as an *engine error*, never as a failed or a
passed check: the data were not judged.

Two rules make GX stricter than its defaults (docs/data-quality-standards.md, GX-*):

* nulls count in the denominator of `mostly`: GX judges "95% of values are in the set" on the
  non-null values only, so a column 40% empty could pass; here the share is of all rows, a null
  counting as not meeting the expectation (`expect_column_values_to_not_be_null` is unchanged);
* an empty batch fails: GX passes every column expectation on zero rows.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ingest.admin.personal_data import shown_in_alert

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

log = logging.getLogger(__name__)

SUITES_DIR = Path(__file__).parent / "suites"

REGEX_GROUPS_WARNING = r"This pattern is interpreted as a regular expression, and has match groups"
"""The start of pandas' warning on `str.contains` with a pattern that has capture groups."""

ROW_ID_COLUMNS = (
    "source_posting_id",
    "source_file",
    "source_row",
    "_source_file",
    "_source_row",
    "person_id",
)
"""Columns that name a row; those a frame has are reported with each failing expectation's first
unexpected values (GX's `partial_unexpected_index_list`), so an operator can find the rows."""
UNEXPECTED_ROWS_SHOWN = 5

EMPTY_BATCH = "batch_is_not_empty"
"""The outcome added when a batch has no rows (standard GX-EMP-01)."""
# Its own expectation counts nulls as unexpected already; recounting would count them twice.
_NULL_IS_THE_SUBJECT = {"expect_column_values_to_not_be_null", "expect_column_values_to_be_null"}


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation_type: str
    column: str | None
    severity: str
    standard_id: str | None
    success: bool
    engine_error: str | None
    unexpected_percent: float | None
    observed_value: object
    element_count: int | None = None
    missing_count: int | None = None
    unexpected_count: int | None = None
    mostly: float | None = None
    valid_share: float | None = None
    """Share of all rows (nulls included) meeting the expectation, for `mostly` expectations."""
    unexpected_rows: tuple[str, ...] = ()
    """The first unexpected values with the ids of their rows (`ROW_ID_COLUMNS`)."""


@dataclass
class SuiteOutcome:
    suite_name: str
    rows: int
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def engine_errors(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if o.engine_error]

    @property
    def failed_errors(self) -> list[ExpectationOutcome]:
        return [
            o
            for o in self.outcomes
            if not o.success and not o.engine_error and o.severity == "error"
        ]

    @property
    def failed_warnings(self) -> list[ExpectationOutcome]:
        return [
            o
            for o in self.outcomes
            if not o.success and not o.engine_error and o.severity != "error"
        ]

    @property
    def passed(self) -> bool:
        """True only when every error-level expectation was evaluated and held."""
        return not self.engine_errors and not self.failed_errors

    def summary(self) -> str:
        parts = [f"{self.suite_name}: {len(self.outcomes)} expectations on {self.rows} rows"]
        for outcome in self.engine_errors:
            parts.append(
                f"ENGINE ERROR {_standard(outcome)}{outcome.expectation_type}({outcome.column}): "
                f"{outcome.engine_error}"
            )
        for outcome in self.failed_errors + self.failed_warnings:
            parts.append(
                f"{outcome.severity.upper()} {_standard(outcome)}"
                f"{outcome.expectation_type}({outcome.column}) failed"
                + (
                    f", {100 * outcome.valid_share:.2f}% of all rows valid (nulls count), "
                    f"{100 * float(outcome.mostly):.0f}% required"
                    if outcome.valid_share is not None
                    else f", {outcome.unexpected_percent:.2f}% unexpected"
                    if outcome.unexpected_percent is not None
                    else ""
                )
                + (
                    f", observed {shown_in_alert(outcome.column, outcome.observed_value)}"
                    if outcome.observed_value is not None
                    else ""
                )
                + (
                    f", first unexpected: {' | '.join(outcome.unexpected_rows)}"
                    if outcome.unexpected_rows
                    else ""
                )
            )
        return "; ".join(parts)


def _standard(outcome: ExpectationOutcome) -> str:
    return f"{outcome.standard_id} " if outcome.standard_id else ""


def _unexpected_rows(details: dict, column: str | None) -> tuple[str, ...]:
    """`source_file=a.csv source_row=4 is_posted_after_seen=True` for each of the first unexpected
    rows GX lists (with their ids), else the first unexpected values of `column` alone; each
    value as an alert may show it (`shown_in_alert`: no personal data in clear)."""
    rows = details.get("partial_unexpected_index_list") or []
    if rows and isinstance(rows[0], dict):
        return tuple(
            " ".join(f"{name}={shown_in_alert(name, _plain(value))}" for name, value in row.items())
            for row in rows[:UNEXPECTED_ROWS_SHOWN]
        )
    values = details.get("partial_unexpected_list") or []
    return tuple(
        shown_in_alert(column, repr(_plain(value))) for value in values[:UNEXPECTED_ROWS_SHOWN]
    )


def _plain(value: object) -> object:
    """A numpy scalar as its Python value, so `source_row=4` does not read `np.int64(4)`."""
    return value.item() if hasattr(value, "item") else value


def load_suite_definition(name: str, suites_dir: Path = SUITES_DIR) -> dict:
    path = suites_dir / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite {name!r} at {path}")
    return json.loads(path.read_text())


def validate_dataframe(frame: pd.DataFrame, suite_definition: dict) -> SuiteOutcome:
    """Validate `frame` against a suite definition; never raises for a data failure."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    suite = gx.ExpectationSuite(
        name=suite_definition["name"],
        expectations=[
            {"type": e["type"], "kwargs": e.get("kwargs", {}), "meta": e.get("meta", {})}
            for e in suite_definition["expectations"]
        ],
    )
    batch_definition = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("whole")
    )
    with warnings.catch_warnings():
        # GX checks `expect_column_values_to_match_regex` with pandas' `str.contains`, which
        # warns when the pattern has capture groups (`^(0|[1-9][0-9]*)$`) that only
        # `str.extract` would return. Only whether a value matches is used, so the groups change
        # nothing: exactly that warning is silenced here, every other one still shows.
        warnings.filterwarnings("ignore", message=REGEX_GROUPS_WARNING, category=UserWarning)
        id_columns = [name for name in ROW_ID_COLUMNS if name in frame.columns]
        result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
            suite,
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": UNEXPECTED_ROWS_SHOWN,
                **({"unexpected_index_column_names": id_columns} if id_columns else {}),
            },
        )
    outcome = SuiteOutcome(suite_definition["name"], len(frame))
    for item in result.results:
        config = item.expectation_config
        meta = config.meta or {}
        exception = item.exception_info or {}
        raised = exception.get("raised_exception") or any(
            isinstance(v, dict) and v.get("raised_exception") for v in exception.values()
        )
        message = exception.get("exception_message") or next(
            (
                v.get("exception_message")
                for v in exception.values()
                if isinstance(v, dict) and v.get("exception_message")
            ),
            None,
        )
        details = item.result or {}
        success = bool(item.success) and not raised
        mostly = config.kwargs.get("mostly")
        element_count = details.get("element_count")
        missing_count = details.get("missing_count")
        unexpected_count = details.get("unexpected_count")
        valid_share = None
        if (
            not raised
            and mostly is not None
            and config.type not in _NULL_IS_THE_SUBJECT
            and element_count
            and missing_count is not None
            and unexpected_count is not None
        ):
            valid_share = (element_count - missing_count - unexpected_count) / element_count
            success = valid_share >= float(mostly)
        outcome.outcomes.append(
            ExpectationOutcome(
                expectation_type=config.type,
                column=config.kwargs.get("column"),
                severity=meta.get("severity", "error"),
                standard_id=meta.get("standard_id"),
                success=success,
                engine_error=(message or "expectation raised") if raised else None,
                unexpected_percent=details.get("unexpected_percent"),
                observed_value=details.get("observed_value"),
                element_count=element_count,
                missing_count=missing_count,
                unexpected_count=unexpected_count,
                mostly=mostly,
                valid_share=valid_share,
                unexpected_rows=(
                    _unexpected_rows(details, config.kwargs.get("column")) if not success else ()
                ),
            )
        )
    if len(frame) == 0:
        # At the suite's highest severity: an empty batch for a warning-only suite only warns.
        severities = {
            e.get("meta", {}).get("severity", "error") for e in suite_definition["expectations"]
        }
        outcome.outcomes.append(
            ExpectationOutcome(
                expectation_type=EMPTY_BATCH,
                column=None,
                severity="error" if "error" in severities or not severities else "warning",
                standard_id="GX-EMP-01",
                success=False,
                engine_error=None,
                unexpected_percent=None,
                observed_value=0,
            )
        )
    log.info(
        "%s: %d expectations, %d engine errors, %d failed errors, %d failed warnings",
        outcome.suite_name,
        len(outcome.outcomes),
        len(outcome.engine_errors),
        len(outcome.failed_errors),
        len(outcome.failed_warnings),
    )
    return outcome
