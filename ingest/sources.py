"""The file sources the warehouse lands, declared once.

Each `SourceSpec` names the shipped files (globs under the data folder), the columns a file must
have (snake_case, as they land in `raw.<table>`) and the field checks a row must pass to load.
Checks are deliberately about *form* (an id is numeric, a URL is a URL, a date has its source's
layout): a row that fails one is structurally broken, such as the shifted-header JobStreet
extract of April 2022. A field the staging layer casts is checked for what the cast needs, the
layout and a real calendar date and time (`invalid_date`), so one impossible value quarantines its
row instead of failing the dbt build; so is a date staging reads out of a file name (JobStreet
`snapshot_file`, the crawl day). A posting dated more than a day after the crawl that saw it
(`posted_after_seen`) cannot be in a crawl's own row: that row is quarantined (STG-DAT-01 in
docs/data-quality-standards.md then catches a fault of the staging SQL). Pay below zero is
refused as `salary_negative`, the code and sentence of the file commands. Checks about *content*
(pay below the minimum wage, discriminatory wording) belong to the quality layer and flag rows
instead of rejecting them. `key` names a source's own id, unique over its files (a later row is
`id_duplicated`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ingest.landing import (
    INVALID_ID,
    FieldCheck,
    RowCheck,
    SourceSpec,
    matches,
    not_negative,
    real_datetime,
)
from ingest.normalise.pay import plain_pay_value
from ingest.quarantine import negative_pay_detail

DIGITS = r"[0-9]+"
NUMBER = r"[0-9]+(\.[0-9]+)?"
SIGNED_NUMBER = r"-?" + NUMBER
"""A number a pay field may hold as far as its form goes; below zero is `salary_negative`."""


def _number_or(alternative: str) -> Callable[[str], bool]:
    """A pay field's form: empty, `alternative` (`N/A|`), or a signed number a float holds (400
    digits would be infinity in staging's `cast(... as double)`, so they are no number)."""
    form = matches(alternative + SIGNED_NUMBER, allow_empty=True)

    def check(value: str) -> bool:
        if not form(value):
            return False
        return value == "" or plain_pay_value(value) is not None or not _is_signed_number(value)

    return check


def _is_signed_number(value: str) -> bool:
    return re.fullmatch(SIGNED_NUMBER, value) is not None


def positive_finite(pattern: str) -> Callable[[str], bool]:
    """A positive number matching `pattern` that a float holds: 400 digits match a positive
    pattern but are infinite as a double, and one infinite weight makes every estimate so."""
    form = matches(pattern)

    def check(value: str) -> bool:
        return form(value) and math.isfinite(float(value))

    return check


def pay_checks(field: str, label: str, *, also: str = "") -> tuple[FieldCheck, FieldCheck]:
    """A pay field: a plain number (`invalid_number`; `also` is an alternative pattern such as
    `N/A`), and not below zero (`salary_negative`, worded as the file commands word it)."""
    alternative = f"{also}|" if also else ""
    wording = f" or {also}" if also else ""
    return (
        FieldCheck(
            field,
            "invalid_number",
            f"{label} must be a number{wording}",
            _number_or(alternative),
        ),
        FieldCheck(
            field, "salary_negative", f"{label} is negative", not_negative, negative_pay_detail
        ),
    )


def date_check(field: str, label: str, layout: str, *formats: str, width: int | None = None):
    """A date field the staging layer casts: a real calendar date and time (`invalid_date`)."""
    return FieldCheck(
        field,
        "invalid_date",
        f"{label} is not a real date and time (day of month or time of day out of range)",
        real_datetime(layout, *formats, width=width),
    )


INTEGER = r"[0-9]{1,9}"
"""A whole number every `cast(... as integer)` holds (ten digits may overflow it)."""


