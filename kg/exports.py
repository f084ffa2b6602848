"""The signed actor network for other tools, and the results of an analysis back into the graph.

| format | media type | what it holds |
|---|---|---|
| `graphml` | `application/graphml+xml` | actors and edges: bloc, sign, weights, intervals as ISO 8601 |
| `gexf` | `application/gexf+xml` | the same, with GEXF 1.2 spells that Gephi's timeline plays |
| `csv-nodes`, `csv-edges` | `text/csv` | one row per actor, one row per directed edge |
| `jsonld` | `application/ld+json` | the analysis as RDF (`an:` terms), compacted with `JSONLD_CONTEXT` |

GraphML and GEXF are written by NetworkX; GEXF spells follow https://gexf.net/schema.html. The analytics named
graph (`ANALYTICS_GRAPH`) holds the same RDF as the JSON-LD export, with the run as a `prov:Activity` that
carries its parameters and times.
"""

# ruff: noqa: N815  (the AN terms are lowerCamelCase RDF property names, as in kg.vocab)

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD, DefinedNamespace

from kg.analytics import ALGORITHM, Analysis, Options, Record, Span, Tie, actor_slug, analyse_network, network
from kg.errors import InputError
from kg.store import Store
from kg.vocab import ANALYTICS_GRAPH, BASE, KG, RES

QUOTE_CHARS = 300


class AN(DefinedNamespace):
    """Terms of the analytics results (blocs, placements, signed edges, balance); see docs/analytics.md."""

    _fail = True
    _NS = Namespace(BASE + "analytics#")

    SignedNetworkAnalysis: URIRef
    SignedNetwork: URIRef
    Bloc: URIRef
    Placement: URIRef
    SignedEdge: URIRef
    UnbalancedTriangle: URIRef
    windowStart: URIRef
    windowEnd: URIRef
    includeClaimed: URIRef
    includeUndated: URIRef
    algorithm: URIRef
    inNetwork: URIRef
    balanceIndex: URIRef
    triangleCount: URIRef
    balancedTriangleCount: URIRef
    frustration: URIRef
    anchor: URIRef
    member: URIRef
    actor: URIRef
    bloc: URIRef
    confidence: URIRef
    degreeCentrality: URIRef
    betweennessCentrality: URIRef
    isBroker: URIRef
    source: URIRef
    target: URIRef
    sign: URIRef
    weight: URIRef
    positiveWeight: URIRef
    negativeWeight: URIRef
    vertex: URIRef


def _term(prop: URIRef, kind: str, *, many: bool = False) -> dict[str, str]:
    entry = {"@id": str(prop), "@type": kind}
    return entry | ({"@container": "@set"} if many else {})


JSONLD_CONTEXT: dict[str, Any] = {
    "an": str(AN),
    "kg": str(KG),
    "res": str(RES),
    "prov": str(PROV),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "label": {"@id": str(RDFS.label), "@language": "en"},
    "network": _term(AN.inNetwork, "@id"),
    "source": _term(AN.source, "@id"),
    "target": _term(AN.target, "@id"),
    "actor": _term(AN.actor, "@id"),
    "bloc": _term(AN.bloc, "@id"),
    "anchor": _term(AN.anchor, "@id"),
    "members": _term(AN.member, "@id", many=True),
    "vertices": _term(AN.vertex, "@id", many=True),
    "evidence": _term(PROV.wasDerivedFrom, "@id", many=True),
    "generatedBy": _term(PROV.wasGeneratedBy, "@id"),
    "sign": _term(AN.sign, str(XSD.integer)),
    "weight": _term(AN.weight, str(XSD.integer)),
    "positiveWeight": _term(AN.positiveWeight, str(XSD.integer)),
    "negativeWeight": _term(AN.negativeWeight, str(XSD.integer)),
    "confidence": _term(AN.confidence, str(XSD.decimal)),
    "degreeCentrality": _term(AN.degreeCentrality, str(XSD.decimal)),
    "betweennessCentrality": _term(AN.betweennessCentrality, str(XSD.decimal)),
    "isBroker": _term(AN.isBroker, str(XSD.boolean)),
    "balanceIndex": _term(AN.balanceIndex, str(XSD.decimal)),
    "frustration": _term(AN.frustration, str(XSD.decimal)),
    "triangleCount": _term(AN.triangleCount, str(XSD.integer)),
    "balancedTriangleCount": _term(AN.balancedTriangleCount, str(XSD.integer)),
    "windowStart": _term(AN.windowStart, str(XSD.date)),
    "windowEnd": _term(AN.windowEnd, str(XSD.date)),
    "includeClaimed": _term(AN.includeClaimed, str(XSD.boolean)),
    "includeUndated": _term(AN.includeUndated, str(XSD.boolean)),
    "startedAtTime": _term(PROV.startedAtTime, str(XSD.dateTime)),
    "endedAtTime": _term(PROV.endedAtTime, str(XSD.dateTime)),
}

