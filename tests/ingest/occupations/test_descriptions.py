"""Hand-coded adverts with descriptions: their loader and the description scorer/re-ranker."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression

from ingest.occupations import build, descriptions, references
from ingest.occupations.coder import OccupationCoder
from ingest.occupations.descriptions import (
    DESCRIPTION_CHARS,
    RERANK_FEATURE_NAMES,
    DescriptionReranker,
    DescriptionScorer,
    advert_text,
    fit_reranker,
    rerank_features,
)
from ingest.occupations.model import SIGNAL_NAMES, ConfidenceModel

ADVERT_HEADER = "source,advert_id,title,company,description,kbji4,basis,coder\n"


def test_hand_coded_adverts_are_read_with_their_descriptions(tmp_path):
    (tmp_path / "occupation_adverts_x.csv").write_text(
        ADVERT_HEADER
        + "maganghub-2025,1,Staff Admin,PT A,Mencatat jurnal dan laporan keuangan,3313,"
        "description,A\n"
        + "maganghub-2025,2,Staff Admin,PT B,Mengarsip surat dan dokumen,4110,title,A\n"
        + "lokerid-2025,3,Kasir,PT C,Melayani pembayaran,5230,title,B\n"
        + "karirhub-2025,4,Barista,PT D,Membuat kopi,9999,title,C\n",
        encoding="utf-8",
    )
    adverts = references.hand_labelled_adverts(references.hand_advert_paths(tmp_path))
    # The evaluation file's row and the impossible code are dropped; each advert is kept.
    assert adverts["advert_id"].to_list() == ["1", "2"]
    assert adverts["kbji4"].to_list() == ["3313", "4110"]
    assert adverts["description"].to_list()[0].startswith("Mencatat jurnal")
    assert set(adverts.columns) >= {"title", "kbji4", "company", "description", "basis"}


def test_adverts_the_title_decides_are_title_labels_once_per_normalised_title(tmp_path):
    (tmp_path / "occupation_titles_a.csv").write_text(
        "title,kbji4,source\nKasir,5230,karirhub-2025\n", encoding="utf-8"
    )
    (tmp_path / "occupation_adverts_b.csv").write_text(
        ADVERT_HEADER
        + "maganghub-2025,1,Graphic Designer,PT A,Desain konten,2166,title,A\n"
        + "maganghub-2025,2,GRAPHIC DESIGNER,PT B,Desain banner,2166,title,A\n"
        + "maganghub-2025,3,Kasir,PT C,Melayani pembayaran,5230,title,B\n"
        + "maganghub-2025,4,Staff Admin,PT D,Menyusun laporan keuangan,4311,description,B\n",
        encoding="utf-8",
    )
    paths = references.hand_label_paths(tmp_path) + references.hand_advert_paths(tmp_path)
    titles = references.hand_labelled_titles(paths)
    # One label per normalised title and code; none for a code the description decided.
    assert sorted(titles["title"].to_list()) == ["Graphic Designer", "Kasir"]
    assert references.hand_labelled_adverts(references.hand_advert_paths(tmp_path)).height == 4


def test_shipped_advert_labels_carry_the_text_they_were_coded_from():
    paths = references.hand_advert_paths()
    assert [p.name for p in paths] == ["occupation_adverts_batch3.csv"]
    raw = pl.read_csv(paths[0], infer_schema=False)
    assert {"source", "advert_id", "title", "company", "description", "kbji4", "basis"} <= set(
        raw.columns
    )
    assert raw.height >= 900
    assert not raw["source"].is_in(list(references.EVALUATION_SOURCES)).any()
    assert raw["basis"].is_in(["title", "description"]).all()
    assert raw.select("source", "advert_id").is_duplicated().sum() == 0
    assert (raw["description"].fill_null("").str.len_chars() > 0).mean() > 0.95
    units = set(references.kbji_unit_groups()["kbji4"].to_list())
    assert raw["kbji4"].is_in(list(units)).all()


def test_model_cache_is_keyed_by_the_advert_labels():
    assert set(references.hand_advert_paths()) <= set(build.input_paths())


def test_model_cache_and_coder_keys_change_with_the_description_switches(monkeypatch):
    shipped = (build._input_fingerprint(), build.coder_fingerprint())
    monkeypatch.setattr(build, "USE_DESCRIPTIONS", not build.USE_DESCRIPTIONS)
    switched_off = (build._input_fingerprint(), build.coder_fingerprint())
    monkeypatch.setattr(descriptions, "RESCORE", not descriptions.RESCORE)
    rescoring = (build._input_fingerprint(), build.coder_fingerprint())
    assert len({shipped, switched_off, rescoring}) == 3
    assert all(model != coder for model, coder in (shipped, switched_off, rescoring))


def test_coder_key_changes_with_the_coder_code(monkeypatch):
    shipped = build.coder_fingerprint()
    monkeypatch.setattr(build, "_CODER_DIGEST", "another coder.py")
    assert build.coder_fingerprint() != shipped


def test_advert_text_is_company_and_the_start_of_the_description():
    text = advert_text("PT Bank Maju", "<p>Menyalurkan  kredit</p> " + "x" * 2000)
    assert text.startswith("pt bank maju menyalurkan kredit")
    assert len(text) <= len("pt bank maju ") + DESCRIPTION_CHARS
    assert advert_text(None, None) == ""


def _scorer() -> tuple[DescriptionScorer, list[str], list[str]]:
    texts = [
        "mencatat jurnal transaksi dan menyusun laporan keuangan bulanan",
        "menyusun laporan keuangan dan rekonsiliasi bank serta jurnal",
        "mengarsip surat dokumen dan input data administrasi kantor",
        "input data administrasi kantor dan mengarsip dokumen surat",
        "mengajar siswa kelas matematika dan menyusun rencana pelajaran",
        "mengajar siswa dan menilai tugas kelas",
    ]
    codes = ["3313", "3313", "4110", "4110", "2330", "2330"]
    return DescriptionScorer(min_df=1).fit(texts, codes), texts, codes


def test_description_scorer_points_to_the_code_of_similar_descriptions():
    scorer, _, _ = _scorer()
    scores = scorer.scores(["membuat jurnal dan laporan keuangan", "mengajar kelas siswa", ""])
    assert scorer.classes[np.argmax(scores.centroid[0])] == "3313"
    assert scorer.classes[np.argmax(scores.neighbours[1])] == "2330"
    # No text, no evidence.
    assert not scores.centroid[2].any() and not scores.neighbours[2].any()


def test_cross_fitted_scores_never_see_their_own_row():
    scorer, texts, codes = _scorer()
    # A text's own row would make its code's centroid lean towards it; cross-fitted, it does not.
    cross = scorer.cross_fitted(texts, codes, folds=2)
    assert cross.centroid.shape == (6, 3)
    own = scorer.scores(texts)
    columns = [scorer.column_of[c] for c in codes]
    rows = np.arange(6)
    assert (cross.centroid[rows, columns] < own.centroid[rows, columns] - 1e-6).all()


def test_reranker_lets_the_description_overturn_a_weak_title_preference():
    scorer, _, _ = _scorer()
    rng = np.random.default_rng(0)
    rows, features, labels = [], [], []
    # Training: the title ranker slightly prefers 4110, the description says 3313 or 4110.
    for i in range(200):
        truth = "3313" if i % 2 else "4110"
        text = "laporan keuangan jurnal" if truth == "3313" else "arsip surat dokumen"
        scores = scorer.scores([text])
        stage1 = np.array([0.3 + rng.normal(0, 0.1), 0.0])
        codes = np.array(["4110", "3313"])
        features.append(rerank_features(stage1, codes, scores, 0, scorer.column_of))
        labels.append(codes == truth)
        rows.append(i)
    reranker = fit_reranker(np.vstack(features), np.concatenate(labels), np.ones(400))
    scores = scorer.scores(["menyusun laporan keuangan dan jurnal"])
    x = rerank_features(
        np.array([0.3, 0.0]), np.array(["4110", "3313"]), scores, 0, scorer.column_of
    )
    new = reranker.decision_function(x)
    assert new[1] > new[0]


def _trusting_reranker() -> LogisticRegression:
    """A re-ranker that follows the description's centroid only (for plumbing tests)."""
    reranker = LogisticRegression()
    weights = np.zeros(len(RERANK_FEATURE_NAMES))
    weights[RERANK_FEATURE_NAMES.index("centroid_gap")] = 20.0
    reranker.coef_ = weights.reshape(1, -1)
    reranker.intercept_ = np.zeros(1)
    reranker.classes_ = np.array([0, 1])
    return reranker


