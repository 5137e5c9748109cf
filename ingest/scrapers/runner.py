"""Run one crawl in a subprocess and report what it achieved.

Twisted's reactor cannot be restarted inside a process, so every crawl runs in its own Python
process (`python -m ingest.scrapers.runner ...`). `run_crawl` starts it, waits, and reads the
`stats.json` the crawl-run extension wrote: the items file, Scrapy's stats, expected and achieved
coverage and whether the crawl is complete. This is the function the Dagster assets call (one
asset per source, partitioned by day: `crawl_date` is the partition).

`settings_overrides` are Scrapy settings for this run only, e.g. `{"LMIS_BASE_URL":
"http://127.0.0.1:8123"}` to point a spider at a fixture server, `{"DOWNLOAD_DELAY": 0}`, or
`{"LMIS_ALLOWED_HOSTS": ["127.0.0.1"]}`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ingest.scrapers.runpaths import RunPaths
from ingest.scrapers.settings import build_user_agent, contact_problem
from ingest.scrapers.state import has_run, read_table, write_crawl_log
from orchestration.settings import REPO_ROOT, TIMEZONE

log = logging.getLogger(__name__)

# Settings that turn politeness off; only for local fixture servers (tests, benchmark, replay).
UNTHROTTLED = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


# After its timeout a crawl is asked to stop (SIGTERM: Scrapy closes the spider, which writes
# the archive, the stats and merges the day's items) and killed only if it has not ended this
# long after. Closing waits for requests in flight, each bounded by DOWNLOAD_TIMEOUT (30 s).
STOP_GRACE_SECONDS = 90.0
TIMEOUT_FINISH_REASON = "timeout"

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
CAREERS_SPIDER = "careers_jsonld"


def start_hosts(
    spider_name: str,
    settings_overrides: dict[str, Any] | None = None,
    spider_arguments: dict[str, str] | None = None,
) -> list[str | None]:
    """The hosts a crawl starts from (None: the spider's default sites on the internet).

    Spiders follow links and redirects only to their start hosts (`OffHostGuardMiddleware`), so
    these are all the hosts a crawl can reach, apart from any listed in `LMIS_SITE_HOSTS`.
    """
    overrides = settings_overrides or {}
    arguments = spider_arguments or {}
    if spider_name == CAREERS_SPIDER:
        pages = arguments.get("career_pages") or overrides.get("LMIS_CAREER_PAGES")
        if pages is None:
            pages = os.environ.get("LMIS_CAREER_PAGES", "")
        if isinstance(pages, str):
            pages = pages.split(",")
        return [urlsplit(str(page).strip()).hostname for page in pages if str(page).strip()]
    # The spider argument wins over the setting (`LmisSpider.from_crawler`).
    base_url = arguments.get("base_url") or overrides.get("LMIS_BASE_URL")
    return [urlsplit(base_url).hostname if base_url else None]


def unthrottled_problem(
    spider_name: str,
    settings_overrides: dict[str, Any] | None = None,
    spider_arguments: dict[str, str] | None = None,
) -> str | None:
    """Why politeness may not be switched off for this crawl, or None when it may.

    The one check behind `lmis crawl --unthrottled` and the Dagster resource's `throttled=False`:
    every host the crawl can reach must be a loopback fixture site.
    """
    overrides = settings_overrides or {}
    hosts = start_hosts(spider_name, overrides, spider_arguments)
    # Site hosts come from the override, else from the environment as the settings read it.
    site_hosts = overrides.get("LMIS_SITE_HOSTS")
    if site_hosts is None:
        site_hosts = os.environ.get("LMIS_CRAWL_SITE_HOSTS", "").split(",")
    hosts += [urlsplit(f"//{host.strip()}").hostname for host in site_hosts if host.strip()]
    outside = [host for host in hosts if host not in LOOPBACK_HOSTS]
    if not outside:
        return None
    return (
        f"{spider_name}: politeness can only be switched off for loopback fixture sites; "
        "this crawl would reach "
        + ", ".join(host or "the spider's default sites" for host in outside)
    )


class CrawlConfigError(ValueError):
    """The crawl cannot start: unknown spider, missing contact address, bad arguments."""


@dataclass(frozen=True)
class CrawlResult:
    """What one crawl run produced and how complete it was."""

    spider: str
    crawl_date: str
    run_id: str
    returncode: int
    items_path: Path  # the day's items (JSON lines), merged over re-runs of the same day
    run_items_path: Path  # this run's items only
    archive_path: Path | None  # gzip WARC of every raw response
    log_path: Path
    stats_path: Path
    state_db: Path
    stats: dict[str, Any] = field(repr=False)
    expected: dict[str, Any]
    achieved: dict[str, Any]
    is_complete: bool
    incomplete_reasons: list[str]

    @property
    def items_written(self) -> int:
        return int(self.stats.get("lmis/items_written", 0))


def spider_names() -> list[str]:
    """Names of the available spiders (loads the Scrapy project; no reactor is started)."""
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    settings = Settings()
    settings.setmodule("ingest.scrapers.settings", priority="project")
    return sorted(SpiderLoader.from_settings(settings).list())


def today_in_jakarta() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def new_run_id() -> str:
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:6]}"


def run_crawl(
    spider_name: str,
    out_dir: Path | str,
    crawl_date: date | str | None = None,
    settings_overrides: dict[str, Any] | None = None,
    *,
    spider_arguments: dict[str, str] | None = None,
    timeout_seconds: float | None = None,
    stop_grace_seconds: float = STOP_GRACE_SECONDS,
) -> CrawlResult:
    """Run one crawl in a subprocess and return its result (never raises for a bad crawl).

    At `timeout_seconds` the crawl is stopped gracefully and killed `stop_grace_seconds` later
    if it is still running; a crawl stopped either way is incomplete (`timeout`).

    Raises CrawlConfigError before starting when the spider is unknown or no contact address is
    configured (`LMIS_CRAWL_CONTACT`, in the environment or in `settings_overrides`).
    """
    overrides = dict(settings_overrides or {})
    if spider_name not in spider_names():
        raise CrawlConfigError(f"unknown spider {spider_name!r}; known: {spider_names()}")
    contact = overrides.get("LMIS_CRAWL_CONTACT") or os.environ.get("LMIS_CRAWL_CONTACT")
    problem = contact_problem(contact)
    if problem:
        raise CrawlConfigError(problem)
    day = str(crawl_date or today_in_jakarta())
    try:
        date.fromisoformat(day)  # fail early on a malformed date
    except ValueError as error:
        raise CrawlConfigError(f"crawl date {day!r} is not a date (YYYY-MM-DD): {error}") from None
    out = Path(out_dir).resolve()
    run_id = new_run_id()
    paths = RunPaths(out, spider_name, day, run_id)
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    overrides.update(
        LMIS_OUT_DIR=str(out),
        LMIS_CRAWL_DATE=day,
        LMIS_RUN_ID=run_id,
        LMIS_CRAWL_CONTACT=contact,
        LOG_FILE=str(paths.log),
    )
    command = [
        sys.executable,
        "-m",
        "ingest.scrapers.runner",
        spider_name,
        "--settings-json",
        json.dumps(overrides),
        "--arguments-json",
        json.dumps(spider_arguments or {}),
    ]
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT), *filter(None, [environment.get("PYTHONPATH")])]
    )
    log.info("crawl %s for %s: run %s in %s", spider_name, day, run_id, paths.run_dir)
    child = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        timed_out, child_errors = _wait(child, timeout_seconds, stop_grace_seconds)
    except BaseException:
        # An interrupt of this process (or any error) must not leave the crawler running on its
        # own: `subprocess.run` killed it, and so does this.
        child.kill()
        child.wait()
        raise
    returncode = child.returncode
    if timed_out and paths.stats.exists():
        _mark_timed_out(paths, timeout_seconds)
    return _result(paths, returncode, child_errors)


def _wait(
    child: subprocess.Popen, timeout_seconds: float | None, stop_grace_seconds: float
) -> tuple[bool, str]:
    """(timed out?, the child's stderr): at the timeout the child is asked to stop (SIGTERM) and
    killed if it has not ended `stop_grace_seconds` later."""
    try:
        return False, child.communicate(timeout=timeout_seconds)[1]
    except subprocess.TimeoutExpired:
        log.warning(
            "crawl pid %d: timeout after %ss; stopping it (grace %ss)",
            child.pid,
            timeout_seconds,
            stop_grace_seconds,
        )
    # Killing at once lost the finished work: a truncated WARC, items never merged.
    child.send_signal(signal.SIGTERM)
    try:
        return True, child.communicate(timeout=stop_grace_seconds)[1]
    except subprocess.TimeoutExpired:
        child.kill()
        child_errors = child.communicate()[1]
    return True, (
        f"{child_errors}\ntimed out after {timeout_seconds}s and did not stop within"
        f" {stop_grace_seconds}s; killed"
    )


def _mark_timed_out(paths: RunPaths, timeout_seconds: float | None) -> None:
    """Record in the run's report and crawl-log row that the crawl was cut at its timeout.

    The crawler closed normally after the stop signal and reported `shutdown`; what ended it
    was the timeout, and that is what the verdict must say.
    """
    report = json.loads(paths.stats.read_text(encoding="utf-8"))
    reason = f"timeout: stopped after {timeout_seconds}s"
    report["finish_reason"] = TIMEOUT_FINISH_REASON
    report["is_complete"] = False
    report["incomplete_reasons"] = [*report["incomplete_reasons"], reason]
    report["coverage"]["is_complete"] = False
    report["coverage"]["incomplete_reasons"] = report["incomplete_reasons"]
    paths.stats.write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    rows = [row for row in read_table(paths.state_db, "crawl_log") if row["run_id"] == paths.run_id]
    if rows:
        row = rows[0]
        row.update(
            finish_reason=TIMEOUT_FINISH_REASON,
            is_complete=0,
            incomplete_reasons=report["incomplete_reasons"],
        )
        write_crawl_log(paths.state_db, row)


def _result(paths: RunPaths, returncode: int, child_errors: str) -> CrawlResult:
    if paths.stats.exists():
        report = json.loads(paths.stats.read_text(encoding="utf-8"))
        coverage = report["coverage"]
        reasons = list(report["incomplete_reasons"])
        if returncode != 0:
            reasons.append(f"crawler process exited with {returncode}")
        result = CrawlResult(
            spider=paths.spider,
            crawl_date=paths.crawl_date,
            run_id=paths.run_id,
            returncode=returncode,
            items_path=paths.day_items,
            run_items_path=paths.items,
            archive_path=paths.archive if paths.archive.exists() else None,
            log_path=paths.log,
            stats_path=paths.stats,
            state_db=paths.state_db,
            stats=report["scrapy_stats"],
            expected=coverage["expected"],
            achieved=coverage["achieved"],
            is_complete=bool(report["is_complete"]) and returncode == 0,
            incomplete_reasons=reasons,
        )
    else:
        # The crawler died before reporting: record the failure so the night is not lost.
        tail = "\n".join(child_errors.strip().splitlines()[-15:])
        reason = f"crawler process exited with {returncode} before reporting: {tail}"
        if not has_run(paths.state_db, paths.run_id):
            write_crawl_log(
                paths.state_db,
                {
                    "run_id": paths.run_id,
                    "spider": paths.spider,
                    "crawl_date": paths.crawl_date,
                    "finished_at": datetime.now(UTC).isoformat(),
                    "finish_reason": "process_failed",
                    "is_complete": 0,
                    "incomplete_reasons": [reason],
                },
            )
        result = CrawlResult(
            spider=paths.spider,
            crawl_date=paths.crawl_date,
            run_id=paths.run_id,
            returncode=returncode,
            items_path=paths.day_items,
            run_items_path=paths.items,
            archive_path=None,
            log_path=paths.log,
            stats_path=paths.stats,
            state_db=paths.state_db,
            stats={},
            expected={},
            achieved={},
            is_complete=False,
            incomplete_reasons=[reason],
        )
    log.info(
        "crawl %s run %s: %s; %d items, expected listings %s, achieved %s",
        result.spider,
        result.run_id,
        "complete" if result.is_complete else "INCOMPLETE",
        result.items_written,
        result.expected.get("listings"),
        result.achieved.get("listings"),
    )
    for reason in result.incomplete_reasons:
        log.warning("crawl %s run %s: %s", result.spider, result.run_id, reason)
    return result


def _crawl_in_this_process(
    spider_name: str, overrides: dict[str, Any], arguments: dict[str, str]
) -> int:
    """The child side: configure Scrapy, run the spider, return a process exit code."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("ingest.scrapers.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    settings.set("USER_AGENT", build_user_agent(settings["LMIS_CRAWL_CONTACT"]), priority="cmdline")
    process = CrawlerProcess(settings)
    # Scrapy filters below LOG_LEVEL in its handler only, so every per-request DEBUG record is
    # still built; setting the logger level skips that work (about 5 % of a crawl's CPU).
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
    failures: list[Any] = []
    crawl = process.crawl(spider_name, **arguments)
    # A crawl that cannot even start (a setting of the wrong type, a spider that fails to build)
    # is logged by Scrapy and the reactor stops normally; without this the process exited 0.
    crawl.addErrback(failures.append)
    process.start()
    if failures:
        log.error("the crawl failed to run: %s", failures[0].getErrorMessage())
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run one spider (used by run_crawl).")
    parser.add_argument("spider")
    parser.add_argument("--settings-json", default="{}")
    parser.add_argument("--arguments-json", default="{}")
    args = parser.parse_args(argv)
    return _crawl_in_this_process(
        args.spider, json.loads(args.settings_json), json.loads(args.arguments_json)
    )


if __name__ == "__main__":
    sys.exit(main())
