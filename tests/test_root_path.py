"""The app under a path prefix (KG_ROOT_PATH=/syria), behind a reverse proxy that strips it before forwarding, as
nginx's `location /syria/ { proxy_pass http://app/; proxy_set_header Host $host; }` does.

The proxy is written here (http.server and http.client): it forwards /syria/... to the app without the prefix and
answers 404 to any other path, so a link or request that forgot the prefix fails and is recorded. Chromium (the
session's, tests/browser_fixtures.py) opens the browser page, the query page, an entity page and the ontology page
through it; every request must stay under the prefix and succeed. The IRIs the graph mints stay
https://w3id.org/syria-kg/id/..., whatever the deployment; the service description names the address the
endpoint is reached at: the proxy's, or KG_PUBLIC_URL when set.
"""

import http.client
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest
from api_fixtures import start_app
from browser_fixtures import RES, build_front_end
from playwright.sync_api import Browser, Page
from processes import Server
from rdflib import Graph, Literal, Namespace, URIRef
from starlette.requests import Request

from api.routers.sparql import base_url
from kg.enrich import ENRICHMENT_GRAPH
from kg.settings import Settings

PREFIX = "/syria"
TOKEN = "root-path-test-token"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers"}
HOP_BY_HOP |= {"transfer-encoding", "upgrade"}
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
# A test value, not a fact: a point for Hezbollah, so that its panel and its page draw a map (and fetch the atlas).
POINT_TURTLE = f"""
@prefix geo: <{GEO}> .
<{RES}hezbollah> geo:hasGeometry [ geo:asWKT "Point(35.5 33.85)"^^geo:wktLiteral ] .
"""


@dataclass
class Proxy:
    """The reverse proxy: `url` is the app's public root (with the prefix, no final /)."""

    url: str
    outside: list[str] = field(default_factory=list)  # paths asked for outside the prefix


def proxy_handler(app: str, proxy: Proxy) -> type[BaseHTTPRequestHandler]:
    """A handler forwarding /syria/<path> to `app`/<path>, with the client's Host header, body and all."""
    target = urlsplit(app)

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self) -> None:
            if self.path != PREFIX and not self.path.startswith(PREFIX + "/"):
                proxy.outside.append(self.path)
                self.send_error(404, "outside the proxy's prefix")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=120)
            try:
                upstream.request(self.command, self.path[len(PREFIX) :] or "/", body=body, headers=headers)
                answer = upstream.getresponse()
                payload = answer.read()
            finally:
                upstream.close()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = forward  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass  # quiet: the test reports what matters

    return Forward


