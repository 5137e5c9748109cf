"""Fixture job boards built from the real records in data/real, for the crawler tests.

Each builder takes real records and returns a request handler for `FixtureServer` that answers
the way the board's API or pages do (paths, pagination, totals, robots.txt), with optional
misbehaviour (429 with Retry-After, a last page served again for any later page, a total larger
than what is reachable, no robots.txt, wrong charset headers). The expected items of each test
are computed from the same records, not from the pages, so a spider that misreads a page fails.

Reconstructions, stated once here:
- JobStreet: the 2021 CSV flattened the API's lists with commas (categories, locations,
  employment types, selling points); they are split back on commas (the categories split
  cleanly in all 19,475 rows).
- Glints: the three stored answers are the first 100 jobs of searches that report 4,496-5,626;
  the fixture reports 100 per keyword so that a complete crawl is possible.
- Karirhub: the stored listing page has 30 hits; the other 27 vacancies (which only exist as
  detail answers) get listing hits built from their detail fields.
- Loker.id and Dealls: only the boards' parsed CSVs survive, so pages are rendered from them in
  the markup the source scrapers describe; Loker.id salaries are rendered back to the site's
  text form ("Rp 3 – 4 Juta", "Rp 20 Juta Lebih", "Negosiasi") as its README documents.
- Career pages: employer pages rendering Karirhub vacancies as JobPosting JSON-LD in the
  variants real sites produce.
"""

from __future__ import annotations

import ast
import csv
import gzip
import html
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawl_fixture_server import (
    Reply,
    RequestInfo,
    html_reply,
    json_reply,
    not_found,
)

from orchestration.settings import DATA_DIR

REAL = DATA_DIR / "real"
JOBSTREET_CSV = REAL / "jobstreet-id-2021-12" / "jobstreet_id_daily_2021-12-14_to_31.csv.gz"
GLINTS_DIR = REAL / "glints-api-2023-06"
KARIRHUB_DIR = REAL / "karirhub-api-2025-10"
LOKERID_CSV = REAL / "lokerid-2025-07" / "lokerid_jobs_2025-07.csv.gz"
DEALLS_CSV = REAL / "dealls-2024-08" / "dealls_jobs_2024-08-22.csv"

ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nDisallow: /internal/\n"


def robots_reply(text: str = ROBOTS_TXT) -> Reply:
    return Reply(200, text.encode(), content_type="text/plain")


# -- real records ---------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
        return list(csv.DictReader(handle))


def jobstreet_rows(snapshot: str) -> list[dict[str, str]]:
    """Rows of one daily snapshot file, e.g. "jobstreet_2021-12-14.csv"."""
    return [row for row in read_csv(JOBSTREET_CSV) if row["snapshot_file"] == snapshot]


def glints_searches() -> dict[str, list[dict[str, Any]]]:
    """keyword -> jobs of the stored searchJobs answer for that keyword."""
    searches = {}
    for path in sorted(GLINTS_DIR.glob("glints_searchJobs_*_2023-06.json.gz")):
        keyword = path.name.removeprefix("glints_searchJobs_").removesuffix("_2023-06.json.gz")
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            searches[keyword.replace("_", " ")] = json.load(handle)["data"]["searchJobs"][
                "jobsInPage"
            ]
    return searches


def karirhub_details() -> list[dict[str, Any]]:
    with gzip.open(KARIRHUB_DIR / "karirhub_job_details_2025-10.jsonl.gz", "rt") as handle:
        return [json.loads(line)["data"] for line in handle if line.strip()]


def karirhub_listing_hits() -> list[dict[str, Any]]:
    """The 30 real listing hits, then hits built from the 27 details that have none."""
    real = json.loads((KARIRHUB_DIR / "karirhub_job_listing_page_2025-10.json").read_text())["data"]
    known = {hit["id"] for hit in real}
    built = []
    for detail in karirhub_details():
        if detail["id"] in known:
            continue
        built.append(
            {
                "id": detail["id"],
                "_id": detail["id"],
                "platform_type": detail.get("platform_type"),
                "title": detail["title"],
                "company_name": (detail.get("employer") or {}).get("name"),
                "published_at": int(datetime.fromisoformat(detail["published_at"]).timestamp()),
                "show_salary": detail.get("show_salary"),
                "min_salary_amount": detail.get("min_salary_amount"),
                "max_salary_amount": detail.get("max_salary_amount"),
                "job_type_name": (detail.get("job_type") or {}).get("name"),
                "job_function_name": (detail.get("job_function") or {}).get("name"),
            }
        )
    return real + built


