"""Reader regression tests: user-missing codes, shared value labels, leading zeros, every format."""

from __future__ import annotations

import struct
from pathlib import Path

import pandas as pd
import polars as pl
import pyreadstat
import pytest

from ingest.sakernas import read_microdata
from ingest.sakernas.readers import MicrodataReadError


def _write_dbf(path: Path, fields: list[tuple[str, str, int]], rows: list[list[str]]) -> None:
    """A minimal dBase III file: character (C) and numeric (N) fields, stored right as BPS does."""
    header_length = 32 + 32 * len(fields) + 1
    record_length = 1 + sum(length for _, _, length in fields)
    header = struct.pack("<BBBBIHH20x", 3, 124, 8, 15, len(rows), header_length, record_length)
    descriptors = b"".join(
        struct.pack("<11sc4xBB14x", name.encode(), kind.encode(), length, 0)
        for name, kind, length in fields
    )
    body = b""
    for row in rows:
        body += b" "
        for (_, kind, length), value in zip(fields, row, strict=True):
            text = value.rjust(length) if kind == "N" else value.ljust(length)
            body += text.encode("ascii")
    path.write_bytes(header + descriptors + b"\r" + body + b"\x1a")


def test_spss_user_missing_codes_become_null_with_reason(tmp_path: Path) -> None:
    frame = pd.DataFrame({"R6A": [1.0, 2.0, 9.0, 98.0], "R14A1": [1.5e6, 99999999.0, 2e6, 0.0]})
    path = tmp_path / "user_missing.sav"
    pyreadstat.write_sav(
        frame,
        path,
        variable_value_labels={"R6A": {1: "SD", 2: "SMP", 9: "Tidak tahu"}},
        missing_ranges={"R6A": [9, 98], "R14A1": [{"lo": 99999999, "hi": 99999999}]},
    )
    data, labels, missing = read_microdata(path)
    assert data["R6A"].to_list() == ["1", "2", None, None]
    assert data["R14A1"].to_list() == ["1500000", None, "2000000", "0"]
    reasons = missing.sort("variable", "row_number").rows()
    assert reasons == [
        ("R14A1", 2, "99999999", "declared_user_missing", None),
        ("R6A", 3, "9", "declared_user_missing", "Tidak tahu"),
        ("R6A", 4, "98", "declared_user_missing", None),
    ]
    # A declared missing value can no longer reach a mean.
    assert data["R14A1"].cast(pl.Float64).mean() == pytest.approx(3.5e6 / 3)
    assert labels.filter(pl.col("variable") == "R6A").height == 3


def test_stata_value_label_shared_by_two_codes_keeps_both_codes(tmp_path: Path) -> None:
    frame = pd.DataFrame({"R25A": [7.0, 8.0, 8.0, 1.0]})
    path = tmp_path / "shared_label.dta"
    pyreadstat.write_dta(
        frame, path, variable_value_labels={"R25A": {1: "Putus asa", 7: "Lainnya", 8: "Lainnya"}}
    )
    data, labels, _missing = read_microdata(path)
    assert data["R25A"].to_list() == ["7", "8", "8", "1"]
    shared = labels.filter(pl.col("label") == "Lainnya").sort("code")
    assert shared["code"].to_list() == ["7", "8"]
    assert data["R25A"].n_unique() == 3


def test_leading_zeros_survive_every_format(tmp_path: Path) -> None:
    spss = tmp_path / "zeros.sav"
    pyreadstat.write_sav(
        pd.DataFrame({"KODE_KAB": [1.0, 71.0], "KBJI": ["0110", "2511"]}),
        spss,
        variable_format={"KODE_KAB": "N2"},
    )
    stata = tmp_path / "zeros.dta"
    pyreadstat.write_dta(
        pd.DataFrame({"KODE_KAB": [1.0, 71.0]}), stata, variable_format={"KODE_KAB": "%02.0f"}
    )
    csv = tmp_path / "zeros.csv"
    csv.write_text("KODE_KAB,KBJI\n01,0110\n71,2511\n")
    dbf = tmp_path / "zeros.dbf"
    _write_dbf(dbf, [("KODE_KAB", "C", 2), ("KBJI", "C", 4), ("K6", "N", 3)],
               [["01", "0110", "39"], ["71", "2511", "7"]])  # fmt: skip
    parquet = tmp_path / "zeros.parquet"
    pl.DataFrame({"KODE_KAB": ["01", "71"], "K6": [39, 7]}).write_parquet(parquet)

    assert read_microdata(spss).data["KODE_KAB"].to_list() == ["01", "71"]
    assert read_microdata(spss).data["KBJI"].to_list() == ["0110", "2511"]
    assert read_microdata(stata).data["KODE_KAB"].to_list() == ["01", "71"]
    assert read_microdata(csv).data["KBJI"].to_list() == ["0110", "2511"]
    dbf_data = read_microdata(dbf).data
    assert dbf_data["KODE_KAB"].to_list() == ["01", "71"]
    assert dbf_data["KBJI"].to_list() == ["0110", "2511"]
    assert dbf_data["K6"].to_list() == ["39", "7"]
    parquet_data = read_microdata(parquet).data
    assert parquet_data["KODE_KAB"].to_list() == ["01", "71"]
    assert parquet_data["K6"].to_list() == ["39", "7"]


def test_unsupported_or_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(MicrodataReadError, match="no such file"):
        read_microdata(tmp_path / "absent.sav")
    odd = tmp_path / "data.xlsx"
    odd.write_text("x")
    with pytest.raises(MicrodataReadError, match="data.xlsx: unsupported format"):
        read_microdata(odd)
