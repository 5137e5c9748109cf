"""How every suite is evaluated: GX-NUL-01, GX-EMP-01, GX-ENG-01 (quality/gx_runner.py)."""

from __future__ import annotations

import pandas as pd

from quality.gx_runner import EMPTY_BATCH, validate_dataframe


def _suite(*expectations: dict) -> dict:
    return {"name": "test_suite", "expectations": list(expectations)}


IN_SET_MOSTLY = {
    "type": "expect_column_values_to_be_in_set",
    "kwargs": {"column": "kind", "value_set": ["a"], "mostly": 0.9},
    "meta": {"severity": "error", "standard_id": "T-01"},
}


def test_nulls_count_in_the_denominator_of_mostly():
    """GX-NUL-01: 8 valid of 10 rows is 80%, under 90%, although all 8 non-null values are valid."""
    frame = pd.DataFrame({"kind": ["a"] * 8 + [None, None]})
    outcome = validate_dataframe(frame, _suite(IN_SET_MOSTLY))
    assert not outcome.passed
    (failed,) = outcome.failed_errors
    assert failed.valid_share == 0.8
    assert "80.00% of all rows valid" in outcome.summary()


def test_mostly_met_over_all_rows_passes():
    frame = pd.DataFrame({"kind": ["a"] * 19 + [None]})
    assert validate_dataframe(frame, _suite(IN_SET_MOSTLY)).passed


def test_not_null_expectation_keeps_its_meaning():
    not_null = {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "kind", "mostly": 0.8},
        "meta": {"severity": "error"},
    }
    frame = pd.DataFrame({"kind": ["a"] * 8 + [None, None]})
    assert validate_dataframe(frame, _suite(not_null)).passed


def test_an_empty_batch_fails():
    """GX-EMP-01: GX passes column expectations on no rows; the runner fails the batch."""
    outcome = validate_dataframe(
        pd.DataFrame({"kind": pd.Series([], dtype=str)}), _suite(IN_SET_MOSTLY)
    )
    assert not outcome.passed
    assert [o.expectation_type for o in outcome.failed_errors] == [EMPTY_BATCH]
    assert outcome.failed_errors[0].standard_id == "GX-EMP-01"


def test_an_empty_batch_of_a_warning_only_suite_warns():
    warning = IN_SET_MOSTLY | {"meta": {"severity": "warning"}}
    outcome = validate_dataframe(pd.DataFrame({"kind": pd.Series([], dtype=str)}), _suite(warning))
    assert outcome.passed
    assert [o.expectation_type for o in outcome.failed_warnings] == [EMPTY_BATCH]


def test_an_expectation_that_raises_is_an_engine_error_not_a_pass_or_a_data_failure():
    """GX-ENG-01: a missing column makes the expectation raise."""
    missing = IN_SET_MOSTLY | {"kwargs": {"column": "absent", "value_set": ["a"]}}
    outcome = validate_dataframe(pd.DataFrame({"kind": ["a"]}), _suite(missing))
    assert not outcome.passed
    assert len(outcome.engine_errors) == 1 and not outcome.failed_errors
    assert "ENGINE ERROR" in outcome.summary()


def test_first_unexpected_values_carry_no_personal_data_in_clear():
    """An alert quotes the first unexpected values; e-mails, phones and NIKs are masked in any
    column, and a personal column's values are removed."""
    contact = {
        "type": "expect_column_values_to_match_regex",
        "kwargs": {"column": "note", "regex": r"^ok$"},
        "meta": {"severity": "error"},
    }
    phone = {
        "type": "expect_column_values_to_be_null",
        "kwargs": {"column": "phone"},
        "meta": {"severity": "error"},
    }
    frame = pd.DataFrame(
        {
            "note": ["ok", "hubungi budi@example.com", "NIK 3171234567890001"],
            "phone": [None, "0812 3456 7890", None],
            "source_row": [1, 2, 3],
        }
    )
    summary = validate_dataframe(frame, _suite(contact, phone)).summary()
    assert "first unexpected" in summary
    for clear in ("budi@example.com", "3171234567890001", "0812 3456 7890"):
        assert clear not in summary
    assert "[removed]" in summary
