"""Precision and recall of the duplicate linker on the labelled real pairs.

The labels (`data/labels/duplicate_pairs/`) were made by reading each candidate pair, blind to
the linker's score; see that folder's README. A labelled pair counts as linked when both
postings end in the same vacancy (directly or through other postings), or, for the
`with_uncertain` figures, also when the linker kept them as an uncertain (partial) pair.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from orchestration.settings import DATA_DIR

LABELS_DIR = DATA_DIR / "labels" / "duplicate_pairs"


def load_labels(path: Path = LABELS_DIR / "labels.csv") -> pl.DataFrame:
    return pl.read_csv(path, schema_overrides={"is_duplicate": pl.Boolean})


def evaluate(labels: pl.DataFrame, pairs: pl.DataFrame, clusters: pl.DataFrame) -> dict:
    """Confusion counts, precision and recall (merged only, and merged or uncertain)."""
    vacancy = clusters.select("posting_id", "vacancy_id")
    uncertain = pairs.filter(pl.col("decision") == "uncertain").select(
        "posting_id_a", "posting_id_b", uncertain=pl.lit(True)
    )
    uncertain = pl.concat(
        [
            uncertain,
            uncertain.select(
                posting_id_a="posting_id_b", posting_id_b="posting_id_a", uncertain="uncertain"
            ),
        ]
    ).unique(["posting_id_a", "posting_id_b"])
    judged = (
        labels.join(
            vacancy.rename({"posting_id": "posting_id_a", "vacancy_id": "va"}), on="posting_id_a"
        )
        .join(vacancy.rename({"posting_id": "posting_id_b", "vacancy_id": "vb"}), on="posting_id_b")
        .join(uncertain, on=["posting_id_a", "posting_id_b"], how="left")
        .with_columns(
            merged=pl.col("va") == pl.col("vb"),
            linked=(pl.col("va") == pl.col("vb")) | pl.col("uncertain").fill_null(False),
        )
    )
    result: dict = {"labelled_pairs": judged.height, "labelled_duplicates": 0}
    truth = pl.col("is_duplicate")
    result["labelled_duplicates"] = int(judged.filter(truth).height)
    for name, predicted in (("merged", pl.col("merged")), ("with_uncertain", pl.col("linked"))):
        tp = judged.filter(truth & predicted).height
        fp = judged.filter(~truth & predicted).height
        fn = judged.filter(truth & ~predicted).height
        result[name] = {
            "true_positives": tp,
            "false_positives": fp,
            "false_negatives": fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        }
    result["errors"] = judged.filter(truth != pl.col("merged")).select(
        "posting_id_a", "posting_id_b", "is_duplicate", "confidence", "merged", "linked"
    )
    return result
