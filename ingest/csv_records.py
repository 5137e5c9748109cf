"""Reading a CSV file record by record, each numbered by the line it starts on.

The landing of the pipeline (ingest/landing.py and the admin and Sakernas readers) and the
`lmis IN.csv OUT.csv` file commands (ingest/file_commands.py) read files through
`read_records`, so that they number rows and refuse files alike:

* a record is numbered by the line of the file on which it starts, the header being line 1 (a
  quoted field with line breaks makes a record span several lines); blank lines are no records;
* a file that is missing, empty or not UTF-8 text, or a CSV syntax error that leaves the rest of
  the file unreadable (a quote never closed, a value over the field limit), raises
  `CsvInputError` naming the file, the line and the field, instead of a parser's generic advice.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ingest.compressed import open_bytes, open_text

# Scraped descriptions can exceed the csv module's default field limit of 128 KiB.
csv.field_size_limit(16 * 1024 * 1024)


class CsvInputError(Exception):
    """The file as a whole cannot be read; the message names the file, and the line when known."""


class _LineTracker:
    """Feeds the csv reader line by line and remembers the lines of the current record."""

    def __init__(self, handle: io.TextIOBase) -> None:
        self._handle = handle
        self.lines: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._handle:
            self.lines.append(line)
            yield line


def column_name(name: str) -> str:
    """A header name without surrounding blanks or byte-order marks (some tools write two)."""
    return name.replace("\ufeff", "").strip()


def _open_text(path: Path, errors: str = "strict") -> TextIO:
    # Gzip by a `.gz` suffix in any case (IN.CSV.GZ), the byte-order mark dropped (`compressed`).
    return open_text(path, newline="", errors=errors)


# What `surrogateescape` turns an undecodable byte into.
_UNDECODED = re.compile("[\udc80-\udcff]")


def _field_of_bad_quote(text: str) -> int | None:
    """Index of the field whose quoting is broken in `text` (a record's raw lines), if found.

    Either a quote that opens a field and is never closed, or a closing quote followed by more
    text in the same field (`"abc"def`).
    """
    index, position, at_field_start = 0, 0, True
    while position < len(text):
        char = text[position]
        if at_field_start and char == '"':
            opened = index
            position += 1
            while True:
                close = text.find('"', position)
                if close == -1:
                    return opened
                if text[close + 1 : close + 2] == '"':
                    position = close + 2
                    continue
                position = close + 1
                break
            if position < len(text) and text[position] not in ",\r\n":
                return opened
            continue
        if char == ",":
            index += 1
            at_field_start = True
        elif char in "\r\n":
            return None
        else:
            at_field_start = False
        position += 1
    return None


def read_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(start line, fields) of every record of the file, the header first; blank lines skipped.

    Raises `CsvInputError` naming the line (and field) when the file is missing, empty, not UTF-8
    or has a syntax error no later row could be read past.
    """
    if not path.is_file():
        raise CsvInputError(f"{path}: no such file")
    header: list[str] = []
    try:
        with _open_text(path) as handle:
            # The reader is fed the file directly: a record's raw lines are needed only to
            # explain a syntax error, and are read again then (`_record_text`).
            reader = csv.reader(handle, strict=True)
            consumed = 0
            try:
                for values in reader:
                    start, consumed = consumed + 1, reader.line_num
                    if not values:
                        continue
                    if not header:
                        header = [column_name(name) for name in values]
                    yield start, values
            except csv.Error as exc:
                text = _record_text(path, consumed + 1, reader.line_num)
                raise CsvInputError(_syntax_message(path, consumed + 1, header, text, exc)) from exc
            except (OSError, EOFError, zlib.error) as exc:
                # gzip's own errors name no file: a `.gz` that is not gzip, or one cut short.
                where = f"after line {consumed}" if consumed else "from its start"
                raise CsvInputError(f"{path}: cannot be read {where}: {exc}") from exc
        if not header:
            raise CsvInputError(f"{path}: file is empty, no header row")
    except UnicodeDecodeError as exc:
        raise CsvInputError(_undecodable_message(path)) from exc


def _record_text(path: Path, first: int, last: int) -> str:
    """Lines `first` to `last` of the file (from 1), split as the csv reader was given them."""
    with _open_text(path) as handle:
        return "".join(itertools.islice(handle, first - 1, last))


def _undecodable_message(path: Path) -> str:
    """Where the first byte of the file that is not UTF-8 sits: row line, field, byte, file line.

    The decoder's own offset counts from the start of its current chunk, not of the file, so the
    file is read once more, each undecodable byte kept as a lone surrogate (which decoded text
    can never contain), and the first record holding one is named.
    """
    advice = "re-export the file as UTF-8 (in Excel: Save As, CSV UTF-8)"
    with open_bytes(path) as raw:
        if raw.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            return f"{path}: the file is UTF-16 text (it starts with a UTF-16 mark); {advice}"
    with _open_text(path, errors="surrogateescape") as handle:
        tracker = _LineTracker(handle)
        reader = csv.reader(tracker)
        header: list[str] = []
        consumed = 0
        for values in reader:
            start, consumed = consumed + 1, reader.line_num
            text, tracker.lines = "".join(tracker.lines), []
            header = header or values
            bad = next((i for i, value in enumerate(values) if _UNDECODED.search(value)), None)
            if bad is None:
                continue
            found = _UNDECODED.search(text)
            byte = ord(found.group()) - 0xDC00 if found else None
            file_line = start + text[: found.start()].count("\n") if found else start
            name = header[bad] if bad < len(header) and not _UNDECODED.search(header[bad]) else None
            where = f" field `{name}`" if name else f" field {bad + 1}"
            detail = f"byte 0x{byte:02X}" if byte is not None else "a byte"
            if file_line != start:
                detail += f", on file line {file_line}"
            return f"{path}: line {start}{where}: not UTF-8 text ({detail}); {advice}"
    return f"{path}: not UTF-8 text; {advice}"


def _syntax_message(path: Path, line: int, header: list[str], text: str, error: Exception) -> str:
    index = _field_of_bad_quote(text)
    unclosed = "end of data" in str(error) or (index is not None and text.count('"') % 2 == 1)
    if not unclosed and "field limit" in str(error):
        index = _long_field(text, csv.field_size_limit())
        where = f" field `{header[index]}`" if index is not None and index < len(header) else ""
        return (
            f"{path}: line {line}{where}: a value longer than {_size(csv.field_size_limit())}, "
            "the most one field may hold; no row after it can be read"
        )
    where = f" field `{header[index]}`" if index is not None and index < len(header) else ""
    if unclosed:
        problem = "a quoted value opens here and is never closed"
    else:
        problem = f"malformed quoting ({error})"
    return f"{path}: line {line}{where}: CSV syntax error, {problem}; no row after it can be read"


def _long_field(text: str, limit: int) -> int | None:
    """Index of the first field of `text` (a record's raw lines) longer than `limit` characters."""
    index, length, quoted, position = 0, 0, False, 0
    while position < len(text):
        char = text[position]
        position += 1
        if quoted:
            if char == '"' and text[position : position + 1] == '"':
                position += 1
            elif char == '"':
                quoted = False
                continue
            length += 1
        elif char == '"' and length == 0:
            quoted = True
        elif char == ",":
            index, length = index + 1, 0
        elif char in "\r\n":
            return None
        else:
            length += 1
        if length > limit:
            return index
    return None


def _size(count: int) -> str:
    return f"{count // 1024 // 1024} MiB" if count >= 1024 * 1024 else f"{count // 1024} KiB"
