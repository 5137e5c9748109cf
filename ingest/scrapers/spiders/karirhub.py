"""Karirhub (Kemnaker SIAPkerja) through its catalogue API: listing pages, then one detail call.

`GET {api}/industrial-vacancies?page=N&limit=L` lists vacancies (Algolia-style hits with an
`id`); `GET {api}/vacancies/{id}` returns the full vacancy (description, qualification,
region with BPS codes, employer). The listing's pagination total, when the API states one, is the
expected coverage. Shapes: data/real/karirhub-api-2025-10.

Salaries: Karirhub keeps placeholder amounts (888/999) when `show_salary` is false, so the
item's salary is only filled when the employer chose to show it; the amounts stay in `raw`.

A detail answer without the posting (an empty body, `{}`, `{"data": null}`, a vacancy without
`DETAIL_FIELDS`) is `detail_empty`, as an empty HTML detail page is: a shortfall, and the posting
is written from its listing hit alone (`listing_fields`) with that problem.
"""

from __future__ import annotations

from datetime import UTC, datetime
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


DETAIL_FIELDS = ("id", "title", "description")
"""What a detail answer must hold to be read: the description is what the detail is fetched for
(the listing has none), the title what every posting needs."""


def detail_vacancy(payload: Any) -> dict[str, Any] | None:
    """The vacancy of a detail answer (its `data`), or None when the answer lacks the posting:
    not an object, no `data` object, or a `DETAIL_FIELDS` value missing or blank."""
    vacancy = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(vacancy, dict):
        return None
    for name in DETAIL_FIELDS:
        value = vacancy.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
    return vacancy


def posting_url(web_url: str, posting_id: Any) -> str:
    return f"{web_url}/lowongan-dalam-negeri/lowongan/{posting_id}"


def _salary_fields(vacancy: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Pay fields of a vacancy or listing hit (both carry the same salary keys)."""
    problems: list[str] = []
    shown = bool(vacancy.get("show_salary"))
    if not shown and (vacancy.get("min_salary_amount") or vacancy.get("max_salary_amount")):
        problems.append("salary_hidden")
    fields = {
        "salary_min": vacancy.get("min_salary_amount") if shown else None,
        "salary_max": vacancy.get("max_salary_amount") if shown else None,
        "salary_currency": normalise_currency(vacancy.get("min_salary_currency"))
        if shown
        else None,
        "salary_period": "MONTH" if shown else None,
    }
    return fields, problems


def vacancy_fields(vacancy: dict[str, Any], web_url: str) -> tuple[dict[str, Any], list[str]]:
    """Item fields from a Karirhub vacancy object (the `data` of the detail call)."""
    salary, problems = _salary_fields(vacancy)
    employer = vacancy.get("employer") or {}
    region = vacancy.get("region") or {}
    job_type = vacancy.get("job_type") or {}
    fields = {
        "url": posting_url(web_url, vacancy.get("id")),
        "title": vacancy.get("title"),
        "company_name": employer.get("name"),
        "location": region.get("name"),
        "posted_at": vacancy.get("published_at"),
        "valid_through": vacancy.get("expires_at"),
        "employment_type": job_type.get("name"),
        **salary,
        "description": vacancy.get("description"),
    }
    return fields, problems


def listing_fields(hit: dict[str, Any], web_url: str) -> tuple[dict[str, Any], list[str]]:
    """Item fields from a listing hit alone, for a posting whose detail could not be used:
    title, employer, city, type, pay and publication time (Unix seconds there, UTC here)."""
    salary, problems = _salary_fields(hit)
    published = hit.get("published_at")
    posted_at = None
    if isinstance(published, int | float) and not isinstance(published, bool):
        posted_at = datetime.fromtimestamp(published, UTC).isoformat(timespec="seconds")
    fields = {
        "url": posting_url(web_url, hit.get("id")),
        "title": hit.get("title"),
        "company_name": hit.get("company_name"),
        "location": hit.get("city_name"),
        "posted_at": posted_at,
        "employment_type": hit.get("job_type_name"),
        **salary,
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
        vacancy = detail_vacancy(payload)
        if vacancy is None:
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

    def record_item(
        self, record: dict[str, Any], problem: str, listing_url: str | None
    ) -> VacancyItem | None:
        fields, problems = listing_fields(record, self.endpoint("web"))
        return self.make_item(
            None,
            source_posting_id=self.record_id(record),
            listing_url=listing_url,
            problems=[problem, *problems],
            raw={"listing": record},
            **fields,
        )
