"""Running one of the vacancy chain's dbt Python models outside dbt, over a frame of postings.

`build` hands the model what dbt-duckdb would: `dbt.ref(...)` as a DuckDB relation of the given
folded postings (columns named as in `int_vacancy_postings_folded`), `dbt.this` naming the
model's own table, and a session whose connection holds that table from the previous `build` on
the same session; the result is stored there as dbt would store it, and returned.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import duckdb
import polars as pl

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "intermediate"


def load_model(relative: str) -> ModuleType:
    """The model file `relative` to dbt_project/models/intermediate, imported as a module."""
    path = MODELS / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Relation:
    def __init__(self, schema: str, identifier: str) -> None:
        self.schema, self.identifier = schema, identifier

    def __repr__(self) -> str:
        return f"{self.schema}.{self.identifier}"


class Session:
    """The part of dbt-duckdb's session the models use: a DuckDB connection."""

    def __init__(self) -> None:
        self.connection = duckdb.connect()
        self.connection.execute("create schema intermediate")

    def execute(self, sql, params):
        return self.connection.execute(sql, params)

    def sql(self, sql, params):
        return self.connection.sql(sql, params=params)

    def store(self, this: Relation, table: pl.DataFrame) -> None:
        self.connection.register("built", table)
        self.connection.execute(f"create or replace table {this!r} as select * from built")
        self.connection.unregister("built")


class Dbt:
    def __init__(self, name: str, folded: pl.DataFrame, session: Session) -> None:
        self.this = Relation("intermediate", name)
        self._folded = folded
        self._session = session

    def config(self, **_):
        return None

    def ref(self, _name: str):
        return self._session.connection.from_arrow(self._folded.to_arrow())


def build(model: ModuleType, name: str, folded: pl.DataFrame, session: Session) -> pl.DataFrame:
    """Run `model` as dbt would on `folded`, store its table in `session`; its rows."""
    built = pl.from_arrow(model.model(Dbt(name, folded, session), session))
    session.store(Relation("intermediate", name), built)
    return built