def karirhub_rss_feed() -> bytes:
    return (KARIRHUB_DIR / "karirhub_rss_feed_2025-10.xml").read_bytes()


def lokerid_rows() -> list[dict[str, str]]:
    return read_csv(LOKERID_CSV)


def dealls_rows() -> list[dict[str, str]]:
    return read_csv(DEALLS_CSV)


# -- JobStreet search API ---------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [part for part in value.split(",") if part] if value else []


def jobstreet_api_job(row: dict[str, str]) -> dict[str, Any]:
    """The search API's job object for one 2021 CSV row (the CSV is its flattening)."""
    codes, names = _split(row["categoriesCode"]), _split(row["categoriesName"])
    return {
        "id": row["id"],
        "adType": row["adType"],
        "isStandout": row["isStandout"] == "true",
        "isClassified": row["isClassified"] == "true",
        "jobTitle": row["jobTitle"],
        "jobUrl": row["jobUrl"],
        "description": row["description"],
        "sellingPoints": _split(row["sellingPoints"]),
        "postingDuration": row["postingDuration"],
        "postedAt": row["postedAt"],
        "companyMeta": {
            "id": row["companyId"] or None,
            "name": row["companyName"],
            "isPrivate": row["companyPrivate"] == "true",
        },
        "employmentTypes": [{"code": c, "name": c} for c in _split(row["employment"])],
        "locations": [{"code": None, "name": n} for n in _split(row["locations"])],
        "categories": [{"code": c, "name": n} for c, n in zip(codes, names, strict=True)],
        "salaryRange": {
            "currency": row["salarycurrency"] or None,
            "min": int(row["salaryMin"]) if row["salaryMin"] else None,
            "max": int(row["salaryMax"]) if row["salaryMax"] else None,
            "period": row["salaryPeriod"] or None,
            "term": row["salaryTerm"] or None,
        },
    }


def jobstreet_site(rows: list[dict[str, str]]) -> Callable[[RequestInfo], Reply]:
    jobs = [jobstreet_api_job(row) for row in rows]

    def handle(request: RequestInfo) -> Reply:
        if request.path == "/robots.txt":
            return robots_reply()
        if request.path != "/job-search/graphql" or request.method != "POST":
            return not_found()
        variables = json.loads(request.body)["variables"]
        page, size = int(variables["page"]), int(variables["pageSize"])
        chunk = jobs[(page - 1) * size : page * size]
        body = {"data": {"jobs": {"total": len(jobs), "totalJobs": len(jobs), "jobs": chunk}}}
        return json_reply(json.dumps(body).encode())

    return handle


# -- Glints GraphQL ---------------------------------------------------------------------------


def glints_site(searches: dict[str, list[dict[str, Any]]]) -> Callable[[RequestInfo], Reply]:
    def handle(request: RequestInfo) -> Reply:
        if request.path == "/robots.txt":
            return robots_reply()
        if request.path != "/api/graphql" or request.method != "POST":
            return not_found()
        data = json.loads(request.body)["variables"]["data"]
        jobs = searches.get(data["SearchTerm"], [])
        offset, limit = int(data["offset"]), int(data["limit"])
        answer = {
            "data": {
                "searchJobs": {
                    "jobsInPage": jobs[offset : offset + limit],
                    "totalJobs": len(jobs),
                    "__typename": "JobSearchResults",
                }
            }
        }
        return json_reply(json.dumps(answer).encode())

    return handle


# -- Karirhub catalogue API and RSS -----------------------------------------------------------


@dataclass
class KarirhubBehaviour:
    """How the fixture Karirhub API misbehaves (all off by default)."""

    reported_total: int | None = None  # None: the number of hits served
    served_hits: int | None = None  # serve only the first N hits
    repeat_last_page: bool = False  # pages past the end repeat the last page
    has_robots: bool = True
    first_429_on_listing_pages: set[int] = field(default_factory=set)
    first_429_on_details: set[str] = field(default_factory=set)
    always_429_on_details: set[str] = field(default_factory=set)
    retry_after: str = "1"
    _answered_429: set[str] = field(default_factory=set)


KARIRHUB_API = "/karirhub/catalogue/v1"


