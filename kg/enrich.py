"""Facts about our linked entities fetched from the link endpoint into the named graph
`https://w3id.org/syria-kg/graph/enrichment`, kept apart from the facts of our sources.

For every entity with a Wikidata link (`graph/links`), `kg enrich` asks the endpoint for chosen facts:
coordinates (P625), country (P17), inception (P571), official name (P1448) and, for states, head of state
(P35) and head of government (P6). Each fact is stated on our entity with Wikidata's own direct property
(`res:damascus wdt:P17 wd:Q858`), so nobody mistakes it for one of our evidenced relations, and it is reified
with PROV-O: the node says which activity produced it (endpoint, query text, time of the answer) and which
Wikidata item it was derived from. Coordinates are also given as a GeoSPARQL geometry and as WGS84 lat/long,
which the browser reads to draw a small map.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.links import WD, WDT, bind_prefixes
from kg.rdfio import stored_graph
from kg.sparql_text import iri_ref, literal
from kg.store import Store
from kg.vocab import ENRICHMENT_GRAPH, GEO, KG, LINKS_GRAPH, RES, WGS, sparql_prefixes
from kg.wikidata import WikidataAnswer, WikidataClient

POINT = re.compile(r"^\s*Point\(\s*(-?[0-9.]+(?:[eE]-?[0-9]+)?)\s+(-?[0-9.]+(?:[eE]-?[0-9]+)?)\s*\)\s*$")
STATE_KINDS = {"State", "Country"}


@dataclass(frozen=True)
class Fact:
    """A Wikidata property fetched for linked entities."""

    name: str
    pid: str
    value: str  # "wkt", "item", "time" or "text"
    kinds: frozenset[str] | None = None  # only entities of these kinds; None: every linked entity


FACTS = (
    Fact("coordinates", "P625", "wkt"),
    Fact("country", "P17", "item"),
    Fact("inception", "P571", "time"),
    Fact("official name", "P1448", "text"),
    Fact("head of state", "P35", "item", frozenset(STATE_KINDS)),
    Fact("head of government", "P6", "item", frozenset(STATE_KINDS)),
)


@dataclass
class Linked:
    """One of our entities and the Wikidata item it is linked to."""

    slug: str
    item: URIRef
    kinds: set[str]


def linked_entities(store: Store) -> list[Linked]:
    """Entities of ours with a Wikidata link in the `links` graph."""
    rows = store.select(
        f"""SELECT ?e ?item ?kind WHERE {{
  GRAPH <{LINKS_GRAPH}> {{ ?e ?rel ?item VALUES ?rel {{ {iri_ref(OWL.sameAs)} {iri_ref(SKOS.exactMatch)} }} }}
  FILTER (STRSTARTS(STR(?item), "{WD}Q") && STRSTARTS(STR(?e), "{RES}"))
  OPTIONAL {{ ?e a ?kind FILTER (STRSTARTS(STR(?kind), "{KG._NS}")) }}
}}"""
    )
    found: dict[tuple[str, str], Linked] = {}
    for row in rows:
        slug, item = row["e"]["value"][len(str(RES)) :], row["item"]["value"]
        entry = found.setdefault((slug, item), Linked(slug, URIRef(item), set()))
        if "kind" in row:
            entry.kinds.add(row["kind"]["value"].rsplit("#", 1)[-1])
    return sorted(found.values(), key=lambda e: (e.slug, str(e.item)))


def fact_query(fact: Fact, items: Sequence[URIRef], languages: Sequence[str]) -> str:
    """The SELECT that fetches one fact for a sorted set of items (sorted so that the cache key is stable).

    >>> print(fact_query(FACTS[1], [WD["Q858"]], ["en"]).splitlines()[-4])
      ?item wdt:P17 ?value .
    """
    values = " ".join(f"wd:{str(i)[len(str(WD)) :]}" for i in sorted(set(items), key=str))
    extra = ""
    if fact.value == "item":
        extra = '  OPTIONAL { ?value rdfs:label ?valueLabel FILTER (LANG(?valueLabel) = "en") }\n'
    elif fact.value == "text":
        extra = f"  FILTER (LANG(?value) IN ({', '.join(literal(lang) for lang in languages)}))\n"
    return f"""{sparql_prefixes("rdfs", "wd", "wdt")}# kg enrich: {fact.name} ({fact.pid})
