"""The checks a public employment service applies to a vacancy, as flags with evidence.

`check_vacancies` takes one row per vacancy with the columns of the documented contract (`id`,
`title`, `description`, and where known `salary_monthly_min`, `salary_monthly_max`,
`province_code` (BPS), `posted_date`, `hours_per_week`) plus optional `source`, `company`,
`employment_type`, `first_seen_date`, `last_seen_date`, `vacancy_id` (a duplicate cluster) and
`is_first_posting`, and the stated requirements of administrative sources (`required_sex`,
`max_age`, as Karirhub gives them), and returns one row per vacancy with, for every rule of
`RULES`, a flag and its evidence.

A flag is three-valued: true (the rule is broken), false (checked, fine) and null (could not be
checked: no pay stated, no province, a post the rule does not apply to); the evidence column says
which and why. The same function runs in the warehouse (dbt model
`int_vacancy_postings_validated`) and on any file (`lmis check-vacancies`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import polars as pl

from ingest.normalise.pay import MONTHLY_FACTOR
from quality.vacancies.hours import NOT_DETERMINED, OPENING_HOURS, stated_hours
from quality.vacancies.text_rules import (
    FEMALE_WORDS,
    MALE_WORDS,
    SEX_SCOPE_COLUMN,
    flag_text_rules,
    sex_scope,
)

log = logging.getLogger(__name__)

JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class VacancyRule:
    """One validation rule: its standard id, output columns and what it means.

    The flag column's prefix is part of the contract: `has_<name>` for a requirement the
    advert's text states (a lexicon rule of `text_rules`, read from title and description), and
    `is_<name>` for a judgement of the structured fields (pay, hours, dates, duplicates).
    `rpt_vacancy_validation_by_source` finds the flags by these prefixes and counts title-only
    checks for `has_` rules alone, so no other output column may start with either.
    Adding a rule: the checklist in CONTRIBUTING.md.
    """

    standard_id: str
    name: str
    flag_column: str
    evidence_column: str
    description: str


RULES: tuple[VacancyRule, ...] = (
    VacancyRule(
        "VAC-PAY-01",
        "pay_below_minimum_wage",
        "is_pay_below_minimum_wage",
        "pay_below_minimum_wage_evidence",
        "Monthly pay is below the provincial minimum wage (UMP) in force when the post was last"
        " seen (an employer's range by its lower end, a board's own pay band only when all of it"
        " is below; pay by the day or hour against the daily minimum, UMP / 25 on a six-day week"
        " or / 21 on a five-day week, or the hourly one, UMP / 126); the regency minimum (UMK),"
        " which may be higher, is not checked.",
    ),
    VacancyRule(
        "VAC-HRS-01",
        "hours_above_legal_limit",
        "is_hours_above_legal_limit",
        "hours_above_legal_limit_evidence",
        "Stated regular hours exceed 40 a week or 8 a day (UU 13/2003 Art. 77, PP 35/2021).",
    ),
    VacancyRule(
        "VAC-SEX-01",
        "sex_requirement",
        "has_sex_requirement",
        "sex_requirement_evidence",
        "The advert states a sex for the post (including 'pria/wanita').",
    ),
    VacancyRule(
        "VAC-AGE-01",
        "age_limit",
        "has_age_limit",
        "age_limit_evidence",
        "The advert states an upper age limit or an age range.",
    ),
    VacancyRule(
        "VAC-MAR-01",
        "marital_status_requirement",
        "has_marital_status_requirement",
        "marital_status_requirement_evidence",
        "The advert requires a marital status ('belum menikah').",
    ),
    VacancyRule(
        "VAC-REL-01",
        "religion_requirement",
        "has_religion_requirement",
        "religion_requirement_evidence",
        "The advert requires a religion, religious dress or practice.",
    ),
    VacancyRule(
        "VAC-ETH-01",
        "ethnicity_requirement",
        "has_ethnicity_requirement",
        "ethnicity_requirement_evidence",
        "The advert requires an ethnicity, descent or regional origin.",
    ),
    VacancyRule(
        "VAC-APP-01",
        "appearance_requirement",
        "has_appearance_requirement",
        "appearance_requirement_evidence",
        "The advert requires looks, height, weight or body features.",
    ),
    VacancyRule(
        "VAC-STL-01",
        "stale",
        "is_stale",
        "stale_evidence",
        "Not seen in the latest crawl and older than the configured age (default 90 days).",
    ),
    VacancyRule(
        "VAC-DUP-01",
        "duplicate",
        "is_duplicate",
        "duplicate_evidence",
        "A later posting of a vacancy already posted (same cluster, or same title, employer "
        "and province).",
    ),
)

REQUIRED_COLUMNS = ("id", "title", "description")
CONTRACT_COLUMNS = (
    "salary_monthly_min",
    "salary_monthly_max",
    "province_code",
    "posted_date",
    "hours_per_week",
)
OPTIONAL_COLUMNS = (
    "source",
    "company",
    "employment_type",
    "first_seen_date",
    "last_seen_date",
    "vacancy_id",
    "is_first_posting",
    "required_sex",
    "max_age",
    "salary_period",
)
COLUMN_TYPES: dict[str, pl.DataType] = {
    "id": pl.String(),
    "title": pl.String(),
    "description": pl.String(),
    "salary_monthly_min": pl.Float64(),
    "salary_monthly_max": pl.Float64(),
    "province_code": pl.String(),
    "posted_date": pl.Date(),
    "hours_per_week": pl.Float64(),
    "source": pl.String(),
    "company": pl.String(),
    "employment_type": pl.String(),
    "first_seen_date": pl.Date(),
    "last_seen_date": pl.Date(),
    "vacancy_id": pl.String(),
    "is_first_posting": pl.Boolean(),
    "required_sex": pl.String(),
    "max_age": pl.Float64(),
    "salary_period": pl.String(),
}
MINIMUM_WAGE_COLUMNS = ("province_code", "wage_year", "minimum_wage_monthly_idr")

# Posts the monthly UMP does not bind in the same way (part-time pay has an hourly minimum under
# PP 36/2021, interns' allowances fall under Permenaker 6/2020, freelancers and volunteers are not
# employees): the pay rule is not applied to them. Temporary, fixed-term and daily workers
# ("harian lepas") are bound by the minimum wage and are judged, so neither they nor a bare
# "lepas" are here. One word list serves the employment type and the title; "intern" must stand
# alone ("International Sales", "internal audit" are not internships; "_" counts as a break, as
# in a raw type "INTERNSHIP_PART_TIME"), the others may be glued ("Kasir Paruhwaktu").
PART_TIME_WORDS = r"part[\s_-]?time|paruh[\s_-]?waktu"
NOT_EMPLOYEE_WORDS = (
    r"(?:^|[^a-z])intern(?:ship)?(?:[^a-z]|$)|magang|freelance|pekerja[\s_-]?lepas|volunteer"
)
NON_STANDARD_EMPLOYMENT = rf"(?i){PART_TIME_WORDS}|{NOT_EMPLOYEE_WORDS}"
STANDARD_EMPLOYMENT = r"(?i)full[\s_-]?time|contract|kontrak|tetap|permanent|penuh"
# Part-time work is the one kind of non-standard post whose hourly pay has a minimum (below).
PART_TIME = rf"(?i){PART_TIME_WORDS}"
NOT_EMPLOYEE = rf"(?i){NOT_EMPLOYEE_WORDS}"
# A post offering one of these beside a full-time or contract job ("full_time;part_time") is not
# judged either: the advert's one pay may be the part-time or intern option's, which is not
# comparable with the UMP, and a flag would call lawful pay unlawful. The same words in the title
# ("Desain Grafis (Internship)", "Marketing Freelance") exclude a post whatever its employment
# type says: boards' type fields default to full-time or contract.

# Pay stated by the day or the hour has its own lawful minimum (PP 36/2021): a day is the monthly
# minimum / 25 on a six-day week and / 21 on a five-day week (Art. 17); an hour (part-time work,
# the only work Art. 16 lets be paid by the hour) is the monthly minimum / 126.
# `salary_monthly_*` hold such pay as monthly equivalents at the normaliser's factors.
DAY_PERIODS = ("day", "daily", "harian", "hari")
HOUR_PERIODS = ("hour", "hourly", "jam")
DAYS_DIVISOR_SIX_DAY_WEEK = 25
DAYS_DIVISOR_FIVE_DAY_WEEK = 21
HOURS_DIVISOR_PART_TIME = 126


@dataclass(frozen=True)
class CheckSettings:
    """Thresholds of the rules; the defaults are the legal or documented ones."""

    stale_after_days: int = 90
    weekly_hours_limit: float = 40.0
    daily_hours_limit: float = 8.0
    minimum_plausible_monthly_pay_idr: float = 100_000.0
    """Lower pay is a unit slip ("3.5" meaning 3.5 million), not a wage: it is not judged."""
    site_band_pay_sources: frozenset[str] | None = None
    """Sources whose pay is the board's own band, not the employer's figure (VAC-PAY-01 flags
    only a band wholly below the UMP). None: the sources declared `pay_is_site_band`."""
    as_of: dt.date | None = None
    """Reference date for staleness. None: the latest `last_seen_date` of the vacancy's source
    (its latest crawl), or today in Jakarta when the input has no `last_seen_date`."""


def _with_contract_columns(vacancies: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in vacancies.columns]
    if missing:
        raise ValueError(f"vacancies lack required column(s): {', '.join(missing)}")
    if vacancies["id"].is_null().any():
        raise ValueError("vacancies: `id` is null in some rows")
    if vacancies["id"].cast(pl.String).is_duplicated().any():
        raise ValueError("vacancies: `id` must be unique")
    columns = []
    for name in (*REQUIRED_COLUMNS, *CONTRACT_COLUMNS, *OPTIONAL_COLUMNS):
        dtype = COLUMN_TYPES[name]
        if name in vacancies.columns:
            columns.append(vacancies[name].cast(dtype).alias(name))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    return vacancies.select(columns).with_row_index("_row")


def site_band_pay_sources() -> frozenset[str]:
    """The sources declared to state pay as the board's own band (`pay_is_site_band`)."""
    # Imported here: the declarations live with the landings, which the checks do not need.
    from ingest.crawled_sources import CRAWLED_SOURCES
    from ingest.sources import VACANCY_SOURCES

    files = {spec.name for spec in VACANCY_SOURCES if spec.pay_is_site_band}
    crawls = {source.source for source in CRAWLED_SOURCES if source.pay_is_site_band}
    return frozenset(files | crawls)


