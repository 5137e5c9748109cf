"""What every `lmis COMMAND IN.csv OUT.csv` shares: reading IN, numbering its rows, quarantine.

One convention for `normalise`, `classify-titles` and `check-vacancies`:

* a row is numbered by the line of IN on which it starts, the header being line 1 (a quoted
  field with line breaks makes a row span several lines; the next row's number says so);
  IN is read with the pipeline's reader (`ingest.csv_records.read_records`);
* rows a command cannot use go to `OUT.quarantine.csv` beside OUT (the `.csv` of OUT replaced,
  `out.csv` -> `out.quarantine.csv`), one row per input row, with the columns of
  `QUARANTINE_COLUMNS` (`source_row` is the line); a row with several problems lists them all
  (`ingest.quarantine.merge_by_line`), so that it can be fixed in one go;
* a CSV syntax error that leaves the rest of the file unreadable (a quote never closed) stops the
  command with the file, the line and the field named, instead of a parser's generic advice;
* a repeated `id` keeps its first row that is otherwise usable; each later one is quarantined as
  `id_duplicated`, naming the line of that row. A row quarantined for another reason does not
  claim its id (`ingest.quarantine.IdClaims`, the rule every landing shares).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest.csv_records import CsvInputError, column_name, read_records
from ingest.quarantine import (
    ID_DUPLICATED,
    IdClaims,
    field_count_detail,
    normalised_id,
    quarantine_record,
)

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
    original = [column_name(name) for name in header]
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
