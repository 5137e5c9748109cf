"""Benchmark: the incremental night after a crawl day, as a ratio to a full rebuild.

Run: `nice -n 10 .venv/bin/python bench/bench_crawl_night.py [--days 4]` (10-15 min on the
shared 2-core machine). The sibling of bench/bench_incremental_night.py, with its machinery (the
code snapshot, the private folders, the load sampler, the event-log breakdown, the tables); what
differs is what a day brings: instead of a MagangHub export, one `crawl_daily` partition of every
scheduled board, crawled by the real spiders from fixture boards this bench serves on 127.0.0.1
(the crawler tests' sites, built from the real records in data/real; no other host is allowed).

A board shows a window of its postings that slides by a quarter of its width a day: most
postings are seen again (their last day seen moves), a quarter are new, a quarter are gone.
Glints and Karirhub show their whole fixture every day (seen again only).

1. the code snapshot and the shipped data as in the portal bench (no portal day split off);
2. one process (`python bench/bench_crawl_night.py --drive`, serving the boards) runs, for each
   of the first `--days` days, `lmis backfill --job crawl_daily` of the day and then the night
   `lmis backfill` of the day: the first night runs the whole `nightly` job, the later ones are
   incremental, as a long-lived process would run them;
3. the next day is crawled by such a process (`--crawl-only`), then its night runs alone in a
   new process, as the 02:00 schedule runs it after the 00:30 crawl, then again `--rebuild`; the
   published marts and the releases of the two are compared by SHA-256.

Besides the bench's tables (`bench/output/crawl_night.md`, figures in the JSON beside it), each
night's dbt models with the time dbt reported for each (its "OK created ... in N s" lines).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests" / "ingest" / "scrapers"))
from bench_incremental_night import (  # noqa: E402
    measure,
    new_meta,
    night_days,
    prepare,
    report,
)

log = logging.getLogger("bench_crawl_night")
OUTPUT = REPO / "bench" / "output" / "crawl_night.md"
DAYS = 4
SCRIPT = "bench/bench_crawl_night.py"
WINDOWS = {"jobstreet": 120, "lokerid": 80, "dealls": 40}
"""Postings a board shows a day; the window moves by a quarter of it each day."""
JOBSTREET_SNAPSHOT = "jobstreet_2021-12-14.csv"
CONTACT = "bench-crawl-night@example.org"
DBT_MODEL_DONE = re.compile(r"OK created \w+ \w+ model \w+\.(\w+) .*? in ([\d.]+)s\]")
NIGHT_DONE = re.compile(r"backfill nightly (\d{4}-\d{2}-\d{2}): (\w+) in")


class DaySite:
    """A fixture board whose postings are those of the current day (`day_index`)."""

    def __init__(self, build: Callable[[int], Callable]) -> None:
        self._build = build
        self._sites: dict[int, Callable] = {}
        self._lock = threading.Lock()
        self.day_index = 0

    def __call__(self, request):
        with self._lock:
            if self.day_index not in self._sites:
                self._sites[self.day_index] = self._build(self.day_index)
            site = self._sites[self.day_index]
        return site(request)


def _window(rows: list, width: int, day_index: int) -> list:
    start = day_index * (width // 4)
    if start + width > len(rows):
        raise ValueError(
            f"{len(rows)} fixture postings, {start + width} wanted for day {day_index}"
        )
    return rows[start : start + width]


def fixture_boards() -> tuple[dict[str, DaySite], list[str]]:
    """Every scheduled board's day site, and the Glints keywords."""
    import crawl_fixture_sites as sites

    jobstreet = sites.jobstreet_rows(JOBSTREET_SNAPSHOT)
    lokerid, dealls = sites.lokerid_rows(), sites.dealls_rows()
    searches = sites.glints_searches()
    hits, details = sites.karirhub_listing_hits(), sites.karirhub_details()
    boards = {
        "jobstreet": DaySite(
            lambda i: sites.jobstreet_site(_window(jobstreet, WINDOWS["jobstreet"], i))
        ),
        "lokerid": DaySite(lambda i: sites.lokerid_site(_window(lokerid, WINDOWS["lokerid"], i))),
        "dealls": DaySite(lambda i: sites.dealls_site(_window(dealls, WINDOWS["dealls"], i))),
        "glints": DaySite(lambda i: sites.glints_site(searches)),
        "karirhub": DaySite(lambda i: sites.karirhub_site(hits, details)),
    }
    return boards, list(searches)