def _rupiah(column: str) -> pl.Expr:
    return pl.lit("Rp ") + pl.col(column).round(0).cast(pl.Int64).cast(pl.String)


def _pay_unit(period: pl.Expr) -> pl.Expr:
    """`day`, `hour` or `month`: the unit whose lawful minimum the pay is held to. Weekly and
    yearly pay are held to the monthly UMP (PP 36/2021 sets no weekly or yearly divisor)."""
    period = period.str.strip_chars().str.to_lowercase()
    return (
        pl.when(period.is_in(list(DAY_PERIODS)))
        .then(pl.lit("day"))
        .when(period.is_in(list(HOUR_PERIODS)))
        .then(pl.lit("hour"))
        .otherwise(pl.lit("month"))
    )


def _week_days(frame: pl.DataFrame) -> pl.DataFrame:
    """Days a week the advert's schedule states, for pay by the day (whose minimum depends on
    it): the hours parser's week over its day, when it reads both. More than five is a six-day
    week (a half Saturday included); five or fewer a five-day week."""
    daily_pay = frame.filter(_pay_unit(pl.col("salary_period")) == "day")
    rows = []
    for row, text in daily_pay.select("_row", "description").iter_rows():
        hours = stated_hours(text)
        if hours is not None and hours.weekly and hours.daily:
            rows.append((row, hours.weekly / hours.daily, hours.evidence))
    return pl.DataFrame(
        rows,
        schema={"_row": pl.UInt32, "week_days": pl.Float64, "week_days_evidence": pl.String},
        orient="row",
    )


