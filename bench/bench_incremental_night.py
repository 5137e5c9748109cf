"""Benchmark: the incremental night on the shipped data, as a ratio to a full rebuild.

Run: `nice -n 10 .venv/bin/python bench/bench_incremental_night.py [--days 7] [--rows-per-day 60]`
(10-15 min on the shared 2-core machine), or `make bench` (pytest, marked `bench`, two days).

What it does, all under a private folder in /tmp (`--root`), nothing in the checkout:

1. the committed code (`git archive HEAD`) is unpacked into `<root>/code` and run from there
   (`PYTHONPATH` too, so dbt's Python models import the same code), so edits made in the checkout
   while the bench runs change no fingerprint and trigger no re-landing; `lmis setup` prepares its
   dbt manifest;
2. the shipped inputs of `data/` are copied into `<root>/data` (with a copy of the occupation
   coder's model cache; it is refitted once if the committed coder differs from it) and the
   shipped MagangHub export is split so that a new daily export of `--rows-per-day` positions
   arrives on each of `--days` + 1 days (tests/orchestration/incremental_days.py); the split
   files are derived test inputs, not data;
3. `lmis backfill` over the first `--days` days in one process (the first night lands everything
   and runs the whole nightly job, each later night is incremental), then the next day alone in
   a new process, as the scheduled night runs (incremental, with the process start), then that
   day again with `--rebuild` (every partition and the whole nightly job);
4. per night: wall time, the 1-minute load average while it ran, and where the time went, read
   from the Dagster event log of its runs (run and step start and end).

The markdown table goes to `bench/output/incremental_night.md` (`--output`), the figures to the
JSON beside it, and both to the log. The nightly PDFs are not printed (`LMIS_REPORTS_PDF=0`)
unless `--pdf`. Ratio: the median incremental night against the rebuild night, both timed by
`lmis backfill` itself (from planning to the release, without the process start), and the
single-process incremental night against the rebuild process.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "orchestration"))
from incremental_days import add_portal_days  # noqa: E402
from whole_job_run import isolated_environment  # noqa: E402

from orchestration.settings import TIMEZONE  # noqa: E402

log = logging.getLogger("bench_incremental_night")
OUTPUT = REPO / "bench" / "output" / "incremental_night.md"
DAYS = 7
ROWS_PER_DAY = 60
"""About a thirtieth of the 1,765 positions of the shipped October MagangHub export: one day."""
SHIPPED_FOLDERS = ("real", "synthetic", "reference", "labels", "goldset", "inputs")
LOAD_SAMPLE_SECONDS = 5.0
DAY_DONE = re.compile(
    r"backfill (\w+) (\d{4}-\d{2}-\d{2}): (\w+)( FAILED)? in ([\d.]+) s \(run ([^)]*)\)"
)
"""A day of `lmis backfill`: of `nightly` (a night) or of a partitioned job (a crawl day)."""
RELEASE_DATE_TAG = "lmis/release_date"
TITLE = "# The incremental night on the shipped data (bench/bench_incremental_night.py)"


@dataclass
class Night:
    day: str
    process: str
    mode: str
    seconds: float
    """As `lmis backfill` timed it: planning to release, without the process start."""
    started: float
    ended: float
    load: tuple[float, float] = (0.0, 0.0)
    runs: list[dict] = field(default_factory=list)
    process_seconds: float | None = None
    """Wall time of the whole `lmis` process, when the night was the only one in it."""


class LoadSampler(threading.Thread):
    """The 1-minute load average every few seconds, with the wall clock of each sample."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            with open("/proc/loadavg") as handle:
                self.samples.append((time.time(), float(handle.read().split()[0])))
            self._halt.wait(LOAD_SAMPLE_SECONDS)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def between(self, start: float, end: float) -> tuple[float, float]:
        values = [value for moment, value in self.samples if start <= moment <= end]
        return (min(values), max(values)) if values else (0.0, 0.0)


