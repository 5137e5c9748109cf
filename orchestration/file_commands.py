"""What every `lmis COMMAND IN.csv OUT.csv` shares: reading IN, numbering its rows, quarantine.

One convention for `normalise`, `classify-titles` and `check-vacancies`:

* a row is numbered by the line of IN on which it starts, the header being line 1 (a quoted
  field with line breaks makes a row span several lines; the next row's number says so);
* rows a command cannot use go to `OUT.quarantine.csv` beside OUT (the `.csv` of OUT replaced,
  `out.csv` -> `out.quarantine.csv`), one row per input row, with the columns of
  `QUARANTINE_COLUMNS` (`source_row` is the line); a row with several problems lists them all
  (`merge_by_line`), so that it can be fixed in one go;
* a CSV syntax error that leaves the rest of the file unreadable (a quote never closed) stops the
  command with the file, the line and the field named, instead of a parser's generic advice;
* a repeated `id` keeps its first row that is otherwise usable; each later one is quarantined as
  `id_duplicated`, naming the line of that row. A row quarantined for another reason does not
  claim its id (`IdClaims`, the rule every landing shares).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import re
import zlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import polars as pl

from ingest.compressed import open_bytes, open_text

log = logging.getLogger(__name__)

# Scraped descriptions can exceed the csv module's default field limit of 128 KiB.
csv.field_size_limit(16 * 1024 * 1024)

QUARANTINE_COLUMNS: dict[str, pl.DataType] = {
    "source": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "id": pl.String(),
    "field": pl.String(),
    "reason_code": pl.String(),
    "reason": pl.String(),
    "raw_record": pl.String(),
}
LINE_COLUMN = " line"
"""The column `read_rows` adds: the line of IN each row starts on.

Its name starts with a space, which no column of IN can (header names are stripped), so it never
takes the place of an input column; it is never shown to the user.
"""
_ROW_INDEX = " row index"


class CsvInputError(Exception):
    """IN as a whole cannot be read; the message names the file, and the line when known."""


def quarantine_path(output: Path) -> Path:
    """`OUT.quarantine.csv` beside `output` (`flags.csv` -> `flags.quarantine.csv`)."""
    name = output.name
    stem = name[: -len(".csv")] if name.lower().endswith(".csv") else name
    return output.with_name(f"{stem}.quarantine.csv")


def refuse_to_overwrite(input_path: Path, output: Path, *, quarantine: bool = True) -> None:
    """Raise `CsvInputError` if OUT or `OUT.quarantine.csv` is IN itself (it would be lost).

    `quarantine=False` for a command that writes no quarantine file beside OUT.
    """
    targets = (output, quarantine_path(output)) if quarantine else (output,)
    for target in targets:
        if target.exists() and input_path.exists() and target.samefile(input_path):
            raise CsvInputError(
                f"{input_path}: writing {target} would overwrite the input; choose another OUT"
            )


def quarantine_record(
    command: str,
    path: Path,
    line: int,
    row_id: str | None,
    field_name: str,
    reason_code: str,
    detail: str,
    raw: object,
) -> dict:
    """One quarantine row; `reason` repeats file, line and field so it reads on its own."""
    return {
        "source": command,
        "source_file": path.name,
        "source_row": line,
        "id": row_id,
        "field": field_name,
        "reason_code": reason_code,
        "reason": f"{_reason_prefix(path.name, line)}field {field_name}: {detail}",
        "raw_record": json.dumps(raw, ensure_ascii=False),
    }


def _reason_prefix(file_name: str, line: int) -> str:
    return f"{file_name} line {line} "


def field_count_detail(found: int, expected: int) -> str:
    """The reason given for a row of the wrong shape (`field_count`), the same everywhere."""
    return f"{found} field{'s' * (found != 1)}, the header has {expected}"


def negative_pay_detail(value: str) -> str:
    """The reason given for pay below zero (`salary_negative`), the same in every command."""
    return f"pay {value[:60]!r} is negative; a wage cannot be below zero"


ID_DUPLICATED = "id_duplicated"
"""The reason code of a later row of an id, in the file commands and the pipeline's landing."""


def duplicate_id_detail(
    row_id: str, first_line: int, first_file: str | None = None, unit: str = "line"
) -> str:
    """The reason given for a later row of an id (`id_duplicated`), the same everywhere: the
    first row's line (or `unit`: a JSON listing's hit, a feed's item), and its file when it is
    in another file of the same source."""
    where = f"{unit} {first_line}" if first_file is None else f"{first_file} {unit} {first_line}"
    return f"id {row_id!r} is already used by the row on {where}"


