"""Facts with their evidence, as the evidence panel and the entity pages show them: a statement, event or
quantity with each quote inside its paragraph, who says it, when, and what contradicts or closes it; an entity
with its labels, kinds, external links, coordinates and every fact that names it.

Offsets of quotes are code points (https://www.w3.org/TR/annotation-model/#text-position-selector): the
paragraph is sent already cut into `before`, `exact` and `after` so that JavaScript's UTF-16 strings never have
to count code points. An id the graph knows nothing about raises `kg.errors.NotInGraph` (404 through the
application's one error handler).
"""

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from api.pagedata.terms import (
    BASE,
    DCTERMS,
    KG,
    OA,
    OWL,
    PREFIXES,
    PROV,
    RDF_TYPE,
    RDFS,
    SKOS,
    date_only,
    describe,
    href_of,
    iri_of,
    iri_ref,
    kind_of,
    labels_of,
    local_name,
    pick_label,
    ref,
    slug_of,
    values,
)
from kg.enrich import map_point
from kg.errors import NotInGraph
from kg.quotes import paragraph_around
from kg.settings import Settings
from kg.store import Store

ALIAS_PROPS = (SKOS + "altLabel", KG + "metonym")
LINK_PROPS = (
    OWL + "sameAs",
    SKOS + "exactMatch",
    SKOS + "closeMatch",
    RDFS + "seeAlso",
    "https://schema.org/sameAs",
)


def statement_by_id(store: Store, settings: Settings, slug_or_iri: str) -> dict[str, Any]:
    """The statement, event or quantity with this id (slug or IRI) and its quotes; `NotInGraph` if none."""
    found = evidenced_details(store, settings, [iri_of(slug_or_iri)])
    if not found:
        raise NotInGraph(f"no statement, event or quantity {slug_or_iri}")
    return found[0]


def entity_by_id(store: Store, settings: Settings, slug_or_iri: str) -> dict[str, Any]:
    """The entity with this id (slug or IRI) and every fact naming it; `NotInGraph` if the graph has none."""
    found = entity_facts(store, settings, iri_of(slug_or_iri))
    if found is None:
        raise NotInGraph(f"no entity {slug_or_iri}")
    return found


def _first(desc: dict[str, list[dict[str, str]]], prop: str) -> str | None:
    terms = desc.get(prop) or []
    return terms[0]["value"] if terms else None


def _all(desc: dict[str, list[dict[str, str]]], prop: str) -> list[str]:
    return sorted(t["value"] for t in desc.get(prop) or [])


@lru_cache(maxsize=64)
def _read_text(path: Path, mtime_ns: int) -> str:
    """A source text, cached until the file changes (mtime is part of the key)."""
    return path.read_text(encoding="utf-8")


def source_text(settings: Settings, text_file: str | None) -> str | None:
    """The text of a source document named by its `kg:textFile`, only from inside `seeds/`."""
    if not text_file:
        return None
    seeds = settings.seeds_dir.resolve()
    path = (settings.project_dir / text_file).resolve()
    if not path.is_relative_to(seeds) or not path.is_file():
        return None
    return _read_text(path, path.stat().st_mtime_ns)


def quote_in_paragraph(
    text: str | None, exact: str | None, start: int | None, end: int | None
) -> dict[str, Any] | None:
    """The paragraph holding the quote, cut into before / exact / after; None when the quote is not found.

    The offsets are trusted only when `text[start:end]` is the quote; otherwise the first occurrence is used.

    >>> quote_in_paragraph("One.\\nRussia backs the regime.\\nTwo.", "backs", 12, 17)
    {'before': 'Russia ', 'exact': 'backs', 'after': ' the regime.', 'start': 5, 'verified': True}
    """
    if text is None or not exact:
        return None
    verified = start is not None and end is not None and text[start:end] == exact
    if not verified:
        found = text.find(exact)
        if found < 0:
            return None
        start, end = found, found + len(exact)
    assert start is not None and end is not None
    paragraph, para_start = paragraph_around(text, start, end)
    cut_start, cut_end = start - para_start, end - para_start
    return {
        "before": paragraph[:cut_start],
        "exact": paragraph[cut_start:cut_end],
        "after": paragraph[cut_end:],
        "start": para_start,
        "verified": verified,
    }


