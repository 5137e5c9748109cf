"""Landing one crawl partition into `raw.crawled_<spider>`: row accounting, quarantine, crawl log.

The crawl writes the day's postings as JSON lines (`<out>/<spider>/<date>/items.jsonl`, merged
over the day's runs) and the listing records it could not turn into items into the run's
`quarantine.jsonl`. Every line of both files is a row read. An item line loads when it passes
its form checks (a JSON object, the spider's source, a posting id, an http(s) URL, a title, the
partition's date, a `crawled_at` and `posted_at` staging can cast, pay not below zero (text or
structured), an id no earlier loaded item has: a later item
of an id is `id_duplicated`, naming the line of the item that claimed it, by the rule of every
landing, `IdClaims`) and is quarantined otherwise; a line of the crawler's
quarantine is quarantined with the crawler's reason. Values land as text, `problems` and `raw` as
JSON, like every raw table; staging casts them. Structured pay lands as a number staging can cast
(`read_pay_field`: text such as "5jt" is read by the one pay parser); pay nothing reads leaves the
posting loaded with that field empty and `salary_unparsed` in its `problems`, counted.

A partition is replaced exactly: in one transaction its rows are deleted and inserted again, its
quarantine rows are replaced, the load audit is appended and the crawl-log rows of that spider and
day are copied from the crawl state (SQLite) into `raw.crawl_log`. `raw.landed_inputs` records,
in the same transaction, the fingerprint of the files the partition was landed from, so the
incremental night sees a crawl day landed (or landed again with other postings) since the last
publication and rebuilds what reads it (orchestration/operations/incremental.py).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from ingest.landing import QUARANTINE_COLUMNS, LandingResult, mask_landed_text
from ingest.normalise.pay import (
    PAY_NEGATIVE,
    PAY_PARSED,
    PAY_ZERO,
    PLAIN_PAY,
    Pay,
    is_negative,
    parse_pay,
    plain_pay_value,
)
from ingest.quarantine import (
    ID_DUPLICATED,
    PROBLEM_SEPARATOR,
    IdClaims,
    merge_by_line,
    negative_pay_detail,
)
from ingest.scrapers.state import read_table
from ingest.warehouse import ensure_landing_tables, load_audit_rows, record_landed_input
from orchestration.crawling.sources import CrawledSource

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).parent / "sql"
PROVENANCE_COLUMNS = ("_source_file", "_source_row", "_run_id")
_IDENTIFIER = re.compile(r"crawled_[a-z0-9_]+")
_URL = re.compile(r"https?://\S+")
CRAWL_ID_COLUMNS = ("source", "source_posting_id", "spider", "run_id", "crawl_date")
"""Columns that identify a row or its partition: never masked (an id must stay its id)."""
CRAWL_JSON_COLUMNS = ("problems", "raw")
"""Columns landed as JSON (`as_text`), which staging parses: masked so they stay JSON."""


def table_identifier(source: CrawledSource) -> str:
    # Table names cannot be bound parameters; they come from CRAWLED_SOURCES, checked anyway.
    if not _IDENTIFIER.fullmatch(source.table):
        raise ValueError(f"not a crawled table name: {source.table!r}")
    return source.table


def ensure_crawl_tables(con: duckdb.DuckDBPyConnection, source: CrawledSource) -> None:
    """Create `raw.crawled_<spider>`, `raw.crawl_log` and the shared bookkeeping tables."""
    ensure_landing_tables(con)
    ddl = (SQL_DIR / "crawled_postings_table.sql").read_text()
    con.execute(ddl.replace("{table}", table_identifier(source)))
    con.execute((SQL_DIR / "crawl_log_table.sql").read_text())


def table_columns(con: duckdb.DuckDBPyConnection, source: CrawledSource) -> list[str]:
    """The landed columns of `raw.crawled_<spider>` in table order, provenance excluded."""
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = ? order by ordinal_position",
        [table_identifier(source)],
    ).fetchall()
    return [name for (name,) in rows if name not in PROVENANCE_COLUMNS]


def as_text(value: Any) -> str | None:
    """A JSON value as the text it lands as: strings unchanged, the rest as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def partition_prefix(source: CrawledSource, crawl_date: str) -> str:
    """The start of every `source_file` of one partition (paths relative to the crawl folder)."""
    return f"{source.spider}/{crawl_date}/"


