"""Vacancy normaliser and duplicate linker.

Public API, all vectorised over Polars DataFrames:

* `normalise_postings(df)` adds parsed pay, dates, places, education, experience, employment
  type and work arrangement, each with its status or flags;
* `link_duplicates(df)` returns scored candidate pairs with a duplicate type (full, semantic,
  temporal, partial) and the clusters of postings that make one vacancy;
* `duplicate_rates(df, pairs, clusters)` gives duplicate rates per source and type.

The one-value parsers (`parse_pay`, `parse_date`, `resolve_place`, `parse_education`, ...) are
exported too, for tests and notebooks.
"""

from ingest.normalise.attributes import (
    parse_education,
    parse_employment_types,
    parse_experience,
    parse_work_arrangement,
)
from ingest.normalise.dates import parse_date
from ingest.normalise.frame import InputColumns, normalise_postings
from ingest.normalise.pay import parse_pay
from ingest.normalise.places import resolve_place

__all__ = [
    "InputColumns",
    "normalise_postings",
    "parse_date",
    "parse_education",
    "parse_employment_types",
    "parse_experience",
    "parse_pay",
    "parse_work_arrangement",
    "resolve_place",
]