def _limits(ump: pl.Expr) -> list[pl.Expr]:
    """The thresholds of `_pay_rule` in monthly-equivalent pay, and how the evidence names them."""
    unit = pl.col("pay_unit")
    days = pl.col("week_days")
    per_day = MONTHLY_FACTOR["day"]
    per_hour = MONTHLY_FACTOR["hour"]
    # A six-day week's daily minimum (UMP / 25) is the lower: below it is below on any week.
    # Between it and a five-day week's (UMP / 21) is below only on a five-day week.
    five_day = (days <= 5.0 + 1e-9).fill_null(False)
    six_day = (days > 5.0 + 1e-9).fill_null(False)
    divisor = (
        pl.when(five_day)
        .then(pl.lit(DAYS_DIVISOR_FIVE_DAY_WEEK))
        .otherwise(pl.lit(DAYS_DIVISOR_SIX_DAY_WEEK))
    )
    divisor_if_any = (
        pl.when(six_day)
        .then(pl.lit(DAYS_DIVISOR_SIX_DAY_WEEK))
        .otherwise(pl.lit(DAYS_DIVISOR_FIVE_DAY_WEEK))
    )

    def daily_text(div: pl.Expr) -> pl.Expr:
        return (
            pl.lit("the daily minimum on a ")
            + pl.when(div == DAYS_DIVISOR_SIX_DAY_WEEK)
            .then(pl.lit("six-day"))
            .otherwise(pl.lit("five-day"))
            + pl.lit(" week (UMP / ")
            + div.cast(pl.String)
            + pl.lit(" = Rp ")
            + (ump / div).round(0).cast(pl.Int64).cast(pl.String)
            + pl.lit(", PP 36/2021)")
        )

    ump_text = pl.lit("the provincial minimum (UMP)")
    full_week_hour = (
        pl.lit("the UMP over a 40-hour week (Rp ")
        + (ump / per_hour).round(0).cast(pl.Int64).cast(pl.String)
        + pl.lit(" an hour)")
    )
    part_time_hour = (
        pl.lit(f"the part-time hourly minimum (UMP / {HOURS_DIVISOR_PART_TIME} = Rp ")
        + (ump / HOURS_DIVISOR_PART_TIME).round(0).cast(pl.Int64).cast(pl.String)
        + pl.lit(", PP 36/2021)")
    )
    factor = pl.when(unit == "day").then(pl.lit(per_day))
    factor = factor.when(unit == "hour").then(pl.lit(per_hour)).otherwise(pl.lit(1.0))
    return [
        pl.when(unit == "day").then(ump * per_day / divisor).otherwise(ump).alias("limit"),
        pl.when(unit == "day")
        .then(ump * per_day / divisor_if_any)
        .when(unit == "hour")
        .then(ump * per_hour / HOURS_DIVISOR_PART_TIME)
        .otherwise(ump)
        .alias("limit_if_any"),
        pl.when(unit == "day")
        .then(daily_text(divisor))
        .when(unit == "hour")
        .then(full_week_hour)
        .otherwise(ump_text)
        .alias("limit_text"),
        pl.when(unit == "day")
        .then(daily_text(divisor_if_any))
        .when(unit == "hour")
        .then(part_time_hour)
        .otherwise(ump_text)
        .alias("limit_if_any_text"),
        (pl.col("pay_low") / factor).alias("rate_low"),
        (pl.col("pay_high") / factor).alias("rate_high"),
        pl.when(unit == "day")
        .then(pl.lit("daily"))
        .when(unit == "hour")
        .then(pl.lit("hourly"))
        .otherwise(pl.lit("monthly"))
        .alias("unit_word"),
        pl.when(unit == "day")
        .then(
            pl.when(days.is_not_null())
            .then(
                pl.lit("; the schedule reads ")
                + days.round(1).cast(pl.String)
                + pl.lit(" days a week ('")
                + pl.col("week_days_evidence").str.slice(0, 80)
                + pl.lit("')")
            )
            .otherwise(pl.lit("; the advert's days a week are not read"))
        )
        .alias("days_note"),
    ]