def _quarantine_row(
    source: CrawledSource, file: str, line: int, field: str, code: str, reason: str, raw: str
) -> dict[str, Any]:
    return {
        "source": source.name,
        "source_file": file,
        "source_row": line,
        "field": field,
        "reason_code": code,
        "reason": reason,
        "raw_record": raw,
    }


_ISO_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?"
)
"""The ISO 8601 layout DuckDB's timestamptz cast reads. Python's `fromisoformat` also reads
basic and week forms ("20240819T204018", "2024-W33-1") that the cast refuses."""


def _is_timestamp(value: Any) -> bool:
    """A value `cast(... as timestamptz)` in stg_crawled__postings can type: no value, or text in
    the extended ISO 8601 layout (`_ISO_TIMESTAMP`) with a real date and time."""
    if value is None:
        return True
    if not isinstance(value, str) or _ISO_TIMESTAMP.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_posted_at(value: Any) -> bool:
    """A `posted_at` staging can type: what `_is_timestamp` accepts, or a real calendar day
    alone (`2025-10-22`, which the timestamp cast reads as midnight)."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return False
        return True
    return _is_timestamp(value)


PAY_FIELDS = ("salary_min", "salary_max")

SALARY_UNPARSED = "salary_unparsed"
"""The item problem (in `problems`, as the spiders write it for pay text) of a posting kept with
structured pay that no reader could make a number of ("n/a", "Nego", "UMR", "s/d 7jt" in
`salary_min`): the posting loads with that field empty, rather than being lost over its pay."""


_THOUSANDS_GROUP = re.compile(r"\.[0-9]{3}$")
"""A plain number whose dot is followed by exactly three digits ("4.500"): `parse_pay` reads
the dot as grouping thousands, so the landing does not read it as a decimal point."""


@dataclass(frozen=True)
class PayReading:
    """What the landing read from one structured pay field (`salary_min`, `salary_max`).

    `amount` is the figure (possibly below zero) when one was read and `text` the figure as the
    raw table lands it (a JSON number or a plain number as given, other text read as a plain
    number); `negative` says the pay is below zero even where no figure is kept
    ("Rp -5.000.000"); `unreadable` says a value was given but no figure could be read. No value
    (null, blank) is none of these."""

    amount: float | None = None
    text: str | None = None
    negative: bool = False
    unreadable: bool = False


def read_pay_field(value: Any, field: str, period: Any = None, currency: Any = None) -> PayReading:
    """Read one structured pay value of `field` (`salary_min` or `salary_max`) as staging will
    type it: a JSON number, a plain number as text ("5000000", "-1", `PLAIN_PAY`; not "4.500",
    `_THOUSANDS_GROUP`), or else text the project's one pay parser reads (`parse_pay`: "5jt",
    "Rp 5.000.000", "5,5 juta", "4.500") to the figure of this field: a range's low end
    ("5-7jt") in `salary_min` and its high end in `salary_max`, and zero ("Rp 0", as "0") as 0,
    which staging's parser reads as a placeholder, never a wage. A placeholder ("n/a", "Nego",
    "UMR": no figure), a figure a float cannot hold, or a value of another JSON type is
    unreadable. So is text whose stated period or currency is not the item's (`period`,
    `currency`, or month and IDR, which staging's parser assumes when the item gives none):
    "Rp 150rb/hari" beside no period is daily pay, never a monthly figure, and "USD 1,500" beside
    no currency is no rupiah figure; and a one-sided bound in the other field ("s/d 7jt", up to,
    in `salary_min`; "mulai 5jt", from, in `salary_max`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return PayReading()
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return PayReading(unreadable=True)
    if isinstance(value, int | float):
        try:
            amount = float(value)
        except OverflowError:  # json.loads reads 400 digits as an int no float holds
            return PayReading(unreadable=True)
        if not math.isfinite(amount):  # json.loads reads NaN and Infinity
            return PayReading(unreadable=True)
        # A JSON float as a plain number (1e+20 as 100000000000000000000), the layout the raw
        # suite asks for; 5000000.0 keeps its fraction as given.
        text = str(value) if isinstance(value, int) else format(Decimal(repr(value)), "f")
        return PayReading(amount, text, negative=is_negative(amount))
    text = value.strip()
    # "4.500" is a plain number to the layout but 4500 to `parse_pay` (an Indonesian thousands
    # group): text with a dot before exactly three digits goes to the one pay parser.
    if PLAIN_PAY.fullmatch(text) and not _THOUSANDS_GROUP.search(text):
        amount = plain_pay_value(text)
        if amount is None:
            return PayReading(unreadable=True)
        return PayReading(amount, text, negative=is_negative(amount))
    pay = parse_pay(text)
    if pay.status == PAY_NEGATIVE:
        return PayReading(negative=True)
    if pay.status == PAY_ZERO:
        # "Rp 0" as the JSON number 0 lands: staging's parser reads either as the placeholder
        # `zero_placeholder` (and a 0 end of a range as an end not stated), never as a wage.
        return PayReading(0.0, "0")
    if pay.status != PAY_PARSED or not _states_the_items_pay(pay, period, currency):
        return PayReading(unreadable=True)
    # The end this field holds: a range's low end in salary_min and high end in salary_max;
    # None for "s/d 7jt" in salary_min or "mulai 5jt" in salary_max.
    amount = pay.amount_min if field == "salary_min" else pay.amount_max
    if amount is None:
        return PayReading(unreadable=True)
    return PayReading(amount, pay_amount_text(amount))


def _states_the_items_pay(pay: Pay, period: Any, currency: Any) -> bool:
    """Whether the period and currency the pay text states (not assumed by `parse_pay`) are the
    item's: its own, or month and IDR where it gives none, as staging's parser assumes then. A
    figure of another period or currency would be published as the item's."""
    item_period = period.upper() if isinstance(period, str) and period.strip() else "MONTH"
    item_currency = currency.upper() if isinstance(currency, str) and currency.strip() else "IDR"
    if "period_assumed" not in pay.flags and (pay.period or "").upper() != item_period.strip():
        return False
    stated_currency = "currency_assumed" not in pay.flags
    return not stated_currency or (pay.currency or "").upper() == item_currency.strip()


def pay_amount_text(amount: float) -> str:
    """A pay figure as the raw table holds it: a plain number (`PLAIN_PAY`, the layout its
    expectation suite asks for), without an exponent or a needless `.0`."""
    if amount.is_integer():
        return str(int(amount))
    return format(Decimal(repr(amount)), "f")  # 1e-07 as 0.0000001


def _item_problems(
    item: Any, source: CrawledSource, crawl_date: str, claims: IdClaims, line: int
) -> list[tuple[str, str, str]]:
    """(field, reason code, description) of every form check the item fails; empty if none.

    `claims` holds the posting ids claimed so far: the first item of an id that passes every
    other check claims it; a later one is `id_duplicated` (`IdClaims`, the rule of every
    landing)."""
    if not isinstance(item, dict):
        return [("*", "not_an_object", "the line is JSON but not an object")]
    problems = []
    if item.get("source") != source.source:
        problems.append((
            "source",
            "unexpected_source",
            f"source must be {source.source!r}, got {item.get('source')!r}",
        ))  # fmt: skip
    posting_id = item.get("source_posting_id")
    if posting_id is None or not str(posting_id).strip():
        problems.append(("source_posting_id", "missing_id", "posting id is empty"))
    if not isinstance(item.get("url"), str) or not _URL.fullmatch(item["url"]):
        problems.append(
            ("url", "invalid_url", f"URL must start with http(s)://, got {item.get('url')!r}")
        )
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(("title", "missing_title", "title is empty"))
    if not _is_timestamp(item.get("crawled_at")):
        problems.append((
            "crawled_at",
            "invalid_date",
            f"crawled_at must be a real ISO-8601 date and time, got {item.get('crawled_at')!r}",
        ))  # fmt: skip
    if item.get("crawl_date") != crawl_date:
        problems.append((
            "crawl_date",
            "partition_mismatch",
            f"crawl_date must be the partition {crawl_date}, got {item.get('crawl_date')!r}",
        ))  # fmt: skip
    if not _is_posted_at(item.get("posted_at")):
        # Staging try-casts posted_at: an impossible one ("2021-02-30T00:00:00Z") would silently
        # become a posting without a posting time, so it is refused here as crawled_at is.
        problems.append((
            "posted_at",
            "invalid_date",
            f"posted_at must be a real ISO-8601 date (and time), got {item.get('posted_at')!r}",
        ))  # fmt: skip
    salary_text = item.get("salary_text")
    # Pay below zero is quarantined where every other source's is (`salary_negative`); let
    # through, it would reach the marts as a `salary_status` their code list does not allow.
    if isinstance(salary_text, str) and parse_pay(salary_text).status == PAY_NEGATIVE:
        problems.append(("salary_text", "salary_negative", negative_pay_detail(salary_text)))
    for name in PAY_FIELDS:
        # The structured pay, which staging casts to a number: below zero it is refused too,
        # with or without a `salary_text` beside it.
        if read_pay_field(item.get(name), name).negative:
            problems.append((name, "salary_negative", negative_pay_detail(as_text(item[name]))))
    if posting_id is not None and str(posting_id).strip():
        repeated = claims.judge(str(posting_id), line, otherwise_loadable=not problems)
        if repeated is not None:
            problems.append(("source_posting_id", ID_DUPLICATED, repeated))
    return problems


def _item_quarantine_row(
    source: CrawledSource,
    file: str,
    line: int,
    problems: list[tuple[str, str, str]],
    raw: str,
    columns: list[str],
) -> dict[str, Any]:
    """The one quarantine row of an item line, listing all its `problems` as the file commands do
    (`merge_by_line`: field and reason code joined by `;` in column order, reason
    `FILE line N field F: ...; field G: ...`). The item is named by its line of the items file,
    which `source_file` names (paths are relative to the crawl folder, so not `quarantine_record`,
    which keeps the file name only)."""
    records = [
        {
            **_quarantine_row(
                source, file, line, name, code, f"{file} line {line} field {name}: {detail}", raw
            ),
            "id": None,
        }
        for name, code, detail in problems
    ]
    (record,) = merge_by_line(records, columns)
    del record["id"]
    return record


def _land_pay(item: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """Write the structured pay `row` lands: the figure read (`read_pay_field`) as a plain
    number, so staging's cast gets a number, or nothing when none could be read (the value stays
    in the items file). Returns the fields given a value no reader could make a number of."""
    unread = []
    for name in PAY_FIELDS:
        if name not in row:
            continue
        reading = read_pay_field(
            item.get(name), name, item.get("salary_period"), item.get("salary_currency")
        )
        row[name] = reading.text
        if reading.unreadable:
            unread.append(name)
    return unread


def rows_with_problem(loaded: pl.DataFrame, code: str) -> int:
    """How many landed rows list the item problem `code` in `problems` (a JSON list)."""
    if "problems" not in loaded.columns:
        return 0
    count = 0
    for text in loaded["problems"]:
        listed = json.loads(text) if text else []
        count += isinstance(listed, list) and code in listed
    return count


def read_items_file(
    source: CrawledSource,
    path: Path,
    relative: str,
    crawl_date: str,
    columns: list[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Read the day's items: (loaded rows, quarantine rows, file accounting)."""
    loaded: list[dict[str, Any]] = []
    quarantined: list[dict[str, Any]] = []
    claims = IdClaims()
    unknown_fields: Counter[str] = Counter()
    pay_unread: Counter[str] = Counter()
    rows_read = 0
    known = set(columns)
    with path.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            if not line.strip():
                continue  # the writer ends the file with a newline; a blank line is no row
            rows_read += 1
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                quarantined.append(
                    _quarantine_row(
                        source,
                        relative,
                        line_number,
                        "*",
                        "invalid_json",
                        f"{relative} line {line_number}: not JSON ({error.msg})",
                        json.dumps(line.rstrip("\n"), ensure_ascii=False),
                    )
                )
                continue
            problems = _item_problems(item, source, crawl_date, claims, line_number)
            if problems:
                quarantined.append(
                    _item_quarantine_row(
                        source, relative, line_number, problems, line.rstrip("\n"), columns
                    )
                )
                continue
            unknown_fields.update(name for name in item if name not in known)
            row = {name: as_text(item.get(name)) for name in columns}
            unread = _land_pay(item, row)
            if unread:
                pay_unread.update(unread)
                listed = item.get("problems") or []
                listed = listed if isinstance(listed, list) else [listed]
                if "problems" in known and SALARY_UNPARSED not in listed:
                    row["problems"] = as_text([*listed, SALARY_UNPARSED])
            row["_source_file"] = relative
            row["_source_row"] = line_number
            loaded.append(row)
    if unknown_fields:
        # A field the spiders added without a column: the values stay in the items file.
        log.warning(
            "%s: item fields without a column in raw.%s (not landed): %s",
            relative,
            source.table,
            ", ".join(f"{name} ({count})" for name, count in sorted(unknown_fields.items())),
        )
    if pay_unread:
        # Kept, not quarantined: the posting is worth more than its pay field. Counted here and
        # in the asset's metadata (`salary_unparsed`); each row says so in `problems`.
        log.warning(
            "%s: postings kept with pay no reader could make a number of (left empty, problem "
            "%s): %s",
            relative,
            SALARY_UNPARSED,
            ", ".join(f"{name} ({count})" for name, count in sorted(pay_unread.items())),
        )
    accounting = {
        "source": source.name,
        "source_file": relative,
        "rows_read": rows_read,
        "rows_loaded": len(loaded),
        "rows_quarantined": len(quarantined),
    }
    return loaded, quarantined, accounting


def read_crawler_quarantine(
    source: CrawledSource, path: Path, relative: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The records the crawler could not make into items: all quarantined, with its reason."""
    quarantined: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = {}
            record = record if isinstance(record, dict) else {}
            fields = str(record.get("field") or "*").split(PROBLEM_SEPARATOR)
            codes = str(record.get("reason_code") or "crawler_quarantine").split(PROBLEM_SEPARATOR)
            if len(codes) != len(fields):  # a record not written by our crawler: keep it whole
                fields, codes = [PROBLEM_SEPARATOR.join(fields)], [PROBLEM_SEPARATOR.join(codes)]
            # The crawler lists every missing field of a record; one part per field, as the
            # landings of files say it (`FILE line N field F: ...; field G: ...`).
            reason = f"{relative} line {line_number} " + "; ".join(
                f"field {field}: the crawler could not make an item of this listing record ({code})"
                for field, code in zip(fields, codes, strict=True)
            )
            quarantined.append(
                _quarantine_row(
                    source,
                    relative,
                    line_number,
                    PROBLEM_SEPARATOR.join(fields),
                    PROBLEM_SEPARATOR.join(codes),
                    reason,
                    line.rstrip("\n"),
                )
            )
    accounting = {
        "source": source.name,
        "source_file": relative,
        "rows_read": len(quarantined),
        "rows_loaded": 0,
        "rows_quarantined": len(quarantined),
    }
    return quarantined, accounting


def land_crawl_files(
    source: CrawledSource,
    out_dir: Path,
    crawl_date: str,
    items_path: Path,
    crawler_quarantine_path: Path | None,
    columns: list[str],
) -> LandingResult:
    """Read one partition's files; the result's accounting always balances."""
    all_loaded: list[dict[str, Any]] = []
    all_quarantined: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    if items_path.exists():
        loaded, quarantined, accounting = read_items_file(
            source, items_path, items_path.relative_to(out_dir).as_posix(), crawl_date, columns
        )
        all_loaded.extend(loaded)
        all_quarantined.extend(quarantined)
        files.append(accounting)
    else:
        log.warning("%s: no items file for %s at %s", source.spider, crawl_date, items_path)
    if crawler_quarantine_path is not None and crawler_quarantine_path.exists():
        quarantined, accounting = read_crawler_quarantine(
            source, crawler_quarantine_path, crawler_quarantine_path.relative_to(out_dir).as_posix()
        )
        all_quarantined.extend(quarantined)
        files.append(accounting)
    for accounting in files:
        log.info(
            "%s: %s read %d, loaded %d, quarantined %d",
            source.name,
            accounting["source_file"],
            accounting["rows_read"],
            accounting["rows_loaded"],
            accounting["rows_quarantined"],
        )
    schema = {name: pl.String for name in columns} | {"_source_file": pl.String}
    schema["_source_row"] = pl.Int64
    loaded_frame = pl.DataFrame(all_loaded, schema=schema)
    quarantine_frame = pl.DataFrame(all_quarantined, schema=QUARANTINE_COLUMNS)
    # Adverts are written by the public: contact details are masked in every text column but the
    # ids, as the boards' files are (`SourceSpec.masks_personal_data`); the items file keeps them.
    return mask_landed_text(
        LandingResult(source.name, loaded_frame, quarantine_frame, files),
        keep=CRAWL_ID_COLUMNS,
        json_columns=CRAWL_JSON_COLUMNS,
    )


def crawl_log_rows(state_db: Path, spider: str, crawl_date: str) -> list[dict[str, Any]]:
    """The crawl state's log rows of one spider and day (every run of that day)."""
    if not state_db.exists():
        return []
    return [
        row
        for row in read_table(state_db, "crawl_log")
        if row["spider"] == spider and row["crawl_date"] == crawl_date
    ]


_CRAWL_STATE_SCHEMA = {
    "run_id": pl.String,
    "spider": pl.String,
    "source": pl.String,
    "crawl_date": pl.String,
    "started_at": pl.String,
    "finished_at": pl.String,
    "finish_reason": pl.String,
    "is_complete": pl.Int64,
    "incomplete_reasons": pl.String,
    "expected_listings": pl.Int64,
    "expected_pages": pl.Int64,
    "achieved_listings": pl.Int64,
    "achieved_postings": pl.Int64,
    "pages_fetched": pl.Int64,
    "pages_repeated": pl.Int64,
    "items_written": pl.Int64,
    "items_new": pl.Int64,
    "requests_failed": pl.Int64,
    "robots_forbidden": pl.Int64,
    "retry_after_waits": pl.Int64,
    "jsonld_blocks_failed": pl.Int64,
    "items_path": pl.String,
    "archive_path": pl.String,
    "stats_json": pl.String,
}


def _replace_crawl_log(
    con: duckdb.DuckDBPyConnection,
    source: CrawledSource,
    crawl_date: str,
    log_rows: list[dict[str, Any]],
    run_id: str,
    now: datetime,
) -> None:
    # Inside the caller's transaction: the day's runs as the crawl state has them now.
    crawl_state = pl.DataFrame(
        [{name: row.get(name) for name in _CRAWL_STATE_SCHEMA} for row in log_rows],
        schema=_CRAWL_STATE_SCHEMA,
    )
    con.execute(
        "delete from raw.crawl_log where spider = ? and crawl_date = cast(? as date)",
        [source.spider, crawl_date],
    )
    con.register("crawl_state_rows", crawl_state.to_arrow())
    con.execute(
        (SQL_DIR / "crawl_log_insert.sql").read_text(),
        {"dagster_run_id": run_id, "landed_at": now},
    )
    con.unregister("crawl_state_rows")


def record_crawl_log(
    con: duckdb.DuckDBPyConnection,
    source: CrawledSource,
    crawl_date: str,
    log_rows: list[dict[str, Any]],
    run_id: str,
) -> None:
    """Copy the day's crawl-log rows alone (a crawl that died lands no rows, but is logged)."""
    ensure_crawl_tables(con, source)
    con.execute("begin transaction")
    try:
        _replace_crawl_log(con, source, crawl_date, log_rows, run_id, datetime.now(UTC))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def write_crawl_partition(
    con: duckdb.DuckDBPyConnection,
    source: CrawledSource,
    crawl_date: str,
    result: LandingResult,
    log_rows: list[dict[str, Any]],
    run_id: str,
    fingerprint: str | None = None,
) -> None:
    """Replace one partition of `raw.crawled_<spider>` and its quarantine and crawl-log rows;
    with a `fingerprint` (of the files landed), record it in `raw.landed_inputs`."""
    if result.rows_read != result.rows_loaded + result.rows_quarantined:
        raise AssertionError(
            f"{source.name}: row accounting does not balance: read {result.rows_read}, "
            f"loaded {result.rows_loaded}, quarantined {result.rows_quarantined}"
        )
    table = table_identifier(source)
    ensure_crawl_tables(con, source)
    now = datetime.now(UTC)
    loaded = result.loaded.with_columns(pl.lit(run_id).alias("_run_id"))
    quarantined = result.quarantined.with_columns(
        pl.lit(run_id).alias("run_id"), pl.lit(now).alias("quarantined_at")
    )
    audit = load_audit_rows(result, run_id, now)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.{table} where crawl_date = ?", [crawl_date])
        con.register("landed_rows", loaded.to_arrow())
        con.execute(f"insert into raw.{table} by name select * from landed_rows")
        con.unregister("landed_rows")
        con.execute(
            "delete from raw.quarantine where source = ? and starts_with(source_file, ?)",
            [source.name, partition_prefix(source, crawl_date)],
        )
        con.register("quarantined_rows", quarantined.to_arrow())
        con.execute("insert into raw.quarantine by name select * from quarantined_rows")
        con.unregister("quarantined_rows")
        con.register("audit_rows", audit.to_arrow())
        con.execute("insert into raw.load_audit by name select * from audit_rows")
        con.unregister("audit_rows")
        _replace_crawl_log(con, source, crawl_date, log_rows, run_id, now)
        if fingerprint is not None:
            record_landed_input(con, f"raw.{table}", crawl_date, fingerprint, run_id, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    log.info(
        "raw.%s partition %s: %d rows loaded, %d quarantined, %d crawl-log rows (run %s)",
        table,
        crawl_date,
        result.rows_loaded,
        result.rows_quarantined,
        len(log_rows),
        run_id,
    )
