"""Downloader middlewares: host guard, robots.txt leniency, Retry-After, encoding, archive.

Order (process_request runs in increasing number, process_response in decreasing number):

- 10 `OffHostGuardMiddleware`: a request (link or redirect) to a host outside the spider's own
  site is refused and counted; so is any host outside `LMIS_ALLOWED_HOSTS` when that is set
  (tests, CI, benchmarks). Both before the request leaves the process.
- 100 `LenientRobotsTxtMiddleware` (replaces Scrapy's): robots.txt that is missing, answers
  4xx, or redirects to an error page or an HTML page means "allowed"; a robots.txt the server
  cannot deliver (5xx without redirect, or a timeout or other network error) means "disallow
  all" as RFC 9309 asks. `Crawl-delay` is honoured as a minimum gap per host.
- 540 `RetryAfterMiddleware`: 429 and 503 are retried after the delay the server asks for in
  `Retry-After` (seconds or HTTP date), and the whole host waits until then, not just the one
  request. Scrapy's own retry middleware leaves these codes alone (see settings).
- 560 `EncodingMiddleware`: checks the declared charset against the bytes (`encoding.py`),
  re-reads the response with the right encoding and records the decision in `request.meta`.
- 950 `ArchiveMiddleware`: next to the network, writes every response to the run's WARC file,
  or, in replay mode, answers requests from an earlier run's archive instead of the network.
"""

from __future__ import annotations

import email.utils
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

from ingest.scrapers.archive import ReplayIndex, WarcWriter
from ingest.scrapers.encoding import choose_encoding
from ingest.scrapers.runpaths import RunPaths

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

ENCODING_META_KEY = "lmis_encoding"


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _netloc(url: str) -> str:
    return urlsplit(url).netloc.lower()


def site_key(url: str) -> tuple[str, int | None]:
    """(host, port) of a URL or `host[:port]`, as far as "the same site" goes: the default ports
    80 and 443 count as one and a leading `www.` is dropped, so a site's move from http to https
    or from `www.loker.id` to `loker.id` stays on the site."""
    parts = urlsplit(url if "//" in url else f"//{url}")
    port = parts.port
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, None if port in (None, 80, 443) else port


