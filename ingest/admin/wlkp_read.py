"""Read WLKP recapitulation exports (xlsx or csv) as officials produce them.

For each sheet the reader finds the header (the first row, within `HEADER_SEARCH_ROWS`, with
enough known labels), joins a two-row merged header into one name per column, maps the labels to
canonical columns whatever their order, and then walks the rows below:

- detail rows (one per company × jabatan) — company identity, merged down or left blank on a
  company's later rows, is carried forward from its first row;
- subtotal rows ("JUMLAH PROVINSI …") and the grand total ("JUMLAH TOTAL") are reconciled against
  the detail rows they cover, column by column; a mismatch raises `TotalMismatchError` naming the
  file, sheet, row and column (or, with `on_total_mismatch="report"`, is listed in the metadata);
  they are then dropped;
- the title block above the header and the footnotes below the total are kept as metadata.

Dates may be real dates, Excel serial numbers or text in one column (see `dates.py`); the way each
was typed is kept. A detail row that cannot be used (no company, no jabatan, an unreadable count or
date, a row total that disagrees with its parts) goes to quarantine with the field and reason.
Manager name, phone and e-mail stay in the raw frame only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from ingest.admin.dates import MONTHS, DateParseError, parse_date
from ingest.admin.regions import RESOLUTION_COLUMNS, RegionIndex, region_index
from ingest.admin.results import (
    AdminLoad,
    AdminSourceError,
    TotalMismatchError,
    concat_loads,
    problems_record,
    quarantine_frame,
)
from ingest.admin.text import clean_text, parse_count
from ingest.admin.wlkp_layout import (
    COMPANY_COLUMNS,
    COUNT_COLUMNS,
    GRAND_TOTAL_LABEL,
    HEADER_LABELS,
    IDENTITY_COLUMNS,
    PERSONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SUBTOTAL_LABEL,
    WORKER_PARTS,
    _group_kind,
    canonical_column,
    normalise_label,
)
from ingest.quarantine import field_count_detail
from orchestration.settings import DATA_DIR

log = logging.getLogger(__name__)

SOURCE = "wlkp"
HEADER_SEARCH_ROWS = 40
MIN_HEADER_LABELS = 5
MISMATCHES_IN_MESSAGE = 5
KBLI_FILE = DATA_DIR / "reference" / "kbli2020" / "kbli2020_structure.csv"

STAGING_SCHEMA: dict[str, pl.DataType] = {
    "report_period": pl.Date(),
    "source_file": pl.String(),
    "source_sheet": pl.String(),
    "source_row": pl.Int64(),
    "wlkp_company_id": pl.String(),
    "company_name": pl.String(),
    "nib": pl.String(),
    "kbli_code": pl.String(),
    "is_kbli_valid": pl.Boolean(),
    "capital_status": pl.String(),
    "company_address": pl.String(),
    "regency_name": pl.String(),
    "province_name": pl.String(),
    **RESOLUTION_COLUMNS,
    "founded_date": pl.Date(),
    "founded_date_typed_as": pl.String(),
    "reported_date": pl.Date(),
    "reported_date_typed_as": pl.String(),
    "jabatan_title": pl.String(),
    "kbji4": pl.String(),
    "is_occupation_coded": pl.Boolean(),
    **{name: pl.Int64() for name in COUNT_COLUMNS},
}


@dataclass
class _Sheet:
    name: str
    rows: list[Sequence[object]]
    lines: list[int] | None = None
    """The file line each row starts on (a CSV file); None for a workbook sheet."""

    def number(self, row: int) -> int:
        """How row `row` (1-based) is named: its file line in a CSV file, as every landing
        numbers rows (a cell with a line break makes a row span lines), else its sheet row."""
        return self.lines[row - 1] if self.lines is not None else row


@dataclass
class _Header:
    row: int  # 1-based row of the (top) header line
    depth: int  # 1 or 2 header lines
    columns: dict[str, int]  # canonical name -> 0-based position
    labels: list[str]
    unmapped: list[str] = field(default_factory=list)


# -- file access -----------------------------------------------------------------------------


def _decode(path: Path, data: bytes, encoding: str) -> tuple[str, str]:
    """Text and the encoding used. 'auto' tries UTF-8 and falls back to Windows-1252, the
    encoding Excel on Indonesian Windows uses for 'CSV (Comma delimited)'."""
    candidates = ["utf-8-sig", "cp1252", "latin-1"] if encoding == "auto" else [encoding]
    for candidate in candidates:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as exc:
            if encoding != "auto":
                line = data.count(b"\n", 0, exc.start) + 1
                raise AdminSourceError(
                    f"{path}: not valid {encoding} text at byte {exc.start} (line {line}, byte "
                    f"{data[exc.start : exc.start + 1]!r}); the file is in another encoding — "
                    "re-export as UTF-8 or read with encoding='auto'"
                ) from exc
    raise AdminSourceError(f"{path}: cannot decode")  # latin-1 decodes anything; unreachable


def _sniff_delimiter(text: str) -> str:
    head = text[:20000]
    counts = {d: head.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.__getitem__)


def _read_sheets(path: Path, encoding: str) -> tuple[list[_Sheet], dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        # Imported here: openpyxl costs every process that loads the definitions about 1.4 s.
        from openpyxl import load_workbook

        # TODO(4): a total written as a formula without a cached value reads as empty and so fails
        # reconciliation; recompute such formulas when an export like that is met.
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types for a bad zip
            raise AdminSourceError(f"{path}: not a readable xlsx workbook ({exc})") from exc
        try:
            sheets = [
                _Sheet(ws.title, list(ws.iter_rows(values_only=True))) for ws in workbook.worksheets
            ]
        finally:
            workbook.close()
        return sheets, {"format": "xlsx"}
    if suffix in {".csv", ".txt"}:
        text, used = _decode(path, path.read_bytes(), encoding)
        delimiter = _sniff_delimiter(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows, lines, consumed = [], [], 0
        for values in reader:
            rows.append(values)
            lines.append(consumed + 1)
            consumed = reader.line_num
        if used != "utf-8-sig":
            log.warning("%s: not UTF-8; decoded as %s", path.name, used)
        return [_Sheet(path.stem, rows, lines)], {
            "format": "csv",
            "encoding": used,
            "delimiter": delimiter,
        }
    raise AdminSourceError(f"{path}: unsupported file type {suffix!r}; expected .xlsx or .csv")


# -- header ----------------------------------------------------------------------------------


def _is_sub_label(value: object) -> bool:
    label = normalise_label(value)
    return label in {"l", "p", "lk", "pr", "laki laki", "perempuan", "pria", "wanita"} or any(
        word in label for word in ("ketenagakerjaan", "kesehatan")
    )


def _label_score(row: Sequence[object]) -> int:
    score = 0
    for value in row:
        label = normalise_label(value)
        if label and (canonical_column(label, None) or _group_kind(label)):
            score += 1
    return score


def find_header(rows: Sequence[Sequence[object]], where: str) -> _Header | None:
    """The header of a sheet, or None if no row within the first rows looks like one."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _label_score(row) < MIN_HEADER_LABELS:
            continue
        below = rows[index + 1] if index + 1 < len(rows) else ()
        two_rows = sum(1 for value in below if _is_sub_label(value)) >= 2
        width = max(len(row), len(below) if two_rows else 0)
        columns: dict[str, int] = {}
        labels: list[str] = []
        unmapped: list[str] = []
        group: object = None
        for position in range(width):
            top = row[position] if position < len(row) else None
            sub = below[position] if two_rows and position < len(below) else None
            if clean_text(top) is not None:
                group = top
            elif clean_text(sub) is None:
                group = None
            name = canonical_column(group, sub) if clean_text(sub) else canonical_column(top, None)
            label = " / ".join(str(v) for v in (group if clean_text(sub) else top, sub) if v)
            labels.append(label)
            if name is None:
                if label:
                    unmapped.append(label)
                continue
            if name in columns:
                raise AdminSourceError(
                    f"{where}: header row {index + 1} has two columns meaning {name!r} "
                    f"(columns {columns[name] + 1} and {position + 1})"
                )
            columns[name] = position
        return _Header(index + 1, 2 if two_rows else 1, columns, labels, unmapped)
    return None


