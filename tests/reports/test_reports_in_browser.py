"""Each HTML report opens in headless Chromium without console errors; a screenshot is saved.

Chromium is installed from the distribution's packages when missing (`apt-get install -y
chromium`, as root, as CI runs); the tests skip, saying why, only when that is impossible. The
browser is driven over the DevTools protocol on loopback, so console messages come with their
level and uncaught exceptions are seen. Screenshots go to tests/output/ (ignored by git).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.critical_occupations.rendering import CHROMIUM_FLAGS, find_chromium
from reports.critical_occupations.report import build_critical_occupations_reports
from reports.skills_outlook.report import build_skills_outlook_reports

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_marts import write_evidence, write_fixture_marts, write_skills_fixture  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "output"
INSTALL_TIMEOUT_SECONDS = 900


def _ensure_chromium() -> str:
    found = find_chromium()
    if found:
        return found
    if shutil.which("apt-get") is None:
        pytest.skip("Chromium is missing and this system has no apt-get to install it")
    if os.geteuid() != 0:
        pytest.skip("Chromium is missing and installing it needs root (apt-get install chromium)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    done = subprocess.run(command, env=env, capture_output=True, timeout=INSTALL_TIMEOUT_SECONDS)
    if done.returncode != 0:
        # The package lists may be missing on a fresh image: refresh them once.
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=600)
        done = subprocess.run(
            command, env=env, capture_output=True, timeout=INSTALL_TIMEOUT_SECONDS
        )
    found = find_chromium()
    if not found:
        pytest.skip(f"apt-get could not install chromium: {done.stderr.decode()[-300:]}")
    return found


class Browser:
    """One headless Chromium, driven over the DevTools protocol on 127.0.0.1."""

    def __init__(self, executable: str) -> None:
        from websockets.sync.client import connect

        self.profile = tempfile.mkdtemp(prefix="lmis-chromium-")
        self.process = subprocess.Popen(
            [
                executable,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self.profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1200,1600",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self.connection = contextlib.ExitStack()
        self.socket = self.connection.enter_context(
            connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=30)
        )
        self.next_id = 0

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            reply = json.loads(self.socket.recv(timeout=60))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def open(self, page: Path, screenshot: Path) -> tuple[list[str], int]:
        """Load the page; return its console errors and the number of Plotly charts drawn."""
        self.events: list[dict] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable", session=session)
        self.call("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        deadline = time.monotonic() + 60
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{page.name} did not finish loading")
            self.events.append(json.loads(self.socket.recv(timeout=60)))
        time.sleep(0.5)  # let Plotly finish drawing after the load event
        charts = self.call(
            "Runtime.evaluate",
            {
                "expression": "[...document.querySelectorAll('.js-plotly-plot')]"
                ".filter(e => e.querySelector('.main-svg')).length",
                "returnByValue": True,
            },
            session=session,
        )["result"]["value"]
        shot = self.call("Page.captureScreenshot", {"format": "png"}, session=session)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        self.call("Target.closeTarget", {"targetId": target})
        return _console_errors(self.events), charts

    def close(self) -> None:
        if getattr(self, "connection", None) is not None:
            self.connection.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def _console_errors(events: list[dict]) -> list[str]:
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            errors.append(details.get("exception", {}).get("description") or details["text"])
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            errors.append(params["entry"]["text"])
    return errors


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    instance = Browser(_ensure_chromium())
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def report_pages(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("browser")
    output = root / "out"
    marts = write_fixture_marts(root / "co")
    evidence = write_evidence(root / "employer_evidence.csv")
    build_critical_occupations_reports(marts, output, evidence, pdf=False)
    skills_marts, esco = write_skills_fixture(root / "skills")
    build_skills_outlook_reports(skills_marts, output, esco, pdf=False)
    return sorted(output.glob("*.html"))


def test_all_four_reports_were_built(report_pages):
    assert [p.name for p in report_pages] == [
        "critical-occupations.en.html",
        "critical-occupations.id.html",
        "skills-outlook.en.html",
        "skills-outlook.id.html",
    ]


def test_reports_open_without_console_errors_and_draw_their_charts(browser, report_pages):
    for page in report_pages:
        screenshot = OUTPUT / f"{page.stem}.png"
        errors, charts = browser.open(page, screenshot)
        assert errors == [], f"{page.name}: {errors}"
        assert charts >= 2, f"{page.name}: {charts} Plotly charts drawn"
        assert screenshot.stat().st_size > 10_000


def test_console_error_detection_catches_a_broken_page(browser, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<html><body><script>console.error('boom'); undefinedCall();</script></body></html>"
    )
    errors, _ = browser.open(broken, tmp_path / "broken.png")
    assert any("boom" in e for e in errors)
    assert any("undefinedCall" in e for e in errors)


def test_pdf_is_printed_with_chromium(tmp_path):
    _ensure_chromium()
    marts = write_fixture_marts(tmp_path / "marts")
    written = build_critical_occupations_reports(
        marts, tmp_path / "out", None, config=None, pdf=True
    )
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert [p.name for p in pdfs] == ["critical-occupations.id.pdf", "critical-occupations.en.pdf"]
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in pdfs)
