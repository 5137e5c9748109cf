"""`normalise_postings` on a frame and the `lmis normalise` command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ingest.normalise import normalise_postings
from ingest.normalise.frame import OUTPUT_COLUMNS
from orchestration.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "postings_small.csv"


def test_frame_adds_every_output_column_and_keeps_rows() -> None:
    raw = pl.read_csv(FIXTURE, infer_schema=False)
    out = normalise_postings(raw)
    assert out.height == raw.height
    assert set(OUTPUT_COLUMNS) <= set(out.columns)
    by_id = {row["id"]: row for row in out.iter_rows(named=True)}
    assert by_id["1"]["salary_min"] == 950_000
    assert by_id["2"]["salary_min"] == 4_500_000
    assert by_id["3"]["salary_status"] == "competitive" and by_id["3"]["salary_min"] is None
    assert by_id["1"]["location_status"] == "ambiguous" and by_id["1"]["regency_code"] is None
    assert by_id["2"]["posted_date"] == dt.date(2021, 12, 14)
    assert by_id["4"]["posted_date"] == dt.date(2025, 7, 7)


def test_missing_columns_give_missing_statuses() -> None:
    out = normalise_postings(pl.DataFrame({"id": ["a"]}))
    row = out.row(0, named=True)
    assert row["salary_status"] == "missing"
    assert row["location_status"] == "missing"
    assert row["posted_date_status"] == "missing"


def test_input_with_output_column_names_is_refused() -> None:
    with pytest.raises(ValueError, match="salary_min"):
        normalise_postings(pl.DataFrame({"id": ["a"], "salary_min": [1]}))


def test_cli_writes_the_named_columns(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert main(["normalise", str(FIXTURE), str(target)]) == 0
    out = pl.read_csv(target, infer_schema=False)
    named = ["id", "salary_min", "salary_max", "salary_currency", "salary_period", "salary_status",
             "salary_monthly_min", "salary_monthly_max", "posted_date", "province_code",
             "regency_code", "location_status", "education_level"]  # fmt: skip
    assert set(named) <= set(out.columns)
    assert out.height == 6
    assert out.filter(pl.col("id") == "2")["salary_min"][0] == "4500000"


def test_cli_writes_whole_rupiah_as_integers_and_keeps_real_fractions(tmp_path: Path) -> None:
    # Regression: every amount was written as a float ("4500000.0").
    source = tmp_path / "pay.csv"
    source.write_text(
        "id,salary_text\n"
        'a,"Rp 4.500.000,00 - Rp 6.000.000"\n'
        "b,USD 4.5 - 7.25 per hour\n"
        "c,Rp 25.000 per jam\n"
        "d,Rp 300.000.000.000 per tahun\n"
        "e,Kompetitif\n"
        'f,"Rp 4.500.000,50"\n'
    )
    assert main(["normalise", str(source), str(tmp_path / "out.csv")]) == 0
    out = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    money = ["salary_min", "salary_max", "salary_monthly_min", "salary_monthly_max"]
    assert out.select("id", *money).rows() == [
        ("a", "4500000", "6000000", "4500000", "6000000"),
        ("b", "4.5", "7.25", "780", "1256.67"),
        # The monthly equivalent of an hourly rate (173.3 hours) has a real fraction of rupiah.
        ("c", "25000", "25000", "4333333.33", "4333333.33"),
        ("d", "300000000000", "300000000000", "25000000000", "25000000000"),
        ("e", None, None, None, None),
        ("f", "4500000.5", "4500000.5", "4500000.5", "4500000.5"),
    ]


def test_cli_names_the_file_when_id_is_missing(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.csv"
    bad.write_text("salary_text\nRp 5 juta\n")
    assert main(["normalise", str(bad), str(tmp_path / "o.csv")]) == 2
    assert "bad.csv" in caplog.text and "`id`" in caplog.text


def test_cli_quarantines_an_empty_id_and_keeps_the_rest(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    caplog.set_level("INFO")
    bad = tmp_path / "blank.csv"
    bad.write_text("id,salary_text\n1,Rp 5 juta\n,Rp 6 juta\n \t,Rp 7 juta\n4,Rp 8 juta\n")
    assert main(["normalise", str(bad), str(tmp_path / "o.csv")]) == 0
    assert pl.read_csv(tmp_path / "o.csv", infer_schema=False)["id"].to_list() == ["1", "4"]
    quarantine = pl.read_csv(tmp_path / "o.quarantine.csv", infer_schema=False)
    assert quarantine.select("source_row", "field", "reason_code").rows() == [
        ("3", "id", "id_missing"),
        ("4", "id", "id_missing"),
    ]
    assert quarantine["reason"][0] == "blank.csv line 3 field id: the id is empty (got '')"
    assert "4 rows read, 2 written" in caplog.text and "2 quarantined" in caplog.text


def test_cli_names_file_line_and_field_of_a_csv_syntax_error(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    bad = tmp_path / "unclosed.csv"
    bad.write_text('id,salary_text\n1,Rp 4 juta\n2,"Rp 5 juta\n3,Rp 6 juta\n')
    assert main(["normalise", str(bad), str(tmp_path / "o.csv")]) == 2
    assert "unclosed.csv: line 3 field `salary_text`" in caplog.text
    assert "infer_schema_length" not in caplog.text
    assert not (tmp_path / "o.csv").exists()


def test_cli_quarantines_negative_pay_and_later_duplicate_ids(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        'id,salary_text\na,Rp 5 juta\nb,-5000000\nc,"Rp 4 juta\n(nego)"\na,Rp 7 juta\nd,x,extra\n'
    )
    assert main(["normalise", str(source), str(tmp_path / "out.csv")]) == 0
    out = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert out["id"].to_list() == ["a", "c"]
    assert out["salary_min"].to_list() == ["5000000", "4000000"]
    quarantine = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema=False)
    assert quarantine.select("source_row", "id", "field", "reason_code").rows() == [
        ("3", "b", "salary_text", "salary_negative"),
        ("6", "a", "id", "id_duplicated"),
        ("7", "d", "*", "field_count"),
    ]
    assert "line 2" in quarantine.filter(pl.col("id") == "a")["reason"].item()


def test_cli_a_valid_row_after_a_negative_pay_row_of_its_id_is_written(tmp_path: Path) -> None:
    # One repeated-id rule (IdClaims, as every landing): a row quarantined for negative pay
    # claims no id, so the id's later usable row is written, and a third repeats that one.
    source = tmp_path / "in.csv"
    source.write_text("id,salary_text\na,-5000000\na,Rp 5 juta\na,Rp 6 juta\n")
    assert main(["normalise", str(source), str(tmp_path / "out.csv")]) == 0
    out = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert out.select("id", "salary_min").rows() == [("a", "5000000")]
    quarantine = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema=False)
    assert quarantine.select("source_row", "reason_code").rows() == [
        ("2", "salary_negative"),
        ("4", "id_duplicated"),
    ]
    assert quarantine["reason"][1].endswith("id 'a' is already used by the row on line 3")


def test_cli_reads_a_zero_end_of_pay_without_a_traceback(tmp_path: Path) -> None:
    # Regression (verification 2026-12-05, finding 1): "Rp 3000000 - 0" raised an AssertionError.
    source = tmp_path / "zero.csv"
    source.write_text(
        "id,salary_text\na,Rp 3000000 - 0\nb,0 - 5000000\nc,-0\nd,0 - 0\ne," + "9" * 400 + "\n"
    )
    assert main(["normalise", str(source), str(tmp_path / "out.csv")]) == 0
    out = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert out.select("id", "salary_status", "salary_min", "salary_max").rows() == [
        ("a", "parsed", "3000000", None),
        ("b", "parsed", None, "5000000"),
        ("c", "zero_placeholder", None, None),
        ("d", "zero_placeholder", None, None),
        ("e", "unparsed", None, None),
    ]


def test_cli_ids_differ_by_a_leading_zero_but_not_by_blanks(tmp_path: Path) -> None:
    # README: ids are compared without surrounding blanks and otherwise as written.
    source = tmp_path / "ids.csv"
    source.write_text("id,salary_text\n015758013,Rp 5 juta\n15758013,Rp 6 juta\n 15758013 ,x\n")
    assert main(["normalise", str(source), str(tmp_path / "out.csv")]) == 0
    out = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert out["id"].to_list() == ["015758013", "15758013"]
    quarantine = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema=False)
    assert quarantine.select("source_row", "reason_code").rows() == [("4", "id_duplicated")]
