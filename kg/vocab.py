"""Namespaces and IRIs of the project, declared once.

`KG` and `RT` are closed namespaces (rdflib `DefinedNamespace` with `_fail = True`): a term that the
ontology in `ontology/` does not declare raises `AttributeError` instead of minting a wrong IRI.
`tests/test_ontology.py` checks that `KG` lists exactly the kg: terms of the ontology, and `RT` exactly its
relation types.

>>> KG.alliedWith
rdflib.term.URIRef('https://w3id.org/syria-kg/ontology#alliedWith')
>>> RT["allied-with"]
rdflib.term.URIRef('https://w3id.org/syria-kg/relation-type/allied-with')
"""

# ruff: noqa: N815  (term names follow the ontology: lowerCamelCase properties are class-scope attributes here)

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace

BASE = "https://w3id.org/syria-kg/"


class KG(DefinedNamespace):
    """The project's ontology terms (`ontology/*.ttl`): classes, properties and individuals."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # core.ttl
    Evidenced: URIRef
    stance: URIRef
    hasEvidence: URIRef
    statedOn: URIRef
    during: URIRef
    context: URIRef
    contradicts: URIRef
    closes: URIRef
    activityKind: URIRef
    metonym: URIRef

    # actors.ttl
    Actor: URIRef
    State: URIRef
    Organisation: URIRef
    Government: URIRef
    ArmedForces: URIRef
    ArmedGroup: URIRef
    PoliticalBody: URIRef
    IntergovernmentalOrganisation: URIRef
    NGO: URIRef
    NewsOrganisation: URIRef
    Coalition: URIRef
    Person: URIRef
    UnnamedSource: URIRef
    affiliatedWith: URIRef
    GroupOfStates: URIRef
    Family: URIRef
    Office: URIRef
    DiplomaticProcess: URIRef
    Goal: URIRef

    # places.ttl
    Place: URIRef
    Country: URIRef
    Province: URIRef
    City: URIRef
    Town: URIRef
    Suburb: URIRef
    Region: URIRef
    Border: URIRef

    # events.ttl
    Event: URIRef
    Conflict: URIRef
    Offensive: URIRef
    Capture: URIRef
    Withdrawal: URIRef
    Redeployment: URIRef
    Strike: URIRef
    Meeting: URIRef
    Evacuation: URIRef
    PublicStatement: URIRef
    Displacement: URIRef
    Encirclement: URIRef
    Reinforcement: URIRef
    Flight: URIRef
    Demonstration: URIRef
    Uprising: URIRef
    ArmedClash: URIRef
    AttackOnCivilians: URIRef
    StrategicDevelopment: URIRef
    place: URIRef
    hasParticipant: URIRef
    agent: URIRef
    target: URIRef
    subEventOf: URIRef
    EventClaim: URIRef
    claimedEventType: URIRef
    claimedSubEventOf: URIRef

    # quantities.ttl
    Quantity: URIRef
    QuantityKind: URIRef
    Unit: URIRef
    Qualifier: URIRef
    quantityKind: URIRef
    numericValue: URIRef
    unit: URIRef
    qualifier: URIRef
    quantifies: URIRef
    partOf: URIRef
    amountText: URIRef
    lowerBound: URIRef
    upperBound: URIRef
    QuantityKinds: URIRef
    Deaths: URIRef
    CivilianDeaths: URIRef
    DisplacedPeople: URIRef
    Fighters: URIRef
    Soldiers: URIRef
    Refugees: URIRef
    Distance: URIRef
    Duration: URIRef
    Localities: URIRef
    Units: URIRef
    UnitPeople: URIRef
    UnitKilometre: URIRef
    UnitYear: URIRef
    UnitDecade: URIRef
    UnitLocality: URIRef
    Qualifiers: URIRef
    AtLeast: URIRef
    Around: URIRef
    MoreThan: URIRef
    LessThan: URIRef
    AsStated: URIRef
    Exactly: URIRef
    Some: URIRef

    # provenance.ttl
    Statement: URIRef
    subject: URIRef
    object: URIRef
    relationType: URIRef
    subjectMention: URIRef
    objectMention: URIRef
    Stance: URIRef
    Stances: URIRef
    Asserted: URIRef
    Reported: URIRef
    Claimed: URIRef
    Denied: URIRef
    Rumoured: URIRef
    party: URIRef
    Modality: URIRef
    Modalities: URIRef
    Possible: URIRef
    Probable: URIRef
    Conditional: URIRef
    modality: URIRef
    conditionalOn: URIRef
    hop: URIRef
    confirmedBy: URIRef
    Evidence: URIRef
    SourceDocument: URIRef
    sha256: URIRef
    textFile: URIRef
    fromDate: URIRef
    untilDate: URIRef

    # relations.ttl: scheme, relation type metadata, direct properties
    RelationType: URIRef
    RelationTypes: URIRef
    polarity: URIRef
    directed: URIRef
    directProperty: URIRef
    alliedWith: URIRef
    partnerOf: URIRef
    supports: URIRef
    supportsMilitarily: URIRef
    supportsDiplomatically: URIRef
    supportsFinancially: URIRef
    seeksRapprochementWith: URIRef
    leads: URIRef
    ledBy: URIRef
    fights: URIRef
    opposes: URIRef
    designatesAsTerrorist: URIRef
    accuses: URIRef
    negotiatesWith: URIRef
    mediates: URIRef
    callsFor: URIRef
    callsOnCitizensToLeave: URIRef
    hostsRefugeesOf: URIRef
    evacuates: URIRef
    annexed: URIRef
    controls: URIRef
    withdrewFrom: URIRef
    fledFrom: URIRef
    rules: URIRef
    locatedIn: URIRef
    basedIn: URIRef
    borders: URIRef
    childOf: URIRef
    parentOf: URIRef
    predecessorOf: URIRef
    spokespersonOf: URIRef


# Relation type slugs (concepts of kg:RelationTypes in ontology/relations.ttl), in the ontology's order.
RELATION_TYPES: tuple[str, ...] = (
    "allied-with",
    "partner-of",
    "supports",
    "supports-militarily",
    "supports-diplomatically",
    "supports-financially",
    "seeks-rapprochement-with",
    "leads",
    "member-of",
    "sub-organisation-of",
    "fights",
    "opposes",
    "designates-as-terrorist",
    "accuses",
    "negotiates-with",
    "mediates",
    "calls-for",
    "calls-on-citizens-to-leave",
    "hosts-refugees-of",
    "evacuates",
    "annexed",
    "controls",
    "withdrew-from",
    "fled-from",
    "holds-office",
    "rules",
    "located-in",
    "based-in",
    "borders",
    "child-of",
    "predecessor-of",
    "spokesperson-of",
)


class RT(DefinedNamespace):
    """Relation type concepts (`rt:<slug>`); slugs hold hyphens, so use `RT["allied-with"]`."""

    _fail = True
    _NS = Namespace(BASE + "relation-type/")
    # Slugs are not Python identifiers: DefinedNamespace takes such names through `_extras`, which must stay
    # unannotated (an annotation would make `_extras` itself look like a term), hence the noqa.
    _extras = list(RELATION_TYPES)  # noqa: RUF012


RES = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
# The SPARQL search service (kg/text_search.py, docs/search.md): the IRI SERVICE calls, and its properties.
SEARCH_SERVICE = URIRef(BASE + "search")
SEARCH = Namespace(BASE + "search#")

ONTOLOGY_GRAPH = URIRef(GRAPH + "ontology")
ENTITIES_GRAPH = URIRef(GRAPH + "entities")
DERIVED_GRAPH = URIRef(GRAPH + "derived")
INFERRED_GRAPH = URIRef(GRAPH + "inferred")
TIMELINE_GRAPH = URIRef(GRAPH + "timeline")
HISTORY_GRAPH = URIRef(GRAPH + "history")


def source_graph(source_id: str) -> URIRef:
    """Named graph holding what one source says.

    >>> source_graph("000_abc")
    rdflib.term.URIRef('https://w3id.org/syria-kg/graph/source/000_abc')
    """
    return URIRef(f"{GRAPH}source/{source_id}")


PREFIXES = {
    "kg": KG,
    "rt": RT,
    "res": RES,
    "oa": OA,
    "geo": GEO,
    "prov": PROV,
    "time": TIME,
    "org": ORG,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}


def sparql_prefixes(*names: str) -> str:
    """PREFIX lines for a SPARQL text, one per name, from the table above (the one place namespaces live).

    >>> print(sparql_prefixes("kg", "rdfs"), end="")
    PREFIX kg: <https://w3id.org/syria-kg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    """
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


__all__ = [
    "BASE",
    "DCTERMS",
    "DERIVED_GRAPH",
    "ENTITIES_GRAPH",
    "FOAF",
    "GEO",
    "GRAPH",
    "HISTORY_GRAPH",
    "INFERRED_GRAPH",
    "KG",
    "OA",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "RELATION_TYPES",
    "RES",
    "RT",
    "SEARCH",
    "SEARCH_SERVICE",
    "SKOS",
    "TIME",
    "TIMELINE_GRAPH",
    "XSD",
    "source_graph",
    "sparql_prefixes",
]
