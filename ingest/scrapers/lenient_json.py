"""A forgiving JSON reader for structured data embedded in web pages.

JSON-LD blocks are never executed by browsers and search engines read them leniently, so sites
ship blocks that Python's strict `json` module rejects: trailing commas, `//` and `/* */`
comments, raw line breaks inside strings, single-quoted strings, unquoted keys, `\\'` escapes,
Python or JavaScript literals (`True`, `undefined`, `NaN`), a stray `;`, HTML comment or CDATA
wrappers, two objects back to back, or a double quote left unescaped inside a string.

`loads_lenient` first tries the strict parser (fast, and the common case) and only then parses
with a small hand-written recursive-descent parser that accepts those deviations. It returns the
value together with the names of the repairs it had to make, so callers can count them. Input it
cannot make sense of raises `LenientJSONError` with the character position.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

REPAIR_KINDS = (
    "wrapper_removed",
    "comment",
    "trailing_comma",
    "missing_comma",
    "single_quoted_string",
    "unquoted_key",
    "raw_control_character",
    "invalid_escape",
    "unescaped_quote",
    "js_or_python_literal",
    "concatenated_values",
    "stray_semicolon",
)

_NUMBER = re.compile(r"[+-]?(?:0[xX][0-9A-Fa-f]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_IDENTIFIER = re.compile(r"[A-Za-z_$@][A-Za-z0-9_$@\-]*")
_LITERALS: dict[str, Any] = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
    "undefined": None,
    "NaN": math.nan,
    "Infinity": math.inf,
    "-Infinity": -math.inf,
}
_STRICT_LITERALS = {"true", "false", "null"}
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
# Characters that may follow the closing quote of a string; anything else means the quote was
# part of the text (an unescaped quote), which is how browsers' lenient consumers read it too.
_AFTER_STRING = set(",:}]\n\r")
_WRAPPERS = (("<!--", "-->"), ("<![CDATA[", "]]>"))


class LenientJSONError(ValueError):
    """Raised when text cannot be read as JSON even leniently; names the position."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} at character {position}")
        self.position = position


def strip_wrappers(text: str) -> tuple[str, bool]:
    """Remove a BOM and HTML comment / CDATA wrappers that some sites put around the JSON."""
    stripped = text.strip().lstrip("\ufeff").strip()
    changed = stripped != text.strip()
    again = True
    while again:
        again = False
        for opening, closing in _WRAPPERS:
            if stripped.startswith(opening):
                stripped = stripped[len(opening) :].strip()
                changed = again = True
            if stripped.endswith(closing):
                stripped = stripped[: -len(closing)].strip()
                changed = again = True
    return stripped, changed


def loads_lenient(text: str) -> tuple[Any, list[str]]:
    """Parse JSON leniently. Returns (value, sorted list of repair kinds that were needed)."""
    try:
        return json.loads(text), []
    except (json.JSONDecodeError, RecursionError):
        pass
    body, wrapped = strip_wrappers(text)
    parser = _Parser(body)
    value = parser.parse_document()
    if wrapped:
        parser.repairs.add("wrapper_removed")
    return value, sorted(parser.repairs)


