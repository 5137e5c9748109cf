"""Regression tests of the `lmis` command as a whole: help for every option, and inputs that
cannot be used stopping with one ERROR line naming the file (exit 2), never a traceback.

Each test is named after a fault a reviewer found.
"""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

import pytest

from orchestration.cli import build_parser, main
from orchestration.settings import DATA_DIR


def _options_without_help(parser: argparse.ArgumentParser, name: str) -> list[str]:
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub_parser in action.choices.items():
                missing += _options_without_help(sub_parser, f"{name} {sub_name}")
        elif not isinstance(action, argparse._HelpAction) and not action.help:
            missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    return missing


def test_every_option_of_every_command_has_help_text() -> None:
    assert _options_without_help(build_parser(), "lmis") == []


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _indicators(tmp_path: Path, *arguments: str) -> int:
    return main(["sakernas", "indicators", *arguments, str(tmp_path / "mart.parquet")])


def test_sakernas_indicators_on_a_missing_input_is_one_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "nope.csv"
    assert _indicators(tmp_path, str(missing)) == 2
    assert _errors(caplog) == [f"{missing}: no such microdata file or folder"]


def test_sakernas_indicators_on_a_csv_of_no_known_round_is_one_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "microdata.csv"
    source.write_text("a,b\n1,2\n")
    assert _indicators(tmp_path, str(source)) == 2
    assert _errors(caplog) == [f"{source}: no round mapping known; pass one (e.g. --round 2020-08)"]


def test_sakernas_indicators_on_a_csv_the_round_does_not_fit_names_file_and_variables(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "microdata.csv"
    source.write_text("a,b\n1,2\n")
    assert _indicators(tmp_path, "--round", "2020-08", str(source)) == 2
    [error] = _errors(caplog)
    assert error.startswith("microdata.csv: round mapping 2020-08.yaml refers to variables not")
    assert "KODE_PROV" in error


def test_sakernas_indicators_on_an_unknown_round_lists_the_known_ones(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "microdata.csv"
    source.write_text("a,b\n1,2\n")
    assert _indicators(tmp_path, "--round", "1999-08", str(source)) == 2
    [error] = _errors(caplog)
    assert error.startswith("no round mapping '1999-08'; known rounds: 2020-08")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'a,b\n"1,2\n', "line 2 field `a`: CSV syntax error, a quoted value opens here"),
        (b"a,b\n1,2\n1,2,3\n", "line 3: cannot parse as CSV: 3 fields, the header has 2"),
        (b"a,b\n1,\xe92\n", "line 2 field `b`: not UTF-8 text (byte 0xE9)"),
    ],
    ids=["unclosed_quote", "ragged_row", "not_utf8"],
)
def test_sakernas_indicators_on_an_unreadable_csv_names_its_line_and_field(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes, expected: str
) -> None:
    source = tmp_path / "microdata.csv"
    source.write_bytes(content)
    assert _indicators(tmp_path, "--round", "2020-08", str(source)) == 2
    [error] = _errors(caplog)
    assert error.startswith(f"{source}: {expected}")
    assert "\n" not in error


def test_sakernas_indicators_on_a_file_that_is_no_parquet_is_one_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "round.parquet"
    source.write_text("not parquet")
    assert _indicators(tmp_path, str(source)) == 2
    [error] = _errors(caplog)
    assert error.startswith(f"{source}: cannot be read as parquet")


def test_sakernas_indicators_on_a_broken_round_mapping_names_its_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "microdata.csv"
    source.write_text("a,b\n1,2\n")
    mapping = tmp_path / "round.yaml"
    mapping.write_text("period: [\n")
    assert _indicators(tmp_path, "--round", str(mapping), str(source)) == 2
    [error] = _errors(caplog)
    assert error.startswith(f"{mapping}: line 2: not valid YAML")


JAMBI_FILE = DATA_DIR / "real" / "sakernas-2020-08-jambi" / "sakernas_2020_08_jambi.csv.gz"


