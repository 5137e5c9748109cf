"""Row-accounted landing of delimited files: every row read is either loaded or quarantined.

A `SourceSpec` says what a source's files look like (expected header, which fields must parse and
how). `land_csv_file` reads each file with the standard `csv` module rather than a columnar
reader, because a malformed file must be judged row by row: a row with the wrong number of fields
or with fields that fail their checks goes to quarantine, one quarantine row naming the file, the
line and every problem, and the other rows still load. Every value is kept as text so codes with
leading zeros survive; typing is the staging layer's job, so a check accepts exactly what the
staging cast of its field can type (a date that is no calendar date is quarantined here, not left
to fail the dbt build). A source with a `key` keeps, over all its files, the first row of each key
that is otherwise loadable and quarantines each later one as `id_duplicated`, naming that row's
file and line, so the raw key check holds; a row quarantined for another reason claims no key
(`IdClaims`, the rule of every landing and file command). Ids (the key and every field checked
as an id) are text compared as the file commands compare them: without surrounding blanks, which
they also land without, and otherwise as written, so `015758013` and `15758013` are two ids
(leading zeros are kept everywhere, as classification codes need them).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from ingest.admin.personal_data import mask_text_columns_counted
from ingest.csv_records import CsvInputError, read_records
from ingest.normalise.pay import is_negative_pay
from ingest.quarantine import (
    ID_DUPLICATED,
    IdClaims,
    field_count_detail,
    merge_by_line,
    normalised_id,
    quarantine_record,
    quoted_value,
)

log = logging.getLogger(__name__)

QUARANTINE_COLUMNS = {
    "source": pl.String,
    "source_file": pl.String,
    "source_row": pl.Int64,
    "field": pl.String,
    "reason_code": pl.String,
    "reason": pl.String,
    "raw_record": pl.String,
}


INVALID_ID = "invalid_id"
"""The reason code of an id that does not have its source's form (a Loker.id `Job ID` that is not
all digits)."""


class LandingError(Exception):
    """A whole file cannot be landed (unreadable, empty, no usable header)."""


@dataclass(frozen=True)
class FieldCheck:
    """A rule one field must satisfy for its row to load.

    `predicate` receives the raw text (never None; a missing value is the empty string) and returns
    True when the value is acceptable. The reason is `description (got 'value')`, or `detail(value)`
    when a shared sentence says it (negative pay reads as in the file commands).
    """

    field: str
    reason_code: str
    description: str
    predicate: Callable[[str], bool]
    detail: Callable[[str], str] | None = None


def matches(pattern: str, *, allow_empty: bool = False) -> Callable[[str], bool]:
    """A predicate accepting values that fully match `pattern` (and optionally the empty string)."""
    compiled = re.compile(pattern)

    def check(value: str) -> bool:
        if value == "":
            return allow_empty
        return compiled.fullmatch(value) is not None

    return check


def real_datetime(layout: str, *formats: str, width: int | None = None) -> Callable[[str], bool]:
    """A predicate accepting a value that is a real date and time: one `datetime.strptime` reads
    with one of `formats` (its first `width` characters, when given). A value that does not
    match `layout` is accepted: the field's layout check reports it, so a row is not told twice.

    The staging cast of such a field fails the whole dbt build on one impossible value
    (`2025-02-30`, `25:61`); this check quarantines the row instead. It is at most stricter than
    DuckDB: hour 24, which DuckDB rolls over to the next day, is refused."""
    compiled = re.compile(layout)

    def check(value: str) -> bool:
        if compiled.fullmatch(value) is None:
            return True
        text = value[:width] if width is not None else value
        for layout_format in formats:
            try:
                datetime.strptime(text, layout_format)
            except ValueError:
                continue
            return True
        return False

    return check


@dataclass(frozen=True)
class RowCheck:
    """A rule between fields of one row (a posting dated after the crawl that saw it).

    `predicate` receives the row (column -> raw text) and returns True when it is acceptable; it
    runs only when the row passed every field check, so it may assume its fields' layouts. The
    reason is `detail(row)`, reported on `field`.
    """

    field: str
    reason_code: str
    predicate: Callable[[dict[str, str]], bool]
    detail: Callable[[dict[str, str]], str]


def not_negative(value: str) -> bool:
    """False for a number below zero (`-5000000`; `-0` is zero, `is_negative_pay`, the rule every
    pay check shares); any other value is left to the other checks."""
    return not is_negative_pay(value)


@dataclass(frozen=True)
class SourceSpec:
    """What one source's files must look like to land in `raw.<table>`."""

    name: str
    table: str
    files: tuple[str, ...]
    """Glob patterns relative to the data folder."""
    required_columns: tuple[str, ...]
    checks: tuple[FieldCheck, ...] = ()
    row_checks: tuple[RowCheck, ...] = ()
    """Rules between fields, judged on rows whose fields passed `checks`."""
    description: str = ""
    optional_columns: tuple[str, ...] = ()
    """Columns some files have and others lack; they land when present."""
    file_name_columns: tuple[str, ...] = ()
    """Optional columns that hold the name of the file a row was first written to (JobStreet's
    `snapshot_file`, from which staging reads the crawl day): a file without such a column is
    that file itself, so its rows take its own name. When that name fails the column's checks
    too, the file lacks the column: one error names the file and the column, and every row is
    quarantined as `missing_column`."""
    extra_columns_allowed: bool = False
    """Wide sources (survey microdata) land every column; strict layouts warn on extras."""
    key: str | None = None
    """The source's own id, unique in `raw.<table>` (its suite's RAW-KEY-01): a later row of a
    key, in the same file or another file of the source, is quarantined as `id_duplicated`."""
    masks_personal_data: bool = False
    """Adverts written by the public (job boards): every text column but the ids lands with its
    e-mails, phone numbers and NIK-shaped numbers masked (`mask_landed_text`), and so does the
    quarantine's copy of a row; the source files keep them."""
    pay_is_site_band: bool = False
    """The pay is the board's own salary band (Loker.id's Rp 1-million steps, "Rp 3 - 4 Juta"),
    not the employer's figure: VAC-PAY-01 flags pay below the minimum wage only when the whole
    band is below it (a band that contains it is undetermined)."""

    @property
    def id_fields(self) -> frozenset[str]:
        """The key and every field checked as an id (`invalid_id`): checked, compared and landed
        without surrounding blanks (`normalised_id`), as the file commands treat ids."""
        checked = {check.field for check in self.checks if check.reason_code == INVALID_ID}
        return frozenset(checked | ({self.key} if self.key else set()))