def _admin_scorer() -> DescriptionScorer:
    """Book-keeping texts are 4311, filing texts 4110."""
    texts = [
        "mencatat jurnal transaksi keuangan dan menyusun laporan keuangan",
        "laporan keuangan rekonsiliasi bank dan pembayaran vendor",
        "mengarsip surat dokumen dan input data administrasi kantor",
        "input data administrasi kantor dan mengarsip surat",
    ]
    return DescriptionScorer(min_df=1).fit(texts, ["4311", "4311", "4110", "4110"])


def test_coder_re_scores_each_advert_with_its_own_description(occupation_model, monkeypatch):
    monkeypatch.setattr(descriptions, "RESCORE", True)
    scorer = _admin_scorer()
    model = dataclasses.replace(
        occupation_model, describer=DescriptionReranker(scorer, _trusting_reranker())
    )
    postings = pl.DataFrame(
        {
            "id": ["money", "files", "bare"],
            "title": ["Staff Admin", "Staff Admin", "Staff Admin"],
            "company": ["PT Maju", "PT Maju", None],
            "description": [
                "Menyusun laporan keuangan dan mencatat jurnal transaksi",
                "Mengarsip surat dan dokumen kantor",
                None,
            ],
        }
    )
    coded = OccupationCoder(model).code(postings).coded
    assert coded["kbji4"].to_list() == ["4311", "4110", "4110"]
    # Without a re-ranker the description changes nothing.
    plain = OccupationCoder(dataclasses.replace(occupation_model, describer=None))
    assert plain.code(postings).coded["kbji4"].to_list() == ["4110"] * 3


