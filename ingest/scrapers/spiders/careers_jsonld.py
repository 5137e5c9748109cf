"""Employer career pages that publish their vacancies as schema.org JobPosting JSON-LD.

Start pages come from the spider argument `career_pages` (comma-separated URLs) or the setting
`LMIS_CAREER_PAGES` (a list; from the environment variable of the same name, comma-separated).
From each career page the spider reads any postings embedded in it and follows the links on the
same host whose path looks like a vacancy (karir, career, job, lowongan, loker, ...); every page
reached is read with the robust JSON-LD reader. Postings are identified by host plus the
posting's `identifier` (or the page path), under `source = "careers"`.

TODO(5): no employer list ships yet (none could be checked without network access); the World
Bank OSVO list of about 100 employer sites is the intended seed, to be added as a reviewed file.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Request

from ingest.scrapers.base import JsonLdPageSpider


class CareersJsonldSpider(JsonLdPageSpider):
    name = "careers_jsonld"
    source = "careers"

    def __init__(self, *args: Any, career_pages: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pages_argument = career_pages

    def index_urls(self) -> list[str]:
        if self._pages_argument:
            pages = self._pages_argument.split(",")
        else:
            pages = self.settings.getlist("LMIS_CAREER_PAGES") or os.environ.get(
                "LMIS_CAREER_PAGES", ""
            ).split(",")
        return [page.strip() for page in pages if page.strip()]

    async def start(self) -> AsyncIterator[Request]:
        if not self.index_urls():
            self.coverage.request_failed("listing", "no_career_pages_configured")
            self.logger.error("no career pages configured (LMIS_CAREER_PAGES)")
            return
        async for request in super().start():
            yield request
