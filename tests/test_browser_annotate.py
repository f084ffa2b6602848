"""Annotation in the browser (api/routers/annotate.py, web/src/source.js, web/src/annotate.js): over HTTP and in
a real headless Chromium.

One server for the module, on a temporary copy of the project (the repository's facts are never written) holding
the synthetic report tests/data/ingest/940_annotation_report, with a write token. The tests add items of their
own (distinct ids and words), so their order does not matter.

A screenshot of the source view is written to a temporary folder, and to docs/img/annotate.png when
`KG_UPDATE_SCREENSHOTS=1` (it illustrates docs/authoring.md).
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_fixtures import start_app
from app_client import client_for
from browser_fixtures import DIST, DOCS_IMG, ROOT, Tab, build_front_end, wait_panel
from helpers import copy_project
from processes import Server

from kg.settings import PROJECT_DIR, Settings
from kg.store import EmbeddedStore

TOKEN = "annotate-test-token"
SOURCE = "940_annotation_report"
FIXTURES = PROJECT_DIR / "tests" / "data" / "ingest"
TEXT = (FIXTURES / f"{SOURCE}.txt").read_text(encoding="utf-8")
ACROSS_LINES = "Ankara would keep arming the Syrian National\nArmy"
ACROSS_LINES_IN_YAML = '"Ankara would keep arming the Syrian National\\nArmy"'  # double-quoted, with \n


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with report 940 among its sources (the server builds it at start)."""
    copy = copy_project(PROJECT_DIR, tmp_path_factory.mktemp("annotate") / "project")
    shutil.copyfile(FIXTURES / f"{SOURCE}.yaml", copy / "kg" / "data" / "sources" / f"{SOURCE}.yaml")
    shutil.copyfile(FIXTURES / f"{SOURCE}.txt", copy / "seeds" / f"{SOURCE}.txt")
    return copy


@pytest.fixture(scope="module")
def app(project: Path) -> Iterator[Server]:
    build_source_bundle()
    server = start_app(
        project.parent / "server", "app (annotation)", write_token=TOKEN, project_dir=str(project)
    )
    yield server
    server.stop()


def build_source_bundle() -> None:
    """The source view's bundle: built with the rest by `make setup`, or here when an older build lacks it."""
    build_front_end()
    if not (DIST / "source.js").is_file():
        npm = shutil.which("npm")
        assert npm is not None, "npm is needed to build web/ (api/static/dist/source.js is missing)"
        subprocess.run([npm, "run", "build", "--prefix", "web"], cwd=ROOT, check=True)


def facts_text(project: Path) -> str:
    return (project / "kg" / "data" / "sources" / f"{SOURCE}.yaml").read_text(encoding="utf-8")


def selection(words: str, occurrence: int = 1) -> dict[str, Any]:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(words, start + 1)
    return {"start": start, "end": start + len(words), "exact": words}


def post(app: Server, payload: dict[str, Any], token: str | None = TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        f"{app.url}/api/sources/{SOURCE}/annotations", json=payload, headers=headers, timeout=120
    )


def statement(words: str, **fields: str) -> dict[str, Any]:
    form = {"subject": "turkey", "relation": "supports-militarily", "object": "Syrian National Army"}
    form |= {"stance": "reported", "by": "turkish-officials-940"}
    return {"kind": "statement", **selection(words), "fields": {**form, **fields}}


# ------------------------------------------------------------------------------------------ the API