class _Parser:
    """Recursive-descent parser over a string; `repairs` collects the deviations accepted."""

    # Deep nesting is a sign of garbage, not of a job posting; stop before Python's own limit.
    MAX_DEPTH = 200

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.repairs: set[str] = set()
        self.depth = 0

    # -- helpers ---------------------------------------------------------------------------

    def _error(self, message: str) -> LenientJSONError:
        return LenientJSONError(message, self.pos)

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip_space(self) -> None:
        text, length = self.text, len(self.text)
        while self.pos < length:
            char = text[self.pos]
            if char.isspace() or char == "\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = length if end < 0 else end + 1
                self.repairs.add("comment")
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self._error("unterminated /* comment")
                self.pos = end + 2
                self.repairs.add("comment")
            elif text.startswith("<!--", self.pos) or text.startswith("-->", self.pos):
                self.pos += 4 if text.startswith("<!--", self.pos) else 3
                self.repairs.add("wrapper_removed")
            else:
                return

    # -- grammar ---------------------------------------------------------------------------

    def parse_document(self) -> Any:
        self._skip_space()
        if self.pos >= len(self.text):
            raise self._error("empty document")
        values = [self._value()]
        while True:
            self._skip_space()
            if self.pos >= len(self.text):
                break
            if self._peek() == ";":
                self.pos += 1
                self.repairs.add("stray_semicolon")
                continue
            if self._peek() == ",":
                # "{...},{...}": objects separated by commas without an enclosing array.
                self.pos += 1
                self._skip_space()
                if self.pos >= len(self.text):
                    self.repairs.add("trailing_comma")
                    break
            if self._peek() in "{[":
                values.append(self._value())
                self.repairs.add("concatenated_values")
                continue
            raise self._error(f"unexpected {self._peek()!r} after the value")
        return values[0] if len(values) == 1 else values

    def _value(self) -> Any:
        self._skip_space()
        char = self._peek()
        if char == "{":
            return self._object()
        if char == "[":
            return self._array()
        if char in "\"'":
            return self._string(char)
        if char and (char.isdigit() or char in "+-."):
            if self.text.startswith("-Infinity", self.pos):
                self.pos += len("-Infinity")
                self.repairs.add("js_or_python_literal")
                return -math.inf
            return self._number()
        match = _IDENTIFIER.match(self.text, self.pos)
        if match and match.group(0) in _LITERALS:
            word = match.group(0)
            self.pos = match.end()
            if word not in _STRICT_LITERALS:
                self.repairs.add("js_or_python_literal")
            return _LITERALS[word]
        if not char:
            raise self._error("unexpected end of text")
        raise self._error(f"unexpected {char!r}")

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > self.MAX_DEPTH:
            raise self._error("nesting too deep")

    def _object(self) -> dict[str, Any]:
        self._enter()
        self.pos += 1  # the opening brace
        result: dict[str, Any] = {}
        expecting_member = True
        while True:
            self._skip_space()
            char = self._peek()
            if char == "}":
                if result and expecting_member:
                    self.repairs.add("trailing_comma")
                self.pos += 1
                self.depth -= 1
                return result
            if not char:
                raise self._error("unterminated object")
            if char == ",":
                # Doubled commas ("a": 1,, "b": 2) are read as one.
                self.pos += 1
                self.repairs.add("trailing_comma")
                expecting_member = True
                continue
            if not expecting_member:
                self.repairs.add("missing_comma")
            key = self._key()
            self._skip_space()
            if self._peek() != ":":
                raise self._error("expected ':' after an object key")
            self.pos += 1
            result[key] = self._value()
            self._skip_space()
            if self._peek() == ",":
                self.pos += 1
                expecting_member = True
            else:
                expecting_member = False

    def _key(self) -> str:
        char = self._peek()
        if char in "\"'":
            return self._string(char)
        match = _IDENTIFIER.match(self.text, self.pos) or re.compile(r"\d+").match(
            self.text, self.pos
        )
        if not match:
            raise self._error(f"expected an object key, found {char!r}")
        self.pos = match.end()
        self.repairs.add("unquoted_key")
        return match.group(0)

    def _array(self) -> list[Any]:
        self._enter()
        self.pos += 1  # the opening bracket
        result: list[Any] = []
        expecting_value = True
        while True:
            self._skip_space()
            char = self._peek()
            if char == "]":
                if result and expecting_value:
                    self.repairs.add("trailing_comma")
                self.pos += 1
                self.depth -= 1
                return result
            if not char:
                raise self._error("unterminated array")
            if char == ",":
                self.pos += 1
                self.repairs.add("trailing_comma")
                expecting_value = True
                continue
            if not expecting_value:
                self.repairs.add("missing_comma")
            result.append(self._value())
            self._skip_space()
            if self._peek() == ",":
                self.pos += 1
                expecting_value = True
            else:
                expecting_value = False

    def _string(self, quote: str) -> str:
        if quote == "'":
            self.repairs.add("single_quoted_string")
        text, length = self.text, len(self.text)
        start = self.pos
        self.pos += 1
        parts: list[str] = []
        while True:
            if self.pos >= length:
                self.pos = start
                raise self._error("unterminated string")
            char = text[self.pos]
            if char == quote:
                if self._closes_string(self.pos + 1):
                    self.pos += 1
                    return "".join(parts)
                self.repairs.add("unescaped_quote")
                parts.append(char)
                self.pos += 1
            elif char == "\\":
                parts.append(self._escape())
            else:
                if ord(char) < 0x20:
                    self.repairs.add("raw_control_character")
                parts.append(char)
                self.pos += 1

    def _closes_string(self, after: int) -> bool:
        """A quote closes the string if what follows it can follow a string in JSON."""
        text, length = self.text, len(self.text)
        while after < length and text[after] in " \t":
            after += 1
        if after >= length:
            return True
        follower = text[after]
        if follower in _AFTER_STRING:
            return True
        # A comment after a value is also a legitimate end.
        return text.startswith("//", after) or text.startswith("/*", after)

    def _escape(self) -> str:
        text = self.text
        code = text[self.pos + 1 : self.pos + 2]
        if code in _SIMPLE_ESCAPES:
            self.pos += 2
            return _SIMPLE_ESCAPES[code]
        if code == "u":
            digits = text[self.pos + 2 : self.pos + 6]
            if re.fullmatch(r"[0-9A-Fa-f]{4}", digits):
                value = int(digits, 16)
                self.pos += 6
                if 0xD800 <= value <= 0xDBFF and text.startswith("\\u", self.pos):
                    low_digits = text[self.pos + 2 : self.pos + 6]
                    if re.fullmatch(r"[0-9A-Fa-f]{4}", low_digits):
                        low = int(low_digits, 16)
                        if 0xDC00 <= low <= 0xDFFF:
                            self.pos += 6
                            return chr(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00))
                return chr(value)
        if code == "x":
            digits = text[self.pos + 2 : self.pos + 4]
            if re.fullmatch(r"[0-9A-Fa-f]{2}", digits):
                self.pos += 4
                self.repairs.add("invalid_escape")
                return chr(int(digits, 16))
        if not code:
            raise self._error("backslash at end of text")
        # "\'" and any other unknown escape stand for the character itself, as in JavaScript.
        self.pos += 2
        self.repairs.add("invalid_escape")
        if code in "\r\n":
            return ""  # a backslash-newline continues the string on the next line
        return code

    def _number(self) -> int | float:
        match = _NUMBER.match(self.text, self.pos)
        if not match:
            raise self._error("malformed number")
        token = match.group(0)
        self.pos = match.end()
        if token.startswith("+") or token.lstrip("+-").lower().startswith("0x"):
            self.repairs.add("js_or_python_literal")
        body = token.lstrip("+")
        if body.lstrip("-").lower().startswith("0x"):
            sign = -1 if body.startswith("-") else 1
            return sign * int(body.lstrip("-")[2:], 16)
        if re.fullmatch(r"-?\d+", body):
            return int(body)
        if body.endswith(".") or body.startswith(".") or body.startswith("-."):
            self.repairs.add("js_or_python_literal")
        return float(body)
