"""The data-quality report's raw completeness section: share of filled values per raw column."""

from __future__ import annotations

import duckdb

from orchestration.quality.report import raw_completeness


def test_a_raw_table_without_lineage_columns_is_skipped_not_fatal_to_the_section():
    # A Loker.id file whose header row was lost: every row quarantined, and the raw table the
    # load left has none of the lineage columns. The section failed for every source
    # ("Column _source_file in EXCLUDE list not found").
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute('create table raw.lokerid_postings ("Senior Admin" varchar, "PT A" varchar)')
    con.execute(
        "create table raw.dealls_postings as select * from (values "
        "('Kasir', '', 'r1', 'f.csv', 1), ('Admin', 'Jakarta', 'r1', 'f.csv', 2)) "
        "as t(title, city, _run_id, _source_file, _source_row)"
    )

    frame = raw_completeness(con, ["lokerid", "dealls"])

    assert frame.to_dicts() == [{"source": "dealls", "column_name": "city", "completeness": 0.5}]
