"""Landing of delimited files: every row is loaded or quarantined, with the reason named."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import re
from pathlib import Path

import duckdb
import pytest

from ingest.landing import LandingError, land_csv_file, land_source, snake_case
from ingest.quarantine import negative_pay_detail
from ingest.sources import source_by_name

FIXTURES = Path(__file__).parent / "fixtures"
DEALLS_ROW = {
    "job_title": "Kasir",
    "job_location": "Bekasi",
    "job_department": "Admin And Ops",
    "job_url": "https://dealls.com/role/kasir",
    "first_seen": "22/08/2024 10:44:59",
    "base_salary": "N/A",
    "job_type": "fullTime",
    "job_level": "N/A",
    "job_apply_end_date": "",
    "last_seen": "2024-08-19T06:40:18.237Z",
    "is_active": "True",
    "company": "PT Contoh",
    "company_url": "N/A",
    "job_board": "Dealls",
    "job_board_url": "https://dealls.com/",
}


def _dealls_file(path: Path, *rows: dict[str, str] | str) -> Path:
    """A Dealls file: a dict is a row (overriding `DEALLS_ROW`), a string a line as it is."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DEALLS_ROW)
        for row in rows:
            if isinstance(row, str):
                handle.write(row + "\n")
            else:
                writer.writerow({**DEALLS_ROW, **row}.values())
    return path


def _assert_refused(path: Path, message: str) -> None:
    """Landing the Dealls file `path` fails with `message` (the file commands' wording)."""
    with pytest.raises(LandingError, match=re.escape(message)):
        land_csv_file(source_by_name("dealls"), path)


def test_snake_case_keeps_survey_variable_names_whole():
    assert snake_case("salaryMin") == "salary_min"
    assert snake_case("Job ID") == "job_id"
    assert snake_case("SMA/SMK/STM") == "sma_smk_stm"
    assert snake_case("R13B_KBJI2") == "r13b_kbji2"
    assert snake_case("isClassified") == "is_classified"


def test_jobstreet_sample_loads_every_row_as_text():
    spec = source_by_name("jobstreet")
    loaded, quarantined, accounting = land_csv_file(spec, FIXTURES / "jobstreet_sample.csv")
    assert accounting == {
        "source": "jobstreet",
        "source_file": "jobstreet_sample.csv",
        "rows_read": 5,
        "rows_loaded": 5,
        "rows_quarantined": 0,
    }
    assert quarantined == []
    text_fields = {k: v for k, v in loaded[0].items() if k != "_source_row"}
    assert all(isinstance(value, str) for value in text_fields.values())
    assert loaded[0]["_source_row"] == 2


def test_shifted_header_extract_is_quarantined_with_file_row_and_field():
    # Regression: the April 2022 JobStreet extract has an extra header column, so every value
    # from `employment` on sits one column to the left of its name.
    spec = source_by_name("jobstreet")
    loaded, quarantined, accounting = land_csv_file(spec, FIXTURES / "jobstreet_shifted_header.csv")
    assert loaded == []
    assert accounting["rows_read"] == 3
    assert accounting["rows_quarantined"] == 3
    first = quarantined[0]
    assert first["source_file"] == "jobstreet_shifted_header.csv"
    assert first["source_row"] == 2
    # The extract has no `snapshot_file`, and this fixture's name names no crawl day either.
    assert first["field"] == "id;job_url;posted_at;salary_max;snapshot_file"
    assert first["reason_code"] == (
        "invalid_id;invalid_url;invalid_timestamp;invalid_number;missing_column"
    )
    assert first["reason"].count("values may be shifted") == 1
    assert "company_description" in first["reason"]
    assert '"job_title"' in first["raw_record"]


def test_missing_required_column_quarantines_every_row(tmp_path):
    path = tmp_path / "dealls_no_url.csv"
    path.write_text("job_title,job_location\nAdmin,Jakarta Barat\n,Bekasi\n")
    loaded, quarantined, accounting = land_csv_file(source_by_name("dealls"), path)
    assert loaded == []
    missing = list(source_by_name("dealls").required_columns[2:])
    assert [q["field"] for q in quarantined] == [
        ";".join(missing),
        ";".join(["job_title", *missing]),
    ]
    assert [q["reason_code"] for q in quarantined] == [
        ";".join(["missing_column"] * 13),
        ";".join(["missing_title", *["missing_column"] * 13]),
    ]
    assert quarantined[0]["reason"].startswith(
        "dealls_no_url.csv line 2 field job_department: the header has no such column; "
        "field job_url: the header has no such column; "
    )
    assert accounting["rows_read"] == accounting["rows_quarantined"] == 2


