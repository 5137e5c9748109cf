"""The data-quality report of a run: one offline HTML file per language.

Organised by the quality dimensions statistical offices use (relevance, accuracy and reliability,
timeliness, coherence, accessibility), after a summary that says whether tonight's data were
published and, if not, which checks stopped them. The figures come in a `QualityFigures`
(gathered by orchestration/quality/report.py from the warehouse and the run's check results), so
the page can be built from fixtures in tests. Every text that came from data is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from reports import sources
from reports.formatting import format_number, format_percent
from reports.labels import quarantine_reason_label, source_name

log = logging.getLogger(__name__)

JAKARTA = ZoneInfo("Asia/Jakarta")
REPORT_STEM = "data-quality"

TEXT = {
    "id": {
        "title": "Laporan Mutu Data",
        "run": "Proses",
        "generated": "Dibuat",
        "published": "Data malam ini diterbitkan: semua pemeriksaan yang dapat menghentikan "
        "publikasi lolos.",
        "not_published": (
            "Data malam ini TIDAK diterbitkan. Publikasi terakhir yang baik tetap berlaku"
        ),
        "last_publication": "Publikasi terakhir",
        "none": "belum ada",
        "failed_checks": "Pemeriksaan yang gagal atau tidak dapat dijalankan sampai selesai",
        "step_failures": "Langkah yang gagal",
        "warnings": "Peringatan",
        "no_failures": "Tidak ada pemeriksaan yang gagal.",
        "volumes": "Jumlah baris per sumber: pemuatan data mentah terakhir dan pemuatan sebelumnya",
        "relevance": "1. Relevansi",
        "relevance_note": (
            "Cakupan kolom utama iklan lowongan per sumber (bagian baris yang terisi)."
        ),
        "accuracy": "2. Akurasi dan keandalan",
        "checks_by_gate": "Hasil pemeriksaan per tahap pemeriksaan",
        "quarantine": (
            "Baris yang disisihkan (karantina) menurut alasan, pada pemuatan terakhir tiap sumber"
        ),
        "validation": (
            "Validasi lowongan: bagian iklan lowongan yang ditandai per aturan dan sumber"
        ),
        "validation_note": (
            "Bagian dari semua iklan lowongan; dalam kurung: bagian dari iklan lowongan yang "
            "dapat diperiksa aturan tersebut. Tanda adalah untuk ditinjau, bukan putusan."
            " Upah dibandingkan dengan upah minimum provinsi (UMP); upah minimum kabupaten/kota "
            "(UMK), yang dapat lebih tinggi, tidak diperiksa."
        ),
        "raw_completeness": "Kelengkapan data mentah: kolom yang tidak selalu terisi",
        "timeliness": "3. Ketepatan waktu",
        "coherence": "4. Koherensi",
        "coherence_note": "TPT tertimbang gudang data dibanding TPT Agustus yang diterbitkan BPS.",
        "accessibility": "5. Aksesibilitas",
        "accessibility_note": (
            "Berkas parquet yang diterbitkan (dibaca peneliti dengan DuckDB, R, Stata)."
        ),
        "marts_stale": (
            "Mart tidak dibangun ulang pada proses ini; angka yang berasal dari mart adalah dari "
            "pembangunan terakhir."
        ),
        "no_data": "Tidak ada data.",
        "source_period": "iklan s.d. {posted}; perayapan terakhir {seen}",
        "source_loaded": "dimuat {loaded}",
        "run_line": "Proses {run_id}, dibuat {generated}.",
        "no_partitions": "satu kesatuan",
        "of": "dari",
        "checked": "yang diperiksa",
        "none_checked": "tidak diperiksa",
        "title_only": "judul saja",
        "one_sex": "di antaranya satu jenis kelamin saja",
        "unavailable": "tidak tersedia",
        "yes": "ya",
        "no": "tidak",
        "gates": {
            "raw landing": "pemuatan data mentah",
            "staging": "penyiapan data (staging)",
            "publication": "publikasi",
            "coherence": "koherensi",
            "dbt tests": "uji dbt",
        },
        "rules": {
            "pay_below_minimum_wage": "upah di bawah UMP provinsi (UMK tidak diperiksa)",
            "hours_above_legal_limit": "jam kerja melebihi batas",
            "sex_requirement": "syarat jenis kelamin",
            "age_limit": "batas usia",
            "marital_status_requirement": "syarat status perkawinan",
            "religion_requirement": "syarat agama",
            "ethnicity_requirement": "syarat suku atau asal daerah",
            "appearance_requirement": "syarat penampilan",
            "stale": "kedaluwarsa",
            "duplicate": "duplikat",
        },
        "checks": {
            "great_expectations_suite": "suite Great Expectations",
            "rows_accounted": "semua baris terhitung",
            "volume_not_dropped": "volume tidak turun",
            "staging_gate": "pemeriksaan sebelum penyiapan data",
            "publication_gate": "pemeriksaan sebelum publikasi",
            "volume_not_dropped_since_publication": "volume tidak turun sejak publikasi",
            "coherence_with_bps": "koherensi dengan BPS",
        },
        "fields": {
            "job_title": "judul jabatan",
            "description": "deskripsi",
            "company_name": "nama perusahaan",
            "province_bps_code": "provinsi",
            "posted_date": "tanggal iklan",
            "salary_monthly_min_idr": "gaji bulanan minimum (Rp)",
            "salary_min": "gaji minimum (asli)",
            "employment_type": "jenis pekerjaan",
            "kbji2014_code": "kode jabatan KBJI 2014, dikode otomatis (termasuk yang menunggu "
            "pengode manusia)",
            "kbji2014_code_accepted": "kode jabatan KBJI 2014, diterima (keyakinan pengode "
            "mencapai ambang; yang dipakai angka jabatan)",
        },
        "columns": {
            "gate": "Tahap pemeriksaan",
            "asset_key": "Aset",
            "check_name": "Pemeriksaan",
            "status": "Status",
            "description": "Keterangan (pesan pemeriksaan, sebagaimana tercatat)",
            "step_key": "Langkah",
            "message": "Pesan kesalahan (sebagaimana tercatat)",
            "source": "Sumber",
            "files": "Berkas",
            "rows_read": "Dibaca",
            "rows_loaded": "Dimuat",
            "rows_quarantined": "Disisihkan (karantina)",
            "previous_rows_loaded": "Dimuat (pemuatan sebelumnya)",
            "partitions": "Bagian data yang dimuat terpisah",
            "reason_code": "Alasan",
            "rows": "Baris",
            "example": "Contoh pesan (sebagaimana tercatat)",
            "field_name": "Kolom",
            "column_name": "Kolom (nama di berkas sumber)",
            "completeness": "Kelengkapan",
            "rule": "Aturan",
            "standard_id": "Standar",
            "passed": "Lolos",
            "warning": "Peringatan",
            "failed": "Gagal",
            "engine_error": "Tidak dapat dijalankan",
            "last_loaded_at": "Terakhir dimuat",
            "latest_posted_date": "Tanggal posting terbaru",
            "latest_seen_date": "Perayapan terbaru",
            "days_since_latest_seen": "Hari sejak perayapan terbaru",
            "period": "Periode",
            "province_bps_code": "Provinsi (kode BPS)",
            "tpt_warehouse": "TPT gudang data (%)",
            "tpt_bps": "TPT BPS (%)",
            "tpt_difference_points": "Selisih (poin persen)",
            "name": "Berkas",
            "size_bytes": "Ukuran (bita)",
            "modified_at": "Diubah",
            "severity": "Tingkat",
            "total": "Jumlah",
            "filled": "Terisi",
        },
    },
    "en": {
        "title": "Data Quality Report",
        "run": "Run",
        "generated": "Generated",
        "published": "Tonight's data were published: every check that can stop the publication "
        "passed.",
        "not_published": "Tonight's data were NOT published. The last good publication stays",
        "last_publication": "Last publication",
        "none": "none yet",
        "failed_checks": "Checks that failed or could not run to the end",
        "step_failures": "Steps that failed",
        "warnings": "Warnings",
        "no_failures": "No check failed.",
        "volumes": "Rows per source: the latest load of raw data, and the one before",
        "relevance": "1. Relevance",
        "relevance_note": (
            "Coverage of the main fields of vacancy postings per source (share of rows filled)."
        ),
        "accuracy": "2. Accuracy and reliability",
        "checks_by_gate": "Check results by checkpoint",
        "quarantine": "Rows set aside (quarantined) by reason, in the latest load of each source",
        "validation": "Vacancy validation: share of vacancy postings flagged per rule and source",
        "validation_note": (
            "Share of all postings; in brackets: share of the postings the rule could check. "
            "Flags are for review, not verdicts. Pay is compared with the provincial minimum "
            "(UMP); the regency minimum (UMK), which may be higher, is not checked."
        ),
        "raw_completeness": "Completeness of raw data: columns not always filled",
        "timeliness": "3. Timeliness",
        "coherence": "4. Coherence",
        "coherence_note": "The warehouse's weighted TPT against the August TPT BPS published.",
        "accessibility": "5. Accessibility",
        "accessibility_note": "Published parquet files (read with DuckDB, Polars, R, Stata).",
        "marts_stale": (
            "The marts were not rebuilt in this run; figures from marts are from their last build."
        ),
        "no_data": "No data.",
        "source_period": "postings up to {posted}; latest crawl {seen}",
        "source_loaded": "loaded {loaded}",
        "run_line": "Run {run_id}, generated {generated}.",
        "no_partitions": "loaded as a whole",
        "of": "of",
        "checked": "checked",
        "none_checked": "not checked",
        "title_only": "title only",
        "one_sex": "of which one sex only",
        "unavailable": "not available",
        "yes": "yes",
        "no": "no",
        "gates": {
            "raw landing": "raw data load",
            "staging": "data preparation (staging)",
            "publication": "publication",
            "coherence": "coherence",
            "dbt tests": "dbt tests",
        },
        "rules": {
            "pay_below_minimum_wage": "pay below the provincial minimum (UMP; UMK not checked)",
            "hours_above_legal_limit": "hours above the legal limit",
            "sex_requirement": "sex requirement",
            "age_limit": "age limit",
            "marital_status_requirement": "marital status requirement",
            "religion_requirement": "religion requirement",
            "ethnicity_requirement": "ethnicity or origin requirement",
            "appearance_requirement": "appearance requirement",
            "stale": "stale",
            "duplicate": "duplicate",
        },
        "checks": {
            "great_expectations_suite": "Great Expectations suite",
            "rows_accounted": "every row accounted for",
            "volume_not_dropped": "volume not dropped",
            "staging_gate": "checks before data preparation",
            "publication_gate": "checks before publication",
            "volume_not_dropped_since_publication": "volume not dropped since publication",
            "coherence_with_bps": "coherence with BPS",
        },
        "fields": {
            "job_title": "job title",
            "description": "description",
            "company_name": "company name",
            "province_bps_code": "province",
            "posted_date": "posting date",
            "salary_monthly_min_idr": "monthly minimum salary (IDR)",
            "salary_min": "minimum salary (as advertised)",
            "employment_type": "employment type",
            "kbji2014_code": "KBJI 2014 occupation code, coded automatically (including codes "
            "awaiting a human coder)",
            "kbji2014_code_accepted": "KBJI 2014 occupation code, accepted (coder's confidence "
            "at or above its threshold; what occupation figures use)",
        },
        "columns": {
            "gate": "Checkpoint",
            "asset_key": "Asset",
            "check_name": "Check",
            "status": "Status",
            "description": "Detail (the check's message, as recorded)",
            "step_key": "Step",
            "message": "Error message (as recorded)",
            "source": "Source",
            "files": "Files",
            "rows_read": "Read",
            "rows_loaded": "Loaded",
            "rows_quarantined": "Set aside (quarantined)",
            "previous_rows_loaded": "Loaded (previous load)",
            "partitions": "Parts loaded separately",
            "reason_code": "Reason",
            "rows": "Rows",
            "example": "Example message (as recorded)",
            "field_name": "Field",
            "column_name": "Column (as named in the source file)",
            "completeness": "Completeness",
            "rule": "Rule",
            "standard_id": "Standard",
            "passed": "Passed",
            "warning": "Warning",
            "failed": "Failed",
            "engine_error": "Could not run",
            "last_loaded_at": "Last loaded",
            "latest_posted_date": "Latest posting date",
            "latest_seen_date": "Latest crawl",
            "days_since_latest_seen": "Days since latest crawl",
            "period": "Period",
            "province_bps_code": "Province (BPS code)",
            "tpt_warehouse": "Warehouse TPT (%)",
            "tpt_bps": "BPS TPT (%)",
            "tpt_difference_points": "Difference (percentage points)",
            "name": "File",
            "size_bytes": "Size (bytes)",
            "modified_at": "Modified",
            "severity": "Severity",
            "total": "Total",
            "filled": "Filled",
        },
    },
}

KEY_VACANCY_FIELDS = (
    "job_title",
    "description",
    "company_name",
    "province_bps_code",
    "posted_date",
    "salary_monthly_min_idr",
    "salary_min",
    "employment_type",
    "kbji2014_code",
    "kbji2014_code_accepted",
)


@dataclass
class QualityFigures:
    """Everything the report shows; empty frames where a figure is not available."""

    run_id: str
    generated_at: dt.datetime
    published_in_run: bool
    marts_built_in_run: bool
    last_publication: dict | None
    checks: pl.DataFrame
    step_failures: pl.DataFrame
    volumes: pl.DataFrame
    quarantine: pl.DataFrame
    raw_completeness: pl.DataFrame
    vacancy_completeness: pl.DataFrame
    validation: pl.DataFrame
    freshness: pl.DataFrame
    coherence: pl.DataFrame
    published_files: pl.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def blocking_failures(self) -> pl.DataFrame:
        if self.checks.is_empty():
            return self.checks
        return self.checks.filter(pl.col("status").is_in(["failed", "engine_error"]))

    @property
    def warnings(self) -> pl.DataFrame:
        if self.checks.is_empty():
            return self.checks
        return self.checks.filter(pl.col("status") == "warning")


CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.banner{padding:.8rem 1rem;border-radius:.3rem;font-weight:600}
.ok{background:#e6f4ea;border:1px solid #7cb88a}.bad{background:#fdecea;border:1px solid #d9827a}
.status-passed{color:#1e7b34}.status-warning{color:#a15c00}
.status-failed,.status-engine_error{color:#b3261e;font-weight:600}
.note{color:#555;font-size:.9rem}
"""


