"""Decide which character encoding a response really uses, and record why.

Servers declare a charset in the Content-Type header, pages declare one in a `<meta>` tag or an
XML declaration, and some bodies start with a byte-order mark. They disagree more often than one
would hope: a PHP board sends `charset=utf-8` for bytes that are Windows-1252, or
`ISO-8859-1` for bytes that are UTF-8 (the text then shows "Ã©" and "â€“"). Scrapy believes the
first declaration it finds, so this module checks each declaration against the bytes:

1. A byte-order mark wins; it cannot be there by accident.
2. Each declaration (header, then body) is tried in turn. A UTF-8 declaration must decode
   strictly. A single-byte declaration (Latin-1, Windows-1252, ...) is rejected when the body
   holds non-ASCII bytes that form valid UTF-8, because real single-byte text practically never
   does.
3. Without a usable declaration: valid UTF-8, then Windows-1252 (what Indonesian pages that are
   not UTF-8 use), then charset-normalizer's guess, then Windows-1252 with replacement.

The decision (encoding, where it came from, what was declared, whether a declaration was
contradicted) is stored with every item so a wrong guess can be found and re-parsed later.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([^;\"'\s]+)", re.I)
# Body declarations are searched in the first bytes only, as browsers do.
_DECLARATION_WINDOW = 4096


@dataclass(frozen=True)
class EncodingDecision:
    """Which encoding was used to read a response, and on what evidence."""

    encoding: str
    source: str  # bom | header | body | utf-8-sniffed | windows-1252-fallback | detected
    declared_header: str | None
    declared_body: str | None
    contradicted: bool

    def as_meta(self) -> dict[str, Any]:
        return asdict(self)


def header_charset(content_type: bytes | str | None) -> str | None:
    """The charset parameter of a Content-Type header exactly as written, or None."""
    if not content_type:
        return None
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    match = _CHARSET_PARAM.search(content_type)
    return match.group(1) if match else None


def _codec(name: str | None) -> str | None:
    """Resolve a declared label to a Python codec name the way browsers do (latin-1 -> cp1252)."""
    if not name:
        return None
    return resolve_encoding(name)


_MULTI_BYTE_PREFIXES = (
    "utf",
    "gb",
    "big5",
    "shift_jis",
    "euc",
    "iso2022",
    "cp932",
    "cp949",
    "cp950",
    "johab",
    "hz",
)


def _is_single_byte(codec_name: str) -> bool:
    """Latin-1, Windows-125x, ISO-8859-x, KOI8...: every byte is one character."""
    return not codec_name.startswith(_MULTI_BYTE_PREFIXES)


def _decodes(body: bytes, codec_name: str) -> bool:
    try:
        body.decode(codec_name, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def choose_encoding(body: bytes, content_type: bytes | str | None) -> EncodingDecision:
    """Pick the encoding that decodes `body` correctly, checking every declaration."""
    declared_header = header_charset(content_type)
    declared_body = html_body_declared_encoding(body[:_DECLARATION_WINDOW])
    bom_codec, _ = read_bom(body)
    declarations = [(declared_header, "header"), (declared_body, "body")]
    if bom_codec:
        contradicted = any(
            _codec(label) not in (None, bom_codec) for label, _ in declarations if label
        )
        return EncodingDecision(bom_codec, "bom", declared_header, declared_body, contradicted)

    has_non_ascii = not body.isascii()
    valid_utf8 = _decodes(body, "utf-8")
    contradicted = False
    for label, source in declarations:
        if not label:
            continue
        codec_name = _codec(label)
        if codec_name is None:
            contradicted = True  # an unknown label is a declaration we cannot honour
            continue
        if codec_name == "utf-8":
            if valid_utf8:
                return EncodingDecision(
                    "utf-8", source, declared_header, declared_body, contradicted
                )
            contradicted = True
            continue
        if _is_single_byte(codec_name) and has_non_ascii and valid_utf8:
            contradicted = True  # the bytes are UTF-8 whatever the label says
            continue
        if _decodes(body, codec_name):
            return EncodingDecision(
                codec_name, source, declared_header, declared_body, contradicted
            )
        contradicted = True

    if valid_utf8:
        return EncodingDecision(
            "utf-8", "utf-8-sniffed", declared_header, declared_body, contradicted
        )
    if _decodes(body, "cp1252"):
        return EncodingDecision(
            "cp1252", "windows-1252-fallback", declared_header, declared_body, contradicted
        )
    guess = from_bytes(body).best()
    guessed_codec = _codec(guess.encoding) if guess is not None else None
    if guessed_codec:
        return EncodingDecision(
            guessed_codec, "detected", declared_header, declared_body, contradicted
        )
    return EncodingDecision(
        "cp1252", "windows-1252-fallback", declared_header, declared_body, contradicted
    )


def decode_body(body: bytes, decision: EncodingDecision) -> str:
    """Decode with the chosen encoding, dropping a byte-order mark and replacing bad bytes."""
    codec_name = "utf-8-sig" if decision.encoding == "utf-8" else decision.encoding
    return body.decode(codec_name, errors="replace")
