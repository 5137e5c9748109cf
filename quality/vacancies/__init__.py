"""Vacancy validation: the checks a public employment service applies, as flags with evidence.

* `check_vacancies(vacancies, minimum_wages, settings)` flags every vacancy for each rule of
  `RULES` (pay below UMP, hours above the legal limit, six kinds of discriminatory requirement,
  stale, duplicate) and keeps the evidence;
* `rule_table()` lists the rules with their standard ids (docs/data-quality-standards.md);
* `read_vacancy_file(path)` reads a CSV for `lmis check-vacancies`, quarantining unusable rows.
"""

from quality.vacancies.checks import RULES, CheckSettings, VacancyRule, check_vacancies, rule_table

__all__ = ["RULES", "CheckSettings", "VacancyRule", "check_vacancies", "rule_table"]
