"""Reading RDF files and moving graphs between rdflib and Oxigraph."""

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import InputError


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse one Turtle file; a syntax error becomes an `InputError` naming the file and line."""
    graph = into if into is not None else Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read file: {error}", file=str(path)) from error
    try:
        # Oxigraph's parser reports the line and column of a syntax error precisely.
        list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except SyntaxError as error:
        line = getattr(error, "lineno", None)
        raise InputError(f"Turtle syntax error: {error}", file=str(path), line=line) from error
    graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    return graph


def parse_turtle_files(paths: Iterable[Path]) -> Graph:
    """All triples of several Turtle files in one graph."""
    graph = Graph()
    for path in paths:
        parse_turtle(path, into=graph)
    return graph


def to_oxigraph(graphs: dict[URIRef, Graph], store: ox.Store) -> None:
    """Copy rdflib graphs into named graphs of an Oxigraph store."""
    for iri, graph in graphs.items():
        data = graph.serialize(format="nt", encoding="utf-8")
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(iri)))


def from_oxigraph(store: ox.Store, iri: URIRef) -> Graph:
    """One named graph of an Oxigraph store as an rdflib graph."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(iri)))
    return Graph().parse(data=data, format="nt")
