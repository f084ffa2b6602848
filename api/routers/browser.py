"""The graph browser: the page at `/`, the query page at `/query`, and the JSON the browser reads.

| route | answers |
|---|---|
| `GET /` | the alliance view (HTML shell; the graph is drawn by `web/src/` built into `/static/dist/`) |
| `GET /query` | the YASGUI query editor on `/sparql`, with the competency queries of `queries/` as examples |
| `GET /api/graph` | every node (entity) and every fact (statement or event) the view can show, with the legend's vocabularies |
| `GET /api/search?q=` | entities whose label, alias or metonym in any language contains `q` |
| `GET /api/statement?iri=` | one statement, event or quantity with its quotes inside their paragraphs |
| `GET /api/statement/{slug}` | the same for `https://w3id.org/syria-kg/id/statement/{slug}` |
| `GET /api/entity?id=` | an entity (slug or IRI) with every fact that names it, each with its quote, and its coordinates when `kg enrich` found some |
| `GET /api/queries` | the competency queries (`queries/*.rq`) with their `# cq:` question |

Everything read from the graph goes to the page as JSON or through Jinja with autoescape on; the front end puts
it in the page with `textContent`, never as markup. Offsets of quotes are code points
(https://www.w3.org/TR/annotation-model/#text-position-selector): the paragraph is sent already cut into
`before`, `exact` and `after` so that JavaScript's UTF-16 strings never have to count code points.
"""

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from api.deps import SettingsDep, StoreDep
from kg.enrich import map_point
from kg.quotes import paragraph_around
from kg.settings import Settings
from kg.store import Store

router = APIRouter(tags=["browser"])

API_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = API_DIR / "templates"
STATIC_DIR = API_DIR / "static"
DIST_DIR = STATIC_DIR / "dist"

# Autoescape on for every template, whatever its file name: labels come from a graph anyone with the write token
# can change.
templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True))

BASE = "https://w3id.org/syria-kg/"
RES = BASE + "id/"
KG = BASE + "ontology#"
RT = BASE + "relation-type/"
GRAPH = BASE + "graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"

PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX oa: <{OA}>
PREFIX prov: <{PROV}>
PREFIX dcterms: <{DCTERMS}>
PREFIX owl: <{OWL}>
"""

# Node kinds of the alliance view, first match wins (a state is also a country: it is shown as a state).
# `shown` is the default of the kind filter: the alliance view is about actors.
KINDS: list[tuple[str, str, tuple[str, ...], bool]] = [
    ("person", "Person", ("Person",), True),
    ("state", "State", ("State",), True),
    ("government", "Government or political body", ("Government", "PoliticalBody"), True),
    ("armed-forces", "Armed forces", ("ArmedForces",), True),
    ("armed-group", "Armed group", ("ArmedGroup",), True),
    ("coalition", "Coalition or opposition", ("Coalition",), True),
    (
        "organisation",
        "International body, NGO, media",
        ("IntergovernmentalOrganisation", "NGO", "NewsOrganisation"),
        True,
    ),
    ("group", "Group of states, family", ("GroupOfStates", "Family"), True),
    ("unnamed", "Unnamed source", ("UnnamedSource",), False),
    ("place", "Place", ("Place", "Country", "Province", "City", "Town", "Suburb", "Region", "Border"), False),
    ("conflict", "Conflict or event", ("Conflict", "Event"), False),
    ("process", "Diplomatic process", ("DiplomaticProcess",), False),
    ("office", "Office", ("Office",), False),
    ("goal", "Goal", ("Goal",), False),
    ("actor", "Other actor", ("Actor", "Organisation"), True),
]
# Resources that are facts or their scaffolding, never nodes of the view.
NOT_NODES = {
    "Statement", "Evidence", "SourceDocument", "Quantity", "Offensive", "Capture", "Withdrawal", "Redeployment",
    "Strike", "Meeting", "Evacuation", "PublicStatement", "Displacement", "Encirclement", "Reinforcement", "Flight",
    "Demonstration", "Uprising", "Stance", "RelationType", "QuantityKind", "Unit", "Qualifier",
}  # fmt: skip
# Events become edges from each agent to each target; their polarity comes from what they are.
EVENT_POLARITY = {
    "Offensive": -1, "Capture": -1, "Strike": -1, "Encirclement": -1, "Uprising": -1, "Demonstration": -1,
    "Meeting": 0, "PublicStatement": 0, "Withdrawal": 0, "Redeployment": 0, "Evacuation": 0, "Displacement": 0,
    "Flight": 0, "Reinforcement": 1,
}  # fmt: skip
STANCES = ["asserted", "reported", "claimed", "rumoured", "denied"]
LABEL_PROPS = (RDFS + "label", SKOS + "prefLabel")
ALIAS_PROPS = (SKOS + "altLabel", KG + "metonym")
LINK_PROPS = (
    OWL + "sameAs",
    SKOS + "exactMatch",
    SKOS + "closeMatch",
    RDFS + "seeAlso",
    "https://schema.org/sameAs",
)
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


# ------------------------------------------------------------------------------------------ small helpers


def iri_ref(iri: str) -> str:
    """`<iri>` for a SPARQL query, refusing characters that could end the IRI (https://www.w3.org/TR/sparql11-query/#rIRIREF).

    >>> iri_ref("https://w3id.org/syria-kg/id/russia")
    '<https://w3id.org/syria-kg/id/russia>'
    """
    if not iri or IRI_FORBIDDEN.search(iri) or ":" not in iri:
        raise HTTPException(400, f"not an IRI: {iri[:200]!r}")
    return f"<{iri}>"


def sparql_string(text: str) -> str:
    """A SPARQL string literal holding `text` (https://www.w3.org/TR/sparql11-query/#grammarEscapes).

    >>> sparql_string('a "b"\\n')
    '"a \\\\"b\\\\"\\\\n"'
    """
    return json.dumps(text, ensure_ascii=False)


def slug_of(iri: str) -> str:
    """The short id the browser uses: the IRI without `https://w3id.org/syria-kg/id/` (other IRIs stay whole).

    >>> slug_of("https://w3id.org/syria-kg/id/statement/x"), slug_of("http://example.org/a")
    ('statement/x', 'http://example.org/a')
    """
    return iri[len(RES) :] if iri.startswith(RES) else iri


def iri_of(slug_or_iri: str) -> str:
    """The IRI of a browser id (a slug under `/id/` or a whole IRI).

    >>> iri_of("russia")
    'https://w3id.org/syria-kg/id/russia'
    """
    return slug_or_iri if re.match(r"^[a-z][a-z0-9+.-]*:", slug_or_iri) else RES + slug_or_iri


def local_name(iri: str) -> str:
    """The part of an IRI after its last `#` or `/`.

    >>> local_name("https://w3id.org/syria-kg/ontology#Asserted")
    'Asserted'
    """
    return re.split(r"[#/]", iri)[-1]


def href_of(iri: str) -> str | None:
    """Where this server shows the IRI, or None for IRIs it does not mint."""
    if iri.startswith(RES):
        return "/id/" + iri[len(RES) :]
    if iri.startswith(KG):
        return "/ontology#" + local_name(iri)
    if iri.startswith(RT):
        return "/ontology#rt-" + iri[len(RT) :]
    return None


def values(iris: Iterable[str]) -> str:
    """A `VALUES` body for IRIs."""
    return " ".join(iri_ref(i) for i in sorted(set(iris)))


def val(binding: dict[str, dict[str, str]], name: str) -> str | None:
    """The value of a variable in a SPARQL JSON row, or None when unbound."""
    term = binding.get(name)
    return term["value"] if term else None


def kind_of(types: set[str]) -> str | None:
    """The node kind of a resource from the local names of its kg: classes; None when it is no node.

    >>> kind_of({"State", "Country"}), kind_of({"Statement"}), kind_of({"Conflict"})
    ('state', None, 'conflict')
    """
    if types & NOT_NODES and "Conflict" not in types:
        return None
    for kind, _label, classes, _shown in KINDS:
        if types & set(classes):
            return kind
    return None


def pick_label(labels: dict[str, str], lang: str = "en") -> str | None:
    """The label in `lang`, else English, else untagged, else any."""
    for key in (lang, "en", ""):
        if labels.get(key):
            return labels[key]
    return next(iter(labels.values()), None)


def date_only(value: str | None) -> str | None:
    """`YYYY-MM-DD` from an xsd:date (a timezone, if any, dropped).

    >>> date_only("2024-11-27Z"), date_only(None)
    ('2024-11-27', None)
    """
    return value[:10] if value else None


# ------------------------------------------------------------------------------------------ labels


def labels_of(store: Store, iris: Iterable[str]) -> dict[str, dict[str, str]]:
    """`{iri: {lang: label}}` from rdfs:label and skos:prefLabel (skos:prefLabel wins)."""
    iris = set(iris)
    if not iris:
        return {}
    rows = store.select(
        PREFIXES + f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values(iris)} }} "
        "?x ?p ?l FILTER(?p IN (rdfs:label, skos:prefLabel) && isLiteral(?l)) }"
    )
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: r["p"]["value"] == SKOS + "prefLabel"):
        found[row["x"]["value"]][row["l"].get("xml:lang", "")] = row["l"]["value"]
    return dict(found)


def ref(iri: str, labels: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A link to a resource as the front end shows it: id, IRI, English label and page."""
    return {
        "id": slug_of(iri),
        "iri": iri,
        "label": pick_label(labels.get(iri, {})) or local_name(iri).replace("-", " "),
        "href": href_of(iri),
    }


# ------------------------------------------------------------------------------------------ the graph


def vocabulary(store: Store) -> dict[str, Any]:
    """Relation types, event types, stances and sources, for the legend and the filters."""
    rows = store.select(
        PREFIXES
        + "SELECT ?rt ?label ?polarity ?directed ?definition ?broader WHERE { ?rt a kg:RelationType . "
        "OPTIONAL { ?rt skos:prefLabel ?label FILTER(lang(?label) = 'en') } "
        "OPTIONAL { ?rt kg:polarity ?polarity } OPTIONAL { ?rt kg:directed ?directed } "
        "OPTIONAL { ?rt skos:definition ?definition FILTER(lang(?definition) = 'en') } "
        "OPTIONAL { ?rt skos:broader ?broader } }"
    )
    relation_types: dict[str, dict[str, Any]] = {}
    for row in rows:
        slug = local_name(row["rt"]["value"])
        relation_types[slug] = {
            "id": slug,
            "iri": row["rt"]["value"],
            "label": val(row, "label") or slug.replace("-", " "),
            "polarity": int(val(row, "polarity") or 0),
            "directed": val(row, "directed") != "false",
            "definition": val(row, "definition"),
            "broader": local_name(val(row, "broader")) if val(row, "broader") else None,
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


def graph_nodes(store: Store) -> dict[str, dict[str, Any]]:
    """Every entity the view can draw, keyed by IRI, with labels in every language and aliases."""
    types: dict[str, set[str]] = defaultdict(set)
    for row in store.select(
        PREFIXES + f"SELECT DISTINCT ?e ?t WHERE {{ ?e a ?t FILTER(STRSTARTS(STR(?t), {sparql_string(KG)}) "
        f"&& STRSTARTS(STR(?e), {sparql_string(RES)})) }}"
    ):
        types[row["e"]["value"]].add(local_name(row["t"]["value"]))
    nodes: dict[str, dict[str, Any]] = {}
    for iri, names in types.items():
        kind = kind_of(names)
        if kind is not None:
            nodes[iri] = {
                "id": slug_of(iri),
                "iri": iri,
                "kind": kind,
                "types": sorted(names),
                "labels": {},
                "aliases": [],
            }
    for row in store.select(
        PREFIXES
        + f"SELECT ?e ?p ?l WHERE {{ ?e ?p ?l FILTER(?p IN (rdfs:label, skos:prefLabel, skos:altLabel, "
        f"kg:metonym) && isLiteral(?l) && STRSTARTS(STR(?e), {sparql_string(RES)})) }}"
    ):
        node = nodes.get(row["e"]["value"])
        if node is None:
            continue
        text, lang, prop = row["l"]["value"], row["l"].get("xml:lang", ""), row["p"]["value"]
        if prop in LABEL_PROPS:
            if prop == SKOS + "prefLabel" or lang not in node["labels"]:
                node["labels"][lang] = text
        elif text not in node["aliases"]:
            node["aliases"].append(text)
    for node in nodes.values():
        node["label"] = pick_label(node["labels"]) or node["id"]
        node["aliases"].sort()
    return nodes


def graph_facts(store: Store, nodes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements between two nodes, and events from agents to targets, with stance, time and sources."""
    facts: dict[str, dict[str, Any]] = {}
    statement_rows = store.select(
        PREFIXES + "SELECT ?st ?s ?o ?rt ?stance ?by ?from ?until ?src ?other WHERE { "
        "?st a kg:Statement ; kg:subject ?s ; kg:object ?o ; kg:relationType ?rt ; kg:stance ?stance . "
        "OPTIONAL { ?st prov:wasAttributedTo ?by } "
        "OPTIONAL { ?st kg:during ?t OPTIONAL { ?t kg:fromDate ?from } OPTIONAL { ?t kg:untilDate ?until } } "
        "OPTIONAL { ?st kg:hasEvidence/oa:hasSource/dcterms:identifier ?src } "
        "OPTIONAL { ?st kg:contradicts ?other } }"
    )
    for row in statement_rows:
        subject, obj = row["s"]["value"], row["o"]["value"]
        if subject not in nodes or obj not in nodes:
            continue
        iri = row["st"]["value"]
        fact = facts.setdefault(
            iri,
            {
                "id": slug_of(iri),
                "kind": "statement",
                "type": local_name(row["rt"]["value"]),
                "pairs": [[nodes[subject]["id"], nodes[obj]["id"]]],
                "stance": local_name(row["stance"]["value"]).lower(),
                "by": slug_of(val(row, "by")) if val(row, "by") else None,
                "from": date_only(val(row, "from")),
                "until": date_only(val(row, "until")),
                "sources": [],
                "contradicts": [],
            },
        )
        _add_unique(fact["sources"], val(row, "src"))
        _add_unique(fact["contradicts"], slug_of(val(row, "other") or "") or None)
    event_rows = store.select(
        PREFIXES + "SELECT ?ev ?type ?agent ?target ?stance ?by ?from ?until ?src ?label ?other WHERE { "
        "?ev kg:agent ?agent ; kg:target ?target ; a ?type ; kg:stance ?stance . "
        "FILTER(STRSTARTS(STR(?type), STR(kg:))) "
        "OPTIONAL { ?ev prov:wasAttributedTo ?by } "
        "OPTIONAL { ?ev rdfs:label ?label FILTER(lang(?label) = 'en') } "
        "OPTIONAL { ?ev kg:during ?t OPTIONAL { ?t kg:fromDate ?from } OPTIONAL { ?t kg:untilDate ?until } } "
        "OPTIONAL { ?ev kg:hasEvidence/oa:hasSource/dcterms:identifier ?src } "
        "OPTIONAL { ?ev kg:contradicts ?other } }"
    )
    for row in event_rows:
        event_type = local_name(row["type"]["value"])
        agent, target = row["agent"]["value"], row["target"]["value"]
        if event_type not in EVENT_POLARITY or agent not in nodes or target not in nodes or agent == target:
            continue
        iri = row["ev"]["value"]
        fact = facts.setdefault(
            iri,
            {
                "id": slug_of(iri),
                "kind": "event",
                "type": "event:" + event_type,
                "label": val(row, "label"),
                "pairs": [],
                "stance": local_name(row["stance"]["value"]).lower(),
                "by": slug_of(val(row, "by")) if val(row, "by") else None,
                "from": date_only(val(row, "from")),
                "until": date_only(val(row, "until")),
                "sources": [],
                "contradicts": [],
            },
        )
        pair = [nodes[agent]["id"], nodes[target]["id"]]
        if pair not in fact["pairs"]:
            fact["pairs"].append(pair)
        _add_unique(fact["sources"], val(row, "src"))
        _add_unique(fact["contradicts"], slug_of(val(row, "other") or "") or None)
    # A later statement that gives the end of an open relation closes it: the view ends the earlier one there.
    for row in store.select(
        PREFIXES + "SELECT ?earlier ?later ?until WHERE { ?later kg:closes ?earlier . "
        "OPTIONAL { ?later kg:during/kg:untilDate ?until } }"
    ):
        fact = facts.get(row["earlier"]["value"])
        if fact is None:
            continue
        _add_unique(fact.setdefault("closedBy", []), slug_of(row["later"]["value"]))
        until = date_only(val(row, "until"))
        if until and (fact["until"] is None or until < fact["until"]):
            fact["until"] = until
    for fact in facts.values():
        fact["pairs"].sort()
        fact["sources"].sort()
        fact["contradicts"].sort()
    return sorted(facts.values(), key=lambda f: f["id"])


def _add_unique(items: list[str], item: str | None) -> None:
    if item and item not in items:
        items.append(item)


def graph_payload(store: Store) -> dict[str, Any]:
    """What `/api/graph` answers: nodes, facts and vocabularies."""
    nodes = graph_nodes(store)
    facts = graph_facts(store, nodes)
    dates = sorted({d for f in facts for d in (f["from"], f["until"]) if d})
    by_ids = {f["by"] for f in facts if f["by"]} - {n["id"] for n in nodes.values()}
    speakers = labels_of(store, (iri_of(b) for b in by_ids))
    return {
        "nodes": sorted(nodes.values(), key=lambda n: n["id"]),
        "facts": facts,
        "speakers": {slug_of(iri): pick_label(labels) for iri, labels in speakers.items()},
        "dates": {"min": dates[0] if dates else None, "max": dates[-1] if dates else None, "all": dates},
        **vocabulary(store),
    }


# ------------------------------------------------------------------------------------------ evidence


def describe(store: Store, iris: Iterable[str]) -> dict[str, dict[str, list[dict[str, str]]]]:
    """`{iri: {predicate: [terms]}}` for the outgoing triples of each IRI (terms as SPARQL JSON terms)."""
    iris = set(iris)
    found: dict[str, dict[str, list[dict[str, str]]]] = {i: defaultdict(list) for i in iris}
    if not iris:
        return found
    for row in store.select(f"SELECT DISTINCT ?x ?p ?o WHERE {{ VALUES ?x {{ {values(iris)} }} ?x ?p ?o }}"):
        terms = found[row["x"]["value"]][row["p"]["value"]]
        if row["o"] not in terms:
            terms.append(row["o"])
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


# ------------------------------------------------------------------------------------------ search


def search(store: Store, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Entities with a label, alias or metonym in any language holding the words of `text`, best first.

    Names are compared as kg/names.py normalises them, through the store's name index: entities come in the
    index's order (kg/name_index.py), and types are read a page at a time until `limit` nodes are found.
    """
    from kg.name_index import MATCHES, PREDICATES, Match, names_of  # here: this function is all that changed

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


# ------------------------------------------------------------------------------------------ queries/


def competency_queries(settings: Settings) -> list[dict[str, str]]:
    """Every `queries/*.rq` with its `# cq:` question, for the query page's examples."""
    found = []
    for path in sorted(settings.queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^#\s*cq:\s*(.+)$", text, re.MULTILINE)
        found.append(
            {"name": path.stem, "question": match.group(1).strip() if match else path.stem, "query": text}
        )
    return found


# ------------------------------------------------------------------------------------------ pages and routes


def asset_version() -> str:
    """A token that changes whenever the built assets change, so browsers never keep a stale bundle."""
    stamps = [p.stat().st_mtime_ns for p in DIST_DIR.glob("*") if p.is_file()] if DIST_DIR.is_dir() else []
    return str(max(stamps, default=0))


def assets_built() -> bool:
    """True when `npm run build --prefix web` has written the bundles."""
    return (DIST_DIR / "app.js").is_file() and (DIST_DIR / "query.js").is_file()


def page_context(request: Request, **extra: Any) -> dict[str, Any]:
    """What every page template needs."""
    return {"request": request, "v": asset_version(), "assets_built": assets_built(), **extra}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    """The alliance view."""
    return templates.TemplateResponse(request, "index.html", page_context(request, title="Alliance view"))


@router.get("/query", response_class=HTMLResponse, include_in_schema=False)
def query_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The YASGUI query editor on `/sparql` with the competency queries as examples."""
    examples = competency_queries(settings)
    return templates.TemplateResponse(
        request, "query.html", page_context(request, title="Query", examples=examples)
    )


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The site icon (browsers ask for it; a 404 would show as a console error)."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


@router.get("/api/graph")
def api_graph(store: StoreDep) -> JSONResponse:
    """Every node and fact the alliance view can show, and the vocabularies of its legend and filters."""
    return JSONResponse(graph_payload(store), headers={"Cache-Control": "no-cache"})


@router.get("/api/search")
def api_search(
    store: StoreDep,
    q: Annotated[str, Query(max_length=200, description="Text to look for in labels, aliases, metonyms.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[dict[str, Any]]:
    """Entities whose label, alias or metonym (any language) contains `q`."""
    return search(store, q, limit)


@router.get("/api/statement")
def api_statement(
    store: StoreDep, settings: SettingsDep, iri: Annotated[str, Query(max_length=2000)]
) -> dict[str, Any]:
    """A statement, event or quantity with its quotes, each inside its paragraph, and what contradicts it."""
    found = evidenced_details(store, settings, [iri_of(iri)])
    if not found:
        raise HTTPException(404, f"no statement, event or quantity {iri}")
    return found[0]


@router.get("/api/statement/{slug}")
def api_statement_slug(store: StoreDep, settings: SettingsDep, slug: str) -> dict[str, Any]:
    """The statement `https://w3id.org/syria-kg/id/statement/{slug}` with its quotes."""
    return api_statement(store, settings, RES + "statement/" + slug)


@router.get("/api/entity")
def api_entity(
    store: StoreDep, settings: SettingsDep, id: Annotated[str, Query(max_length=2000)]
) -> dict[str, Any]:
    """An entity (slug or IRI) with labels, kinds, external links and every fact that names it."""
    found = entity_facts(store, settings, iri_of(id))
    if found is None:
        raise HTTPException(404, f"no entity {id}")
    return found


@router.get("/api/queries")
def api_queries(settings: SettingsDep) -> list[dict[str, str]]:
    """The competency queries of `queries/`, each with its question."""
    return competency_queries(settings)