def karirhub_site(
    hits: list[dict[str, Any]],
    details: list[dict[str, Any]],
    behaviour: KarirhubBehaviour | None = None,
) -> Callable[[RequestInfo], Reply]:
    behaviour = behaviour or KarirhubBehaviour()
    served = hits[: behaviour.served_hits] if behaviour.served_hits is not None else hits
    by_id = {detail["id"]: detail for detail in details}
    total = behaviour.reported_total if behaviour.reported_total is not None else len(served)
    feed = karirhub_rss_feed()

    def too_many(key: str, always: bool) -> Reply | None:
        if always or key not in behaviour._answered_429:
            behaviour._answered_429.add(key)
            return Reply(
                429,
                b'{"message": "Too Many Requests"}',
                headers=[("Retry-After", behaviour.retry_after)],
                content_type="application/json",
            )
        return None

    def handle(request: RequestInfo) -> Reply:
        if request.path == "/robots.txt":
            return robots_reply() if behaviour.has_robots else not_found()
        if request.path == "/rss":
            return Reply(200, feed, content_type="application/rss+xml; charset=utf-8")
        if request.path == f"{KARIRHUB_API}/industrial-vacancies":
            page, limit = int(request.query.get("page", 1)), int(request.query.get("limit", 18))
            if page in behaviour.first_429_on_listing_pages:
                reply = too_many(f"page-{page}", always=False)
                if reply:
                    return reply
            last_page = max(1, math.ceil(len(served) / limit))
            if behaviour.repeat_last_page and page > last_page:
                page = last_page
            chunk = served[(page - 1) * limit : page * limit]
            answer = {
                "code": 200,
                "message": "success",
                "data": chunk,
                "meta": {
                    "pagination": {
                        "total": total,
                        "per_page": limit,
                        "current_page": page,
                        "last_page": max(1, math.ceil(total / limit)),
                    }
                },
            }
            return json_reply(json.dumps(answer).encode())
        prefix = f"{KARIRHUB_API}/vacancies/"
        if request.path.startswith(prefix):
            posting_id = request.path.removeprefix(prefix)
            if posting_id in behaviour.always_429_on_details:
                return too_many(posting_id, always=True)  # type: ignore[return-value]
            if posting_id in behaviour.first_429_on_details:
                reply = too_many(posting_id, always=False)
                if reply:
                    return reply
            if posting_id not in by_id:
                return json_reply(b'{"message": "not found"}', 404)
            return json_reply(json.dumps({"data": by_id[posting_id]}).encode())
        return not_found()

    return handle


# -- Loker.id HTML ----------------------------------------------------------------------------

LOKERID_EDUCATION = ["SMA/SMK/STM", "Diploma/D1/D2/D3", "Sarjana/S1", "Master/S2", "Doctor/S3"]


def _millions(value: str) -> str:
    amount = float(value) / 1_000_000
    return str(int(amount)) if amount == int(amount) else f"{amount:.1f}".replace(".", ",")


def lokerid_salary_text(row: dict[str, str]) -> str:
    """The salary as the site shows it, rebuilt from the parsed CSV (see the README mapping)."""
    low, high = row["Min Salary"], row["Max Salary"]
    if row["Salary Negotiation"] == "1" or not low:
        return "Negosiasi"
    if not high:
        return f"Rp {_millions(low)} Juta Lebih"
    if float(low) == float(high):
        return f"Rp {_millions(low)} Juta"
    return f"Rp {_millions(low)} – {_millions(high)} Juta"


def lokerid_education(row: dict[str, str]) -> list[str]:
    return [name for name in LOKERID_EDUCATION if row[name] == "1"]


def lokerid_experience(row: dict[str, str]) -> list[str]:
    texts = ["Fresh Graduate"] if row["Fresh Graduate"] == "1" else []
    low, high = row["Min Experience"], row["Max Experience"]
    if low and high:
        texts.append(f"{low} - {high} Tahun")
    elif low:
        texts.append(f"{low} Tahun")
    return texts


def lokerid_skills(row: dict[str, str]) -> list[str]:
    return list(ast.literal_eval(row["Skill_Set"])) if row["Skill_Set"] else []


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def lokerid_detail_path(row: dict[str, str]) -> str:
    return urlsplit(row["Link"]).path


