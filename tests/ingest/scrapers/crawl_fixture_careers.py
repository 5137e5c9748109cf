"""Employer career sites publishing real Karirhub vacancies as schema.org JobPosting JSON-LD.

Three employers, one server each (robots.txt is per host and port):
- A: a normal robots.txt that disallows /internal/ (one vacancy link points there);
- B: robots.txt redirects to an error page answering 404;
- C: robots.txt redirects to an HTML page answering 200 (a "soft" error page).

Every vacancy page uses one of the JSON-LD variants that real career pages produce (see
`VARIANTS`): several blocks with one broken, `@graph`, `@type` as a list or an IRI, JSON that a
browser accepts but a strict parser rejects, entities escaped twice, `baseSalary` as a number, a
string, a range or a nested value with or without currency and unit. Each variant states the
salary it encodes; everything else is expected to equal the Karirhub record.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crawl_fixture_server import Reply, RequestInfo, html_reply, not_found, redirect
from crawl_fixture_sites import robots_reply


def _find(node: Any, key: str) -> dict[str, Any] | None:
    """The first dict stored under `key` anywhere in a nested record."""
    if isinstance(node, dict):
        if isinstance(node.get(key), dict):
            return node[key]
        for value in node.values():
            found = _find(value, key)
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class Facts:
    """What a vacancy page says about one Karirhub record."""

    posting_id: str
    title: str
    company: str
    city: str
    province: str
    posted: str
    valid_through: str
    employment_type: str
    description: str

    @classmethod
    def of(cls, detail: dict[str, Any]) -> Facts:
        region = detail.get("region") or {}
        regionable = region.get("regionable") or {}
        if region.get("regionable_type") == "city":
            city = regionable.get("name", "")
        else:
            city = (_find(regionable, "city") or {}).get("name", "")
        province = (_find(regionable, "province") or {}).get("name", "")
        return cls(
            posting_id=detail["id"],
            title=detail["title"],
            company=detail["employer"]["name"],
            city=city,
            province=province,
            posted=detail["published_at"].replace(" ", "T") + "+07:00",
            valid_through=detail["expires_at"],
            employment_type=detail["job_type"]["name"],
            description=detail["description"],
        )

    def posting(self, **overrides: Any) -> dict[str, Any]:
        node: dict[str, Any] = {
            "@type": "JobPosting",
            "title": self.title,
            "description": self.description,
            "identifier": {
                "@type": "PropertyValue",
                "name": self.company,
                "value": self.posting_id,
            },
            "datePosted": self.posted,
            "validThrough": self.valid_through,
            "employmentType": self.employment_type,
            "hiringOrganization": {"@type": "Organization", "name": self.company},
            "jobLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": self.city,
                    "addressRegion": self.province,
                    "addressCountry": "ID",
                },
            },
        }
        node.update(overrides)
        return {key: value for key, value in node.items() if value is not None}

    def expected(self, salary: tuple[Any, Any, Any, Any], **overrides: Any) -> dict[str, Any]:
        """Expected item fields; `posting_key` is the identifier or the page path."""
        low, high, currency, period = salary
        values = {
            "posting_key": self.posting_id,
            "title": self.title,
            "company_name": self.company,
            "location": ", ".join(p for p in (self.city, self.province, "ID") if p),
            "posted_at": self.posted,
            "valid_through": self.valid_through,
            "employment_type": self.employment_type,
            "description": self.description,
            "salary_min": low,
            "salary_max": high,
            "salary_currency": currency,
            "salary_period": period,
        }
        values.update(overrides)
        return values


CONTEXT = {"@context": "https://schema.org"}


def _script(text: str, type_attribute: str = "application/ld+json") -> str:
    return f'<script type="{type_attribute}">{text}</script>'


def _dump(node: Any) -> str:
    return json.dumps(node, ensure_ascii=False, indent=1)


def _js_string(text: str) -> str:
    """A single-quoted JavaScript string literal, with a raw line break kept raw."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# Each variant: (facts of one or two records, page path) -> (script elements, expected items).
