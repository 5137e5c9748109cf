"""Dated releases of the parquet marts: manifest against files, hive partitions, latest, pruning."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from orchestration import settings
from orchestration.operations.release_metadata import changes_since, code_version
from orchestration.operations.releases import (
    DEFAULT_RETENTION,
    latest_release,
    list_releases,
    occupation_coder_of,
    retention_from_env,
    sha256_of,
    verify_release,
    write_release,
)

PROJECT_MANIFEST = settings.DBT_PROJECT_DIR / "target" / "manifest.json"
"""A release needs a dbt manifest (it says which marts hold personal data): the project's."""


VINTAGES = [{"source": "sakernas", "source_file": "sakernas_2020_08.csv", "rows_loaded": 10}]


@pytest.fixture()
def marts(tmp_path: Path) -> Path:
    folder = tmp_path / "marts"
    folder.mkdir()
    with duckdb.connect() as con:
        con.execute(
            f"copy (select range as region_id, 'r' || range as region_name from range(40)) "
            f"to '{folder / 'dim_region.parquet'}' (format parquet)"
        )
        con.execute(
            "copy (select case when range % 3 = 0 then '2024-08' when range % 3 = 1 "
            "then '2025-02' else '2025-08' end as period, range as value "
            f"from range(300)) to '{folder / 'labour_force_indicators_synthetic.parquet'}' "
            "(format parquet)"
        )
    _record_publication(folder)
    return folder


def _record_publication(folder: Path) -> None:
    """Record every parquet file in `folder` as published, as the publication step does."""
    tables = {p.stem: pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet")}
    (folder / "_publication.json").write_text(json.dumps({"tables": tables}))


@pytest.fixture()
def dbt_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "nodes": {
                    "model.lmis.dim_region": {
                        "resource_type": "model",
                        "schema": "marts",
                        "name": "dim_region",
                        "description": "One row per region.",
                        "columns": {"region_id": {"description": "BPS region code."}},
                    }
                }
            }
        )
    )
    return path


def _release(marts: Path, releases: Path, day: str, manifest: Path, retention: int = 5):
    return write_release(
        marts,
        releases,
        date.fromisoformat(day),
        run_id=f"run-{day}",
        source_vintages=VINTAGES,
        dbt_manifest=manifest,
        retention=retention,
    )


def test_release_manifest_matches_its_parquet_files(marts, dbt_manifest, tmp_path):
    releases = tmp_path / "releases"
    result = _release(marts, releases, "2026-12-01", dbt_manifest)

    assert result.tables == {"dim_region": 40, "labour_force_indicators_synthetic": 300}
    assert verify_release(result.path) == []
    manifest = json.loads((result.path / "manifest.json").read_text())
    for entry in manifest["files"]:
        path = result.path / entry["path"]
        assert pq.ParquetFile(path).metadata.num_rows == entry["rows"]
        assert sha256_of(path) == entry["sha256"]
    assert manifest["source_vintages"] == VINTAGES
    assert manifest["quality_gate"] == "passed"
    assert manifest["tables"]["dim_region"]["schema"][0] == {"name": "region_id", "type": "int64"}


def test_large_table_is_hive_partitioned_by_period(marts, dbt_manifest, tmp_path):
    result = _release(marts, tmp_path / "releases", "2026-12-01", dbt_manifest)
    folders = sorted(p.name for p in (result.path / "labour_force_indicators_synthetic").iterdir())
    assert folders == ["period=2024-08", "period=2025-02", "period=2025-08"]
    with duckdb.connect() as con:
        per_period = con.execute(
            "select period, count(*) from read_parquet(?, hive_partitioning = true) "
            "group by 1 order by 1",
            [str(result.path / "labour_force_indicators_synthetic" / "*" / "*.parquet")],
        ).fetchall()
    assert per_period == [("2024-08", 100), ("2025-02", 100), ("2025-08", 100)]


