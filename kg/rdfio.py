"""Where rdflib and Oxigraph meet: reading Turtle, and moving terms, triples and graphs between the two.

The layers keep one term type each: authoring, reasoning output and SHACL reports are rdflib graphs; the
store, a write's trial and the SHACL delta check work on pyoxigraph terms. Every crossing goes through this
module, so both sides agree on what a term is (a plain literal is rdflib's `Literal("x")`, without an
explicit `xsd:string`, as rdflib's own parsers make it).
"""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import InputError

if TYPE_CHECKING:  # the store's interface, for type hints only: kg.store sits above this module
    from kg.store import Store

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
XSD_STRING = str(XSD.string)


# ------------------------------------------------------------------------------------------ files


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse one Turtle file (once, by Oxigraph); a syntax error becomes an `InputError` with its line."""
    graph = into if into is not None else Graph()
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read file: {error}", file=str(path)) from error
    parser = ox.parse(
        data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri(), rename_blank_nodes=True
    )
    try:
        triples = [quad.triple for quad in parser]
    except SyntaxError as error:
        line = getattr(error, "lineno", None)
        raise InputError(f"Turtle syntax error: {error}", file=str(path), line=line) from error
    for prefix, namespace in parser.prefixes.items():
        graph.bind(prefix, namespace)
    add_triples(graph, triples)
    return graph


def parse_turtle_files(paths: Iterable[Path]) -> Graph:
    """All triples of several Turtle files in one graph."""
    graph = Graph()
    for path in paths:
        parse_turtle(path, into=graph)
    return graph


# ------------------------------------------------------------------------------------------ terms


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as an rdflib term (blank nodes keep their label)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return (
            Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
        )
    raise InputError(
        f"the term {term} has no rdflib equivalent here (RDF 1.2 triple terms are not supported)"
    )


def to_oxigraph_term(term: Node) -> OxTerm:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"the term {term!r} cannot be stored")


def add_triples(graph: Graph, triples: Iterable[ox.Triple]) -> Graph:
    """Add pyoxigraph triples to an rdflib graph."""
    graph.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph) for t in triples)
    return graph


def quads_of(graph: Graph, graph_name: str) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in the named graph `graph_name`."""
    name = ox.NamedNode(graph_name)
    for subject, predicate, obj in graph:
        yield ox.Quad(to_oxigraph_term(subject), to_oxigraph_term(predicate), to_oxigraph_term(obj), name)


# ------------------------------------------------------------------------------------------ graphs


def to_oxigraph(graphs: dict[URIRef, Graph], store: ox.Store) -> None:
    """Copy rdflib graphs into named graphs of an Oxigraph store."""
    for iri, graph in graphs.items():
        store.extend(quads_of(graph, str(iri)))


def from_oxigraph(store: ox.Store, iri: URIRef) -> Graph:
    """One named graph of an Oxigraph store as an rdflib graph."""
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(str(iri)))
    return add_triples(Graph(), (quad.triple for quad in quads))


def stored_graph(store: "Store", iri: str, into: Graph | None = None) -> Graph:
    """One named graph of the project's store (embedded or remote, through `Store`) as an rdflib graph.

    Terms move as terms (`to_rdflib`), not through a serialisation parsed again.
    """
    with store.triples_of(str(iri)) as triples:
        return add_triples(into if into is not None else Graph(), triples)
