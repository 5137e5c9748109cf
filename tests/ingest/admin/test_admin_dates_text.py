"""Dates typed three ways, and counts written the Indonesian way."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.admin.dates import DateParseError, parse_date
from ingest.admin.text import html_to_text, parse_count


@pytest.mark.parametrize(
    ("value", "expected", "typed_as"),
    [
        (dt.datetime(2024, 3, 1), dt.date(2024, 3, 1), "date"),
        (45352, dt.date(2024, 3, 1), "serial"),
        ("45352", dt.date(2024, 3, 1), "serial"),
        ("01/03/2024", dt.date(2024, 3, 1), "text"),
        ("1-3-2024", dt.date(2024, 3, 1), "text"),
        ("2024-03-01", dt.date(2024, 3, 1), "text"),
        ("1 Maret 2024", dt.date(2024, 3, 1), "text"),
        ("01-Mar-24", dt.date(2024, 3, 1), "text"),
        ("", None, "empty"),
        (None, None, "empty"),
    ],
)
def test_parse_date(value, expected, typed_as) -> None:
    assert parse_date(value) == (expected, typed_as)


@pytest.mark.parametrize("value", ["31/02/2024", "13/13/2024", "kemarin", "1 Smarch 2024"])
def test_impossible_or_unknown_dates_raise(value) -> None:
    with pytest.raises(DateParseError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), (12.0, 12), ("12", 12), ("1.234", 1234), ("12.345.678", 12345678),
     ("1,234", 1234), ("", 0), (None, 0), ("-", 0)],
)  # fmt: skip
def test_parse_count(value, expected) -> None:
    assert parse_count(value) == expected


@pytest.mark.parametrize("value", ["12a", "1.5", 2.5, "-3", True])
def test_parse_count_rejects(value) -> None:
    with pytest.raises(ValueError):
        parse_count(value)


def test_html_to_text_keeps_paragraphs() -> None:
    assert html_to_text("<p>Satu&nbsp;dua</p><p><br></p><ul><li>tiga</li></ul>") == (
        "Satu dua\ntiga"
    )
