"""SPARQL 1.1 Protocol at /sparql, against the live server on each backend (embedded and remote store).

Cases follow https://www.w3.org/TR/sparql11-protocol/ and the W3C protocol tests (query_*, update_*, bad_*).
"""

from __future__ import annotations

import gzip
import json
import uuid
from typing import TYPE_CHECKING

import httpx
import pyoxigraph as ox
import pytest
from rdflib import DCTERMS, Graph, Literal, Namespace, URIRef

if TYPE_CHECKING:
    from api_fixtures import Server


SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
KG = "https://w3id.org/syria-kg/"
STATES = "PREFIX kg: <https://w3id.org/syria-kg/ontology#> SELECT ?s WHERE { ?s a kg:State } ORDER BY ?s"


def fresh_graph() -> str:
    """A graph IRI no other test uses."""
    return f"http://example.org/test/{uuid.uuid4()}"


def put_graph(client: httpx.Client, server: Server, graph: str, turtle: str) -> None:
    """Create or replace a test graph through the Graph Store."""
    response = client.put(
        "/store",
        params={"graph": graph},
        content=turtle,
        headers={"Content-Type": "text/turtle", **server.auth},
    )
    assert response.status_code in (201, 204), response.text


def bindings(response: httpx.Response) -> list[dict[str, str]]:
    """SPARQL JSON rows as {variable: value}."""
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


# ------------------------------------------------------------------------------------------ query methods


def test_query_by_get_post_form_and_post_direct_give_the_same_rows(client: httpx.Client) -> None:
    by_get = client.get("/sparql", params={"query": STATES})
    by_form = client.post("/sparql", data={"query": STATES})
    by_body = client.post("/sparql", content=STATES, headers={"Content-Type": "application/sparql-query"})
    rows = bindings(by_get)
    assert len(rows) >= 5
    assert {"s": KG + "id/russia"} in rows
    assert bindings(by_form) == rows == bindings(by_body)
    assert by_get.headers["content-type"].startswith("application/sparql-results+json")


def test_the_default_graph_is_the_union_of_the_named_graphs(client: httpx.Client) -> None:
    query = "ASK { <https://w3id.org/syria-kg/id/russia> a ?type ; ?p ?label }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.json()["boolean"] is True


