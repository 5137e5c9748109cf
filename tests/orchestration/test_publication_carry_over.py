"""What an incremental night writes again and what it keeps: published marts, release files,
reports (orchestration/publish/publication.py, operations/releases.py, reports/carry_over.py)."""

from __future__ import annotations

import json
import os
import signal
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.operations.releases import sha256_of, verify_release, write_release
from orchestration.publish.publication import PUBLICATION_MANIFEST, publish_marts
from orchestration.reports.carry_over import ReportSpec, marts_read, render_unless_unchanged

PROJECT_MANIFEST = settings.DBT_PROJECT_DIR / "target" / "manifest.json"
"""A release needs a dbt manifest (it says which marts hold personal data): the project's."""


@pytest.fixture()
def con():
    with duckdb.connect() as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.dim_region as "
            "select range as region_id, 'r' || range as region_name from range(50)"
        )
        connection.execute(
            "create table marts.fct_portal_vacancies as "
            "select range as vacancy_id, range % 7 as openings from range(200)"
        )
        yield connection


def _publish(con, marts: Path, run_id: str, rebuilt: set[str] | None = None):
    return publish_marts(
        con, marts, run_id, rebuilt=lambda table: rebuilt is None or table in rebuilt
    )


def _identity(path: Path) -> tuple[int, str]:
    return path.stat().st_ino, sha256_of(path)


def test_a_mart_not_rebuilt_and_unchanged_keeps_its_file(con, tmp_path):
    marts = tmp_path / "marts"
    _publish(con, marts, "night-1")
    before = {p.name: _identity(p) for p in marts.glob("*.parquet")}
    con.execute("insert into marts.fct_portal_vacancies values (1000, 3)")
    rows, kept = _publish(con, marts, "night-2", rebuilt={"fct_portal_vacancies"})
    assert kept == ["dim_region"]
    assert _identity(marts / "dim_region.parquet") == before["dim_region.parquet"]
    assert (
        _identity(marts / "fct_portal_vacancies.parquet") != before["fct_portal_vacancies.parquet"]
    )
    assert rows == {"dim_region": 50, "fct_portal_vacancies": 201}
    manifest = json.loads((marts / PUBLICATION_MANIFEST).read_text())
    assert manifest["run_id"] == "night-2" and manifest["kept_from_previous"] == ["dim_region"]
    assert manifest["sha256"]["dim_region"] == before["dim_region.parquet"][1]
    # The kept file is the one a full publication writes from the same rows.
    fresh = tmp_path / "fresh"
    _publish(con, fresh, "full")
    for name in ("dim_region.parquet", "fct_portal_vacancies.parquet"):
        assert sha256_of(fresh / name) == sha256_of(marts / name)


def test_a_rebuilt_mart_is_exported_again_even_with_the_same_rows(con, tmp_path):
    marts = tmp_path / "marts"
    _publish(con, marts, "night-1")
    before = _identity(marts / "dim_region.parquet")
    _, kept = _publish(con, marts, "night-2", rebuilt={"dim_region"})
    assert kept == ["fct_portal_vacancies"]
    after = _identity(marts / "dim_region.parquet")
    assert after[0] != before[0] and after[1] == before[1]
    _, kept = _publish(con, marts, "full")
    assert kept == []


def test_a_table_changed_outside_the_run_or_a_replaced_file_is_exported_again(con, tmp_path):
    marts = tmp_path / "marts"
    _publish(con, marts, "night-1")
    # Changed behind the pipeline's back, without being in the run's selection.
    con.execute("update marts.dim_region set region_name = 'x' where region_id = 3")
    # A published file replaced by something else.
    (marts / "fct_portal_vacancies.parquet").write_bytes(b"not the export")
    rows, kept = _publish(con, marts, "night-2", rebuilt=set())
    assert kept == []
    names = duckdb.sql(
        f"select region_name from '{marts / 'dim_region.parquet'}' where region_id = 3"
    ).fetchall()
    assert names == [("x",)]
    count = duckdb.sql(f"select count(*) from '{marts / 'fct_portal_vacancies.parquet'}'")
    assert count.fetchall() == [(rows["fct_portal_vacancies"],)]


def test_a_publication_without_its_manifest_exports_everything(con, tmp_path):
    marts = tmp_path / "marts"
    _publish(con, marts, "night-1")
    (marts / PUBLICATION_MANIFEST).unlink()
    _, kept = _publish(con, marts, "night-2", rebuilt=set())
    assert kept == []


def _release(marts: Path, releases: Path, day: str):
    return write_release(
        marts,
        releases,
        date.fromisoformat(day),
        run_id=f"run-{day}",
        source_vintages=[],
        dbt_manifest=PROJECT_MANIFEST,
        retention=5,
    )