def crawl_day(snapshot_file: str) -> date | None:
    """The crawl day a JobStreet `snapshot_file` names (`jobstreet_2021-12-14.csv`), read as
    staging reads it (the YYYY-MM-DD in it); None when there is none, more than one (a name for
    a range of days, `daily_2021-12-14_to_2021-12-31.csv`, names no one crawl day) or it is no
    date."""
    found = ISO_DAY.findall(snapshot_file)
    if len(found) != 1:
        return None
    try:
        return date.fromisoformat(found[0])
    except ValueError:
        return None


SNAPSHOT_CHECK = FieldCheck(
    "snapshot_file",
    "invalid_date",
    "snapshot_file must name the crawl day as a real date YYYY-MM-DD (staging's seen_date)",
    lambda value: crawl_day(value) is not None,
)
"""Staging's `seen_date` is `try_cast` of this date, which the dbt test requires not null: a
name without a real day (`jobstreet_2021-12-32.csv`) has none. A file without the column takes
its own name (`file_name_columns`); one whose name has no real day either lacks the column."""


def jakarta_day(utc_text: str) -> date:
    """The Jakarta calendar day of an ISO UTC time (`2024-08-19T20:40:18.237Z` -> 20 August)."""
    moment = datetime.strptime(utc_text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(JAKARTA).date()


def posted_after_seen(
    field: str, posted: str, seen: str, seen_day: Callable[[str], date | None]
) -> RowCheck:
    """A posting whose Jakarta posting day (`posted`, ISO UTC) is more than a day after the day
    of the crawl that saw it (`seen`), as staging computes STG-DAT-01's `is_posted_after_seen`."""

    def late(row: dict[str, str]) -> tuple[date, date] | None:
        crawled = seen_day(row.get(seen, ""))
        if crawled is None or not row.get(posted):
            return None
        day = jakarta_day(row[posted])
        return (day, crawled) if day > crawled + timedelta(days=1) else None

    def detail(row: dict[str, str]) -> str:
        day, crawled = late(row)  # type: ignore[misc]
        return (
            f"posted on {day} (Jakarta), more than a day after the crawl day {crawled} that saw "
            f"it: a crawl cannot see a later posting ({posted} {row[posted]!r}, {seen} "
            f"{row[seen]!r})"
        )

    return RowCheck(field, "posted_after_seen", lambda row: late(row) is None, detail)


def dealls_crawl_day(first_seen: str) -> date | None:
    try:
        return datetime.strptime(first_seen, "%d/%m/%Y %H:%M:%S").date()
    except ValueError:
        return None


LEVEL_CHECK = FieldCheck(
    "level", "invalid_number", "level must be a whole number (staging casts it)", matches(INTEGER)
)
"""A classification's `level`, which its staging model casts to an integer."""


JOBSTREET_POSTED_AT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"
LOKERID_POSTED_DATE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?"
DEALLS_FIRST_SEEN = r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}"
DEALLS_LAST_SEEN = JOBSTREET_POSTED_AT
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
JAKARTA = ZoneInfo("Asia/Jakarta")
URL = r"https?://\S+"
NOT_EMPTY = r"(?s).*\S.*"