def test_without_the_token_the_api_refuses_and_nothing_is_written(app: Server, project: Path) -> None:
    before = facts_text(project)
    missing = post(app, statement("keep arming the Syrian"), token=None)
    wrong = post(app, statement("keep arming the Syrian"), token="not-the-token")
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert "Bearer" in missing.json()["error"]
    access = httpx.get(f"{app.url}/api/annotate").json()
    assert (access["writable"], access["accepted"]) == (True, False)
    granted = httpx.get(f"{app.url}/api/annotate", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert granted["accepted"] is True
    assert facts_text(project) == before


def test_a_server_without_a_write_token_refuses_every_annotation() -> None:
    store = EmbeddedStore(None)
    try:
        for client in client_for(store, Settings(write_token=None)):
            refused = client.post(f"/api/sources/{SOURCE}/annotations", json={"kind": "statement"})
            assert refused.status_code == 403
            assert "writes are disabled" in refused.json()["error"]
            assert client.get("/api/annotate").json()["writable"] is False
    finally:
        store.close()


def test_a_statement_from_a_span_across_a_line_break_goes_to_the_file_and_the_graph(
    app: Server, project: Path
) -> None:
    before = facts_text(project)
    answer = post(app, statement(ACROSS_LINES, time={"from": "2024-12-10"}))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["file"] == f"kg/data/sources/{SOURCE}.yaml"
    # the file: its own text as it was, the item appended with the quote exactly as in the source
    after = facts_text(project)
    assert after.startswith(before)
    assert f"    quote: {ACROSS_LINES_IN_YAML}\n" in after[len(before) :]
    # the graph: the statement, its evidence at the selected offsets
    fact = body["fact"]
    assert (fact["subject"], fact["relation"], fact["object"]) == (
        "turkey",
        "supports-militarily",
        "syrian-national-army",
    )
    shown = httpx.get(f"{app.url}/api/statement", params={"iri": fact["iri"]}).json()
    [evidence] = shown["evidence"]
    assert evidence["exact"] == ACROSS_LINES
    assert (evidence["start"], evidence["end"]) == (
        selection(ACROSS_LINES)["start"],
        selection(ACROSS_LINES)["end"],
    )
    quotes = httpx.get(f"{app.url}/api/sources/{SOURCE}").json()["quotes"]
    assert any(q["fact"]["iri"] == fact["iri"] for q in quotes)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"stance": "asserted"}, "its 'by' must be the source's author"),
        ({"object": "Syrian Nationl Army"}, "unknown entity or event 'Syrian Nationl Army' in 'object'"),
        ({"relation": "arms-heavily"}, "unknown relation type 'arms-heavily'"),
    ],
)
def test_an_invalid_statement_is_refused_with_the_compilers_message(
    app: Server, project: Path, fields: dict[str, str], says: str
) -> None:
    before = facts_text(project)
    answer = post(app, statement("whatever the new authorities", **fields))
    assert answer.status_code == 400, answer.text
    assert says in answer.json()["error"]
    assert facts_text(project) == before


def test_a_selection_that_is_not_at_its_place_in_the_text_is_refused(app: Server) -> None:
    moved = {**statement("strip of land"), "start": selection("strip of land")["start"] + 2}
    answer = post(app, moved)
    assert answer.status_code == 400
    assert "reload the page" in answer.json()["error"]


def test_a_name_of_a_known_entity_is_attested_and_searchable(app: Server, project: Path) -> None:
    payload = {
        "kind": "name",
        **selection("the Turks"),
        "fields": {"entity": "turkey", "kind": "alias", "stance": "asserted"},
    }
    answer = post(app, payload)
    assert answer.status_code == 201, answer.text
    assert "names:\n  - id: turkey-name-the-turks\n" in facts_text(project)
    hits = httpx.get(f"{app.url}/api/search", params={"q": "the Turks"}).json()
    assert hits[0]["id"] == "turkey" and hits[0]["matched"] == "the Turks"


def test_a_new_entity_goes_into_the_sources_entities(app: Server, project: Path) -> None:
    payload = {
        "kind": "entity",
        **selection("new authorities in Damascus"),
        "fields": {"type": "Government", "id": "new-authorities-in-damascus-940"},
    }
    answer = post(app, payload)
    assert answer.status_code == 201, answer.text
    text = facts_text(project)
    entities = text.split("entities:\n", 1)[1].split("\nstatements:", 1)[0]
    assert "  new-authorities-in-damascus-940:\n    type: Government\n" in entities
    entity = httpx.get(f"{app.url}/api/entity", params={"id": "new-authorities-in-damascus-940"}).json()
    assert entity["label"] == "new authorities in Damascus"


