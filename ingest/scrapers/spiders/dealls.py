"""Dealls (dealls.com): HTML job listing pages, then a role page carrying JobPosting JSON-LD.

Listing pages (`/loker?page=N`) show job cards (`[data-slug]` with a link to `/role/<slug>`)
and the number of open jobs; each role page embeds the posting as schema.org JobPosting JSON-LD,
read with the shared reader. The slug is the posting id (it is what Dealls' own URLs use).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from scrapy.http import Response

from ingest.scrapers.base import Card, HtmlListingSpider
from ingest.scrapers.items import VacancyItem

_TOTAL = re.compile(r"([\d.,]+)\s+lowongan", re.I)
_ROLE_PATH = re.compile(r"/role/([^/]+)/?$")


class DeallsSpider(HtmlListingSpider):
    name = "dealls"
    source = "dealls"
    default_urls = {"listing": "https://dealls.com/loker"}

    def read_cards(self, response: Response) -> list[Card]:
        cards = []
        for card in response.css("[data-slug]"):
            href = card.css("a::attr(href)").get()
            cards.append(
                Card(
                    posting_id=card.attrib.get("data-slug") or None,
                    url=response.urljoin(href) if href else None,
                    fields={
                        "title": card.css("a ::text").get(),
                        "company": card.css(".company::text").get(),
                        "location": card.css(".location::text").get(),
                        "href": href,
                    },
                )
            )
        return cards

    def posting_id_in_url(self, url: str) -> str | None:
        match = _ROLE_PATH.search(urlsplit(url).path)
        return unquote(match.group(1)) if match else None

    def read_total(self, response: Response) -> int | None:
        match = _TOTAL.search(" ".join(response.css(".job-count ::text").getall()))
        return int(re.sub(r"[.,]", "", match.group(1))) if match else None

    def item_from_detail(self, response: Response, card: Card) -> VacancyItem | None:
        extraction = self.read_jsonld(response)
        items = self.jsonld_items(
            response,
            extraction,
            lambda identifier, index: card.posting_id,
            listing_url=response.meta.get("lmis_listing_url"),
        )
        if not items:
            return None
        item = items[0]
        item["raw"]["listing"] = card.fields
        if len(items) > 1:
            self.crawler.stats.inc_value("lmis/dealls/extra_postings_on_role_page")
        return item
