"""Real clients against the live server on each backend: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

if TYPE_CHECKING:
    from api_fixtures import Server


RUSSIA = URIRef("https://w3id.org/syria-kg/id/russia")
LABEL = f"SELECT ?label WHERE {{ <{RUSSIA}> <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = 'en') }}"


def wrapper(server: Server) -> SPARQLWrapper:
    return SPARQLWrapper(f"{server.url}/sparql")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_selects_in_json(server: Server, method: str) -> None:
    sparql = wrapper(server)
    sparql.setMethod(method)
    sparql.setQuery(LABEL)
    sparql.setReturnFormat(JSON)
    rows = sparql.queryAndConvert()["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["Russia"]


@pytest.mark.parametrize("return_format", [XML, CSV, TSV])
def test_sparqlwrapper_selects_in_other_formats(server: Server, return_format: str) -> None:
    sparql = wrapper(server)
    sparql.setQuery(LABEL)
    sparql.setReturnFormat(return_format)
    result = sparql.query()
    converted = result.convert()
    text = converted.toxml() if return_format == XML else converted.decode()
    assert "Russia" in text


def test_sparqlwrapper_asks_and_constructs(server: Server) -> None:
    sparql = wrapper(server)
    sparql.setQuery(f"ASK {{ <{RUSSIA}> ?p ?o }}")
    sparql.setReturnFormat(JSON)
    assert sparql.queryAndConvert()["boolean"] is True
    sparql.setQuery(f"CONSTRUCT WHERE {{ <{RUSSIA}> ?p ?o }}")
    sparql.setReturnFormat(TURTLE)
    graph = Graph().parse(data=sparql.queryAndConvert(), format="turtle")
    assert (RUSSIA, None, Literal("Russia", lang="en")) in graph
    sparql.setReturnFormat(XML)  # SPARQLWrapper's default for graphs: RDF/XML, converted to an rdflib Graph
    assert len(sparql.queryAndConvert()) == len(graph)


def test_sparqlwrapper_sees_a_malformed_query(server: Server) -> None:
    sparql = wrapper(server)
    sparql.setQuery("SELECT * WHERE { ?s ?p ")
    with pytest.raises(QueryBadFormed):
        sparql.query()


def test_sparqlwrapper_updates_with_the_token(server: Server) -> None:
    graph = f"http://example.org/clients/{uuid.uuid4()}"
    sparql = wrapper(server)
    sparql.setMethod(POST)
    sparql.addCustomHttpHeader("Authorization", f"Bearer {server.token}")
    sparql.setQuery(f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/s> <http://e/p> 'via SPARQLWrapper' }} }}")
    sparql.query()
    reader = wrapper(server)
    reader.setQuery(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    reader.setReturnFormat(JSON)
    assert reader.queryAndConvert()["results"]["bindings"][0]["o"]["value"] == "via SPARQLWrapper"


def test_rdflib_sparqlstore_reads_the_live_server(server: Server) -> None:
    graph = Graph(store=SPARQLStore(f"{server.url}/sparql"))
    labels = {row.label for row in graph.query(LABEL)}
    assert labels == {Literal("Russia", lang="en")}
    assert (RUSSIA, None, None) in graph
    assert len(list(graph.triples((RUSSIA, None, None)))) >= 3


def test_rdflib_sparqlupdatestore_writes_with_the_token(server: Server) -> None:
    store = SPARQLUpdateStore(
        f"{server.url}/sparql", f"{server.url}/sparql", headers={"Authorization": f"Bearer {server.token}"}
    )
    graph_iri = URIRef(f"http://example.org/clients/{uuid.uuid4()}")
    graph = Graph(store=store, identifier=graph_iri)
    graph.add((URIRef("http://e/s"), URIRef("http://e/p"), Literal("via rdflib")))
    assert (URIRef("http://e/s"), URIRef("http://e/p"), Literal("via rdflib")) in graph
    graph.remove((URIRef("http://e/s"), None, None))
    assert len(graph) == 0
    store.close()