def test_the_list_of_sources_links_each_to_its_text(app: Server) -> None:
    page = httpx.get(f"{app.url}/sources").text
    assert f'href="/sources/{SOURCE}"' in page and 'href="/sources/000_d738c459d04f11ab"' in page
    listed = {s["id"]: s for s in httpx.get(f"{app.url}/api/sources").json()}
    assert listed[SOURCE]["annotatable"] is True and listed[SOURCE]["date"] == "2024-12-10"
    assert httpx.get(f"{app.url}/api/sources/no-such-source").status_code == 404


def test_the_relation_scheme_is_served_for_completion(app: Server) -> None:
    types = {t["id"]: t for t in httpx.get(f"{app.url}/api/relation-types").json()}
    assert types["allied-with"]["label"] == "allied with"
    assert types["allied-with"]["directed"] is False and types["fights"]["polarity"] == -1


# ------------------------------------------------------------------------------------------ the browser


def open_source(tab: Tab, app: Server) -> None:
    tab.page.goto(f"{app.url}/sources/{SOURCE}")
    tab.page.wait_for_function("() => window.kgSource && window.kgSource.ready")


def unlock(tab: Tab, token: str) -> None:
    """Type the token into the page and wait for the server's answer to it."""
    checks = tab.eval("() => window.kgSource.checks")
    tab.page.fill("#token", token)
    tab.page.click("#unlock button[type=submit]")
    tab.page.wait_for_function("(n) => window.kgSource.checks > n", arg=checks)


def drag_select(tab: Tab, words: str) -> None:
    """Select `words` in the text with the mouse, from the left edge of the first letter to the right edge of
    the last (across lines when the words are)."""
    start = TEXT.index(words)
    box = tab.eval(
        """([start, end]) => {
          const rectAt = (offset) => {
            const walker = document.createTreeWalker(document.getElementById("source-text"), NodeFilter.SHOW_TEXT);
            let seen = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              if (offset < seen + node.length) {
                const range = document.createRange();
                range.setStart(node, offset - seen);
                range.setEnd(node, offset - seen + 1);
                return range.getBoundingClientRect();
              }
              seen += node.length;
            }
            return null;
          };
          const first = rectAt(start), last = rectAt(end - 1);
          return { x0: first.left + 1, y0: (first.top + first.bottom) / 2, x1: last.right - 1, y1: (last.top + last.bottom) / 2 };
        }""",
        [start, start + len(words)],
    )
    page = tab.page
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, (box["y0"] + box["y1"]) / 2, steps=5)
    page.mouse.move(box["x1"], box["y1"], steps=5)
    page.mouse.up()


def screenshots_dir(tmp_path: Path) -> Path:
    """docs/img/ when KG_UPDATE_SCREENSHOTS=1, else a temporary folder."""
    return DOCS_IMG if os.environ.get("KG_UPDATE_SCREENSHOTS") == "1" else tmp_path


@pytest.mark.browser
def test_without_the_token_the_editing_controls_are_absent(tab: Tab, app: Server) -> None:
    open_source(tab, app)
    assert tab.page.locator("mark.source-quote").count() >= 1  # the quotes are marked for every reader
    assert tab.page.locator("#annotate-form").count() == 0
    unlock(tab, "not-the-token")
    assert tab.page.locator("#annotate-form").count() == 0
    assert "not accepted" in tab.page.inner_text("#token-hint")
    assert tab.eval("() => sessionStorage.getItem('kg-write-token')") is None
    assert tab.errors == []


