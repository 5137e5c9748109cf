"""From microdata files to the `labour_force_indicators` mart: read, harmonise, estimate, write.

Small files (the real Jambi extract) go through `read_microdata` and eager harmonisation. Large
parquet inputs (synthetic rounds, millions of rows) are harmonised lazily with polars' streaming
engine straight to a parquet file, so the person table never has to fit in memory; DuckDB then
reads it for the estimator.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.admin.results import QUARANTINE_SCHEMA, problems_record
from ingest.csv_records import read_records
from ingest.quarantine import ID_DUPLICATED, duplicate_id_detail
from ingest.sakernas.config import RoundConfig, RoundConfigError, load_round_config
from ingest.sakernas.estimate import iter_round_indicators
from ingest.sakernas.generator import SYNTHETIC_FILE_PREFIX
from ingest.sakernas.harmonise import REASON_DETAILS, HarmonisationError, harmonise
from ingest.sakernas.readers import MicrodataReadError, code_text, read_microdata

log = logging.getLogger(__name__)

MART_NAME = "labour_force_indicators"
QUARANTINE_SOURCE = "sakernas"
"""The `source` of the quarantine rows `lmis sakernas indicators` writes beside OUT."""


def quarantine_path_for(out_path: Path) -> Path:
    """`<OUT stem>_quarantine.parquet` beside OUT, as `lmis admin load --out` names its
    `<source>_quarantine.parquet` (`lfi.parquet` -> `lfi_quarantine.parquet`)."""
    return out_path.with_name(f"{out_path.stem}_quarantine.parquet")


def _is_csv(path: Path) -> bool:
    return path.name.lower().endswith((".csv", ".csv.gz"))


def _csv_lines(path: Path, records: set[int]) -> dict[int, int]:
    """The file line (header = line 1) each wanted record (first after the header = 1) starts
    on, read as the landings and file commands number rows (`read_records`): a quoted value
    with a line break makes a record span lines, so the line is not simply the record + 1."""
    lines: dict[int, int] = {}
    wanted = max(records, default=0)
    for index, (line, _values) in enumerate(read_records(path)):
        if index in records:
            lines[index] = line
        if index >= wanted:
            break
    return lines


def landing_quarantine(
    records: pl.DataFrame, path: Path, columns: list[str], source: str = QUARANTINE_SOURCE
) -> pl.DataFrame:
    """`harmonise`'s quarantine records as the landings' quarantine rows (`QUARANTINE_SCHEMA`
    of ingest/admin/results.py, the columns of `raw.quarantine`): one row per input row listing
    all its problems, `source_row` the file line a CSV row starts on (header = line 1) and the
    record number of other formats (first = 1), named `FILE record N` in the reason.
    `raw_record` holds the problem variables' raw values only: the microdata's other answers
    (birth month and year, household numbers) stay out of the warehouse's quarantine."""
    if records.is_empty():
        return pl.DataFrame(schema=QUARANTINE_SCHEMA)
    rows = set(records["source_row"].to_list()) | set(records["claimed_by_row"].drop_nulls())
    lines = _csv_lines(path, rows) if _is_csv(path) else {}
    unit = "line" if lines else "record"
    entries = []
    for (row,), group in records.sort("source_row").group_by("source_row", maintain_order=True):
        problems = []
        raw: dict[str, str | None] = {}
        for record in group.iter_rows(named=True):
            value = record["raw_value"]
            if record["reason"] == ID_DUPLICATED:
                claimed = record["claimed_by_row"]
                detail = duplicate_id_detail(value, lines.get(claimed, claimed), unit=unit)
            else:
                template = REASON_DETAILS.get(record["reason"], record["reason"])
                detail = template.format(value="(blank)" if value is None else repr(value))
            problems.append((record["field"], record["reason"], detail))
            raw[record["field"]] = value
        entries.append(
            problems_record(
                source,
                path.name,
                lines.get(row, row),
                problems,
                raw,
                columns,
                place=None if lines else f"{path.name} record {row}",
            )
        )
    return pl.DataFrame(entries, schema=QUARANTINE_SCHEMA)


class MartWriteError(Exception):
    """The mart cannot be written where asked; the message names the path."""


