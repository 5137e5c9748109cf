"""AK1 register and placements: generator faults land in quarantine; identifiers pseudonymised."""

from __future__ import annotations

import csv
import json

import polars as pl
import pytest

from ingest.admin.ak1 import (
    IDENTIFIER_COLUMNS,
    generate_ak1_exports,
    read_ak1_job_seekers,
    read_ak1_placements,
)
from ingest.admin.personal_data import NIK_PATTERN
from ingest.admin.pseudonymise import load_pseudonym_key
from orchestration.settings import DATA_DIR

SHIPPED = DATA_DIR / "synthetic" / "ak1"
REGISTER = SHIPPED / "ak1_pencari_kerja_synthetic_2025.csv"
PLACEMENTS = SHIPPED / "ak1_penempatan_synthetic_2025.csv"
DEV_KEY = load_pseudonym_key({})


@pytest.fixture(scope="module")
def register():
    return read_ak1_job_seekers(REGISTER, DEV_KEY)


@pytest.fixture(scope="module")
def placements():
    return read_ak1_placements(PLACEMENTS, DEV_KEY)


def test_injected_export_faults_are_quarantined_with_reasons(register) -> None:
    manifest = json.loads((SHIPPED / "ak1_synthetic_manifest.json").read_text())
    info = manifest["files"][REGISTER.name]
    defects = info["injected_defects"]
    assert register.rows_in == info["rows"]
    assert register.rows_quarantined == sum(defects.values())
    counts = dict(register.quarantine.group_by("reason_code").len().iter_rows())
    assert counts.get("nik_scientific_notation", 0) == defects.get("nik_scientific", 0)
    assert counts.get("nik_invalid", 0) == defects.get("nik_wrong_length", 0)
    assert counts.get("unreadable_date", 0) == defects.get("impossible_date", 0)
    assert register.staging["is_region_resolved"].all()


def test_identifiers_are_pseudonymised_at_landing(register, placements) -> None:
    for load in (register, placements):
        for column in IDENTIFIER_COLUMNS:
            assert column not in load.raw.columns
            assert f"{column}_pseudonym" in load.raw.columns
        for column in load.raw.columns:
            values = load.raw[column].drop_nulls().cast(pl.String).to_list()
            assert not any(NIK_PATTERN.search(v) for v in values), column


def test_placements_join_the_register_through_the_pseudonym(register, placements) -> None:
    joined = placements.staging.join(register.staging, on="job_seeker_id", how="inner")
    # Only placements of quarantined register rows fail to join.
    assert joined.height >= placements.rows_loaded - register.rows_quarantined
    assert set(placements.staging["placement_kind"]) <= {"AKL", "AKAD", "AKAN"}
    abroad = placements.staging.filter(pl.col("placement_kind") == "AKAN")
    assert (abroad["region_match_method"] == "abroad").all()
    assert placements.staging["wage_monthly_idr"].min() > 0


def test_staging_keeps_age_not_birth_date(register) -> None:
    assert "birth_date" not in register.staging.columns
    ages = register.staging["age_at_registration"]
    assert ages.min() >= 15 and ages.max() <= 60
    assert set(register.staging["sex"]) == {"male", "female"}


def test_another_key_gives_other_pseudonyms() -> None:
    other = load_pseudonym_key({"LMIS_PSEUDONYM_KEY": "x" * 40})
    first = read_ak1_placements(PLACEMENTS, DEV_KEY).staging["job_seeker_id"]
    second = read_ak1_placements(PLACEMENTS, other).staging["job_seeker_id"]
    assert not set(first) & set(second)


def test_generator_is_deterministic_and_labelled(tmp_path) -> None:
    first = generate_ak1_exports(tmp_path / "a", job_seekers=50, seed=9)
    second = generate_ak1_exports(tmp_path / "b", job_seekers=50, seed=9)
    assert first == second
    assert first["synthetic"] is True
    name = next(iter(first["files"]))
    assert "synthetic" in name
    assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()


def _export(source, target, mutate) -> object:
    """The header and first three rows of `source`, changed by `mutate(header, rows)`."""
    with open(source, encoding="utf-8-sig", newline="") as handle:
        header, *rows = [row for _, row in zip(range(4), csv.reader(handle), strict=False)]
    header, rows = mutate(header, rows)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return target


def _moved_first(header, rows, label):
    """The column `label` moved to the front, so the file's column order is not the reader's."""
    at = header.index(label)
    return [header[at], *header[:at], *header[at + 1 :]], [
        [row[at], *row[:at], *row[at + 1 :]] for row in rows
    ]


