"""A NIK, phone number or e-mail typed into any free-text field of an admin source is masked.

Regression: only vacancy descriptions and qualifications were masked, so a NIK in an AK1
skill or major, a phone number in a desired jabatan, a placement's employer name, a WLKP
jabatan or a Karirhub title reached staging (and the warehouse) in clear; and the quarantine
that `lmis admin load --out` writes was not masked at all, while the warehouse landing masked
its copy. Each reader gets a crafted row with the three kinds in each free-text field, and one
row it quarantines with them in its record.
"""

from __future__ import annotations

import csv
import gzip
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from ingest.admin.ak1 import (
    JOB_SEEKER_COLUMNS,
    PLACEMENT_COLUMNS,
    read_ak1_job_seekers,
    read_ak1_placements,
)
from ingest.admin.karirhub import DETAILS_FILE, read_karirhub_details
from ingest.admin.maganghub import POSITIONS_FILE, read_maganghub_positions
from ingest.admin.personal_data import (
    CANDIDATE_PATTERN,
    PATTERNS,
    find_personal_data,
    mask_nested,
    mask_personal_data,
    mask_text_columns,
)
from ingest.admin.pseudonymise import load_pseudonym_key, pseudonymise
from ingest.admin.results import NIK_SHAPED_NUMBER, AdminLoad, quarantine_frame
from ingest.admin.wlkp_generate import generate_wlkp_rows, write_wlkp_export
from ingest.admin.wlkp_read import read_wlkp_export
from orchestration.cli import main

KEY = load_pseudonym_key({})
NIK = "3172040801054263"
PHONE = "0812-3456-7890"
EMAIL = "budi.santoso@example.org"
PLANTED = f"Hub. {PHONE} / {EMAIL} NIK {NIK}"
MASKED = "Hub. [phone] / [email] NIK [nik]"


def _clear(load: AdminLoad) -> list:
    """Every personal value found in clear in the staging and quarantine frames of `load`."""
    return find_personal_data(load.staging, "staging") + find_personal_data(
        load.quarantine, "quarantine"
    )


def _in_clear_in_parquet(folder: Path) -> list:
    written = sorted(folder.glob("*.parquet"))
    assert written
    return [hit for path in written for hit in find_personal_data(pl.read_parquet(path), path.name)]


