"""Finding entities by name for the browser's search box (`/api/search`)."""

from collections import defaultdict
from typing import Any

from api.pagedata.terms import (
    kind_of,
    labels_of,
    local_name,
    pick_label,
    slug_of,
    values,
)
from kg.name_index import MATCHES, PREDICATES, Match, names_of
from kg.store import Store


def search(store: Store, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Entities with a label, alias or metonym in any language holding the words of `text`, best first.

    Names are compared as kg/names.py normalises them, through the store's name index: entities come in the
    index's order (kg/name_index.py), and types are read a page at a time until `limit` nodes are found.
    """

    def rank(match: Match) -> int:  # exact 0, prefix 2, word start 4, inside 6, apart 8; +1 for other names
        return list(MATCHES).index(match.match) * 2 + (0 if match.name.is_label else 1)

    matches = names_of(store).search(text)
    hits: list[dict[str, Any]] = []
    for start in range(0, len(matches), 100):
        page = {match.entity: match for match in matches[start : start + 100]}
        types: dict[str, set[str]] = defaultdict(set)
        for row in store.select(f"SELECT ?e ?t WHERE {{ VALUES ?e {{ {values(page)} }} ?e a ?t }}"):
            types[row["e"]["value"]].add(local_name(row["t"]["value"]))
        labels = labels_of(store, page)
        for iri, match in page.items():
            kind = kind_of(types[iri])
            if kind is not None:
                hits.append(
                    {
                        "id": slug_of(iri),
                        "iri": iri,
                        "label": pick_label(labels.get(iri, {})) or match.name.text,
                        "matched": match.name.text,
                        "lang": match.name.language,
                        "via": local_name(PREDICATES[match.name.kind]),
                        "kind": kind,
                        "rank": rank(match),
                    }
                )
        following = matches[start + 100 : start + 101]
        last = hits[limit - 1]["rank"] if len(hits) >= limit else None  # the page order is the rank order
        if last is not None and (not following or rank(following[0]) > last):
            break
    hits.sort(key=lambda h: (h["rank"], h["label"].lower()))
    return hits[:limit]
