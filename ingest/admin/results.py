"""The shape every administrative-source reader returns, and the errors it raises.

Each reader hands back one `AdminLoad`: a raw landing frame (every input row as read, all text,
personal fields included), a staging frame (typed, personal fields removed or pseudonymised), a
quarantine frame (one record per input row that could not be used, with the reason) and a metadata
dict (title block, notes, counts, column order, encoding). The row accounting always balances:
rows in = rows loaded into staging + rows quarantined, and `AdminLoad.check_accounting` proves it.

The quarantine columns match those of `ingest/landing.py` so the later Dagster phase can append
both to one `raw` quarantine table.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from ingest.admin.personal_data import (
    REMOVED,
    holds_personal_value,
    is_personal_column,
    mask_text_columns,
    nik_shaped_number_expr,
)
from ingest.quarantine import merge_by_line, quarantine_record

log = logging.getLogger(__name__)

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "field": pl.String(),
    "reason_code": pl.String(),
    "reason": pl.String(),
    "raw_record": pl.String(),
}


STAGING_KEPT_AS_READ = frozenset({"source_file"})
"""Staging text not masked: the file name, which the file accounting matches to the audit."""
QUARANTINE_MASKED = ("raw_record", "reason")
"""The quarantine text that quotes a record's values (the rest names its file, field, code)."""
NIK_SHAPED_NUMBER = "nik_shaped_number"
"""Reason code of a staged row with a 16-digit whole number in a column of numbers: a NIK typed
as a number, which no count, amount, age or year the readers stage can be."""
"""The whole numbers of 16 digits, [low, high)."""


Personal = Collection[str] | Callable[[str], bool]
"""The personal fields of a record: their names, or a test of a name."""

# A value quoted in a detail, as `repr` or a message quotes it.
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


class AdminSourceError(Exception):
    """A whole file cannot be read (unreadable, wrong encoding, no header, missing columns)."""


class TotalMismatchError(AdminSourceError):
    """A subtotal or grand-total row does not equal the sum of the detail rows it covers."""


def problems_record(
    source: str,
    source_file: str,
    line: int,
    problems: Sequence[tuple[str, str, str]],
    raw_values: object,
    columns: Sequence[str] = (),
    place: str | None = None,
    personal: Personal = (),
) -> dict[str, Any]:
    """The one quarantine entry of an input row with `problems` (field, reason code, detail).

    Listed as the file commands and `ingest/landing.py` list them: `field` and `reason_code`
    joined by `;` in the order of `columns` (the file's columns), every code kept, and the reason
    `FILE line N field F: detail; field G: detail`, N being the line of the file the row starts
    on (header = line 1). A row that is no file line (a spreadsheet row, a hit of a JSON listing,
    an RSS item) is named by `place` instead of `FILE line N`.

    The values of the `personal` fields (at any depth of `raw_values`) are shown as `REMOVED`, in
    `raw_record` and wherever a detail quotes them: the quarantine is in the warehouse, where
    personal data never go. The detail of a problem of a personal field quotes nothing at all (a
    date parser may quote a part of the value, such as its month word). The reason still names
    the field and the line.
    """
    path = Path(source_file)
    is_personal = _personal_test(personal)
    quoted = sorted(_personal_values(raw_values, is_personal), key=len, reverse=True)
    records = [
        quarantine_record(
            source, path, line, None, name, code,
            _unquoted(_QUOTED.sub(REMOVED, detail) if is_personal(name) else detail, quoted),
            None,
        )
        for name, code, detail in problems
    ]  # fmt: skip
    (record,) = merge_by_line(records, list(columns))
    del record["id"]
    if place is not None:
        named = f"{source_file} line {line} "
        record["reason"] = f"{place} " + record["reason"].removeprefix(named)
    # Admin rows may hold dates or numbers; `default=str` keeps them as text instead of failing.
    record["raw_record"] = json.dumps(
        without_personal(raw_values, is_personal), ensure_ascii=False, default=str
    )
    return record


def _personal_test(personal: Personal) -> Callable[[str], bool]:
    if callable(personal):
        return personal
    names = frozenset(personal)
    return names.__contains__


