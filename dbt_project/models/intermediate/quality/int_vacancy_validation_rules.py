"""One row per vacancy validation rule: its standard id, the columns holding its flag and
evidence, and what it checks. Written from `quality.vacancies.RULES`, so the marts that count
flags and the code that raises them cannot disagree on the list of rules."""

from quality.vacancies import rule_table


def model(dbt, session):
    dbt.config(materialized="table")
    return rule_table().to_arrow()
