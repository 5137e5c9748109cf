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
import json
import logging
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from ingest.admin.personal_data import has_contact_word, mask_personal_data
from ingest.admin.regions import RESOLUTION_COLUMNS, RegionIndex, RegionMatch, region_index
from ingest.admin.results import (
    REMOVED,
    AdminLoad,
    AdminSourceError,
    problems_record,
    quarantine_frame,
    region_figures,
)
from ingest.admin.text import clean_text, html_to_text
from ingest.compressed import open_text
from ingest.quarantine import ID_DUPLICATED, IdClaims
from orchestration.settings import DATA_DIR, TIMEZONE

log = logging.getLogger(__name__)

KARIRHUB_DIR = DATA_DIR / "real" / "karirhub-api-2025-10"
DETAILS_FILE = KARIRHUB_DIR / "karirhub_job_details_2025-10.jsonl.gz"
LISTING_FILE = KARIRHUB_DIR / "karirhub_job_listing_page_2025-10.json"
RSS_FILE = KARIRHUB_DIR / "karirhub_rss_feed_2025-10.xml"

JAKARTA = ZoneInfo(TIMEZONE)
# A key and its value in a line that is no JSON, so its text is shown instead of its values: a
# text value ends at its closing quote or, in a line cut short, at the end of the line.
_KEY_VALUE_IN_TEXT = re.compile(
    r'"((?:[^"\\]|\\.)*)"(\s*:\s*)(?:"(?:[^"\\]|\\.?)*(?:"|$)|[-+.\deE]+)'
)


def is_contact_key(key: str) -> bool:
    """Whether a key of the detail API body names a person or a contact detail: its values are
    removed from quarantine."""
    return has_contact_word(key)


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


