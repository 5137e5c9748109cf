"""The shipped real vacancy samples, mapped to the normaliser's input columns.

Used for the figures in `docs/normalisation.md`, the labelled duplicate pairs and the benchmark's
field pools. The pipeline proper reads its sources through staging models; this module only
lines the shipped files up, keeping each raw value as it is, with these exceptions (each source's
PROVENANCE.md explains why):

* Loker.id and Dealls salaries were already split into numbers by their scrapers (Loker.id also
  keeps a "Negosiasi" flag); JobStreet 2021 has min/max/currency/period fields. Their salary text
  is rebuilt from those fields ("IDR 15000000 - 21000000 monthly", "Negosiasi") so one parser
  handles every source.
* Loker.id's one-hot education columns are joined into a text ("SMA/SMK/STM, Sarjana/S1").
"""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import polars as pl

from orchestration.settings import DATA_DIR

log = logging.getLogger(__name__)

POSTING_COLUMNS = [
    "posting_id",
    "source",
    "source_posting_id",
    "title",
    "company",
    "location_text",
    "salary_text",
    "date_text",
    "crawl_date",
    "education_text",
    "experience_text",
    "employment_text",
    "description",
    "url",
]


def _finish(df: pl.DataFrame, source: str) -> pl.DataFrame:
    df = df.with_row_index("_row", offset=1).with_columns(
        source=pl.lit(source),
        posting_id=pl.lit(f"{source}:") + pl.col("_row").cast(pl.String),
    )
    for column in POSTING_COLUMNS:
        if column not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return df.select(POSTING_COLUMNS)


def load_jobstreet_2021(data_dir: Path = DATA_DIR) -> pl.DataFrame:
    path = data_dir / "real/jobstreet-id-2021-12/jobstreet_id_daily_2021-12-14_to_31.csv.gz"
    raw = pl.read_csv(path, infer_schema=False)
    has_amount = pl.col("salaryMin").is_not_null() | pl.col("salaryMax").is_not_null()
    salary = pl.when(has_amount).then(
        pl.concat_str(
            [
                pl.col("salarycurrency").fill_null(""),
                pl.col("salaryMin").fill_null(""),
                pl.lit("-"),
                pl.col("salaryMax").fill_null(""),
                pl.col("salaryPeriod").fill_null(""),
            ],
            separator=" ",
        )
    )
    df = raw.select(
        source_posting_id=pl.col("id"),
        title=pl.col("jobTitle"),
        company=pl.col("companyName"),
        location_text=pl.col("locations"),
        salary_text=salary,
        date_text=pl.col("postedAt"),
        crawl_date=pl.col("snapshot_file").str.extract(r"(\d{4}-\d{2}-\d{2})"),
        employment_text=pl.col("employment"),
        description=pl.col("description"),
        url=pl.col("jobUrl"),
    )
    return _finish(df, "jobstreet-id-2021-12")


_LOKER_EDUCATION = ["SMA/SMK/STM", "Diploma/D1/D2/D3", "Sarjana/S1", "Master/S2", "Doctor/S3"]