# -- rows ------------------------------------------------------------------------------------


def _cell(row: Sequence[object], position: int | None) -> object:
    if position is None or position >= len(row):
        return None
    value = row[position]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _raw_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _first_text(row: Sequence[object]) -> str | None:
    for value in row:
        if value is not None and str(value).strip():
            return str(value).strip() if isinstance(value, str) else None
    return None


def _report_period(lines: Iterable[str]) -> dt.date | None:
    for line in lines:
        match = re.search(r"periode[^:]*:\s*([A-Za-z]+)\s+(\d{4})", line, re.IGNORECASE)
        if match and match.group(1).lower() in MONTHS:
            return dt.date(int(match.group(2)), MONTHS[match.group(1).lower()], 1)
    return None


def _kbli_codes() -> frozenset[str]:
    with open(KBLI_FILE, encoding="utf-8") as handle:
        return frozenset(row["kbli_code"] for row in csv.DictReader(handle))


def _kbli_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        # A KBLI typed as a number lost its leading zero (01111 -> 1111).
        return f"{int(value):05d}"
    text = str(value).strip()
    return text.zfill(5) if text.isdigit() and len(text) == 4 else text


@dataclass
class _Block:
    """Detail rows since the last subtotal: sums per column, and which sums cannot be trusted."""

    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_COLUMNS, 0))
    unreadable: set[str] = field(default_factory=set)
    first_row: int | None = None
    last_row: int | None = None
    provinces: set[str] = field(default_factory=set)

    def add(self, counts: dict[str, int | None], row_number: int, province: str | None) -> None:
        for name in COUNT_COLUMNS:
            value = counts.get(name)
            if value is None:
                self.unreadable.add(name)
            else:
                self.sums[name] += value
        self.first_row = self.first_row or row_number
        self.last_row = row_number
        if province:
            self.provinces.add(province)


