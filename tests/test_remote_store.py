"""kg.store.RemoteStore against a real `oxigraph serve`, in both of its default-graph modes, and the app on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pyoxigraph as ox
import pytest

from kg.errors import QueryError, StoreUnavailable
from kg.store import DefaultGraphUnreachable, QueryDataset, RemoteStore

if TYPE_CHECKING:
    from api_fixtures import Server


RUSSIA = "https://w3id.org/syria-kg/id/russia"


@pytest.fixture(scope="module")
def oxigraph_union(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`oxigraph serve --union-default-graph` with our graph built into it."""
    from api_fixtures import built_oxigraph

    server = built_oxigraph(tmp_path_factory.mktemp("oxigraph-union"), union_default_graph=True)
    yield server
    server.stop()


@pytest.fixture
def union_store(oxigraph_union: Server) -> Iterator[RemoteStore]:
    store = RemoteStore(
        f"{oxigraph_union.url}/query", f"{oxigraph_union.url}/update", union_default_graph=True
    )
    yield store
    store.close()


@pytest.fixture
def own_store(oxigraph_own_default: Server) -> Iterator[RemoteStore]:
    url = oxigraph_own_default.url
    store = RemoteStore(f"{url}/query", f"{url}/update", union_default_graph=False)
    yield store
    store.close()


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory: pytest.TempPathFactory, oxigraph_union: Server) -> Iterator[Server]:
    """The app on the union-mode remote store, started without a write token."""
    from api_fixtures import start_app

    server = start_app(
        tmp_path_factory.mktemp("read-only"),
        "app (union remote, no token)",
        remote_query_url=f"{oxigraph_union.url}/query",
        remote_update_url=f"{oxigraph_union.url}/update",
    )
    yield server
    server.stop()


@pytest.mark.parametrize("mode", ["union_store", "own_store"])
def test_queries_see_the_union_of_the_graphs_in_both_modes(mode: str, request: pytest.FixtureRequest) -> None:
    store: RemoteStore = request.getfixturevalue(mode)
    rows = store.select(
        f"SELECT ?label WHERE {{ <{RUSSIA}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    )
    assert {"value": "Russia", "type": "literal", "xml:lang": "en"} in [row["label"] for row in rows]
    assert store.graph_counts()["https://w3id.org/syria-kg/graph/entities"] > 100


@pytest.mark.parametrize("mode", ["union_store", "own_store"])
def test_open_query_streams_each_kind_of_answer(mode: str, request: pytest.FixtureRequest) -> None:
    store: RemoteStore = request.getfixturevalue(mode)
    solutions = store.open_query(f"SELECT ?p ?o WHERE {{ <{RUSSIA}> ?p ?o }}", form="SELECT")
    assert solutions.kind == "solutions"
    assert solutions.variables == ["p", "o"]
    assert len(list(solutions.rows)) >= 3
    solutions.close()
    boolean = store.open_query(f"ASK {{ <{RUSSIA}> ?p ?o }}", form="ASK")
    assert (boolean.kind, boolean.boolean) == ("boolean", True)
    triples = store.open_query(f"CONSTRUCT WHERE {{ <{RUSSIA}> ?p ?o }}", form="CONSTRUCT")
    assert triples.kind == "triples"
    assert all(isinstance(t, ox.Triple) for t in triples.triples)


def test_a_protocol_dataset_goes_to_the_remote_store(union_store: RemoteStore) -> None:
    entities = "https://w3id.org/syria-kg/graph/entities"
    dataset = QueryDataset(default_graphs=[], named_graphs=[entities])
    answer = union_store.open_query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", form="SELECT", dataset=dataset
    )
    assert [row["g"].value for row in answer.rows] == [entities]
    empty_default = union_store.open_query("ASK { ?s ?p ?o }", form="ASK", dataset=dataset)
    assert empty_default.boolean is False


def test_relative_iris_resolve_against_the_given_base(union_store: RemoteStore) -> None:
    answer = union_store.open_query(
        "SELECT (<rel> AS ?x) WHERE {}", form="SELECT", base_iri="http://server.example/sparql"
    )
    assert [row["x"].value for row in answer.rows] == ["http://server.example/rel"]


def test_remote_errors_become_project_errors(union_store: RemoteStore) -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error at line 1"):
        union_store.open_query("SELECT * WHERE {", form="SELECT")
    dead = RemoteStore("http://127.0.0.1:9/query", None, timeout=2)
    with pytest.raises(StoreUnavailable):
        dead.select("ASK {}")
    dead.close()


def test_the_union_mode_cannot_reach_the_default_graph(union_store: RemoteStore) -> None:
    assert not union_store.addresses_default_graph
    with pytest.raises(DefaultGraphUnreachable):
        union_store.triples_of(None)
    snapshot = union_store.snapshot()
    graphs = {g.value for g in snapshot.named_graphs()}
    assert "https://w3id.org/syria-kg/graph/ontology" in graphs
    assert len(snapshot) == sum(union_store.graph_counts().values())


def test_the_own_mode_reads_the_default_graph_too(own_store: RemoteStore) -> None:
    own_store.update('INSERT DATA { <http://e/only-default> <http://e/p> "d" }')
    try:
        assert any(t.subject.value == "http://e/only-default" for t in own_store.triples_of(None))
        assert any(q.graph_name == ox.DefaultGraph() for q in own_store.snapshot())
    finally:
        own_store.update('DELETE DATA { <http://e/only-default> <http://e/p> "d" }')


def test_the_app_on_a_union_remote_answers_and_refuses_what_it_cannot_do(read_only_server: Server) -> None:
    with httpx.Client(base_url=read_only_server.url, timeout=30) as client:
        ask = client.get("/sparql", params={"query": f"ASK {{ <{RUSSIA}> ?p ?o }}"})
        assert ask.json()["boolean"] is True
        assert client.get("/store", params={"default": ""}).status_code == 501
        update = client.post(
            "/sparql", data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer anything"}
        )
        assert update.status_code == 403
        assert "disabled" in update.json()["error"]
        put = client.put(
            "/store",
            params={"graph": "http://example.org/g"},
            content=b"",
            headers={"Content-Type": "text/turtle"},
        )
        assert put.status_code == 403
        assert (
            client.get("/store", params={"graph": "https://w3id.org/syria-kg/graph/entities"}).status_code
            == 200
        )
