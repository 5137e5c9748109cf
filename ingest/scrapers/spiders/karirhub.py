"""Karirhub (Kemnaker SIAPkerja) through its catalogue API: listing pages, then one detail call.

`GET {api}/industrial-vacancies?page=N&limit=L` lists vacancies (Algolia-style hits with an
`id`); `GET {api}/vacancies/{id}` returns the full vacancy (description, qualification,
region with BPS codes, employer). The listing's pagination total, when the API states one, is the
expected coverage. Shapes: data/real/karirhub-api-2025-10.

Salaries: Karirhub keeps placeholder amounts (888/999) when `show_salary` is false, so the
item's salary is only filled when the employer chose to show it; the amounts stay in `raw`.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Request, Response

from ingest.scrapers.base import JsonApiSpider
from ingest.scrapers.items import VacancyItem
from ingest.scrapers.salary import normalise_currency

API_URL = "https://api.kemnaker.go.id/karirhub/catalogue/v1"
WEB_URL = "https://karirhub.kemnaker.go.id"
# A government service: one request at a time, at least four seconds apart.
POLITE_SLOTS = {"api.kemnaker.go.id": {"delay": 4.0, "concurrency": 1}}


def listing_total(payload: dict[str, Any]) -> int | None:
    """The total the API reports, wherever this version of the API puts it."""
    for container in (payload.get("meta") or {}, payload):
        pagination = container.get("pagination") or {}
        for value in (pagination.get("total"), container.get("total")):
            if isinstance(value, int) and not isinstance(value, bool):
                return value
    return None


def vacancy_fields(vacancy: dict[str, Any], web_url: str) -> tuple[dict[str, Any], list[str]]:
    """Item fields from a Karirhub vacancy object (the `data` of the detail call)."""
    problems: list[str] = []
    shown = bool(vacancy.get("show_salary"))
    if not shown and (vacancy.get("min_salary_amount") or vacancy.get("max_salary_amount")):
        problems.append("salary_hidden")
    employer = vacancy.get("employer") or {}
    region = vacancy.get("region") or {}
    job_type = vacancy.get("job_type") or {}
    fields = {
        "url": f"{web_url}/lowongan-dalam-negeri/lowongan/{vacancy.get('id')}",
        "title": vacancy.get("title"),
        "company_name": employer.get("name"),
        "location": region.get("name"),
        "posted_at": vacancy.get("published_at"),
        "valid_through": vacancy.get("expires_at"),
        "employment_type": job_type.get("name"),
        "salary_min": vacancy.get("min_salary_amount") if shown else None,
        "salary_max": vacancy.get("max_salary_amount") if shown else None,
        "salary_currency": normalise_currency(vacancy.get("min_salary_currency"))
        if shown
        else None,
        "salary_period": "MONTH" if shown else None,
        "description": vacancy.get("description"),
    }
    return fields, problems


class KarirhubSpider(JsonApiSpider):
    name = "karirhub"
    source = "karirhub"
    default_urls = {"api": API_URL, "web": WEB_URL}
    page_size = 18
    needs_detail = True
    custom_settings = {"DOWNLOAD_SLOTS": POLITE_SLOTS}

    def listing_request(self, stream: str, page: int) -> Request:
        url = f"{self.endpoint('api')}/industrial-vacancies?page={page}&limit={self.page_size}"
        return self.request(
            url,
            self.parse_listing,
            role="listing",
            headers={"Accept": "application/json"},
            meta={"lmis_stream": stream, "lmis_page": page},
        )

    def read_listing(self, payload: Any, stream: str) -> tuple[list[dict[str, Any]], int | None]:
        if not isinstance(payload, dict):
            return [], None
        return list(payload.get("data") or []), listing_total(payload)

    def detail_request(self, posting_id: str, record: dict[str, Any]) -> Request:
        return self.request(
            f"{self.endpoint('api')}/vacancies/{posting_id}",
            self.parse_detail,
            role="detail",
            key=posting_id,
            headers={"Accept": "application/json"},
        )

    def item_from_detail(
        self, payload: Any, record: dict[str, Any], response: Response
    ) -> VacancyItem | None:
        vacancy = (payload or {}).get("data") if isinstance(payload, dict) else None
        if not isinstance(vacancy, dict) or not vacancy.get("id"):
            return None
        fields, problems = vacancy_fields(vacancy, self.endpoint("web"))
        return self.make_item(
            response,
            source_posting_id=vacancy["id"],
            listing_url=response.meta.get("lmis_listing_url"),
            problems=problems,
            raw={"listing": record, "detail": vacancy},
            **fields,
        )