def _output_draft(out_path: Path) -> Path:
    """An empty file beside `out_path` that the mart is written to and then renamed over it.

    Made before any work, so that an output that cannot be written (a folder that cannot be
    made or written to, OUT being a folder) stops the run at once; and renamed at the end, so
    that a run that fails leaves an earlier OUT as it was.
    """
    if out_path.is_dir():
        raise MartWriteError(f"{out_path}: is a folder; give the path of a .parquet file")
    # Not `mkstemp`: its file is private (0600) and OUT would keep that mode after the rename.
    draft = out_path.with_name(f".{out_path.name}.{os.getpid()}.partial")
    if out_path.parent.is_file():
        problem = f"{out_path.parent.name!r} is a file, not a folder"
        raise MartWriteError(f"{out_path}: cannot be written ({problem})")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        draft.open("wb").close()
    except OSError as exc:
        raise MartWriteError(f"{out_path}: cannot be written ({exc.strerror or exc})") from exc
    return draft


@dataclass(frozen=True)
class RoundInput:
    """One microdata file and the round mapping that reads it."""

    path: Path
    config: RoundConfig


def round_mapping_for(path: Path) -> str | None:
    """The mapping a synthetic file names in its parquet metadata, if any."""
    if path.suffix != ".parquet":
        return None
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException) as exc:
        raise MicrodataReadError(f"{path}: cannot be read as parquet ({exc})") from exc
    mapping = metadata.get(b"lmis.round_mapping")
    return mapping.decode() if mapping else None


def discover_inputs(paths: Iterable[Path], round_name: str | None = None) -> list[RoundInput]:
    """Files (or every microdata file in given folders) paired with their round mapping.

    Raises `MicrodataReadError` for a path that does not exist or a folder without microdata,
    `RoundConfigError` when a file's round mapping is neither given nor named by the file.
    """
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise MicrodataReadError(f"{path}: no such microdata file or folder")
        if path.is_dir():
            files += sorted(path.glob(f"{SYNTHETIC_FILE_PREFIX}*.parquet"))
        else:
            files.append(path)
    inputs = []
    for file in files:
        mapping = round_name or round_mapping_for(file)
        if mapping is None:
            raise RoundConfigError(
                f"{file}: no round mapping known; pass one (e.g. --round 2020-08)"
            )
        inputs.append(RoundInput(file, load_round_config(mapping)))
    if not inputs:
        names = ", ".join(str(p) for p in paths)
        raise MicrodataReadError(
            f"{names}: no microdata files found (a folder is searched for generator files, "
            f"{SYNTHETIC_FILE_PREFIX}*.parquet)"
        )
    return inputs


def _text_scan(path: Path) -> pl.LazyFrame:
    scan = pl.scan_parquet(path)
    try:
        schema = scan.collect_schema()
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise MicrodataReadError(f"{path}: cannot be read as parquet ({exc})") from exc
    return scan.select(code_text(pl.col(name), dtype).alias(name) for name, dtype in schema.items())


def harmonise_inputs(
    inputs: list[RoundInput],
    persons_path: Path,
    per_file: list[dict[str, Any]] | None = None,
    quarantine: list[pl.DataFrame] | None = None,
) -> dict[str, int]:
    """Harmonise every input into one parquet file of persons; returns row accounting. With
    `per_file`, each file's accounting is appended to it as `raw.load_audit` counts a file
    (`source_file`, `rows_read`, `rows_loaded` = persons, `rows_quarantined`); with
    `quarantine`, the landing quarantine rows of each input (`landing_quarantine`)."""
    parts: list[Path] = []
    rows_in = persons = quarantined = 0
    work_dir = persons_path.parent
    for index, item in enumerate(inputs):
        part = work_dir / f"_persons_part_{index:03d}.parquet"
        if item.path.suffix == ".parquet":
            frame = _text_scan(item.path)
            result = harmonise(frame, item.config, source_file=item.path.name)
            result.persons.sink_parquet(part)
            count_in = pl.scan_parquet(item.path).select(pl.len()).collect().item()
            # Few rows (one per problem): collected once, counted and landed from memory.
            records = result.quarantine.collect()
            columns = frame.collect_schema().names()
        else:
            data, _labels, _missing = read_microdata(item.path)
            result = harmonise(data, item.config, source_file=item.path.name)
            result.persons.write_parquet(part)
            count_in = data.height
            records = result.quarantine
            columns = data.columns
        count_quarantined = records["source_row"].n_unique()
        if quarantine is not None:
            quarantine.append(landing_quarantine(records, item.path, columns))
        count_out = pl.scan_parquet(part).select(pl.len()).collect().item()
        if count_out + count_quarantined != count_in:
            raise RuntimeError(
                f"{item.path}: {count_in} rows in but {count_out} persons + "
                f"{count_quarantined} quarantined"
            )
        log.info(
            "%s (%s): %d rows -> %d persons, %d quarantined",
            item.path.name,
            item.config.round_id,
            count_in,
            count_out,
            count_quarantined,
        )
        if per_file is not None:
            per_file.append(
                {
                    "source_file": item.path.name,
                    "rows_read": count_in,
                    "rows_loaded": count_out,
                    "rows_quarantined": count_quarantined,
                }
            )
        rows_in += count_in
        persons += count_out
        quarantined += count_quarantined
        parts.append(part)
    pl.scan_parquet(parts).sink_parquet(persons_path)
    for part in parts:
        part.unlink()
    return {"rows_in": rows_in, "persons": persons, "quarantined": quarantined}