class _SheetReader:
    def __init__(
        self,
        path: Path,
        sheet: _Sheet,
        header: _Header,
        index: RegionIndex,
        kbli_codes: frozenset[str],
    ) -> None:
        self.path = path
        self.sheet = sheet
        self.header = header
        self.index = index
        self.kbli_codes = kbli_codes
        self.where = f"{path.name} sheet '{sheet.name}'"
        # A row's problems are listed in the order of the sheet's columns.
        self.column_order = sorted(header.columns, key=header.columns.__getitem__)
        self.raw_rows: list[dict[str, Any]] = []
        self.staging_rows: list[dict[str, Any]] = []
        self.quarantine: list[dict[str, Any]] = []
        self.mismatches: list[str] = []
        self.notes: list[str] = []
        self.counts = {"detail": 0, "subtotal": 0, "grand_total": 0, "note": 0, "blank": 0}
        self.title_lines = [
            text
            for row in sheet.rows[: header.row - 1]
            if (text := " ".join(str(v).strip() for v in row if clean_text(v)))
        ]
        self.period = _report_period(self.title_lines)
        self._region_cache: dict[tuple[Any, Any], dict[str, Any]] = {}

    def read(self) -> None:
        columns = self.header.columns
        count_positions = [(name, columns[name]) for name in COUNT_COLUMNS]
        jabatan_position = columns["jabatan_title"]
        company_id_position = columns["wlkp_company_id"]
        company_name_position = columns["company_name"]
        block, grand = _Block(), _Block()
        company: dict[str, object] | None = None
        after_total = False
        start = self.header.row + self.header.depth  # 1-based number of the first data row
        for index, row in enumerate(self.sheet.rows[start - 1 :], start=start):
            row_number = self.sheet.number(index)
            if not any(v is not None and str(v).strip() for v in row):
                self.counts["blank"] += 1
                continue
            jabatan = _cell(row, jabatan_position)
            label = _first_text(row)
            has_counts = any(_cell(row, p) is not None for _, p in count_positions)
            if jabatan is None and label and GRAND_TOTAL_LABEL.match(label):
                self.counts["grand_total"] += 1
                if block.first_row is not None and self.counts["subtotal"]:
                    self.mismatches.append(
                        f"{self.where} rows {block.first_row}-{block.last_row}: detail rows after "
                        "the last subtotal are covered by no subtotal"
                    )
                self._reconcile(row, row_number, label, grand, count_positions)
                after_total = True
                company = None
                continue
            if jabatan is None and label and SUBTOTAL_LABEL.match(label) and not after_total:
                self.counts["subtotal"] += 1
                self._reconcile(row, row_number, label, block, count_positions)
                block = _Block()
                company = None
                continue
            if after_total or (jabatan is None and not has_counts):
                self.counts["note"] += 1
                self.notes.append(" ".join(str(v).strip() for v in row if clean_text(v)))
                continue
            self.counts["detail"] += 1
            values = {name: _cell(row, p) for name, p in columns.items()}
            starts_company = (
                _cell(row, company_id_position) is not None
                or _cell(row, company_name_position) is not None
            )
            if self.sheet.lines is not None and len(row) != len(self.header.labels):
                # A delimiter inside a value (a ';' in a name) shifts the later values: the
                # row is quarantined whole, and the rows after it carry no company from it.
                self._shifted(values, row_number, len(row), not starts_company, (block, grand))
                if starts_company:
                    company = None
                continue
            if starts_company:
                company = {name: values.get(name) for name in COMPANY_COLUMNS}
            elif company is not None:
                values.update(company)
            self._detail(values, row_number, carried=not starts_company, block=(block, grand))

    def _reconcile(
        self,
        row: Sequence[object],
        row_number: int,
        label: str,
        block: _Block,
        count_positions: list[tuple[str, int]],
    ) -> None:
        span = (
            f"detail rows {block.first_row}-{block.last_row}"
            if block.first_row
            else "no detail rows"
        )
        for name, position in count_positions:
            if name in block.unreadable:
                continue  # the row that could not be read is already in quarantine
            shown = _cell(row, position)
            try:
                value = parse_count(shown)
            except ValueError:
                self.mismatches.append(
                    f"{self.where} row {row_number} ({label!r}): {name} {shown!r} is not a number"
                )
                continue
            if value != block.sums[name]:
                self.mismatches.append(
                    f"{self.where} row {row_number} ({label!r}): {name} is {value} but {span} "
                    f"sum to {block.sums[name]}"
                )
        province_named = re.sub(r"^\s*jumlah\s+(provinsi\s+)?", "", label, flags=re.IGNORECASE)
        code = self.index.province_code(province_named)
        if code and block.provinces and block.provinces != {code}:
            self.mismatches.append(
                f"{self.where} row {row_number} ({label!r}): the rows it covers are in "
                f"province(s) {', '.join(sorted(block.provinces))}, not {code}"
            )

    def _region(self, regency: object, province: object) -> dict[str, Any]:
        key = (regency, province)
        if key not in self._region_cache:
            match = self.index.by_name(
                str(regency) if regency else None, str(province) if province else None
            )
            self._region_cache[key] = match.as_columns()
        return self._region_cache[key]

    def _shifted(
        self,
        values: dict[str, object],
        row_number: int,
        found: int,
        carried: bool,
        block: tuple[_Block, _Block],
    ) -> None:
        """Quarantine a CSV row with more or fewer fields than the header (`field_count`).

        Any of its columns may hold a name, a phone number or an e-mail, so the quarantine shows
        every value as removed; its counts are unknown to the subtotals that cover it.
        """
        raw = {name: _raw_text(values.get(name)) for name in (*IDENTITY_COLUMNS, *COUNT_COLUMNS)}
        self.raw_rows.append({
            "source_file": self.path.name, "source_sheet": self.sheet.name,
            "source_row": row_number, "is_company_carried_forward": carried, **raw,
        })  # fmt: skip
        for part in block:
            part.add({}, row_number, None)
        detail = field_count_detail(found, len(self.header.labels))
        self.quarantine.append(problems_record(
            SOURCE, self.path.name, row_number, [("*", "field_count", detail)],
            {"sheet": self.sheet.name, **raw}, self.column_order,
            place=f"{self.where} row {row_number}", personal=tuple(raw),
        ))  # fmt: skip

    def _detail(
        self,
        values: dict[str, object],
        row_number: int,
        carried: bool,
        block: tuple[_Block, _Block],
    ) -> None:
        raw = {name: _raw_text(values.get(name)) for name in (*IDENTITY_COLUMNS, *COUNT_COLUMNS)}
        self.raw_rows.append({
            "source_file": self.path.name, "source_sheet": self.sheet.name,
            "source_row": row_number, "is_company_carried_forward": carried, **raw,
        })  # fmt: skip
        problems: list[tuple[str, str, str]] = []
        counts: dict[str, int | None] = {}
        for name in COUNT_COLUMNS:
            try:
                counts[name] = parse_count(values.get(name))
            except ValueError as exc:
                counts[name] = None
                problems.append((name, "unreadable_count", str(exc)))
        region = self._region(values.get("regency_name"), values.get("province_name"))
        for part in block:
            part.add(counts, row_number, region["province_code_kemendagri"])
        dates: dict[str, tuple[dt.date | None, str]] = {}
        for name in ("founded_date", "reported_date"):
            try:
                dates[name] = parse_date(values.get(name))
            except DateParseError as exc:
                dates[name] = (None, "unreadable")
                problems.append((name, "unreadable_date", str(exc)))
        for name in ("company_name", "jabatan_title"):
            if clean_text(values.get(name)) is None:
                problems.append((name, f"missing_{name}", f"no {name.replace('_', ' ')}"))
        if dates["reported_date"][1] == "empty":
            problems.append(("reported_date", "missing_reported_date", "no reporting date"))
        if all(counts[name] is not None for name in (*WORKER_PARTS, "workers_total")):
            parts = sum(counts[name] for name in WORKER_PARTS)  # type: ignore[misc]
            if parts != counts["workers_total"]:
                problems.append((
                    "workers_total", "row_total_mismatch",
                    f"Jumlah Tenaga Kerja {counts['workers_total']} but its parts sum to {parts}",
                ))  # fmt: skip
        if problems:
            # A sheet row, so named by sheet and row rather than by file line.
            self.quarantine.append(problems_record(
                SOURCE, self.path.name, row_number, problems, {"sheet": self.sheet.name, **raw},
                self.column_order, place=f"{self.where} row {row_number}",
                personal=PERSONAL_COLUMNS,
            ))  # fmt: skip
            return
        kbli = _kbli_text(values.get("kbli_code"))
        reported, reported_as = dates["reported_date"]
        founded, founded_as = dates["founded_date"]
        self.staging_rows.append({
            "report_period": self.period or (reported.replace(day=1) if reported else None),
            "source_file": self.path.name,
            "source_sheet": self.sheet.name,
            "source_row": row_number,
            "wlkp_company_id": clean_text(_raw_text(values.get("wlkp_company_id"))),
            "company_name": clean_text(values.get("company_name")),
            "nib": clean_text(_raw_text(values.get("nib"))),
            "kbli_code": kbli,
            "is_kbli_valid": kbli in self.kbli_codes,
            "capital_status": clean_text(values.get("capital_status")),
            "company_address": clean_text(values.get("company_address")),
            "regency_name": clean_text(values.get("regency_name")),
            "province_name": clean_text(values.get("province_name")),
            **region,
            "founded_date": founded,
            "founded_date_typed_as": founded_as,
            "reported_date": reported,
            "reported_date_typed_as": reported_as,
            "jabatan_title": clean_text(values.get("jabatan_title")),
            "kbji4": None,
            "is_occupation_coded": False,
            **counts,
        })  # fmt: skip


