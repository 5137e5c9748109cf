"""The one item every spider yields: a vacancy as seen on one source on one crawl.

Identity is `(source, source_posting_id)`: `source` is stable per job board (both Karirhub
spiders, API and RSS, write `karirhub`), `source_posting_id` is the board's own id. Shared fields
are lifted from the source with as little interpretation as possible (salaries are read into
numbers, nothing is mapped to a classification); everything the source sent is kept in `raw` so
the staging layer can re-read it without crawling again.
"""

from __future__ import annotations

from typing import Any

import scrapy

REQUIRED_FIELDS = ("source", "source_posting_id", "url")


class VacancyItem(scrapy.Item):
    # identity and provenance
    source = scrapy.Field()  # job board or "careers" for employer pages
    source_posting_id = scrapy.Field()  # the board's id of the posting (text)
    url = scrapy.Field()  # public page of the posting
    crawled_at = scrapy.Field()  # ISO-8601 UTC time the item was built
    crawl_date = scrapy.Field()  # the crawl's partition date (Asia/Jakarta), YYYY-MM-DD
    spider = scrapy.Field()
    run_id = scrapy.Field()
    listing_url = scrapy.Field()  # the listing page, API page or feed the posting was found on
    # shared fields, as published
    title = scrapy.Field()
    company_name = scrapy.Field()
    location = scrapy.Field()
    posted_at = scrapy.Field()  # as the source writes it
    valid_through = scrapy.Field()
    employment_type = scrapy.Field()  # the source's own codes, comma-joined when several
    salary_text = scrapy.Field()  # the salary as displayed, when the source shows text
    salary_min = scrapy.Field()
    salary_max = scrapy.Field()
    salary_currency = scrapy.Field()  # ISO 4217
    salary_period = scrapy.Field()  # HOUR, DAY, WEEK, MONTH or YEAR
    description = scrapy.Field()  # HTML or text as published, over-escaping repaired
    # how the page was read
    encoding = scrapy.Field()
    encoding_source = scrapy.Field()  # bom, header, body, utf-8-sniffed, ...
    encoding_declared = scrapy.Field()  # the charset the HTTP header declared, if any
    problems = scrapy.Field()  # codes of what could not be read or had to be repaired
    raw = scrapy.Field()  # the source's record(s), verbatim
    # set by the seen-postings store
    first_seen_date = scrapy.Field()
    last_seen_date = scrapy.Field()


def new_item(**values: Any) -> VacancyItem:
    """A VacancyItem with every field present (None when unknown), so exports are rectangular."""
    item = VacancyItem()
    for name in VacancyItem.fields:
        item[name] = None
    item["problems"] = []
    item["raw"] = {}
    for name, value in values.items():
        item[name] = value
    return item