def prepare(root: Path, days: list[date], rows_per_day: int) -> dict[str, str]:
    """The code snapshot, the shipped data with its daily exports (none without `days`), and
    the environment."""
    code, data = root / "code", root / "data"
    code.mkdir(parents=True)
    archive = root / "code.tar"
    subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), "HEAD"], cwd=REPO, check=True
    )
    with tarfile.open(archive) as tar:
        tar.extractall(code, filter="data")
    archive.unlink()
    for folder in SHIPPED_FOLDERS:
        shutil.copytree(REPO / "data" / folder, data / folder)
    # A private copy of the coder's model cache: the shared one keeps a single model and is
    # replaced whenever someone runs other coder code, which would refit the model mid-bench.
    cache = data / "cache" / "occupations"
    cache.mkdir(parents=True)
    for model in (REPO / "data" / "cache" / "occupations").glob("occupation_model_*.pkl"):
        shutil.copy(model, cache / model.name)
    if days:
        add_portal_days(data, days, rows_per_day)
    env = isolated_environment(
        root,
        LMIS_RELEASES_DIR=str(root / "releases"),
        LMIS_BACKUP_DIR=str(root / "backups"),
        LMIS_ALERT_DIR=str(root / "alerts"),
        PYTHONPATH=str(code),
    )
    env.pop("LMIS_REPORTS_PDF", None)
    return env


