"""`lmis check-vacancies IN.csv OUT.csv` on a small file (orchestration/commands)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from orchestration.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "vacancies_batch.csv"


def _wages(tmp_path: Path) -> Path:
    path = tmp_path / "ump.csv"
    pl.DataFrame(
        {
            "province_bps_code": ["31", "33"],
            "wage_year": [2024, 2024],
            "minimum_wage_monthly_idr": [5_067_381, 2_036_947],
        }
    ).write_csv(path)
    return path


def test_check_vacancies_writes_flags_and_quarantine(tmp_path):
    out = tmp_path / "flags.csv"
    code = main(
        [
            "check-vacancies",
            str(FIXTURE),
            str(out),
            "--minimum-wages",
            str(_wages(tmp_path)),
            "--as-of",
            "2024-06-01",
        ]
    )
    assert code == 0
    flags = pl.read_csv(out, infer_schema_length=0)
    quarantine = pl.read_csv(tmp_path / "flags.quarantine.csv", infer_schema_length=0)
    rows_in = 6  # records in the fixture (one spans three lines)
    assert flags.height + quarantine.height == rows_in
    by_id = {row["id"]: row for row in flags.iter_rows(named=True)}
    assert by_id["gudang-1"]["is_pay_below_minimum_wage"] == "true"
    assert by_id["gudang-1"]["is_hours_above_legal_limit"] == "true"
    assert by_id["gudang-1"]["sex_requirement_evidence"] == "Pria/Wanita"
    assert by_id["akuntan-2"]["flags_raised"] == "0"
    assert by_id["kasir-3"]["has_appearance_requirement"] == "true"
    assert dict(zip(quarantine["field"], quarantine["reason_code"], strict=True)) == {
        "salary_monthly_min": "invalid_number",
        "posted_date": "invalid_date",
        "id": "duplicate_id",
    }
    assert quarantine["source_row"].to_list() == ["5", "6", "7"]


def test_a_file_without_a_required_column_is_refused_by_name(tmp_path, caplog):
    bad = tmp_path / "no_description.csv"
    bad.write_text("id,title\n1,Kasir\n", encoding="utf-8")
    code = main(
        [
            "check-vacancies",
            str(bad),
            str(tmp_path / "out.csv"),
            "--minimum-wages",
            str(_wages(tmp_path)),
        ]
    )
    assert code == 2
    assert "no_description.csv" in caplog.text and "description" in caplog.text
    assert not (tmp_path / "out.csv").exists()
