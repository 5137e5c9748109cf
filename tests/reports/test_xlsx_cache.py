"""Workbooks of unchanged tables come from the report folder's cache, byte for byte."""

from pathlib import Path

import polars as pl

from reports.critical_occupations.rendering import cached_xlsx_bytes, xlsx_bytes


def _table(value: int) -> pl.DataFrame:
    return pl.DataFrame({"kbji4": ["2512", "3322"], "vacancies": [value, 7]})


def test_an_unchanged_table_is_read_back_and_a_changed_one_replaces_it(tmp_path: Path) -> None:
    cache = tmp_path / ".xlsx-cache"
    first = cached_xlsx_bytes(_table(5), "ranking", cache, "co.ranking.id")
    assert first == xlsx_bytes(_table(5), "ranking")
    [kept] = cache.glob("co.ranking.id.*.xlsx")

    # Served from the cache: a planted byte shows the file was read, not laid out again.
    kept.write_bytes(first + b"planted")
    assert cached_xlsx_bytes(_table(5), "ranking", cache, "co.ranking.id") == first + b"planted"

    changed = cached_xlsx_bytes(_table(6), "ranking", cache, "co.ranking.id")
    assert changed == xlsx_bytes(_table(6), "ranking")
    assert [p.name for p in cache.glob("co.ranking.id.*.xlsx")] != [kept.name]
    assert len(list(cache.glob("co.ranking.id.*.xlsx"))) == 1


def test_types_and_sheet_names_are_part_of_the_key(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    as_text = pl.DataFrame({"count": ["1"]})
    as_number = pl.DataFrame({"count": [1]})
    assert cached_xlsx_bytes(as_text, "t", cache, "a.t.id") == xlsx_bytes(as_text, "t")
    assert cached_xlsx_bytes(as_number, "t", cache, "a.t.id") == xlsx_bytes(as_number, "t")
    assert cached_xlsx_bytes(as_number, "u", cache, "a.t.id") == xlsx_bytes(as_number, "u")
    # Another table's workbook is left alone.
    cached_xlsx_bytes(as_text, "t", cache, "a.t.en")
    assert {p.name.split(".")[2] for p in cache.glob("*.xlsx")} == {"id", "en"}


def test_the_other_languages_copy_of_the_same_table_is_reused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    english = cached_xlsx_bytes(_table(5), "ranking", cache, "co.ranking.en")
    [path] = cache.glob("co.ranking.en.*.xlsx")
    path.write_bytes(english + b"planted")
    assert cached_xlsx_bytes(_table(5), "ranking", cache, "co.ranking.id") == english + b"planted"
    assert len(list(cache.glob("co.ranking.*.xlsx"))) == 2


def test_equal_tables_built_differently_share_a_workbook(tmp_path: Path) -> None:
    # Strings built by a join and by a literal are laid out differently in memory.
    cache = tmp_path / "cache"
    literal = pl.DataFrame({"code": ["2512", "3322"], "n": [1, 2]})
    joined = pl.DataFrame({"a": ["25", "33"], "b": ["12", "22"], "n": [1, 2]}).select(
        code=pl.col("a") + pl.col("b"), n="n"
    )
    cached_xlsx_bytes(literal, "t", cache, "a.t.id")
    [first] = cache.glob("*.xlsx")
    cached_xlsx_bytes(joined, "t", cache, "a.t.id")
    assert list(cache.glob("*.xlsx")) == [first]


def test_a_null_and_an_empty_text_are_different_tables(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    empty = pl.DataFrame({"reason": [""]})
    null = pl.DataFrame({"reason": [None]}, schema={"reason": pl.String})
    assert cached_xlsx_bytes(empty, "t", cache, "a.t.id") == xlsx_bytes(empty, "t")
    assert cached_xlsx_bytes(null, "t", cache, "a.t.id") == xlsx_bytes(null, "t")


def test_a_table_found_in_the_cache_needs_no_openpyxl(tmp_path: Path) -> None:
    import subprocess
    import sys

    cache = tmp_path / "cache"
    cached_xlsx_bytes(_table(5), "ranking", cache, "co.ranking.id")
    script = (
        "import sys\nfrom pathlib import Path\nimport polars as pl\n"
        "from reports.critical_occupations.rendering import cached_xlsx_bytes\n"
        "frame = pl.DataFrame({'kbji4': ['2512', '3322'], 'vacancies': [5, 7]})\n"
        "cached_xlsx_bytes(frame, 'ranking', Path(sys.argv[1]), 'co.ranking.id')\n"
        "assert 'openpyxl' not in sys.modules, 'openpyxl imported'\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(cache)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr


def test_the_key_names_the_openpyxl_that_lays_workbooks_out() -> None:
    import importlib.metadata

    import openpyxl

    # The key reads the version from the package metadata so as not to import openpyxl.
    assert importlib.metadata.version("openpyxl") == openpyxl.__version__
