"""Design-based labour-force indicators from harmonised Sakernas persons, computed in DuckDB.

`estimate_indicators(con, persons_table)` fills the `labour_force_indicators` contract: one row
per period x area x breakdown x indicator with `value`, `se`, `rse`, `reliability`, `se_method`,
`sample_persons`, `is_suppressed`, `suppression_reason` and `is_synthetic`.

Standard errors are Taylor-linearised and computed set-based: persons are summed to PSU level per
breakdown cell (one grouping-sets pass per round), PSU totals give per-stratum sums of squares
and cross-products, and the variance of every total and ratio follows in closed form (see
`sql/macros.sql`). Python only loops over rounds, never over estimates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ingest.sakernas.suppression import apply_reliability_and_suppression

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent / "sql"

AREA_LEVELS = ("national", "province", "regency")
NATIONAL_AREA_CODE = "00"

DEMOGRAPHIC_DIMS = ("total", "sex", "age_group", "education")
JOB_DIMS = ("occ1", "occ2", "occ3", "occ4", "kbli_sector", "status")
DEFAULT_REGENCY_DIMS = ("total", "sex", "age_group", "education", "occ1")
"""Regency cells are small: finer occupation levels are published for provinces and nation only."""


@dataclass(frozen=True)
class IndicatorSpec:
    """How one published indicator is read from the cell table."""

    name: str
    value_column: str
    variance_column: str
    sample_column: str
    scale: float
    unit: str
    job_dims: bool
    """Whether the indicator is published by occupation, sector and status (employed-based)."""


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("population_15plus", "pop", "pop_var", "n_pop", 1.0, "persons", False),
    IndicatorSpec("labour_force", "lf", "lf_var", "n_lf", 1.0, "persons", False),
    IndicatorSpec("employed", "emp", "emp_var", "n_emp", 1.0, "persons", True),
    IndicatorSpec("unemployed", "unemp", "unemp_var", "n_unemp", 1.0, "persons", False),
    IndicatorSpec("underemployed", "under", "under_var", "n_under", 1.0, "persons", True),
    IndicatorSpec("tpt", "tpt", "tpt_var", "n_lf", 100.0, "percent", False),
    IndicatorSpec("tpak", "tpak", "tpak_var", "n_pop", 100.0, "percent", False),
    IndicatorSpec(
        "underemployment_rate", "under_rate", "under_rate_var", "n_emp", 100.0, "percent", True
    ),
    IndicatorSpec(
        "earnings_mean_monthly_idr", "earn_mean", "earn_mean_var", "n_earn", 1.0, "idr", True
    ),
    IndicatorSpec(
        "earnings_median_monthly_idr",
        "earn_median",
        "earn_median_var",
        "n_earn",
        1.0,
        "idr",
        True,
    ),
    IndicatorSpec(
        "hours_mean_weekly", "hours_mean", "hours_mean_var", "n_hours", 1.0, "hours", True
    ),
)

MEDIAN_SE_METHOD_SUFFIX = "+median:woodruff_with_mean_deff"
SE_METHOD_SEPARATOR = " | "
"""Between the methods of a cell whose strata differ in kind (cell_estimates.sql)."""

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def _quoted_identifier(name: str) -> str:
    """The persons table is an identifier, not a value: validate it, then quote each part."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a table name: {name!r} (expected [schema.]table)")
    return ".".join(f'"{part}"' for part in name.split("."))


def _breakdown_name(dim: str, scheme: str | None) -> str:
    if dim.startswith("occ"):
        digits = dim[3:]
        if scheme in (None, "KBJI2014"):
            return f"kbji{digits}"
        return f"{scheme.lower()}_{digits}"
    return dim


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, parameters: object = None) -> pl.DataFrame:
    relation = con.sql(sql, params=parameters) if parameters is not None else con.sql(sql)
    return pl.from_arrow(relation.to_arrow_table())  # type: ignore[return-value]


def _round_facts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return _fetch(
        con,
        """
        select
            period,
            count(distinct province_code) as provinces,
            min(occupation_scheme) as scheme,
            coalesce(max(occupation_digits), 0) as digits,
            bool_or(is_synthetic) as is_synthetic
        from sakernas_persons_input
        group by period
        order by period
        """,
    )


def _long_format(cells: pl.DataFrame, scheme: str | None, digits: int) -> pl.DataFrame:
    """One row per cell x indicator, with values scaled to the published unit."""
    occ_dims_kept = {f"occ{d}" for d in range(1, digits + 1)}
    cells = cells.filter(~pl.col("dim").str.starts_with("occ") | pl.col("dim").is_in(occ_dims_kept))
    frames = []
    for spec in INDICATORS:
        allowed = list(DEMOGRAPHIC_DIMS) + (list(JOB_DIMS) if spec.job_dims else [])
        frames.append(
            cells.filter(pl.col("dim").is_in(allowed)).select(
                "period",
                "area_level",
                "area_code",
                "dim",
                "value",
                pl.lit(spec.name).alias("indicator"),
                pl.lit(spec.unit).alias("unit"),
                (pl.col(spec.value_column) * spec.scale).alias("estimate"),
                (pl.col(spec.variance_column).sqrt() * spec.scale).alias("se"),
                pl.col(spec.sample_column).cast(pl.Int64).alias("sample_persons"),
                # PSUs and strata holding one of the persons `sample_persons` counts (p_* and
                # s_* beside n_*).
                pl.col("p_" + spec.sample_column.removeprefix("n_"))
                .cast(pl.Int64)
                .alias("sample_psus"),
                pl.col("s_" + spec.sample_column.removeprefix("n_"))
                .cast(pl.Int64)
                .alias("sample_strata"),
                "se_method",
            )
        )
    long = pl.concat(frames)
    return long.with_columns(
        pl.when(pl.col("dim") == "total")
        .then(pl.lit("total"))
        .otherwise(
            pl.col("dim").replace_strict(
                {d: _breakdown_name(d, scheme) for d in (*DEMOGRAPHIC_DIMS, *JOB_DIMS)},
                default=pl.col("dim"),
            )
            + "="
            + pl.col("value")
        )
        .alias("breakdown"),
        pl.col("dim")
        .replace_strict(
            {d: _breakdown_name(d, scheme) for d in (*DEMOGRAPHIC_DIMS, *JOB_DIMS)},
            default=pl.col("dim"),
        )
        .alias("breakdown_variable"),
    ).drop("dim", "value")