def test_verify_release_finds_a_changed_and_an_unlisted_file(marts, dbt_manifest, tmp_path):
    result = _release(marts, tmp_path / "releases", "2026-12-01", dbt_manifest)
    with duckdb.connect() as con:
        con.execute(
            f"copy (select 1 as region_id, 'x' as region_name) "
            f"to '{result.path / 'dim_region.parquet'}' (format parquet)"
        )
        con.execute(f"copy (select 1 as a) to '{result.path / 'stray.parquet'}' (format parquet)")
    problems = verify_release(result.path)
    assert "stray.parquet: on disk, not in the manifest" in problems
    assert "dim_region.parquet: 1 rows, manifest says 40" in problems
    assert "dim_region.parquet: checksum differs from the manifest" in problems


def test_data_dictionary_comes_from_the_dbt_manifest(marts, dbt_manifest, tmp_path):
    result = _release(marts, tmp_path / "releases", "2026-12-01", dbt_manifest)
    dictionary = (result.path / "data_dictionary.md").read_text()
    assert "## dim_region" in dictionary
    assert "One row per region." in dictionary
    assert "| `region_id` | int64 | BPS region code. |" in dictionary
    assert "| `region_name` | string | (undocumented) |" in dictionary


def test_same_marts_give_the_same_checksums_and_latest_moves(marts, dbt_manifest, tmp_path):
    releases = tmp_path / "releases"
    first = _release(marts, releases, "2026-12-01", dbt_manifest)
    second = _release(marts, releases, "2026-12-02", dbt_manifest)
    sums = [
        {
            e["path"]: e["sha256"]
            for e in json.loads((r.path / "manifest.json").read_text())["files"]
        }
        for r in (first, second)
    ]
    assert sums[0] == sums[1]
    assert latest_release(releases) == releases / "2026-12-02"
    assert (releases / "latest" / "dim_region.parquet").exists()


def test_rerelease_of_a_date_replaces_it_whole(marts, dbt_manifest, tmp_path):
    releases = tmp_path / "releases"
    _release(marts, releases, "2026-12-01", dbt_manifest)
    (marts / "dim_region.parquet").unlink()
    _record_publication(marts)
    again = _release(marts, releases, "2026-12-01", dbt_manifest)
    assert not (again.path / "dim_region.parquet").exists()
    assert verify_release(again.path) == []
    assert [p.name for p in releases.iterdir() if p.name.startswith(".")] == []


def test_retention_prunes_the_oldest_releases(marts, tmp_path):
    releases = tmp_path / "releases"
    for day in ("2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"):
        result = _release(marts, releases, day, PROJECT_MANIFEST, retention=2)
    assert [p.name for p in list_releases(releases)] == ["2026-11-30", "2026-12-01"]
    assert result.pruned == ["2026-11-29"]


def test_retention_setting_is_validated(monkeypatch):
    monkeypatch.setenv("LMIS_RELEASE_RETENTION", "3")
    assert retention_from_env() == 3
    monkeypatch.setenv("LMIS_RELEASE_RETENTION", "0")
    # The wording of every whole-number setting (retention.whole_number_from_env).
    with pytest.raises(ValueError, match="a whole number of releases, 1 or more"):
        retention_from_env()
    monkeypatch.setenv("LMIS_RELEASE_RETENTION", "two")
    with pytest.raises(ValueError, match="whole number"):
        retention_from_env()


def test_an_empty_retention_setting_means_the_default(monkeypatch):
    # `LMIS_RELEASE_RETENTION=` in a .env sets the variable to "": the default, not an error.
    for empty in ("", "  "):
        monkeypatch.setenv("LMIS_RELEASE_RETENTION", empty)
        assert retention_from_env() == DEFAULT_RETENTION


def test_synthetic_flag_comes_from_the_rows(marts, tmp_path):
    with duckdb.connect() as con:
        con.execute(
            "copy (select range as id, true as is_synthetic from range(4)) "
            f"to '{marts / 'fct_placements.parquet'}' (format parquet)"
        )
        con.execute(
            "copy (select range as id, range < 1 as is_synthetic from range(4)) "
            f"to '{marts / 'fct_portal_vacancies.parquet'}' (format parquet)"
        )
    _record_publication(marts)
    result = _release(marts, tmp_path / "releases", "2026-12-01", PROJECT_MANIFEST)
    tables = json.loads((result.path / "manifest.json").read_text())["tables"]
    flags = {name: (t["is_synthetic"], t["synthetic_share"]) for name, t in tables.items()}
    assert flags == {
        "fct_placements": (True, 1.0),
        "fct_portal_vacancies": ("mixed", 0.25),
        # No is_synthetic column: the table's name decides, and no share is given.
        "dim_region": (False, None),
        "labour_force_indicators_synthetic": (True, None),
    }