def test_register_row_lists_every_problem_in_file_column_order_on_its_line(tmp_path) -> None:
    def mutate(header, rows):
        address, nik, born = (header.index(c) for c in ("Alamat", "NIK", "Tanggal Lahir"))
        rows[0][address] = "Jl. Mawar No. 1\nKec. Penjaringan"
        rows[1][nik], rows[1][born] = "3172", "31/02/1990"
        rows[1][header.index("Tanggal Pendaftaran")] = "kemarin"
        return _moved_first(header, rows, "Tanggal Pendaftaran")

    path = _export(REGISTER, tmp_path / "register.csv", mutate)
    load = read_ak1_job_seekers(path, DEV_KEY)
    assert (load.rows_in, load.rows_loaded, load.rows_quarantined) == (3, 2, 1)
    [row] = load.quarantine.iter_rows(named=True)
    # Header line 1, the first row lines 2-3 (a line break in its address): the second is line 4.
    assert row["source_row"] == 4
    assert row["field"] == "registered_date;nik;birth_date"
    assert row["reason_code"] == "unreadable_date;nik_invalid;unreadable_date"
    reason = row["reason"]
    assert reason.startswith("register.csv line 4 field registered_date: ")
    assert "; field nik: NIK has 4 digits" in reason and "; field birth_date: " in reason


def test_placement_row_keeps_every_reason_code(tmp_path) -> None:
    def mutate(header, rows):
        rows[0][header.index("NIK")] = "3.17201E+15"
        rows[0][header.index("Upah per Bulan (Rp)")] = "lima juta"
        return header, rows

    load = read_ak1_placements(_export(PLACEMENTS, tmp_path / "placed.csv", mutate), DEV_KEY)
    [row] = load.quarantine.iter_rows(named=True)
    assert (row["source_row"], row["field"]) == (2, "nik;wage_monthly")
    assert row["reason_code"] == "nik_scientific_notation;unreadable_wage"
    assert row["reason"].startswith("placed.csv line 2 field nik: NIK was stored as a number")


@pytest.mark.parametrize("wage", ["-5000000", "-5.000.000", "-5.000.000,00"])
def test_negative_placement_wage_is_salary_negative_worded_as_the_file_commands(
    tmp_path, wage
) -> None:
    # Regression (verification 2026-12-05, finding 6): it was `unreadable_wage`, reason '-5000000'.
    from ingest.quarantine import negative_pay_detail

    def mutate(header, rows):
        rows[1][header.index("Upah per Bulan (Rp)")] = wage
        return header, rows

    load = read_ak1_placements(_export(PLACEMENTS, tmp_path / "placed.csv", mutate), DEV_KEY)
    [row] = load.quarantine.iter_rows(named=True)
    assert (row["source_row"], row["field"], row["reason_code"]) == (
        3,
        "wage_monthly",
        "salary_negative",
    )
    assert row["reason"] == f"placed.csv line 3 field wage_monthly: {negative_pay_detail(wage)}"


@pytest.mark.parametrize(("wage", "loaded"), [("-0", 0), ("-0,00", 0), ("9" * 19, None)])
def test_a_minus_zero_wage_is_zero_and_one_beyond_int64_unreadable(tmp_path, wage, loaded) -> None:
    # Regression: AK1 said `unreadable_wage` of "-0", which the landing and check-vacancies read
    # as zero (one rule, `is_negative_pay`); a wage past Int64 must not be read as another number.
    def mutate(header, rows):
        rows[1][header.index("Upah per Bulan (Rp)")] = wage
        return header, rows

    load = read_ak1_placements(_export(PLACEMENTS, tmp_path / "placed.csv", mutate), DEV_KEY)
    if loaded is None:
        [row] = load.quarantine.iter_rows(named=True)
        assert (row["source_row"], row["reason_code"]) == (3, "unreadable_wage")
    else:
        assert load.rows_quarantined == 0
        assert load.staging["wage_monthly_idr"][1] == loaded


@pytest.mark.parametrize(
    ("wage", "loaded"),
    [("Rp 4.500.000", 4_500_000), ("Rp4.500.000,00", 4_500_000), ("IDR 4500000", 4_500_000)],
)
def test_a_wage_written_with_its_currency_is_read(tmp_path, wage, loaded) -> None:
    # The column is in rupiah, and clerks still write "Rp 4.500.000": it was `unreadable_wage`.
    def mutate(header, rows):
        rows[1][header.index("Upah per Bulan (Rp)")] = wage
        return header, rows

    load = read_ak1_placements(_export(PLACEMENTS, tmp_path / "placed.csv", mutate), DEV_KEY)
    assert load.rows_quarantined == 0
    assert load.staging["wage_monthly_idr"][1] == loaded


def test_a_currency_without_a_number_is_unreadable(tmp_path) -> None:
    def mutate(header, rows):
        rows[1][header.index("Upah per Bulan (Rp)")] = "Rp"
        return header, rows

    load = read_ak1_placements(_export(PLACEMENTS, tmp_path / "placed.csv", mutate), DEV_KEY)
    [row] = load.quarantine.iter_rows(named=True)
    assert (row["source_row"], row["reason_code"]) == (3, "unreadable_wage")


def test_a_semicolon_separated_export_is_refused_with_the_reason(tmp_path) -> None:
    # Excel in an Indonesian locale saves "CSV" with semicolons; the error listed all 23
    # columns as missing and said nothing of the separator.
    from ingest.admin.results import AdminSourceError

    source = _export(PLACEMENTS, tmp_path / "comma.csv", lambda header, rows: (header, rows))
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    target = tmp_path / "placed.csv"
    with open(target, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    with pytest.raises(AdminSourceError, match="save the file as comma-separated CSV"):
        read_ak1_placements(target, DEV_KEY)
