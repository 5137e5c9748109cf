"""Portal exports are daily snapshots: a record still open is exported again the next day.

A real portal exports every day what is open that day, so a MagangHub position or a Karirhub
vacancy open on Tuesday is in Tuesday's file again, with the same id and maybe a changed quota,
applicant count or status; the AK1 register repeats its registrations the same way. Regression
tests for the fault where the raw suites and the staging tests required an id to be unique over
every day (the second day's landing failed) and the marts would have counted a position once per
day it was open.

The fixture writes two daily exports that overlap (day 2 repeats some of day 1's records with
changed fields) for MagangHub, the Karirhub detail API and the AK1 register, and lands every
partition into a temporary warehouse with the helpers of test_admin_incremental.py. Fast tests
check the raw suites and the quarantine on it; the slow ones build the admin staging models and
the marts reading them with dbt (the coded titles and the WLKP staging model are small stand-ins,
not built here).
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import shutil
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from ingest.admin.landing import admin_source, land_admin_source
from orchestration import settings
from quality.gx_runner import load_suite_definition, validate_dataframe

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "orchestration"))
from incremental_days import open_text  # noqa: E402
from test_admin_incremental import Chain  # noqa: E402

DAY_1, DAY_2 = date(2026, 11, 28), date(2026, 11, 29)
MAGANGHUB_DIR = "real/maganghub-2025-10"
KARIRHUB_DIR = "real/karirhub-api-2025-10"
AK1_DIR = "synthetic/ak1"
# Day 1 has positions [0, 600), day 2 [400, 1000): 200 positions are in both, changed on day 2.
MAGANGHUB_DAYS = {DAY_1: (0, 600), DAY_2: (400, 1000)}
# A monthly export of positions never updated (no updated_at): it belongs to the month's last day.
MAGANGHUB_MONTH, MAGANGHUB_MONTH_END, NEVER_UPDATED = "2026-10", date(2026, 10, 31), 5
# The 57 detail responses: day 1 has lines [0, 40), day 2 [30, 57), 10 in both.
KARIRHUB_DAYS = {DAY_1: (0, 40), DAY_2: (30, 57)}
AK1_REPEATED = 200
"""The register's first rows are exported again on day 2, every one placed by then."""
SELECTION = " ".join(
    [
        "stg_maganghub__positions",
        "stg_karirhub__vacancies",
        "stg_karirhub__listing_hits",
        "stg_karirhub__rss_items",
        "stg_ak1__job_seekers",
        "stg_ak1__placements",
        "int_karirhub_vacancies_combined",
        "fct_portal_vacancies",
        "fct_job_seekers",
        "fct_placements",
    ]
)


