"""Derived and inferred graphs, and the confirmations of the timeline graph, computed with SPARQL on Oxigraph.

- `graph/timeline`: the as-of rule's intervals (`kg:holdsFrom`, `kg:holdsTo`, `kg:supersededBy`, `kg:endedBy`,
  written by kg/asof.py) and `kg:confirmedBy`: a rumoured or claimed statement linked to a later asserted or
  reported statement of the same subject, relation type and object from another source document.
- `graph/derived`: the simple current view: one direct triple per statement asserted or reported, with no
  modality, not contradicted by a denial whose period overlaps its own, not superseded or ended, and with no
  `kg:holdsTo` before the latest source date, through the relation type's `kg:directProperty`
  (res:russia kg:alliedWith res:assad-regime). Earlier states stay in the source graphs with their interval in
  the timeline graph (docs/decisions/20261207-derived-current-view.md).
- `graph/inferred`: what the ontology's axioms add to the data graphs, run to a fixpoint: the RDFS closure of
  types (`rdfs:subClassOf`) and of sub-properties (`rdfs:subPropertyOf`, so `kg:subject` and `kg:object` give
  `kg:party`), and the symmetric, inverse and transitive characteristics of properties. A `kg:EventClaim` is
  never the subject or object of an inferred triple other than its types: a claimed event gets no participants
  and no sub-event links.
"""

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from kg.asof import apply_as_of_rule
from kg.relation_types import DECLARED_INTO_SCHEMA
from kg.vocab import (
    DERIVED_GRAPH,
    GRAPH,
    HISTORY_GRAPH,
    INFERRED_GRAPH,
    KG,
    OA,
    ONTOLOGY_GRAPH,
    TIMELINE_GRAPH,
    sparql_prefixes,
)

PREFIXES = sparql_prefixes("kg", "owl", "rdfs", "dcterms", "oa")

# What each computed graph holds, stated in the SPARQL service description (api/describe.py) and docs/model.md.
GRAPH_DESCRIPTIONS = {
    INFERRED_GRAPH: (
        "Entailed from the data graphs and the ontology, materialised so that simple entailment over the union "
        "default graph answers them: the RDFS closure of rdf:type through rdfs:subClassOf (rdfs9, rdfs11; ?x a "
        "kg:Actor lists every actor) and of properties through rdfs:subPropertyOf (rdfs5, rdfs7; kg:subject "
        "and kg:object give kg:party), and the OWL 2 RL rules for owl:SymmetricProperty (prp-symp), "
        "owl:inverseOf (prp-inv1, prp-inv2) and owl:TransitiveProperty (prp-trp). Not entailed: typing by "
        "rdfs:domain or rdfs:range, owl:sameAs, and any link of an event claim (kg:EventClaim) but its types."
    ),
    DERIVED_GRAPH: (
        "The current view: one direct triple (the relation type's kg:directProperty) per statement asserted "
        "or reported, with no kg:modality, not contradicted by a denial of an overlapping period, not "
        "kg:supersededBy or kg:endedBy, and with no kg:holdsTo before the latest source date."
    ),
    TIMELINE_GRAPH: (
        "When each statement holds (kg:holdsFrom, kg:holdsTo, kg:supersededBy, kg:endedBy; the as-of rule) "
        "and which rumoured or claimed statements a later source confirmed (kg:confirmedBy)."
    ),
}

# What a statement node says holds between whom: asserted or reported, with no modality.
_FACT = """
  GRAPH ?source {
    ?statement a kg:Statement ; kg:subject ?s ; kg:relationType ?type ; kg:object ?o ; kg:stance ?stance .
  }
  FILTER (?stance IN (kg:Asserted, kg:Reported))
  FILTER NOT EXISTS { GRAPH ?m { ?statement kg:modality ?modality } }"""


def _period(var: str) -> str:
    """Bind ?<var>From / ?<var>To, the period a statement speaks of: its own dates (kg:during), else the
    timeline's as-of interval; unbound when open or unknown."""
    return f"""
    OPTIONAL {{ GRAPH ?{var}G1 {{ ?{var} kg:during ?{var}T1 }} GRAPH ?{var}G2 {{ ?{var}T1 kg:fromDate ?{var}F }} }}
    OPTIONAL {{ GRAPH ?{var}G3 {{ ?{var} kg:during ?{var}T2 }} GRAPH ?{var}G4 {{ ?{var}T2 kg:untilDate ?{var}U }} }}
    OPTIONAL {{ GRAPH <{TIMELINE_GRAPH}> {{ ?{var} kg:holdsFrom ?{var}HoldsFrom }} }}
    OPTIONAL {{ GRAPH <{TIMELINE_GRAPH}> {{ ?{var} kg:holdsTo ?{var}HoldsTo }} }}
    BIND (COALESCE(?{var}F, ?{var}HoldsFrom) AS ?{var}From)
    BIND (COALESCE(?{var}U, ?{var}HoldsTo) AS ?{var}To)"""


