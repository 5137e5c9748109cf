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
    units = set(references.kbji_unit_groups()["kbji4"].to_list())
    paths = references.hand_label_paths()
    assert references.HAND_LABELS_PATH in paths
    for path in paths:
        hand = pl.read_csv(path, infer_schema=False)
        assert {"title", "kbji4", "source"}.issubset(hand.columns), path.name
        assert hand["kbji4"].str.zfill(4).is_in(list(units)).all(), path.name
        # The evaluation adverts come from these files; none may be hand-labelled for training.
        assert not hand["source"].is_in(list(references.EVALUATION_SOURCES)).any(), path.name
    assert references.hand_labelled_titles().height >= 1500


def test_hand_label_files_are_read_together_and_defensively(tmp_path):
    (tmp_path / "occupation_titles_a.csv").write_text(
        "title,kbji4,source,adverts_with_this_normalised_title\n"
        "Staff Gudang,4321,maganghub-2025,3\n"
        "Kasir,5230,dealls-2024,1\n"
        "Driver,8322,karirhub-2025,2\n",
        encoding="utf-8",
    )
    # A file caught in the middle of a write: a short last line, an impossible code.
    (tmp_path / "occupation_titles_b.csv").write_text(
        "title,kbji4,source,adverts_with_this_normalised_title\n"
        "Staff Gudang,4321,jobstreet-2025,1\n"
        "Barista,9999,jobstreet-2025,1\n"
        "Koki,5120\n",
        encoding="utf-8",
    )
    table = references.hand_labelled_titles(references.hand_label_paths(tmp_path))
    rows = sorted(zip(table["title"].to_list(), table["kbji4"].to_list(), strict=True))
    # The same title with the same code is kept once; an evaluation-file row is dropped.
    assert rows == [("Driver", "8322"), ("Koki", "5120"), ("Staff Gudang", "4321")]
    assert set(table["source"].to_list()) == {"labelled_ads"}


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


def test_the_coder_learns_reference_titles_with_their_errata_applied():
    titles = references.reference_titles().filter(pl.col("kbji4") == "2522")["title"].to_list()
    assert "Systems Administrators" in titles
    assert not any("Aministrator" in title for title in titles)


def test_an_erratum_replaces_only_the_value_as_received():
    table = pl.DataFrame(
        {
            "isco08_code": ["2522", "2522", "2521"],
            "title_en": ["Systems Aministrators", "Systems Admins", "Systems Aministrators"],
        }
    )
    fixed = references.corrected(table, "isco08_structure", code_column="isco08_code")
    # Another spelling of the same code and the same typo under another code stay as they are.
    assert fixed["title_en"].to_list() == [
        "Systems Administrators",
        "Systems Admins",
        "Systems Aministrators",
    ]