@dataclass
class LandingResult:
    """The rows of one source that loaded, those that did not, and the per-file accounting."""

    source: str
    loaded: pl.DataFrame
    quarantined: pl.DataFrame
    files: list[dict] = field(default_factory=list)
    masked: dict[str, int] = field(default_factory=dict)
    """Rows whose value was masked (`mask_landed_text`), per column (`quarantine.<column>` for
    the quarantine's)."""

    @property
    def rows_read(self) -> int:
        return sum(f["rows_read"] for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return self.loaded.height

    @property
    def rows_quarantined(self) -> int:
        return self.quarantined.height


def snake_case(name: str) -> str:
    """`salaryMin` -> `salary_min`, `Job ID` -> `job_id`, `SMA/SMK/STM` -> `sma_smk_stm`."""
    name = name.strip()
    if any(ch.islower() for ch in name):
        # camelCase only when the name has lower case: `R13B_KBJI2` must stay `r13b_kbji2`.
        name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name)
    return name.strip("_").lower()


def _quarantine_row(
    spec: SourceSpec,
    path: Path,
    line: int,
    problems: list[tuple[str, str, str]],
    raw: object,
    columns: list[str],
    note: str = "",
) -> dict:
    """The one quarantine row of an input row with `problems` (field, reason code, detail).

    The file commands' records and merge, so every problem is listed as theirs are (`field` and
    `reason_code` joined by `;` in column order, reason `FILE line N field F: ...; field G: ...`);
    `note` ends the reason. `raw.quarantine` has no `id` column (a source's key is not always
    called so).
    """
    records = [
        quarantine_record(spec.name, path, line, None, name, code, detail, raw)
        for name, code, detail in problems
    ]
    (record,) = merge_by_line(records, columns)
    del record["id"]
    record["reason"] += note
    return record


