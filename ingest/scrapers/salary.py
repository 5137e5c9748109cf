"""Read advertised salaries from the forms Indonesian job ads use.

Boards write salaries as text ("Rp 3 – 4 Juta", "Rp 4.000.000 - Rp 6.000.000 per bulan",
"IDR 5,000,000/month", "3jt - 4,5jt", "Rp 20 Juta Lebih", "Negosiasi") and schema.org
`baseSalary` arrives as a number, a string, a `MonetaryAmount` with a nested `QuantitativeValue`,
a range put directly on the `MonetaryAmount`, or a list of those, with or without currency and
unit. `parse_salary_text` and `salary_from_structured` turn all of them into one `Salary`
(minimum, maximum, ISO currency, period) and say what they could not read.

Indonesian usage writes thousands with dots and decimals with a comma ("Rp 5.000.000,00",
"4,5 juta"); English ads do the opposite. A separator followed by exactly three digits is read as
a thousands separator, any other as a decimal point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PERIODS = ("HOUR", "DAY", "WEEK", "MONTH", "YEAR")

_CURRENCY_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![A-Za-z])(?:rp\.?|idr)(?![A-Za-z])", re.I), "IDR"),
    (re.compile(r"(?:us\$|usd)(?![A-Za-z])", re.I), "USD"),
    (re.compile(r"(?:s\$|sgd)(?![A-Za-z])", re.I), "SGD"),
    (re.compile(r"(?<![A-Za-z])(?:rm|myr)(?![A-Za-z])", re.I), "MYR"),
    (re.compile(r"€|(?<![A-Za-z])eur(?![A-Za-z])", re.I), "EUR"),
    (re.compile(r"¥|(?<![A-Za-z])jpy(?![A-Za-z])", re.I), "JPY"),
    (re.compile(r"\$"), "USD"),
]
_PERIOD_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:per\s*)?(?:jam|hour|hourly|hr)\b", re.I), "HOUR"),
    (re.compile(r"\b(?:per\s*)?(?:hari|day|daily|harian)\b", re.I), "DAY"),
    (re.compile(r"\b(?:per\s*)?(?:minggu|week|weekly|mingguan)\b", re.I), "WEEK"),
    (re.compile(r"\b(?:per\s*)?(?:bulan|bln|month|monthly|bulanan|mo)\b", re.I), "MONTH"),
    (
        re.compile(r"\b(?:per\s*)?(?:tahun|thn|year|yearly|annual|annually|annum|yr)\b", re.I),
        "YEAR",
    ),
]
_MULTIPLIERS = {
    "juta": 1_000_000,
    "jt": 1_000_000,
    "million": 1_000_000,
    "mio": 1_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
    "billion": 1_000_000_000,
    "ribu": 1_000,
    "rb": 1_000,
    "k": 1_000,
    "thousand": 1_000,
}
# A number, optionally followed by a multiplier word ("4,5 juta", "3jt", "10k").
_AMOUNT = re.compile(
    r"(?P<number>\d[\d.,]*)\s*(?P<mult>juta|jt|million|mio|miliar|milyar|billion|ribu|rb|k|thousand)?"
    r"(?![A-Za-z])",
    re.I,
)
_RANGE_SEPARATOR = re.compile(r"^\s*(?:-|–|—|~|s/d|s\.d\.?|sampai|hingga|to|until)\s*", re.I)
_OPEN_UPPER = re.compile(r"\b(?:lebih|ke\s*atas|keatas|more|above|plus)\b|\+|\bdi\s*atas\b", re.I)
_OPEN_LOWER = re.compile(r"\b(?:up\s*to|maks(?:imal|imum)?|max(?:imum)?|hingga|sampai)\b", re.I)
_NEGOTIABLE = re.compile(r"\b(?:nego(?:siasi|tiable|siable)?|kompetitif|competitive)\b", re.I)


@dataclass(frozen=True)
class Salary:
    """An advertised pay range; a single figure has minimum == maximum."""

    minimum: float | None
    maximum: float | None
    currency: str | None
    period: str | None

    def as_fields(self) -> dict[str, Any]:
        return {
            "salary_min": self.minimum,
            "salary_max": self.maximum,
            "salary_currency": self.currency,
            "salary_period": self.period,
        }


EMPTY_SALARY_FIELDS = Salary(None, None, None, None).as_fields()


def parse_number(token: str) -> float | None:
    """Read one number written with Indonesian or English separators; None if it is not one."""
    token = token.strip().strip(".,")
    if not token or not token[0].isdigit():
        return None
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        decimal = "." if token.rfind(".") > token.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        whole, _, fraction = token.rpartition(decimal)
        whole = whole.replace(thousands, "")
        text = f"{whole}.{fraction}"
    elif dots or commas:
        separator = "." if dots else ","
        groups = token.split(separator)
        if len(groups) > 2 or len(groups[-1]) == 3:
            text = "".join(groups)  # thousands separators: "5.000.000", "1,500"
        else:
            text = ".".join(groups)  # a decimal point: "4,5", "5.5"
    else:
        text = token
    try:
        return float(text)
    except ValueError:
        return None


def normalise_period(value: Any) -> str | None:
    """Map unit words ("MONTH", "per bulan", "monthly", "Hourly") to one of PERIODS."""
    if not isinstance(value, str) or not value.strip():
        return None
    upper = value.strip().upper()
    if upper in PERIODS:
        return upper
    for pattern, period in _PERIOD_WORDS:
        if pattern.search(value):
            return period
    return None


def normalise_currency(value: Any) -> str | None:
    """Map "Rp", "idr", "US$" to ISO codes; keep any other three-letter code in upper case."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    for pattern, code in _CURRENCY_WORDS:
        if pattern.search(text):
            return code
    return None


