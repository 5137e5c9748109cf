"""The data-quality report built from fixture figures (reports/quality_report.py)."""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import polars as pl

from orchestration import settings
from orchestration.operations.releases import PUBLICATION_MANIFEST
from orchestration.quality.report import published_files
from reports.quality_report import QualityFigures, build_quality_report


def _figures(published: bool) -> QualityFigures:
    checks = pl.DataFrame(
        {
            "gate": ["raw landing", "publication", "publication", "coherence"],
            "asset_key": [
                "raw/lokerid_postings",
                "marts/fct_vacancy_postings",
                "marts/labour_force_indicators",
                "marts/labour_force_indicators",
            ],
            "check_name": [
                "great_expectations_suite",
                "publication_gate",
                "publication_gate",
                "coherence_with_bps",
            ],
            "status": [
                "passed",
                "failed" if not published else "passed",
                "engine_error" if not published else "passed",
                "warning",
            ],
            "severity": ["ERROR", "ERROR", "ERROR", "WARN"],
            "description": [
                "ok",
                "PUB-DAT-01 <script>alert(1)</script> posted in the future",
                "ENGINE ERROR, data not judged: table missing",
                "TPT 2.5 points from BPS",
            ],
        }
    )
    validation = pl.DataFrame(
        {
            "standard_id": ["VAC-SEX-01", "VAC-SEX-01"],
            "rule_name": ["sex_requirement", "sex_requirement"],
            "source": ["lokerid", "dealls"],
            "postings": [2229, 2006],
            "postings_checked": [2229, 2006],
            "postings_flagged": [100, 40],
            "share_flagged": [100 / 2229, 40 / 2006],
            "share_flagged_of_checked": [100 / 2229, 40 / 2006],
            "share_checked": [1.0, 1.0],
        }
    )
    return QualityFigures(
        run_id="run-1",
        generated_at=dt.datetime(2026, 12, 4, 19, 0, tzinfo=dt.UTC),
        published_in_run=published,
        marts_built_in_run=True,
        last_publication={"run_id": "run-0", "published_at": "2026-12-03T19:00:00+00:00"},
        checks=checks,
        step_failures=pl.DataFrame(
            {"step_key": ["published__parquet_marts"], "message": ["gate not passed"]}
        ),
        volumes=pl.DataFrame({"source": ["lokerid"], "rows_read": [2229], "rows_loaded": [2229]}),
        quarantine=pl.DataFrame(),
        raw_completeness=pl.DataFrame(),
        vacancy_completeness=pl.DataFrame(
            {
                "source": ["lokerid", "dealls"],
                "field_name": ["description", "description"],
                "postings": [2229, 2006],
                "postings_with_value": [2229, 0],
                "completeness": [1.0, 0.0],
            }
        ),
        validation=validation,
        freshness=pl.DataFrame(),
        coherence=pl.DataFrame(),
        published_files=pl.DataFrame(),
    )


def test_a_blocked_run_names_the_failed_checks_and_the_publication_kept(tmp_path):
    paths = build_quality_report(_figures(published=False), tmp_path)
    assert [p.name for p in paths] == ["data-quality.id.html", "data-quality.en.html"]
    page = (tmp_path / "data-quality.en.html").read_text(encoding="utf-8")
    assert "NOT published" in page and "run run-0" in page
    failed_section = page.split("Checks that failed")[1].split("<h2>")[0]
    assert "marts/fct_vacancy_postings" in failed_section and "publication_gate" in failed_section
    assert "engine_error" in failed_section
    assert "coherence_with_bps" not in failed_section  # a warning is not a blocking failure
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_published_run_says_so_and_shows_flag_shares_by_source(tmp_path):
    build_quality_report(_figures(published=True), tmp_path)
    page = (tmp_path / "data-quality.en.html").read_text(encoding="utf-8")
    assert "were published" in page and "No check failed." in page
    assert "4.49% (100 of 2,229)" in page and "1.99% (40 of 2,006)" in page


def test_the_report_is_in_both_languages_and_offline(tmp_path):
    build_quality_report(_figures(published=False), tmp_path)
    page_id = (tmp_path / "data-quality.id.html").read_text(encoding="utf-8")
    assert "<html lang='id'>" in page_id and "TIDAK diterbitkan" in page_id
    for name in ("data-quality.id.html", "data-quality.en.html"):
        page = (tmp_path / name).read_text(encoding="utf-8")
        assert re.search(r"<script[^>]*\bsrc=", page) is None
        for dimension in ("1. ", "2. ", "3. ", "4. ", "5. "):
            assert f"<h2>{dimension}" in page