def evidenced_details(
    store: Store, settings: Settings, iris: list[str], *, with_contradictions: bool = True
) -> list[dict[str, Any]]:
    """Statements, events or quantities with everything the evidence panel shows, in the order asked."""
    iris = [i for i in dict.fromkeys(iris)]
    if not iris:
        return []
    items = describe(store, iris)
    evidence_iris = {e for d in items.values() for e in _all(d, KG + "hasEvidence")}
    time_iris = {t for d in items.values() for t in _all(d, KG + "during")}
    evidence = describe(store, evidence_iris | time_iris)
    selector_iris = {s for e in evidence_iris for s in _all(evidence[e], OA + "hasSelector")}
    source_iris = {s for e in evidence_iris for s in _all(evidence[e], OA + "hasSource")}
    second = describe(store, selector_iris | source_iris)
    linked: set[str] = set()
    for desc in items.values():
        for prop, terms in desc.items():
            if prop != RDF_TYPE:
                linked |= {t["value"] for t in terms if t["type"] == "uri"}
    linked |= {b for e in evidence_iris for b in _all(evidence[e], PROV + "wasAttributedTo")}
    closed_by: dict[str, list[str]] = defaultdict(list)
    for row in store.select(
        PREFIXES
        + f"SELECT ?x ?later WHERE {{ VALUES ?x {{ {values(iris)} }} ?later kg:closes ?x }} ORDER BY ?later"
    ):
        closed_by[row["x"]["value"]].append(row["later"]["value"])
    linked |= {later for found in closed_by.values() for later in found}
    labels = labels_of(store, linked | set(iris))
    out = []
    for iri in iris:
        desc = items[iri]
        if not desc:
            continue
        types = {local_name(t) for t in _all(desc, RDF_TYPE)}
        kind = "statement" if "Statement" in types else "quantity" if "Quantity" in types else "event"
        item: dict[str, Any] = {
            "id": slug_of(iri),
            "iri": iri,
            "href": href_of(iri),
            "kind": kind,
            "label": pick_label(labels.get(iri, {})),
            "types": sorted(types),
            "stance": _stance(desc, labels),
            "by": _ref_or_none(_first(desc, PROV + "wasAttributedTo"), labels),
            "statedOn": date_only(_first(desc, KG + "statedOn")),
            "observedOn": sorted({date_only(d) for d in _all(desc, KG + "observedOn")} - {None}),
            "note": _first(desc, RDFS + "comment"),
            "context": _ref_or_none(_first(desc, KG + "context"), labels),
        }
        time_iri = _first(desc, KG + "during")
        if time_iri:
            item["during"] = {
                "from": date_only(_first(evidence[time_iri], KG + "fromDate")),
                "until": date_only(_first(evidence[time_iri], KG + "untilDate")),
                "iri": time_iri,
                "href": href_of(time_iri),
            }
        if kind == "statement":
            # when it holds by the as-of rule (graph/timeline, kg/asof.py), and what ended it
            item["holds"] = {
                "from": date_only(_first(desc, KG + "holdsFrom")),
                "until": date_only(_first(desc, KG + "holdsTo")),
            }
            for key in ("supersededBy", "disputedWith"):
                item[key] = [ref(o, labels) for o in _all(desc, KG + key)]
            rt = _first(desc, KG + "relationType")
            item["subject"] = _ref_or_none(_first(desc, KG + "subject"), labels)
            item["object"] = _ref_or_none(_first(desc, KG + "object"), labels)
            item["relation"] = _ref_or_none(rt, labels)
            item["subjectMention"] = _first(desc, KG + "subjectMention")
            item["objectMention"] = _first(desc, KG + "objectMention")
        elif kind == "event":
            event_types = sorted(types - {"Event", "Evidenced"})
            item["eventType"] = event_types[0] if event_types else "Event"
            for key, prop in (("agents", "agent"), ("participants", "hasParticipant"), ("targets", "target"),
                              ("places", "place"), ("partOf", "subEventOf")):  # fmt: skip
                item[key] = [ref(v, labels) for v in _all(desc, KG + prop)]
        else:
            item["value"] = _first(desc, KG + "numericValue")
            for key, prop in (("quantityKind", "quantityKind"), ("unit", "unit"), ("qualifier", "qualifier"),
                              ("quantifies", "quantifies")):  # fmt: skip
                item[key] = _ref_or_none(_first(desc, KG + prop), labels)
        item["evidence"] = [
            _evidence(settings, e, evidence, second, labels) for e in _all(desc, KG + "hasEvidence")
        ]
        item["closes"] = [ref(o, labels) for o in _all(desc, KG + "closes")]
        item["closedBy"] = [ref(o, labels) for o in closed_by.get(iri, [])]
        item["contradicts"] = []
        if with_contradictions:
            others = [o for o in _all(desc, KG + "contradicts") if o != iri]
            item["contradicts"] = evidenced_details(store, settings, others, with_contradictions=False)
        else:
            item["contradicts"] = [{"id": slug_of(o), "iri": o} for o in _all(desc, KG + "contradicts")]
        out.append(item)
    return out


def _ref_or_none(iri: str | None, labels: dict[str, dict[str, str]]) -> dict[str, Any] | None:
    return ref(iri, labels) if iri else None


def _stance(
    desc: dict[str, list[dict[str, str]]], labels: dict[str, dict[str, str]]
) -> dict[str, Any] | None:
    iri = _first(desc, KG + "stance")
    if not iri:
        return None
    return {
        "id": local_name(iri).lower(),
        "label": pick_label(labels.get(iri, {})) or local_name(iri).lower(),
    }


