"""Dereferencing and the browser's JSON: every minted IRI has a page and machine twins; `/ontology` documents all.

The real application object (`api.main:app`) is called in-process with the session's built store (conftest
`store`) through dependency overrides, so no second build is needed. The browser itself is tested in
tests/test_browser.py against a running server.
"""

import json
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from app_client import client_for
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from api.negotiation import negotiate
from api.routers.entities import FORMATS
from kg.settings import Settings
from kg.store import EmbeddedStore

RES = "https://w3id.org/syria-kg/id/"
KG = "https://w3id.org/syria-kg/ontology#"
MARKUP_LABEL = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Markup & Co'


@pytest.fixture(scope="module")
def client(store: EmbeddedStore, settings: Settings) -> Iterator[TestClient]:
    yield from client_for(store, settings)


@pytest.fixture(scope="module")
def markup_client(store: EmbeddedStore, settings: Settings) -> Iterator[TestClient]:
    """The built graph plus one armed group whose English label is HTML, in a store of its own."""
    copy = EmbeddedStore(None)
    copy.ox.load(store.export("nquads"), format=ox.RdfFormat.N_QUADS)
    node = ox.NamedNode(RES + "markup-test-group")
    graph = ox.NamedNode("https://w3id.org/syria-kg/graph/test-fixture")
    for predicate, obj in (
        (str(RDF.type), ox.NamedNode(KG + "ArmedGroup")),
        (str(RDFS.label), ox.Literal(MARKUP_LABEL, language="en")),
        (str(SKOS.prefLabel), ox.Literal(MARKUP_LABEL, language="en")),
    ):
        copy.ox.add(ox.Quad(node, ox.NamedNode(predicate), obj, graph))
    yield from client_for(copy, settings)
    copy.close()


# ------------------------------------------------------------------------------------------ content negotiation


def test_negotiation_prefers_the_highest_quality() -> None:
    assert negotiate(FORMATS, "text/turtle;q=0.5, application/ld+json;q=0.9").suffix == "jsonld"
    assert negotiate(FORMATS, "application/n-triples").suffix == "nt"
    assert negotiate(FORMATS, "*/*").suffix == "html"
    assert negotiate(FORMATS, "image/png") is None


