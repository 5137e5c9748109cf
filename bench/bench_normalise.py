"""Benchmark: normalise and link 1 million postings synthesised from the real ones' fields.

Run: `.venv/bin/python bench/bench_normalise.py [N]` (default 1,000,000) or
`make bench` (pytest, marked `bench`). Figures per stage and peak memory go to the log and to
`bench/output/bench_normalise.json`.

The synthetic postings are built from the shipped real samples: each synthetic vacancy takes its
title and description from one real posting, its employer from a real employer (with a synthetic
branch number so there are more employers than in the samples), and its place, salary text and
employment type from other real postings, so the distinct-value structure of every field is the
real one. About a third of the rows are then made duplicates of earlier rows: re-sightings on
later crawl days, copies on another (synthetic) board with "Staf"/"Staff" and "PT"/"PT." variants
and tracking parameters, and re-posts two to four weeks later. Everything synthetic is labelled
so in `source` ("synthetic-board-*") and in URLs ("synthetic.example").

Synthesis is not what is measured: the postings are written to
`bench/output/synthetic_postings_<N>.parquet` first, then a fresh process (`--measure FILE`)
reads them and runs normalisation and linking, so its peak memory (`ru_maxrss`) is the
pipeline's plus its input, not the generator's. Seconds are wall-clock; CPU seconds (all
threads) are given beside them because the machine's two cores are shared and wall-clock
figures move with the other workers' load (the load averages are recorded too).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from ingest.normalise import normalise_postings
from ingest.normalise.duplicates import duplicate_rates, link_duplicates
from ingest.normalise.real_samples import load_real_postings

log = logging.getLogger("bench_normalise")
OUTPUT_DIR = Path(__file__).resolve().parent / "output"
OUTPUT = OUTPUT_DIR / "bench_normalise.json"
GOAL_POSTINGS_PER_SECOND = 15_000
GOAL_PEAK_BYTES = 3 * 1024**3


def synthesise(n: int, seed: int = 6) -> pl.DataFrame:
    """`n` synthetic postings built from the real samples' field values (see module doc)."""
    rng = np.random.default_rng(seed)
    real = load_real_postings()
    n_vacancies = int(n * 0.65)
    pick = lambda: pl.Series(rng.integers(0, real.height, n_vacancies))  # noqa: E731
    template = real[pick()]
    branch = rng.integers(0, 60, n_vacancies)
    day = rng.integers(0, 330, n_vacancies)
    vacancies = pl.DataFrame(
        {
            "source": [f"synthetic-board-{c}" for c in rng.choice(["a", "b", "c"], n_vacancies)],
            "source_posting_id": [f"v{i}" for i in range(n_vacancies)],
            "title": template["title"],
            "company": pl.Series(
                [
                    f"{c} {b}" if b and c else c
                    for c, b in zip(template["company"], branch, strict=True)
                ],
                dtype=pl.String,
            ),
            "location_text": real[pick()]["location_text"],
            "salary_text": real[pick()]["salary_text"],
            "employment_text": real[pick()]["employment_text"],
            "education_text": real[pick()]["education_text"],
            "description": template["description"],
            "_day": day,
        }
    ).with_columns(
        posted=pl.date(2025, 1, 1) + pl.duration(days=pl.col("_day")),
    )
    n_duplicates = n - n_vacancies
    source_rows = pl.Series(rng.integers(0, n_vacancies, n_duplicates))
    kind = rng.choice(["resighting", "board_copy", "repost"], n_duplicates, p=[0.5, 0.25, 0.25])
    copies = vacancies[source_rows].with_columns(_kind=pl.Series(kind))
    is_copy = pl.col("_kind") == "board_copy"
    is_repost = pl.col("_kind") == "repost"
    copies = copies.with_columns(
        source=pl.when(is_copy).then(pl.lit("synthetic-board-d")).otherwise("source"),
        source_posting_id=pl.when(is_copy | is_repost)
        .then(pl.format("d{}", pl.int_range(pl.len())))
        .otherwise("source_posting_id"),
        title=pl.when(is_copy)
        .then(pl.col("title").str.replace(r"(?i)\bstaff\b", "Staf").str.to_uppercase())
        .otherwise("title"),
        company=pl.when(is_copy)
        .then(pl.col("company").str.replace(r"^PT ", "PT. "))
        .otherwise("company"),
        posted=pl.when(is_repost)
        .then(pl.col("posted") + pl.duration(days=14 + pl.int_range(pl.len()) % 15))
        .otherwise("posted"),
        _crawl_offset=pl.when(pl.col("_kind") == "resighting")
        .then(1 + pl.int_range(pl.len()) % 10)
        .otherwise(0),
    )
    rows = pl.concat(
        [
            vacancies.with_columns(_kind=pl.lit("original"), _crawl_offset=pl.lit(0)),
            copies.with_columns(pl.col("_crawl_offset").cast(pl.Int32)),
        ],
        how="diagonal",
    )
    hour = pl.int_range(pl.len()) % 24
    rows = rows.with_columns(
        posting_id=pl.format("s{}", pl.int_range(pl.len())),
        # Machine timestamps like the boards' own, in UTC: each row's date and hour.
        date_text=pl.format(
            "{}T{}:{}:00Z",
            pl.col("posted").dt.strftime("%Y-%m-%d"),
            hour.cast(pl.String).str.zfill(2),
            (pl.int_range(pl.len()) % 60).cast(pl.String).str.zfill(2),
        ),
        crawl_date=(pl.col("posted") + pl.duration(days=1 + pl.col("_crawl_offset"))).dt.strftime(
            "%Y-%m-%d"
        ),
        url=pl.format(
            "https://synthetic.example/{}/{}?utm_source=feed{}",
            pl.col("source"),
            pl.col("source_posting_id"),
            pl.int_range(pl.len()) % 7,
        ),
    )
    return rows.drop("_day", "posted", "_crawl_offset")