@pytest.fixture(scope="module")
def prefixed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app with KG_ROOT_PATH=/syria (it builds its graph at start)."""
    build_front_end()
    server = start_app(
        tmp_path_factory.mktemp("root-path"), "app under /syria", root_path=PREFIX, write_token=TOKEN
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxy(prefixed_app: Server) -> Iterator[Proxy]:
    """The proxy in front of the app, on a free port of 127.0.0.1, stopped after the module."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    front = Proxy(f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}")
    httpd.RequestHandlerClass = proxy_handler(prefixed_app.url, front)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield front
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def mapped(proxy: Proxy) -> Proxy:
    """The proxied app with a point for Hezbollah, written through the proxy's Graph Store."""
    response = httpx.put(
        proxy.url + "/store",
        params={"graph": str(ENRICHMENT_GRAPH)},
        content=POINT_TURTLE.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    assert response.status_code in (201, 204), response.text
    return proxy


# ------------------------------------------------------------------------------------------ HTTP


def test_the_service_description_names_the_endpoint_under_the_prefix(proxy: Proxy) -> None:
    response = httpx.get(proxy.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200, response.text
    description = Graph().parse(data=response.text, format="turtle")
    assert set(description.objects(None, SD.endpoint)) == {URIRef(proxy.url + "/sparql")}
    assert URIRef(proxy.url + "/store") in set(description.objects(None, VOID.dataDump))


def test_minted_iris_stay_the_graphs_own_under_the_prefix(proxy: Proxy) -> None:
    response = httpx.get(proxy.url + "/id/hezbollah.ttl", timeout=60)
    assert response.status_code == 200, response.text
    triples = Graph().parse(data=response.text, format="turtle")
    hezbollah = URIRef(RES + "hezbollah")
    assert (hezbollah, None, None) in triples
    assert not [t for t in triples for term in t if str(term).startswith(proxy.url)]


def test_the_graph_store_and_the_ontology_redirects_work_under_the_prefix(mapped: Proxy) -> None:
    graph = httpx.get(mapped.url + "/store", params={"graph": str(ENRICHMENT_GRAPH)}, timeout=60)
    assert graph.status_code == 200, graph.text
    assert Literal("Point(35.5 33.85)", datatype=GEO.wktLiteral) in set(
        Graph().parse(data=graph.text, format="turtle").objects(None, GEO.asWKT)
    )
    shape = httpx.get(mapped.url + "/shape/S09-actor-labels", timeout=60)
    assert shape.status_code == 303
    assert shape.headers["location"] == PREFIX + "/ontology#shape-S09-actor-labels"


def test_a_public_url_is_the_base_of_descriptions_whatever_the_request() -> None:
    """KG_PUBLIC_URL wins over the address a request came to; without it, that address includes the prefix."""
    scope = {
        "type": "http",
        "scheme": "http",
        "server": ("10.0.0.5", 8000),
        "root_path": PREFIX,
        "path": PREFIX + "/sparql",
        "headers": [(b"host", b"10.0.0.5:8000")],
    }
    assert base_url(Request(scope), Settings(root_path=PREFIX)) == "http://10.0.0.5:8000/syria"
    public = Settings(root_path=PREFIX, public_url="https://example.org/syria/")
    assert base_url(Request(scope), public) == "https://example.org/syria"


def test_the_prefix_setting_is_read_in_any_spelling() -> None:
    spellings = ["syria", "/syria", "/syria/", " /syria "]
    assert {Settings(root_path=s).root_path for s in spellings} == {PREFIX}
    assert Settings(root_path="/").root_path == ""


# ------------------------------------------------------------------------------------------ Chromium


@dataclass
class Recorded:
    """What a page asked for and what went wrong."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def record(page: Page) -> Recorded:
    seen = Recorded()
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("response", lambda r: seen.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: seen.failed.append(f"{r.failure} {r.url}"))
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    return seen


def addresses(page: Page) -> list[str]:
    """Every address the page's links, stylesheets, scripts and forms point to, resolved."""
    return page.eval_on_selector_all(
        "a[href], link[href], script[src], form[action]",
        "nodes => nodes.map(n => n.href || n.src || n.action)",
    )


def outside(urls: list[str], root: str) -> list[str]:
    """The addresses on the proxy's host that are not under the app's root."""
    host = urlsplit(root).netloc
    return [u for u in urls if urlsplit(u).netloc == host and not u.startswith(root + "/")]


@pytest.mark.browser
def test_every_page_request_and_link_stays_under_the_prefix(browser: Browser, mapped: Proxy) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    seen = record(page)
    links: list[str] = []

    # The alliance view, with the evidence panel (its map fetches the atlas) and the blocs of the analytics.
    page.goto(mapped.url + "/?focus=hezbollah&sel=n:hezbollah&bloc=1")
    page.wait_for_function(
        "() => window.kgView && window.kgView.ready && window.kgView.panelReady() && window.kgView.analyticsReady()"
    )
    assert page.inner_text("#panel-title") == "Hezbollah"
    page.wait_for_selector("#panel figure.map svg.map-svg")
    links += addresses(page)
    # An edge's statements, each from /api/statement, with links to their pages and sources.
    page.evaluate("() => document.querySelector('#edge-list-items button').click()")
    page.wait_for_function("() => window.kgView.state().sel.startsWith('e:') && window.kgView.panelReady()")
    assert page.locator("#panel article.fact").count() >= 1
    links += addresses(page)

    # The query page: YASGUI posts the example to the endpoint under the prefix.
    page.goto(mapped.url + "/query")
    page.wait_for_function("() => window.kgQuery && window.kgQuery.ready")
    assert page.locator(".site-header a[aria-current=page]").inner_text() == "Query"
    with page.expect_response(lambda r: r.url == mapped.url + "/sparql") as answer:
        page.click("#run-example")
    assert answer.value.ok
    links += addresses(page)

    # An entity page (its map drawn by entity-map.js) and the ontology page.
    page.goto(mapped.url + "/id/hezbollah")
    page.wait_for_selector("figure.map svg.map-svg")
    links += addresses(page)
    page.goto(mapped.url + "/ontology")
    assert page.locator("h1").inner_text() == "Ontology"
    links += addresses(page)
    context.close()

    assert len(seen.requests) > 10
    assert outside(seen.requests, mapped.url) == []
    assert outside(links, mapped.url) == []
    assert mapped.outside == []
    assert seen.failed == []
    assert seen.errors == []
