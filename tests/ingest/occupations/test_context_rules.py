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


ADMIN_TOP = ["4110", "4311", "4321"]
ADMIN_ONLINE_TOP = ["4110", "4311", "5244"]
SUPERVISOR_TOP = ["5222", "3123", "1412"]


@pytest.fixture
def department_cues(monkeypatch):
    monkeypatch.setattr(context_rules, "DEPARTMENT_CUES", True)


@pytest.mark.parametrize(
    ("codes", "title", "text", "expected"),
    [
        # Stock clerk (4321) in the warehouse, by the text or the title.
        (ADMIN_TOP, "staff admin", "pt maju, distributor. mencatat barang masuk dan keluar", 2),
        (ADMIN_TOP, "staff admin", "cv sinar, admin gudang sparepart", 2),
        (ADMIN_TOP, "staff admin stock", "", 2),
        # Accounts clerk (4311) in the finance office.
        (ADMIN_TOP, "staff admin", "pt sinar retail. dibutuhkan staf keuangan untuk pembukuan", 1),
        (ADMIN_TOP, "admin", "membantu divisi accounting menginput jurnal umum", 1),
        # Contact-centre salesperson (5244) of an online shop.
        (ADMIN_ONLINE_TOP, "admin", "toko online kami menjual pakaian muslim", 2),
        (ADMIN_ONLINE_TOP, "admin", "perusahaan e-commerce kosmetik", 2),
        # A restaurant's store supervisor: restaurant manager (1412) when the title model
        # ranks it in its top three.
        (SUPERVISOR_TOP, "store supervisor", "pt rasa nusantara, restaurant chain", 2),
        (SUPERVISOR_TOP, "supervisor outlet", "kedai kopi kenangan", 2),
        (["3123", "5131", "5222"], "supervisor", "rumah makan padang sederhana", 1),
    ],
)
def test_a_department_cue_moves_a_generic_titles_code(
    department_cues, codes, title, text, expected
) -> None:
    assert _choose(codes, title, text) == expected


@pytest.mark.parametrize(
    ("codes", "title", "text"),
    [
        # Two departments named: left alone.
        (ADMIN_TOP, "staff admin", "mengelola stok barang dan laporan bagian keuangan"),
        # Not generic: "admin general" is a general office clerk whatever the employer.
        (ADMIN_TOP, "admin general", "admin gudang"),
        (SUPERVISOR_TOP, "supervisor production", "pabrik roti dan restaurant"),
        # Tasks every office clerk has, tools and schooling are not departments.
        (ADMIN_TOP, "staff admin", "membuat surat penawaran, kwitansi, invoice"),
        (ADMIN_TOP, "staff admin", "membuat laporan keuangan sederhana, menjawab telepon"),
        (ADMIN_TOP, "staff admin", "menguasai software akuntansi accurate, lulusan s1 akuntansi"),
        (ADMIN_ONLINE_TOP, "admin", "upload produk ke marketplace shopee dan tokopedia"),
        # "Finance" as the employer, and a bank: the index's finance clerks are 4312.
        (ADMIN_TOP, "staff admin", "pt adira dinamika multi finance"),
        (ADMIN_TOP, "staff admin", "bank daerah, admin divisi keuangan"),
        # Pay stated in the advert is not payroll work.
        (["4110", "4313", "4311"], "staff admin", "gaji pokok menarik dan bonus"),
        # The rule's code is not in the top three; a shop's supervisor stays a shop supervisor.
        (["3123", "3122", "5222"], "supervisor", "restoran"),
        (SUPERVISOR_TOP, "store supervisor", "supermarket dan department store"),
    ],
)
def test_no_department_move_without_a_clear_cue(department_cues, codes, title, text) -> None:
    assert _choose(codes, title, text) == 0


def test_department_cues_are_off_unless_switched_on() -> None:
    assert not context_rules.DEPARTMENT_CUES
    assert _choose(ADMIN_TOP, "staff admin", "admin gudang") == 0
    assert context_rules.active_rules() == context_rules.RULES


def test_the_department_switch_keys_the_models_cache(monkeypatch) -> None:
    before = build._input_fingerprint()
    monkeypatch.setattr(context_rules, "DEPARTMENT_CUES", True)
    assert build._input_fingerprint() != before


def test_a_department_rule_reads_only_a_generic_title() -> None:
    rule = context_rules.STOCK_CLERK
    assert rule.reads_title("admin")
    assert rule.reads_title("staff admin warehouse")
    assert not rule.reads_title("admin general")
    assert not rule.reads_title("staff")
    assert context_rules.ICT_SALES.reads_title("anything at all")


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