TIME_COLUMNS = {"last_loaded_at", "modified_at", "published_at"}
_UTC_TEXT = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(?: ?UTC|Z|\+00:?00)$"
)


def jakarta_time(value: object) -> str:
    """A time as every time of the report is shown: '2026-12-05 18:49 WIB'. Takes a datetime
    (naive = UTC) or the UTC texts the queries and the publication manifest hold
    ('2026-12-05 11:45 UTC', '2026-12-05T11:49:46+00:00'); other text is returned as it is."""
    if isinstance(value, str):
        match = _UTC_TEXT.match(value.strip())
        if not match:
            return value
        value = dt.datetime.fromisoformat(f"{match[1]}T{match[2]}").replace(tzinfo=dt.UTC)
    if not isinstance(value, dt.datetime):
        return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M WIB")


def _cell(value: object, column: str, language: str, percent: bool = False) -> str:
    text = TEXT[language]
    if value is None:
        return "<td></td>"
    if isinstance(value, bool):
        return f"<td>{html.escape(text['yes'] if value else text['no'])}</td>"
    if isinstance(value, float):
        shown = (
            format_percent(value, language)
            if percent or column == "completeness"
            else format_number(value, language, 2)
        )
        return f"<td class='num'>{html.escape(shown)}</td>"
    if column == "partitions" and value == 0:
        # A source landed as a whole table has no partitions: not "0 partitions".
        return f"<td>{html.escape(text['no_partitions'])}</td>"
    if isinstance(value, int):
        return f"<td class='num'>{html.escape(format_number(value, language))}</td>"
    if isinstance(value, dt.datetime):
        return f"<td>{html.escape(jakarta_time(value))}</td>"
    if column == "status":
        # Status codes are shown in the report's language, styled by the code.
        label = text["columns"].get(str(value), str(value))
        return f"<td class='status-{html.escape(str(value))}'>{html.escape(label)}</td>"
    if column == "gate":
        return f"<td>{html.escape(text['gates'].get(str(value), str(value)))}</td>"
    if column == "source":
        return f"<td>{html.escape(source_name(str(value), language))}</td>"
    if column == "check_name":
        # The label, and the check's name as Dagster shows it (what an operator looks up).
        label = text["checks"].get(str(value))
        shown = f"{label} ({value})" if label else str(value)
        return f"<td>{html.escape(shown)}</td>"
    if column == "field_name":
        return f"<td>{html.escape(text['fields'].get(str(value), str(value)))}</td>"
    if column == "reason_code":
        return f"<td>{html.escape(quarantine_reason_label(str(value), language))}</td>"
    if column in TIME_COLUMNS:
        return f"<td>{html.escape(jakarta_time(value))}</td>"
    return f"<td>{html.escape(str(value))}</td>"


