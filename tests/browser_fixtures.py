"""The browser tests' shared fixtures (a pytest plugin, see conftest.py): one live server, one Playwright, one
Chromium for the whole session, whichever test modules use them.

The real application runs as `uvicorn api.main:app` on a free port of 127.0.0.1, its store in a temporary
folder (the app builds the graph at start), with a write token so that a fixture entity whose English label is
HTML can be added through the Graph Store. Chromium is Debian's (`/usr/bin/chromium`, or `KG_CHROMIUM`), driven
by Playwright for Python; no browser is ever downloaded. The front end is built from `web/` first when
`api/static/dist/` is missing (`npm ci --prefix web && npm run build --prefix web`).

A plugin, not fixtures imported into each module: an imported session fixture is a new fixture in each module,
and a second `sync_playwright()` inside the first one's event loop fails.
"""

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "api" / "static" / "dist"
DOCS_IMG = ROOT / "docs" / "img"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TOKEN = "browser-test-token"
RES = "https://w3id.org/syria-kg/id/"
FIXTURE_GRAPH = "https://w3id.org/syria-kg/graph/test-fixture"
MARKUP_LABEL = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Markup Test Group'
MARKUP_TURTLE = f"""
@prefix kg: <https://w3id.org/syria-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{RES}markup-test-group> a kg:ArmedGroup ;
    rdfs:label {json.dumps(MARKUP_LABEL)}@en ;
    skos:prefLabel {json.dumps(MARKUP_LABEL)}@en .
"""

# ------------------------------------------------------------------------------------------ the server


@dataclass
class LiveServer:
    """A running `uvicorn api.main:app`: its base URL and process."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


_SERVER: dict[str, LiveServer] = {}


def build_front_end() -> None:
    """Build web/ into api/static/dist/ when the bundles are missing (the Makefile normally does it)."""
    if (DIST / "app.js").is_file() and (DIST / "query.js").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("api/static/dist/ is missing and npm is not installed: run `npm ci --prefix web`")
    subprocess.run([npm, "ci", "--prefix", "web", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    subprocess.run([npm, "run", "build", "--prefix", "web"], cwd=ROOT, check=True)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_server(tmp_root: Path) -> LiveServer:
    """The one server of the test session, started on first use and stopped by its process id at exit."""
    if "server" in _SERVER:
        return _SERVER["server"]
    build_front_end()
    port = free_port()
    log = tmp_root / "server.log"
    env = {
        **os.environ,
        "KG_DATA_DIR": str(tmp_root / "store"),
        "KG_WRITE_TOKEN": TOKEN,
        "KG_MEMORY": "false",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    atexit.register(stop_server, server)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped at start:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(server.url + "/api/graph", timeout=10).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(1)
    else:
        stop_server(server)
        pytest.fail(f"the server did not answer within 600 s:\n{log.read_text()[-3000:]}")
    response = httpx.put(
        server.url + "/store",
        params={"graph": FIXTURE_GRAPH},
        content=MARKUP_TURTLE.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    assert response.status_code in (201, 204), response.text
    _SERVER["server"] = server
    return server


def stop_server(server: LiveServer) -> None:
    """Stop the server by its process id."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """The app the browser tests drive (not `server`: that is the endpoint tests' fixture)."""
    return live_server(tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set KG_CHROMIUM)")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Tab:
    """A page with the console errors and page errors it collected."""

    page: Page
    errors: list[str]

    def open(self, url: str) -> None:
        self.page.goto(url)
        if url.split("?")[0].rstrip("/").count("/") == 2:  # the alliance view
            self.page.wait_for_function(
                "() => window.kgView && window.kgView.ready && window.kgView.settled()"
            )

    def eval(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield Tab(page, errors)
    context.close()


def wait_panel(tab: Tab) -> None:
    tab.page.wait_for_function("() => window.kgView.panelReady()")
