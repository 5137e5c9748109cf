"""Compressed archive of every raw HTTP response of a run, so parsing can be redone offline.

Each run writes one gzip-compressed WARC 1.1 file (`responses.warc.gz`), the web-archiving
standard that warcio, pywb and the Internet Archive tools read. Every response that reaches the
downloader is stored as it arrived (status, headers, body bytes; also 429s, redirects and
robots.txt), preceded by a `request` record when the request had a body (GraphQL POSTs). Each
record carries the Scrapy request fingerprint in a `WARC-LMIS-Request-Fingerprint` header so a
replay can hand the same response back to the same request (`ReplayIndex`).
"""

from __future__ import annotations

import gzip
import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

FINGERPRINT_HEADER = "WARC-LMIS-Request-Fingerprint"
METHOD_HEADER = "WARC-LMIS-Request-Method"


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    fingerprint: str
    method: str
    date: str


def _warc_date() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcWriter:
    """Appends response (and request) records to one gzip stream; not thread-safe (Twisted)."""

    # Level 6 is gzip's default; level 9 costs twice the CPU for a few per cent.
    COMPRESS_LEVEL = 6

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: BinaryIO = gzip.open(path, "wb", compresslevel=self.COMPRESS_LEVEL)
        self.records = 0

    def _write_record(self, headers: dict[str, str], block: bytes) -> None:
        lines = ["WARC/1.1"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {len(block)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
        self._file.write(head + block + b"\r\n\r\n")
        self.records += 1

    def write_response(
        self,
        url: str,
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        fingerprint: str,
        method: str,
        request_body: bytes = b"",
    ) -> None:
        date = _warc_date()
        response_id = f"<urn:uuid:{uuid.uuid4()}>"
        if request_body:
            request_block = (
                f"{method} {url} HTTP/1.1\r\n\r\n".encode("utf-8", "replace") + request_body
            )
            self._write_record(
                {
                    "WARC-Type": "request",
                    "WARC-Record-ID": f"<urn:uuid:{uuid.uuid4()}>",
                    "WARC-Date": date,
                    "WARC-Target-URI": url,
                    "WARC-Concurrent-To": response_id,
                    "Content-Type": "application/http; msgtype=request",
                    FINGERPRINT_HEADER: fingerprint,
                },
                request_block,
            )
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        http_head = [f"HTTP/1.1 {status} {reason}".encode()]
        http_head += [name + b": " + value for name, value in headers]
        block = b"\r\n".join(http_head) + b"\r\n\r\n" + body
        self._write_record(
            {
                "WARC-Type": "response",
                "WARC-Record-ID": response_id,
                "WARC-Date": date,
                "WARC-Target-URI": url,
                "WARC-Payload-Digest": "sha1:" + hashlib.sha1(body).hexdigest(),
                "Content-Type": "application/http; msgtype=response",
                FINGERPRINT_HEADER: fingerprint,
                METHOD_HEADER: method,
            },
            block,
        )

    def close(self) -> None:
        self._file.close()


def _read_headers(stream: BinaryIO) -> dict[str, str] | None:
    line = stream.readline()
    while line in (b"\r\n", b"\n"):
        line = stream.readline()
    if not line:
        return None
    if not line.startswith(b"WARC/"):
        raise ValueError(f"not a WARC record header: {line[:40]!r}")
    headers: dict[str, str] = {}
    while True:
        line = stream.readline()
        if line in (b"\r\n", b"\n", b""):
            return headers
        name, _, value = line.decode("utf-8").partition(":")
        headers[name.strip()] = value.strip()


def iter_responses(path: Path) -> Iterator[ArchivedResponse]:
    """Every response record of an archive, in the order they were written."""
    with gzip.open(path, "rb") as stream:
        while True:
            headers = _read_headers(stream)  # type: ignore[arg-type]
            if headers is None:
                return
            block = stream.read(int(headers["Content-Length"]))
            if headers.get("WARC-Type") != "response":
                continue
            head, _, body = block.partition(b"\r\n\r\n")
            status_line, *header_lines = head.split(b"\r\n")
            status = int(status_line.split(b" ")[1])
            http_headers = []
            for line in header_lines:
                name, _, value = line.partition(b": ")
                http_headers.append((name, value))
            yield ArchivedResponse(
                url=headers["WARC-Target-URI"],
                status=status,
                headers=http_headers,
                body=body,
                fingerprint=headers.get(FINGERPRINT_HEADER, ""),
                method=headers.get(METHOD_HEADER, "GET"),
                date=headers.get("WARC-Date", ""),
            )


class ReplayIndex:
    """The final archived response per request fingerprint (a retried 429 is replaced by the
    response that followed it), loaded in memory for a replay run."""

    def __init__(self, path: Path):
        self.by_fingerprint: dict[str, ArchivedResponse] = {}
        for response in iter_responses(path):
            self.by_fingerprint[response.fingerprint] = response

    def get(self, fingerprint: str) -> ArchivedResponse | None:
        return self.by_fingerprint.get(fingerprint)

    def __len__(self) -> int:
        return len(self.by_fingerprint)
