"""Map one round's microdata (text columns, as the readers return them) onto the harmonised schema.

Everything round-specific comes from the round mapping (`config.RoundConfig`); this module only
knows the harmonised schema. It works on a polars DataFrame or LazyFrame (so a 20-million-row
parquet file can be streamed), and returns the persons plus quarantine records for rows that
cannot be used: rows in = persons + distinct quarantined rows.

Harmonised person-level schema (one row per person, `HARMONISED_SCHEMA` below):

| column | meaning |
|---|---|
| period, round_id | survey round (`2020-08`) and the mapping that produced the row |
| is_synthetic | true for generator output |
| se_method | how SEs are computed in the person's stratum (`design`; see below when no regency) |
| source_file, source_row | where the row came from (1-based row number) |
| person_key | the round's own person identifier (no names; not personal data) |
| province_code, regency_code | BPS codes as text (`15`, `1501`) |
| urban_rural | `urban` / `rural` |
| stratum_id, psu_id | survey design: PSU ids are unique across strata |
| weight | scaled survey weight (persons) |
| sex | `1` male, `2` female |
| age, age_group | whole years; `15-24` ... `65+` (`under_15` below the working age) |
| education_level | harmonised level (`primary`, `university`, ... or `unknown`) |
| is_employed, is_unemployed, is_in_labour_force | BPS labour-force status (persons 15+) |
| status_in_employment, is_employee | harmonised status code; employees (buruh/karyawan) |
| occupation_scheme, occupation_code | code with its classification: join on (scheme, code) |
| occupation_digits | how many digits of the scheme the round has |
| industry_sector17 | BPS 17-category sector (`1`..`17`) |
| industry_scheme, industry_code | finer industry code with its classification, if any |
| earnings_monthly_idr, earnings_missing_reason | net monthly earnings, main job (employed) |
| hours_main_job_week, hours_all_jobs_week, hours_missing_reason | hours worked last week |
| wants_more_work, is_underemployed | BPS time-related underemployment (< 35 h and wants more) |
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple, TypeVar

import polars as pl

from ingest.quarantine import ID_DUPLICATED
from ingest.sakernas.config import RoundConfig

log = logging.getLogger(__name__)

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

HARMONISED_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String(),
    "round_id": pl.String(),
    "is_synthetic": pl.Boolean(),
    "se_method": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "person_key": pl.String(),
    "province_code": pl.String(),
    "regency_code": pl.String(),
    "urban_rural": pl.String(),
    "stratum_id": pl.String(),
    "psu_id": pl.String(),
    "weight": pl.Float64(),
    "sex": pl.String(),
    "age": pl.Int32(),
    "age_group": pl.String(),
    "education_level": pl.String(),
    "is_employed": pl.Boolean(),
    "is_unemployed": pl.Boolean(),
    "is_in_labour_force": pl.Boolean(),
    "status_in_employment": pl.String(),
    "is_employee": pl.Boolean(),
    "occupation_scheme": pl.String(),
    "occupation_code": pl.String(),
    "occupation_digits": pl.Int8(),
    "industry_sector17": pl.String(),
    "industry_scheme": pl.String(),
    "industry_code": pl.String(),
    "earnings_monthly_idr": pl.Float64(),
    "earnings_missing_reason": pl.String(),
    "hours_main_job_week": pl.Float64(),
    "hours_all_jobs_week": pl.Float64(),
    "hours_missing_reason": pl.String(),
    "wants_more_work": pl.Boolean(),
    "is_underemployed": pl.Boolean(),
}

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "field": pl.String(),
    "raw_value": pl.String(),
    "reason": pl.String(),
    "claimed_by_row": pl.Int64(),
}
"""One record per problem of a row; `claimed_by_row` is the row that claimed the person key of an
`id_duplicated` row (null for every other reason)."""

PERSON_KEY_SEPARATOR = "+"
"""Joins the variables of a person key made of several in a quarantine row's `field`."""