@pytest.mark.parametrize("same_file", ["itself", "symlink"])
def test_sakernas_indicators_with_out_the_input_refuses_and_keeps_the_input(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, same_file: str
) -> None:
    source = tmp_path / "microdata.csv.gz"
    shutil.copyfile(JAMBI_FILE, source)
    out = source
    if same_file == "symlink":
        out = tmp_path / "mart.parquet"
        out.symlink_to(source)
    arguments = ["sakernas", "indicators", "--round", "2020-08", str(source), str(out)]
    assert main(arguments) == 2
    assert _errors(caplog) == [
        f"{source}: writing {out} would overwrite the input; choose another OUT"
    ]
    assert source.read_bytes() == JAMBI_FILE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({source.name, out.name})


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--memory-limit", "banana", "'banana': not a memory size DuckDB can work in"),
        ("--min-sample-persons", "-5", "'-5': give a whole number of persons, at least 1"),
        ("--min-sample-persons", "0", "'0': give a whole number of persons, at least 1"),
    ],
)
def test_sakernas_indicators_with_an_unusable_option_value_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, expected: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _indicators(tmp_path, option, value, "--round", "2020-08", str(JAMBI_FILE))
    assert stopped.value.code == 2
    assert f"argument {option}: {expected}" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_sakernas_indicators_on_an_empty_csv_is_one_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "microdata.csv"
    source.write_bytes(b"")
    assert _indicators(tmp_path, "--round", "2020-08", str(source)) == 2
    assert _errors(caplog) == [f"{source}: file is empty, no header row"]
    assert not (tmp_path / "mart.parquet").exists()


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("a_file/mart.parquet", f"cannot be written ({'a_file'!r} is a file, not a folder)"),
        ("a_folder", "is a folder; give the path of a .parquet file"),
    ],
)
def test_sakernas_indicators_to_an_unwritable_out_is_one_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, out: str, expected: str
) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    (tmp_path / "a_folder").mkdir()
    arguments = ["sakernas", "indicators", "--round", "2020-08", str(JAMBI_FILE)]
    assert main([*arguments, str(tmp_path / out)]) == 2
    assert _errors(caplog) == [f"{tmp_path / out}: {expected}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "a_folder"]
    assert not any((tmp_path / "a_folder").iterdir())


def test_sakernas_indicators_out_of_memory_is_one_error_line_and_keeps_an_earlier_out(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "mart.parquet"
    out.write_bytes(b"earlier mart")
    assert _indicators(tmp_path, "--memory-limit", "10MB", "--round", "2020-08", str(JAMBI_FILE))
    [error] = _errors(caplog)
    assert error.startswith(f"{out}: DuckDB ran out of memory within --memory-limit 10MB;")
    assert out.read_bytes() == b"earlier mart"
    assert [p.name for p in tmp_path.iterdir()] == ["mart.parquet"]


def test_sakernas_generate_into_an_unwritable_folder_is_one_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    for out, reason in [
        ("a_file", "it is a file, not a folder"),
        ("a_file/rounds", "Not a directory"),
    ]:
        caplog.clear()
        arguments = ["sakernas", "generate", "--rounds", "2020", "--persons", "100"]
        assert main([*arguments, "--out", str(tmp_path / out)]) == 2
        assert _errors(caplog) == [f"{tmp_path / out}: cannot write the rounds there ({reason})"]
    assert [p.name for p in tmp_path.iterdir()] == ["a_file"]


def test_sakernas_generate_with_unreadable_rounds_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["sakernas", "generate", "--rounds", "abc", "--out", str(tmp_path)])
    assert stopped.value.code == 2
    assert "argument --rounds: cannot read round 'abc'" in capsys.readouterr().err


def test_sakernas_generate_with_an_unknown_province_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["sakernas", "generate", "--provinces", "15,99", "--out", str(tmp_path)])
    assert stopped.value.code == 2
    assert "argument --provinces: 99: not a BPS province code; known: 11, 12" in (
        capsys.readouterr().err
    )
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("source", ["karirhub", "karirhub-listing", "karirhub-rss"])
def test_admin_load_of_a_missing_input_is_one_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, source: str
) -> None:
    missing = tmp_path / "nope.json"
    # Exit 1: docs/admin-sources.md, "a file cannot be read".
    assert main(["admin", "load", source, "--input", str(missing)]) == 1
    assert _errors(caplog) == [f"{missing}: no such file or folder"]


def test_crawl_replay_of_a_missing_archive_is_refused_before_crawling(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LMIS_CRAWL_CONTACT", "data@example.org")
    missing = tmp_path / "responses.warc.gz"
    code = main(["crawl", "lokerid", "--replay", str(missing), "--out", str(tmp_path / "out")])
    assert code == 2
    assert _errors(caplog) == [f"{missing}: no such archive file (--replay)"]


def test_crawl_list_writes_one_spider_a_line_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    # So `lmis crawl --list | wc -l` counts the spiders; logging goes to stderr.
    assert main(["crawl", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert "jobstreet" in listed and "karirhub_rss" in listed
    assert listed == sorted(listed)


@pytest.mark.parametrize("command", ["normalise", "check-vacancies", "classify-titles"])
def test_a_file_command_that_cannot_write_out_is_one_error_line(
    command: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Regression: an OUT that cannot be written (here under a file, not a folder) ended in a
    # traceback and exit 1.
    source = tmp_path / "in.csv"
    source.write_text(
        "id,title,salary_text,description\n1,Staf Admin,Rp 5.000.000,Kerja di kantor\n",
        encoding="utf-8",
    )
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    wages = tmp_path / "ump.csv"
    wages.write_text(
        "province_bps_code,wage_year,minimum_wage_monthly_idr\n31,2024,5067381\n",
        encoding="utf-8",
    )
    options = ["--minimum-wages", str(wages)] if command == "check-vacancies" else []
    with caplog.at_level(logging.ERROR):
        assert main([command, str(source), str(blocker / "out.csv"), *options]) == 2
    errors = _errors(caplog)
    assert len(errors) == 1
    assert "not-a-folder" in errors[0]
    assert blocker.read_text(encoding="utf-8") == ""


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_sakernas_generate_with_no_persons_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # Regression: `--persons 0` or `-5` was accepted and generated a sample anyway.
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stopped:
        main(["sakernas", "generate", "--persons", value, "--out", str(out)])
    assert stopped.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert errors == [
        f"lmis sakernas generate: error: argument --persons: {value!r}: give a whole number of "
        "persons, at least 1"
    ]
    assert not out.exists()


def test_lmis_lines_carry_the_date_and_the_utc_offset(tmp_path):
    # An operator's review: `lmis` logged `%H:%M:%S` only, while Dagster's lines carry the date
    # and zone; a cron log appended to night after night could not be read by day.
    import os
    import re
    import subprocess
    import sys

    env = {
        **os.environ,
        "LMIS_ENV_FILE": "",
        "LMIS_WAREHOUSE_WAIT_SECONDS": "abc",
        "LMIS_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "TZ": "Asia/Jakarta",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "backup", "--to", str(tmp_path / "b")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    [line] = [line for line in completed.stderr.splitlines() if "LMIS_WAREHOUSE_WAIT" in line]
    assert re.match(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0700 ERROR   lmis: LMIS_WAREHOUSE_WAIT_SECONDS='abc'",
        line,
    )
