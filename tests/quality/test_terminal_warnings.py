"""`make run` printed two warnings that say nothing about the data (regression tests).

DuckDB's Arrow-copy warning is avoided (orchestration/quality/report.py reads its queries
through a relation, which copies nothing more), and pandas' regex match-group warning inside
Great Expectations (quality/gx_runner.py) is silenced where it is triggered, exactly that one:
other warnings still show and the process's warning filters are unchanged.
"""

from __future__ import annotations

import warnings

import duckdb
import pandas as pd
import pytest

from orchestration.quality import report
from quality.gx_runner import validate_dataframe

GROUPED_REGEX = {
    "type": "expect_column_values_to_match_regex",
    "kwargs": {"column": "count", "regex": r"^(0|[1-9][0-9]*)$"},
    "meta": {"severity": "error"},
}


def _recorded(action) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before = list(warnings.filters)
        action()
        assert warnings.filters == before  # nothing is silenced beyond the call
    return [str(w.message) for w in caught]


def test_no_arrow_copy_warning_from_the_quality_report_queries() -> None:
    con = duckdb.connect()
    con.execute("create table t as select range as n from range(5)")
    shown = _recorded(
        lambda: report._arrow_frame(con, "select n from t where n > $low", {"low": 1})
    )
    assert shown == []
    assert report._arrow_frame(con, "select n from t where n > $low", {"low": 1}).height == 3
    # The DB-API path still warns: the report's own calls avoid it rather than hide it.
    unsilenced = _recorded(lambda: con.execute("select n from t").to_arrow_table())
    assert any("extra copy" in message for message in unsilenced)


def test_no_match_group_warning_from_a_regex_expectation() -> None:
    frame = pd.DataFrame({"count": ["0", "12", "x"]})
    # Importing Great Expectations adds its own warning filters: import it before comparing.
    validate_dataframe(frame, {"name": "s", "expectations": []})
    outcomes = []
    shown = _recorded(lambda: outcomes.append(validate_dataframe(frame, {
        "name": "s", "expectations": [GROUPED_REGEX],
    })))  # fmt: skip
    assert not [message for message in shown if "match groups" in message]
    (outcome,) = outcomes
    assert not outcome.passed  # the regex still judges: "x" is no count


def test_other_warnings_inside_the_silenced_call_still_show(monkeypatch) -> None:
    con = duckdb.connect()

    class Noisy:
        def sql(self, query, params=None):
            warnings.warn("something else", UserWarning, stacklevel=1)
            return con.sql(query, params=params)

    with pytest.warns(UserWarning, match="something else"):
        report._arrow_frame(Noisy(), "select 1 as one")