def test_release_links_the_files_of_unchanged_marts_and_its_manifest_matches(con, tmp_path):
    marts, releases = tmp_path / "marts", tmp_path / "releases"
    con.execute(
        "create table marts.labour_force_indicators_synthetic as select "
        "case when range % 2 = 0 then '2024-08' else '2025-02' end as period, range as value "
        "from range(100)"
    )
    _publish(con, marts, "night-1")
    first = _release(marts, releases, "2026-12-01")
    con.execute("insert into marts.fct_portal_vacancies values (1000, 3)")
    _publish(con, marts, "night-2", rebuilt={"fct_portal_vacancies"})
    second = _release(marts, releases, "2026-12-02")
    assert verify_release(first.path) == [] and verify_release(second.path) == []
    linked = [
        "dim_region.parquet",
        "labour_force_indicators_synthetic/period=2024-08/data_0.parquet",
        "labour_force_indicators_synthetic/period=2025-02/data_0.parquet",
    ]
    for path in linked:
        assert (first.path / path).stat().st_ino == (second.path / path).stat().st_ino, path
    written = "fct_portal_vacancies.parquet"
    assert (first.path / written).stat().st_ino != (second.path / written).stat().st_ino
    assert second.tables["fct_portal_vacancies"] == 201
    # The same date released again from the same publication replaces it and still matches.
    again = _release(marts, releases, "2026-12-02")
    assert verify_release(again.path) == []
    assert (again.path / linked[0]).stat().st_ino == (first.path / linked[0]).stat().st_ino


def test_release_writes_again_a_previous_file_that_no_longer_matches(con, tmp_path):
    marts, releases = tmp_path / "marts", tmp_path / "releases"
    _publish(con, marts, "night-1")
    first = _release(marts, releases, "2026-12-01")
    (first.path / "dim_region.parquet").write_bytes(b"cut")
    second = _release(marts, releases, "2026-12-02")
    assert verify_release(second.path) == []
    assert (first.path / "dim_region.parquet").stat().st_ino != (
        second.path / "dim_region.parquet"
    ).stat().st_ino


def _report(tmp_path: Path, marts: Path, calls: list[int]):
    """A report reading `fct_portal_vacancies` (named in its module) and one input file."""
    module = tmp_path / "report_module.py"
    module.write_text("PATH = 'fct_portal_vacancies.parquet'\n")
    evidence = tmp_path / "evidence.csv"
    if not evidence.exists():
        evidence.write_text("a,b\n1,2\n")
    output = tmp_path / "reports"
    spec = ReportSpec("portal", (str(module),), (evidence,), {"pdf": False})

    def render() -> list[Path]:
        calls.append(1)
        output.mkdir(exist_ok=True)
        page = output / "portal.en.html"
        page.write_text(f"<p>{sha256_of(marts / 'fct_portal_vacancies.parquet')}</p>")
        return [page]

    return render_unless_unchanged(spec, marts, output, render)


def test_a_report_is_kept_while_its_inputs_do_not_change(con, tmp_path):
    marts, calls = tmp_path / "marts", []
    _publish(con, marts, "night-1")
    assert _report(tmp_path, marts, calls)[1] is False
    # Another mart changes: the report does not read it.
    con.execute("insert into marts.dim_region values (99, 'new')")
    _publish(con, marts, "night-2", rebuilt={"dim_region"})
    paths, kept = _report(tmp_path, marts, calls)
    assert kept is True and calls == [1] and paths == [tmp_path / "reports" / "portal.en.html"]


def test_a_report_with_a_changed_input_or_a_lost_file_is_rendered_again(con, tmp_path):
    marts, calls = tmp_path / "marts", []
    _publish(con, marts, "night-1")
    _report(tmp_path, marts, calls)
    con.execute("insert into marts.fct_portal_vacancies values (1000, 3)")
    _publish(con, marts, "night-2", rebuilt={"fct_portal_vacancies"})
    assert _report(tmp_path, marts, calls)[1] is False
    (tmp_path / "evidence.csv").write_text("a,b\n1,3\n")
    assert _report(tmp_path, marts, calls)[1] is False
    (tmp_path / "reports" / "portal.en.html").unlink()
    assert _report(tmp_path, marts, calls)[1] is False
    assert _report(tmp_path, marts, calls)[1] is True
    assert len(calls) == 4