def normalised_id(value: str | None) -> str | None:
    """An id as it is compared: without surrounding blanks, blank as None (`id_key` in Polars)."""
    key = (value or "").strip()
    return key or None


class IdClaims:
    """The one repeated-id rule of every landing and file command.

    An id is claimed by the first row that is otherwise loadable (no other problem); each later
    row of a claimed id is `id_duplicated`, naming the claiming row. A row quarantined for
    another reason claims nothing and keeps its own reason, so a later valid row of its id still
    loads (a bad date on the first row must not cost the id's only good row). Rows are judged in
    file and line order; ids compare as `normalised_id` gives them, a blank id claims nothing.
    """

    def __init__(self, unit: str = "line") -> None:
        self.unit = unit
        """What a row's number counts (`line`; `hit` of a JSON listing, `item` of a feed)."""
        self._first: dict[str, tuple[str | None, int]] = {}

    def judge(
        self, value: str | None, line: int, *, otherwise_loadable: bool, file: str | None = None
    ) -> str | None:
        """The `id_duplicated` detail of a row whose id an earlier row claimed, else None; an
        unclaimed id is claimed by this row when it is `otherwise_loadable`. `file` names the
        row's file when the rows of several files are judged together (the detail names the
        claiming row's file when it is another)."""
        row_id = normalised_id(value)
        if row_id is None:
            return None
        if row_id in self._first:
            first_file, first_line = self._first[row_id]
            other = None if first_file == file else first_file
            return duplicate_id_detail(row_id, first_line, other, self.unit)
        if otherwise_loadable:
            self._first[row_id] = (file, line)
        return None


PROBLEM_SEPARATOR = ";"
"""Joins the fields and the reason codes of a row with several problems (`a;b`)."""


def merge_by_line(records: list[dict], columns: list[str]) -> list[dict]:
    """One quarantine row per file line, listing every problem found on that row.

    The problems are ordered as the file's columns (a whole-row problem, field `*`, first; a
    field not in `columns` last); `field` and `reason_code` join them with `;` (the n-th code
    belongs to the n-th field) and `reason` joins the `field F: detail` parts with `; ` after
    one `FILE line N`. A row with one problem is left as it is.
    """
    by_line: dict[int, list[dict]] = {}
    for record in records:
        by_line.setdefault(record["source_row"], []).append(record)
    position = {name: index for index, name in enumerate(columns)}

    def order(record: dict) -> int:
        return -1 if record["field"] == "*" else position.get(record["field"], len(columns))

    merged = []
    for line, problems in by_line.items():
        if len(problems) == 1:
            merged.append(problems[0])
            continue
        problems = sorted(problems, key=order)
        prefix = _reason_prefix(problems[0]["source_file"], line)
        ids = [p["id"] for p in problems if p["id"] is not None]
        merged.append(
            {
                **problems[0],
                "id": ids[0] if ids else None,
                "field": PROBLEM_SEPARATOR.join(p["field"] for p in problems),
                "reason_code": PROBLEM_SEPARATOR.join(p["reason_code"] for p in problems),
                "reason": prefix + "; ".join(p["reason"].removeprefix(prefix) for p in problems),
            }
        )
    return merged


def quarantine_frame(records: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=QUARANTINE_COLUMNS).sort("source_row", maintain_order=True)


@dataclass
class CsvRows:
    """The readable rows of IN (every column a string, empty as null) and the quarantined ones."""

    frame: pl.DataFrame
    quarantine: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    """The columns of IN, as named in `frame` (after `rename`)."""
    file_columns: list[str] = field(default_factory=list)
    """The same columns as spelled in the header of IN."""

    @property
    def rows_read(self) -> int:
        return self.frame.height + len(self.quarantine)

    def raw(self, row: dict) -> dict[str, str]:
        """A row of `frame` as it stood in IN, for `raw_record`: header names, empty as ''."""
        return {
            spelled: "" if row[name] is None else row[name]
            for name, spelled in zip(self.columns, self.file_columns, strict=True)
        }


class _LineTracker:
    """Feeds the csv reader line by line and remembers the lines of the current record."""

    def __init__(self, handle: io.TextIOBase) -> None:
        self._handle = handle
        self.lines: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._handle:
            self.lines.append(line)
            yield line


