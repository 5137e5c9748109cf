"""Shared pieces of the self-contained HTML reports: page, tables with downloads, charts, PDF.

Every table is offered as CSV and XLSX twice over: embedded in the page as data URIs (so the
HTML alone is complete) and written next to it, headed in the page's language except in English
(`download_frame`). Plotly's script is embedded once per page, so
the report opens offline. Every cell is HTML-escaped: scraped titles and labels are untrusted.

The same marts render to the same bytes: a chart's element id is derived from its content and
place on the page (not Plotly's random one); a workbook carries a fixed time (`DOCUMENT_TIME`)
in its properties and zip entries instead of the time it was saved, and a PDF the same time
instead of the time Chromium printed it. So a report kept because its inputs did not change
(orchestration/reports/carry_over.py) is exactly what a rendering would write.
"""

from __future__ import annotations

import base64
import datetime as dt
import glob
import hashlib
import html
import importlib.metadata
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from reports.formatting import PLOTLY_SEPARATORS, format_auto, format_number

log = logging.getLogger(__name__)

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;font-size:0.9em}"
    "td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}"
    ".num{text-align:right}.note{color:#555;font-size:0.9em}.synthetic{color:#a33}"
    ".downloads a{margin-right:1em}.scroll{max-height:480px;overflow:auto}"
    ".banner{padding:.8em 1em;border:2px solid #a33;background:#fdecea;color:#a33;"
    "font-weight:600;border-radius:4px}"
    "@media print{.downloads{display:none}.scroll{max-height:none;overflow:visible}"
    "h2{page-break-before:auto}}"
)


def find_chromium() -> str | None:
    """The Chromium executable, if one is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


DOCUMENT_TIME = dt.datetime(1980, 1, 1)
"""Created and modified time of every workbook (and of its zip entries) and PDF: the earliest a
zip entry can hold, so it reads as no date at all. A real time (of saving, or of the marts'
publication, which changes with every publication of the same marts) would change the bytes of a
report whose inputs did not change."""
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


XLSX_CACHE_FOLDER = ".xlsx-cache"
"""Inside a report's output folder: the last workbook of each table, named by the hash of the
table's content (and of this module, which lays workbooks out). openpyxl takes about a tenth of
a second per table, two seconds per report, and most tables of a nightly rendering are the same
as the night before; a table whose hash is found is not laid out again. Same bytes either way.
Safe to delete (it is filled again); one file per table and language, so it does not grow."""
_THIS_MODULE = hashlib.sha256(
    Path(__file__).read_bytes() + importlib.metadata.version("openpyxl").encode()
).hexdigest()
"""This module and the openpyxl that lays the workbooks out: a change of either is a new key.
The version is read from the installed package's metadata (the same text as
`openpyxl.__version__`): openpyxl itself is imported only to lay out a workbook, which a night
whose tables are all in the cache never does."""


def cached_xlsx_bytes(
    frame: pl.DataFrame, sheet: str, cache_dir: Path, base: str, csv: str | None = None
) -> bytes:
    """`xlsx_bytes(frame, sheet)`, kept in `cache_dir` as `<base>.<hash>.xlsx` (one per base:
    the previous workbook of the same table is removed when the table changes). `csv`: the
    table's `csv_text`, if the caller has it already."""
    key = _table_key(frame, sheet, csv_text(frame) if csv is None else csv)
    cached = cache_dir / f"{base}.{key[:32]}.xlsx"
    if cached.is_file():
        return cached.read_bytes()
    # The other language's page often has the very same table (codes and numbers only).
    same = next(cache_dir.glob(f"*.{key[:32]}.xlsx"), None) if cache_dir.is_dir() else None
    content = same.read_bytes() if same is not None else xlsx_bytes(frame, sheet)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for previous in cache_dir.glob(f"{glob.escape(base)}.*.xlsx"):
        previous.unlink(missing_ok=True)
    # Named per process: two renderings into one folder must not move each other's file.
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.write_bytes(content)
    partial.replace(cached)
    return content