SELECT ?item ?value ?valueLabel WHERE {{
  VALUES ?item {{ {values} }}
  ?item wdt:{fact.pid} ?value .
{extra}}}
ORDER BY ?item ?value"""


@dataclass
class EnrichmentReport:
    """What `kg enrich` did: facts added per property, and how many answers came from the cache."""

    entities: int
    facts: dict[str, int]
    from_cache: int
    queries: int


def enrich(
    store: Store, client: WikidataClient, languages: Sequence[str], now: dt.datetime | None = None
) -> EnrichmentReport:
    """Fetch the facts of every linked entity and replace the enrichment graph with them."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    linked = linked_entities(store)
    graph = Graph()
    bind_prefixes(graph)
    counts: dict[str, int] = {}
    from_cache = queries = 0
    for fact in FACTS:
        wanted = [e for e in linked if fact.kinds is None or e.kinds & fact.kinds]
        if not wanted:
            counts[fact.name] = 0
            continue
        query = fact_query(fact, [e.item for e in wanted], languages)
        answer = client.select(query)
        queries += 1
        from_cache += answer.from_cache
        counts[fact.name] = _add_answer(graph, fact, wanted, answer, now)
    store.replace_graphs({ENRICHMENT_GRAPH: graph})
    return EnrichmentReport(len({e.slug for e in linked}), counts, from_cache, queries)


def _add_answer(
    graph: Graph, fact: Fact, wanted: Sequence[Linked], answer: WikidataAnswer, now: dt.datetime
) -> int:
    activity = URIRef(f"{RES}enrichment/run/{now.strftime('%Y%m%dT%H%M%SZ')}/{fact.pid}")
    query_node = URIRef(f"{RES}enrichment/query/{hashlib.sha256(answer.query.encode()).hexdigest()[:16]}")
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add(
        (
            activity,
            RDFS.label,
            Literal(f"Fetching {fact.name} ({fact.pid}) from {answer.endpoint}", lang="en"),
        )
    )
    graph.add((activity, PROV.used, URIRef(answer.endpoint)))
    graph.add((activity, PROV.used, query_node))
    graph.add((activity, DCTERMS.source, URIRef(answer.endpoint)))
    graph.add((activity, PROV.endedAtTime, Literal(answer.retrieved_at.isoformat(), datatype=XSD.dateTime)))
    graph.add((query_node, RDF.type, PROV.Entity))
    graph.add((query_node, RDF.value, Literal(answer.query)))
    by_item: dict[str, list[Linked]] = {}
    for entity in wanted:
        by_item.setdefault(str(entity.item), []).append(entity)
    added = 0
    for row in answer.bindings:
        item = row["item"]["value"]
        value = _value(fact, row["value"])
        if value is None:
            continue
        for entity in by_item.get(item, []):
            subject = RES[entity.slug]
            predicate = WDT[fact.pid]
            graph.add((subject, predicate, value))
            node = URIRef(f"{RES}enrichment/{entity.slug}/{fact.pid}/{_short_hash(value.n3())}")
            graph.add((node, RDF.type, RDF.Statement))
            graph.add((node, RDF.type, PROV.Entity))
            graph.add((node, RDF.subject, subject))
            graph.add((node, RDF.predicate, predicate))
            graph.add((node, RDF.object, value))
            graph.add((node, PROV.wasGeneratedBy, activity))
            graph.add((node, PROV.wasDerivedFrom, URIRef(item)))
            if fact.value == "wkt":
                _add_point(graph, entity.slug, value)
            if "valueLabel" in row:
                graph.add((value, RDFS.label, Literal(row["valueLabel"]["value"], lang="en")))
            added += 1
    return added


def _value(fact: Fact, binding: dict[str, str]) -> URIRef | Literal | None:
    if fact.value == "item":
        return URIRef(binding["value"]) if binding.get("type") == "uri" else None
    if binding.get("type") not in ("literal", "typed-literal"):
        return None
    if fact.value == "wkt":
        return Literal(binding["value"], datatype=GEO.wktLiteral) if POINT.match(binding["value"]) else None
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    if "datatype" in binding:
        return Literal(binding["value"], datatype=URIRef(binding["datatype"]))
    return Literal(binding["value"])


def _add_point(graph: Graph, slug: str, wkt: URIRef | Literal) -> None:
    match = POINT.match(str(wkt))
    subject = RES[slug]
    # An item may have several P625 values; one geometry each would pair the latitude of one with the
    # longitude of another, so only the first in the answer's order is mapped (all stay as reified facts).
    if not match or (subject, GEO.hasGeometry, None) in graph:
        return
    try:
        longitude, latitude = Decimal(match.group(1)), Decimal(match.group(2))
    except InvalidOperation:
        return
    geometry = URIRef(f"{RES}enrichment/{slug}/geometry")
    graph.add((subject, GEO.hasGeometry, geometry))
    graph.add((geometry, RDF.type, GEO.Geometry))
    graph.add((geometry, GEO.asWKT, wkt))
    graph.add((subject, WGS.lat, Literal(latitude, datatype=XSD.decimal)))
    graph.add((subject, WGS.long, Literal(longitude, datatype=XSD.decimal)))