def estimate_indicators(
    con: duckdb.DuckDBPyConnection,
    persons_table: str,
    *,
    area_levels: Sequence[str] = AREA_LEVELS,
    regency_dims: Sequence[str] = DEFAULT_REGENCY_DIMS,
    national_min_provinces: int = 34,
    min_sample_persons: int = 10,
    publish: bool = True,
) -> pl.DataFrame:
    """Estimate every indicator for every round in `persons_table` (harmonised schema).

    National rows are produced only for rounds covering at least `national_min_provinces`
    provinces (a single-province extract says nothing about the nation). With `publish=True`
    (default) suppressed rows keep their key and flags but `value`, `se` and `rse` are null.
    """
    rounds = list(
        iter_round_indicators(
            con,
            persons_table,
            area_levels=area_levels,
            regency_dims=regency_dims,
            national_min_provinces=national_min_provinces,
            min_sample_persons=min_sample_persons,
            publish=publish,
        )
    )
    if not rounds:
        raise ValueError(f"{persons_table}: no persons to estimate from")
    return pl.concat(rounds)


def iter_round_indicators(
    con: duckdb.DuckDBPyConnection,
    persons_table: str,
    *,
    area_levels: Sequence[str] = AREA_LEVELS,
    regency_dims: Sequence[str] = DEFAULT_REGENCY_DIMS,
    national_min_provinces: int = 34,
    min_sample_persons: int = 10,
    publish: bool = True,
) -> Iterator[pl.DataFrame]:
    """Like `estimate_indicators`, one round at a time, so a caller can write each round out
    without holding every round's estimates in memory."""
    unknown = set(area_levels) - set(AREA_LEVELS)
    if unknown:
        raise ValueError(f"unknown area levels {sorted(unknown)}; expected {AREA_LEVELS}")
    con.execute(
        "create or replace temp view sakernas_persons_input as select * from "
        + _quoted_identifier(persons_table)
    )
    con.execute(_sql("macros.sql"))
    facts = _round_facts(con)
    log.info("estimating %d rounds from %s", facts.height, persons_table)
    for fact in facts.iter_rows(named=True):
        period = fact["period"]
        with_national = "national" in area_levels and fact["provinces"] >= national_min_provinces
        parameters = {
            "period": period,
            "with_national": with_national,
            "with_province": "province" in area_levels,
            "with_regency": "regency" in area_levels,
            "regency_dims": list(regency_dims),
        }
        occupation_dims = [f"occ{d}" for d in range(1, int(fact["digits"]) + 1)]
        dims = [*DEMOGRAPHIC_DIMS, *occupation_dims, "kbli_sector", "status"]
        psu_cells_sql = _sql("psu_cells.sql")
        con.execute(
            "create or replace temp table sakernas_psu_cells as " + psu_cells_sql,
            {"period": period, "dim": dims[0]},
        )
        for dim in dims[1:]:
            con.execute(
                "insert into sakernas_psu_cells " + psu_cells_sql, {"period": period, "dim": dim}
            )
        psu_rows = con.execute("select count(*) from sakernas_psu_cells").fetchone()[0]
        con.execute(
            "create or replace temp table sakernas_cells as " + _sql("cell_estimates.sql"),
            parameters,
        )
        median_sql = _sql("median_earnings.sql")
        medians = pl.concat(
            [_fetch(con, median_sql, {**parameters, "dim": dim}) for dim in dims],
            how="vertical_relaxed",
        )
        cells = _fetch(con, "select * from sakernas_cells")
        cells = cells.join(
            medians, on=["area_level", "area_code", "dim", "value"], how="left"
        ).with_columns((pl.col("earn_median_se") ** 2).alias("earn_median_var"))
        long = _long_format(cells, fact["scheme"], int(fact["digits"])).with_columns(
            pl.lit(bool(fact["is_synthetic"])).alias("is_synthetic"),
        )
        long = long.with_columns(
            pl.when(pl.col("indicator") == "earnings_median_monthly_idr")
            # Each of a mixed cell's methods gets the median's suffix.
            .then(
                pl.col("se_method").str.replace_all(
                    SE_METHOD_SEPARATOR, MEDIAN_SE_METHOD_SUFFIX + SE_METHOD_SEPARATOR, literal=True
                )
                + MEDIAN_SE_METHOD_SUFFIX
            )
            .otherwise(pl.col("se_method"))
            .alias("se_method")
        )
        log.info(
            "round %s: %d stratum-cell rows, %d cells, %d estimates (national=%s)",
            period,
            psu_rows,
            cells.height,
            long.height,
            with_national,
        )
        con.execute("drop table sakernas_psu_cells")
        con.execute("drop table sakernas_cells")
        # Every additive identity lies within one round, so suppression runs round by round,
        # which keeps its memory to one round's estimates.
        yield apply_reliability_and_suppression(
            long.rename({"estimate": "value"}),
            min_sample_persons=min_sample_persons,
            publish=publish,
        )
