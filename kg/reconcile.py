"""The W3C Reconciliation Service API over our actors and places, so that a spreadsheet of names can be
matched to our IRIs (for instance from OpenRefine).

This module holds the logic; `api/routers/reconcile.py` exposes it at `/reconcile`. It follows the Entity
Reconciliation Community Group's report, version 0.2
(https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/):

- service manifest (section "Service Manifest"): `versions`, `name`, `identifierSpace`, `schemaSpace`,
  `defaultTypes`, `view`, `preview`, `suggest`, `batchSize`;
- reconciliation query batches and result batches (sections "Reconciliation Queries" and "Reconciliation Query
  Responses"): candidates with `id`, `name`, `description`, `type`, `score` (0 to 100), `features`, `match`;
- suggest services for entities, types and properties (`prefix`, `cursor`) and HTML previews.

Identifiers are our slugs: the IRI of a candidate is the identifier space followed by its id
(`https://w3id.org/syria-kg/id/` + `russia`). Types are our ontology classes (`ArmedGroup`, `City`, …) under
the schema space `https://w3id.org/syria-kg/ontology#`.
"""

import difflib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.errors import InputError
from kg.links import WD, WIKIDATA_ID
from kg.name_index import names_of
from kg.names import normalise
from kg.sparql_text import iri_ref
from kg.store import Store
from kg.vocab import KG, LINKS_GRAPH, RES, sparql_prefixes

IDENTIFIER_SPACE = str(RES)
SCHEMA_SPACE = str(KG._NS)
ROOT_TYPES = ("Actor", "Place")
SKIPPED_TYPES = ("UnnamedSource",)
BATCH_SIZE = 50
DEFAULT_LIMIT = 5
SUGGEST_PAGE = 10
MIN_SCORE = 60.0
MATCH_SCORE = 95.0
PROPERTIES = {
    "wikidata": ("Wikidata item", "The Wikidata item (Q-id or entity IRI) the entity is linked to."),
    "locatedIn": ("located in", "A place (our id or its name) the entity is located in."),
    "alias": ("other name", "Another name of the entity, in any language."),
}
CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$")


@dataclass
class Record:
    """An actor or place as the reconciliation service sees it."""

    id: str
    labels: dict[str, str] = field(default_factory=dict)  # language -> preferred label
    aliases: list[str] = field(default_factory=list)
    metonyms: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    description: str = ""
    wikidata: set[str] = field(default_factory=set)  # Q-ids
    located_in: set[str] = field(default_factory=set)  # our ids

    @property
    def name(self) -> str:
        """The English label, else any label, else the id."""
        return self.labels.get("en") or next(iter(self.labels.values()), self.id)


@dataclass
class TypeInfo:
    """One of our classes offered as a reconciliation type."""

    id: str
    name: str
    ancestors: set[str]  # itself and every superclass, by local name