def without_personal(value: object, personal: Personal) -> object:
    """`value` with every non-empty value under a `personal` key, at any depth, as `REMOVED`."""
    is_personal = _personal_test(personal)
    if isinstance(value, dict):
        return {
            key: REMOVED
            if is_personal(key) and item not in (None, "")
            else without_personal(item, is_personal)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [without_personal(item, is_personal) for item in value]
    return value


def _personal_values(value: object, is_personal: Callable[[str], bool]) -> set[str]:
    """The texts of the values `without_personal` removes."""
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            if is_personal(key) and item not in (None, "") and not isinstance(item, dict | list):
                # Text without two letters or digits ("-") would blot out more than the value.
                if sum(c.isalnum() for c in str(item)) >= 2:
                    found.add(str(item))
            else:
                found |= _personal_values(item, is_personal)
        return found
    if isinstance(value, list | tuple):
        return set().union(*(_personal_values(item, is_personal) for item in value))
    return set()


def _unquoted(detail: str, values: Sequence[str]) -> str:
    """`detail` with each of `values` (longest first), also as `repr` escapes it, removed."""
    for value in values:
        for shown in (value, repr(value)[1:-1]):
            detail = detail.replace(shown, REMOVED)
    return detail


def quarantine_frame(records: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=QUARANTINE_SCHEMA)


REGION_FIGURES = ("regions_resolved", "region_match_methods")
"""Metadata counted on staged rows: rows resolved to a regency, and rows per match method."""


def region_figures(staging: pl.DataFrame) -> dict[str, Any]:
    """`REGION_FIGURES` of `staging`, whose rows carry the region columns (`regions.py`)."""
    figures: dict[str, Any] = {"regions_resolved": int(staging["is_region_resolved"].sum())}
    if "region_match_method" in staging.columns:
        methods = staging.group_by("region_match_method").len().sort("region_match_method")
        figures["region_match_methods"] = dict(zip(methods[:, 0], methods[:, 1], strict=True))
    return figures


@dataclass
class AdminLoad:
    """What one administrative source produced in one read.

    `raw` may hold names, phones and e-mails and belongs to the raw landing zone only; `staging`
    never does (a test scans it). `metadata["rows_in"]` counts the input data rows (detail rows of
    an export; structure rows such as subtotals, titles and notes are counted separately).

    Made, every text value of `staging` (but the file name, which the landing's file accounting
    matches) and the `raw_record` and `reason` of `quarantine` have their e-mails, phone numbers
    and NIK-shaped numbers masked: one step for every reader, so a free-text column added later
    is masked too, and `lmis admin load --out` writes what the warehouse landing writes.
    """

    source: str
    raw: pl.DataFrame
    staging: pl.DataFrame
    quarantine: pl.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    row_unit: str = "line"
    """What staging's `source_row` counts (`line`; `hit` of a JSON listing, `item` of a feed)."""

    def __post_init__(self) -> None:
        self._remove_personal_numbers()
        self._count_regions_loaded()
        self.staging = mask_text_columns(self.staging, keep=STAGING_KEPT_AS_READ)
        self.quarantine = mask_text_columns(self.quarantine, QUARANTINE_MASKED)

    def _count_regions_loaded(self) -> None:
        """The metadata's region figures (`REGION_FIGURES`, per file) counted again on the rows
        loaded.

        A reader counts them on the rows it staged; a row quarantined after that (a NIK-shaped
        number, above; a repeated id, `landing.quarantine_repeated_keys`) is not loaded, and
        was counted: `regions_resolved` could exceed `rows_loaded`. Copies are changed, not the
        entries of the loads this one was made from.
        """
        if "is_region_resolved" not in self.staging.columns:
            return
        per_file = "files" in self.metadata
        entries = [dict(entry) for entry in self.metadata.get("files", [self.metadata])]
        if not any(name in entry for entry in entries for name in REGION_FIGURES):
            return
        for entry in entries:
            # A file's rows by its name, as the landing's file accounting matches them.
            rows = (
                self.staging.filter(pl.col("source_file") == entry.get("source_file"))
                if per_file
                else self.staging
            )
            entry.update(
                (name, value) for name, value in region_figures(rows).items() if name in entry
            )
        self.metadata = {**self.metadata, "files": entries} if per_file else entries[0]

    def _remove_personal_numbers(self) -> None:
        """Personal data that text masking cannot see, as masking reads text columns only.

        A staged column personal by its name (`is_personal_column`: `nik`, `phone`) that is not
        text has no pattern to mask: its values are removed (null), with a warning naming it,
        whatever the reader meant; a Boolean one, or one named as a count or a flag (`has_ktp`,
        `hp_count`, `nik_valid`: `holds_personal_value`), is kept and its numbers checked below.
        A staged row with a number of 16 digits before any decimal point in any other column of
        numbers, integer, float or decimal (a NIK in a quota, a wage, a head count:
        `nik_shaped_number_expr`) is moved to quarantine as `nik_shaped_number`, as a value no
        such column can hold: a row is not loaded with a figure that is someone's NIK, and
        nulling it would change a total without a trace. Its `raw_record` is the staged row, the
        number shown as `[nik]`; the reason quotes no value.
        """
        if self.staging.is_empty() and not self.staging.columns:
            return
        texts = (pl.String, pl.List(pl.String))
        schema = self.staging.schema
        personal = [
            name
            for name, dtype in schema.items()
            if dtype not in texts and holds_personal_value(name, dtype)
        ]
        for name in personal:
            log.warning(
                "%s: column %s is personal by its name and is not text (%s), so cannot be masked:"
                " its %d value(s) are removed", self.source, name, schema[name],
                self.staging.height - self.staging.get_column(name).null_count(),
            )  # fmt: skip
        if personal:
            self.staging = self.staging.with_columns(
                pl.lit(None, dtype).alias(name) for name, dtype in self.staging.schema.items()
                if name in personal
            )  # fmt: skip
        numbers = [
            name
            for name, dtype in self.staging.schema.items()
            if dtype.is_numeric() and name != "source_row" and name not in personal
        ]
        if not numbers:
            return
        shaped = {name: nik_shaped_number_expr(name) for name in numbers}
        flags = self.staging.select(
            pl.any_horizontal(shaped.values()).fill_null(False).alias("_any"), **shaped
        )
        if not flags["_any"].any():
            return
        records = []
        for row, flagged in zip(
            self.staging.filter(flags["_any"]).iter_rows(named=True),
            flags.filter(pl.col("_any")).iter_rows(named=True),
            strict=True,
        ):
            fields = [name for name in numbers if flagged[name]]
            problems = [
                (name, NIK_SHAPED_NUMBER, "a 16-digit number, shaped like a NIK, is no value of "
                 "this column; the row is not loaded")
                for name in fields
            ]  # fmt: skip
            # As text masking would show it, and still JSON (a bare [nik] is not).
            row |= dict.fromkeys(fields, "[nik]")
            file, line = row["source_file"], row["source_row"]
            place = None if self.row_unit == "line" else f"{file} {self.row_unit} {line}"
            if row.get("source_sheet") is not None:
                place = f"{file} sheet '{row['source_sheet']}' row {line}"
            records.append(problems_record(
                self.source, file, line, problems, row, list(self.staging.columns), place=place,
                personal=is_personal_column,
            ))  # fmt: skip
        log.warning(
            "%s: %d row(s) with a NIK-shaped number quarantined as %s",
            self.source, len(records), NIK_SHAPED_NUMBER,
        )  # fmt: skip
        self.staging = self.staging.filter(~flags["_any"])
        self.quarantine = pl.concat(
            [self.quarantine, quarantine_frame(records)], how="vertical_relaxed"
        )

    @property
    def rows_in(self) -> int:
        return int(self.metadata["rows_in"])

    @property
    def rows_loaded(self) -> int:
        return self.staging.height

    @property
    def rows_quarantined(self) -> int:
        return self.quarantine.height

    def check_accounting(self) -> None:
        """Raise if any input row was lost or counted twice."""
        if self.rows_in != self.rows_loaded + self.rows_quarantined:
            raise AdminSourceError(
                f"{self.source}: row accounting does not balance: {self.rows_in} rows in, "
                f"{self.rows_loaded} loaded, {self.rows_quarantined} quarantined"
            )

    def log_summary(self) -> None:
        log.info(
            "%s: %d rows in, %d loaded, %d quarantined",
            self.source,
            self.rows_in,
            self.rows_loaded,
            self.rows_quarantined,
        )


def concat_loads(source: str, loads: list[AdminLoad]) -> AdminLoad:
    """Stack the loads of several files of one source; metadata keeps one entry per file."""
    if not loads:
        raise AdminSourceError(f"{source}: no file to load")
    combined = AdminLoad(
        source=source,
        raw=pl.concat([load.raw for load in loads], how="diagonal_relaxed"),
        staging=pl.concat([load.staging for load in loads], how="vertical_relaxed"),
        quarantine=pl.concat([load.quarantine for load in loads], how="vertical"),
        metadata={
            "rows_in": sum(load.rows_in for load in loads),
            "files": [load.metadata for load in loads],
        },
        row_unit=loads[0].row_unit,
    )
    combined.check_accounting()
    return combined