Variant = Callable[[list[Facts], str], tuple[list[str], list[dict[str, Any]]]]


def clean(facts: list[Facts], path: str) -> tuple[list[str], list[dict[str, Any]]]:
    f = facts[0]
    salary = {
        "@type": "MonetaryAmount",
        "currency": "IDR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 4000000,
            "maxValue": 6000000,
            "unitText": "MONTH",
        },
    }
    block = _dump({**CONTEXT, **f.posting(baseSalary=salary)})
    return [_script(block)], [f.expected((4e6, 6e6, "IDR", "MONTH"))]


def graph(facts: list[Facts], path: str) -> tuple[list[str], list[dict[str, Any]]]:
    f = facts[0]
    node = {
        **CONTEXT,
        "@graph": [
            {"@type": "Organization", "name": f.company, "url": "/"},
            {"@type": "WebPage", "name": f.title, "url": path},
            f.posting(baseSalary="Rp 4.000.000 - Rp 6.000.000 per bulan"),
        ],
    }
    return [_script(_dump(node))], [
        f.expected((4e6, 6e6, "IDR", "MONTH"), salary_text="Rp 4.000.000 - Rp 6.000.000 per bulan")
    ]


def type_list_number_salary(facts: list[Facts], path: str) -> tuple[list[str], list[dict]]:
    f = facts[0]
    node = {**CONTEXT, **f.posting(baseSalary=4500000)}
    node["@type"] = ["JobPosting", "Thing"]
    return [_script(_dump(node))], [f.expected((4.5e6, 4.5e6, None, None))]


def several_blocks_one_broken(facts: list[Facts], path: str) -> tuple[list[str], list[dict]]:
    f = facts[0]
    breadcrumb = {
        **CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Karir", "item": "/"}],
    }
    broken = '{"@context": "https://schema.org", "@type": "Organization", "name": "' + f.company
    posting = {**CONTEXT, **f.posting(baseSalary="IDR 5,000,000/month")}
    return (
        [_script(_dump(breadcrumb)), _script(broken), _script(_dump(posting))],
        [f.expected((5e6, 5e6, "IDR", "MONTH"), salary_text="IDR 5,000,000/month")],
    )


