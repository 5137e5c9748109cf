"""Small text helpers shared by the readers: HTML to plain text, whitespace, integers."""

from __future__ import annotations

import html
import re

_BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/li|/div|/h\d|/tr)\s*>")
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_SEPARATORS = re.compile(r"[.,]")
_WHOLE = re.compile(r"[+-]?\d+")


def html_to_text(markup: str | None) -> str | None:
    """Visible text of an HTML fragment, one line per paragraph or list item."""
    if markup is None:
        return None
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n", text).strip() or None


def clean_text(value: object) -> str | None:
    """Stripped text, or None for empty cells and the usual placeholders ('-', 'NULL')."""
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return None if text in {"", "-", "NULL", "null", "None", "nan"} else text


def parse_count(value: object) -> int:
    """A non-negative whole count from a cell: 12, 12.0, '12', '1.234' or '1,234' (thousands).

    Raises ValueError for anything else, including decimals and negative numbers, because a
    head count with a fraction means the column is not what the header says.
    """
    # Fast paths first: almost every cell is a plain int (xlsx) or plain digits (csv).
    if type(value) is int and value >= 0:
        return value
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a count")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        number = int(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if text in {"", "-"}:
            return 0
        if _THOUSANDS.fullmatch(text):
            text = _SEPARATORS.sub("", text)
        if not _WHOLE.fullmatch(text):
            raise ValueError(f"{value!r} is not a whole number")
        number = int(text)
    if number < 0:
        raise ValueError(f"{value!r} is negative")
    return number
