"""Salary texts to (min, max, currency, period, status), with a monthly equivalent.

Handles Indonesian and English forms: "Rp 4.500.000 - 6.000.000 per bulan", "4,5 - 6 jt",
"IDR 5jt", "Rp 5 juta", "s/d", "sampai", one unit written for both ends of a range, hourly/daily/
weekly/yearly pay, USD and other currencies, dots as thousands separators and commas as decimals
(and the English convention, told apart by position). Placeholders ("Gaji kompetitif", "Nego",
"Dirahasiakan", "Rp 0", "N/A") give a status and no amount, never zero; one end of a range
written as 0 ("Rp 3000000 - 0") is an end not stated, so no amount is ever zero. A minus sign
written on the amount ("-5000000", "Rp -5.000.000") gives the status `negative` and no amount: a
wage is never below zero, and dropping the sign would publish a typing slip as pay.

Each distinct text is parsed once (`parse_pay_column`), because salary texts repeat massively.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import polars as pl

log = logging.getLogger(__name__)

# Statuses.
PAY_PARSED = "parsed"
PAY_NEGOTIABLE = "negotiable"
PAY_COMPETITIVE = "competitive"
PAY_CONFIDENTIAL = "confidential"
PAY_MINIMUM_WAGE = "minimum_wage"
PAY_ZERO = "zero_placeholder"
PAY_MISSING = "missing"
PAY_UNPARSED = "unparsed"
PAY_NEGATIVE = "negative"

RANGE_SWAPPED = "range_swapped"
"""The flag (in `lmis check-vacancies`, the reason code) of a pay range whose minimum is above its
maximum; `parse_pay` reads such a range with its ends swapped."""

ZERO_END = "zero_end"
"""The flag of a range with one end 0 ("Rp 3000000 - 0", "0 - 5 jt"): that end is read as not
stated, giving an open range; a zero is never published as a wage."""
AMOUNT_OUT_OF_RANGE = "amount_out_of_range"
"""The flag of an `unparsed` text whose amount is no positive finite number, such as digits too
many for a float ("999...9")."""


PLAIN_PAY = re.compile(r"-?[0-9]+(\.[0-9]+)?")
"""Pay written as a plain number, as the landing's pay fields, `check-vacancies` and AK1 hold it:
digits, an optional fraction after a dot, an optional minus sign."""


def is_negative(amount: float) -> bool:
    """The one rule for pay below zero, shared by the landing (`salary_negative`),
    `check-vacancies`, AK1 and `parse_pay` (status `negative`): `-0` is zero, not negative."""
    return amount < 0  # -0.0 < 0 is False


def plain_pay_value(text: str) -> float | None:
    """The value of pay written as a plain number (`PLAIN_PAY`); None for any other text, and for
    digits a float cannot hold (400 nines would be infinity, never pay): such a value is out of
    range, never read as another number."""
    if PLAIN_PAY.fullmatch(text) is None:
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def is_negative_pay(text: str) -> bool:
    """Whether pay written as a plain number is below zero (`-5000000`, `-1.5`; `-0` and `-0.00`
    are zero, and 400 digits after a minus are below zero too, though out of range)."""
    return PLAIN_PAY.fullmatch(text) is not None and is_negative(float(text))


def is_range_swapped(low: float | None, high: float | None) -> bool:
    """Whether a pay range's stated minimum is above its stated maximum (both known)."""
    return low is not None and high is not None and low > high


# Hours and days per month for a full-time week: 40 h x 52 / 12 and 5 days x 52 / 12.
# TODO(6): a six-day week (common in retail and factories) gives 26 days; take the week length
# from the posting when the pipeline extracts working hours.
HOURS_PER_MONTH = 40 * 52 / 12
DAYS_PER_MONTH = 5 * 52 / 12
WEEKS_PER_MONTH = 52 / 12
MONTHLY_FACTOR = {
    "hour": HOURS_PER_MONTH,
    "day": DAYS_PER_MONTH,
    "week": WEEKS_PER_MONTH,
    "month": 1.0,
    "year": 1 / 12,
}
# A sane band for a monthly wage in rupiah: below an intern's allowance or above a director's
# pay, an amount is more likely a parsing or typing slip than a wage.
PLAUSIBLE_MONTHLY_IDR = (300_000.0, 250_000_000.0)

