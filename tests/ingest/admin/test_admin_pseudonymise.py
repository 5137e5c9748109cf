"""Keyed-hash pseudonymisation and the production guard."""

from __future__ import annotations

import logging

import pytest

from ingest.admin.pseudonymise import (
    DEVELOPMENT_KEY,
    PseudonymKeyError,
    load_pseudonym_key,
    pseudonymise,
)

NIK = "3201011203900001"


def test_production_without_a_key_refuses_to_run() -> None:
    with pytest.raises(PseudonymKeyError, match="LMIS_PSEUDONYM_KEY is not set"):
        load_pseudonym_key({"LMIS_ENV": "production"})


def test_production_refuses_a_short_key_and_the_published_one() -> None:
    with pytest.raises(PseudonymKeyError, match="at least 32"):
        load_pseudonym_key({"LMIS_ENV": "production", "LMIS_PSEUDONYM_KEY": "short"})
    with pytest.raises(PseudonymKeyError, match="development key"):
        load_pseudonym_key({"LMIS_ENV": "production", "LMIS_PSEUDONYM_KEY": DEVELOPMENT_KEY})


def test_development_key_is_used_and_said_so(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        key = load_pseudonym_key({})
    assert key.is_development
    assert "DEVELOPMENT pseudonym key" in caplog.text
    assert DEVELOPMENT_KEY not in repr(key)


def test_production_with_a_key() -> None:
    key = load_pseudonym_key({"LMIS_ENV": "production", "LMIS_PSEUDONYM_KEY": "k" * 40})
    assert not key.is_development


def test_pseudonyms_are_stable_keyed_and_separated_by_kind() -> None:
    dev = load_pseudonym_key({})
    other = load_pseudonym_key({"LMIS_PSEUDONYM_KEY": "another-key-" * 4})
    first = pseudonymise(NIK, dev, "nik")
    assert first == pseudonymise("3201-0112-0390-0001", dev, "nik")  # separators ignored
    assert len(first) == 64 and NIK not in first
    assert first != pseudonymise(NIK, other, "nik")
    assert first != pseudonymise(NIK, dev, "ak1")
    assert pseudonymise("  ", dev, "nik") is None
