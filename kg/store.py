"""The triple store: embedded Oxigraph on disk (default), in memory, or any remote SPARQL 1.1 store.

Queries are handed to the engine as strings; rdflib's evaluator is never on this path (see FINDINGS in docs).
The default graph of a query is the union of all named graphs, as in `oxigraph serve --union-default-graph`:
every fact lives in a named graph (one per source, plus ontology, entities, derived, inferred).
"""

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import QueryError, StoreUnavailable, sparql_syntax_message
from kg.settings import Settings

SPARQL_JSON = "application/sparql-results+json"
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class Store(ABC):
    """What the rest of the project needs from a store."""

    @abstractmethod
    def query_bytes(self, sparql: str, media_type: str = SPARQL_JSON) -> bytes:
        """Run a query over the union of all graphs and serialise its answer in `media_type`."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update in one transaction."""

    @abstractmethod
    def export(self, fmt: str, graph: str | None = None) -> bytes:
        """Every quad (or the triples of one graph) in one of `RDF_FORMATS`."""

    def select(self, sparql: str) -> list[dict[str, dict[str, str]]]:
        """Rows of a SELECT as SPARQL JSON bindings (`row[var]["value"]`)."""
        answer = json.loads(self.query_bytes(sparql, SPARQL_JSON))
        if "boolean" in answer:
            raise QueryError("expected a SELECT query, got an ASK query")
        return answer["results"]["bindings"]

    def graph_counts(self) -> dict[str, int]:
        """Number of triples in each named graph."""
        rows = self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}

    def replace_graphs(self, graphs: dict[URIRef, Graph], *, drop_all: bool = False) -> None:
        """Replace the given named graphs (or everything) with new content, atomically."""
        self.update(replace_update(graphs, drop_all=drop_all))

    def close(self) -> None:  # noqa: B027 (optional hook)
        """Release the store."""


class EmbeddedStore(Store):
    """Oxigraph in this process: on disk (RocksDB) under a folder, or in memory."""

    def __init__(self, path: Path | None = None) -> None:
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.ox = ox.Store(str(path)) if path is not None else ox.Store()

    def query_bytes(self, sparql: str, media_type: str = SPARQL_JSON) -> bytes:
        result = self.run_query(sparql)
        return serialize_result(result, media_type)

    def run_query(self, sparql: str, **options: Any) -> Any:
        """The pyoxigraph result object (solutions, boolean or triples)."""
        options.setdefault("use_default_graph_as_union", True)
        try:
            return self.ox.query(sparql, **options)
        except SyntaxError as error:
            raise QueryError(sparql_syntax_message(error)) from error

    def update(self, sparql: str) -> None:
        try:
            self.ox.update(sparql)
        except SyntaxError as error:
            raise QueryError(sparql_syntax_message(error)) from error

    def export(self, fmt: str, graph: str | None = None) -> bytes:
        rdf_format = RDF_FORMATS[fmt]
        if graph is None and not rdf_format.supports_datasets:
            raise QueryError(f"{fmt} holds one graph: choose one with --graph, or use nquads or trig")
        from_graph = ox.NamedNode(graph) if graph else None
        return self.ox.dump(format=rdf_format, from_graph=from_graph)

    def close(self) -> None:
        self.ox.flush() if self.path is not None else None
        del self.ox