def land_csv_file(
    spec: SourceSpec, path: Path, claims: IdClaims | None = None
) -> tuple[list[dict], list[dict], dict]:
    """Read one file of `spec`: return (loaded rows, quarantine rows, file accounting).

    The file is read with the file commands' reader (`read_records`): rows are numbered by the
    line they start on, blank lines are no rows, and a file that is empty, not UTF-8 or has a
    quote never closed raises `LandingError` naming the line and field. `claims` (which row
    claimed each key) is shared by the files of one source, so a key is claimed in the first file
    that has a loadable row of it; a row quarantined for another problem claims nothing.
    """
    claims = IdClaims() if claims is None else claims
    loaded: list[dict] = []
    quarantined: list[dict] = []
    rows_read = 0
    try:
        records = read_records(path)
        _, header = next(records)
        columns = [snake_case(c) for c in header]
        missing = [c for c in spec.required_columns if c not in columns]
        if missing:
            log.error(
                "%s: %s lacks required column(s) %s; every row is quarantined",
                spec.name,
                path.name,
                ", ".join(missing),
            )
        known = set(spec.required_columns) | set(spec.optional_columns)
        unexpected = [] if spec.extra_columns_allowed else [c for c in columns if c not in known]
        if unexpected:
            log.warning(
                "%s: %s has column(s) not in the expected layout: %s",
                spec.name,
                path.name,
                ", ".join(unexpected),
            )
        shift_note = (
            f"; the header has unexpected column(s) {', '.join(unexpected)}, values may be shifted"
            if unexpected
            else ""
        )
        named = _file_name_columns(spec, path, columns)
        missing += [name for name in spec.file_name_columns if name not in columns + named]
        checks = [check for check in spec.checks if check.field not in missing]
        ids = [name for name in spec.id_fields if name in columns]
        for line, values in records:
            rows_read += 1
            if len(values) != len(columns):
                detail = field_count_detail(len(values), len(columns))
                quarantined.append(
                    _quarantine_row(
                        spec, path, line, [("*", "field_count", detail)], values, columns
                    )
                )
                continue
            record = dict(zip(columns, values, strict=True))
            # A quarantined row keeps its values as read; a loaded one has its ids as compared
            # and the file's name in a file-name column the file lacks.
            as_compared = (
                record
                | {name: normalised_id(record[name]) or "" for name in ids}
                | dict.fromkeys(named, path.name)
            )
            problems = _row_problems(checks, as_compared, missing, record)
            if not problems:
                problems = [
                    (check.field, check.reason_code, check.detail(as_compared))
                    for check in spec.row_checks
                    if not check.predicate(as_compared)
                ]
            if spec.key is not None and spec.key not in missing:
                detail = claims.judge(
                    record[spec.key], line, otherwise_loadable=not problems, file=path.name
                )
                if detail is not None:
                    problems.append((spec.key, ID_DUPLICATED, detail))
            if problems:
                quarantined.append(
                    _quarantine_row(spec, path, line, problems, record, columns, shift_note)
                )
                continue
            as_compared["_source_file"] = path.name
            as_compared["_source_row"] = line
            loaded.append(as_compared)
    except CsvInputError as exc:
        raise LandingError(str(exc)) from exc
    accounting = {
        "source": spec.name,
        "source_file": path.name,
        "rows_read": rows_read,
        "rows_loaded": len(loaded),
        "rows_quarantined": len(quarantined),
    }
    return loaded, quarantined, accounting


def _file_name_columns(spec: SourceSpec, path: Path, columns: list[str]) -> list[str]:
    """The file-name columns (`SourceSpec.file_name_columns`) `path` lacks whose checks its name
    passes: its rows take its name there. One error names each lacked column the name cannot
    stand for (its rows are then quarantined as `missing_column`)."""
    named = []
    for name in spec.file_name_columns:
        if name in columns:
            continue
        failed = [c for c in spec.checks if c.field == name and not c.predicate(path.name)]
        if not failed:
            log.info(
                "%s: %s has no %s column; its rows take the file's name", spec.name, path.name, name
            )
            named.append(name)
            continue
        log.error(
            "%s: %s has no %s column and its name cannot stand for it (%s); every row is "
            "quarantined",
            spec.name,
            path.name,
            name,
            "; ".join(check.description for check in failed),
        )
    return named