def test_code_scores_read_each_rows_column_of_its_texts_scores(monkeypatch):
    scorer, _, _ = _scorer()
    # Batches smaller than the texts, so rows of one text must be found across batches.
    monkeypatch.setattr(descriptions, "SCORE_BATCH", 2)
    texts = ["laporan keuangan jurnal", "", "mengajar siswa kelas", "arsip surat", "zzz qqq"]
    text_rows = np.array([2, 0, 0, 4, 1, 3, 2, 0])
    columns = np.array([0, 1, -1, 2, 0, 1, 2, 0])
    centroid, share, found = scorer.code_scores(texts, text_rows, columns)
    full = scorer.scores(texts)
    known = columns >= 0
    safe = np.where(known, columns, 0)
    assert np.allclose(centroid, np.where(known, full.centroid[text_rows, safe], 0.0))
    assert np.allclose(share, np.where(known, full.neighbours[text_rows, safe], 0.0))
    # An empty text or one of words no labelled description has is no text.
    assert found.tolist() == [True, False, True, True, False]


def _signal_model(occupation_model):
    scorer = _admin_scorer()
    # A confidence model that trusts the description's backing of the top code.
    rng = np.random.default_rng(0)
    signals = rng.uniform(0.0, 1.0, (400, len(SIGNAL_NAMES)))
    signals[:, SIGNAL_NAMES.index("unknown_share")] = 0.0
    backing = signals[:, SIGNAL_NAMES.index("description_centroid")]
    correct = backing + rng.normal(0.0, 0.1, 400) > 0.3
    return dataclasses.replace(
        occupation_model,
        describer=DescriptionReranker(scorer, _trusting_reranker()),
        calibrator=ConfidenceModel("platt").fit(signals, correct),
    )


def test_lean_description_signals_equal_those_of_expanded_candidates(occupation_model, monkeypatch):
    model = _signal_model(occupation_model)
    monkeypatch.setattr(descriptions, "RESCORE", False)
    titles = ["staff admin", "staff admin", "kasir", "staff admin", "kasir"]
    contexts = ["", "", "", "keuangan", ""]
    texts = [
        "menyusun laporan keuangan dan jurnal",
        "mengarsip surat kantor",
        "menyusun laporan keuangan dan jurnal",
        "",
        "kata asing sekali",
    ]
    lean = model.rank(titles, contexts, descriptions=texts)
    # The expanded path (every row's candidates, as the re-ranker needs) with the title ranking.
    pairs = {pair: i for i, pair in enumerate(dict.fromkeys(zip(titles, contexts, strict=True)))}
    pair_rows = np.asarray([pairs[p] for p in zip(titles, contexts, strict=True)])
    candidates, scores, unknown = model.title_scores_of(
        [t for t, _ in pairs], [c for _, c in pairs], None
    )
    expanded = model._with_descriptions(candidates, scores, unknown, pair_rows, texts)
    assert lean.codes == expanded.codes
    assert np.allclose(lean.signals, expanded.signals)
    has_text = lean.signals[:, SIGNAL_NAMES.index("has_description")]
    assert has_text.tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    centroid = lean.signals[:, SIGNAL_NAMES.index("description_centroid")]
    # "Staff Admin" is coded 4110 either way; the filing text backs that code more.
    assert lean.codes[0][0] == lean.codes[1][0] == "4110"
    assert centroid[1] > centroid[0]


def test_signals_only_keep_the_title_ranking_and_move_the_confidence(occupation_model, monkeypatch):
    model = _signal_model(occupation_model)
    monkeypatch.setattr(descriptions, "RESCORE", False)
    head = "Mengarsip surat dan dokumen kantor serta input data administrasi. "
    postings = pl.DataFrame(
        {
            "id": ["files", "files, longer", "money", "bare"],
            "title": ["Staff Admin"] * 4,
            "company": ["PT Maju", "PT Maju", "PT Maju", None],
            "description": [
                head + "a" * 400,
                # Differs only after the characters the scorer reads: one text, one confidence.
                head + "a" * 400 + " lain",
                "Menyusun laporan keuangan dan mencatat jurnal transaksi",
                None,
            ],
        }
    )
    seen: list[int] = []
    original = DescriptionScorer.code_scores

    def counting(self, texts, text_rows, columns):
        seen.append(len(texts))
        return original(self, texts, text_rows, columns)

    monkeypatch.setattr(DescriptionScorer, "code_scores", counting)
    coded = OccupationCoder(model).code(postings).coded
    assert coded["kbji4"].to_list() == ["4110"] * 4
    assert seen == [3]
    files, longer, money, bare = coded["confidence"].to_list()
    assert files == longer
    assert files > max(money, bare)
