"""SHACL validation with pyshacl: shapes from `ontology/shapes/`, class hierarchy from the ontology.

`validate` checks a whole graph (`kg build`, `kg validate`); `kg.shacl_delta` checks a change with the same
options (`run_pyshacl`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import BNode, Graph, URIRef, plugin
from rdflib.namespace import SH
from rdflib.plugins.sparql.processor import SPARQLProcessor, prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor

from kg.rdfio import parse_turtle_files

ONTOLOGY_TERM_SHAPES = "ontology-terms.ttl"


@lru_cache(maxsize=512)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces), base=base)


class PreparingSPARQLProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, preparing each query text once.

    pyshacl runs a SPARQL-based constraint once per focus node, as the same text with `$this` bound, and rdflib
    parses the text each time (about 0.1 s a parse here: 33 of `kg build`'s 66 profiled seconds over the 44
    sources). A prepared query is rdflib's own way to run one text with many bindings."""

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Any] | None = None,  # noqa: N803
        initNs: Mapping[str, Any] | None = None,  # noqa: N803
        base: str | None = None,
        DEBUG: bool = False,  # noqa: N803
    ) -> Mapping[str, Any]:
        query = strOrQuery
        if isinstance(query, str):  # rdflib's Graph.query passes the graph's prefixes as initNs
            query = _prepared(query, base, tuple(sorted((initNs or {}).items())))
        return super().query(query, initBindings, None, base, DEBUG)


plugin.register("sparql", Processor, __name__, PreparingSPARQLProcessor.__name__)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: whether the data conforms, and the report as text and Turtle."""

    conforms: bool
    text: str
    turtle: str

    def result_keys(self) -> set[tuple[str, ...]]:
        """The results, comparable across validations: focus node, constraint, path, value, and the shape (its
        message for a property shape, whose node is blank). Blank nodes are renamed by the Turtle: all alike."""
        graph = Graph().parse(data=self.turtle, format="turtle") if self.turtle else Graph()
        keys = set()
        for result in graph.objects(None, SH.result):
            fields = [
                graph.value(result, f) for f in (SH.focusNode, SH.sourceConstraintComponent, SH.resultPath)
            ]
            shape = graph.value(result, SH.sourceShape)
            named = shape if isinstance(shape, URIRef) else graph.value(result, SH.resultMessage)
            terms = (*fields, graph.value(result, SH.value), named)
            keys.add(tuple("[blank node]" if isinstance(term, BNode) else str(term) for term in terms))
        return keys


def load_shapes(shapes_dir: Path, *, ontology_terms: bool = False) -> Graph:
    """The data shapes (or, with `ontology_terms`, the shapes that check the ontology itself)."""
    paths = sorted(shapes_dir.glob("*.ttl"))
    chosen = [p for p in paths if (p.name == ONTOLOGY_TERM_SHAPES) == ontology_terms]
    return parse_turtle_files(chosen)


def run_pyshacl(
    data: Graph, shapes: Graph, ontology: Graph | None, *, inplace: bool = False
) -> tuple[bool, Graph, str]:
    """pyshacl with the project's options: no inference (the ontology supplies rdfs:subClassOf for class
    targets and `sh:class`), SHACL-AF for the SPARQL targets, warnings allowed. Conforms, results, text.
    `inplace` lets pyshacl work in `data` itself instead of a copy."""
    conforms, results, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=inplace,
    )
    return bool(conforms), results, str(text)


def validate(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Validate the whole of `data` against `shapes`."""
    conforms, results, text = run_pyshacl(data, shapes, ontology)
    return ValidationReport(conforms, text, results.serialize(format="turtle"))
