"""The incremental admin chain in dbt gives the rows of a build from scratch.

Slow test: the administrative sources land partition by partition into a temporary warehouse
(MagangHub split into two new days with tests/orchestration/incremental_days.py, the other sources
as shipped), and dbt builds the chain from the partitioned staging models to the admin marts.
After each change of the raw partitions (a new day, the day landed again with other rows and new
titles, a day removed) an incremental build is compared with a build from scratch of the same
raw tables: every admin mart, `int_admin_titles_coded` and the staging tables hold the same rows,
with the same column types. The build from scratch drops the coded titles first, so it codes
every title in one batch where the incremental build coded them day by day.

Fast tests: the dbt resource's skipped probes.
"""

from __future__ import annotations

import csv
import gzip
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.admin.landing import ADMIN_SOURCES, land_admin_source
from ingest.warehouse import write_landing
from orchestration import settings
from orchestration.admin.assets import partition_files
from orchestration.transform import dbt as transform_dbt

sys.path.insert(0, str(Path(__file__).parents[1] / "orchestration"))
from incremental_days import MAGANGHUB_EXPORT, add_portal_days, open_text  # noqa: E402

DAYS = [date(2026, 11, 28), date(2026, 11, 29)]
ADMIN_FOLDERS = (
    "real/karirhub-api-2025-10",
    "real/maganghub-2025-10",
    "synthetic/ak1",
    "synthetic/wlkp",
)
MARTS = (
    "fct_portal_vacancies",
    "fct_job_seekers",
    "fct_placements",
    "fct_company_workforce",
    "labour_market_tightness",
)
STAGING = (
    "stg_karirhub__vacancies",
    "stg_karirhub__listing_hits",
    "stg_karirhub__rss_items",
    "stg_maganghub__positions",
    "stg_ak1__job_seekers",
    "stg_ak1__placements",
    "stg_wlkp__workforce_reports",
)
COMPARED = [
    *(f"marts.{name}" for name in MARTS),
    "intermediate.int_admin_titles_coded",
    *(f"staging.{name}" for name in STAGING),
]
SELECTION = "path:models/staging/admin+"


class Chain:
    """A warehouse with the admin sources landed and the dbt chain built on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.warehouse = root / "warehouse.duckdb"
        self.runs = 0

    def land(self, partitions: set[str] | None = None) -> None:
        """Land every partition of every admin source (or only `partitions`), each as a run."""
        with duckdb.connect(str(self.warehouse)) as con:
            for source in ADMIN_SOURCES:
                for partition, files in sorted(partition_files(source, self.data).items()):
                    if partitions is not None and partition not in partitions:
                        continue
                    self.runs += 1
                    _, result = land_admin_source(source, self.data, paths=files)
                    write_landing(con, source, result, f"run-{self.runs}", partition_key=partition)

    def dbt(self, *, scratch: bool, selection: str = SELECTION) -> None:
        """`dbt run` of the chain (or of `selection`): incremental, or from scratch (coded titles
        dropped first)."""
        if scratch:
            with duckdb.connect(str(self.warehouse)) as con:
                con.execute("drop table if exists intermediate.int_admin_titles_coded")
        target = self.root / "target"
        completed = subprocess.run(
            [
                transform_dbt._dbt_executable(),
                "run",
                "--select",
                selection,
                *(["--full-refresh"] if scratch else []),
                "--project-dir",
                str(settings.DBT_PROJECT_DIR),
                "--profiles-dir",
                str(settings.DBT_PROJECT_DIR),
                "--target-path",
                str(target),
                "--log-path",
                str(target),
            ],
            cwd=settings.DBT_PROJECT_DIR,
            env={**transform_dbt.dbt_environment(), "LMIS_WAREHOUSE": str(self.warehouse)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout[-4000:]

    def snapshot(self, schema: str) -> None:
        """Copy the compared relations into `schema` (`<schema>.<schema of it>__<name>`)."""
        with duckdb.connect(str(self.warehouse)) as con:
            con.execute(f"create schema if not exists {schema}")
            for relation in COMPARED:
                copy = f"{schema}.{relation.replace('.', '__')}"
                con.execute(f"create or replace table {copy} as select * from {relation}")

    def differences(self, schema: str) -> list[str]:
        """Relations whose rows or column types differ from the snapshot in `schema`."""
        found = []
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            for relation in COMPARED:
                copy = f"{schema}.{relation.replace('.', '__')}"
                # Landing run ids differ between builds only in the staging lineage column.
                columns = "* exclude (_run_id)" if relation.startswith("staging.") else "*"
                now = con.execute(f"describe select {columns} from {relation}").fetchall()
                then = con.execute(f"describe select {columns} from {copy}").fetchall()
                left, right, rows = con.execute(
                    f"select (select count(*) from (select {columns} from {relation} "
                    f"except all select {columns} from {copy})), "
                    f"(select count(*) from (select {columns} from {copy} "
                    f"except all select {columns} from {relation})), "
                    f"(select count(*) from {relation})"
                ).fetchone()
                if now != then or left or right:
                    found.append(f"{relation}: {left} rows only now, {right} only before")
                assert rows > 0 or relation.endswith("tightness"), relation
        return found

    def incremental_equals_scratch(self, name: str) -> list[str]:
        self.dbt(scratch=False)
        self.snapshot(name)
        self.dbt(scratch=True)
        return self.differences(name)


def _partition_rows(warehouse: Path, day: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select count(*) from staging.stg_maganghub__positions where _partition_key = ?", [day]
        ).fetchone()[0]


def _day_file(data: Path, day: date) -> Path:
    return (data / MAGANGHUB_EXPORT).with_name(f"maganghub_positions_{day.isoformat()}.csv.gz")


def _rewrite_day(path: Path) -> None:
    """The day's export again with ten rows fewer and new titles (`posisi`) on the rest."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:-10]
    title = header.index("posisi")
    for row in body:
        row[title] = f"{row[title]} shift malam"
    with gzip.open(path, "wb") as raw, open_text(raw) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(body)


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Chain:
    chain = Chain(tmp_path_factory.mktemp("admin_incremental"))
    for folder in ADMIN_FOLDERS:
        shutil.copytree(settings.DATA_DIR / folder, chain.data / folder)
    add_portal_days(chain.data, DAYS)
    # The second day arrives after the first build.
    held_back = _day_file(chain.data, DAYS[1])
    shutil.move(held_back, chain.root / held_back.name)
    with duckdb.connect(str(chain.warehouse)) as con:
        # labour_market_tightness reads the occupation dimension, built outside this chain.
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_occupation as select * from (values "
            "('2512', 'Pengembang perangkat lunak', '2512')) "
            "as occupation (kbji_code, title_id, isco08_code)"
        )
    chain.land()
    chain.dbt(scratch=False)
    shutil.move(chain.root / held_back.name, held_back)
    return chain


