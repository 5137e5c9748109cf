"""Read schema.org `JobPosting` objects from the JSON-LD blocks of a web page.

Real pages carry several `<script type="application/ld+json">` blocks (breadcrumbs, the
organisation, the posting), and one of them is often broken. Postings sit at the top level, in a
top-level array, inside `@graph`, or under another node (`WebPage.mainEntity`, an `ItemList`).
`@type` can be a string, a prefixed IRI (`schema:JobPosting`, `http://schema.org/JobPosting`) or
a list. Blocks are read strictly first and leniently when that fails (`lenient_json`); a block
that cannot be read at all is kept verbatim as a `BlockFailure` so it can be counted, stored and
re-parsed later, and the other blocks of the page are still used.

Each posting is flattened into the item fields the spiders share (`posting_fields`): titles and
organisation names lose markup and over-escaped entities ("Sales &amp;amp; Marketing"),
descriptions keep their markup but lose the extra escaping, and `baseSalary` of any shape goes
through `salary.salary_from_structured`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

from ingest.scrapers.lenient_json import LenientJSONError, loads_lenient
from ingest.scrapers.salary import EMPTY_SALARY_FIELDS, salary_from_structured
from ingest.scrapers.text import clean_block_text, clean_inline_text

_LD_JSON_SCRIPTS = (
    "//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"
    " | //script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld%2bjson')]"
)
# Keep the stored raw text of a failed block bounded; pages have been seen with megabyte blocks.
_MAX_RAW_CHARS = 200_000


@dataclass(frozen=True)
class BlockFailure:
    """A JSON-LD block that could not be read even leniently, kept verbatim."""

    block_index: int
    error: str
    raw_text: str


@dataclass(frozen=True)
class JobPostingNode:
    """One JobPosting found on a page: the node as published and the block it came from."""

    block_index: int
    node: dict[str, Any]
    repairs: tuple[str, ...]


@dataclass
class JsonLdExtraction:
    """Everything read from one page's JSON-LD."""

    blocks_total: int = 0
    postings: list[JobPostingNode] = field(default_factory=list)
    failures: list[BlockFailure] = field(default_factory=list)
    repairs: Counter[str] = field(default_factory=Counter)


def script_blocks(html: str) -> list[str]:
    """The text of every JSON-LD script element of a page, in document order."""
    selector = Selector(text=html)
    blocks = []
    for script in selector.xpath(_LD_JSON_SCRIPTS):
        text = "".join(script.xpath("text()").getall())
        blocks.append(text)
    return blocks


def is_job_posting(node: dict[str, Any]) -> bool:
    """True when the node's @type (string, IRI or list) names JobPosting."""
    types = node.get("@type", node.get("type"))
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        return False
    for value in types:
        if isinstance(value, str):
            local_name = re.split(r"[/:#]", value.strip())[-1]
            if local_name.lower() == "jobposting":
                return True
    return False


def _find_postings(value: Any, found: list[dict[str, Any]]) -> None:
    """Collect JobPosting nodes anywhere in a parsed block, without descending into them."""
    if isinstance(value, list):
        for element in value:
            _find_postings(element, found)
    elif isinstance(value, dict):
        if is_job_posting(value):
            found.append(value)
            return
        for child in value.values():
            if isinstance(child, dict | list):
                _find_postings(child, found)


def read_job_postings(html: str) -> JsonLdExtraction:
    """Find every JobPosting in a page's JSON-LD; broken blocks are kept, not fatal."""
    extraction = JsonLdExtraction()
    for index, raw_block in enumerate(script_blocks(html)):
        if not raw_block.strip():
            continue
        extraction.blocks_total += 1
        try:
            value, repairs = loads_lenient(raw_block)
        except (LenientJSONError, RecursionError, ValueError) as error:
            extraction.failures.append(BlockFailure(index, str(error), raw_block[:_MAX_RAW_CHARS]))
            continue
        extraction.repairs.update(repairs)
        found: list[dict[str, Any]] = []
        _find_postings(value, found)
        for node in found:
            extraction.postings.append(JobPostingNode(index, node, tuple(repairs)))
    return extraction


# -- flattening one posting ------------------------------------------------------------------


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return next((element for element in value if element not in (None, "", {}, [])), None)
    return value


def _text(value: Any) -> str | None:
    """A plain string from a value that may be a string, a number or a {"name": ...} node."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) else None


def _address_text(address: Any) -> str | None:
    if isinstance(address, str):
        return address
    if not isinstance(address, dict):
        return None
    parts: list[str] = []
    for key in ("addressLocality", "addressRegion", "addressCountry"):
        part = _text(address.get(key))
        if part and part.strip() and part.strip() not in parts:
            parts.append(part.strip())
    return ", ".join(parts) or _text(address.get("name"))


def _location_text(posting: dict[str, Any]) -> str | None:
    locations = posting.get("jobLocation")
    if not isinstance(locations, list):
        locations = [locations] if locations else []
    texts: list[str] = []
    for place in locations:
        if isinstance(place, str):
            text = place
        elif isinstance(place, dict):
            text = _address_text(place.get("address")) or _text(place.get("name"))
        else:
            text = None
        if text and text not in texts:
            texts.append(text)
    if not texts and str(_first(posting.get("jobLocationType")) or "").upper() == "TELECOMMUTE":
        texts.append("TELECOMMUTE")
    return "; ".join(texts) or None


def _identifier(posting: dict[str, Any]) -> str | None:
    value = _first(posting.get("identifier"))
    if isinstance(value, dict):
        value = value.get("value") or value.get("@value") or value.get("name")
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    return text or None


def _employment_type(value: Any) -> str | None:
    if isinstance(value, list):
        parts = [str(v).strip() for v in value if isinstance(v, str) and v.strip()]
        return ",".join(parts) or None
    return value.strip() or None if isinstance(value, str) else None


def posting_fields(posting: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Flatten one JobPosting node into item fields; returns (fields, problem codes)."""
    problems: list[str] = []
    title, title_repairs = clean_inline_text(_text(posting.get("title") or posting.get("name")))
    description, description_repairs = clean_block_text(_text(posting.get("description")))
    company, company_repairs = clean_inline_text(_text(posting.get("hiringOrganization")))
    problems.extend(f"title_{r}" for r in title_repairs if r == "entities_unescaped")
    problems.extend(
        f"description_{r}" for r in description_repairs if r == "entities_unescaped_twice"
    )
    problems.extend(f"company_{r}" for r in company_repairs if r == "entities_unescaped")
    salary_value = posting.get("baseSalary")
    if salary_value in (None, "", [], {}):
        salary_value = posting.get("estimatedSalary")
    salary, salary_problems = salary_from_structured(salary_value)
    problems.extend(salary_problems)
    location, _ = clean_inline_text(_location_text(posting))
    fields = {
        "title": title,
        "company_name": company,
        "location": location,
        "posted_at": _text(posting.get("datePosted")),
        "valid_through": _text(posting.get("validThrough")),
        "employment_type": _employment_type(posting.get("employmentType")),
        "description": description,
        "identifier": _identifier(posting),
        "posting_url": _text(posting.get("url")),
        "salary_text": salary_value if isinstance(salary_value, str) else None,
        **(salary.as_fields() if salary else EMPTY_SALARY_FIELDS),
    }
    if title is None:
        problems.append("title_missing")
    return fields, problems