def lmis(
    code: Path, env: dict[str, str], args: list[str], transcript: Path, *, python: bool = False
) -> tuple[float, list]:
    """Run `lmis ARGS` (`python ARGS` with `python`) from the code snapshot; (wall seconds,
    [(arrival time, line)])."""
    started = time.time()
    lines = []
    command = args if python else ["-m", "orchestration.cli", *args]
    with open(transcript, "a") as out:
        out.write(f"$ {'python' if python else 'lmis'} {' '.join(args)}\n")
        process = subprocess.Popen(
            [sys.executable, *command],
            cwd=code,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in process.stdout:
            lines.append((time.time(), line.rstrip("\n")))
            out.write(line)
        process.wait()
    seconds = time.time() - started
    if process.returncode != 0:
        raise RuntimeError(f"lmis {' '.join(args)} failed (exit {process.returncode}), see "
                           f"{transcript}")  # fmt: skip
    log.info("%s %s: %.1f s", "python" if python else "lmis", " ".join(args), seconds)
    return seconds, lines


def checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every parquet file under `folder` (the published marts, or one release), by
    path. The manifests are left out: they name the run and the time, which differ."""
    found = {}
    for path in sorted(folder.rglob("*.parquet")):
        if path.is_file() and not path.name.startswith("."):
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return found


def compare(incremental: dict[str, str], rebuilt: dict[str, str]) -> dict:
    """Files the incremental night and the rebuild both wrote, and which of them differ."""
    shared = sorted(set(incremental) & set(rebuilt))
    return {
        "files": len(shared),
        "identical": sum(incremental[name] == rebuilt[name] for name in shared),
        "different": [name for name in shared if incremental[name] != rebuilt[name]],
        "only_incremental": sorted(set(incremental) - set(rebuilt)),
        "only_rebuild": sorted(set(rebuilt) - set(incremental)),
    }


def nights_of(process: str, started: float, lines: list) -> list[Night]:
    """The nights a process ran; a night starts where the previous day (a night or a crawl day
    of the same process) ended."""
    nights, previous = [], started
    for moment, line in lines:
        match = DAY_DONE.search(line)
        if match:
            job, day, mode, failed, seconds, _ = match.groups()
            if failed:
                raise RuntimeError(f"{job} {day} failed")
            if job == "nightly":
                nights.append(Night(day, process, mode, float(seconds), previous, moment))
            previous = moment
    return nights


def _step_group(step_key: str) -> str:
    if "dbt" in step_key:
        return "dbt"
    if step_key.startswith("published"):
        return "publication + release"
    if step_key.startswith("reports"):
        return "reports"
    if step_key.startswith("raw"):
        return "landing"
    return "other steps"


def read_runs(dagster_home: Path) -> list[dict]:
    """Every run of the bench's instance: its job, day, span, and per-step spans."""
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    import dagster as dg
    from dagster import DagsterEventType as Type

    runs = []
    with dg.DagsterInstance.get() as instance:
        for run in instance.get_runs(ascending=True):
            events = instance.all_logs(run.run_id)
            if not events:
                continue
            steps: dict[str, dict] = {}
            for event in events:
                kind = event.dagster_event.event_type if event.dagster_event else None
                if kind is None or not event.step_key:
                    continue
                step = steps.setdefault(event.step_key, {})
                if kind == Type.STEP_START:
                    step["start"] = event.timestamp
                elif kind in (Type.STEP_SUCCESS, Type.STEP_FAILURE):
                    step["end"] = event.timestamp
                elif kind in (Type.ASSET_MATERIALIZATION, Type.ASSET_CHECK_EVALUATION):
                    step.setdefault("first_result", event.timestamp)
            runs.append(
                {
                    "run_id": run.run_id,
                    "job": run.job_name,
                    "day": run.tags.get(RELEASE_DATE_TAG),
                    "status": run.status.value,
                    "start": events[0].timestamp,
                    "end": events[-1].timestamp,
                    "steps": {
                        key: {
                            "seconds": round(s["end"] - s["start"], 1),
                            "start_offset": round(s["start"] - events[0].timestamp, 1),
                            "until_first_result": round(s["first_result"] - s["start"], 1)
                            if "first_result" in s
                            else None,
                        }
                        for key, s in steps.items()
                        if "start" in s and "end" in s
                    },
                }
            )
    return runs


def breakdown(night: Night) -> dict[str, float]:
    """Seconds of the night by part: outside any run, partition runs, nightly run by step group."""
    parts: dict[str, float] = {}
    inside = 0.0
    for run in night.runs:
        span = run["end"] - run["start"]
        inside += span
        if run["job"] != "nightly":
            parts["partition runs"] = parts.get("partition runs", 0.0) + span
            continue
        steps = run["steps"].values()
        first = min((s["start_offset"] for s in steps), default=0.0)
        parts["nightly: start to first step"] = first
        for key, step in run["steps"].items():
            group = "nightly: " + _step_group(key)
            parts[group] = parts.get(group, 0.0) + step["seconds"]
            if group == "nightly: dbt" and step["until_first_result"] is not None:
                parts["  (dbt: step start to first result)"] = step["until_first_result"]
    parts["outside runs (planning, imports, release from publication)"] = night.seconds - inside
    return {name: round(value, 1) for name, value in parts.items()}


def render(nights: list[Night], meta: dict) -> tuple[str, dict]:
    incremental = [n for n in nights if n.mode == "incremental" and n.process == "backfill"]
    rebuild = next(n for n in nights if n.mode == "rebuilt" and n.process == "rebuild")
    single = next((n for n in nights if n.process == "next day"), None)
    median = round(statistics.median(n.seconds for n in incremental), 1) if incremental else None
    ratios = {
        "median_incremental_seconds": median,
        "rebuild_seconds": rebuild.seconds,
        "ratio": round(median / rebuild.seconds, 3) if median else None,
        "single_process_incremental_seconds": single.process_seconds if single else None,
        "rebuild_process_seconds": rebuild.process_seconds,
        "process_ratio": round(single.process_seconds / rebuild.process_seconds, 3)
        if single
        else None,
    }
    lines = [
        meta.get("title") or TITLE,
        "",
        f"Code: commit {meta['commit']}; run {meta['started']} UTC on {meta['cpus']} cores; "
        f"{meta['days']} days, "
        + (meta.get("inputs") or f"{meta.get('rows_per_day')} new MagangHub positions a day")
        + "; "
        f"nightly PDFs {'printed' if meta['pdf'] else 'off (LMIS_REPORTS_PDF=0)'}.",
        "",
        "| night | process | mode | night s | process s | load (1 min) | partition runs | "
        "nightly run steps |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for night in nights:
        partition_runs = sum(1 for r in night.runs if r["job"] != "nightly")
        nightly = next((r for r in night.runs if r["job"] == "nightly"), None)
        lines.append(
            f"| {night.day} | {night.process} | {night.mode} | {night.seconds:.1f} | "
            f"{'' if night.process_seconds is None else f'{night.process_seconds:.1f}'} | "
            f"{night.load[0]:.1f}-{night.load[1]:.1f} | {partition_runs} | "
            f"{len(nightly['steps']) if nightly else 0} |"
        )
    lines += [
        "",
        f"**Median incremental night / rebuild night: {ratios['median_incremental_seconds']} s / "
        f"{ratios['rebuild_seconds']} s = {ratios['ratio']:.1%}**"
        if ratios["ratio"] is not None
        else "No incremental night.",
    ]
    if single:
        lines.append(
            f"One incremental night in its own process / the rebuild process: "
            f"{ratios['single_process_incremental_seconds']:.1f} s / "
            f"{ratios['rebuild_process_seconds']:.1f} s = {ratios['process_ratio']:.1%}"
        )
    for name, label in (("identical_marts", "published marts"), ("identical_release", "release")):
        same = meta.get(name)
        if same:
            lines.append(
                f"Incremental night vs rebuild of {nights[-1].day}, {label}: "
                f"{same['identical']} of {same['files']} files byte-identical (SHA-256)"
                + (f"; different: {', '.join(same['different'])}" if same["different"] else "")
                + (
                    f"; only one side: {', '.join(same['only_incremental'] + same['only_rebuild'])}"
                    if same["only_incremental"] or same["only_rebuild"]
                    else ""
                )
            )
    lines += ["", "## Where each night's time went (seconds, from the Dagster event log)", ""]
    parts = [breakdown(n) for n in nights]
    names = list(dict.fromkeys(name for p in parts for name in p))
    lines += [
        "| part | " + " | ".join(f"{n.day} {n.mode}" for n in nights) + " |",
        "|---|" + "---|" * len(nights),
    ]
    for name in names:
        values = " | ".join(str(p.get(name, "")) for p in parts)
        lines.append(f"| {name} | {values} |")
    lines += ["", "## Slowest steps of each nightly run (seconds)", ""]
    for night in nights:
        for run in night.runs:
            if run["job"] != "nightly":
                continue
            slowest = sorted(run["steps"].items(), key=lambda kv: -kv[1]["seconds"])[:8]
            text = ", ".join(f"`{key}` {step['seconds']}" for key, step in slowest)
            lines.append(f"- {night.day} {night.mode}: {text}")
    figures = {"meta": meta, "ratios": ratios, "nights": [n.__dict__ for n in nights]}
    return "\n".join(lines) + "\n", figures


def night_days(days: int) -> list[date]:
    """`days` + 1 days ending yesterday in Jakarta: the daily partitions exist once their day has
    ended there, so the last new day is yesterday and the backfilled ones the days before it."""
    yesterday = datetime.now(ZoneInfo(TIMEZONE)).date() - timedelta(days=1)
    return [yesterday - timedelta(days=days - offset) for offset in range(days + 1)]


def new_meta(root: Path, days: int, pdf: bool, **extra) -> dict:
    """What the tables say about a run: the commit, the time, the machine, the inputs."""
    return {
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True, capture_output=True
        ).stdout.strip(),
        "started": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "cpus": os.cpu_count(),
        "days": days,
        "pdf": pdf,
        "root": str(root),
        **extra,
    }


def run(
    days: int = DAYS,
    rows_per_day: int = ROWS_PER_DAY,
    root: Path | None = None,
    output: Path = OUTPUT,
    pdf: bool = False,
) -> dict:
    root = root or Path(tempfile.mkdtemp(prefix="lmis-bench-night-"))
    all_days = night_days(days)
    env = prepare(root, all_days, rows_per_day)
    if not pdf:
        env["LMIS_REPORTS_PDF"] = "0"
    meta = new_meta(root, days, pdf, rows_per_day=rows_per_day)
    log.info("bench folder %s; transcript %s", root, root / "transcript.log")
    first, last, extra = (day.isoformat() for day in (all_days[0], all_days[-2], all_days[-1]))
    steps = [
        ("backfill", ["backfill", "--from", first, "--to", last]),
        ("next day", ["backfill", "--from", extra, "--to", extra]),
        ("rebuild", ["backfill", "--from", extra, "--to", extra, "--rebuild"]),
    ]
    measure(root, env, steps, all_days[-1], meta)
    return report(root, output)


def measure(
    root: Path,
    env: dict[str, str],
    steps: list[tuple[str, list[str]]],
    extra: date,
    meta: dict,
    python: frozenset[str] = frozenset(),
) -> None:
    """Run each `(process, lmis arguments)` of `steps` in order (`python ARGS` for the processes
    named in `python`), sampling the load; keep its nights in `<root>/nights.json`.

    The processes named "next day" and "rebuild" must both publish the day `extra`: their
    published marts and releases are compared file by file into `meta`.
    """
    code, transcript = root / "code", root / "transcript.log"
    lmis(code, env, ["setup"], transcript)
    sampler = LoadSampler()
    sampler.start()
    nights: list[Night] = []
    try:
        for process, args in steps:
            started = time.time()
            seconds, lines = lmis(code, env, args, transcript, python=process in python)
            found = nights_of(process, started, lines)
            if len(found) == 1:
                found[0].process_seconds = round(seconds, 1)
            if process == "backfill":
                meta["backfill_process_seconds"] = round(seconds, 1)
            nights += found
            # The same day incremental and rebuilt: every published and released byte must match.
            if process == "next day":
                incremental_marts = checksums(root / "marts")
                incremental_release = checksums(root / "releases" / extra.isoformat())
            elif process == "rebuild":
                meta["identical_marts"] = compare(incremental_marts, checksums(root / "marts"))
                meta["identical_release"] = compare(
                    incremental_release, checksums(root / "releases" / extra.isoformat())
                )
    finally:
        sampler.stop()
        for night in nights:
            night.load = sampler.between(night.started, night.ended)
        # Kept before anything is read back, so `--render ROOT` can redo the tables.
        (root / "nights.json").write_text(
            json.dumps({"meta": meta, "nights": [n.__dict__ for n in nights]}, indent=2)
        )


def report(root: Path, output: Path = OUTPUT) -> dict:
    """The tables of a finished bench folder, from its nights and its Dagster event log."""
    saved = json.loads((root / "nights.json").read_text())
    meta, nights = saved["meta"], [Night(**n) for n in saved["nights"]]
    runs = read_runs(root / "dagster_home")
    for night in nights:
        night.load = tuple(night.load)
        night.runs = [r for r in runs if r["day"] == night.day and night.started <= r["start"]]
        night.runs = [r for r in night.runs if r["end"] <= night.ended + 1]
    markdown, figures = render(nights, meta)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(markdown)
    output.with_suffix(".json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
    for line in markdown.splitlines():
        log.info("%s", line)
    log.info("written %s", output)
    return figures


@pytest.mark.bench
def test_incremental_night_on_shipped_data(tmp_path) -> None:
    figures = run(days=2, root=tmp_path / "bench", output=tmp_path / "incremental_night.md")
    assert figures["ratios"]["ratio"] is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--rows-per-day", type=int, default=ROWS_PER_DAY)
    parser.add_argument("--root", type=Path, help="private folder (default: a new one in /tmp)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--pdf", action="store_true", help="print the nightly PDFs too")
    parser.add_argument("--render", type=Path, help="only redo the tables of this bench folder")
    args = parser.parse_args(argv)
    if args.render:
        report(args.render, args.output)
    else:
        run(args.days, args.rows_per_day, args.root, args.output, args.pdf)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    sys.exit(main())