def _evidence(
    settings: Settings,
    iri: str,
    evidence: dict[str, dict[str, list[dict[str, str]]]],
    second: dict[str, dict[str, list[dict[str, str]]]],
    labels: dict[str, dict[str, str]],
) -> dict[str, Any]:
    desc = evidence.get(iri, {})
    speaker = _first(desc, PROV + "wasAttributedTo")
    exact = prefix = suffix = None
    start = end = None
    for selector in _all(desc, OA + "hasSelector"):
        sel = second.get(selector, {})
        exact = exact or _first(sel, OA + "exact")
        prefix = prefix or _first(sel, OA + "prefix")
        suffix = suffix or _first(sel, OA + "suffix")
        if _first(sel, OA + "start") is not None:
            start, end = int(_first(sel, OA + "start") or 0), int(_first(sel, OA + "end") or 0)
    source_iri = _first(desc, OA + "hasSource")
    source: dict[str, Any] | None = None
    text = None
    if source_iri:
        src = second.get(source_iri, {})
        text_file = _first(src, KG + "textFile")
        source = {
            "iri": source_iri,
            "id": _first(src, DCTERMS + "identifier") or slug_of(source_iri),
            "title": _first(src, DCTERMS + "title"),
            "date": date_only(_first(src, DCTERMS + "date")),
            "href": href_of(source_iri),
            "textFile": text_file,
        }
        text = source_text(settings, text_file)
    return {
        "iri": iri,
        "href": href_of(iri),
        "exact": exact,
        "prefix": prefix,
        "suffix": suffix,
        "start": start,
        "end": end,
        "source": source,
        "by": ref(speaker, labels) if speaker else None,
        "paragraph": quote_in_paragraph(text, exact, start, end),
    }


def external_links(desc: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    """Links to other datasets (owl:sameAs, skos:exactMatch, ...), with a readable name for known hosts."""
    links = []
    for prop in LINK_PROPS:
        for iri in _all(desc, prop):
            if iri.startswith(BASE) or not re.match(r"^https?://", iri):
                continue
            host = re.sub(r"^https?://(www\.)?", "", iri).split("/")[0]
            name = "Wikidata " + local_name(iri) if host == "wikidata.org" else host
            links.append({"iri": iri, "label": name, "property": local_name(prop)})
    return links


def entity_facts(store: Store, settings: Settings, iri: str) -> dict[str, Any] | None:
    """An entity with its labels, kinds, links and every fact naming it (each with its quotes)."""
    desc = describe(store, [iri])[iri]
    if not desc:
        return None
    rows = store.select(
        PREFIXES + f"SELECT DISTINCT ?item ?role WHERE {{ "
        f"{{ ?item kg:subject {iri_ref(iri)} BIND('subject' AS ?role) }} UNION "
        f"{{ ?item kg:object {iri_ref(iri)} BIND('object' AS ?role) }} UNION "
        f"{{ ?item kg:agent {iri_ref(iri)} BIND('agent' AS ?role) }} UNION "
        f"{{ ?item kg:hasParticipant {iri_ref(iri)} BIND('participant' AS ?role) }} UNION "
        f"{{ ?item kg:target {iri_ref(iri)} BIND('target' AS ?role) }} UNION "
        f"{{ ?item kg:place {iri_ref(iri)} BIND('place' AS ?role) }} UNION "
        f"{{ ?item kg:quantifies {iri_ref(iri)} BIND('quantified' AS ?role) }} UNION "
        f"{{ ?item prov:wasAttributedTo {iri_ref(iri)} ; kg:hasEvidence ?e BIND('says' AS ?role) }} "
        f"FILTER EXISTS {{ ?item kg:stance ?stance }} }} ORDER BY ?item"
    )
    roles: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        roles[row["item"]["value"]].append(row["role"]["value"])
    about = [i for i in roles if roles[i] != ["says"]]
    says = [i for i in roles if roles[i] == ["says"]]
    items = evidenced_details(store, settings, about + says)
    for item in items:
        item["roles"] = roles[item["iri"]]
    types = {local_name(t) for t in _all(desc, RDF_TYPE)}
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for prop in (RDFS + "label", SKOS + "prefLabel"):
        for term in desc.get(prop, []):
            labels[prop][term.get("xml:lang", "")] = term["value"]
    all_labels = {**labels[RDFS + "label"], **labels[SKOS + "prefLabel"]}
    return {
        "id": slug_of(iri),
        "iri": iri,
        "href": href_of(iri),
        "label": pick_label(all_labels) or local_name(iri),
        "labels": dict(sorted(all_labels.items())),
        "aliases": [
            {
                "text": t["value"],
                "lang": t.get("xml:lang", ""),
                "kind": "metonym" if p == KG + "metonym" else "alias",
            }
            for p in ALIAS_PROPS
            for t in desc.get(p, [])
        ],
        "description": _first(desc, RDFS + "comment") or _first(desc, SKOS + "definition"),
        "types": sorted(types),
        "kind": kind_of(types),
        "links": external_links(desc),
        "facts": [i for i in items if "says" not in i["roles"] or len(i["roles"]) > 1],
        "says": [i for i in items if i["roles"] == ["says"]],
        "coordinates": _coordinates(store, iri),
    }


def _coordinates(store: Store, iri: str) -> dict[str, Any] | None:
    """The entity's point from the enrichment graph (`kg enrich`), for the small map; None without one."""
    point = map_point(store, iri)
    return point.as_json() if point else None
