"""Benchmark: WLKP reader load throughput on a generated set of 100,000 detail rows.

Run: `.venv/bin/python bench/bench_wlkp.py [ROWS]` (default 100,000) or `make bench` (pytest,
marked `bench`). The synthetic generator writes the same 100,000 company × jabatan rows twice —
one xlsx and one `;`-separated csv, each with its title block, two-row merged header, provincial
subtotals, grand total and footnotes — and the reader loads each, reconciling every total. Rows
per second (detail rows loaded, file open to frames built) and peak memory go to the log and to
`bench/output/bench_wlkp.json`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

import pytest

from ingest.admin.regions import region_index
from ingest.admin.wlkp_generate import generate_wlkp_rows, write_wlkp_export
from ingest.admin.wlkp_read import read_wlkp_export

log = logging.getLogger("bench_wlkp")
OUTPUT = Path(__file__).resolve().parent / "output" / "bench_wlkp.json"
ROWS = 100_000
# Floors per CPU second (wall time on the shared machine mostly measures the neighbours); a run
# below them means a real regression.
GOAL_ROWS_PER_CPU_SECOND = {"csv": 10_000, "xlsx": 2_000}


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run(rows_wanted: int = ROWS) -> dict:
    index = region_index()
    started = time.perf_counter()
    # About 5.2 jabatan rows per company; generate enough, then keep exactly `rows_wanted`.
    rows = generate_wlkp_rows(rows_wanted // 4, months=(1,), seed=100, index=index)
    # Keep the first companies generated (random places), so every province stays represented.
    rows.sort(key=lambda r: r["wlkp_company_id"][-6:])
    rows = rows[:rows_wanted]
    if len(rows) < rows_wanted:
        raise RuntimeError(f"generated only {len(rows)} rows")
    rows.sort(key=lambda r: (r["province_code_kemendagri"], r["wlkp_company_id"]))
    generated = time.perf_counter() - started
    results: dict = {"rows": rows_wanted, "generate_seconds": round(generated, 1), "formats": {}}
    with tempfile.TemporaryDirectory() as folder:
        for file_format in ("csv", "xlsx"):
            path = Path(folder) / f"wlkp_bench_synthetic.{file_format}"
            started = time.perf_counter()
            write_wlkp_export(rows, path, dt.date(2025, 1, 1), seed=1)
            written = time.perf_counter() - started
            started, cpu_started = time.perf_counter(), time.process_time()
            load = read_wlkp_export(path, index=index)
            seconds = time.perf_counter() - started
            # CPU time as well: on a shared machine wall time mostly measures the neighbours.
            cpu_seconds = time.process_time() - cpu_started
            if load.rows_loaded != rows_wanted:
                raise RuntimeError(f"{path.name}: loaded {load.rows_loaded} of {rows_wanted}")
            results["formats"][file_format] = {
                "file_bytes": path.stat().st_size,
                "write_seconds": round(written, 1),
                "read_seconds": round(seconds, 2),
                "rows_per_second": round(rows_wanted / seconds),
                "cpu_seconds": round(cpu_seconds, 2),
                "rows_per_cpu_second": round(rows_wanted / cpu_seconds),
                "totals_reconciled": load.metadata["totals_reconciled"],
                "peak_rss_bytes_so_far": peak_rss_bytes(),
            }
            log.info(
                "%s: %d rows (%.1f MB) read in %.2f s = %.0f rows/s (%.0f rows per CPU second); "
                "%d totals reconciled",
                file_format, rows_wanted, path.stat().st_size / 1e6, seconds,
                rows_wanted / seconds, rows_wanted / cpu_seconds,
                load.metadata["totals_reconciled"],
            )  # fmt: skip
            del load
    results["peak_rss_bytes"] = peak_rss_bytes()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, indent=2) + "\n")
    log.info("peak memory %.0f MiB; results in %s", results["peak_rss_bytes"] / 2**20, OUTPUT)
    return results


@pytest.mark.bench
def test_wlkp_reader_loads_100k_rows_above_the_floor() -> None:
    results = run(ROWS)
    for file_format, floor in GOAL_ROWS_PER_CPU_SECOND.items():
        assert results["formats"][file_format]["rows_per_cpu_second"] >= floor, file_format


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS)
