"""Candidate links for our entities from a SPARQL endpoint (default: the Wikidata Query Service), a review file
for a person, and the links that person accepts. (The verified links themselves, `kg/data/links.yaml`, are
read by `kg/links.py`; the endpoint is asked through `kg/wikidata.py`.)

`kg link` asks the endpoint, for each entity, which items carry one of the entity's names as a label or alias
in several languages, checks the kind of each candidate (human, country, organisation, human settlement) and
scores it; the candidates go to a review file (TSV, or CSV by extension) where a person marks the right ones.
`kg link --accept FILE` writes the accepted links into the `links` named graph with their provenance.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.errors import InputError
from kg.links import (
    RELATIONS,
    WD,
    WIKIDATA_ID,
    Link,
    Verification,
    add_link,
    is_wellformed_link_iri,
    link_node,
)
from kg.sparql_text import iri_ref, literal, triples_text
from kg.store import Store
from kg.vocab import KG, LINKS_GRAPH, RES, sparql_prefixes
from kg.wikidata import WikidataClient

# Wikidata classes used as kind constraints, each checked in a stored public page (docs/linking.md): human (Q5),
# country (Q6256), human settlement (Q486972), city (Q515), organization (Q43229). Items match a constraint through
# instance of (P31) followed by any number of subclass of (P279).
HUMAN, COUNTRY, SETTLEMENT, CITY, ORGANIZATION = (WD[q] for q in ("Q5", "Q6256", "Q486972", "Q515", "Q43229"))
KIND_CONSTRAINTS: dict[str, tuple[URIRef, ...]] = {
    "Person": (HUMAN,),
    "State": (COUNTRY,),
    "Country": (COUNTRY,),
    "City": (SETTLEMENT, CITY),
    "Town": (SETTLEMENT, CITY),
    "Suburb": (SETTLEMENT,),
    **{
        kind: (ORGANIZATION,)
        for kind in (
            "Organisation",
            "Government",
            "ArmedForces",
            "ArmedGroup",
            "PoliticalBody",
            "IntergovernmentalOrganisation",
            "NGO",
            "NewsOrganisation",
            "Coalition",
        )
    },
}
# Kinds whose identity with a Wikidata item is doubtful (a regime vs the state, a loose region vs an
# administrative unit): the review file suggests skos:exactMatch for them instead of owl:sameAs.
DOUBTFUL_KINDS = {"Government", "Coalition", "Region", "Family", "PoliticalBody", "GroupOfStates"}
# Kinds reconciled by default: actors, places, offices, processes and conflicts; never unnamed sources or goals.
ROOT_CLASSES = ("Actor", "Place", "Office", "DiplomaticProcess", "Conflict")
SKIPPED_CLASSES = ("UnnamedSource",)
ACCEPT_WORDS = {"yes", "y", "x", "true", "1", "accept", "ok"}
REVIEW_COLUMNS = (
    "slug",
    "label",
    "kinds",
    "rank",
    "candidate",
    "candidate_label",
    "candidate_description",
    "score",
    "kind_ok",
    "matched_names",
    "suggested",
    "relation",
    "accept",
    "endpoint",
    "retrieved_at",
)


# ------------------------------------------------------------------------------------------ our entities


@dataclass
class Entity:
    """One of our entities, as reconciliation sees it."""

    slug: str
    kinds: list[str]
    labels: dict[str, str]  # language -> preferred label
    aliases: list[tuple[str, str]]  # (text, language)

    @property
    def label(self) -> str:
        """The English label, else any label, else the slug."""
        return self.labels.get("en") or next(iter(self.labels.values()), self.slug)

    def names(self) -> list[tuple[str, str]]:
        """Every name with its language, preferred labels first, without duplicates."""
        seen: dict[tuple[str, str], None] = {}
        for language, text in self.labels.items():
            seen[(text, language)] = None
        for text, language in self.aliases:
            seen[(text, language)] = None
        return list(seen)


def load_entities(store: Store, only: Sequence[str] = ()) -> list[Entity]:
    """Our reconcilable entities (actors, places, offices, processes, conflicts) read from the store."""
    roots = " ".join(f"kg:{name}" for name in ROOT_CLASSES)
    skipped = ", ".join(f"kg:{name}" for name in SKIPPED_CLASSES)
    prefix = sparql_prefixes("kg", "rdfs", "skos")
    kinds_rows = store.select(
        prefix
        + f"""SELECT DISTINCT ?e ?kind WHERE {{
  ?e a ?kind . ?kind rdfs:subClassOf* ?root . VALUES ?root {{ {roots} }}
  FILTER (STRSTARTS(STR(?e), "{RES}") && STRSTARTS(STR(?kind), "{KG._NS}"))
  FILTER NOT EXISTS {{ ?e a ?skip . FILTER (?skip IN ({skipped})) }}
}}"""
    )
    entities: dict[str, Entity] = {}
    for row in kinds_rows:
        slug = row["e"]["value"][len(str(RES)) :]
        if only and slug not in only:
            continue
        entity = entities.setdefault(slug, Entity(slug, [], {}, []))
        kind = row["kind"]["value"].rsplit("#", 1)[-1]
        if kind not in entity.kinds:
            entity.kinds.append(kind)
    if not entities:
        return []
    values = " ".join(iri_ref(RES[slug]) for slug in entities)
    name_rows = store.select(
        prefix
        + f"""SELECT ?e ?p ?name WHERE {{
  VALUES ?e {{ {values} }} VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel }} ?e ?p ?name
}}"""
    )
    for row in sorted(name_rows, key=lambda r: (r["e"]["value"], r["p"]["value"], r["name"]["value"])):
        entity = entities[row["e"]["value"][len(str(RES)) :]]
        text, language = row["name"]["value"].strip(), row["name"].get("xml:lang", "en")
        if row["p"]["value"] == str(SKOS.altLabel):
            entity.aliases.append((text, language))
        else:
            entity.labels.setdefault(language, text)
    for entity in entities.values():
        entity.kinds.sort()
    return sorted(entities.values(), key=lambda e: e.slug)


# ------------------------------------------------------------------------------------------ reconciliation


@dataclass
class Candidate:
    """A Wikidata-shaped item proposed for one of our entities."""

    slug: str
    item: str
    label: str
    description: str
    matched: dict[str, str] = field(default_factory=dict)  # name -> "label" or "alias"
    kind_ok: bool | None = None
    score: float = 0.0
    suggested: bool = False
    relation: str = "sameAs"
    endpoint: str = ""
    retrieved_at: str = ""


def candidate_query(entity: Entity, languages: Sequence[str]) -> str:
    """The SELECT that finds items whose label or alias is one of the entity's names, with a kind check.

    >>> e = Entity("hezbollah", ["ArmedGroup"], {"en": "Hezbollah"}, [("Hizbollah", "en")])
    >>> q = candidate_query(e, ["en", "fr"])
    >>> '"Hezbollah"@fr' in q and '"Hizbollah"@en' in q and "wd:Q43229" in q
    True
    """
    values = []
    for text, language in entity.names():
        for lang in dict.fromkeys([language, *languages, "mul"]):
            values.append(literal(text, language=lang))
    constraint = sorted({c for kind in entity.kinds for c in KIND_CONSTRAINTS.get(kind, ())})
    kind_bind = ""
    if constraint:
        wanted = " ".join(f"wd:{str(c)[len(str(WD)) :]}" for c in constraint)
        kind_bind = (
            f"  BIND (EXISTS {{ VALUES ?kind {{ {wanted} }} ?item wdt:P31/wdt:P279* ?kind }} AS ?kindOk)\n"
        )
    return f"""{sparql_prefixes("rdfs", "skos", "schema", "wd", "wdt")}# kg link: candidates for {entity.slug}