@dataclass
class Index:
    """Everything the service answers from, read from the store in a few queries."""

    records: dict[str, Record]
    types: dict[str, TypeInfo]

    @classmethod
    def from_store(cls, store: Store) -> "Index":
        """Actors and places with their types, links and locations; their names from the name index."""
        prefix = sparql_prefixes("kg", "rdfs", "skos")
        roots = " ".join(f"kg:{t}" for t in ROOT_TYPES)
        type_rows = store.select(
            prefix
            + f"""SELECT ?type ?super ?label WHERE {{
  ?type rdfs:subClassOf* ?root VALUES ?root {{ {roots} }}
  ?type rdfs:subClassOf* ?super
  FILTER (STRSTARTS(STR(?type), "{KG._NS}") && STRSTARTS(STR(?super), "{KG._NS}"))
  OPTIONAL {{ ?type rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }}
}}"""
        )
        types: dict[str, TypeInfo] = {}
        for row in type_rows:
            local = _local(row["type"]["value"])
            if local in SKIPPED_TYPES:
                continue
            info = types.setdefault(local, TypeInfo(local, local, {local}))
            info.ancestors.add(_local(row["super"]["value"]))
            if "label" in row:
                info.name = row["label"]["value"]
        records: dict[str, Record] = {}
        if not types:
            return cls(records, types)
        values = " ".join(f"kg:{t}" for t in types)
        skipped = ", ".join(f"kg:{t}" for t in SKIPPED_TYPES)
        for row in store.select(
            prefix
            + f"""SELECT DISTINCT ?e ?type WHERE {{
  ?e a ?type VALUES ?type {{ {values} }}
  # The most specific types: the inferred graph also types each entity with every superclass.
  FILTER NOT EXISTS {{ ?e a ?narrower . ?narrower rdfs:subClassOf+ ?type }}
  FILTER (STRSTARTS(STR(?e), "{RES}"))
  FILTER NOT EXISTS {{ ?e a ?skip FILTER (?skip IN ({skipped})) }}
}}"""
        ):
            record = records.setdefault(_slug(row["e"]["value"]), Record(_slug(row["e"]["value"])))
            local = _local(row["type"]["value"])
            if local not in record.types:
                record.types.append(local)
        if not records:
            return cls(records, types)
        entities = " ".join(iri_ref(RES[slug]) for slug in records)
        for row in store.select(
            prefix
            + f"""SELECT ?e ?p ?o WHERE {{
  VALUES ?e {{ {entities} }}
  VALUES ?p {{ rdfs:comment kg:locatedIn }}
  ?e ?p ?o
}}"""
        ):
            record = records[_slug(row["e"]["value"])]
            predicate, value = row["p"]["value"], row["o"]["value"]
            if predicate.endswith("comment"):
                record.description = record.description or value
            elif value.startswith(str(RES)):
                record.located_in.add(_slug(value))
        for name in sorted(names_of(store), key=lambda n: (n.kind != "prefLabel", n)):
            record = records.get(_slug(name.entity))
            if record is None:
                continue
            if name.kind == "alias":
                record.aliases.append(name.text)
            elif name.kind == "metonym":
                record.metonyms.append(name.text)
            else:
                record.labels.setdefault(name.language, name.text)
        for row in store.select(
            f"""SELECT ?e ?item WHERE {{ GRAPH <{LINKS_GRAPH}> {{ VALUES ?e {{ {entities} }} ?e ?p ?item
  FILTER (STRSTARTS(STR(?item), "{WD}Q")) }} }}"""
        ):
            records[_slug(row["e"]["value"])].wikidata.add(row["item"]["value"][len(str(WD)) :])
        for record in records.values():
            record.types.sort()
            record.aliases = list(dict.fromkeys(record.aliases))
        return cls(records, types)

    # ---------------------------------------------------------------- reconciliation

    def reconcile(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """The ranked candidates of one reconciliation query (section "Reconciliation Query Responses")."""
        text = query.get("query")
        if text is not None and not isinstance(text, str):
            raise InputError("'query' must be a string")
        wanted_types = _as_list(query.get("type"))
        unknown = [t for t in wanted_types if _type_id(t) not in self.types]
        if unknown:
            raise InputError(f"unknown type(s) {', '.join(unknown)}; see /reconcile/suggest/type")
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise InputError("'limit' must be a positive integer")
        properties = query.get("properties") or []
        if not isinstance(properties, list):
            raise InputError("'properties' must be a list of {pid, v} objects")
        for prop in properties:
            if not isinstance(prop, dict) or prop.get("pid") not in PROPERTIES or "v" not in prop:
                raise InputError(f"properties: each item needs a pid among {', '.join(PROPERTIES)} and a v")
        if not text and not properties:
            raise InputError("a reconciliation query needs a 'query' or 'properties'")
        results = []
        for record in self.records.values():
            if wanted_types and not any(self._is_a(record, _type_id(t)) for t in wanted_types):
                continue
            name_score = self._name_score(record, text) if text else 100.0
            features: list[dict[str, Any]] = [{"id": "name", "value": round(name_score, 1)}]
            score, any_matched = name_score, False
            for prop in properties:
                matched = self._property_matches(record, prop["pid"], _as_list(prop["v"]))
                features.append({"id": f"property_{prop['pid']}", "value": matched})
                score = score + 10 if matched else score - 30
                any_matched = any_matched or matched
            score = max(0.0, min(100.0, score))
            # A matching property keeps a candidate whose name alone would be too far from the query.
            if score < MIN_SCORE and not any_matched:
                continue
            results.append((score, record, features))
        results.sort(key=lambda r: (-r[0], r[1].id))
        top = results[:limit]
        strong = [r for r in results if r[0] >= MATCH_SCORE]
        return [
            {
                "id": record.id,
                "name": record.name,
                "description": record.description,
                "type": [{"id": t, "name": self.types[t].name} for t in record.types if t in self.types],
                "score": round(score, 1),
                "features": features,
                "match": index == 0 and len(strong) == 1 and score >= MATCH_SCORE,
            }
            for index, (score, record, features) in enumerate(top)
        ]

    def reconcile_batch(self, batch: Any) -> dict[str, Any]:
        """Answer a reconciliation query batch: an object of queries keyed by client-chosen ids."""
        if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
            raise InputError("'queries' must be a JSON object of reconciliation queries")
        return {key: {"result": self.reconcile(query)} for key, query in batch.items()}

    def _is_a(self, record: Record, type_id: str) -> bool:
        return any(type_id in self.types[t].ancestors for t in record.types if t in self.types)

    def _name_score(self, record: Record, text: str) -> float:
        wanted = normalise(text)
        if not wanted:
            return 0.0
        if text.strip() in (record.id, f"{IDENTIFIER_SPACE}{record.id}"):
            return 100.0
        best = 0.0
        for names, exact in (
            (record.labels.values(), 100.0),
            (record.aliases, 95.0),
            (record.metonyms, 80.0),
        ):
            for name in names:
                have = normalise(name)
                if have == wanted:
                    best = max(best, exact)
                    continue
                ratio = difflib.SequenceMatcher(None, wanted, have).ratio()
                if set(wanted.split()) <= set(have.split()):
                    # every word of the query is a word of the name ("Homs" in "Homs province")
                    ratio = max(ratio, 0.7 + 0.3 * len(wanted) / len(have))
                best = max(best, ratio * exact * 0.9)
        return best

    def _property_matches(self, record: Record, pid: str, values: list[Any]) -> bool:
        for value in values:
            raw = value.get("id") or value.get("name") if isinstance(value, dict) else value
            text = str(raw).strip()
            if pid == "wikidata":
                qid = text.rsplit("/", 1)[-1]
                if WIKIDATA_ID.match(qid) and qid in record.wikidata:
                    return True
            elif pid == "locatedIn":
                slug = text[len(IDENTIFIER_SPACE) :] if text.startswith(IDENTIFIER_SPACE) else text
                if slug in record.located_in:
                    return True
                places = [self.records[p] for p in record.located_in if p in self.records]
                if any(self._name_score(place, text) >= MATCH_SCORE for place in places):
                    return True
            elif pid == "alias":
                wanted = normalise(text)
                names = [*record.labels.values(), *record.aliases, *record.metonyms]
                if wanted and any(normalise(n) == wanted for n in names):
                    return True
        return False

    # ---------------------------------------------------------------- suggest and preview

    def suggest_entities(self, prefix: str, cursor: int = 0) -> list[dict[str, Any]]:
        """Entities whose id, or a word of one of whose names, starts with the prefix (section "Suggest Services")."""
        wanted = normalise(prefix)
        ranked = []
        for record in self.records.values():
            rank = self._prefix_rank(record, wanted, prefix.strip())
            if rank is not None:
                ranked.append((rank, record.name.casefold(), record))
        ranked.sort(key=lambda r: (r[0], r[1]))
        page = ranked[cursor : cursor + SUGGEST_PAGE]
        return [
            {
                "id": record.id,
                "name": record.name,
                "description": record.description,
                "notable": [{"id": t, "name": self.types[t].name} for t in record.types if t in self.types],
            }
            for _, _, record in page
        ]

    def _prefix_rank(self, record: Record, wanted: str, raw: str) -> int | None:
        if raw and (record.id == raw or record.id.startswith(raw)):
            return 0
        if not wanted:
            return None
        best = None
        for names, base in ((record.labels.values(), 1), (record.aliases, 3), (record.metonyms, 5)):
            for name in names:
                have = normalise(name)
                if have.startswith(wanted):
                    best = min(best if best is not None else base, base)
                elif any(word.startswith(wanted) for word in have.split()):
                    best = min(best if best is not None else base + 1, base + 1)
        return best

    def suggest_types(self, prefix: str, cursor: int = 0) -> list[dict[str, str]]:
        """Our classes whose id or English label starts with the prefix (or has a word that does)."""
        wanted = normalise(prefix)
        found = [
            t
            for t in self.types.values()
            if not wanted
            or normalise(t.id).startswith(wanted)
            or any(w.startswith(wanted) for w in normalise(t.name).split())
        ]
        found.sort(key=lambda t: t.name.casefold())
        return [{"id": t.id, "name": t.name} for t in found[cursor : cursor + SUGGEST_PAGE]]

    def preview(self, record_id: str) -> str | None:
        """A small HTML page about an entity for an iframe (section "Preview Service"), or None."""
        record = self.records.get(record_id)
        if record is None:
            return None
        types = ", ".join(self.types[t].name for t in record.types if t in self.types)
        other = [name for lang, name in sorted(record.labels.items()) if name != record.name] + record.aliases
        links = "".join(
            f'<li><a href="{WD}{html.escape(q)}" target="_blank" rel="noopener">Wikidata {html.escape(q)}</a></li>'
            for q in sorted(record.wikidata)
        )
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(record.name)}</title>"
            "<style>body{font:13px/1.4 system-ui,sans-serif;margin:6px}h1{font-size:15px;margin:0}"
            "p{margin:2px 0}.t{color:#555}ul{margin:2px 0;padding-left:16px}</style></head><body>"
            f'<h1><a href="{IDENTIFIER_SPACE}{html.escape(record.id)}" target="_blank" rel="noopener">'
            f"{html.escape(record.name)}</a></h1>"
            f'<p class="t">{html.escape(types)}</p>'
            + (f"<p>{html.escape(record.description)}</p>" if record.description else "")
            + (f"<p>Also: {html.escape(', '.join(other[:8]))}</p>" if other else "")
            + (f"<ul>{links}</ul>" if links else "")
            + "</body></html>"
        )