def test_an_older_release_leaves_latest_on_the_newest(marts, tmp_path):
    releases = tmp_path / "releases"
    _release(marts, releases, "2026-12-03", PROJECT_MANIFEST)
    _release(marts, releases, "2026-12-01", PROJECT_MANIFEST)
    assert latest_release(releases) == releases / "2026-12-03"
    assert (releases / "2026-12-01" / "manifest.json").exists()
    _release(marts, releases, "2026-12-04", PROJECT_MANIFEST)
    assert latest_release(releases) == releases / "2026-12-04"


def _backdate(release: Path, created_at: str) -> None:
    """Releases cut in the same second tie on `created_at`; move one back as a real night is."""
    manifest = json.loads((release / "manifest.json").read_text())
    manifest["created_at"] = created_at
    (release / "manifest.json").write_text(json.dumps(manifest))


def test_latest_follows_the_newest_data_not_the_interim_releases_date(marts, tmp_path):
    """An ad-hoc `lmis run` on 12-06 cut the interim release 2026-12-06; the night of 12-05,
    cut after it, held newer data but `latest` stayed on the interim one."""
    releases = tmp_path / "releases"
    interim = write_release(
        marts,
        releases,
        date(2026, 12, 6),
        run_id="adhoc",
        source_vintages=VINTAGES,
        dbt_manifest=PROJECT_MANIFEST,
        retention=5,
        interim=True,
    )
    assert json.loads((interim.path / "manifest.json").read_text())["interim"] is True
    assert latest_release(releases) == releases / "2026-12-06"
    _backdate(interim.path, "2026-12-05T18:00:00+00:00")
    _release(marts, releases, "2026-12-05", PROJECT_MANIFEST)
    assert latest_release(releases) == releases / "2026-12-05"
    # A backfill of an older day moves nothing; an ad-hoc run after the night takes it back.
    _release(marts, releases, "2026-12-02", PROJECT_MANIFEST)
    assert latest_release(releases) == releases / "2026-12-05"
    _backdate(releases / "2026-12-05", "2026-12-05T19:30:00+00:00")
    write_release(
        marts,
        releases,
        date(2026, 12, 6),
        run_id="adhoc-2",
        source_vintages=VINTAGES,
        dbt_manifest=PROJECT_MANIFEST,
        retention=5,
        interim=True,
    )
    assert latest_release(releases) == releases / "2026-12-06"


def _coded_warehouse(path: Path, admin: list[float | None], vacancies: list[float]) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_admin_titles_coded "
            "(job_title varchar, auto_code_threshold double, coder_fingerprint varchar)"
        )
        con.executemany(
            "insert into intermediate.int_admin_titles_coded values (?, ?, 'cf28abc')",
            [[f"t{i}", value] for i, value in enumerate(admin)],
        )
        con.execute(
            "create table intermediate.int_vacancy_occupations_coded "
            "(posting_id varchar, auto_code_threshold double, coder_fingerprint varchar)"
        )
        con.executemany(
            "insert into intermediate.int_vacancy_occupations_coded values (?, ?, 'other')",
            [[f"p{i}", value] for i, value in enumerate(vacancies)],
        )


def test_manifest_publishes_the_auto_code_threshold_the_coder_used(marts, tmp_path):
    # A title the coder could not run on lands with a null threshold; it does not count.
    warehouse = tmp_path / "warehouse.duckdb"
    _coded_warehouse(warehouse, [0.8883599946908444, None], [0.8883599946908444] * 2)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        coder = occupation_coder_of(con)
    assert coder == {"auto_code_threshold": 0.8883599946908444, "coder_fingerprint": "cf28abc"}
    result = write_release(
        marts,
        tmp_path / "releases",
        date(2026, 12, 5),
        run_id="run-1",
        source_vintages=VINTAGES,
        dbt_manifest=PROJECT_MANIFEST,
        retention=5,
        occupation_coder=coder,
    )
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["occupation_coder"]["auto_code_threshold"] == 0.8883599946908444
    assert manifest["occupation_coder"]["coder_fingerprint"] == "cf28abc"


