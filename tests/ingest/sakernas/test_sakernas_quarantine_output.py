"""Where Sakernas quarantine goes: beside OUT of `lmis sakernas indicators`, and `raw.quarantine`
of the warehouse when the estimates asset lands a round.

Regression: the command logged "6 quarantined" but the file, row, variable and value of those
rows were written nowhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dagster_duckdb import DuckDBResource

from ingest.sakernas.generator import generate, parse_rounds
from ingest.sakernas.pipeline import landing_quarantine
from ingest.sakernas.readers import read_microdata
from orchestration import settings
from orchestration.cli import main
from orchestration.sakernas import assets as sakernas_assets
from orchestration.settings import DATA_DIR

JAMBI_FILE = DATA_DIR / "real" / "sakernas-2020-08-jambi" / "sakernas_2020_08_jambi.csv.gz"


@pytest.fixture(scope="module")
def jambi_sample() -> pl.DataFrame:
    data, _labels, _missing = read_microdata(JAMBI_FILE)
    return data.head(300)


def _faulty(sample: pl.DataFrame) -> pl.DataFrame:
    """The sample with a repeat of its first person (row 301), an age of 999 (row 3), a bad
    weight (row 5) and a place name with a line break (row 2), which makes the CSV lines and
    the rows differ by one from row 3 on."""
    frame = sample.with_row_index("_n").with_columns(
        pl.when(pl.col("_n") == 2).then(pl.lit("999")).otherwise(pl.col("K6")).alias("K6"),
        pl.when(pl.col("_n") == 4)
        .then(pl.lit("-7"))
        .otherwise(pl.col("FINAL_WEIG"))
        .alias("FINAL_WEIG"),
        pl.when(pl.col("_n") == 1)
        .then(pl.lit("KERINCI\nHULU"))
        .otherwise(pl.col("NAMA_KAB"))
        .alias("NAMA_KAB"),
    )
    return pl.concat([frame, frame.head(1)]).drop("_n")


def test_indicators_writes_the_quarantine_beside_out_numbered_by_file_line(
    tmp_path: Path, jambi_sample: pl.DataFrame
) -> None:
    source = tmp_path / "faulty.csv"
    _faulty(jambi_sample).write_csv(source)
    out = tmp_path / "lfi.parquet"
    assert main(["sakernas", "indicators", "--round", "2020-08", str(source), str(out)]) == 0
    quarantine = pl.read_parquet(tmp_path / "lfi_quarantine.parquet")
    assert quarantine.columns == [
        "source", "source_file", "source_row", "field", "reason_code", "reason", "raw_record",
    ]  # fmt: skip
    # Header = line 1; the line break in row 2 puts row 3 on line 5 and row 301 on line 303.
    assert quarantine.select("source_row", "field", "reason_code").rows() == [
        (5, "K6", "age_out_of_range"),
        (7, "FINAL_WEIG", "weight_missing_or_not_positive"),
        (303, "URUTAN", "id_duplicated"),
    ]
    assert set(quarantine["source"]) == {"sakernas"}
    assert set(quarantine["source_file"]) == {"faulty.csv"}
    reasons = quarantine["reason"].to_list()
    assert reasons[0].startswith("faulty.csv line 5 field K6: age '999' is outside 0-98")
    first_key = jambi_sample["URUTAN"][0]
    assert reasons[2] == (
        f"faulty.csv line 303 field URUTAN: id '{first_key}' is already used by the row on line 2"
    )
    # Only the problem variables' values: no other answer of the person is copied.
    assert json.loads(quarantine["raw_record"][0]) == {"K6": "999"}


def test_a_clean_input_writes_an_empty_quarantine_with_its_columns(tmp_path: Path) -> None:
    out = tmp_path / "lfi.parquet"
    arguments = ["sakernas", "indicators", "--round", "2020-08", str(JAMBI_FILE), str(out)]
    assert main(arguments) == 0
    quarantine = pl.read_parquet(tmp_path / "lfi_quarantine.parquet")
    assert quarantine.height == 0
    assert "reason_code" in quarantine.columns


def test_rows_of_a_file_without_lines_are_numbered_as_records(tmp_path: Path) -> None:
    records = pl.DataFrame(
        {
            "source_file": ["f.parquet"] * 3,
            "source_row": [4, 4, 9],
            "field": ["K6", "R16A", "URUTAN"],
            "raw_value": ["-1", "200", "7"],
            "reason": ["age_out_of_range", "hours_out_of_range", "id_duplicated"],
            "claimed_by_row": [None, None, 2],
        }
    )
    rows = landing_quarantine(records, tmp_path / "f.parquet", ["URUTAN", "K6", "R16A"])
    assert rows.select("source_row", "field", "reason_code").rows() == [
        (4, "K6;R16A", "age_out_of_range;hours_out_of_range"),
        (9, "URUTAN", "id_duplicated"),
    ]
    assert rows["reason"][1] == (
        "f.parquet record 9 field URUTAN: id '7' is already used by the row on record 2"
    )


def test_the_estimates_asset_lands_its_quarantine_in_raw_quarantine(
    tmp_path: Path, jambi_sample: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "faulty.csv"
    _faulty(jambi_sample).write_csv(source)
    monkeypatch.setattr(sakernas_assets, "real_round_files", lambda _data: {"2020-08": [source]})
    warehouse = tmp_path / "warehouse.duckdb"
    resources = {"warehouse": DuckDBResource(database=str(warehouse))}
    for _ in range(2):  # landing the round again replaces its quarantine rows
        result = dg.materialize(
            [sakernas_assets.sakernas_indicator_estimates],
            partition_key="2020-08",
            resources=resources,
        )
        assert result.success
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select source, partition_key, source_file, source_row, reason_code "
            "from raw.quarantine order by source_row"
        ).fetchall()
    finally:
        con.close()
    table = "sakernas_indicator_estimates"
    assert rows == [
        (table, "2020-08", "faulty.csv", 5, "age_out_of_range"),
        (table, "2020-08", "faulty.csv", 7, "weight_missing_or_not_positive"),
        (table, "2020-08", "faulty.csv", 303, "id_duplicated"),
    ]


def test_a_synthetic_rounds_quarantine_balances_with_its_load_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data" / sakernas_assets.SYNTHETIC_FOLDER
    folder.mkdir(parents=True)
    generate(folder, DATA_DIR, parse_rounds("2024"), 38 * 30, seed=5)
    [round_file] = folder.glob("sakernas_synthetic_*.parquet")
    table = pq.read_table(round_file)
    # A person entered twice; the file keeps the metadata that names its round mapping.
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), round_file)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "data")
    warehouse = tmp_path / "warehouse.duckdb"
    result = dg.materialize(
        [sakernas_assets.sakernas_indicator_estimates_synthetic],
        partition_key="2024-08",
        resources={"warehouse": DuckDBResource(database=str(warehouse))},
    )
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        audit = con.execute(
            "select source, rows_read, rows_quarantined from raw.load_audit"
        ).fetchall()
        quarantined = con.execute(
            "select source, partition_key, source_row, field, reason_code, reason "
            "from raw.quarantine"
        ).fetchall()
    source = sakernas_assets.SYNTHETIC_SOURCE
    assert audit == [(source, table.num_rows + 1, 1)]
    row = table.num_rows + 1
    assert quarantined == [
        (
            source,
            "2024-08",
            row,
            "KODE_PROV+URUTAN",
            "id_duplicated",
            f"{round_file.name} record {row} field KODE_PROV+URUTAN: id "
            f"'{table['KODE_PROV'][0]}-{table['URUTAN'][0]}' is already used by the row on "
            "record 1",
        )
    ]