def _maganghub_days(data: Path) -> set[str]:
    """Two daily MagangHub exports cut from the shipped one; day 2 changes what it repeats."""
    shipped = settings.DATA_DIR / MAGANGHUB_DIR / "maganghub_positions_2025-10.csv.gz"
    with gzip.open(shipped, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    quota, applicants = header.index("jumlah_kuota"), header.index("jumlah_terdaftar")
    updated = header.index("updated_at")
    repeated = set()
    for day, (start, end) in MAGANGHUB_DAYS.items():
        chunk = [list(row) for row in body[start:end]]
        if day == DAY_2:
            overlap = MAGANGHUB_DAYS[DAY_1][1] - start
            for row in chunk[:overlap]:
                row[quota] = str(int(row[quota]) + 1)
                row[applicants] = str(int(row[applicants] or 0) + 100)
                row[updated] = f"{day.isoformat()} 08:00:00"
                repeated.add(row[0])
        day_file = data / MAGANGHUB_DIR / f"maganghub_positions_{day.isoformat()}.csv.gz"
        _write_csv(day_file, header, chunk)
    never = [row for row in body[MAGANGHUB_DAYS[DAY_2][1] :] if not row[updated].strip()]
    month_file = data / MAGANGHUB_DIR / f"maganghub_positions_{MAGANGHUB_MONTH}.csv.gz"
    _write_csv(month_file, header, never[:NEVER_UPDATED])
    return repeated


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A UTF-8 csv export, gzipped when its name says so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (gzip.open if path.suffix == ".gz" else open)(path, "wb") as raw, open_text(raw) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def _karirhub_days(data: Path) -> set[str]:
    """Two daily detail-API exports; the shipped listing and feed stay one monthly export."""
    folder = data / KARIRHUB_DIR
    shutil.copytree(settings.DATA_DIR / KARIRHUB_DIR, folder)
    shipped = folder / "karirhub_job_details_2025-10.jsonl.gz"
    with gzip.open(shipped, "rt", encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip()]
    shipped.unlink()
    repeated = set()
    for day, (start, end) in KARIRHUB_DAYS.items():
        chunk = lines[start:end]
        if day == DAY_2:
            overlap = KARIRHUB_DAYS[DAY_1][1] - start
            for index, line in enumerate(chunk[:overlap]):
                body = json.loads(line)
                vacancy = body["data"]
                # Four more places, two of them filled since day 1.
                vacancy["quota"] = int(vacancy["quota"]) + 4
                vacancy["usage_quota"] = 2
                vacancy["available_quota"] = vacancy["quota"] - 2
                chunk[index] = json.dumps(body) + "\n"
                repeated.add(vacancy["id"])
        day_file = folder / f"karirhub_job_details_{day.isoformat()}.jsonl.gz"
        with gzip.open(day_file, "wt", encoding="utf-8") as handle:
            handle.writelines(chunk)
    return repeated


def _ak1_day(data: Path) -> None:
    """The shipped register and placements, and a day-2 register export of its first rows."""
    folder = data / AK1_DIR
    shutil.copytree(settings.DATA_DIR / AK1_DIR, folder)
    with open(folder / "ak1_pencari_kerja_synthetic_2025.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1 : 1 + AK1_REPEATED]
    status = header.index("Status")
    for row in body:
        row[status] = "Ditempatkan"
    _write_csv(folder / f"ak1_pencari_kerja_synthetic_{DAY_2.isoformat()}.csv", header, body)


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> dict:
    chain = Chain(tmp_path_factory.mktemp("admin_snapshots"))
    repeated = {
        "maganghub": _maganghub_days(chain.data),
        "karirhub": _karirhub_days(chain.data),
    }
    _ak1_day(chain.data)
    chain.land()
    return {"chain": chain, "repeated": repeated}


@pytest.fixture(scope="module")
def built(landed) -> dict:
    chain = landed["chain"]
    with duckdb.connect(str(chain.warehouse)) as con:
        # Stand-ins for what the marts read outside this selection: no title is coded, no
        # company reports to WLKP.
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_admin_titles_coded (job_title varchar, "
            "kbji4 varchar, isco08 varchar, occupation_confidence double, "
            "is_auto_coded boolean, occupation_coding_status varchar)"
        )
        con.execute("create schema staging")
        con.execute("create table staging.stg_wlkp__workforce_reports (wlkp_company_id varchar)")
    chain.dbt(scratch=False, selection=SELECTION)
    return landed


def _query(chain: Chain, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(chain.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _raw(chain: Chain, table: str):
    with duckdb.connect(str(chain.warehouse), read_only=True) as con:
        return con.execute(f"select * from raw.{table}").df()


def _failed_standards(table: str, frame) -> set[str]:
    outcome = validate_dataframe(frame, load_suite_definition(f"raw_{table}"))
    assert not outcome.engine_errors, outcome.summary()
    return {o.standard_id for o in outcome.failed_errors}


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("maganghub_positions", "position_id"),
        ("karirhub_vacancies", "vacancy_id"),
        ("ak1_job_seekers", "job_seeker_id"),
    ],
)
def test_raw_suite_passes_a_record_exported_again_the_next_day(landed, table, key) -> None:
    frame = _raw(landed["chain"], table)
    assert frame["_partition_key"].nunique() >= 2
    assert frame.duplicated(key).any(), f"{table}: the fixture repeats no id"
    assert _failed_standards(table, frame) == set()


@pytest.mark.parametrize(
    "table", ["maganghub_positions", "karirhub_vacancies", "karirhub_listing_hits"]
)
def test_raw_suite_fails_an_id_twice_in_one_days_partition(landed, table) -> None:
    # What two files of one day holding the same record land as (one file is the reader's
    # business, next test): the id twice in one partition.
    frame = _raw(landed["chain"], table)
    twice = frame.iloc[[0]].assign(_source_row=frame["_source_row"].max() + 1)
    assert _failed_standards(table, frame) == set()
    assert _failed_standards(table, pd.concat([frame, twice], ignore_index=True)) == {"RAW-KEY-01"}


def test_a_duplicate_id_inside_one_days_file_is_quarantined(tmp_path) -> None:
    source_file = settings.DATA_DIR / MAGANGHUB_DIR / "maganghub_positions_2025-10.csv.gz"
    with gzip.open(source_file, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:21]
    day_file = tmp_path / MAGANGHUB_DIR / f"maganghub_positions_{DAY_2.isoformat()}.csv.gz"
    _write_csv(day_file, header, [*body, body[3]])
    _, result = land_admin_source(admin_source("maganghub_positions"), tmp_path, paths=[day_file])
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (21, 20, 1)
    # The repeated row is the file's last (its line depends on the descriptions' line breaks).
    assert result.quarantined.select("field", "reason_code").rows() == [
        ("id_posisi", "id_duplicated")
    ]
    assert result.quarantined["source_row"].item() > result.loaded["_source_row"].max()


def test_coded_titles_count_a_record_once_with_its_latest_title() -> None:
    path = settings.DBT_PROJECT_DIR / "models/intermediate/admin/int_admin_titles_coded.py"
    spec = importlib.util.spec_from_file_location("int_admin_titles_coded", path)
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    con = duckdb.connect()
    relation = con.sql(
        "select * from (values ('a', '2026-11-28', 'f1', 2, 'Kasir'), "
        "('a', '2026-11-29', 'f2', 2, 'Kasir senior'), ('b', '2026-11-28', 'f1', 3, 'Kasir')) "
        "as t (source_vacancy_id, _partition_key, source_file, source_row, vacancy_title)"
    )
    titles = model._titles(relation, "vacancy_title", "maganghub", "source_vacancy_id")
    assert sorted(titles["job_title"].to_list()) == ["Kasir", "Kasir senior"]
    every_row = model._titles(relation, "vacancy_title", "wlkp")
    assert every_row.height == 3


@pytest.mark.slow
def test_staging_keeps_one_row_per_id_and_day(built) -> None:
    chain = built["chain"]
    days = _query(
        chain,
        "select _partition_key, count(*), count(distinct source_vacancy_id) "
        "from staging.stg_maganghub__positions group by all order by 1",
    )
    assert days == [
        (MAGANGHUB_MONTH_END.isoformat(), NEVER_UPDATED, NEVER_UPDATED),
        (DAY_1.isoformat(), 600, 600),
        (DAY_2.isoformat(), 600, 600),
    ]


@pytest.mark.slow
def test_maganghub_position_is_one_row_with_its_latest_snapshot(built) -> None:
    chain, repeated = built["chain"], built["repeated"]["maganghub"]
    rows = pl.DataFrame(
        _query(
            chain,
            "select v.source_vacancy_id, v.places_total, v.registered_applicants, "
            "v.first_seen_date, v.last_seen_date, v.snapshot_days, v.portal_snapshot_date, "
            "s.places_total as day_2_places, s.registered_applicants as day_2_applicants "
            "from marts.fct_portal_vacancies as v left join staging.stg_maganghub__positions "
            "as s on s.source_vacancy_id = v.source_vacancy_id and s._partition_key = ? "
            "where v.portal = 'maganghub'",
            [DAY_2.isoformat()],
        ),
        orient="row",
        schema=["id", "places", "applicants", "first", "last", "days", "snapshot", "p2", "a2"],
    )
    assert rows.height == 1000 + NEVER_UPDATED
    assert rows["id"].n_unique() == 1000 + NEVER_UPDATED
    # Regression: a day whose rows were never updated was dated NULL and dropped out of
    # labour_market_tightness.
    assert rows["snapshot"].null_count() == 0
    monthly = rows.filter(pl.col("last") == MAGANGHUB_MONTH_END)
    assert monthly.height == NEVER_UPDATED
    assert monthly["snapshot"].unique().to_list() == [MAGANGHUB_MONTH_END]
    both = rows.filter(pl.col("id").is_in(repeated))
    assert both.height == 200
    assert both.select("first", "last", "days").unique().rows() == [(DAY_1, DAY_2, 2)]
    assert (both["places"] == both["p2"]).all() and (both["applicants"] == both["a2"]).all()
    # Day 2's values, not day 1's: every repeated position changed on day 2.
    assert both["snapshot"].unique().to_list() == [DAY_2]
    only_first = rows.filter(pl.col("p2").is_null() & (pl.col("last") != MAGANGHUB_MONTH_END))
    assert only_first.height == 400
    assert only_first.select("first", "last", "days").unique().rows() == [(DAY_1, DAY_1, 1)]
    # A daily export is dated by its day, not by its latest update (October 2025 in the rows
    # day 1 repeats unchanged from the shipped export).
    assert only_first["snapshot"].unique().to_list() == [DAY_1]


@pytest.mark.slow
def test_karirhub_vacancy_is_one_row_with_its_latest_snapshot(built) -> None:
    chain, repeated = built["chain"], built["repeated"]["karirhub"]
    for relation in ("intermediate.int_karirhub_vacancies_combined", "marts.fct_portal_vacancies"):
        where = "where portal = 'karirhub'" if relation.startswith("marts") else ""
        assert _query(
            chain, f"select count(*), count(distinct source_vacancy_id) from {relation} {where}"
        ) == [(57, 57)]
    rows = _query(
        chain,
        "select v.source_vacancy_id, v.places_total, v.places_filled, v.places_open, "
        "v.last_seen_date, v.snapshot_days, d.places_total "
        "from intermediate.int_karirhub_vacancies_combined as v "
        "inner join staging.stg_karirhub__vacancies as d "
        "on d.source_vacancy_id = v.source_vacancy_id and d._partition_key = ?",
        [DAY_2.isoformat()],
    )
    changed = [row for row in rows if row[0] in repeated]
    assert len(changed) == 10
    snapshots = _query(
        chain,
        "select last_seen_date, portal_snapshot_date, count(*) "
        "from intermediate.int_karirhub_vacancies_combined group by all order by 1",
    )
    # The daily detail files date their vacancies by their day; the listing and feed are one
    # monthly export of October 2025, dated by their latest publication.
    assert [(last, snapshot) for last, snapshot, _ in snapshots if last >= DAY_1] == [
        (DAY_1, DAY_1),
        (DAY_2, DAY_2),
    ]
    assert all(snapshot is not None for _, snapshot, _ in snapshots)
    for _, places, filled, open_places, last_seen, days, day_2_places in changed:
        assert (places, filled, open_places) == (day_2_places, 2, day_2_places - 2)
        assert last_seen == DAY_2 and days >= 2


@pytest.mark.slow
def test_job_seeker_and_placement_count_once_with_the_latest_register(built) -> None:
    chain = built["chain"]
    registered, distinct, placed_again = _query(
        chain,
        "select count(*), count(distinct job_seeker_id), "
        "count(*) filter (where last_seen_date = ? and register_status = 'Ditempatkan') "
        "from marts.fct_job_seekers",
        [DAY_2.isoformat()],
    )[0]
    in_register = _query(
        chain, "select count(distinct job_seeker_id) from staging.stg_ak1__job_seekers"
    )[0][0]
    assert registered == distinct == in_register
    day_2 = _query(
        chain,
        "select count(*) from staging.stg_ak1__job_seekers where _partition_key = ?",
        [DAY_2.isoformat()],
    )[0][0]
    assert placed_again == day_2 > 0
    assert _query(chain, "select count(*), count(distinct placement_id) from marts.fct_placements")[
        0
    ] == (415, 415)