# A statement asserted or reported that a denial of the same subject, relation type and object (either way round
# for an undirected type), or one linked to it by kg:contradicts, covers over an overlapping period; an open or
# unknown bound overlaps everything. Driven from the denials (few), into a scratch graph the derivation reads.
# One update per way of matching: Oxigraph evaluates each branch of a UNION on its own, over every statement.
_DENIED_GRAPH = f"{GRAPH}scratch/denied"
_SAME_KEY = "GRAPH ?{g} {{ ?{a} kg:subject ?s ; kg:relationType ?type ; kg:object ?o }}"
_REVERSED_KEY = (
    "GRAPH ?{g} {{ ?{a} kg:subject ?o ; kg:relationType ?type ; kg:object ?s }} "
    f"GRAPH <{ONTOLOGY_GRAPH}> {{{{ ?type kg:directed false }}}}"
)
_DENIAL_MATCHES = (
    _SAME_KEY.format(g="dg1", a="denial") + " " + _SAME_KEY.format(g="sg1", a="statement"),
    _REVERSED_KEY.format(g="dg2", a="denial") + " " + _SAME_KEY.format(g="sg2", a="statement"),
    "GRAPH ?dg3 { ?denial kg:contradicts ?statement }",
    "GRAPH ?dg4 { ?statement kg:contradicts ?denial }",
)
DENIED = [
    f"""{PREFIXES}
INSERT {{ GRAPH <{_DENIED_GRAPH}> {{ ?statement kg:contradicts ?denial }} }}
WHERE {{
  GRAPH ?dg {{ ?denial kg:stance kg:Denied }}
  {match}
  GRAPH ?sg {{ ?statement kg:stance ?stance }} FILTER (?stance IN (kg:Asserted, kg:Reported))
  {_period("statement")}
  {_period("denial")}
  FILTER (COALESCE(?statementFrom <= ?denialTo, true) && COALESCE(?denialFrom <= ?statementTo, true))
}}"""
    for match in _DENIAL_MATCHES
]

DERIVE = f"""{PREFIXES}
INSERT {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}
WHERE {{
  {{ SELECT (MAX(?published) AS ?latest) WHERE {{
      GRAPH ?dd {{ ?document a kg:SourceDocument ; dcterms:date ?published }} }} }}
  {_FACT}
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?type kg:directProperty ?p }}
  FILTER NOT EXISTS {{ GRAPH <{TIMELINE_GRAPH}> {{ ?statement kg:supersededBy|kg:endedBy ?later }} }}
  FILTER NOT EXISTS {{ GRAPH <{TIMELINE_GRAPH}> {{ ?statement kg:holdsTo ?to }} FILTER (?to < ?latest) }}
  FILTER NOT EXISTS {{ GRAPH <{_DENIED_GRAPH}> {{ ?statement kg:contradicts ?denial }} }}
}}"""

# The source documents a statement's evidence comes from, with their dates.
_EVIDENCE = "GRAPH ?{g} {{ {node} kg:hasEvidence ?{v} }} GRAPH ?{g}s {{ ?{v} oa:hasSource ?{d} }} " + (
    "GRAPH ?{g}d {{ ?{d} dcterms:date ?{d}Date }}"
)

CONFIRM = [
    f"""{PREFIXES}DELETE WHERE {{ GRAPH <{TIMELINE_GRAPH}> {{ ?a kg:confirmedBy ?b }} }}""",
    *(
        f"""{PREFIXES}
INSERT {{ GRAPH <{TIMELINE_GRAPH}> {{ ?claim kg:confirmedBy ?statement }} }}
WHERE {{
  VALUES ?claimStance {{ kg:Rumoured kg:Claimed }}
  GRAPH ?cg {{ ?claim kg:stance ?claimStance ; kg:subject ?s ; kg:relationType ?type ; kg:object ?o }}
  {match}
  GRAPH ?fg {{ ?statement kg:stance ?stance }}
  FILTER (?stance IN (kg:Asserted, kg:Reported))
  FILTER NOT EXISTS {{ GRAPH ?m {{ ?statement kg:modality ?modality }} }}
  {_EVIDENCE.format(g="ce", node="?claim", v="claimEvidence", d="claimDocument")}
  {_EVIDENCE.format(g="se", node="?statement", v="statementEvidence", d="statementDocument")}
  FILTER (?claimDocument != ?statementDocument && ?statementDocumentDate >= ?claimDocumentDate)
}}"""
        for match in (_SAME_KEY.format(g="fg1", a="statement"), _REVERSED_KEY.format(g="fg2", a="statement"))
    ),
]

# Each rule reads every data graph (not the ontology, not the history) and adds what is missing to the inferred
# graph: relation triples live in the derived graph, kg:contradicts and kg:subEventOf in the source graphs.
_DATA_GRAPHS = f"FILTER (?g NOT IN (<{ONTOLOGY_GRAPH}>, <{HISTORY_GRAPH}>))"
# A consequence already stated in any graph (a source, the derived graph) is not repeated in the inferred graph.
_ABSENT = "FILTER NOT EXISTS {{ GRAPH ?h {{ {triple} }} }}"
# An event claim is never an end of an inferred triple: no participants, no sub-event links.
_NOT_A_CLAIM = "FILTER NOT EXISTS {{ GRAPH ?c{var} {{ ?{var} a kg:EventClaim }} }}"


