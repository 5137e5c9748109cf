"""One run of the whole nightly job on a small fixture set, shared by the tests that need one.

`lmis run` runs in a subprocess with every path pointed at a temporary folder, as an operator
runs it: the reference data, the Sakernas Jambi extract, the vacancy files cut to their first rows
(with contact details planted in the first, `PLANTED_CONTACTS`), the malformed April 2022
JobStreet extract, and the administrative sources whole (Karirhub and MagangHub real, AK1 and
WLKP synthetic), plus the occupation coder's training inputs.

The coder's model cache (`data/cache/occupations`, keyed by a fingerprint of its inputs and code)
is the repository's own, linked in: the first run on a clean clone fits the model once (several
minutes) and every later run loads it.

`whole_job_run()` is cached for the test process, so the modules that import it (the admin
pipeline tests and the personal-data scan) share one run. They import it by module name, with
this folder on `sys.path`, so they get the same module object and the same cache.
"""

from __future__ import annotations

import atexit
import csv
import functools
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
ROWS_PER_VACANCY_FILE = 300
RUN_TIMEOUT_SECONDS = 1800

WHOLE_FOLDERS = (
    "reference",
    "real/sakernas-2020-08-jambi",
    "real/ump-province",
    "real/bps-labour-aggregates",
    "real/karirhub-api-2025-10",
    "real/maganghub-2025-10",
    "synthetic/ak1",
    "synthetic/wlkp",
    "synthetic/sakernas",
    "labels",
    "goldset",
)
CUT_VACANCY_FILES = (
    "real/jobstreet-id-2021-12/jobstreet_id_daily_2021-12-14_to_31.csv.gz",
    "real/lokerid-2025-07/lokerid_jobs_2025-07.csv.gz",
    "real/dealls-2024-08/dealls_jobs_2024-08-22.csv",
)
WHOLE_FILES = ("real/jobstreet-id-2021-12/jobstreet_id_2022-04-14_extra.csv.gz",)
# Contact details as adverts carry them, planted in the first row of each cut file (appended to
# the named columns), so the personal-data scan (tests/test_personal_data.py) proves the boards'
# adverts reach no table and no mart in clear: a plain and a disguised e-mail, a WhatsApp
# number, a NIK.
PLANTED_CONTACTS = (
    " Kirim CV ke hrd.budi@gmail.com atau dezan.recruitment(at)gmail.com, WA 0812-3456-7890,"
    " NIK 3172040812340001."
)
PLANTED_COLUMNS = {
    "real/jobstreet-id-2021-12/jobstreet_id_daily_2021-12-14_to_31.csv.gz": ("description",),
    "real/lokerid-2025-07/lokerid_jobs_2025-07.csv.gz": ("Description", "Company"),
    "real/dealls-2024-08/dealls_jobs_2024-08-22.csv": ("company",),
}


@dataclass(frozen=True)
class WholeJobRun:
    root: Path
    data: Path
    warehouse: Path
    marts: Path
    reports: Path
    completed: subprocess.CompletedProcess


def _cut_csv(source: Path, target: Path, rows: int, planted: tuple[str, ...] = ()) -> None:
    opener = gzip.open if source.suffix == ".gz" else open
    target.parent.mkdir(parents=True, exist_ok=True)
    csv.field_size_limit(16 * 1024 * 1024)
    with (
        opener(source, "rt", encoding="utf-8-sig", newline="") as src,
        opener(target, "wt", encoding="utf-8", newline="") as dst,
    ):
        writer = csv.writer(dst)
        for index, row in enumerate(csv.reader(src)):
            if index > rows:
                break
            if index == 0:
                positions = {row.index(name) for name in planted}
            elif index == 1:
                row = [v + PLANTED_CONTACTS if i in positions else v for i, v in enumerate(row)]
            writer.writerow(row)


def build_fixture_data(data: Path) -> None:
    """The input folder of the run: whole folders, cut vacancy files, the coder's cache."""
    for folder in WHOLE_FOLDERS:
        shutil.copytree(DATA / folder, data / folder)
    for relative in CUT_VACANCY_FILES:
        _cut_csv(DATA / relative, data / relative, ROWS_PER_VACANCY_FILE, PLANTED_COLUMNS[relative])
    for relative in WHOLE_FILES:
        shutil.copy(DATA / relative, data / relative)
    cache = DATA / "cache" / "occupations"
    cache.mkdir(parents=True, exist_ok=True)
    (data / "cache").mkdir()
    (data / "cache" / "occupations").symlink_to(cache, target_is_directory=True)


def isolated_environment(root: Path, **extra: str) -> dict[str, str]:
    """The environment of an `lmis` subprocess whose data, warehouse and outputs sit under root."""
    env = {
        **os.environ,
        "LMIS_DATA_DIR": str(root / "data"),
        "LMIS_WAREHOUSE": str(root / "warehouse.duckdb"),
        "LMIS_MARTS_DIR": str(root / "marts"),
        "LMIS_REPORTS_DIR": str(root / "reports"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        # No .env: the checkout's would bring back what is removed below, and its release,
        # backup and personal-data settings (orchestration/env_file.py).
        "LMIS_ENV_FILE": "",
        **extra,
    }
    # Development mode with the published key (the shipped AK1 set is synthetic), and none of the
    # operator's alert or retention settings.
    for name in ("LMIS_ENV", "LMIS_PSEUDONYM_KEY", "LMIS_ALERT_COMMAND", "LMIS_RELEASE_RETENTION"):
        env.pop(name, None)
    return env


@functools.cache
def whole_job_run() -> WholeJobRun:
    root = Path(tempfile.mkdtemp(prefix="lmis-whole-job-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    data = root / "data"
    build_fixture_data(data)
    warehouse, marts, reports = root / "warehouse.duckdb", root / "marts", root / "reports"
    env = isolated_environment(root)
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    return WholeJobRun(root, data, warehouse, marts, reports, completed)
