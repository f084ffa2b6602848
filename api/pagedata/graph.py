"""The alliance view's data (`/api/graph`): every node the view can draw, every fact between two of them, and
the vocabularies of the legend and the filters.

Nodes and facts come from the one reader of the alliance network (`kg.network.read_network`): the view draws
every statement between two nodes whatever its relation type, and events from each agent to each target.
"""

from typing import Any

from api.pagedata.terms import (
    KG,
    KINDS,
    PREFIXES,
    RES,
    date_only,
    href_of,
    iri_of,
    kind_of,
    local_name,
    pick_label,
    slug_of,
    val,
)
from kg.network import Fact, Network, read_network
from kg.store import Store

# Events become edges from each agent to each target; their polarity comes from what they are.
EVENT_POLARITY = {
    "Offensive": -1, "Capture": -1, "Strike": -1, "Encirclement": -1, "Uprising": -1, "Demonstration": -1,
    "Meeting": 0, "PublicStatement": 0, "Withdrawal": 0, "Redeployment": 0, "Evacuation": 0, "Displacement": 0,
    "Flight": 0, "Reinforcement": 1,
}  # fmt: skip
STANCES = ["asserted", "reported", "claimed", "rumoured", "denied"]


def graph_payload(store: Store) -> dict[str, Any]:
    """What `/api/graph` answers: nodes, facts and vocabularies."""
    network = read_network(store)
    nodes = graph_nodes(network)
    facts = graph_facts(network, nodes)
    dates = sorted({d for f in facts for d in (f["from"], f["until"]) if d})
    by_ids = {f["by"] for f in facts if f["by"]} - {n["id"] for n in nodes.values()}
    speakers = {b: network.names(iri_of(b)) for b in sorted(by_ids)}
    return {
        "nodes": sorted(nodes.values(), key=lambda n: n["id"]),
        "facts": facts,
        "speakers": {b: pick_label(labels) for b, labels in speakers.items() if labels},
        "dates": {"min": dates[0] if dates else None, "max": dates[-1] if dates else None, "all": dates},
        **vocabulary(store, network),
    }


def vocabulary(store: Store, network: Network) -> dict[str, Any]:
    """Relation types, event types, stances and sources, for the legend and the filters."""
    relation_types: dict[str, dict[str, Any]] = {}
    for relation in network.relation_types.values():
        slug = local_name(relation.iri)
        relation_types[slug] = {
            "id": slug,
            "iri": relation.iri,
            "label": relation.label or slug.replace("-", " "),
            "polarity": relation.polarity or 0,
            "directed": relation.directed,
            "definition": relation.definition,
            "broader": local_name(relation.broader) if relation.broader else None,
        }
    class_labels = {
        local_name(row["c"]["value"]): row["l"]["value"]
        for row in store.select(
            PREFIXES
            + "SELECT ?c ?l WHERE { ?c rdfs:subClassOf* kg:Event ; rdfs:label ?l FILTER(lang(?l) = 'en') }"
        )
    }
    event_types = {
        name: {
            "id": "event:" + name,
            "label": class_labels.get(name, name.lower()),
            "polarity": polarity,
            "directed": True,
        }
        for name, polarity in EVENT_POLARITY.items()
    }
    stance_labels = {
        local_name(row["s"]["value"]).lower(): row["l"]["value"]
        for row in store.select(
            PREFIXES + "SELECT ?s ?l WHERE { ?s a kg:Stance ; skos:prefLabel ?l FILTER(lang(?l) = 'en') }"
        )
    }
    sources = [
        {
            "id": val(row, "id") or slug_of(row["src"]["value"]),
            "iri": row["src"]["value"],
            "title": val(row, "title"),
            "date": date_only(val(row, "date")),
            "href": href_of(row["src"]["value"]),
        }
        for row in store.select(
            PREFIXES + "SELECT ?src ?id ?title ?date WHERE { ?src a kg:SourceDocument . "
            "OPTIONAL { ?src dcterms:identifier ?id } OPTIONAL { ?src dcterms:title ?title } "
            "OPTIONAL { ?src dcterms:date ?date } } ORDER BY ?date ?src"
        )
    ]
    return {
        "relationTypes": dict(sorted(relation_types.items())),
        "eventTypes": event_types,
        "stances": [{"id": s, "label": stance_labels.get(s, s)} for s in STANCES],
        "kinds": [{"id": k, "label": label, "shown": shown} for k, label, _c, shown in KINDS],
        "sources": sources,
    }


def graph_nodes(network: Network) -> dict[str, dict[str, Any]]:
    """Every entity the view can draw, keyed by IRI, with labels in every language and aliases."""
    nodes: dict[str, dict[str, Any]] = {}
    for iri, classes in network.classes.items():
        names = {local_name(c) for c in classes if c.startswith(KG)}
        kind = kind_of(names) if iri.startswith(RES) else None
        if kind is None:
            continue
        labels = network.names(iri)
        nodes[iri] = {
            "id": slug_of(iri),
            "iri": iri,
            "kind": kind,
            "types": sorted(names),
            "labels": labels,
            "aliases": list(network.aliases.get(iri, ())),
            "label": pick_label(labels) or slug_of(iri),
            "side": slug_of(network.sides[iri]) if iri in network.sides else None,  # kg:partOfSide
        }
    return nodes


def graph_facts(network: Network, nodes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements between two nodes, and events from agents to targets, with stance, time and sources."""
    facts: dict[str, dict[str, Any]] = {}
    for statement in network.statements:
        if statement.subject in nodes and statement.object in nodes:
            pair = [nodes[statement.subject]["id"], nodes[statement.object]["id"]]
            facts[statement.iri] = _fact(statement, "statement", local_name(statement.relation), [pair])
            _close(facts[statement.iri], statement)
    for event in network.events:
        types = sorted(name for c in event.classes if (name := local_name(c)) in EVENT_POLARITY)
        pairs = sorted(
            [nodes[agent]["id"], nodes[target]["id"]]
            for agent in event.role("agent")
            for target in event.role("target")
            if agent in nodes and target in nodes and agent != target
        )
        if types and pairs and event.stance is not None:
            facts[event.iri] = _fact(
                event, "event", "event:" + types[0], pairs, network.labels.get(event.iri, {})
            )
            _close(facts[event.iri], event)
    return sorted(facts.values(), key=lambda f: f["id"])


def _fact(
    fact: Fact, kind: str, fact_type: str, pairs: list[list[str]], labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """One fact as the view reads it (an event also has its English label)."""
    return {
        "id": slug_of(fact.iri),
        "kind": kind,
        "type": fact_type,
        **({"label": labels.get("en")} if labels is not None else {}),
        "pairs": pairs,
        "stance": local_name(fact.stance or "").lower(),
        "by": slug_of(fact.attributed_to) if fact.attributed_to else None,
        "from": date_only(fact.start),
        "until": date_only(fact.end),
        "sources": sorted({e.source_id for e in fact.evidence if e.source_id}),
        "contradicts": sorted({slug_of(other) for other in fact.contradicts if other}),
    }


def _close(view: dict[str, Any], fact: Fact) -> None:
    """The later statements that close a relation; the day it ends is already its `until` (the as-of rule's)."""
    if fact.closed_by:
        view["closedBy"] = list(dict.fromkeys(slug_of(closing.iri) for closing in fact.closed_by))
