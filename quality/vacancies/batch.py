"""Checking a file of vacancies before publication (`lmis check-vacancies IN.csv OUT.csv`).

The file is read row by row with the warehouse's landing reader (ingest/landing.py), so a row
whose id is missing or whose pay, hours, date or province code does not parse is not guessed at:
it goes to a quarantine file beside the output with its raw values, file line, field and reason
(the convention of every `lmis IN.csv OUT.csv` command, orchestration/file_commands.py), and
rows in = rows checked + rows quarantined. The checks are `check_vacancies`, the same the
warehouse runs on every posting.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.landing import (
    QUARANTINE_COLUMNS,
    FieldCheck,
    LandingError,
    SourceSpec,
    land_csv_file,
    matches,
    snake_case,
)
from orchestration.file_commands import QUARANTINE_COLUMNS as FILE_QUARANTINE_COLUMNS
from orchestration.file_commands import CsvInputError, check_syntax, quarantine_path
from quality.vacancies.checks import (
    CONTRACT_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CheckSettings,
    check_vacancies,
)

log = logging.getLogger(__name__)

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


BATCH_SPEC = SourceSpec(
    name="check_vacancies",
    table="check_vacancies",
    files=(),
    required_columns=REQUIRED_COLUMNS,
    optional_columns=CONTRACT_COLUMNS + OPTIONAL_COLUMNS,
    extra_columns_allowed=True,
    description="A batch of vacancies an official checks before publication.",
    checks=(
        FieldCheck("id", "missing_id", "id is empty", matches(r"(?s).*\S.*")),
        FieldCheck(
            "salary_monthly_min",
            "invalid_number",
            "salary_monthly_min must be a plain number of rupiah (no thousands separators)",
            matches(NUMBER, allow_empty=True),
        ),
        FieldCheck(
            "salary_monthly_max",
            "invalid_number",
            "salary_monthly_max must be a plain number of rupiah (no thousands separators)",
            matches(NUMBER, allow_empty=True),
        ),
        FieldCheck(
            "hours_per_week",
            "invalid_number",
            "hours_per_week must be a number",
            matches(NUMBER, allow_empty=True),
        ),
        FieldCheck(
            "province_code",
            "invalid_code",
            "province_code must be a two-digit BPS province code",
            matches(r"[0-9]{2}", allow_empty=True),
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
    ),
)


class BatchInputError(Exception):
    """The file as a whole cannot be checked (unreadable, or lacking a required column)."""


@dataclass
class BatchResult:
    checked: pl.DataFrame
    quarantined: pl.DataFrame
    rows_read: int


def _header(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            return [snake_case(c) for c in next(csv.reader(text))]
        except StopIteration as exc:
            raise BatchInputError(f"{path}: file is empty, no header row") from exc


def read_vacancy_file(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(usable rows typed to the contract, quarantine records, rows read) of a vacancy CSV."""
    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    header = _header(path)
    try:
        check_syntax(path)
    except CsvInputError as exc:
        raise BatchInputError(str(exc)) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BatchInputError(
            f"{path}: header lacks required column(s) {', '.join(missing)}; "
            f"the file has {', '.join(header)}"
        )
    try:
        loaded, quarantined, accounting = land_csv_file(BATCH_SPEC, path)
    except LandingError as exc:
        raise BatchInputError(str(exc)) from exc
    # A repeated id is a second vacancy claiming the same key: keep the first, quarantine the rest.
    # The first row may itself be quarantined: a later row must not then take its id silently.
    first_line = _first_quarantined_line_per_id(quarantined)
    unique_rows = []
    for record in loaded:
        key = record["id"].strip()
        if key in first_line and first_line[key] < record["_source_row"]:
            quarantined.append(
                {
                    "source": BATCH_SPEC.name,
                    "source_file": path.name,
                    "source_row": record["_source_row"],
                    "field": "id",
                    "reason_code": "id_duplicated",
                    "reason": f"{path.name} line {record['_source_row']} field id: id {key!r} is "
                    f"already used by the row on line {first_line[key]}",
                    "raw_record": _json(record),
                }
            )
            continue
        first_line[key] = record["_source_row"]
        unique_rows.append(record)
    columns = [c for c in (*REQUIRED_COLUMNS, *CONTRACT_COLUMNS, *OPTIONAL_COLUMNS) if c in header]
    frame = pl.DataFrame(
        [{c: row.get(c) for c in columns} for row in unique_rows],
        schema={c: pl.String for c in columns},
    )
    frame = frame.with_columns(
        [pl.col(c).str.strip_chars().replace("", None) for c in columns if c != "description"]
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
    )
    quarantine = pl.DataFrame(quarantined, schema=QUARANTINE_COLUMNS).with_columns(
        id=pl.col("raw_record").map_elements(_id_of, return_dtype=pl.String)
    )
    return frame, quarantine.select(list(FILE_QUARANTINE_COLUMNS)), accounting["rows_read"]


def _first_quarantined_line_per_id(quarantined: list[dict]) -> dict[str, int]:
    """The first line of each id among rows already quarantined for another reason."""
    first_line: dict[str, int] = {}
    for record in quarantined:
        key = _id_of(record["raw_record"])
        line = record["source_row"]
        if key is not None and line is not None:
            first_line[key] = min(line, first_line.get(key, line))
    return first_line


def _id_of(raw_record: str) -> str | None:
    """The id of a quarantined row (its raw record is a JSON object, or a list of fields)."""
    raw = json.loads(raw_record)
    value = raw.get("id") if isinstance(raw, dict) else None
    return value.strip() or None if isinstance(value, str) else None


def _json(record: dict) -> str:
    return json.dumps(
        {k: v for k, v in record.items() if not k.startswith("_")}, ensure_ascii=False
    )


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
        table = pl.read_parquet(path)
    else:
        table = pl.read_csv(path, infer_schema_length=0)
    if "province_code" not in table.columns and "province_bps_code" in table.columns:
        table = table.rename({"province_bps_code": "province_code"})
    missing = [
        c
        for c in ("province_code", "wage_year", "minimum_wage_monthly_idr")
        if c not in table.columns
    ]
    if missing:
        raise BatchInputError(f"{path}: minimum-wage table lacks column(s) {', '.join(missing)}")
    return table.select(
        pl.col("province_code").cast(pl.String),
        pl.col("wage_year").cast(pl.Int32),
        pl.col("minimum_wage_monthly_idr").cast(pl.Float64),
    )


def write_outputs(result: BatchResult, out_path: Path) -> tuple[Path, Path]:
    """Write the checked rows to `out_path` and the quarantine beside it (`OUT.quarantine.csv`).

    Evidence can contain line breaks from adverts; the CSV quotes them.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    result.checked.write_csv(out_path)
    target = quarantine_path(out_path)
    result.quarantined.sort("source_row", maintain_order=True).write_csv(target)
    return out_path, target