@pytest.mark.parametrize(
    ("accept", "media_type", "results_format"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("text/csv;q=0.9, application/xml;q=0.1", "text/csv", None),
        ("application/json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
)
def test_select_answers_in_every_results_format(
    client: httpx.Client, accept: str, media_type: str, results_format: ox.QueryResultsFormat | None
) -> None:
    response = client.get("/sparql", params={"query": STATES}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    expected = [row["s"] for row in bindings(client.get("/sparql", params={"query": STATES}))]
    if results_format is None:  # CSV: plain values, one per line after the header
        assert response.text.splitlines() == ["s", *expected]
    else:
        parsed = ox.parse_query_results(response.content, results_format)
        assert [solution["s"].value for solution in parsed] == expected


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_answers_in_every_rdf_format(
    client: httpx.Client, accept: str, rdf_format: ox.RdfFormat
) -> None:
    query = "CONSTRUCT { <https://w3id.org/syria-kg/id/russia> ?p ?o } WHERE { <https://w3id.org/syria-kg/id/russia> ?p ?o }"
    response = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == rdf_format.media_type
    triples = list(ox.parse(response.content, rdf_format))
    assert len(triples) >= 3
    assert {str(t.subject) for t in triples} == {f"<{KG}id/russia>"}


def test_describe_answers_rdf(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{KG}id/russia>"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=response.text, format="turtle")) >= 3


def test_ask_answers_json_and_xml(client: httpx.Client) -> None:
    as_json = client.get("/sparql", params={"query": "ASK {}"})
    as_xml = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert as_json.json() == {"head": {}, "boolean": True}
    assert bool(ox.parse_query_results(as_xml.content, ox.QueryResultsFormat.XML)) is True


@pytest.mark.parametrize(
    ("alias", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("xml", "application/sparql-results+xml"),
    ],
)
def test_format_parameter_overrides_accept_for_browsers(
    client: httpx.Client, alias: str, media_type: str
) -> None:
    response = client.get(
        "/sparql", params={"query": STATES, "format": alias}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


def test_format_parameter_for_graphs(client: httpx.Client) -> None:
    query = f"CONSTRUCT WHERE {{ <{KG}id/russia> ?p ?o }}"
    response = client.get("/sparql", params={"query": query, "format": "jsonld"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert json.loads(response.text)


def test_nothing_acceptable_is_406(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": STATES}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["error"]
    construct = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "format": "csv"}
    )
    assert construct.status_code == 406


# Every answer negotiates by the same rules (api/negotiation.py over kg/formats.py): a query's results and
# graphs, a Graph Store read, an IRI's page and an error body. An error keeps its status when nothing fits.
ANSWERS = {
    "select": ("/sparql", {"query": STATES}),
    "construct": ("/sparql", {"query": f"CONSTRUCT WHERE {{ <{KG}id/russia> ?p ?o }}"}),
    "store": ("/store", {"graph": f"{KG}graph/entities"}),
    "page": ("/id/russia", {}),
    "error": ("/sparql", [("query", STATES), ("query", STATES)]),  # 400 before any format is chosen
}
JSON_ERROR, TEXT_ERROR = "application/json", "text/plain"
NEGOTIATIONS = [
    (  # q-values
        "text/turtle;q=0.5, application/ld+json",
        {
            "select": 406,
            "construct": "application/ld+json",
            "store": "application/ld+json",
            "error": JSON_ERROR,
        },
    ),
    (  # specificity: text/turtle is more specific than text/*
        "text/*;q=0.1, text/turtle",
        {"select": "text/csv", "construct": "text/turtle", "page": "text/turtle", "error": TEXT_ERROR},
    ),
    (
        "*/*",
        {
            "select": "application/sparql-results+json",
            "construct": "text/turtle",
            "store": "text/turtle",
            "page": "text/html",
            "error": JSON_ERROR,
        },
    ),
    (  # q=0 excludes what the wildcard lets in
        "*/*;q=0.5, text/turtle;q=0, application/json;q=0",
        {"construct": "application/n-triples", "store": "application/n-triples", "error": TEXT_ERROR},
    ),
    ("*/*;q=0.5, text/html;q=0", {"page": "text/turtle"}),
    (  # parameters: charset must be UTF-8
        "text/turtle;charset=iso-8859-1, application/n-triples;charset=utf-8;q=0.2",
        {
            "construct": "application/n-triples",
            "store": "application/n-triples",
            "page": "application/n-triples",
        },
    ),
    (
        "image/png",
        {"select": 406, "construct": 406, "store": 406, "page": 406, "error": JSON_ERROR},
    ),
]


@pytest.mark.parametrize(
    ("accept", "target", "expected"),
    [(accept, target, expected) for accept, targets in NEGOTIATIONS for target, expected in targets.items()],
)
def test_every_answer_negotiates_by_the_same_rules(
    client: httpx.Client, accept: str, target: str, expected: str | int
) -> None:
    path, params = ANSWERS[target]
    response = client.get(path, params=params, headers={"Accept": accept})
    content_type = response.headers["content-type"].split(";")[0]
    if expected == 406:
        assert response.status_code == 406
        assert "Accept" in response.headers["vary"]
        assert "available" in response.json()["error"]  # nothing fits the error either: JSON
        return
    assert content_type == expected
    assert response.status_code == (400 if target == "error" else 200), response.text
    if target != "error":
        assert "Accept" in response.headers["vary"]


def test_typed_literals_and_languages_survive_the_json_writer(client: httpx.Client, server: Server) -> None:
    graph = fresh_graph()
    put_graph(
        client,
        server,
        graph,
        '<http://e/s> <http://e/p> "x\\ty\\n\\"z\\""@fr , 5 , "2024-12-07"^^<http://www.w3.org/2001/XMLSchema#date> , _:b .',
    )
    query = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    ours = client.get("/sparql", params={"query": query})
    terms = {
        str(s["o"])
        for s in ox.parse_query_results(ours.content, ox.QueryResultsFormat.JSON)
        if not isinstance(s["o"], ox.BlankNode)
    }
    assert terms == {
        '"x\\ty\\n\\"z\\""@fr',
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>',
        '"2024-12-07"^^<http://www.w3.org/2001/XMLSchema#date>',
    }
    xml = client.get("/sparql", params={"query": query, "format": "xml"})
    assert {
        str(s["o"])
        for s in ox.parse_query_results(xml.content, ox.QueryResultsFormat.XML)
        if not isinstance(s["o"], ox.BlankNode)
    } == terms
    tsv = client.get("/sparql", params={"query": query, "format": "tsv"})
    assert {
        str(s["o"])
        for s in ox.parse_query_results(tsv.content, ox.QueryResultsFormat.TSV)
        if not isinstance(s["o"], ox.BlankNode)
    } == terms


# ------------------------------------------------------------------------------------------ errors


def test_malformed_query_is_400_with_line_and_column(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    assert "SPARQL syntax error at line 3, column" in response.json()["error"]


def test_malformed_update_is_400(client: httpx.Client, server: Server) -> None:
    response = client.post("/sparql", data={"update": "CLEAR XYZ"}, headers=server.auth)
    assert response.status_code == 400
    assert "SPARQL syntax error" in response.json()["error"]


@pytest.mark.parametrize(
    "params",
    [
        [("query", "ASK {}"), ("query", "SELECT * {}")],
        [("query", "ASK {}"), ("update", "CLEAR ALL")],
        [("query", "ASK {}"), ("format", "json"), ("format", "xml")],
        [("query", "ASK {}"), ("using-graph-uri", "http://example.org/g")],
    ],
)
def test_repeated_or_conflicting_parameters_are_400(
    client: httpx.Client, params: list[tuple[str, str]]
) -> None:
    assert client.get("/sparql", params=params).status_code == 400


def test_repeated_update_in_a_form_is_400(client: httpx.Client, server: Server) -> None:
    body = "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"
    headers = {"Content-Type": "application/x-www-form-urlencoded", **server.auth}
    assert client.post("/sparql", content=body, headers=headers).status_code == 400


def test_query_in_body_and_url_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/sparql",
        params={"query": "ASK {}"},
        content="ASK {}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 400


def test_update_by_get_is_refused(client: httpx.Client) -> None:
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 400


def test_other_methods_are_405(client: httpx.Client) -> None:
    assert client.put("/sparql", params={"query": "ASK {}"}).status_code == 405


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/json", "multipart/form-data; boundary=x"]
)
def test_post_without_a_protocol_media_type_is_415(client: httpx.Client, content_type: str | None) -> None:
    request = client.build_request("POST", "/sparql", content=b"ASK {}")
    if content_type is None:
        request.headers.pop("content-type", None)
    else:
        request.headers["content-type"] = content_type
    assert client.send(request).status_code == 415


@pytest.mark.parametrize("media_type", ["application/sparql-query", "application/sparql-update"])
def test_a_body_in_another_charset_than_utf8_is_415(
    client: httpx.Client, server: Server, media_type: str
) -> None:
    text = "ASK {}" if media_type.endswith("query") else "CLEAR NAMED"
    headers = {"Content-Type": f"{media_type}; charset=UTF-16", **server.auth}
    response = client.post("/sparql", content=text.encode("utf-16"), headers=headers)
    assert response.status_code == 415
    assert "UTF-8" in response.json()["error"]


def test_a_body_that_is_not_utf8_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/sparql", content="ASK {}".encode("utf-16"), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400


def test_errors_are_plain_text_for_clients_that_ask(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {"}, headers={"Accept": "text/plain, */*;q=0.1"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("SPARQL syntax error")


# ------------------------------------------------------------------------------------------ datasets


@pytest.fixture(scope="module")
def three_graphs(client: httpx.Client, server: Server) -> dict[str, str]:
    """data1..data3 as in the W3C protocol tests: each graph says it is a foaf:Document."""
    graphs = {}
    for name in ("data1", "data2", "data3"):
        graph = f"http://example.org/protocol/{uuid.uuid4()}/{name}.rdf"
        put_graph(client, server, graph, f"<{graph}> a <http://xmlns.com/foaf/0.1/Document> .")
        graphs[name] = graph
    return graphs


def test_default_graph_uri_parameters_make_the_default_graph(
    client: httpx.Client, three_graphs: dict[str, str]
) -> None:
    g1, g2, g3 = three_graphs["data1"], three_graphs["data2"], three_graphs["data3"]
    query = "SELECT ?s WHERE { ?s a ?type } ORDER BY ?s"
    response = client.get(
        "/sparql", params=[("query", query), ("default-graph-uri", g1), ("default-graph-uri", g2)]
    )
    assert [row["s"] for row in bindings(response)] == sorted([g1, g2])
    no_named = client.get(
        "/sparql", params=[("query", "ASK { GRAPH ?g { ?s ?p ?o } }"), ("default-graph-uri", g1)]
    )
    assert no_named.json()["boolean"] is False
    assert g3 not in response.text


def test_named_graph_uri_parameters_make_the_named_graphs(
    client: httpx.Client, three_graphs: dict[str, str]
) -> None:
    g1, g2 = three_graphs["data1"], three_graphs["data2"]
    query = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    response = client.post(
        "/sparql",
        params=[("named-graph-uri", g1), ("named-graph-uri", g2)],
        content=query,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert [row["g"] for row in bindings(response)] == sorted([g1, g2])
    empty_default = client.get("/sparql", params=[("query", "ASK { ?s ?p ?o }"), ("named-graph-uri", g1)])
    assert empty_default.json()["boolean"] is False


def test_protocol_dataset_overrides_from_in_the_query(
    client: httpx.Client, three_graphs: dict[str, str]
) -> None:
    g1, g2, g3 = three_graphs["data1"], three_graphs["data2"], three_graphs["data3"]
    query = f"SELECT ?s FROM <{g3}> WHERE {{ ?s a ?type }}"
    assert [row["s"] for row in bindings(client.get("/sparql", params={"query": query}))] == [g3]
    overridden = client.get("/sparql", params=[("query", query), ("default-graph-uri", g2)])
    assert [row["s"] for row in bindings(overridden)] == [g2]
    assert g1


def test_from_named_in_the_query_selects_named_graphs(
    client: httpx.Client, three_graphs: dict[str, str]
) -> None:
    g1 = three_graphs["data1"]
    query = f"SELECT ?g FROM NAMED <{g1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert [row["g"] for row in bindings(client.get("/sparql", params={"query": query}))] == [g1]


def test_using_graph_uri_parameters_set_the_update_dataset(
    client: httpx.Client, server: Server, three_graphs: dict[str, str]
) -> None:
    g1, g2 = three_graphs["data1"], three_graphs["data2"]
    target = fresh_graph()
    update = f"""PREFIX dc: <http://purl.org/dc/terms/>
INSERT {{ GRAPH <{target}> {{ ?s a dc:BibliographicResource }} }} WHERE {{ ?s a <http://xmlns.com/foaf/0.1/Document> }}"""
    response = client.post(
        "/sparql",
        params=[("using-graph-uri", g1)],
        content=update,
        headers={"Content-Type": "application/sparql-update", **server.auth},
    )
    assert response.status_code == 204, response.text
    rows = bindings(
        client.get("/sparql", params={"query": f"SELECT ?s WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}"})
    )
    assert [row["s"] for row in rows] == [g1]
    named = fresh_graph()
    update = f"INSERT {{ GRAPH <{named}> {{ ?s <http://e/in> ?g }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    response = client.post(
        "/sparql", params=[("using-named-graph-uri", g2)], data={"update": update}, headers=server.auth
    )
    assert response.status_code == 204, response.text
    rows = bindings(
        client.get("/sparql", params={"query": f"SELECT ?g WHERE {{ GRAPH <{named}> {{ ?s ?p ?g }} }}"})
    )
    assert [row["g"] for row in rows] == [g2]


def test_using_parameters_with_with_in_the_update_is_400(client: httpx.Client, server: Server) -> None:
    update = "WITH <http://example/addresses> DELETE { ?p <http://e/n> 'Bill' } INSERT { ?p <http://e/n> 'William' } WHERE { ?p <http://e/n> 'Bill' }"
    response = client.post(
        "/sparql",
        params={"using-named-graph-uri": "http://example/people"},
        content=update,
        headers={"Content-Type": "application/sparql-update", **server.auth},
    )
    assert response.status_code == 400


def test_relative_iris_in_an_update_resolve_against_the_endpoint(
    client: httpx.Client, server: Server
) -> None:
    graph = fresh_graph()
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}"
    response = client.post(
        "/sparql", content=update, headers={"Content-Type": "application/sparql-update", **server.auth}
    )
    assert response.status_code == 204, response.text
    rows = bindings(
        client.get("/sparql", params={"query": f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"})
    )
    assert rows == [{"o": f"{server.url}/test"}]


# ------------------------------------------------------------------------------------------ description


def test_without_a_query_sparql_describes_the_service(client: httpx.Client, server: Server) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=response.text, format="turtle")
    endpoint = URIRef(f"{server.url}/sparql")
    assert (endpoint, SD.endpoint, endpoint) in description
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) in description
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in description
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
    ):
        assert (endpoint, SD.resultFormat, FORMATS[name]) in description
    dataset = description.value(endpoint, SD.defaultDataset)
    default_graph = description.value(dataset, SD.defaultGraph)
    assert int(description.value(default_graph, VOID.triples)) > 1000
    names = {description.value(g, SD.name) for g in description.objects(dataset, SD.namedGraph)}
    entities = URIRef(KG + "graph/entities")
    assert entities in names
    assert int(description.value(entities, VOID.triples)) > 100
    inferred = str(description.value(URIRef(KG + "graph/inferred"), DCTERMS.description))
    assert "rdfs:subClassOf" in inferred and "rdfs:subPropertyOf" in inferred and "kg:party" in inferred
    assert (URIRef(KG + "dataset"), VOID.sparqlEndpoint, endpoint) in description


def test_service_description_in_other_rdf_formats(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=response.text, format="json-ld")) > 20


@pytest.mark.parametrize("path", ["/void", "/.well-known/void"])
def test_void_description(client: httpx.Client, server: Server, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    void = Graph().parse(data=response.text, format="turtle")
    dataset = URIRef(KG + "dataset")
    assert (dataset, VOID.sparqlEndpoint, URIRef(f"{server.url}/sparql")) in void
    assert (dataset, VOID.uriSpace, Literal(KG + "id/")) in void
    assert (dataset, VOID.subset, URIRef(KG + "graph/ontology")) in void
    assert int(void.value(dataset, VOID.triples)) > 1000


# ------------------------------------------------------------------------------------------ HTTP


def test_cors_lets_browsers_call_the_endpoint(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.com"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_large_answers_are_gzipped_for_clients_that_accept_it(client: httpx.Client) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 500"
    request = client.build_request(
        "GET", "/sparql", params={"query": query}, headers={"Accept-Encoding": "gzip"}
    )
    response = client.send(request, stream=True)
    raw = response.read()
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["results"]["bindings"]
    assert len(raw) > 0
    plain = httpx.get(
        f"{client.base_url}/sparql", params={"query": query}, headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert len(gzip.compress(plain.content)) < len(plain.content)
