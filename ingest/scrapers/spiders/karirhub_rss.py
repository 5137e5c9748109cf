"""Karirhub through an RSS feed of new vacancies, each completed with the catalogue API.

The feed (an RSS 2.0 document; the default is the community feed built from Karirhub's API, see
data/real/karirhub-api-2025-10/PROVENANCE.md) lists recent vacancies with their id as `guid`;
every item is completed with `GET {api}/vacancies/{id}`. The feed's item count is the expected
coverage. Items share `source = "karirhub"` with the API spider, so both feed one posting set.
A detail answer without the posting is `detail_empty` as in the API spider
(`karirhub.detail_vacancy`); the posting is then written from its feed entry alone (title from
the entry's content, employer, link, publication time) with that problem.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Selector
from scrapy.http import Request, Response

from ingest.scrapers.base import LmisSpider
from ingest.scrapers.items import VacancyItem
from ingest.scrapers.spiders.karirhub import (
    API_URL,
    POLITE_SLOTS,
    WEB_URL,
    detail_vacancy,
    posting_url,
    vacancy_fields,
)

FEED_URL = "https://karirhub-rss.tekipik.workers.dev/rss"


class KarirhubRssSpider(LmisSpider):
    name = "karirhub_rss"
    source = "karirhub"
    default_urls = {"feed": FEED_URL, "api": API_URL, "web": WEB_URL}
    custom_settings = {"DOWNLOAD_SLOTS": POLITE_SLOTS}

    async def start(self) -> AsyncIterator[Request]:
        yield self.request(
            self.endpoint("feed"), self.parse_feed, role="feed", meta={"lmis_stream": "rss"}
        )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        response.selector.remove_namespaces()
        entries: dict[str, dict[str, Any]] = {}
        cards: dict[str, dict[str, Any]] = {}
        for node in response.xpath("//channel/item"):
            guid = (node.xpath("guid/text()").get() or "").strip()
            entry = {
                "guid": guid,
                "title": node.xpath("title/text()").get(),
                "link": node.xpath("link/text()").get(),
                "pubDate": node.xpath("pubDate/text()").get(),
                "categories": node.xpath("category/text()").getall(),
            }
            # What the posting is kept from if its detail cannot be used (read only then).
            card = {
                "content": node.xpath("encoded/text()").get(),
                "creator": node.xpath("creator/text()").get(),
            }
            if not guid:
                yield self.make_item(
                    response,
                    source_posting_id=None,
                    url=entry["link"],
                    listing_url=response.url,
                    raw={"feed_item": entry},
                )
                continue
            entries.setdefault(guid, entry)
            cards.setdefault(guid, card)
        ids = list(entries)
        new_ids, _ = self.listing_page_done("rss", 1, ids, total=len(ids), has_more=False)
        for posting_id in new_ids:
            if self.coverage.detail_expected(posting_id):
                yield self.request(
                    f"{self.endpoint('api')}/vacancies/{posting_id}",
                    self.parse_detail,
                    role="detail",
                    key=posting_id,
                    headers={"Accept": "application/json"},
                    meta={
                        "lmis_entry": entries[posting_id],
                        "lmis_card": cards[posting_id],
                        "lmis_listing_url": response.url,
                    },
                )

    def parse_detail(self, response: Response) -> Iterator[VacancyItem]:
        posting_id = response.meta["lmis_key"]
        payload, outcome = self.detail_payload(response)
        vacancy = detail_vacancy(payload)
        if vacancy is None:
            # Listed is listed: kept from its feed entry, flagged, and the crawl is short.
            self.detail_shortfall(posting_id, outcome, response.url)
            yield self.entry_item(posting_id, response.meta, outcome)
            return
        fields, problems = vacancy_fields(vacancy, self.endpoint("web"))
        self.coverage.detail_done(posting_id, "ok")
        yield self.make_item(
            response,
            source_posting_id=vacancy["id"],
            listing_url=response.meta.get("lmis_listing_url"),
            problems=problems,
            raw={"feed_item": response.meta["lmis_entry"], "detail": vacancy},
            **fields,
        )

    def entry_item(self, posting_id: str, meta: dict[str, Any], problem: str) -> VacancyItem:
        """The posting as its feed entry shows it, for a detail that could not be used."""
        entry, card = meta["lmis_entry"], meta["lmis_card"]
        return self.make_item(
            None,
            source_posting_id=posting_id,
            url=posting_url(self.endpoint("web"), posting_id),
            listing_url=meta.get("lmis_listing_url"),
            # The entry's own title is decorated ("💰 Gaji Kompetitif • TITLE • EMPLOYER");
            # its content carries the posting's title.
            title=_content_title(card["content"]),
            company_name=(card["creator"] or "").strip() or None,
            posted_at=_rfc822_to_iso(entry.get("pubDate")),
            problems=[problem],
            raw={"feed_item": entry},
        )


def _content_title(content: str | None) -> str | None:
    """The posting's title in an entry's `content:encoded` (its first `h2`)."""
    if not content:
        return None
    title = Selector(text=content).css("h2::text").get()
    return (title.strip() or None) if title else None


def _rfc822_to_iso(value: str | None) -> str | None:
    """An RSS `pubDate` ("Thu, 23 Oct 2025 01:56:50 GMT") as ISO 8601; None if unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    return moment.isoformat(timespec="seconds")