VACANCY_SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        name="jobstreet",
        masks_personal_data=True,
        table="jobstreet_postings",
        files=("real/jobstreet-id-2021-12/*.csv.gz",),
        description="JobStreet Indonesia search-API listing records, one file per crawl day.",
        required_columns=(
            "ad_type",
            "categories_code",
            "categories_name",
            "company_id",
            "company_name",
            "company_private",
            "description",
            "employment",
            "id",
            "is_classified",
            "is_standout",
            "job_title",
            "job_url",
            "locations",
            "posting_duration",
            "posted_at",
            "salarycurrency",
            "salary_min",
            "salary_max",
            "salary_period",
            "salary_term",
            "selling_points",
        ),
        optional_columns=("snapshot_file",),
        # The daily files were concatenated with their names in `snapshot_file` (PROVENANCE.md);
        # a file landed as it was crawled has none and names the crawl day itself.
        file_name_columns=("snapshot_file",),
        checks=(
            FieldCheck("id", INVALID_ID, "posting id must be numeric", matches(DIGITS)),
            FieldCheck("job_title", "missing_title", "job title is empty", matches(NOT_EMPTY)),
            FieldCheck("job_url", "invalid_url", "job URL must start with http", matches(URL)),
            FieldCheck(
                "posted_at",
                "invalid_timestamp",
                "postedAt must be an ISO-8601 UTC timestamp",
                matches(JOBSTREET_POSTED_AT),
            ),
            # Staging: cast(posted_at as timestamptz); the fraction of a second is not checked.
            date_check("posted_at", "postedAt", JOBSTREET_POSTED_AT, "%Y-%m-%dT%H:%M:%S", width=19),
            *pay_checks("salary_min", "salaryMin"),
            *pay_checks("salary_max", "salaryMax"),
            # Staging: try_cast(regexp_extract(snapshot_file, 'YYYY-MM-DD') as date).
            SNAPSHOT_CHECK,
        ),
        row_checks=(posted_after_seen("posted_at", "posted_at", "snapshot_file", crawl_day),),
    ),
    SourceSpec(
        name="lokerid",
        masks_personal_data=True,
        # The site's band, read by the source's author: "Rp 3 - 4 Juta" -> 3000000 / 4000000
        # (data/real/lokerid-2025-07/PROVENANCE.md).
        pay_is_site_band=True,
        table="lokerid_postings",
        files=("real/lokerid-2025-07/*.csv.gz",),
        description="Loker.id postings with salary and education already parsed by the scraper.",
        required_columns=(
            "job_id",
            "title",
            "company",
            "location",
            "category",
            "subcategory",
            "function",
            "type",
            "level",
            "min_salary",
            "max_salary",
            "salary_negotiation",
            "min_experience",
            "max_experience",
            "fresh_graduate",
            "sma_smk_stm",
            "diploma_d1_d2_d3",
            "sarjana_s1",
            "master_s2",
            "doctor_s3",
            "posted_date",
            "description",
            "skill_set",
            "link",
        ),
        checks=(
            FieldCheck("job_id", INVALID_ID, "Job ID must be numeric", matches(DIGITS)),
            FieldCheck("title", "missing_title", "title is empty", matches(NOT_EMPTY)),
            FieldCheck(
                "posted_date",
                "invalid_timestamp",
                "Posted Date must be 'YYYY-MM-DD HH:MM[:SS]' (Jakarta time)",
                matches(LOKERID_POSTED_DATE),
            ),
            # Staging: cast(posted_date as timestamp).
            date_check(
                "posted_date",
                "Posted Date",
                LOKERID_POSTED_DATE,
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%d %H:%M",
            ),
            *pay_checks("min_salary", "Min Salary"),
            *pay_checks("max_salary", "Max Salary"),
        ),
        key="job_id",
    ),
    SourceSpec(
        name="dealls",
        masks_personal_data=True,
        table="dealls_postings",
        files=("real/dealls-2024-08/*.csv",),
        description="Dealls listings from an aggregator crawl; first_seen is the crawl time.",
        required_columns=(
            "job_title",
            "job_location",
            "job_department",
            "job_url",
            "first_seen",
            "base_salary",
            "job_type",
            "job_level",
            "job_apply_end_date",
            "last_seen",
            "is_active",
            "company",
            "company_url",
            "job_board",
            "job_board_url",
        ),
        checks=(
            FieldCheck("job_title", "missing_title", "job title is empty", matches(NOT_EMPTY)),
            FieldCheck("job_url", "invalid_url", "job URL must start with http", matches(URL)),
            FieldCheck(
                "first_seen",
                "invalid_timestamp",
                "first_seen must be 'DD/MM/YYYY HH:MM:SS'",
                matches(DEALLS_FIRST_SEEN),
            ),
            # Staging: strptime(first_seen, '%d/%m/%Y %H:%M:%S').
            date_check("first_seen", "first_seen", DEALLS_FIRST_SEEN, "%d/%m/%Y %H:%M:%S"),
            # Staging: try_cast(last_seen as timestamptz), the posting time; a value it cannot
            # type would silently become a posting without a date.
            FieldCheck(
                "last_seen",
                "invalid_timestamp",
                "last_seen (the posting time) must be an ISO-8601 UTC timestamp",
                matches(DEALLS_LAST_SEEN),
            ),
            date_check("last_seen", "last_seen", DEALLS_LAST_SEEN, "%Y-%m-%dT%H:%M:%S", width=19),
            *pay_checks("base_salary", "base_salary", also="N/A"),
        ),
        row_checks=(posted_after_seen("last_seen", "last_seen", "first_seen", dealls_crawl_day),),
    ),
)

