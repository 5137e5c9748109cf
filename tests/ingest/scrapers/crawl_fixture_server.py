"""A small HTTP/1.1 server on 127.0.0.1 that serves one fixture site, for crawler tests.

Each `FixtureServer` binds a free port on the loopback interface and answers every request with
its site's `handle(request)`; one site per port, because robots.txt and politeness apply per
host and port. Every request is logged (method, path, query, headers, body, arrival time), so
tests can check what the crawler asked for, with which user agent and how far apart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RequestInfo:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    arrived: float  # time.monotonic()

    @property
    def target(self) -> str:
        if not self.query:
            return self.path
        return self.path + "?" + "&".join(f"{k}={v}" for k, v in sorted(self.query.items()))


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = "text/html; charset=utf-8"


def html_reply(text: str, status: int = 200) -> Reply:
    return Reply(status, text.encode("utf-8"), content_type="text/html; charset=utf-8")


def json_reply(data: bytes, status: int = 200) -> Reply:
    return Reply(status, data, content_type="application/json; charset=utf-8")


def not_found() -> Reply:
    return html_reply("<html><body><h1>404 Halaman tidak ditemukan</h1></body></html>", 404)


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, b"", headers=[("Location", location)], content_type=None)


Handler = Callable[[RequestInfo], Reply]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, each response
    # waits for the client's delayed ACK (about 40 ms) on a keep-alive connection.
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        info = RequestInfo(
            method=self.command,
            path=parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={k: v for k, v in self.headers.items()},
            body=body,
            arrived=time.monotonic(),
        )
        with self.server.log_lock:
            self.server.requests.append(info)
        try:
            reply = self.server.handler(info)
        except Exception as error:  # a fixture bug must show up as a 500, not a hang
            reply = Reply(500, f"fixture error: {error!r}".encode(), content_type="text/plain")
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = _serve
    do_POST = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        return  # requests are kept in server.requests; no console noise


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler: Handler):
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.handler = handler
        self.requests: list[RequestInfo] = []
        self.log_lock = threading.Lock()


class FixtureServer:
    """Serve `handler` on a free port of 127.0.0.1 until `stop()` (or the `with` block ends)."""

    def __init__(self, handler: Handler):
        self._server = _Server(handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def netloc(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    @property
    def requests(self) -> list[RequestInfo]:
        with self._server.log_lock:
            return list(self._server.requests)