def _column_name(name: str) -> str:
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
    """(start line, fields) of every record of IN, the header first; blank lines skipped.

    Raises `CsvInputError` naming the line (and field) when IN is missing, empty, not UTF-8 or
    has a syntax error no later row could be read past. The pipeline's landing reads files
    through it too (`ingest/landing.py`), so both number rows and refuse files alike.
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
                        header = [_column_name(name) for name in values]
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
    """Lines `first` to `last` of IN (from 1), split as the csv reader was given them."""
    with _open_text(path) as handle:
        return "".join(itertools.islice(handle, first - 1, last))


def _undecodable_message(path: Path) -> str:
    """Where the first byte of IN that is not UTF-8 sits: row line, field, byte, file line.

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


def read_rows(
    path: Path,
    command: str,
    id_column: str | None = "id",
    rename: Callable[[str], str] | None = None,
) -> CsvRows:
    """Read IN: rows as strings with their start line in `LINE_COLUMN`; misshapen rows quarantined.

    `rename` maps each header name to the name the command uses (`Salary Min` -> `salary_min`).
    Raises `CsvInputError` when the file is missing, empty, not UTF-8, or has a syntax error the
    rest of the file cannot be read past, or when two columns get the same name.
    """
    quarantined: list[dict] = []
    records: list[list[str]] = []
    lines: list[int] = []
    rows = read_records(path)
    _, header = next(rows)
    original = [_column_name(name) for name in header]
    if len(original) == 1 and (";" in original[0] or "\t" in original[0]):
        separator = "`;`" if ";" in original[0] else "tabs"
        raise CsvInputError(
            f"{path}: line 1: the header is one column, {original[0][:80]!r}: the file looks "
            f"separated by {separator} (Excel does so in some regional settings); save it as "
            "CSV separated by commas"
        )
    header = [rename(name) for name in original] if rename else original
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        spelled = [
            " and ".join(repr(o) for o, n in zip(original, header, strict=True) if n == name)
            for name in duplicated
        ]
        raise CsvInputError(
            f"{path}: line 1: column name(s) repeated in the header: {', '.join(duplicated)}"
            + (f" ({'; '.join(spelled)})" if rename else "")
        )
    for start, values in rows:
        if len(values) != len(header):
            row_id = dict(zip(header, values, strict=False)).get(id_column) if id_column else None
            quarantined.append(
                quarantine_record(
                    command,
                    path,
                    start,
                    row_id,
                    "*",
                    "field_count",
                    field_count_detail(len(values), len(header)),
                    values,
                )
            )
            continue
        records.append(values)
        lines.append(start)
    columns = list(zip(*records, strict=True)) if records else [()] * len(header)
    frame = pl.DataFrame(
        {name: list(values) for name, values in zip(header, columns, strict=True)},
        schema={name: pl.String for name in header},
    )
    frame = frame.with_columns(pl.col(header).replace("", None)).with_columns(
        pl.Series(LINE_COLUMN, lines, dtype=pl.Int64)
    )
    return CsvRows(frame, quarantined, header, original)


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


def id_key(id_column: str = "id") -> pl.Expr:
    """An id as the commands compare and write it: without surrounding blanks, blank as null
    (`normalised_id` for one value)."""
    key = pl.col(id_column).str.strip_chars()
    return pl.when(key != "").then(key).alias(id_column)


def split_duplicate_ids(
    rows: CsvRows,
    path: Path,
    command: str,
    id_column: str = "id",
    unusable_lines: Collection[int] = (),
) -> tuple[pl.DataFrame, list[dict]]:
    """Keep the first usable row of every id; quarantine each later one as `id_duplicated`.

    `unusable_lines` are the rows quarantined for another reason: they claim no id (`IdClaims`).
    Ids are compared as `id_key` gives them: ` 1` and `1 ` repeat `1`; blank ids repeat nothing.
    """
    unusable = set(unusable_lines)
    claims = IdClaims()
    records: list[dict] = []
    later: list[int] = []
    for index, row in enumerate(rows.frame.iter_rows(named=True)):
        line = row[LINE_COLUMN]
        detail = claims.judge(row[id_column], line, otherwise_loadable=line not in unusable)
        if detail is None:
            continue
        later.append(index)
        records.append(
            quarantine_record(
                command,
                path,
                line,
                normalised_id(row[id_column]),
                id_column,
                ID_DUPLICATED,
                detail,
                rows.raw(row),
            )
        )
    kept = (
        rows.frame.with_row_index(_ROW_INDEX)
        .filter(~pl.col(_ROW_INDEX).is_in(later))
        .drop(_ROW_INDEX)
        .with_columns(id_key(id_column))
    )
    return kept, records


def write_quarantine(records: list[dict], output: Path) -> Path:
    """Write `OUT.quarantine.csv` (header only when nothing was quarantined); return its path."""
    target = quarantine_path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    quarantine_frame(records).write_csv(target)
    return target
