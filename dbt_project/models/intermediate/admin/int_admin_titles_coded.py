"""One row per distinct job title of the administrative sources, coded to KBJI 2014 and ISCO-08.

A dbt Python model around the occupation coder (`ingest.occupations`, see
`docs/occupation-coder-model-card.md`).
Titles come from Karirhub vacancies (detail API, listing, RSS), MagangHub positions, the jabatan
AK1 job seekers are looking for, AK1 placements and WLKP reports. Each distinct title is coded
once, whichever sources and however many rows carry it; the marts join back on the title.

Coding is the slow part of the admin chain (loading the coder's model and ranking candidates),
while a new portal day adds a few titles to thousands. So the model reads its own previous
build as the table of coded titles: a title coded there by the same coder (`coder_fingerprint`:
the coder's model inputs, model code and `coder.py`) keeps its codes, and only the titles not
seen before are coded; with nothing new the coder is not even loaded. A changed coder changes
the fingerprint and every title is coded again. The coder scores each title on its own (checked
in tests/transform/test_admin_incremental.py), so codes do not depend on which titles were
coded together, and an incremental build gives the same rows as a build from nothing.

If the coder cannot run in this build (its cached model can neither be loaded nor rebuilt), the
new titles still land, uncoded, with `occupation_coding_status = 'coder_unavailable'` and the
error in the build log, and are coded on the next build that can; a warning test on that column
makes it visible in the run.
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
    "auto_code_threshold": pl.Float64,
}
UNAVAILABLE = "coder_unavailable"
VACANCY_KEY = "source_vacancy_id"


def _titles(relation, column: str, source: str, key: str | None = None) -> pl.DataFrame:
    """The titles of one staging model; with `key`, of each record's latest snapshot only.

    The portal and AK1 exports are daily snapshots that repeat a record still open, so a record
    counts once, with the title of its latest partition (the rule of macros/latest_snapshot.sql
    that the marts follow); WLKP lines (no `key`) are each a report of their own month.
    """
    if key is None:
        titles = relation.project(f"{column} as job_title").pl()
    else:
        titles = (
            relation.project(
                f"{key} as record_id, _partition_key, source_file, source_row, "
                f"{column} as job_title"
            )
            .pl()
            .sort(["_partition_key", "source_file", "source_row"], descending=True)
            .unique(subset="record_id", keep="first", maintain_order=True)
            .select("job_title")
        )
    return titles.with_columns(
        pl.col("job_title").str.strip_chars(), pl.lit(source).alias("title_source")
    ).filter(pl.col("job_title").is_not_null() & (pl.col("job_title") != ""))


def _coder_fingerprint() -> str:
    # The model's key (training inputs, code, switches) and `coder.py`. Hashing them reads a few
    # files, far cheaper than loading the model.
    from ingest.occupations.build import coder_fingerprint

    return coder_fingerprint()


def _previous_codes(session, this, fingerprint: str) -> pl.DataFrame:
    """Titles the previous build coded with this coder (none if there is no previous build)."""
    from ingest.warehouse import table_columns

    columns = set(table_columns(session, f"{this.schema}.{this.identifier}") or {})
    if not {"job_title", "coder_fingerprint", *CODED_COLUMNS} <= columns:
        return pl.DataFrame(schema={"job_title": pl.String, **CODED_COLUMNS})
    return session.sql(
        f"select job_title, {', '.join(CODED_COLUMNS)} from {this!r} "
        "where coder_fingerprint = ? and occupation_coding_status <> ?",
        params=[fingerprint, UNAVAILABLE],
    ).pl()


def _code(titles: pl.DataFrame) -> pl.DataFrame:
    """`job_title` -> the coded columns, for titles never coded before."""
    if titles.is_empty():
        return titles.select("job_title").with_columns(
            *(pl.lit(None, dtype=dtype).alias(name) for name, dtype in CODED_COLUMNS.items())
        )
    try:
        from ingest.occupations.coder import default_coder

        # One coder for the codes and the threshold the release manifest publishes (the
        # confidences alone do not give it): asking for the process's coder twice could meet a
        # model rebuilt in between (its key changed).
        coder = default_coder()
        coded = coder.code(titles.select(id="job_title", title="job_title")).coded
        threshold = coder.auto_code_threshold
    # Any failure of the coder (missing or unreadable model cache, missing training data): the
    # admin marts must still build, so the titles land uncoded and flagged instead.
    except Exception as exc:
        log.error("occupation coder unavailable, %d titles land uncoded: %s", titles.height, exc)
        return (
            titles.select("job_title")
            .with_columns(
                *(pl.lit(None, dtype=dtype).alias(name) for name, dtype in CODED_COLUMNS.items())
            )
            .with_columns(
                pl.lit(False).alias("is_auto_coded"),
                pl.lit(UNAVAILABLE).alias("occupation_coding_status"),
            )
        )
    return coded.select(
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
        pl.lit(threshold, dtype=pl.Float64).alias("auto_code_threshold"),
    )


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt finds a Python model's parents by reading literal dbt.ref calls, so one call per model.
    titles = pl.concat(
        [
            _titles(dbt.ref("stg_karirhub__vacancies"), "vacancy_title", "karirhub", VACANCY_KEY),
            _titles(
                dbt.ref("stg_karirhub__listing_hits"),
                "vacancy_title",
                "karirhub_listing",
                VACANCY_KEY,
            ),
            _titles(
                dbt.ref("stg_karirhub__rss_items"), "vacancy_title", "karirhub_rss", VACANCY_KEY
            ),
            _titles(dbt.ref("stg_maganghub__positions"), "vacancy_title", "maganghub", VACANCY_KEY),
            _titles(
                dbt.ref("stg_ak1__job_seekers"),
                "desired_jabatan_title",
                "ak1_job_seekers",
                "job_seeker_id",
            ),
            _titles(
                dbt.ref("stg_ak1__placements"), "jabatan_title", "ak1_placements", "placement_id"
            ),
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
    fingerprint = _coder_fingerprint()
    known = _previous_codes(session, dbt.this, fingerprint)
    new = distinct.join(known, on="job_title", how="anti").select("job_title")
    coded = pl.concat([known.cast(CODED_COLUMNS), _code(new).cast(CODED_COLUMNS)])
    log.info(
        "admin titles: %d distinct, %d coded before by this coder, %d coded now",
        distinct.height,
        distinct.height - new.height,
        new.height,
    )
    return (
        distinct.join(coded, on="job_title", how="left")
        .with_columns(pl.lit(fingerprint).alias("coder_fingerprint"))
        .sort("job_title")
        .to_arrow()
    )
