"""Verified links from our entities to Wikidata, DBpedia and GeoNames (`kg/data/links.yaml`, format in
docs/linking.md), compiled to the named graph `https://w3id.org/syria-kg/graph/links`.

Each link is a direct triple (`res:syria owl:sameAs wd:Q858`) plus a link node that reifies it
(`rdf:Statement`, https://www.w3.org/TR/rdf11-mt/#reification) and records how it was verified, with PROV-O
and Dublin Core terms only, so the ontology needs no new term:

    res:link/syria/wikidata a rdf:Statement , prov:Entity ;
        rdf:subject res:syria ; rdf:predicate owl:sameAs ; rdf:object wd:Q858 ;
        rdfs:label "Syria"@en ;                          # the label seen at the source
        dcterms:description "sovereign state in Western Asia"@en ;   # the description seen
        dcterms:source <https://…> ;                     # where it was seen
        dcterms:date "2026-11-25"^^xsd:date .            # when it was checked

`owl:sameAs` says the two IRIs name the same thing; `skos:exactMatch` is used where identity is doubtful
(a government and the item of its regime, a coalition); `skos:closeMatch`, which is not transitive, where the two
are close but not the same (a loose region and the administrative unit of another extent).

>>> wikidata_iri("Q858")
rdflib.term.URIRef('http://www.wikidata.org/entity/Q858')
>>> geonames_iri(163843)
rdflib.term.URIRef('https://sws.geonames.org/163843/')
>>> dbpedia_iri("Homs")
rdflib.term.URIRef('http://dbpedia.org/resource/Homs')
"""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import InputError
from kg.vocab import DBR, GEONAMES, RES, WD, WDT

RELATIONS = {"sameAs": OWL.sameAs, "exactMatch": SKOS.exactMatch, "closeMatch": SKOS.closeMatch}
TARGETS = ("wikidata", "dbpedia", "geonames")
WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")
GEONAMES_ID = re.compile(r"^[1-9][0-9]*$")
# A DBpedia resource name is an English Wikipedia title with underscores; no spaces, no IRI-breaking characters.
DBPEDIA_NAME = re.compile(r"^[^\s<>\"{}|\\^`#?/][^\s<>\"{}|\\^`#?]*$")
VERIFIED_KEYS = ("date", "seen_at", "label", "description")
ENTRY_KEYS = {
    "relation",
    "verified",
    *TARGETS,
    *(f"{t}_verified" for t in TARGETS),
    *(f"{t}_relation" for t in TARGETS),
}
LINE = "__line__"
KEY_LINES = "__key_lines__"
EXTERNAL_PREFIXES = (str(WD), str(DBR), GEONAMES)