def parse_salary_text(text: str | None) -> Salary | None:
    """Read a salary written as text; None when it states no figure ("Negosiasi", "")."""
    if text is None:
        return None
    currency = normalise_currency(text)
    period = normalise_period(text)
    amounts: list[tuple[float, int | None, int, int]] = []
    for match in _AMOUNT.finditer(text):
        number = parse_number(match.group("number"))
        if number is None:
            continue
        multiplier = _MULTIPLIERS.get((match.group("mult") or "").lower())
        amounts.append((number, multiplier, match.start(), match.end()))
    if not amounts:
        return None
    # A multiplier written once applies to the whole range: "3 - 4 juta" is 3 and 4 million.
    trailing = next((m for _, m, _, _ in reversed(amounts) if m), None)
    values = [number * (multiplier or trailing or 1) for number, multiplier, _, _ in amounts]
    if len(values) >= 2:
        between = text[amounts[0][3] : amounts[1][2]]
        between = re.sub(r"(?i)rp\.?|idr|usd|\$", "", between)
        if _RANGE_SEPARATOR.match(between):
            low, high = sorted(values[:2])
            return Salary(low, high, currency, period)
    value = values[0]
    before = text[: amounts[0][2]]
    after = text[amounts[0][3] :]
    if _OPEN_UPPER.search(after) or _OPEN_UPPER.search(before):
        return Salary(value, None, currency, period)
    if _OPEN_LOWER.search(before):
        return Salary(None, value, currency, period)
    return Salary(value, value, currency, period)


def is_negotiable(text: str | None) -> bool:
    """True for salary texts that say the pay is negotiable or competitive instead of a figure."""
    return bool(text and _NEGOTIABLE.search(text))


def _amount(value: Any) -> tuple[float | None, Salary | None]:
    """A structured amount may be a number or a string such as "5.000.000" or "Rp 5 juta"."""
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, str):
        parsed = parse_salary_text(value)
        if parsed is None:
            return None, None
        return parsed.minimum if parsed.minimum is not None else parsed.maximum, parsed
    return None, None


def salary_from_structured(value: Any) -> tuple[Salary | None, list[str]]:
    """Read a schema.org `baseSalary` / `estimatedSalary` value of any shape seen in the wild.

    Returns the salary (None when absent or unreadable) and problem codes:
    `salary_multiple_values` (a list; the first readable one is used), `salary_unparsed`
    (a value was given but no figure could be read), `salary_negotiable`.
    """
    problems: list[str] = []
    if value is None or value == "" or value == [] or value == {}:
        return None, problems
    if isinstance(value, list):
        if len(value) > 1:
            problems.append("salary_multiple_values")
        for element in value:
            salary, element_problems = salary_from_structured(element)
            if salary is not None:
                return salary, problems + element_problems
        return None, problems + ["salary_unparsed"]
    if isinstance(value, bool):
        return None, ["salary_unparsed"]
    if isinstance(value, int | float):
        return Salary(float(value), float(value), None, None), problems
    if isinstance(value, str):
        parsed = parse_salary_text(value)
        if parsed is None:
            problems.append("salary_negotiable" if is_negotiable(value) else "salary_unparsed")
        return parsed, problems
    if not isinstance(value, dict):
        return None, ["salary_unparsed"]

    currency = normalise_currency(value.get("currency") or value.get("salaryCurrency"))
    period = normalise_period(value.get("unitText"))
    minimum, _ = _amount(value.get("minValue"))
    maximum, _ = _amount(value.get("maxValue"))
    single: float | None = None
    inner = value.get("value")
    text_hint: Salary | None = None
    if isinstance(inner, dict):
        period = normalise_period(inner.get("unitText")) or period
        currency = currency or normalise_currency(inner.get("currency"))
        inner_min, hint_min = _amount(inner.get("minValue"))
        inner_max, hint_max = _amount(inner.get("maxValue"))
        minimum = minimum if minimum is not None else inner_min
        maximum = maximum if maximum is not None else inner_max
        single, text_hint = _amount(inner.get("value"))
        text_hint = text_hint or hint_min or hint_max
    elif isinstance(inner, list):
        nested, nested_problems = salary_from_structured(
            {**value, "value": inner[0]} if inner else None
        )
        return nested, problems + nested_problems
    else:
        single, text_hint = _amount(inner)
        if text_hint is not None and text_hint.minimum != text_hint.maximum:
            # The value was a range written as text ("5.000.000 - 7.000.000").
            minimum = minimum if minimum is not None else text_hint.minimum
            maximum = maximum if maximum is not None else text_hint.maximum
            single = None
    if single is not None and minimum is None and maximum is None:
        minimum = maximum = single
    if text_hint is not None:
        currency = currency or text_hint.currency
        period = period or text_hint.period
    if minimum is None and maximum is None:
        texts = [v for v in (inner, value.get("minValue"), value.get("maxValue")) if v]
        negotiable = any(isinstance(t, str) and is_negotiable(t) for t in texts)
        problems.append("salary_negotiable" if negotiable else "salary_unparsed")
        return None, problems
    return Salary(minimum, maximum, currency, period), problems
