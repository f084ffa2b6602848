"""The W3C SPARQL 1.1 Protocol test suite: all 34 cases, against `/sparql` on both backends.

The cases are the entries of sparql/sparql11/protocol/manifest.ttl in https://github.com/w3c/rdf-tests; each
test below is named after one entry and sends the request(s) that entry describes, built with httpx: the same
method, path parameters (percent-encoded the same way), body bytes, charset and Content-Type. The manifest's
path prefix `/sparql/` becomes our `/sparql`. It then asserts what the entry expects: the status class, and for
answers the format ("boolean": SPARQL results in JSON or XML; "tabular": JSON, XML, CSV or TSV; "RDF":
RDF/XML, Turtle or N-Triples) and the boolean value.

Where we differ from the manifest, and why:
- Updates carry `Authorization: Bearer <token>`: this server refuses writes without it. The `bad_update_*`
  cases carry it too, so that their 4xx comes from the protocol error under test, not from a missing token.
- The graphs a case needs (`ut:graphData`: data1.nt to data3.nt, in tests/data/w3c/) are loaded through the
  Graph Store before the request, in every test that needs them, so the tests do not depend on each other
  (the update cases run `CLEAR ALL` and `DROP ALL`).
- A few tests add a control request (marked so): our default graph is the union of all graphs, which would let
  an endpoint that ignores `default-graph-uri` / `named-graph-uri` pass the dataset cases; and a refused update
  must leave the store as it was.

Each backend runs on its own servers, started for this module (`w3c` fixture): the cases wipe the store, so the
session servers of tests/api_fixtures.py, which hold the built graph other tests read, are not used. The store
is seeded with one small graph of ours so that the app does not build the whole knowledge graph at start.
Rerun: `python -m pytest tests/test_w3c_protocol.py tests/test_w3c_graph_store.py`; results in
docs/conformance.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from api_fixtures import TOKEN, Server, start_app, start_oxigraph

DATA = Path(__file__).parent / "data" / "w3c"
BACKENDS = ["embedded", "remote"]
SEED_GRAPH = "http://example.org/w3c-conformance/seed"
SENTINEL_GRAPH = "http://example.org/w3c-conformance/sentinel"
KASEI = "http://kasei.us/2009/09/sparql/data/"
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

BOOLEAN_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
TABULAR_FORMATS = {
    **BOOLEAN_FORMATS,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,
}
RDF_FORMATS = {
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


# ------------------------------------------------------------------------------------------------ servers


@dataclass
class Endpoint:
    """One running backend: the app's server and a client for it."""

    backend: str
    server: Server
    http: httpx.Client

    @property
    def auth(self) -> dict[str, str]:
        """The header that authorises a write."""
        return {"Authorization": f"Bearer {TOKEN}"}

    def put_graph(self, graph: str, document: Path, media_type: str) -> None:
        """Create or replace `graph` with the RDF document `document`, through the Graph Store."""
        response = self.http.put(
            "/store",
            params={"graph": graph},
            content=document.read_bytes(),
            headers={"Content-Type": media_type, **self.auth},
        )
        assert response.status_code in (200, 201, 204), f"setup PUT <{graph}>: {response.text}"

    def holds_triples(self, graph: str) -> bool:
        """True when the named graph `graph` holds at least one triple (asked with a direct-POST ASK)."""
        query = f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        response = self.http.post("/sparql", content=query.encode(), headers={"Content-Type": QUERY})
        assert response.status_code == 200, f"ASK on <{graph}>: {response.status_code} {response.text}"
        return response.json()["boolean"] is True


def seed_embedded(folder: Path) -> None:
    """Put one small named graph in a new on-disk store: a store with a graph is not built at start."""
    folder.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(folder))
    seed = ox.NamedNode(SEED_GRAPH)
    store.add(ox.Quad(seed, ox.NamedNode("http://example.org/w3c-conformance/p"), ox.Literal("seed"), seed))
    store.flush()
    del store  # releases the RocksDB lock before the app opens the folder