def _table_key(frame: pl.DataFrame, sheet: str, csv: str) -> str:
    # The content, not its memory layout: Arrow IPC bytes of equal frames differ with how their
    # strings were built. Column types (a text "1" and a number 1 read alike in CSV), each row's
    # hash (a null and an empty text), and the CSV text (the values themselves).
    digest = hashlib.sha256(f"{_THIS_MODULE}\n{sheet}\n{frame.schema!r}\n".encode())
    digest.update(frame.hash_rows(seed=0).to_numpy().tobytes())
    digest.update(csv.encode("utf-8"))
    return digest.hexdigest()


def xlsx_bytes(frame: pl.DataFrame, sheet: str) -> bytes:
    """The table as an XLSX workbook with one sheet (openpyxl, values only), stamped with
    `DOCUMENT_TIME` so the same table always gives the same bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append(frame.columns)
    for row in frame.iter_rows():
        worksheet.append([_excel_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stamped(buffer.getvalue(), DOCUMENT_TIME)


def _stamped(xlsx: bytes, when: dt.datetime) -> bytes:
    """The workbook with `when` as its created and modified time and the time of every entry.

    openpyxl sets the modified time when it saves and Python's zip module the time of each
    entry, both from the clock; this rewrites the archive, entry by entry in the same order.
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    rewritten = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(rb"\g<1>" + stamp + rb"\g<3>", content)
            info = zipfile.ZipInfo(entry.filename, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, content)
    return rewritten.getvalue()


def chart_id(figure: go.Figure, ordinal: int) -> str:
    """The element id of the page's `ordinal`-th chart, from its content: the same chart gets
    the same id in every rendering (Plotly's own is a random uuid), two charts of a page never
    share one."""
    digest = hashlib.sha256(figure.to_json().encode("utf-8")).hexdigest()[:16]
    return f"chart-{ordinal}-{digest}"


def figure_html(figure: go.Figure, language: str, ordinal: int) -> str:
    """The chart as a `<div>` in the house layout; the first chart of a page (`ordinal` 1)
    carries Plotly's script, so the page opens offline."""
    figure.update_layout(
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        separators=PLOTLY_SEPARATORS[language],
    )
    return figure.to_html(
        full_html=False,
        include_plotlyjs=ordinal == 1,
        div_id=chart_id(figure, ordinal),
        config={"displaylogo": False},
    )


def _excel_value(value: object) -> object:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        # A scraped text starting like a formula must stay text in a spreadsheet.
        return "'" + value
    return value


MACHINE_HEADER_LANGUAGE = "en"
"""The language whose downloadable tables keep the tables' column names (`kbji_code`, as in the
marts and the docs, for scripts). Every other language's tables are headed with the labels its
page shows (Bahasa Indonesia: `KBJI 2014`, `Jabatan`, `Skor`), as a reader of that language
expects from a table offered to them."""


PAGE_TEXT = {
    "id": {
        "cut": "Tabel ini menampilkan {shown} baris pertama dari {total} baris{order}. Semua "
        "baris ada di unduhan {base}.csv dan {base}.xlsx.",
        "downloads": "Unduhan: CSV untuk dibaca mesin dalam kedua bahasa (UTF-8, dipisah koma, "
        "desimal titik, true/false); XLSX menyimpan angka dan nilai ya/tidak yang sebenarnya, "
        "sehingga Excel menampilkannya menurut setelan bahasa pembacanya. Judul kolom unduhan "
        "berbahasa Indonesia mengikuti halaman ini; unduhan bahasa Inggris memakai nama kolom "
        "mesin.",
    },
    "en": {
        "cut": "This table shows the first {shown} of {total} rows{order}. Every row is in the "
        "downloads {base}.csv and {base}.xlsx.",
        "downloads": "Downloads: CSV is machine-readable in both languages (UTF-8, comma "
        "separated, '.' decimals, true/false); XLSX holds real numbers and true/false values, so "
        "Excel shows them in its reader's locale. The Indonesian downloads are headed with the "
        "page's labels; the English ones keep the machine column names.",
    },
}
"""Sentences every page says about its tables, in each language."""


