"""Dated releases of the parquet marts for researchers: `data/releases/<YYYY-MM-DD>/`.

A release is cut from the published marts (data/marts/, written by the gated publication), never
from the DuckDB file, so it needs no warehouse lock. It takes exactly the marts the publication's
record (`_publication.json`) lists, not every parquet file in the folder: a file written there by
hand or by a command (`lmis sakernas indicators` and its quarantine beside it) is left out with a
warning naming it. It holds:

- `<table>.parquet` per mart, or `<table>/<column>=<value>/data_0.parquet` (hive partitions) for
  the large tables in `HIVE_PARTITIONED_TABLES`;
- `manifest.json`: per table its rows, schema and description, per file its rows, bytes and
  SHA-256, the source files landed in the run (source vintages), the run id, the gate result and
  `occupation_coder`: the auto-code threshold and fingerprint of the occupation coder whose codes
  the marts carry (`occupation_coder_of`); `missing_sources`: the sources landed whole that the
  night could not land at all (never landed, file unreadable: their marts lack them);
- `data_dictionary.md`: every mart and column described, generated from the dbt manifest,
  then the columns Stata cannot take as they are with their conversion, then the licences and
  terms of the code and of each source, and a note on advert text; it, the join guide and the
  docs/ pages the dictionary names (copied under `docs/`) are listed in `documents`;
- in every parquet file, the descriptions of its table and columns and the release that wrote
  it, as Arrow schema metadata (orchestration/operations/release_schema.py);
- what makes it citable alone (orchestration/operations/release_metadata.py): in the manifest
  the code version (`code`: package version, git commit when run from a checkout, licence), per
  data folder the licence or terms its PROVENANCE.md states (`source_terms`), the previous
  release (`previous_release`, the newest older-dated one) and what changed since it
  (`changes_since_previous`: tables and columns added and removed, rows before and after); and
  CHANGELOG.md, LICENSE, CITATION.cff and every PROVENANCE.md (under `provenance/`), listed with
  their SHA-256 in the manifest's `documents`.

A mart marked as personal data in dbt is released only on synthetic rows or when the operator
allows it (orchestration/publish/personal_data.py): the publication withholds it, and a release
cut from an earlier publication checks it again. The manifest's `withheld` names each withheld
mart with the reason. Which marts are personal data only dbt's manifest says, so without it no
release is cut (`write_release` raises FileNotFoundError).

The release is written into a hidden folder and renamed into place, then `latest` (a relative
symbolic link) is switched to the release with the newest data that passed the gate
(`_newest_passed_release`): a release is ranked by the last ended day its data covers (a night's
release: its day; an interim release of day T, cut on T by a run without a release date or by
the landing sensor's run: T - 1), then by the time it was cut. So a backfill of an older day
leaves `latest` alone, and the night of day T - 1 cut after an interim release of T takes
`latest` from it. A release of the same date is replaced whole. Date and `interim` are those of
the moment the run started (`release_day`), so a run crossing midnight keeps its day. Releases
beyond the retention setting are pruned, never the one `latest` points to.

A table whose published file has the SHA-256 recorded for it in the release `latest` points to
(`source_sha256`) and descriptions (`metadata_sha256`) is not written again: that release's
files of the table are hard-linked into the new one and their manifest entries reused (their
`release` metadata names the release that first wrote them). Release files are shared between
releases this way, so they are read, never modified in place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.operations.interrupts import interrupts_held
from orchestration.operations.release_metadata import (
    changes_since,
    code_version,
    copy_docs,
    copy_documents,
    source_terms,
)
from orchestration.operations.release_schema import (
    describe_file,
    metadata_fingerprint,
    stata_name_problems,
    stata_problems,
)
from orchestration.operations.retention import whole_number_from_env
from orchestration.publish.personal_data import (
    PERSONAL_DATA_META,
    is_personal_data_node,
    withholding_reason,
)

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
PUBLICATION_MANIFEST = "_publication.json"
"""The publication's record in the marts folder (orchestration/publish/publication.py): the marts
it wrote with their rows and checksums, written last, after the files."""
DICTIONARY_NAME = "data_dictionary.md"
LATEST_NAME = "latest"
DEFAULT_RETENTION = 14
"""Releases kept when `LMIS_RELEASE_RETENTION` is not set: two weeks of nights."""

HIVE_PARTITIONED_TABLES = {"labour_force_indicators_synthetic": "period"}
"""Tables large enough that researchers read them a partition at a time."""

_RELEASE_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")
_CHUNK_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ReleaseResult:
    path: Path
    tables: dict[str, int]
    files: int
    pruned: list[str]


def retention_from_env() -> int:
    """Number of dated releases to keep (`LMIS_RELEASE_RETENTION`, at least 1). Unset or empty
    (as `LMIS_RELEASE_RETENTION=` in a `.env` leaves it) means the default, as for every other
    setting; anything else is a `SettingError` (`lmis` exit 2)."""
    return whole_number_from_env("LMIS_RELEASE_RETENTION", DEFAULT_RETENTION, "releases")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _quoted(path: Path) -> str:
    # COPY targets cannot be bound parameters; paths come from settings, quote them anyway.
    return "'" + str(path).replace("'", "''") + "'"


def write_sorted_parquet(
    con: duckdb.DuckDBPyConnection,
    select: str,
    target: Path,
    parameters: list[Any] | None = None,
) -> None:
    """Write the rows of `select` to `target` (zstd parquet), sorted on every column.

    DuckDB hands out a table's rows in an order that depends on its threads, and a parquet file's
    bytes follow the row order; sorted, the file (and its SHA-256) is a function of the rows
    alone. The publication and the releases both write through here.
    """
    con.execute(
        f"copy ({select} order by all) to {_quoted(target)} (format parquet, compression zstd)",
        parameters or [],
    )


def _required_nested_columns(source: Path) -> list[str]:
    """The list, struct or map columns the published file declares not null.

    DuckDB's parquet reader keeps a plain column's `not null` but reads a nested one as
    nullable, so a release written from `read_parquet` would lose what the mart promises.
    """
    return [
        field.name
        for field in pq.read_schema(source)
        if not field.nullable and pa.types.is_nested(field.type)
    ]


def _export_table(con: duckdb.DuckDBPyConnection, source: Path, target_dir: Path) -> None:
    table = source.stem
    partition_column = HIVE_PARTITIONED_TABLES.get(table)
    relation, parameters = "read_parquet(?)", [str(source)]
    required = _required_nested_columns(source)
    if required:
        # Through a table whose columns say `not null` again: DuckDB writes them as required,
        # as the publication wrote them from the warehouse's marts.
        con.execute(
            "create or replace temp table _release_source as select * from read_parquet(?)",
            [str(source)],
        )
        for column in required:
            con.execute(f'alter table _release_source alter column "{column}" set not null')
        relation, parameters = "_release_source", []
    try:
        _write_table(con, relation, parameters, table, partition_column, target_dir, source)
    finally:
        if required:
            con.execute("drop table if exists _release_source")


def _write_table(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    parameters: list[str],
    table: str,
    partition_column: str | None,
    target_dir: Path,
    source: Path,
) -> None:
    if partition_column is None:
        write_sorted_parquet(con, f"select * from {relation}", target_dir / source.name, parameters)
        return
    # One COPY per partition rather than DuckDB's PARTITION_BY, whose parallel writer orders
    # row groups differently from run to run and so changes the checksums of the same data.
    values = con.execute(
        f'select distinct "{partition_column}" from {relation} order by 1', parameters
    ).fetchall()
    for (value,) in values:
        folder = target_dir / table / f"{partition_column}={value}"
        folder.mkdir(parents=True)
        write_sorted_parquet(
            con,
            f'select * exclude ("{partition_column}") from {relation} '
            f'where "{partition_column}" = ?',
            folder / "data_0.parquet",
            [*parameters, value],
        )


def _table_files(release: Path, table: str) -> list[Path]:
    """The files of `table` written into `release`: one, or one per hive partition."""
    return sorted(release.glob(f"{table}.parquet")) or sorted((release / table).rglob("*.parquet"))


def _warn_undescribed(name: str, table: str, source: Path, columns: dict[str, str]) -> None:
    """Log the published columns the dbt YAML does not describe (their files carry none)."""
    missing = [column for column in pq.read_schema(source).names if not columns.get(column)]
    if missing:
        log.warning("release %s: %s has no description of %s", name, table, ", ".join(missing))


def _file_entries(release: Path, table: str) -> list[dict[str, Any]]:
    """Manifest entries of the files of `table` written into `release`."""
    written = _table_files(release, table)
    return [
        {
            "path": path.relative_to(release).as_posix(),
            "table": table,
            "rows": pq.ParquetFile(path).metadata.num_rows,
            "bytes": path.stat().st_size,
            "sha256": sha256_of(path),
        }
        for path in written
    ]


def _previous_release_tables(
    releases_dir: Path,
) -> dict[str, tuple[Path, str, list[dict], str | None]]:
    """Per table of the release `latest` points to: (its folder, the SHA-256 of the published
    file it was cut from, its manifest entries, the fingerprint of the descriptions its files
    carry). Empty when there is none to reuse."""
    latest = latest_release(releases_dir)
    if latest is None or not (latest / MANIFEST_NAME).exists():
        return {}
    try:
        manifest = json.loads((latest / MANIFEST_NAME).read_text())
    except json.JSONDecodeError:
        return {}
    found = {}
    for table, meta in manifest.get("tables", {}).items():
        if meta.get("source_sha256"):
            entries = [entry for entry in manifest["files"] if entry["table"] == table]
            found[table] = (latest, meta["source_sha256"], entries, meta.get("metadata_sha256"))
    return found


def _link_unchanged(
    previous: tuple[Path, str, list[dict], str | None] | None,
    source_sha256: str,
    metadata_sha256: str,
    partial: Path,
) -> list[dict[str, Any]] | None:
    """The previous release's files of a table cut from the same published bytes and carrying
    the same descriptions, hard-linked into `partial` (copied where links are not possible);
    None if they cannot be reused.

    Writing a table is a function of the published file and its descriptions alone (and of the
    release id in its metadata: a linked file names the release that first wrote it), so the
    manifest entries are reused as they are.
    """
    if previous is None or previous[1] != source_sha256 or not previous[2]:
        return None
    folder, _, entries, previous_metadata = previous
    if previous_metadata != metadata_sha256:
        # Files of a release from before the descriptions, or with other ones: written again.
        return None
    for entry in entries:
        old = folder / entry["path"]
        # A cheap guard against a file lost or cut short since (its content is not re-hashed).
        if not old.is_file() or old.stat().st_size != entry["bytes"]:
            log.warning("%s does not match its manifest: written again", old)
            return None
    for entry in entries:
        old, new = folder / entry["path"], partial / entry["path"]
        new.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old, new)
        except OSError:
            shutil.copyfile(old, new)
    return [dict(entry) for entry in entries]


def _schema_of(path: Path) -> list[dict[str, str]]:
    schema = pq.read_schema(path)
    return [{"name": field.name, "type": str(field.type)} for field in schema]


def load_dbt_docs(dbt_manifest: Path | None) -> dict[str, dict[str, Any]]:
    """Descriptions of every mart model and its columns from dbt's `target/manifest.json`."""
    if dbt_manifest is None or not dbt_manifest.exists():
        log.warning("no dbt manifest at %s: the data dictionary has no descriptions", dbt_manifest)
        return {}
    manifest = json.loads(dbt_manifest.read_text())
    docs: dict[str, dict[str, Any]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") != "marts":
            continue
        docs[node["name"]] = {
            "description": node.get("description", ""),
            "columns": {
                name: column.get("description", "") for name, column in node["columns"].items()
            },
            "dbt_path": node.get("original_file_path", ""),
            PERSONAL_DATA_META: is_personal_data_node(node),
        }
    return docs


ADVERT_TEXT_NOTE = (
    "Advert text is republished as the job sites showed it: `fct_vacancy_postings.description` "
    "and `job_title`, `fct_vacancies.job_title`, `bridge_vacancy_skills.matched_text` and the "
    "portal and register titles. That text is not the project's work and the code's licence "
    "does not cover it: it stays under the terms of the source it came from (the table below; "
    "most adverts' sources state none). Quote or analyse it; before republishing it in bulk, "
    "check those terms and the job sites' own."
)


def render_terms(code: dict[str, Any] | None, terms: dict[str, dict[str, Any]] | None) -> list[str]:
    """Markdown lines: the code's version and licence, the note on advert text, and per data
    folder the licence or terms its PROVENANCE.md states."""
    if code is None and terms is None:
        return []
    lines = ["## Licences and terms", ""]
    if code is not None:
        commit = code.get("git_commit") or "not run from a git checkout"
        lines += [
            f"Code: {code.get('package')} {code.get('version')} (git commit {commit}), "
            f"licence {code.get('licence')} (LICENSE; cite with CITATION.cff).",
            "",
        ]
    lines += [ADVERT_TEXT_NOTE, ""]
    if terms:
        lines += ["| data folder | licence or terms stated in its PROVENANCE.md |", "|---|---|"]
        for folder, meta in terms.items():
            text = " / ".join(meta["terms"]).replace("|", "\\|")
            lines.append(f"| `{folder}` | {text} |")
        lines.append("")
    return lines


DICTIONARY_NOTE_PREFIX = "dictionary_"
"""dbt docs blocks named so (dbt_project/models/marts/_dictionary__docs.md) are notes that span
marts, printed in the data dictionary after the marts."""


def load_dictionary_notes(dbt_manifest: Path | None) -> dict[str, str]:
    """The dbt docs blocks `dictionary_<topic>`, by topic ("education levels"), in name order."""
    if dbt_manifest is None or not dbt_manifest.exists():
        return {}
    blocks = json.loads(dbt_manifest.read_text()).get("docs", {}).values()
    return {
        block["name"].removeprefix(DICTIONARY_NOTE_PREFIX).replace("_", " ").capitalize(): block[
            "block_contents"
        ].strip()
        for block in sorted(blocks, key=lambda block: block["name"])
        if block.get("name", "").startswith(DICTIONARY_NOTE_PREFIX)
    }


def render_data_dictionary(
    tables: dict[str, dict[str, Any]],
    release_name: str,
    withheld: dict[str, str] | None = None,
    *,
    code: dict[str, Any] | None = None,
    terms: dict[str, dict[str, Any]] | None = None,
    notes: dict[str, str] | None = None,
    missing_sources: list[str] | None = None,
) -> str:
    """Markdown: per table its grain and rows, then a line per column with type and meaning;
    then the marts withheld as personal data, with the reason; then the sources the night could
    not land (`missing_sources`), whose rows the marts lack; then the notes that span marts
    (`load_dictionary_notes`); then reading the files in Stata and R (`render_stata_notes`);
    last, the licences and terms."""
    lines = [
        f"# Data dictionary of the LMIS marts, release {release_name}",
        "",
        "Generated from the dbt documentation of each model (dbt_project/models/marts/).",
        "Tables marked synthetic are built on synthetic inputs and are not statistics.",
        "",
        SELF_DESCRIBING_NOTE,
        "",
        DOCS_NOTE,
        "",
    ]
    for name, table in tables.items():
        lines += [f"## {name}", "", table["description"] or "(no description in dbt)", ""]
        lines += [f"Rows: {table['rows']}. Files: `{table['path']}`.", ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        for column in table["schema"]:
            text = table["column_descriptions"].get(column["name"], "") or "(undocumented)"
            text = " ".join(text.split()).replace("|", "\\|")
            lines.append(f"| `{column['name']}` | {column['type']} | {text} |")
        lines.append("")
    if withheld:
        lines += ["## Withheld", "", "Personal data, not in this release:", ""]
        lines += [f"- `{table}`: {reason}" for table, reason in sorted(withheld.items())]
        lines.append("")
    if missing_sources:
        lines += [
            "## Sources missing from this release",
            "",
            "These sources could not be landed (their file unreadable or removed); the marts",
            "built on them lack their rows, and the manifest lists them as `missing_sources`:",
            "",
        ]
        lines += [f"- `{relation}`" for relation in sorted(missing_sources)]
        lines.append("")
    for topic, text in (notes or {}).items():
        lines += [f"## {topic}", "", text, ""]
    lines += render_stata_notes(tables)
    lines += render_terms(code, terms)
    return "\n".join(lines)


SELF_DESCRIBING_NOTE = (
    "Every parquet file describes itself: each column's description below is in its Arrow "
    "schema (field metadata `description`), and the file's schema metadata holds `table`, the "
    "table's `description`, `release` (the release that wrote the file: a file unchanged since "
    "an earlier release is shared with it, byte for byte) and `column_descriptions` (JSON). "
    "pyarrow: `pq.read_schema(path).field('col').metadata`; R: "
    "`arrow::open_dataset(path)$schema$GetFieldByName('col')$metadata`; Polars: "
    "`pl.read_parquet_metadata(path)`; DuckDB: `select * from parquet_kv_metadata(path)`."
)
DOCS_NOTE = (
    "The pages named `docs/<page>.md` here are copied into this release's `docs/` folder; "
    "start with `docs/how-the-marts-join.md`, the one right join per pair of marts. Their "
    "checksums are in `manifest.json` (`documents`), with this file's."
)


def render_stata_notes(tables: dict[str, dict[str, Any]]) -> list[str]:
    """Markdown lines: the columns Stata cannot take as they are (names and types, found in
    this release's files), each with the conversion; and what R makes of them."""
    lines = [
        "## Reading the files in Stata and R",
        "",
        "R (`arrow::read_parquet`) reads every column as it is: lists as list columns, "
        'instants as `POSIXct` shown in UTC (`lubridate::with_tz(col, "Asia/Jakarta")` for '
        "Jakarta time), dates as `Date`. Stata 16+ reads them through Python (pyarrow, pandas "
        "`to_stata`) or after a DuckDB export to CSV; these columns need a step first:",
        "",
        "| table | column | type | problem and conversion |",
        "|---|---|---|---|",
    ]
    found = 0
    for table, meta in tables.items():
        for column, problem in stata_name_problems([c["name"] for c in meta["schema"]]):
            lines.append(
                f"| `{table}` | `{column}` | name | {problem}; or name it yourself "
                "(DuckDB: `select col as shorter_name`; Stata: `rename`) |"
            )
            found += 1
        for problem in meta.get("stata", []):
            conversion = problem.conversion.replace("|", "\\|")
            lines.append(
                f"| `{table}` | `{problem.column}` | {problem.arrow_type} | {conversion} |"
            )
            found += 1
    if not found:
        lines.append("| - | - | - | none: every column imports as it is |")
    lines += [
        "",
        "64-bit integers become doubles in Stata, exact up to 2^53; a column with a value "
        "beyond that would be listed above. Dates (`date32`) import as Stata dates (`%td`).",
        "",
    ]
    return lines


def synthetic_flag(con: duckdb.DuckDBPyConnection, source: Path) -> tuple[bool | str, float | None]:
    """(`is_synthetic`, `synthetic_share`) of a published mart, read from its rows.

    `is_synthetic` is True when every row has `is_synthetic = true`, False when none has, and
    "mixed" otherwise; the share is the fraction of such rows. A mart without that column (or
    without rows) has no share, and its name decides: `*_synthetic` marts are synthetic.
    """
    columns = pq.read_schema(source).names
    if "is_synthetic" in columns:
        rows, synthetic = con.execute(
            "select count(*), count(*) filter (where is_synthetic) from read_parquet(?)",
            [str(source)],
        ).fetchone()
        if rows:
            share = synthetic / rows
            return (True if share == 1 else False if share == 0 else "mixed"), share
    return "synthetic" in source.stem, None


def _switch_latest(releases_dir: Path, release_name: str) -> None:
    link = releases_dir / LATEST_NAME
    temporary = releases_dir / f".{LATEST_NAME}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(release_name, target_is_directory=True)
    os.replace(temporary, link)  # atomic: readers see the old or the new release, never none


def _newest_passed_release(releases_dir: Path) -> str:
    """Name of the release with the newest data among those that passed the quality gate.

    Ranked by the last ended day the data covers, then by the time the release was cut (module
    doc). A backfill of an older day writes that day's release after newer ones and must leave
    `latest` on the newest day; an interim release of today holds what had landed when it was
    cut, so a night's release of yesterday cut after it holds newer data. A manifest written
    before `interim` was recorded counts as a night's.
    """
    ranked = []
    for release in list_releases(releases_dir):
        try:
            manifest = json.loads((release / MANIFEST_NAME).read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if manifest.get("quality_gate") != "passed":
            continue
        data_day = date.fromisoformat(release.name).toordinal() - (
            1 if manifest.get("interim") else 0
        )
        ranked.append((data_day, str(manifest.get("created_at", "")), release.name))
    if not ranked:
        raise FileNotFoundError(f"no release in {releases_dir} passed the quality gate")
    return max(ranked)[2]


def latest_release(releases_dir: Path) -> Path | None:
    """The release `latest` points to, or None."""
    link = releases_dir / LATEST_NAME
    if not link.is_symlink():
        return None
    return releases_dir / os.readlink(link)


def list_releases(releases_dir: Path) -> list[Path]:
    """Dated release folders, oldest first."""
    if not releases_dir.exists():
        return []
    return sorted(
        path
        for path in releases_dir.iterdir()
        if path.is_dir() and not path.is_symlink() and _RELEASE_NAME.fullmatch(path.name)
    )


def prune_releases(releases_dir: Path, retention: int) -> list[str]:
    """Delete the oldest releases beyond `retention`; the one `latest` points to is kept."""
    current = latest_release(releases_dir)
    releases = list_releases(releases_dir)
    pruned = []
    for release in releases[: max(0, len(releases) - retention)]:
        if current is not None and release.name == current.name:
            continue
        shutil.rmtree(release)
        pruned.append(release.name)
    if pruned:
        log.info("pruned %d release(s) beyond retention %d: %s", len(pruned), retention, pruned)
    return pruned


def previous_release(releases_dir: Path, release_name: str) -> tuple[str, dict] | None:
    """The newest release dated before `release_name` that passed the gate, with its manifest.

    By date, not by `latest`: a day released again, or a backfill of an older day, follows the
    release of the day before it."""
    for release in reversed(list_releases(releases_dir)):
        if release.name >= release_name:
            continue
        try:
            manifest = json.loads((release / MANIFEST_NAME).read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if manifest.get("quality_gate") == "passed":
            return release.name, manifest
    return None


def _document_entries(release: Path, written: list[Path]) -> list[dict[str, Any]]:
    return [
        {
            "path": path.relative_to(release).as_posix(),
            "bytes": path.stat().st_size,
            "sha256": sha256_of(path),
        }
        for path in written
    ]


def published_marts(marts_dir: Path) -> tuple[list[Path], dict[str, str]]:
    """The parquet files of the marts the last publication wrote, by its record, and the marts
    it withheld (with the reason).

    A release holds the marts of the `marts` schema (README's contract), and only the
    publication knows which those are: any other parquet file in the folder (a command's output,
    raw quarantined rows) is not released, and a warning names it.
    """
    record_path = marts_dir / PUBLICATION_MANIFEST
    try:
        record = json.loads(record_path.read_text())
    except FileNotFoundError:
        record = {}
    tables = record.get("tables") or {}
    if not tables:
        raise FileNotFoundError(f"no publication recorded in {record_path}: no marts to release")
    sources = [marts_dir / f"{table}.parquet" for table in sorted(tables)]
    missing = [path.name for path in sources if not path.exists()]
    if missing:
        raise FileNotFoundError(f"published marts missing from {marts_dir}: {missing}")
    stray = sorted(path.name for path in marts_dir.glob("*.parquet") if path.stem not in tables)
    if stray:
        log.warning(
            "not released: %s in %s (not marts of the publication %s)",
            ", ".join(stray),
            marts_dir,
            PUBLICATION_MANIFEST,
        )
    return sources, dict(record.get("withheld") or {})


def write_release(
    marts_dir: Path,
    releases_dir: Path,
    release_date: date,
    *,
    run_id: str,
    source_vintages: list[dict[str, Any]],
    dbt_manifest: Path | None,
    retention: int,
    input_fingerprint: str | None = None,
    occupation_coder: dict[str, Any] | None = None,
    missing_sources: list[str] | None = None,
    repo_root: Path | None = None,
    data_dir: Path | None = None,
    interim: bool = False,
) -> ReleaseResult:
    """Copy the published marts into `releases_dir/<release_date>/`, point `latest` at it.

    The code version, CHANGELOG.md, LICENSE and CITATION.cff come from `repo_root`, the
    PROVENANCE.md files from `data_dir` (by default the settings' repository and data folder).
    `interim`: cut by a run without a release date (`lmis run`, a sensor's run) on the day it
    runs in, which has not ended; recorded in the manifest, it ranks as the day before for
    `latest` (module doc).

    Refused (FileNotFoundError, before anything is written) without the dbt manifest: only it
    says which marts hold personal data, and a release must not ship one it cannot check.
    """
    if dbt_manifest is None or not dbt_manifest.is_file():
        # Withholding by the publication's record would not do: a publication made while
        # LMIS_PUBLISH_PERSONAL_DATA=1, or before a mart was marked, withheld nothing.
        raise FileNotFoundError(
            f"no dbt manifest at {dbt_manifest}: a release needs it to tell which marts hold "
            "personal data, so none was cut; build it (`dbt parse` in dbt_project/, or any "
            "`lmis` run) and release again"
        )
    from orchestration import settings

    repo_root = repo_root or settings.REPO_ROOT
    data_dir = data_dir or settings.DATA_DIR
    name = release_date.isoformat()
    kept = _night_release_kept(releases_dir / name, run_id) if interim else None
    if kept is not None:
        return kept
    sources, withheld = published_marts(marts_dir)
    releases_dir.mkdir(parents=True, exist_ok=True)
    before = previous_release(releases_dir, name)
    partial = releases_dir / f".{name}.partial-{run_id}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    docs = load_dbt_docs(dbt_manifest)
    try:
        tables: dict[str, dict[str, Any]] = {}
        files: list[dict[str, Any]] = []
        previous = _previous_release_tables(releases_dir)
        with duckdb.connect() as con:
            for source in sources:
                table = source.stem
                # A publication cut before the mart was marked, or while the operator allowed
                # personal data, may hold it: the release applies the rule again.
                if docs.get(table, {}).get(PERSONAL_DATA_META):
                    reason = withholding_reason(con, "read_parquet(?)", [str(source)])
                    if reason is not None:
                        log.warning("release %s: withheld %s: %s", name, table, reason)
                        withheld[table] = reason
                        continue
                source_sha256 = sha256_of(source)
                table_doc = docs.get(table, {})
                description = table_doc.get("description", "")
                columns = table_doc.get("columns", {})
                metadata_sha256 = metadata_fingerprint(table, description, columns)
                entries = _link_unchanged(
                    previous.get(table), source_sha256, metadata_sha256, partial
                )
                how = "linked from the previous release"
                if entries is None:
                    how = "written"
                    _export_table(con, source, partial)
                    for path in _table_files(partial, table):
                        describe_file(
                            path,
                            table=table,
                            description=description,
                            columns=columns,
                            release=name,
                        )
                    entries = _file_entries(partial, table)
                _warn_undescribed(name, table, source, columns)
                files += entries
                table_rows = sum(entry["rows"] for entry in entries)
                published_rows = pq.ParquetFile(source).metadata.num_rows
                if table_rows != published_rows:
                    raise RuntimeError(
                        f"release of {table}: {table_rows} rows written, {published_rows} published"
                    )
                is_synthetic, synthetic_share = synthetic_flag(con, source)
                tables[table] = {
                    "rows": table_rows,
                    "path": table + (".parquet" if table not in HIVE_PARTITIONED_TABLES else "/"),
                    "partitioned_by": HIVE_PARTITIONED_TABLES.get(table),
                    "is_synthetic": is_synthetic,
                    "synthetic_share": synthetic_share,
                    # Hive partition columns live in the folder names; the schema lists them.
                    "schema": _schema_of(source),
                    "description": description,
                    "column_descriptions": columns,
                    "source_sha256": source_sha256,
                    "metadata_sha256": metadata_sha256,
                    "stata": stata_problems(
                        pq.read_schema(source),
                        [partial / entry["path"] for entry in entries],
                    ),
                }
                log.info(
                    "release %s: %s, %d rows in %d file(s), %s",
                    name,
                    table,
                    table_rows,
                    len(entries),
                    how,
                )
        code, terms = code_version(repo_root), source_terms(data_dir)
        # The dictionary first: it is a document of the release, checksummed in the manifest,
        # and the docs it names are copied beside it.
        dictionary = render_data_dictionary(
            tables,
            name,
            withheld,
            code=code,
            terms=terms,
            notes=load_dictionary_notes(dbt_manifest),
            missing_sources=missing_sources,
        )
        (partial / DICTIONARY_NAME).write_text(dictionary)
        written = copy_documents(repo_root, data_dir, partial)
        written += copy_docs(repo_root, partial, dictionary)
        documents = _document_entries(partial, [partial / DICTIONARY_NAME, *written])
        manifest = {
            "release": name,
            "code": code,
            "source_terms": terms,
            "documents": documents,
            "previous_release": before[0] if before else None,
            "changes_since_previous": (
                changes_since(before[1].get("tables", {}), tables) if before else None
            ),
            "run_id": run_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "quality_gate": "passed",
            "interim": interim,
            "tables": {
                table: {k: v for k, v in meta.items() if k not in ("column_descriptions", "stata")}
                for table, meta in tables.items()
            },
            "files": files,
            "withheld": withheld,
            "source_vintages": source_vintages,
            "input_fingerprint": input_fingerprint,
            "occupation_coder": occupation_coder,
            "missing_sources": sorted(missing_sources or []),
        }
        (partial / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        target = releases_dir / name
        replaced = releases_dir / f".{name}.replaced-{run_id}"
        # A day released again: the old folder goes aside and the new one in, with no interrupt
        # between the two (it left the day with no release at all).
        with interrupts_held(f"the swap of release {name}"):
            if target.exists():
                os.replace(target, replaced)
            os.replace(partial, target)
            # Inside: a held interrupt is raised when the block ends, and would leave the
            # hidden old copy behind for good.
            shutil.rmtree(replaced, ignore_errors=True)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    newest = _newest_passed_release(releases_dir)
    _switch_latest(releases_dir, newest)
    pruned = prune_releases(releases_dir, retention)
    log.info("release %s: %d tables, %d files; latest -> %s", name, len(tables), len(files), newest)
    return ReleaseResult(target, {t: m["rows"] for t, m in tables.items()}, len(files), pruned)


def _night_release_kept(target: Path, run_id: str) -> ReleaseResult | None:
    """The night's release of the day at `target`, which an interim release (cut while the
    day had not ended) must not replace: it holds the whole day. None: nothing to keep."""
    try:
        manifest = json.loads((target / MANIFEST_NAME).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("interim", True):
        return None
    log.warning(
        "release %s: kept the night's release (run %s); the interim release of run %s is not "
        "cut over it",
        target.name,
        manifest.get("run_id"),
        run_id,
    )
    tables = {table: meta["rows"] for table, meta in manifest.get("tables", {}).items()}
    return ReleaseResult(target, tables, len(manifest.get("files", [])), [])


def verify_release(release: Path) -> list[str]:
    """Problems between a release's manifest and its files; an empty list means they match."""
    manifest = json.loads((release / MANIFEST_NAME).read_text())
    problems = []
    listed = {entry["path"] for entry in manifest["files"]}
    on_disk = {path.relative_to(release).as_posix() for path in release.rglob("*.parquet")}
    problems += [f"{path}: on disk, not in the manifest" for path in sorted(on_disk - listed)]
    for entry in manifest.get("documents", []):
        path = release / entry["path"]
        if not path.is_file():
            problems.append(f"{entry['path']}: in the manifest, missing")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: checksum differs from the manifest")
    rows_per_table: dict[str, int] = {}
    for entry in manifest["files"]:
        path = release / entry["path"]
        if not path.exists():
            problems.append(f"{entry['path']}: in the manifest, missing")
            continue
        rows = pq.ParquetFile(path).metadata.num_rows
        rows_per_table[entry["table"]] = rows_per_table.get(entry["table"], 0) + rows
        if rows != entry["rows"]:
            problems.append(f"{entry['path']}: {rows} rows, manifest says {entry['rows']}")
        if sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: checksum differs from the manifest")
    for table, meta in manifest["tables"].items():
        if rows_per_table.get(table, 0) != meta["rows"]:
            problems.append(
                f"{table}: files hold {rows_per_table.get(table, 0)} rows, manifest {meta['rows']}"
            )
    return problems


RELEASE_DATE_TAG = "lmis/release_date"
"""Run tag naming the day a run's release is for (set by the schedule and by `lmis backfill`)."""
MISSING_SOURCES_TAG = "lmis/missing_sources"
"""The relations a night could not land at all (comma-separated): its release names them."""
STARTED_AT_TAG = "lmis/started_at"
"""When the night, `lmis run` or the sensor's evaluation started (ISO, with offset): its release
is dated, and judged interim, by that moment, not by the time the run ends."""
STARTED_AT_MARGIN = timedelta(hours=12)
"""How much older than the Dagster run's own start a `STARTED_AT_TAG` may be and still count.
A night's landings or a queue delay fit well inside it; a re-execution from the Dagster UI,
which copies its parent's tags days later, does not, and is dated by its own start."""


def releases_dir() -> Path:
    """Where releases go: `LMIS_RELEASES_DIR`, by default `<data>/releases`."""
    from orchestration import settings

    value = os.environ.get("LMIS_RELEASES_DIR")
    return Path(value).resolve() if value else settings.DATA_DIR / "releases"


def release_date_of_run(tags: dict[str, str], now: datetime | None = None) -> date:
    """The run's release date: its `lmis/release_date` tag, else today in Jakarta (`now`, for
    tests, is the current time).

    A run without the tag (`lmis run`, a `nightly` run launched from the UI) cuts an interim
    release of the day it runs in, as the landing sensor's runs do; the night of that day
    replaces it whole. Naming it after the last ended day instead would rewrite a release the
    night had already cut, with marts holding files landed after that day."""
    from zoneinfo import ZoneInfo

    from orchestration import settings

    if tags.get(RELEASE_DATE_TAG):
        return date.fromisoformat(tags[RELEASE_DATE_TAG])
    now = now or datetime.now(UTC)
    return now.astimezone(ZoneInfo(settings.TIMEZONE)).date()


def source_vintages(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The latest load of every source file still in the warehouse: which file, how many rows,
    when, in which run (a withdrawn partition's files are left out)."""
    from ingest.warehouse import table_columns

    columns = table_columns(con, "raw.load_audit") or {}
    held = "withdrawn_at is null" if "withdrawn_at" in columns else "true"
    rows = con.execute(
        "select source, source_file, arg_max(rows_loaded, loaded_at), "
        f"arg_max(run_id, loaded_at), max(loaded_at) from raw.load_audit where {held} "
        "group by source, source_file order by source, source_file"
    ).fetchall()
    return [
        {
            "source": source,
            "source_file": source_file,
            "rows_loaded": rows_loaded,
            "run_id": run_id,
            "loaded_at": loaded_at.isoformat(timespec="seconds"),
        }
        for source, source_file, rows_loaded, run_id, loaded_at in rows
    ]


CODED_TABLES = ("intermediate.int_admin_titles_coded", "intermediate.int_vacancy_occupations_coded")
"""The warehouse tables that keep, per coded row, the coder's threshold and fingerprint."""


def occupation_coder_of(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The occupation coder whose codes the marts carry: `auto_code_threshold` (chosen when the
    coder's model is built, so not a constant researchers could know) and `coder_fingerprint`
    (the key of that model and coder, `ingest.occupations.build.coder_fingerprint`), read from
    the coded rows themselves. A threshold of null means none, or more than one, was used (the
    log says which); `is_auto_coded` is `occupation_confidence >= auto_code_threshold` for a row
    with a code."""
    from ingest.warehouse import table_columns

    thresholds: set[float] = set()
    fingerprints: set[str] = set()
    for relation in CODED_TABLES:
        columns = table_columns(con, relation) or {}
        if "auto_code_threshold" not in columns:
            continue
        rows = con.execute(
            f"select distinct auto_code_threshold from {relation} "
            "where auto_code_threshold is not null"
        ).fetchall()
        thresholds |= {value for (value,) in rows}
        # The vacancy table's fingerprint also hashes polars; the admin one is the coder's own.
        if relation.endswith("int_admin_titles_coded") and "coder_fingerprint" in columns:
            found = con.execute(
                f"select distinct coder_fingerprint from {relation} "
                "where auto_code_threshold is not null"
            ).fetchall()
            fingerprints |= {value for (value,) in found}
    if len(thresholds) > 1:
        log.warning("the marts carry codes of several auto-code thresholds: %s", sorted(thresholds))
    return {
        "auto_code_threshold": next(iter(thresholds)) if len(thresholds) == 1 else None,
        "coder_fingerprint": next(iter(fingerprints)) if len(fingerprints) == 1 else None,
    }


def release_day(tags: dict[str, str], run_started_at: datetime | None = None) -> tuple[date, bool]:
    """`(release date, interim)` of a run, as of the moment it started: its `STARTED_AT_TAG`,
    else `run_started_at` (the Dagster run's start), else now. A run started at 23:50 and cut at
    00:10 holds the day it started in: judged at its end, an ad-hoc run was dated the next day
    and a sensor run tagged with the day it started lost its `interim` flag. A tag older than
    `run_started_at` by more than `STARTED_AT_MARGIN` is a re-execution's copy of its parent's
    and is ignored."""
    started = run_started_at
    if tags.get(STARTED_AT_TAG):
        tagged = datetime.fromisoformat(tags[STARTED_AT_TAG])
        if run_started_at is not None and tagged < run_started_at - STARTED_AT_MARGIN:
            log.warning(
                "run tag %s=%s is older than the run's own start (%s) by more than %s: "
                "a re-execution's inherited tag; the release is dated by the run's start",
                STARTED_AT_TAG,
                tags[STARTED_AT_TAG],
                run_started_at.isoformat(timespec="seconds"),
                STARTED_AT_MARGIN,
            )
        else:
            started = tagged
    release_date = release_date_of_run(tags, now=started)
    # A day not ended when the run started (an ad-hoc run's, a sensor run's): interim.
    return release_date, release_date >= release_date_of_run({}, now=started)


def release_publication(
    con: duckdb.DuckDBPyConnection,
    marts_dir: Path,
    run_id: str,
    tags: dict[str, str],
    run_started_at: datetime | None = None,
) -> ReleaseResult:
    """Cut tonight's release from the publication that just passed the gate (`release_day`)."""
    from orchestration import settings

    release_date, interim = release_day(tags, run_started_at)
    return write_release(
        marts_dir,
        releases_dir(),
        release_date,
        interim=interim,
        run_id=run_id,
        source_vintages=source_vintages(con),
        dbt_manifest=settings.DBT_PROJECT_DIR / "target" / "manifest.json",
        retention=retention_from_env(),
        input_fingerprint=input_fingerprint(),
        occupation_coder=occupation_coder_of(con),
        missing_sources=missing_sources_of(con, tags),
    )


def missing_sources_of(con: duckdb.DuckDBPyConnection | None, tags: dict[str, str]) -> list[str]:
    """The sources a release lacks: those its run's tag names (the night could not land them at
    all, orchestration/operations/incremental.py) and every stand-in table still standing in the
    warehouse, so a run that did not plan them (the sensor's, one from the Dagster UI) names
    them too."""
    from orchestration.operations.incremental import stand_ins_on

    missing = {r for r in tags.get(MISSING_SOURCES_TAG, "").split(",") if r}
    if con is not None:
        missing |= set(stand_ins_on(con))
    return sorted(missing)


FINGERPRINTED_INPUTS = ("real", "synthetic", "reference")
"""Data subfolders whose content decides the marts (with the code below)."""
FINGERPRINTED_CODE = (
    "orchestration",
    "ingest",
    "quality",
    "dbt_project/models",
    "dbt_project/seeds",
    # The incremental staging models' partition logic lives in a macro.
    "dbt_project/macros",
    # Folder-wide materialisations (the incremental staging) are set here.
    "dbt_project/dbt_project.yml",
)
"""Code folders (walked) and single files whose content decides the marts."""
_CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".json", ".csv", ".md"}


def files_under(paths: Iterable[Path], suffixes: set[str] | None = None) -> list[Path]:
    """The files among `paths`, folders walked in sorted order, without `__pycache__`; with
    `suffixes`, only files ending so. A path that does not exist gives nothing."""
    found = []
    for path in paths:
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        found += [
            candidate
            for candidate in candidates
            if candidate.is_file()
            and "__pycache__" not in candidate.parts
            and (suffixes is None or candidate.suffix in suffixes)
        ]
    return found


def fingerprinted_code_files() -> list[Path]:
    """Every code file of `FINGERPRINTED_CODE`, in a fixed order."""
    from orchestration import settings

    return files_under((settings.REPO_ROOT / name for name in FINGERPRINTED_CODE), _CODE_SUFFIXES)


def input_fingerprint() -> str:
    """SHA-256 over the content of every input file and of the code that turns them into marts.

    Two runs with the same fingerprint build the same marts (tests/orchestration/
    test_idempotency.py), which is what lets a backfill day reuse the last publication.
    """
    from orchestration import settings

    digest = hashlib.sha256()
    for path in files_under(settings.DATA_DIR / name for name in FINGERPRINTED_INPUTS):
        digest.update(path.relative_to(settings.DATA_DIR).as_posix().encode())
        digest.update(sha256_of(path).encode())
    for path in fingerprinted_code_files():
        digest.update(path.relative_to(settings.REPO_ROOT).as_posix().encode())
        digest.update(sha256_of(path).encode())
    return digest.hexdigest()