def peak_rss_bytes() -> int:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(path: Path) -> dict:
    """Normalise and link the postings in `path` in this process; seconds, CPU and peak memory."""
    load_average_start = os.getloadavg()
    started = time.perf_counter()
    postings = pl.read_parquet(path).drop("_kind", strict=False)
    load_seconds = time.perf_counter() - started
    rss_after_load = peak_rss_bytes()

    timings: dict[str, float] = {}
    cpu_started, started = time.process_time(), time.perf_counter()
    normalised = normalise_postings(postings, timings=timings)
    normalise_seconds = time.perf_counter() - started
    normalise_cpu = time.process_time() - cpu_started
    cpu_started, started = time.process_time(), time.perf_counter()
    pairs, clusters = link_duplicates(normalised, timings=timings)
    link_seconds = time.perf_counter() - started
    link_cpu = time.process_time() - cpu_started
    total = normalise_seconds + link_seconds
    rates = duplicate_rates(clusters, pairs)
    peak = peak_rss_bytes()
    return {
        "postings": postings.height,
        "seconds_per_stage": {k: round(v, 2) for k, v in timings.items()},
        "seconds_normalise": round(normalise_seconds, 2),
        "seconds_link": round(link_seconds, 2),
        "seconds_total": round(total, 2),
        "cpu_seconds_normalise": round(normalise_cpu, 2),
        "cpu_seconds_link": round(link_cpu, 2),
        "postings_per_second": round(postings.height / total),
        "peak_rss_gib": round(peak / 1024**3, 2),
        "rss_after_loading_input_gib": round(rss_after_load / 1024**3, 2),
        "input_load_seconds": round(load_seconds, 2),
        "load_average_start_end": [round(x, 1) for x in load_average_start + os.getloadavg()],
        "cpu_count": os.cpu_count(),
        "linked_pairs": pairs.height,
        "vacancies": clusters["vacancy_id"].n_unique(),
        "duplicate_rate_overall": round(1 - clusters["vacancy_id"].n_unique() / clusters.height, 4),
        "duplicate_rates": rates.to_dicts(),
    }


def run(n: int) -> dict:
    """Synthesise `n` postings to parquet, then measure the pipeline on them in a new process."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / f"synthetic_postings_{n}.parquet"
    started = time.perf_counter()
    postings = synthesise(n)
    synth_seconds = time.perf_counter() - started
    kinds = postings.group_by("_kind").len().sort("_kind").rows()
    postings.write_parquet(path)
    log.info("synthesised %d postings in %.1f s (%s) to %s", n, synth_seconds, kinds, path)
    del postings
    gc.collect()

    measured_json = OUTPUT_DIR / f"bench_normalise_measure_{n}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(path)]
    subprocess.run([*command, "--result", str(measured_json)], check=True)
    result = json.loads(measured_json.read_text())
    result["synthetic_kinds"] = dict(kinds)
    result["synthesis_seconds"] = round(synth_seconds, 1)
    log.info("bench: %s", json.dumps({k: v for k, v in result.items() if k != "duplicate_rates"}))
    OUTPUT.write_text(json.dumps(result, indent=2, default=str))
    return result


@pytest.mark.bench
def test_one_million_postings_throughput_and_memory() -> None:
    result = run(1_000_000)
    assert result["postings_per_second"] >= GOAL_POSTINGS_PER_SECOND
    assert result["peak_rss_gib"] * 1024**3 < GOAL_PEAK_BYTES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("postings", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--measure", type=Path, help="measure on this synthetic parquet file")
    parser.add_argument("--result", type=Path, help="with --measure: write the figures here")
    args = parser.parse_args(argv)
    if args.measure:
        result = measure(args.measure)
        if args.result:
            args.result.write_text(json.dumps(result, default=str))
        log.info(
            "measured: %s", json.dumps({k: v for k, v in result.items() if k != "duplicate_rates"})
        )
    else:
        run(args.postings)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    main()
