"""Finding entities by name for the browser's search box (`/api/search`)."""

from collections import defaultdict
from typing import Any

from api.pagedata.terms import (
    LABEL_PROPS,
    PREFIXES,
    RES,
    kind_of,
    labels_of,
    local_name,
    pick_label,
    slug_of,
    sparql_string,
    values,
)
from kg.store import Store


def search(store: Store, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Entities whose label, alias or metonym in any language contains `text` (case-insensitive), best first."""
    needle = text.strip().lower()
    if not needle:
        return []
    rows = store.select(
        PREFIXES + "SELECT ?e ?p ?l WHERE { ?e ?p ?l "
        "FILTER(?p IN (rdfs:label, skos:prefLabel, skos:altLabel, kg:metonym) && isLiteral(?l) "
        f"&& STRSTARTS(STR(?e), {sparql_string(RES)}) && CONTAINS(LCASE(STR(?l)), {sparql_string(needle)})) }}"
    )
    candidates: dict[str, tuple[int, str, str, str]] = {}
    for row in rows:
        iri, label, lang = row["e"]["value"], row["l"]["value"], row["l"].get("xml:lang", "")
        low = label.lower()
        rank = 0 if low == needle else 1 if low.startswith(needle) else 2
        rank = rank * 2 + (0 if row["p"]["value"] in LABEL_PROPS else 1)
        best = candidates.get(iri)
        if best is None or (rank, label) < best[:2]:
            candidates[iri] = (rank, label, lang, row["p"]["value"])
    if not candidates:
        return []
    types: dict[str, set[str]] = defaultdict(set)
    for row in store.select(f"SELECT ?e ?t WHERE {{ VALUES ?e {{ {values(candidates)} }} ?e a ?t }}"):
        types[row["e"]["value"]].add(local_name(row["t"]["value"]))
    labels = labels_of(store, candidates)
    hits = []
    for iri, (rank, matched, lang, prop) in candidates.items():
        kind = kind_of(types[iri])
        if kind is None:
            continue
        label = pick_label(labels.get(iri, {})) or matched
        hits.append(
            {
                "id": slug_of(iri),
                "iri": iri,
                "label": label,
                "matched": matched,
                "lang": lang,
                "via": local_name(prop),
                "kind": kind,
                "rank": rank,
            }
        )
    hits.sort(key=lambda h: (h["rank"], h["label"].lower()))
    return hits[:limit]
