"""Quarantined admin rows keep no personal value in clear, in the reader or in the warehouse.

Regression: the quarantine of the AK1 register held the whole input record, religion included,
and the reason of an unreadable birth date quoted the date. Staging drops these fields; the
quarantine must not keep them either, while its reason still names the field and the line.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import duckdb

from ingest.admin.ak1 import JOB_SEEKER_COLUMNS, read_ak1_job_seekers
from ingest.admin.karirhub import read_karirhub_details
from ingest.admin.landing import admin_source, land_admin_source
from ingest.admin.pseudonymise import load_pseudonym_key
from ingest.admin.regions import region_index
from ingest.admin.results import REMOVED
from ingest.warehouse import write_landing
from orchestration.settings import DATA_DIR

KEY = load_pseudonym_key({})
GOOD = {
    "registration_number": "AK1/3171/202503/000001",
    "nik": "3171015003950002",
    "full_name": "Bagus Prasetyo",
    "birth_place": "Desa Lereng Sunyi",
    "birth_date": "10/03/1995",
    "sex": "Laki-laki",
    "marital_status": "Belum Kawin",
    "religion": "Aliran Kepercayaan Sapta Darma",
    "address": "Jl. Cendana Senyap No. 3 RT 001/RW 002",
    "regency_name": "KOTA ADMINISTRASI JAKARTA SELATAN",
    "province_name": "DKI JAKARTA",
    "phone": "0813-0000-4321",
    "email": "bagus.prasetyo417@example.org",
    "education_level": "SMA/SMK",
    "education_major": "IPA",
    "graduation_year": "2013",
    "skills": "Microsoft Office",
    "desired_jabatan": "Staf Administrasi",
    "desired_location": "Bebas",
    "disability": "",
    "registered_date": "05/03/2025",
    "valid_until_date": "05/03/2027",
    "register_status": "Aktif",
}
# Two bad rows: an impossible birth date (a personal field itself), and a NIK a digit short.
BAD_DATE = GOOD | {
    "registration_number": "AK1/3171/202503/000002",
    "nik": "3171234509870001",
    "full_name": "Wulandari Sekarlangit",
    "birth_place": "Kampung Rahasia Hening",
    "birth_date": "31/02/1990",
    "religion": "Kepercayaan Terhadap Tuhan YME",
    "address": "Jl. Kenari Tersembunyi No. 7 RT 004/RW 009",
    "phone": "0812-0000-5678",
    "email": "wulan.sekarlangit88@example.org",
}
BAD_NIK = GOOD | {
    "registration_number": "AK1/3171/202503/000003",
    "nik": "317109120489000",
    "full_name": "Yohanes Matulessy",
    "birth_place": "Negeri Batu Merah Sepi",
    "birth_date": "12/04/1989",
    "religion": "Parmalim Ugamo Malim",
    "address": "Gg. Teratai Sunyi No. 12",
    "phone": "+62 857-0000-2468",
    "email": "yohanes.matulessy5@example.com",
}
PERSONAL = (
    "registration_number", "nik", "full_name", "birth_place", "birth_date", "religion",
    "address", "phone", "email",
)  # fmt: skip


def _register(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([label for _, label in JOB_SEEKER_COLUMNS])
        for row in (GOOD, BAD_DATE, BAD_NIK):
            writer.writerow([row[name] for name, _ in JOB_SEEKER_COLUMNS])
    return path


def _planted() -> list[str]:
    values = [row[name] for row in (GOOD, BAD_DATE, BAD_NIK) for name in PERSONAL]
    # A phone number is also looked for as its bare digits, as a masker might have left it.
    values += ["".join(c for c in row["phone"] if c.isdigit()) for row in (GOOD, BAD_DATE, BAD_NIK)]
    return values


def _warehouse_text(path: Path) -> str:
    """Every value of every table of every schema, as text."""
    parts = []
    with duckdb.connect(str(path), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2"
        ).fetchall()
        for schema, name in relations:
            rows = con.execute(f'select * from "{schema}"."{name}"').fetchall()
            parts.append(json.dumps(rows, ensure_ascii=False, default=str))
    return "\n".join(parts)


def test_a_bad_ak1_row_lands_in_quarantine_without_personal_values(tmp_path) -> None:
    path = _register(tmp_path / "ak1_pencari_kerja_synthetic_test.csv")
    source = admin_source("ak1_job_seekers")
    load, result = land_admin_source(source, DATA_DIR, paths=[path], index=region_index(), key=KEY)
    assert (load.rows_in, load.rows_loaded, load.rows_quarantined) == (3, 1, 2)
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        write_landing(con, source, result, "run-1")
        quarantine = con.execute(
            "select source_row, field, reason_code, reason, raw_record from raw.quarantine "
            "order by source_row"
        ).fetchall()
    name = path.name
    (line_3, field_3, code_3, reason_3, raw_3), (line_4, field_4, code_4, reason_4, _) = quarantine
    assert (line_3, field_3, code_3) == (3, "birth_date", "unreadable_date")
    assert reason_3.startswith(f"{name} line 3 field birth_date: ")
    assert (line_4, field_4, code_4) == (4, "nik", "nik_invalid")
    assert reason_4 == f"{name} line 4 field nik: NIK has 15 digits, not 16"
    shown = json.loads(raw_3)
    assert {shown[name] for name in ("full_name", "religion", "phone", "birth_date")} == {REMOVED}
    # What is no personal data stays, so the row can still be judged.
    assert shown["education_level"] == "SMA/SMK" and shown["registered_date"] == "05/03/2025"
    text = _warehouse_text(warehouse)
    assert "raw.quarantine" not in text  # the scan reads values, not only names
    assert "unreadable_date" in text and "Staf Administrasi" in text
    found = [value for value in _planted() if value in text]
    assert found == []


def test_the_reader_quarantine_holds_no_personal_value_either(tmp_path) -> None:
    load = read_ak1_job_seekers(_register(tmp_path / "register.csv"), KEY)
    text = json.dumps(load.quarantine.rows(), ensure_ascii=False)
    assert [value for value in _planted() if value in text] == []


def test_a_karirhub_body_in_quarantine_has_its_contact_fields_removed(tmp_path) -> None:
    body = {
        "data": {
            "title": "Operator Produksi",
            "employer": {
                "name": "PT Contoh Sentosa",
                "employerable": {
                    "email": "rekrut.sentosa@example.org",
                    "phone": "0812-0000-9753",
                    "address": "Jl. Industri Hening No. 9",
                    "website": "www.contoh.example",
                },
            },
        }
    }
    path = tmp_path / "details.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(body) + "\n")
    load = read_karirhub_details(path, region_index())
    [row] = load.quarantine.iter_rows(named=True)
    assert (row["field"], row["reason_code"]) == ("data.id", "missing_id")
    employer = json.loads(row["raw_record"])["line"]["data"]["employer"]["employerable"]
    assert employer == {
        "email": REMOVED, "phone": REMOVED, "address": REMOVED, "website": "www.contoh.example"
    }  # fmt: skip


def test_a_karirhub_line_that_is_no_json_has_its_contact_fields_removed(tmp_path) -> None:
    line = (
        '{"data": {"id": "v-1", "employer": {"employerable": {"email": "hrd.sentosa@example.org",'
        ' "phone": "0812-0000-9753", "address": "Jl. Industri Hening No. 9", "name": "PT C"'
    )
    path = tmp_path / "details.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(line + "\n")
    [row] = read_karirhub_details(path, region_index()).quarantine.iter_rows(named=True)
    assert (row["field"], row["reason_code"]) == ("*", "invalid_json")
    shown = json.loads(row["raw_record"])["line"]
    assert shown == (
        '{"data": {"id": "v-1", "employer": {"employerable": {"email": "[removed]", '
        '"phone": "[removed]", "address": "[removed]", "name": "PT C"'
    )