SAKERNAS_SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        name="sakernas_2020_08_jambi",
        table="sakernas_2020_08_jambi",
        key="urutan",
        files=("real/sakernas-2020-08-jambi/sakernas_2020_08_jambi.csv.gz",),
        description="Sakernas August 2020 public-use microdata for Jambi (one row per person 15+).",
        required_columns=(
            "tahun",
            "urutan",
            "final_weig",
            "kode_prov",
            "kode_kab",
            "id_nks",
            "k4",
            "k6",
            "r6a",
            "r9a",
            "r9b",
            "r9c",
            "r10a",
            "r12a",
            "r13a_kateg",
            "r13b_kbji2",
            "r14a1",
            "r14a2",
            "r16a",
            "r22a",
            "r22b",
            "r25a",
        ),
        checks=(
            FieldCheck("urutan", INVALID_ID, "URUTAN (person id) must be numeric", matches(DIGITS)),
            FieldCheck(
                "final_weig",
                "invalid_weight",
                "FINAL_WEIG must be a positive number a float holds (too many digits are infinite)",
                positive_finite(r"0*[1-9][0-9]*(\.[0-9]+)?|0*\.[0-9]*[1-9][0-9]*"),
            ),
            FieldCheck(
                "kode_prov", "invalid_code", "KODE_PROV must be a numeric code", matches(DIGITS)
            ),
            # Staging: cast(k6 as integer).
            FieldCheck("k6", "invalid_number", "K6 (age) must be a whole number", matches(INTEGER)),
        ),
        extra_columns_allowed=True,
    ),
)