def _rule(head: str, schema: str, body: str, ends: tuple[str, ...] = ()) -> str:
    absent = _ABSENT.format(triple=head)
    claims = " ".join(_NOT_A_CLAIM.format(var=var) for var in ends)
    return (
        f"{PREFIXES}INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {head} }} }}\n"
        f"WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ {schema} }} {body} {claims} {absent} }}"
    )


# The RDFS closure of types (rdfs9, rdfs11), in one pass through the transitive closure of rdfs:subClassOf.
TYPES = _rule(
    "?x a ?super",
    "?class rdfs:subClassOf+ ?super . FILTER (isIRI(?super))",
    f"GRAPH ?g {{ ?x a ?class }} {_DATA_GRAPHS}",
)

RULES = {
    "symmetric": _rule(
        "?o ?p ?s", "?p a owl:SymmetricProperty .", f"GRAPH ?g {{ ?s ?p ?o }} {_DATA_GRAPHS}", ("s", "o")
    ),
    "inverse": _rule(
        "?o ?q ?s", "?p owl:inverseOf ?q .", f"GRAPH ?g {{ ?s ?p ?o }} {_DATA_GRAPHS}", ("s", "o")
    ),
    "inverse-back": _rule(
        "?o ?p ?s", "?p owl:inverseOf ?q .", f"GRAPH ?g {{ ?s ?q ?o }} {_DATA_GRAPHS}", ("s", "o")
    ),
    "sub-property": _rule(
        "?s ?q ?o",
        "?p rdfs:subPropertyOf+ ?q . VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty } ?p a ?kind .",
        f"GRAPH ?g {{ ?s ?p ?o }} {_DATA_GRAPHS}",
        ("s",),
    ),
    "transitive": _rule(
        "?a ?p ?c",
        "?p a owl:TransitiveProperty .",
        f"GRAPH ?g {{ ?a ?p ?b }} GRAPH ?g2 {{ ?b ?p ?c }} {_DATA_GRAPHS} "
        f"FILTER (?g2 NOT IN (<{ONTOLOGY_GRAPH}>, <{HISTORY_GRAPH}>)) FILTER (?a != ?c)",
        ("a", "c"),
    ),
}

MAX_ROUNDS = 50

# What the derivation, the confirmations and the type closure read besides the properties with characteristics.
_READ_BY_RULES = (
    RDF.type,
    KG.modality,
    KG.during,
    KG.fromDate,
    KG.untilDate,
    KG.hasEvidence,
    OA.hasSource,
    DCTERMS.date,
)


def reasoned_properties(ontology: Graph) -> set[URIRef]:
    """Properties whose triples the rules read: types, modality, dates and evidence sources (for the derived
    graph and the confirmations), and the symmetric, transitive, inverse and sub-properties."""
    found = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    found |= set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
    for p, q in ontology.subject_objects(OWL.inverseOf):
        found |= {p, q}
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty}
    found |= {p for p in ontology.subjects(RDFS.subPropertyOf) if kinds & set(ontology.objects(p, RDF.type))}
    found |= set(_READ_BY_RULES)
    return {p for p in found if isinstance(p, URIRef)}


def _size(store: ox.Store, graph: str) -> int:
    """Triples in one graph, counted by the engine (no Python object per quad)."""
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(solutions))["n"].value)


def derive_and_infer(store: ox.Store) -> dict[str, int]:
    """Fill the timeline's confirmations, the derived and the inferred graphs of an in-memory store holding the
    ontology and the sources."""
    store.update(f"DROP SILENT GRAPH <{DERIVED_GRAPH}> ; DROP SILENT GRAPH <{INFERRED_GRAPH}>")
    store.update(DECLARED_INTO_SCHEMA)  # relation types a source declares are schema like the ontology's
    timeline = apply_as_of_rule(store)  # graph/timeline: when each statement holds (kg/asof.py)
    for update in (*CONFIRM, *DENIED, DERIVE):
        store.update(update)
    store.update(f"DROP SILENT GRAPH <{_DENIED_GRAPH}>")
    store.update(TYPES)  # once: no other rule adds a type
    for _ in range(MAX_ROUNDS):
        before = _size(store, str(INFERRED_GRAPH))
        for rule in RULES.values():
            store.update(rule)
        if _size(store, str(INFERRED_GRAPH)) == before:
            break
    return {
        "timeline": timeline,
        "derived": _size(store, str(DERIVED_GRAPH)),
        "inferred": _size(store, str(INFERRED_GRAPH)),
        "confirmations": len(list(store.quads_for_pattern(None, ox.NamedNode(str(KG.confirmedBy)), None))),
    }