REASON_DETAILS = {
    "weight_missing_or_not_positive": "weight {value} is missing or not above zero",
    "weight_not_finite": "weight {value} is not a finite number (too large for a float, or NaN)",
    "age_missing_or_not_whole": "age {value} is missing or not a whole number of years",
    "sex_code_unknown": "sex code {value} is not one of the round mapping's codes",
    "province_missing": "the province is missing",
    "age_out_of_range": "age {value} is outside 0-98 years (or the mapping's age range)",
    "hours_out_of_range": "hours {value} are outside the 0-168 hours of a week",
    "earnings_negative": "earnings {value} are negative; a wage cannot be below zero",
    "earnings_above_ceiling": "earnings {value} are above the ceiling of Rp 1,000,000,000 a month",
}
"""The sentence each reason code gives in a landing quarantine row (`{value}` is the raw value);
`id_duplicated` names the claiming row as every landing does (`duplicate_id_detail`)."""

AGE_RANGE = (0, 98)
"""Ages a person can be given (a round mapping may set `age.range`): the household roster lists
members of every age from 0, and the shipped 2020-08 extract's oldest is 98."""
HOURS_PER_WEEK_MAX = 168
"""Hours worked in a week cannot exceed the hours of a week (24 x 7)."""
EARNINGS_MONTHLY_CEILING_IDR = 1_000_000_000
"""Net monthly earnings above Rp 1 billion (each component) are keying errors, not wages: the
shipped extract's largest is Rp 45,000,000, so the ceiling leaves a factor of 20 for real top
earners while one mistyped value (extra digits) can no longer dominate a mean."""

AGE_GROUPS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64))


class HarmonisationError(ValueError):
    """The data do not have what the round mapping refers to."""


class Harmonised(NamedTuple):
    """Usable persons and the quarantine records of the rows that could not be used."""

    persons: Any
    quarantine: Any


def _referenced_variables(spec: dict[str, Any]) -> set[str]:
    """Every source variable the mapping names, to fail early with a clear message."""
    names: set[str] = set()

    def walk(node: Any, key: str | None = None) -> None:
        if isinstance(node, dict):
            for child_key, child in node.items():
                if child_key == "sentinels":
                    continue
                walk(child, child_key)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif key in ("variable", "psu", "main_job", "all_jobs", "other_jobs", "sector17") and node:
            names.add(str(node))
        elif key in ("strata", "person_key", "components") and node:
            names.add(str(node))

    walk(spec)
    return names


class _Mapper:
    """Builds polars expressions from one round mapping."""

    def __init__(self, config: RoundConfig) -> None:
        self.config = config
        self.spec = config.spec
        self.sentinels: dict[str, dict[str, str]] = {
            variable: {str(code): str(reason) for code, reason in codes.items()}
            for variable, codes in (self.spec.get("sentinels") or {}).items()
        }

    def clean(self, variable: str) -> pl.Expr:
        """The variable with its sentinel codes turned into nulls."""
        column = pl.col(variable)
        codes = self.sentinels.get(variable)
        if not codes:
            return column
        return pl.when(column.is_in(list(codes))).then(None).otherwise(column)

    def reason(self, variable: str) -> pl.Expr:
        """Why the variable is missing: its sentinel's reason, `missing` if blank, else null."""
        column = pl.col(variable)
        codes = self.sentinels.get(variable, {})
        expr = pl.when(column.is_null()).then(pl.lit("missing"))
        for code, reason in codes.items():
            expr = expr.when(column == code).then(pl.lit(reason))
        return expr.otherwise(None)

    def number(self, variable: str) -> pl.Expr:
        return self.clean(variable).cast(pl.Float64, strict=False)

    @staticmethod
    def any_of(conditions: list[dict[str, Any]]) -> pl.Expr:
        expr = pl.lit(False)
        for condition in conditions:
            codes = [str(code) for code in condition["in"]]
            expr = expr | pl.col(condition["variable"]).is_in(codes).fill_null(False)
        return expr

    @staticmethod
    def recode(source: pl.Expr, codes: dict[str, str], default: str | None = None) -> pl.Expr:
        mapping = {str(key): str(value) for key, value in codes.items()}
        return source.replace_strict(mapping, default=default, return_dtype=pl.String)