# --------------------------------------------------------------------------------------------- time intervals

Interval = tuple[dt.date | None, dt.date | None]


def merge_spans(spans: Iterable[Span]) -> list[Interval] | None:
    """The union of spans as sorted, disjoint intervals; `None` (always) when one of them is undated.

    Touching intervals merge (days are inclusive); `None` is an open bound.

    >>> d = dt.date
    >>> merge_spans([Span(d(2024, 12, 7), d(2024, 12, 7), True), Span(None, d(2024, 12, 6), True)])
    [(None, datetime.date(2024, 12, 7))]
    >>> merge_spans([Span(d(2017, 1, 1), None, True), Span()]) is None
    True
    """
    spans = list(spans)
    if any(not span.dated for span in spans):
        return None
    ordered = sorted(spans, key=lambda span: (span.start or dt.date.min, span.end or dt.date.max))
    merged: list[Interval] = []
    for span in ordered:
        if merged and _touches(merged[-1], span):
            start, end = merged[-1]
            merged[-1] = (start, None if end is None or span.end is None else max(end, span.end))
        else:
            merged.append((span.start, span.end))
    return merged


def _touches(interval: Interval, span: Span) -> bool:
    end = interval[1]
    return end is None or span.start is None or span.start <= end + dt.timedelta(days=1)


def intervals_text(intervals: list[Interval] | None) -> str:
    """Intervals as ISO 8601 text (`..` open), `;`-separated; empty when always valid.

    >>> intervals_text([(None, dt.date(2024, 12, 7)), (dt.date(2017, 1, 1), None)])
    '../2024-12-07;2017-01-01/..'
    """
    if intervals is None:
        return ""
    return ";".join(f"{_day(start)}/{_day(end)}" for start, end in intervals)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ".."


def _union(intervals: Iterable[list[Interval] | None]) -> list[Interval] | None:
    spans = []
    for found in intervals:
        if found is None:
            return None
        spans += [Span(start, end, True) for start, end in found]
    return merge_spans(spans)


# ------------------------------------------------------------------------------------------- the export graph


def export_graph(record: Record, options: Options) -> tuple[nx.DiGraph, Analysis]:
    """The directed signed network with plain attributes (bloc, confidence, sign, weights, intervals)."""
    directed, undirected = network(record, options)
    analysis = analyse_network(undirected)
    graph = nx.DiGraph(name=f"syria-kg signed actor network ({options.window.slug()})")
    for u, v, data in sorted(directed.edges(data=True)):
        graph.add_edge(u, v, **_edge_attributes(data["ties"], data))
    for node in sorted(graph):
        graph.nodes[node].update(_node_attributes(node, record, analysis, graph))
    return graph, analysis


def _edge_attributes(ties: list[Tie], data: dict[str, Any]) -> dict[str, Any]:
    quotes = [quote.text for tie in ties for quote in tie.quotes if quote.text]
    return {
        "sign": data["sign"],
        "weight": float(data["weight"]),
        "positive": data["positive"],
        "negative": data["negative"],
        "relations": " ".join(sorted({tie.relation for tie in ties})),
        "statements": " ".join(sorted({tie.fact for tie in ties})),
        "quote": quotes[0][:QUOTE_CHARS] if quotes else "",
        "intervals": merge_spans(tie.span for tie in ties),
    }


def _node_attributes(node: str, record: Record, analysis: Analysis, graph: nx.DiGraph) -> dict[str, Any]:
    placement = analysis.placements[node]
    actor = record.actors.get(node)
    incident = [data["intervals"] for *_, data in graph.in_edges(node, data=True)]
    incident += [data["intervals"] for *_, data in graph.out_edges(node, data=True)]
    attributes = {
        "label": record.label(node),
        "kind": actor.kind if actor else "",
        "bloc": placement.bloc,
        "bloc_label": record.label(analysis.anchor(placement.bloc)),
        "broker": placement.broker,
        "degree": placement.degree,
        "betweenness": placement.betweenness,
        "intervals": _union(incident),
    }
    return attributes | ({"confidence": placement.confidence} if placement.confidence is not None else {})


