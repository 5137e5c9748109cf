"""Checking a file of vacancies before publication (`lmis check-vacancies IN.csv OUT.csv`).

The file is read with the reader every `lmis IN.csv OUT.csv` command shares
(ingest/file_commands.py), so a row whose id is missing or whose pay, hours, date or
province code does not parse (or whose code names no province of the regions reference) is not
guessed at: it goes to a quarantine file beside the output with its raw values, file line, field
and reason, and rows in = rows checked + rows quarantined.
The checks are `check_vacancies`, the same the warehouse runs on every posting.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.admin.regions import bps_province_names
from ingest.csv_records import CsvInputError
from ingest.file_commands import LINE_COLUMN, quarantine_frame, quarantine_path, read_rows
from ingest.landing import FieldCheck, matches, snake_case
from ingest.normalise.pay import (
    RANGE_SWAPPED,
    is_negative_pay,
    is_range_swapped,
    plain_pay_value,
)
from ingest.quarantine import (
    ID_DUPLICATED,
    IdClaims,
    merge_by_line,
    negative_pay_detail,
    quarantine_record,
    quoted_value,
)
from quality.vacancies.checks import (
    CONTRACT_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CheckSettings,
    check_vacancies,
)

log = logging.getLogger(__name__)

COMMAND = "check_vacancies"
NUMBER = r"[0-9]+(\.[0-9]+)?"


def _date_or_empty(value: str) -> bool:
    """A calendar date written YYYY-MM-DD (2024-13-01 has the layout but is no date)."""
    if value.strip() == "":
        return True
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        return False
    return len(value.strip()) == 10


def _known_province_or_other(value: str) -> bool:
    """A BPS province code of the regions reference (empty or malformed: the format check's)."""
    if not re.fullmatch(r"[0-9]{2}", value):
        return True
    return value in bps_province_names()


FIELD_CHECKS = (
    FieldCheck("id", "id_missing", "the id is empty", matches(r"(?s).*\S.*")),
    FieldCheck(
        "hours_per_week",
        "invalid_number",
        "hours_per_week must be a number of hours, zero or more",
        matches(NUMBER, allow_empty=True),
    ),
    FieldCheck(
        "max_age",
        "invalid_number",
        "max_age must be a number of years",
        matches(NUMBER, allow_empty=True),
    ),
    FieldCheck(
        "is_first_posting",
        "invalid_boolean",
        "is_first_posting must be true or false",
        matches(r"(?i)\s*(true|false)\s*", allow_empty=True),
    ),
    FieldCheck(
        "province_code",
        "invalid_code",
        "province_code must be a two-digit BPS province code",
        matches(r"[0-9]{2}", allow_empty=True),
    ),
    FieldCheck(
        "province_code",
        "unknown_code",
        "province_code must be one of the 38 BPS province codes: the 34 of the BPS-Kemendagri "
        "bridging table (data/reference/wilayah) or the BPS 2024 codes of the four 2022 Papua "
        "provinces (dbt seed province_codes)",
        _known_province_or_other,
    ),
    FieldCheck(
        "posted_date",
        "invalid_date",
        "posted_date must be a date written YYYY-MM-DD",
        _date_or_empty,
    ),
    FieldCheck(
        "first_seen_date",
        "invalid_date",
        "first_seen_date must be a date written YYYY-MM-DD",
        _date_or_empty,
    ),
    FieldCheck(
        "last_seen_date",
        "invalid_date",
        "last_seen_date must be a date written YYYY-MM-DD",
        _date_or_empty,
    ),
)


PAY_FIELDS = ("salary_monthly_min", "salary_monthly_max")


def _pay_problem(name: str, value: str) -> tuple[str, str] | None:
    """(reason code, detail) when a pay field is not a plain non-negative number of rupiah.

    Below zero is decided as everywhere (`is_negative_pay`: `-0` is zero, so it passes); digits
    a float cannot hold are no number (`invalid_number`), never read as infinity."""
    if value == "":
        return None
    if is_negative_pay(value):
        return "salary_negative", negative_pay_detail(value)
    if plain_pay_value(value) is not None:
        return None
    return (
        "invalid_number",
        f"{name} must be a plain number of rupiah (no thousands separators) "
        f"(got {quoted_value(value)!r})",
    )


WAGE_TYPES: dict[str, pl.DataType] = {
    "province_code": pl.String(),
    "wage_year": pl.Int32(),
    "minimum_wage_monthly_idr": pl.Float64(),
}
_WAGE_ROW = " row"


class BatchInputError(Exception):
    """The file as a whole cannot be checked (unreadable, or lacking a required column)."""


@dataclass
class BatchResult:
    checked: pl.DataFrame
    quarantined: pl.DataFrame
    rows_read: int


def read_vacancy_file(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(usable rows typed to the contract, quarantine records, rows read) of a vacancy CSV."""
    try:
        rows = read_rows(path, COMMAND, rename=snake_case)
    except CsvInputError as exc:
        raise BatchInputError(str(exc)) from exc
    header = rows.columns
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BatchInputError(
            f"{path}: header lacks required column(s) {', '.join(missing)}; "
            f"the file has {', '.join(rows.file_columns)}"
        )
    quarantined = list(rows.quarantine)
    # A repeated id is a second vacancy claiming the same key: the first row that is otherwise
    # usable claims it and each later one is quarantined. A row quarantined for another reason
    # claims nothing (`IdClaims`, the rule of every landing), so a later valid row is checked.
    claims = IdClaims()
    kept_lines: list[int] = []
    for row in rows.frame.iter_rows(named=True):
        line = row[LINE_COLUMN]
        values = {c: row[c] or "" for c in header}
        raw = rows.raw(row)
        problems = _field_problems(path, line, values, raw)
        detail = claims.judge(values["id"], line, otherwise_loadable=not problems)
        if detail is not None:
            key = values["id"].strip()
            problems.append(
                quarantine_record(COMMAND, path, line, key, "id", ID_DUPLICATED, detail, raw)
            )
        if problems:
            quarantined.extend(problems)
        else:
            kept_lines.append(line)
    columns = [c for c in (*REQUIRED_COLUMNS, *CONTRACT_COLUMNS, *OPTIONAL_COLUMNS) if c in header]
    frame = rows.frame.filter(pl.col(LINE_COLUMN).is_in(kept_lines)).select(columns)
    frame = frame.with_columns(
        [pl.col(c).str.strip_chars().replace("", None) for c in columns if c != "description"]
        + [pl.col("description").fill_null("")]
    ).with_columns(
        [
            pl.col(c).cast(pl.Float64)
            for c in ("salary_monthly_min", "salary_monthly_max", "hours_per_week")
            if c in columns
        ]
        + [
            pl.col(c).str.to_date("%Y-%m-%d")
            for c in ("posted_date", "first_seen_date", "last_seen_date")
            if c in columns
        ]
        + (
            [pl.col("is_first_posting").str.to_lowercase() == "true"]
            if "is_first_posting" in columns
            else []
        )
        + ([pl.col("max_age").cast(pl.Float64)] if "max_age" in columns else [])
    )
    return frame, quarantine_frame(merge_by_line(quarantined, header)), rows.rows_read


def _field_problems(path: Path, line: int, values: dict[str, str], raw: dict) -> list[dict]:
    """A quarantine record for every field of `values` (renamed columns) that fails its check."""
    problems = [
        (
            check.field,
            check.reason_code,
            f"{check.description} (got {quoted_value(values[check.field])!r})",
        )
        for check in FIELD_CHECKS
        if check.field in values and not check.predicate(values[check.field])
    ]
    pay_problems = [(name, _pay_problem(name, values.get(name, ""))) for name in PAY_FIELDS]
    problems += [(name, *problem) for name, problem in pay_problems if problem is not None]
    low, high = (values.get(name, "") for name in PAY_FIELDS)
    if low and high and not any(problem for _, problem in pay_problems):
        # Which end is wrong cannot be told, so the row is not judged on a guess (`normalise`,
        # which reads pay texts, swaps the ends and flags the same code).
        if is_range_swapped(float(low), float(high)):
            problems.append(
                (
                    "salary_monthly_min",
                    RANGE_SWAPPED,
                    f"salary_monthly_min {low!r} is above salary_monthly_max {high!r}; swap "
                    "them, or correct the one that is wrong",
                )
            )
    row_id = values["id"].strip() or None
    return [
        quarantine_record(COMMAND, path, line, row_id, name, code, detail, raw)
        for name, code, detail in problems
    ]


def check_vacancy_file(
    path: Path, minimum_wages: pl.DataFrame, settings: CheckSettings | None = None
) -> BatchResult:
    """Read and check one file; every row read is checked or quarantined."""
    frame, quarantine, rows_read = read_vacancy_file(path)
    checked = check_vacancies(frame, minimum_wages, settings)
    if rows_read != checked.height + quarantine.height:
        raise AssertionError(
            f"{path}: {rows_read} rows read but {checked.height} checked and "
            f"{quarantine.height} quarantined"
        )
    log.info(
        "%s: %d rows read, %d checked, %d quarantined",
        path.name,
        rows_read,
        checked.height,
        quarantine.height,
    )
    return BatchResult(checked=checked, quarantined=quarantine, rows_read=rows_read)


def load_minimum_wages(path: Path) -> pl.DataFrame:
    """The UMP table from the published `fct_minimum_wages` (parquet) or a CSV of the same shape.

    Columns `province_bps_code` (or `province_code`), `wage_year`, `minimum_wage_monthly_idr`.
    """
    if not path.exists():
        raise BatchInputError(
            f"{path}: no minimum-wage table; run `lmis run` to publish fct_minimum_wages, or pass "
            "--minimum-wages with a parquet or CSV file"
        )
    if path.suffix == ".parquet":
        try:
            table = pl.read_parquet(path).with_row_index(_WAGE_ROW, offset=1)
        except (OSError, pl.exceptions.PolarsError) as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise BatchInputError(f"{path}: cannot be read as parquet ({first_line})") from exc
        where = "row"
    else:
        try:
            rows = read_rows(path, COMMAND, id_column=None)
        except CsvInputError as exc:
            raise BatchInputError(str(exc)) from exc
        if rows.quarantine:
            reason = rows.quarantine[0]["reason"].removeprefix(f"{path.name} ")
            raise BatchInputError(f"{path}: {reason}")
        table, where = rows.frame.rename({LINE_COLUMN: _WAGE_ROW}), "line"
    if "province_code" not in table.columns and "province_bps_code" in table.columns:
        table = table.rename({"province_bps_code": "province_code"})
    # Named as --help and fct_minimum_wages name it; `province_code` is only the alias read.
    missing = [
        "province_bps_code" if c == "province_code" else c
        for c in WAGE_TYPES
        if c not in table.columns
    ]
    if missing:
        raise BatchInputError(f"{path}: minimum-wage table lacks column(s) {', '.join(missing)}")
    typed = table.select(
        _WAGE_ROW, *(pl.col(c).cast(dtype, strict=False) for c, dtype in WAGE_TYPES.items())
    )
    for name, dtype in WAGE_TYPES.items():
        # A value that is there but is no number would otherwise stop the command with a
        # traceback (or, cast leniently, drop a province's UMP without a word).
        bad = table.filter(pl.col(name).is_not_null() & typed[name].is_null())
        if bad.height:
            raise BatchInputError(
                f"{path}: {where} {bad[_WAGE_ROW][0]} field {name}: {bad[name][0]!r} is not "
                f"{'a whole number' if dtype == pl.Int32 else 'a number'}"
            )
    return typed.drop(_WAGE_ROW)


def write_outputs(result: BatchResult, out_path: Path) -> tuple[Path, Path]:
    """Write the checked rows to `out_path` and the quarantine beside it (`OUT.quarantine.csv`).

    Evidence can contain line breaks from adverts; the CSV quotes them.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    result.checked.write_csv(out_path)
    target = quarantine_path(out_path)
    result.quarantined.sort("source_row", maintain_order=True).write_csv(target)
    return out_path, target