def _age_group(age: pl.Expr) -> pl.Expr:
    expr = pl.when(age < 15).then(pl.lit("under_15"))
    for low, high in AGE_GROUPS:
        expr = expr.when(age <= high).then(pl.lit(f"{low}-{high}"))
    return expr.otherwise(pl.lit("65+"))


def _range_checks(spec: dict[str, Any], mapper: _Mapper) -> list[tuple[str, str, str, pl.Expr]]:
    """Checks of values no person can have (docs/sakernas.md, "Plausible ranges"): a keyed-in
    age of 999 would count as 65+, 200 weekly hours or an earnings of Rp 10^13 would dominate a
    mean. Sentinel codes are nulls by now, so only a given value is judged."""
    age_variable = spec["age"]["variable"]
    low, high = spec["age"].get("range") or AGE_RANGE
    checks = [
        ("_age", age_variable, "age_out_of_range",
         (pl.col("_age") < int(low)) | (pl.col("_age") > int(high))),
    ]  # fmt: skip
    hours_spec = spec.get("hours") or {}
    for key in ("main_job", "all_jobs", "other_jobs"):
        if hours_spec.get(key):
            hours = mapper.number(hours_spec[key])
            # NaN compares above every number, so "nan" is out of range too.
            condition = (hours < 0) | (hours > HOURS_PER_WEEK_MAX)
            checks.append(("", hours_spec[key], "hours_out_of_range", condition.fill_null(False)))
    for variable in (spec.get("earnings") or {}).get("components") or []:
        earnings = mapper.number(variable)
        checks.append(("", variable, "earnings_negative", (earnings < 0).fill_null(False)))
        checks.append(
            (
                "",
                variable,
                "earnings_above_ceiling",
                (earnings > EARNINGS_MONTHLY_CEILING_IDR).fill_null(False),
            )
        )
    return checks


def _claim_person_keys(
    staged: Frame, key_variables: list[str], is_bad: pl.Expr
) -> tuple[Frame, pl.Expr]:
    """`staged` with its person key, and the condition of a later row of a claimed key.

    The repeated-id rule of every landing (`IdClaims` in ingest/quarantine.py): the
    first row (in file order) that is otherwise loadable claims its key; each later row of that
    key is `id_duplicated`, whatever else is wrong with it. A row quarantined for another reason
    claims nothing, so a bad first copy does not cost the person's good one. Key parts compare
    without surrounding blanks; a blank part makes a key that claims nothing. Done as a
    group-by and join rather than row by row, so a streamed file stays streamed.
    """
    parts = [pl.col(v).cast(pl.String).str.strip_chars() for v in key_variables]
    key = pl.when(pl.all_horizontal([part != "" for part in parts])).then(
        pl.concat_str(parts, separator="-")
    )
    staged = staged.with_columns(key.alias("_person_key"))
    claims = (
        staged.filter(~is_bad & pl.col("_person_key").is_not_null())
        .group_by("_person_key")
        .agg(pl.col("source_row").min().alias("_claimed_by"))
    )
    staged = staged.join(claims, on="_person_key", how="left", maintain_order="left")
    return staged, (pl.col("source_row") > pl.col("_claimed_by")).fill_null(False)


def _columns_of(frame: pl.DataFrame | pl.LazyFrame) -> list[str]:
    if isinstance(frame, pl.LazyFrame):
        return frame.collect_schema().names()
    return frame.columns


