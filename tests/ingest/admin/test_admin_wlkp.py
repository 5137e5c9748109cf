"""WLKP exports: the shipped synthetic set, and one test per kind of malformed export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import openpyxl
import polars as pl
import pytest

from ingest.admin.results import AdminSourceError, TotalMismatchError
from ingest.admin.wlkp_generate import (
    DEFAULT_COLUMN_ORDER,
    generate_wlkp_rows,
    shuffled_column_order,
    write_wlkp_export,
)
from ingest.admin.wlkp_layout import COUNT_COLUMNS, PERSONAL_COLUMNS
from ingest.admin.wlkp_read import iter_export_paths, read_wlkp_export, read_wlkp_exports
from orchestration.settings import DATA_DIR

SHIPPED = DATA_DIR / "synthetic" / "wlkp"
PERIOD = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def shipped():
    return read_wlkp_exports(iter_export_paths(SHIPPED))


@pytest.fixture(scope="module")
def rows():
    """40 synthetic companies reporting in January: small enough to write per test."""
    return generate_wlkp_rows(40, months=(1,), seed=7)


def _without_source(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop("source_file", "source_sheet", "source_row").sort(
        "wlkp_company_id", "jabatan_title", "workers_total"
    )


# -- the shipped set -------------------------------------------------------------------------


def test_shipped_set_loads_and_matches_the_generator_truth(shipped) -> None:
    manifest = json.loads((SHIPPED / "wlkp_synthetic_manifest.json").read_text())
    assert manifest["synthetic"] is True
    assert shipped.rows_in == manifest["detail_rows"]
    assert shipped.rows_loaded == manifest["detail_rows"]
    for name in COUNT_COLUMNS:
        assert shipped.staging[name].sum() == sum(f["totals"][name] for f in manifest["files"])
    assert shipped.staging["wlkp_company_id"].n_unique() == manifest["companies"]
    assert shipped.staging["is_region_resolved"].all()
    assert shipped.staging["is_kbli_valid"].all()


def test_title_block_and_footnotes_are_metadata(shipped) -> None:
    first = shipped.metadata["files"][0]
    sheet = first["sheets"][0]
    assert first["is_synthetic"]
    assert sheet["report_period"] == "2025-01-01"
    assert sheet["title_lines"][0].startswith("LAPORAN WAJIB LAPOR KETENAGAKERJAAN")
    assert sheet["notes"][0] == "Catatan:"
    assert any(note.startswith("Sumber:") for note in sheet["notes"])
    kinds = first["row_kinds"]
    assert kinds["grand_total"] == 1 and kinds["subtotal"] >= 30
    assert first["totals_reconciled"] == kinds["subtotal"] + 1
    # Subtotal and total rows are dropped from the data.
    assert not shipped.staging["company_name"].str.contains("(?i)^jumlah").any()


def test_dates_typed_three_ways_all_parse(shipped) -> None:
    typed = set(shipped.staging["founded_date_typed_as"])
    assert {"date", "serial", "text"} <= typed
    assert shipped.staging["founded_date"].null_count() == 0
    assert shipped.staging["reported_date"].dt.year().unique().to_list() == [2025]


def test_values_equal_the_generated_truth_for_every_date_typing(tmp_path, rows) -> None:
    path = tmp_path / "wlkp.xlsx"
    write_wlkp_export(rows, path, PERIOD, seed=3)
    staging = read_wlkp_export(path).staging
    truth = {(r["wlkp_company_id"], r["jabatan_title"]): r for r in rows}
    assert staging.height == len(rows)
    for row in staging.iter_rows(named=True):
        expected = truth[(row["wlkp_company_id"], row["jabatan_title"])]
        assert row["founded_date"] == expected["founded_date"]
        assert row["reported_date"] == expected["reported_date"]
        assert row["workers_total"] == expected["workers_total"]


def test_personal_columns_stay_in_raw(shipped) -> None:
    for name in PERSONAL_COLUMNS:
        assert name not in shipped.staging.columns
        assert shipped.raw[name].null_count() < shipped.raw.height


# -- malformed exports, one test per case ----------------------------------------------------


def test_subtotal_that_does_not_add_up_names_sheet_row_and_column(tmp_path, rows) -> None:
    path = tmp_path / "wlkp.xlsx"
    write_wlkp_export(rows, path, PERIOD)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Rekap WLKP"]
    total_column = DEFAULT_COLUMN_ORDER.index("workers_total") + 1
    target = next(
        r for r in range(1, sheet.max_row + 1)
        if str(sheet.cell(r, 1).value or "").startswith("JUMLAH PROVINSI")
    )  # fmt: skip
    sheet.cell(target, total_column).value += 1
    workbook.save(path)
    with pytest.raises(TotalMismatchError) as error:
        read_wlkp_export(path)
    message = str(error.value)
    assert f"sheet 'Rekap WLKP' row {target}" in message
    assert "workers_total is" in message
    # The grand total still matches the detail rows, so only one total is wrong.
    assert "1 total(s) do not add up" in message
    reported = read_wlkp_export(path, on_total_mismatch="report")
    assert len(reported.metadata["total_mismatches"]) == 1


def test_grand_total_that_does_not_add_up_in_csv(tmp_path, rows) -> None:
    path = tmp_path / "wlkp.csv"
    write_wlkp_export(rows, path, PERIOD, delimiter=",")
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("JUMLAH TOTAL"))
    cells = lines[number].split(",")
    cells[-1] = str(int(cells[-1]) - 5)
    lines[number] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TotalMismatchError, match=rf"row {number + 1} \('JUMLAH TOTAL'\)"):
        read_wlkp_export(path)


def test_missing_column_is_a_clear_error(tmp_path, rows) -> None:
    path = tmp_path / "wlkp.csv"
    columns = [c for c in DEFAULT_COLUMN_ORDER if c != "jabatan_title"]
    write_wlkp_export(rows, path, PERIOD, columns=columns)
    with pytest.raises(AdminSourceError) as error:
        read_wlkp_export(path)
    assert "lacks required column(s) jabatan_title (Jabatan)" in str(error.value)
    assert "header at row 7" in str(error.value)


def test_header_in_another_row_is_found(tmp_path, rows) -> None:
    plain, shifted = tmp_path / "plain.xlsx", tmp_path / "shifted.xlsx"
    write_wlkp_export(rows, plain, PERIOD)
    extra = ["Dinas Tenaga Kerja Provinsi", "Bidang Pengawasan", "", "Lampiran II"]
    write_wlkp_export(rows, shifted, PERIOD, extra_title_lines=extra)
    first, second = read_wlkp_export(plain), read_wlkp_export(shifted)
    assert first.metadata["sheets"][0]["header_row"] == 7
    assert second.metadata["sheets"][0]["header_row"] == 11
    assert "Lampiran II" in second.metadata["sheets"][0]["title_lines"]
    assert _without_source(first.staging).equals(_without_source(second.staging))


def test_header_unmerged_into_one_row_reads_the_same(tmp_path, rows) -> None:
    merged, flat = tmp_path / "merged.csv", tmp_path / "flat.csv"
    write_wlkp_export(rows, merged, PERIOD, delimiter=",")
    write_wlkp_export(rows, flat, PERIOD, delimiter=",")
    lines = flat.read_text(encoding="utf-8").splitlines()
    top, bottom = (next(csv.reader([line])) for line in lines[6:8])
    group = ""
    for i, (upper, lower) in enumerate(zip(top, bottom, strict=True)):
        group = upper or group if lower else ""
        top[i] = f"{group} {lower}" if lower else upper
    lines[6:8] = [",".join(top)]
    flat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = read_wlkp_export(merged), read_wlkp_export(flat)
    assert second.metadata["sheets"][0]["header_depth"] == 1
    assert _without_source(first.staging).equals(_without_source(second.staging))


def test_no_header_at_all_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Laporan bulanan\nTidak ada data\n", encoding="utf-8")
    with pytest.raises(AdminSourceError, match="no WLKP header row in the first 40 rows"):
        read_wlkp_export(path)


def test_file_in_another_encoding(tmp_path, rows) -> None:
    renamed = [dict(r, company_name="PT Café Nusantara – Cabang Barat") if i < 3 else r
               for i, r in enumerate(rows)]  # fmt: skip
    path = tmp_path / "wlkp_cp1252.csv"
    write_wlkp_export(renamed, path, PERIOD, encoding="cp1252")
    with pytest.raises(AdminSourceError, match=r"not valid utf-8 text at byte \d+ \(line \d+"):
        read_wlkp_export(path, encoding="utf-8")
    load = read_wlkp_export(path)  # encoding="auto" falls back to Windows-1252, and says so
    assert load.metadata["encoding"] == "cp1252"
    assert "PT Café Nusantara – Cabang Barat" in load.staging["company_name"].to_list()
    assert load.rows_loaded == len(rows)


def test_columns_in_another_order_between_months(tmp_path, rows) -> None:
    import random

    january, february = tmp_path / "wlkp_01.xlsx", tmp_path / "wlkp_02.csv"
    order = shuffled_column_order(random.Random(11))
    assert order != list(DEFAULT_COLUMN_ORDER)
    write_wlkp_export(rows, january, PERIOD)
    write_wlkp_export(rows, february, PERIOD, columns=order)
    both = read_wlkp_exports([january, february])
    orders = [f["sheets"][0]["column_order"] for f in both.metadata["files"]]
    assert orders[0] != orders[1]
    by_file = both.staging.partition_by("source_file", as_dict=True)
    first = _without_source(by_file[("wlkp_01.xlsx",)]).drop(
        "founded_date_typed_as", "reported_date_typed_as"
    )
    second = _without_source(by_file[("wlkp_02.csv",)]).drop(
        "founded_date_typed_as", "reported_date_typed_as"
    )
    assert first.equals(second)


def _edit_cell(lines: list[str], index: int, column: str, value: str) -> None:
    """Set `column` of the CSV line `lines[index]` (an export in `DEFAULT_COLUMN_ORDER`)."""
    cells = next(csv.reader([lines[index]]))
    cells[DEFAULT_COLUMN_ORDER.index(column)] = value
    written = io.StringIO()
    csv.writer(written, lineterminator="\n").writerow(cells)
    lines[index] = written.getvalue().removesuffix("\n")


def test_bad_detail_rows_are_quarantined_and_totals_still_reconcile(tmp_path, rows) -> None:
    path = tmp_path / "wlkp.csv"
    # An official typed a wrong row total; the subtotals were then summed from that column.
    typo = [dict(r, workers_total=r["workers_total"] + 10) if i == 6 else r
            for i, r in enumerate(rows)]  # fmt: skip
    write_wlkp_export(typo, path, PERIOD, delimiter=",")
    lines = path.read_text(encoding="utf-8").splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("JUMLAH TOTAL"))
    header_end = 8  # title block (5 lines), a blank line, two header lines
    details = [i for i in range(header_end, end) if not lines[i].startswith("JUMLAH")]
    assert len(details) == len(rows)
    first_company = next(i for i in details[7:] if re.match(r"^\d+,", lines[i]))

    def edit(index: int, column: str, value: str) -> None:
        _edit_cell(lines, index, column, value)

    edit(details[3], "workers_pkwt_male", "12a")
    edit(first_company, "founded_date", "31/02/2001")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load = read_wlkp_export(path)  # the subtotals do not raise: bad cells are skipped, not summed
    assert load.rows_in == len(rows)
    assert load.rows_loaded + load.rows_quarantined == load.rows_in
    reasons = dict(zip(load.quarantine["source_row"], load.quarantine["reason_code"], strict=True))
    assert reasons[details[3] + 1] == "unreadable_count"
    assert reasons[first_company + 1] == "unreadable_date"
    assert reasons[details[6] + 1] == "row_total_mismatch"
    raw_record = load.quarantine["raw_record"].to_list()
    assert all("@example.com" not in record for record in raw_record)


def test_a_bad_detail_row_lists_every_problem_in_column_order(tmp_path, rows) -> None:
    path = tmp_path / "wlkp.csv"
    write_wlkp_export(rows, path, PERIOD, delimiter=",")
    lines = path.read_text(encoding="utf-8").splitlines()
    # The first line of a company (its identity cells filled) after the title block and header.
    detail = next(i for i in range(8, len(lines)) if re.match(r"^\d+,", lines[i]))
    _edit_cell(lines, detail, "workers_pkwt_male", "12a")
    _edit_cell(lines, detail, "reported_date", "31/02/2025")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    quarantine = read_wlkp_export(path).quarantine
    # The company's later rows carry its date forward, so they are quarantined too.
    [row] = quarantine.filter(pl.col("source_row") == detail + 1).iter_rows(named=True)
    # The date column comes before the counts in the file, though the counts are checked first.
    assert row["field"] == "reported_date;workers_pkwt_male"
    assert row["reason_code"] == "unreadable_date;unreadable_count"
    assert row["reason"].startswith(f"wlkp.csv sheet 'wlkp' row {detail + 1} field reported_date: ")
    assert "; field workers_pkwt_male: " in row["reason"]


def test_a_csv_export_numbers_rows_by_file_line_after_a_line_break_in_a_cell(
    tmp_path, rows
) -> None:
    path = tmp_path / "wlkp.csv"
    write_wlkp_export(rows, path, PERIOD, delimiter=",")
    lines = path.read_text(encoding="utf-8").splitlines()
    companies = [i for i in range(8, len(lines)) if re.match(r"^\d+,", lines[i])]
    first, later = companies[0], companies[2]
    _edit_cell(lines, first, "company_address", "Jl. Melati 3\nKawasan Industri")
    _edit_cell(lines, later, "founded_date", "31/02/2001")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load = read_wlkp_export(path)
    # The address's line break moves every later row one line down in the file.
    assert load.quarantine["source_row"].min() == later + 2
    assert load.staging.filter(pl.col("source_row") == first + 1).height == 1


def test_every_generated_jabatan_has_a_deliberate_share_of_women() -> None:
    # Regression: titles added to the generator's list later (Barista, Penata Rambut, Pramuniaga
    # and about a hundred more) fell to the default share unseen.
    from ingest.admin import vocabulary
    from ingest.admin.wlkp_generate import FEMALE_SHARE, TITLES_ON_DEFAULT

    generated = set(vocabulary.JABATAN_COMMON)
    for titles in vocabulary.JABATAN_BY_SECTION.values():
        generated.update(titles)
    by_word = {title for title in generated if any(w in title.lower() for w in FEMALE_SHARE)}
    assert generated - by_word == TITLES_ON_DEFAULT, (
        "each generated jabatan needs a FEMALE_SHARE word or a place in TITLES_ON_DEFAULT, "
        "and no title is both or stale"
    )
