"""The project's one rule for reading a file that may be gzipped: a `.gz` suffix in any case.

A file copied from Windows or a phone may be named `IN.CSV.GZ`; reading it as plain text would
fail on its first byte, or worse yield garbage, so every reader asks `is_gzipped` rather than
comparing the suffix itself. A file saved by Excel or Notepad may start with a UTF-8 byte-order
mark: `open_text` drops it, so a first JSON line or CSV header reads as written.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO, TextIO


def is_gzipped(path: Path) -> bool:
    """Whether `path` is read through gzip: its last suffix is `.gz`, in any case."""
    return path.suffix.lower() == ".gz"


def open_bytes(path: Path) -> BinaryIO:
    """`path` opened for reading as bytes, through gzip when `is_gzipped` says so."""
    if is_gzipped(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


def open_text(path: Path, *, newline: str | None = None, errors: str = "strict") -> TextIO:
    """`path` opened for reading as UTF-8 text without a leading byte-order mark, through gzip
    when `is_gzipped` says so; `errors` as `open` takes it."""
    return io.TextIOWrapper(open_bytes(path), encoding="utf-8-sig", errors=errors, newline=newline)