def _short_hash(text: str) -> str:
    """A short stable id for a value.

    >>> _short_hash('"x"')
    'ba2df490'
    """
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class MapPoint:
    """Where an entity is, for a map, and where and when `kg enrich` fetched it."""

    lat: float
    long: float
    item: str | None  # the Wikidata item the coordinates were derived from
    endpoint: str | None
    retrieved_at: str | None  # ISO date-time of the endpoint's answer

    @property
    def text(self) -> str:
        """The coordinates in words, as the page shows them."""
        return format_coordinates(self.lat, self.long)

    @property
    def osm_url(self) -> str:
        """The point on openstreetmap.org, a plain link (no tiles are ever embedded)."""
        lat, long = f"{self.lat:.5f}", f"{self.long:.5f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={long}#map=7/{lat}/{long}"

    def as_json(self) -> dict[str, str | float | None]:
        """The point as the browser's JSON reads it."""
        item = self.item or ""
        return {
            "lat": self.lat,
            "long": self.long,
            "text": self.text,
            "osm": self.osm_url,
            "item": self.item,
            "itemLabel": "Wikidata " + item[len(str(WD)) :] if item.startswith(str(WD)) else self.item,
            "endpoint": self.endpoint,
            "retrievedAt": self.retrieved_at,
        }


def format_coordinates(lat: float, long: float) -> str:
    """Latitude and longitude with hemispheres, to two decimals (about a kilometre).

    >>> format_coordinates(33.513, 36.2919)
    '33.51° N, 36.29° E'
    >>> format_coordinates(-0.004, -98.5)
    '0.00° N, 98.50° W'
    """
    lat_text, long_text = f"{abs(lat):.2f}", f"{abs(long):.2f}"
    north = "S" if lat < 0 and lat_text != "0.00" else "N"
    east = "W" if long < 0 and long_text != "0.00" else "E"
    return f"{lat_text}° {north}, {long_text}° {east}"


def map_point(store: Store, iri: str) -> MapPoint | None:
    """The mapped point of an entity in the enrichment graph with its provenance; None when there is none."""
    entity = iri_ref(iri)
    rows = store.select(
        f"""SELECT ?wkt ?item ?endpoint ?at WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{
  {entity} <{GEO.hasGeometry}>/<{GEO.asWKT}> ?wkt .
  OPTIONAL {{ ?node <{RDF.subject}> {entity} ; <{RDF.predicate}> <{WDT["P625"]}> ; <{RDF.object}> ?wkt .
    OPTIONAL {{ ?node <{PROV.wasDerivedFrom}> ?item }}
    OPTIONAL {{ ?node <{PROV.wasGeneratedBy}> ?run .
      OPTIONAL {{ ?run <{DCTERMS.source}> ?endpoint }} OPTIONAL {{ ?run <{PROV.endedAtTime}> ?at }} }} }}
}} }}"""
    )
    points = []
    for row in rows:
        match = POINT.match(row["wkt"]["value"])
        if match:
            found = {k: row[k]["value"] if k in row else None for k in ("item", "endpoint", "at")}
            points.append((row["wkt"]["value"], float(match.group(2)), float(match.group(1)), found))
    if not points:
        return None
    # Sorted here rather than by ORDER BY: the same point whatever order the store answers in.
    _wkt, lat, long, found = min(points, key=lambda p: (p[0], str(p[3])))
    return MapPoint(lat, long, found["item"], found["endpoint"], found["at"])


def coordinates(store: Store, slug: str) -> tuple[float, float] | None:
    """Latitude and longitude of an entity from the enrichment graph, for a map; None when there are none."""
    point = map_point(store, str(RES[slug]))
    return (point.lat, point.long) if point else None


def kept_enrichment(store: Store, links: Graph) -> Graph:
    """The store's enrichment graph without the entities no longer linked to every item their facts came from.

    `kg build` keeps the enrichment (costly to fetch again) but not facts of a link that was removed or
    changed: those entities are dropped whole, and the next `kg enrich` fetches them again.
    """
    graph = Graph()
    bind_prefixes(graph)
    stored_graph(store, ENRICHMENT_GRAPH, into=graph)
    linked = {(s, o) for rel in (OWL.sameAs, SKOS.exactMatch) for s, o in links.subject_objects(rel)}
    stale = {
        subject
        for node in graph.subjects(RDF.type, RDF.Statement)
        if (subject := graph.value(node, RDF.subject)) is not None
        and (subject, graph.value(node, PROV.wasDerivedFrom)) not in linked
    }
    for subject in stale:
        nodes = set(graph.subjects(RDF.subject, subject)) | set(graph.objects(subject, GEO.hasGeometry))
        for node in nodes | {subject}:
            graph.remove((node, None, None))
    return graph