_PLACEHOLDERS: list[tuple[str, re.Pattern[str]]] = [
    (
        PAY_CONFIDENTIAL,
        re.compile(r"dirahasiakan|rahasia|confidential|undisclosed|tidak ditampilkan|hidden"),
    ),
    (PAY_MINIMUM_WAGE, re.compile(r"\b(umr|umk|ump|umsk|ums)\b|upah minimum|minimum wage")),
    (PAY_NEGOTIABLE, re.compile(r"\bnego|negosiasi|negotiable|dapat dinegosiasikan|bisa dinego")),
    (
        PAY_COMPETITIVE,
        re.compile(
            r"kompetitif|competitive|menarik|attractive|world class|excellent|"
            r"sesuai pengalaman|based on experience"
        ),
    ),
]
_MISSING_TEXTS = {"", "n/a", "na", "none", "null", "nan", "-", "--", "tidak ada", "not specified"}

_CURRENCIES: list[tuple[str, re.Pattern[str]]] = [
    # Before USD, whose bare "$" would also match "S$".
    ("SGD", re.compile(r"\bsgd\b|(?<![a-z])s\$")),
    ("USD", re.compile(r"\busd\b|us\$|\$")),
    ("MYR", re.compile(r"\bmyr\b|\brm\s*\d")),
    ("EUR", re.compile(r"\beur\b|€")),
    ("JPY", re.compile(r"\bjpy\b|¥|\byen\b")),
    ("IDR", re.compile(r"\bidr\b|\brp\.?|rupiah")),
]
_PERIODS: list[tuple[str, re.Pattern[str]]] = [
    ("hour", re.compile(r"(per|/|\bse)\s*(jam|hour|hr)\b|hourly|perjam")),
    ("day", re.compile(r"(per|/|\bse)\s*(hari|day)\b|harian|daily|perhari")),
    ("week", re.compile(r"(per|/|\bse)\s*(minggu|week|pekan)\b|mingguan|weekly")),
    (
        "year",
        re.compile(
            r"(per|/|\bse)\s*(tahun|thn|year|yr|annum)\b|tahunan|yearly|annual|\bp\.?a\.?\b"
        ),
    ),
    ("month", re.compile(r"(per|/|\bse)\s*(bulan|bln|month|mo)\b|bulanan|monthly|perbulan")),
    ("project", re.compile(r"(per|/)\s*(proyek|project)\b|borongan")),
]
_UNITS = {
    "juta": 1e6, "jt": 1e6, "jta": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6, "mil": 1e6,
    "m": 1e6, "ribu": 1e3, "rb": 1e3, "rbu": 1e3, "k": 1e3, "thousand": 1e3,
    "miliar": 1e9, "milyar": 1e9, "billion": 1e9, "bn": 1e9,
}  # fmt: skip
_AMOUNT = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)(?P<exp>e[+-]?\d+)?\s*"
    r"(?P<unit>juta|jta|jt|mio|millions|million|mil|miliar|milyar|billion|bn|ribu|rbu|rb|"
    r"thousand|k|m)?(?![a-z])"
)
_MAX_ONLY = re.compile(
    r"(up to|hingga|sampai|s/d|s\.d\.?|maks|max|maximum|maksimal|kurang dari|under|<|≤)"
    r"\s*(rp\.?|idr|usd|\$)?\s*$"
)
_MIN_ONLY_BEFORE = re.compile(
    r"(lebih dari|di ?atas|minimal|minimum|min\.?|mulai|mulai dari|from|start(ing)? from|"
    r"starts? at|at least|>|≥)\s*(rp\.?|idr|usd|\$)?\s*$"
)
# A minus sign on the first amount: at the start, or after a space, colon, bracket or currency.
# "4jt-6jt" and "4.000.000-6.000.000" are ranges (the dash follows a unit or a digit).
_NEGATIVE_SIGN = re.compile(r"(^|[\s:=(\[]|\brp\.?|\bidr|\$)-$")
_MIN_ONLY_AFTER = re.compile(r"^\s*(\+|lebih|ke ?atas|and above|or more|above)")


@dataclass(frozen=True)
class Pay:
    """A parsed salary text."""

    status: str
    amount_min: float | None = None
    amount_max: float | None = None
    currency: str | None = None
    period: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def monthly_min(self) -> float | None:
        return _monthly(self.amount_min, self.period)

    @property
    def monthly_max(self) -> float | None:
        return _monthly(self.amount_max, self.period)

    @property
    def is_plausible(self) -> bool | None:
        """Inside the sane monthly band; None when there is no amount or it is not in rupiah."""
        if self.currency != "IDR" or self.status != PAY_PARSED:
            return None
        low, high = PLAUSIBLE_MONTHLY_IDR
        values = [v for v in (self.monthly_min, self.monthly_max) if v is not None]
        if not values:
            return None
        return all(low <= v <= high for v in values)


def _monthly(amount: float | None, period: str | None) -> float | None:
    if amount is None or period not in MONTHLY_FACTOR:
        return None
    return round(amount * MONTHLY_FACTOR[period], 2)


