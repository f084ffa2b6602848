"""The one reader of the alliance network: the typed resources and their names, the relation types with their
sign, the statements between actors, the events with their roles, the evidence of each fact, and which facts
close or contradict others.

`read_network(store)` asks the store a fixed set of SPARQL SELECTs over the union of all graphs and returns a
`Network` of plain values: IRIs, lexical dates, labels by language tag, the side (`kg:partOfSide`) of each
actor that has one. Everything that shows or analyses the network starts from it: the browser's alliance view
(`/api/graph`, built in `api/pagedata/graph.py`), the analytics (`kg.analytics.read_record`: blocs, balance
and diff, also served as `/api/blocs` and `/api/diff`) and the network exports built on them (`kg.exports`: `/export`, `kg export-network`). Each reads the facts its
own way (the view draws every statement, the analytics weigh only signed ones), but none asks the store for
them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.store import Store
from kg.vocab import KG, RDFS, SKOS, sparql_prefixes

PREFIXES = sparql_prefixes("kg", "res", "rdfs", "skos", "prov", "oa", "dcterms", "org")
CLASSES_QUERY = (
    PREFIXES
    # An event claim counts under the class it claims (kg:claimedEventType), its stance telling it apart.
    + """SELECT DISTINCT ?resource ?class WHERE {
  { ?resource a ?class } UNION { ?resource kg:claimedEventType ?class } FILTER(STRSTARTS(STR(?class), STR(kg:)))
}"""
)
NAMES_QUERY = (
    PREFIXES
    + """SELECT ?resource ?property ?name WHERE {
  VALUES ?property { rdfs:label skos:prefLabel skos:altLabel kg:metonym }
  ?resource ?property ?name FILTER(STRSTARTS(STR(?resource), STR(res:)) && isLiteral(?name))
}"""
)
ACTOR_CLASSES_QUERY = PREFIXES + "SELECT ?class WHERE { ?class rdfs:subClassOf* kg:Actor }"
EVENT_CLASSES_QUERY = PREFIXES + "SELECT ?class WHERE { ?class rdfs:subClassOf+ kg:Event }"
RELATION_TYPES_QUERY = (
    PREFIXES
    + """SELECT ?type ?label ?polarity ?directed ?definition ?broader WHERE {
  ?type a kg:RelationType .
  OPTIONAL { ?type skos:prefLabel ?label FILTER(lang(?label) = 'en') }
  OPTIONAL { ?type kg:polarity ?polarity } OPTIONAL { ?type kg:directed ?directed }
  OPTIONAL { ?type skos:definition ?definition FILTER(lang(?definition) = 'en') }
  OPTIONAL { ?type skos:broader ?broader }
}"""
)
STATEMENTS_QUERY = (
    PREFIXES
    + """SELECT ?fact ?subject ?object ?relation ?stance ?by ?from ?until WHERE {
  ?fact a kg:Statement ; kg:subject ?subject ; kg:object ?object ; kg:relationType ?relation ; kg:stance ?stance .
  FILTER NOT EXISTS { ?fact kg:modality ?modality }  # possible, probable or conditional: never a tie
  OPTIONAL { ?fact prov:wasAttributedTo ?by }
  OPTIONAL { ?fact kg:holdsFrom ?from } OPTIONAL { ?fact kg:holdsTo ?until }
}"""
)
EVENTS_QUERY = (
    PREFIXES
    + """SELECT ?fact ?stance ?by ?from ?until WHERE {
  { ?fact a ?class } UNION { ?fact kg:claimedEventType ?class } ?class rdfs:subClassOf+ kg:Event .
  FILTER NOT EXISTS { ?fact kg:modality ?modality }  # a hedged or hypothetical event did not happen
  OPTIONAL { ?fact kg:stance ?stance }
  OPTIONAL { ?fact prov:wasAttributedTo ?by }
  OPTIONAL { ?fact kg:during ?time OPTIONAL { ?time kg:fromDate ?from } OPTIONAL { ?time kg:untilDate ?until } }
}"""
)
ROLES_QUERY = (
    PREFIXES
    + """SELECT ?fact ?role ?filler WHERE {
  VALUES ?role { kg:agent kg:hasParticipant kg:target kg:place kg:subEventOf kg:claimedSubEventOf }
  ?fact ?role ?filler .
}"""
)
EVIDENCE_QUERY = (
    PREFIXES
    + """SELECT ?fact ?source ?sourceId ?quote ?speaker WHERE {
  ?fact kg:hasEvidence ?evidence . ?evidence oa:hasSource ?source .
  OPTIONAL { ?source dcterms:identifier ?sourceId }
  OPTIONAL { ?evidence oa:hasSelector ?selector . ?selector oa:exact ?quote }
  OPTIONAL { ?evidence prov:wasAttributedTo ?speaker }
}"""
)
SIDES_QUERY = PREFIXES + "SELECT ?part ?side WHERE { ?part kg:partOfSide ?side }"
POSTS_QUERY = PREFIXES + "SELECT ?post ?organisation WHERE { ?post org:postIn ?organisation }"
CONTRADICTS_QUERY = PREFIXES + "SELECT ?fact ?other WHERE { ?fact kg:contradicts ?other }"
CLOSES_QUERY = (
    PREFIXES
    + """SELECT ?closing ?closed ?stance WHERE {
  ?closing kg:closes ?closed .
  OPTIONAL { ?closing kg:stance ?stance }
}"""
)
ROLES = ("agent", "hasParticipant", "target", "place", "subEventOf")

Row = dict[str, dict[str, str]]


@dataclass(frozen=True)
class RelationType:
    """A relation type concept: its sign in the network (+1 cooperative, -1 hostile, 0 neither), its direction,
    and how the legend names it."""

    iri: str
    polarity: int | None = None
    directed: bool = True
    label: str | None = None
    definition: str | None = None
    broader: str | None = None


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence of a fact: its source document (IRI and identifier), the exact words, the speaker."""

    source: str
    source_id: str | None = None
    quote: str | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class Closing:
    """A later statement that says an earlier relation ended (`kg:closes`), with its stance; the day it ends
    is the as-of rule's (`kg:holdsTo` of the closed statement)."""

    iri: str
    stance: str | None = None


