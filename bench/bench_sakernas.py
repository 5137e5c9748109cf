"""Benchmark: synthetic Sakernas person-rows to the whole indicator mart, beside a plain query.

    .venv/bin/python bench/bench_sakernas.py --rows 20000000

1. Generates `--rows` SYNTHETIC persons (10 August rounds x 38 provinces) once into `--work`.
2. Runs, in a fresh process, a plain DuckDB query on the same files: weighted TPT by province
   and by sex per round, with Taylor-linearised standard errors (census blocks within regency x
   urban/rural), i.e. the minimum a hand-written query does.
3. Runs, in a fresh process, the full pipeline: harmonise every round, estimate every indicator
   for every area level and breakdown with SEs, reliability, suppression, write the mart.

Prints wall time, number of estimates, time per estimate, peak memory (max RSS of each process)
and the ratio of time per estimate (goal: mart <= 3x the plain query, < 2 GiB).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

log = logging.getLogger("bench_sakernas")

PLAIN_QUERY = """
with

persons as (

    select
        TAHUN as period,
        KODE_PROV as province,
        K4 as sex,
        concat_ws('-', KODE_PROV, KODE_KAB, KLASIFIKAS) as stratum,
        ID_NKS as psu,
        FINAL_WEIG::double as w,
        (R9A = 1 or R9B = 1 or R9C = 1 or R10A = 1) as employed,
        not (R9A = 1 or R9B = 1 or R9C = 1 or R10A = 1)
            and (R22A = 1 or R22B = 1 or R25A in (1, 2, 3)) as unemployed
    from read_parquet($files)
    where K6 >= 15

),

design as (

    select period, stratum, count(distinct psu) as n_psu from persons group by all

),

psu as (

    select
        period,
        stratum,
        psu,
        province,
        case when grouping(sex) = 0 then 'sex=' || sex else 'province=' || province end
            as domain,
        sum(w) filter (where unemployed) as u,
        sum(w) filter (where employed or unemployed) as l
    from persons
    group by grouping sets ((period, stratum, psu, province), (period, stratum, psu, province, sex))

),

psu_domain as (

    select period, stratum, psu, domain, coalesce(u, 0) as u, coalesce(l, 0) as l
    from psu where domain like 'province=%'
    union all
    select period, stratum, psu, domain, sum(coalesce(u, 0)), sum(coalesce(l, 0))
    from psu where domain like 'sex=%'
    group by all

),

strata as (

    select
        p.period, p.domain, p.stratum, any_value(d.n_psu) as n,
        sum(u) as su, sum(l) as sl, sum(u * u) as suu, sum(l * l) as sll, sum(u * l) as sul
    from psu_domain as p
    inner join design as d on p.period = d.period and p.stratum = d.stratum
    group by all

),

cells as (

    select *, sum(su) over c / sum(sl) over c as r, sum(sl) over c as x
    from strata
    window c as (partition by period, domain)

)

select
    period,
    domain,
    100 * any_value(r) as tpt,
    100 * sqrt(sum(
        case when n > 1 then n / (n - 1.0) * greatest(
            (suu - 2 * r * sul + r * r * sll) / (x * x) - power((su - r * sl) / x, 2) / n, 0)
        else (suu - 2 * r * sul + r * r * sll) / (x * x) end
    )) as se
from cells
group by period, domain
order by period, domain
"""


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_plain(work: Path) -> dict[str, float]:
    import duckdb

    files = [str(p) for p in sorted(work.glob("sakernas_synthetic_*.parquet"))]
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1500MB"})
    started = time.perf_counter()
    rows = con.execute(PLAIN_QUERY, {"files": files}).fetchall()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "estimates": len(rows), "peak_rss_mib": _peak_rss_mib()}


def run_mart(work: Path) -> dict[str, float]:
    from ingest.sakernas.pipeline import build_indicator_mart, discover_inputs

    started = time.perf_counter()
    summary = build_indicator_mart(
        discover_inputs([work]), work / "labour_force_indicators_synthetic.parquet"
    )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "estimates": summary["estimates"], "peak_rss_mib": _peak_rss_mib()}


def _in_fresh_process(step: str, work: Path) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, __file__, "--step", step, "--work", str(work)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def benchmark(rows: int, work: Path) -> dict[str, object]:
    from ingest.sakernas.generator import generate, parse_rounds
    from orchestration.settings import DATA_DIR

    manifest_path = work / "manifest_synthetic.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    if manifest.get("persons_requested") != rows:
        manifest = generate(work, DATA_DIR, parse_rounds("2015-2024"), rows)
        manifest["persons_requested"] = rows
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    plain = _in_fresh_process("plain", work)
    mart = _in_fresh_process("mart", work)
    plain_per = plain["seconds"] / plain["estimates"]
    mart_per = mart["seconds"] / mart["estimates"]
    return {
        "person_rows": manifest["persons"],
        "plain": plain,
        "mart": mart,
        "seconds_per_estimate_plain": plain_per,
        "seconds_per_estimate_mart": mart_per,
        "ratio_per_estimate": mart_per / plain_per,
        "ratio_total_time": mart["seconds"] / plain["seconds"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lmis_bench_sakernas"))
    parser.add_argument("--step", choices=["plain", "mart"], default=None)
    args = parser.parse_args()
    if args.step:
        logging.basicConfig(level=logging.WARNING)
        result = run_plain(args.work) if args.step == "plain" else run_mart(args.work)
        sys.stdout.write(json.dumps(result) + "\n")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args.work.mkdir(parents=True, exist_ok=True)
    result = benchmark(args.rows, args.work)
    log.info("result: %s", json.dumps(result, indent=2))
    log.info(
        "%s SYNTHETIC rows: plain query %.1f s for %d estimates (%.1f MiB peak); "
        "mart %.1f s for %d estimates (%.1f MiB peak); ratio per estimate %.4f "
        "(goal <= 3), total-time ratio %.1f",
        f"{result['person_rows']:,}",
        result["plain"]["seconds"],
        result["plain"]["estimates"],
        result["plain"]["peak_rss_mib"],
        result["mart"]["seconds"],
        result["mart"]["estimates"],
        result["mart"]["peak_rss_mib"],
        result["ratio_per_estimate"],
        result["ratio_total_time"],
    )
    return 0


@pytest.mark.bench
def test_bench_sakernas_mart_within_goal(tmp_path: Path) -> None:
    rows = 2_000_000
    result = benchmark(rows, tmp_path)
    assert result["ratio_per_estimate"] <= 3
    assert result["mart"]["peak_rss_mib"] < 2048


if __name__ == "__main__":
    sys.exit(main())