def parse_number(text: str) -> float | None:
    """Read a number written with Indonesian or English separators.

    "950.000" is 950000 (a single separator followed by exactly three digits groups thousands);
    "4.500.000,00" is 4500000; "6,000,000" is 6000000; "4,5" and "4.5" are 4.5.
    Returns None for forms that are not a number ("1.23.4").
    """
    has_dot, has_comma = "." in text, "," in text
    if has_dot and has_comma:
        decimal_at = max(text.rfind("."), text.rfind(","))
        decimal_sep = text[decimal_at]
        thousands_sep = "," if decimal_sep == "." else "."
        whole = text[:decimal_at]
        if decimal_sep in whole:
            return None
        groups = whole.split(thousands_sep)
        if any(len(g) != 3 for g in groups[1:]):
            return None
        return float("".join(groups) + "." + text[decimal_at + 1 :])
    if not (has_dot or has_comma):
        return float(text)
    sep = "." if has_dot else ","
    groups = text.split(sep)
    if len(groups) > 2:
        if all(len(g) == 3 for g in groups[1:]):
            return float("".join(groups))
        return None
    if len(groups[1]) == 3:
        return float(groups[0] + groups[1])
    return float(groups[0] + "." + groups[1])


def _with_exponent(value: float, exponent: str) -> float | None:
    """`value` times ten to `exponent` (`e+06`); None when a float cannot hold it (beyond its
    range, or a non-zero value that would round to zero)."""
    try:
        result = value * 10.0 ** int(exponent[1:])
    except OverflowError:
        return None
    if not math.isfinite(result) or (result == 0 and value != 0):
        return None
    return result


# A phone number written beside the pay ("Rp 5.000.000 WA 0812-3456-7890") is no amount: its
# groups were read as a second end (812). An Indonesian mobile number starts 08 or (+)62 8 and
# has 10 to 13 digits with its 0 (11 to 14 with 62), in groups split by spaces, dots or hyphens;
# fewer digits ("0-8500000", a range from zero) stay amounts.
_PHONE_NUMBER = re.compile(r"(?<![\d.,])(\+?62|0)[\s.-]?8\d{1,3}(?:[\s.-]?\d{2,5}){2,3}(?!\d)")
_PHONE_DIGITS = {"0": range(10, 14), "62": range(11, 15)}


def _without_phone_numbers(text: str) -> str:
    def blank_phone(match: re.Match[str]) -> str:
        digits = sum(character.isdigit() for character in match.group(0))
        return " " if digits in _PHONE_DIGITS[match.group(1).lstrip("+")] else match.group(0)

    return _PHONE_NUMBER.sub(blank_phone, text)


def _clean(text: str) -> str:
    text = _without_phone_numbers(text.lower().replace("\u00a0", " "))
    # En dash, em dash and the minus sign are all written for a hyphen-minus.
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    # "Rp 4.500.000,-" and "Rp 4.500.000.-": the trailing dash means "no cents".
    text = re.sub(r"(\d)[.,]-", r"\1 ", text)
    # "Rp. 5.000.000" - the dot after Rp is an abbreviation mark, not part of the number.
    return re.sub(r"\s+", " ", text).strip()


