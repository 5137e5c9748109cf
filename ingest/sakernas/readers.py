"""Readers for every format BPS microdata arrives in: SPSS, Stata, dBase, CSV and parquet.

All readers return the same three things:

* `data`: one row per record, every column as text. Codes stay codes: "01" keeps its zero, a
  numeric 4.0 becomes "4", and a numeric variable whose display format pads with zeros (SPSS
  `N2`, Stata `%02.0f`) is padded again, so regency "01" never turns into "1".
* `value_labels`: a side table (`variable`, `code`, `label`, `label_set`), one row per code.
  Two codes sharing one label stay two rows and the data keep both codes; labels are never
  applied to the data, so they cannot merge codes.
* `missing_reasons`: one row per value the file itself declares missing (SPSS user-missing
  values and ranges, Stata extended missing .a-.z): `variable`, `row_number` (1-based), `raw_value`,
  `reason`, `label`. The value in `data` is null. Sentinel codes that only the codebook knows
  ("0 = not applicable", "99 = don't know") are the round mapping's job (see `harmonise`).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import NamedTuple

import polars as pl

log = logging.getLogger(__name__)

VALUE_LABEL_SCHEMA = {
    "variable": pl.String,
    "code": pl.String,
    "label": pl.String,
    "label_set": pl.String,
}
MISSING_REASON_SCHEMA = {
    "variable": pl.String,
    "row_number": pl.Int64,
    "raw_value": pl.String,
    "reason": pl.String,
    "label": pl.String,
}

SUPPORTED_SUFFIXES = (".sav", ".zsav", ".dta", ".dbf", ".csv", ".csv.gz", ".parquet")

_SPSS_ZERO_PADDED = re.compile(r"^N(\d+)$", re.IGNORECASE)
_STATA_ZERO_PADDED = re.compile(r"^%0(\d+)\.0[fg]$")


class MicrodataReadError(ValueError):
    """The file cannot be read as microdata; the message names the file."""


class Microdata(NamedTuple):
    """What every reader returns; unpack as `data, value_labels, missing_reasons`."""

    data: pl.DataFrame
    value_labels: pl.DataFrame
    missing_reasons: pl.DataFrame


def code_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Render a column as code text: whole floats lose their ".0", NaN becomes null."""
    if dtype == pl.String:
        return expr
    if dtype.is_float():
        whole = expr.is_finite() & (expr == expr.round(0)) & (expr.abs() < 1e15)
        return (
            pl.when(expr.is_nan() | expr.is_infinite())
            .then(None)
            .when(whole)
            .then(expr.cast(pl.Int64).cast(pl.String))
            .otherwise(expr.cast(pl.String))
        )
    return expr.cast(pl.String)


def _empty_labels() -> pl.DataFrame:
    return pl.DataFrame(schema=VALUE_LABEL_SCHEMA)


def _empty_missing() -> pl.DataFrame:
    return pl.DataFrame(schema=MISSING_REASON_SCHEMA)


def _texts(frame: pl.DataFrame, pad_widths: dict[str, int]) -> pl.DataFrame:
    columns = []
    for name, dtype in frame.schema.items():
        text = code_text(pl.col(name), dtype)
        width = pad_widths.get(name)
        if width:
            # Only pad codes that are plain non-negative integers; anything else stays as read.
            text = pl.when(text.str.contains(r"^\d+$")).then(text.str.zfill(width)).otherwise(text)
        columns.append(text.str.strip_chars().replace("", None).alias(name))
    return frame.select(columns)


def _labels_from_meta(meta: object) -> pl.DataFrame:
    rows: list[dict[str, str]] = []
    variable_to_label = getattr(meta, "variable_to_label", {}) or {}
    for variable, labels in (getattr(meta, "variable_value_labels", {}) or {}).items():
        label_set = variable_to_label.get(variable, variable)
        for code, label in labels.items():
            code_str = (
                str(int(code)) if isinstance(code, float) and code.is_integer() else str(code)
            )
            rows.append(
                {"variable": variable, "code": code_str, "label": label, "label_set": label_set}
            )
    if not rows:
        return _empty_labels()
    return pl.DataFrame(rows, schema=VALUE_LABEL_SCHEMA)


