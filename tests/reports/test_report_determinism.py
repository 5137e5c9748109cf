"""Two renderings of the same marts give the same bytes, file for file.

Regression: Plotly gave every chart a random element id (a uuid) and openpyxl stamped each XLSX
download with the time of saving (in its properties and in every entry of the zip), so a report
rendered again from unchanged marts differed from the last one, and a kept report
(orchestration/reports/carry_over.py) differed from what a rendering would write.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import pytest

from reports.critical_occupations.rendering import find_chromium, print_pdf
from reports.critical_occupations.report import build_critical_occupations_reports
from reports.overview import build_overview_reports
from reports.skills_outlook.report import build_skills_outlook_reports

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_marts import (  # noqa: E402
    write_evidence,
    write_fixture_marts,
    write_overview_marts,
    write_skills_fixture,
)


def _render_all(root: Path, output: Path) -> dict[str, str]:
    """SHA-256 of every file the three mart-built reports write into `output`."""
    marts = write_fixture_marts(root / "co")
    evidence = write_evidence(root / "employer_evidence.csv")
    build_critical_occupations_reports(marts, output, evidence, pdf=False)
    skills_marts, esco = write_skills_fixture(root / "skills")
    build_skills_outlook_reports(skills_marts, output, esco, pdf=False)
    build_overview_reports(write_overview_marts(root / "overview"), output)
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(output.iterdir())
        if path.is_file()
    }


def test_rendering_the_same_marts_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first = _render_all(tmp_path / "inputs", tmp_path / "first")
    # Zip entries keep the time to 2 seconds: wait, so a clock in the bytes cannot hide.
    time.sleep(2.1)
    second = _render_all(tmp_path / "inputs", tmp_path / "second")
    assert {name for name in first if name.endswith(".xlsx")}, "no workbook was rendered"
    assert sum(name.endswith(".html") for name in first) == 6
    assert [name for name in first if first[name] != second.get(name)] == []
    assert first.keys() == second.keys()


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium to print PDFs with")
def test_a_pdf_printed_twice_gives_identical_bytes(tmp_path: Path) -> None:
    # Chromium stamps a PDF with the time it printed it (CreationDate, ModDate).
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><body><h1>Laporan</h1></body></html>")
    first = print_pdf(page).read_bytes()
    time.sleep(1.1)
    second = print_pdf(page).read_bytes()
    assert first[:5] == b"%PDF-"
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
