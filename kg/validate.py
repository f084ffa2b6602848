"""SHACL validation with pyshacl: shapes from `ontology/shapes/`, class hierarchy from the ontology."""

from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef

from kg.rdfio import parse_turtle_files
from kg.store import Store
from kg.vocab import GRAPH, RDF, RES

ONTOLOGY_TERM_SHAPES = "ontology-terms.ttl"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: whether the data conforms, and the report as text and Turtle."""

    conforms: bool
    text: str
    turtle: str


def load_shapes(shapes_dir: Path, *, ontology_terms: bool = False) -> Graph:
    """The data shapes (or, with `ontology_terms`, the shapes that check the ontology itself)."""
    paths = sorted(shapes_dir.glob("*.ttl"))
    chosen = [p for p in paths if (p.name == ONTOLOGY_TERM_SHAPES) == ontology_terms]
    return parse_turtle_files(chosen)


def validate(
    data: Graph, shapes: Graph, ontology: Graph | None = None, focus_nodes: list[URIRef] | None = None
) -> ValidationReport:
    """Validate `data` against `shapes`; the ontology supplies rdfs:subClassOf for class targets.

    With `focus_nodes`, only those nodes are validated; the rest of `data` is context (types, labels).
    """
    conforms, results, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        focus_nodes=focus_nodes,
    )
    return ValidationReport(bool(conforms), str(text), results.serialize(format="turtle"))


def neighbourhood(store: Store, graph: Graph) -> Graph:
    """The context SHACL needs to check `graph` against the store, without reading the whole store.

    First hop: what the authored graphs (entities, sources) say about the project IRIs `graph` mentions (the
    rest of a statement that gains evidence, the labels of an entity). Second hop: only the `rdf:type` of the
    project IRIs that first hop reaches, for `sh:class` checks. Derived, inferred, links and analytics
    triples are left out: no shape reads them, and they grow with the store.
    """
    first = {t for triple in graph for t in triple if _ours(t)}
    context = _describe(store, sorted(first), "?x ?p ?o")
    second = {o for o in context.objects() if _ours(o)} - first
    context += _describe(store, sorted(second), f"?x <{RDF.type}> ?o", predicate=RDF.type)
    return context


AUTHORED_GRAPHS = f'FILTER (?g = <{GRAPH}entities> || STRSTARTS(STR(?g), "{GRAPH}source/"))'


def _ours(term: object) -> bool:
    return isinstance(term, URIRef) and term.startswith(str(RES))


def _describe(
    store: Store, nodes: list[URIRef], pattern: str, predicate: URIRef | None = None, chunk: int = 200
) -> Graph:
    """CONSTRUCT the `pattern` triples of `nodes` from the authored graphs, in chunks."""
    found = Graph()
    template = f"?x <{predicate}> ?o" if predicate else "?x ?p ?o"
    for start in range(0, len(nodes), chunk):
        values = " ".join(f"<{node}>" for node in nodes[start : start + chunk])
        query = (
            f"CONSTRUCT {{ {template} }} WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ {pattern} }} "
            f"{AUTHORED_GRAPHS} }}"
        )
        found.parse(data=store.query_bytes(query, "application/n-triples"), format="nt")
    return found
