"""The checks of a crawl asset, evaluated on the partition just landed.

The three checks every raw asset has (Great Expectations suite, rows accounted, volume not
dropped), here about one partition: a crawled table keeps every day, so "the table" would mix
tonight with all earlier nights. And `crawl_complete`, which fails when the crawl came back short.

They are declared as check specs of the asset and evaluated in its step, because a separate
check would not know the partition (partitioned asset checks are a preview in Dagster 1.13) nor
the crawl's own verdict.

`crawl_complete` fails with WARN severity and does not block. The rows of a short crawl are real
sightings (each posting was read whole) and nothing downstream is in the crawl job; failing the
step would only hide the rows that did land and invite a re-run that hits the site again. The
failed check, the metadata and `raw.crawl_log` keep the shortfall visible with its reasons.
"""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd

from ingest.scrapers.runner import CrawlResult
from orchestration.crawling.landing import partition_prefix, table_identifier
from orchestration.crawling.sources import CrawledSource
from quality.gx_runner import load_suite_definition, validate_dataframe

SUITE_CHECK = "great_expectations_suite"
ROWS_CHECK = "rows_accounted"
VOLUME_CHECK = "volume_not_dropped"
COMPLETE_CHECK = "crawl_complete"

VOLUME_DROP_TOLERANCE = 0.5
"""A partition with fewer than half the rows of the previous crawled day fails its volume check."""


def suite_name(source: CrawledSource) -> str:
    return f"raw_{source.table}"


def check_specs(source: CrawledSource, key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            SUITE_CHECK,
            asset=key,
            blocking=True,
            description=(
                f"Great Expectations suite quality/suites/{suite_name(source)}.json on the "
                "partition's rows."
            ),
        ),
        dg.AssetCheckSpec(
            ROWS_CHECK,
            asset=key,
            blocking=True,
            description=(
                "Rows read = rows loaded + rows quarantined for this partition and run, and the "
                "table holds exactly the rows loaded for the partition."
            ),
        ),
        dg.AssetCheckSpec(
            VOLUME_CHECK,
            asset=key,
            blocking=True,
            description="The partition is not empty and not below half the previous crawled day.",
        ),
        dg.AssetCheckSpec(
            COMPLETE_CHECK,
            asset=key,
            blocking=False,
            description=(
                "The crawl reached what the site reported (every listing, every detail page, "
                "no request lost); warns with the reasons when it did not."
            ),
        ),
    ]


def suite_frame(
    con: duckdb.DuckDBPyConnection, source: CrawledSource, crawl_date: str
) -> pd.DataFrame:
    """The partition's rows the suite validates (read while holding the warehouse, briefly)."""
    # `raw` (the source's whole record) is left out: the suite does not read it and it is the
    # bulk of the partition's memory.
    return con.execute(
        f"select * exclude (raw) from raw.{table_identifier(source)} where crawl_date = ?",
        [crawl_date],
    ).df()


def suite_check(frame: pd.DataFrame, source: CrawledSource) -> dg.AssetCheckResult:
    try:
        outcome = validate_dataframe(frame, load_suite_definition(suite_name(source)))
    except Exception as exc:  # the engine failed: say so, never pass or fail the data
        return dg.AssetCheckResult(
            check_name=SUITE_CHECK,
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
            description=f"engine error, data not judged: {exc}"[:2000],
            metadata={"engine_error": str(exc)[:2000]},
        )
    return dg.AssetCheckResult(
        check_name=SUITE_CHECK,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.summary()[:2000],
        metadata={
            "rows": outcome.rows,
            "expectations": len(outcome.outcomes),
            "engine_errors": len(outcome.engine_errors),
            "failed_errors": len(outcome.failed_errors),
            "failed_warnings": len(outcome.failed_warnings),
        },
    )


def accounting_check(
    con: duckdb.DuckDBPyConnection, source: CrawledSource, crawl_date: str, run_id: str
) -> dg.AssetCheckResult:
    prefix = partition_prefix(source, crawl_date)
    read, loaded, quarantined = con.execute(
        "select coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), "
        "coalesce(sum(rows_quarantined), 0) from raw.load_audit "
        "where source = ? and run_id = ? and starts_with(source_file, ?)",
        [source.name, run_id, prefix],
    ).fetchone()
    in_table = con.execute(
        f"select count(*) from raw.{table_identifier(source)} where crawl_date = ?", [crawl_date]
    ).fetchone()[0]
    in_quarantine = con.execute(
        "select count(*) from raw.quarantine where source = ? and run_id = ? "
        "and starts_with(source_file, ?)",
        [source.name, run_id, prefix],
    ).fetchone()[0]
    balanced = read == loaded + quarantined and loaded == in_table and quarantined == in_quarantine
    return dg.AssetCheckResult(
        check_name=ROWS_CHECK,
        passed=bool(balanced),
        description=(
            f"partition {crawl_date}: read {read}, loaded {loaded} (table holds {in_table}), "
            f"quarantined {quarantined} (quarantine holds {in_quarantine})"
        ),
        metadata={"rows_read": read, "rows_loaded": loaded, "rows_quarantined": quarantined},
    )


def volume_check(
    con: duckdb.DuckDBPyConnection, source: CrawledSource, crawl_date: str
) -> dg.AssetCheckResult:
    table = table_identifier(source)
    current = con.execute(
        f"select count(*) from raw.{table} where crawl_date = ?", [crawl_date]
    ).fetchone()[0]
    previous = con.execute(
        f"select crawl_date, count(*) from raw.{table} where crawl_date < ? "
        "group by crawl_date order by crawl_date desc limit 1",
        [crawl_date],
    ).fetchone()
    previous_date, previous_rows = previous if previous else (None, None)
    metadata = {"current_rows": current, "previous_rows": previous_rows or 0}
    if current == 0:
        return dg.AssetCheckResult(
            check_name=VOLUME_CHECK,
            passed=False,
            description=f"no rows landed for {crawl_date}",
            metadata=metadata,
        )
    if previous_rows and current < VOLUME_DROP_TOLERANCE * previous_rows:
        return dg.AssetCheckResult(
            check_name=VOLUME_CHECK,
            passed=False,
            description=(
                f"volume dropped from {previous_rows} rows on {previous_date} to {current} on "
                f"{crawl_date}"
            ),
            metadata=metadata,
        )
    return dg.AssetCheckResult(
        check_name=VOLUME_CHECK,
        passed=True,
        description=(
            f"{current} rows on {crawl_date} (previous crawled day: "
            + (f"{previous_rows} on {previous_date})" if previous_rows else "none)")
        ),
        metadata=metadata,
    )


def completeness_check(result: CrawlResult) -> dg.AssetCheckResult:
    reasons = "; ".join(result.incomplete_reasons)
    return dg.AssetCheckResult(
        check_name=COMPLETE_CHECK,
        passed=result.is_complete,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            "complete: every listing and detail page the site reported was read"
            if result.is_complete
            else f"INCOMPLETE: {reasons}"[:2000]
        ),
        metadata={
            "is_complete": result.is_complete,
            "incomplete_reasons": dg.MetadataValue.json(list(result.incomplete_reasons)),
            "expected": dg.MetadataValue.json(result.expected),
            "achieved": dg.MetadataValue.json(result.achieved),
        },
    )