def _flat(graph: nx.DiGraph, *, spells: bool) -> nx.DiGraph:
    """A copy whose intervals are ISO 8601 text, plus GEXF spells when `spells` is set."""
    everything = [data.get("intervals") for _, data in graph.nodes(data=True)]
    everything += [data.get("intervals") for *_, data in graph.edges(data=True)]
    days = sorted(day for found in everything for interval in found or () for day in interval if day)
    bounds = (days[0], days[-1]) if days else None
    flat = nx.DiGraph(**graph.graph)
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **_flat_attributes(data, bounds if spells else None))
    for u, v, data in graph.edges(data=True):
        flat.add_edge(u, v, **_flat_attributes(data, bounds if spells else None))
    return flat


def _flat_attributes(data: dict[str, Any], bounds: tuple[dt.date, dt.date] | None) -> dict[str, Any]:
    attributes = {key: value for key, value in data.items() if key != "intervals"}
    intervals = data.get("intervals")
    attributes["intervals"] = intervals_text(intervals)
    if intervals and bounds:
        attributes["spells"] = closed_spells(intervals, *bounds)
    return attributes


def closed_spells(intervals: list[Interval], first: dt.date, last: dt.date) -> list[tuple[str, str]]:
    """GEXF spells with every bound written: an open bound becomes the first or last day of the export.

    Gephi's timeline treats an open bound as the edge of the timeline anyway; writing it keeps the spell
    intact through readers such as NetworkX, which read a missing bound as the text "None". The exact
    interval, open ends included, is in the `intervals` attribute.

    >>> closed_spells([(None, dt.date(2024, 12, 7))], dt.date(2011, 1, 1), dt.date(2024, 12, 7))
    [('2011-01-01', '2024-12-07')]
    """
    return [((start or first).isoformat(), (end or last).isoformat()) for start, end in intervals]


# ---------------------------------------------------------------------------------------------------- writers


def to_graphml(graph: nx.DiGraph) -> bytes:
    """GraphML, with intervals as ISO 8601 text attributes."""
    return "\n".join(nx.generate_graphml(_flat(graph, spells=False))).encode("utf-8")


def to_gexf(graph: nx.DiGraph) -> bytes:
    """GEXF 1.2 with spells (`timeformat="date"`): Gephi's timeline shows each edge and actor when valid."""
    return "\n".join(nx.generate_gexf(_flat(graph, spells=True), version="1.2draft")).encode("utf-8")


NODE_COLUMNS = (
    "id",
    "label",
    "kind",
    "bloc",
    "bloc_label",
    "confidence",
    "broker",
    "degree",
    "betweenness",
    "intervals",
)
EDGE_COLUMNS = (
    "source",
    "target",
    "sign",
    "weight",
    "positive",
    "negative",
    "relations",
    "intervals",
    "statements",
    "quote",
)


def _csv(header: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_csv_nodes(graph: nx.DiGraph) -> bytes:
    """One row per actor: `NODE_COLUMNS`."""
    flat = _flat(graph, spells=False)
    return _csv(NODE_COLUMNS, ({"id": node} | data for node, data in flat.nodes(data=True)))


def to_csv_edges(graph: nx.DiGraph) -> bytes:
    """One row per directed edge: `EDGE_COLUMNS`."""
    flat = _flat(graph, spells=False)
    return _csv(EDGE_COLUMNS, ({"source": u, "target": v} | data for u, v, data in flat.edges(data=True)))


@dataclass(frozen=True)
class ExportFormat:
    """A row of the export table: media type, file extension, writer."""

    media_type: str
    extension: str
    write: Callable[[nx.DiGraph], bytes] | None


# Content negotiation in one table; JSON-LD is written from the analysis RDF, not from the NetworkX graph.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    "graphml": ExportFormat("application/graphml+xml", "graphml", to_graphml),
    "gexf": ExportFormat("application/gexf+xml", "gexf", to_gexf),
    "csv-nodes": ExportFormat("text/csv; charset=utf-8", "nodes.csv", to_csv_nodes),
    "csv-edges": ExportFormat("text/csv; charset=utf-8", "edges.csv", to_csv_edges),
    "jsonld": ExportFormat("application/ld+json", "jsonld", None),
}