def seed_remote(url: str) -> None:
    """The same seed graph, in a running `oxigraph serve`."""
    update = f'INSERT DATA {{ GRAPH <{SEED_GRAPH}> {{ <{SEED_GRAPH}> <http://example.org/w3c-conformance/p> "seed" }} }}'
    response = httpx.post(f"{url}/update", data={"update": update}, timeout=30)
    assert response.status_code in (200, 204), response.text


@contextmanager
def running_backend(backend: str, folder: Path) -> Iterator[Server]:
    """The app with writes enabled, on the embedded on-disk store or on a real `oxigraph serve`.

    The remote store keeps its own default graph (no `--union-default-graph`; the app asks for the union of
    the named graphs itself), so the Graph Store can read and write the default graph on both backends.
    """
    started: list[Server] = []
    try:
        if backend == "embedded":
            seed_embedded(folder / "app" / "store")
            started.append(start_app(folder / "app", "app (embedded store, W3C)", write_token=TOKEN))
        else:
            remote = start_oxigraph(folder / "oxigraph", union_default_graph=False)
            started.append(remote)
            seed_remote(remote.url)
            app = start_app(
                folder / "app",
                "app (remote store, W3C)",
                write_token=TOKEN,
                remote_query_url=f"{remote.url}/query",
                remote_update_url=f"{remote.url}/update",
                remote_union_default_graph="false",
            )
            started.append(app)
        yield started[-1]
    finally:
        for server in reversed(started):
            server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def w3c(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """The endpoint under test, once per backend, on servers of its own."""
    backend: str = request.param
    with (
        running_backend(backend, tmp_path_factory.mktemp(f"w3c-protocol-{backend}")) as server,
        httpx.Client(base_url=server.url, timeout=60, follow_redirects=True) as http,
    ):
        yield Endpoint(backend, server, http)


# ------------------------------------------------------------------------------------------------ helpers


def graph(number: int) -> str:
    """The IRI the manifest gives data<number>.nt as a named graph."""
    return f"{KASEI}data{number}.rdf"


def load(w3c: Endpoint, *numbers: int) -> None:
    """The case's `ut:graphData`: data<n>.nt as the named graph http://kasei.us/…/data<n>.rdf."""
    for number in numbers:
        w3c.put_graph(graph(number), DATA / f"data{number}.nt", "application/n-triples")


def put_sentinel(w3c: Endpoint) -> None:
    """A named graph that a refused update must leave in place."""
    w3c.put_graph(SENTINEL_GRAPH, DATA / "data1.nt", "application/n-triples")


def sparql(*params: tuple[str, str]) -> str:
    """`/sparql` with URL parameters percent-encoded as the manifest writes them (space as %20)."""
    if not params:
        return "/sparql"
    return "/sparql?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in params)


def first_status(response: httpx.Response) -> int:
    """The status the endpoint answered the request with (before any redirect was followed)."""
    return response.history[0].status_code if response.history else response.status_code


def media_type(response: httpx.Response) -> str:
    """The response's media type, without parameters."""
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def assert_success(response: httpx.Response) -> None:
    """`mf:expectedStatus hts:StatusCode2xx, hts:StatusCode3xx`."""
    status = first_status(response)
    assert 200 <= status < 400, f"expected 2xx or 3xx, got {status}: {response.text[:500]}"


def assert_client_error(response: httpx.Response) -> None:
    """`mf:expectedStatus hts:StatusCode4xx`."""
    status = first_status(response)
    assert 400 <= status < 500, f"expected 4xx, got {status}: {response.text[:500]}"


def assert_boolean(response: httpx.Response, expected: bool = True) -> None:
    """A success whose body is a boolean result (`mf:expectedFormat "boolean"`) of the expected value."""
    assert_success(response)
    kind = media_type(response)
    assert kind in BOOLEAN_FORMATS, f"a boolean result must be SPARQL JSON or XML, not {kind!r}"
    result = ox.parse_query_results(response.content, BOOLEAN_FORMATS[kind])
    assert isinstance(result, ox.QueryBoolean), f"not a boolean result: {response.text[:500]}"
    assert bool(result) is expected


def tabular_rows(response: httpx.Response) -> tuple[list[str], list[dict[str, str]]]:
    """A success whose body is a table of results (`mf:expectedFormat "tabular"`): its variables and rows."""
    assert_success(response)
    kind = media_type(response)
    assert kind in TABULAR_FORMATS, f"a SELECT answer must be SPARQL JSON, XML, CSV or TSV, not {kind!r}"
    results_format = TABULAR_FORMATS[kind]
    if results_format is None:  # CSV: plain values under a header of variable names
        table = list(csv.reader(io.StringIO(response.text)))
        return table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    solutions = ox.parse_query_results(response.content, results_format)
    assert isinstance(solutions, ox.QuerySolutions), f"not a table of results: {response.text[:500]}"
    variables = [variable.value for variable in solutions.variables]
    rows = [{name: solution[name].value for name in variables} for solution in solutions]
    return variables, rows


def rdf_triples(response: httpx.Response, base: str) -> list[ox.Triple]:
    """A success whose body is an RDF graph (`mf:expectedFormat "RDF"`): its triples."""
    assert_success(response)
    kind = media_type(response)
    assert kind in RDF_FORMATS, f"a graph must be RDF/XML, Turtle or N-Triples, not {kind!r}"
    return list(ox.parse(response.content, RDF_FORMATS[kind], base_iri=base))


def post_query(w3c: Endpoint, query: str, path: str = "/sparql") -> httpx.Response:
    """A query sent directly as the POST body (application/sparql-query, UTF-8)."""
    return w3c.http.post(path, content=query.encode("utf-8"), headers={"Content-Type": QUERY})


def post_update(w3c: Endpoint, update: str, path: str = "/sparql") -> httpx.Response:
    """An update sent directly as the POST body (application/sparql-update, UTF-8), with the write token."""
    return w3c.http.post(path, content=update.encode("utf-8"), headers={"Content-Type": UPDATE, **w3c.auth})


# --------------------------------------------------------------------------------------- query operation


def test_query_post_form(w3c: Endpoint) -> None:
    """A query in a URL-encoded POST body, a default graph in the URL: true, as a boolean result."""
    response = w3c.http.post(
        sparql(("default-graph-uri", graph(0))),
        content=b"query=ASK%20%7B%7D",
        headers={"Content-Type": FORM},
    )
    assert_boolean(response, True)


def test_query_dataset_default_graphs_get(w3c: Endpoint) -> None:
    """GET with two `default-graph-uri`: their merge is the default graph."""
    load(w3c, 1, 2)
    query = f"ASK {{ <{graph(1)}> a ?type . <{graph(2)}> a ?type . }}"
    response = w3c.http.get(
        sparql(("query", query), ("default-graph-uri", graph(1)), ("default-graph-uri", graph(2)))
    )
    assert_boolean(response, True)
    # Control: with data1 alone as the default graph, data2's triple is not there.
    control = w3c.http.get(sparql(("query", query), ("default-graph-uri", graph(1))))
    assert_boolean(control, False)


def test_query_dataset_default_graphs_post(w3c: Endpoint) -> None:
    """Direct POST with two `default-graph-uri` in the URL: their merge is the default graph."""
    load(w3c, 1, 2)
    query = f"ASK {{ <{graph(1)}> a ?type . <{graph(2)}> a ?type . }}"
    response = post_query(
        w3c, query, sparql(("default-graph-uri", graph(1)), ("default-graph-uri", graph(2)))
    )
    assert_boolean(response, True)
    control = post_query(w3c, query, sparql(("default-graph-uri", graph(2))))
    assert_boolean(control, False)


NAMED_QUERY = f"ASK {{ GRAPH ?g1 {{ <{graph(1)}> a ?type }} GRAPH ?g2 {{ <{graph(2)}> a ?type }} }}"


def test_query_dataset_named_graphs_post(w3c: Endpoint) -> None:
    """Direct POST with two `named-graph-uri` in the URL: both are named graphs of the dataset."""
    load(w3c, 1, 2)
    response = post_query(
        w3c, NAMED_QUERY, sparql(("named-graph-uri", graph(1)), ("named-graph-uri", graph(2)))
    )
    assert_boolean(response, True)
    # Control: a dataset with data1 as its only named graph lacks data2.
    control = post_query(w3c, NAMED_QUERY, sparql(("named-graph-uri", graph(1))))
    assert_boolean(control, False)


def test_query_dataset_named_graphs_get(w3c: Endpoint) -> None:
    """GET with two `named-graph-uri`: both are named graphs of the dataset."""
    load(w3c, 1, 2)
    response = w3c.http.get(
        sparql(("query", NAMED_QUERY), ("named-graph-uri", graph(1)), ("named-graph-uri", graph(2)))
    )
    assert_boolean(response, True)
    control = w3c.http.get(sparql(("query", NAMED_QUERY), ("named-graph-uri", graph(2))))
    assert_boolean(control, False)


def test_query_dataset_full(w3c: Endpoint) -> None:
    """Direct POST with a `default-graph-uri` and two `named-graph-uri`: default and named graphs as given."""
    load(w3c, 1, 2, 3)
    query = (
        "ASK {\n"
        f"  <{graph(3)}> a ?type\n"
        f"  GRAPH ?g1 {{ <{graph(1)}> a ?type }}\n"
        f"  GRAPH ?g2 {{ <{graph(2)}> a ?type }}\n"
        "}"
    )
    path = sparql(
        ("default-graph-uri", graph(3)), ("named-graph-uri", graph(1)), ("named-graph-uri", graph(2))
    )
    assert_boolean(post_query(w3c, query, path), True)
    # Control: with data1 as the default graph instead, data3's triple is not in it.
    control = sparql(
        ("default-graph-uri", graph(1)), ("named-graph-uri", graph(1)), ("named-graph-uri", graph(2))
    )
    assert_boolean(post_query(w3c, query, control), False)


def test_query_multiple_dataset(w3c: Endpoint) -> None:
    """FROM in the query and `named-graph-uri` in the URL: the protocol's dataset is the one used."""
    load(w3c, 1, 2, 3)
    query = (
        f"ASK FROM <{graph(3)}> "
        f"{{ GRAPH ?g1 {{ <{graph(1)}> a ?type }} GRAPH ?g2 {{ <{graph(2)}> a ?type }} }}"
    )
    path = sparql(("named-graph-uri", graph(1)), ("named-graph-uri", graph(2)))
    assert_boolean(post_query(w3c, query, path), True)
    # Control: the query's FROM <data3> is overridden, so data3 is not the default graph.
    assert_boolean(post_query(w3c, f"ASK FROM <{graph(3)}> {{ <{graph(3)}> a ?type }}", path), False)


def test_query_get(w3c: Endpoint) -> None:
    """A query in the URL of a GET, with a default graph: true, as a boolean result."""
    response = w3c.http.get(sparql(("query", "ASK {}"), ("default-graph-uri", graph(0))))
    assert_boolean(response, True)


def test_query_content_type_select(w3c: Endpoint) -> None:
    """A SELECT answers with a table of results: SPARQL XML, JSON, CSV or TSV."""
    response = post_query(w3c, "SELECT (1 AS ?value) {}", sparql(("default-graph-uri", graph(0))))
    variables, rows = tabular_rows(response)
    assert variables == ["value"]
    assert rows == [{"value": "1"}]


def test_query_content_type_ask(w3c: Endpoint) -> None:
    """An ASK answers with a boolean result: SPARQL XML or JSON."""
    response = post_query(w3c, "ASK {}", sparql(("default-graph-uri", graph(0))))
    assert_boolean(response, True)


def test_query_content_type_describe(w3c: Endpoint) -> None:
    """A DESCRIBE answers with RDF: RDF/XML, Turtle or N-Triples."""
    response = post_query(w3c, "DESCRIBE <http://example.org/>", sparql(("default-graph-uri", graph(0))))
    triples = rdf_triples(response, f"{w3c.server.url}/sparql")
    assert triples == []  # nothing is known about <http://example.org/> in graph data0


def test_query_content_type_construct(w3c: Endpoint) -> None:
    """A CONSTRUCT answers with RDF: RDF/XML, Turtle or N-Triples."""
    query = "CONSTRUCT { <s> <p> 1 } WHERE {}"
    response = post_query(w3c, query, sparql(("default-graph-uri", graph(0))))
    triples = rdf_triples(response, f"{w3c.server.url}/sparql")
    assert len(triples) == 1
    (triple,) = triples
    assert isinstance(triple.subject, ox.NamedNode) and triple.subject.value.endswith("/s")
    assert triple.object == ox.Literal("1", datatype=XSD_INTEGER)


def test_query_post_direct(w3c: Endpoint) -> None:
    """A query sent directly as the POST body: true, as a boolean result."""
    assert_boolean(post_query(w3c, "ASK {}"), True)


# -------------------------------------------------------------------------------------- update operation

PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
LOAD_THREE = (
    "DROP ALL ;\n"
    "INSERT DATA {\n"
    + "".join(f"    GRAPH <{graph(n)}> {{ <{graph(n)}> a foaf:Document }}\n" for n in (1, 2, 3))
    + "} ;\n"
)


def test_update_dataset_default_graph(w3c: Endpoint) -> None:
    """`using-graph-uri` makes data1 the default graph of the update's WHERE."""
    target = "http://example.org/protocol-update-dataset-test/"
    update = (
        PREFIXES
        + "CLEAR ALL ;\n"
        + f"INSERT DATA {{\n    GRAPH <{graph(1)}> {{\n        <{graph(1)}> a foaf:Document\n    }}\n}} ;\n"
        + f"INSERT {{\n    GRAPH <{target}> {{\n        ?s a dc:BibliographicResource\n    }}\n}}\n"
        + "WHERE {\n    ?s a foaf:Document\n}"
    )
    assert_success(post_update(w3c, update, sparql(("using-graph-uri", graph(1)))))
    check = f"ASK {{\n    GRAPH <{target}> {{\n        <{graph(1)}> a <http://purl.org/dc/terms/BibliographicResource>\n    }}\n}}"
    assert_boolean(post_query(w3c, check), True)


def dataset_check(target: str) -> str:
    """The ASK of the update_dataset_*_graphs cases: data1 and data2 were copied into `target`, data3 not."""
    resource = "<http://purl.org/dc/terms/BibliographicResource>"
    return (
        f"ASK {{\n    GRAPH <{target}> {{\n"
        f"        <{graph(1)}> a {resource} .\n        <{graph(2)}> a {resource} .\n    }}\n"
        f"    FILTER NOT EXISTS {{\n        GRAPH <{target}> {{\n"
        f"            <{graph(3)}> a {resource} .\n        }}\n    }}\n}}"
    )


def test_update_dataset_default_graphs(w3c: Endpoint) -> None:
    """Two `using-graph-uri`: data1 and data2 (not data3) make the default graph of the update's WHERE."""
    target = "http://example.org/protocol-update-dataset-graphs-test/"
    update = (
        PREFIXES
        + LOAD_THREE
        + f"INSERT {{\n    GRAPH <{target}> {{\n        ?s a dc:BibliographicResource\n    }}\n}}\n"
        + "WHERE {\n    ?s a foaf:Document\n}"
    )
    path = sparql(("using-graph-uri", graph(1)), ("using-graph-uri", graph(2)))
    assert_success(post_update(w3c, update, path))
    assert_boolean(post_query(w3c, dataset_check(target)), True)


def test_update_dataset_named_graphs(w3c: Endpoint) -> None:
    """Two `using-named-graph-uri`: data1 and data2 (not data3) are the named graphs of the update's WHERE."""
    target = "http://example.org/protocol-update-dataset-named-graphs-test/"
    update = (
        PREFIXES
        + LOAD_THREE
        + f"INSERT {{\n    GRAPH <{target}> {{\n        ?s a dc:BibliographicResource\n    }}\n}}\n"
        + "WHERE {\n    GRAPH ?g {\n        ?s a foaf:Document\n    }\n}"
    )
    path = sparql(("using-named-graph-uri", graph(1)), ("using-named-graph-uri", graph(2)))
    assert_success(post_update(w3c, update, path))
    assert_boolean(post_query(w3c, dataset_check(target)), True)


def test_update_dataset_full(w3c: Endpoint) -> None:
    """`using-graph-uri` data1 and `using-named-graph-uri` data2: each lands where the protocol put it."""
    target = "http://example.org/protocol-update-dataset-full-test/"
    update = (
        PREFIXES
        + LOAD_THREE
        + f"INSERT {{\n    GRAPH <{target}> {{\n        ?s <http://example.org/in> ?in\n    }}\n}}\n"
        + "WHERE {\n    {\n        GRAPH ?g { ?s a foaf:Document }\n        BIND(?g AS ?in)\n    }\n"
        + '    UNION\n    {\n        ?s a foaf:Document .\n        BIND("default" AS ?in)\n    }\n}'
    )
    path = sparql(("using-graph-uri", graph(1)), ("using-named-graph-uri", graph(2)))
    assert_success(post_update(w3c, update, path))
    check = (
        f"ASK {{\n    GRAPH <{target}> {{\n"
        f'        <{graph(1)}> <http://example.org/in> "default" .\n'
        f"        <{graph(2)}> <http://example.org/in> <{graph(2)}> .\n    }}\n"
        f"    FILTER NOT EXISTS {{\n        GRAPH <{target}> {{\n"
        f"            <{graph(3)}> ?p ?o\n        }}\n    }}\n}}"
    )
    assert_boolean(post_query(w3c, check), True)


def test_update_post_form(w3c: Endpoint) -> None:
    """An update in a URL-encoded POST body (`update=CLEAR+ALL`) succeeds."""
    put_sentinel(w3c)
    response = w3c.http.post(
        "/sparql", content=b"update=CLEAR+ALL", headers={"Content-Type": FORM, **w3c.auth}
    )
    assert_success(response)
    assert not w3c.holds_triples(SENTINEL_GRAPH)  # control: the update ran


def test_update_post_direct(w3c: Endpoint) -> None:
    """An update sent directly as the POST body (application/sparql-update) succeeds."""
    put_sentinel(w3c)
    assert_success(post_update(w3c, "CLEAR ALL"))
    assert not w3c.holds_triples(SENTINEL_GRAPH)  # control: the update ran


def test_update_base_uri(w3c: Endpoint) -> None:
    """A relative IRI in an update is resolved against the service's base IRI (an IRI other than "test")."""
    target = "http://example.org/protocol-base-test/"
    update = (
        f"CLEAR SILENT GRAPH <{target}> ;\n"
        f"INSERT DATA {{ GRAPH <{target}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}"
    )
    assert_success(post_update(w3c, update))
    check = (
        f"ASK {{\n    GRAPH <{target}> {{\n        <http://example.org/s> <http://example.org/p> ?o\n"
        '        FILTER (isIRI(?o) && STR(?o) != "test")\n    }\n}'
    )
    assert_boolean(post_query(w3c, check), True)


# ---------------------------------------------------------------------------------------- refused queries


def test_bad_query_method(w3c: Endpoint) -> None:
    """A query sent with PUT (neither GET nor POST) is refused with 4xx."""
    response = w3c.http.put(
        sparql(("query", "ASK {}"), ("default-graph-uri", graph(0))), headers={"Content-Type": FORM}
    )
    assert_client_error(response)


def test_bad_multiple_queries(w3c: Endpoint) -> None:
    """Two `query` parameters in one GET are refused with 4xx."""
    assert_client_error(w3c.http.get(sparql(("query", "ASK {}"), ("query", "SELECT * {}"))))


def test_bad_query_wrong_media_type(w3c: Endpoint) -> None:
    """A query POSTed as text/plain is refused with 4xx."""
    response = w3c.http.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert_client_error(response)


def test_bad_query_missing_form_type(w3c: Endpoint) -> None:
    """A URL-encoded query body without a Content-Type is refused with 4xx."""
    request = w3c.http.build_request("POST", "/sparql", content=b"query=ASK%20%7B%7D")
    assert "content-type" not in request.headers
    assert_client_error(w3c.http.send(request))


def test_bad_query_missing_direct_type(w3c: Endpoint) -> None:
    """A query as the POST body without a Content-Type is refused with 4xx."""
    request = w3c.http.build_request("POST", "/sparql", content=b"ASK {}")
    assert "content-type" not in request.headers
    assert_client_error(w3c.http.send(request))


def test_bad_query_non_utf8(w3c: Endpoint) -> None:
    """A query POSTed directly in UTF-16 (charset=UTF-16) is refused with 4xx."""
    response = w3c.http.post(
        "/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert_client_error(response)


def test_bad_query_syntax(w3c: Endpoint) -> None:
    """A query that does not parse (`ASK {`) is refused with 4xx."""
    assert_client_error(w3c.http.get(sparql(("query", "ASK {"))))


# --------------------------------------------------------------------------------------- refused updates


def test_bad_update_get(w3c: Endpoint) -> None:
    """An update sent with GET is refused with 4xx, and not run."""
    put_sentinel(w3c)
    assert_client_error(w3c.http.get(sparql(("update", "CLEAR ALL")), headers=w3c.auth))
    assert w3c.holds_triples(SENTINEL_GRAPH)  # control: CLEAR ALL did not run


def test_bad_multiple_updates(w3c: Endpoint) -> None:
    """Two `update` parameters in one form body are refused with 4xx, and neither is run."""
    put_sentinel(w3c)
    response = w3c.http.post(
        "/sparql",
        content=b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        headers={"Content-Type": FORM, **w3c.auth},
    )
    assert_client_error(response)
    assert w3c.holds_triples(SENTINEL_GRAPH)  # control: CLEAR NAMED did not run


def test_bad_update_wrong_media_type(w3c: Endpoint) -> None:
    """An update POSTed as text/plain is refused with 4xx, and not run."""
    put_sentinel(w3c)
    response = w3c.http.post(
        "/sparql", content=b"CLEAR NAMED", headers={"Content-Type": "text/plain", **w3c.auth}
    )
    assert_client_error(response)
    assert w3c.holds_triples(SENTINEL_GRAPH)


def test_bad_update_missing_form_type(w3c: Endpoint) -> None:
    """A URL-encoded update body without a Content-Type is refused with 4xx, and not run."""
    put_sentinel(w3c)
    request = w3c.http.build_request("POST", "/sparql", content=b"update=CLEAR%20NAMED", headers=w3c.auth)
    assert "content-type" not in request.headers
    assert_client_error(w3c.http.send(request))
    assert w3c.holds_triples(SENTINEL_GRAPH)


def test_bad_update_non_utf8(w3c: Endpoint) -> None:
    """An update POSTed directly in UTF-16 (charset=UTF-16) is refused with 4xx, and not run."""
    put_sentinel(w3c)
    response = w3c.http.post(
        "/sparql",
        content="CLEAR NAMED".encode("utf-16"),
        headers={"Content-Type": "application/sparql-update; charset=UTF-16", **w3c.auth},
    )
    assert_client_error(response)
    assert w3c.holds_triples(SENTINEL_GRAPH)


def test_bad_update_syntax(w3c: Endpoint) -> None:
    """An update that does not parse (`CLEAR XYZ`) is refused with 4xx."""
    put_sentinel(w3c)
    response = w3c.http.post(
        "/sparql", content=b"update=CLEAR%20XYZ", headers={"Content-Type": FORM, **w3c.auth}
    )
    assert_client_error(response)
    assert w3c.holds_triples(SENTINEL_GRAPH)


def test_bad_update_dataset_conflict(w3c: Endpoint) -> None:
    """`using-named-graph-uri` together with WITH in the update is refused with 4xx, and the update not run."""
    addresses = "http://example/addresses"
    w3c.put_graph(addresses, DATA / "bill.nt", "application/n-triples")
    update = (
        "PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\n"
        "WITH <http://example/addresses>\n"
        "DELETE { ?person foaf:givenName 'Bill' }\n"
        "INSERT { ?person foaf:givenName 'William' }\n"
        "WHERE {\n    ?person foaf:givenName 'Bill'\n}"
    )
    response = post_update(w3c, update, sparql(("using-named-graph-uri", "http://example/people")))
    assert_client_error(response)
    # Control: Bill is still Bill.
    still = (
        'ASK { GRAPH <http://example/addresses> { ?person <http://xmlns.com/foaf/0.1/givenName> "Bill" } }'
    )
    assert_boolean(post_query(w3c, still), True)
