"""The small map in a real headless Chromium: on the entity page and in the browser's panel, drawn from the
enrichment graph, with no request to any other server (no tiles) and no console error.

The server, Chromium and the tab are the session's (tests/browser_fixtures.py). Its enrichment graph is the one a real
`kg enrich` writes against the Wikidata-shaped `oxigraph serve` of tests/test_linking.py (test values, not
facts: the fixture puts Damascus at 33.51 N, 36.29 E and Syria at 35 N, 38 E), put through the Graph Store and
removed afterwards.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser_fixtures import TOKEN, LiveServer, Tab, wait_panel
from test_linking import wikidata  # noqa: F401  (the fixture endpoint, asked for by name below)
from test_map import enriched_copy

from kg.enrich import ENRICHMENT_GRAPH
from kg.store import EmbeddedStore

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mapped(
    request: pytest.FixtureRequest, store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The session's server with an enrichment graph, removed again after this module."""
    live: LiveServer = request.getfixturevalue("live")
    copy = enriched_copy(store, request.getfixturevalue("wikidata"), tmp_path_factory.mktemp("cache"))
    body = copy.export("ntriples", str(ENRICHMENT_GRAPH))
    copy.close()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    url, params = live.url + "/store", {"graph": str(ENRICHMENT_GRAPH)}
    put = httpx.put(
        url,
        params=params,
        content=body,
        headers={"Content-Type": "application/n-triples", **auth},
        timeout=60,
    )
    assert put.status_code in (201, 204), put.text
    yield live
    assert httpx.delete(url, params=params, headers=auth, timeout=60).status_code in (200, 204)


def foreign_requests(tab: Tab, base: str) -> list[str]:
    """Record every request the page makes to another origin than the server (tiles would show here)."""
    seen: list[str] = []
    tab.page.on(
        "request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else seen.append(r.url)
    )
    return seen


def check_map(tab: Tab, scope: str, title: str, label: str) -> None:
    """An accessible SVG map with country outlines and one marker, labelled, inside the frame."""
    svg = tab.page.locator(f"{scope} figure.map svg.map-svg")
    svg.wait_for()
    assert svg.get_attribute("role") == "img"
    title_id = svg.get_attribute("aria-labelledby")
    assert tab.page.locator(f"#{title_id}").text_content() == title
    land = svg.locator("path.map-land").get_attribute("d") or ""
    assert len(land) > 200, "country outlines are drawn"
    assert len(svg.locator(".map-marker circle").all()) == 1
    assert svg.locator(".map-marker text").text_content() == label
    cx, cy = (float(svg.locator(".map-marker circle").get_attribute(a) or "nan") for a in ("cx", "cy"))
    assert 0 < cx < 320 and 0 < cy < 200
    box = svg.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 60


def test_entity_page_draws_the_map(tab: Tab, mapped: LiveServer, tmp_path: Path) -> None:
    foreign = foreign_requests(tab, mapped.url)
    tab.page.goto(mapped.url + "/id/damascus")
    check_map(tab, "main", "Map: Damascus at 33.51° N, 36.29° E", "Damascus")
    caption = tab.page.locator("figure.map figcaption").inner_text()
    assert "33.51° N, 36.29° E" in caption and "From Wikidata via kg enrich" in caption
    osm = tab.page.locator("figure.map a", has_text="on OpenStreetMap").get_attribute("href") or ""
    assert osm.startswith("https://www.openstreetmap.org/?mlat=33.51000&mlon=36.29000")
    tab.page.locator("figure.map").screenshot(path=tmp_path / "entity-map.png")
    assert foreign == [] and tab.errors == []


def test_entity_page_without_coordinates_has_no_map(tab: Tab, mapped: LiveServer) -> None:
    tab.page.goto(mapped.url + "/id/hezbollah")
    assert tab.page.locator("h1").inner_text() == "Hezbollah"
    assert tab.page.locator("figure.map").count() == 0
    assert tab.errors == []


def click_node(tab: Tab, node: str) -> None:
    """Click the node on the canvas, where the picking layer says it is the node under the mouse."""
    box = tab.page.locator("#graph").bounding_box()
    point = tab.eval("(id) => window.kgView.nodePoint(id)", node)
    assert box is not None and point is not None
    assert tab.eval("([x, y]) => window.kgView.nodeAt(x, y)", [point["x"], point["y"]]) == node
    tab.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    tab.page.wait_for_url(re.compile(f"sel=n(:|%3A){node}"))
    wait_panel(tab)


def test_clicking_a_node_with_coordinates_shows_the_map_in_the_panel(
    tab: Tab, mapped: LiveServer, tmp_path: Path
) -> None:
    foreign = foreign_requests(tab, mapped.url)
    tab.open(mapped.url + "/?focus=damascus")
    click_node(tab, "damascus")
    check_map(tab, "#panel-body", "Map: Damascus at 33.51° N, 36.29° E", "Damascus")
    tab.page.locator("#panel").screenshot(path=tmp_path / "panel-map.png")
    assert "From Wikidata via kg enrich" in tab.page.locator("#panel-body figure.map").inner_text()
    tab.open(mapped.url + "/?focus=hezbollah")
    click_node(tab, "hezbollah")
    assert tab.page.inner_text("#panel-title") == "Hezbollah"
    assert tab.page.locator("#panel-body figure.map").count() == 0
    assert foreign == [] and tab.errors == []