def _lokerid_card(row: dict[str, str]) -> str:
    e = html.escape
    return f"""
<article class="card" data-id="{e(row["Job ID"])}">
  <a href="{e(lokerid_detail_path(row))}"><h3>{e(row["Title"])}</h3></a>
  <span class="text-sm text-secondary-500">{e(row["Company"])}</span>
  <div><svg class="icon icon-tabler-map-pin"></svg><span>{e(row["Location"])}</span></div>
  <div><svg class="icon icon-tabler-cash"></svg><span>{e(lokerid_salary_text(row))}</span></div>
  <span class="badge">{e(row["Type"])}</span><span class="badge">{e(row["Level"])}</span>
  <time datetime="{e(row["Posted Date"])}">{e(row["Posted Date"][:10])}</time>
</article>"""


def lokerid_listing_page(rows: list[dict[str, str]], page: int, page_size: int) -> str:
    chunk = rows[(page - 1) * page_size : page * page_size]
    last_page = max(1, math.ceil(len(rows) / page_size))
    first = (page - 1) * page_size + 1
    shown = f"Menampilkan {first} - {first + len(chunk) - 1} dari {len(rows):,} lowongan"
    next_link = (
        f'<nav><a rel="next" aria-label="Next" href="/cari-lowongan-kerja?page={page + 1}">'
        "Berikutnya</a></nav>"
        if page < last_page
        else '<nav><button aria-label="Next" disabled>Berikutnya</button></nav>'
    )
    cards = "".join(_lokerid_card(row) for row in chunk)
    return (
        "<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'><title>Cari Lowongan Kerja"
        f"</title></head><body><p class='result-count'>{shown.replace(',', '.')}</p>"
        f"<main>{cards}</main>{next_link}</body></html>"
    )


def lokerid_detail_page(row: dict[str, str], meta_charset: str = "utf-8") -> str:
    e = html.escape

    def block(label: str, values: list[str], tag: str = "a") -> str:
        inner = "".join(f'<{tag} href="#">{e(v)}</{tag}>' for v in values)
        return f'<div class="flex"><div class="font-bold">{e(label)}</div>{inner}</div>'

    paragraphs = "".join(
        f"<p>{e(line)}</p>" for line in row["Description"].splitlines() if line.strip()
    )
    category, subcategory = row["Category"], row["Subcategory"]
    blocks = [
        block("Fungsi", [row["Function"]]),
        block("Tipe Pekerjaan", [row["Type"]]),
        block("Pendidikan", lokerid_education(row)),
        block("Level Pekerjaan", [row["Level"]]),
        block("Pengalaman", lokerid_experience(row), tag="span"),
        block("Keahlian", lokerid_skills(row)),
    ]
    return (
        f"<!DOCTYPE html><html lang='id'><head><meta charset='{meta_charset}'>"
        f"<title>{e(row['Title'])} - Loker.id</title></head><body>"
        f'<nav class="breadcrumb"><a href="/">Beranda</a><a href="/{_slug(category)}">'
        f'{e(category)}</a><a href="/{_slug(category)}/{_slug(subcategory)}">{e(subcategory)}'
        f"</a></nav><h1>{e(row['Title'])}</h1><section class='grid'>{''.join(blocks)}</section>"
        f"<div class='prose'><h2>Deskripsi Pekerjaan</h2><div>{paragraphs}</div></div>"
        "</body></html>"
    )


# How a detail page's bytes contradict its declarations (see encoding.py).
ENCODING_CASES = {
    # bytes Windows-1252, header and meta say UTF-8
    "cp1252_declared_utf8": ("cp1252", "text/html; charset=utf-8", "utf-8", b""),
    # bytes UTF-8, header says ISO-8859-1 (meta agrees with the header)
    "utf8_declared_latin1": ("utf-8", "text/html; charset=ISO-8859-1", "iso-8859-1", b""),
    # UTF-8 with a byte-order mark, header says windows-1252
    "utf8_bom_declared_cp1252": (
        "utf-8",
        "text/html; charset=windows-1252",
        "windows-1252",
        b"\xef\xbb\xbf",
    ),
}
EXPECTED_ENCODING = {
    "cp1252_declared_utf8": ("cp1252", "windows-1252-fallback"),
    "utf8_declared_latin1": ("utf-8", "utf-8-sniffed"),
    "utf8_bom_declared_cp1252": ("utf-8", "bom"),
}


def cp1252_safe(row: dict[str, str]) -> bool:
    """True when every text the detail page shows can be written in Windows-1252."""
    text = lokerid_detail_page(row)
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return not text.isascii()


