"""Quarantined admin rows keep no personal value in clear, in the reader or in the warehouse.

Regression: the quarantine of the AK1 register held the whole input record, religion included,
and the reason of an unreadable birth date quoted the date. Staging drops these fields; the
quarantine must not keep them either, while its reason still names the field and the line.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from pathlib import Path

import duckdb
import polars as pl

from ingest.admin.ak1 import JOB_SEEKER_COLUMNS, read_ak1_job_seekers
from ingest.admin.karirhub import read_karirhub_details
from ingest.admin.landing import admin_source, land_admin_source
from ingest.admin.pseudonymise import load_pseudonym_key
from ingest.admin.regions import region_index
from ingest.admin.results import REMOVED
from ingest.admin.wlkp_read import read_wlkp_export
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


def _karirhub_quarantine(tmp_path: Path, lines: list[str]) -> list[dict]:
    """The quarantine of a detail-API export of `lines`."""
    path = tmp_path / "details.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)
    return list(read_karirhub_details(path, region_index()).quarantine.iter_rows(named=True))


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
    [row] = _karirhub_quarantine(tmp_path, [line])
    assert (row["field"], row["reason_code"]) == ("*", "invalid_json")
    shown = json.loads(row["raw_record"])["line"]
    assert shown == (
        '{"data": {"id": "v-1", "employer": {"employerable": {"email": "[removed]", '
        '"phone": "[removed]", "address": "[removed]", "name": "PT C"'
    )


def test_an_ak1_row_shifted_by_an_unquoted_comma_keeps_no_value_in_clear(tmp_path) -> None:
    """Regression: an unquoted comma in a name shifted the later values, so the address showed
    under regency_name and the e-mail under education_level in quarantine."""
    path = _register(tmp_path / "ak1_pencari_kerja_synthetic_test.csv")
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
    lines[2] = lines[2].replace("Wulandari Sekarlangit", "Wulandari, Sekarlangit")
    path.write_text("".join(lines), encoding="utf-8")
    load = read_ak1_job_seekers(path, KEY)
    assert (load.rows_in, load.rows_loaded, load.rows_quarantined) == (3, 1, 2)
    shifted = load.quarantine.row(by_predicate=pl.col("source_row") == 3, named=True)
    assert (shifted["field"], shifted["reason_code"]) == ("*", "field_count")
    header = len(JOB_SEEKER_COLUMNS)
    assert (
        shifted["reason"]
        == f"{path.name} line 3 field *: {header + 1} fields, the header has {header}"
    )
    shown = json.loads(shifted["raw_record"])
    assert {value for value in shown.values() if value is not None} == {REMOVED}
    text = json.dumps(load.quarantine.rows(), ensure_ascii=False)
    assert [value for value in _planted() + ["Sekarlangit"] if value in text] == []


def test_an_unknown_month_word_of_a_birth_date_is_not_quoted(tmp_path) -> None:
    """Regression: the date parser quotes the month word on its own, which the removal of the
    whole value left in the reason."""
    path = tmp_path / "register.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([label for _, label in JOB_SEEKER_COLUMNS])
        row = BAD_DATE | {"birth_date": "12 Rahasiabulan 1990"}
        writer.writerow([row[name] for name, _ in JOB_SEEKER_COLUMNS])
    [shown] = read_ak1_job_seekers(path, KEY).quarantine.iter_rows(named=True)
    assert (shown["field"], shown["reason_code"]) == ("birth_date", "unreadable_date")
    assert "Rahasiabulan" not in json.dumps(shown) and "1990" not in shown["reason"]
    assert shown["reason"].startswith(f"{path.name} line 2 field birth_date: {REMOVED}")


def test_a_wlkp_row_shifted_by_a_delimiter_in_a_name_keeps_no_value_in_clear(tmp_path) -> None:
    """Regression: a ';' in Nama Pimpinan shifted the e-mail into founded_date, whose reason
    quoted it, and the rows carrying the company forward repeated it."""
    shipped = DATA_DIR / "synthetic" / "wlkp" / "wlkp_synthetic_2025-02.csv"
    lines = shipped.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if re.match(r"\d+;\d{4}\.", line))
    fields = lines[index].split(";")
    email = fields[11]
    fields[9] += "; SE"
    lines[index] = ";".join(fields)
    path = tmp_path / shipped.name
    path.write_text("".join(lines), encoding="utf-8")
    load = read_wlkp_export(path)
    shifted = load.quarantine.filter(pl.col("reason_code") == "field_count")
    assert shifted.height == 1
    assert json.loads(shifted["raw_record"][0]).get("company_email") == REMOVED
    assert {v for k, v in json.loads(shifted["raw_record"][0]).items() if k != "sheet"} <= {
        REMOVED, None
    }  # fmt: skip
    text = json.dumps(load.quarantine.rows(), ensure_ascii=False)
    assert "@" in email and email not in text and fields[9] not in text
    load.check_accounting()


def test_a_karirhub_line_cut_inside_the_address_keeps_no_address(tmp_path) -> None:
    """Regression: a value was only removed up to its closing quote, so a line cut inside it
    kept the address."""
    line = (
        '{"data": {"id": "v-1", "employer": {"name": "PT C", "phone": 6281200009753, '
        '"address": "Jl. Industri Hening No. 9, RT 001'
    )
    [row] = _karirhub_quarantine(tmp_path, [line])
    shown = json.loads(row["raw_record"])["line"]
    assert shown == (
        '{"data": {"id": "v-1", "employer": {"name": "PT C", "phone": "[removed]", '
        '"address": "[removed]"'
    )


def test_a_karirhub_contact_person_is_removed_from_quarantine(tmp_path) -> None:
    """Any key naming a person or a contact is removed, not only e-mail, phone and address."""
    employer = {
        "name": "PT Contoh Sentosa",
        "contact_person": "Ibu Ratna Kusumawardani",
        "pic_name": "Pak Darmawan Sepi",
        "nama_kontak": "Sri Lestari Hening",
        "picPhone": "0812-0000-1357",
        "website": "www.contoh.example",
    }
    rows = _karirhub_quarantine(
        tmp_path,
        [
            json.dumps({"data": {"title": "Kasir", "employer": employer}}),
            json.dumps({"data": {"id": "v-2", "employer": employer}})[:-3],
        ],
    )
    assert [row["reason_code"] for row in rows] == ["missing_id", "invalid_json"]
    shown = json.loads(rows[0]["raw_record"])["line"]["data"]["employer"]
    assert shown == {
        "name": "PT Contoh Sentosa", "contact_person": REMOVED, "pic_name": REMOVED,
        "nama_kontak": REMOVED, "picPhone": REMOVED, "website": "www.contoh.example",
    }  # fmt: skip
    text = json.dumps(rows, ensure_ascii=False)
    assert [v for k, v in employer.items() if k not in ("name", "website") and v in text] == []