def suggest_properties(prefix: str, cursor: int = 0) -> list[dict[str, str]]:
    """The properties a query may use, filtered by prefix."""
    wanted = normalise(prefix)
    found = [
        {"id": pid, "name": name, "description": description}
        for pid, (name, description) in PROPERTIES.items()
        if not wanted
        or normalise(pid).startswith(wanted)
        or any(w.startswith(wanted) for w in normalise(name).split())
    ]
    return found[cursor : cursor + SUGGEST_PAGE]


def manifest(service_url: str, index: Index | None = None) -> dict[str, Any]:
    """The service manifest; `service_url` is the absolute URL of `/reconcile` on this server."""
    base = service_url.rstrip("/")
    root = base.rsplit("/reconcile", 1)[0]
    default_types = [{"id": t, "name": t} for t in ROOT_TYPES]
    if index is not None:
        default_types = [{"id": t, "name": index.types[t].name} for t in ROOT_TYPES if t in index.types]
    return {
        "versions": ["0.2"],
        "name": "Syrian war knowledge graph: actors and places",
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "defaultTypes": default_types,
        "view": {"url": f"{root}/id/{{{{id}}}}"},
        "preview": {"url": f"{base}/preview?id={{{{id}}}}", "width": 400, "height": 160},
        "suggest": {
            "entity": {"service_url": base, "service_path": "/suggest/entity"},
            "type": {"service_url": base, "service_path": "/suggest/type"},
            "property": {"service_url": base, "service_path": "/suggest/property"},
        },
        "batchSize": BATCH_SIZE,
    }


def check_callback(callback: str) -> str:
    """A JSONP callback name, refused unless it is a plain JavaScript identifier path.

    >>> check_callback("jQuery123.cb")
    'jQuery123.cb'
    """
    if not CALLBACK.match(callback):
        raise InputError("'callback' must be a JavaScript identifier")
    return callback


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _type_id(value: Any) -> str:
    text = str(value.get("id") if isinstance(value, dict) else value)
    return text[len(SCHEMA_SPACE) :] if text.startswith(SCHEMA_SPACE) else text


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def _slug(iri: str) -> str:
    return iri[len(str(RES)) :]


def ids_of(results: Iterable[dict[str, Any]]) -> list[str]:
    """The candidate ids of a result list (a small helper for tests and scripts)."""
    return [r["id"] for r in results]
