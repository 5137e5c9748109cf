"""The one rule for gzipped inputs: a `.gz` suffix in any case."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ingest.compressed import is_gzipped, open_text


@pytest.mark.parametrize(
    ("name", "gzipped"),
    [
        ("in.csv.gz", True),
        ("IN.CSV.GZ", True),
        ("in.jsonl.Gz", True),
        ("in.csv", False),
        ("in.gz.csv", False),
        ("in.tgz", False),
    ],
)
def test_gz_suffix_in_any_case_means_gzip(name, gzipped) -> None:
    assert is_gzipped(Path(name)) is gzipped


def test_open_text_reads_plain_and_gzipped_files_alike(tmp_path) -> None:
    plain = tmp_path / "a.csv"
    plain.write_text("x\n1\n", encoding="utf-8")
    packed = tmp_path / "A.CSV.GZ"
    with gzip.open(packed, "wt", encoding="utf-8") as handle:
        handle.write("x\n1\n")
    for path in (plain, packed):
        with open_text(path) as handle:
            assert handle.read() == "x\n1\n"


def test_open_text_drops_a_byte_order_mark(tmp_path) -> None:
    # Excel and Notepad write one; it made a Karirhub details file's first line invalid JSON.
    marked = tmp_path / "details.jsonl"
    marked.write_bytes(b'\xef\xbb\xbf{"id": 1}\n')
    packed = tmp_path / "details.jsonl.gz"
    with gzip.open(packed, "wb") as handle:
        handle.write(b'\xef\xbb\xbf{"id": 1}\n')
    for path in (marked, packed):
        with open_text(path) as handle:
            assert handle.read() == '{"id": 1}\n'
