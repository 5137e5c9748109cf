"""The convention every `lmis IN.csv OUT.csv` command shares (ingest/file_commands.py)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from ingest.csv_records import CsvInputError
from ingest.file_commands import LINE_COLUMN, quarantine_path, read_rows, split_duplicate_ids


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("out/flags.csv", "out/flags.quarantine.csv"),
        ("codes.CSV", "codes.quarantine.csv"),
        ("result", "result.quarantine.csv"),
        ("a.b.csv", "a.b.quarantine.csv"),
    ],
)
def test_quarantine_file_sits_beside_out_with_csv_replaced(output: str, expected: str) -> None:
    assert quarantine_path(Path(output)) == Path(expected)


def test_rows_are_numbered_by_the_file_line_they_start_on(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('id,text\n1,"two\nlines"\n\n2,plain\n3,"three\n\nlines"\n4,x\n')
    rows = read_rows(source, "test")
    assert rows.frame["id"].to_list() == ["1", "2", "3", "4"]
    assert rows.frame[LINE_COLUMN].to_list() == [2, 5, 6, 9]


def test_a_row_of_the_wrong_shape_is_quarantined_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,a\n2,b,c\n3\n")
    rows = read_rows(source, "test")
    assert rows.frame["id"].to_list() == ["1"]
    assert [(r["source_row"], r["id"], r["reason_code"]) for r in rows.quarantine] == [
        (3, "2", "field_count"),
        (4, "3", "field_count"),
    ]
    assert rows.rows_read == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('id,text\n1,a\n2,"open\n3,c\n', "in.csv: line 3 field `text`: CSV syntax error"),
        ('id,text\n1,a\n"2"x,b\n', "in.csv: line 3 field `id`: CSV syntax error"),
    ],
)
def test_a_syntax_error_names_file_line_and_field(
    tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content)
    with pytest.raises(CsvInputError, match=message):
        read_rows(source, "test")


def test_later_rows_of_a_repeated_id_name_the_first(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('id,text\na,"x\ny"\nb,z\na,w\n')
    rows = read_rows(source, "test")
    kept, records = split_duplicate_ids(rows, source, "test")
    assert kept["id"].to_list() == ["a", "b"]
    assert [(r["source_row"], r["reason_code"]) for r in records] == [(5, "id_duplicated")]
    assert "line 2" in records[0]["reason"]


def test_a_row_unusable_for_another_reason_claims_no_id(tmp_path: Path) -> None:
    # IdClaims: the row on line 2 is quarantined elsewhere, so line 3 claims `a`, line 4 repeats.
    source = tmp_path / "in.csv"
    source.write_text("id,text\na,x\na,y\na,z\n")
    rows = read_rows(source, "test")
    kept, records = split_duplicate_ids(rows, source, "test", unusable_lines=[2])
    assert kept[LINE_COLUMN].to_list() == [2, 3]
    assert [(r["source_row"], r["reason_code"]) for r in records] == [(4, "id_duplicated")]
    assert records[0]["reason"].endswith("id 'a' is already used by the row on line 3")


def test_empty_file_and_missing_file_are_errors_naming_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CsvInputError, match="empty.csv: file is empty"):
        read_rows(empty, "test")
    with pytest.raises(CsvInputError, match="none.csv: no such file"):
        read_rows(tmp_path / "none.csv", "test")


def test_a_gz_file_that_is_not_gzip_or_is_cut_short_is_an_error_naming_the_file(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "plain.csv.gz"
    plain.write_text("title,company\nclerk,PT A\n")
    with pytest.raises(CsvInputError, match="plain.csv.gz: cannot be read from its start"):
        read_rows(plain, "test")
    whole = gzip.compress(("title,company\n" + "clerk,PT A\n" * 5000).encode())
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CsvInputError, match="cut.csv.gz: cannot be read after line"):
        read_rows(cut, "test")


def test_an_uppercase_gz_suffix_is_read_as_gzip(tmp_path: Path) -> None:
    # IN.CSV.GZ was read as plain text: "not UTF-8 text (byte 0x8B)".
    for name in ("IN.CSV.GZ", "in.csv.Gz"):
        path = tmp_path / name
        path.write_bytes(gzip.compress(b"title,company\nclerk,PT A\n"))
        rows = read_rows(path, "test")
        assert rows.frame.drop(LINE_COLUMN).to_dicts() == [{"title": "clerk", "company": "PT A"}]


@pytest.fixture
def small_field_limit():
    """A field limit of 1 KiB instead of 16 MiB, so that a test file can exceed it cheaply."""
    previous = csv.field_size_limit(1024)
    yield
    csv.field_size_limit(previous)


@pytest.mark.usefixtures("small_field_limit")
def test_a_value_over_the_field_limit_is_named_as_such_not_as_bad_quoting(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,title,description\n1,a,b\n2,x," + "y" * 2000 + "\n3,c,d\n")
    with pytest.raises(CsvInputError) as error:
        read_rows(source, "test")
    message = str(error.value)
    assert "in.csv: line 3 field `description`: a value longer than 1 KiB" in message
    assert "quoting" not in message


@pytest.mark.parametrize(("separator", "named"), [(";", "`;`"), ("\t", "tabs")])
def test_a_file_separated_by_semicolons_or_tabs_is_refused_naming_the_separator(
    tmp_path: Path, separator: str, named: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(separator.join(["id", "title"]) + "\n" + separator.join(["1", "a"]) + "\n")
    with pytest.raises(CsvInputError, match=f"in.csv: line 1: .* separated by {named}"):
        read_rows(source, "test")


def test_a_repeated_byte_order_mark_is_no_part_of_the_first_column_name(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("\ufeff\ufeffid,title\n1,a\n", encoding="utf-8")
    assert read_rows(source, "test").columns == ["id", "title"]


def test_a_row_with_one_field_says_one_field(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,title\n3\n")
    assert read_rows(source, "test").quarantine[0]["reason"].endswith("1 field, the header has 2")