def _local_to_utc(text: str) -> dt.datetime:
    """UTC of a detail API time: Karirhub writes WIB wall-clock time ('2025-10-23 08:56:50' is
    01:56:50 UTC in its RSS); a time that carries its own zone ('...Z', '+00:00') is converted
    from that zone, as every timestamp with a zone is (docs/normalisation.md, Dates)."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=JAKARTA)
    return moment.astimezone(dt.UTC)


class FieldProblem(ValueError):
    """A value of the detail API body that cannot be used, with its key and a plain reason."""

    def __init__(self, field: str, detail: str, code: str = "unparseable_field") -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail
        self.code = code


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
# The staging columns are 64-bit integers; a larger number (a quota of 1e30) would stop the whole
# file's frame from being built, so it is the record's problem instead.
_INT64 = range(-(2**63), 2**63)


def _int_or_none(value: Any, field: str) -> int | None:
    """A whole number from a JSON number or its text; `FieldProblem` naming `field` otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FieldProblem(field, f"not a number: {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        # Text of digits is read exactly; only other text ("12.0", "1e3") goes through a float.
        number = int(value)
    else:
        try:
            real = float(value)
        except ValueError:
            raise FieldProblem(field, f"not a whole number: {value!r}") from None
        if not real.is_integer():
            raise FieldProblem(field, f"not a whole number: {value!r}")
        number = int(real)
    if number not in _INT64:
        raise FieldProblem(field, f"too large to be a count or an amount: {value!r}")
    return number


def _timestamp_or_none(value: Any, field: str) -> dt.datetime | None:
    # Only null and "" are missing: 0 or false is a value, and no date and time.
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise TypeError
        return _local_to_utc(value)
    except TypeError:
        raise FieldProblem(field, f"not a date and time: {value!r}") from None
    except (ValueError, OverflowError):
        # Text that is no calendar date: `invalid_date`, as in every landing (README).
        raise FieldProblem(field, f"not a date and time: {value!r}", "invalid_date") from None


def _date_or_none(value: Any, field: str) -> dt.date | None:
    """The WIB date of a detail API date ('2025-11-22') or time (its zone converted to WIB)."""
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise TypeError
        if len(value.strip()) <= 10:
            return dt.date.fromisoformat(value.strip())
        moment = dt.datetime.fromisoformat(value)
        return (moment.astimezone(JAKARTA) if moment.tzinfo else moment).date()
    except TypeError:
        raise FieldProblem(field, f"not a date: {value!r}") from None
    except (ValueError, OverflowError):
        # Text that is no calendar date: `invalid_date`, as in every landing (README).
        raise FieldProblem(field, f"not a date: {value!r}", "invalid_date") from None


def _shown(value: Any, limit: int = 80) -> str:
    """A value as a reason quotes it: a whole object or list can be long, so it is cut."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Body:
    """Typed reads of one detail API `data` object, each value named by its dotted key.

    A value of the wrong type is recorded as a `FieldProblem` (and read as missing) instead of
    reaching the staging frame, where one such value would stop the whole file.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: dict[str, FieldProblem] = {}

    def problem(self, field: str, detail: str, code: str = "unparseable_field") -> None:
        # A bad object is met by every read below it: its first problem is the one kept.
        self.problems.setdefault(field, FieldProblem(field, detail, code))

    def value(self, key: str, parse: Any = None) -> Any:
        """The value at `key` ('a.b.c'); an object on the way that is none is a problem."""
        node: Any = self.data
        walked: list[str] = []
        for part in key.split("."):
            if node is None:
                return None
            if not isinstance(node, dict):
                detail = f"not an object: {_shown(node)}"
                self.problem(".".join(walked), detail, "unexpected_structure")
                return None
            node = node.get(part)
            walked.append(part)
        if parse is None:
            return node
        try:
            return parse(node, key)
        except FieldProblem as problem:
            self.problems.setdefault(key, problem)
            return None

    def obj(self, key: str) -> dict[str, Any]:
        found = self.value(key)
        if not found:
            # Empty ("", [], {}) is a missing object: PHP APIs write an empty object as [].
            return {}
        if not isinstance(found, dict):
            self.problem(key, f"not an object: {_shown(found)}", "unexpected_structure")
            return {}
        return found

    def text(self, key: str) -> str | None:
        found = self.value(key)
        if found is None or isinstance(found, str):
            return found
        self.problem(key, f"not text: {_shown(found)}")
        return None

    def code(self, key: str) -> str | None:
        """A region code, which the API gives as text ('520704') or as a number (5207)."""
        found = self.value(key)
        if isinstance(found, int) and not isinstance(found, bool):
            return str(found)
        if found is None or isinstance(found, str):
            return found
        self.problem(key, f"not a code: {_shown(found)}")
        return None

    def flag(self, key: str) -> bool | None:
        found = self.value(key)
        if found is None or isinstance(found, bool):
            return found
        self.problem(key, f"not true or false: {_shown(found)}")
        return None

    def whole(self, key: str) -> int | None:
        return self.value(key, _int_or_none)

    def names(self, key: str) -> list[str]:
        """The `name` of each object of the list at `key` (skills)."""
        found = self.value(key)
        if not found:
            return []
        if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
            self.problem(key, f"not a list of objects: {_shown(found)}", "unexpected_structure")
            return []
        names = [item.get("name") for item in found]
        if not all(name is None or isinstance(name, str) for name in names):
            self.problem(key, f"a name that is not text: {_shown(found)}")
            return []
        return [name for name in names if name]


# How far down region.regionable goes (village → sub_district → city → province).
_REGION_CHILDREN = ("sub_district", "city", "province")


def _region_chain(body: _Body) -> dict[str, Any]:
    """Walk region.regionable (village → sub_district → city → province) into flat codes."""
    out: dict[str, Any] = {"level": None, "name": None}
    if not body.obj("region"):
        return out
    out["level"] = body.text("region.regionable_type")
    out["name"] = body.text("region.name")
    key, level = "region.regionable", out["level"]
    while body.obj(key):
        out[f"{level}_code"] = body.code(f"{key}.code")
        out[f"{level}_name"] = body.text(f"{key}.name")
        for child in _REGION_CHILDREN:
            if body.value(f"{key}.{child}"):
                key, level = f"{key}.{child}", child
                break
        else:
            break
    return out


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


def _resolve(index: RegionIndex, chain: dict[str, Any]) -> RegionMatch:
    if chain.get("city_code") is not None:
        return index.by_code(chain["city_code"], chain.get("city_name"))
    if chain.get("province_name"):
        return index.province_only(chain["province_name"])
    return index.by_name(chain.get("name"))


def vacancy_from_detail(data: dict[str, Any], index: RegionIndex) -> dict[str, Any]:
    """One staging row from a job-detail API `data` object.

    Raises `FieldProblems` listing every value that cannot be used, each under its dotted key:
    `unparseable_field` for a value of the wrong kind (a quota of "lots", a date that is a
    number, `show_salary: "ya"`), `invalid_date` for text that is no calendar date,
    `unexpected_structure` for nesting that is not the API's (a `region` that is text, skills
    that are bare words).
    """
    body = _Body(data)
    vacancy_id = body.text("id")
    numbers = {key: body.whole(key) for key in WHOLE_NUMBER_KEYS}
    published = body.value("published_at", _timestamp_or_none)
    expires = body.value("expires_at", _date_or_none)
    chain = _region_chain(body)
    company = body.obj("employer.employerable")
    own_industry = body.obj("vacancyable.industry")
    industry = "vacancyable.industry" if own_industry else "employer.employerable.industry"
    shown = body.flag("show_salary")
    row = {
        "vacancy_id": vacancy_id,
        "vacancy_title": clean_text(body.text("title")),
        # Readers leave titles uncoded: the dbt model int_admin_titles_coded codes each distinct
        # title of every admin source once, and the marts take kbji4 from there.
        "kbji4": None,
        "is_occupation_coded": False,
        "job_function_name": body.text("job_function.name"),
        "job_type_name": body.text("job_type.name"),
        "industry_name": body.text(f"{industry}.name"),
        "vacancy_status": body.text("status"),
        "quota": numbers["quota"],
        "filled_quota": numbers["usage_quota"],
        "available_quota": numbers["available_quota"],
        "published_at": published,
        "expires_date": expires,
        "is_salary_shown": shown,
        "required_sex": body.text("gender"),
        "required_physical_condition": body.text("physical_condition"),
        "required_marital_status": body.text("marital_status"),
        "min_age": numbers["min_age"],
        "max_age": numbers["max_age"],
        "min_experience_years": numbers["min_year_experience"],
        "min_education_name": body.text("min_education.name"),
        "min_education_level": body.whole("min_education.level"),
        "region_level": chain.get("level"),
        "region_name": chain.get("name"),
        "village_code_kemendagri": chain.get("village_code"),
        "district_code_kemendagri": chain.get("sub_district_code"),
        "employer_id": body.text("employer_id"),
        "employer_name": clean_text(
            body.text("employer.name") or (company and body.text("employer.employerable.name"))
        ),
        "employer_industry_name": body.text("employer.employerable.industry.name"),
        "has_wlkp_company_profile": "wlkp" in (body.text("employer.employerable.logo_uri") or ""),
        "is_partner_repost": body.text("platform_type") == "external",
        "partner_platform_name": body.text("platform.name"),
        "is_confidential": bool(body.flag("confidential")),
        "skills": body.names("skills"),
        "description_text": mask_personal_data(html_to_text(body.text("description"))),
        "qualification_text": mask_personal_data(html_to_text(body.text("qualification"))),
    }
    if body.problems:
        raise FieldProblems(list(body.problems.values()))
    low, high = numbers["min_salary_amount"], numbers["max_salary_amount"]
    return {
        **row,
        "salary_status": salary_status(shown, low, high),
        "wage_min_monthly_idr": _plausible_wage(low),
        "wage_max_monthly_idr": _plausible_wage(high),
        "district_code_bps": index.district_code_bps(row["district_code_kemendagri"]),
        **_resolve(index, chain).as_columns(),
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
    raw_rows: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] = []
    claims = IdClaims()  # which record claimed each id
    with open_text(path) as handle:
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
            shown_id = record_id = data.get("id") if isinstance(data, dict) else None
            if not isinstance(record_id, str):
                # An id that is a number or an object is no vacancy id (and no key to match on).
                record_id = None
            raw_rows.append({**base, "record_id": record_id, "record_json": line.strip()})
            if not isinstance(data, dict) or not record_id:
                detail = "no `data.id`: not a vacancy object"
                if isinstance(data, dict) and shown_id not in (None, ""):
                    detail = f"`data.id` is not text: {shown_id!r}"
                reject("data.id", "missing_id", detail, body)
                continue
            problems: list[tuple[str, str, str]] = []
            columns: list[str] = []
            raw_shown: object = {"line": {"id": record_id}}
            try:
                row = vacancy_from_detail(data, index)
            except FieldProblems as exc:
                fields = [f"data.{p.field}" for p in exc.problems]
                problems = [
                    (field, p.code, p.detail) for field, p in zip(fields, exc.problems, strict=True)
                ]
                tops = dict.fromkeys(p.field.split(".")[0] for p in exc.problems)
                # A nested key (data.min_education.level) is listed right after its top key.
                columns = [
                    name
                    for key in data
                    for name in (
                        f"data.{key}",
                        *(f for f in fields if f.startswith(f"data.{key}.")),
                    )
                ]
                raw_shown = {"id": record_id, **{key: data.get(key) for key in tops}}
            except Exception as exc:  # noqa: BLE001
                # Every value read is checked above, so this is a case none of them foresaw;
                # one record still never stops the file: it is quarantined and the run goes on.
                log.exception("%s line %d: unforeseen problem", path.name, line_number)
                detail = f"not the API's structure ({type(exc).__name__}: {exc})"
                problems = [("data", "unexpected_structure", detail)]
            else:
                if problem := _quota_problem(row):
                    problems = [("data.quota", "inconsistent_quota", problem)]
            # The first otherwise loadable record of an id claims it (`IdClaims`): a record
            # quarantined above claims nothing, so a later valid one of its id still loads.
            repeated = claims.judge(record_id, line_number, otherwise_loadable=not problems)
            if repeated is not None:
                if not problems:
                    raw_shown = {"line": record_id}
                problems.append(("data.id", ID_DUPLICATED, repeated))
            if problems:
                quarantine.append(problems_record(
                    "karirhub_details", path.name, line_number, problems, raw_shown,
                    columns=columns, personal=is_contact_key,
                ))  # fmt: skip
                continue
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
    _log_regions(load)
    load.log_summary()
    return load


def _vacancy_metadata(path: Path, rows_in: int, staging: pl.DataFrame) -> dict[str, Any]:
    # The region figures are counted again on the rows loaded (`AdminLoad`).
    return {
        "source_file": path.name,
        "rows_in": rows_in,
        **region_figures(staging),
        "personal_data_columns": ["record_json"],
    }


def _log_regions(load: AdminLoad) -> None:
    """Once `load` is made: its figures count the rows loaded, not the rows staged."""
    log.info(
        "%s: %d of %d vacancies resolved to a regency (%s)",
        load.metadata["source_file"],
        load.metadata["regions_resolved"],
        load.rows_loaded,
        load.metadata["region_match_methods"],
    )


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
                     _vacancy_metadata(path, len(raw_rows), staging), row_unit="hit")  # fmt: skip
    load.check_accounting()
    _log_regions(load)
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
                     _vacancy_metadata(path, len(raw_rows), staging), row_unit="item")  # fmt: skip
    load.check_accounting()
    _log_regions(load)
    load.log_summary()
    return load