class RemoteStore(Store):
    """A SPARQL 1.1 store reached over HTTP (for example `oxigraph serve`).

    Queries are sent as form-encoded POSTs, which every store accepts (Virtuoso 7.2.5 hangs on
    `application/sparql-query` bodies).
    """

    def __init__(self, query_url: str, update_url: str | None, timeout: float = 60.0) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.client = httpx.Client(timeout=timeout, headers={"User-Agent": "syria-kg/0.1"})

    def _post(self, url: str, data: dict[str, str], accept: str) -> httpx.Response:
        try:
            response = self.client.post(url, data=data, headers={"Accept": accept})
        except httpx.HTTPError as error:
            raise StoreUnavailable(f"remote store at {url} cannot be reached: {error}") from error
        if response.status_code == 400:
            raise QueryError(response.text.strip() or "the remote store refused the request")
        if response.status_code >= 300:
            raise StoreUnavailable(
                f"remote store at {url} answered {response.status_code}: {response.text[:500]}"
            )
        return response

    def query_bytes(self, sparql: str, media_type: str = SPARQL_JSON) -> bytes:
        return self._post(self.query_url, {"query": sparql}, media_type).content

    def update(self, sparql: str) -> None:
        self._post(self.update_url, {"update": sparql}, "*/*")

    def export(self, fmt: str, graph: str | None = None) -> bytes:
        rdf_format = RDF_FORMATS[fmt]
        if graph is None and not rdf_format.supports_datasets:
            raise QueryError(f"{fmt} holds one graph: choose one with --graph, or use nquads or trig")
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        rows = self.select(f"SELECT * WHERE {{ {where} }}")
        quads = [_quad_from_json(row, graph) for row in rows]
        if graph:
            return ox.serialize([q.triple for q in quads], format=rdf_format)
        return ox.serialize(quads, format=rdf_format)

    def close(self) -> None:
        self.client.close()


def open_store(settings: Settings) -> Store:
    """The store the settings name: remote if a query URL is set, else embedded (memory or disk)."""
    if settings.remote_query_url:
        return RemoteStore(settings.remote_query_url, settings.remote_update_url, settings.remote_timeout_s)
    return EmbeddedStore(None if settings.memory else settings.data_dir)


# ------------------------------------------------------------------------------------------ helpers

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


def serialize_result(result: Any, media_type: str) -> bytes:
    """Serialise a pyoxigraph query result in `media_type`, SPARQL results or RDF."""
    if isinstance(result, ox.QueryTriples):
        if media_type in RESULT_FORMATS:
            media_type = "application/n-triples"
        return result.serialize(format=GRAPH_FORMATS[media_type])
    if media_type not in RESULT_FORMATS:
        raise QueryError(f"a SELECT or ASK answer cannot be written as {media_type}")
    return result.serialize(format=RESULT_FORMATS[media_type])


def _quad_from_json(row: dict[str, dict[str, str]], graph: str | None) -> ox.Quad:
    terms = [_term_from_json(row[name]) for name in ("s", "p", "o")]
    graph_name = ox.NamedNode(graph) if graph else _term_from_json(row["g"])
    return ox.Quad(terms[0], terms[1], terms[2], graph_name)


def _term_from_json(binding: dict[str, str]) -> Any:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


def replace_update(graphs: dict[URIRef, Graph], *, drop_all: bool = False) -> str:
    """One SPARQL update that replaces the named graphs (or all graphs) with `graphs`.

    >>> g = Graph(); _ = g.add((URIRef("http://e/s"), URIRef("http://e/p"), URIRef("http://e/o")))
    >>> print(replace_update({URIRef("http://e/g"): g}))
    DROP SILENT GRAPH <http://e/g> ;
    INSERT DATA {
    GRAPH <http://e/g> {
    <http://e/s> <http://e/p> <http://e/o> .
    }
    }
    """
    drops = ["DROP SILENT ALL"] if drop_all else [f"DROP SILENT GRAPH <{iri}>" for iri in graphs]
    body = "\n".join(
        f"GRAPH <{iri}> {{\n{_triples_text(graph)}\n}}" for iri, graph in graphs.items() if len(graph)
    )
    return " ;\n".join(drops) + (f" ;\nINSERT DATA {{\n{body}\n}}" if body else "")


def _triples_text(triples: Iterable[Any]) -> str:
    return "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)


def insert_update(graphs: dict[URIRef, Graph]) -> str:
    """One `INSERT DATA` adding the triples of each named graph (nothing removed)."""
    body = "\n".join(f"GRAPH <{iri}> {{\n{_triples_text(g)}\n}}" for iri, g in graphs.items() if len(g))
    return f"INSERT DATA {{\n{body}\n}}" if body else "INSERT DATA { }"


def delta_update(iri: URIRef, added: Graph, removed: Graph) -> list[str]:
    """Update operations that remove then add triples in one named graph."""
    operations = []
    if len(removed):
        operations.append(f"DELETE DATA {{ GRAPH <{iri}> {{\n{_triples_text(removed)}\n}} }}")
    if len(added):
        operations.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{_triples_text(added)}\n}} }}")
    return operations