def test_row_with_wrong_field_count_is_quarantined_and_others_load(tmp_path):
    header = (FIXTURES / "jobstreet_sample.csv").read_text().splitlines()[0]
    good = (FIXTURES / "jobstreet_sample.csv").read_text().splitlines()[1]
    path = tmp_path / "ragged.csv"
    path.write_text(f"{header}\n{good}\nonly,three,fields\n")
    loaded, quarantined, _ = land_csv_file(source_by_name("jobstreet"), path)
    assert len(loaded) == 1
    assert quarantined[0]["reason_code"] == "field_count"
    assert quarantined[0]["source_row"] == 3


def test_file_not_in_utf8_is_refused_naming_line_field_and_byte(tmp_path):
    # Regression: the message gave the decoder's offset in its current chunk of the file ("near
    # byte 583" for byte 16,967); it now names line, field and byte as the file commands do.
    path = _dealls_file(tmp_path / "latin1.csv", {"job_title": "Kasir\nshift malam"}, *[{}] * 100)
    with path.open("ab") as handle:
        handle.write(
            ",".join({**DEALLS_ROW, "job_location": "Cikarang Selatan"}.values())
            .encode()
            .replace(b"Selatan", "Sélatan".encode("latin-1"))
        )
    _assert_refused(
        path,
        "latin1.csv: line 104 field `job_location`: not UTF-8 text (byte 0xE9); re-export the "
        "file as UTF-8",
    )


def test_empty_file_fails_naming_the_file(tmp_path):
    path = tmp_path / "empty.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("")
    with pytest.raises(LandingError, match="empty.csv.gz.*empty"):
        land_csv_file(source_by_name("jobstreet"), path)


def test_codes_keep_their_leading_zeros():
    spec = source_by_name("kbji2014_structure")
    result = land_source(spec, Path(__file__).parents[2] / "data")
    codes = set(result.loaded["kbji_code"].to_list())
    assert {"0", "01", "011", "0111"} <= codes


def test_source_accounting_balances_across_files():
    spec = source_by_name("jobstreet")
    result = land_source(
        spec,
        FIXTURES,
        paths=[FIXTURES / "jobstreet_sample.csv", FIXTURES / "jobstreet_shifted_header.csv"],
    )
    assert result.rows_read == 8
    assert result.rows_loaded == 5
    assert result.rows_quarantined == 3
    assert result.rows_read == result.rows_loaded + result.rows_quarantined


def test_ump_2025_values_are_landed_beside_the_bps_table():
    """The 20 provinces' UMP 2025 (news transcription) land with the BPS 2015-2024 table."""
    data = Path(__file__).resolve().parents[2] / "data"
    result = land_source(source_by_name("ump_province"), data)
    assert result.rows_quarantined == 0
    loaded = result.loaded
    year_2025 = loaded.filter(loaded["year"] == "2025")
    assert year_2025.height == 20
    assert set(year_2025["source"].to_list()) == {"news-excerpts-2024-12"}
    west_java = year_2025.filter(year_2025["province"] == "Jawa Barat")
    assert west_java["ump_idr"].item() == "2191232"
    assert loaded.filter(loaded["year"] == "2024").height == 39


def test_quarantine_reason_names_the_file_line_as_the_file_commands_do(tmp_path):
    # Regression: the reason said "row 4" while the `lmis` file commands say "line 4" for the
    # same number (the file line a row starts on, header = line 1, a quoted line break counted).
    path = _dealls_file(
        tmp_path / "dealls.csv",
        {"job_title": "Kasir\nshift malam"},
        {"job_url": "dealls.com/role/kasir"},
        "only,two",
    )
    loaded, quarantined, accounting = land_csv_file(source_by_name("dealls"), path)
    assert [row["_source_row"] for row in loaded] == [2]
    assert [(q["source_row"], q["field"], q["reason"]) for q in quarantined] == [
        (
            4,
            "job_url",
            "dealls.csv line 4 field job_url: job URL must start with http "
            "(got 'dealls.com/role/kasir')",
        ),
        (5, "*", "dealls.csv line 5 field *: 2 fields, the header has 15"),
    ]
    assert accounting["rows_read"] == 3