REFERENCE_SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        name="kbji2014_structure",
        table="kbji2014_structure",
        key="kbji_code",
        files=("reference/kbji2014/kbji2014_structure.csv",),
        description="KBJI 2014, every level from major group to 6-digit jabatan.",
        required_columns=(
            "kbji_code",
            "level",
            "level_name",
            "n_digits",
            "parent_code",
            "title_id",
            "description_id",
        ),
        checks=(
            FieldCheck(
                "kbji_code",
                "invalid_code",
                "KBJI code must be digits[.digits]",
                matches(r"[0-9]{1,4}(\.[0-9]{2})?"),
            ),
            LEVEL_CHECK,
        ),
    ),
    SourceSpec(
        name="kbji2014_isco08_crosswalk",
        table="kbji2014_isco08_crosswalk",
        files=("reference/kbji2014/kbji2014_isco08_crosswalk.csv",),
        description="KBJI 2014 to ISCO-08 correspondence with the relation type.",
        required_columns=(
            "kbji_code",
            "kbji_title_id",
            "isco08_code",
            "isco08_title_en",
            "relation",
            "note",
        ),
    ),
    SourceSpec(
        name="isco08_structure",
        table="isco08_structure",
        key="isco08_code",
        files=("reference/isco08/isco08_structure.csv",),
        description="ISCO-08 structure and definitions (ILO).",
        required_columns=("isco08_code", "level", "parent_code", "title_en", "definition"),
        extra_columns_allowed=True,
        checks=(
            FieldCheck(
                "isco08_code",
                "invalid_code",
                "ISCO-08 code must be 1-4 digits",
                matches(r"[0-9]{1,4}"),
            ),
            LEVEL_CHECK,
        ),
    ),
    SourceSpec(
        name="kbli2020_structure",
        table="kbli2020_structure",
        key="kbli_code",
        files=("reference/kbli2020/kbli2020_structure.csv",),
        description="KBLI 2020 industries, section letters to 5-digit classes.",
        required_columns=(
            "kbli_code",
            "level",
            "level_name",
            "section",
            "parent_code",
            "title_id",
            "description_id",
        ),
        checks=(LEVEL_CHECK,),
    ),
    SourceSpec(
        name="wilayah_provinces_2025",
        table="wilayah_provinces_2025",
        key="kode_kemendagri",
        files=("reference/wilayah/kemendagri_2025_provinsi.csv",),
        description="The 38 provinces with their Kemendagri 2025 codes.",
        required_columns=("kode_kemendagri", "nama"),
        checks=(
            FieldCheck(
                "kode_kemendagri",
                "invalid_code",
                "province code must be 2 digits",
                matches(r"[0-9]{2}"),
            ),
        ),
    ),
    SourceSpec(
        name="wilayah_regencies_2025",
        table="wilayah_regencies_2025",
        key="kode_4digit",
        files=("reference/wilayah/kemendagri_2025_kabupaten_kota.csv",),
        description="The 514 regencies (kabupaten) and cities (kota), Kemendagri 2025 codes.",
        required_columns=("kode_kemendagri", "kode_4digit", "kode_provinsi", "nama", "jenis"),
        checks=(
            FieldCheck(
                "kode_4digit", "invalid_code", "regency code must be 4 digits", matches(r"[0-9]{4}")
            ),
        ),
    ),
    SourceSpec(
        name="bps_kemendagri_bridging_regencies_2020",
        table="bps_kemendagri_bridging_regencies_2020",
        key="kode_bps",
        files=("reference/wilayah/bps_kemendagri_bridging_2020_kabkota.csv",),
        description="BPS 2020 regency codes bridged to Kemendagri 2020 codes.",
        required_columns=("kode_bps", "nama_bps", "kode_dagri", "nama_dagri"),
    ),
    SourceSpec(
        name="ump_province",
        table="ump_province",
        # The BPS table (2015-2024) and the 2025 values of 20 provinces transcribed from the
        # December 2024 news (Permenaker 16/2024), until BPS publishes 2025: see PROVENANCE.md.
        files=(
            "real/ump-province/ump_province_2015_2024_bps_via_dashboard.csv",
            "real/ump-province/ump_2025_partial_20_provinces_news.csv",
        ),
        description="Provincial minimum wage (UMP) by year: 2015-2024 from BPS; 2025 for 20 "
        "provinces from news reports of the governors' decrees.",
        required_columns=("year", "province", "ump_idr"),
        optional_columns=(
            "zero_in_source",
            "ump_2024_bps",
            "ratio_to_2024",
            "matches_2024x1_065_within_1rp",
            "source",
            "note",
        ),
        checks=(
            FieldCheck("year", "invalid_number", "year must be 4 digits", matches(r"[0-9]{4}")),
            FieldCheck(
                "ump_idr",
                "invalid_number",
                "ump_idr must be a number or blank",
                matches(NUMBER, allow_empty=True),
            ),
        ),
    ),
    SourceSpec(
        name="bps_tpt_province_august",
        table="bps_tpt_province_august",
        files=("real/bps-labour-aggregates/tpt_province_august_2018_2024_opendatajabar.csv",),
        description="BPS open unemployment rate (TPT) by province, August rounds 2018-2024.",
        required_columns=("id", "kode_provinsi", "nama_provinsi", "indeks_tpt", "satuan", "tahun"),
        checks=(
            FieldCheck(
                "indeks_tpt", "invalid_number", "indeks_tpt must be a number", matches(NUMBER)
            ),
        ),
    ),
)

ALL_SOURCES: tuple[SourceSpec, ...] = VACANCY_SOURCES + SAKERNAS_SOURCES + REFERENCE_SOURCES


def source_by_name(name: str) -> SourceSpec:
    for spec in ALL_SOURCES:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown source {name!r}; known: {', '.join(s.name for s in ALL_SOURCES)}")
