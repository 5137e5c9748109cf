"""No NIK, phone number or e-mail address in clear in anything the admin readers hand on.

Staging frames, quarantine frames and metadata of every reader, on the real Karirhub and
MagangHub data and on the shipped synthetic WLKP and AK1 exports, plus the parquet files that
`lmis admin load --out` writes, are scanned; the scanner itself is shown to find planted values.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from ingest.admin.ak1 import read_ak1_job_seekers, read_ak1_placements
from ingest.admin.karirhub import read_karirhub_details, read_karirhub_listing, read_karirhub_rss
from ingest.admin.maganghub import read_maganghub_positions
from ingest.admin.personal_data import (
    find_personal_data,
    mask_personal_data,
    mask_text_columns,
    shown_in_alert,
)
from ingest.admin.pseudonymise import load_pseudonym_key, pseudonymise
from ingest.admin.wlkp_read import iter_export_paths, read_wlkp_exports
from orchestration.cli import main
from orchestration.settings import DATA_DIR

KEY = load_pseudonym_key({})


@pytest.fixture(scope="module")
def loads():
    ak1 = DATA_DIR / "synthetic" / "ak1"
    return [
        read_karirhub_details(),
        read_karirhub_listing(),
        read_karirhub_rss(),
        read_maganghub_positions(),
        read_wlkp_exports(iter_export_paths(DATA_DIR / "synthetic" / "wlkp")),
        read_ak1_job_seekers(ak1 / "ak1_pencari_kerja_synthetic_2025.csv", KEY),
        read_ak1_placements(ak1 / "ak1_penempatan_synthetic_2025.csv", KEY),
    ]


def test_the_scanner_finds_planted_personal_data() -> None:
    planted = pl.DataFrame({
        "nik": ["3201011203900001", None],
        "phone": ["hubungi 0812-3456-7890", "+62 812 3456 7890"],
        "note": ["kirim CV ke hrd.toko@gmail.com", "(021) 555-1234"],
        "nik_as_number": [3201011203900001, 1],
        "pseudonym": [pseudonymise("3201011203900001", KEY, "nik"), "a" + "1" * 20 + "b"],
    })  # fmt: skip
    kinds = {(hit.column, hit.kind) for hit in find_personal_data(planted)}
    assert kinds == {
        ("nik", "nik"), ("phone", "phone"), ("note", "email"), ("note", "phone"),
        ("nik_as_number", "nik"),
    }  # fmt: skip


def test_masking_free_text() -> None:
    text = "WA 0812-3456-7890 atau email hrd@pt-maju.co.id, NIK 3201011203900001"
    assert mask_personal_data(text) == "WA [phone] atau email [email], NIK [nik]"


@pytest.mark.parametrize(
    "text",
    [
        "NIK 3172 0408 1234 0001",
        "NIK: 3172.0408.1234.0001.",
        "no KTP 3172-0408-1234-0001, aktif",
        "(3201 0152 0390 0001)",  # a woman's: day 12 + 40
        "ktp 9601 0101 0101 0001",  # Papua Barat Daya, a province since 2022
        "NIK 317204 120390 0001",  # its three parts: region, birth date, serial
        "NIK: 320101.520390.0001.",
    ],
)
def test_a_nik_cut_into_four_groups_is_masked(text: str) -> None:
    """Regression: only a 16-digit run was masked; a NIK typed with spaces, dots or dashes
    between its groups of four reached staging, the warehouse and alerts in clear."""
    masked = mask_personal_data(text)
    assert "[nik]" in masked and not any(c.isdigit() for c in masked), masked
    assert shown_in_alert("note", text) == masked
    assert [hit.kind for hit in find_personal_data(pl.DataFrame({"note": [text]}))] == ["nik"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("1 3172 0408 1234 0001", "1 [nik]"),
        # A digit after it is no further group: privacy first, it was left in clear before.
        ("3172 0408 1234 0001 2", "[nik] 2"),
        ("NIK 3172.0408.1234.0001.2 (lama)", "NIK [nik].2 (lama)"),
        ("317204 120390 0001 5", "[nik] 5"),
        ("NIK: 3172  0408  1234  0001", "NIK: [nik]"),
        ("NIK: 3172\u00a00408\u00a01234\u00a00001", "NIK: [nik]"),
        ("NIK: 317204\u00a0 120390 0001", "NIK: [nik]"),
        ("no. 12  3172 0408 1234 0001", "no. 12  [nik]"),
    ],
)
def test_a_grouped_nik_beside_a_short_number_or_with_wide_spaces_is_masked(
    text: str, masked: str
) -> None:
    """Regression: a lone number before or after a grouped NIK, doubled spaces and non-breaking
    spaces between its groups left it in clear; only a further group of four digits makes the
    groups part of a longer code."""
    assert mask_personal_data(text) == masked
    assert [hit.kind for hit in find_personal_data(pl.DataFrame({"note": [text]}))] == ["nik"]
    assert mask_text_columns(pl.DataFrame({"note": [text]}))["note"][0] == masked


@pytest.mark.parametrize(
    "text",
    [
        "Gaji Rp 3.500.000 - Rp 4.500.000",
        "Rp 1.234.567.890.123.456",  # 16 digits, grouped in threes: money
        "KBJI 2512 2513 2514 2519",  # four occupation codes: no province 25
        "KBLI 46100 46900 47111 47190",
        "tahun 2019 2020 2021 2022",
        "kode pos 40115, 12-03-2025, 2025.03.12",
        "3172 0408 1334 0001",  # no month 13
        "3172 0480 1234 0001",  # no day 80
        "VA 8808 3172 0408 1234 0001",  # a fifth group: a longer number
        "VA 8808  3172\u00a00408 1234 0001",
        "3172 0408 1234 0001 5678",
        "3172-0408-1234-0001-20250",
        "3172.0408 1234-0001",  # mixed separators
        "x3172 0408 1234 0001",
        "317204 121390 0001",  # no month 13
        "317204 120390 0001 2025",  # a further group of four
        "2019 317204 120390 0001",
        "Rp 150.000.000 - 250.000.000",
    ],
)
def test_numbers_that_are_not_niks_are_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text
    assert find_personal_data(pl.DataFrame({"note": [text]})) == []


def test_raw_frames_do_hold_contact_data_so_the_split_matters(loads) -> None:
    wlkp_raw = next(load for load in loads if load.source == "wlkp").raw
    assert {hit.kind for hit in find_personal_data(wlkp_raw)} >= {"phone", "email"}


def test_no_personal_data_in_staging_quarantine_or_metadata(loads) -> None:
    hits = []
    for load in loads:
        hits += find_personal_data(load.staging, f"{load.source}.staging")
        hits += find_personal_data(load.quarantine, f"{load.source}.quarantine")
        metadata = pl.DataFrame({"metadata": [json.dumps(load.metadata, default=str)]})
        hits += find_personal_data(metadata, f"{load.source}.metadata")
    assert hits == []


def test_no_personal_data_in_parquet_written_by_the_cli(tmp_path) -> None:
    for source in ("karirhub", "maganghub", "wlkp", "ak1"):
        assert main(["admin", "load", source, "--out", str(tmp_path)]) == 0
    written = sorted(tmp_path.glob("*.parquet"))
    assert len(written) >= 10
    hits = [hit for path in written for hit in find_personal_data(pl.read_parquet(path), path.name)]
    assert hits == []


def test_every_readers_personal_column_is_personal_by_name_and_keys_are_not() -> None:
    from ingest.admin import ak1, wlkp_layout
    from ingest.admin.personal_data import is_personal_column

    readers = {*ak1.PERSONAL_COLUMNS, *ak1.IDENTIFIER_COLUMNS, *wlkp_layout.PERSONAL_COLUMNS}
    assert all(is_personal_column(name) for name in readers)
    assert all(is_personal_column(name) for name in ("contact_person", "picName", "Nomor_HP"))
    # Raw Indonesian column names of a person's name, as a source file or a dbt test may show.
    assert all(is_personal_column(name) for name in ("nama_lengkap", "Nama", "Nama Pencari Kerja"))
    assert not is_personal_column("nama_perusahaan") and not is_personal_column("Nama Jabatan")
    # Keys and pseudonyms name rows; a vacancy's religion requirement is no one's religion.
    for name in ("person_id", "job_seeker_id", "has_religion_requirement", "company_name"):
        assert not is_personal_column(name)
