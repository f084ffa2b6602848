"""The browser tests' shared fixtures (a pytest plugin, see conftest.py): one live server, one Playwright, one
Chromium for the whole session, whichever test modules use them.

The real application runs as `uvicorn api.main:app` on a free port of 127.0.0.1, its store in a temporary
folder (the app builds the graph at start: the seed alone for `live`, the whole graph for `live_full`), with a
write token so that a fixture entity whose English label is HTML can be added through the Graph Store. Chromium is Debian's (`/usr/bin/chromium`, or `KG_CHROMIUM`), driven
by Playwright for Python; no browser is ever downloaded. The front end is built from `web/` first when
`api/static/dist/` is missing (`npm ci --prefix web && npm run build --prefix web`).

A plugin, not fixtures imported into each module: an imported session fixture is a new fixture in each module,
and a second `sync_playwright()` inside the first one's event loop fails.
"""

import atexit
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_fixtures import start_app
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from processes import Server

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


LiveServer = Server
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


def live_server(tmp_root: Path, key: str, project_dir: Path | None = None) -> LiveServer:
    """One server of the test session per `key`, started on first use and stopped by its process id at exit;
    `project_dir` is the project it builds (the repository's when None)."""
    if key in _SERVER:
        return _SERVER[key]
    build_front_end()
    settings = {"project_dir": str(project_dir)} if project_dir else {}
    server = start_app(tmp_root, f"app (browser tests, {key})", write_token=TOKEN, **settings)
    atexit.register(server.stop)
    response = httpx.put(
        server.url + "/store",
        params={"graph": FIXTURE_GRAPH},
        content=MARKUP_TURTLE.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    assert response.status_code in (201, 204), response.text
    _SERVER[key] = server
    return server


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory, seed_project: Path) -> LiveServer:
    """The app the browser tests drive, over the seed alone: their expected answers (the seed's blocs, its
    Astana edges from 2017, the offensive of 27 November 2024) are the seed's. Not `server`: that is the endpoint
    tests' fixture."""
    return live_server(tmp_path_factory.mktemp("live"), "seed", seed_project)


@pytest.fixture(scope="session")
def live_full(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """The app over the whole graph (2011-2024), for the views the README shows and a clean first load."""
    return live_server(tmp_path_factory.mktemp("live-full"), "full")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when Chromium is installed."""
    if Path(CHROMIUM).is_file():
        return None
    return (
        f"no Chromium at {CHROMIUM}: install Debian's (`sudo apt-get install chromium`, which `make test` does "
        "when run as root) or point KG_CHROMIUM at an existing Chromium"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, every browser test is skipped with the reason (counted in the summary, never silent)."""
    reason = chromium_missing()
    if reason:
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
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
