"""Loker.id: HTML search result pages, then one HTML detail page per posting.

The markup read here is the 2025 site's as a Selenium scraper of it describes (see
data/real/lokerid-2025-07/PROVENANCE.md): result cards are `article.card[data-id]` with the
title in `h3`, the company in `span.text-sm.text-secondary-500`, location and salary in the
`span` after the map-pin and cash icons, category badges and a `time[datetime]`; detail pages
hold label blocks (`div.font-bold` followed by links or text) and the description in `div.prose`.
The result page's "Menampilkan 1 - 20 dari 2.229 lowongan" is the expected coverage.

Salaries are shown as text ("Rp 3 – 4 Juta", "Rp 20 Juta Lebih", "Negosiasi") and read with
`salary.parse_salary_text`; the text itself is kept in `salary_text`.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy.http import Response

from ingest.scrapers.base import Card, HtmlListingSpider
from ingest.scrapers.items import VacancyItem
from ingest.scrapers.salary import is_negotiable, parse_salary_text

_TOTAL = re.compile(r"dari\s+([\d.,]+)\s+lowongan", re.I)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


class LokeridSpider(HtmlListingSpider):
    name = "lokerid"
    source = "lokerid"
    default_urls = {"listing": "https://www.loker.id/cari-lowongan-kerja"}

    def read_cards(self, response: Response) -> list[Card]:
        cards = []
        for article in response.css("article.card"):
            href = next(
                (h for h in article.css("a::attr(href)").getall() if h.endswith(".html")), None
            )
            fields = {
                "title": _clean(article.css("h3 ::text").get()),
                "company": _clean(article.css("span.text-sm.text-secondary-500::text").get()),
                "location": _clean(
                    article.xpath(
                        ".//svg[contains(@class, 'icon-tabler-map-pin')]/following::span[1]//text()"
                    ).get()
                ),
                "salary": _clean(
                    article.xpath(
                        ".//svg[contains(@class, 'icon-tabler-cash')]/following::span[1]//text()"
                    ).get()
                ),
                "badges": [_clean(b) for b in article.css("span.badge::text").getall()],
                "posted": article.css("time::attr(datetime)").get(),
                "href": href,
            }
            cards.append(
                Card(
                    posting_id=article.attrib.get("data-id") or None,
                    url=response.urljoin(href) if href else None,
                    fields=fields,
                )
            )
        return cards

    def read_total(self, response: Response) -> int | None:
        match = _TOTAL.search(" ".join(response.css("body ::text").getall()[:400]))
        if not match:
            return None
        return int(re.sub(r"[.,]", "", match.group(1)))

    def _labelled_values(self, response: Response) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for label_node in response.css("div.font-bold"):
            label = _clean(" ".join(label_node.css("::text").getall()))
            if not label:
                continue
            texts = label_node.xpath("following-sibling::*//text()").getall()
            values[label] = [t for t in (_clean(text) for text in texts) if t]
        return values

    def card_item(self, card: Card, problem: str, listing_url: str | None) -> VacancyItem:
        item = super().card_item(card, problem, listing_url)
        salary_text = card.fields.get("salary")
        salary = parse_salary_text(salary_text)
        item["salary_text"] = salary_text
        if salary is not None:
            item["salary_min"] = salary.minimum
            item["salary_max"] = salary.maximum
            item["salary_currency"] = salary.currency or "IDR"
            item["salary_period"] = salary.period
        return item

    def item_from_detail(self, response: Response, card: Card) -> VacancyItem | None:
        title = _clean(" ".join(response.css("h1 ::text").getall())) or card.fields.get("title")
        labels = self._labelled_values(response)
        breadcrumb = [_clean(t) for t in response.css("nav.breadcrumb a::text").getall()]
        paragraphs = [
            text
            for text in (
                _clean(" ".join(p.css("::text").getall()))
                for p in response.css("div.prose p, div.prose li")
            )
            if text
        ]
        if not paragraphs:
            # An empty or cut-off page (200 all the same) holds no description: not a read page.
            return None
        salary_text = card.fields.get("salary")
        salary = parse_salary_text(salary_text)
        problems = []
        if salary_text and salary is None and not is_negotiable(salary_text):
            problems.append("salary_unparsed")
        detail: dict[str, Any] = {
            "category": breadcrumb[1] if len(breadcrumb) > 1 else None,
            "subcategory": breadcrumb[2] if len(breadcrumb) > 2 else None,
            "function": (labels.get("Fungsi") or [None])[0],
            "job_type": (labels.get("Tipe Pekerjaan") or [None])[0],
            "education": labels.get("Pendidikan", []),
            "level": (labels.get("Level Pekerjaan") or [None])[0],
            "experience": labels.get("Pengalaman", []),
            "skills": labels.get("Keahlian", []),
        }
        return self.make_item(
            response,
            source_posting_id=card.posting_id,
            url=response.url,
            listing_url=response.meta.get("lmis_listing_url"),
            title=title,
            company_name=card.fields.get("company"),
            location=card.fields.get("location"),
            posted_at=card.fields.get("posted"),
            employment_type=detail["job_type"],
            salary_text=salary_text,
            salary_min=salary.minimum if salary else None,
            salary_max=salary.maximum if salary else None,
            salary_currency=(salary.currency or "IDR") if salary else None,
            salary_period=salary.period if salary else None,
            description="\n".join(paragraphs) or None,
            problems=problems,
            raw={"listing": card.fields, "detail": detail},
        )
