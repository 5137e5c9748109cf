"""One row per vacancy posting with a flag and its evidence for every validation rule.

A dbt Python model, so the checks run inside the same `dbt build` as the marts they read; the
checks themselves are `quality.vacancies.check_vacancies`, the code `lmis check-vacancies` runs on
a file, so a posting is judged the same way in the warehouse and in an official's batch. The text
rules' flags come from `int_vacancy_text_flags`, which keeps them for unchanged postings.
"""

import logging

from quality.vacancies import CheckSettings, check_vacancies
from quality.vacancies.warehouse import missing_inputs, vacancy_input_projection

log = logging.getLogger(__name__)

WAGE_COLUMNS = "province_bps_code as province_code, wage_year, minimum_wage_monthly_idr"
TEXT_BOOKKEEPING = ("text_input_hash", "text_rules_fingerprint")


def model(dbt, session):
    dbt.config(materialized="table")
    postings = dbt.ref("fct_vacancy_postings")
    for missing in missing_inputs(postings.columns):
        log.warning("int_vacancy_postings_validated: not available yet: %s", missing)
    vacancies = postings.project(vacancy_input_projection(postings.columns)).pl()
    wages = dbt.ref("fct_minimum_wages").project(WAGE_COLUMNS).pl()
    settings = CheckSettings(stale_after_days=int(dbt.config.get("stale_after_days") or 90))
    text = dbt.ref("int_vacancy_text_flags")
    flag_columns = [c for c in text.columns if c not in ("posting_id", *TEXT_BOOKKEEPING)]
    text_flags = text.project(", ".join(["posting_id as id", *flag_columns])).pl()
    flags = check_vacancies(vacancies, wages, settings, text_flags)
    return flags.rename({"id": "posting_id"}).to_arrow()
