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
    observedOn: URIRef
    holdsFrom: URIRef
    holdsTo: URIRef
    edtf: URIRef
    during: URIRef
    context: URIRef
    contradicts: URIRef
    closes: URIRef
    endedBy: URIRef
    supersededBy: URIRef
    disputedWith: URIRef
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
    Agreement: URIRef
    Side: URIRef
    partOfSide: URIRef
    NameAttestation: URIRef
    NameKind: URIRef
    Alias: URIRef
    FormerName: URIRef
    NomDeGuerre: URIRef
    Transliteration: URIRef
    namedEntity: URIRef
    attestedName: URIRef
    nameKind: URIRef

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
    retrievedOn: URIRef
    storedPart: URIRef
    reprintOf: URIRef
    fromDate: URIRef
    untilDate: URIRef

    # relations.ttl: scheme, relation type metadata, direct properties
    RelationType: URIRef
    DeclaredRelationType: URIRef
    RelationTypes: URIRef
    polarity: URIRef
    oneHolderPer: URIRef
    StatementRole: URIRef
    SubjectRole: URIRef
    ObjectRole: URIRef
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
    leavesCountry: URIRef
    grantsAsylumTo: URIRef
    deploysInto: URIRef
    patrols: URIRef
    signsAgreement: URIRef
    suspendsAgreement: URIRef
    endsAgreement: URIRef
    partyTo: URIRef
    recognises: URIRef
    sanctions: URIRef
    designates: URIRef
    arms: URIRef
    funds: URIRef
    trains: URIRef
    hostsTalks: URIRef
    condemns: URIRef
    threatens: URIRef
    offersToHandOverPowerTo: URIRef

    # alignment.ttl
    PloverCategories: URIRef
    CameoCodes: URIRef


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
    "leaves-country",
    "grants-asylum-to",
    "deploys-into",
    "patrols",
    "signs-agreement",
    "suspends-agreement",
    "ends-agreement",
    "party-to",
    "recognises",
    "sanctions",
    "designates",
    "arms",
    "funds",
    "trains",
    "hosts-talks",
    "condemns",
    "threatens",
    "offers-to-hand-over-power-to",
)


class RT(DefinedNamespace):
    """Relation type concepts (`rt:<slug>`); slugs hold hyphens, so use `RT["allied-with"]`."""

    _fail = True
    _NS = Namespace(BASE + "relation-type/")
    # Slugs are not Python identifiers: DefinedNamespace takes such names through `_extras`, which must stay
    # unannotated (an annotation would make `_extras` itself look like a term), hence the noqa.
    _extras = list(RELATION_TYPES)  # noqa: RUF012


RES = Namespace(BASE + "id/")
# Relation types an analyst declares in a facts file (kg/relation_types.py) live outside the closed RT: their
# concepts share its namespace, their direct properties get one of their own.
DECLARED_RELATION_TYPE = Namespace(BASE + "relation-type/")
DECLARED_PROPERTY = Namespace(BASE + "property/")
# PLOVER categories and CAMEO codes the relation types are aligned with (ontology/alignment.ttl).
PLOVER = Namespace(BASE + "plover/")
CAMEO = Namespace(BASE + "cameo/")
GRAPH = Namespace(BASE + "graph/")
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
# The SPARQL search service (kg/text_search.py, docs/search.md): the IRI SERVICE calls, and its properties.
SEARCH_SERVICE = URIRef(BASE + "search")
SEARCH = Namespace(BASE + "search#")

# The shapes of ontology/shapes/ (`shape:`), and the ontology IRI HermiT's check loads the graph under.
SHAPE = Namespace(BASE + "shape/")
CONSISTENCY_CHECK = URIRef(BASE + "consistency-check")

ONTOLOGY_GRAPH = URIRef(GRAPH + "ontology")
ENTITIES_GRAPH = URIRef(GRAPH + "entities")
DERIVED_GRAPH = URIRef(GRAPH + "derived")
INFERRED_GRAPH = URIRef(GRAPH + "inferred")
TIMELINE_GRAPH = URIRef(GRAPH + "timeline")
HISTORY_GRAPH = URIRef(GRAPH + "history")
LINKS_GRAPH = URIRef(GRAPH + "links")  # verified links to Wikidata (kg/links.py)
ENRICHMENT_GRAPH = URIRef(GRAPH + "enrichment")  # facts fetched for linked entities (kg/enrich.py)
ANALYTICS_GRAPH = URIRef(GRAPH + "analytics")  # results of `kg blocs --write` (kg/exports.py)
SOURCE_GRAPHS = GRAPH + "source/"  # the start of every source graph's IRI
# When each statement holds by the as-of rule (kg/asof.py): kg:holdsFrom, kg:holdsTo and what ended it.
TIMELINE_GRAPH = URIRef(GRAPH + "timeline")


def source_graph(source_id: str) -> URIRef:
    """Named graph holding what one source says.

    >>> source_graph("000_abc")
    rdflib.term.URIRef('https://w3id.org/syria-kg/graph/source/000_abc')
    """
    return URIRef(SOURCE_GRAPHS + source_id)


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

# Namespaces of the linked datasets (kg/links.py, kg/enrich.py) and of the queries sent to Wikidata: not
# prefixes of our graph (an undeclared prefix's error message lists only PREFIXES).
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
DBR = Namespace("http://dbpedia.org/resource/")
# Wikidata's formatter for GeoNames ID (P1566) as an RDF resource is https://sws.geonames.org/$1/ (docs/linking.md).
GEONAMES = Namespace("https://sws.geonames.org/")
SCHEMA = Namespace("http://schema.org/")  # Wikidata's descriptions use http, not https (docs/findings.md)
# Declared here: some rdflib releases spell WGS84 with https, which is wrong (docs/findings.md).
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
LINK_PREFIXES = {"wd": WD, "wdt": WDT, "dbr": DBR, "schema": SCHEMA, "wgs": WGS}
# Namespaces of the endpoint's own description (api/describe.py): SPARQL Service Description, VoID, and the
# W3C's IRIs of formats (https://www.w3.org/ns/formats/).
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")


def sparql_prefixes(*names: str) -> str:
    """PREFIX lines for a SPARQL text, one per name, from the tables above (the one place namespaces live).

    >>> print(sparql_prefixes("kg", "rdfs"), end="")
    PREFIX kg: <https://w3id.org/syria-kg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    """
    known = PREFIXES | LINK_PREFIXES
    return "".join(f"PREFIX {name}: <{known[name]}>\n" for name in names)


__all__ = [
    "ANALYTICS_GRAPH",
    "BASE",
    "CAMEO",
    "CONSISTENCY_CHECK",
    "DBR",
    "DCTERMS",
    "DECLARED_PROPERTY",
    "DECLARED_RELATION_TYPE",
    "DERIVED_GRAPH",
    "ENRICHMENT_GRAPH",
    "ENTITIES_GRAPH",
    "FOAF",
    "GEO",
    "GEONAMES",
    "GRAPH",
    "HISTORY_GRAPH",
    "INFERRED_GRAPH",
    "KG",
    "LINKS_GRAPH",
    "LINK_PREFIXES",
    "OA",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PLOVER",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "RELATION_TYPES",
    "RES",
    "RT",
    "SCHEMA",
    "SD",
    "SEARCH",
    "SEARCH_SERVICE",
    "SHAPE",
    "SKOS",
    "SOURCE_GRAPHS",
    "TIME",
    "TIMELINE_GRAPH",
    "VOID",
    "W3C_FORMATS",
    "WD",
    "WDT",
    "WGS",
    "XSD",
    "source_graph",
    "sparql_prefixes",
]