SELECT ?item ?name ?matchedBy ?label ?description ?kindOk WHERE {{
  VALUES ?name {{ {" ".join(dict.fromkeys(values))} }}
  {{ ?item rdfs:label ?name BIND ("label" AS ?matchedBy) }}
  UNION
  {{ ?item skos:altLabel ?name BIND ("alias" AS ?matchedBy) }}
  FILTER (STRSTARTS(STR(?item), "{WD}Q"))
  OPTIONAL {{ ?item rdfs:label ?label FILTER (LANG(?label) = "en") }}
  OPTIONAL {{ ?item schema:description ?description FILTER (LANG(?description) = "en") }}
{kind_bind}}}
LIMIT 500"""


def score_candidate(entity: Entity, candidate: Candidate) -> float:
    """A score from 0 to 100: 70 % name (label beats alias, our preferred label beats our aliases), 30 % kind.

    >>> e = Entity("syria", ["Country", "State"], {"en": "Syria"}, [("Syrian Arab Republic", "en")])
    >>> score_candidate(e, Candidate("syria", "wd:Q1", "Syria", "", {"Syria": "label"}, kind_ok=True))
    100.0
    >>> score_candidate(e, Candidate("syria", "wd:Q2", "Syria", "", {"Syria": "label"}, kind_ok=False))
    70.0
    >>> score_candidate(e, Candidate("syria", "wd:Q3", "x", "", {"Syrian Arab Republic": "alias"}, kind_ok=None))
    67.0
    """
    preferred = {text.casefold() for text in entity.labels.values()}
    best = 0.0
    for name, how in candidate.matched.items():
        ours_preferred = name.casefold() in preferred
        value = {("label", True): 1.0, ("label", False): 0.9, ("alias", True): 0.8, ("alias", False): 0.7}[
            (how, ours_preferred)
        ]
        best = max(best, value)
    name_score = min(1.0, best + 0.05 * (len(candidate.matched) - 1))
    kind_score = {True: 1.0, False: 0.0, None: 0.6}[candidate.kind_ok]
    return round(100 * (0.7 * name_score + 0.3 * kind_score), 1)


def reconcile_entity(
    client: WikidataClient, entity: Entity, languages: Sequence[str], limit: int = 5
) -> list[Candidate]:
    """Ranked candidates for one entity (best first); the top one is `suggested` if it is a clear match."""
    answer = client.select(candidate_query(entity, languages))
    by_item: dict[str, Candidate] = {}
    relation = "exactMatch" if set(entity.kinds) & DOUBTFUL_KINDS else "sameAs"
    for row in answer.bindings:
        item = row["item"]["value"]
        candidate = by_item.setdefault(
            item,
            Candidate(
                entity.slug,
                item,
                row.get("label", {}).get("value", ""),
                row.get("description", {}).get("value", ""),
                relation=relation,
                endpoint=answer.endpoint,
                retrieved_at=answer.retrieved_at.isoformat(),
            ),
        )
        name, how = row["name"]["value"], row["matchedBy"]["value"]
        if candidate.matched.get(name) != "label":
            candidate.matched[name] = how
        if "kindOk" in row:
            candidate.kind_ok = row["kindOk"]["value"] in ("true", "1")
    ranked = sorted(by_item.values(), key=lambda c: (-score_candidate(entity, c), _qnum(c.item)))
    for candidate in ranked:
        candidate.score = score_candidate(entity, candidate)
    if ranked and ranked[0].score >= 90 and (len(ranked) == 1 or ranked[0].score - ranked[1].score >= 10):
        ranked[0].suggested = True
    return ranked[:limit]


def _qnum(iri: str) -> int:
    tail = iri.rsplit("/", 1)[-1]
    return int(tail[1:]) if WIKIDATA_ID.match(tail) else 1 << 62


def reconcile(
    client: WikidataClient, entities: Iterable[Entity], languages: Sequence[str], limit: int = 5
) -> dict[str, list[Candidate]]:
    """Candidates for every entity, keyed by slug."""
    return {entity.slug: reconcile_entity(client, entity, languages, limit) for entity in entities}


# ------------------------------------------------------------------------------------------ review file


def _dialect(path: Path) -> type[csv.Dialect]:
    return csv.excel if path.suffix.lower() == ".csv" else csv.excel_tab


def write_review(path: Path, entities: Sequence[Entity], results: dict[str, list[Candidate]]) -> int:
    """Write the review file (one row per candidate, one empty row for an entity without any); return rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, dialect=_dialect(path))
        writer.writerow(REVIEW_COLUMNS)
        for entity in entities:
            candidates = results.get(entity.slug, [])
            if not candidates:
                writer.writerow([entity.slug, entity.label, " ".join(entity.kinds), 0, *[""] * 11])
                rows += 1
            for rank, c in enumerate(candidates, start=1):
                kind_ok = "" if c.kind_ok is None else ("yes" if c.kind_ok else "no")
                writer.writerow(
                    [
                        entity.slug,
                        entity.label,
                        " ".join(entity.kinds),
                        rank,
                        c.item,
                        c.label,
                        c.description,
                        f"{c.score:.1f}",
                        kind_ok,
                        " | ".join(f"{name} ({how})" for name, how in c.matched.items()),
                        "yes" if c.suggested else "",
                        c.relation,
                        "",
                        c.endpoint,
                        c.retrieved_at,
                    ]
                )
                rows += 1
    return rows


