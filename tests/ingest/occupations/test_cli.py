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
    quarantine = pl.read_csv(tmp_path / "out.csv.quarantine.csv", infer_schema=False)
    assert quarantine["id"].to_list() == ["a3", "a7"]
    assert quarantine["source_file"].str.ends_with("titles.csv").all()


def test_missing_title_column_names_file_and_field(tmp_path, caplog):
    source = tmp_path / "bad.csv"
    source.write_text("id,name\n1,Kasir\n", encoding="utf-8")
    assert main(["classify-titles", str(source), str(tmp_path / "out.csv")]) == 2
    assert "bad.csv" in caplog.text and "title" in caplog.text
    assert not (tmp_path / "out.csv").exists()


def test_missing_input_file_is_an_error(tmp_path, caplog):
    assert main(["classify-titles", str(tmp_path / "none.csv"), str(tmp_path / "o.csv")]) == 2
    assert "no such file" in caplog.text