def _row_problems(
    checks: list[FieldCheck],
    record: dict[str, str],
    missing: list[str],
    as_read: dict[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """(field, reason code, detail) of every problem of a row: each required column the header
    lacks, then each of `checks` (those of the columns it has) that the row fails. The checks
    judge `record`; a detail quotes the value `as_read` (default: `record`)."""
    failed = [check for check in checks if not check.predicate(record.get(check.field, ""))]
    if not failed and not missing:
        return []
    as_read = record if as_read is None else as_read
    problems = [(name, "missing_column", "the header has no such column") for name in missing]
    for check in failed:
        value = as_read.get(check.field, "")
        if check.detail is not None:
            detail = check.detail(value)
        else:
            # Masked before it is cut: a cut "0812-3456-78" is no longer a phone's shape.
            detail = f"{check.description} (got {quoted_value(value)!r})"
        problems.append((check.field, check.reason_code, detail))
    return problems


def resolve_files(spec: SourceSpec, data_dir: Path) -> list[Path]:
    paths: list[Path] = []
    for pattern in spec.files:
        paths.extend(sorted(data_dir.glob(pattern)))
    if not paths:
        raise LandingError(
            f"source {spec.name}: no file matches {', '.join(spec.files)} under {data_dir}"
        )
    return paths


def land_source(
    spec: SourceSpec, data_dir: Path, paths: Iterable[Path] | None = None
) -> LandingResult:
    """Land every file of a source; the result's accounting always balances."""
    all_loaded: list[dict] = []
    all_quarantined: list[dict] = []
    accounting: list[dict] = []
    # The loaded columns are the union over files in first-seen order, so a file with an extra
    # column (as long as its rows pass the checks) still lands; a file's rows share its columns.
    columns: dict[str, None] = dict.fromkeys(spec.required_columns)
    claims = IdClaims()
    for path in paths if paths is not None else resolve_files(spec, data_dir):
        loaded, quarantined, file_accounting = land_csv_file(spec, path, claims)
        columns.update(dict.fromkeys(loaded[0] if loaded else ()))
        all_loaded.extend(loaded)
        all_quarantined.extend(quarantined)
        accounting.append(file_accounting)
        log.info(
            "%s: %s read %d, loaded %d, quarantined %d",
            spec.name,
            path.name,
            file_accounting["rows_read"],
            file_accounting["rows_loaded"],
            file_accounting["rows_quarantined"],
        )
    loaded_frame = _rows_to_frame(all_loaded, list(columns))
    quarantine_frame = pl.DataFrame(all_quarantined, schema=QUARANTINE_COLUMNS)
    result = LandingResult(spec.name, loaded_frame, quarantine_frame, accounting)
    if spec.masks_personal_data:
        result = mask_landed_text(result, keep=spec.id_fields | set(spec.file_name_columns))
    return result


LANDING_COLUMNS_KEPT = frozenset({"_source_file", "_source_row"})
"""Provenance columns, never masked: they name the file and line a row came from."""
QUARANTINE_TEXT_COLUMNS = ("reason", "raw_record")
"""The quarantine's columns that quote a row's values (a reason quotes up to 60 characters,
masked before they are cut: `ingest.quarantine.quoted_value`)."""


def mask_landed_text(
    result: LandingResult, keep: Collection[str] = (), json_columns: Collection[str] = ()
) -> LandingResult:
    """`result` with e-mails, phone numbers and NIK-shaped numbers masked in every text column of
    its loaded rows except `keep` (ids: a 16-digit id must stay as it is to stay a key) and the
    provenance columns, and in the quarantine's copies of rows; `masked` counts the rows masked
    per column, which the landing logs and its asset reports. `json_columns` (and the
    quarantine's `raw_record`) hold JSON, masked so it stays JSON (`mask_json_text`).

    The one rule of the admin sources (`ingest.admin.personal_data.mask_personal_data`), for the
    adverts of job boards and crawls: their descriptions, titles and company names are written by
    the public and carry "kirim CV ke hrd.budi@gmail.com" or "WA 0812-3456-7890". Masking at the
    landing means nothing dbt reads (staging, skills, the occupation coder, the text rules) sees
    a contact detail in clear.
    """
    loaded, counts = mask_text_columns_counted(
        result.loaded, keep=set(keep) | LANDING_COLUMNS_KEPT, json_columns=json_columns
    )
    quarantined, quarantine_counts = mask_text_columns_counted(
        result.quarantined, columns=QUARANTINE_TEXT_COLUMNS, json_columns=("raw_record",)
    )
    masked = counts | {f"quarantine.{name}": n for name, n in quarantine_counts.items()}
    log.info(
        "%s: personal data masked (rows per column): %s",
        result.source,
        ", ".join(f"{name} {n}" for name, n in sorted(masked.items())) or "none",
    )
    return LandingResult(result.source, loaded, quarantined, result.files, masked)


def _rows_to_frame(rows: list[dict], columns: list[str]) -> pl.DataFrame:
    # Text everywhere except the row number.
    schema = {name: pl.String for name in columns}
    schema["_source_row"] = pl.Int64
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema, infer_schema_length=0)