def export_network(record: Record, options: Options, fmt: str, run: Run | None = None) -> bytes:
    """The network of the options in one of `EXPORT_FORMATS`."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format '{fmt}' (one of {', '.join(EXPORT_FORMATS)})")
    graph, analysis = export_graph(record, options)
    writer = EXPORT_FORMATS[fmt].write
    if writer is not None:
        return writer(graph)
    rdf = analysis_rdf(record, analysis, graph, run or Run.now(options), with_actors=True)
    return to_jsonld(rdf)


def to_jsonld(rdf: Graph) -> bytes:
    """The RDF compacted with `JSONLD_CONTEXT` (https://www.w3.org/TR/json-ld11/#compacted-document-form)."""
    document = json.loads(rdf.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True))
    if "@graph" in document:
        document["@graph"].sort(key=lambda node: node.get("@id", ""))
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def export_filename(options: Options, fmt: str) -> str:
    """`syria-kg-network-<window>.<extension>`.

    >>> export_filename(Options(), "csv-edges")
    'syria-kg-network-all.edges.csv'
    """
    return f"syria-kg-network-{options.window.slug()}.{EXPORT_FORMATS[fmt].extension}"


# ----------------------------------------------------------------------------------------------- RDF of a run


@dataclass(frozen=True)
class Run:
    """One analysis run: its options and when it started and ended (UTC)."""

    options: Options
    started: dt.datetime
    ended: dt.datetime

    @classmethod
    def now(cls, options: Options, started: dt.datetime | None = None) -> Run:
        """A run that ends now."""
        ended = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return cls(options, started or ended, ended)

    def slug(self) -> str:
        """The window, plus `-claimed` / `-dated-only` when the options differ from the defaults."""
        flags = ("-claimed" if self.options.include_claimed else "") + (
            "" if self.options.include_undated else "-dated-only"
        )
        return self.options.window.slug() + flags


def analysis_rdf(
    record: Record, analysis: Analysis, graph: nx.DiGraph, run: Run, *, with_actors: bool = False
) -> Graph:
    """The run (a `prov:Activity` with parameters and times), the network, blocs, placements, edges and
    unbalanced triangles, each derived (`prov:wasDerivedFrom`) from the statements and events behind it."""
    rdf = Graph()
    rdf.bind("an", AN._NS)
    rdf.bind("res", RES)
    activity, net = RES[f"analytics/run/{run.slug()}"], RES[f"analytics/network/{run.slug()}"]
    _add_run(rdf, activity, run)
    _add_network(rdf, net, activity, analysis, run)
    for bloc, members in analysis.blocs().items():
        _add_bloc(rdf, net, bloc, members, analysis, record)
    for placement in analysis.placements.values():
        _add_placement(rdf, net, placement.actor, analysis, record)
    for u, v, data in graph.edges(data=True):
        _add_edge(rdf, net, u, v, data, record)
    for triangle in analysis.balance.unbalanced:
        _add_triangle(rdf, net, triangle, analysis, record)
    if with_actors:
        for node in graph:
            rdf.add((URIRef(node), RDFS.label, Literal(record.label(node), lang="en")))
            if node in record.actors and record.actors[node].type:
                rdf.add((URIRef(node), RDF.type, URIRef(record.actors[node].type)))
    return rdf


def _decimal(value: float) -> Literal:
    return Literal(f"{value:.3f}", datatype=XSD.decimal)


def _add_run(rdf: Graph, activity: URIRef, run: Run) -> None:
    window = run.options.window
    rdf.add((activity, RDF.type, PROV.Activity))
    rdf.add((activity, RDF.type, AN.SignedNetworkAnalysis))
    rdf.add((activity, RDFS.label, Literal(f"Signed network analysis ({run.slug()})", lang="en")))
    rdf.add((activity, PROV.startedAtTime, Literal(run.started.isoformat(), datatype=XSD.dateTime)))
    rdf.add((activity, PROV.endedAtTime, Literal(run.ended.isoformat(), datatype=XSD.dateTime)))
    if window.start:
        rdf.add((activity, AN.windowStart, Literal(window.start.isoformat(), datatype=XSD.date)))
    if window.end:
        rdf.add((activity, AN.windowEnd, Literal(window.end.isoformat(), datatype=XSD.date)))
    rdf.add((activity, AN.includeClaimed, Literal(run.options.include_claimed)))
    rdf.add((activity, AN.includeUndated, Literal(run.options.include_undated)))
    rdf.add((activity, AN.algorithm, Literal(ALGORITHM, lang="en")))