class OffHostGuardMiddleware:
    """Keep every request on the spider's own site, and inside `LMIS_ALLOWED_HOSTS` if set.

    A spider's site is the hosts of its start URLs (`spider.site_urls()`: its default URLs moved
    to the base URL, or the career pages) plus any listed in `LMIS_SITE_HOSTS`. A link or a
    redirect to any other host is refused before it leaves the process (and before that host's
    robots.txt is fetched), counted in `lmis/offsite_refused` and, for a posting, as the detail
    outcome `offsite_refused`. `LMIS_ALLOWED_HOSTS` (tests, CI, benchmark) is a second fence.
    """

    def __init__(self, crawler: Crawler):
        hosts = crawler.settings.getlist("LMIS_ALLOWED_HOSTS")
        self.allowed = {host.strip().lower() for host in hosts if host.strip()}
        self.extra_site = {
            site_key(host.strip())
            for host in crawler.settings.getlist("LMIS_SITE_HOSTS")
            if host.strip()
        }
        self.crawler = crawler
        self.stats = crawler.stats
        self._site: set[tuple[str, int | None]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffHostGuardMiddleware:
        return cls(crawler)

    def _on_site(self, url: str) -> bool:
        if self._site is None:
            site_urls = getattr(self.crawler.spider, "site_urls", None)
            if site_urls is None:
                return True  # not one of this project's spiders: nothing to compare with
            self._site = {site_key(u) for u in site_urls()} | self.extra_site
        host, port = site_key(url)
        return (host, port) in self._site or (host, None) in self.extra_site

    def process_request(self, request: Request) -> None:
        if self.allowed and _host(request.url) not in self.allowed:
            self.stats.inc_value("lmis/offhost_blocked")
            log.error("refused request to a host outside LMIS_ALLOWED_HOSTS: %s", request.url)
            raise IgnoreRequest(f"host not allowed: {_host(request.url)}")
        if not self._on_site(request.url):
            self.stats.inc_value("lmis/offsite_refused")
            redirected = request.meta.get("redirect_urls")
            log.warning(
                "refused off-site request to %s%s",
                request.url,
                f" (redirected from {redirected[0]})" if redirected else "",
            )
            raise IgnoreRequest(f"off-site host refused: {_netloc(request.url)}")


class LenientRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with explicit rules for missing and broken robots.txt,
    for robots.txt that cannot be fetched at all, and with `Crawl-delay` honoured.

    RFC 9309 section 2.3.1.4: a robots.txt that is unreachable because of a server or network
    error (timeout, refused connection, reset) means "disallow all". A `Crawl-delay` for our
    product token (or `*`) is kept as the minimum gap between two requests to that host, on top
    of the download delay and whatever AutoThrottle does; a site asking for more than
    `LMIS_CRAWL_DELAY_MAX_SECONDS` between requests cannot be crawled on a nightly schedule, so
    it is treated as "disallow all" rather than crawled faster than it asked.
    """

    _ALLOW_ALL = b""
    _DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.max_crawl_delay = crawler.settings.getfloat("LMIS_CRAWL_DELAY_MAX_SECONDS")
        self.crawl_delays: dict[str, float] = {}
        self.next_request_at: dict[str, float] = {}
        # A replay answers from the archive and sends nothing to the site: no gap needed.
        self.replaying = bool(crawler.settings.get("LMIS_REPLAY_ARCHIVE"))

    async def process_request(self, request: Request) -> None:
        await super().process_request(request)
        if request.meta.get("dont_obey_robotstxt") or self.replaying:
            return
        netloc = _netloc(request.url)
        delay = self.crawl_delays.get(netloc)
        if not delay:
            return
        # Reserve this request's turn, so parallel requests to the host are spaced too.
        now = time.monotonic()
        turn = max(now, self.next_request_at.get(netloc, 0.0))
        self.next_request_at[netloc] = turn + delay
        if turn > now:
            from twisted.internet import reactor  # see RetryAfterMiddleware.process_request

            self._stats.inc_value("lmis/robots/crawl_delay_waits")
            await maybe_deferred_to_future(deferLater(reactor, turn - now, lambda: None))

    def _crawl_delay(self, body: bytes) -> float | None:
        from protego import Protego

        try:
            parsed = Protego.parse(body.decode("utf-8", errors="replace"))
            delay = parsed.crawl_delay(self._robotstxt_useragent or "*")
        except Exception:  # a robots.txt we cannot read for delays still counts for rules
            return None
        return float(delay) if delay else None

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        redirected = bool(response.request and response.request.meta.get("redirect_urls"))
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        head = response.body[:200].lstrip().lower()
        looks_like_html = "html" in content_type or head.startswith((b"<!doctype", b"<html"))
        if response.status >= 500 and not redirected:
            verdict, body = "unreachable_disallow_all", self._DISALLOW_ALL
        elif response.status >= 400:
            verdict = "error_page_allow_all" if redirected else "missing_allow_all"
            body = self._ALLOW_ALL
        elif looks_like_html:
            verdict, body = "html_page_allow_all", self._ALLOW_ALL
        else:
            verdict, body = "parsed", response.body
            delay = self._crawl_delay(body)
            if delay is not None and delay > self.max_crawl_delay:
                verdict, body = "crawl_delay_too_long_disallow_all", self._DISALLOW_ALL
            elif delay:
                self.crawl_delays[netloc] = delay
                self._stats.set_value(f"lmis/robots/crawl_delay/{netloc}", delay)
        self._stats.inc_value(f"lmis/robots/{verdict}")
        log.info("robots.txt for %s: status %s -> %s", netloc, response.status, verdict)
        await super()._parse_robots(response.replace(body=body), netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):
            # Refused on our side: a redirect to another site (which is never followed, so its
            # rules cannot be read: "unavailable" in RFC 9309 terms), the host guard, a replay
            # without it. No answer from the site, so no rules: allowed, and counted.
            verdict = "offsite_redirect" if "off-site" in str(exc) else "not_requested"
            self._stats.inc_value(f"lmis/robots/{verdict}_allow_all")
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._stats.inc_value("lmis/robots/network_error_disallow_all")
        log.warning("robots.txt for %s unreachable (%r): disallow all", netloc, exc)
        parser = build_from_crawler(self._parserimpl, self.crawler, self._DISALLOW_ALL)
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    """Honour Retry-After on 429/503: wait as asked, pause the host, retry a few times.

    A wait longer than `LMIS_RETRY_AFTER_MAX_SECONDS` is not shortened to the cap: coming back
    sooner than the server asked is what Retry-After forbids. The request gives up at once
    (`gave_up_wait_too_long`) and the host is not asked again in this crawl: its later requests
    fail without being sent (`retry_after_too_long`), as a Crawl-delay too long to honour makes
    a host "disallow all".
    """

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.codes = {int(code) for code in settings.getlist("LMIS_RETRY_AFTER_HTTP_CODES")}
        self.max_times = settings.getint("LMIS_RETRY_AFTER_MAX_TIMES")
        self.max_wait = settings.getfloat("LMIS_RETRY_AFTER_MAX_SECONDS")
        self.default_wait = settings.getfloat("LMIS_RETRY_AFTER_DEFAULT_SECONDS")
        self.stats = crawler.stats
        self.not_before: dict[str, float] = {}
        self.given_up: set[str] = set()  # hosts that asked for a wait longer than the cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if _netloc(request.url) in self.given_up:
            self.stats.inc_value("lmis/retry_after/requests_not_sent")
            raise IgnoreRequest(f"host asked for a Retry-After too long: {request.url}")
        wake_at = self.not_before.get(_netloc(request.url))
        if wake_at is None:
            return
        delay = wake_at - time.monotonic()
        if delay > 0:
            # Imported here: importing the reactor at module level would install the default
            # one before Scrapy installs the asyncio reactor it is configured for.
            from twisted.internet import reactor

            self.stats.inc_value("lmis/retry_after/requests_held")
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.codes:
            return response
        attempts = request.meta.get("lmis_retry_after_attempts", 0)
        header = response.headers.get(b"Retry-After")
        wait = parse_retry_after(header)
        if wait is None:
            # No header: back off exponentially from the default.
            wait = self.default_wait * (2**attempts)
        if attempts >= self.max_times or wait > self.max_wait:
            reason = "too_many" if attempts >= self.max_times else "wait_too_long"
            self.stats.inc_value(f"lmis/retry_after/gave_up_{reason}")
            log.warning(
                "giving up on %s after %d Retry-After waits (status %d, asked %.1fs)",
                request.url,
                attempts,
                response.status,
                wait,
            )
            if reason == "wait_too_long":
                self.given_up.add(_netloc(request.url))
            return response
        netloc = _netloc(request.url)
        self.not_before[netloc] = max(self.not_before.get(netloc, 0.0), time.monotonic() + wait)
        self.stats.inc_value("lmis/retry_after/waits")
        self.stats.inc_value("lmis/retry_after/seconds_asked", wait)
        self.stats.inc_value(f"lmis/retry_after/status_{response.status}")
        log.info("status %d on %s: waiting %.1fs as asked", response.status, request.url, wait)
        retry = request.replace(dont_filter=True)
        retry.meta["lmis_retry_after_attempts"] = attempts + 1
        return retry


class EncodingMiddleware:
    """Read text responses with the encoding their bytes are really in, and record why."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EncodingMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        decision = choose_encoding(response.body, response.headers.get(b"Content-Type"))
        request.meta[ENCODING_META_KEY] = decision.as_meta()
        self.stats.inc_value(f"lmis/encoding/source/{decision.source}")
        if decision.contradicted:
            self.stats.inc_value("lmis/encoding/declaration_contradicted")
            log.info(
                "%s declares %s/%s but reads as %s (%s)",
                response.url,
                decision.declared_header,
                decision.declared_body,
                decision.encoding,
                decision.source,
            )
        if decision.encoding != response.encoding:
            return response.replace(encoding=decision.encoding)
        return response


def _headers_list(headers: Headers) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, values in headers.items() for value in values]