def download_frame(frame: pl.DataFrame, labels: dict[str, str], language: str) -> pl.DataFrame:
    """The table as its CSV and XLSX are written in `language` (see `MACHINE_HEADER_LANGUAGE`).

    A column without a label keeps its name; a label two columns share is followed by the
    second column's name, so that no header is repeated.
    """
    if language == MACHINE_HEADER_LANGUAGE:
        return frame
    headers: dict[str, str] = {}
    for column in frame.columns:
        header = labels.get(column, column)
        if header in headers.values():
            header = f"{header} ({column})"
        headers[column] = header
    return frame.rename(headers)


def csv_text(frame: pl.DataFrame) -> str:
    flat = frame.with_columns(
        pl.col(c).cast(pl.List(pl.Utf8)).list.join(", ")
        for c, t in frame.schema.items()
        if isinstance(t, pl.List)
    )
    return flat.write_csv()


class Page:
    """Collects sections, figures and downloadable tables of one report in one language."""

    def __init__(self, title: str, language: str, output_dir: Path, stem: str) -> None:
        self.title = title
        self.language = language
        self.output_dir = output_dir
        output_dir.mkdir(parents=True, exist_ok=True)
        self.stem = stem
        self.sections: list[str] = []
        self.footnotes: list[str] = []
        self.banners: list[str] = []
        self.written: list[Path] = []
        self.tables = 0
        self._charts = 0

    def banner(self, text: str) -> None:
        """A notice shown under the title, before anything else (synthetic data, for one)."""
        self.banners.append(text)

    def heading(self, text: str, level: int = 2) -> None:
        self.sections.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def paragraph(self, text: str, css: str = "") -> None:
        attribute = f" class='{css}'" if css else ""
        self.sections.append(f"<p{attribute}>{html.escape(text)}</p>")

    def raw(self, markup: str) -> None:
        """Markup built by the report itself (never from data)."""
        self.sections.append(markup)

    def footnote(self, text: str) -> str:
        """Register a footnote; return its marker."""
        if text not in self.footnotes:
            self.footnotes.append(text)
        return f"[{self.footnotes.index(text) + 1}]"

    def figure(self, figure: go.Figure, note: str | None = None) -> None:
        self._charts += 1
        self.sections.append(figure_html(figure, self.language, self._charts))
        if note:
            self.sections.append(f"<p class='note synthetic'>{html.escape(note)}</p>")

    def table(
        self,
        frame: pl.DataFrame,
        name: str,
        labels: dict[str, str],
        numeric: set[str] | None = None,
        note: str | None = None,
        max_rows: int | None = None,
        order: str = "",
        download: pl.DataFrame | None = None,
        decimals: dict[str, int] | None = None,
    ) -> None:
        """The table in the page, plus CSV and XLSX downloads (embedded and as files).

        `max_rows`: rows shown on the page (the downloads hold all), said in words under a cut
        table with `order` (", listed occupations first") and the downloads' names.
        `download`: what the downloads hold instead of `frame`, where the page shows text the
        machine-readable files must not (a setting "0,75" is the number 0.75 there).
        `decimals`: decimal places a column's numbers are shown with (the downloads keep all).
        """
        numeric = numeric or set()
        self.tables += 1
        download = download_frame(frame if download is None else download, labels, self.language)
        csv = csv_text(download)
        base = f"{self.stem}.{name}.{self.language}"
        xlsx = cached_xlsx_bytes(download, name, self.output_dir / XLSX_CACHE_FOLDER, base, csv)
        for suffix, content in ((".csv", csv.encode("utf-8")), (".xlsx", xlsx)):
            path = self.output_dir / f"{base}{suffix}"
            path.write_bytes(content)
            self.written.append(path)
        csv_uri = "data:text/csv;base64," + base64.b64encode(csv.encode("utf-8")).decode()
        xlsx_uri = (
            "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
            + base64.b64encode(xlsx).decode()
        )
        head = "".join(f"<th>{html.escape(labels.get(c, c))}</th>" for c in frame.columns)
        shown = frame if max_rows is None else frame.head(max_rows)
        body = []
        for row in shown.iter_rows(named=True):
            cells = []
            for column, value in row.items():
                css = " class='num'" if column in numeric else ""
                text = _display(value, self.language, column, (decimals or {}).get(column))
                cells.append(f"<td{css}>{html.escape(text)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        if not body:
            body.append(f"<tr><td colspan='{len(frame.columns)}'>-</td></tr>")
        self.sections.append(
            f"<p class='downloads'><a download='{html.escape(base)}.csv' href='{csv_uri}'>CSV</a>"
            f"<a download='{html.escape(base)}.xlsx' href='{xlsx_uri}'>XLSX</a></p>"
            f"<div class='scroll'><table id='{html.escape(name)}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )
        if max_rows is not None and frame.height > max_rows:
            cut = PAGE_TEXT[self.language]["cut"].format(
                shown=format_number(shown.height, self.language),
                total=format_number(frame.height, self.language),
                order=order,
                base=base,
            )
            self.sections.append(f"<p class='note'>{html.escape(cut)}</p>")
        if note:
            self.sections.append(f"<p class='note synthetic'>{html.escape(note)}</p>")

    def render(self, subtitle: str) -> str:
        notes = "".join(
            f"<li id='fn{i + 1}'>{html.escape(text)}</li>" for i, text in enumerate(self.footnotes)
        )
        return (
            f"<!DOCTYPE html><html lang='{self.language}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(self.title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>"
            + "".join(
                f"<p class='banner' role='note'>{html.escape(text)}</p>" for text in self.banners
            )
            + f"<p>{html.escape(subtitle)}</p>"
            + "\n".join(self.sections)
            + (
                f"<p class='note'>{html.escape(PAGE_TEXT[self.language]['downloads'])}</p>"
                if self.tables
                else ""
            )
            + (f"<hr><ol class='note'>{notes}</ol>" if notes else "")
            + "</body></html>"
        )

    def write(self, subtitle: str) -> Path:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        target = self.output_dir / f"{self.stem}.{self.language}.html"
        target.write_text(self.render(subtitle), encoding="utf-8")
        self.written.append(target)
        log.info("wrote %s and %d table files", target, len(self.written) - 1)
        return target


def _display(value: object, language: str, column: str = "", decimals: int | None = None) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int) and ("year" in column or "level" in column):
        return str(value)  # a year or a code's digit count is a label, never grouped
    if isinstance(value, int | float) and decimals is not None:
        return format_number(value, language, decimals)
    if isinstance(value, int | float):
        return format_auto(value, language)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) *\(D:)(\d+)([^)]*)\)")


