"""Map the warehouse's vacancy postings onto the columns `check_vacancies` takes.

`fct_vacancy_postings` grows as the normaliser lands: it first had only the board's pay
(`salary_min`, `salary_max`, `salary_period`, `salary_currency`), then monthly rupiah equivalents
(`salary_monthly_min_idr`, ...), later split into plausible pay and the amount as posted
(`salary_monthly_min_idr_as_posted`), and duplicate clusters (`vacancy_id`, `is_first_posting`).
The projection below uses the richest columns present, so the checks run on either shape; what was
missing is reported by `missing_inputs`.
"""

from __future__ import annotations

MONTHLY_PERIODS = ("monthly", "month")


def _monthly_from_board(bound: str) -> str:
    periods = ", ".join(f"'{p}'" for p in MONTHLY_PERIODS)
    return (
        f"case when lower(salary_period) in ({periods}) and salary_currency = 'IDR' "
        f"then {bound} end"
    )


def vacancy_input_projection(columns: set[str] | list[str]) -> str:
    """A DuckDB select list turning `fct_vacancy_postings` columns into the check's contract."""
    present = set(columns)
    select = [
        "posting_id as id",
        "source",
        "job_title as title",
        "description",
        "company_name as company" if "company_name" in present else "null as company",
    ]
    for bound in ("min", "max"):
        # The pay rule judges the amount as posted: its own plausibility floor says "not a
        # plausible wage" where the mart's plausible-only column would say "no pay stated".
        if f"salary_monthly_{bound}_idr_as_posted" in present:
            select.append(f"salary_monthly_{bound}_idr_as_posted as salary_monthly_{bound}")
        elif f"salary_monthly_{bound}_idr" in present:
            select.append(f"salary_monthly_{bound}_idr as salary_monthly_{bound}")
        elif {f"salary_{bound}", "salary_period", "salary_currency"} <= present:
            select.append(f"{_monthly_from_board(f'salary_{bound}')} as salary_monthly_{bound}")
        else:
            select.append(f"cast(null as double) as salary_monthly_{bound}")
    optional = {
        "province_code": "province_bps_code",
        "posted_date": "posted_date",
        "hours_per_week": "hours_per_week",
        "employment_type": "employment_type",
        "first_seen_date": "first_seen_date",
        "last_seen_date": "last_seen_date",
        "vacancy_id": "vacancy_id",
        "is_first_posting": "is_first_posting",
        # Pay by the day or the hour has its own minimum (VAC-PAY-01); the monthly equivalents
        # above are at the normaliser's factors.
        "salary_period": "salary_period",
    }
    if "employment_types" in present:
        # Every type the board names ("full_time;part_time"), not only the first: the pay rule
        # does not judge a post that also offers part-time work.
        optional["employment_type"] = "employment_types"
    for target, column in optional.items():
        select.append(f"{column} as {target}" if column in present else f"null as {target}")
    return ",\n".join(select)


def missing_inputs(columns: set[str] | list[str]) -> list[str]:
    """Contract inputs the postings cannot supply yet (their rules are then not checked)."""
    present = set(columns)
    missing = []
    if "salary_monthly_min_idr" not in present:
        missing.append("salary_monthly_min/max (only monthly rupiah pay from the board is used)")
    if "hours_per_week" not in present:
        missing.append("hours_per_week (hours are read from the description)")
    if "vacancy_id" not in present:
        missing.append("vacancy_id (duplicates fall back to same title, employer and province)")
    return missing
