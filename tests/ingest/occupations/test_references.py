"""Reference data the coder learns from: shapes, code validity, hand-made files."""

from __future__ import annotations

import csv

import polars as pl

from ingest.occupations import references
from ingest.occupations.normalise import LEXICON_PATH


def test_inverted_ilo_titles_are_reordered():
    assert references.reorder_inverted_title("Writer, technical") == "technical Writer"
    assert (
        references.reorder_inverted_title("Manager, department: industrial relations")
        == "industrial relations department Manager"
    )
    assert references.reorder_inverted_title("Abbot") == "Abbot"


def test_isco_groups_absent_from_kbji_map_to_kbji_groups():
    units = set(references.kbji_unit_groups()["kbji4"].to_list())
    for isco, kbji in references.ISCO_TO_KBJI_EXCEPTIONS.items():
        assert kbji in units
        assert references.isco_to_kbji(isco) == kbji
    assert references.isco_to_kbji("2512") == "2512"
    assert references.isco_to_kbji(None) is None


def test_reference_titles_cover_every_kbji_unit_group():
    table = references.reference_titles()
    units = references.kbji_unit_groups()
    assert units.height == 446
    assert set(table["kbji4"].unique().to_list()) == set(units["kbji4"].to_list())
    assert set(table["source"].unique().to_list()) == {"kbji", "isco", "esco"}


def test_hand_labelled_titles_use_valid_codes_and_no_evaluation_source():
    hand = pl.read_csv(references.HAND_LABELS_PATH, infer_schema=False)
    units = set(references.kbji_unit_groups()["kbji4"].to_list())
    assert hand.height >= 1500
    assert hand["kbji4"].is_in(list(units)).all()
    # The evaluation adverts come from these three files; none may be hand-labelled for training.
    assert not hand["source"].is_in(["jobstreet-2021", "lokerid-2025", "dealls-2024"]).any()


def test_title_lexicon_rows_are_well_formed():
    with LEXICON_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["kind"] in {"translate", "drop"}
        assert row["term"] == row["term"].strip().lower()
        if row["kind"] == "drop":
            assert row["replacement"] == ""
        elif row["replacement"] == "":
            # A translation to nothing removes a phrase ("full time") whose words are kept alone.
            assert " " in row["term"]


def test_gold_set_codes_are_four_digits():
    gold = references.gold_set()
    assert gold.height == 260
    assert gold["kbji4"].str.len_chars().eq(4).all()