def _pdf_dated(pdf: bytes, when: dt.datetime) -> bytes:
    """The PDF with `when` (UTC) as its creation and modification date instead of the time
    Chromium printed it. Each date keeps its length, so the byte offsets the PDF's
    cross-reference table records stay right."""
    digits = when.strftime("%Y%m%d%H%M%S").encode()

    def fixed(match: re.Match[bytes]) -> bytes:
        length = len(match[2])
        zone = re.sub(rb"\d", b"0", match[3])
        return match[1] + (digits + b"0" * length)[:length] + zone + b")"

    return _PDF_DATE.sub(fixed, pdf)


def print_pdf(html_path: Path, timeout_seconds: int = 120) -> Path | None:
    """Print the HTML to PDF with headless Chromium; None (logged) when Chromium is absent."""
    chromium = find_chromium()
    if chromium is None:
        log.warning("no Chromium installed: %s has no PDF", html_path.name)
        return None
    target = html_path.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                "--virtual-time-budget=10000",
                f"--print-to-pdf={target}",
                html_path.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=timeout_seconds,
            check=False,
        )
    if result.returncode != 0 or not target.exists():
        log.warning("PDF of %s failed: %s", html_path.name, result.stderr.decode()[-500:])
        return None
    target.write_bytes(_pdf_dated(target.read_bytes(), DOCUMENT_TIME))
    log.info("wrote %s (%d bytes)", target, target.stat().st_size)
    return target
