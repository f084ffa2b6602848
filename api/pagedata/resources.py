"""The page of any IRI the graph mints (`/id/<path>`): the triples that describe it, how each term is shown, the
direct relations derived and inferred from statements, and what the page adds for a fact, a quote, a source or
an entity.

`description_triples` is also what the machine formats (Turtle, JSON-LD, N-Triples) of the page serialise.
"""

import re
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from api.pagedata.facts import entity_facts, evidenced_details, external_links, source_text
from api.pagedata.terms import (
    KG,
    PREFIXES,
    RDF_TYPE,
    RES,
    curie,
    describe,
    href_of,
    iri_ref,
    labels_of,
    local_name,
    pick_label,
    slug_of,
)
from kg.settings import Settings
from kg.store import Store
from kg.vocab import DERIVED_GRAPH, INFERRED_GRAPH


def description_query(iri: str) -> str:
    """A CONSTRUCT of the outgoing triples of `iri`, of its `#fragment` IRIs and blank nodes, and its incoming triples."""
    node = iri_ref(iri)
    return (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ "
        f"{{ {node} ?p ?o BIND({node} AS ?s) }} UNION "
        f"{{ {node} ?link ?s FILTER(isBlank(?s) || STRSTARTS(STR(?s), CONCAT(STR({node}), '#'))) ?s ?p ?o }} UNION "
        f"{{ ?s ?p {node} BIND({node} AS ?o) }} }}"
    )


def description_triples(store: Store, iri: str) -> list[ox.Triple]:
    """The triples that describe `iri` (see `description_query`), in a stable order."""
    data = store.query_bytes(description_query(iri), "application/n-triples")
    return sorted(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)), key=str)