def test_manifest_threshold_is_null_when_the_codes_disagree_or_are_missing(tmp_path, caplog):
    warehouse = tmp_path / "warehouse.duckdb"
    _coded_warehouse(warehouse, [0.88], [0.89])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert occupation_coder_of(con)["auto_code_threshold"] is None
    assert "several auto-code thresholds" in caplog.text
    with duckdb.connect() as con:  # a warehouse built before the column existed
        assert occupation_coder_of(con) == {
            "auto_code_threshold": None,
            "coder_fingerprint": None,
        }


def test_a_stray_parquet_in_the_marts_folder_is_not_released(marts, dbt_manifest, tmp_path, caplog):
    """docs/sakernas.md once wrote a Jambi mart and its quarantine of raw rows into data/marts/;
    the next release took them, quarantined microdata included."""
    for name in ("labour_force_indicators_jambi", "labour_force_indicators_jambi_quarantine"):
        with duckdb.connect() as con:
            con.execute(f"copy (select 1 as raw_row) to '{marts / name}.parquet' (format parquet)")
    with caplog.at_level("WARNING", logger="orchestration.operations.releases"):
        result = _release(marts, tmp_path / "releases", "2026-12-01", dbt_manifest)

    assert result.tables == {"dim_region": 40, "labour_force_indicators_synthetic": 300}
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert sorted(manifest["tables"]) == ["dim_region", "labour_force_indicators_synthetic"]
    assert not [e for e in manifest["files"] if "jambi" in e["path"]]
    # The Jambi extract's PROVENANCE.md is in provenance/, as every source's.
    assert not list(result.path.rglob("*jambi*.parquet"))
    assert "labour_force_indicators_jambi" not in (result.path / "data_dictionary.md").read_text()
    assert verify_release(result.path) == []
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert "labour_force_indicators_jambi.parquet" in warning
    assert "labour_force_indicators_jambi_quarantine.parquet" in warning


def test_a_folder_without_a_publication_record_is_not_released(marts, tmp_path):
    (marts / "_publication.json").unlink()
    with pytest.raises(FileNotFoundError, match="no publication recorded"):
        _release(marts, tmp_path / "releases", "2026-12-01", PROJECT_MANIFEST)
    assert not (tmp_path / "releases" / "2026-12-01").exists()


def test_a_published_mart_missing_from_the_folder_stops_the_release(marts, tmp_path):
    (marts / "dim_region.parquet").unlink()
    with pytest.raises(FileNotFoundError, match="dim_region.parquet"):
        _release(marts, tmp_path / "releases", "2026-12-01", PROJECT_MANIFEST)


def test_a_run_without_a_release_date_cuts_an_interim_release_of_its_own_day():
    # A run without the tag is named after the day it runs in (Jakarta), which that day's night
    # replaces; naming it after the last ended day rewrote the release its night had cut, with
    # files landed after that day.
    from datetime import UTC, date, datetime

    from orchestration.operations.releases import RELEASE_DATE_TAG, release_date_of_run

    at_0249_wib = datetime(2026, 12, 5, 19, 49, tzinfo=UTC)
    assert release_date_of_run({}, now=at_0249_wib) == date(2026, 12, 6)
    just_before_midnight_wib = datetime(2026, 12, 6, 16, 59, tzinfo=UTC)
    assert release_date_of_run({}, now=just_before_midnight_wib) == date(2026, 12, 6)
    tagged = {RELEASE_DATE_TAG: "2026-12-01"}
    assert release_date_of_run(tagged, now=at_0249_wib) == date(2026, 12, 1)


def _provenance_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "real" / "licensed").mkdir(parents=True)
    (data / "real" / "licensed" / "PROVENANCE.md").write_text(
        "# Licensed\n\n- Repository: `someone/jobs`.\n- Licence: **GPL-3** (DESCRIPTION).\n"
    )
    (data / "real" / "silent").mkdir()
    (data / "real" / "silent" / "PROVENANCE.md").write_text("# Silent\n\nScraped in 2024.\n")
    return data


