"""Small text repairs shared by the spiders and pipelines.

Job boards and career pages escape HTML entities once too often ("Sales &amp;amp; Marketing"),
paste zero-width characters into titles and pad fields with runs of whitespace. These helpers
undo exactly that and report what they changed, so the cleaning pipeline can count each repair
per field instead of changing values silently.
"""

from __future__ import annotations

import html
import re

# Entity references as they appear in text: named (&amp;), decimal (&#38;) or hex (&#x26;).
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# Zero-width and byte-order-mark characters carry no meaning in a title or a company name.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WHITESPACE_RUN = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]{0,2000}>")

# More than three rounds of escaping has not been seen; the cap stops pathological input.
_MAX_UNESCAPE_ROUNDS = 3


def unescape_entities(value: str) -> tuple[str, int]:
    """Decode HTML entities repeatedly, for text that was escaped more than once.

    Returns the decoded text and the number of decoding rounds that changed it (0 when the text
    held no entity).
    """
    rounds = 0
    while rounds < _MAX_UNESCAPE_ROUNDS and _ENTITY.search(value):
        decoded = html.unescape(value)
        if decoded == value:
            break
        value = decoded
        rounds += 1
    return value, rounds


def strip_tags(value: str) -> str:
    """Remove markup tags from a short text field such as a title (not for descriptions)."""
    return _TAG.sub(" ", value)


def clean_inline_text(value: str | None) -> tuple[str | None, list[str]]:
    """Clean a one-line text field; return the value and the names of the repairs applied.

    Repairs: `entities_unescaped`, `tags_removed`, `zero_width_removed`, `whitespace_normalised`.
    An empty result becomes None so "missing" has one spelling.
    """
    if value is None:
        return None, []
    repairs: list[str] = []
    text, rounds = unescape_entities(value)
    if rounds:
        repairs.append("entities_unescaped")
    without_tags = strip_tags(text)
    if without_tags != text:
        repairs.append("tags_removed")
        text = without_tags
    without_zero_width = _ZERO_WIDTH.sub("", text)
    if without_zero_width != text:
        repairs.append("zero_width_removed")
        text = without_zero_width
    collapsed = _WHITESPACE_RUN.sub(" ", text).strip()
    if collapsed != text:
        repairs.append("whitespace_normalised")
    return (collapsed or None), repairs


def clean_block_text(value: str | None) -> tuple[str | None, list[str]]:
    """Clean a multi-line field (a description): decode over-escaped entities, trim the ends.

    Markup and line breaks are kept; the staging layer decides how to render them.
    """
    if value is None:
        return None, []
    repairs: list[str] = []
    text, rounds = unescape_entities(value)
    if rounds >= 2:
        # Markup carries entities legitimately; only a second round shows over-escaping.
        repairs.append("entities_unescaped_twice")
    elif rounds:
        repairs.append("entities_unescaped")
    without_zero_width = _ZERO_WIDTH.sub("", text)
    if without_zero_width != text:
        repairs.append("zero_width_removed")
        text = without_zero_width
    trimmed = text.strip()
    if trimmed != text:
        repairs.append("whitespace_normalised")
    return (trimmed or None), repairs
