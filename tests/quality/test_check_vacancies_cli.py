"""`lmis check-vacancies IN.csv OUT.csv` on a small file (orchestration/commands)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

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


def test_a_valid_row_after_a_quarantined_first_row_of_its_id_is_checked(tmp_path):
    # One repeated-id rule (IdClaims, as every landing): the first v1 is quarantined for its pay
    # and claims no id, so the second, valid, is checked; a third v1 repeats the second.
    source = tmp_path / "repeated.csv"
    source.write_text(
        "id,title,description,salary_monthly_min\nv1,Kasir,x,abc\nv1,Kasir,y,3000000\n"
        "v1,Kasir,z,3100000\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    wages = _wages(tmp_path)
    assert main(["check-vacancies", str(source), str(out), "--minimum-wages", str(wages)]) == 0
    checked = pl.read_csv(out, infer_schema_length=0)
    assert checked["id"].to_list() == ["v1"]
    quarantine = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema_length=0)
    assert quarantine.select("source_row", "reason_code").rows() == [
        ("2", "invalid_number"),
        ("4", "id_duplicated"),
    ]
    assert quarantine["reason"][1].endswith("id 'v1' is already used by the row on line 3")


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


def _check_file(tmp_path: Path, content: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    source = tmp_path / "in.csv"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    wages = _wages(tmp_path)
    assert main(["check-vacancies", str(source), str(out), "--minimum-wages", str(wages)]) == 0
    return (
        pl.read_csv(out, infer_schema_length=0),
        pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema_length=0),
    )


def test_a_minimum_pay_above_the_maximum_is_quarantined_as_range_swapped(tmp_path):
    """Min 5,000,000 > max 4,000,000 was judged on 5,000,000 with no word (normalise flags it)."""
    from ingest.normalise.pay import parse_pay

    checked, quarantine = _check_file(
        tmp_path,
        "id,title,description,salary_monthly_min,salary_monthly_max,province_code,posted_date\n"
        "a,Kasir,Toko,5000000,4000000,31,2024-05-01\n"
        "b,Kasir,Toko,4000000,5000000,31,2024-05-01\n"
        "c,Kasir,Toko,5000000,5000000,31,2024-05-01\n",
    )
    assert checked["id"].to_list() == ["b", "c"]
    [row] = quarantine.iter_rows(named=True)
    assert (row["id"], row["field"], row["reason_code"]) == (
        "a",
        "salary_monthly_min",
        "range_swapped",
    )
    assert row["reason"] == (
        "in.csv line 2 field salary_monthly_min: salary_monthly_min '5000000' is above "
        "salary_monthly_max '4000000'; swap them, or correct the one that is wrong"
    )
    # The same code as `lmis normalise` gives a pay text whose range is written backwards.
    assert row["reason_code"] in parse_pay("Rp 5.000.000 - 4.000.000").flags


@pytest.mark.parametrize(
    ("description", "weekly", "daily"),
    [
        ("Penempatan Jakarta, 6 hari kerja, 8 jam/hari", "48.0", "8.0"),
        ("5 days a week, 9 hours/day", "45.0", "9.0"),
        ("6 working days, 8 working hours", "48.0", "8.0"),
        ("Jaga malam 12 jam sehari 7 hari seminggu", "84.0", "12.0"),
        ("Kerja 5 hari kerja 8 jam sehari", "40.0", "8.0"),
    ],
)
def test_days_a_week_and_hours_a_day_give_weekly_hours_checked_against_the_limit(
    tmp_path, description, weekly, daily
):
    """'6 hari kerja, 8 jam/hari' was read as 8 h a day only: no 48-hour week, no flag."""
    checked, _ = _check_file(tmp_path, f'id,title,description\na,Admin,"{description}"\n')
    [row] = checked.iter_rows(named=True)
    assert (row["hours_per_week_judged"], row["hours_per_day_judged"]) == (weekly, daily)
    assert row["is_hours_above_legal_limit"] == ("true" if float(weekly) > 40 else "false")
    assert row["hours_above_legal_limit_evidence"].startswith(f"{weekly} h/week, {daily} h/day")


@pytest.mark.parametrize(
    "description",
    [
        "Mulai kerja dalam 7 hari, 8 jam/hari",
        "Masa percobaan 7 hari, 8 jam/hari",
        "Onboarding 7 days, 8 hours/day",
        "Lembur 2 jam/hari, 6 hari kerja",
    ],
)
def test_days_that_are_no_working_week_raise_no_hours_flag(tmp_path, description):
    """Each was read as 56 (or 12) hours a week; the first three as over the legal limit."""
    checked, _ = _check_file(tmp_path, f'id,title,description\na,Admin,"{description}"\n')
    [row] = checked.iter_rows(named=True)
    assert row["hours_per_week_judged"] is None
    assert row["is_hours_above_legal_limit"] != "true"


def test_help_lists_every_column_the_command_reads(capsys):
    """--help left out employment_type, which decides whether the pay rule applies."""
    from quality.vacancies.checks import CONTRACT_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS

    with pytest.raises(SystemExit):
        main(["check-vacancies", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    missing = [
        c for c in (*REQUIRED_COLUMNS, *CONTRACT_COLUMNS, *OPTIONAL_COLUMNS) if c not in shown
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("ump.csv", 'province_code,wage_year\n"31,2024\n', "line 2 field `province_code`: CSV"),
        (
            "ump.csv",
            "province_code,wage_year,minimum_wage_monthly_idr\n31,2024,5067381\n32,abc,1\n",
            "line 3 field wage_year: 'abc' is not a whole number",
        ),
        ("ump.parquet", "not parquet", "cannot be read as parquet"),
    ],
    ids=["unclosed_quote", "not_a_year", "not_parquet"],
)
def test_an_unreadable_minimum_wage_table_is_one_error_line(
    tmp_path, caplog, name, content, expected
):
    """A UMP table that could not be parsed stopped the command with a traceback."""
    wages = tmp_path / name
    wages.write_text(content, encoding="utf-8")
    source = tmp_path / "in.csv"
    source.write_text("id,title,description\na,Admin,ok\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["check-vacancies", str(source), str(out), "--minimum-wages", str(wages)]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    [error] = errors
    assert error.startswith(f"{wages}: {expected}")
    assert not out.exists()


def test_minus_zero_pay_is_zero_and_digits_beyond_a_float_are_no_number(tmp_path):
    # Regression: "-0" was `invalid_number` here, zero in the landing and `unreadable_wage` in
    # AK1 (one rule now, `is_negative_pay`); 400 digits were checked as an infinite wage.
    source = tmp_path / "pay.csv"
    source.write_text(
        "id,title,description,salary_monthly_min,salary_monthly_max\n"
        f"v1,Kasir,x,-0,\nv2,Kasir,y,{'9' * 400},\nv3,Kasir,z,-5,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    wages = _wages(tmp_path)
    assert main(["check-vacancies", str(source), str(out), "--minimum-wages", str(wages)]) == 0
    assert pl.read_csv(out, infer_schema_length=0)["id"].to_list() == ["v1"]
    quarantine = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema_length=0)
    assert quarantine.select("id", "reason_code").rows() == [
        ("v2", "invalid_number"),
        ("v3", "salary_negative"),
    ]


def test_a_quoted_pay_value_is_masked_before_it_is_cut(tmp_path):
    # A phone typed into a pay field: the reason quotes 60 characters, and a phone cut short no
    # longer has a phone's shape, so it is masked first (`ingest.quarantine.quoted_value`).
    source = tmp_path / "pay.csv"
    typed = "x" * 47 + " 0812-3456-7890"
    source.write_text(
        f"id,title,description,salary_monthly_min,salary_monthly_max\nv1,Kasir,x,{typed},\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    wages = _wages(tmp_path)
    assert main(["check-vacancies", str(source), str(out), "--minimum-wages", str(wages)]) == 0
    reason = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema_length=0)["reason"].item()
    assert "[phone]" in reason and "0812" not in reason


def test_a_minimum_wage_table_without_its_columns_names_them_as_help_does(tmp_path, caplog):
    wages = tmp_path / "ump.csv"
    wages.write_text("provinsi,tahun,ump\n31,2024,5067381\n", encoding="utf-8")
    argv = ["check-vacancies", str(FIXTURE), str(tmp_path / "out.csv")]
    assert main([*argv, "--minimum-wages", str(wages)]) == 2
    assert "lacks column(s) province_bps_code, wage_year, minimum_wage_monthly_idr" in caplog.text
