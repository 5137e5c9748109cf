"""JobStreet Indonesia through its job-search GraphQL API (the API behind the 2021 snapshots).

One POST per result page (`page`, `pageSize`); the answer carries `totalJobs`, which is the
expected coverage. Listing records hold everything the 2021 snapshots hold (title, company,
locations, categories, salary range, a teaser description), so no detail request is made.

TODO(5): JobStreet moved to SEEK's platform in 2023 and this endpoint and shape reflect the 2021
snapshots in data/real/jobstreet-id-2021-12; update `default_urls` and `read_listing` when a
current response is captured for the fixtures.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.http import Request, Response

from ingest.scrapers.base import JsonApiSpider
from ingest.scrapers.items import VacancyItem
from ingest.scrapers.salary import normalise_currency, normalise_period

# The fields of the `jobs` search that the items and the 2021 snapshots use.
SEARCH_QUERY = """
query getJobs($country: String, $locale: String, $keyword: String, $page: Int, $pageSize: Int,
              $sort: String) {
  jobs(country: $country, locale: $locale, keyword: $keyword, page: $page,
       pageSize: $pageSize, sort: $sort) {
    total
    totalJobs
    jobs {
      id adType isStandout isClassified jobTitle jobUrl description sellingPoints
      postingDuration postedAt
      companyMeta { id name isPrivate }
      employmentTypes { code name }
      locations { code name }
      categories { code name }
      salaryRange { currency min max period term }
    }
  }
}
""".strip()


def _number(value: Any) -> float | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class JobstreetSpider(JsonApiSpider):
    name = "jobstreet"
    source = "jobstreet"
    default_urls = {
        "api": "https://xapi.supercharge-srp.co/job-search/graphql?country=id&isSmartSearch=true",
    }
    page_size = 30
    custom_settings = {
        "DOWNLOAD_SLOTS": {"xapi.supercharge-srp.co": {"delay": 3.0, "concurrency": 1}},
    }

    def listing_request(self, stream: str, page: int) -> Request:
        variables = {
            "country": "id",
            "locale": "id",
            "keyword": self.settings.get("LMIS_JOBSTREET_KEYWORD", ""),
            "page": page,
            "pageSize": self.page_size,
            "sort": "createdAt",
        }
        body = json.dumps({"query": SEARCH_QUERY, "variables": variables}, sort_keys=True)
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
        jobs = ((payload or {}).get("data") or {}).get("jobs") or {}
        total = jobs.get("totalJobs", jobs.get("total"))
        return list(jobs.get("jobs") or []), None if total is None else int(total)

    def item_from_record(self, record: dict[str, Any], response: Response) -> VacancyItem:
        company = record.get("companyMeta") or {}
        salary = record.get("salaryRange") or {}
        salary_min, salary_max = _number(salary.get("min")), _number(salary.get("max"))
        has_salary = salary_min is not None or salary_max is not None
        return self.make_item(
            response,
            source_posting_id=record.get("id"),
            url=record.get("jobUrl"),
            listing_url=response.url,
            title=record.get("jobTitle"),
            company_name=company.get("name") or None,
            location=", ".join(
                place["name"] for place in record.get("locations") or [] if place.get("name")
            )
            or None,
            posted_at=record.get("postedAt"),
            employment_type=",".join(
                kind["code"] for kind in record.get("employmentTypes") or [] if kind.get("code")
            )
            or None,
            salary_min=salary_min,
            salary_max=salary_max,
            salary_currency=normalise_currency(salary.get("currency")) if has_salary else None,
            salary_period=normalise_period(salary.get("period")) if has_salary else None,
            description=record.get("description") or None,
            raw={"listing": record},
        )
