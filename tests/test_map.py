"""The small map of an entity's coordinates: what `kg enrich` writes, what the entity page and `/api/entity`
serve from it, and `kg build` keeping the enrichment graph.

Coordinates come from a real `kg enrich` run against the Wikidata-shaped `oxigraph serve` of
tests/test_linking.py (its fixture values are test values, not facts; Q999999301 is a fixture-only item
standing for Damascus). The map itself is drawn in Chromium by tests/test_browser_map.py.
"""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from helpers import invoke
from rdflib import Graph
from rdflib.namespace import OWL
from test_entities import client_for as app_client_for
from test_linking import client_for as endpoint_client
from test_linking import wikidata  # noqa: F401  (the fixture endpoint, asked for by name below)

from api.routers.browser import DIST_DIR
from kg.cli.common import opened_store
from kg.enrich import ENRICHMENT_GRAPH, WGS, coordinates, enrich, kept_enrichment, map_point
from kg.links import WD
from kg.settings import Settings, get_settings
from kg.store import EmbeddedStore
from kg.vocab import LINKS_GRAPH, RES
from kg.wikidata import WikidataAnswer

WHEN = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def add_fixture_link(store: EmbeddedStore) -> None:
    """A test-only link of Damascus to the fixture city, next to the verified links of links.yaml."""
    store.ox.add(
        ox.Quad(
            ox.NamedNode(str(RES["damascus"])),
            ox.NamedNode(str(OWL.sameAs)),
            ox.NamedNode(str(WD["Q999999301"])),
            ox.NamedNode(str(LINKS_GRAPH)),
        )
    )


def enriched_copy(store: EmbeddedStore, endpoint: str, cache: Path) -> EmbeddedStore:
    """A copy of the built graph, enriched from the fixture endpoint."""
    copy = EmbeddedStore(None)
    copy.ox.load(store.export("nquads"), format=ox.RdfFormat.N_QUADS)
    add_fixture_link(copy)
    enrich(copy, endpoint_client(endpoint, cache), ["en"], now=WHEN)
    return copy


@pytest.fixture(scope="module")
def endpoint(request: pytest.FixtureRequest) -> str:
    """The query URL of the Wikidata-shaped `oxigraph serve` of tests/test_linking.py."""
    return request.getfixturevalue("wikidata")


