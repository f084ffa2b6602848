"""Derived and inferred graphs, computed with SPARQL on Oxigraph.

- `graph/derived`: one direct triple per statement whose stance is asserted or reported, through the relation
  type's `kg:directProperty` (Russia kg:alliedWith res:assad-regime), so simple queries stay simple.
- `graph/inferred`: what the ontology's property characteristics (symmetric, inverse, sub-property, transitive)
  add to the data graphs, run to a fixpoint: the closure of the direct triples, of `kg:contradicts` and of
  `kg:subEventOf`.
"""

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.asof import apply_as_of_rule
from kg.relation_types import DECLARED_INTO_SCHEMA
from kg.vocab import DERIVED_GRAPH, HISTORY_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, sparql_prefixes

PREFIXES = sparql_prefixes("kg", "owl", "rdfs")

DERIVE = f"""{PREFIXES}
INSERT {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}
WHERE {{
  GRAPH ?source {{
    ?statement a kg:Statement ; kg:subject ?s ; kg:relationType ?type ; kg:object ?o ; kg:stance ?stance .
  }}
  FILTER (?stance IN (kg:Asserted, kg:Reported))
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?type kg:directProperty ?p }}
}}"""

# Each rule reads every data graph (not the ontology, not the history) and adds what is missing to the inferred
# graph: relation triples live in the derived graph, kg:contradicts and kg:subEventOf in the source graphs.
_DATA_GRAPHS = f"FILTER (?g NOT IN (<{ONTOLOGY_GRAPH}>, <{HISTORY_GRAPH}>))"
# A consequence already stated in any graph (a source, the derived graph) is not repeated in the inferred graph.
_ABSENT = "FILTER NOT EXISTS {{ GRAPH ?h {{ {triple} }} }}"


def _rule(head: str, schema: str, body: str) -> str:
    absent = _ABSENT.format(triple=head)
    return (
        f"{PREFIXES}INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {head} }} }}\n"
        f"WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ {schema} }} {body} {absent} }}"
    )


RULES = {
    "symmetric": _rule("?o ?p ?s", "?p a owl:SymmetricProperty .", f"GRAPH ?g {{ ?s ?p ?o }} {_DATA_GRAPHS}"),
    "inverse": _rule("?o ?q ?s", "?p owl:inverseOf ?q .", f"GRAPH ?g {{ ?s ?p ?o }} {_DATA_GRAPHS}"),
    "inverse-back": _rule("?o ?p ?s", "?p owl:inverseOf ?q .", f"GRAPH ?g {{ ?s ?q ?o }} {_DATA_GRAPHS}"),
    "sub-property": _rule(
        "?s ?q ?o",
        "?p a owl:ObjectProperty ; rdfs:subPropertyOf ?q .",
        f"GRAPH ?g {{ ?s ?p ?o }} {_DATA_GRAPHS}",
    ),
    "transitive": _rule(
        "?a ?p ?c",
        "?p a owl:TransitiveProperty .",
        f"GRAPH ?g {{ ?a ?p ?b }} GRAPH ?g2 {{ ?b ?p ?c }} {_DATA_GRAPHS} "
        f"FILTER (?g2 NOT IN (<{ONTOLOGY_GRAPH}>, <{HISTORY_GRAPH}>)) FILTER (?a != ?c)",
    ),
}

MAX_ROUNDS = 50


def reasoned_properties(ontology: Graph) -> set[URIRef]:
    """Properties whose triples the rules read: symmetric, transitive, with an inverse, or object sub-properties."""
    found = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    found |= set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
    for p, q in ontology.subject_objects(OWL.inverseOf):
        found |= {p, q}
    found |= {
        p for p in ontology.subjects(RDFS.subPropertyOf) if (p, RDF.type, OWL.ObjectProperty) in ontology
    }
    return {p for p in found if isinstance(p, URIRef)}


def _size(store: ox.Store, graph: str) -> int:
    return len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))


def derive_and_infer(store: ox.Store) -> dict[str, int]:
    """Fill the derived and inferred graphs of an in-memory store holding the ontology and the sources."""
    store.update(f"DROP SILENT GRAPH <{DERIVED_GRAPH}> ; DROP SILENT GRAPH <{INFERRED_GRAPH}>")
    store.update(DECLARED_INTO_SCHEMA)  # relation types a source declares are schema like the ontology's
    timeline = apply_as_of_rule(store)  # graph/timeline: when each statement holds (kg/asof.py)
    store.update(DERIVE)
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
    }
