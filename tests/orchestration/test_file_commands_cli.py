"""Regression tests of the three file commands as a user runs them (`lmis COMMAND IN OUT`).

Each test is named after a fault a reviewer found or a hand-made file that misbehaved.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from orchestration.cli import main


def _wages(tmp_path: Path) -> Path:
    path = tmp_path / "ump.csv"
    path.write_text("province_bps_code,wage_year,minimum_wage_monthly_idr\n31,2024,5067381\n")
    return path


def _run(
    tmp_path: Path,
    command: str,
    content: str | bytes,
    name: str = "in.csv",
    output: str = "out.csv",
) -> tuple[int, Path]:
    """Write `content` to `name` and run `lmis COMMAND name output` (UMP table given if needed)."""
    source = tmp_path / name
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding="utf-8")
    out = tmp_path / output
    extra = ["--minimum-wages", str(_wages(tmp_path))] if command == "check-vacancies" else []
    return main([command, str(source), str(out), *extra]), out


def _check(tmp_path: Path, content: str) -> tuple[int, Path]:
    return _run(tmp_path, "check-vacancies", content)


def _quarantine(out: Path) -> pl.DataFrame:
    return pl.read_csv(out.with_name(out.stem + ".quarantine.csv"), infer_schema=False)


VACANCY_HEADER = "id,title,description,salary_monthly_min,salary_monthly_max,province_code\n"


def test_check_vacancies_reasons_say_line_not_row(tmp_path: Path) -> None:
    rows = "v1,Kasir,ok,abc,,31\nv2,Kasir,ok,1,2\nv3,Kasir,ok,1,2,3\n"
    code, out = _check(tmp_path, VACANCY_HEADER + rows)
    assert code == 0
    reasons = _quarantine(out)["reason"].to_list()
    assert reasons[0].startswith("in.csv line 2 field salary_monthly_min:")
    assert reasons[1].startswith("in.csv line 3 field *:")
    assert reasons[2].startswith("in.csv line 4 field province_code:")
    assert not any(" row " in reason for reason in reasons)


def test_check_vacancies_reports_every_problem_of_a_row_in_one_quarantine_row(
    tmp_path: Path,
) -> None:
    rows = "v1,Kasir,ok,abc,1.000.000,3x\nv2,Kasir,ok,1000000,,31\nv2,Kasir,ok,,,9\n"
    code, out = _check(tmp_path, VACANCY_HEADER + rows)
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("source_row", "field", "reason_code").rows() == [
        ("2", "salary_monthly_min;salary_monthly_max;province_code",
         "invalid_number;invalid_number;invalid_code"),
        ("4", "id;province_code", "id_duplicated;invalid_code"),
    ]  # fmt: skip
    first = quarantine["reason"][0]
    assert first.startswith("in.csv line 2 field salary_monthly_min: ")
    assert "; field salary_monthly_max: " in first and "(got '1.000.000')" in first
    assert "; field province_code: " in first and "(got '3x')" in first
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["v2"]


def test_normalise_reports_a_repeated_id_and_its_negative_pay_in_one_row(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "normalise", "id,salary_text\na,Rp 5 juta\na,-5000000\n")
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("source_row", "field", "reason_code").rows() == [
        ("3", "id;salary_text", "id_duplicated;salary_negative"),
    ]
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["a"]


def test_classify_titles_reports_a_repeated_id_and_its_empty_title_in_one_row(
    tmp_path: Path,
) -> None:
    code, out = _run(tmp_path, "classify-titles", "id,title\na,Kasir\na,\n")
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("source_row", "field", "reason_code").rows() == [
        ("3", "id;title", "id_duplicated;title_missing"),
    ]
    assert quarantine["reason"][0].startswith("in.csv line 3 field id: id 'a' is already used")
    assert "; field title: the title is empty" in quarantine["reason"][0]


def test_check_vacancies_calls_negative_pay_salary_negative_naming_field_and_value(
    tmp_path: Path,
) -> None:
    code, out = _check(tmp_path, VACANCY_HEADER + "v1,Kasir,ok,-2500000,-1.5e6,31\n")
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("field", "reason_code").rows() == [
        ("salary_monthly_min;salary_monthly_max", "salary_negative;invalid_number"),
    ]
    assert quarantine["reason"][0].startswith(
        "in.csv line 2 field salary_monthly_min: pay '-2500000' is negative; "
        "a wage cannot be below zero"
    )


@pytest.mark.parametrize(
    ("command", "header", "row"),
    [
        ("normalise", b"id,salary_text,location_text", b"2,Rp 5 juta,Caf\xe9 Bandung"),
        ("classify-titles", b"id,category,title", b"2,x,Caf\xe9 staff"),
        ("check-vacancies", b"id,title,description", b"2,Kasir,caf\xe9 jam"),
    ],
)
def test_a_non_utf8_file_is_located_by_line_and_field_not_byte_offset(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, command: str, header: bytes, row: bytes
) -> None:
    # Far enough in that the byte sits in a later chunk of the decoder than the first.
    filler = b"".join(b"1%d,a,b\n" % n for n in range(4000))
    code, out = _run(tmp_path, command, header + b"\n" + filler + row + b"\n3,c,d\n")
    assert code == 2
    assert not out.exists()
    field = header.split(b",")[2].decode()
    assert f"in.csv: line 4002 field `{field}`: not UTF-8 text (byte 0xE9)" in caplog.text
    assert "near byte" not in caplog.text


def test_a_non_utf8_byte_inside_a_multiline_value_names_its_row_and_file_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = b'id,salary_text\n1,"Rp 5 juta\nper bulan\n\xa3 nego"\n'
    code, _ = _run(tmp_path, "normalise", content)
    assert code == 2
    assert "in.csv: line 2 field `salary_text`: not UTF-8 text (byte 0xA3, on file line 4)" in (
        caplog.text
    )


def test_a_utf16_file_is_named_as_such(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    code, _ = _run(tmp_path, "normalise", "id,salary_text\n1,Rp 5 juta\n".encode("utf-16"))
    assert code == 2
    assert "in.csv: the file is UTF-16 text" in caplog.text


def test_an_input_column_named_like_an_internal_one_is_kept_not_overwritten(
    tmp_path: Path,
) -> None:
    content = "id,_line,_first_line,salary_text\na,x,y,Rp 5 juta\nb,,,Rp 6 juta\na,z,w,Rp 7 juta\n"
    code, out = _run(tmp_path, "normalise", content)
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("source_row", "reason_code").rows() == [("4", "id_duplicated")]
    assert quarantine["reason"][0].endswith("already used by the row on line 2")
    assert json.loads(quarantine["raw_record"][0]) == {
        "id": "a",
        "_line": "z",
        "_first_line": "w",
        "salary_text": "Rp 7 juta",
    }


def test_check_vacancies_keeps_input_columns_named_like_internal_ones(tmp_path: Path) -> None:
    code, out = _check(
        tmp_path, "id,title,description,_line,_source_row\nv1,Kasir,ok,7,8\nv1,K,o,,\n"
    )
    assert code == 0
    raw = json.loads(_quarantine(out)["raw_record"][0])
    assert raw == {"id": "v1", "title": "K", "description": "o", "_line": "", "_source_row": ""}


def test_error_messages_list_the_file_columns_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    code, _ = _run(tmp_path, "normalise", "salary_text,_note\nRp 5 juta,x\n")
    assert code == 2
    assert "required column `id` is missing (found: salary_text, _note)" in caplog.text


def test_classify_titles_keeps_an_input_column_named_like_an_internal_one(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "classify-titles", 'id,_line,title\na,7,Kasir\nb,8,""\n')
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("source_row", "reason_code").rows() == [("3", "title_missing")]
    assert json.loads(quarantine["raw_record"][0]) == {"id": "b", "_line": "8", "title": ""}


@pytest.mark.parametrize("command", ["normalise", "classify-titles", "check-vacancies"])
def test_a_header_only_file_gives_a_header_only_output(tmp_path: Path, command: str) -> None:
    code, out = _run(tmp_path, command, "id,title,description,salary_text\n")
    assert code == 0
    assert pl.read_csv(out).height == 0 and "id" in pl.read_csv(out).columns
    assert _quarantine(out).height == 0


@pytest.mark.parametrize("command", ["normalise", "classify-titles", "check-vacancies"])
def test_ids_differing_only_by_surrounding_blanks_are_one_id_in_every_command(
    tmp_path: Path, command: str
) -> None:
    rows = "1,Kasir,ok,Rp 5 juta\n 1,Kasir,ok,Rp 5 juta\n1 ,Kasir,ok,Rp 5 juta\n2,Kasir,ok,Rp 5\n"
    code, out = _run(tmp_path, command, "id,title,description,salary_text\n" + rows)
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("source_row", "id", "reason_code").rows() == [
        ("3", "1", "id_duplicated"),
        ("4", "1", "id_duplicated"),
    ]
    assert json.loads(quarantine["raw_record"][0])["id"] == " 1"
    written = pl.read_csv(out, infer_schema=False)["id"].to_list()
    assert written == (["1", "1", "1", "2"] if command == "classify-titles" else ["1", "2"])


def test_check_vacancies_quarantines_a_bad_max_age_or_first_posting_flag_not_crash(
    tmp_path: Path,
) -> None:
    header = "id,title,description,max_age,is_first_posting,hours_per_week\n"
    rows = "v1,Kasir,ok,abc,maybe,-5\nv2,Kasir,ok,35,TRUE,40\n"
    code, out = _check(tmp_path, header + rows)
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("source_row", "field", "reason_code").rows() == [
        ("2", "max_age;is_first_posting;hours_per_week",
         "invalid_number;invalid_boolean;invalid_number"),
    ]  # fmt: skip
    assert (
        "hours_per_week must be a number of hours, zero or more (got '-5')"
        in (quarantine["reason"][0])
    )
    assert pl.read_csv(out, infer_schema=False)["id"].to_list() == ["v2"]


def test_an_empty_id_has_the_same_reason_code_in_every_command(tmp_path: Path) -> None:
    code, out = _check(tmp_path, "id,title,description\n ,Kasir,ok\n")
    assert code == 0
    assert _quarantine(out).select("field", "reason_code").rows() == [("id", "id_missing")]


@pytest.mark.parametrize("command", ["normalise", "classify-titles", "check-vacancies"])
@pytest.mark.parametrize("output", ["in.csv", "in"])
def test_an_output_that_would_overwrite_the_input_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, command: str, output: str
) -> None:
    # `in` as OUT would put its quarantine file, `in.quarantine.csv`, on IN when IN is that file.
    name = "in.csv" if output == "in.csv" else "in.quarantine.csv"
    content = "id,title,description,salary_text\n1,Kasir,ok,Rp 5 juta\n"
    assert _run(tmp_path, command, content, name, output)[0] == 2
    assert (tmp_path / name).read_text(encoding="utf-8") == content
    assert f"{name}: writing" in caplog.text and "would overwrite the input" in caplog.text


@pytest.mark.parametrize("command", ["normalise", "classify-titles", "check-vacancies"])
def test_a_blank_id_is_id_missing_showing_the_value_as_in_the_file(
    tmp_path: Path, command: str
) -> None:
    code, out = _run(tmp_path, command, "id,title,description,salary_text\n  ,Kasir,ok,Rp 5 juta\n")
    assert code == 0
    quarantine = _quarantine(out)
    assert quarantine.select("source_row", "field", "reason_code").rows() == [
        ("2", "id", "id_missing")
    ]
    assert quarantine["reason"][0] == "in.csv line 2 field id: the id is empty (got '  ')"


def test_library_set_up_chatter_is_kept_out_of_the_log_unless_verbose(tmp_path: Path) -> None:
    import logging

    for level in (logging.NOTSET, logging.INFO):
        logging.getLogger("great_expectations").setLevel(level)
    _check(tmp_path, VACANCY_HEADER + "1,Staf Gudang,x,5000000,6000000,31\n")
    assert logging.getLogger("great_expectations").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("alembic.runtime.migration").getEffectiveLevel() == logging.WARNING
    main(["--verbose", "check-vacancies", "missing.csv", str(tmp_path / "o.csv")])
    assert logging.getLogger("great_expectations").level == logging.NOTSET
