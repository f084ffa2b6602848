"""The sources of the graph and their texts, for the source view (`/sources`, `/api/sources`).

A source's text is sent whole with the quotes already in the graph: each a span of code point offsets
(https://www.w3.org/TR/annotation-model/#text-position-selector) and the fact it supports, so the page can mark
them. An unknown source raises `kg.errors.NotInGraph` (404).
"""

from typing import Any

from api.pagedata.facts import source_text
from api.pagedata.terms import (
    PREFIXES,
    date_only,
    href_of,
    iri_ref,
    labels_of,
    local_name,
    pick_label,
    slug_of,
    val,
)
from kg.errors import NotInGraph
from kg.settings import Settings
from kg.store import Store

SOURCES_QUERY = (
    PREFIXES
    + """SELECT ?source ?id ?title ?date ?textFile WHERE {
  ?source a kg:SourceDocument ; dcterms:identifier ?id .
  OPTIONAL { ?source dcterms:title ?title } OPTIONAL { ?source dcterms:date ?date }
  OPTIONAL { ?source kg:textFile ?textFile }
} ORDER BY ?id"""
)


def source_list(store: Store, settings: Settings) -> list[dict[str, Any]]:
    """Every source document: id, title, date, links; `annotatable` when it has a facts file to write to."""
    found: dict[str, dict[str, Any]] = {}
    for row in store.select(SOURCES_QUERY):
        source_id = val(row, "id") or ""
        if source_id in found:
            continue
        found[source_id] = {
            "id": source_id,
            "iri": val(row, "source"),
            "title": val(row, "title") or source_id,
            "date": date_only(val(row, "date")),
            "textFile": val(row, "textFile"),
            "href": href_of(val(row, "source") or ""),
            "annotatable": (settings.facts_dir / "sources" / f"{source_id}.yaml").is_file(),
        }
    return list(found.values())


def source_with_quotes(store: Store, settings: Settings, source_id: str) -> dict[str, Any]:
    """A source's text, with every quote the graph holds from it (offsets and the fact each supports)."""
    source = next((s for s in source_list(store, settings) if s["id"] == source_id), None)
    if source is None:
        raise NotInGraph(f"no source {source_id}")
    text = source_text(settings, source["textFile"])
    return {**source, "text": text, "quotes": quotes_of(store, source["iri"]) if text is not None else []}


def quotes_of(store: Store, source_iri: str) -> list[dict[str, Any]]:
    """The quotes of one source, in text order: offsets, the fact they support, and its label and kind."""
    rows = store.select(
        PREFIXES
        + f"""SELECT ?evidence ?fact ?start ?end ?type WHERE {{
      ?evidence oa:hasSource {iri_ref(source_iri)} ; oa:hasSelector ?selector .
      ?selector oa:start ?start ; oa:end ?end .
      ?fact kg:hasEvidence ?evidence .
      OPTIONAL {{ ?fact a ?type FILTER (?type IN (kg:Statement, kg:Quantity, kg:NameAttestation)) }}
    }}"""
    )
    facts = {val(row, "fact") or "" for row in rows}
    labels = labels_of(store, facts)
    quotes: dict[str, dict[str, Any]] = {}
    for row in rows:
        fact = val(row, "fact") or ""
        kind = local_name(val(row, "type") or "") or "Event"
        quotes[val(row, "evidence") or ""] = {
            "start": int(val(row, "start") or 0),
            "end": int(val(row, "end") or 0),
            "fact": {
                "id": slug_of(fact),
                "iri": fact,
                "href": href_of(fact),
                "label": pick_label(labels.get(fact, {})) or slug_of(fact),
                "kind": {"Statement": "statement", "Quantity": "quantity", "NameAttestation": "name"}.get(
                    kind, "event"
                ),
            },
        }
    return sorted(quotes.values(), key=lambda q: (q["start"], q["end"]))