def lokerid_site(
    rows: list[dict[str, str]],
    page_size: int = 20,
    encoding_cases: dict[str, str] | None = None,
    robots: str = "User-agent: *\nDisallow: /wp-admin/\nDisallow: /akun/\n",
) -> Callable[[RequestInfo], Reply]:
    """`encoding_cases` maps a Job ID to a key of ENCODING_CASES."""
    encoding_cases = encoding_cases or {}
    details = {lokerid_detail_path(row): row for row in rows}

    def handle(request: RequestInfo) -> Reply:
        if request.path == "/robots.txt":
            return robots_reply(robots)
        if request.path == "/cari-lowongan-kerja":
            page = int(request.query.get("page", 1))
            return html_reply(lokerid_listing_page(rows, page, page_size))
        row = details.get(request.path)
        if row is None:
            return not_found()
        case = encoding_cases.get(row["Job ID"])
        if case is None:
            return html_reply(lokerid_detail_page(row))
        codec, content_type, meta_charset, prefix = ENCODING_CASES[case]
        body = prefix + lokerid_detail_page(row, meta_charset).encode(codec)
        return Reply(200, body, content_type=content_type)

    return handle


# -- Dealls HTML + JSON-LD ----------------------------------------------------------------------


def dealls_slug(row: dict[str, str]) -> str:
    return urlsplit(row["job_url"]).path.removeprefix("/role/")


def dealls_jsonld(row: dict[str, str], escape_rounds: int) -> dict[str, Any]:
    title = row["job_title"]
    for _ in range(escape_rounds):
        title = html.escape(title, quote=False)
    posting: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": title,
        "identifier": {"@type": "PropertyValue", "name": "Dealls", "value": dealls_slug(row)},
        "url": row["job_url"],
        "datePosted": row["last_seen"],
        "employmentType": row["job_type"].split(","),
        "hiringOrganization": {"@type": "Organization", "name": row["company"]},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": row["job_location"],
                "addressCountry": "ID",
            },
        },
    }
    if row["job_department"] != "N/A":
        posting["occupationalCategory"] = row["job_department"]
    if row["base_salary"] != "N/A":
        posting["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "IDR",
            "value": {
                "@type": "QuantitativeValue",
                "value": int(row["base_salary"]),
                "unitText": "MONTH",
            },
        }
    return posting


def dealls_site(rows: list[dict[str, str]], page_size: int = 20) -> Callable[[RequestInfo], Reply]:
    by_slug: dict[str, tuple[int, dict[str, str]]] = {}
    for index, row in enumerate(rows):
        by_slug.setdefault(dealls_slug(row), (index, row))
    last_page = max(1, math.ceil(len(rows) / page_size))

    def listing(page: int) -> str:
        e = html.escape
        cards = "".join(
            f'<li class="job-card" data-slug="{e(dealls_slug(r))}"><a href="/role/'
            f'{e(dealls_slug(r))}">{e(r["job_title"])}</a><span class="company">{e(r["company"])}'
            f'</span><span class="location">{e(r["job_location"])}</span></li>'
            for r in rows[(page - 1) * page_size : page * page_size]
        )
        next_link = (
            f'<a rel="next" href="/loker?page={page + 1}">Next</a>' if page < last_page else ""
        )
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Loker</title></head><body>"
            f"<p class='job-count'>{len(by_slug)} lowongan</p><ul>{cards}</ul>{next_link}"
            "</body></html>"
        )

    def handle(request: RequestInfo) -> Reply:
        if request.path == "/robots.txt":
            return robots_reply("User-agent: *\nDisallow: /api/\n")
        if request.path == "/loker":
            return html_reply(listing(int(request.query.get("page", 1))))
        if request.path.startswith("/role/"):
            entry = by_slug.get(request.path.removeprefix("/role/"))
            if entry is None:
                return not_found()
            index, row = entry
            # One role page in seven escapes its title twice, as some CMS templates do.
            block = json.dumps(dealls_jsonld(row, 2 if index % 7 == 3 else 1), ensure_ascii=False)
            return html_reply(
                f"<!DOCTYPE html><html><head><title>{html.escape(row['job_title'])}</title>"
                f'<script type="application/ld+json">{block}</script></head>'
                f"<body><h1>{html.escape(row['job_title'])}</h1></body></html>"
            )
        return not_found()

    return handle
