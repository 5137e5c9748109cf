"""Dates as officials' exports type them: real date cells, Excel serial numbers, and text.

One column of one WLKP export can hold all three, because rows are pasted together from several
systems: a real date cell, the number 45292 (a date cell whose format was lost) and the text
"01/01/2024" or "1 Januari 2024". Text with slashes is read day first, as Indonesian offices
write it; a day-first reading that is impossible (month 13) is an error, not a silent swap.
"""

from __future__ import annotations

import datetime as dt
import re

EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system (the 1900 leap-year bug makes it the 30th, not the 31st)."""
SERIAL_MIN, SERIAL_MAX = 1, 2958465  # 1900-01-01 … 9999-12-31

MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: .*)?")
_YEAR_FIRST_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_NAMED_MONTH = re.compile(r"(\d{1,2})[ -]+([A-Za-z]+)\.?[ -]+(\d{2,4})")
_SERIAL_TEXT = re.compile(r"\d{4,5}(?:\.0+)?")


class DateParseError(ValueError):
    """A value that should be a date but is not one."""


def excel_serial_to_date(serial: float) -> dt.date:
    if not SERIAL_MIN <= serial <= SERIAL_MAX:
        raise DateParseError(f"{serial!r} is outside Excel's date serial range")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value: object) -> tuple[dt.date | None, str]:
    """(date, how it was typed): 'date', 'serial', 'text' or 'empty'; raises DateParseError."""
    if value is None:
        return None, "empty"
    if isinstance(value, dt.datetime):
        return value.date(), "date"
    if isinstance(value, dt.date):
        return value, "date"
    if isinstance(value, bool):
        raise DateParseError(f"{value!r} is not a date")
    if isinstance(value, (int, float)):
        return excel_serial_to_date(value), "serial"
    text = str(value).strip()
    if not text or text == "-":
        return None, "empty"
    if _SERIAL_TEXT.fullmatch(text):
        return excel_serial_to_date(float(text)), "serial"
    try:
        if match := _ISO.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _YEAR_FIRST_SLASH.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _NAMED_MONTH.fullmatch(text):
            day = int(match.group(1))
            month_name = match.group(2).lower()
            if month_name not in MONTHS:
                raise DateParseError(f"{text!r}: unknown month name {match.group(2)!r}")
            month = MONTHS[month_name]
            year = int(match.group(3))
            if year < 100:  # two-digit years in these exports are always this century
                year += 2000
        else:
            raise DateParseError(f"{text!r} is not a date in a known layout")
        return dt.date(year, month, day), "text"
    except ValueError as exc:
        if isinstance(exc, DateParseError):
            raise
        raise DateParseError(f"{text!r} is not a valid date ({exc})") from exc