def drive(days: list[str], first_index: int, crawl_only: bool) -> int:
    """Serve the boards; crawl each day, then (unless `crawl_only`) run its night."""
    from crawl_fixture_server import FixtureServer

    from orchestration.cli import main as lmis_main

    boards, keywords = fixture_boards()
    servers = {name: FixtureServer(board).start() for name, board in boards.items()}
    # Read by the crawler resource when the definitions load, after this.
    os.environ["LMIS_GLINTS_KEYWORDS"] = ",".join(keywords)
    for name, server in servers.items():
        os.environ[f"LMIS_CRAWL_BASE_URL_{name.upper()}"] = server.base_url
    try:
        for index, day in enumerate(days, first_index):
            for board in boards.values():
                board.day_index = index
            status = lmis_main(["backfill", "--job", "crawl_daily", "--from", day, "--to", day])
            if status == 0 and not crawl_only:
                status = lmis_main(["backfill", "--from", day, "--to", day])
            if status != 0:
                return status
    finally:
        for server in servers.values():
            server.stop()
    return 0


def crawl_environment(env: dict[str, str], root: Path) -> dict[str, str]:
    """The bench's environment with the crawls pointed at the loopback boards only."""
    env = {
        **env,
        "LMIS_CRAWL_DIR": str(root / "crawls"),
        "LMIS_CRAWL_CONTACT": CONTACT,
        "LMIS_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
        "LMIS_CRAWL_UNTHROTTLED": "1",
    }
    env.pop("LMIS_CAREER_PAGES", None)  # none: careers_jsonld is not in the job
    return env


def model_times(root: Path) -> dict[str, dict[str, float]]:
    """Per night (`<day> <mode>`, in the order run): seconds per dbt model as dbt timed it, from
    its log lines in the transcript (a night's lines come before the line ending the night)."""
    found, models = {}, {}
    for line in (root / "transcript.log").read_text().splitlines():
        model = DBT_MODEL_DONE.search(line)
        if model:
            models[model.group(1)] = float(model.group(2))
            continue
        night = NIGHT_DONE.search(line)
        if night:
            label = f"{night.group(1)} {night.group(2)}"
            while label in found:
                label += "'"
            found[label], models = models, {}
    return found


def model_table(times: dict[str, dict[str, float]], slowest: int = 12) -> str:
    lines = ["", "## Slowest dbt models of each night (seconds, as dbt timed them)", ""]
    for night, models in times.items():
        ranked = sorted(models.items(), key=lambda kv: -kv[1])[:slowest]
        total = round(sum(models.values()), 1)
        text = ", ".join(f"`{name}` {seconds}" for name, seconds in ranked)
        lines.append(f"- {night} ({len(models)} models, {total} s): {text}")
    return "\n".join(lines) + "\n"


def render(root: Path, output: Path) -> dict:
    figures = report(root, output)
    times = model_times(root)
    with open(output, "a") as out:
        out.write(model_table(times))
    figures["model_seconds"] = times
    output.with_suffix(".json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
    log.info("%s", model_table(times))
    return figures


def run(days: int = DAYS, root: Path | None = None, output: Path = OUTPUT) -> dict:
    root = root or Path(tempfile.mkdtemp(prefix="lmis-bench-crawl-night-"))
    all_days = [day.isoformat() for day in night_days(days)]
    env = crawl_environment(prepare(root, [], 0), root)
    env["LMIS_REPORTS_PDF"] = "0"
    windows = ", ".join(f"{name} {width}" for name, width in WINDOWS.items())
    meta = new_meta(
        root,
        days,
        False,
        title="# The night after a crawl day on the shipped data (bench/bench_crawl_night.py)",
        inputs=f"a crawl day of every board ({windows} postings shown, a quarter new each day; "
        "Glints and Karirhub whole)",
    )
    log.info("bench folder %s; transcript %s", root, root / "transcript.log")
    extra = all_days[-1]
    steps = [
        ("backfill", [SCRIPT, "--drive", "--first-index", "0", *all_days[:-1]]),
        ("crawl", [SCRIPT, "--drive", "--crawl-only", "--first-index", str(days), extra]),
        ("next day", ["backfill", "--from", extra, "--to", extra]),
        ("rebuild", ["backfill", "--from", extra, "--to", extra, "--rebuild"]),
    ]
    measure(root, env, steps, night_days(days)[-1], meta, python=frozenset({"backfill", "crawl"}))
    return render(root, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--root", type=Path, help="private folder (default: a new one in /tmp)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--render", type=Path, help="only redo the tables of this bench folder")
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--crawl-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--first-index", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("day", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.drive:
        return drive(args.day, args.first_index, args.crawl_only)
    if args.render:
        render(args.render, args.output)
    else:
        run(args.days, args.root, args.output)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    sys.exit(main())
