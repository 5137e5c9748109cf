"""`lmis check-vacancies IN.csv OUT.csv`: the warehouse's vacancy checks on any file.

For officials checking a batch before it is published: one output row per vacancy with a flag
and the evidence for every rule (docs/data-quality-standards.md, VAC-*); unusable rows go to
`OUT.quarantine.csv` with file line (header = line 1), field and reason, as in every
`lmis IN.csv OUT.csv` command. The logic is in quality/vacancies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-vacancies",
        help="flag vacancies in a CSV (pay below UMP, hours, discrimination, stale, duplicates)",
        # The columns are written out, not taken from quality.vacancies.checks: importing the
        # checks takes a second, which every `lmis` command would pay for its --help.
        description=(
            "Check a CSV of vacancies (columns id, title, description and, where known, "
            "salary_monthly_min, salary_monthly_max, province_code (BPS), posted_date, "
            "hours_per_week; optionally source (lokerid's pay is judged as the site's band), "
            "company, employment_type (part-time, internship and freelance posts, also when "
            "offered beside full-time work or named in the title, are not judged on pay), "
            "first_seen_date, last_seen_date (pay meets the UMP of the year last seen), "
            "vacancy_id, is_first_posting, required_sex, max_age, salary_period (day or "
            "hour: the salary_monthly_* are then the daily or hourly pay times 21.67 or "
            "173.33, and are held to the daily minimum, UMP / 25 or / 21 by the days a week, "
            "or the hourly one, UMP / 126)) and write one "
            "row per vacancy with a flag and evidence per rule; without hours_per_week, hours "
            "are read from the description. Rows that cannot be used (a field that does not "
            "parse, a salary_monthly_min above salary_monthly_max, a repeated id) go to "
            "OUT.quarantine.csv beside OUT (out.csv -> out.quarantine.csv), numbered by file "
            "line (header = line 1)."
        ),
    )
    parser.add_argument("input", type=Path, help="vacancies CSV (UTF-8, header row)")
    parser.add_argument("output", type=Path, help="where to write the flags CSV")
    parser.add_argument(
        "--minimum-wages",
        type=Path,
        default=None,
        help="UMP table (parquet or CSV: province_bps_code, wage_year, minimum_wage_monthly_idr);"
        " default: the published fct_minimum_wages.parquet",
    )
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=None,
        help="reference date for staleness (YYYY-MM-DD); default: the latest last_seen_date, "
        "else today in Jakarta",
    )
    parser.add_argument(
        "--stale-after-days",
        type=int,
        default=90,
        help="age after which an unseen vacancy is stale (default 90)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ingest.csv_records import CsvInputError
    from ingest.file_commands import refuse_to_overwrite
    from orchestration import settings
    from quality.vacancies import CheckSettings
    from quality.vacancies.batch import (
        BatchInputError,
        check_vacancy_file,
        load_minimum_wages,
        write_outputs,
    )

    wages_path = args.minimum_wages or settings.MARTS_DIR / "fct_minimum_wages.parquet"
    try:
        refuse_to_overwrite(args.input, args.output)
    except CsvInputError as exc:
        log.error("%s", exc)
        return 2
    try:
        wages = load_minimum_wages(wages_path)
        result = check_vacancy_file(
            args.input,
            wages,
            CheckSettings(stale_after_days=args.stale_after_days, as_of=args.as_of),
        )
    except BatchInputError as exc:
        log.error("%s", exc)
        return 2
    out_path, quarantine_path = write_outputs(result, args.output)
    log.info(
        "%d vacancies checked -> %s; %d rows quarantined -> %s",
        result.checked.height,
        out_path,
        result.quarantined.height,
        quarantine_path,
    )
    return 0