def harmonise(frame: Frame, config: RoundConfig, *, source_file: str = "") -> Harmonised:
    """Harmonise one round; returns `Harmonised(persons, quarantine)` of the input's frame type.

    `frame` holds the round's variables as text (see `readers.read_microdata`). Rows without a
    positive, finite weight (`weight_not_finite`: too large for a float), a whole-number age, a
    known sex code or a province are quarantined with the file, row, raw value, the field and a
    reason code; everything else is returned in the harmonised schema.
    """
    spec = config.spec
    available = set(_columns_of(frame))
    missing = sorted(_referenced_variables(spec) - available)
    if missing:
        raise HarmonisationError(
            f"{source_file or 'input'}: round mapping {config.source.name} refers to "
            f"variables not in the data: {', '.join(missing)}"
        )
    mapper = _Mapper(config)
    geography = spec["geography"]
    province_spec = geography["province"]
    weight_spec = spec["weight"]
    design = spec.get("design") or {}

    province = mapper.clean(province_spec["variable"]).str.zfill(int(province_spec.get("width", 2)))
    regency_spec = geography.get("regency")
    if regency_spec:
        regency = mapper.clean(regency_spec["variable"]).str.zfill(
            int(regency_spec.get("width", 2))
        )
        if regency_spec.get("prefix_province"):
            regency = province + regency
    else:
        regency = pl.lit(None, dtype=pl.String)
    urban_spec = geography.get("urban_rural")
    urban_rural = (
        mapper.recode(pl.col(urban_spec["variable"]), urban_spec["codes"])
        if urban_spec
        else pl.lit(None, dtype=pl.String)
    )
    person_key = pl.concat_str([pl.col(v) for v in spec.get("person_key", [])], separator="-")
    if not spec.get("person_key"):
        person_key = pl.col("source_row").cast(pl.String)

    staged = frame.with_row_index("source_row", offset=1).with_columns(
        pl.col("source_row").cast(pl.Int64),
        province.alias("_province"),
        regency.alias("_regency"),
        (
            pl.col(weight_spec["variable"]).cast(pl.Float64, strict=False)
            * float(weight_spec.get("scale", 1.0))
        ).alias("_weight"),
        pl.col(spec["age"]["variable"]).cast(pl.Int32, strict=False).alias("_age"),
        mapper.recode(pl.col(spec["sex"]["variable"]), spec["sex"]["codes"]).alias("_sex"),
    )

    checks = [
        ("_weight", weight_spec["variable"], "weight_missing_or_not_positive",
         pl.col("_weight").is_null() | (pl.col("_weight") <= 0)),
        # A weight too large for a float ("1e400", 400 digits, or a huge one times `scale`) is
        # infinite and passed the check above; one such person makes every estimate infinite.
        ("_weight", weight_spec["variable"], "weight_not_finite",
         pl.col("_weight").is_nan() | (pl.col("_weight") == float("inf"))),
        ("_age", spec["age"]["variable"], "age_missing_or_not_whole",
         pl.col("_age").is_null()),
        ("_sex", spec["sex"]["variable"], "sex_code_unknown", pl.col("_sex").is_null()),
        ("_province", province_spec["variable"], "province_missing",
         pl.col("_province").is_null()),
    ]  # fmt: skip
    checks += _range_checks(spec, mapper)
    is_bad = pl.lit(False)
    quarantine_parts = []
    for _, raw_variable, reason, condition in checks:
        is_bad = is_bad | condition
        quarantine_parts.append(
            staged.filter(condition).select(
                pl.lit(source_file).alias("source_file"),
                pl.col("source_row"),
                pl.lit(raw_variable).alias("field"),
                pl.col(raw_variable).cast(pl.String).alias("raw_value"),
                pl.lit(reason).alias("reason"),
                pl.lit(None, dtype=pl.Int64).alias("claimed_by_row"),
            )
        )
    key_variables = [str(v) for v in spec.get("person_key") or []]
    if key_variables:
        staged, duplicated = _claim_person_keys(staged, key_variables, is_bad)
        is_bad = is_bad | duplicated
        quarantine_parts.append(
            staged.filter(duplicated).select(
                pl.lit(source_file).alias("source_file"),
                pl.col("source_row"),
                pl.lit(PERSON_KEY_SEPARATOR.join(key_variables)).alias("field"),
                pl.col("_person_key").alias("raw_value"),
                pl.lit(ID_DUPLICATED).alias("reason"),
                pl.col("_claimed_by").alias("claimed_by_row"),
            )
        )
    quarantine = pl.concat(quarantine_parts)
    usable = staged.filter(~is_bad)

    # Design: strata and PSU as declared; without them every person is its own PSU within the
    # regency (or province), the documented fallback (se_method says which applies).
    strata_vars = list(design.get("strata") or [])
    stratum = pl.concat_str(
        [pl.col("_province"), *[pl.col(v).fill_null("NA") for v in strata_vars]]
        if strata_vars
        else [pl.col("_province"), pl.col("_regency").fill_null("NA")],
        separator="-",
    )
    # A person whose regency is unknown sits in a province x urban/rural stratum (the "NA"
    # above): `se_method_without_regency` names that design, so se_method tells the truth.
    se_method = pl.lit(config.se_method)
    if design.get("se_method_without_regency"):
        se_method = (
            pl.when(pl.col("_regency").is_null())
            .then(pl.lit(str(design["se_method_without_regency"])))
            .otherwise(se_method)
        )
    psu_var = design.get("psu")
    psu = pl.col(psu_var) if psu_var else pl.col("source_row").cast(pl.String)

    labour = spec["labour_force"]
    employed = mapper.any_of(labour["employed_if_any"])
    unemployed = ~employed & mapper.any_of(labour["unemployed_if_any"])
    working_age = pl.col("_age") >= 15

    status_spec = spec.get("status_in_employment") or {}
    if status_spec:
        status = mapper.recode(mapper.clean(status_spec["variable"]), status_spec["codes"])
        employee_codes = [str(c) for c in status_spec.get("employee_codes", ["employee"])]
    else:
        status = pl.lit(None, dtype=pl.String)
        employee_codes = []

    occupation_spec = spec.get("occupation") or {}
    if occupation_spec:
        digits = int(occupation_spec["digits"])
        occupation = mapper.clean(occupation_spec["variable"]).str.zfill(digits)
        occupation_scheme = pl.lit(occupation_spec["scheme"])
    else:
        digits = 0
        occupation = pl.lit(None, dtype=pl.String)
        occupation_scheme = pl.lit(None, dtype=pl.String)

    industry_spec = spec.get("industry") or {}
    sector17 = (
        mapper.clean(industry_spec["sector17"]) if industry_spec.get("sector17") else pl.lit(None)
    )
    if industry_spec.get("variable"):
        industry_code = mapper.clean(industry_spec["variable"])
        industry_scheme = pl.lit(industry_spec["scheme"])
    else:
        industry_code = pl.lit(None, dtype=pl.String)
        industry_scheme = pl.lit(None, dtype=pl.String)

    education_spec = spec.get("education") or {}
    education = (
        mapper.recode(mapper.clean(education_spec["variable"]), education_spec["codes"], "unknown")
        if education_spec
        else pl.lit("unknown")
    )

    earnings_components = list((spec.get("earnings") or {}).get("components") or [])
    if earnings_components:
        values = [mapper.number(v) for v in earnings_components]
        all_missing = pl.all_horizontal([v.is_null() for v in values])
        earnings = (
            pl.when(all_missing)
            .then(None)
            .otherwise(pl.sum_horizontal([v.fill_null(0) for v in values]))
        )
        earnings_reason = mapper.reason(earnings_components[0])
    else:
        earnings = pl.lit(None, dtype=pl.Float64)
        earnings_reason = pl.lit("not_collected")

    hours_spec = spec.get("hours") or {}
    if hours_spec.get("main_job"):
        hours_main = mapper.number(hours_spec["main_job"])
        hours_reason = mapper.reason(hours_spec["main_job"])
        if hours_spec.get("all_jobs"):
            hours_all = mapper.number(hours_spec["all_jobs"]).fill_null(hours_main)
        elif hours_spec.get("other_jobs"):
            hours_all = hours_main + mapper.number(hours_spec["other_jobs"]).fill_null(0)
        else:
            hours_all = hours_main
    else:
        hours_main = hours_all = pl.lit(None, dtype=pl.Float64)
        hours_reason = pl.lit("not_collected")

    under_spec = spec.get("underemployment") or {}
    wants_more = (
        mapper.any_of(under_spec["wants_more_work_if_any"])
        if under_spec.get("wants_more_work_if_any")
        else pl.lit(None, dtype=pl.Boolean)
    )
    threshold = float(under_spec.get("hours_threshold", 35))

    persons = usable.with_columns(
        working_age.alias("_working_age"),
        (employed & working_age).alias("_employed"),
        (unemployed & working_age).alias("_unemployed"),
    ).select(
        pl.lit(config.period).alias("period"),
        pl.lit(config.round_id).alias("round_id"),
        pl.lit(config.is_synthetic).alias("is_synthetic"),
        se_method.alias("se_method"),
        pl.lit(source_file).alias("source_file"),
        pl.col("source_row"),
        person_key.alias("person_key"),
        pl.col("_province").alias("province_code"),
        pl.col("_regency").alias("regency_code"),
        urban_rural.alias("urban_rural"),
        stratum.alias("stratum_id"),
        pl.concat_str([stratum, psu.fill_null("NA")], separator="/").alias("psu_id"),
        pl.col("_weight").alias("weight"),
        pl.col("_sex").alias("sex"),
        pl.col("_age").alias("age"),
        _age_group(pl.col("_age")).alias("age_group"),
        education.alias("education_level"),
        pl.col("_employed").alias("is_employed"),
        pl.col("_unemployed").alias("is_unemployed"),
        (pl.col("_employed") | pl.col("_unemployed")).alias("is_in_labour_force"),
        pl.when(pl.col("_employed")).then(status).alias("status_in_employment"),
        (pl.col("_employed") & status.is_in(employee_codes).fill_null(False)).alias("is_employee"),
        pl.when(pl.col("_employed") & occupation.is_not_null())
        .then(occupation_scheme)
        .alias("occupation_scheme"),
        pl.when(pl.col("_employed")).then(occupation).alias("occupation_code"),
        pl.when(pl.col("_employed") & occupation.is_not_null())
        .then(pl.lit(digits))
        .alias("occupation_digits"),
        pl.when(pl.col("_employed")).then(sector17.cast(pl.String)).alias("industry_sector17"),
        pl.when(pl.col("_employed") & industry_code.is_not_null())
        .then(industry_scheme)
        .alias("industry_scheme"),
        pl.when(pl.col("_employed")).then(industry_code).alias("industry_code"),
        pl.when(pl.col("_employed")).then(earnings).alias("earnings_monthly_idr"),
        pl.when(~pl.col("_employed"))
        .then(pl.lit("not_applicable"))
        .when(earnings.is_null())
        .then(earnings_reason)
        .alias("earnings_missing_reason"),
        pl.when(pl.col("_employed")).then(hours_main).alias("hours_main_job_week"),
        pl.when(pl.col("_employed")).then(hours_all).alias("hours_all_jobs_week"),
        pl.when(~pl.col("_employed"))
        .then(pl.lit("not_applicable"))
        .when(hours_main.is_null())
        .then(hours_reason)
        .alias("hours_missing_reason"),
        pl.when(pl.col("_employed")).then(wants_more).alias("wants_more_work"),
        (
            pl.col("_employed")
            & (hours_all < threshold).fill_null(False)
            & wants_more.fill_null(False)
        ).alias("is_underemployed"),
    )
    persons = persons.cast(HARMONISED_SCHEMA)  # type: ignore[arg-type]
    quarantine = quarantine.cast(QUARANTINE_SCHEMA)  # type: ignore[arg-type]
    if isinstance(persons, pl.DataFrame):
        log.info(
            "harmonised %s with %s: %d persons, %d quarantine records",
            source_file or "input",
            config.round_id,
            persons.height,
            quarantine.height,
        )
    return Harmonised(persons, quarantine)