@pytest.fixture(scope="module")
def enriched(
    store: EmbeddedStore,
    endpoint: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[EmbeddedStore]:
    copy = enriched_copy(store, endpoint, tmp_path_factory.mktemp("cache"))
    yield copy
    copy.close()


@pytest.fixture(scope="module")
def client(enriched: EmbeddedStore, settings: Settings) -> Iterator[TestClient]:
    yield from app_client_for(enriched, settings)


# ------------------------------------------------------------------------------------------ the point


def test_the_point_carries_its_provenance(enriched: EmbeddedStore, endpoint: str) -> None:
    point = map_point(enriched, str(RES["damascus"]))
    assert point is not None
    assert (point.lat, point.long) == (33.51, 36.29)
    assert point.text == "33.51° N, 36.29° E"
    assert point.item == str(WD["Q999999301"])
    assert point.endpoint == endpoint
    assert point.retrieved_at and dt.datetime.fromisoformat(point.retrieved_at).tzinfo is not None
    assert (
        point.osm_url == "https://www.openstreetmap.org/?mlat=33.51000&mlon=36.29000#map=7/33.51000/36.29000"
    )
    assert map_point(enriched, str(RES["hezbollah"])) is None  # linked, but the fixture has no P625 for it


class FixedEndpoint:
    """An endpoint answering the coordinates query with two points for one item, and nothing else."""

    def select(self, query: str) -> WikidataAnswer:
        rows = []
        if "wdt:P625" in query:
            rows = [
                {"item": {"type": "uri", "value": str(WD["Q858"])}, "value": point}
                for point in (
                    {"type": "literal", "value": "Point(38.0 35.0)"},
                    {"type": "literal", "value": "Point(36.0 34.0)"},
                )
            ]
        return WikidataAnswer("http://127.0.0.1:9/sparql", query, WHEN, rows)


def test_several_coordinates_of_one_item_give_one_consistent_point(store: EmbeddedStore) -> None:
    copy = EmbeddedStore(None)
    copy.ox.load(store.export("nquads"), format=ox.RdfFormat.N_QUADS)
    report = enrich(copy, FixedEndpoint(), ["en"], now=WHEN)  # type: ignore[arg-type]
    assert report.facts["coordinates"] == 2  # both stay as reified facts
    graph = Graph().parse(data=copy.export("ntriples", str(ENRICHMENT_GRAPH)), format="nt")
    assert (
        len(set(graph.objects(RES["syria"], WGS.lat))) == 1
    )  # never the latitude of one, longitude of another
    assert coordinates(copy, "syria") == (35.0, 38.0)
    copy.close()


# ------------------------------------------------------------------------------------------ the pages


def test_entity_page_shows_the_map_and_the_coordinates_in_text(client: TestClient, endpoint: str) -> None:
    body = client.get("/id/damascus", headers={"Accept": "text/html"}).text
    assert '<figure class="map" data-map data-lat="33.51" data-long="36.29" data-label="Damascus"' in body
    assert '<span class="map-coordinates">33.51° N, 36.29° E</span>' in body
    assert (
        'href="https://www.openstreetmap.org/?mlat=33.51000&amp;mlon=36.29000#map=7/33.51000/36.29000"'
        in body
    )
    assert "From Wikidata via kg enrich: item" in body
    assert (
        '<a href="http://www.wikidata.org/entity/Q999999301" rel="external">Wikidata Q999999301</a>' in body
    )
    assert f"asked at <code>{endpoint}</code>" in body
    assert ("/static/dist/entity-map.js" in body) == (DIST_DIR / "entity-map.js").is_file()


def test_entity_without_coordinates_has_no_map(client: TestClient) -> None:
    body = client.get("/id/hezbollah", headers={"Accept": "text/html"}).text
    assert "<h1>Hezbollah</h1>" in body
    assert 'class="map"' not in body and "entity-map.js" not in body and "On the map" not in body


def test_api_entity_gives_coordinates_or_null(client: TestClient, endpoint: str) -> None:
    place = client.get("/api/entity", params={"id": "damascus"}).json()["coordinates"]
    assert {k: place[k] for k in ("lat", "long", "text", "item", "itemLabel", "endpoint")} == {
        "lat": 33.51,
        "long": 36.29,
        "text": "33.51° N, 36.29° E",
        "item": str(WD["Q999999301"]),
        "itemLabel": "Wikidata Q999999301",
        "endpoint": endpoint,
    }
    assert place["osm"].startswith("https://www.openstreetmap.org/?mlat=33.51000&mlon=36.29000")
    assert place["retrievedAt"]
    assert client.get("/api/entity", params={"id": "hezbollah"}).json()["coordinates"] is None


def test_machine_twins_hold_the_enrichment_facts_already(client: TestClient) -> None:
    # The twins describe the IRI over the union of all graphs, so the coordinates are in them as triples.
    turtle = client.get("/id/damascus.ttl").text
    assert "wgs84_pos#lat" in turtle and "33.51" in turtle
    assert "geosparql#hasGeometry" in turtle or "geo:hasGeometry" in turtle


# ------------------------------------------------------------------------------------------ kg build


def enrichment_size() -> int:
    with opened_store(get_settings()) as store:
        return len(store.export("ntriples", str(ENRICHMENT_GRAPH)).splitlines())


def test_kg_build_keeps_the_enrichment_unless_asked_to_drop_it(project: Path) -> None:
    with opened_store(get_settings()) as store:
        enrich(store, FixedEndpoint(), ["en"], now=WHEN)  # type: ignore[arg-type]
    kept = enrichment_size()
    assert kept > 0
    code, output = invoke("build")
    assert code == 0, output
    assert enrichment_size() == kept
    with opened_store(get_settings()) as store:
        assert coordinates(store, "syria") == (35.0, 38.0)
    code, output = invoke("build", "--drop-enrichment")
    assert code == 0, output
    assert enrichment_size() == 0


def test_kept_enrichment_drops_entities_no_longer_linked(store: EmbeddedStore) -> None:
    copy = EmbeddedStore(None)
    copy.ox.load(store.export("nquads"), format=ox.RdfFormat.N_QUADS)
    enrich(copy, FixedEndpoint(), ["en"], now=WHEN)  # type: ignore[arg-type]
    links = Graph().parse(data=copy.export("ntriples", str(LINKS_GRAPH)), format="nt")
    assert (RES["syria"], WGS.lat, None) in kept_enrichment(copy, links)
    links.remove((RES["syria"], None, WD["Q858"]))
    pruned = kept_enrichment(copy, links)
    assert not list(pruned.triples((RES["syria"], None, None)))
    assert not list(pruned.subject_objects(WGS.lat))
    copy.close()
