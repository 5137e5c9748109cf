"""A run with a deliberately corrupted source leaves the published marts untouched.

The whole nightly job (`lmis run`) runs three times in a subprocess against temporary folders:
on good data, which publishes the marts and reports; with Loker.id's posting dates moved to 2099,
a file that still lands (every row has the right form) but fails the publication gate
(PUB-DAT-01, no posting dated after tonight); and with Loker.id's header broken, so every row is
quarantined and the raw landing checks fail before dbt runs. Each corrupted run must exit
non-zero, leave every published parquet file and the overview reports byte for byte as they were,
and write a data-quality report that names the failed checks.

Slow (three whole runs, about 1.5 minutes of CPU): run with `pytest -m slow`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from reports.labels import quarantine_reason_label

REPO = Path(__file__).parents[2]
DATA = REPO / "data"
ROWS_PER_VACANCY_FILE = 150
SHIPPED_FOLDERS = ("reference", "real", "synthetic", "labels", "goldset")
VACANCY_FILES = [
    "jobstreet-id-2021-12/jobstreet_id_daily_2021-12-14_to_31.csv.gz",
    "lokerid-2025-07/lokerid_jobs_2025-07.csv.gz",
    "dealls-2024-08/dealls_jobs_2024-08-22.csv",
]
LOKERID = "lokerid-2025-07/lokerid_jobs_2025-07.csv.gz"

pytestmark = pytest.mark.slow


def _copy_rows(source: Path, target: Path, rows: int, transform=None) -> None:
    opener = gzip.open if source.suffix == ".gz" else open
    target.parent.mkdir(parents=True, exist_ok=True)
    csv.field_size_limit(16 * 1024 * 1024)
    with (
        opener(source, "rt", encoding="utf-8-sig", newline="") as src,
        opener(target, "wt", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src)
        writer = csv.writer(dst)
        header = next(reader)
        writer.writerow(
            [c.replace("Job ID", "Job Ident") for c in header]
            if transform is _header_broken
            else header
        )
        for index, row in enumerate(reader):
            if index >= rows:
                break
            writer.writerow(transform(header, row) if transform else row)


def _header_broken(header: list[str], row: list[str]) -> list[str]:
    return row


def _posted_in_2099(header: list[str], row: list[str]) -> list[str]:
    column = header.index("Posted Date")
    row[column] = "2099" + row[column][4:]
    return row


def _run(root: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LMIS_DATA_DIR": str(root / "data"),
        "LMIS_WAREHOUSE": str(root / "warehouse.duckdb"),
        "LMIS_MARTS_DIR": str(root / "marts"),
        "LMIS_REPORTS_DIR": str(root / "reports"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "LMIS_BACKUP_DIR": str(root / "backups"),
    }
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _fingerprints(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("corrupted_source")
    data = root / "data"
    # Every shipped input (administrative and synthetic sources too), the big boards cut short.
    for folder in SHIPPED_FOLDERS:
        if (DATA / folder).exists():
            shutil.copytree(DATA / folder, data / folder)
    for relative in VACANCY_FILES:
        _copy_rows(DATA / "real" / relative, data / "real" / relative, ROWS_PER_VACANCY_FILE)
    good = _run(root)
    published = _fingerprints(root / "marts") if (root / "marts").exists() else {}
    reports = (
        {
            name: digest
            for name, digest in _fingerprints(root / "reports").items()
            if name.startswith("labour-market-overview")
        }
        if (root / "reports").exists()
        else {}
    )
    good_quality_report = (root / "reports" / "data-quality.en.html").read_text(encoding="utf-8")
    _copy_rows(
        DATA / "real" / LOKERID,
        data / "real" / LOKERID,
        ROWS_PER_VACANCY_FILE,
        transform=_posted_in_2099,
    )
    corrupted = _run(root)
    gate_report = (root / "reports" / "data-quality.en.html").read_text(encoding="utf-8")
    published_after_gate = _fingerprints(root / "marts")
    _copy_rows(
        DATA / "real" / LOKERID,
        data / "real" / LOKERID,
        ROWS_PER_VACANCY_FILE,
        transform=_header_broken,
    )
    broken = _run(root)
    return {
        "root": root,
        "good": good,
        "corrupted": corrupted,
        "gate_report": gate_report,
        "published_after_gate": published_after_gate,
        "broken": broken,
        "published_before": published,
        "reports_before": reports,
        "good_quality_report": good_quality_report,
    }


def test_the_good_run_publishes_and_says_so(runs):
    assert runs["good"].returncode == 0, runs["good"].stderr[-4000:]
    assert "fct_vacancy_validation.parquet" in runs["published_before"]
    assert "_publication.json" in runs["published_before"]
    assert "were published" in runs["good_quality_report"]


def test_the_corrupted_runs_fail_and_leave_the_publication_untouched(runs):
    assert runs["corrupted"].returncode != 0
    assert runs["broken"].returncode != 0
    assert runs["published_after_gate"] == runs["published_before"]
    assert _fingerprints(runs["root"] / "marts") == runs["published_before"]
    reports_after = {
        name: digest
        for name, digest in _fingerprints(runs["root"] / "reports").items()
        if name.startswith("labour-market-overview")
    }
    assert reports_after == runs["reports_before"]
    assert not list((runs["root"] / "marts").glob(".publishing-*"))


def test_the_quality_report_names_the_failed_publication_gate(runs):
    page = runs["gate_report"]
    assert "NOT published" in page
    failed = page.split("Checks that failed")[1].split("<h2>")[0]
    assert "marts/fct_vacancy_postings" in failed and "publication_gate" in failed
    assert "PUB-DAT-01" in failed
    with duckdb.connect(str(runs["root"] / "warehouse.duckdb"), read_only=True) as con:
        runs = con.execute(
            "select published, failed from quality.report_runs order by recorded_at"
        ).fetchall()
    assert [published for published, _ in runs] == [True, False, False]
    assert runs[1][1] >= 1


def test_the_quality_report_names_the_failed_landing_checks(runs):
    page = (runs["root"] / "reports" / "data-quality.en.html").read_text(encoding="utf-8")
    assert "NOT published" in page
    failed = page.split("Checks that failed")[1].split("<h2>")[0]
    assert "raw/lokerid_postings" in failed and "volume_not_dropped" in failed
    # The quarantine says why every row was rejected, in the report's words for the reason.
    assert quarantine_reason_label("missing_column", "en") in page
