"""Glints Indonesia through its GraphQL `searchJobs` query (shape of data/real/glints-api-2023-06).

One stream per search term (`LMIS_GLINTS_KEYWORDS`, default one empty term = all jobs), paged
with `offset`/`limit`; `totalJobs` per term is the expected coverage. Searches overlap, so the
same posting can be listed by several streams; it is written once. The search answer has no
description, so items carry none.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.http import Request, Response

from ingest.scrapers.base import JsonApiSpider
from ingest.scrapers.items import VacancyItem
from ingest.scrapers.salary import normalise_currency, normalise_period

SEARCH_QUERY = """
query searchJobs($data: JobSearchConditionInput!) {
  searchJobs(data: $data) {
    totalJobs
    jobsInPage {
      id title isRemote status createdAt updatedAt isActivelyHiring isHot shouldShowSalary
      company { id name logo }
      city { id name }
      citySubDivision { id name }
      country { code name }
      category { id name }
      salaries { id salaryType salaryMode maxAmount minAmount CurrencyCode }
      location { id name administrativeLevelName formattedName level
                 parents { id name administrativeLevelName formattedName level } }
      minYearsOfExperience maxYearsOfExperience source
      hierarchicalJobCategory { id level name parents { id level name } }
      skills { skill { id name } mustHave }
    }
  }
}
""".strip()


class GlintsSpider(JsonApiSpider):
    name = "glints"
    source = "glints"
    default_urls = {
        "api": "https://glints.com/api/graphql",
        "web": "https://glints.com",
    }
    page_size = 50
    first_page = 1
    custom_settings = {
        "DOWNLOAD_SLOTS": {"glints.com": {"delay": 3.0, "concurrency": 1}},
    }

    def __init__(self, *args: Any, keywords: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._keywords_argument = keywords

    def listing_streams(self) -> list[str]:
        if self._keywords_argument is not None:
            return [k.strip() for k in self._keywords_argument.split(",")]
        return self.settings.getlist("LMIS_GLINTS_KEYWORDS") or [""]

    def listing_request(self, stream: str, page: int) -> Request:
        data = {
            "SearchTerm": stream,
            "CountryCode": "ID",
            "limit": self.page_size,
            "offset": (page - 1) * self.page_size,
            "includeExternalJobs": True,
            "sources": ["NATIVE", "SUPER_POWERED"],
            "searchVariant": "CURRENT",
        }
        body = json.dumps(
            {"operationName": "searchJobs", "query": SEARCH_QUERY, "variables": {"data": data}},
            sort_keys=True,
        )
        return self.request(
            self.endpoint("api"),
            self.parse_listing,
            role="listing",
            method="POST",
            body=body,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            meta={"lmis_stream": stream, "lmis_page": page},
        )

    def read_listing(self, payload: Any, stream: str) -> tuple[list[dict[str, Any]], int | None]:
        search = ((payload or {}).get("data") or {}).get("searchJobs") or {}
        total = search.get("totalJobs")
        return list(search.get("jobsInPage") or []), None if total is None else int(total)

    def item_from_record(self, record: dict[str, Any], response: Response) -> VacancyItem:
        salaries = record.get("salaries") or []
        basic = next((s for s in salaries if s.get("salaryType") == "BASIC"), None)
        problems = []
        if basic and not record.get("shouldShowSalary"):
            problems.append("salary_hidden")
            basic = None
        web = self.endpoint("web")
        city = record.get("city") or {}
        company = record.get("company") or {}
        return self.make_item(
            response,
            source_posting_id=record.get("id"),
            url=f"{web}/id/opportunities/jobs/{record.get('id')}",
            listing_url=response.url,
            title=record.get("title"),
            company_name=company.get("name"),
            location=city.get("name"),
            posted_at=record.get("createdAt"),
            employment_type=record.get("type"),
            salary_min=(basic or {}).get("minAmount"),
            salary_max=(basic or {}).get("maxAmount"),
            salary_currency=normalise_currency((basic or {}).get("CurrencyCode")),
            salary_period=normalise_period((basic or {}).get("salaryMode")),
            problems=problems,
            raw={"listing": record},
        )
