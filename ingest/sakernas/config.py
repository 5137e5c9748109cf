"""Per-round harmonisation mappings: load, resolve `extends`, validate.

A round of Sakernas is described by one YAML file in `ingest/sakernas/rounds/` (variable names,
code lists, occupation and industry schemes, design variables). Adding a round means adding its
file; no code changes. A file may `extends:` another round file and override only what differs;
mappings are merged key by key, lists and scalars are replaced.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ingest.merging import deep_merge

log = logging.getLogger(__name__)

ROUNDS_DIR = Path(__file__).resolve().parent / "rounds"

OCCUPATION_SCHEMES = ("KJI1982", "KBJI2002", "KBJI2014")
"""Occupation classifications used by Sakernas over time; codes are only comparable within one."""

INDUSTRY_SCHEMES = ("KBLI2009", "KBLI2015", "KBLI2020")

_PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class RoundConfigError(ValueError):
    """A round mapping file is missing a field or has a value of the wrong kind."""


@dataclass(frozen=True)
class RoundConfig:
    """One validated round mapping. `spec` is the merged YAML content."""

    round_id: str
    period: str
    source: Path
    spec: dict[str, Any]

    @property
    def is_synthetic(self) -> bool:
        return bool(self.spec.get("is_synthetic", False))

    @property
    def se_method(self) -> str:
        return str(self.spec["design"]["se_method"])

    @property
    def occupation_scheme(self) -> str | None:
        occupation = self.spec.get("occupation") or {}
        return occupation.get("scheme")

    @property
    def occupation_digits(self) -> int:
        occupation = self.spec.get("occupation") or {}
        return int(occupation.get("digits", 0))

    @property
    def representative_levels(self) -> list[str]:
        return list(self.spec.get("representative_levels", ["national", "province"]))


def _resolve_path(name_or_path: str | Path) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate.resolve()
    in_rounds = ROUNDS_DIR / f"{name_or_path}.yaml"
    if in_rounds.exists():
        return in_rounds
    known = ", ".join(list_rounds())
    raise RoundConfigError(f"no round mapping {name_or_path!r}; known rounds: {known}")


def _load_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in seen:
        raise RoundConfigError(f"{path}: `extends` cycle through {[str(p) for p in seen]}")
    try:
        with path.open(encoding="utf-8") as handle:
            content = yaml.safe_load(handle) or {}
    except yaml.YAMLError as exc:
        # The parser's message spans lines; its first mark says where.
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise RoundConfigError(f"{path}:{line}: not valid YAML ({problem})") from exc
    if not isinstance(content, dict):
        raise RoundConfigError(f"{path}: top level must be a mapping")
    parent_name = content.pop("extends", None)
    if parent_name is None:
        return content
    parent_path = _resolve_path(parent_name)
    return deep_merge(_load_raw(parent_path, (*seen, path)), content)


def _require(spec: dict[str, Any], dotted: str, path: Path) -> Any:
    node: Any = spec
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node or node[part] in (None, ""):
            raise RoundConfigError(f"{path}: required field `{dotted}` is missing")
        node = node[part]
    return node


def _check_conditions(spec: dict[str, Any], dotted: str, path: Path) -> None:
    conditions = _require(spec, dotted, path)
    if not isinstance(conditions, list) or not conditions:
        raise RoundConfigError(f"{path}: `{dotted}` must be a non-empty list of conditions")
    for index, condition in enumerate(conditions):
        if not isinstance(condition, dict) or "variable" not in condition or "in" not in condition:
            raise RoundConfigError(
                f"{path}: `{dotted}[{index}]` needs `variable` and `in` (a list of codes)"
            )


def load_round_config(name_or_path: str | Path) -> RoundConfig:
    """Load a round mapping by round name (e.g. "2020-08") or by path to a YAML file."""
    path = _resolve_path(name_or_path)
    spec = _load_raw(path)
    for field in (
        "round_id",
        "period",
        "weight.variable",
        "design.se_method",
        "geography.province.variable",
        "sex.variable",
        "age.variable",
    ):
        _require(spec, field, path)
    _check_conditions(spec, "labour_force.employed_if_any", path)
    _check_conditions(spec, "labour_force.unemployed_if_any", path)
    age_range = spec["age"].get("range")
    if age_range is not None and not (
        isinstance(age_range, list)
        and len(age_range) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in age_range)
        and age_range[0] <= age_range[1]
    ):
        # Read by harmonisation's age_out_of_range check; a malformed one would be a traceback.
        raise RoundConfigError(
            f"{path}: `age.range` must be two whole numbers [LOW, HIGH], got {age_range!r}"
        )
    period = str(spec["period"])
    if not _PERIOD_PATTERN.match(period):
        raise RoundConfigError(f"{path}: `period` must look like 2020-08, got {period!r}")
    scheme = (spec.get("occupation") or {}).get("scheme")
    if scheme is not None and scheme not in OCCUPATION_SCHEMES:
        raise RoundConfigError(
            f"{path}: `occupation.scheme` {scheme!r} is not one of {OCCUPATION_SCHEMES}"
        )
    industry_scheme = (spec.get("industry") or {}).get("scheme")
    if industry_scheme is not None and industry_scheme not in INDUSTRY_SCHEMES:
        raise RoundConfigError(
            f"{path}: `industry.scheme` {industry_scheme!r} is not one of {INDUSTRY_SCHEMES}"
        )
    config = RoundConfig(round_id=str(spec["round_id"]), period=period, source=path, spec=spec)
    log.debug("loaded round mapping %s (period %s) from %s", config.round_id, period, path)
    return config


def list_rounds() -> list[str]:
    """Names of the shipped round mappings (file stems), base layouts included."""
    return sorted(p.stem for p in ROUNDS_DIR.glob("*.yaml"))
