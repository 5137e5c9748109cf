"""The occupation coder's public behaviour: codes, confidence, auto-coding, quarantine."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ingest.occupations.coder import CLI_COLUMNS, OUTPUT_SCHEMA, OccupationCoder
from ingest.occupations.model import OccupationModel

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def fixture_postings():
    return pl.read_csv(FIXTURES / "titles.csv", infer_schema=False)


@pytest.mark.parametrize(
    ("title", "kbji4"),
    [
        ("Kasir", "5230"),
        ("Dokter Umum", "2211"),
        ("Staf Gudang", "4321"),
        ("Sales Executive (Surabaya)", "3322"),
        ("Driver Pribadi", "8322"),
        # The vehicle decides the unit group: heavy trucks are not cars and vans.
        ("Sopir Truk", "8332"),
        ("Driver Trailer", "8332"),
        ("Sopir Tronton", "8332"),
        # Bus drivers are not car drivers either, and app-based motorcycle taxis are motorcycles.
        ("Sopir Bus", "8331"),
        ("Driver Bus Pariwisata", "8331"),
        ("Driver Ojol", "8321"),
        ("Driver Ojek Online", "8321"),
        ("Guru TK", "2342"),
        ("Graphic Designer", "2166"),
        ("Perawat", "2221"),
    ],
)
def test_common_titles_get_their_unit_group(coder, title, kbji4):
    coded = coder.code(pl.DataFrame({"id": ["x"], "title": [title]})).coded
    assert coded["kbji4"].item() == kbji4
    assert coded["isco08"].item() == kbji4


def test_text_unlike_any_job_title_gets_a_low_confidence(coder):
    nonsense = ["asdf qwerty", "xxxx", "https://www.example.com/job/123", "lorem ipsum dolor"]
    frame = pl.DataFrame({"id": [str(i) for i in range(4)], "title": nonsense})
    coded = coder.code(frame).coded
    known = coder.code(pl.DataFrame({"id": ["k"], "title": ["Staf Gudang"]})).coded
    assert coded["confidence"].max() < 0.3
    assert coded["confidence"].max() < known["confidence"].item()
    assert not coded["is_auto_coded"].any()


def test_unknown_share_counts_words_no_labelled_title_has(occupation_model):
    index = occupation_model.index
    share = index.unknown_share(["asdf qwerty", "staff warehouse", "staff qwerty"])
    assert share.tolist() == [1.0, 0.0, 0.5]


def test_one_row_per_input_row_in_order_with_documented_columns(coder, fixture_postings):
    result = coder.code(fixture_postings)
    assert result.coded.schema == pl.Schema(OUTPUT_SCHEMA)
    assert result.coded["id"].to_list() == fixture_postings["id"].to_list()
    assert set(CLI_COLUMNS) <= set(result.coded.columns)
    confidence = result.coded["confidence"]
    assert confidence.min() >= 0.0 and confidence.max() <= 1.0


def test_rows_without_job_words_are_quarantined_not_lost(coder, fixture_postings):
    result = coder.code(fixture_postings)
    quarantined = result.quarantine.select("id", "reason").rows()
    assert quarantined == [("a3", "title_missing"), ("a7", "title_has_no_job_words")]
    empty = result.coded.filter(pl.col("id").is_in(["a3", "a7"]))
    assert empty["kbji4"].null_count() == 2
    assert empty["confidence"].to_list() == [0.0, 0.0]
    assert not empty["is_auto_coded"].any()


def test_duplicate_ids_are_reported(coder):
    frame = pl.DataFrame({"id": ["1", "1"], "title": ["Kasir", "Sopir"]})
    result = coder.code(frame)
    assert result.quarantine["reason"].to_list() == ["id_duplicated", "id_duplicated"]
    assert result.coded.height == 2


def test_missing_title_column_is_a_clear_error(coder):
    with pytest.raises(ValueError, match="title"):
        coder.code(pl.DataFrame({"id": ["1"]}))


def test_threshold_decides_auto_coding(occupation_model, fixture_postings):
    everything = OccupationCoder(occupation_model, auto_code_threshold=0.0).code(fixture_postings)
    nothing = OccupationCoder(occupation_model, auto_code_threshold=1.01).code(fixture_postings)
    coded = everything.coded["kbji4"].is_not_null()
    assert everything.coded.filter(coded)["is_auto_coded"].all()
    assert not nothing.coded["is_auto_coded"].any()


def test_rows_without_a_code_are_never_auto_coded_even_at_threshold_zero(occupation_model):
    # "---" and "123" normalise to nothing the coder reads: no code, confidence 0. Both the
    # coder and `code_titles(..., auto_code_threshold=0)` (which re-decides) must say false.
    from ingest.occupations import code_titles

    titles = pl.DataFrame({"id": ["1", "2", "3"], "title": ["guru matematika", "---", "123"]})
    coder_rows = OccupationCoder(occupation_model, auto_code_threshold=0.0).code(titles).coded
    api_rows = code_titles(titles, auto_code_threshold=0.0)
    for rows in (coder_rows, api_rows):
        assert rows["kbji4"].is_null().to_list() == [False, True, True]
        assert rows["confidence"].to_list()[1:] == [0.0, 0.0]
        assert rows["is_auto_coded"].to_list() == [True, False, False]


def test_each_distinct_title_is_coded_once(occupation_model, monkeypatch):
    seen: list[int] = []
    original = OccupationModel.rank

    def counting_rank(self, titles, contexts=None, exclude_keys=None, descriptions=None):
        seen.append(len(titles))
        return original(self, titles, contexts, exclude_keys, descriptions)

    monkeypatch.setattr(OccupationModel, "rank", counting_rank)
    frame = pl.DataFrame(
        {
            "id": [str(i) for i in range(300)],
            "title": ["Kasir", "KASIR", "Kasir (Bekasi)", "Staf Gudang", "Staff Gudang"] * 60,
        }
    )
    coded = OccupationCoder(occupation_model).code(frame).coded
    assert seen == [2]
    assert coded.height == 300


def test_alternatives_differ_from_the_top_code(coder):
    coded = coder.code(pl.DataFrame({"id": ["1"], "title": ["Supervisor Produksi"]})).coded
    codes = coded.select("kbji4", "kbji4_alt1", "kbji4_alt2").row(0)
    assert len(set(codes)) == 3