def _add_network(rdf: Graph, net: URIRef, activity: URIRef, analysis: Analysis, run: Run) -> None:
    rdf.add((net, RDF.type, AN.SignedNetwork))
    rdf.add((net, RDF.type, PROV.Entity))
    rdf.add((net, RDFS.label, Literal(f"Signed actor network ({run.slug()})", lang="en")))
    rdf.add((net, PROV.wasGeneratedBy, activity))
    rdf.add((net, AN.frustration, _decimal(analysis.frustration)))
    rdf.add((net, AN.triangleCount, Literal(analysis.balance.triangles)))
    rdf.add((net, AN.balancedTriangleCount, Literal(analysis.balance.balanced)))
    if analysis.balance.index is not None:
        rdf.add((net, AN.balanceIndex, _decimal(analysis.balance.index)))


def _node(net: URIRef, *parts: str) -> URIRef:
    return URIRef(f"{net}/{'/'.join(parts)}")


def _add_bloc(
    rdf: Graph, net: URIRef, bloc: int, members: list[str], analysis: Analysis, record: Record
) -> None:
    node, anchor = _node(net, "bloc", str(bloc)), analysis.anchor(bloc)
    rdf.add((node, RDF.type, AN.Bloc))
    rdf.add((node, RDFS.label, Literal(f"Bloc {bloc} ({record.label(anchor)})", lang="en")))
    rdf.add((node, AN.inNetwork, net))
    rdf.add((node, AN.anchor, URIRef(anchor)))
    for member in members:
        rdf.add((node, AN.member, URIRef(member)))


def _add_placement(rdf: Graph, net: URIRef, actor: str, analysis: Analysis, record: Record) -> None:
    placement = analysis.placements[actor]
    node = _node(net, "placement", actor_slug(actor))
    rdf.add((node, RDF.type, AN.Placement))
    rdf.add((node, RDFS.label, Literal(f"{record.label(actor)} in bloc {placement.bloc}", lang="en")))
    rdf.add((node, AN.inNetwork, net))
    rdf.add((node, AN.actor, URIRef(actor)))
    rdf.add((node, AN.bloc, _node(net, "bloc", str(placement.bloc))))
    if placement.confidence is not None:
        rdf.add((node, AN.confidence, _decimal(placement.confidence)))
    rdf.add((node, AN.degreeCentrality, _decimal(placement.degree)))
    rdf.add((node, AN.betweennessCentrality, _decimal(placement.betweenness)))
    rdf.add((node, AN.isBroker, Literal(placement.broker)))
    _add_derivation(rdf, node, (tie for side in placement.support for tie in side.ties))


def _add_edge(rdf: Graph, net: URIRef, u: str, v: str, data: dict[str, Any], record: Record) -> None:
    node = _node(net, "edge", f"{actor_slug(u)}--{actor_slug(v)}")
    rdf.add((node, RDF.type, AN.SignedEdge))
    rdf.add((node, RDFS.label, Literal(f"{record.label(u)} → {record.label(v)}", lang="en")))
    rdf.add((node, AN.inNetwork, net))
    rdf.add((node, AN.source, URIRef(u)))
    rdf.add((node, AN.target, URIRef(v)))
    rdf.add((node, AN.sign, Literal(data["sign"])))
    rdf.add((node, AN.weight, Literal(int(data["weight"]))))
    rdf.add((node, AN.positiveWeight, Literal(data["positive"])))
    rdf.add((node, AN.negativeWeight, Literal(data["negative"])))
    for fact in data["statements"].split():
        rdf.add((node, PROV.wasDerivedFrom, URIRef(fact)))


def _add_triangle(
    rdf: Graph, net: URIRef, triangle: tuple[str, str, str], analysis: Analysis, record: Record
) -> None:
    node = _node(net, "triangle", "--".join(actor_slug(actor) for actor in triangle))
    rdf.add((node, RDF.type, AN.UnbalancedTriangle))
    names = ", ".join(record.label(actor) for actor in triangle)
    rdf.add((node, RDFS.label, Literal(f"Unbalanced triangle: {names}", lang="en")))
    rdf.add((node, AN.inNetwork, net))
    a, b, c = triangle
    for actor in triangle:
        rdf.add((node, AN.vertex, URIRef(actor)))
    for u, v in ((a, b), (b, c), (a, c)):
        _add_derivation(rdf, node, analysis.graph[u][v]["ties"])


def _add_derivation(rdf: Graph, node: URIRef | BNode, ties: Iterable[Tie]) -> None:
    for tie in ties:
        rdf.add((node, PROV.wasDerivedFrom, URIRef(tie.fact)))


def write_analytics(store: Store, rdf: Graph) -> None:
    """Replace the analytics named graph with the results of one run, atomically."""
    store.replace_graphs({ANALYTICS_GRAPH: rdf})