@pytest.mark.slow
def test_a_new_day_builds_incrementally_as_from_scratch(chain: Chain) -> None:
    chain.land({DAYS[1].isoformat()})
    assert chain.incremental_equals_scratch("new_day") == []
    assert _partition_rows(chain.warehouse, DAYS[1].isoformat()) > 0


@pytest.mark.slow
def test_a_day_landed_again_with_other_rows_replaces_its_rows(chain: Chain) -> None:
    day = DAYS[1].isoformat()
    before = _partition_rows(chain.warehouse, day)
    _rewrite_day(_day_file(chain.data, DAYS[1]))
    chain.land({day})
    assert chain.incremental_equals_scratch("day_again") == []
    assert _partition_rows(chain.warehouse, day) == before - 10


@pytest.mark.slow
def test_a_removed_day_disappears(chain: Chain) -> None:
    day = DAYS[0].isoformat()
    with duckdb.connect(str(chain.warehouse)) as con:
        con.execute("delete from raw.maganghub_positions where _partition_key = ?", [day])
    assert chain.incremental_equals_scratch("day_removed") == []
    assert _partition_rows(chain.warehouse, day) == 0


def test_dbt_resource_skips_the_version_probe_and_the_adapter() -> None:
    resource = transform_dbt.dbt_resource()
    assert resource._cli_version == transform_dbt.DBT_PYTHON_VERSION
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_partial_parse_state_is_kept_per_warehouse(tmp_path: Path, monkeypatch) -> None:
    first = transform_dbt.partial_parse_state_path()
    monkeypatch.setattr(settings, "WAREHOUSE_PATH", tmp_path / "other.duckdb")
    assert transform_dbt.partial_parse_state_path() != first
    written = tmp_path / "run" / "partial_parse.msgpack"
    written.parent.mkdir()
    written.write_bytes(b"state")
    kept = tmp_path / "kept" / "state.msgpack"
    transform_dbt.keep_partial_parse_state(written, kept)
    transform_dbt.keep_partial_parse_state(tmp_path / "missing.msgpack", kept)
    assert kept.read_bytes() == b"state"
    assert [p.name for p in kept.parent.iterdir()] == ["state.msgpack"]