@dataclass
class AcceptedLink:
    """A row of the review file that a person accepted."""

    link: Link
    endpoint: str
    retrieved_at: str
    row: int


def read_accepted(path: Path, known_slugs: set[str]) -> list[AcceptedLink]:
    """The accepted rows of a review file, checked; a bad row raises `InputError` with its line."""
    if not path.exists():
        raise InputError("file not found", file=str(path))
    accepted: list[AcceptedLink] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, dialect=_dialect(path))
        missing = [c for c in ("slug", "candidate", "accept") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"review file lacks column(s) {', '.join(missing)}", file=str(path), line=1)
        for number, row in enumerate(reader, start=2):
            if (row.get("accept") or "").strip().casefold() not in ACCEPT_WORDS:
                continue
            slug, item = (row.get("slug") or "").strip(), (row.get("candidate") or "").strip()
            if slug not in known_slugs:
                raise InputError(f"unknown entity '{slug}'", file=str(path), line=number)
            if not item.startswith(str(WD)) or not is_wellformed_link_iri(item):
                raise InputError(f"'{item}' is not a Wikidata entity IRI", file=str(path), line=number)
            if slug in seen:
                raise InputError(
                    f"'{slug}' has more than one accepted candidate", file=str(path), line=number
                )
            seen.add(slug)
            relation = (row.get("relation") or "sameAs").strip()
            if relation not in RELATIONS:
                raise InputError(
                    f"relation '{relation}' is not one of {', '.join(RELATIONS)}", file=str(path), line=number
                )
            label = (row.get("candidate_label") or "").strip()
            endpoint = (row.get("endpoint") or "").strip()
            if not label or not endpoint:
                raise InputError(
                    "an accepted row needs the candidate_label and endpoint it was seen with",
                    file=str(path),
                    line=number,
                )
            retrieved = (row.get("retrieved_at") or "").strip()
            day = _day(retrieved, path, number)
            verification = Verification(
                day, endpoint, label, (row.get("candidate_description") or "").strip()
            )
            link = Link(slug, "wikidata", URIRef(item), RELATIONS[relation], verification)
            accepted.append(AcceptedLink(link, endpoint, retrieved, number))
    return accepted


