"""One row per distinct job title of the administrative sources, coded to KBJI 2014 and ISCO-08.

A dbt Python model around `ingest.occupations.code_titles`, the occupation coder of issue 7.
Titles come from Karirhub vacancies (detail API, listing, RSS), MagangHub positions, the jabatan
AK1 job seekers are looking for, AK1 placements and WLKP reports. Each distinct title is coded
once, whichever sources and however many rows carry it; the marts join back on the title.

If the coder cannot run in this build (its cached model can neither be loaded nor rebuilt), the
titles still land, uncoded, with `occupation_coding_status = 'coder_unavailable'` and the error
in the build log; a warning test on that column makes it visible in the run.
"""

import logging

import polars as pl

log = logging.getLogger(__name__)

CODED_COLUMNS = {
    "title_normalised": pl.String,
    "kbji4": pl.String,
    "kbji4_title": pl.String,
    "isco08": pl.String,
    "occupation_confidence": pl.Float64,
    "kbji4_alt1": pl.String,
    "kbji4_alt2": pl.String,
    "is_auto_coded": pl.Boolean,
    "occupation_coding_status": pl.String,
}


def _titles(relation, column: str, source: str) -> pl.DataFrame:
    return (
        relation.project(f"{column} as job_title")
        .pl()
        .with_columns(pl.col("job_title").str.strip_chars(), pl.lit(source).alias("title_source"))
        .filter(pl.col("job_title").is_not_null() & (pl.col("job_title") != ""))
    )


def _coded(distinct: pl.DataFrame) -> pl.DataFrame:
    try:
        from ingest.occupations import code_titles

        coded = code_titles(distinct.select(id="job_title", title="job_title"))
    # Any failure of the coder (missing or unreadable model cache, missing training data): the
    # admin marts must still build, so the titles land uncoded and flagged instead.
    except Exception as exc:
        log.error("occupation coder unavailable, %d titles land uncoded: %s", distinct.height, exc)
        return distinct.with_columns(
            *(pl.lit(None, dtype=dtype).alias(name) for name, dtype in CODED_COLUMNS.items())
        ).with_columns(
            pl.lit(False).alias("is_auto_coded"),
            pl.lit("coder_unavailable").alias("occupation_coding_status"),
        )
    coded = coded.select(
        pl.col("id").alias("job_title"),
        "title_normalised",
        "kbji4",
        "kbji4_title",
        "isco08",
        pl.col("confidence").alias("occupation_confidence"),
        "kbji4_alt1",
        "kbji4_alt2",
        "is_auto_coded",
        pl.when(pl.col("kbji4").is_null())
        .then(pl.lit("no_job_words"))
        .otherwise(pl.lit("coded"))
        .alias("occupation_coding_status"),
    )
    log.info(
        "coded %d distinct admin titles, %d automatically",
        coded.height,
        int(coded["is_auto_coded"].sum()),
    )
    return distinct.join(coded, on="job_title", how="left")


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by reading literal dbt.ref calls, so one call per model.
    titles = pl.concat(
        [
            _titles(dbt.ref("stg_karirhub__vacancies"), "vacancy_title", "karirhub"),
            _titles(dbt.ref("stg_karirhub__listing_hits"), "vacancy_title", "karirhub_listing"),
            _titles(dbt.ref("stg_karirhub__rss_items"), "vacancy_title", "karirhub_rss"),
            _titles(dbt.ref("stg_maganghub__positions"), "vacancy_title", "maganghub"),
            _titles(dbt.ref("stg_ak1__job_seekers"), "desired_jabatan_title", "ak1_job_seekers"),
            _titles(dbt.ref("stg_ak1__placements"), "jabatan_title", "ak1_placements"),
            _titles(dbt.ref("stg_wlkp__workforce_reports"), "jabatan_title", "wlkp"),
        ]
    )
    distinct = (
        titles.group_by("job_title")
        .agg(
            pl.col("title_source").unique().sort().alias("title_sources"),
            pl.len().cast(pl.Int64).alias("title_rows"),
        )
        .sort("job_title")
    )
    return _coded(distinct).to_arrow()