def test_the_marts_each_report_reads_are_found_in_its_code(tmp_path):
    from orchestration.publish.assets import MART_KEYS, OVERVIEW_MODULES
    from orchestration.reports.assets import CRITICAL_OCCUPATIONS_MODULES, SKILLS_OUTLOOK_MODULES

    for key in MART_KEYS:
        (tmp_path / f"{key.path[-1]}.parquet").write_bytes(b"")
    found = [
        marts_read(ReportSpec("r", modules), tmp_path)
        for modules in (OVERVIEW_MODULES, CRITICAL_OCCUPATIONS_MODULES, SKILLS_OUTLOOK_MODULES)
    ]
    assert found == [
        # The overview reads fct_vacancies for its count of distinct vacancies.
        ["dim_region", "fct_vacancies", "fct_vacancy_postings", "labour_force_indicators"],
        # Both name provinces (the title's coverage; the province chart) from dim_region.
        [
            "dim_occupation",
            "dim_region",
            "fct_portal_vacancies",
            "fct_vacancy_postings",
            "labour_force_indicators",
            "labour_force_indicators_synthetic",
        ],
        ["bridge_vacancy_skills", "dim_occupation", "dim_region", "fct_vacancy_postings"],
    ]


def test_a_run_of_the_whole_job_rebuilds_and_gates_every_mart():
    """Dagster records an empty asset selection for a run of the whole job: that is everything
    (every mart exported, every gate required), not nothing."""
    from types import SimpleNamespace

    import dagster as dg

    from orchestration.publish.assets import MART_KEYS, _required_gate_checks, _selected_assets

    def context(selection):
        return SimpleNamespace(run=SimpleNamespace(asset_selection=selection))

    assert _selected_assets(context(frozenset())) is None
    assert _required_gate_checks(_selected_assets(context(frozenset()))) == _required_gate_checks()
    portal = dg.AssetKey(["marts", "fct_portal_vacancies"])
    assert _selected_assets(context(frozenset({portal}))) == {portal}
    assert len(_required_gate_checks({portal})) < len(_required_gate_checks()) and MART_KEYS


def test_an_interrupt_during_the_swap_waits_for_the_whole_publication(con, tmp_path, monkeypatch):
    # Regression: Ctrl-C between two renames left one night's marts beside the other's, under
    # the older night's manifest.
    import orchestration.publish.publication as publication

    marts = tmp_path / "marts"
    _publish(con, marts, "night-1")
    con.execute("insert into marts.dim_region values (1000, 'new')")
    con.execute("insert into marts.fct_portal_vacancies values (1000, 3)")
    replace = os.replace
    renamed: list[str] = []

    def interrupted_replace(source, target):
        replace(source, target)
        renamed.append(Path(target).name)
        if len(renamed) == 1:
            signal.raise_signal(signal.SIGINT)  # the operator's Ctrl-C, between two renames

    monkeypatch.setattr(publication.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        _publish(con, marts, "night-2")
    assert renamed == ["dim_region.parquet", "fct_portal_vacancies.parquet"]
    manifest = json.loads((marts / PUBLICATION_MANIFEST).read_text())
    assert manifest["run_id"] == "night-2"
    for table, checksum in manifest["sha256"].items():
        assert sha256_of(marts / f"{table}.parquet") == checksum
    assert not list(marts.glob(".publishing-*"))


def test_an_interrupt_while_a_day_is_released_again_keeps_a_release_of_that_day(
    con, tmp_path, monkeypatch
):
    # Regression: Ctrl-C after the day's release was moved aside, before the new one took its
    # place, left the day with no release and `latest` pointing at nothing.
    marts, releases = tmp_path / "marts", tmp_path / "releases"
    _publish(con, marts, "night-1")
    _release(marts, releases, "2026-12-01")
    con.execute("insert into marts.fct_portal_vacancies values (1000, 3)")
    _publish(con, marts, "night-2")
    replace = os.replace
    calls: list[str] = []

    def interrupted_replace(source, target):
        replace(source, target)
        # The swap's renames only (a file written with its descriptions is renamed in too).
        if Path(target).parent != releases:
            return
        calls.append(Path(target).name)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)  # the operator's Ctrl-C, between two renames

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        _release(marts, releases, "2026-12-01")
    monkeypatch.undo()
    day = releases / "2026-12-01"
    assert verify_release(day) == []
    manifest = json.loads((day / "manifest.json").read_text())
    assert manifest["tables"]["fct_portal_vacancies"]["rows"] == 201
    # The old copy of the day went too, inside the held swap: none is left hidden for good.
    assert not list(releases.glob(".2026-12-01.replaced-*"))


def test_a_stop_signal_during_a_swap_is_held_off_like_an_interrupt(tmp_path):
    # A service manager's stop (SIGTERM) between two renames is delivered after them, as Ctrl-C.
    from orchestration.operations.interrupts import interrupts_held

    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda number, frame: received.append(number))
    try:
        with interrupts_held("a test swap"):
            signal.raise_signal(signal.SIGTERM)
            assert received == []  # not yet: the swap goes on
        assert received == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)