def _day(text: str, path: Path, line: int) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError as error:
        raise InputError(
            f"retrieved_at {text!r} is not an ISO date-time", file=str(path), line=line
        ) from error


def accepted_graph(
    accepted: Sequence[AcceptedLink], review_file: str, now: dt.datetime | None = None
) -> Graph:
    """Link triples, their link nodes, and the review activity they were generated by (PROV-O)."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    graph = Graph()
    activity = URIRef(f"{RES}link-review/{now.strftime('%Y%m%dT%H%M%SZ')}")
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal(f"Review of link candidates ({review_file})", lang="en")))
    graph.add((activity, PROV.endedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
    for entry in accepted:
        node = add_link(graph, entry.link)
        graph.add((node, PROV.wasGeneratedBy, activity))
        graph.add((node, PROV.wasDerivedFrom, URIRef(entry.endpoint)))
        graph.add((node, PROV.generatedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
        graph.add((activity, PROV.used, URIRef(entry.endpoint)))
    return graph


def accept(store: Store, path: Path, known_slugs: set[str]) -> list[AcceptedLink]:
    """Write the accepted links of a review file into the `links` graph, replacing earlier Wikidata links."""
    accepted = read_accepted(path, known_slugs)
    if not accepted:
        return []
    graph = accepted_graph(accepted, path.name)
    nodes = " ".join(iri_ref(link_node(a.link.slug, "wikidata")) for a in accepted)
    subjects = " ".join(iri_ref(RES[a.link.slug]) for a in accepted)
    triples = triples_text(graph)
    store.update(
        f"""DELETE {{ GRAPH <{LINKS_GRAPH}> {{ ?node ?p ?o }} }}