def test_a_row_with_several_problems_is_one_quarantine_row_listing_them_all(tmp_path):
    # Regression: only the row's first failed check was named, so a row fixed for it could fail
    # again on the next; the file commands list every problem, in the file's column order.
    path = _dealls_file(
        tmp_path / "dealls.csv",
        {
            "base_salary": "sepuluh juta",
            "first_seen": "2024-08-22",
            "job_title": " ",
            "job_url": "dealls.com/role/kasir",
        },
        {},
    )
    loaded, quarantined, accounting = land_csv_file(source_by_name("dealls"), path)
    assert [row["_source_row"] for row in loaded] == [3]
    assert len(quarantined) == 1
    row = quarantined[0]
    assert row["field"] == "job_title;job_url;first_seen;base_salary"
    assert row["reason_code"] == "missing_title;invalid_url;invalid_timestamp;invalid_number"
    assert row["reason"] == (
        "dealls.csv line 2 field job_title: job title is empty (got ' '); "
        "field job_url: job URL must start with http (got 'dealls.com/role/kasir'); "
        "field first_seen: first_seen must be 'DD/MM/YYYY HH:MM:SS' (got '2024-08-22'); "
        "field base_salary: base_salary must be a number or N/A (got 'sepuluh juta')"
    )
    assert accounting["rows_read"] == accounting["rows_loaded"] + accounting["rows_quarantined"]


def test_a_quote_never_closed_stops_the_landing_naming_line_and_field(tmp_path):
    # Regression: the lenient reader took the rest of the file as one value of one row, so the
    # rows after it were never counted; the file commands' reader refuses the file by name.
    path = _dealls_file(tmp_path / "dealls.csv", {}, 'Admin,"Jakarta', {}, {})
    _assert_refused(
        path,
        "dealls.csv: line 3 field `job_location`: CSV syntax error, a quoted value opens here and "
        "is never closed",
    )


def test_blank_lines_are_no_rows_as_in_the_file_commands(tmp_path):
    path = _dealls_file(tmp_path / "dealls.csv", {}, "", {"job_url": "dealls.com/kasir"})
    loaded, quarantined, accounting = land_csv_file(source_by_name("dealls"), path)
    assert [row["_source_row"] for row in loaded] == [2]
    assert [(q["source_row"], q["reason_code"]) for q in quarantined] == [(4, "invalid_url")]
    assert accounting["rows_read"] == 2


LOKERID_ROW = {
    **dict.fromkeys(source_by_name("lokerid").required_columns, ""),
    "job_id": "1001",
    "title": "Staf Gudang",
    "posted_date": "2025-07-01 10:00:00",
    "min_salary": "4000000",
    "max_salary": "5000000",
}