class _LineLoader(yaml.SafeLoader):
    """Safe YAML that records the line of each mapping (for error messages)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        mapping[KEY_LINES] = {
            key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)
        }
        return mapping


@dataclass(frozen=True)
class Verification:
    """How one link was checked: the page it was seen on, the label and description seen, the day."""

    date: dt.date
    seen_at: str
    label: str
    description: str


@dataclass(frozen=True)
class Link:
    """One verified link from an entity of ours to an external IRI."""

    slug: str
    target: str  # wikidata, dbpedia or geonames
    iri: URIRef
    relation: URIRef
    verification: Verification

    @property
    def node(self) -> URIRef:
        """The link node that carries the verification."""
        return link_node(self.slug, self.target)


def wikidata_iri(qid: str) -> URIRef:
    """The entity IRI of a Wikidata item (not its page URL)."""
    return WD[qid]


def geonames_iri(geonames_id: int | str) -> URIRef:
    """The feature IRI of a GeoNames id (the concept, not the about.rdf document)."""
    return URIRef(f"{GEONAMES}{geonames_id}/")


def dbpedia_iri(name: str) -> URIRef:
    """The DBpedia resource IRI of an English Wikipedia title written with underscores."""
    return DBR[name]


def link_node(slug: str, target: str) -> URIRef:
    """IRI of the node that reifies the link of `slug` to `target`.

    >>> link_node("syria", "wikidata")
    rdflib.term.URIRef('https://w3id.org/syria-kg/id/link/syria/wikidata')
    """
    return URIRef(f"{RES}link/{slug}/{target}")


def is_wellformed_link_iri(iri: str) -> bool:
    """True if `iri` is a Wikidata entity, DBpedia resource or GeoNames feature IRI in canonical form.

    >>> is_wellformed_link_iri("http://www.wikidata.org/entity/Q858")
    True
    >>> is_wellformed_link_iri("https://www.wikidata.org/wiki/Q858")
    False
    >>> is_wellformed_link_iri("https://sws.geonames.org/163843/")
    True
    >>> is_wellformed_link_iri("http://sws.geonames.org/163843")
    False
    """
    if iri.startswith(str(WD)):
        return bool(WIKIDATA_ID.match(iri[len(str(WD)) :]))
    if iri.startswith(GEONAMES):
        rest = iri[len(GEONAMES) :]
        return rest.endswith("/") and bool(GEONAMES_ID.match(rest[:-1]))
    if iri.startswith(str(DBR)):
        return bool(DBPEDIA_NAME.match(iri[len(str(DBR)) :]))
    return False


def read_links(path: Path, known_slugs: set[str]) -> list[Link]:
    """Read and check `links.yaml`; the first problem raises `InputError` with the file and line."""
    file = str(path)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise InputError(f"YAML syntax error: {error.problem}", file=file, line=line) from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read file: {error}", file=file) from error
    if not isinstance(doc, dict) or not isinstance(doc.get("links"), dict):
        raise InputError("expected a mapping with a 'links' key (slug -> link entry)", file=file, line=1)
    links: list[Link] = []
    key_lines = doc["links"].get(KEY_LINES, {})
    for slug, entry in doc["links"].items():
        if slug in (LINE, KEY_LINES):
            continue
        links.extend(_entry_links(slug, entry, known_slugs, file, key_lines.get(slug)))
    return links


def compile_links(path: Path, known_slugs: set[str]) -> Graph:
    """The graph of `https://w3id.org/syria-kg/graph/links`: link triples and their verification."""
    graph = Graph()
    bind_prefixes(graph)
    for link in read_links(path, known_slugs):
        add_link(graph, link)
    return graph


def add_link(graph: Graph, link: Link) -> URIRef:
    """Add a link triple and its reified, verified link node to `graph`; return the node.

    Labels and descriptions seen on Wikidata are its English ones (tagged @en); those seen in GeoNames files
    are names in no particular language, so they stay untagged.
    """
    language = "en" if link.target == "wikidata" else None
    subject = RES[link.slug]
    node = link.node
    graph.add((subject, link.relation, link.iri))
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, link.relation))
    graph.add((node, RDF.object, link.iri))
    graph.add((node, RDFS.label, Literal(link.verification.label, lang=language)))
    if link.verification.description:
        graph.add((node, DCTERMS.description, Literal(link.verification.description, lang=language)))
    graph.add((node, DCTERMS.source, URIRef(link.verification.seen_at)))
    graph.add((node, DCTERMS.date, Literal(link.verification.date.isoformat(), datatype=XSD.date)))
    return node


def bind_prefixes(graph: Graph) -> None:
    """Prefixes for readable Turtle of link and enrichment graphs."""
    for prefix, namespace in {
        "res": RES,
        "wd": WD,
        "wdt": WDT,
        "dbr": DBR,
        "owl": OWL,
        "skos": SKOS,
        "prov": PROV,
        "dcterms": DCTERMS,
    }.items():
        graph.bind(prefix, namespace)


# ------------------------------------------------------------------------------------------ checks


def _entry_links(slug: Any, entry: Any, known_slugs: set[str], file: str, line: int | None) -> list[Link]:
    if not isinstance(slug, str) or slug not in known_slugs:
        raise InputError(f"unknown entity '{slug}' (not in kg/data/entities.yaml)", file=file, line=line)
    if not isinstance(entry, dict):
        raise InputError(f"'{slug}': expected a mapping", file=file, line=line)
    unknown = sorted(set(entry) - ENTRY_KEYS - {LINE, KEY_LINES})
    if unknown:
        raise InputError(f"'{slug}': unknown key(s) {', '.join(unknown)}", file=file, line=line)
    targets = [t for t in TARGETS if entry.get(t) is not None]
    if not targets:
        raise InputError(f"'{slug}': no wikidata, dbpedia or geonames id", file=file, line=line)
    links = []
    for target in targets:
        iri = _target_iri(slug, target, entry[target], file, line)
        relation_name = entry.get(f"{target}_relation", entry.get("relation", "sameAs"))
        if relation_name not in RELATIONS:
            raise InputError(
                f"'{slug}': relation '{relation_name}' is not one of {', '.join(RELATIONS)}",
                file=file,
                line=line,
            )
        key = f"{target}_verified" if f"{target}_verified" in entry else "verified"
        verification = _verification(slug, target, entry.get(key), file, entry[KEY_LINES].get(key, line))
        links.append(Link(slug, target, iri, RELATIONS[relation_name], verification))
    return links


def _target_iri(slug: str, target: str, value: Any, file: str, line: int | None) -> URIRef:
    text = str(value).strip()
    if target == "wikidata" and WIKIDATA_ID.match(text):
        return wikidata_iri(text)
    if target == "geonames" and GEONAMES_ID.match(text):
        return geonames_iri(text)
    if target == "dbpedia" and DBPEDIA_NAME.match(text) and not text.startswith("http"):
        return dbpedia_iri(text)
    expected = {
        "wikidata": "a Wikidata item id such as Q858",
        "geonames": "a numeric GeoNames id",
        "dbpedia": "a DBpedia resource name such as Homs (no spaces, no IRI)",
    }[target]
    raise InputError(f"'{slug}': malformed {target} id {value!r}: expected {expected}", file=file, line=line)


def _verification(slug: str, target: str, verified: Any, file: str, line: int | None) -> Verification:
    where = f"'{slug}' ({target})"
    if not isinstance(verified, dict):
        raise InputError(
            f"{where}: no 'verified' block (date, seen_at, label, description)", file=file, line=line
        )
    line = verified.get(LINE, line)
    missing = [key for key in VERIFIED_KEYS if not verified.get(key)]
    if missing:
        raise InputError(f"{where}: verification lacks {', '.join(missing)}", file=file, line=line)
    date = verified["date"]
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError as error:
            raise InputError(f"{where}: date {date!r} is not YYYY-MM-DD", file=file, line=line) from error
    if not isinstance(date, dt.date):
        raise InputError(f"{where}: date {date!r} is not YYYY-MM-DD", file=file, line=line)
    seen_at = str(verified["seen_at"])
    parts = urlsplit(seen_at)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in seen_at for c in ' <>"'):
        raise InputError(f"{where}: seen_at {seen_at!r} is not an http(s) URL", file=file, line=line)
    return Verification(date, seen_at, str(verified["label"]).strip(), str(verified["description"]).strip())


def linked_targets(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """External IRIs each of our entities is linked to in a links graph."""
    found: dict[URIRef, set[URIRef]] = {}
    for predicate in RELATIONS.values():
        for subject, obj in graph.subject_objects(predicate):
            if isinstance(subject, URIRef) and str(obj).startswith(EXTERNAL_PREFIXES):
                found.setdefault(subject, set()).add(URIRef(obj))
    return found
