"""AK1 register and placements: generator faults land in quarantine; identifiers pseudonymised."""

from __future__ import annotations

import json

import polars as pl
import pytest

from ingest.admin.ak1 import (
    IDENTIFIER_COLUMNS,
    generate_ak1_exports,
    read_ak1_job_seekers,
    read_ak1_placements,
)
from ingest.admin.personal_data import NIK_PATTERN
from ingest.admin.pseudonymise import load_pseudonym_key
from orchestration.settings import DATA_DIR

SHIPPED = DATA_DIR / "synthetic" / "ak1"
REGISTER = SHIPPED / "ak1_pencari_kerja_synthetic_2025.csv"
PLACEMENTS = SHIPPED / "ak1_penempatan_synthetic_2025.csv"
DEV_KEY = load_pseudonym_key({})


@pytest.fixture(scope="module")
def register():
    return read_ak1_job_seekers(REGISTER, DEV_KEY)


@pytest.fixture(scope="module")
def placements():
    return read_ak1_placements(PLACEMENTS, DEV_KEY)


def test_injected_export_faults_are_quarantined_with_reasons(register) -> None:
    manifest = json.loads((SHIPPED / "ak1_synthetic_manifest.json").read_text())
    info = manifest["files"][REGISTER.name]
    defects = info["injected_defects"]
    assert register.rows_in == info["rows"]
    assert register.rows_quarantined == sum(defects.values())
    counts = dict(register.quarantine.group_by("reason_code").len().iter_rows())
    assert counts.get("nik_scientific_notation", 0) == defects.get("nik_scientific", 0)
    assert counts.get("nik_invalid", 0) == defects.get("nik_wrong_length", 0)
    assert counts.get("unreadable_date", 0) == defects.get("impossible_date", 0)
    assert register.staging["is_region_resolved"].all()


def test_identifiers_are_pseudonymised_at_landing(register, placements) -> None:
    for load in (register, placements):
        for column in IDENTIFIER_COLUMNS:
            assert column not in load.raw.columns
            assert f"{column}_pseudonym" in load.raw.columns
        for column in load.raw.columns:
            values = load.raw[column].drop_nulls().cast(pl.String).to_list()
            assert not any(NIK_PATTERN.search(v) for v in values), column


def test_placements_join_the_register_through_the_pseudonym(register, placements) -> None:
    joined = placements.staging.join(register.staging, on="job_seeker_id", how="inner")
    # Only placements of quarantined register rows fail to join.
    assert joined.height >= placements.rows_loaded - register.rows_quarantined
    assert set(placements.staging["placement_kind"]) <= {"AKL", "AKAD", "AKAN"}
    abroad = placements.staging.filter(pl.col("placement_kind") == "AKAN")
    assert (abroad["region_match_method"] == "abroad").all()
    assert placements.staging["wage_monthly_idr"].min() > 0


def test_staging_keeps_age_not_birth_date(register) -> None:
    assert "birth_date" not in register.staging.columns
    ages = register.staging["age_at_registration"]
    assert ages.min() >= 15 and ages.max() <= 60
    assert set(register.staging["sex"]) == {"male", "female"}


def test_another_key_gives_other_pseudonyms() -> None:
    other = load_pseudonym_key({"LMIS_PSEUDONYM_KEY": "x" * 40})
    first = read_ak1_placements(PLACEMENTS, DEV_KEY).staging["job_seeker_id"]
    second = read_ak1_placements(PLACEMENTS, other).staging["job_seeker_id"]
    assert not set(first) & set(second)


def test_generator_is_deterministic_and_labelled(tmp_path) -> None:
    first = generate_ak1_exports(tmp_path / "a", job_seekers=50, seed=9)
    second = generate_ak1_exports(tmp_path / "b", job_seekers=50, seed=9)
    assert first == second
    assert first["synthetic"] is True
    name = next(iter(first["files"]))
    assert "synthetic" in name
    assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