def load_lokerid_2025(data_dir: Path = DATA_DIR) -> pl.DataFrame:
    raw = pl.read_csv(
        data_dir / "real/lokerid-2025-07/lokerid_jobs_2025-07.csv.gz", infer_schema=False
    )
    salary = (
        pl.when(pl.col("Min Salary").is_not_null() & pl.col("Max Salary").is_not_null())
        .then(pl.lit("Rp ") + pl.col("Min Salary") + pl.lit(" - ") + pl.col("Max Salary"))
        .when(pl.col("Min Salary").is_not_null())
        .then(pl.lit("Rp ") + pl.col("Min Salary") + pl.lit(" lebih"))
        .when(pl.col("Salary Negotiation") == "1")
        .then(pl.lit("Negosiasi"))
    )
    education = pl.concat_str(
        [pl.when(pl.col(c) == "1").then(pl.lit(c)) for c in _LOKER_EDUCATION],
        separator=", ",
        ignore_nulls=True,
    )
    experience = (
        pl.when(pl.col("Max Experience").is_not_null())
        .then(
            pl.lit("pengalaman ")
            + pl.col("Min Experience")
            + pl.lit(" - ")
            + pl.col("Max Experience")
            + pl.lit(" tahun")
        )
        .when(pl.col("Min Experience").is_not_null())
        .then(pl.lit("pengalaman ") + pl.col("Min Experience") + pl.lit(" tahun"))
    )
    df = raw.select(
        source_posting_id=pl.col("Job ID"),
        title=pl.col("Title"),
        company=pl.col("Company"),
        location_text=pl.col("Location"),
        salary_text=salary,
        date_text=pl.col("Posted Date"),
        education_text=pl.when(education != "").then(education),
        experience_text=experience,
        employment_text=pl.col("Type"),
        description=pl.col("Description"),
        url=pl.col("Link"),
    )
    return _finish(df, "lokerid-2025-07")


def load_dealls_2024(data_dir: Path = DATA_DIR) -> pl.DataFrame:
    raw = pl.read_csv(
        data_dir / "real/dealls-2024-08/dealls_jobs_2024-08-22.csv", infer_schema=False
    )
    df = raw.select(
        source_posting_id=pl.col("job_url").str.extract(r"/role/([^/?#]+)"),
        title=pl.col("job_title"),
        company=pl.col("company"),
        location_text=pl.col("job_location"),
        # A bare number here is a monthly rupiah amount; "N/A" stays a placeholder.
        salary_text=pl.col("base_salary"),
        # `last_seen` holds the site's own timestamp for the ad (see PROVENANCE.md).
        date_text=pl.col("last_seen"),
        crawl_date=pl.col("first_seen"),
        employment_text=pl.col("job_type"),
        url=pl.col("job_url"),
    )
    return _finish(df, "dealls-2024-08")


def load_jobstreet_2025(data_dir: Path = DATA_DIR) -> pl.DataFrame:
    folder = data_dir / "real/jobstreet-id-2025-salary-strings"
    with gzip.open(folder / "jobstreet_id_2025-11-24_fpp.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    fpp = pl.DataFrame(records, infer_schema_length=None).select(
        title=pl.col("job_title"),
        company=pl.col("company_name"),
        location_text=pl.col("location"),
        salary_text=pl.col("salary"),
        crawl_date=pl.col("_scrape_timestamp"),
        employment_text=pl.col("work_type"),
        description=pl.col("job_description"),
    )
    silver = pl.read_csv(folder / "jobstreet_id_2025-06_07_dataeng_silver.csv", infer_schema=False)
    silver = silver.select(
        source_posting_id=pl.col("job_id_platform"),
        title=pl.col("role"),
        company=pl.col("company"),
        location_text=pl.col("location"),
        salary_text=pl.col("salary"),
        date_text=pl.col("posted_time"),
        employment_text=pl.col("work_type"),
        description=pl.col("job_desc"),
        url=pl.col("url"),
    )
    return pl.concat(
        [
            _finish(fpp, "jobstreet-id-2025-11-fpp"),
            _finish(silver, "jobstreet-id-2025-07-silver"),
        ]
    )


def load_real_postings(data_dir: Path = DATA_DIR) -> pl.DataFrame:
    """Every shipped real posting, one row per sighting, in `POSTING_COLUMNS`."""
    frames = [
        load_jobstreet_2021(data_dir),
        load_lokerid_2025(data_dir),
        load_dealls_2024(data_dir),
        load_jobstreet_2025(data_dir),
    ]
    df = pl.concat(frames)
    log.info(
        "real samples: %d postings from %s",
        df.height,
        dict(df.group_by("source").len().sort("source").iter_rows()),
    )
    return df
