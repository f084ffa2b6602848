"""SHACL validation with pyshacl: shapes from `ontology/shapes/`, class hierarchy from the ontology."""

from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef

from kg.rdfio import parse_turtle_files
from kg.store import Store
from kg.vocab import RES

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


def neighbourhood(store: Store, graph: Graph, hops: int = 2) -> Graph:
    """The store's triples about the project IRIs `graph` mentions, following project IRIs `hops` deep.

    This is the context SHACL needs to check a change (the types of referenced nodes, the rest of a statement
    that gains evidence) without reading the whole store.
    """
    context = Graph()
    frontier = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(RES))}
    seen: set[URIRef] = set()
    for _ in range(hops):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        found = _describe(store, sorted(frontier))
        context += found
        frontier = {o for o in found.objects() if isinstance(o, URIRef) and o.startswith(str(RES))}
    return context


def _describe(store: Store, nodes: list[URIRef], chunk: int = 200) -> Graph:
    found = Graph()
    for start in range(0, len(nodes), chunk):
        values = " ".join(f"<{node}>" for node in nodes[start : start + chunk])
        query = f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?o }}"
        found.parse(data=store.query_bytes(query, "application/n-triples"), format="nt")
    return found