class ArchiveMiddleware:
    """Write every raw response to the run's WARC file, or replay them from an earlier run."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        replay_path = crawler.settings.get("LMIS_REPLAY_ARCHIVE")
        self.replay: ReplayIndex | None = None
        self.writer: WarcWriter | None = None
        if replay_path:
            self.replay = ReplayIndex(Path(replay_path))
            log.info("replaying %d archived responses from %s", len(self.replay), replay_path)
        elif crawler.settings.getbool("LMIS_ARCHIVE_ENABLED"):
            paths = RunPaths.from_settings(crawler.settings, crawler.spidercls.name)
            self.writer = WarcWriter(paths.archive)
        else:
            raise NotConfigured
        crawler.signals.connect(self._close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        return cls(crawler)

    def _fingerprint(self, request: Request) -> str:
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    def process_request(self, request: Request) -> Response | None:
        if self.replay is None:
            return None
        archived = self.replay.get(self._fingerprint(request))
        if archived is None:
            self.stats.inc_value("lmis/replay/missing")
            raise IgnoreRequest(f"not in the replayed archive: {request.url}")
        self.stats.inc_value("lmis/replay/served")
        headers = Headers(archived.headers)
        response_class = responsetypes.from_args(
            headers=headers, url=archived.url, body=archived.body
        )
        return response_class(
            url=request.url,
            status=archived.status,
            headers=headers,
            body=archived.body,
            request=request,
        )

    def process_response(self, request: Request, response: Response) -> Response:
        if self.writer is not None:
            self.writer.write_response(
                url=response.url,
                status=response.status,
                headers=_headers_list(response.headers),
                body=response.body,
                fingerprint=self._fingerprint(request),
                method=request.method,
                request_body=request.body if request.method != "GET" else b"",
            )
            self.stats.inc_value("lmis/archive/responses")
        return response

    def _close(self, spider: Any, reason: str) -> None:
        if self.writer is not None:
            self.writer.close()
            log.info("archived %d records to %s", self.writer.records, self.writer.path)
