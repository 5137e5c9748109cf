"""One row per coded value of the Sakernas marts' `breakdown` that needs a label (sex,
kbli_sector), from the shipped lookups (`ingest.sakernas.labels`); the sectors' Indonesian labels
are the KBLI 2020 titles of the sections they cover."""

from ingest.sakernas.labels import breakdown_value_labels


def model(dbt, session):
    dbt.config(materialized="table")
    sections = (
        dbt.ref("stg_kbli__industries")
        .filter("kbli_level = 1")
        .project("kbli_section, title_id")
        .fetchall()
    )
    return breakdown_value_labels(dict(sections)).to_arrow()
