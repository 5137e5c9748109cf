"""Posting and crawl date texts to calendar dates in Asia/Jakarta.

Understood: ISO dates and timestamps (with "Z", "UTC", an offset, or none), day-first numeric
dates ("22/08/2024 10:44:59"), Indonesian and English month names with their old abbreviations
("Agt", "Agu", "Nop", "Pebruari"), leading day names ("Senin, 14 Juli 2025"), and relative texts
("3 hari lalu", "4 bulan yang lalu", "kemarin", "29 minutes ago", "30+ days ago") resolved against
the crawl date. Impossible dates (31 Feb) and dates after the crawl are rejected.

A timestamp with a zone is converted to Jakarta time before its date is taken; a naive one is
read as Jakarta time. Nothing reads the server's local zone, so results do not depend on `TZ`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import polars as pl

from orchestration.settings import TIMEZONE

log = logging.getLogger(__name__)
JAKARTA = ZoneInfo(TIMEZONE)

DATE_PARSED = "parsed"
DATE_RELATIVE = "relative"
DATE_RELATIVE_BOUND = "relative_bound"  # "30+ days ago": on or before the date given
DATE_MISSING = "missing"
DATE_UNPARSED = "unparsed"
DATE_IMPOSSIBLE = "impossible"
DATE_AFTER_CRAWL = "after_crawl"
DATE_NO_CRAWL_DATE = "relative_without_crawl_date"
EARLIEST_PLAUSIBLE = dt.date(2000, 1, 1)

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3, "mrt": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9, "sepember": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12, "dese": 12,
}  # fmt: skip
_DAY_NAMES = (
    r"senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
)
_ZONE_OFFSETS = {"wib": 7, "wita": 8, "wit": 9, "utc": 0, "gmt": 0, "z": 0}
_UNIT_DAYS = {
    "menit": 0, "minute": 0, "min": 0, "mins": 0, "detik": 0, "second": 0, "jam": 0, "hour": 0,
    "hr": 0, "hari": 1, "day": 1, "minggu": 7, "pekan": 7, "week": 7, "wk": 7,
}  # fmt: skip
_UNIT_MONTHS = {"bulan": 1, "bln": 1, "month": 1, "tahun": 12, "thn": 12, "year": 12}
_UNIT_HOURS = {"menit": 1 / 60, "minute": 1 / 60, "min": 1 / 60, "mins": 1 / 60, "jam": 1,
               "hour": 1, "hr": 1, "detik": 0, "second": 0}  # fmt: skip
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "se": 1, "satu": 1, "sebuah": 1}

_RELATIVE = re.compile(
    r"(?P<n>\d+|an|a|one|satu|se)\s*(?P<plus>\+)?\s*"
    r"(?P<unit>menit|minutes?|mins?|detik|seconds?|jam|hours?|hrs?|hari|days?|minggu|pekan|"
    r"weeks?|wks?|bulan|bln|months?|tahun|thn|years?)\s*(?P<plus2>\+)?\s*"
    r"(yang\s+|yg\s+)?(lalu|ago|yang lalu)"
)
_TODAY = re.compile(r"\b(hari ini|today|baru saja|just now|just posted|barusan|new)\b")
_YESTERDAY = re.compile(r"\b(kemarin|yesterday)\b")
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ t](?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<tz>z|utc|gmt|wib|wita|wit|[+-]\d{2}:?\d{2})?"
)
_DMY = re.compile(
    r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4}|\d{2})"
    r"(?:[ t,]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
    r"\s*(?P<tz>z|utc|gmt|wib|wita|wit|[+-]\d{2}:?\d{2})?"
)
_D_MONTH_Y = re.compile(
    r"(?P<d>\d{1,2})\s*(?:-|\s)?\s*(?P<mon>[a-z]+)\.?,?\s*(?:-|\s)\s*(?P<y>\d{4})"
)
_MONTH_D_Y = re.compile(r"(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})")


@dataclass(frozen=True)
class ParsedDate:
    """One parsed date text."""

    status: str
    date: dt.date | None = None


def _offset_hours(tz: str | None) -> float | None:
    if not tz:
        return None
    if tz in _ZONE_OFFSETS:
        return _ZONE_OFFSETS[tz]
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return sign * (int(digits[:2]) + int(digits[2:]) / 60)


def _build(match: re.Match[str], year: int, month: int, day: int) -> ParsedDate:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return ParsedDate(DATE_IMPOSSIBLE)
    hour = match.groupdict().get("H")
    offset = _offset_hours(match.groupdict().get("tz"))
    if hour is not None:
        minute = int(match.group("M"))
        second = int(match.group("S") or 0)
        if int(hour) > 23 or minute > 59 or second > 59:
            return ParsedDate(DATE_IMPOSSIBLE)
        if offset is not None:
            zone = dt.timezone(dt.timedelta(hours=offset))
            moment = dt.datetime(year, month, day, int(hour), minute, second, tzinfo=zone)
            date = moment.astimezone(JAKARTA).date()
    return ParsedDate(DATE_PARSED, date)


def parse_absolute_date(text: str) -> ParsedDate:
    """An absolute date in any understood form, as a Jakarta calendar date."""
    clean = text.strip().lower()
    clean = re.sub(rf"^({_DAY_NAMES})\b[,.]?\s*", "", clean)
    match = _ISO.search(clean)
    if match:
        return _build(match, int(match["y"]), int(match["m"]), int(match["d"]))
    match = _DMY.search(clean)
    if match:
        year = int(match["y"])
        year = year + 2000 if year < 100 else year
        return _build(match, year, int(match["m"]), int(match["d"]))
    for pattern in (_D_MONTH_Y, _MONTH_D_Y):
        match = pattern.search(clean)
        if match and match["mon"] in MONTHS:
            return _build(match, int(match["y"]), MONTHS[match["mon"]], int(match["d"]))
    return ParsedDate(DATE_UNPARSED)


def _minus_months(date: dt.date, months: int) -> dt.date:
    year, month = divmod(date.year * 12 + date.month - 1 - months, 12)
    month += 1
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(date.day, last_day))


def parse_relative_date(
    text: str, crawl_date: dt.date | None, crawl_time: dt.time | None = None
) -> ParsedDate | None:
    """A relative text resolved against the crawl date; None if the text is not relative."""
    clean = text.strip().lower()
    match = _RELATIVE.search(clean)
    if match is None:
        if _YESTERDAY.search(clean):
            return _relative(crawl_date, lambda d: d - dt.timedelta(days=1))
        if _TODAY.search(clean):
            return _relative(crawl_date, lambda d: d)
        return None
    count_text = match["n"]
    count = int(count_text) if count_text.isdigit() else _COUNT_WORDS[count_text]
    unit = match["unit"].rstrip("s") if match["unit"] not in {"menit", "jam"} else match["unit"]
    unit = {"minute": "min", "hour": "hour", "second": "second"}.get(unit, unit)
    bound = bool(match["plus"] or match["plus2"])
    status = DATE_RELATIVE_BOUND if bound else DATE_RELATIVE
    if crawl_date is None:
        return ParsedDate(DATE_NO_CRAWL_DATE)
    if unit in _UNIT_MONTHS:
        return ParsedDate(status, _minus_months(crawl_date, count * _UNIT_MONTHS[unit]))
    if unit in _UNIT_HOURS and crawl_time is not None:
        moment = dt.datetime.combine(crawl_date, crawl_time)
        moment -= dt.timedelta(hours=count * _UNIT_HOURS[unit])
        return ParsedDate(status, moment.date())
    days = _UNIT_DAYS.get(unit, _UNIT_DAYS.get(unit.rstrip("s"), 0))
    return ParsedDate(status, crawl_date - dt.timedelta(days=count * days))


def _relative(crawl_date: dt.date | None, shift) -> ParsedDate:  # noqa: ANN001 - a small lambda
    if crawl_date is None:
        return ParsedDate(DATE_NO_CRAWL_DATE)
    return ParsedDate(DATE_RELATIVE, shift(crawl_date))


def parse_date(
    text: str | None, crawl_date: dt.date | None = None, crawl_time: dt.time | None = None
) -> ParsedDate:
    """Parse one date text; dates after the crawl date or before 2000 are rejected."""
    if text is None or not text.strip() or text.strip().lower() in {"n/a", "none", "null", "-"}:
        return ParsedDate(DATE_MISSING)
    parsed = parse_relative_date(text, crawl_date, crawl_time) or parse_absolute_date(text)
    if parsed.date is not None:
        if parsed.date < EARLIEST_PLAUSIBLE:
            return ParsedDate(DATE_IMPOSSIBLE)
        if crawl_date is not None and parsed.date > crawl_date:
            return ParsedDate(DATE_AFTER_CRAWL)
    return parsed


# Vectorised fast path: common machine formats parsed by Polars without a Python call per row.
_FAST_UTC_FORMATS = ["%Y-%m-%dT%H:%M:%S%.fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S%.f UTC"]
_FAST_NAIVE_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
]


def _fast_jakarta_datetime(texts: pl.Expr) -> pl.Expr:
    """Naive Jakarta datetimes for rows in a common machine format; null otherwise."""
    utc = [
        texts.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False, exact=True)
        for fmt in _FAST_UTC_FORMATS
    ]
    naive = [
        texts.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
        for fmt in _FAST_NAIVE_FORMATS
    ]
    from_utc = pl.coalesce(utc).dt.convert_time_zone(TIMEZONE).dt.replace_time_zone(None)
    date_only = texts.str.strptime(pl.Date, "%Y-%m-%d", strict=False, exact=True).cast(
        pl.Datetime("us")
    )
    return pl.coalesce([from_utc, *naive, date_only])


def parse_crawl_dates(texts: pl.Series) -> pl.DataFrame:
    """Crawl date texts to `crawl_date` (Jakarta) and `crawl_time` (null when not given)."""
    frame = pl.DataFrame({"crawl_text": texts}).unique()
    frame = frame.with_columns(_fast_jakarta_datetime(pl.col("crawl_text")).alias("_dt"))
    slow = frame.filter(pl.col("_dt").is_null() & pl.col("crawl_text").is_not_null())
    slow_dates = {
        t: parse_absolute_date(t).date for t in slow["crawl_text"].to_list()
    }  # crawl texts are few
    frame = frame.with_columns(
        crawl_date=pl.coalesce(
            pl.col("_dt").dt.date(),
            pl.col("crawl_text").replace_strict(slow_dates, default=None, return_dtype=pl.Date),
        ),
        crawl_time=pl.when(pl.col("crawl_text").str.contains(r"\d{1,2}:\d{2}"))
        .then(pl.col("_dt").dt.time())
        .otherwise(None),
    )
    return frame.drop("_dt")


def parse_date_column(
    texts: pl.Series, crawl_dates: pl.Series | None = None, crawl_times: pl.Series | None = None
) -> pl.DataFrame:
    """Parse a date text column against per-row crawl dates; returns one row per input row.

    Columns: `posted_date` (Date, Jakarta) and `posted_date_status`.
    """
    n = len(texts)
    frame = pl.DataFrame(
        {
            "_text": texts,
            "_crawl": crawl_dates
            if crawl_dates is not None
            else pl.Series([None] * n, dtype=pl.Date),
            "_crawl_time": crawl_times
            if crawl_times is not None
            else pl.Series([None] * n, dtype=pl.Time),
        }
    )
    # Each distinct (text, crawl date, crawl time) is parsed once, then joined back.
    keys = frame.unique()
    fast = keys.with_columns(_fast=_fast_jakarta_datetime(pl.col("_text")).dt.date())
    needs_python = fast.filter(pl.col("_fast").is_null() & pl.col("_text").is_not_null())
    parsed = [parse_date(text, crawl, time) for text, crawl, time, _ in needs_python.iter_rows()]
    slow_table = needs_python.select("_text", "_crawl", "_crawl_time").with_columns(
        _slow_date=pl.Series([p.date for p in parsed], dtype=pl.Date),
        _slow_status=pl.Series([p.status for p in parsed], dtype=pl.String),
    )
    log.info(
        "dates: %d rows, %d distinct keys, %d of them through the slow path",
        n,
        keys.height,
        needs_python.height,
    )
    table = fast.join(
        slow_table, on=["_text", "_crawl", "_crawl_time"], how="left", nulls_equal=True
    )
    fast_ok = pl.col("_fast").is_not_null()
    too_early = pl.col("_fast") < pl.lit(EARLIEST_PLAUSIBLE)
    after_crawl = (pl.col("_fast") > pl.col("_crawl")).fill_null(False)
    status = (
        pl.when(fast_ok & too_early)
        .then(pl.lit(DATE_IMPOSSIBLE))
        .when(fast_ok & after_crawl)
        .then(pl.lit(DATE_AFTER_CRAWL))
        .when(fast_ok)
        .then(pl.lit(DATE_PARSED))
        .when(pl.col("_text").is_null())
        .then(pl.lit(DATE_MISSING))
        .otherwise(pl.col("_slow_status"))
    )
    date = (
        pl.when(fast_ok & ~too_early & ~after_crawl)
        .then(pl.col("_fast"))
        .when(~fast_ok)
        .then(pl.col("_slow_date"))
    )
    table = table.select(
        "_text", "_crawl", "_crawl_time", posted_date=date, posted_date_status=status
    )
    out = frame.join(
        table,
        on=["_text", "_crawl", "_crawl_time"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    return out.select("posted_date", "posted_date_status")