def test_kbji_coverage_shows_codes_coded_and_codes_accepted(tmp_path):
    """The page showed KBJI coverage 99.9 % (every coded title, also codes below the coder's
    threshold that await a human coder) where 40.6 / 42.2 / 54.6 % are accepted."""
    model = (
        settings.DBT_PROJECT_DIR
        / "models"
        / "marts"
        / "quality"
        / "rpt_vacancy_completeness_by_source.sql"
    )
    sql = re.sub(r"\{\{\s*ref\('(\w+)'\)\s*\}\}", r"\1", model.read_text(encoding="utf-8"))
    postings = pl.DataFrame(
        {
            "posting_id": ["a", "b", "c", "d"],
            "source": ["lokerid"] * 4,
            "kbji2014_code": ["2512", "5223", "4110", None],
            "is_occupation_coded": [True, False, False, False],
        }
    )
    con = duckdb.connect()
    try:
        con.register("fct_vacancy_postings", postings.to_arrow())
        completeness = pl.from_arrow(con.sql(sql).to_arrow_table())
    finally:
        con.close()
    shares = dict(zip(completeness["field_name"], completeness["completeness"], strict=True))
    assert shares["kbji2014_code"] == 0.75
    assert shares["kbji2014_code_accepted"] == 0.25
    figures = _figures(published=True)
    figures.vacancy_completeness = completeness
    build_quality_report(figures, tmp_path)
    page_en = (tmp_path / "data-quality.en.html").read_text(encoding="utf-8")
    page_id = (tmp_path / "data-quality.id.html").read_text(encoding="utf-8")
    assert "KBJI 2014 occupation code, coded automatically (including codes awaiting a human" in (
        page_en
    )
    assert re.search(r"KBJI 2014 occupation code, accepted .*?</td><td class='num'>25", page_en)
    assert "kode jabatan KBJI 2014, diterima" in page_id


def test_the_published_files_are_those_the_publication_recorded(tmp_path):
    # Regression: every parquet in the marts folder was listed as published, a command's output
    # written there by hand too, although a release leaves such a file out.
    for name in ("fct_a", "labour_force_indicators_jambi_quarantine"):
        pl.DataFrame({"x": [1, 2]}).write_parquet(tmp_path / f"{name}.parquet")
    (tmp_path / PUBLICATION_MANIFEST).write_text(json.dumps({"tables": {"fct_a": 2}}))
    files, _ = published_files(tmp_path)
    assert files.select("name", "rows").rows() == [("fct_a.parquet", 2)]

    (tmp_path / PUBLICATION_MANIFEST).unlink()  # no record: what lies there is all there is
    files, _ = published_files(tmp_path)
    assert files.height == 2


def test_validation_shows_one_sex_share_title_only_and_rules_not_checked(tmp_path):
    """Dealls is judged on titles alone and, crawled once, cannot be judged stale; the sex rule's
    flags naming one sex only are shown apart from "Pria/Wanita" (open to both)."""
    figures = _figures(published=True)
    figures.validation = pl.DataFrame(
        {
            "standard_id": ["VAC-SEX-01", "VAC-SEX-01", "VAC-STL-01"],
            "rule_name": ["sex_requirement", "sex_requirement", "stale"],
            "source": ["lokerid", "dealls", "dealls"],
            "postings": [2229, 2006, 2006],
            "postings_checked": [2229, 2006, 0],
            "postings_flagged": [100, 40, 0],
            "share_flagged": [100 / 2229, 40 / 2006, 0.0],
            "share_flagged_of_checked": [100 / 2229, 40 / 2006, None],
            "share_checked": [1.0, 1.0, 0.0],
            "postings_checked_title_only": [0, 2006, None],
            "postings_flagged_one_sex": [60, 39, None],
            "share_flagged_one_sex": [60 / 2229, 39 / 2006, None],
        }
    )
    build_quality_report(figures, tmp_path)
    page = (tmp_path / "data-quality.en.html").read_text(encoding="utf-8")
    assert "1.99% (40 of 2,006) [title only]" in page
    assert "4.49% (100 of 2,229)</td>" in page
    assert "of which one sex only" in page and "2.69% (60 of 2,229)" in page
    assert "0.00% (0 of 2,006) [not checked]" in page
    page_id = (tmp_path / "data-quality.id.html").read_text(encoding="utf-8")
    assert "judul saja" in page_id and "satu jenis kelamin saja" in page_id
