"""Context rules: a setting named in the advert moves a code of the title model's top three."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from ingest.occupations import build, context_rules
from ingest.occupations.coder import _with_chosen_first
from ingest.occupations.model import SIGNAL_FEATURES, SIGNAL_NAMES, Prediction, _move_signals

SALES_TOP = ["3322", "2434", "2433"]
TEACHER_TOP = ["2330", "2353", "2359"]


def _choose(codes: list[str], title: str, text: str) -> int:
    rows = np.zeros(1, dtype=np.int64)
    return int(context_rules.choose([codes], [title], [text], rows, rows)[0])


@pytest.mark.parametrize(
    ("codes", "title", "text", "expected"),
    [
        (SALES_TOP, "account executive", "workato is a b2b saas company", 1),
        (SALES_TOP, "account executive", "pt maju adalah perusahaan software untuk bank", 1),
        (SALES_TOP, "account executive", "ada is a data and artificial intelligence company", 1),
        (SALES_TOP, "sales software", "", 1),
        (SALES_TOP, "sales information technology", "", 1),
        (TEACHER_TOP, "teacher biology secondary school", "bimbel nusantara belajar", 2),
        (TEACHER_TOP, "teacher mathematics", "little ello learning center", 2),
        (TEACHER_TOP, "teacher tutoring privat", "", 2),
    ],
)
def test_a_cue_moves_the_rules_code_first(codes, title, text, expected) -> None:
    assert _choose(codes, title, text) == expected


@pytest.mark.parametrize(
    ("codes", "title", "text"),
    [
        # No cue: "it" is a pronoun; Office "aplikasi" and "komputer" are every advert's
        # requirements, not the product sold.
        (SALES_TOP, "sales executive", "make it happen with our distributor team"),
        (SALES_TOP, "sales executive", "mampu mengoperasikan komputer dan aplikasi ms office"),
        # Tools the worker uses are not what the employer sells.
        (SALES_TOP, "account executive", "distributor makanan, terbiasa menggunakan crm"),
        (SALES_TOP, "account executive", "menguasai software microsoft office"),
        (SALES_TOP, "account executive", "bank, mengelola data nasabah di crm dan erp"),
        (SALES_TOP, "crm officer", "retail"),
        # Marketing stays marketing at a software firm.
        (["2431", "2434", "3322"], "digital marketing", "a software development company"),
        # A school that asks its teachers to tutor is still a school.
        (TEACHER_TOP, "teacher biology", "sma harapan bangsa, tutoring atau mengajar les"),
        # The top code is not one the rule replaces (a developer at a software firm).
        (["2512", "2434", "3322"], "developer", "saas company"),
        # The rule's code is not among the top three: the title does not allow it.
        (["3322", "2433", "1221"], "sales executive", "saas company"),
        # A school teacher at a school.
        (TEACHER_TOP, "teacher biology secondary school", "sma negeri 1 jambi"),
        # A language teacher ranked first is left alone even at a tutoring centre.
        (["2353", "2330", "2359"], "teacher english", "bimbel english course"),
    ],
)
def test_no_move_without_cue_replaceable_top_or_candidate(codes, title, text) -> None:
    assert _choose(codes, title, text) == 0


def test_rows_of_one_pair_move_by_their_own_text() -> None:
    pair_rows = np.array([0, 0, 0], dtype=np.int64)
    text_rows = np.array([0, 1, 0], dtype=np.int64)
    texts = ["distributor makanan", "a saas platform"]
    chosen = context_rules.choose([SALES_TOP], ["account executive"], texts, pair_rows, text_rows)
    assert chosen.tolist() == [0, 1, 0]


def test_reorder_keeps_the_other_codes_in_their_order() -> None:
    assert context_rules.reorder(["a", "b", "c"], 0) == ["a", "b", "c"]
    assert context_rules.reorder(["a", "b", "c"], 1) == ["b", "a", "c"]
    assert context_rules.reorder(["a", "b", "c"], 2) == ["c", "a", "b"]


def test_coder_columns_follow_the_chosen_code() -> None:
    coded = pl.DataFrame(
        {
            "kbji4": ["3322", "3322", "2330"],
            "kbji4_alt1": ["2434", "2434", "2353"],
            "kbji4_alt2": ["2433", "2433", "2359"],
        }
    )
    moved = _with_chosen_first(coded, np.array([0, 1, 2]))
    assert moved.rows() == [
        ("3322", "2434", "2433"),
        ("2434", "3322", "2433"),
        ("2359", "2330", "2353"),
    ]


def test_a_moved_code_gets_its_own_probability_and_no_agreement_signals() -> None:
    signals = np.full((2, len(SIGNAL_NAMES)), 0.9)
    prediction = Prediction([SALES_TOP], [[0.6, 0.3, 0.1]], None)
    _move_signals(signals, prediction, np.array([0, 0]), np.array([0, 1]))
    assert signals[0].tolist() == [0.9] * len(SIGNAL_NAMES)
    assert signals[1, 0] == pytest.approx(0.3)
    assert signals[1, 1] == pytest.approx(-0.3)
    assert signals[1, 2 : 2 + len(SIGNAL_FEATURES)].tolist() == [0.0] * len(SIGNAL_FEATURES)


def test_the_production_coder_reads_the_employer(coder) -> None:
    """Two adverts with one title, which the title model codes as a sales representative with
    ICT sales among its alternatives: the one at a SaaS firm is ICT sales, with a low
    confidence, and the other's code is its first alternative."""
    adverts = pl.DataFrame(
        {
            "id": ["saas", "food"],
            "title": ["Senior Account Executive", "Senior Account Executive"],
            "company": ["Workato", "PT Maju Jaya"],
            "description": ["Workato is a SaaS integration platform", "Distributor makanan"],
        }
    )
    saas, food = coder.code(adverts).coded.iter_rows(named=True)
    # The title model's own ranking, which the rule needs (if new labels change it, choose
    # another title the model ranks this way).
    assert food["kbji4"] == "3322"
    assert "2434" in (food["kbji4_alt1"], food["kbji4_alt2"])
    assert saas["kbji4"] == "2434"
    assert saas["kbji4_alt1"] == "3322"
    assert saas["confidence"] < food["confidence"]
    assert not saas["is_auto_coded"]


def test_every_module_that_shapes_the_model_keys_its_cache() -> None:
    """A changed module must change the model's cache key and so the reused codes; only the
    coder (its own digest), the skills matcher and the evaluation are outside the model."""
    package = Path(build.__file__).parent
    outside = {"__init__.py", "coder.py", "skills.py", "evaluation.py"}
    modules = {path.name for path in package.glob("*.py")} - outside
    assert modules == {path.name for path in build.CODE_FILES}
