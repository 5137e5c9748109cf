"""`lmis crawl SPIDER [--out DIR] [--date YYYY-MM-DD] [--base-url URL] [--set KEY=VALUE ...]`.

Runs one vacancy spider in a subprocess (see `ingest.scrapers.runner.run_crawl`) and prints
nothing but log lines: where the items went, expected vs achieved coverage, and why a crawl is
incomplete. Exit status: 0 complete, 3 finished but incomplete, 2 configuration error, 1 the
crawler process failed. `lmis crawl --list` lists the spiders.

The user agent needs a contact address: set `LMIS_CRAWL_CONTACT` (an e-mail address or a URL).
`--base-url` points every URL of the spider at another host, e.g. a local fixture server.
Spiders follow links and redirects only to the hosts they start from (`--base-url`, the
board's own site, or the career pages of careers_jsonld) and to the hosts listed in
LMIS_CRAWL_SITE_HOSTS; any other host is refused. `--unthrottled` drops the politeness delays
and is only allowed when every one of those hosts is 127.0.0.1, localhost or ::1.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from orchestration.settings import DATA_DIR

log = logging.getLogger(__name__)

DEFAULT_OUT = DATA_DIR / "landing" / "crawls"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "crawl",
        help="crawl one job board or career-page set (online vacancies)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spider", nargs="?", help="spider name (see --list)")
    parser.add_argument("--list", action="store_true", help="list the spiders and exit")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument("--date", help="crawl (partition) date, default: today in Jakarta")
    parser.add_argument("--base-url", help="replace the scheme and host of the spider's URLs")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Scrapy setting for this run; VALUE is read as JSON when it parses",
    )
    parser.add_argument(
        "-a",
        dest="arguments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="spider argument, e.g. -a career_pages=https://example.com/karir",
    )
    parser.add_argument(
        "--unthrottled",
        action="store_true",
        help="no delays, no AutoThrottle (local fixture servers only)",
    )
    parser.add_argument("--replay", type=Path, help="re-parse an earlier run's responses.warc.gz")
    parser.add_argument("--timeout", type=float, help="stop the crawl after this many seconds")
    parser.set_defaults(func=run)


def _parse_pairs(pairs: list[str], as_json: bool) -> dict:
    parsed = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            raise ValueError(f"expected NAME=VALUE, got {pair!r}")
        if as_json:
            try:
                parsed[name] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        parsed[name] = value
    return parsed


def run(args: argparse.Namespace) -> int:
    from ingest.scrapers.runner import (
        UNTHROTTLED,
        CrawlConfigError,
        run_crawl,
        spider_names,
        unthrottled_problem,
    )

    if args.list:
        # The list is the command's output, one name a line, for `| wc -l` and scripts; the
        # log goes to stderr.
        sys.stdout.write("".join(f"{name}\n" for name in spider_names()))
        return 0
    if not args.spider:
        log.error("name a spider (lmis crawl --list shows them)")
        return 2
    try:
        overrides = _parse_pairs(args.set, as_json=True)
        arguments = _parse_pairs(args.arguments, as_json=False)
    except ValueError as error:
        log.error("%s", error)
        return 2
    if args.base_url:
        overrides["LMIS_BASE_URL"] = args.base_url
    if args.unthrottled or args.replay:
        # The same check as the Dagster resource's: every host the crawl can reach (career
        # pages included), not only --base-url. A replay reaches no host at all.
        problem = None if args.replay else unthrottled_problem(args.spider, overrides, arguments)
        if problem:
            log.error("--unthrottled: %s", problem)
            return 2
        overrides = {**UNTHROTTLED, **overrides}
    if args.replay:
        if not args.replay.is_file():
            # The crawler process would fail on it with a traceback and still exit 0.
            log.error("%s: no such archive file (--replay)", args.replay)
            return 2
        overrides["LMIS_REPLAY_ARCHIVE"] = str(args.replay.resolve())
    try:
        result = run_crawl(
            args.spider,
            args.out,
            args.date,
            overrides,
            spider_arguments=arguments,
            timeout_seconds=args.timeout,
        )
    except CrawlConfigError as error:
        log.error("%s", error)
        return 2
    log.info("items: %s (%d written this run)", result.items_path, result.items_written)
    log.info("expected: %s; achieved: %s", result.expected, result.achieved)
    if not result.stats:
        # The crawler process failed or died before it could report: no verdict, so not 3.
        return 1
    return 0 if result.is_complete else 3