def parse_pay(text: str | None) -> Pay:
    """Parse one salary text. See the module docstring for the forms understood."""
    if text is None:
        return Pay(PAY_MISSING)
    clean = _clean(text)
    if clean in _MISSING_TEXTS:
        return Pay(PAY_MISSING)
    currency = next((code for code, pattern in _CURRENCIES if pattern.search(clean)), None)
    period = next((p for p, pattern in _PERIODS if pattern.search(clean)), None)
    flags: list[str] = []
    amounts: list[tuple[float, float | None, int, int]] = []  # value, unit, start, end
    for match in _AMOUNT.finditer(clean):
        value = parse_number(match.group("num"))
        if value is None:
            continue
        if match.group("exp"):
            # "5e+06" as a spreadsheet writes 5,000,000. An exponent a float cannot hold
            # ("1e400", "1e-400") is out of range: the text is unparsed, never read as another
            # number (the digits after the `e` used to be read as the amount: "1e400" as 400).
            value = _with_exponent(value, match.group("exp"))
            if value is None:
                return Pay(PAY_UNPARSED, flags=(AMOUNT_OUT_OF_RANGE,))
        unit = _UNITS.get(match.group("unit") or "")
        # "per 8 jam" or "13x gaji": numbers tied to other words are not amounts.
        tail = clean[match.end() : match.end() + 6]
        if re.match(r"\s*(x|%|jam\b|hari\b|tahun\b|bulan\b|orang\b|hours?\b|days?\b)", tail):
            continue
        amounts.append((value, unit, match.start(), match.end()))
    placeholder = next((s for s, pattern in _PLACEHOLDERS if pattern.search(clean)), None)
    if not amounts:
        return Pay(placeholder or PAY_UNPARSED)
    if placeholder == PAY_NEGOTIABLE:
        flags.append("negotiable")
    elif placeholder == PAY_MINIMUM_WAGE:
        flags.append("minimum_wage_mentioned")
    if all(value == 0 for value, *_ in amounts):
        return Pay(PAY_ZERO)
    # "-0" is zero, not a negative wage (`is_negative`): the zero rules below read it.
    if _NEGATIVE_SIGN.search(clean[: amounts[0][2]]) and is_negative(-amounts[0][0]):
        return Pay(PAY_NEGATIVE, flags=("negative_amount",))

    # A unit written once applies to both ends: "4,5 - 6 jt". Only small bare numbers take it,
    # so "2.000.000 - 3 jt" keeps its first end as written.
    units = [u for _, u, _, _ in amounts if u is not None]
    values: list[float] = []
    for value, unit, _, _ in amounts[:2]:
        if unit is None and units and value < 1000:
            unit = units[-1]
            flags.append("unit_shared")
        values.append(value * (unit or 1.0))
    low: float | None = values[0]
    high: float | None = values[0]
    if all(v == 0 for v in values):
        # "0 - 0 - 5 jt": the two ends read are both zero.
        return Pay(PAY_ZERO)
    if len(values) >= 2 and 0 in values:
        # Boards store an end they were not given as 0 ("Rp 3000000 - 0"): that end is not
        # stated, as in an open range, rather than a wage of zero.
        low, high = (None, values[1]) if values[0] == 0 else (values[0], None)
        flags.append(ZERO_END)
    elif len(values) >= 2:
        low, high = values[0], values[1]
        if is_range_swapped(low, high):
            low, high = high, low
            flags.append(RANGE_SWAPPED)
    else:
        _, _, start, end = amounts[0]
        if _MAX_ONLY.search(clean[:start]):
            low = None
        elif _MIN_ONLY_BEFORE.search(clean[:start]) or _MIN_ONLY_AFTER.match(clean[end:]):
            high = None
    if currency is None:
        currency = "IDR"
        flags.append("currency_assumed")
    if period is None:
        period = "month"
        flags.append("period_assumed")
    parsed = Pay(PAY_PARSED, low, high, currency, period, tuple(flags))
    # The one exit for amounts: digits beyond a float's range ("999...9") would publish an
    # infinity, and `parse_pay_column` holds every amount to be a positive number.
    amounts_out = (low, high, parsed.monthly_min, parsed.monthly_max)
    if not all(v is None or (math.isfinite(v) and v > 0) for v in amounts_out):
        return Pay(PAY_UNPARSED, flags=(AMOUNT_OUT_OF_RANGE,))
    return parsed


_PAY_SCHEMA = {
    "salary_text": pl.String,
    "salary_status": pl.String,
    "salary_min": pl.Float64,
    "salary_max": pl.Float64,
    "salary_currency": pl.String,
    "salary_period": pl.String,
    "salary_monthly_min": pl.Float64,
    "salary_monthly_max": pl.Float64,
    "salary_is_plausible": pl.Boolean,
    "salary_flags": pl.String,
}


def parse_pay_table(texts: list[str | None]) -> pl.DataFrame:
    """Parse the given distinct texts; one row per text, columns as in the output contract."""
    parsed = [parse_pay(t) for t in texts]
    return pl.DataFrame(
        {
            "salary_text": texts,
            "salary_status": [p.status for p in parsed],
            "salary_min": [p.amount_min for p in parsed],
            "salary_max": [p.amount_max for p in parsed],
            "salary_currency": [p.currency for p in parsed],
            "salary_period": [p.period for p in parsed],
            "salary_monthly_min": [p.monthly_min for p in parsed],
            "salary_monthly_max": [p.monthly_max for p in parsed],
            "salary_is_plausible": [p.is_plausible for p in parsed],
            "salary_flags": [";".join(p.flags) or None for p in parsed],
        },
        schema=_PAY_SCHEMA,
    )


def parse_pay_column(texts: pl.Series) -> pl.DataFrame:
    """Parse each distinct text of a column once; join the result back on `salary_text`."""
    distinct = texts.unique().to_list()
    table = parse_pay_table(distinct)
    counts = table["salary_status"].value_counts().sort("salary_status").rows()
    log.info("pay: parsed %d distinct salary texts; statuses %s", len(distinct), counts)
    assert not any(
        v is not None and (math.isnan(v) or v == 0) for v in table["salary_min"].to_list()
    ), "a parsed amount of zero or NaN must have become a placeholder status"
    return table
