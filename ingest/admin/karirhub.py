"""Karirhub (SIAPkerja, formerly AyoKitaKerja) vacancies: API detail responses, listing, RSS.

Three shapes of the same vacancies, as in `data/real/karirhub-api-2025-10`:
- the job-detail API body, one JSON object per line (`{"data": {vacancy…}}`), the richest: quota
  and filled places, salary shown or hidden, stated sex/age/physical/marital requirements, minimum
  education, region down to village, the employer (a WLKP company) and the partner platform of
  re-posted vacancies;
- the search listing page (`{"data": [hits]}`, Algolia-style flat hits);
- the RSS feed a third party generated from the listing.

Region codes on Karirhub are Kemendagri codes (see `regions.py`); each record is resolved to the
region dimension and the method is kept. Employer e-mail and phone stay in the raw frame only;
free text is masked for e-mails and phone numbers before staging.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from ingest.admin.personal_data import mask_personal_data
from ingest.admin.regions import RESOLUTION_COLUMNS, RegionIndex, RegionMatch, region_index
from ingest.admin.results import (
    REMOVED,
    AdminLoad,
    AdminSourceError,
    problems_record,
    quarantine_frame,
)
from ingest.admin.text import clean_text, html_to_text
from orchestration.settings import DATA_DIR, TIMEZONE

log = logging.getLogger(__name__)

KARIRHUB_DIR = DATA_DIR / "real" / "karirhub-api-2025-10"
DETAILS_FILE = KARIRHUB_DIR / "karirhub_job_details_2025-10.jsonl.gz"
LISTING_FILE = KARIRHUB_DIR / "karirhub_job_listing_page_2025-10.json"
RSS_FILE = KARIRHUB_DIR / "karirhub_rss_feed_2025-10.xml"

JAKARTA = ZoneInfo(TIMEZONE)
# Words of the keys of the detail API body holding a person or a contact detail (the employer's
# e-mail, phone and address, a contact person's name): their values are removed from quarantine.
CONTACT_WORDS = frozenset({
    "email", "mail", "phone", "telp", "telepon", "tel", "hp", "handphone", "mobile", "whatsapp",
    "wa", "fax", "address", "alamat", "contact", "kontak", "person", "pic", "cp", "pimpinan",
})  # fmt: skip
# A key of any spelling (`contact_person`, `picName`, `nama-kontak`) split into its words.
_KEY_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# A key and its value in a line that is no JSON, so its text is shown instead of its values: a
# text value ends at its closing quote or, in a line cut short, at the end of the line.
_KEY_VALUE_IN_TEXT = re.compile(
    r'"((?:[^"\\]|\\.)*)"(\s*:\s*)(?:"(?:[^"\\]|\\.?)*(?:"|$)|[-+.\deE]+)'
)


def is_contact_key(key: str) -> bool:
    """Whether a key of the detail API body names a person or a contact detail."""
    return any(word.lower() in CONTACT_WORDS for word in _KEY_WORDS.findall(key))


def _contacts_removed(line: str) -> str:
    """A line that is no JSON with the value of each contact key shown as removed."""
    return _KEY_VALUE_IN_TEXT.sub(
        lambda m: f'"{m[1]}"{m[2]}"{REMOVED}"' if is_contact_key(m[1]) else m[0], line
    )


# Below this a monthly amount is a placeholder (the API shows 888/999 and 0/0), not a wage.
MIN_PLAUSIBLE_MONTHLY_WAGE_IDR = 100_000

VACANCY_SCHEMA: dict[str, pl.DataType] = {
    "vacancy_id": pl.String(),
    "source": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "vacancy_title": pl.String(),
    "kbji4": pl.String(),
    "is_occupation_coded": pl.Boolean(),
    "job_function_name": pl.String(),
    "job_type_name": pl.String(),
    "industry_name": pl.String(),
    "vacancy_status": pl.String(),
    "quota": pl.Int64(),
    "filled_quota": pl.Int64(),
    "available_quota": pl.Int64(),
    "published_at": pl.Datetime("us", "UTC"),
    "expires_date": pl.Date(),
    "is_salary_shown": pl.Boolean(),
    "salary_status": pl.String(),
    "wage_min_monthly_idr": pl.Int64(),
    "wage_max_monthly_idr": pl.Int64(),
    "required_sex": pl.String(),
    "required_physical_condition": pl.String(),
    "required_marital_status": pl.String(),
    "min_age": pl.Int64(),
    "max_age": pl.Int64(),
    "min_experience_years": pl.Int64(),
    "min_education_name": pl.String(),
    "min_education_level": pl.Int64(),
    "region_level": pl.String(),
    "region_name": pl.String(),
    "village_code_kemendagri": pl.String(),
    "district_code_kemendagri": pl.String(),
    "district_code_bps": pl.String(),
    **RESOLUTION_COLUMNS,
    "employer_id": pl.String(),
    "employer_name": pl.String(),
    "employer_industry_name": pl.String(),
    "has_wlkp_company_profile": pl.Boolean(),
    "is_partner_repost": pl.Boolean(),
    "partner_platform_name": pl.String(),
    "is_confidential": pl.Boolean(),
    "skills": pl.List(pl.String()),
    "description_text": pl.String(),
    "qualification_text": pl.String(),
}

RAW_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "record_id": pl.String(),
    "record_json": pl.String(),
}


def _local_to_utc(text: str | None) -> dt.datetime | None:
    """Karirhub writes WIB wall-clock time ('2025-10-23 08:56:50' is 01:56:50 UTC in its RSS)."""
    if not text:
        return None
    local = dt.datetime.fromisoformat(text).replace(tzinfo=JAKARTA)
    return local.astimezone(dt.UTC)


class FieldProblem(ValueError):
    """A value of the detail API body that cannot be used, with its key and a plain reason."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


