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

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.linking import Answer, SparqlClient
from kg.links import LINKS_GRAPH, WD, WDT, bind_prefixes
from kg.store import Store
from kg.vocab import GEO, GRAPH, KG, RES

ENRICHMENT_GRAPH = URIRef(GRAPH + "enrichment")
# Declared here: some rdflib releases spell WGS84 with https, which is wrong (FINDINGS).
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
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
  GRAPH <{LINKS_GRAPH}> {{ ?e ?rel ?item VALUES ?rel {{ {OWL.sameAs.n3()} {SKOS.exactMatch.n3()} }} }}
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
        extra = (
            f"  FILTER (LANG(?value) IN ({', '.join(f'{chr(34)}{lang}{chr(34)}' for lang in languages)}))\n"
        )
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
# kg enrich: {fact.name} ({fact.pid})
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
    store: Store, client: SparqlClient, languages: Sequence[str], now: dt.datetime | None = None
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


def _add_answer(graph: Graph, fact: Fact, wanted: Sequence[Linked], answer: Answer, now: dt.datetime) -> int:
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
    if not match:
        return
    try:
        longitude, latitude = Decimal(match.group(1)), Decimal(match.group(2))
    except InvalidOperation:
        return
    subject = RES[slug]
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


def coordinates(store: Store, slug: str) -> tuple[float, float] | None:
    """Latitude and longitude of an entity from the enrichment graph, for a map; None when there are none."""
    rows = store.select(
        f"""SELECT ?lat ?long WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{
  <{RES}{slug}> <{WGS.lat}> ?lat ; <{WGS.long}> ?long }} }} LIMIT 1"""
    )
    if not rows:
        return None
    return float(rows[0]["lat"]["value"]), float(rows[0]["long"]["value"])