def term_view(
    term: ox.NamedNode | ox.BlankNode | ox.Literal, labels: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """How the HTML page shows one RDF term."""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        return {
            "kind": "iri",
            "iri": iri,
            "text": pick_label(labels.get(iri, {})) or curie(iri),
            "curie": curie(iri),
            "href": href_of(iri) or (iri if re.match(r"^https?://", iri) else None),
        }
    if isinstance(term, ox.BlankNode):
        return {"kind": "bnode", "text": "_:" + term.value}
    lang = term.language
    datatype = None if lang else curie(term.datatype.value)
    return {"kind": "literal", "text": term.value, "lang": lang, "datatype": datatype}


def relations(store: Store, iri: str) -> dict[str, list[dict[str, Any]]]:
    """Direct triples derived from statements (graph `derived`) and inferred from them (graph `inferred`)."""
    node = iri_ref(iri)
    graphs = f"{iri_ref(DERIVED_GRAPH)} {iri_ref(INFERRED_GRAPH)}"
    out_rows = store.select(
        f"SELECT DISTINCT ?g ?p ?x WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ {node} ?p ?x }} FILTER(isIRI(?x)) }}"
    )
    in_rows = store.select(
        f"SELECT DISTINCT ?g ?p ?x WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?x ?p {node} }} FILTER(isIRI(?x)) }}"
    )
    labels = labels_of(store, {r[k]["value"] for r in out_rows + in_rows for k in ("p", "x")})
    result: dict[str, list[dict[str, Any]]] = {"outgoing": [], "incoming": []}
    for key, rows in (("outgoing", out_rows), ("incoming", in_rows)):
        seen = set()
        for row in rows:
            p, x, g = row["p"]["value"], row["x"]["value"], row["g"]["value"]
            if (p, x) in seen:
                continue
            seen.add((p, x))
            result[key].append(
                {
                    "property": {
                        "iri": p,
                        "text": pick_label(labels.get(p, {})) or curie(p),
                        "href": href_of(p),
                    },
                    "other": {
                        "iri": x,
                        "text": pick_label(labels.get(x, {})) or curie(x),
                        "href": href_of(x),
                    },
                    "inferred": g.endswith("/inferred"),
                }
            )
        result[key].sort(key=lambda r: (r["property"]["text"], r["other"]["text"]))
    return result


def page_for(store: Store, settings: Settings, iri: str, triples: list[ox.Triple]) -> dict[str, Any]:
    """Everything the entity template shows for one IRI but the links to its other formats and whether the
    small map's script is built (the router adds those)."""
    mentioned = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    mentioned |= {t.predicate.value for t in triples}
    mentioned |= {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    labels = labels_of(store, mentioned)
    outgoing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    fragments: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    incoming: list[dict[str, Any]] = []
    for triple in triples:
        subject = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else None
        if subject == iri:
            outgoing[curie(triple.predicate.value)].append(term_view(triple.object, labels))
        elif isinstance(triple.object, ox.NamedNode) and triple.object.value == iri and subject != iri:
            incoming.append(
                {
                    "subject": term_view(triple.subject, labels),
                    "property": term_view(triple.predicate, labels),
                }
            )
        else:
            name = subject or "_:" + triple.subject.value
            fragments[name][curie(triple.predicate.value)].append(term_view(triple.object, labels))
    desc = describe(store, [iri])[iri]
    types = sorted(t["value"] for t in desc.get(RDF_TYPE, []))
    type_names = {local_name(t) for t in types}
    own_labels = labels.get(iri, {})
    context: dict[str, Any] = {
        "iri": iri,
        "label": pick_label(own_labels) or slug_of(iri),
        "labels": sorted(own_labels.items()),
        "types": [term_view(ox.NamedNode(t), labels) for t in types],
        "outgoing": sorted(outgoing.items()),
        "fragments": {k: sorted(v.items()) for k, v in sorted(fragments.items())},
        "incoming": sorted(incoming, key=lambda r: (r["property"]["text"], r["subject"]["text"])),
        "links": external_links(desc),
        "path": "/id/" + slug_of(iri),
        "facts": None,
        "item": None,
        "source": None,
        "relations": None,
        "evidence": None,
    }
    if type_names & {"Statement", "Evidenced", "Quantity"} or _is_event(desc):
        found = evidenced_details(store, settings, [iri])
        context["item"] = found[0] if found else None
    elif "Evidence" in type_names:
        context["evidence"] = _evidence_page(store, settings, iri)
    elif "SourceDocument" in type_names:
        context["source"] = _source_page(store, settings, iri, desc)
    elif iri.startswith(RES) and not iri.startswith(RES + "time/"):
        facts = entity_facts(store, settings, iri)
        context["facts"] = facts
        context["relations"] = relations(store, iri)
        if facts:
            context["aliases"] = facts["aliases"]
            context["description"] = facts["description"]
    return context


def _is_event(desc: dict[str, list[dict[str, str]]]) -> bool:
    return bool(desc.get(KG + "stance")) and bool(desc.get(KG + "hasEvidence"))


def _evidence_page(store: Store, settings: Settings, iri: str) -> dict[str, Any]:
    """The quote of one evidence node inside its paragraph, and what it supports."""
    rows = store.select(
        PREFIXES + f"SELECT ?item WHERE {{ ?item kg:hasEvidence {iri_ref(iri)} }} ORDER BY ?item"
    )
    items = evidenced_details(store, settings, [r["item"]["value"] for r in rows], with_contradictions=False)
    for item in items:
        item["evidence"] = [e for e in item["evidence"] if e["iri"] == iri]
    return {"items": items}


def _source_page(
    store: Store, settings: Settings, iri: str, desc: dict[str, list[dict[str, str]]]
) -> dict[str, Any]:
    """A source document: its metadata, its text cut into paragraphs, and how many facts it holds."""
    text_file = (desc.get(KG + "textFile") or [{}])[0].get("value")
    text = source_text(settings, text_file)
    rows = store.select(
        PREFIXES
        + f"SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE {{ ?item kg:hasEvidence/oa:hasSource {iri_ref(iri)} }}"
    )
    count = int(rows[0]["n"]["value"]) if rows else 0
    return {
        "textFile": text_file,
        "paragraphs": [p for p in (text or "").split("\n") if p.strip()],
        "facts": count,
    }