def _pay_rule(frame: pl.DataFrame, minimum_wages: pl.DataFrame, settings: CheckSettings):
    wages = (
        minimum_wages.select(
            pl.col("province_code").cast(pl.String),
            pl.col("wage_year").cast(pl.Int32),
            pl.col("minimum_wage_monthly_idr").cast(pl.Float64),
        )
        .drop_nulls()
        .sort("wage_year")
    )
    band_sources = settings.site_band_pay_sources
    if band_sources is None:
        band_sources = site_band_pay_sources()
    # A post still advertised in a later year must meet that year's UMP: the UMP in force on the
    # day the post was last seen (its posting day when it was seen once or the input has no
    # last_seen_date).
    judged_on = pl.max_horizontal("posted_date", "last_seen_date")
    pay = frame.select(
        "_row",
        "province_code",
        "employment_type",
        "title",
        pay_low=pl.coalesce("salary_monthly_min", "salary_monthly_max"),
        pay_high=pl.coalesce("salary_monthly_max", "salary_monthly_min"),
        is_site_band=pl.col("source").is_in(list(band_sources)).fill_null(False),
        judged_on=judged_on,
        posting_year=pl.col("posted_date").dt.year().cast(pl.Int32),
        judged_year=judged_on.dt.year().cast(pl.Int32),
        pay_unit=_pay_unit(pl.col("salary_period")),
    ).join(_week_days(frame), on="_row", how="left", maintain_order="left")
    # The UMP of that year, or of the latest earlier year when that year's UMP is not in the
    # table yet (UMPs do not fall, so the earlier one never flags pay the later allows).
    joined = (
        pay.with_columns(_year_key=pl.col("judged_year").fill_null(0))
        .sort("_year_key")
        .join_asof(
            wages.rename({"wage_year": "minimum_wage_year"}),
            left_on="_year_key",
            right_on="minimum_wage_year",
            by="province_code",
            strategy="backward",
            check_sortedness=False,
        )
        .sort("_row")
    )
    # Alone or offered beside full-time work, by the type or in the title: not judged.
    excluded_by_title = pl.col("title").str.contains(NON_STANDARD_EMPLOYMENT).fill_null(False)
    non_standard = (
        pl.col("employment_type").str.contains(NON_STANDARD_EMPLOYMENT).fill_null(False)
        | excluded_by_title
    )
    # Hourly pay on a part-time post is what PP 36/2021 Art. 16 regulates: it is held to the
    # part-time hourly minimum (UMP / 126) instead of being left out with other part-time posts,
    # whose one monthly figure has no minimum to be compared with. Interns and freelancers stay
    # out whatever the period.
    # A post that also offers full-time or contract work ("full_time;part_time") is not: its
    # one hourly figure may be the other option's.
    type_text = pl.col("employment_type")
    part_time_hourly = (
        (pl.col("pay_unit") == "hour")
        & (
            (
                type_text.str.contains(PART_TIME).fill_null(False)
                & ~type_text.str.contains(STANDARD_EMPLOYMENT).fill_null(False)
            )
            | pl.col("title").str.contains(PART_TIME).fill_null(False)
        )
        & ~type_text.str.contains(NOT_EMPLOYEE).fill_null(False)
        & ~pl.col("title").str.contains(NOT_EMPLOYEE).fill_null(False)
    )
    non_standard = non_standard & ~part_time_hourly
    excluded_by_title = excluded_by_title & ~part_time_hourly
    ump = pl.col("minimum_wage_monthly_idr")
    joined = joined.with_columns(_limits(ump))
    joined = joined.with_columns(
        pl.when(part_time_hourly)
        .then(pl.col(f"limit_if_any{suffix}"))
        .otherwise(pl.col(f"limit{suffix}"))
        .alias(f"limit{suffix}")
        for suffix in ("", "_text")
    )
    # `limit`: monthly-equivalent pay below it is below the minimum on any reading of the post;
    # `limit_if_any`: below it only on some reading (a five-day week, part-time work).
    limit, limit_if_any = pl.col("limit"), pl.col("limit_if_any")
    below = pl.col("pay_low") < limit
    # A board's band ("Rp 5 - 6 Juta") is not the employer's pay: only a band wholly below the
    # UMP shows pay below it; one that contains the UMP may pay either side of it.
    band_undetermined = pl.col("is_site_band") & below & (pl.col("pay_high") >= limit)
    # Reversed ends (minimum above maximum): which end is wrong cannot be told, as in
    # `lmis check-vacancies`, which quarantines such a row; the normaliser swaps a range it
    # parses, so only a file or a crawl's stored ends can arrive reversed.
    reversed_ends = (pl.col("pay_low") > pl.col("pay_high")).fill_null(False)
    # Pay at or above the lower of two readings' minimums but below the other's (a day rate
    # between UMP / 25 and UMP / 21 when the days a week are not read): a site's band too.
    period_undetermined = ~below & (pl.col("pay_low") < limit_if_any)
    is_range = pl.col("pay_high") > pl.col("pay_low")
    where = (
        pl.lit("; UMP ")
        + pl.col("minimum_wage_year").cast(pl.String)
        + pl.lit(" of province ")
        + pl.col("province_code")
        + pl.lit(" is ")
        + _rupiah("minimum_wage_monthly_idr")
        + pl.when(pl.col("judged_year") > pl.col("posting_year"))
        .then(
            pl.lit(", in force when the post was last seen (")
            + pl.col("judged_on").cast(pl.String)
            + pl.lit("; posted in ")
            + pl.col("posting_year").cast(pl.String)
            + pl.lit(")")
        )
        .otherwise(pl.lit(""))
        + pl.when(pl.col("minimum_wage_year") < pl.col("judged_year"))
        .then(
            pl.lit("; no UMP for ")
            + pl.col("judged_year").cast(pl.String)
            + pl.lit(" in the table, latest earlier year used")
        )
        .otherwise(pl.lit(""))
    )
    where = where + pl.col("days_note").fill_null("")
    band_text = _rupiah("pay_low") + pl.lit(" - ") + _rupiah("pay_high")
    unit_rates = _rupiah("rate_low") + pl.lit(" - ") + _rupiah("rate_high")
    by_unit = pl.col("pay_unit") != "month"
    stated = (
        pl.when(pl.col("is_site_band") & is_range & by_unit)
        .then(
            pl.lit("the site's ")
            + pl.col("unit_word")
            + pl.lit(" pay band ")
            + unit_rates
            + pl.lit(" (not the employer's figure)")
        )
        .when(pl.col("is_site_band") & is_range)
        .then(pl.lit("the site's pay band ") + band_text + pl.lit(" (not the employer's figure)"))
        .when(by_unit & is_range)
        .then(
            pl.lit("the lower end of the employer's ")
            + pl.col("unit_word")
            + pl.lit(" range ")
            + unit_rates
        )
        .when(is_range)
        .then(pl.lit("the lower end of the employer's range ") + band_text)
        .when(by_unit)
        .then(pl.col("unit_word") + pl.lit(" pay ") + _rupiah("rate_low"))
        .otherwise(pl.lit("monthly pay ") + _rupiah("pay_low"))
    )
    not_regency = pl.lit("; the regency minimum (UMK), which may be higher, is not checked")
    return joined.select(
        "_row",
        "minimum_wage_year",
        "minimum_wage_monthly_idr",
        salary_monthly_judged=pl.col("pay_low"),
        is_pay_below_minimum_wage=pl.when(non_standard)
        .then(None)
        .when(pl.col("pay_low") < settings.minimum_plausible_monthly_pay_idr)
        .then(None)
        .when(reversed_ends)
        .then(None)
        .when(band_undetermined | period_undetermined)
        .then(None)
        .when(pl.col("is_site_band"))
        .then(pl.col("pay_high") < limit)
        .otherwise(below),
        pay_below_minimum_wage_evidence=pl.when(excluded_by_title)
        .then(pl.lit("not applicable: the title names a post the rule does not judge"))
        .when(non_standard)
        .then(pl.lit("not applicable: employment type ") + pl.col("employment_type"))
        .when(pl.col("pay_low").is_null())
        .then(pl.lit("not checked: no monthly pay in rupiah stated"))
        .when(pl.col("pay_low") < settings.minimum_plausible_monthly_pay_idr)
        .then(
            pl.lit("not checked: monthly pay ")
            + _rupiah("pay_low")
            + pl.lit(" is not a plausible wage")
        )
        .when(pl.col("province_code").is_null())
        .then(pl.lit("not checked: province unknown"))
        .when(pl.col("judged_year").is_null())
        .then(pl.lit("not checked: posting date unknown"))
        .when(ump.is_null())
        .then(
            pl.lit("not checked: no UMP for province ")
            + pl.col("province_code")
            + pl.lit(" in or before ")
            + pl.col("judged_year").cast(pl.String)
        )
        .when(reversed_ends)
        .then(
            pl.lit("not determined: the pay range's minimum ")
            + _rupiah("pay_low")
            + pl.lit(" is above its maximum ")
            + _rupiah("pay_high")
            + pl.lit(", so which end is wrong cannot be told")
        )
        .when(period_undetermined)
        .then(
            pl.lit("not determined: ")
            + stated
            + pl.lit(" is below ")
            + pl.col("limit_if_any_text")
            + pl.lit(" but at or above ")
            + pl.col("limit_text")
            + pl.lit(", and the advert does not say which applies")
            + where
        )
        .when(band_undetermined)
        .then(
            pl.lit("undetermined: ")
            + stated
            + pl.lit(" contains ")
            + pl.col("limit_text")
            + pl.lit(", so the pay may be at or above it")
            + where
        )
        .when(pl.col("is_site_band") & is_range)
        .then(
            # The flag's own limit and words: a band of daily pay is held to the daily minimum.
            pl.when(pl.col("pay_high") < limit)
            .then(stated + pl.lit(" is wholly below ") + pl.col("limit_text") + where)
            .otherwise(
                stated + pl.lit(" is at or above ") + pl.col("limit_text") + where + not_regency
            )
        )
        .when(below)
        .then(
            stated
            + pl.when(is_range)
            .then(
                pl.lit(" is below ")
                + pl.col("limit_text")
                + pl.lit(": an offer that may pay below it")
            )
            .otherwise(pl.lit(" is below ") + pl.col("limit_text"))
            + where
        )
        .otherwise(
            pl.when(by_unit)
            .then(pl.col("unit_word") + pl.lit(" pay from ") + _rupiah("rate_low"))
            .otherwise(pl.lit("monthly pay from ") + _rupiah("pay_low"))
            + pl.lit(" is at or above ")
            + pl.col("limit_if_any_text")
            + where
            + not_regency
        ),
    )