def _table(
    frame: pl.DataFrame, language: str, columns: list[str] | None = None, percent: bool = False
) -> str:
    labels = TEXT[language]["columns"]
    if frame.is_empty():
        return f"<p class='note'>{html.escape(TEXT[language]['no_data'])}</p>"
    columns = [c for c in (columns or frame.columns) if c in frame.columns]
    head = "".join(f"<th>{html.escape(labels.get(c, c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(_cell(row[c], c, language, percent) for c in columns) + "</tr>"
        for row in frame.select(columns).iter_rows(named=True)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _validation_table(validation: pl.DataFrame, language: str) -> str:
    """Rules as rows, sources as columns: 'share flagged (share of the checked)'."""
    labels = TEXT[language]["columns"]
    if validation.is_empty():
        return f"<p class='note'>{html.escape(TEXT[language]['no_data'])}</p>"
    sources = sorted(validation["source"].unique().to_list())
    rules = validation.select("standard_id", "rule_name").unique().sort("standard_id", "rule_name")
    head = (
        f"<th>{html.escape(labels['standard_id'])}</th><th>{html.escape(labels['rule'])}</th>"
        + "".join(f"<th>{html.escape(source_name(s, language))}</th>" for s in sources)
    )
    rows = []
    for standard_id, rule_name in rules.iter_rows():
        cells = []
        for source in sources:
            match = validation.filter(
                (pl.col("standard_id") == standard_id) & (pl.col("source") == source)
            )
            if match.is_empty():
                cells.append("<td></td>")
                continue
            shown = _validation_cell(match.row(0, named=True), language)
            cells.append(f"<td class='num'>{html.escape(shown)}</td>")
        rows.append(
            f"<tr><td>{html.escape(standard_id)}</td>"
            f"<td>{html.escape(TEXT[language]['rules'].get(rule_name, rule_name))}</td>"
            + "".join(cells)
            + "</tr>"
        )
        one_sex = _one_sex_row(validation, standard_id, sources, language)
        if one_sex:
            rows.append(one_sex)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _one_sex_row(
    validation: pl.DataFrame, standard_id: str, sources: list[str], language: str
) -> str:
    """Below the sex rule: its flags naming one sex only. "Pria/Wanita" (either sex may apply)
    is a stated sex but no restriction to one, and would double the share of discrimination."""
    if "postings_flagged_one_sex" not in validation.columns:
        return ""
    rule = validation.filter(
        (pl.col("standard_id") == standard_id) & pl.col("postings_flagged_one_sex").is_not_null()
    )
    if rule.is_empty():
        return ""
    words = TEXT[language]
    cells = []
    for source in sources:
        match = rule.filter(pl.col("source") == source)
        if match.is_empty():
            cells.append("<td></td>")
            continue
        row = match.row(0, named=True)
        shown = (
            f"{format_percent(row['postings_flagged_one_sex'] / row['postings'], language)} "
            f"({format_number(row['postings_flagged_one_sex'], language)} {words['of']} "
            f"{format_number(row['postings'], language)})"
        )
        cells.append(f"<td class='num'>{html.escape(shown)}</td>")
    return (
        f"<tr><td>{html.escape(standard_id)}</td><td>{html.escape(words['one_sex'])}</td>"
        + "".join(cells)
        + "</tr>"
    )


def _validation_cell(row: dict, language: str) -> str:
    """'share flagged (flagged of all) [share of the checked of checked]' in the language."""
    words = TEXT[language]
    of_checked = row["share_flagged_of_checked"]
    text = (
        f"{format_percent(row['share_flagged'], language)} "
        f"({format_number(row['postings_flagged'], language)} {words['of']} "
        f"{format_number(row['postings'], language)})"
    )
    if of_checked is not None and row["postings_checked"] < row["postings"]:
        text += (
            f" [{format_percent(of_checked, language, 1)} {words['of']} "
            f"{format_number(row['postings_checked'], language)} {words['checked']}]"
        )
    elif of_checked is None:
        text += f" [{words['none_checked']}]"
    title_only = row.get("postings_checked_title_only") or 0
    if title_only and title_only >= row["postings_checked"]:
        # Judged on titles alone (no descriptions): a low share is no clean bill.
        text += f" [{words['title_only']}]"
    elif title_only:
        text += f" [{format_number(title_only, language)} {words['title_only']}]"
    return text


def _note(note: str, language: str) -> str:
    """A note from gathering the figures ("<what>: not available (<error>)") in the language."""
    subject, marker, detail = note.partition(": not available")
    if not marker:
        return note
    return f"{subject}: {TEXT[language]['unavailable']}{detail}"


def _sorted(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """The frame in the order of `keys` (those it has): a table whose rows come from a
    `group by` has no order of its own, and two identical runs must show the same page."""
    present = [k for k in keys if k in frame.columns]
    return frame.sort(present, nulls_last=True) if present and not frame.is_empty() else frame


def _key_field_completeness(completeness: pl.DataFrame, language: str) -> pl.DataFrame:
    """Key vacancy fields as rows (in `KEY_VACANCY_FIELDS` order), sources as columns (by
    name), headed by the sources' display names."""
    if completeness.is_empty():
        return completeness
    frame = completeness.filter(pl.col("field_name").is_in(KEY_VACANCY_FIELDS))
    if frame.is_empty():
        return frame
    sources = sorted(frame["source"].unique().to_list())
    wide = frame.pivot(on="source", index="field_name", values="completeness")
    order = {name: i for i, name in enumerate(KEY_VACANCY_FIELDS)}
    wide = (
        wide.with_columns(pl.col("field_name").replace_strict(order, default=None).alias("_o"))
        .sort("_o")
        .drop("_o")
    )
    return wide.select("field_name", *sources).rename(
        {s: source_name(s, language) for s in sources}
    )


def _checks_by_gate(checks: pl.DataFrame, language: str) -> str:
    if checks.is_empty():
        return _table(checks, language)
    counts = (
        checks.group_by("gate", "status")
        .len()
        .pivot(on="status", index="gate", values="len")
        .fill_null(0)
        .sort("gate")
    )
    for status in ("passed", "warning", "failed", "engine_error"):
        if status not in counts.columns:
            counts = counts.with_columns(pl.lit(0).alias(status))
    return _table(counts, language, ["gate", "passed", "warning", "failed", "engine_error"])


def source_rows(figures: QualityFigures, language: str) -> list[sources.SourceRow]:
    """Every source of the run with its period: a job board by its latest posting and crawl
    (from the timeliness figures), another source by when it was loaded; rows as loaded."""
    text = TEXT[language]
    if figures.volumes.is_empty() or "source" not in figures.volumes.columns:
        return []
    fresh = (
        {r["source"]: r for r in figures.freshness.iter_rows(named=True)}
        if "source" in figures.freshness.columns
        else {}
    )
    rows = []
    for volume in figures.volumes.iter_rows(named=True):
        source = volume["source"]
        if source in fresh:
            period = text["source_period"].format(
                posted=fresh[source].get("latest_posted_date") or "-",
                seen=fresh[source].get("latest_seen_date") or "-",
            )
        elif volume.get("last_loaded_at"):
            period = text["source_loaded"].format(loaded=jakarta_time(volume["last_loaded_at"]))
        else:
            period = ""
        rows.append(
            sources.SourceRow(source_name(source, language), period, volume.get("rows_loaded"))
        )
    return sorted(rows, key=lambda row: row.source.lower())


def render(figures: QualityFigures, language: str) -> str:
    """The report page in `language` (`id` or `en`)."""
    text = TEXT[language]
    # Every time in the header (and the tables) in one format: Jakarta time with its date.
    when = jakarta_time(figures.generated_at)
    last = figures.last_publication
    last_text = (
        f"{jakarta_time(last.get('published_at', '?'))} "
        f"({text['run'].lower()} {last.get('run_id', '?')})"
        if last
        else text["none"]
    )
    if figures.published_in_run:
        banner = f"<p class='banner ok'>{html.escape(text['published'])}</p>"
    else:
        banner = (
            f"<p class='banner bad'>{html.escape(text['not_published'])}: "
            f"{html.escape(last_text)}.</p>"
        )
    check_order = ["gate", "asset_key", "check_name"]
    failures = _sorted(figures.blocking_failures, check_order)
    parts = [
        f"<h1>{html.escape(text['title'])}</h1>",
        f"<p class='note'>{html.escape(text['run'])} {html.escape(figures.run_id)} · "
        f"{html.escape(text['generated'])} {html.escape(when)} · "
        f"{html.escape(text['last_publication'])}: {html.escape(last_text)}</p>",
        banner,
        f"<h2>{html.escape(text['failed_checks'])}</h2>",
        _table(failures, language, ["gate", "asset_key", "check_name", "status", "description"])
        if not failures.is_empty()
        else f"<p>{html.escape(text['no_failures'])}</p>",
    ]
    if not figures.step_failures.is_empty():
        parts += [
            f"<h2>{html.escape(text['step_failures'])}</h2>",
            _table(figures.step_failures, language),
        ]
    if not figures.marts_built_in_run:
        parts.append(f"<p class='note'>{html.escape(text['marts_stale'])}</p>")
    for note in figures.notes:
        parts.append(f"<p class='note'>{html.escape(_note(note, language))}</p>")
    key_fields = _key_field_completeness(figures.vacancy_completeness, language)
    parts += [
        f"<h2>{html.escape(text['volumes'])}</h2>",
        _table(figures.volumes, language),
        f"<h2>{html.escape(text['relevance'])}</h2>",
        f"<p class='note'>{html.escape(text['relevance_note'])}</p>",
        _table(key_fields, language, percent=True),
        f"<h2>{html.escape(text['accuracy'])}</h2>",
        f"<h3>{html.escape(text['checks_by_gate'])}</h3>",
        _checks_by_gate(figures.checks, language),
        f"<h3>{html.escape(text['warnings'])}</h3>",
        _table(
            _sorted(figures.warnings, check_order),
            language,
            ["gate", "asset_key", "check_name", "description"],
        ),
        f"<h3>{html.escape(text['validation'])}</h3>",
        f"<p class='note'>{html.escape(text['validation_note'])}</p>",
        _validation_table(figures.validation, language),
        f"<h3>{html.escape(text['quarantine'])}</h3>",
        _table(_sorted(figures.quarantine, ["source", "reason_code"]), language),
        f"<h3>{html.escape(text['raw_completeness'])}</h3>",
        _table(_sorted(figures.raw_completeness, ["source", "column_name"]), language),
        f"<h2>{html.escape(text['timeliness'])}</h2>",
        _table(figures.freshness, language),
        f"<h2>{html.escape(text['coherence'])}</h2>",
        f"<p class='note'>{html.escape(text['coherence_note'])}</p>",
        _table(figures.coherence, language),
        f"<h2>{html.escape(text['accessibility'])}</h2>",
        f"<p class='note'>{html.escape(text['accessibility_note'])}</p>",
        _table(figures.published_files, language),
        sources.sources_html(
            source_rows(figures, language),
            language,
            extra=text["run_line"].format(run_id=figures.run_id, generated=when),
        ),
    ]
    return (
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(text['title'])} · {html.escape(figures.run_id)}</title>"
        f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>"
    )


def build_quality_report(figures: QualityFigures, out_dir: Path) -> list[Path]:
    """Write `data-quality.<language>.html` for Indonesian and English; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for language in ("id", "en"):
        path = out_dir / f"{REPORT_STEM}.{language}.html"
        partial = path.with_suffix(".html.partial")
        partial.write_text(render(figures, language), encoding="utf-8")
        partial.replace(path)
        paths.append(path)
    log.info(
        "data-quality report for run %s: %d checks, %d blocking failures, published %s",
        figures.run_id,
        figures.checks.height,
        figures.blocking_failures.height,
        figures.published_in_run,
    )
    return paths
