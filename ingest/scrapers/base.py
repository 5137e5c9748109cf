"""Spider base classes, one per kind of site; concrete spiders in `spiders/` only fill in details.

- `LmisSpider`: what every spider shares: a stable `source`, default URLs that can be pointed at
  another base URL (`LMIS_BASE_URL` or the `base_url` spider argument; tests use 127.0.0.1),
  item construction with crawl provenance and encoding, request failure accounting and the
  pagination rules of `coverage.CoverageTracker`.
- `JsonApiSpider`: a search API answering JSON pages (JobStreet, Glints, Karirhub). Pages are
  fetched one after another per stream, so a page that repeats is recognised before the next is
  asked for; detail requests, when the listing lacks fields, run in parallel.
- `HtmlListingSpider`: HTML listing pages with a next-page link and one detail page per posting
  (Loker.id, Dealls).
- `JsonLdPageSpider`: pages whose postings are schema.org JobPosting JSON-LD (employer career
  pages; Dealls detail pages), read with `jsonld.read_job_postings`; unreadable blocks are kept
  in the run's `jsonld_failures.jsonl` and counted.

Pagination stops on an empty page, a short page, a page that brings nothing new (`repeated_page`),
the site's reported total, a missing next link, or `LMIS_MAX_PAGES` (which counts as incomplete).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CannotResolveHostError, DownloadCancelledError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from ingest.scrapers.coverage import CoverageTracker
from ingest.scrapers.items import VacancyItem, new_item
from ingest.scrapers.jsonld import JsonLdExtraction, posting_fields, read_job_postings
from ingest.scrapers.lenient_json import LenientJSONError, loads_lenient
from ingest.scrapers.middlewares import ENCODING_META_KEY
from ingest.scrapers.pipelines import json_safe
from ingest.scrapers.runpaths import RunPaths

log = logging.getLogger(__name__)

# Listing pages go before detail pages so pagination (and its repeat check) is never starved.
LISTING_PRIORITY = 10
# A response larger than DOWNLOAD_MAXSIZE, dropped by Scrapy.
PAGE_TOO_LARGE = "page_too_large"
# A detail that answered but lacks what is read from it (an empty body, a truncated page, a JSON
# detail without the posting): a shortfall, and the listed posting is kept from its listing.
DETAIL_EMPTY = "detail_empty"
# A JSON detail whose body is not JSON even to the lenient reader: a shortfall too, and the
# listed posting is kept from its listing the same way.
INVALID_JSON = "invalid_json"


def rebase(url: str, base_url: str | None) -> str:
    """Replace the scheme and host of `url` by those of `base_url`, keeping path and query.

    A path in `base_url` is put in front of the original path, so a fixture server can serve
    several sites under prefixes.
    """
    if not base_url:
        return url
    base = urlsplit(base_url)
    original = urlsplit(url)
    path = base.path.rstrip("/") + original.path
    return urlunsplit((base.scheme, base.netloc, path, original.query, original.fragment))


def classify_failure(failure: Failure) -> str:
    """A short reason code for a failed request, used in coverage counts."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        if "robots.txt" in message:
            return "robots_forbidden"
        if "host not allowed" in message:
            return "offhost_blocked"
        if "off-site host refused" in message:
            return "offsite_refused"
        if "Retry-After too long" in message:
            return "retry_after_too_long"
        if "replayed archive" in message:
            return "not_in_archive"
        return "ignored"
    if isinstance(error, DownloadCancelledError | CancelledError):
        # Scrapy's HTTP/1.1 handler cancels a download only for DOWNLOAD_MAXSIZE (announced by
        # Content-Length: DownloadCancelledError; reached while reading: CancelledError);
        # a download timeout arrives as TimeoutError instead.
        return PAGE_TOO_LARGE
    if isinstance(error, DNSLookupError | CannotResolveHostError):
        return "dns_error"
    if isinstance(error, TimeoutError | TCPTimedOutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection_refused"
    return type(error).__name__


class LmisSpider(scrapy.Spider):
    """Shared behaviour of every vacancy spider."""

    source: ClassVar[str] = ""
    default_urls: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._base_url_argument = base_url
        self.coverage = CoverageTracker()
        self._failure_file: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> LmisSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.base_url = spider._base_url_argument or crawler.settings.get("LMIS_BASE_URL")
        spider.run_paths = RunPaths.from_settings(crawler.settings, cls.name)
        spider.max_pages = crawler.settings.getint("LMIS_MAX_PAGES")
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        return spider

    # -- URLs and requests -----------------------------------------------------------------

    def site_urls(self) -> list[str]:
        """URLs whose hosts make up the spider's site; requests elsewhere are refused."""
        return [self.endpoint(name) for name in self.default_urls]

    def endpoint(self, name: str) -> str:
        """A default URL of this spider, moved to the configured base URL if there is one."""
        return rebase(self.default_urls[name], self.base_url)

    def request(
        self,
        url: str,
        callback: Any,
        *,
        role: str,
        key: str | None = None,
        meta: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Request:
        """A request whose failure is counted in coverage (role: listing, detail or feed)."""
        request_meta = dict(meta or {})
        request_meta.update(lmis_role=role, lmis_key=key)
        if role in ("listing", "feed"):
            kwargs.setdefault("priority", LISTING_PRIORITY)
            if request_meta.get("lmis_stream") is not None:
                # Registered now, not when a page is read: a stream whose page never parses
                # must still be in the verdict (as unfinished), not vanish from it.
                self.coverage.stream(request_meta["lmis_stream"])
        if role == "detail":
            # The coverage tracker already asks for each posting's detail once; Scrapy's URL
            # de-duplication would silently drop a second posting that shares a detail URL.
            kwargs.setdefault("dont_filter", True)
        return Request(
            url, callback=callback, errback=self.request_failed, meta=request_meta, **kwargs
        )

    def request_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        role = request.meta.get("lmis_role", "other")
        key = request.meta.get("lmis_key")
        reason = classify_failure(failure)
        self.coverage.request_failed(role, reason, key)
        if reason == PAGE_TOO_LARGE:
            self.crawler.stats.inc_value(f"lmis/{PAGE_TOO_LARGE}")
        stream = request.meta.get("lmis_stream")
        if role in ("listing", "feed") and stream:
            self.coverage.stop(stream, f"listing_failed_{reason}")
        self.logger.warning("%s request failed (%s): %s", role, reason, request.url)

    def callback_failed(self, failure: Failure, response: Response | Failure, spider: Any) -> None:
        """A callback raised while reading a page: count it so the crawl cannot pass as complete.

        Connected to Scrapy's `spider_error` signal, so it covers every spider and every parser
        (an unreadable total, a null record, a body of the wrong shape) without a try in each.
        """
        if spider is not self:
            return
        meta = response.meta if isinstance(response, Response) else {}
        role = meta.get("lmis_role", "other")
        key = meta.get("lmis_key")
        error = type(failure.value).__name__
        self.coverage.request_failed(role, "parse_error", None)
        self.coverage.note(f"parse_errors/{role}/{error}")
        stream = meta.get("lmis_stream")
        if role in ("listing", "feed") and stream is not None:
            self.coverage.stop(stream, "listing_parse_error")
        elif key is not None and self.coverage.details.get(key) == "pending":
            self.coverage.detail_done(key, "parse_error")

    def detail_shortfall(self, key: str, outcome: str, url: str) -> None:
        """A detail that answered but could not be used as read: one outcome per posting (not
        benign, so the crawl is incomplete), counted in `lmis/detail/<outcome>` and logged."""
        self.coverage.detail_done(key, outcome)
        self.crawler.stats.inc_value(f"lmis/detail/{outcome}")
        self.logger.warning("detail %s of %s: %s", url, key, outcome)

    # -- items -----------------------------------------------------------------------------

    def make_item(
        self,
        response: Response | None,
        *,
        source_posting_id: Any,
        url: str | None,
        raw: dict[str, Any],
        listing_url: str | None = None,
        problems: list[str] | None = None,
        **fields: Any,
    ) -> VacancyItem:
        """Build an item with the run's provenance and the encoding its page was read with."""
        encoding = (response.meta.get(ENCODING_META_KEY) if response is not None else None) or {}
        return new_item(
            source=self.source,
            source_posting_id=None if source_posting_id is None else str(source_posting_id),
            url=url,
            crawled_at=datetime.now(UTC).isoformat(timespec="seconds"),
            crawl_date=self.run_paths.crawl_date,
            spider=self.name,
            run_id=self.run_paths.run_id,
            listing_url=listing_url,
            encoding=encoding.get("encoding"),
            encoding_source=encoding.get("source"),
            encoding_declared=encoding.get("declared_header"),
            problems=list(problems or []),
            raw=raw,
            **fields,
        )

    def load_json(self, response: Response) -> Any:
        """The response body as JSON, decoded with the encoding the middleware chose."""
        text = response.text if hasattr(response, "text") else response.body.decode("utf-8")
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            value, repairs = loads_lenient(text)
            self.crawler.stats.inc_value("lmis/json/lenient_parses")
            self.logger.info("JSON of %s needed repairs: %s", response.url, repairs)
            return value

    def detail_payload(self, response: Response) -> tuple[Any, str]:
        """A JSON detail answer's payload (None when there is none) and the outcome to record if
        it cannot be used as read: an empty body is a detail that failed to arrive, as an empty
        HTML page (`detail_empty`, also the outcome of a payload without the posting); a body
        that is not JSON even to the lenient reader (an HTML error page) is `invalid_json`."""
        if not response.body.strip():
            return None, DETAIL_EMPTY
        try:
            return self.load_json(response), DETAIL_EMPTY
        except LenientJSONError as error:
            self.logger.error("detail %s is not JSON: %s", response.url, error)
            return None, INVALID_JSON

    # -- pagination ------------------------------------------------------------------------

    def listing_page_done(
        self,
        stream: str,
        page: int,
        ids: list[str],
        *,
        page_size: int | None = None,
        total: int | None = None,
        has_more: bool | None = None,
        bad_records: int = 0,
    ) -> tuple[list[str], bool]:
        """Register a listing page; returns (ids new to the stream, request the next page?).

        `bad_records` are records on the page without an id (quarantined): they were listed, so
        they count towards a full page; otherwise one bad record would end pagination early.
        """
        coverage = self.coverage.stream(stream)
        if coverage.expected_total is None or coverage.page_size is None:
            self.coverage.set_expected(stream, total, page_size)
        new_ids, repeated = self.coverage.page_received(stream, ids)
        stop_reason = None
        if repeated:
            stop_reason = "repeated_page"
        elif not ids and not bad_records:
            stop_reason = "empty_page"
        elif not ids:
            # Records and not one id: nothing tells this page from the next, so a site that
            # serves it for every page number would be read up to `LMIS_MAX_PAGES`.
            stop_reason = "page_without_ids"
        elif has_more is False:
            stop_reason = "no_next_page"
        elif page_size and len(ids) + bad_records < page_size:
            stop_reason = "short_page"
        elif coverage.expected_total is not None and coverage.listed >= coverage.expected_total:
            stop_reason = "reached_total"
        elif page >= self.max_pages:
            stop_reason = "max_pages"
        if stop_reason:
            self.coverage.stop(stream, stop_reason)
            self.logger.info(
                "stream %s: stopped after page %d (%s); listed %d of %s",
                stream,
                page,
                stop_reason,
                coverage.listed,
                coverage.expected_total,
            )
        return new_ids, stop_reason is None

    # -- JSON-LD ---------------------------------------------------------------------------

    def read_jsonld(self, response: Response) -> JsonLdExtraction:
        """Read a page's JobPostings, counting blocks, repairs and failures in the stats."""
        extraction = read_job_postings(response.text)
        stats = self.crawler.stats
        stats.inc_value("lmis/jsonld/blocks_total", extraction.blocks_total)
        stats.inc_value("lmis/jsonld/postings", len(extraction.postings))
        for kind, count in extraction.repairs.items():
            stats.inc_value(f"lmis/jsonld/repairs/{kind}", count)
        if extraction.failures:
            stats.inc_value("lmis/jsonld/blocks_failed", len(extraction.failures))
            self._keep_failed_blocks(response.url, extraction)
        return extraction

    def _keep_failed_blocks(self, url: str, extraction: JsonLdExtraction) -> None:
        if self._failure_file is None:
            self.run_paths.run_dir.mkdir(parents=True, exist_ok=True)
            self._failure_file = self.run_paths.jsonld_failures.open("a", encoding="utf-8")
        for failure in extraction.failures:
            record = {
                "url": url,
                "block_index": failure.block_index,
                "error": failure.error,
                "raw_text": failure.raw_text,
            }
            self._failure_file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.logger.warning("%s: %d JSON-LD block(s) unreadable", url, len(extraction.failures))

    def jsonld_items(
        self,
        response: Response,
        extraction: JsonLdExtraction,
        posting_id: Any,
        *,
        listing_url: str | None = None,
    ) -> list[VacancyItem]:
        """Items for the postings of a page; `posting_id(identifier, index)` names each one."""
        items = []
        for index, posting in enumerate(extraction.postings):
            fields, problems = posting_fields(posting.node)
            identifier = fields.pop("identifier")
            posting_url = fields.pop("posting_url")
            items.append(
                self.make_item(
                    response,
                    source_posting_id=posting_id(identifier, index),
                    url=response.url,
                    listing_url=listing_url,
                    problems=problems,
                    raw={
                        "jsonld": json_safe(posting.node),
                        "block_index": posting.block_index,
                        "jsonld_repairs": list(posting.repairs),
                        "posting_url": posting_url,
                    },
                    **fields,
                )
            )
        return items

    def closed(self, reason: str) -> None:
        if self._failure_file is not None:
            self._failure_file.close()


class JsonApiSpider(LmisSpider):
    """A paginated JSON search API, optionally followed by one JSON detail call per posting."""

    page_size: ClassVar[int] = 30
    first_page: ClassVar[int] = 1
    needs_detail: ClassVar[bool] = False

    def listing_streams(self) -> list[str]:
        return ["all"]

    def listing_request(self, stream: str, page: int) -> Request:
        raise NotImplementedError

    def read_listing(self, payload: Any, stream: str) -> tuple[list[dict[str, Any]], int | None]:
        """(records on the page, total the site reports or None)."""
        raise NotImplementedError

    def listing_payload_problem(self, payload: Any) -> str | None:
        """Why a listing answer is not a page of results at all, or None when it is one."""
        if not isinstance(payload, dict):
            return "unexpected_json_shape"
        if payload.get("errors"):  # GraphQL and most JSON APIs report failures this way
            return "api_errors"
        return None

    def record_id(self, record: dict[str, Any]) -> str | None:
        value = record.get("id")
        return None if value in (None, "") else str(value)

    def item_from_record(self, record: dict[str, Any], response: Response) -> VacancyItem:
        raise NotImplementedError

    def detail_request(self, posting_id: str, record: dict[str, Any]) -> Request:
        raise NotImplementedError

    def item_from_detail(
        self, payload: Any, record: dict[str, Any], response: Response
    ) -> VacancyItem | None:
        """The posting read from its detail answer; None when the answer lacks it (`{}`,
        `{"data": null}`, a posting without the fields the detail is fetched for)."""
        raise NotImplementedError

    def record_item(
        self, record: dict[str, Any], problem: str, listing_url: str | None
    ) -> VacancyItem | None:
        """The posting as its listing record shows it, for a detail that could not be used, as
        `HtmlListingSpider.card_item` does; None for a site whose listing cannot make one."""
        return None

    def quarantine_record(self, record: dict[str, Any], response: Response) -> VacancyItem:
        """An item without an id: the pipeline puts it in quarantine with its raw record."""
        return self.make_item(
            response,
            source_posting_id=None,
            url=None,
            listing_url=response.url,
            raw={"listing": record},
        )

    async def start(self) -> AsyncIterator[Request]:
        for stream in self.listing_streams():
            yield self.listing_request(stream, self.first_page)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        stream = response.meta["lmis_stream"]
        page = response.meta["lmis_page"]
        try:
            payload = self.load_json(response)
        except LenientJSONError as error:
            self.coverage.request_failed("listing", "invalid_json")
            self.coverage.stop(stream, "listing_failed_invalid_json")
            self.logger.error("listing page %s is not JSON: %s", response.url, error)
            return
        problem = self.listing_payload_problem(payload)
        if problem:
            # `[]` or `{"data": null, "errors": [...]}` would otherwise read as an empty last
            # page and end the stream as if the site had nothing more.
            self.coverage.request_failed("listing", problem)
            self.coverage.stop(stream, "listing_parse_error")
            self.logger.error("listing page %s: %s", response.url, problem)
            return
        records, total = self.read_listing(payload, stream)
        by_id: dict[str, dict[str, Any]] = {}
        for record in records:
            posting_id = self.record_id(record)
            if posting_id is None:
                yield self.quarantine_record(record, response)
            else:
                by_id.setdefault(posting_id, record)
        ids = [self.record_id(r) for r in records if self.record_id(r) is not None]
        new_ids, more = self.listing_page_done(
            stream,
            page,
            ids,
            page_size=self.page_size,
            total=total,  # type: ignore[arg-type]
            bad_records=len(records) - len(ids),
        )
        for posting_id in new_ids:
            record = by_id[posting_id]
            if not self.needs_detail:
                yield self.item_from_record(record, response)
            elif self.coverage.detail_expected(posting_id):
                request = self.detail_request(posting_id, record)
                request.meta["lmis_record"] = record
                request.meta["lmis_listing_url"] = response.url
                yield request
        if more:
            yield self.listing_request(stream, page + 1)

    def parse_detail(self, response: Response) -> Iterator[VacancyItem]:
        posting_id = response.meta["lmis_key"]
        record = response.meta["lmis_record"]
        payload, outcome = self.detail_payload(response)
        item = None if payload is None else self.item_from_detail(payload, record, response)
        if item is not None:
            self.coverage.detail_done(posting_id, "ok")
            yield item
            return
        # Listed is listed: the posting is kept from its listing record, flagged, as the HTML
        # spiders keep a card's, and the crawl is short.
        self.detail_shortfall(posting_id, outcome, response.url)
        kept = self.record_item(record, outcome, response.meta.get("lmis_listing_url"))
        if kept is not None:
            yield kept


@dataclass
class Card:
    """One posting as shown on an HTML listing page."""

    posting_id: str | None
    url: str | None
    fields: dict[str, Any] = field(default_factory=dict)


class HtmlListingSpider(LmisSpider):
    """HTML listing pages with a next link, and a detail page per posting."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._listing_urls: dict[str, set[str]] = {}  # stream -> listing URLs already read
        self._detail_url_ids: dict[str, str] = {}  # detail URL of a listed card -> its id

    def listing_start_urls(self) -> dict[str, str]:
        return {"all": self.endpoint("listing")}

    def read_cards(self, response: Response) -> list[Card]:
        raise NotImplementedError

    def read_total(self, response: Response) -> int | None:
        return None

    def next_page_url(self, response: Response) -> str | None:
        href = response.css('a[rel="next"]::attr(href)').get()
        return response.urljoin(href) if href else None

    def item_from_detail(self, response: Response, card: Card) -> VacancyItem | None:
        """The posting read from its detail page; None when the page lacks what is read from it
        (the description, or the JobPosting JSON-LD): an empty or truncated page."""
        raise NotImplementedError

    def card_item(self, card: Card, problem: str, listing_url: str | None) -> VacancyItem:
        """The posting as its listing card shows it, for a detail page that could not be used.

        Built without the detail response: its encoding and text belong to no page of this
        posting (an empty page, or another posting's page reached by a redirect).
        """
        return self.make_item(
            None,
            source_posting_id=card.posting_id,
            url=card.url,
            listing_url=listing_url,
            title=card.fields.get("title"),
            company_name=card.fields.get("company"),
            location=card.fields.get("location"),
            posted_at=card.fields.get("posted"),
            problems=[problem],
            raw={"listing": card.fields},
        )

    def posting_id_in_url(self, url: str) -> str | None:
        """The posting id a detail URL carries, for sites whose URLs carry it; else None."""
        return None

    def lands_on_other_posting(self, response: Response, card: Card) -> bool:
        """True when a redirected detail request ended on another posting's page.

        Decided by the id in the final URL where the site's URLs carry one, else by the final
        URL being the detail URL of another card this crawl listed. A redirect to the posting's
        own new address (a renamed slug) is neither, so it is read as usual.
        """
        if not response.meta.get("redirect_urls"):
            return False
        url_id = self.posting_id_in_url(response.url)
        if url_id is not None:
            return url_id != card.posting_id
        other = self._detail_url_ids.get(response.url)
        return other is not None and other != card.posting_id

    def request_failed(self, failure: Failure) -> list[VacancyItem] | None:
        super().request_failed(failure)
        request = failure.request  # type: ignore[attr-defined]
        card = request.meta.get("lmis_card")
        if card is None or classify_failure(failure) != PAGE_TOO_LARGE:
            return None
        # The posting is listed and its page exists, it is only too big to keep whole: the
        # card's posting is written, flagged, as for an empty page.
        return [self.card_item(card, PAGE_TOO_LARGE, request.meta.get("lmis_listing_url"))]

    def _listing_request(self, url: str, stream: str, page: int) -> Request:
        return self.request(
            url,
            self.parse_listing,
            role="listing",
            meta={"lmis_stream": stream, "lmis_page": page},
        )

    async def start(self) -> AsyncIterator[Request]:
        for stream, url in self.listing_start_urls().items():
            yield self._listing_request(url, stream, 1)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        stream = response.meta["lmis_stream"]
        page = response.meta["lmis_page"]
        cards = self.read_cards(response)
        usable: dict[str, Card] = {}
        for card in cards:
            if not card.posting_id or not card.url:
                yield self.make_item(
                    response,
                    source_posting_id=card.posting_id,
                    url=card.url,
                    listing_url=response.url,
                    raw={"listing": card.fields},
                )
            else:
                usable.setdefault(card.posting_id, card)
                self._detail_url_ids.setdefault(card.url, card.posting_id)
        next_url = self.next_page_url(response)
        listing_urls = self._listing_urls.setdefault(stream, set())
        listing_urls.add(response.url)
        if response.request is not None:
            listing_urls.add(response.request.url)
        new_ids, more = self.listing_page_done(
            stream,
            page,
            [c.posting_id for c in cards if c.posting_id and c.url],  # type: ignore[misc]
            total=self.read_total(response) if page == 1 else None,
            has_more=next_url is not None,
            bad_records=sum(1 for c in cards if not c.posting_id or not c.url),
        )
        for posting_id in new_ids:
            card = usable[posting_id]
            if self.coverage.detail_expected(posting_id):
                yield self.request(
                    card.url,  # type: ignore[arg-type]
                    self.parse_detail,
                    role="detail",
                    key=posting_id,
                    meta={"lmis_card": card, "lmis_listing_url": response.url},
                )
        if more and next_url in listing_urls:
            # A next link back to a page already read (often the start URL) would be dropped by
            # Scrapy's duplicate filter and leave the stream without an end.
            self.coverage.stop(stream, "repeated_page")
            self.logger.info(
                "stream %s: next link of page %d leads back to %s", stream, page, next_url
            )
        elif more and next_url:
            yield self._listing_request(next_url, stream, page + 1)

    def parse_detail(self, response: Response) -> Iterator[VacancyItem]:
        card: Card = response.meta["lmis_card"]
        if self.lands_on_other_posting(response, card):
            # The page is another posting's: stored under this card's id it would make two
            # postings of one and lose this one's text without a trace.
            outcome = "detail_redirected_elsewhere"
            item = None
        else:
            item = self.item_from_detail(response, card)
            outcome = "ok" if item is not None else DETAIL_EMPTY
        if item is None:
            # Listed is listed: the card's posting is kept, flagged, and the crawl is short.
            self.detail_shortfall(card.posting_id or "", outcome, response.url)
            item = self.card_item(card, outcome, response.meta.get("lmis_listing_url"))
        else:
            self.coverage.detail_done(card.posting_id or "", outcome)
        yield item


class JsonLdPageSpider(LmisSpider):
    """Index pages linking to pages whose postings are schema.org JobPosting JSON-LD.

    Each index page is one stream. Postings embedded in the index itself are read too. Links on
    the index that stay on its host and match `link_pattern` are followed once; each linked page
    ends as `ok` (postings read), `no_jobposting` (no JSON-LD posting; not a shortfall),
    `unreadable_jsonld` (JSON-LD present but no block readable; a shortfall) or `detail_empty`
    (an empty body; a shortfall).
    """

    link_pattern: ClassVar[str] = r"(?i)(karir|career|job|lowongan|loker|vacanc|rekrut|recruit)"

    def index_urls(self) -> list[str]:
        raise NotImplementedError

    def site_urls(self) -> list[str]:
        return self.index_urls()

    def posting_id(self, page_url: str, identifier: str | None, index: int) -> str:
        """Stable id: the site's host plus the posting's identifier, else the page path."""
        parts = urlsplit(page_url)
        if identifier:
            return f"{parts.netloc}/{identifier}"
        suffix = f"#{index + 1}" if index else ""
        query = f"?{parts.query}" if parts.query else ""
        return f"{parts.netloc}{parts.path}{query}{suffix}"

    async def start(self) -> AsyncIterator[Request]:
        for url in self.index_urls():
            yield self.request(url, self.parse_index, role="listing", meta={"lmis_stream": url})

    def parse_index(self, response: Response) -> Iterator[Any]:
        stream = response.meta["lmis_stream"]
        extraction = self.read_jsonld(response)
        yield from self.jsonld_items(
            response,
            extraction,
            lambda identifier, index: self.posting_id(response.url, identifier, index),
            listing_url=response.url,
        )
        host = urlsplit(response.url).netloc
        pattern = re.compile(self.link_pattern)
        links: list[str] = []
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip()).split("#", 1)[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            if url == response.url.split("#", 1)[0] or not pattern.search(parts.path):
                continue
            if url not in links:
                links.append(url)
        self.listing_page_done(stream, 1, links, has_more=False)
        self.coverage.stop(stream, "single_page")
        for url in links:
            if self.coverage.detail_expected(url):
                yield self.request(
                    url,
                    self.parse_posting_page,
                    role="detail",
                    key=url,
                    meta={"lmis_listing_url": response.url},
                )

    def parse_posting_page(self, response: Response) -> Iterator[VacancyItem]:
        key = response.meta["lmis_key"]
        if not response.body.strip():
            # A 200 with nothing in it is a page that failed to arrive, not a linked page that
            # holds no posting (`no_jobposting`, benign).
            self.detail_shortfall(key, DETAIL_EMPTY, response.url)
            return
        extraction = self.read_jsonld(response)
        items = self.jsonld_items(
            response,
            extraction,
            lambda identifier, index: self.posting_id(response.url, identifier, index),
            listing_url=response.meta.get("lmis_listing_url"),
        )
        if items:
            self.coverage.detail_done(key, "ok")
        elif extraction.failures:
            self.coverage.detail_done(key, "unreadable_jsonld")
            self.coverage.note("pages_with_unreadable_jsonld_only")
        else:
            self.coverage.detail_done(key, "no_jobposting")
        yield from items