def _hours_rule(frame: pl.DataFrame, settings: CheckSettings) -> pl.DataFrame:
    texts = frame["description"].drop_nulls().unique().to_list()
    parsed = {text: stated_hours(text) for text in texts}
    parsed_rows = [
        (text, h.weekly, h.daily, h.basis, h.evidence)
        for text, h in parsed.items()
        if h is not None
    ]
    table = pl.DataFrame(
        parsed_rows,
        schema={
            "description": pl.String,
            "text_weekly": pl.Float64,
            "text_daily": pl.Float64,
            "text_basis": pl.String,
            "text_evidence": pl.String,
        },
        orient="row",
    )
    hours = frame.select("_row", "description", "hours_per_week").join(
        table, on="description", how="left", maintain_order="left"
    )
    weekly = pl.coalesce("hours_per_week", "text_weekly")
    daily = pl.when(pl.col("hours_per_week").is_null()).then(pl.col("text_daily"))
    over = (weekly > settings.weekly_hours_limit).fill_null(False) | (
        daily > settings.daily_hours_limit
    ).fill_null(False)
    known = weekly.is_not_null() | daily.is_not_null()
    # A schedule read but not turned into plausible hours says why, rather than "no hours".
    undetermined = pl.col("text_basis").eq(NOT_DETERMINED).fill_null(False)
    figures = (
        pl.when(weekly.is_not_null())
        .then(weekly.round(1).cast(pl.String) + pl.lit(" h/week"))
        .otherwise(pl.lit(""))
        + pl.when(weekly.is_not_null() & daily.is_not_null())
        .then(pl.lit(", "))
        .otherwise(pl.lit(""))
        + pl.when(daily.is_not_null())
        .then(daily.round(2).cast(pl.String) + pl.lit(" h/day"))
        .otherwise(pl.lit(""))
    )
    return hours.select(
        "_row",
        hours_per_week_judged=weekly,
        hours_per_day_judged=daily,
        is_hours_above_legal_limit=pl.when(known).then(over),
        hours_above_legal_limit_evidence=pl.when(pl.col("hours_per_week").is_not_null())
        .then(figures + pl.lit(" (stated hours_per_week)"))
        .when(known)
        .then(figures + pl.lit(" from the text: '") + pl.col("text_evidence") + pl.lit("'"))
        .when(undetermined)
        .then(
            pl.lit("not determined: schedule not read as hours (")
            + pl.col("text_evidence")
            + pl.lit(")")
        )
        .when(pl.col("text_basis").eq(OPENING_HOURS).fill_null(False))
        .then(
            pl.lit("not checked: only opening hours stated, not the worker's hours ('")
            + pl.col("text_evidence")
            + pl.lit("')")
        )
        .otherwise(pl.lit("not checked: no working hours stated")),
    )