class FieldProblems(ValueError):
    """Every `FieldProblem` of one record, in the order the record is read."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


# The whole-number keys of the detail API body (quota, filled places, salary, ages, experience).
WHOLE_NUMBER_KEYS = (
    "quota",
    "usage_quota",
    "available_quota",
    "min_salary_amount",
    "max_salary_amount",
    "min_age",
    "max_age",
    "min_year_experience",
)


def _int_or_none(value: Any, field: str) -> int | None:
    """A whole number from a JSON number or its text; `FieldProblem` naming `field` otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FieldProblem(field, f"not a number: {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise FieldProblem(field, f"not a whole number: {value!r}") from None
    if not number.is_integer():
        raise FieldProblem(field, f"not a whole number: {value!r}")
    return int(number)


def _whole_numbers(data: dict[str, Any]) -> tuple[dict[str, int | None], list[FieldProblem]]:
    """The whole-number keys of `data` parsed, and a problem for each that is not one."""
    numbers: dict[str, int | None] = {}
    problems: list[FieldProblem] = []
    for key in WHOLE_NUMBER_KEYS:
        try:
            numbers[key] = _int_or_none(data.get(key), key)
        except FieldProblem as problem:
            problems.append(problem)
    return numbers, problems


def _timestamp_or_none(text: Any, field: str) -> dt.datetime | None:
    try:
        return _local_to_utc(text)
    except (TypeError, ValueError):
        raise FieldProblem(field, f"not a date and time: {text!r}") from None


def _date_or_none(text: Any, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except (TypeError, ValueError):
        raise FieldProblem(field, f"not a date: {text!r}") from None


def salary_status(shown: bool | None, low: int | None, high: int | None) -> str:
    """How the salary appears: shown, shown_zero, hidden_with_amount, hidden_placeholder, none."""
    plausible = any(v is not None and v >= MIN_PLAUSIBLE_MONTHLY_WAGE_IDR for v in (low, high))
    if shown:
        return "shown" if plausible else "shown_zero"
    if plausible:
        return "hidden_with_amount"
    if low or high:
        return "hidden_placeholder"
    return "none"


def _plausible_wage(value: int | None) -> int | None:
    return value if value is not None and value >= MIN_PLAUSIBLE_MONTHLY_WAGE_IDR else None


def _region_chain(region: dict[str, Any] | None) -> dict[str, Any]:
    """Walk region.regionable (village → sub_district → city → province) into flat codes."""
    out: dict[str, Any] = {"level": None, "name": None}
    if not region:
        return out
    out["level"] = region.get("regionable_type")
    out["name"] = region.get("name")
    node = region.get("regionable") or {}
    level = out["level"]
    while node:
        out[f"{level}_code"] = node.get("code")
        out[f"{level}_name"] = node.get("name")
        for child in ("sub_district", "city", "province"):
            if node.get(child):
                node, level = node[child], child
                break
        else:
            node = None
    return out


def _resolve(index: RegionIndex, chain: dict[str, Any]) -> RegionMatch:
    if chain.get("city_code") is not None:
        return index.by_code(chain["city_code"], chain.get("city_name"))
    if chain.get("province_name"):
        return index.province_only(chain["province_name"])
    return index.by_name(chain.get("name"))


def vacancy_from_detail(data: dict[str, Any], index: RegionIndex) -> dict[str, Any]:
    """One staging row from a job-detail API `data` object.

    Raises `FieldProblems` listing every value that cannot be used (a quota of "lots", a date
    that is none); KeyError/TypeError/AttributeError for a body whose structure is not the API's.
    """
    vacancy_id = data["id"]
    if not vacancy_id:
        raise KeyError("id")
    numbers, problems = _whole_numbers(data)
    times: dict[str, Any] = {}
    for key, parse in (("published_at", _timestamp_or_none), ("expires_at", _date_or_none)):
        try:
            times[key] = parse(data.get(key), key)
        except FieldProblem as problem:
            problems.append(problem)
    if problems:
        raise FieldProblems(problems)
    chain = _region_chain(data.get("region"))
    match = _resolve(index, chain)
    employer = data.get("employer") or {}
    company = employer.get("employerable") or {}
    platform = data.get("platform") or {}
    low, high = numbers["min_salary_amount"], numbers["max_salary_amount"]
    shown = data.get("show_salary")
    district_code = chain.get("sub_district_code")
    industry = (data.get("vacancyable") or {}).get("industry") or company.get("industry") or {}
    return {
        "vacancy_id": vacancy_id,
        "vacancy_title": clean_text(data.get("title")),
        # Readers leave titles uncoded: the dbt model int_admin_titles_coded codes each distinct
        # title of every admin source once, and the marts take kbji4 from there.
        "kbji4": None,
        "is_occupation_coded": False,
        "job_function_name": (data.get("job_function") or {}).get("name"),
        "job_type_name": (data.get("job_type") or {}).get("name"),
        "industry_name": industry.get("name"),
        "vacancy_status": data.get("status"),
        "quota": numbers["quota"],
        "filled_quota": numbers["usage_quota"],
        "available_quota": numbers["available_quota"],
        "published_at": times["published_at"],
        "expires_date": times["expires_at"],
        "is_salary_shown": shown,
        "salary_status": salary_status(shown, low, high),
        "wage_min_monthly_idr": _plausible_wage(low),
        "wage_max_monthly_idr": _plausible_wage(high),
        "required_sex": data.get("gender"),
        "required_physical_condition": data.get("physical_condition"),
        "required_marital_status": data.get("marital_status"),
        "min_age": numbers["min_age"],
        "max_age": numbers["max_age"],
        "min_experience_years": numbers["min_year_experience"],
        "min_education_name": (data.get("min_education") or {}).get("name"),
        "min_education_level": (data.get("min_education") or {}).get("level"),
        "region_level": chain.get("level"),
        "region_name": chain.get("name"),
        "village_code_kemendagri": chain.get("village_code"),
        "district_code_kemendagri": district_code,
        "district_code_bps": index.district_code_bps(district_code),
        **match.as_columns(),
        "employer_id": data.get("employer_id"),
        "employer_name": clean_text(employer.get("name") or company.get("name")),
        "employer_industry_name": (company.get("industry") or {}).get("name"),
        "has_wlkp_company_profile": "wlkp" in (company.get("logo_uri") or ""),
        "is_partner_repost": data.get("platform_type") == "external",
        "partner_platform_name": platform.get("name"),
        "is_confidential": bool(data.get("confidential")),
        "skills": [s.get("name") for s in data.get("skills") or [] if s.get("name")],
        "description_text": mask_personal_data(html_to_text(data.get("description"))),
        "qualification_text": mask_personal_data(html_to_text(data.get("qualification"))),
    }


def _quota_problem(row: dict[str, Any]) -> str | None:
    quota, filled = row["quota"], row["filled_quota"]
    if quota is not None and quota < 0:
        return f"quota {quota} is negative"
    if quota is not None and filled is not None and filled > quota:
        return f"filled places {filled} exceed the quota {quota}"
    return None


def read_karirhub_details(path: Path = DETAILS_FILE, index: RegionIndex | None = None) -> AdminLoad:
    """Read job-detail API responses (JSON lines, optionally gzipped) into an `AdminLoad`."""
    index = index or region_index()
    opener = gzip.open if path.suffix == ".gz" else open
    raw_rows: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] = []
    seen: set[str] = set()
    with opener(path, "rt", encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            base = {"source_file": path.name, "source_row": line_number}

            def reject(field: str, code: str, reason: str, raw: object, base=base) -> None:
                quarantine.append(problems_record(
                    "karirhub_details", path.name, base["source_row"], [(field, code, reason)],
                    {"line": raw}, personal=is_contact_key,
                ))  # fmt: skip

            try:
                body = json.loads(line)
            except json.JSONDecodeError as exc:
                raw_rows.append({**base, "record_id": None, "record_json": line.strip()})
                shown = _contacts_removed(line.strip())[:500]
                reject("*", "invalid_json", f"not valid JSON ({exc.msg} at column {exc.colno})",
                       shown)  # fmt: skip
                continue
            data = body.get("data") if isinstance(body, dict) else None
            record_id = data.get("id") if isinstance(data, dict) else None
            raw_rows.append({**base, "record_id": record_id, "record_json": line.strip()})
            if not isinstance(data, dict) or not record_id:
                reject("data.id", "missing_id", "no `data.id`: not a vacancy object", body)
                continue
            if record_id in seen:
                reject("data.id", "duplicate_id", f"vacancy {record_id} seen earlier", record_id)
                continue
            try:
                row = vacancy_from_detail(data, index)
            except FieldProblems as exc:
                problems = [
                    (f"data.{p.field}", "unparseable_field", p.detail) for p in exc.problems
                ]
                quarantine.append(problems_record(
                    "karirhub_details", path.name, line_number, problems,
                    {"id": record_id, **{p.field: data.get(p.field) for p in exc.problems}},
                    columns=[f"data.{key}" for key in data], personal=is_contact_key,
                ))  # fmt: skip
                continue
            except (KeyError, ValueError, TypeError, AttributeError) as exc:
                # A body whose nesting is not the API's (a `region` that is text): no one key
                # is at fault, so the reason says what was met where an object was expected.
                detail = f"not the API's structure ({type(exc).__name__}: {exc})"
                reject("data", "unexpected_structure", detail, {"id": record_id})
                continue
            if problem := _quota_problem(row):
                reject("data.quota", "inconsistent_quota", problem, {"id": record_id})
                continue
            seen.add(record_id)
            rows.append({**row, "source": "karirhub", **base})
    staging = pl.DataFrame(rows, schema=VACANCY_SCHEMA)
    load = AdminLoad(
        source="karirhub_details",
        raw=pl.DataFrame(raw_rows, schema=RAW_SCHEMA),
        staging=staging,
        quarantine=quarantine_frame(quarantine),
        metadata=_vacancy_metadata(path, len(raw_rows), staging),
    )
    load.check_accounting()
    load.log_summary()
    return load


def _vacancy_metadata(path: Path, rows_in: int, staging: pl.DataFrame) -> dict[str, Any]:
    methods = staging.group_by("region_match_method").len().sort("region_match_method")
    metadata = {
        "source_file": path.name,
        "rows_in": rows_in,
        "regions_resolved": int(staging["is_region_resolved"].sum()),
        "region_match_methods": dict(zip(methods[:, 0], methods[:, 1], strict=True)),
        "personal_data_columns": ["record_json"],
    }
    log.info(
        "%s: %d of %d vacancies resolved to a regency (%s)",
        path.name,
        metadata["regions_resolved"],
        staging.height,
        metadata["region_match_methods"],
    )
    return metadata


LISTING_SCHEMA: dict[str, pl.DataType] = {
    "vacancy_id": pl.String(),
    "source": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "vacancy_title": pl.String(),
    "kbji4": pl.String(),
    "is_occupation_coded": pl.Boolean(),
    "job_function_name": pl.String(),
    "job_type_name": pl.String(),
    "industry_name": pl.String(),
    "published_at": pl.Datetime("us", "UTC"),
    "is_salary_shown": pl.Boolean(),
    "salary_status": pl.String(),
    "wage_min_monthly_idr": pl.Int64(),
    "wage_max_monthly_idr": pl.Int64(),
    "region_name": pl.String(),
    **RESOLUTION_COLUMNS,
    "employer_id": pl.String(),
    "employer_name": pl.String(),
    "is_partner_repost": pl.Boolean(),
    "partner_platform_name": pl.String(),
    "skills": pl.List(pl.String()),
}


def read_karirhub_listing(path: Path = LISTING_FILE, index: RegionIndex | None = None) -> AdminLoad:
    """Read one search listing page (`{"data": [hits]}`); region resolved from `city_name`."""
    index = index or region_index()
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AdminSourceError(f"{path}: not valid JSON ({exc})") from exc
    hits = body.get("data") if isinstance(body, dict) else None
    if not isinstance(hits, list):
        raise AdminSourceError(f"{path}: expected {{'data': [hits]}}, found {type(body).__name__}")
    rows, raw_rows, quarantine = [], [], []
    for position, hit in enumerate(hits, start=1):
        hit_id = hit.get("id") if isinstance(hit, dict) else None
        raw_rows.append({"source_file": path.name, "source_row": position, "record_id": hit_id,
                         "record_json": json.dumps(hit, ensure_ascii=False)})  # fmt: skip
        if not hit_id:
            # A hit is no line of the file (one JSON document): its position names it.
            quarantine.append(problems_record(
                "karirhub_listing", path.name, position, [("id", "missing_id", "no id")],
                {"hit": hit}, place=f"{path.name} hit {position}"))  # fmt: skip
            continue
        low, high = hit.get("min_salary_amount"), hit.get("max_salary_amount")
        published = hit.get("published_at")
        rows.append({
            "vacancy_id": hit_id, "source": "karirhub_listing", "source_file": path.name,
            "source_row": position, "vacancy_title": clean_text(hit.get("title")),
            "kbji4": None, "is_occupation_coded": False,
            "job_function_name": hit.get("job_function_name"),
            "job_type_name": hit.get("job_type_name"), "industry_name": hit.get("industry_name"),
            # The listing gives epoch seconds (UTC), unlike the detail API's WIB wall clock.
            "published_at": dt.datetime.fromtimestamp(published, dt.UTC) if published else None,
            "is_salary_shown": hit.get("show_salary"),
            "salary_status": salary_status(hit.get("show_salary"), low, high),
            "wage_min_monthly_idr": _plausible_wage(low),
            "wage_max_monthly_idr": _plausible_wage(high),
            "region_name": hit.get("city_name"),
            **index.by_name(hit.get("city_name")).as_columns(),
            "employer_id": hit.get("employer_id"), "employer_name": hit.get("company_name"),
            "is_partner_repost": hit.get("platform_type") == "external",
            "partner_platform_name": hit.get("platform_name"),
            "skills": list(hit.get("skills") or []),
        })  # fmt: skip
    staging = pl.DataFrame(rows, schema=LISTING_SCHEMA)
    load = AdminLoad("karirhub_listing", pl.DataFrame(raw_rows, schema=RAW_SCHEMA), staging,
                     quarantine_frame(quarantine),
                     _vacancy_metadata(path, len(raw_rows), staging))  # fmt: skip
    load.check_accounting()
    load.log_summary()
    return load


RSS_SCHEMA: dict[str, pl.DataType] = {
    "vacancy_id": pl.String(),
    "source": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "vacancy_title": pl.String(),
    "kbji4": pl.String(),
    "is_occupation_coded": pl.Boolean(),
    "job_function_name": pl.String(),
    "job_type_name": pl.String(),
    "industry_name": pl.String(),
    "published_at": pl.Datetime("us", "UTC"),
    "region_name": pl.String(),
    **RESOLUTION_COLUMNS,
    "employer_name": pl.String(),
    "vacancy_url": pl.String(),
}

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_H2 = re.compile(r"<h2>(.*?)</h2>", re.S)


def read_karirhub_rss(path: Path = RSS_FILE, index: RegionIndex | None = None) -> AdminLoad:
    """Read the RSS 2.0 feed; the full title is the <h2> of content:encoded (the <title> is cut
    and decorated with emoji), categories carry industry, location, function and job type."""
    index = index or region_index()
    try:
        channel = ET.parse(path).getroot().find("channel")
    except ET.ParseError as exc:
        raise AdminSourceError(f"{path}: not well-formed XML ({exc})") from exc
    if channel is None:
        raise AdminSourceError(f"{path}: no <channel> element; not an RSS 2.0 feed")
    rows, raw_rows, quarantine = [], [], []
    for position, item in enumerate(channel.findall("item"), start=1):
        guid = (item.findtext("guid") or "").strip() or None
        raw_rows.append({"source_file": path.name, "source_row": position, "record_id": guid,
                         "record_json": ET.tostring(item, encoding="unicode")})  # fmt: skip
        if guid is None:
            quarantine.append(problems_record(
                "karirhub_rss", path.name, position, [("guid", "missing_id", "no guid")],
                {"title": item.findtext("title")}, place=f"{path.name} item {position}",
            ))  # fmt: skip
            continue
        categories = {c.get("domain"): clean_text(c.text) for c in item.findall("category")}
        heading = _H2.search(item.findtext(_CONTENT) or "")
        title = html_to_text(heading.group(1)) if heading else clean_text(item.findtext("title"))
        published = item.findtext("pubDate")
        location = categories.get("location")
        rows.append({
            "vacancy_id": guid, "source": "karirhub_rss", "source_file": path.name,
            "source_row": position, "vacancy_title": title, "kbji4": None,
            "is_occupation_coded": False, "job_function_name": categories.get("function"),
            "job_type_name": categories.get("type"), "industry_name": categories.get("industry"),
            "published_at": parsedate_to_datetime(published).astimezone(dt.UTC)
            if published else None,
            "region_name": location, **index.by_name(location).as_columns(),
            "employer_name": clean_text(item.findtext(_CREATOR)),
            "vacancy_url": clean_text(item.findtext("link")),
        })  # fmt: skip
    staging = pl.DataFrame(rows, schema=RSS_SCHEMA)
    load = AdminLoad("karirhub_rss", pl.DataFrame(raw_rows, schema=RAW_SCHEMA), staging,
                     quarantine_frame(quarantine),
                     _vacancy_metadata(path, len(raw_rows), staging))  # fmt: skip
    load.check_accounting()
    load.log_summary()
    return load
