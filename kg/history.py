"""The history of the graph: one PROV activity per build, ingest and retraction, in `graph/history`."""

import datetime as dt
import hashlib
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg import __version__
from kg.store import Store
from kg.vocab import DCTERMS, HISTORY_GRAPH, KG, PROV, RDF, RDFS, RES, XSD, sparql_prefixes

SOFTWARE = RES["software/syria-kg"]


def record_activity(
    kind: str,
    source_id: str,
    files: list[Path],
    generated: URIRef | None = None,
    invalidated: URIRef | None = None,
) -> Graph:
    """A PROV record of one ingest, retraction or build: what, when, from which files, by which version."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    node = RES[f"activity/{kind}-{source_id}-{now.strftime('%Y%m%dT%H%M%SZ')}"]
    graph = Graph()
    graph.add((node, RDF.type, PROV.Activity))
    graph.add((node, RDFS.label, Literal(f"{kind} {source_id}", lang="en")))
    graph.add((node, KG.activityKind, Literal(kind)))
    graph.add((node, PROV.endedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
    graph.add((node, PROV.wasAssociatedWith, SOFTWARE))
    graph.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
    graph.add((SOFTWARE, RDFS.label, Literal(f"syria-kg {__version__}", lang="en")))
    for path in files:
        file_node = RES[f"file/{hashlib.sha256(path.read_bytes()).hexdigest()}"]
        graph.add((node, PROV.used, file_node))
        graph.add((file_node, RDF.type, PROV.Entity))
        graph.add((file_node, DCTERMS.identifier, Literal(path.name)))
        graph.add((file_node, KG.sha256, Literal(file_node.rsplit("/", 1)[-1])))
    if generated is not None:
        graph.add((node, PROV.generated, generated))
    if invalidated is not None:
        graph.add((node, PROV.invalidated, invalidated))
    return graph


def history(store: Store) -> list[dict[str, str]]:
    """Every recorded ingest, retraction and build, oldest first."""
    query = f"""{sparql_prefixes("prov", "kg")}
    SELECT ?when ?kind ?label (GROUP_CONCAT(?file; separator=", ") AS ?files) WHERE {{
      GRAPH <{HISTORY_GRAPH}> {{
        ?a a prov:Activity ; prov:endedAtTime ?when ; kg:activityKind ?kind ; <{RDFS.label}> ?label .
        OPTIONAL {{ ?a prov:used/<{DCTERMS.identifier}> ?file }}
      }}
    }} GROUP BY ?when ?kind ?label ORDER BY ?when ?label"""
    return [{name: value["value"] for name, value in row.items()} for row in store.select(query)]