def test_entity_answers_html_to_browsers(client: TestClient) -> None:
    response = client.get("/id/russia", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    body = response.text
    assert "<h1>Russia</h1>" in body
    assert '<link rel="alternate" type="text/turtle" href="/id/russia.ttl"' in body
    assert '<link rel="alternate" type="application/ld+json" href="/id/russia.jsonld"' in body
    assert '<link rel="alternate" type="application/n-triples" href="/id/russia.nt"' in body
    assert "Russie" in body and "روسيا" in body and "Moscow" in body
    assert 'class="quote-exact"' in body


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")],
)
def test_entity_answers_rdf_by_content_negotiation(client: TestClient, accept: str, fmt: str) -> None:
    response = client.get("/id/russia", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    assert "Accept" in response.headers["vary"]
    graph = Graph().parse(data=response.text, format=fmt)
    russia = URIRef(RES + "russia")
    assert (russia, RDFS.label, Literal("Russia", lang="en")) in graph
    assert (russia, RDF.type, URIRef(KG + "State")) in graph


@pytest.mark.parametrize(("suffix", "fmt"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")])
def test_entity_answers_rdf_by_suffix(client: TestClient, suffix: str, fmt: str) -> None:
    response = client.get(f"/id/russia.{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format=fmt)
    assert (URIRef(RES + "russia"), RDFS.label, Literal("Russia", lang="en")) in graph


def test_html_suffix_gives_the_page(client: TestClient) -> None:
    response = client.get("/id/russia.html", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_unknown_iri_gets_a_404_page(client: TestClient) -> None:
    response = client.get("/id/no-such-actor")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "https://w3id.org/syria-kg/id/no-such-actor" in response.text
    assert client.get("/id/no-such-actor.ttl").status_code == 404
    assert client.get("/id/no-such-actor", headers={"Accept": "text/turtle"}).status_code == 404


def test_unacceptable_media_type_gets_406(client: TestClient) -> None:
    assert client.get("/id/russia", headers={"Accept": "image/png"}).status_code == 406


def test_statement_page_shows_its_quote(client: TestClient) -> None:
    response = client.get("/id/statement/russia-allied-with-assad-regime")
    assert response.status_code == 200
    assert '<mark class="quote-exact">Main ally of the Syrian government, Russia</mark>' in response.text
    turtle = client.get("/id/statement/russia-allied-with-assad-regime.ttl").text
    graph = Graph().parse(data=turtle, format="turtle")
    statement = URIRef(RES + "statement/russia-allied-with-assad-regime")
    assert (statement, URIRef(KG + "subject"), URIRef(RES + "russia")) in graph


def test_evidence_iri_carries_its_selectors(client: TestClient) -> None:
    evidence = RES + "evidence/000_d738c459d04f11ab/russia-allied-with-assad-regime"
    response = client.get("/id/evidence/000_d738c459d04f11ab/russia-allied-with-assad-regime.nt")
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="nt")
    exact = URIRef("http://www.w3.org/ns/oa#exact")
    assert (
        URIRef(evidence + "#quote"),
        exact,
        Literal("Main ally of the Syrian government, Russia"),
    ) in graph
    page = client.get("/id/evidence/000_d738c459d04f11ab/russia-allied-with-assad-regime").text
    assert "Main ally of the Syrian government, Russia</mark>" in page


def test_source_and_time_iris_dereference(client: TestClient) -> None:
    source = client.get("/id/source/000_d738c459d04f11ab")
    assert source.status_code == 200
    assert "Syrian rebels say they are encircling Damascus" in source.text
    assert "Damascus is waiting for you" in source.text
    time_page = client.get("/id/time/2017--open", headers={"Accept": "text/turtle"})
    assert time_page.status_code == 200
    graph = Graph().parse(data=time_page.text, format="turtle")
    assert (URIRef(RES + "time/2017--open"), URIRef(KG + "fromDate"), None) in graph


def test_every_minted_iri_dereferences(client: TestClient, store: EmbeddedStore) -> None:
    rows = store.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{RES}") '
        f'&& !CONTAINS(STR(?s), "#")) }} ORDER BY ?s'
    )
    iris = [row["s"]["value"] for row in rows]
    assert len(iris) > 100
    # One of each kind of IRI in HTML (pages run the most code), every one in N-Triples.
    kinds: dict[str, str] = {}
    for iri in iris:
        kinds.setdefault(iri[len(RES) :].split("/")[0] if "/" in iri[len(RES) :] else "entity", iri)
    for iri in kinds.values():
        assert client.get("/id/" + iri[len(RES) :]).status_code == 200, iri
    for iri in iris:
        response = client.get("/id/" + iri[len(RES) :] + ".nt")
        assert response.status_code == 200, iri
        assert f"<{iri}>" in response.text


def test_entity_markup_in_labels_is_escaped(markup_client: TestClient) -> None:
    response = markup_client.get("/id/markup-test-group")
    assert response.status_code == 200
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in response.text
    assert "<script>window.__xss" not in response.text
    assert "<img src=x" not in response.text
    hits = markup_client.get("/api/search", params={"q": "markup"}).json()
    assert hits[0]["label"] == MARKUP_LABEL


# ------------------------------------------------------------------------------------------ the ontology page


def test_ontology_page_documents_every_term_and_shape(client: TestClient, settings: Settings) -> None:
    response = client.get("/ontology")
    assert response.status_code == 200
    body = response.text
    ontology = Graph()
    for path in sorted(settings.ontology_dir.glob("*.ttl")):
        ontology.parse(path, format="turtle")
    shapes = Graph()
    for path in sorted(settings.shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        terms |= {str(s) for s in ontology.subjects(RDF.type, kind) if str(s).startswith(KG)}
    assert len(terms) > 50
    for term in terms:
        assert f'id="{term[len(KG) :]}"' in body, term
    relation_types = {str(s) for s in ontology.subjects(SKOS.inScheme, URIRef(KG + "RelationTypes"))}
    assert len(relation_types) > 20
    for rt in relation_types:
        assert f'id="rt-{rt.rsplit("/", 1)[1]}"' in body, rt
    node_shapes = {str(s) for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    assert node_shapes
    for shape in node_shapes:
        assert f'id="shape-{shape.rsplit("/", 1)[1]}"' in body, shape


def test_ontology_has_machine_twins(client: TestClient) -> None:
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(KG + "Statement"), RDF.type, OWL.Class) in graph
    assert client.get("/ontology.jsonld").status_code == 200
    module = client.get("/ontology/relations.ttl")
    assert module.status_code == 200
    assert "allied-with" in module.text


def test_relation_type_iri_dereferences(client: TestClient) -> None:
    page = client.get("/relation-type/allied-with", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/ontology#rt-allied-with"
    turtle = client.get("/relation-type/allied-with", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef("https://w3id.org/syria-kg/relation-type/allied-with"), SKOS.prefLabel, None) in graph
    assert client.get("/relation-type/no-such-type").status_code == 404


# ------------------------------------------------------------------------------------------ the browser's JSON


def test_graph_json_has_nodes_statements_and_events(client: TestClient) -> None:
    payload = client.get("/api/graph").json()
    nodes = {n["id"]: n for n in payload["nodes"]}
    assert nodes["russia"]["kind"] == "state"
    assert nodes["russia"]["labels"]["fr"] == "Russie"
    assert "Moscow" in nodes["russia"]["aliases"]
    facts = {f["id"]: f for f in payload["facts"]}
    astana = [f for f in facts.values() if f["type"] == "partner-of" and f["from"] == "2017-01-01"]
    pairs = {frozenset(p) for f in astana for p in f["pairs"]}
    assert pairs == {
        frozenset({"turkey", "russia"}),
        frozenset({"turkey", "iran"}),
        frozenset({"russia", "iran"}),
    }
    offensive = facts["rebel-offensive-2024"]
    assert offensive["type"] == "event:Offensive"
    assert offensive["from"] == "2024-11-27"
    assert ["rebel-coalition", "assad-regime"] in offensive["pairs"]
    assert payload["relationTypes"]["fights"]["polarity"] == -1
    assert payload["eventTypes"]["Offensive"]["polarity"] == -1


def test_statement_json_cuts_the_paragraph_around_the_quote(client: TestClient) -> None:
    item = client.get("/api/statement/russia-allied-with-assad-regime").json()
    assert item["subject"]["id"] == "russia"
    assert item["object"]["id"] == "assad-regime"
    assert item["stance"]["id"] == "asserted"
    quotes = [e for e in item["evidence"] if e["exact"] == "Main ally of the Syrian government, Russia"]
    assert quotes
    paragraph = quotes[0]["paragraph"]
    assert paragraph["verified"] is True
    assert paragraph["exact"] == "Main ally of the Syrian government, Russia"
    assert paragraph["before"].endswith("supported by various foreign powers. ")
    assert paragraph["after"].startswith(" has called on its citizens")
    assert client.get("/api/statement", params={"iri": "statement/no-such"}).status_code == 404


def test_contradictions_come_with_their_quotes(client: TestClient) -> None:
    item = client.get("/api/statement/assad-fled-syria-rumour").json()
    others = {c["id"] for c in item["contradicts"]}
    assert "statement/assad-fled-syria-denial" in others
    denial = next(c for c in item["contradicts"] if c["id"] == "statement/assad-fled-syria-denial")
    assert denial["stance"]["id"] == "denied"
    assert denial["evidence"][0]["paragraph"]["exact"]


def test_entity_json_lists_its_facts(client: TestClient) -> None:
    entity = client.get("/api/entity", params={"id": "hezbollah"}).json()
    assert entity["label"] == "Hezbollah"
    ids = {f["id"] for f in entity["facts"]}
    assert "statement/hezbollah-supports-militarily-bashar-al-assad" in ids
    assert client.get("/api/entity", params={"id": "no-such-actor"}).status_code == 404


@pytest.mark.parametrize(
    ("text", "found"),
    [("hezb", "hezbollah"), ("Moscow", "russia"), ("روسيا", "russia"), ("Russie", "russia")],
)
def test_search_covers_labels_and_aliases_in_every_language(
    client: TestClient, text: str, found: str
) -> None:
    hits = client.get("/api/search", params={"q": text}).json()
    assert found in [h["id"] for h in hits]


def test_competency_queries_are_offered(client: TestClient, settings: Settings) -> None:
    queries = client.get("/api/queries").json()
    assert len(queries) == len(list(settings.queries_dir.glob("*.rq")))
    page = client.get("/query")
    assert page.status_code == 200
    examples = json.loads(page.text.split('id="examples-data">', 1)[1].split("</script>", 1)[0])
    assert [e["name"] for e in examples] == [q["name"] for q in queries]


def test_pages_are_served(client: TestClient) -> None:
    for path in ("/", "/query", "/ontology", "/favicon.ico"):
        assert client.get(path).status_code == 200, path