def _spss_user_missing(
    frame: pl.DataFrame, meta: object, labels: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Null out SPSS user-missing values and ranges, keeping each one as a reason row."""
    ranges: dict[str, list[dict[str, float]]] = getattr(meta, "missing_ranges", {}) or {}
    found: list[pl.DataFrame] = []
    replacements = []
    for variable, bounds in ranges.items():
        if variable not in frame.columns:
            continue
        column = pl.col(variable)
        if frame.schema[variable] == pl.String:
            is_missing = column.is_in([str(b["lo"]) for b in bounds])
        else:
            is_missing = pl.lit(False)
            for bound in bounds:
                is_missing = is_missing | column.is_between(bound["lo"], bound["hi"])
        flagged = (
            frame.with_row_index("row_number", offset=1)
            .filter(is_missing)
            .select(
                pl.lit(variable).alias("variable"),
                pl.col("row_number").cast(pl.Int64),
                code_text(column, frame.schema[variable]).alias("raw_value"),
                pl.lit("declared_user_missing").alias("reason"),
            )
        )
        found.append(flagged)
        replacements.append(pl.when(is_missing).then(None).otherwise(column).alias(variable))
    if replacements:
        frame = frame.with_columns(replacements)
    if not found:
        return frame, _empty_missing()
    missing = pl.concat(found).join(
        labels.select("variable", pl.col("code").alias("raw_value"), "label"),
        on=["variable", "raw_value"],
        how="left",
    )
    return frame, missing.select(list(MISSING_REASON_SCHEMA))


def _read_spss(path: Path) -> Microdata:
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path), user_missing=True, output_format="polars")
    labels = _labels_from_meta(meta)
    frame, missing = _spss_user_missing(frame, meta, labels)
    widths = {}
    for variable, fmt in (meta.original_variable_types or {}).items():
        match = _SPSS_ZERO_PADDED.match(fmt or "")
        if match:
            widths[variable] = int(match.group(1))
    return Microdata(_texts(frame, widths), labels, missing)


def _read_stata(path: Path) -> Microdata:
    import pyreadstat

    frame, meta = pyreadstat.read_dta(str(path), user_missing=True, output_format="polars")
    labels = _labels_from_meta(meta)
    widths = {}
    for variable, fmt in (meta.original_variable_types or {}).items():
        match = _STATA_ZERO_PADDED.match(fmt or "")
        if match:
            widths[variable] = int(match.group(1))
    # With user_missing=True, Stata's extended missing values .a-.z arrive as one-letter strings
    # in otherwise numeric columns; keep each one as a reason and null it.
    found = []
    replacements = []
    for variable, dtype in frame.schema.items():
        if dtype != pl.String or variable not in (meta.readstat_variable_types or {}):
            continue
        if meta.readstat_variable_types[variable] == "string":
            continue
        column = pl.col(variable)
        is_extended = column.str.contains(r"^[a-z]$")
        found.append(
            frame.with_row_index("row_number", offset=1)
            .filter(is_extended)
            .select(
                pl.lit(variable).alias("variable"),
                pl.col("row_number").cast(pl.Int64),
                ("." + column).alias("raw_value"),
                pl.lit("stata_extended_missing").alias("reason"),
                pl.lit(None, dtype=pl.String).alias("label"),
            )
        )
        replacements.append(pl.when(is_extended).then(None).otherwise(column).alias(variable))
    if replacements:
        frame = frame.with_columns(replacements)
    missing = pl.concat(found) if found else _empty_missing()
    return Microdata(_texts(frame, widths), labels, missing)


def _read_dbf(path: Path, encoding: str | None) -> Microdata:
    from dbfread import DBF

    # raw=True hands back the bytes as stored, so character codes keep their leading zeros and
    # numbers are not turned into floats before we decide how to print them.
    table = DBF(str(path), raw=True, encoding=encoding or "cp1252", char_decode_errors="strict")
    field_types = {field.name: field.type for field in table.fields}
    columns: dict[str, list[str | None]] = {name: [] for name in field_types}
    for row_number, record in enumerate(table, start=1):
        for name, raw in record.items():
            try:
                text = raw.decode(table.encoding).strip() if raw is not None else ""
            except UnicodeDecodeError as error:
                raise MicrodataReadError(
                    f"{path}: row {row_number}, field {name}: not {table.encoding} text ({error})"
                ) from error
            columns[name].append(text or None)
    frame = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    numeric = [name for name, kind in field_types.items() if kind in ("N", "F")]
    if numeric:
        # Numeric fields may be stored as "4.00"; print them as codes the same way as other formats.
        frame = frame.with_columns(
            code_text(pl.col(name).cast(pl.Float64, strict=False), pl.Float64).alias(name)
            for name in numeric
        )
    return Microdata(frame, _empty_labels(), _empty_missing())


def _read_csv(path: Path, encoding: str | None) -> Microdata:
    try:
        frame = pl.read_csv(
            path,
            infer_schema=False,
            encoding="utf8" if encoding in (None, "utf-8", "utf8") else "utf8-lossy",
            null_values=[""],
        )
    except pl.exceptions.NoDataError as error:
        # The words the file commands use for the same file (ingest/csv_records.py).
        raise MicrodataReadError(f"{path}: file is empty, no header row") from error
    except pl.exceptions.ComputeError as error:
        located = _locate_csv_problem(path) if encoding in (None, "utf-8", "utf8") else None
        # polars' own message spans lines of advice about schema options that do not apply here.
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise MicrodataReadError(located or f"{path}: cannot parse as CSV: {first_line}") from error
    return Microdata(_texts(frame, {}), _empty_labels(), _empty_missing())


def _locate_csv_problem(path: Path) -> str | None:
    """The file line (and field) of what makes a UTF-8 CSV unreadable, in the words every
    `lmis` file command uses (ingest/csv_records.py); None when none is found."""
    from ingest.csv_records import CsvInputError, read_records
    from ingest.quarantine import field_count_detail

    header: list[str] | None = None
    try:
        for line, values in read_records(path):
            if header is None:
                header = values
            elif len(values) != len(header):
                detail = field_count_detail(len(values), len(header))
                return f"{path}: line {line}: cannot parse as CSV: {detail}"
    except CsvInputError as error:
        return str(error)
    return None


def _read_parquet(path: Path) -> Microdata:
    frame = pl.read_parquet(path)
    return Microdata(_texts(frame, {}), _empty_labels(), _empty_missing())


def read_microdata(path: str | Path, *, encoding: str | None = None) -> Microdata:
    """Read one microdata file of any supported format; see the module docstring for the result."""
    path = Path(path)
    if not path.exists():
        raise MicrodataReadError(f"{path}: no such file")
    name = path.name.lower()
    if name.endswith((".sav", ".zsav")):
        result = _read_spss(path)
    elif name.endswith(".dta"):
        result = _read_stata(path)
    elif name.endswith(".dbf"):
        result = _read_dbf(path, encoding)
    elif name.endswith((".csv", ".csv.gz")):
        result = _read_csv(path, encoding)
    elif name.endswith(".parquet"):
        result = _read_parquet(path)
    else:
        raise MicrodataReadError(
            f"{path}: unsupported format; expected one of {SUPPORTED_SUFFIXES}"
        )
    log.info(
        "read %s: %d rows x %d columns, %d value labels, %d declared-missing values",
        path.name,
        result.data.height,
        result.data.width,
        result.value_labels.height,
        result.missing_reasons.height,
    )
    return result
