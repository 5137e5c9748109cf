"""MagangHub (Kemnaker national internship programme) positions, batch 1, October 2025.

The export is a CSV whose `perusahaan`, `jadwal`, `program`, `ref_status_posisi`, `jenjang` and
`program_studi` columns hold JSON. Company region codes are Kemendagri codes (the file has the
2022 Papua provinces 94 and 96); three positions of one company have no region at all, and their
regency is taken from the company address (`region_match_method = 'address_text'`).
`kode_kbji` exists but is empty in every row, so titles land uncoded like Karirhub's.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from ingest.admin.personal_data import mask_personal_data
from ingest.admin.regions import RESOLUTION_COLUMNS, RegionIndex, region_index
from ingest.admin.results import (
    AdminLoad,
    AdminSourceError,
    problems_record,
    quarantine_frame,
    region_figures,
)
from ingest.admin.text import clean_text
from ingest.csv_records import CsvInputError, read_records
from ingest.quarantine import ID_DUPLICATED, IdClaims, field_count_detail
from orchestration.settings import DATA_DIR, TIMEZONE

log = logging.getLogger(__name__)

POSITIONS_FILE = DATA_DIR / "real" / "maganghub-2025-10" / "maganghub_positions_2025-10.csv.gz"
SOURCE = "maganghub_positions"
REQUIRED_COLUMNS = ("id_posisi", "posisi", "jumlah_kuota", "jumlah_terdaftar", "perusahaan")
JAKARTA = ZoneInfo(TIMEZONE)

POSITION_SCHEMA: dict[str, pl.DataType] = {
    "position_id": pl.String(),
    "source": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "vacancy_title": pl.String(),
    "kbji4": pl.String(),
    "is_occupation_coded": pl.Boolean(),
    "kbji_code_stated": pl.String(),
    "description_text": pl.String(),
    "position_status": pl.String(),
    "quota": pl.Int64(),
    "registered_applicants": pl.Int64(),
    "applicants_per_place": pl.Float64(),
    "created_at": pl.Datetime("us", "UTC"),
    "updated_at": pl.Datetime("us", "UTC"),
    "required_sex_id": pl.String(),
    "required_physical_condition_id": pl.String(),
    "min_age": pl.Int64(),
    "max_age": pl.Int64(),
    "accepted_education_levels": pl.List(pl.String()),
    "accepted_study_programmes": pl.List(pl.String()),
    "programme_batch": pl.String(),
    "registration_start_date": pl.Date(),
    "registration_end_date": pl.Date(),
    "internship_start_date": pl.Date(),
    "internship_end_date": pl.Date(),
    "program_id": pl.String(),
    "company_id": pl.String(),
    "company_name": pl.String(),
    "has_wlkp_company_profile": pl.Boolean(),
    "region_name": pl.String(),
    **RESOLUTION_COLUMNS,
}


Problem = tuple[str, str, str]
"""(field, reason code, detail) of one quarantine problem."""


def _json(value: str | None, kind: type) -> Any:
    """The JSON in a column (a `kind`: dict or list), or None when the column is empty."""
    if value is None or value.strip() == "":
        return None
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from exc
    if parsed is not None and not isinstance(parsed, kind):
        raise ValueError(f"JSON {type(parsed).__name__}, not a JSON {kind.__name__}")
    return parsed


def _whole(value: str | None) -> int | None:
    text = (value or "").strip()
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not number.is_integer() or number < 0:
        raise ValueError(f"{value!r} is not a non-negative whole number")
    return int(number)


def _timestamp(value: str | None) -> dt.datetime | None:
    """MagangHub timestamps are WIB wall-clock time, like the rest of SIAPkerja."""
    text = (value or "").strip()
    if not text:
        return None
    return dt.datetime.fromisoformat(text).replace(tzinfo=JAKARTA).astimezone(dt.UTC)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _titles(value: str | None) -> list[str]:
    """The `title` of every entry of a JSON list of {value, title} (`jenjang`, `program_studi`)."""
    return [entry["title"] for entry in _json(value, list) or [] if entry.get("title")]


def _schedule(value: str | None) -> dict[str, Any]:
    schedule = _json(value, dict) or {}
    return {
        "programme_batch": schedule.get("angkatan"),
        "registration_start_date": _day(schedule.get("tanggal_pendaftaran_awal")),
        "registration_end_date": _day(schedule.get("tanggal_pendaftaran_akhir")),
        "internship_start_date": _day(schedule.get("tanggal_mulai")),
        "internship_end_date": _day(schedule.get("tanggal_selesai")),
    }


def _status(value: str | None) -> str | None:
    return (_json(value, dict) or {}).get("nama_status_posisi")


# Each column that needs more than cleaning, with its parser. Every column is parsed on its own,
# so a row's quarantine entry lists all its bad columns, not only the first.
PARSERS: dict[str, Callable[[str | None], Any]] = {
    "perusahaan": lambda value: _json(value, dict) or {},
    "jadwal": _schedule,
    "ref_status_posisi": _status,
    "jenjang": lambda value: sorted(set(_titles(value))),
    "program_studi": _titles,
    "jumlah_kuota": _whole,
    "jumlah_terdaftar": _whole,
    "usia_minimal": _whole,
    "usia_maksimal": _whole,
    "created_at": _timestamp,
    "updated_at": _timestamp,
}


DATE_COLUMNS = frozenset({"created_at", "updated_at"})
"""Columns of `PARSERS` holding a date and time: a value that is none is `invalid_date`."""


def _parsed_columns(row: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """The parsed value of every column of `PARSERS`, and a problem for each that failed."""
    parsed: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, parse in PARSERS.items():
        try:
            parsed[column] = parse(row.get(column))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # A timestamp that is no calendar date and time is `invalid_date`, as in every
            # landing (README, "Bad input"); another value of the wrong kind is unparseable.
            code = "invalid_date" if column in DATE_COLUMNS else "unparseable_field"
            problems.append((column, code, str(exc) or type(exc).__name__))
    return parsed, problems


def position_from_row(
    row: dict[str, str], index: RegionIndex
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """(one staging row, []) or (None, a problem for every column that cannot be used)."""
    parsed, problems = _parsed_columns(row)
    if problems:
        return None, problems
    company = parsed["perusahaan"]
    try:
        if company.get("kode_kabupaten"):
            match = index.by_code(company["kode_kabupaten"], company.get("nama_kabupaten"))
        else:
            match = index.from_address(company.get("alamat"))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return None, [("perusahaan", "unparseable_field", f"region: {exc}")]
    quota, applicants = parsed["jumlah_kuota"], parsed["jumlah_terdaftar"]
    return {
        "position_id": row["id_posisi"],
        "vacancy_title": clean_text(row["posisi"]),
        "kbji4": None,
        "is_occupation_coded": False,
        "kbji_code_stated": clean_text(row.get("kode_kbji")),
        "description_text": mask_personal_data(clean_text(row.get("deskripsi_posisi"))),
        "position_status": parsed["ref_status_posisi"],
        "quota": quota,
        "registered_applicants": applicants,
        "applicants_per_place": applicants / quota if quota and applicants is not None else None,
        "created_at": parsed["created_at"],
        "updated_at": parsed["updated_at"],
        "required_sex_id": clean_text(row.get("id_jenis_kelamin")),
        "required_physical_condition_id": clean_text(row.get("id_kondisi_fisik")),
        "min_age": parsed["usia_minimal"],
        "max_age": parsed["usia_maksimal"],
        "accepted_education_levels": parsed["jenjang"],
        "accepted_study_programmes": parsed["program_studi"],
        **parsed["jadwal"],
        "program_id": clean_text(row.get("id_program")),
        "company_id": company.get("id_perusahaan"),
        "company_name": clean_text(company.get("nama_perusahaan")),
        "has_wlkp_company_profile": "wlkp" in (company.get("logo") or ""),
        "region_name": company.get("nama_kabupaten") or company.get("alamat"),
        **match.as_columns(),
    }, []


def _row_problems(row: dict[str, str], values: list[str], fieldnames: list[str]) -> list[Problem]:
    """The problems of the row as a whole: its shape (which stands alone) and a missing id (a
    repeated one is judged once the row's other problems are known, `IdClaims`)."""
    if len(values) != len(fieldnames):
        return [("*", "field_count", field_count_detail(len(values), len(fieldnames)))]
    position_id = (row.get("id_posisi") or "").strip()
    if not position_id:
        return [("id_posisi", "missing_id", "no id_posisi")]
    return []


def read_maganghub_positions(
    path: Path = POSITIONS_FILE, index: RegionIndex | None = None
) -> AdminLoad:
    """Read the MagangHub positions CSV (optionally gzipped) into an `AdminLoad`."""
    index = index or region_index()
    try:
        records = read_records(path)
        _, fieldnames = next(records)
        missing = [c for c in REQUIRED_COLUMNS if c not in fieldnames]
        if missing:
            raise AdminSourceError(f"{path}: header lacks column(s) {', '.join(missing)}")
        raw_rows, rows, quarantine = [], [], []
        claims = IdClaims()
        # Rows are numbered by the file line they start on (header = line 1), as every landing
        # numbers them: a description with a line break makes a row span several lines.
        for line, values in records:
            row = dict(zip(fieldnames, values, strict=False))
            raw_rows.append({"source_file": path.name, "source_row": line, **row})
            problems = _row_problems(row, values, fieldnames)
            staged = None
            # A row of the wrong shape has no columns to judge one by one.
            if not problems or problems[0][1] != "field_count":
                staged, column_problems = position_from_row(row, index)
                problems += column_problems
                # The first otherwise loadable row of an id claims it; a later one is repeated.
                detail = claims.judge(row.get("id_posisi"), line, otherwise_loadable=not problems)
                if detail is not None:
                    problems.append(("id_posisi", ID_DUPLICATED, detail))
            if problems:
                quarantine.append(problems_record(
                    SOURCE, path.name, line, problems, row, fieldnames))  # fmt: skip
                continue
            rows.append({**staged, "source": "maganghub", "source_file": path.name,
                         "source_row": line})  # fmt: skip
    except CsvInputError as exc:
        raise AdminSourceError(str(exc)) from exc
    staging = pl.DataFrame(rows, schema=POSITION_SCHEMA)
    metadata = {
        "source_file": path.name,
        "rows_in": len(raw_rows),
        "columns": list(fieldnames),
        # Counted again on the rows loaded when the load is made (`AdminLoad`).
        **region_figures(staging),
        "personal_data_columns": [],
    }
    raw_schema = {"source_file": pl.String(), "source_row": pl.Int64()}
    raw_schema.update({c: pl.String() for c in fieldnames})
    raw = pl.DataFrame(raw_rows, schema=raw_schema)
    load = AdminLoad(SOURCE, raw, staging, quarantine_frame(quarantine), metadata)
    load.check_accounting()
    log.info(
        "%s: %d of %d positions resolved to a regency (%s)",
        path.name, load.metadata["regions_resolved"], load.rows_loaded,
        load.metadata["region_match_methods"],
    )  # fmt: skip
    load.log_summary()
    return load
