"""`normalise_postings`: the vectorised entry point the pipeline and the CLI call.

It takes a Polars DataFrame of raw postings and returns it with the parsed columns and flags
added. Every text family is parsed once per distinct value and joined back, because salary,
date and location texts repeat massively across postings.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import polars as pl

from ingest.normalise import attributes, dates, pay, places

log = logging.getLogger(__name__)

PAY_COLUMNS = [
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_status",
    "salary_monthly_min",
    "salary_monthly_max",
    "salary_is_plausible",
    "salary_flags",
]
DATE_COLUMNS = ["posted_date", "posted_date_status", "crawled_date"]
PLACE_COLUMNS = [
    "province_code",
    "province_code_system",
    "province_code_vintage",
    "province_name",
    "regency_code",
    "regency_code_system",
    "regency_code_vintage",
    "regency_name",
    "province_code_kemendagri_2025",
    "regency_code_kemendagri_2025",
    "location_status",
    "location_matched_via",
]
ATTRIBUTE_COLUMNS = [
    "education_level",
    "experience_min_years",
    "experience_max_years",
    "employment_type",
    "employment_types",
    "work_arrangement",
]
OUTPUT_COLUMNS = PAY_COLUMNS + DATE_COLUMNS + PLACE_COLUMNS + ATTRIBUTE_COLUMNS


@dataclass
class InputColumns:
    """Names of the raw columns; any of them may be absent from the frame."""

    salary_text: str = "salary_text"
    date_text: str = "date_text"
    crawl_date: str = "crawl_date"
    location_text: str = "location_text"
    education_text: str = "education_text"
    experience_text: str = "experience_text"
    employment_text: str = "employment_text"
    title: str = "title"
    description: str = "description"


def _text(df: pl.DataFrame, name: str) -> pl.Series:
    if name in df.columns:
        return df[name].cast(pl.String)
    return pl.Series(name, [None] * df.height, dtype=pl.String)


def _lookup(keys: pl.Series, table: pl.DataFrame, key: str) -> pl.DataFrame:
    """Rows of `table` for each key, in the order of `keys` (nulls match the null row)."""
    frame = pl.DataFrame({key: keys})
    joined = frame.join(table, on=key, how="left", nulls_equal=True, maintain_order="left")
    return joined.drop(key)


def _crawl_dates(df: pl.DataFrame, name: str) -> tuple[pl.Series, pl.Series]:
    n = df.height
    if name not in df.columns:
        return pl.Series([None] * n, dtype=pl.Date), pl.Series([None] * n, dtype=pl.Time)
    column = df[name]
    if column.dtype == pl.Date:
        return column, pl.Series([None] * n, dtype=pl.Time)
    if isinstance(column.dtype, pl.Datetime):
        local = column
        if column.dtype.time_zone:  # type: ignore[attr-defined]
            local = column.dt.convert_time_zone(dates.TIMEZONE).dt.replace_time_zone(None)
        return local.dt.date(), local.dt.time()
    table = dates.parse_crawl_dates(column.cast(pl.String))
    found = _lookup(column.cast(pl.String).rename("crawl_text"), table, "crawl_text")
    return found["crawl_date"], found["crawl_time"]


@dataclass(frozen=True)
class _DistinctTexts:
    """A text column's distinct values (null included) and each row's position among them.

    Descriptions are parsed for three attributes; finding their distinct values once, rather
    than once per attribute, saves hashing a million long texts twice.
    """

    values: list[str | None]
    position: pl.Series

    @classmethod
    def of(cls, series: pl.Series) -> _DistinctTexts:
        distinct = pl.DataFrame({"_text": series.unique()}).with_row_index("_position")
        position = (
            pl.DataFrame({"_text": series})
            .join(distinct, on="_text", how="left", nulls_equal=True, maintain_order="left")
            .get_column("_position")
        )
        return cls(distinct["_text"].to_list(), position)

    def attribute(self, kind: str) -> pl.DataFrame:
        """The parsed attribute columns of `kind`, one row per row of the column."""
        return attributes.attribute_table(self.values, kind).drop("_text")[self.position]


def normalise_postings(
    df: pl.DataFrame,
    *,
    columns: InputColumns | None = None,
    crawl_date_col: str | None = None,
    gazetteer: places.Gazetteer | None = None,
    timings: dict[str, float] | None = None,
) -> pl.DataFrame:
    """Return `df` with the parsed pay, date, place and attribute columns and their flags.

    Raw columns are named by `columns` (defaults: `salary_text`, `date_text`, `crawl_date`,
    `location_text`, `education_text`, `experience_text`, `employment_text`, `title`,
    `description`); any may be missing, giving nulls and a `missing` status. Education,
    experience and work arrangement fall back to the title and description when their own
    field is absent or says nothing. `timings`, when given, receives seconds per stage.
    """
    cols = columns or InputColumns()
    if crawl_date_col is not None:
        cols.crawl_date = crawl_date_col
    stage_seconds = timings if timings is not None else {}
    clash = [c for c in OUTPUT_COLUMNS if c in df.columns]
    if clash:
        raise ValueError(f"input already has output columns {clash}; rename or drop them")

    started = time.perf_counter()
    salary = _text(df, cols.salary_text)
    pay_table = pay.parse_pay_column(salary)
    pay_cols = _lookup(salary.rename("salary_text"), pay_table, "salary_text")
    stage_seconds["pay"] = time.perf_counter() - started

    started = time.perf_counter()
    crawl_date, crawl_time = _crawl_dates(df, cols.crawl_date)
    date_cols = dates.parse_date_column(_text(df, cols.date_text), crawl_date, crawl_time)
    date_cols = date_cols.with_columns(crawled_date=crawl_date)
    stage_seconds["dates"] = time.perf_counter() - started

    started = time.perf_counter()
    location = _text(df, cols.location_text)
    place_table = places.resolve_places(location, gazetteer)
    missing_row = pl.DataFrame(
        {"location_text": [None], "location_status": [places.STATUS_MISSING]},
        schema={"location_text": pl.String, "location_status": pl.String},
    )
    place_table = pl.concat([place_table, missing_row], how="diagonal")
    place_cols = _lookup(location.rename("location_text"), place_table, "location_text")
    place_cols = places.assign_region_codes(
        # Boundaries as of the posting date, else the crawl date, else today.
        place_cols.with_columns(
            as_of_date=date_cols["posted_date"].fill_null(date_cols["crawled_date"])
        ),
        date_col="as_of_date",
        gaz=gazetteer,
    ).drop("as_of_date")
    stage_seconds["places"] = time.perf_counter() - started

    started = time.perf_counter()
    title = _text(df, cols.title)
    description = _DistinctTexts.of(_text(df, cols.description))
    education_field = _DistinctTexts.of(_text(df, cols.education_text)).attribute("education")
    education_free = description.attribute("education")
    experience_field = _DistinctTexts.of(_text(df, cols.experience_text)).attribute("experience")
    experience_free = description.attribute("experience")
    employment_field = _DistinctTexts.of(_text(df, cols.employment_text)).attribute("employment")
    employment_title = _DistinctTexts.of(title).attribute("employment")
    short_texts = pl.DataFrame(
        {"a": location, "b": _text(df, cols.employment_text), "c": title}
    ).select(pl.concat_str(["a", "b", "c"], separator=" | ", ignore_nulls=True))["a"]
    arrangement_short = _DistinctTexts.of(short_texts).attribute("arrangement")
    arrangement_free = description.attribute("arrangement")
    attribute_cols = pl.DataFrame(
        {
            "education_level": education_field["education_level"].fill_null(
                education_free["education_level"]
            ),
            "experience_min_years": experience_field["experience_min_years"].fill_null(
                experience_free["experience_min_years"]
            ),
            "experience_max_years": experience_field["experience_max_years"].fill_null(
                experience_free["experience_max_years"]
            ),
            "employment_type": employment_field["employment_type"].fill_null(
                employment_title["employment_type"]
            ),
            "employment_types": employment_field["employment_types"].fill_null(
                employment_title["employment_types"]
            ),
            "work_arrangement": arrangement_short["work_arrangement"].fill_null(
                arrangement_free["work_arrangement"]
            ),
        }
    )
    stage_seconds["attributes"] = time.perf_counter() - started

    out = pl.concat(
        [
            df,
            pay_cols.select(PAY_COLUMNS),
            date_cols.select(DATE_COLUMNS),
            place_cols.select(PLACE_COLUMNS),
            attribute_cols,
        ],
        how="horizontal",
    )
    log.info(
        "normalise: %d postings; pay parsed %d, posted date %d, province %d, regency %d",
        out.height,
        out.filter(pl.col("salary_status") == pay.PAY_PARSED).height,
        out["posted_date"].is_not_null().sum(),
        out["province_code"].is_not_null().sum(),
        out["regency_code"].is_not_null().sum(),
    )
    return out
