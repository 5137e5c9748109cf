"""Scrapy settings for the vacancy crawlers: polite by default.

Politeness (see docs/crawling.md):
- robots.txt is obeyed; a missing robots.txt, or one that redirects to an error page, means
  "allowed" (`middlewares.LenientRobotsTxtMiddleware`).
- The user agent names the project and carries a contact address taken from the environment
  variable `LMIS_CRAWL_CONTACT` (an e-mail address or a URL). Crawls refuse to start without it.
- A per-domain delay (`DOWNLOAD_DELAY`, jittered +-50 %) with at most two parallel requests per
  domain, and AutoThrottle on top, which only ever lengthens the delay when a site slows down.
  Spiders for sensitive hosts set a longer delay through `DOWNLOAD_SLOTS` in `custom_settings`.
- 429 and 503 answers are retried after the `Retry-After` delay the server asks for, up to
  `LMIS_RETRY_AFTER_MAX_SECONDS`; meanwhile the whole host waits. A longer wait is not cut to
  the cap: the request gives up and the host is not asked again in this crawl.

Scrapy's telnet console and its remote-control HTTP service (on by default in 2.19) are off: a
nightly crawler needs no listening sockets.

Settings starting with `LMIS_` are this project's; the runner sets the run's own ones
(`LMIS_OUT_DIR`, `LMIS_CRAWL_DATE`, `LMIS_RUN_ID`, optional `LMIS_BASE_URL`).
"""

from __future__ import annotations

import os
import re

BOT_NAME = "lmis-warehouse"
PROJECT_VERSION = "0.1"
SPIDER_MODULES = ["ingest.scrapers.spiders"]
NEWSPIDER_MODULE = "ingest.scrapers.spiders"

# -- identity -----------------------------------------------------------------------------

LMIS_CRAWL_CONTACT = os.environ.get("LMIS_CRAWL_CONTACT", "")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def contact_problem(contact: str | None) -> str | None:
    """Why a contact address is unusable, or None when it is fine."""
    if not contact or not contact.strip():
        return (
            "LMIS_CRAWL_CONTACT is not set: crawlers must identify a contact (an e-mail address"
            " or a URL) in their user agent; set it in the environment (see .env.example)"
        )
    contact = contact.strip()
    if _EMAIL.match(contact.removeprefix("mailto:")) or contact.startswith(("https://", "http://")):
        return None
    return f"LMIS_CRAWL_CONTACT must be an e-mail address or a URL, not {contact!r}"


def build_user_agent(contact: str) -> str:
    """The user agent: project name and version, what it does, and whom to contact."""
    contact = contact.strip()
    if _EMAIL.match(contact):
        contact = f"mailto:{contact}"
    return (
        f"{BOT_NAME}/{PROJECT_VERSION} (+{contact}; Indonesian labour-market statistics;"
        " obeys robots.txt)"
    )


USER_AGENT = build_user_agent(LMIS_CRAWL_CONTACT) if LMIS_CRAWL_CONTACT else BOT_NAME
# robots.txt groups are matched on this product token.
ROBOTSTXT_USER_AGENT = BOT_NAME

# -- politeness ---------------------------------------------------------------------------

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# A vacancy page or a page of search results is tens to hundreds of KiB; a 40 MiB answer is a
# broken or hostile server, and read whole it became one 40 MiB description (peak 503 MiB).
# Above the maximum Scrapy drops the download: the page counts as `page_too_large`.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
COOKIES_ENABLED = False
# Scrapy starts this many item-processing tasks for every response, even one yielding a single
# item; the default 100 cost a third of the crawler's CPU. Pipelines here are synchronous.
CONCURRENT_ITEMS = 8

# 429 and 503 are handled by RetryAfterMiddleware (which waits as asked); the others by Scrapy.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
RETRY_TIMES = 2
LMIS_RETRY_AFTER_HTTP_CODES = [429, 503]
LMIS_RETRY_AFTER_MAX_TIMES = 3
LMIS_RETRY_AFTER_MAX_SECONDS = 600.0
LMIS_RETRY_AFTER_DEFAULT_SECONDS = 30.0
# A robots.txt Crawl-delay above this means the host cannot be crawled: disallow all.
LMIS_CRAWL_DELAY_MAX_SECONDS = 600.0

# -- no listening services ----------------------------------------------------------------

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# -- components ---------------------------------------------------------------------------

DOWNLOADER_MIDDLEWARES = {
    "ingest.scrapers.middlewares.OffHostGuardMiddleware": 10,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "ingest.scrapers.middlewares.LenientRobotsTxtMiddleware": 100,
    "ingest.scrapers.middlewares.RetryAfterMiddleware": 540,
    "ingest.scrapers.middlewares.EncodingMiddleware": 560,
    "ingest.scrapers.middlewares.ArchiveMiddleware": 950,
}
ITEM_PIPELINES = {
    "ingest.scrapers.pipelines.RequiredFieldsPipeline": 100,
    "ingest.scrapers.pipelines.CleanFieldsPipeline": 200,
    "ingest.scrapers.pipelines.InRunDedupePipeline": 300,
    "ingest.scrapers.pipelines.SeenStorePipeline": 400,
    "ingest.scrapers.pipelines.ItemsWriterPipeline": 500,
}
EXTENSIONS = {
    "ingest.scrapers.extensions.CrawlRunExtension": 500,
}

# -- project settings ---------------------------------------------------------------------

LMIS_ARCHIVE_ENABLED = True
LMIS_REPLAY_ARCHIVE = None
# Hosts the crawler may contact; empty means any (production). Tests and the benchmark set it
# to ["127.0.0.1"], and so may CI through LMIS_CRAWL_ALLOWED_HOSTS.
LMIS_ALLOWED_HOSTS = [
    host for host in os.environ.get("LMIS_CRAWL_ALLOWED_HOSTS", "").split(",") if host.strip()
]
# Hosts (`host` or `host:port`) a spider may reach besides its start URLs' hosts, e.g. a board
# serving detail pages from another domain. Links and redirects anywhere else are refused.
LMIS_SITE_HOSTS: list[str] = [
    host for host in os.environ.get("LMIS_CRAWL_SITE_HOSTS", "").split(",") if host.strip()
]
LMIS_BASE_URL = None  # replace the scheme and host of every default URL of a spider
LMIS_MAX_PAGES = 5000  # per listing stream; reaching it makes the crawl incomplete

LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 60.0
