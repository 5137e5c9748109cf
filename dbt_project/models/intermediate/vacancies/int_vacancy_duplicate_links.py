"""One row per posting: the distinct vacancy it belongs to and its links to other postings.

A dbt Python model around `ingest.normalise.duplicates.link_duplicates`. The linker's pairs are
kept on both postings of each pair (`duplicate_links`, `uncertain_links`: lists of the other
posting, the score and the type), so the pair table and the rates are plain SQL downstream.
"""

import polars as pl

from ingest.normalise.duplicates import link_duplicates

# Every column the linker reads (`duplicates.INPUT_COLUMNS`): one it is not given is read as
# null without a word, and place evidence is lost.
LINKER_COLUMNS = """
    f.posting_id,
    f.source,
    f.source_posting_id,
    f.job_title as title,
    f.company_name as company,
    f.description,
    f.posting_url as url,
    n.province_code,
    n.regency_code,
    n.regency_name,
    n.location_status,
    f.location_text,
    n.posted_date,
    n.crawled_date,
    n.salary_monthly_min,
    n.salary_monthly_max,
    n.employment_type
"""


def _links(pairs: pl.DataFrame, decision: str) -> pl.DataFrame:
    chosen = pairs.filter(pl.col("decision") == decision)
    link = {"score": pl.col("score"), "duplicate_type": pl.col("duplicate_type")}
    both_ways = pl.concat(
        [
            chosen.select(posting_id="posting_id_a", other_posting_id="posting_id_b", **link),
            chosen.select(posting_id="posting_id_b", other_posting_id="posting_id_a", **link),
        ]
    )
    return both_ways.group_by("posting_id").agg(
        pl.struct("other_posting_id", "score", "duplicate_type")
        .sort_by("other_posting_id")
        .alias(f"{decision}_links")
    )


def model(dbt, session):
    dbt.config(materialized="table")
    folded = dbt.ref("int_vacancy_postings_folded")
    normalised = dbt.ref("int_vacancy_postings_normalised")
    postings = (
        folded.set_alias("f")
        .join(normalised.set_alias("n"), "f.posting_id = n.posting_id")
        .project(LINKER_COLUMNS)
        .pl()
        # The linker breaks ties (which posting of a vacancy is its first, which neighbours a
        # window compares) by row position; a join's rows come in any order, so fix it by id.
        .sort("posting_id")
    )
    pairs, clusters = link_duplicates(postings)
    return (
        clusters.join(_links(pairs, "duplicate"), on="posting_id", how="left")
        .join(_links(pairs, "uncertain"), on="posting_id", how="left")
        .to_arrow()
    )