@pytest.mark.browser
def test_an_analyst_selects_words_across_a_line_break_and_sees_the_statement_in_the_graph(
    tab: Tab, app: Server, tmp_path: Path
) -> None:
    words = "Turkish officials said on Tuesday that Ankara would keep arming the Syrian National\nArmy"
    open_source(tab, app)
    unlock(tab, TOKEN)
    assert tab.eval("() => window.kgSource.access") == "editing"
    assert TOKEN not in tab.page.url
    assert tab.eval("() => sessionStorage.getItem('kg-write-token')") == TOKEN
    drag_select(tab, words)
    tab.page.wait_for_function(
        "(w) => document.getElementById('selected-words').textContent === w", arg=words
    )
    tab.page.locator("#subject").press_sequentially("Ankar", delay=20)
    tab.page.wait_for_selector("#entity-options option[value=turkey]", state="attached")
    tab.page.fill("#subject", "turkey")
    tab.page.fill("#relation", "arms")
    tab.page.fill("#object", "Syrian National Army")
    tab.page.select_option("#stance", "reported")
    tab.page.fill("#by", "turkish-officials-940")
    tab.page.fill("#time-at", "2024-12-10")
    with tab.page.expect_response(lambda r: r.url.endswith("/annotations")) as answer:
        tab.page.click("#annotate-submit")
    assert answer.value.status == 201
    tab.page.wait_for_selector("#annotate-result .added")
    mark = tab.page.locator("mark.source-quote", has_text="Ankara would keep arming")
    tab.page.wait_for_function(
        "(w) => [...document.querySelectorAll('mark.source-quote')].some((m) => m.textContent.includes(w))",
        arg="officials said on Tuesday",
    )
    assert mark.count() >= 1
    tab.page.set_viewport_size({"width": 1280, "height": 1100})  # the whole form in the picture
    tab.eval("() => { window.scrollTo(0, 0); document.getElementById('annotate').scrollTop = 0; }")
    tab.page.screenshot(path=str(screenshots_dir(tmp_path) / "annotate.png"))
    tab.page.click("#see-in-graph")
    tab.page.wait_for_function("() => window.kgView && window.kgView.ready && window.kgView.settled()")
    wait_panel(tab)
    assert "Ankara would keep arming the Syrian National" in tab.page.inner_text("#panel")
    assert "turkey|arms|syrian-national-army" in tab.page.url.replace("%7C", "|")
    edges = tab.eval("() => window.kgView.visibleEdges()")
    assert any(e["key"] == "turkey|arms|syrian-national-army" for e in edges)
    # and back: the evidence panel links the quote to its place in the source view
    tab.page.click("#panel a.read-source")
    tab.page.wait_for_selector("mark.source-quote-target")
    assert tab.page.url.endswith(f"/sources/{SOURCE}#at={TEXT.index(words)}")
    assert "Turkish officials" in tab.page.inner_text("mark.source-quote-target")
    assert tab.errors == []


@pytest.mark.browser
def test_a_refused_statement_shows_the_report_next_to_the_form(tab: Tab, app: Server, project: Path) -> None:
    before = facts_text(project)
    open_source(tab, app)
    unlock(tab, TOKEN)
    drag_select(tab, "hold a strip of land along the border")
    tab.page.wait_for_function(
        "() => document.getElementById('selected-words').textContent.startsWith('hold')"
    )
    tab.page.fill("#subject", "syrian-national-army")
    tab.page.fill("#relation", "controls")
    tab.page.fill("#object", "the border strip nobody knows")
    tab.page.select_option("#stance", "asserted")
    with tab.page.expect_response(lambda r: r.url.endswith("/annotations")) as answer:
        tab.page.click("#annotate-submit")
    assert answer.value.status == 400
    refused = tab.page.wait_for_selector("#annotate-result .refused")
    assert "unknown entity or event 'the border strip nobody knows'" in refused.inner_text()
    assert facts_text(project) == before
