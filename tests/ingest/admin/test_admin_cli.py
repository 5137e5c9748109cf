"""`lmis admin` commands end to end on small generated sets."""

from __future__ import annotations

import json
import re

from orchestration.cli import main


def test_generate_then_load_wlkp(tmp_path) -> None:
    out = tmp_path / "wlkp"
    assert main(["admin", "generate-wlkp", "--companies", "60", "--out", str(out),
                 "--months", "1-3"]) == 0  # fmt: skip
    manifest = json.loads((out / "wlkp_synthetic_manifest.json").read_text())
    assert [f["file"] for f in manifest["files"]] == [
        "wlkp_synthetic_2025-01.xlsx", "wlkp_synthetic_2025-02.csv", "wlkp_synthetic_2025-03.xlsx",
    ]  # fmt: skip
    staged = tmp_path / "staged"
    assert main(["admin", "load", "wlkp", "--input", str(out), "--out", str(staged)]) == 0
    metadata = json.loads((staged / "wlkp_metadata.json").read_text())
    assert metadata["rows_in"] == manifest["detail_rows"]


def test_load_fails_with_exit_code_1_on_a_total_mismatch(tmp_path) -> None:
    out = tmp_path / "wlkp"
    main(["admin", "generate-wlkp", "--companies", "20", "--out", str(out), "--months", "2",
          "--formats", "csv"])  # fmt: skip
    path = out / "wlkp_synthetic_2025-02.csv"
    # The grand total's last column (Jumlah Tenaga Kerja) made one too high.
    text = re.sub(
        r"^(JUMLAH TOTAL;.*;)([\d.]+)$",
        lambda m: m.group(1) + str(int(m.group(2).replace(".", "")) + 1),
        path.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    path.write_text(text, encoding="utf-8")
    assert main(["admin", "load", "wlkp", "--input", str(path)]) == 1
    assert main(["admin", "load", "wlkp", "--input", str(path), "--report-mismatches"]) == 0


def test_generate_ak1(tmp_path) -> None:
    assert main(["admin", "generate-ak1", "--job-seekers", "80", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "ak1_pencari_kerja_synthetic_2025.csv").exists()
    assert (tmp_path / "ak1_penempatan_synthetic_2025.csv").exists()


def test_ak1_load_refuses_to_run_in_production_without_a_key(monkeypatch, caplog) -> None:
    monkeypatch.setenv("LMIS_ENV", "production")
    monkeypatch.delenv("LMIS_PSEUDONYM_KEY", raising=False)
    assert main(["admin", "load", "ak1"]) == 2
    assert "refusing to run" in caplog.text
    monkeypatch.setenv("LMIS_PSEUDONYM_KEY", "p" * 48)
    assert main(["admin", "load", "ak1"]) == 0


def test_ak1_load_counts_as_the_pipeline_lands(tmp_path) -> None:
    """Regression (verification 2026-12-05, finding 6): `lmis admin load ak1` reported 2
    quarantined where the pipeline's landing quarantined 3; the command lacked the repeated-id
    check. One crafted placement file, read by both: the same rows loaded and quarantined."""
    import polars as pl

    from ingest.admin.landing import admin_source, land_admin_source
    from orchestration.settings import DATA_DIR

    shipped = DATA_DIR / "synthetic" / "ak1" / "ak1_penempatan_synthetic_2025.csv"
    header, first, second, *rest = shipped.read_text(encoding="utf-8-sig").splitlines()[:12]
    negative = re.sub(r",[0-9]+$", ",-5000000", second)
    crafted = tmp_path / "ak1_penempatan_crafted.csv"
    # The first row twice (a repeated placement id) and a wage below zero.
    crafted.write_text("\n".join([header, first, negative, *rest, first]) + "\n")

    assert main(["admin", "load", "ak1", "--input", str(crafted), "--out", str(tmp_path)]) == 0
    staging = pl.read_parquet(tmp_path / "ak1_placements_staging.parquet")
    quarantine = pl.read_parquet(tmp_path / "ak1_placements_quarantine.parquet")
    load, result = land_admin_source(admin_source("ak1_placements"), tmp_path, paths=[crafted])
    assert (staging.height, quarantine.height) == (result.rows_loaded, result.rows_quarantined)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (12, 10, 2)
    assert sorted(quarantine["reason_code"]) == ["id_duplicated", "salary_negative"]
    assert quarantine.sort("source_row")["source_row"].to_list() == [3, 13]
    assert staging["placement_id"].to_list() == load.staging["placement_id"].to_list()
