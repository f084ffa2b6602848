"""The SPARQL Service Description of `/sparql` and the VoID description of the dataset.

Service Description (https://www.w3.org/TR/sparql11-service-description/): the endpoint, the languages
(SPARQL 1.1 Query and Update), every result format by its W3C format IRI (https://www.w3.org/ns/formats/),
the features (the default graph is the union of the named graphs; empty graphs are kept), and the default
dataset: the default graph and each named graph with its number of triples. Queries run under simple
entailment; the graphs that materialise entailments (`inferred`) or derivations (`derived`, `timeline`) say
what they hold in a `dcterms:description` (kg/reasoning.py, GRAPH_DESCRIPTIONS).
VoID (https://www.w3.org/TR/void/): the dataset with its endpoint, dump, URI space, vocabularies, licence,
size, and one subset per named graph.
"""

import time
from collections.abc import Callable

import pyoxigraph as ox

from kg import vocab
from kg.formats import JSON_LD, N3, N_TRIPLES, RDF_XML, TURTLE, formats
from kg.reasoning import GRAPH_DESCRIPTIONS
from kg.store import Store
from kg.vocab import BASE, PREFIXES, RES

SD = str(vocab.SD)
VOID = str(vocab.VOID)
FORMATS_NS = str(vocab.W3C_FORMATS)
DCTERMS = str(vocab.DCTERMS)
RDF_TYPE = ox.NamedNode(str(vocab.RDF.type))
XSD_INTEGER = ox.NamedNode(str(vocab.XSD.integer))
DATASET = ox.NamedNode(BASE + "dataset")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
COUNTS_TTL_S = 30.0
DESCRIPTION_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS_NS, "dcterms": DCTERMS} | {
    name: str(PREFIXES[name]) for name in ("kg", "xsd", "rdf")
}
INPUT_FORMATS = (TURTLE, N_TRIPLES, RDF_XML, JSON_LD, N3)
VOCABULARIES = ("kg", "prov", "time", "org", "skos", "oa", "dcterms", "geo")


class Counts:
    """Triples per named graph and in the union, recounted at most every COUNTS_TTL_S or after a write."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cached: tuple[float, int, dict[str, int]] | None = None

    def invalidate(self) -> None:
        """Forget the counts (a write changed them)."""
        self._cached = None

    def get(self) -> tuple[int, dict[str, int]]:
        """(distinct triples in the union default graph, triples per named graph, empty graphs included)."""
        if self._cached is None or time.monotonic() - self._cached[0] > COUNTS_TTL_S:
            per_graph = dict.fromkeys(self.store.named_graph_iris(), 0) | self.store.graph_counts()
            rows = self.store.select(
                "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
            )
            total = int(rows[0]["n"]["value"]) if rows else 0
            self._cached = (time.monotonic(), total, per_graph)
        return self._cached[1], self._cached[2]


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


Add = Callable[[ox.NamedNode | ox.BlankNode, str, ox.NamedNode | ox.BlankNode | ox.Literal], None]


def _collector(triples: list[ox.Triple]) -> Add:
    def add(subject: ox.NamedNode | ox.BlankNode, predicate: str, value: object) -> None:
        triples.append(ox.Triple(subject, _iri(predicate), value))  # type: ignore[arg-type]

    return add


def void_description(base_url: str, counts: Counts) -> list[ox.Triple]:
    """VoID triples about the dataset served at `base_url`."""
    total, per_graph = counts.get()
    triples: list[ox.Triple] = []
    add = _collector(triples)
    add(DATASET, str(RDF_TYPE.value), _iri(VOID + "Dataset"))
    add(DATASET, DCTERMS + "title", ox.Literal("Syria knowledge graph", language="en"))
    add(
        DATASET,
        DCTERMS + "description",
        ox.Literal(
            "Actors, alliances and events of the Syrian war, with the evidence for every edge.", language="en"
        ),
    )
    add(DATASET, DCTERMS + "license", _iri(LICENSE))
    add(DATASET, VOID + "sparqlEndpoint", _iri(f"{base_url}/sparql"))
    add(DATASET, VOID + "dataDump", _iri(f"{base_url}/store"))
    add(DATASET, VOID + "uriSpace", ox.Literal(str(RES)))
    add(DATASET, VOID + "triples", _count(total))
    add(DATASET, VOID + "feature", _iri(FORMATS_NS + "N-Quads"))
    add(DATASET, VOID + "feature", _iri(FORMATS_NS + "TriG"))
    for name in VOCABULARIES:
        add(DATASET, VOID + "vocabulary", _iri(str(PREFIXES[name])))
    for graph, size in sorted(per_graph.items()):
        node = _iri(graph)
        add(DATASET, VOID + "subset", node)
        add(node, str(RDF_TYPE.value), _iri(VOID + "Dataset"))
        add(node, VOID + "triples", _count(size))
    return triples


def service_description(base_url: str, counts: Counts) -> list[ox.Triple]:
    """Service Description and VoID triples for the endpoint at `base_url`/sparql."""
    endpoint = _iri(f"{base_url}/sparql")
    total, per_graph = counts.get()
    triples: list[ox.Triple] = []
    add = _collector(triples)
    add(endpoint, str(RDF_TYPE.value), _iri(SD + "Service"))
    add(endpoint, SD + "endpoint", endpoint)
    add(endpoint, SD + "supportedLanguage", _iri(SD + "SPARQL11Query"))
    add(endpoint, SD + "supportedLanguage", _iri(SD + "SPARQL11Update"))
    for fmt in (*formats("results"), *formats("graph")):
        add(endpoint, SD + "resultFormat", _iri(f"{FORMATS_NS}{fmt.w3c}"))
    for fmt in INPUT_FORMATS:
        add(endpoint, SD + "inputFormat", _iri(f"{FORMATS_NS}{fmt.w3c}"))
    add(endpoint, SD + "feature", _iri(SD + "UnionDefaultGraph"))
    add(endpoint, SD + "feature", _iri(SD + "EmptyGraphs"))
    add(endpoint, SD + "defaultEntailmentRegime", _iri("http://www.w3.org/ns/entailment/Simple"))
    add(endpoint, SD + "defaultDataset", DATASET)
    add(DATASET, str(RDF_TYPE.value), _iri(SD + "Dataset"))
    default_graph = ox.BlankNode("defaultGraph")
    add(DATASET, SD + "defaultGraph", default_graph)
    add(default_graph, str(RDF_TYPE.value), _iri(SD + "Graph"))
    add(default_graph, str(RDF_TYPE.value), _iri(VOID + "Dataset"))
    add(default_graph, VOID + "triples", _count(total))
    for graph, size in sorted(per_graph.items()):
        named = ox.BlankNode()
        add(DATASET, SD + "namedGraph", named)
        add(named, str(RDF_TYPE.value), _iri(SD + "NamedGraph"))
        add(named, SD + "name", _iri(graph))
        add(named, SD + "graph", _iri(graph))
        add(_iri(graph), str(RDF_TYPE.value), _iri(SD + "Graph"))
        add(_iri(graph), VOID + "triples", _count(size))
        for described, text in GRAPH_DESCRIPTIONS.items():
            if str(described) == graph:  # what is entailed or derived in it, so a client need not guess
                add(_iri(graph), DCTERMS + "description", ox.Literal(text, language="en"))
    triples += void_description(base_url, counts)
    return list(dict.fromkeys(triples))
