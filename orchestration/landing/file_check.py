"""Files that cannot be read at all: found by the night's plan before anything lands.

A file that is not gzip although named `.gz`, whose gzip stream is cut short, or whose text does
not start as UTF-8 failed its landing run, and with it every night: the plan re-lands a
partition whose file never landed, and the night stops at the first failed partition run, so no
other source was landed or published until a person removed the file. The plan now reads each
file it is about to land (only those: a file whose table or partition is already landed from it
is not read again) and sets an unreadable one aside as a file-level quarantine record in
`raw.quarantined_files` (file, SHA-256, reason, detail, relation, partition, night). The
partition or table it belongs to is not landed that night (never half of a partition); what was
landed before from earlier files stays. The rest of the night lands and publishes, then `lmis`
ends with `EXIT_FILES_QUARANTINED` and an alert naming the file. A file recorded with the same
SHA-256 is not read again on later nights (the alert and the exit code repeat while it stays);
a fixed file (other bytes) is read and landed by the next night. The landing sensor's runs and
`lmis backfill --job land_portal_days` check their files the same way (`screen_partition`).

Row-level problems stay the landing's (`raw.quarantine`); only the three unreadable forms
below are caught here, on text files (`.csv`, `.jsonl`, `.json`, `.txt`, `.tsv`, gzipped or
not). Spreadsheets and other binary formats are left to their readers.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from pathlib import Path

TEXT_SUFFIXES = {".csv", ".jsonl", ".json", ".txt", ".tsv"}
UTF8_PROBE_BYTES = 64 * 1024
"""How much of a text file's start must decode as UTF-8 (a wrong encoding shows at once)."""
CHUNK = 1024 * 1024

NOT_GZIP = "not_gzip"
TRUNCATED_GZIP = "truncated_gzip"
NOT_UTF8 = "not_utf8"


def _text_suffix(path: Path) -> str:
    suffixes = path.suffixes
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1].lower() if suffixes else ""


def unreadable_reason(path: Path) -> tuple[str, str] | None:
    """`(reason, detail)` when `path` cannot be read at all, else None."""
    gzipped = path.name.endswith(".gz")
    if not gzipped and _text_suffix(path) not in TEXT_SUFFIXES:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    probed = 0
    try:
        handle = gzip.open(path, "rb") if gzipped else open(path, "rb")
        with handle:
            # A gzip file is read to its end: a cut stream only shows there.
            while chunk := handle.read(CHUNK):
                if probed < UTF8_PROBE_BYTES and _text_suffix(path) in TEXT_SUFFIXES:
                    decoder.decode(chunk[: UTF8_PROBE_BYTES - probed], final=False)
                    probed += min(len(chunk), UTF8_PROBE_BYTES - probed)
                if not gzipped and probed >= UTF8_PROBE_BYTES:
                    break
    except gzip.BadGzipFile as exc:
        return NOT_GZIP, str(exc)
    except (EOFError, zlib.error) as exc:
        return TRUNCATED_GZIP, f"{type(exc).__name__}: {exc}"
    except UnicodeDecodeError as exc:
        return NOT_UTF8, f"byte {exc.start} of the text: {exc.reason}"
    return None
