"""Reconcile our entities against a SPARQL endpoint (default: the Wikidata Query Service) and record the links
a person accepts.

`kg link` asks the endpoint, for each entity, which items carry one of the entity's names as a label or alias
in several languages, checks the kind of each candidate (human, country, organisation, human settlement) and
scores it; the candidates go to a review file (TSV, or CSV by extension) where a person marks the right ones.
`kg link --accept FILE` writes the accepted links into the `links` named graph with their provenance.

The client is polite to public endpoints (https://www.mediawiki.org/wiki/Wikidata_Query_Service/User_Manual):
a descriptive User-Agent, at most one request per `link_min_interval_s`, retries with exponential backoff on
429 and 5xx (honouring `Retry-After`), and an on-disk cache of every answer so that `--offline` can work from
the cache alone. An endpoint that cannot be reached gives one clear error, not a traceback.
"""

import csv
import datetime as dt
import hashlib
import json
import time
import urllib.error
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD
from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg.errors import InputError, QueryError, StoreUnavailable
from kg.links import (
    LINKS_GRAPH,
    RELATIONS,
    WD,
    WIKIDATA_ID,
    Link,
    Verification,
    add_link,
    is_wellformed_link_iri,
    link_node,
)
from kg.settings import Settings
from kg.store import Store
from kg.vocab import KG, RES

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
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 60.0


class EndpointUnavailable(StoreUnavailable):
    """The link endpoint cannot be reached (or keeps failing), or offline mode has no cached answer."""


# ------------------------------------------------------------------------------------------ client


@dataclass
class Answer:
    """A SELECT answer from the endpoint or the cache, with when and where it was obtained."""

    endpoint: str
    query: str
    retrieved_at: dt.datetime
    bindings: list[dict[str, dict[str, str]]]
    from_cache: bool = False


@dataclass
class SparqlClient:
    """SPARQLWrapper with a User-Agent, a rate limit, retries with backoff and a disk cache."""

    endpoint: str
    user_agent: str
    cache_dir: Path
    min_interval_s: float = 1.0
    max_retries: int = 3
    backoff_s: float = 2.0
    timeout_s: float = 60.0
    offline: bool = False
    _last_request: float = field(default=0.0, repr=False)
    requests_sent: int = field(default=0, repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, endpoint: str | None = None, offline: bool = False
    ) -> "SparqlClient":
        """A client configured by the `link_*` settings."""
        return cls(
            endpoint=endpoint or settings.link_endpoint,
            user_agent=settings.link_user_agent,
            cache_dir=settings.link_cache_path,
            min_interval_s=settings.link_min_interval_s,
            max_retries=settings.link_max_retries,
            backoff_s=settings.link_backoff_s,
            timeout_s=settings.link_timeout_s,
            offline=offline,
        )

    def cache_file(self, query: str) -> Path:
        """Where the answer to `query` from this endpoint is cached."""
        digest = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        return self.cache_dir / f"{digest}.json"

    def select(self, query: str) -> Answer:
        """The bindings of a SELECT query: from the cache if present, else from the endpoint (then cached)."""
        path = self.cache_file(query)
        if path.exists():
            cached = json.loads(path.read_text(encoding="utf-8"))
            retrieved = dt.datetime.fromisoformat(cached["retrieved_at"])
            return Answer(self.endpoint, query, retrieved, cached["answer"]["results"]["bindings"], True)
        if self.offline:
            raise EndpointUnavailable(
                f"offline: no cached answer from {self.endpoint} for this query in {self.cache_dir} "
                "(run once without --offline to fill the cache)"
            )
        answer = self._fetch(query)
        retrieved = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        record = {
            "endpoint": self.endpoint,
            "query": query,
            "retrieved_at": retrieved.isoformat(),
            "answer": answer,
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)  # atomic: a half-written answer never sits in the cache
        return Answer(self.endpoint, query, retrieved, answer["results"]["bindings"])

    def _fetch(self, query: str) -> dict[str, Any]:
        attempts = self.max_retries + 1
        last_problem = ""
        for attempt in range(attempts):
            self._wait_turn()
            try:
                return self._send(query)
            except urllib.error.HTTPError as error:
                if error.code not in RETRY_STATUSES:
                    raise EndpointUnavailable(
                        f"the SPARQL endpoint {self.endpoint} answered HTTP {error.code}: {_body(error)}"
                    ) from error
                last_problem = f"HTTP {error.code}"
                delay = _retry_after(error) or self.backoff_s * 2**attempt
            except SPARQLWrapperException as error:
                # SPARQLWrapper maps 400 (bad query), 401, 404, 414 and 500 to its own exceptions.
                text = " ".join(str(error).split())
                if "QueryBadFormed" in type(error).__name__:
                    raise QueryError(
                        f"the SPARQL endpoint {self.endpoint} refused the query: {text[:500]}"
                    ) from error
                if "EndPointInternalError" not in type(error).__name__:
                    raise EndpointUnavailable(
                        f"the SPARQL endpoint {self.endpoint} failed: {text[:500]}"
                    ) from error
                last_problem = "HTTP 500"
                delay = self.backoff_s * 2**attempt
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
                reason = getattr(error, "reason", error)
                last_problem = str(reason) or type(reason).__name__
                delay = self.backoff_s * 2**attempt
            if attempt + 1 < attempts:
                time.sleep(min(delay, MAX_RETRY_AFTER_S))
        raise EndpointUnavailable(
            f"cannot reach the SPARQL endpoint {self.endpoint} ({last_problem}) after {attempts} attempts; "
            f"check the URL and the network, or use --offline to work from the cache in {self.cache_dir}"
        )

    def _wait_turn(self) -> None:
        wait = self._last_request + self.min_interval_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request = time.monotonic()

    def _send(self, query: str) -> dict[str, Any]:
        sparql = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        sparql.setQuery(query)
        sparql.setReturnFormat(JSON)
        # Form-encoded POST: no URL length limit, taken by WDQS, Oxigraph and Virtuoso (docs/findings.md).
        sparql.setMethod(POST)
        sparql.setRequestMethod(URLENCODED)
        sparql.setTimeout(int(max(1, self.timeout_s)))
        self.requests_sent += 1
        result = sparql.query().convert()
        if not isinstance(result, dict) or "results" not in result:
            raise QueryError(f"the SPARQL endpoint {self.endpoint} did not return SELECT results")
        return result


