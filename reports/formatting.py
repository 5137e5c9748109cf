"""Numbers as each report language writes them: one helper for every report.

Indonesian groups thousands with a full stop and marks decimals with a comma, and puts a space
before the per cent sign (1.234.567; 5,13 %); English does the opposite (1,234,567; 5.13%).
Charts follow the same convention through Plotly's `separators` (`PLOTLY_SEPARATORS`).
"""

from __future__ import annotations

import math

# Plotly's layout.separators: the decimal mark, then the thousands separator.
PLOTLY_SEPARATORS = {"id": ",.", "en": ".,"}
_PERCENT_SUFFIX = {"id": " %", "en": "%"}


def _localise(english: str, language: str) -> str:
    """Swap English separators for the language's ("1,234.5" -> "1.234,5" in Indonesian)."""
    if language == "en":
        return english
    if language == "id":
        return english.translate(str.maketrans({",": ".", ".": ","}))
    raise ValueError(f"no number format for language {language!r}")


def format_number(value: float | int | None, language: str, decimals: int = 0) -> str:
    """`value` with thousands grouped and `decimals` decimal places; empty for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return _localise(f"{value:,.{decimals}f}", language)


def format_percent(share: float | None, language: str, decimals: int = 2) -> str:
    """A share (0.0513) as a percentage ("5,13 %" in Indonesian, "5.13%" in English)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return ""
    return format_number(share * 100, language, decimals) + _PERCENT_SUFFIX[language]


def format_auto(value: float | int, language: str) -> str:
    """A table cell of unknown scale: integers grouped, small floats with three decimals."""
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers to format")
    if isinstance(value, int):
        return format_number(value, language)
    return format_number(value, language, 3 if abs(value) < 100 else 0)


def machine_value(value: object) -> str:
    """A setting as a script reads it, in either language: '.' decimals, true/false, lists
    joined by ', ' (the downloads' `value` column; the page shows the localised form)."""
    if isinstance(value, list | tuple):
        return ", ".join(machine_value(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
