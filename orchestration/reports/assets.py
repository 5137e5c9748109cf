"""Dagster assets of the Critical Occupations List and skills-outlook reports.

Both read only the published parquet (after the publication gate in `parquet_marts`), the
employer-evidence input file and the ESCO reference files, and write into REPORTS_DIR. A mart
that is not published makes its sections say so; it never fails the run. PDFs are printed with
headless Chromium when it is installed (set LMIS_REPORTS_PDF=0 to skip them). A report whose
inputs did not change since it was last rendered is kept (orchestration/reports/carry_over.py).
"""

import os
from pathlib import Path

import dagster as dg

from orchestration import settings
from orchestration.publish.assets import parquet_marts
from orchestration.reports.carry_over import ReportSpec, render_unless_unchanged
from reports.critical_occupations.rendering import find_chromium
from reports.critical_occupations.report import build_critical_occupations_reports
from reports.skills_outlook.report import build_skills_outlook_reports

EMPLOYER_EVIDENCE = Path("inputs") / "employer_evidence.csv"
ESCO_REFERENCE = Path("reference") / "esco"
# The modules that name the marts each report reads (orchestration/reports/carry_over.py).
CRITICAL_OCCUPATIONS_MODULES = (
    "reports/critical_occupations",
    "reports/config/critical_occupations.yaml",
    "reports/formatting.py",
)
SKILLS_OUTLOOK_MODULES = (
    "reports/skills_outlook",
    "reports/config/skills_outlook.yaml",
    "reports/critical_occupations/rendering.py",
    "reports/formatting.py",
)


def _pdf_wanted(context: dg.AssetExecutionContext) -> bool:
    if os.environ.get("LMIS_REPORTS_PDF", "1") == "0":
        context.log.info("LMIS_REPORTS_PDF=0: no PDF")
        return False
    if find_chromium() is None:
        context.log.warning("Chromium is not installed: the reports have no PDF")
        return False
    return True


def _render(
    context: dg.AssetExecutionContext, name: str, modules: tuple[str, ...], input_path: Path, build
) -> dg.MaterializeResult:
    """Render the report with `build(marts, output, input_path, pdf=...)`, or keep it when its
    inputs did not change (orchestration/reports/carry_over.py)."""
    pdf = _pdf_wanted(context)
    paths, kept = render_unless_unchanged(
        ReportSpec(name, modules, (input_path,), {"pdf": pdf}),
        settings.MARTS_DIR,
        settings.REPORTS_DIR,
        lambda: build(settings.MARTS_DIR, settings.REPORTS_DIR, input_path, pdf=pdf),
    )
    pages = [p for p in paths if p.suffix in (".html", ".pdf")]
    for path in pages:
        context.log.info("%s %s (%d bytes)", "kept" if kept else "wrote", path, path.stat().st_size)
    return dg.MaterializeResult(
        metadata={
            "files": dg.MetadataValue.json([str(p) for p in pages]),
            "table_files": len(paths) - len(pages),
            "has_pdf": any(p.suffix == ".pdf" for p in pages),
            "kept_unchanged": kept,
        }
    )


@dg.asset(
    key=["reports", "critical_occupations"],
    deps=[parquet_marts],
    group_name="publication",
    kinds={"plotly", "html", "pdf"},
    description=(
        "Critical Occupations List (Bahasa Indonesia and English): scores, reason codes, "
        "sensitivity table and methodology appendix from reports/config; offline HTML, PDF, "
        "CSV and XLSX tables."
    ),
)
def critical_occupations_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return _render(
        context,
        "critical_occupations",
        CRITICAL_OCCUPATIONS_MODULES,
        settings.DATA_DIR / EMPLOYER_EVIDENCE,
        build_critical_occupations_reports,
    )


@dg.asset(
    key=["reports", "skills_outlook"],
    deps=[parquet_marts],
    group_name="publication",
    kinds={"plotly", "html", "pdf"},
    description=(
        "Skills outlook (Bahasa Indonesia and English): skills in demand by occupation, "
        "province and board category, rising and falling skills, vacancy skills against ESCO "
        "essential skills; offline HTML, PDF, CSV and XLSX tables."
    ),
)
def skills_outlook_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return _render(
        context,
        "skills_outlook",
        SKILLS_OUTLOOK_MODULES,
        settings.DATA_DIR / ESCO_REFERENCE,
        build_skills_outlook_reports,
    )


report_assets = [critical_occupations_report, skills_outlook_report]