@dataclass(frozen=True, kw_only=True)
class Fact:
    """What statements and events share: stance, who it is attributed to, its time (lexical xsd:date days,
    None when open or absent), its evidence, and the facts that contradict or close it.

    A statement's time is when it holds by the as-of rule (`kg:holdsFrom` / `kg:holdsTo` of `graph/timeline`,
    kg/asof.py): from its start, or the date of the source that gives it, until its own end, a closing statement
    or a later holder. An event's time is the bounds of its `kg:during`."""

    iri: str
    stance: str | None = None
    attributed_to: str | None = None
    start: str | None = None
    end: str | None = None
    evidence: tuple[Evidence, ...] = ()
    contradicts: tuple[str, ...] = ()
    closed_by: tuple[Closing, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Statement(Fact):
    """A `kg:Statement`: subject, relation type (IRI) and object."""

    subject: str
    object: str
    relation: str


@dataclass(frozen=True, kw_only=True)
class Happening(Fact):
    """An instance of a `kg:Event` subclass, with its classes and the fillers of each role (`agent`,
    `hasParticipant`, `target`, `place`, `subEventOf`), each sorted."""

    classes: frozenset[str] = frozenset()
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def role(self, name: str) -> tuple[str, ...]:
        """The fillers of one role (empty when the event has none)."""
        return self.roles.get(name, ())


@dataclass
class Network:
    """What the graph says about the actors and their relations, read once.

    `classes` holds the kg: classes of every typed resource; `labels` (rdfs:label), `pref_labels`
    (skos:prefLabel) and `aliases` (skos:altLabel, kg:metonym) the names of the IRIs the project mints.
    """

    classes: dict[str, frozenset[str]]
    labels: dict[str, dict[str, str]]
    pref_labels: dict[str, dict[str, str]]
    aliases: dict[str, tuple[str, ...]]
    actor_classes: frozenset[str]
    event_classes: frozenset[str]
    relation_types: dict[str, RelationType]
    statements: list[Statement]
    events: list[Happening]
    sides: dict[str, str] = field(default_factory=dict)  # actor -> the kg:Side it is part of
    posts: dict[str, str] = field(default_factory=dict)  # office -> the organisation or state it is a post in

    def is_actor(self, iri: str) -> bool:
        """Whether the resource is an instance of `kg:Actor` or one of its subclasses."""
        return bool(self.classes.get(iri, frozenset()) & self.actor_classes)

    def names(self, iri: str) -> dict[str, str]:
        """The resource's labels by language tag, skos:prefLabel winning over rdfs:label."""
        return {**self.labels.get(iri, {}), **self.pref_labels.get(iri, {})}


def read_network(store: Store) -> Network:
    """Read the alliance network from the store: thirteen SELECTs whatever its size, no inference of our own."""
    labels, pref_labels, aliases = _read_names(store.select(NAMES_QUERY))
    evidence = _read_evidence(store.select(EVIDENCE_QUERY))
    contradicts = _read_contradictions(store.select(CONTRADICTS_QUERY))
    closings = _read_closings(store.select(CLOSES_QUERY))
    classes = _read_classes(store.select(CLASSES_QUERY))
    event_classes = _column(store.select(EVENT_CLASSES_QUERY), "class")
    links = {"evidence": evidence, "contradicts": contradicts, "closed_by": closings}
    return Network(
        classes=classes,
        labels=labels,
        pref_labels=pref_labels,
        aliases=aliases,
        actor_classes=_column(store.select(ACTOR_CLASSES_QUERY), "class"),
        event_classes=event_classes,
        relation_types=_read_relation_types(store.select(RELATION_TYPES_QUERY)),
        statements=_read_statements(store.select(STATEMENTS_QUERY), links),
        events=_read_events(
            store.select(EVENTS_QUERY), store.select(ROLES_QUERY), classes, event_classes, links
        ),
        sides={row["part"]["value"]: row["side"]["value"] for row in store.select(SIDES_QUERY)},
        posts={row["post"]["value"]: row["organisation"]["value"] for row in store.select(POSTS_QUERY)},
    )


def read_relation_types(store: Store) -> dict[str, RelationType]:
    """The relation type scheme alone (the ontology's types and those sources declared), by IRI."""
    return _read_relation_types(store.select(RELATION_TYPES_QUERY))


def _value(row: Row, name: str) -> str | None:
    return row[name]["value"] if name in row else None


def _column(rows: list[Row], name: str) -> frozenset[str]:
    return frozenset(row[name]["value"] for row in rows)


def _read_classes(rows: list[Row]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        found[row["resource"]["value"]].add(row["class"]["value"])
    return {iri: frozenset(classes) for iri, classes in found.items()}


def _read_names(
    rows: list[Row],
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]], dict[str, tuple[str, ...]]]:
    """rdfs:label and skos:prefLabel by language (the first of a language kept), aliases and metonyms sorted."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    pref_labels: dict[str, dict[str, str]] = defaultdict(dict)
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        iri, prop = row["resource"]["value"], row["property"]["value"]
        text, lang = row["name"]["value"], row["name"].get("xml:lang", "")
        if prop == str(RDFS.label):
            labels[iri].setdefault(lang, text)
        elif prop == str(SKOS.prefLabel):
            pref_labels[iri].setdefault(lang, text)
        else:
            aliases[iri].add(text)
    return dict(labels), dict(pref_labels), {iri: tuple(sorted(names)) for iri, names in aliases.items()}


def _read_relation_types(rows: list[Row]) -> dict[str, RelationType]:
    found: dict[str, RelationType] = {}
    for row in rows:
        iri = row["type"]["value"]
        polarity = _value(row, "polarity")
        found[iri] = RelationType(
            iri=iri,
            polarity=int(polarity) if polarity is not None else None,
            directed=_value(row, "directed") not in ("false", "0"),
            label=_value(row, "label"),
            definition=_value(row, "definition"),
            broader=_value(row, "broader"),
        )
    return found


def _read_evidence(rows: list[Row]) -> dict[str, tuple[Evidence, ...]]:
    found: dict[str, dict[Evidence, None]] = defaultdict(dict)
    for row in rows:
        item = Evidence(
            row["source"]["value"], _value(row, "sourceId"), _value(row, "quote"), _value(row, "speaker")
        )
        found[row["fact"]["value"]][item] = None
    return {fact: tuple(items) for fact, items in found.items()}


def _read_contradictions(rows: list[Row]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        found[row["fact"]["value"]].add(row["other"]["value"])
    return {fact: tuple(sorted(others)) for fact, others in found.items()}


def _read_closings(rows: list[Row]) -> dict[str, tuple[Closing, ...]]:
    found: dict[str, set[Closing]] = defaultdict(set)
    for row in rows:
        found[row["closed"]["value"]].add(Closing(row["closing"]["value"], _value(row, "stance")))
    return {fact: tuple(sorted(items, key=_closing_key)) for fact, items in found.items()}


def _closing_key(closing: Closing) -> tuple[str, str]:
    return closing.iri, closing.stance or ""


def _fact_fields(row: Row, links: dict[str, dict[str, tuple[Any, ...]]]) -> dict[str, Any]:
    """The fields every fact has, from its row (stance, attribution, time) and from the links read apart."""
    iri = row["fact"]["value"]
    return {
        "iri": iri,
        "stance": _value(row, "stance"),
        "attributed_to": _value(row, "by"),
        "start": _value(row, "from"),
        "end": _value(row, "until"),
        **{name: found.get(iri, ()) for name, found in links.items()},
    }


def _read_statements(rows: list[Row], links: dict[str, dict[str, tuple[Any, ...]]]) -> list[Statement]:
    """One statement per IRI (a statement with several times or attributions gives several rows: the first
    is kept), in IRI order."""
    found: dict[str, Statement] = {}
    for row in rows:
        if row["fact"]["value"] in found:
            continue
        found[row["fact"]["value"]] = Statement(
            subject=row["subject"]["value"],
            object=row["object"]["value"],
            relation=row["relation"]["value"],
            **_fact_fields(row, links),
        )
    return [found[iri] for iri in sorted(found)]


def _read_events(
    rows: list[Row],
    role_rows: list[Row],
    classes: dict[str, frozenset[str]],
    event_classes: frozenset[str],
    links: dict[str, dict[str, tuple[Any, ...]]],
) -> list[Happening]:
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row["fact"]["value"], row)
    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in role_rows:
        if row["fact"]["value"] in first:
            role = row["role"]["value"].removeprefix(str(KG)).replace("claimedSubEventOf", "subEventOf")
            roles[row["fact"]["value"]][role].add(row["filler"]["value"])
    return [
        Happening(
            classes=classes.get(iri, frozenset()) & event_classes,
            roles={role: tuple(sorted(fillers)) for role, fillers in roles[iri].items()},
            **_fact_fields(first[iri], links),
        )
        for iri in sorted(first)
    ]