def _lokerid_file(path: Path, *rows: dict[str, str]) -> Path:
    """A Loker.id file whose rows override `LOKERID_ROW` (header already in snake_case)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LOKERID_ROW)
        for number, row in enumerate(rows):
            writer.writerow({**LOKERID_ROW, "job_id": str(2000 + number), **row}.values())
    return path


def _problems(quarantined: list[dict]) -> list[tuple[int, str, str]]:
    return [(q["source_row"], q["field"], q["reason_code"]) for q in quarantined]


def test_an_impossible_date_is_quarantined_as_invalid_date_not_left_to_fail_staging(tmp_path):
    # Regression: `2025-02-30 10:00:00` had the layout, was landed, and then
    # `cast(posted_date as timestamp)` in stg_lokerid__postings failed the whole dbt build
    # without naming the file or line.
    path = _lokerid_file(
        tmp_path / "lokerid.csv",
        {"posted_date": "2025-02-30 10:00:00"},
        {"posted_date": "2025-07-01 25:61"},
        {"posted_date": "2024-02-29 23:59"},
        {"posted_date": "2025-07-01"},
    )
    loaded, quarantined, accounting = land_csv_file(source_by_name("lokerid"), path)
    assert _problems(quarantined) == [
        (2, "posted_date", "invalid_date"),
        (3, "posted_date", "invalid_date"),
        (5, "posted_date", "invalid_timestamp"),
    ]
    assert quarantined[0]["reason"] == (
        "lokerid.csv line 2 field posted_date: Posted Date is not a real date and time (day of "
        "month or time of day out of range) (got '2025-02-30 10:00:00')"
    )
    assert accounting["rows_read"] == accounting["rows_loaded"] + accounting["rows_quarantined"]
    # What loads, the staging cast types: the check and the cast agree.
    values = [row["posted_date"] for row in loaded]
    assert values == ["2024-02-29 23:59"]
    # A connection of the test's own: DuckDB's default one is shared by the whole session.
    with duckdb.connect() as con:
        assert con.execute("select cast(unnest(?) as timestamp)", [values]).fetchall()


@pytest.mark.parametrize(
    ("source", "field", "value"),
    [
        ("dealls", "first_seen", "30/02/2024 10:44:59"),
        ("dealls", "first_seen", "22/13/2024 10:44:59"),
        ("jobstreet", "posted_at", "2021-02-29T01:02:03Z"),
        ("jobstreet", "posted_at", "2021-12-14T24:30:00.5Z"),
    ],
)
def test_every_board_quarantines_a_date_its_staging_cast_cannot_type(
    tmp_path, source, field, value
):
    spec = source_by_name(source)
    path = tmp_path / f"{source}.csv"
    if source == "dealls":
        _dealls_file(path, {field: value}, {})
    else:
        lines = (FIXTURES / "jobstreet_sample.csv").read_text().splitlines()
        header = next(csv.reader([lines[0]]))
        row = dict(zip(header, next(csv.reader([lines[1]])), strict=True))
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerow({**row, "postedAt": value}.values())
            writer.writerow(row.values())
    loaded, quarantined, _ = land_csv_file(spec, path)
    assert _problems(quarantined) == [(2, field, "invalid_date")]
    assert len(loaded) == 1


def test_a_repeated_job_id_is_quarantined_naming_the_first_row_in_any_file(tmp_path):
    # Regression: a repeated Loker.id `Job ID` was landed, and the raw key check (RAW-KEY-01)
    # then failed the whole run without naming the id or its lines; the file commands keep the
    # first row and quarantine the later ones as `id_duplicated`.
    first = _lokerid_file(
        tmp_path / "lokerid_a.csv",
        {"job_id": "7"},
        {"job_id": "8", "posted_date": "2025-02-30 10:00:00"},
        {"job_id": "7"},
        {"job_id": "8"},
    )
    second = _lokerid_file(tmp_path / "lokerid_b.csv", {"job_id": "7", "min_salary": "x"})
    result = land_source(source_by_name("lokerid"), tmp_path, [first, second])
    rows = result.quarantined.select("source_file", "source_row", "field", "reason_code")
    assert rows.rows() == [
        ("lokerid_a.csv", 3, "posted_date", "invalid_date"),
        ("lokerid_a.csv", 4, "job_id", "id_duplicated"),
        ("lokerid_b.csv", 2, "job_id;min_salary", "id_duplicated;invalid_number"),
    ]
    reasons = result.quarantined["reason"].to_list()
    assert reasons[1] == (
        "lokerid_a.csv line 4 field job_id: id '7' is already used by the row on line 2"
    )
    assert reasons[2].startswith(
        "lokerid_b.csv line 2 field job_id: id '7' is already used by the row on "
        "lokerid_a.csv line 2; field min_salary: "
    )
    # A row quarantined for its date claims no id: the later valid row of `8` loads (IdClaims).
    assert result.loaded.select("job_id", "_source_row").rows() == [("7", 2), ("8", 5)]
    assert result.rows_read == result.rows_loaded + result.rows_quarantined == 5


def test_a_valid_row_after_a_quarantined_first_row_of_its_id_loads_in_any_file(tmp_path):
    # Regression: the first row of an id counted as its first even when it was quarantined for
    # a bad date, so the id's only valid row, in this file or the next, was lost as a duplicate.
    first = _lokerid_file(
        tmp_path / "lokerid_a.csv",
        {"job_id": "7", "posted_date": "2025-02-30 10:00:00"},
        {"job_id": "8", "min_salary": "-5"},
    )
    second = _lokerid_file(tmp_path / "lokerid_b.csv", {"job_id": "7"}, {"job_id": "8"})
    result = land_source(source_by_name("lokerid"), tmp_path, [first, second])
    assert result.quarantined.select("source_file", "source_row", "reason_code").rows() == [
        ("lokerid_a.csv", 2, "invalid_date"),
        ("lokerid_a.csv", 3, "salary_negative"),
    ]
    assert result.loaded.select("job_id", "_source_file").rows() == [
        ("7", "lokerid_b.csv"),
        ("8", "lokerid_b.csv"),
    ]
    assert result.rows_read == result.rows_loaded + result.rows_quarantined == 4


@pytest.mark.parametrize(
    ("source", "field", "value"),
    [
        ("lokerid", "min_salary", "-5000000"),
        ("lokerid", "max_salary", "-1.5"),
        ("dealls", "base_salary", "-3000000"),
    ],
)
def test_negative_pay_is_salary_negative_as_in_the_file_commands(tmp_path, source, field, value):
    # Regression: `-5000000` was quarantined as invalid_number "must be a number", which it is.
    path = tmp_path / f"{source}.csv"
    if source == "dealls":
        _dealls_file(path, {field: value}, {"base_salary": "-0"})
    else:
        _lokerid_file(path, {field: value}, {"min_salary": "-0"})
    loaded, quarantined, _ = land_csv_file(source_by_name(source), path)
    assert _problems(quarantined) == [(2, field, "salary_negative")]
    assert quarantined[0]["reason"] == (
        f"{source}.csv line 2 field {field}: {negative_pay_detail(value)}"
    )
    assert len(loaded) == 1


def test_a_classification_level_staging_cannot_cast_is_quarantined(tmp_path):
    # stg_kbli__industries casts `level` to an integer: a level of "dua" would fail the build.
    path = tmp_path / "kbli2020_structure.csv"
    header = "kbli_code,level,level_name,section,parent_code,title_id,description_id"
    path.write_text(f"{header}\nA,1,Kategori,A,,Pertanian,\n01,dua,Golongan Pokok,A,A,Tani,\n")
    loaded, quarantined, _ = land_csv_file(source_by_name("kbli2020_structure"), path)
    assert _problems(quarantined) == [(3, "level", "invalid_number")]
    assert [row["kbli_code"] for row in loaded] == ["A"]


def test_an_id_with_surrounding_blanks_lands_as_compared_and_repeats_the_same_id(tmp_path):
    # Regression (verification 2026-12-05, finding 7): " 99000004 " was quarantined as
    # invalid_id, though ids are compared without surrounding blanks (README, file commands).
    path = _lokerid_file(
        tmp_path / "lokerid.csv",
        {"job_id": " 99000004 "},
        {"job_id": "99000004"},
        {"job_id": " \t"},
        {"job_id": " 9900 0004"},
    )
    loaded, quarantined, _ = land_csv_file(source_by_name("lokerid"), path)
    assert [row["job_id"] for row in loaded] == ["99000004"]
    assert _problems(quarantined) == [
        (3, "job_id", "id_duplicated"),
        (4, "job_id", "invalid_id"),
        (5, "job_id", "invalid_id"),
    ]
    # A quarantined row keeps its value as read, in the reason and the raw record.
    assert quarantined[2]["reason"].endswith("(got ' 9900 0004')")
    assert '" 9900 0004"' in quarantined[2]["raw_record"]


def test_ids_keep_their_leading_zeros_and_differ_from_the_id_without_them(tmp_path):
    # Ids are text, compared as written (blanks aside), as the file commands compare them.
    path = _lokerid_file(tmp_path / "lokerid.csv", {"job_id": "015758013"}, {"job_id": "15758013"})
    loaded, quarantined, _ = land_csv_file(source_by_name("lokerid"), path)
    assert [row["job_id"] for row in loaded] == ["015758013", "15758013"]
    assert quarantined == []


def _jobstreet_file(path: Path, *rows: dict[str, str]) -> Path:
    """A JobStreet file: each row overrides the first row of the shipped-layout sample."""
    with (FIXTURES / "jobstreet_sample.csv").open(encoding="utf-8", newline="") as sample:
        base = next(csv.DictReader(sample))
    header = list(base)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for number, row in enumerate(rows):
            writer.writerow({**base, "id": str(9000 + number), **row}.values())
    return path


@pytest.mark.parametrize(
    "snapshot",
    [
        "jobstreet_2021-12-32.csv",
        "jobstreet_2021-02-29.csv",
        "jobstreet.csv",
        "",
        # A range of days names no one crawl day (read-through).
        "daily_2021-12-14_to_2021-12-31.csv",
    ],
)
def test_a_jobstreet_snapshot_file_without_a_real_crawl_day_is_quarantined(tmp_path, snapshot):
    # Regression: `jobstreet_2021-12-32.csv` loaded, staging's try_cast made its seen_date null,
    # and the dbt test not_null_stg_jobstreet__postings_seen_date failed the whole run.
    path = _jobstreet_file(
        tmp_path / "jobstreet.csv",
        {"snapshot_file": snapshot, "postedAt": "2021-12-01T01:02:03Z"},
        {"snapshot_file": "jobstreet_2021-12-14.csv", "postedAt": "2021-12-01T01:02:03Z"},
    )
    loaded, quarantined, accounting = land_csv_file(source_by_name("jobstreet"), path)
    assert _problems(quarantined) == [(2, "snapshot_file", "invalid_date")]
    assert quarantined[0]["reason"].startswith(
        "jobstreet.csv line 2 field snapshot_file: snapshot_file must name the crawl day"
    )
    assert [row["_source_row"] for row in loaded] == [3]
    assert accounting["rows_read"] == 2
    # What loads, staging's expression types: the check and the cast agree.
    # fetchall, on a connection of the test's own: a result left half-read on DuckDB's shared
    # default connection broke a later test's query.
    with duckdb.connect() as con:
        typed = con.execute(
            r"select try_cast(regexp_extract(?, '(\d{4}-\d{2}-\d{2})', 1) as date)",
            [loaded[0]["snapshot_file"]],
        ).fetchall()
    assert typed == [(dt.date(2021, 12, 14),)]


def test_a_dealls_posting_dated_after_the_crawl_that_saw_it_is_quarantined(tmp_path):
    # Regression: one Dealls row (first_seen 29/02/2024, last_seen 2024-08-19) failed the
    # blocking staging check STG-DAT-01 and nothing was published; such a row is structurally
    # impossible (a crawl cannot see a later posting) and is quarantined with its values.
    path = _dealls_file(
        tmp_path / "dealls.csv",
        {"first_seen": "29/02/2024 10:00:00", "last_seen": "2024-08-19T06:40:18.237Z"},
        # A day of slack, in Jakarta time: 17:30 UTC on the 22nd is the 23rd in Jakarta.
        {"first_seen": "22/08/2024 10:44:59", "last_seen": "2024-08-22T17:30:00.000Z"},
        {"first_seen": "22/08/2024 10:44:59", "last_seen": "2024-08-23T17:30:00.000Z"},
        {"last_seen": "2024-02-30T06:40:18.237Z"},
        {"last_seen": "19/08/2024"},
        {},
    )
    loaded, quarantined, _ = land_csv_file(source_by_name("dealls"), path)
    assert _problems(quarantined) == [
        (2, "last_seen", "posted_after_seen"),
        (4, "last_seen", "posted_after_seen"),
        (5, "last_seen", "invalid_date"),
        (6, "last_seen", "invalid_timestamp"),
    ]
    assert quarantined[0]["reason"] == (
        "dealls.csv line 2 field last_seen: posted on 2024-08-19 (Jakarta), more than a day "
        "after the crawl day 2024-02-29 that saw it: a crawl cannot see a later posting "
        "(last_seen '2024-08-19T06:40:18.237Z', first_seen '29/02/2024 10:00:00')"
    )
    assert [row["_source_row"] for row in loaded] == [3, 7]


def test_a_jobstreet_posting_dated_after_its_snapshot_day_is_quarantined(tmp_path):
    path = _jobstreet_file(
        tmp_path / "jobstreet.csv",
        {"snapshot_file": "jobstreet_2021-12-14.csv", "postedAt": "2021-12-16T01:00:00Z"},
        {"snapshot_file": "jobstreet_2021-12-14.csv", "postedAt": "2021-12-15T16:59:59Z"},
    )
    loaded, quarantined, _ = land_csv_file(source_by_name("jobstreet"), path)
    assert _problems(quarantined) == [(2, "posted_at", "posted_after_seen")]
    assert [row["_source_row"] for row in loaded] == [3]


def test_a_whole_number_too_long_for_an_integer_cast_is_quarantined(tmp_path):
    # `cast(level as integer)` fails the build on ten digits or more.
    path = tmp_path / "isco.csv"
    path.write_text(
        "isco08_code,level,parent_code,title_en,definition\n"
        "1,12345678901,,Managers,x\n"
        "2,1,,Professionals,y\n"
    )
    loaded, quarantined, _ = land_csv_file(source_by_name("isco08_structure"), path)
    assert _problems(quarantined) == [(2, "level", "invalid_number")]
    assert len(loaded) == 1


def _without_snapshot_file(path: Path, *rows: dict[str, str]) -> Path:
    """A JobStreet file as crawled, one day per file: the layout without `snapshot_file`."""
    full = _jobstreet_file(path.with_suffix(".full"), *rows)
    with full.open(encoding="utf-8", newline="") as source, path.open("w", newline="") as target:
        writer = csv.writer(target, lineterminator="\n")
        for values in csv.reader(source):
            writer.writerow(values[1:])
    full.unlink()
    return path


def test_a_jobstreet_file_without_snapshot_file_takes_the_crawl_day_from_its_name(tmp_path):
    # Regression: a file lacking the optional `snapshot_file` (a day's file as crawled, the
    # April 2022 extract) had every row quarantined as invalid_date. `snapshot_file` is the name
    # of the day's file (PROVENANCE.md), so such a file's own name gives the crawl day.
    path = _without_snapshot_file(
        tmp_path / "jobstreet_2021-12-20.csv",
        {"postedAt": "2021-12-19T01:02:03Z"},
        {"postedAt": "2021-12-25T01:02:03Z"},
    )
    loaded, quarantined, accounting = land_csv_file(source_by_name("jobstreet"), path)
    assert [row["snapshot_file"] for row in loaded] == ["jobstreet_2021-12-20.csv"]
    # The name's day is the crawl day the row checks judge against.
    assert _problems(quarantined) == [(3, "posted_at", "posted_after_seen")]
    assert '"snapshot_file"' not in quarantined[0]["raw_record"]
    assert accounting["rows_read"] == accounting["rows_loaded"] + accounting["rows_quarantined"]


def test_a_jobstreet_file_without_snapshot_file_or_a_day_in_its_name_is_one_error(tmp_path, caplog):
    path = _without_snapshot_file(tmp_path / "jobstreet_latest.csv", {}, {})
    with caplog.at_level("ERROR"):
        loaded, quarantined, _ = land_csv_file(source_by_name("jobstreet"), path)
    assert loaded == []
    assert _problems(quarantined) == [
        (2, "snapshot_file", "missing_column"),
        (3, "snapshot_file", "missing_column"),
    ]
    [error] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "jobstreet_latest.csv has no snapshot_file column" in error


def test_pay_digits_beyond_a_float_are_no_number_at_landing(tmp_path):
    # Staging's try_cast(... as double) would read 400 digits as infinity, never as pay.
    path = _lokerid_file(tmp_path / "lokerid.csv", {"min_salary": "9" * 400}, {"min_salary": "-0"})
    loaded, quarantined, _ = land_csv_file(source_by_name("lokerid"), path)
    assert _problems(quarantined) == [(2, "min_salary", "invalid_number")]
    assert [row["min_salary"] for row in loaded] == ["-0"]


def test_a_sakernas_weight_too_large_for_a_float_is_invalid_weight(tmp_path):
    # Regression: 400 digits matched the positive-weight pattern and landed; staging's double
    # is infinite there, and so was every weighted estimate.
    spec = source_by_name("sakernas_2020_08_jambi")
    header = ",".join(spec.required_columns)
    row = {name: "1" for name in spec.required_columns}
    path = tmp_path / "sakernas.csv"
    lines = [header]
    for number, weight in enumerate(["150.5", "9" * 400], start=1):
        lines.append(",".join({**row, "urutan": str(number), "final_weig": weight}.values()))
    path.write_text("\n".join(lines) + "\n")
    loaded, quarantined, _ = land_csv_file(spec, path)
    assert _problems(quarantined) == [(3, "final_weig", "invalid_weight")]
    assert quarantined[0]["reason"].startswith(
        "sakernas.csv line 3 field final_weig: FINAL_WEIG must be a positive number a float holds"
    )
    assert [row["urutan"] for row in loaded] == ["1"]