WHERE {{ GRAPH <{LINKS_GRAPH}> {{ VALUES ?node {{ {nodes} }} ?node ?p ?o }} }} ;
DELETE {{ GRAPH <{LINKS_GRAPH}> {{ ?e ?rel ?item }} }}
WHERE {{ GRAPH <{LINKS_GRAPH}> {{
  VALUES ?e {{ {subjects} }} VALUES ?rel {{ {" ".join(iri_ref(p) for p in RELATIONS.values())} }} ?e ?rel ?item
  FILTER (STRSTARTS(STR(?item), "{WD}"))
}} }} ;
INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{
{triples}
}} }}"""
    )
    return accepted


def yaml_fragment(accepted: Sequence[AcceptedLink]) -> str:
    """The accepted links in the `links.yaml` format, for a curator to merge into kg/data/links.yaml.

    >>> link = Link("syria", "wikidata", WD["Q858"], RELATIONS["sameAs"], Verification(dt.date(2026, 11, 25),
    ...     "https://query.wikidata.org/sparql", "Syria", "sovereign state in Western Asia"))
    >>> print(yaml_fragment([AcceptedLink(link, "https://query.wikidata.org/sparql", "", 2)]).strip())
    links:
      syria:
        wikidata: Q858
        relation: sameAs
        verified:
          date: '2026-11-25'
          seen_at: https://query.wikidata.org/sparql
          label: Syria
          description: sovereign state in Western Asia
    """
    names = {v: k for k, v in RELATIONS.items()}
    body = {
        a.link.slug: {
            "wikidata": str(a.link.iri)[len(str(WD)) :],
            "relation": names[a.link.relation],
            "verified": {
                "date": a.link.verification.date.isoformat(),
                "seen_at": a.link.verification.seen_at,
                "label": a.link.verification.label,
                "description": a.link.verification.description,
            },
        }
        for a in accepted
    }
    return yaml.safe_dump({"links": body}, allow_unicode=True, sort_keys=False)


def store_slugs(store: Store) -> set[str]:
    """Slugs of every entity typed in the store."""
    rows = store.select(f'SELECT DISTINCT ?e WHERE {{ ?e a ?t FILTER (STRSTARTS(STR(?e), "{RES}")) }}')
    return {row["e"]["value"][len(str(RES)) :] for row in rows}