def lenient_json(facts: list[Facts], path: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Comments, single quotes, unquoted keys, trailing commas and a raw line break."""
    f = facts[0]
    description = f.description + "\n<p>Kirim lamaran paling lambat akhir bulan.</p>"
    text = f"""
    // generated by the careers plugin
    {{
      '@context': 'https://schema.org',
      '@type': 'JobPosting',
      title: {_js_string(f.title)},
      /* the description keeps the editor's line breaks */
      description: {_js_string(description)},
      identifier: {{ '@type': 'PropertyValue', value: '{f.posting_id}', }},
      datePosted: '{f.posted}',
      validThrough: '{f.valid_through}',
      employmentType: {_js_string(f.employment_type)},
      hiringOrganization: {{ '@type': 'Organization', name: {_js_string(f.company)}, }},
      jobLocation: {{
        '@type': 'Place',
        address: {{
          '@type': 'PostalAddress',
          addressLocality: {_js_string(f.city)},
          addressRegion: {_js_string(f.province)},
          addressCountry: 'ID',
        }},
      }},
      baseSalary: {{
        '@type': 'MonetaryAmount', currency: 'IDR',
        value: {{ '@type': 'QuantitativeValue', value: '5.500.000', unitText: 'MONTH', }},
      }},
    }};
    """
    return [_script(text)], [f.expected((5.5e6, 5.5e6, "IDR", "MONTH"), description=description)]


def double_escaped(facts: list[Facts], path: str) -> tuple[list[str], list[dict[str, Any]]]:
    f = facts[0]

    def twice(text: str) -> str:
        return html.escape(html.escape(text, quote=False), quote=False)

    node = {
        **CONTEXT,
        **f.posting(
            title=twice(f.title),
            description=twice(f.description),
            hiringOrganization={"@type": "Organization", "name": html.escape(f.company)},
            baseSalary={"@type": "MonetaryAmount", "currency": "IDR", "value": "7000000"},
        ),
    }
    return [_script(_dump(node))], [f.expected((7e6, 7e6, "IDR", None))]


def nested_without_currency_or_unit(facts: list[Facts], path: str) -> tuple[list[str], list]:
    f = facts[0]
    salary = {"@type": "MonetaryAmount", "value": {"@type": "QuantitativeValue", "value": 3500000}}
    node = {**CONTEXT, **f.posting(baseSalary=salary)}
    return [_script(_dump(node))], [f.expected((3.5e6, 3.5e6, None, None))]


def range_on_amount_prefixed_type(facts: list[Facts], path: str) -> tuple[list[str], list]:
    f = facts[0]
    salary = {
        "@type": "MonetaryAmount",
        "currency": "idr",
        "minValue": "3000000",
        "maxValue": "4000000",
        "unitText": "month",
    }
    node = {
        "@context": {"schema": "https://schema.org/"},
        **f.posting(baseSalary=salary),
        "@type": "schema:JobPosting",
    }
    return [_script(_dump(node))], [f.expected((3e6, 4e6, "IDR", "MONTH"))]


def two_postings_in_graph(facts: list[Facts], path: str) -> tuple[list[str], list[dict]]:
    first, second = facts[0], facts[1]
    node = {
        **CONTEXT,
        "@graph": [
            first.posting(baseSalary={"@type": "MonetaryAmount", "currency": "IDR", "value": 6e6}),
            second.posting(baseSalary=None),
        ],
    }
    return [_script(_dump(node))], [
        first.expected((6e6, 6e6, "IDR", None)),
        second.expected((None, None, None, None)),
    ]


def top_level_array_iri_type(facts: list[Facts], path: str) -> tuple[list[str], list[dict]]:
    f = facts[0]
    posting = f.posting(
        baseSalary=[
            {"@type": "MonetaryAmount", "currency": "IDR", "value": "Rp 8 juta"},
            {"@type": "MonetaryAmount", "currency": "IDR", "value": "Rp 9 juta"},
        ]
    )
    posting["@type"] = "http://schema.org/JobPosting"
    node = [posting, {"@type": "Organization", "name": f.company}]
    return [_script(_dump(node))], [f.expected((8e6, 8e6, "IDR", None))]


def cdata_wrapped_without_identifier(facts: list[Facts], path: str) -> tuple[list[str], list]:
    f = facts[0]
    node = {**CONTEXT, **f.posting(identifier=None, baseSalary="Negosiasi")}
    text = "//<![CDATA[\n" + _dump(node) + "\n//]]>"
    return [_script(text, "application/ld+json; charset=utf-8")], [
        f.expected((None, None, None, None), posting_key=None, salary_text="Negosiasi")
    ]


def main_entity_estimated_salary(facts: list[Facts], path: str) -> tuple[list[str], list]:
    f = facts[0]
    salary = {
        "@type": "MonetaryAmount",
        "currency": "IDR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 2500000,
            "maxValue": 3500000,
            "unitText": "MONTH",
        },
    }
    node = {**CONTEXT, "@type": "WebPage", "mainEntity": f.posting(estimatedSalary=salary)}
    return [_script(_dump(node))], [f.expected((2.5e6, 3.5e6, "IDR", "MONTH"))]


def only_broken(facts: list[Facts], path: str) -> tuple[list[str], list[dict[str, Any]]]:
    f = facts[0]
    text = '{"@context": "https://schema.org", "@type": "JobPosting", "title": ' + json.dumps(
        f.title
    )
    return [_script(text + ', "description": <p>')], []


def no_jsonld(facts: list[Facts], path: str) -> tuple[list[str], list[dict[str, Any]]]:
    return [], []


@dataclass
class CareerPage:
    path: str
    variant: Variant
    records: int = 1  # how many Karirhub records the variant uses
    disallowed: bool = False


@dataclass
class Employer:
    name: str
    robots: str  # "parsed", "redirect_to_404", "redirect_to_html"
    pages: list[CareerPage]
    expected: list[dict[str, Any]] = field(default_factory=list)
    routes: dict[str, str] = field(default_factory=dict)


EMPLOYERS = [
    Employer(
        "A",
        "parsed",
        [
            CareerPage("/karir/clean.html", clean),
            CareerPage("/karir/graph.html", graph),
            CareerPage("/karir/type-list.html", type_list_number_salary),
            CareerPage("/karir/several-blocks.html", several_blocks_one_broken),
            CareerPage("/karir/lenient.html", lenient_json),
            CareerPage("/internal/lowongan-draft.html", clean, disallowed=True),
        ],
    ),
    Employer(
        "B",
        "redirect_to_404",
        [
            CareerPage("/careers/double-escaped.html", double_escaped),
            CareerPage("/careers/nested.html", nested_without_currency_or_unit),
            CareerPage("/careers/range-prefixed.html", range_on_amount_prefixed_type),
            CareerPage("/careers/two-postings.html", two_postings_in_graph, records=2),
        ],
    ),
    Employer(
        "C",
        "redirect_to_html",
        [
            CareerPage("/lowongan/array-iri.html", top_level_array_iri_type),
            CareerPage("/lowongan/cdata.html", cdata_wrapped_without_identifier),
            CareerPage("/lowongan/main-entity.html", main_entity_estimated_salary),
            CareerPage("/lowongan/broken.html", only_broken),
            CareerPage("/lowongan/faq.html", no_jsonld),
        ],
    ),
]


def build_employers(details: list[dict[str, Any]]) -> list[Employer]:
    """Fill each employer's pages with consecutive Karirhub records; returns fresh copies."""
    facts = [Facts.of(detail) for detail in details]
    cursor = 0
    built = []
    for template in EMPLOYERS:
        employer = Employer(template.name, template.robots, template.pages)
        links = []
        for page in employer.pages:
            used = facts[cursor : cursor + page.records]
            cursor += page.records
            scripts, expected = page.variant(used, page.path)
            employer.routes[page.path] = (
                "<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'>"
                f"<title>{html.escape(used[0].title)}</title>{''.join(scripts)}</head>"
                f"<body><h1>{html.escape(used[0].title)}</h1></body></html>"
            )
            links.append(f'<li><a href="{page.path}">{html.escape(used[0].title)}</a></li>')
            if not page.disallowed:
                for values in expected:
                    employer.expected.append({**values, "path": page.path})
        employer.routes["/karir"] = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Karir</title></head><body>"
            f"<ul>{''.join(links)}</ul><a href='/tentang-kami'>Tentang kami</a>"
            "<a href='https://example.org/karir/elsewhere.html'>mitra</a></body></html>"
        )
        built.append(employer)
    return built


def employer_site(employer: Employer) -> Callable[[RequestInfo], Reply]:
    def handle(request: RequestInfo) -> Reply:
        if request.path == "/robots.txt":
            if employer.robots == "parsed":
                return robots_reply("User-agent: *\nDisallow: /internal/\n")
            if employer.robots == "redirect_to_404":
                return redirect("/halaman-tidak-ditemukan")
            return redirect("/error", 301)
        if request.path == "/halaman-tidak-ditemukan":
            return not_found()
        if request.path == "/error":
            return html_reply("<html><body><h1>Maaf, terjadi kesalahan</h1></body></html>")
        page = employer.routes.get(request.path)
        return html_reply(page) if page is not None else not_found()

    return handle