def test_release_is_citable_and_reusable_alone(marts, dbt_manifest, tmp_path):
    data = _provenance_dir(tmp_path)
    result = write_release(
        marts,
        tmp_path / "releases",
        date(2026, 12, 1),
        run_id="run-1",
        source_vintages=VINTAGES,
        dbt_manifest=dbt_manifest,
        retention=5,
        repo_root=settings.REPO_ROOT,
        data_dir=data,
    )
    manifest = json.loads((result.path / "manifest.json").read_text())
    pyproject = tomllib.loads((settings.REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert manifest["code"]["version"] == pyproject["version"]
    assert manifest["code"]["licence"] == pyproject["license"]["text"] == "MIT"
    # From a git checkout with git installed (CI's clean clone), the commit is 40 hex digits;
    # elsewhere (a source archive) there is none.
    has_checkout = (settings.REPO_ROOT / ".git").exists() and shutil.which("git") is not None
    commit = manifest["code"]["git_commit"]
    if has_checkout:
        assert re.fullmatch(r"[0-9a-f]{40}", commit), commit
    else:
        assert commit is None
    assert manifest["source_terms"] == {
        "real/licensed": {
            "terms": ["Licence: GPL-3 (DESCRIPTION)."],
            "provenance": "provenance/real/licensed/PROVENANCE.md",
        },
        "real/silent": {
            "terms": ["none stated"],
            "provenance": "provenance/real/silent/PROVENANCE.md",
        },
    }
    documents = {entry["path"]: entry["sha256"] for entry in manifest["documents"]}
    assert set(documents) == {
        "CHANGELOG.md",
        "LICENSE",
        "CITATION.cff",
        "data_dictionary.md",
        # The join guide, and the page of docs/ it names.
        "docs/how-the-marts-join.md",
        "docs/assumptions_caveats.md",
        "provenance/real/licensed/PROVENANCE.md",
        "provenance/real/silent/PROVENANCE.md",
    }
    assert documents["CHANGELOG.md"] == sha256_of(settings.REPO_ROOT / "CHANGELOG.md")
    assert manifest["previous_release"] is None
    assert manifest["changes_since_previous"] is None
    assert verify_release(result.path) == []
    dictionary = (result.path / "data_dictionary.md").read_text()
    assert "## Licences and terms" in dictionary
    assert "`fct_vacancy_postings.description`" in dictionary
    assert "| `real/silent` | none stated |" in dictionary
    (result.path / "provenance" / "real" / "silent" / "PROVENANCE.md").write_text("changed")
    assert verify_release(result.path) == [
        "provenance/real/silent/PROVENANCE.md: checksum differs from the manifest"
    ]


def test_code_version_without_git_names_no_commit(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1.2.3"\nlicense = { text = "MIT" }\n'
    )
    # Not a checkout: no commit, no failure.
    assert code_version(tmp_path) == {
        "package": "x",
        "version": "1.2.3",
        "licence": "MIT",
        "git_commit": None,
        "git_dirty": None,
    }
    # No git at all.
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert code_version(settings.REPO_ROOT)["git_commit"] is None


def test_release_names_the_previous_release_and_what_changed(marts, dbt_manifest, tmp_path):
    releases, data = tmp_path / "releases", _provenance_dir(tmp_path)

    def release(day: str):
        return write_release(
            marts,
            releases,
            date.fromisoformat(day),
            run_id=f"run-{day}",
            source_vintages=VINTAGES,
            dbt_manifest=dbt_manifest,
            retention=5,
            data_dir=data,
        )

    release("2026-12-01")
    with duckdb.connect() as con:
        # dim_region: 5 rows more, region_name gone, province_code new; a new mart.
        con.execute(
            "copy (select range as region_id, '11' as province_code from range(45)) "
            f"to '{marts / 'dim_region.parquet'}' (format parquet)"
        )
        con.execute(f"copy (select 1 as code) to '{marts / 'dim_breakdown_value.parquet'}'")
    _record_publication(marts)
    second = release("2026-12-02")
    manifest = json.loads((second.path / "manifest.json").read_text())
    assert manifest["previous_release"] == "2026-12-01"
    assert manifest["changes_since_previous"] == {
        "tables_added": ["dim_breakdown_value"],
        "tables_removed": [],
        "columns": {"dim_region": {"added": ["province_code"], "removed": ["region_name"]}},
        "rows": {
            "dim_region": {"before": 40, "after": 45},
            "labour_force_indicators_synthetic": {"before": 300, "after": 300},
        },
    }
    # Released again the same day: still against the day before, not against itself.
    again = json.loads((release("2026-12-02").path / "manifest.json").read_text())
    assert again["previous_release"] == "2026-12-01"
    assert again["changes_since_previous"] == manifest["changes_since_previous"]


def test_citation_file_states_the_package_version_and_licence():
    citation = yaml.safe_load((settings.REPO_ROOT / "CITATION.cff").read_text())
    pyproject = tomllib.loads((settings.REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= set(citation)
    assert citation["version"] == pyproject["version"]
    assert citation["license"] == pyproject["license"]["text"]
    assert "MIT License" in (settings.REPO_ROOT / "LICENSE").read_text()


def test_dictionary_prints_the_notes_that_span_marts(marts, dbt_manifest, tmp_path):
    manifest = json.loads(dbt_manifest.read_text())
    manifest["docs"] = {
        "doc.lmis.dictionary_education_levels": {
            "name": "dictionary_education_levels",
            "block_contents": "\n| level | Sakernas |\n|---|---|\n| bachelor (S1) | `u` |\n",
        },
        "doc.lmis.standard_id": {"name": "standard_id", "block_contents": "Not a note."},
    }
    dbt_manifest.write_text(json.dumps(manifest))
    result = _release(marts, tmp_path / "releases", "2026-12-01", dbt_manifest)
    dictionary = (result.path / "data_dictionary.md").read_text()
    assert "## Education levels\n\n| level | Sakernas |\n|---|---|\n| bachelor (S1) |" in dictionary
    assert "Not a note." not in dictionary


def test_the_projects_dictionary_notes_cover_coded_breakdowns_and_education():
    text = (settings.DBT_PROJECT_DIR / "models" / "marts" / "_dictionary__docs.md").read_text()
    assert "{% docs dictionary_coded_breakdowns %}" in text
    assert "{% docs dictionary_education_levels %}" in text
    # Each family's own values, unrenamed, in one table.
    for value in ("`senior_secondary_vocational`", "`sma_smk`", "`SMK`", "`s1`", "`S1`"):
        assert value in text


def test_changes_since_names_retyped_and_reordered_columns():
    """A column moved or retyped breaks a reader by position or type as surely as one removed."""
    before = {
        "t": {
            "rows": 2,
            "schema": [{"name": "a", "type": "int64"}, {"name": "b", "type": "string"}],
        }
    }
    after = {
        "t": {
            "rows": 2,
            "schema": [
                {"name": "b", "type": "string"},
                {"name": "a", "type": "double"},
                {"name": "c", "type": "bool"},
            ],
        }
    }
    assert changes_since(before, after)["columns"] == {
        "t": {
            "added": ["c"],
            "removed": [],
            "retyped": {"a": ["int64", "double"]},
            "reordered": True,
        }
    }
    # A column added last moves nothing.
    appended = {"t": {"rows": 2, "schema": [*before["t"]["schema"], {"name": "c", "type": "bool"}]}}
    assert changes_since(before, appended)["columns"] == {"t": {"added": ["c"], "removed": []}}
    assert changes_since(before, before)["columns"] == {}


@pytest.mark.parametrize(
    ("tags", "started", "expected"),
    [
        # `lmis run` started 23:50 WIB on 5 December, cut at 00:10 on the 6th: the day it ran in.
        ({}, "2026-12-05T16:50:00+00:00", ("2026-12-05", True)),
        # The sensor's run, tagged 5 December at 23:55 WIB, cut after midnight: still interim.
        ({"lmis/release_date": "2026-12-05"}, "2026-12-05T16:55:00+00:00", ("2026-12-05", True)),
        # The 02:00 night of the 5th: a night's release, whatever the clock says at its end.
        ({"lmis/release_date": "2026-12-05"}, "2026-12-05T19:00:00+00:00", ("2026-12-05", False)),
        # 18:30 UTC on the 5th is 01:30 WIB on the 6th: the Jakarta day, not the UTC one.
        ({}, "2026-12-05T18:30:00+00:00", ("2026-12-06", True)),
    ],
)
def test_a_release_is_dated_by_when_its_run_started_not_when_it_ended(
    monkeypatch, tags, started, expected
):
    """The date and the `interim` flag were read at the end of the run: across midnight, an
    ad-hoc run started at 23:50 was released as the next day, and a sensor run tagged with the
    day it started as that day's night (not interim)."""
    from datetime import UTC, datetime

    from orchestration.operations import releases

    class ClockAtTenPastMidnight(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 5, 17, 10, tzinfo=UTC).astimezone(tz)

    cut = {}
    monkeypatch.setattr(releases, "datetime", ClockAtTenPastMidnight)
    for name in ("source_vintages", "occupation_coder_of"):
        monkeypatch.setattr(releases, name, lambda con: None)
    monkeypatch.setattr(releases, "input_fingerprint", lambda: "inputs")
    monkeypatch.setattr(
        releases, "write_release", lambda marts, out, day, **kw: cut.update(day=day, **kw)
    )
    releases.release_publication(None, Path("marts"), "run", {**tags, "lmis/started_at": started})
    assert (cut["day"].isoformat(), cut["interim"]) == expected


def test_a_re_execution_is_dated_by_its_own_start_not_its_parents_tag():
    """A re-execution from the Dagster UI copies its parent's tags, `lmis/started_at` too: an
    `lmis run` of 3 December re-executed on the 6th was dated (interim) the 3rd."""
    from datetime import UTC, datetime

    from orchestration.operations.releases import release_day

    inherited = {"lmis/started_at": "2026-12-03T03:00:00+00:00"}
    own_start = datetime(2026, 12, 6, 1, tzinfo=UTC)
    assert release_day(inherited, own_start) == (date(2026, 12, 6), True)
    # A night's own tag, set when its landings began an hour before its nightly run: kept.
    night = {"lmis/started_at": "2026-12-05T16:50:00+00:00"}  # 23:50 WIB on the 5th
    assert release_day(night, datetime(2026, 12, 5, 17, 50, tzinfo=UTC)) == (
        date(2026, 12, 5),
        True,
    )


def test_an_interim_release_never_replaces_the_nights_release_of_its_day(marts, tmp_path, caplog):
    """`write_release` replaced a day whole, whatever was there: a re-executed run dated an
    older day (interim) overwrote that day's night release."""
    releases = tmp_path / "releases"
    kw = dict(source_vintages=VINTAGES, dbt_manifest=PROJECT_MANIFEST, retention=5)
    write_release(marts, releases, date(2026, 12, 3), run_id="night-of-3rd", **kw)
    caplog.set_level("WARNING")
    kept = write_release(marts, releases, date(2026, 12, 3), run_id="reexec", interim=True, **kw)
    manifest = json.loads((releases / "2026-12-03" / "manifest.json").read_text())
    assert (manifest["run_id"], manifest["interim"]) == ("night-of-3rd", False)
    assert kept.path == releases / "2026-12-03" and kept.tables
    assert "kept the night's release (run night-of-3rd)" in caplog.text
    # The other way round stays: the night of a day replaces its interim release.
    write_release(marts, releases, date(2026, 12, 4), run_id="adhoc", interim=True, **kw)
    write_release(marts, releases, date(2026, 12, 4), run_id="night-of-4th", **kw)
    manifest = json.loads((releases / "2026-12-04" / "manifest.json").read_text())
    assert manifest["run_id"] == "night-of-4th"


def test_the_data_dictionary_names_the_sources_missing_from_the_release(marts, tmp_path):
    """`missing_sources` was only in manifest.json: a researcher reading the dictionary did not
    learn that the marts lack a source."""
    release = write_release(
        marts,
        tmp_path / "releases",
        date(2026, 12, 3),
        run_id="night",
        source_vintages=VINTAGES,
        dbt_manifest=PROJECT_MANIFEST,
        retention=5,
        missing_sources=["raw.ump_province"],
    )
    text = (release.path / "data_dictionary.md").read_text()
    assert "## Sources missing from this release" in text
    assert "- `raw.ump_province`" in text
    assert verify_release(release.path) == []
    plain = write_release(
        marts,
        tmp_path / "releases",
        date(2026, 12, 4),
        run_id="night-2",
        source_vintages=VINTAGES,
        dbt_manifest=PROJECT_MANIFEST,
        retention=5,
    )
    assert "Sources missing" not in (plain.path / "data_dictionary.md").read_text()