def _today_in_jakarta() -> dt.date:
    return dt.datetime.now(JAKARTA).date()


def _stale_rule(frame: pl.DataFrame, settings: CheckSettings) -> pl.DataFrame:
    if settings.as_of is not None:
        as_of = pl.lit(settings.as_of, dtype=pl.Date)
    else:
        latest_crawl = pl.col("last_seen_date").max().over(pl.col("source").fill_null(""))
        as_of = pl.coalesce(latest_crawl, pl.lit(_today_in_jakarta(), dtype=pl.Date))
    started = pl.coalesce("posted_date", "first_seen_date")
    age = (pl.col("_as_of") - pl.col("_started")).dt.total_days()
    reseen = (pl.col("last_seen_date") >= pl.col("_as_of")).fill_null(False)
    # A source crawled on one day only (a single snapshot: Loker.id 2025, Dealls 2024) shows
    # every posting as listed on that day, so none can be seen to have gone: the rule (not seen
    # in the latest crawl) cannot be judged, and an old posting date alone is no evidence.
    by_source = pl.col("source").fill_null("")
    one_crawl_day = (
        pl.lit(settings.as_of is None)
        & pl.col("last_seen_date").is_not_null().all().over(by_source)
        & (
            pl.min_horizontal(pl.col("first_seen_date").min(), pl.col("last_seen_date").min())
            == pl.col("last_seen_date").max()
        ).over(by_source)
    )
    stale = frame.select(
        "_row", "last_seen_date", _as_of=as_of, _started=started, _one_crawl=one_crawl_day
    )
    return stale.select(
        "_row",
        age_days=age,
        is_stale=pl.when(pl.col("_started").is_null() | pl.col("_one_crawl"))
        .then(None)
        .otherwise((age > settings.stale_after_days) & ~reseen),
        stale_evidence=pl.when(pl.col("_started").is_null())
        .then(pl.lit("not checked: no posting or first-seen date"))
        .when(pl.col("_one_crawl"))
        .then(
            pl.lit("not checked: the source was crawled on one day only (")
            + pl.col("_as_of").cast(pl.String)
            + pl.lit("), so whether a posting was withdrawn cannot be seen; posted ")
            + pl.col("_started").cast(pl.String)
            + pl.lit(", ")
            + age.cast(pl.String)
            + pl.lit(" days before it")
        )
        .otherwise(
            pl.lit("posted ")
            + pl.col("_started").cast(pl.String)
            + pl.lit(", ")
            + age.cast(pl.String)
            + pl.lit(" days before ")
            + pl.col("_as_of").cast(pl.String)
            + pl.when(reseen)
            .then(pl.lit("; seen in the latest crawl"))
            .when(pl.col("last_seen_date").is_not_null())
            .then(pl.lit("; last seen ") + pl.col("last_seen_date").cast(pl.String))
            .otherwise(pl.lit("; not re-seen"))
            + pl.lit(f" (limit {settings.stale_after_days} days)")
        ),
    )


