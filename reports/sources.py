"""The "Sumber dan periode" / "Sources and periods" block every report page carries.

Each source a page rests on, with the period it refers to or the dates its adverts were
collected, computed from the rows the page was built from (never typed in): a page mixing a
2021 board with a 2025 one says so. Pages built from the marts also carry a data version, the
SHA-256 of the mart files they read and, for the pages that read them, their other input files
(employer evidence, ESCO) and their configuration, which change the page as well: the same
inputs render to the same bytes (reports are kept
when their inputs did not change, orchestration/reports/carry_over.py), so a generation date or a
run id would make a kept page differ from a rendered one. The data-quality report is written
for one run and shows its run id and time instead.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from reports.formatting import format_number
from reports.labels import source_name

TEXT = {
    "id": {
        "heading": "Sumber dan periode",
        "source": "Sumber",
        "period": "Periode acuan atau tanggal pengumpulan",
        "rows": "Baris",
        "note": "Catatan",
        "span": "{start} s.d. {end}",
        "rounds": "{count} ronde: {periods}",
        "dates": "dikumpulkan pada {dates}",
        "collected": "dikumpulkan {span} ({days} hari berbeda)",
        "and": "dan",
        "synthetic": "sintetis (uji metode)",
        "version": "Versi data: {version} (SHA-256 {covers} yang dibaca halaman ini). Halaman "
        "tanpa tanggal pembuatan: halaman dari masukan yang sama selalu sama persis; rilis "
        "bertanggal di data/releases/ mencatat SHA-256 tiap berkas mart (manifest.json) beserta "
        "ID prosesnya.",
        "covers_marts": "berkas mart",
        "covers_config": "berkas mart dan konfigurasi",
        "covers_inputs": "berkas mart, berkas masukan ({files}) dan konfigurasi",
    },
    "en": {
        "heading": "Sources and periods",
        "source": "Source",
        "period": "Reference period or collection dates",
        "rows": "Rows",
        "note": "Note",
        "span": "{start} to {end}",
        "rounds": "{count} rounds: {periods}",
        "dates": "collected on {dates}",
        "collected": "collected {span} ({days} distinct days)",
        "and": "and",
        "synthetic": "synthetic (method test)",
        "version": "Data version: {version} (SHA-256 of {covers} this page reads). The "
        "page has no generation date: the same inputs always give the very same page; the dated "
        "releases in data/releases/ record each mart file's SHA-256 (manifest.json) and the run "
        "id.",
        "covers_marts": "the mart files",
        "covers_config": "the mart files and the configuration",
        "covers_inputs": "the mart files, the input files ({files}) and the configuration",
    },
}

MAX_DATES_LISTED = 3
"""A source collected on this many days or fewer is shown by its dates (snapshots), else as a
span with the number of days."""


@dataclass(frozen=True)
class SourceRow:
    """One line of the block: a source as the reader knows it, its period, rows and a note."""

    source: str
    period: str
    rows: int | None = None
    note: str = ""


def _joined(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {TEXT[language]['and']} {items[-1]}"


def periods_text(periods: Iterable[str], language: str) -> str:
    """Survey rounds, earliest first: '2020-08' for one, '2019-08, 2020-08 dan 2021-08' for up
    to `MAX_DATES_LISTED`, '10 ronde: 2015-08 s.d. 2024-08' (the count, then the span) for
    more."""
    shown = sorted({p for p in periods if p})
    if len(shown) <= MAX_DATES_LISTED:
        return _joined(shown, language)
    span = TEXT[language]["span"].format(start=shown[0], end=shown[-1])
    return TEXT[language]["rounds"].format(count=len(shown), periods=span)


def dates_text(dates: Iterable[object], language: str) -> str:
    """Collection dates: the dates themselves for a few snapshots, else their span and count."""
    shown = sorted({str(d) for d in dates if d is not None})
    if not shown:
        return ""
    if len(shown) <= MAX_DATES_LISTED:
        return TEXT[language]["dates"].format(dates=_joined(shown, language))
    span = TEXT[language]["span"].format(start=shown[0], end=shown[-1])
    return TEXT[language]["collected"].format(span=span, days=len(shown))


def posting_rows(
    postings: pl.DataFrame | None, language: str, date_column: str = "first_seen_date"
) -> list[SourceRow]:
    """One row per job board: its postings and the dates they were first seen."""
    if postings is None or postings.is_empty() or "source" not in postings.columns:
        return []
    rows = []
    for source in sorted(postings["source"].drop_nulls().unique().to_list()):
        part = postings.filter(pl.col("source") == source)
        dates = part[date_column].to_list() if date_column in part.columns else []
        synthetic = "is_synthetic" in part.columns and bool(part["is_synthetic"].any())
        rows.append(
            SourceRow(
                source_name(source, language),
                dates_text(dates, language),
                part.height,
                TEXT[language]["synthetic"] if synthetic else "",
            )
        )
    return rows


def data_version(
    marts_dir: Path,
    names: Iterable[str],
    inputs: Iterable[Path] = (),
    config: dict[str, Any] | None = None,
) -> str:
    """The first 12 hex digits of the SHA-256 over the named marts' files (those present), the
    `inputs` (files, or folders walked in sorted order; by name, so the same files elsewhere
    give the same version) and the `config` the page was built with (as sorted JSON)."""
    digest = hashlib.sha256()
    for name in sorted(set(names)):
        path = marts_dir / f"{name}.parquet"
        if path.exists():
            digest.update(f"{name}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for root in inputs:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if path.is_file():
                label = path.relative_to(root.parent).as_posix()
                digest.update(f"input {label}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    if config is not None:
        digest.update(b"config\0")
        digest.update(json.dumps(config, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:12]


def version_covers(language: str, inputs: Iterable[str] = ()) -> str:
    """What a data version over marts, `inputs` (names shown) and a configuration hashes, in
    words (a version over the marts alone needs none: it is the default)."""
    files = ", ".join(inputs)
    if not files:
        return TEXT[language]["covers_config"]
    return TEXT[language]["covers_inputs"].format(files=files)


def sources_html(
    rows: list[SourceRow],
    language: str,
    version: str | None = None,
    extra: str = "",
    covers: str | None = None,
) -> str:
    """The block as HTML: a heading, a table of the sources, then the version (or `extra`, a
    line the caller words, such as the run of the data-quality report). `covers`: what the
    version hashes (`version_covers`), the mart files by default."""
    text = TEXT[language]
    body = "".join(
        f"<tr><td>{html.escape(r.source)}</td><td>{html.escape(r.period)}</td>"
        f"<td class='num'>{html.escape(format_number(r.rows, language))}</td>"
        f"<td>{html.escape(r.note)}</td></tr>"
        for r in rows
    )
    lines = [extra] if extra else []
    if version:
        covers = covers or text["covers_marts"]
        lines.append(text["version"].format(version=version, covers=covers))
    return (
        f"<section class='sources'><h2>{html.escape(text['heading'])}</h2>"
        f"<table><thead><tr><th>{html.escape(text['source'])}</th>"
        f"<th>{html.escape(text['period'])}</th><th>{html.escape(text['rows'])}</th>"
        f"<th>{html.escape(text['note'])}</th></tr></thead><tbody>{body}</tbody></table>"
        + "".join(f"<p class='note'>{html.escape(line)}</p>" for line in lines)
        + "</section>"
    )
