"""The graph browser in a real headless Chromium: alliance view, evidence, exports, URL state, query page.

The server, Playwright and Chromium are the session's (tests/browser_fixtures.py).

Screenshots of the main views are written to a temporary folder, and to docs/img/ when
`KG_UPDATE_SCREENSHOTS=1`.
"""

import csv
import io
import os
import re
import struct
import zlib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from browser_fixtures import DOCS_IMG, MARKUP_LABEL, RES, LiveServer, Tab, wait_panel
from playwright.sync_api import Browser
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

pytestmark = pytest.mark.browser


def screenshots_dir(tmp_path: Path) -> Path:
    """docs/img/ when KG_UPDATE_SCREENSHOTS=1, else a temporary folder."""
    if os.environ.get("KG_UPDATE_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        return DOCS_IMG
    return tmp_path


def edges(tab: Tab) -> list[dict[str, Any]]:
    return tab.eval("() => window.kgView.visibleEdges()")


def click_edge(tab: Tab, key: str) -> None:
    """Click the edge on the canvas, at a point where the picking layer says it is the edge under the mouse."""
    box = tab.page.locator("#graph").bounding_box()
    assert box is not None
    for step in range(2, 19):
        point = tab.eval("([key, t]) => window.kgView.edgePoint(key, t)", [key, step / 20])
        if tab.eval("([x, y]) => window.kgView.edgeAt(x, y)", [point["x"], point["y"]]) == key:
            tab.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
            tab.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
            return
    pytest.fail(f"no clickable point on edge {key}")


# ------------------------------------------------------------------------------------------ the alliance view


@pytest.mark.parametrize("graph", ["live", "live_full"])
def test_page_loads_without_console_errors(tab: Tab, graph: str, request: pytest.FixtureRequest) -> None:
    live = request.getfixturevalue(graph)  # the seed alone, then the whole graph
    tab.open(live.url + "/")
    assert tab.eval("() => window.kgView.visibleNodes().length") > 10
    assert len(edges(tab)) > 10
    assert re.match(r"\d+ nodes · \d+ relations · all dates", tab.page.inner_text("#status"))
    assert tab.page.locator("#legend-body").inner_text().count("undated") == 1
    tab.page.wait_for_load_state("networkidle")  # every request answered: an error it causes is logged by now
    assert tab.errors == []


def test_searching_hezbollah_focuses_it(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/")
    tab.page.locator("#search").press_sequentially("Hezbol", delay=30)
    options = tab.page.locator("#search-results [role=option]")
    assert options.first.inner_text().startswith("Hezbollah")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(re.compile(r"focus=hezbollah"))
    wait_panel(tab)
    assert tab.page.inner_text("#panel-title") == "Hezbollah"
    nodes = tab.eval("() => window.kgView.visibleNodes()")
    assert "hezbollah" in nodes and len(nodes) >= 2
    assert all("hezbollah" in (e["source"], e["target"]) for e in edges(tab))
    assert tab.page.inner_text("#focus-name") == "Hezbollah"
    assert tab.errors == []


def test_a_polarity_filter_hides_hostile_edges(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/")
    before = edges(tab)
    assert any(e["polarity"] == "hostile" for e in before)
    tab.page.locator("#filter-polarity input[value=hostile]").uncheck()
    tab.page.wait_for_url(re.compile(r"pol=cooperative,diplomatic"))
    after = edges(tab)
    assert after and not any(e["polarity"] == "hostile" for e in after)
    assert {e["key"] for e in after} == {e["key"] for e in before if e["polarity"] != "hostile"}
    assert tab.errors == []


def astana_edges(tab: Tab) -> set[frozenset[str]]:
    return {
        frozenset((e["source"], e["target"]))
        for e in edges(tab)
        if e["type"] == "partner-of" and {e["source"], e["target"]} <= {"turkey", "russia", "iran"}
    }


def offensive_edges(tab: Tab) -> list[dict[str, Any]]:
    return [e for e in edges(tab) if "rebel-offensive-2024" in e["facts"]]


def russia_regime_alliance(tab: Tab) -> bool:
    return any(
        e["type"] == "allied-with" and {e["source"], e["target"]} == {"russia", "assad-regime"}
        for e in edges(tab)
    )


@pytest.mark.parametrize(
    ("date", "shown"), [("2024-11-28", False), ("2024-12-07", True), ("2025-06-01", True)]
)
def test_an_undated_alliance_shows_as_of_its_report_date_and_after(
    tab: Tab, live: LiveServer, date: str, shown: bool
) -> None:
    # "Russia, main ally of the Syrian government", in a report of 7 December 2024 without a date of its own:
    # by the as-of rule it holds from 7 December on, not before, and still after.
    tab.open(live.url + f"/?date={date}")
    tab.page.wait_for_function("(d) => window.kgView.state().date === d", arg=date)
    assert russia_regime_alliance(tab) is shown
    assert tab.errors == []


def test_the_time_slider_shows_the_network_as_of_a_date(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/")
    slider = tab.page.locator("#date-slider")
    slider.focus()
    tab.page.keyboard.press("End")
    tab.page.wait_for_function("() => window.kgView.state().date !== null")
    assert len(astana_edges(tab)) == 3
    assert offensive_edges(tab), "the offensive shows on the last date"
    assert offensive_edges(tab)[0]["source"] == "rebel-coalition"
    seen_without_offensive = seen_without_astana = False
    for _ in range(200):
        date = tab.eval("() => window.kgView.state().date")
        if date < "2024-11-27":
            assert not offensive_edges(tab), date
            seen_without_offensive = True
        else:
            assert offensive_edges(tab), date
        if date < "2017-01-01":
            assert not astana_edges(tab), date
            seen_without_astana = True
            break
        assert len(astana_edges(tab)) == 3, date
        tab.page.keyboard.press("ArrowLeft")
        tab.page.wait_for_function("(d) => window.kgView.state().date !== d", arg=date)
    assert seen_without_offensive and seen_without_astana
    assert re.search(r"date=\d{4}-\d{2}-\d{2}", tab.page.url)
    assert tab.page.inner_text("#date-label").startswith("as of ")
    assert tab.errors == []


def test_clicking_the_russia_regime_edge_shows_the_exact_quote(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/")
    matches = [
        e
        for e in edges(tab)
        if {e["source"], e["target"]} == {"russia", "assad-regime"} and e["type"] == "allied-with"
    ]
    assert len(matches) == 1
    edge = matches[0]
    click_edge(tab, edge["key"])
    tab.page.wait_for_function("(key) => window.kgView.state().sel === 'e:' + key", arg=edge["key"])
    wait_panel(tab)
    expected = []
    for fact in edge["facts"]:
        item = httpx.get(live.url + "/api/statement", params={"iri": fact}).json()
        expected += [e["exact"] for e in item["evidence"]]
    marks = tab.page.locator("#panel mark.quote-exact").all_inner_texts()
    assert "Main ally of the Syrian government, Russia" in marks
    assert sorted(marks) == sorted(expected)
    paragraph = tab.page.locator("#panel .paragraph").first.inner_text()
    assert "Main ally of the Syrian government, Russia has called on its citizens" in paragraph
    panel = tab.page.inner_text("#panel")
    assert "asserted" in panel and "Who says it" in panel and "2024-12-07" in panel
    assert tab.errors == []


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature and that its image data inflates."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    position, idat = 8, b""
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            idat += data[position + 8 : position + 8 + length]
        position += 12 + length
    raw = zlib.decompress(idat)
    assert len(raw) > width * height  # at least one byte per pixel: a real image
    return width, height


def test_png_and_svg_exports_download_and_parse(tab: Tab, live: LiveServer, tmp_path: Path) -> None:
    tab.open(live.url + "/?focus=russia&hops=2")
    size = tab.eval("() => window.kgView.sigma().getDimensions()")
    with tab.page.expect_download() as png_download:
        tab.page.click("#export-png")
    png = Path(png_download.value.path()).read_bytes()
    assert png_download.value.suggested_filename == "syria-kg-view-russia.png"
    width, height = png_size(png)
    assert (width, height) == (size["width"] * 2, size["height"] * 2)

    with tab.page.expect_download() as svg_download:
        tab.page.click("#export-svg")
    svg = ElementTree.fromstring(Path(svg_download.value.path()).read_bytes())
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    nodes = tab.eval("() => window.kgView.visibleNodes()")
    assert len(svg.findall(".//svg:path[@data-node]", ns)) == len(nodes)
    assert len(svg.findall(".//svg:g[@data-edge]", ns)) == len(edges(tab))
    texts = [t.text for t in svg.findall(".//svg:text", ns)]
    assert "Russia" in texts

    with tab.page.expect_download() as graphml_download:
        tab.page.click("#export-graphml")
    graphml = ElementTree.fromstring(Path(graphml_download.value.path()).read_bytes())
    gns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(graphml.findall(".//g:node", gns)) == len(nodes)
    assert len(graphml.findall(".//g:edge", gns)) == len(edges(tab))

    with tab.page.expect_download() as csv_download:
        tab.page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == len(edges(tab))
    assert {"source", "relation", "target", "polarity", "stance"} <= set(rows[0])
    assert tab.errors == []


def test_the_url_state_round_trips(tab: Tab, browser: Browser, live: LiveServer) -> None:
    tab.open(live.url + "/")
    tab.page.locator("#search").fill("Russia")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(re.compile(r"focus=russia"))
    tab.page.select_option("#hops", "2")
    tab.page.locator("#filter-stance input[value=rumoured]").uncheck()
    tab.page.select_option("#label-lang", "fr")
    slider = tab.page.locator("#date-slider")
    slider.focus()
    tab.page.keyboard.press("End")
    tab.page.keyboard.press("ArrowLeft")
    tab.page.wait_for_function("() => window.kgView.state().date !== null")
    url = tab.page.url
    for part in ("focus=russia", "hops=2", "stance=asserted,reported,claimed,denied", "lang=fr", "date="):
        assert part in url, url
    state = tab.eval("() => window.kgView.state()")
    shown = (tab.eval("() => window.kgView.visibleNodes()"), sorted(e["key"] for e in edges(tab)))

    other = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        other.goto(url)
        other.wait_for_function("() => window.kgView && window.kgView.ready")
        assert other.evaluate("() => window.kgView.state()") == state
        again = (
            other.evaluate("() => window.kgView.visibleNodes()"),
            sorted(e["key"] for e in other.evaluate("() => window.kgView.visibleEdges()")),
        )
        assert again == shown
        assert other.url == url
        assert other.input_value("#hops") == "2"
        assert other.input_value("#label-lang") == "fr"
        assert not other.locator("#filter-stance input[value=rumoured]").is_checked()
        assert other.locator("#date-on").is_checked()
    finally:
        other.close()
    assert tab.errors == []


def test_a_label_with_markup_is_shown_as_text(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/")
    tab.page.locator("#search").press_sequentially("Markup Test", delay=20)
    option = tab.page.locator("#search-results [role=option]").first
    assert option.locator(".option-label").inner_text() == MARKUP_LABEL
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(re.compile(r"focus=markup-test-group"))
    wait_panel(tab)
    assert tab.page.locator("#panel-title").inner_text() == MARKUP_LABEL
    assert tab.page.locator("#panel-title *").count() == 0
    assert tab.page.locator("#panel img, #panel script").count() == 0
    injected = "[...document.querySelectorAll('img, script')].filter(e => e.outerHTML.includes('__xss'))"
    assert tab.eval(f"() => {injected}.length") == 0  # no injected element anywhere: nothing can run later
    assert tab.eval("() => window.__xss") is None
    page = httpx.get(live.url + "/id/markup-test-group").text
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;Markup Test Group" in page
    tab.open(live.url + "/id/markup-test-group")
    assert tab.page.locator("h1").inner_text() == MARKUP_LABEL
    assert tab.eval("() => window.__xss") is None
    assert tab.errors == []


# ------------------------------------------------------------------------------------------ other pages


def test_yasgui_runs_a_query_and_shows_rows(tab: Tab, live: LiveServer) -> None:
    tab.page.goto(live.url + "/query")
    tab.page.wait_for_function("() => window.kgQuery && window.kgQuery.ready")
    assert tab.page.locator("#example option").count() >= 1
    tab.page.click("#run-example")
    tab.page.wait_for_selector(".yasr table tbody tr")
    assert tab.page.locator(".yasr table tbody tr").count() >= 1
    construct = (
        "PREFIX kg: <https://w3id.org/syria-kg/ontology#> "
        "CONSTRUCT { ?s ?rt ?o } WHERE { ?st a kg:Statement ; kg:subject ?s ; kg:object ?o ; kg:relationType ?rt } LIMIT 30"
    )
    tab.eval("(q) => { window.kgYasgui.getTab().setQuery(q); }", construct)
    tab.page.click("#run-example")
    tab.page.wait_for_function("() => !document.getElementById('show-graph').disabled")
    tab.page.click("#show-graph")
    tab.page.wait_for_selector("#result-graph canvas")
    assert tab.page.locator("#result-graph").is_visible()
    assert tab.errors == []


def test_an_entity_page_answers_in_html_turtle_and_json_ld(tab: Tab, live: LiveServer) -> None:
    html = httpx.get(live.url + "/id/russia", headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    turtle = httpx.get(live.url + "/id/russia", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(RES + "russia"), RDFS.label, Literal("Russia", lang="en")) in graph
    jsonld = httpx.get(live.url + "/id/russia", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert any(node.get("@id") == RES + "russia" for node in jsonld.json())
    tab.open(live.url + "/id/russia")
    assert tab.page.locator("h1").inner_text() == "Russia"
    assert tab.page.locator("link[rel=alternate][type='text/turtle']").count() == 1
    assert tab.page.locator("mark.quote-exact").count() >= 1
    assert tab.errors == []


def test_ontology_and_404_pages_load_cleanly(tab: Tab, live: LiveServer) -> None:
    tab.page.goto(live.url + "/ontology")
    assert tab.page.locator("#Statement").count() == 1
    response = tab.page.goto(live.url + "/id/no-such-thing")
    assert response is not None and response.status == 404
    assert tab.page.locator("h1").inner_text() == "Not found"
    # The 404 itself is the only console error a browser reports for a missing page.
    assert all("404" in e for e in tab.errors)


# ------------------------------------------------------------------------------------------ usable


def test_controls_are_keyboard_reachable(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/")
    reached = set()
    for _ in range(80):
        tab.page.keyboard.press("Tab")
        reached.add(
            tab.eval("() => document.activeElement.id || document.activeElement.getAttribute('value') || ''")
        )
    for control in ("search", "date-on", "date-slider", "play", "hostile", "export-png", "export-svg"):
        assert control in reached, control


def contrast(tab: Tab, selector: str) -> float:
    """WCAG contrast ratio of the text of the first element matching `selector` on its nearest opaque background."""
    return tab.eval(
        """(selector) => {
          const parse = (c) => c.match(/[\\d.]+/g).map(Number);
          const lum = ([r, g, b]) => {
            const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
          };
          const el = document.querySelector(selector);
          const fg = parse(getComputedStyle(el).color);
          let node = el, bg = [255, 255, 255];
          while (node) {
            const c = parse(getComputedStyle(node).backgroundColor);
            if (c.length === 3 || c[3] > 0.5) { bg = c.slice(0, 3); break; }
            node = node.parentElement;
          }
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        }""",
        selector,
    )


def test_text_has_readable_contrast(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/?sel=e:assad-regime|allied-with|russia")
    wait_panel(tab)
    for selector in ("#status", ".legend-note", ".controls legend", "#panel .hint", "#panel a", ".site-header a",
                     "#panel .meta dt", "mark.quote-exact"):  # fmt: skip
        assert contrast(tab, selector) >= 4.5, selector


def test_layout_works_at_phone_width(browser: Browser, live: LiveServer, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(live.url + "/?focus=russia")
        page.wait_for_function("() => window.kgView && window.kgView.ready")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        graph = page.locator("#graph").bounding_box()
        assert graph is not None and graph["width"] >= 350 and graph["height"] >= 300
        assert page.locator("#search").is_visible()
        page.locator(".stage-bar").evaluate("(el) => el.scrollIntoView()")
        page.screenshot(path=str(screenshots_dir(tmp_path) / "phone.png"))
    finally:
        page.close()


def test_screenshots_of_the_main_views(tab: Tab, live_full: LiveServer, tmp_path: Path) -> None:
    live, out = live_full, screenshots_dir(tmp_path)
    tab.open(live.url + "/?date=2024-12-07")
    tab.page.screenshot(path=str(out / "alliance-view.png"))
    tab.open(live.url + "/?date=2016-06-30")  # the same view eight years earlier, from the history sources
    tab.page.screenshot(path=str(out / "alliance-view-2016.png"))
    tab.open(live.url + "/?sel=e:assad-regime|allied-with|russia")
    wait_panel(tab)
    tab.page.screenshot(path=str(out / "evidence-panel.png"))
    tab.page.goto(live.url + "/query")
    tab.page.wait_for_function("() => window.kgQuery && window.kgQuery.ready")
    tab.page.click("#run-example")
    tab.page.wait_for_selector(".yasr table tbody tr")
    tab.page.screenshot(path=str(out / "query-page.png"))
    tab.page.goto(live.url + "/id/russia")
    tab.page.screenshot(path=str(out / "entity-page.png"))
    for name in ("alliance-view", "alliance-view-2016", "evidence-panel", "query-page", "entity-page"):
        assert png_size((out / f"{name}.png").read_bytes()) == (1280, 800)
    assert tab.errors == []


# ------------------------------------------------------------------------------------------ analytics


def wait_analytics(tab: Tab) -> None:
    tab.page.wait_for_function("() => window.kgView.analyticsReady()")


def test_colour_by_bloc_groups_the_regime_and_russia(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/")
    tab.page.get_by_label("Colour by bloc").check()
    tab.page.wait_for_function("() => window.kgView.state().bloc === true")
    wait_analytics(tab)
    colour = lambda node: tab.eval("(id) => window.kgView.nodeColor(id)", node)  # noqa: E731
    assert colour("assad-regime") == colour("russia")
    assert colour("rebel-coalition") not in (None, colour("assad-regime"))
    assert "bloc=1" in tab.page.url
    assert tab.page.locator("#legend-blocs li.bloc-item").count() >= 2
    before = (colour("assad-regime"), colour("rebel-coalition"))
    tab.page.reload()
    tab.page.wait_for_function("() => window.kgView && window.kgView.ready && window.kgView.settled()")
    wait_analytics(tab)
    assert tab.eval("() => window.kgView.state().bloc") is True
    assert tab.page.locator("#bloc-on").is_checked()
    assert (colour("assad-regime"), colour("rebel-coalition")) == before
    tab.page.get_by_label("Colour by bloc").uncheck()
    tab.page.wait_for_function("() => window.kgView.state().bloc === false")
    assert colour("assad-regime") != before[0] or colour("rebel-coalition") != before[1]
    assert "bloc=1" not in tab.page.url
    assert tab.errors == []


def test_unbalanced_triangles_legend_on_the_seed(tab: Tab, live: LiveServer) -> None:
    # analyticsReady waits for the legend itself, drawn from the answer (or from the error of the request).
    tab.open(live.url + "/?date=2024-12-07&tri=1")
    wait_analytics(tab)
    assert tab.page.locator("#triangles-on").is_checked()
    # Turkey, partner of Russia and Iran, accuses Damascus: the two triangles through it are unbalanced.
    assert tab.page.locator("#legend-triangles").inner_text().strip().endswith(" unbalanced triangles")
    highlighted = tab.eval("() => window.kgView.highlightedEdges()")
    assert any("turkey" in key for key in highlighted)


def test_a_contested_actor_is_drawn_pale_and_listed_with_its_confidence(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/?date=2024-12-07&bloc=1")
    wait_analytics(tab)
    colour = lambda node: tab.eval("(id) => window.kgView.nodeColor(id)", node)  # noqa: E731
    assert colour("turkey") not in (None, colour("assad-regime"), colour("rebel-coalition"))
    assert colour("recep-tayyip-erdogan") == colour("turkey")
    item = tab.page.locator("#legend-blocs li.contested-item", has_text="Turkey")
    assert item.count() == 1
    text = item.inner_text().strip()
    assert text.startswith("Turkey: contested, 0.") and "of its weight agrees with" in text
    assert tab.errors == []


def test_the_timeline_lists_events_and_sets_the_date(tab: Tab, live: LiveServer) -> None:
    tab.open(live.url + "/")
    wait_analytics(tab)
    items = tab.page.locator("#timeline-items button.event")
    assert items.count() >= 1
    dates = [d for d in items.evaluate_all("(els) => els.map((e) => e.dataset.date)")]
    assert dates == sorted(dates)
    offensive = tab.page.locator("#timeline-items button.event", has_text=re.compile("offensive", re.I)).first
    offensive.click()
    tab.page.wait_for_function("() => window.kgView.state().date === '2024-11-27'")
    assert tab.page.locator("#date-slider").get_attribute("aria-valuetext") == "2024-11-27"
    assert "date=2024-11-27" in tab.page.url
    wait_analytics(tab)
    assert tab.page.locator("#timeline-items li.in-window").count() >= 1
    assert tab.errors == []