def _normalised(text: pl.Expr) -> pl.Expr:
    return text.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()


def _duplicate_rule(frame: pl.DataFrame) -> pl.DataFrame:
    # TODO(8): the fallback key (same title, employer and province) finds exact re-posts only;
    # it goes away when the linker's duplicate clusters (`vacancy_id`) are landed in the warehouse.
    fallback_key = pl.concat_str(
        [
            _normalised(pl.col("title")),
            pl.coalesce(
                _normalised(pl.col("company")),
                pl.lit("description:")
                + _normalised(pl.col("description")).str.slice(0, 300).fill_null(""),
            ),
            pl.col("province_code").fill_null(""),
        ],
        separator="|",
        ignore_nulls=False,
    )
    work = frame.select(
        "_row",
        "id",
        "vacancy_id",
        "is_first_posting",
        _key=pl.coalesce(pl.lit("cluster:") + pl.col("vacancy_id"), fallback_key),
        _order=pl.coalesce("posted_date", "first_seen_date"),
    )
    ordered = work.sort(["_key", "_order", "id"], nulls_last=True).with_columns(
        _first=pl.col("id").first().over("_key"),
        _rank=pl.int_range(pl.len()).over("_key"),
    )
    # The linker's own choice of first posting wins when it is given.
    is_later = pl.coalesce(~pl.col("is_first_posting"), pl.col("_rank") > 0)
    return ordered.sort("_row").select(
        "_row",
        is_duplicate=pl.when(pl.col("_key").is_null()).then(None).otherwise(is_later),
        duplicate_evidence=pl.when(pl.col("_key").is_null())
        .then(pl.lit("not checked: no title"))
        .when(~is_later)
        .then(None)
        .when(pl.col("vacancy_id").is_not_null())
        .then(pl.lit("another posting of vacancy ") + pl.col("vacancy_id"))
        .otherwise(pl.lit("same title, employer and province as ") + pl.col("_first")),
    )