def _write_ak1(path: Path, columns, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([label for _, label in columns])
        writer.writerows([row.get(name, "") for name, _ in columns] for row in rows)
    return path


SEEKER = {
    "registration_number": "AK1/3171/202503/000001",
    "nik": "3171015003950002",
    "full_name": "Bagus Prasetyo",
    "birth_place": "Jakarta",
    "birth_date": "10/03/1995",
    "sex": "Laki-laki",
    "marital_status": "Belum Kawin",
    "religion": "Islam",
    "address": "Jl. Cendana No. 3",
    "regency_name": "KOTA ADMINISTRASI JAKARTA SELATAN",
    "province_name": "DKI JAKARTA",
    "phone": "0813-0000-4321",
    "email": "bagus@example.org",
    "education_level": "SMA",
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
SEEKER_FREE_TEXT = (
    "marital_status", "education_level", "education_major", "desired_jabatan",
    "desired_location", "disability", "register_status",
)  # fmt: skip
PLACEMENT = {
    "registration_number": "AK1/3171/202503/000001",
    "nik": "3171015003950002",
    "full_name": "Bagus Prasetyo",
    "placement_date": "13/03/2025",
    "employer_name": "PT Prima Tekstil",
    "wlkp_company_id": "3171.2021.000477",
    "jabatan_title": "Staf",
    "regency_name": "KOTA ADMINISTRASI JAKARTA SELATAN",
    "province_name": "DKI JAKARTA",
    "placement_kind": "AKL",
    "destination_country": "",
    "vacancy_source": "Disnaker",
    "wage_monthly": "2850000",
}
PLACEMENT_FREE_TEXT = ("employer_name", "jabatan_title", "destination_country", "vacancy_source")


def _ak1_files(folder: Path) -> tuple[Path, Path]:
    """A register and a placement export: row 1 with `PLANTED` in every free-text field (and a
    skill), row 2 quarantined (a NIK a digit short, a wage in words) with `PLANTED` in it too."""
    folder.mkdir()
    staged = SEEKER | dict.fromkeys(SEEKER_FREE_TEXT, PLANTED) | {"skills": f"Las; {PLANTED}"}
    bad = SEEKER | {"registration_number": "AK1/3171/202503/000002", "nik": "317101500395000"}
    register = _write_ak1(
        folder / "ak1_pencari_kerja_test.csv",
        JOB_SEEKER_COLUMNS,
        [staged, bad | {"skills": PLANTED, "desired_jabatan": PLANTED}],
    )
    placed = PLACEMENT | dict.fromkeys(PLACEMENT_FREE_TEXT, PLANTED)
    unpaid = PLACEMENT | {"wage_monthly": "dua juta", "jabatan_title": PLANTED}
    placements = _write_ak1(folder / "ak1_penempatan_test.csv", PLACEMENT_COLUMNS, [placed, unpaid])
    return register, placements


def test_ak1_register_free_text_is_masked_in_staging_and_quarantine(tmp_path) -> None:
    register, _ = _ak1_files(tmp_path / "ak1")
    load = read_ak1_job_seekers(register, KEY)
    assert (load.rows_loaded, load.rows_quarantined) == (1, 1)
    assert _clear(load) == []
    row = load.staging.row(0, named=True)
    # Kept, masked: the field still says what it said, without the contact details.
    assert row["desired_jabatan_title"] == row["education_major"] == MASKED
    assert row["skills"] == ["Las", MASKED]
    assert MASKED in load.quarantine["raw_record"][0]


def test_ak1_placement_free_text_is_masked_in_staging_and_quarantine(tmp_path) -> None:
    _, placements = _ak1_files(tmp_path / "ak1")
    load = read_ak1_placements(placements, KEY)
    assert (load.rows_loaded, load.rows_quarantined) == (1, 1)
    assert _clear(load) == []
    row = load.staging.row(0, named=True)
    assert [row[name] for name in PLACEMENT_FREE_TEXT] == [MASKED] * 4
    assert MASKED in load.quarantine["raw_record"][0]


def test_ak1_out_files_hold_no_personal_value_in_clear(tmp_path) -> None:
    _ak1_files(tmp_path / "ak1")
    out = tmp_path / "out"
    assert main(["admin", "load", "ak1", "--input", str(tmp_path / "ak1"), "--out", str(out)]) == 0
    assert pl.read_parquet(out / "ak1_job_seekers_quarantine.parquet").height == 1
    assert _in_clear_in_parquet(out) == []


def test_wlkp_free_text_is_masked(tmp_path) -> None:
    rows = generate_wlkp_rows(3, months=(1,), seed=7)
    for row in rows:
        row["jabatan_title"] = f"{row['jabatan_title']} {PLANTED}"
        row["company_name"] = f"{row['company_name']} {PLANTED}"
        row["capital_status"] = PLANTED
    path = tmp_path / "wlkp_test_2025-01.csv"
    write_wlkp_export(rows, path, rows[0]["reported_date"].replace(day=1), delimiter=",")
    load = read_wlkp_export(path)
    assert load.rows_loaded == len(rows)
    assert _clear(load) == []
    assert load.staging["jabatan_title"].str.ends_with(MASKED).all()
    assert (load.staging["capital_status"] == MASKED).all()


def _karirhub_file(path: Path) -> Path:
    """A real response with `PLANTED` in its title, employer name, job type and a skill; and a
    copy with a quota in words (quarantined) and `PLANTED` in its title."""
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()
    staged = json.loads(lines[1])
    data = staged["data"]
    data["title"] = f"Operator {PLANTED}"
    data["employer"]["name"] = PLANTED
    data["job_type"]["name"] = PLANTED
    data["skills"][0]["name"] = PLANTED
    bad = json.loads(lines[1])
    bad["data"] |= {"id": "changed-1", "quota": "lots", "title": PLANTED}
    path.write_text(json.dumps(staged) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    return path


def test_karirhub_free_text_is_masked_in_staging_quarantine_and_out_files(tmp_path) -> None:
    path = _karirhub_file(tmp_path / "details.jsonl")
    load = read_karirhub_details(path)
    assert (load.rows_loaded, load.rows_quarantined) == (1, 1)
    assert _clear(load) == []
    row = load.staging.row(0, named=True)
    assert row["vacancy_title"] == f"Operator {MASKED}"
    assert row["employer_name"] == row["job_type_name"] == MASKED
    assert MASKED in row["skills"]
    out = tmp_path / "out"
    assert main(["admin", "load", "karirhub", "--input", str(path), "--out", str(out)]) == 0
    assert _in_clear_in_parquet(out) == []


def test_maganghub_free_text_is_masked(tmp_path) -> None:
    with gzip.open(POSITIONS_FILE, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or ())
        rows = [row for _, row in zip(range(2), reader, strict=False)]
    rows[0] |= {"posisi": f"Admin {PLANTED}", "kode_kbji": PLANTED}
    company = json.loads(rows[0]["perusahaan"])
    company["nama_perusahaan"] = PLANTED
    rows[0]["perusahaan"] = json.dumps(company)
    rows[1] |= {"jumlah_kuota": "banyak", "posisi": PLANTED}
    path = tmp_path / "positions.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    load = read_maganghub_positions(path)
    assert (load.rows_loaded, load.rows_quarantined) == (1, 1)
    assert _clear(load) == []
    assert load.staging["vacancy_title"][0] == f"Admin {MASKED}"


def test_every_text_column_of_any_load_is_masked_but_the_file_name() -> None:
    """The shared step in `AdminLoad`: a column no reader has yet is masked too."""
    staging = pl.DataFrame({
        "source_file": ["ak1_3172040801054263.csv"],
        "new_free_text": [PLANTED],
        "new_list": [["Las", PLANTED]],
        "count": [3],
    })  # fmt: skip
    record = {"source": "s", "source_file": "f", "source_row": 2, "field": "x",
              "reason_code": "c", "reason": f"bad {PHONE!r}", "raw_record": PLANTED}  # fmt: skip
    load = AdminLoad("s", pl.DataFrame(), staging, quarantine_frame([record]), {"rows_in": 2})
    assert load.staging.row(0) == ("ak1_3172040801054263.csv", MASKED, ["Las", MASKED], 3)
    assert load.quarantine.select("reason", "raw_record").row(0) == ("bad '[phone]'", MASKED)


@pytest.mark.parametrize(
    "text",
    [
        PLANTED,
        NIK,
        PHONE,
        EMAIL,
        "+62 812 3456 7890",
        "(021) 555-1234",
        "021-555-1234",
        f"x{NIK}",
        f"{NIK}0",
        f"a-{NIK}-b",
        f"/{PHONE}",
        f"{PHONE}/",
        "6281234567890",
        "9a3fe000-ed34-41b7-ac23-51a940e75203",
        "3171.2021.000477",
        "12/03/2025",
        "08123456789012345678",
        "no digits",
        "",
        "0812 3456 7890\nbaris",
        "3172 0408 1234 0001",
        "NIK.3172.0408.1234.0001.",
        "-3172-0408-1234-0001-",
        "1-3172-0408-1234-0001",
        "3172-0408-1234-0001-1",
        "3172 0408 1234 0001 2",
        "3172.0408 1234-0001",
        "KBJI 2512 2513 2514 2519",
        "1 3172 0408 1234 0001",
        "3172  0408  1234  0001",
        "3172\u00a00408\u00a01234\u00a00001",
        "317204\u00a0\u00a0120390 0001 5",
        "8808  3172 0408 1234 0001",
        "8808     3172 0408 1234 0001",
        "3172 0408 1234 0001  5678",
        "317204-120390-0001-2",
        "2019.317204.120390.0001",
        # JSON escapes before a value, WhatsApp links, spaced dots before a provider, file names.
        "Kontak:\\n0812-3456-7890",
        "NIK:\\t3172040812340001",
        "HRD\\r\\n3172 0408 1234 0001",
        "wa.me/081234567890",
        "https://WA.ME/+62 812-3456-7890",
        "api.whatsapp.com/send?phone=6281234567890&text=Halo",
        "hrd_budi @ gmail . com",
        "hrd_budi@gmail .com",
        "logo@2x.png",
        "a" * 300 + " @",
    ],
)
def test_the_vectorised_filter_finds_what_the_patterns_find(text: str) -> None:
    """`CANDIDATE_PATTERN` (Polars) must find every value a Python pattern finds, or a value
    would skip masking."""
    by_python = any(pattern.search(text) for pattern in PATTERNS.values())
    by_polars = pl.Series([text]).str.contains(CANDIDATE_PATTERN)[0]
    # It may find more (an `@`, grouped digits among further groups), never less.
    assert by_polars or not by_python
    frame = mask_text_columns(pl.DataFrame({"text": [text]}))
    assert frame["text"][0] == mask_personal_data(text)


def test_hex_pseudonyms_are_left_alone() -> None:
    ids = [pseudonymise(str(3171015003950000 + n), KEY, "nik") for n in range(500)]
    pseudonyms = pl.DataFrame({"id": ids})
    assert mask_text_columns(pseudonyms).equals(pseudonyms)


def test_ak1_rows_own_name_address_and_birth_date_are_removed_from_free_text(tmp_path) -> None:
    """Names have no pattern, but an AK1 row names its own person: the reviewer's rows typed the
    name and birth date into `disability` and the address into `desired_location`, and a
    placement the person's name (and phone) as its employer."""
    folder = tmp_path / "ak1"
    folder.mkdir()
    seeker = SEEKER | {
        "full_name": "Dewi Kusuma",
        "birth_date": "24/05/1991",
        "birth_place": "Jakarta",
        "disability": "dewi kusuma lahir 24/05/1991",
        "desired_location": "Jl. Cendana No. 3",
        "desired_jabatan": "Staf Jakarta, Dewi Kusumawati",
    }
    bad = seeker | {"registration_number": "AK1/3171/202503/000002", "nik": "317101500395000"}
    register = _write_ak1(folder / "ak1_pencari_kerja_test.csv", JOB_SEEKER_COLUMNS, [seeker, bad])
    placement = PLACEMENT | {"full_name": "Dewi Kusuma", "employer_name": f"Dewi Kusuma {PHONE}"}
    placements = _write_ak1(folder / "ak1_penempatan_test.csv", PLACEMENT_COLUMNS, [placement])
    load = read_ak1_job_seekers(register, KEY)
    row = load.staging.row(0, named=True)
    assert row["disability"] == "[removed] lahir [removed]"
    assert row["desired_location"] == "[removed]"
    # Whole values only: a birth place is a place name, and a longer name is someone else's.
    assert row["desired_jabatan_title"] == "Staf Jakarta, Dewi Kusumawati"
    quarantined = json.loads(load.quarantine["raw_record"][0])
    assert quarantined["disability"] == "[removed] lahir [removed]"
    assert "Cendana" not in load.quarantine["raw_record"][0]
    staged = read_ak1_placements(placements, KEY).staging
    assert staged["employer_name"].to_list() == ["[removed] [phone]"]


def test_an_address_that_only_names_a_region_is_kept_in_free_text(tmp_path) -> None:
    # "Kabupaten Ende" as the address names a place: removing it blotted out the desired
    # location, a figure the marts count.
    folder = tmp_path / "ak1"
    folder.mkdir()
    seeker = SEEKER | {"address": "Kabupaten Ende", "desired_location": "KABUPATEN ENDE"}
    register = _write_ak1(folder / "ak1_pencari_kerja_test.csv", JOB_SEEKER_COLUMNS, [seeker])
    row = read_ak1_job_seekers(register, KEY).staging.row(0, named=True)
    assert row["desired_location"] == "KABUPATEN ENDE"


# Regression: masking read text columns only, so a NIK typed into a wage, a quota or a head count
# (any integer column a reader stages) passed into staging, the warehouse and the `--out` parquet
# unmasked, and so would a personal column a reader staged as a number. A staged row with a
# 16-digit number is now quarantined as `nik_shaped_number`; a personal column that is not text
# is removed.
NIK_NUMBER = int(NIK)


def _in_clear(load: AdminLoad) -> list:
    return find_personal_data(load.staging) + find_personal_data(load.quarantine)


def test_a_nik_typed_as_a_wage_is_quarantined_not_staged(tmp_path) -> None:
    folder = tmp_path / "ak1"
    folder.mkdir()
    rows = [
        PLACEMENT,
        PLACEMENT | {"wage_monthly": str(NIK_NUMBER)},
        PLACEMENT | {"wage_monthly": "-1"},
    ]
    path = _write_ak1(folder / "ak1_penempatan_test.csv", PLACEMENT_COLUMNS, rows)
    load = read_ak1_placements(path, KEY)
    assert load.rows_in == load.rows_loaded + load.rows_quarantined == 3
    assert load.staging["wage_monthly_idr"].to_list() == [2850000]
    assert _in_clear(load) == []
    entry = load.quarantine.filter(pl.col("reason_code") == NIK_SHAPED_NUMBER).row(0, named=True)
    assert (entry["source_row"], entry["field"]) == (3, "wage_monthly_idr")
    assert entry["reason"].startswith("ak1_penempatan_test.csv line 3 field wage_monthly_idr: ")
    assert str(NIK_NUMBER) not in entry["reason"] + entry["raw_record"]
    assert json.loads(entry["raw_record"])["wage_monthly_idr"] == "[nik]"


def test_a_nik_typed_as_a_quota_is_quarantined_and_not_written_by_the_cli(tmp_path) -> None:
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()
    body = json.loads(lines[1])
    body["data"]["quota"] = NIK_NUMBER
    path = tmp_path / "details.jsonl"
    path.write_text(lines[0] + "\n" + json.dumps(body) + "\n", encoding="utf-8")
    load = read_karirhub_details(path)
    assert (load.rows_loaded, load.rows_quarantined) == (1, 1)
    assert load.quarantine["reason_code"].to_list() == [NIK_SHAPED_NUMBER]
    assert load.quarantine["reason"][0].startswith("details.jsonl line 2 field quota: ")
    out = tmp_path / "out"
    assert main(["admin", "load", "karirhub", "--input", str(path), "--out", str(out)]) == 0
    written = sorted(out.glob("*.parquet"))
    assert written
    assert [hit for p in written for hit in find_personal_data(pl.read_parquet(p), p.name)] == []


def test_any_reader_any_column_of_numbers_and_personal_columns_whatever_their_type() -> None:
    """The step is `AdminLoad`'s, so a column or a reader added later is covered: a sheet row is
    named by its sheet, a listing hit by its hit; a personal column typed as a number is removed;
    other numbers, 15 or 17 digits long, and the row number are kept."""
    staging = pl.DataFrame({
        "source_file": ["f.xlsx"] * 4,
        "source_sheet": ["S", "S", "S", None],
        "source_row": [7, 8, 9, 10],
        "workers_total": [12, -NIK_NUMBER, 3, 10**16],
        "vacancies": [NIK_NUMBER, 1, 10**15 - 1, 0],
        "phone": [81234567890, None, 1, 2],
        "nik": [NIK_NUMBER] * 4,
    })  # fmt: skip
    load = AdminLoad("s", pl.DataFrame(), staging, quarantine_frame([]), {"rows_in": 4})
    load.check_accounting()
    assert load.staging.select("source_row", "workers_total", "vacancies").rows() == [
        (9, 3, 10**15 - 1), (10, 10**16, 0)
    ]  # fmt: skip
    assert load.staging["phone"].null_count() == load.staging["nik"].null_count() == 2
    assert load.staging.schema["nik"] == pl.Int64
    assert load.quarantine.select("field", "reason_code").rows() == [
        ("vacancies", NIK_SHAPED_NUMBER), ("workers_total", NIK_SHAPED_NUMBER)
    ]  # fmt: skip
    assert load.quarantine["reason"][0].startswith("f.xlsx sheet 'S' row 7 field vacancies: ")
    assert _in_clear(load) == []
    hits = AdminLoad(
        "h", pl.DataFrame(), staging.drop("source_sheet", "phone", "nik").head(1),
        quarantine_frame([]), {"rows_in": 1}, row_unit="hit",
    )  # fmt: skip
    assert hits.quarantine["reason"][0].startswith("f.xlsx hit 7 field vacancies: ")


def test_a_nik_typed_as_a_float_or_a_decimal_is_quarantined_and_found() -> None:
    """Regression: only integer columns were checked, so a NIK read as a float (a spreadsheet
    cell, a JSON number with `.0`) was staged in clear. One rule for every numeric type: 16
    digits before any decimal point."""
    staging = pl.DataFrame({
        "source_file": ["f.csv"] * 4,
        "source_row": [2, 3, 4, 5],
        "wage": [float(NIK_NUMBER), -float(NIK_NUMBER), 2850000.5, 1e16],
        "rate": pl.Series([Decimal("12.5"), Decimal(NIK) + Decimal("0.25"), None, Decimal(0)]),
    })  # fmt: skip
    assert [(hit.column, hit.kind) for hit in find_personal_data(staging)] == [
        ("wage", "nik"), ("rate", "nik")
    ]  # fmt: skip
    load = AdminLoad("s", pl.DataFrame(), staging, quarantine_frame([]), {"rows_in": 4})
    load.check_accounting()
    assert load.staging.select("source_row", "wage").rows() == [(4, 2850000.5), (5, 1e16)]
    assert load.quarantine.select("source_row", "field").rows() == [(2, "wage"), (3, "wage;rate")]
    assert _in_clear(load) == []
    assert NIK not in "".join(load.quarantine["raw_record"].to_list())


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ({"cell": NIK_NUMBER}, {"cell": "[nik]"}),
        ({"cell": float(NIK_NUMBER)}, {"cell": "[nik]"}),
        ([-NIK_NUMBER, Decimal(NIK)], ["[nik]", "[nik]"]),
        ({"rows": 12, "total": 2850000.5, "big": 10**16, "ok": True}, None),
    ],
)
def test_mask_nested_masks_a_nik_typed_as_a_number(value, masked) -> None:
    """Regression: numbers were left as they were, so a NIK cell quoted in a reader's metadata
    was written in clear to metadata.json."""
    assert mask_nested(value) == (value if masked is None else masked)


def test_flag_and_count_columns_named_with_a_contact_word_are_kept(caplog) -> None:
    """Regression: a non-text column with a contact word in its name was set to null, so a flag
    (`has_ktp`) or a count (`person_count`, `hp_count`, `cp_total`) was blanked without a word
    of which. Flags and counts are kept (a NIK typed into a count is still quarantined); a
    column that is removed is named in a warning."""
    staging = pl.DataFrame({
        "source_file": ["f.csv"] * 3,
        "source_row": [2, 3, 4],
        "has_ktp": [True, False, None],
        "nik_valid": [True, True, False],
        "ktp_status": [1, 2, 1],
        "person_count": [3, 0, 1],
        "hp_count": [1, NIK_NUMBER, 2],
        "cp_total": [2, 1, 0],
        "jumlah_pic": [1, 1, 1],
        "phone": [81234567890, None, 2],
        "no_hp": [81234567890, 1, 2],
    })  # fmt: skip
    with caplog.at_level("WARNING"):
        load = AdminLoad("s", pl.DataFrame(), staging, quarantine_frame([]), {"rows_in": 3})
    load.check_accounting()
    kept = ["has_ktp", "nik_valid", "ktp_status", "person_count", "hp_count", "cp_total"]
    assert load.staging.select("source_row", *kept, "jumlah_pic").rows() == [
        (2, True, True, 1, 3, 1, 2, 1), (4, None, False, 1, 1, 2, 0, 1)
    ]  # fmt: skip
    assert load.staging.select("phone", "no_hp").null_count().row(0) == (2, 2)
    assert load.quarantine.select("source_row", "field").rows() == [(3, "hp_count")]
    removed = [r.getMessage() for r in caplog.records if "removed" in r.getMessage()]
    assert [m.split("column ")[1].split(" ")[0] for m in removed] == ["phone", "no_hp"]
    assert _in_clear(load) == []


def test_an_identity_number_under_its_own_key_is_removed_from_quarantine_whatever_its_type(
    tmp_path,
) -> None:
    """A NIK sent as a JSON number a digit short (no pattern finds it) under `nik` or `no_ktp`
    in a Karirhub line is a personal field by its key, as a phone is."""
    short = NIK_NUMBER // 10
    line = f'{{"data": {{"id": "x-1", "nik": {short}, "no_ktp": "{short}", "title": "Operator'
    path = tmp_path / "details.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    load = read_karirhub_details(path)
    assert load.quarantine["reason_code"].to_list() == ["invalid_json"]
    shown = load.quarantine["raw_record"][0]
    assert str(short) not in shown and shown.count("[removed]") == 2, shown


def test_out_metadata_masks_what_the_input_says_about_itself(tmp_path) -> None:
    """Regression: `--out` wrote the readers' metadata as read, so a phone number, e-mail or NIK
    in a file name, a title or note line, a header label or a cell quoted by a total mismatch
    reached `<source>_metadata.json` in clear."""
    rows = generate_wlkp_rows(3, months=(1,), seed=7)
    folder = tmp_path / "wlkp"
    folder.mkdir()
    path = folder / f"wlkp_{NIK}_2025-01.csv"
    write_wlkp_export(rows, path, rows[0]["reported_date"].replace(day=1), delimiter=",")
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("No,"))
    lines[3] = f"Diunduh oleh: Budi {PHONE} {EMAIL},"
    # A label the reader does not map, in a column of its own.
    lines[header:] = [f"{lines[header]},Kontak {PHONE}", *(f"{x}," for x in lines[header + 1 :])]
    total = next(i for i, line in enumerate(lines) if line.startswith("JUMLAH TOTAL"))
    lines[total] = lines[total].replace(",26,", f",{PHONE},", 1)
    lines.append("3) Petugas NIK 3172 0408 1234 0001,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    command = ["admin", "load", "wlkp", "--input", str(folder), "--out", str(out)]
    assert main([*command, "--report-mismatches"]) == 0
    written = json.loads((out / "wlkp_metadata.json").read_text(encoding="utf-8"))
    (meta,) = written["files"] if "files" in written else [written]
    (sheet,) = meta["sheets"]
    # The input did reach the metadata; masked, it still says what it said.
    assert meta["source_file"] == "wlkp_[nik]_2025-01.csv"
    assert "Diunduh oleh: Budi [phone] [email]" in sheet["title_lines"]
    assert "3) Petugas NIK [nik]" in sheet["notes"]
    assert "Kontak [phone]" in sheet["unmapped_columns"]
    assert any("'[phone]' is not a number" in m for m in meta["total_mismatches"])
    text = pl.DataFrame({"metadata": [json.dumps(written)]})
    assert find_personal_data(text) == []
