"""Derived and inferred graphs, computed with SPARQL on Oxigraph.

- `graph/derived`: one direct triple per statement whose stance is asserted or reported, through the relation
  type's `kg:directProperty` (Russia kg:alliedWith res:assad-regime), so simple queries stay simple.
- `graph/inferred`: what the ontology's property characteristics add to the direct triples (symmetric, inverse,
  sub-property, transitive), plus the symmetric closure of `kg:contradicts`, run to a fixpoint.
"""

import pyoxigraph as ox

from kg.vocab import DERIVED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH

PREFIXES = """PREFIX kg: <https://w3id.org/syria-kg/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

DERIVE = f"""{PREFIXES}
INSERT {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}
WHERE {{
  GRAPH ?source {{
    ?statement a kg:Statement ; kg:subject ?s ; kg:relationType ?type ; kg:object ?o ; kg:stance ?stance .
  }}
  FILTER (?stance IN (kg:Asserted, kg:Reported))
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?type kg:directProperty ?p }}
}}"""

# Each rule reads the relation graphs (derived + inferred) and adds what is missing to the inferred graph.
_RELATION_GRAPHS = f"FILTER (?g IN (<{DERIVED_GRAPH}>, <{INFERRED_GRAPH}>))"
# A consequence already stated in any graph (a source, the derived graph) is not repeated in the inferred graph.
_ABSENT = "FILTER NOT EXISTS {{ GRAPH ?h {{ {triple} }} }}"


def _rule(head: str, schema: str, body: str) -> str:
    absent = _ABSENT.format(triple=head)
    return (
        f"{PREFIXES}INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ {head} }} }}\n"
        f"WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ {schema} }} {body} {absent} }}"
    )


RULES = {
    "symmetric": _rule(
        "?o ?p ?s", "?p a owl:SymmetricProperty .", f"GRAPH ?g {{ ?s ?p ?o }} {_RELATION_GRAPHS}"
    ),
    "inverse": _rule("?o ?q ?s", "?p owl:inverseOf ?q .", f"GRAPH ?g {{ ?s ?p ?o }} {_RELATION_GRAPHS}"),
    "inverse-back": _rule("?o ?p ?s", "?p owl:inverseOf ?q .", f"GRAPH ?g {{ ?s ?q ?o }} {_RELATION_GRAPHS}"),
    "sub-property": _rule(
        "?s ?q ?o", "?p rdfs:subPropertyOf ?q .", f"GRAPH ?g {{ ?s ?p ?o }} {_RELATION_GRAPHS}"
    ),
    "transitive": _rule(
        "?a ?p ?c",
        "?p a owl:TransitiveProperty .",
        f"GRAPH ?g {{ ?a ?p ?b }} GRAPH ?g2 {{ ?b ?p ?c }} {_RELATION_GRAPHS} "
        f"FILTER (?g2 IN (<{DERIVED_GRAPH}>, <{INFERRED_GRAPH}>)) FILTER (?a != ?c)",
    ),
    "contradicts": (
        f"{PREFIXES}INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ ?b kg:contradicts ?a }} }}\n"
        f"WHERE {{ GRAPH ?g {{ ?a kg:contradicts ?b }} FILTER NOT EXISTS {{ GRAPH ?h {{ ?b kg:contradicts ?a }} }} }}"
    ),
}

MAX_ROUNDS = 50


def _size(store: ox.Store, graph: str) -> int:
    return len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))


def derive_and_infer(store: ox.Store) -> dict[str, int]:
    """Fill the derived and inferred graphs of an in-memory store holding the ontology and the sources."""
    store.update(f"DROP SILENT GRAPH <{DERIVED_GRAPH}> ; DROP SILENT GRAPH <{INFERRED_GRAPH}>")
    store.update(DERIVE)
    for _ in range(MAX_ROUNDS):
        before = _size(store, str(INFERRED_GRAPH))
        for rule in RULES.values():
            store.update(rule)
        if _size(store, str(INFERRED_GRAPH)) == before:
            break
    return {"derived": _size(store, str(DERIVED_GRAPH)), "inferred": _size(store, str(INFERRED_GRAPH))}