def _with_stated_requirements(frame: pl.DataFrame, text: pl.DataFrame) -> pl.DataFrame:
    """A sex or maximum age stated in its own field (Karirhub) flags like one in the text."""
    stated = frame.select(
        "_row",
        _sex=pl.col("required_sex").str.strip_chars().replace("", None),
        _age=pl.col("max_age"),
    )
    joined = text.join(stated, on="_row", how="left", maintain_order="left")
    if SEX_SCOPE_COLUMN not in joined.columns:
        joined = joined.with_columns(pl.lit(None, dtype=pl.String).alias(SEX_SCOPE_COLUMN))
    # The field's sex counts with the text's: "female" and a text "Pria/Wanita" name both.
    named_in_text = pl.col(SEX_SCOPE_COLUMN)
    named_male = (named_in_text == "both_sexes").fill_null(False) | (
        pl.col("_sex").str.contains(MALE_WORDS).fill_null(False)
    )
    named_female = (named_in_text == "both_sexes").fill_null(False) | (
        pl.col("_sex").str.contains(FEMALE_WORDS).fill_null(False)
    )
    field_scope = sex_scope(named_male, named_female)
    return joined.with_columns(
        pl.when(pl.col("_sex").is_null())
        .then(named_in_text)
        .when((named_in_text == "one_sex") & field_scope.is_null())
        .then(named_in_text)
        .otherwise(field_scope)
        .alias(SEX_SCOPE_COLUMN),
        has_sex_requirement=pl.when(pl.col("_sex").is_not_null())
        .then(True)
        .otherwise(pl.col("has_sex_requirement")),
        sex_requirement_evidence=pl.when(pl.col("_sex").is_not_null())
        .then(
            pl.concat_str(
                [pl.lit("required_sex: ") + pl.col("_sex"), pl.col("sex_requirement_evidence")],
                separator=" | ",
                ignore_nulls=True,
            )
        )
        .otherwise(pl.col("sex_requirement_evidence")),
        has_age_limit=pl.when(pl.col("_age").is_not_null())
        .then(True)
        .otherwise(pl.col("has_age_limit")),
        age_limit_evidence=pl.when(pl.col("_age").is_not_null())
        .then(
            pl.concat_str(
                [
                    pl.lit("max_age: ") + pl.col("_age").cast(pl.Int64).cast(pl.String),
                    pl.col("age_limit_evidence"),
                ],
                separator=" | ",
                ignore_nulls=True,
            )
        )
        .otherwise(pl.col("age_limit_evidence")),
    ).drop("_sex", "_age")


def check_vacancies(
    vacancies: pl.DataFrame,
    minimum_wages: pl.DataFrame,
    settings: CheckSettings | None = None,
    text_flags: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Flags and evidence of every rule in `RULES`, one row per vacancy, in input order.

    `text_flags`: what `flag_text_rules` gives for these vacancies' titles and descriptions, by
    `id`, when the caller has it already (the warehouse keeps it per posting between builds:
    the text rules are most of the time of a check).
    """
    settings = settings or CheckSettings()
    missing_wage_columns = [c for c in MINIMUM_WAGE_COLUMNS if c not in minimum_wages.columns]
    if missing_wage_columns:
        raise ValueError(f"minimum wages lack column(s): {', '.join(missing_wage_columns)}")
    frame = _with_contract_columns(vacancies)
    if text_flags is None:
        flags = flag_text_rules(frame, "title", "description")
    else:
        flags = frame.select("id").join(text_flags, on="id", how="left", maintain_order="left")
        flags = flags.drop("id")
    text = _with_stated_requirements(frame, flags.with_row_index("_row"))
    parts = [
        _pay_rule(frame, minimum_wages, settings),
        _hours_rule(frame, settings),
        text,
        _stale_rule(frame, settings),
        _duplicate_rule(frame),
    ]
    result = frame.select("_row", "id", "source")
    for part in parts:
        result = result.join(part, on="_row", how="left", maintain_order="left")
    flags = [rule.flag_column for rule in RULES]
    result = result.with_columns(
        flags_raised=pl.sum_horizontal([pl.col(f).fill_null(False).cast(pl.Int32) for f in flags]),
        flagged_rules=pl.concat_list(
            [pl.when(pl.col(r.flag_column)).then(pl.lit(r.name)) for r in RULES]
        )
        .list.drop_nulls()
        .list.join(","),
    )
    ordered = ["id", "source"]
    for rule in RULES:
        ordered += [rule.flag_column, rule.evidence_column]
    ordered += [
        "flags_raised",
        "flagged_rules",
        "salary_monthly_judged",
        "minimum_wage_monthly_idr",
        "minimum_wage_year",
        "hours_per_week_judged",
        "hours_per_day_judged",
        "age_days",
        "text_checked",
        # Last, so the columns published before it keep their places.
        SEX_SCOPE_COLUMN,
    ]
    log.info(
        "checked %d vacancies: %s",
        result.height,
        ", ".join(f"{r.name} {int(result[r.flag_column].fill_null(False).sum())}" for r in RULES),
    )
    return result.select(ordered)


def rule_table() -> pl.DataFrame:
    """The rules as a table (one row per rule), for marts and reports to join on."""
    return pl.DataFrame(
        [(r.standard_id, r.name, r.flag_column, r.evidence_column, r.description) for r in RULES],
        schema=["standard_id", "rule_name", "flag_column", "evidence_column", "description"],
        orient="row",
    )
