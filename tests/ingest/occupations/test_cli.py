"""`lmis classify-titles`: file in, codes out, quarantine beside, clear errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from orchestration.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_classify_titles_writes_the_documented_columns(tmp_path, occupation_model):
    output = tmp_path / "out.csv"
    assert main(["classify-titles", str(FIXTURES / "titles.csv"), str(output)]) == 0
    coded = pl.read_csv(output, infer_schema=False)
    assert coded.columns == [
        "id",
        "kbji4",
        "isco08",
        "confidence",
        "kbji4_alt1",
        "kbji4_alt2",
        "is_auto_coded",
    ]
    assert coded.height == 8
    assert coded.filter(pl.col("id") == "a4")["kbji4"].item() == "5230"
    quarantine = pl.read_csv(tmp_path / "out.quarantine.csv", infer_schema=False)
    assert quarantine["id"].to_list() == ["a3", "a7"]
    assert quarantine["source_file"].str.ends_with("titles.csv").all()
    # File lines, header = line 1: a3 is the third data row, on line 4.
    assert quarantine["source_row"].to_list() == ["4", "8"]


def test_rows_are_numbered_by_file_line_and_later_duplicate_ids_name_the_first(
    tmp_path, occupation_model
):
    source = tmp_path / "titles.csv"
    source.write_text(
        'id,title,description\nb1,Kasir,"Jujur\nteliti"\nb2,,\nb1,Staf Gudang,\n',
        encoding="utf-8",
    )
    output = tmp_path / "coded.csv"
    assert main(["classify-titles", str(source), str(output)]) == 0
    assert not (tmp_path / "coded.csv.quarantine.csv").exists()
    quarantine = pl.read_csv(tmp_path / "coded.quarantine.csv", infer_schema=False)
    assert quarantine.select("source_row", "id", "field", "reason_code").rows() == [
        ("4", "b2", "title", "title_missing"),
        ("5", "b1", "id", "id_duplicated"),
    ]
    assert "line 2" in quarantine["reason"][1]


def test_a_csv_syntax_error_names_file_line_and_field(tmp_path, caplog):
    source = tmp_path / "broken.csv"
    source.write_text('id,title\n1,Kasir\n2,"Staf Gudang\n', encoding="utf-8")
    assert main(["classify-titles", str(source), str(tmp_path / "out.csv")]) == 2
    assert "broken.csv: line 3 field `title`" in caplog.text


def test_missing_title_column_names_file_and_field(tmp_path, caplog):
    source = tmp_path / "bad.csv"
    source.write_text("id,name\n1,Kasir\n", encoding="utf-8")
    assert main(["classify-titles", str(source), str(tmp_path / "out.csv")]) == 2
    assert "bad.csv" in caplog.text and "title" in caplog.text
    assert not (tmp_path / "out.csv").exists()


def test_missing_input_file_is_an_error(tmp_path, caplog):
    assert main(["classify-titles", str(tmp_path / "none.csv"), str(tmp_path / "o.csv")]) == 2
    assert "no such file" in caplog.text


def test_the_threshold_is_logged_with_four_decimals_and_minus_zero_as_zero(
    tmp_path, occupation_model, caplog
):
    caplog.set_level("INFO")
    source = tmp_path / "in.csv"
    source.write_text("id,title\n1,guru matematika\n2,---\n")
    assert main(["classify-titles", str(source), str(tmp_path / "out.csv")]) == 0
    # The build's threshold (0.8884 or so) in full, not "0.89".
    assert f"at threshold {occupation_model.auto_code_threshold:.4f})" in caplog.text
    caplog.clear()
    zero = tmp_path / "zero.csv"
    assert main(["classify-titles", str(source), str(zero), "--threshold", "-0"]) == 0
    assert "-0.0" not in caplog.text
    # The uncoded row (no job words, confidence 0) is not auto-coded even at threshold 0.
    assert "2 rows in, 1 coded (1 auto-coded at threshold 0.0000)" in caplog.text
    coded = pl.read_csv(zero, infer_schema=False)
    assert coded["is_auto_coded"].to_list() == ["true", "false"]