def _raw_schema() -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {
        "source_file": pl.String(),
        "source_sheet": pl.String(),
        "source_row": pl.Int64(),
        "is_company_carried_forward": pl.Boolean(),
    }
    schema.update({name: pl.String() for name in (*IDENTITY_COLUMNS, *COUNT_COLUMNS)})
    return schema


def read_wlkp_export(
    path: Path,
    *,
    encoding: str = "auto",
    on_total_mismatch: Literal["raise", "report"] = "raise",
    index: RegionIndex | None = None,
    kbli_codes: frozenset[str] | None = None,
) -> AdminLoad:
    """Read one WLKP export (every sheet that has a WLKP header) into an `AdminLoad`.

    Raises `AdminSourceError` for an unreadable file, no header, or missing required columns, and
    `TotalMismatchError` when a subtotal or total disagrees with its detail rows (unless
    `on_total_mismatch="report"`).
    """
    started = time.perf_counter()
    index = index or region_index()
    kbli_codes = kbli_codes if kbli_codes is not None else _kbli_codes()
    sheets, file_info = _read_sheets(path, encoding)
    readers: list[_SheetReader] = []
    skipped: list[str] = []
    for sheet in sheets:
        where = f"{path.name} sheet '{sheet.name}'"
        header = find_header(sheet.rows, where)
        if header is None:
            skipped.append(sheet.name)
            continue
        missing = [name for name in REQUIRED_COLUMNS if name not in header.columns]
        if missing:
            expected = ", ".join(
                f"{name} ({' / '.join(p for p in HEADER_LABELS[name] if p)})" for name in missing
            )
            raise AdminSourceError(
                f"{where}: the header at row {header.row} lacks required column(s) {expected}; "
                f"found: {', '.join(label for label in header.labels if label)}"
            )
        if header.unmapped:
            log.warning("%s: column(s) not in the WLKP layout, ignored: %s", where,
                        ", ".join(header.unmapped))  # fmt: skip
        reader = _SheetReader(path, sheet, header, index, kbli_codes)
        reader.read()
        readers.append(reader)
    if not readers:
        raise AdminSourceError(
            f"{path}: no WLKP header row in the first {HEADER_SEARCH_ROWS} rows of any sheet "
            f"({', '.join(s.name for s in sheets)}); expected labels such as 'Nama Perusahaan', "
            "'Jabatan', 'Tenaga Kerja PKWTT'"
        )
    mismatches = [m for r in readers for m in r.mismatches]
    if mismatches and on_total_mismatch == "raise":
        shown = "\n  ".join(mismatches[:MISMATCHES_IN_MESSAGE])
        more = len(mismatches) - MISMATCHES_IN_MESSAGE
        raise TotalMismatchError(
            f"{path.name}: {len(mismatches)} total(s) do not add up:\n  {shown}"
            + (f"\n  … and {more} more" if more > 0 else "")
        )
    staging = pl.DataFrame([r for s in readers for r in s.staging_rows], schema=STAGING_SCHEMA)
    raw = pl.DataFrame([r for s in readers for r in s.raw_rows], schema=_raw_schema())
    quarantine = quarantine_frame([q for s in readers for q in s.quarantine])
    seconds = time.perf_counter() - started
    counts = {k: sum(r.counts[k] for r in readers) for k in readers[0].counts}
    metadata: dict[str, Any] = {
        "source_file": path.name,
        **file_info,
        "rows_in": counts["detail"],
        "row_kinds": counts,
        "sheets": [
            {
                "sheet": r.sheet.name,
                "header_row": r.header.row,
                "header_depth": r.header.depth,
                "column_order": sorted(r.header.columns, key=r.header.columns.__getitem__),
                "unmapped_columns": r.header.unmapped,
                "title_lines": r.title_lines,
                "notes": r.notes,
                "report_period": r.period.isoformat() if r.period else None,
            }
            for r in readers
        ],
        "sheets_without_header": skipped,
        "is_synthetic": any(
            "SINTETIS" in line.upper() for r in readers for line in (*r.title_lines, *r.notes)
        ),
        "total_mismatches": mismatches,
        "totals_reconciled": counts["subtotal"] + counts["grand_total"],
        "regions_resolved": int(staging["is_region_resolved"].sum()),
        "personal_data_columns": list(PERSONAL_COLUMNS),
        "seconds": round(seconds, 3),
        "rows_per_second": round(counts["detail"] / seconds) if seconds else None,
    }
    load = AdminLoad(SOURCE, raw, staging, quarantine, metadata)
    load.check_accounting()
    log.info(
        "%s: %d detail rows (%d loaded, %d quarantined), %d subtotal and %d total rows "
        "reconciled and dropped, %d note rows kept as metadata, %.0f rows/s",
        path.name, counts["detail"], load.rows_loaded, load.rows_quarantined,
        counts["subtotal"], counts["grand_total"], counts["note"],
        metadata["rows_per_second"] or 0,
    )  # fmt: skip
    return load


def read_wlkp_exports(paths: Iterable[Path], **options: Any) -> AdminLoad:
    """Read several exports (e.g. one per month) into one `AdminLoad`; columns are matched by
    meaning, so months whose columns come in another order stack cleanly."""
    index = options.pop("index", None) or region_index()
    kbli_codes = options.pop("kbli_codes", None) or _kbli_codes()
    loads = [
        read_wlkp_export(path, index=index, kbli_codes=kbli_codes, **options)
        for path in sorted(paths)
    ]
    return concat_loads(SOURCE, loads)


def iter_export_paths(folder: Path) -> Iterator[Path]:
    """The WLKP export files of a folder (xlsx and csv), in name order."""
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in {".xlsx", ".csv"} and not path.name.startswith("~$"):
            yield path
