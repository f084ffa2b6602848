"""How the pages and the browser's JSON name things: IRIs and their slugs and links on this server, SPARQL
terms, labels, node kinds, and the outgoing triples of resources.

Data access only: nothing here knows about requests or responses. Text that cannot be an IRI is an
`InputError` (400 through the application's one error handler, api/errors.py).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib.namespace import SH

from kg import vocab
from kg.sparql_text import iri_ref
from kg.store import Store
from kg.vocab import sparql_prefixes

BASE = vocab.BASE
RES = str(vocab.RES)
KG = str(vocab.KG)
RT = str(vocab.RT)
GRAPH = str(vocab.GRAPH)
RDF_TYPE = str(vocab.RDF.type)
RDFS = str(vocab.RDFS)
SKOS = str(vocab.SKOS)
OA = str(vocab.OA)
PROV = str(vocab.PROV)
DCTERMS = str(vocab.DCTERMS)
OWL = str(vocab.OWL)

PREFIXES = sparql_prefixes("kg", "rdf", "rdfs", "skos", "oa", "prov", "dcterms", "owl")
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
# The prefixes of page terms and of Turtle answers, in this order: `curie` keeps the first of equal length.
PREFIX_MAP = {
    "res": RES,
    "kg": KG,
    "rt": RT,
    "rdf": str(vocab.RDF),
    "rdfs": RDFS,
    "owl": OWL,
    "skos": SKOS,
    "xsd": str(vocab.XSD),
    "prov": PROV,
    "oa": OA,
    "dcterms": DCTERMS,
    "time": str(vocab.TIME),
    "org": str(vocab.ORG),
    "foaf": str(vocab.FOAF),
    "geo": str(vocab.GEO),
    "sh": str(SH),
    "shape": str(vocab.SHAPE),
    "plover": str(vocab.PLOVER),
    "cameo": str(vocab.CAMEO),
}
LABEL_PROPS = (RDFS + "label", SKOS + "prefLabel")


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


def curie(iri: str) -> str:
    """The shortest prefixed name of an IRI, or the IRI.

    >>> curie("https://w3id.org/syria-kg/ontology#Statement")
    'kg:Statement'
    """
    best = iri
    for prefix, namespace in PREFIX_MAP.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            candidate = prefix + ":" + iri[len(namespace) :]
            if len(candidate) < len(best):
                best = candidate
    return best


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
