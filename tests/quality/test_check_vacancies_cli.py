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
        "id": "id_duplicated",
    }
    # File lines (header = line 1): gudang-1 spans lines 2-4, so kurir-4 starts on line 7.
    assert quarantine["source_row"].to_list() == ["7", "8", "9"]
    assert quarantine["id"].to_list() == ["kurir-4", "sales-5", "gudang-1"]
    repeated = quarantine.filter(pl.col("reason_code") == "id_duplicated")["reason"].item()
    assert "line 9" in repeated and "line 2" in repeated


def test_a_later_row_does_not_take_the_id_of_a_quarantined_first_row(tmp_path):
    # The first v1 is quarantined for its pay; the second must not pass as if it were the first.
    source = tmp_path / "repeated.csv"
    source.write_text(
        "id,title,description,salary_monthly_min\nv1,Kasir,x,abc\nv1,Kasir,y,3000000\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    wages = _wages(tmp_path)
    assert main(["check-vacancies", str(source), str(out), "--minimum-wages", str(wages)]) == 0
    assert pl.read_csv(out, infer_schema_length=0).height == 0
    quarantine = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema_length=0)
    assert quarantine["reason_code"].to_list() == ["invalid_number", "id_duplicated"]
    assert "line 2" in quarantine["reason"][1]


def _refused(tmp_path: Path, name: str, content: str) -> bool:
    """Run the command on a file that must be refused; True when it exits 2 writing nothing."""
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    code = main(["check-vacancies", str(bad), str(out), "--minimum-wages", str(_wages(tmp_path))])
    return code == 2 and not out.exists()


def test_a_file_without_a_required_column_is_refused_by_name(tmp_path, caplog):
    assert _refused(tmp_path, "no_description.csv", "id,title\n1,Kasir\n")
    assert "no_description.csv" in caplog.text and "description" in caplog.text


def test_a_csv_syntax_error_names_the_line(tmp_path, caplog):
    content = 'id,title,description\n1,Kasir,ok\n2,Sales,"never closed\n'
    assert _refused(tmp_path, "unclosed.csv", content)
    assert "unclosed.csv: line 3" in caplog.text


def test_province_code_99_is_quarantined_as_no_province_of_the_reference(tmp_path):
    """Code 99 has two digits but names no province: it was checked as if it were one."""
    source = tmp_path / "in.csv"
    source.write_text(
        "id,title,description,salary_monthly_min,province_code\n"
        "a,Kasir,Toko,3000000,99\n"
        "b,Kasir,Toko,3000000,31\n"
        "c,Kasir,Toko,3000000,96\n"
        "d,Kasir,Toko,3000000,9\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code = main(
        ["check-vacancies", str(source), str(out), "--minimum-wages", str(_wages(tmp_path))]
    )
    assert code == 0
    assert pl.read_csv(out, infer_schema_length=0)["id"].to_list() == ["b", "c"]
    quarantine = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema_length=0)
    rows = {row["id"]: row for row in quarantine.iter_rows(named=True)}
    assert (rows["a"]["field"], rows["a"]["reason_code"]) == ("province_code", "unknown_code")
    assert rows["a"]["reason"] == (
        "in.csv line 2 field province_code: province_code must be one of the 38 BPS province "
        "codes: the 34 of the BPS-Kemendagri bridging table (data/reference/wilayah) or the BPS "
        "2024 codes of the four 2022 Papua provinces (dbt seed province_codes) (got '99')"
    )
    # 96, Papua Tengah's BPS 2024 code, is known from the seed alone (not the bridging table).
    assert "c" not in rows
    # A code that is not two digits keeps its one reason.
    assert rows["d"]["reason_code"] == "invalid_code"


def test_bps_province_codes_of_the_reference() -> None:
    from ingest.admin.regions import bps_province_names

    names = bps_province_names()
    assert len(names) == 38
    assert names["15"] == "Jambi"
    assert names["92"] == "Papua Barat Daya"
    assert "99" not in names
