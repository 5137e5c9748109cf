"""MagangHub internship positions from the real export."""

from __future__ import annotations

import csv
import gzip
import re

import polars as pl
import pytest

from ingest.admin.maganghub import POSITIONS_FILE, read_maganghub_positions
from ingest.admin.results import AdminSourceError


@pytest.fixture(scope="module")
def positions():
    return read_maganghub_positions()


def test_all_1765_positions_load_with_regions_resolved(positions) -> None:
    assert positions.rows_in == 1765
    assert positions.rows_loaded == 1765
    assert positions.staging["is_region_resolved"].all()
    assert positions.staging["regency_code_bps"].null_count() == 0
    assert positions.metadata["region_match_methods"] == {
        "address_text": 3,
        "kemendagri_code": 1762,
    }


def test_counts_match_the_provenance_note(positions) -> None:
    staging = positions.staging
    assert staging["quota"].sum() == 6905
    assert staging["registered_applicants"].sum() == 198431
    assert staging["kbji_code_stated"].null_count() == 1765
    assert staging["internship_start_date"].unique().to_list()[0].isoformat() == "2025-10-20"


def test_company_without_region_is_placed_from_its_address(positions) -> None:
    placed = positions.staging.filter(pl.col("region_match_method") == "address_text")
    assert set(placed["regency_code_kemendagri"]) == {"3471"}  # Kota Yogyakarta


def test_new_papua_provinces_resolve(positions) -> None:
    papua = positions.staging.filter(pl.col("province_code_kemendagri") == "96")
    assert papua.height == 2
    assert set(papua["regency_code_bps"]) == {"9171"}
    assert set(papua["region_id"]) == {"regency-9671"}


def _write(tmp_path, mutate) -> object:
    with gzip.open(POSITIONS_FILE, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames)
        rows = [row for _, row in zip(range(5), reader, strict=False)]
    fields, rows = mutate(fields, rows)
    path = tmp_path / "positions.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_bad_json_and_quota_are_quarantined(tmp_path) -> None:
    def mutate(fields, rows):
        rows[1]["perusahaan"] = "{'not': json"
        rows[2]["jumlah_kuota"] = "dua"
        return fields, rows

    load = read_maganghub_positions(_write(tmp_path, mutate))
    assert (load.rows_in, load.rows_loaded, load.rows_quarantined) == (5, 3, 2)
    assert load.quarantine["field"].to_list() == ["perusahaan", "jumlah_kuota"]
    assert load.quarantine["source_row"].to_list() == [3, 4]


def test_missing_column_is_a_clear_error(tmp_path) -> None:
    path = _write(tmp_path, lambda fields, rows: ([f for f in fields if f != "posisi"], rows))
    with pytest.raises(AdminSourceError, match="lacks column.*posisi"):
        read_maganghub_positions(path)


def test_quarantined_row_is_named_by_its_file_line_after_a_quoted_line_break(tmp_path) -> None:
    def mutate(fields, rows):
        rows[0]["deskripsi_posisi"] = "Tugas:\nmembantu\nadministrasi"
        rows[2]["jumlah_kuota"] = "dua"
        return fields, rows

    load = read_maganghub_positions(_write(tmp_path, mutate))
    # Header line 1, the first row lines 2-4, the second line 5, the bad third row line 6.
    [row] = load.quarantine.iter_rows(named=True)
    assert (row["source_row"], row["field"], row["reason_code"]) == (
        6,
        "jumlah_kuota",
        "unparseable_field",
    )
    assert row["reason"].startswith("positions.csv line 6 field jumlah_kuota: ")
    assert load.staging["source_row"].to_list()[:2] == [2, 5]


def test_a_row_lists_every_bad_column_in_one_quarantine_entry(tmp_path) -> None:
    # Regression: the row's parsing stopped at its first bad column and reported that one only.
    def mutate(fields, rows):
        rows[1] |= {"perusahaan": "{'not': json", "jumlah_kuota": "dua", "usia_minimal": "-3"}
        rows[1]["jadwal"] = "[broken"
        rows[3] |= {"id_posisi": " ", "jumlah_terdaftar": "banyak"}
        return fields, rows

    load = read_maganghub_positions(_write(tmp_path, mutate))
    assert (load.rows_in, load.rows_loaded, load.rows_quarantined) == (5, 3, 2)
    first, second = load.quarantine.iter_rows(named=True)
    # In the file's column order: usia_minimal, jumlah_kuota, perusahaan, jadwal.
    assert first["source_row"] == 3
    assert first["field"] == "usia_minimal;jumlah_kuota;perusahaan;jadwal"
    assert first["reason_code"] == ";".join(["unparseable_field"] * 4)
    assert first["reason"].startswith("positions.csv line 3 field usia_minimal: '-3' is not a")
    reason = first["reason"]
    assert "; field jumlah_kuota: 'dua' is not a number; field perusahaan: not valid JSON" in reason
    assert "; field jadwal: not valid JSON" in reason
    # The fourth row starts after description lines with line breaks.
    assert second["source_row"] == load.raw["source_row"][3]
    assert second["field"] == "id_posisi;jumlah_terdaftar"
    assert second["reason_code"] == "missing_id;unparseable_field"


def test_a_valid_row_after_a_quarantined_first_row_of_its_id_loads(tmp_path) -> None:
    # Regression (one repeated-id rule, IdClaims): a row quarantined for another reason claims
    # no id; the id's later valid row loads and a third row of it is `id_duplicated`.
    def mutate(fields, rows):
        rows[1]["jumlah_kuota"] = "dua"
        rows[2]["id_posisi"] = rows[1]["id_posisi"]
        rows[3]["id_posisi"] = rows[1]["id_posisi"]
        return fields, rows

    load = read_maganghub_positions(_write(tmp_path, mutate))
    assert (load.rows_in, load.rows_loaded, load.rows_quarantined) == (5, 3, 2)
    quarantined = load.quarantine.select("source_row", "reason_code").rows()
    assert quarantined[0][1] == "unparseable_field" and quarantined[1][1] == "id_duplicated"
    first_valid = load.staging["source_row"].to_list()[1]
    expected = f"is already used by the row on line {first_valid}"
    assert load.quarantine["reason"][1].endswith(expected)


def test_an_impossible_date_is_invalid_date_and_a_repeated_id_names_its_first_row(tmp_path):
    # An operator's review: created_at 2025-02-30 was `unparseable_field`, while README "Bad
    # input" (and every other landing) calls a date that is no calendar date `invalid_date`.
    from ingest.admin.landing import quarantine_repeated_keys

    def mutate(fields, rows):
        rows[1]["created_at"] = "2025-02-30 10:00:00"
        rows[3]["id_posisi"] = rows[2]["id_posisi"]
        return fields, rows

    read = read_maganghub_positions(_write(tmp_path, mutate))
    load = quarantine_repeated_keys(read, "position_id")
    bad_date, repeated = load.quarantine.iter_rows(named=True)
    assert (bad_date["field"], bad_date["reason_code"]) == ("created_at", "invalid_date")
    assert repeated["reason_code"] == "id_duplicated"
    [(row_id, line)] = re.findall(
        r"id '([^']+)' is already used by the row on line (\d+)$", repeated["reason"]
    )
    claimed = load.staging.filter(pl.col("position_id") == row_id)["source_row"].to_list()
    assert claimed == [int(line)] and int(line) < repeated["source_row"]
