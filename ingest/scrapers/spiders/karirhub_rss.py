"""Karirhub through an RSS feed of new vacancies, each completed with the catalogue API.

The feed (an RSS 2.0 document; the default is the community feed built from Karirhub's API, see
data/real/karirhub-api-2025-10/PROVENANCE.md) lists recent vacancies with their id as `guid`;
every item is completed with `GET {api}/vacancies/{id}`. The feed's item count is the expected
coverage. Items share `source = "karirhub"` with the API spider, so both feed one posting set.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from ingest.scrapers.base import LmisSpider
from ingest.scrapers.items import VacancyItem
from ingest.scrapers.spiders.karirhub import API_URL, POLITE_SLOTS, WEB_URL, vacancy_fields

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
        for node in response.xpath("//channel/item"):
            guid = (node.xpath("guid/text()").get() or "").strip()
            entry = {
                "guid": guid,
                "title": node.xpath("title/text()").get(),
                "link": node.xpath("link/text()").get(),
                "pubDate": node.xpath("pubDate/text()").get(),
                "categories": node.xpath("category/text()").getall(),
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
                    meta={"lmis_entry": entries[posting_id], "lmis_listing_url": response.url},
                )

    def parse_detail(self, response: Response) -> Iterator[VacancyItem]:
        posting_id = response.meta["lmis_key"]
        payload = self.load_json(response)
        vacancy = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(vacancy, dict) or not vacancy.get("id"):
            self.coverage.detail_done(posting_id, "no_posting")
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