def _retry_after(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After") if error.headers else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _body(error: urllib.error.HTTPError) -> str:
    try:
        return " ".join(error.read().decode("utf-8", "replace").split())[:300]
    except OSError:
        return ""


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
    prefix = f"PREFIX kg: <{KG._NS}>\nPREFIX rdfs: <{RDFS}>\nPREFIX skos: <{SKOS}>\n"
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
    values = " ".join(f"<{RES}{slug}>" for slug in entities)
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
            values.append(f"{_string(text)}@{lang}")
    constraint = sorted({c for kind in entity.kinds for c in KIND_CONSTRAINTS.get(kind, ())})
    kind_bind = ""
    if constraint:
        wanted = " ".join(f"wd:{str(c)[len(str(WD)) :]}" for c in constraint)
        kind_bind = (
            f"  BIND (EXISTS {{ VALUES ?kind {{ {wanted} }} ?item wdt:P31/wdt:P279* ?kind }} AS ?kindOk)\n"
        )
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
# kg link: candidates for {entity.slug}
SELECT ?item ?name ?matchedBy ?label ?description ?kindOk WHERE {{
  VALUES ?name {{ {" ".join(dict.fromkeys(values))} }}
  {{ ?item rdfs:label ?name BIND ("label" AS ?matchedBy) }}
  UNION
  {{ ?item skos:altLabel ?name BIND ("alias" AS ?matchedBy) }}
  FILTER (STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q"))
  OPTIONAL {{ ?item rdfs:label ?label FILTER (LANG(?label) = "en") }}
  OPTIONAL {{ ?item schema:description ?description FILTER (LANG(?description) = "en") }}
{kind_bind}}}
LIMIT 500"""


def _string(text: str) -> str:
    """A SPARQL string literal.

    >>> print(_string('Hay"at'))
    "Hay\\"at"
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


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
    client: SparqlClient, entity: Entity, languages: Sequence[str], limit: int = 5
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
    client: SparqlClient, entities: Iterable[Entity], languages: Sequence[str], limit: int = 5
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
                    f"relation '{relation}' is not sameAs or exactMatch", file=str(path), line=number
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
    nodes = " ".join(link_node(a.link.slug, "wikidata").n3() for a in accepted)
    subjects = " ".join(RES[a.link.slug].n3() for a in accepted)
    triples = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph)
    store.update(
        f"""DELETE {{ GRAPH <{LINKS_GRAPH}> {{ ?node ?p ?o }} }}
WHERE {{ GRAPH <{LINKS_GRAPH}> {{ VALUES ?node {{ {nodes} }} ?node ?p ?o }} }} ;
DELETE {{ GRAPH <{LINKS_GRAPH}> {{ ?e ?rel ?item }} }}
WHERE {{ GRAPH <{LINKS_GRAPH}> {{
  VALUES ?e {{ {subjects} }} VALUES ?rel {{ {OWL.sameAs.n3()} {SKOS.exactMatch.n3()} }} ?e ?rel ?item
  FILTER (STRSTARTS(STR(?item), "{WD}"))
}} }} ;
INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{
{triples}
}} }}"""
    )
    return accepted


def yaml_fragment(accepted: Sequence[AcceptedLink]) -> str:
    """The accepted links in the `links.yaml` format, for a curator to merge into kg/data/links.yaml.

    >>> link = Link("syria", "wikidata", WD["Q858"], OWL.sameAs, Verification(dt.date(2026, 11, 25),
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