def build_indicator_mart(
    inputs: list[RoundInput],
    out_path: Path,
    *,
    min_sample_persons: int = 10,
    memory_limit: str = "1GB",
    threads: int = 2,
    per_file: list[dict[str, Any]] | None = None,
    quarantine_path: Path | None = None,
) -> dict[str, int]:
    """Harmonise the inputs, estimate every indicator, write the mart parquet round by round
    (never holding all rounds in memory); return row accounting and estimate counts. `per_file`:
    see `harmonise_inputs`.

    With `quarantine_path`, the rows that could not be used are written there as the landings'
    quarantine rows (`landing_quarantine`; no rows, the columns only, when none was), renamed
    into place with the mart so a failed run leaves both as they were."""
    draft = _output_draft(out_path)
    quarantine_draft = _output_draft(quarantine_path) if quarantine_path is not None else None
    try:
        quarantine: list[pl.DataFrame] = []
        summary = _build(
            inputs, draft, min_sample_persons, memory_limit, threads, per_file, quarantine
        )
        if quarantine_draft is not None:
            pl.concat(quarantine).write_parquet(quarantine_draft)
        try:
            os.replace(draft, out_path)
            if quarantine_draft is not None and quarantine_path is not None:
                os.replace(quarantine_draft, quarantine_path)
        except OSError as exc:
            raise MartWriteError(f"{out_path}: cannot be written ({exc.strerror or exc})") from exc
    finally:
        draft.unlink(missing_ok=True)
        if quarantine_draft is not None:
            quarantine_draft.unlink(missing_ok=True)
    if quarantine_path is not None:
        log.info("wrote %s: %d quarantined rows", quarantine_path, summary["quarantined"])
    log.info(
        "wrote %s: %d estimates (%d suppressed) from %d persons",
        out_path,
        summary["estimates"],
        summary["suppressed"],
        summary["persons"],
    )
    return summary


def _build(
    inputs: list[RoundInput],
    out_path: Path,
    min_sample_persons: int,
    memory_limit: str,
    threads: int,
    per_file: list[dict[str, Any]] | None = None,
    quarantine: list[pl.DataFrame] | None = None,
) -> dict[str, int]:
    estimates = suppressed = 0
    is_synthetic = False
    with tempfile.TemporaryDirectory(prefix="sakernas_") as tmp:
        persons_path = Path(tmp) / "persons.parquet"
        accounting = harmonise_inputs(inputs, persons_path, per_file, quarantine)
        partial_path = Path(tmp) / "mart.parquet"
        con = duckdb.connect(
            config={"memory_limit": memory_limit, "threads": threads, "temp_directory": tmp}
        )
        writer: pq.ParquetWriter | None = None
        try:
            con.read_parquet(str(persons_path)).create_view("sakernas_persons")
            for round_mart in iter_round_indicators(
                con, "sakernas_persons", min_sample_persons=min_sample_persons
            ):
                table = round_mart.to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(partial_path, table.schema, compression="zstd")
                writer.write_table(table.cast(writer.schema))
                estimates += round_mart.height
                suppressed += int(round_mart["is_suppressed"].sum())
                is_synthetic = is_synthetic or bool(round_mart["is_synthetic"].any())
        finally:
            if writer is not None:
                writer.close()
            con.close()
        if writer is None:
            names = ", ".join(str(item.path) for item in inputs)
            raise HarmonisationError(f"{names}: no person could be harmonised; nothing to estimate")
        summary = {**accounting, "estimates": estimates, "suppressed": suppressed}
        # The key-value metadata (synthetic flag, row accounting) is known only at the end.
        metadata = {
            b"lmis.mart": MART_NAME.encode(),
            b"lmis.is_synthetic": b"true" if is_synthetic else b"false",
            b"lmis.row_accounting": json.dumps(summary).encode(),
        }
        source = pq.ParquetFile(partial_path)
        schema = source.schema_arrow.with_metadata(metadata)
        with pq.ParquetWriter(out_path, schema, compression="zstd") as final_writer:
            for batch_index in range(source.num_row_groups):
                final_writer.write_table(source.read_row_group(batch_index).cast(schema))
    return summary
