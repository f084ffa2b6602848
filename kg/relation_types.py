"""Relation types an analyst declares in a facts file (`relation_types:`), without editing `ontology/`.

Each entry compiles, in the source's graph, to a concept `rt:<id>` typed `kg:RelationType` and
`kg:DeclaredRelationType` (labels, polarity, direction, parent, functional or not) and its own direct
property `<https://w3id.org/syria-kg/property/<id>>`: statements of the same file and of later files may use
it, the derived graph gets its direct triples, SHACL (S21) checks it, and retracting the source removes it
(refused while a later source uses it, like any id the source defines).
The decision: docs/decisions/20261207-declared-relation-types.md.
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import Graph, Literal, URIRef

from kg.errors import InputError
from kg.temporal import LINE_KEY
from kg.vocab import (
    DECLARED_PROPERTY,
    DECLARED_RELATION_TYPE,
    GRAPH,
    KG,
    ONTOLOGY_GRAPH,
    OWL,
    PROV,
    RDF,
    RDFS,
    RELATION_TYPES,
    RT,
    SKOS,
    XSD,
    sparql_prefixes,
)

if TYPE_CHECKING:
    from kg.store import Store


class Vocabulary(Protocol):
    """What these hooks use of `kg.authoring.Vocabulary` (authoring imports this module: no import back)."""

    relation_types: dict[str, str]
    direct_properties: dict[str, URIRef]


class Compiler(Protocol):
    """What these hooks use of `kg.authoring.Compiler`."""

    vocabulary: Vocabulary

    def _rel(self, path: Path) -> Path: ...


class SourceContext(Protocol):
    """What these hooks use of the compiler's context of one source file."""

    file: Path
    graph: Graph
    node: URIRef


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
FIELDS = {"id", "label", "definition", "polarity", "directed", "parent", "functional", LINE_KEY}
# functional: object = one subject per object at a time (who controls a place); subject = one object per
# subject (where a body is based).
FUNCTIONAL = {"object": KG.ObjectRole, "subject": KG.SubjectRole, "no": None}


def relation_type_iri(slug: str) -> URIRef:
    """The IRI of a relation type: `rt:<slug>`, from the closed RT for the ontology's types.

    >>> relation_type_iri("allied-with") == RT["allied-with"], str(relation_type_iri("hands-over"))
    (True, 'https://w3id.org/syria-kg/relation-type/hands-over')
    """
    return RT[slug] if slug in RELATION_TYPES else DECLARED_RELATION_TYPE[slug]


def register_relation_types(compiler: Compiler, path: Path, doc: dict[str, Any]) -> None:
    """Teach the compiler's vocabulary the types a file declares, before its statements are compiled."""
    file = str(compiler._rel(path))
    vocabulary = compiler.vocabulary
    for entry in _entries(doc, file):
        line = entry.get(LINE_KEY)
        slug = entry.get("id")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise InputError(
                f"relation type id {slug!r} is not a lower-case kebab-case slug", file=file, line=line
            )
        if slug in vocabulary.relation_types:
            raise InputError(f"relation type '{slug}' already exists", file=file, line=line)
        label = entry.get("label")
        english = label.get("en") if isinstance(label, dict) else label
        if not isinstance(english, str) or not english.strip():
            raise InputError(
                f"relation type '{slug}' needs an English label (label: {{en: ...}})", file=file, line=line
            )
        vocabulary.relation_types[slug] = english.strip()
        vocabulary.direct_properties[slug] = DECLARED_PROPERTY[slug]


def compile_relation_types(compiler: Compiler, ctx: SourceContext, path: Path, doc: dict[str, Any]) -> None:
    """The concept and its direct property, in the source's graph."""
    for entry in _entries(doc, str(ctx.file)):
        _compile_one(compiler, ctx, entry)


def _compile_one(compiler: Compiler, ctx: SourceContext, entry: dict[str, Any]) -> None:
    line = entry.get(LINE_KEY)
    slug = entry["id"]
    where = {"file": str(ctx.file), "line": line}
    unknown = sorted(str(key) for key in set(entry) - FIELDS)
    if unknown:
        raise InputError(f"relation type '{slug}': unknown field(s) {', '.join(unknown)}", **where)
    # The loader keeps every value as written (kg/yaml_text.py): the number and the yes/no are read here.
    polarity, directed = str(entry.get("polarity")).strip(), str(entry.get("directed")).strip().lower()
    if polarity not in ("-1", "0", "1"):
        raise InputError(
            f"relation type '{slug}': polarity must be -1, 0 or 1, got {entry.get('polarity')!r}", **where
        )
    if directed not in ("true", "false", "yes", "no"):
        message = f"relation type '{slug}': directed must be true or false, got {entry.get('directed')!r}"
        raise InputError(message, **where)
    polarity, directed = int(polarity), directed in ("true", "yes")
    functional = str(entry.get("functional", "no")).strip()
    functional = "no" if functional.lower() in ("false", "no", "off") else functional
    if functional not in FUNCTIONAL:
        raise InputError(f"relation type '{slug}': functional must be subject, object or no", **where)
    graph, node, prop = ctx.graph, DECLARED_RELATION_TYPE[slug], DECLARED_PROPERTY[slug]
    graph.add((node, RDF.type, KG.RelationType))
    graph.add((node, RDF.type, KG.DeclaredRelationType))
    graph.add((node, SKOS.inScheme, KG.RelationTypes))
    graph.add((node, PROV.wasDerivedFrom, ctx.node))
    _add_labels(graph, node, prop, entry.get("label"), slug, where)
    if entry.get("definition"):
        graph.add((node, SKOS.definition, Literal(str(entry["definition"]), lang="en")))
    graph.add((node, KG.polarity, Literal(polarity, datatype=XSD.integer)))
    graph.add((node, KG.directed, Literal(directed)))
    graph.add((node, KG.directProperty, prop))
    graph.add((prop, RDF.type, OWL.ObjectProperty))
    if not directed:
        graph.add((prop, RDF.type, OWL.SymmetricProperty))
    if FUNCTIONAL[functional] is not None:
        graph.add((node, KG.oneHolderPer, FUNCTIONAL[functional]))
    if entry.get("parent") is not None:
        parent = str(entry["parent"])
        if parent not in compiler.vocabulary.relation_types or parent == slug:
            raise InputError(f"relation type '{slug}': unknown parent relation type '{parent}'", **where)
        graph.add((node, SKOS.broader, relation_type_iri(parent)))
        graph.add((prop, RDFS.subPropertyOf, compiler.vocabulary.direct_properties[parent]))


def _add_labels(
    graph: Graph, node: URIRef, prop: URIRef, label: Any, slug: str, where: dict[str, Any]
) -> None:
    labels = label if isinstance(label, dict) else {"en": label}
    for language, text in labels.items():
        if language == LINE_KEY:
            continue
        if not isinstance(language, str) or not LANGUAGE_TAG.match(language) or not str(text or "").strip():
            raise InputError(f"relation type '{slug}': bad label {language!r}: {text!r}", **where)
        graph.add((node, SKOS.prefLabel, Literal(str(text).strip(), lang=language)))
        graph.add((prop, RDFS.label, Literal(str(text).strip(), lang=language)))


def _entries(doc: dict[str, Any], file: str) -> list[dict[str, Any]]:
    entries = doc.get("relation_types") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError("'relation_types' must be a list of mappings (docs/authoring.md)", file=file)
    return entries


# ------------------------------------------------------------------------------------------ the store

_SOURCE_GRAPHS = f"{GRAPH}source/"
_DECLARED = f"""{{
    GRAPH ?g {{ ?type a kg:DeclaredRelationType ; ?p ?o }}
  }} UNION {{
    GRAPH ?g {{ ?type a kg:DeclaredRelationType ; kg:directProperty ?prop . ?prop ?q ?v }}
  }}
  FILTER (STRSTARTS(STR(?g), "{_SOURCE_GRAPHS}"))"""

#: Copies the declared types (concept and direct property) into the ontology graph of a scratch store, so that
#: the derivation and the rules, which read their schema from that graph, treat them as the built-in ones.
DECLARED_INTO_SCHEMA = f"""{sparql_prefixes("kg")}
INSERT {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?type ?p ?o . ?prop ?q ?v }} }}
WHERE {{ {_DECLARED} }}"""

_CONSTRUCT = f"""{sparql_prefixes("kg")}
CONSTRUCT {{ ?type ?p ?o . ?prop ?q ?v }} WHERE {{ {_DECLARED} }}"""


def declared_in_store(store: "Store") -> Graph:
    """The declared relation types of a store's sources (concepts and direct properties), as one graph."""
    graph = Graph()
    graph.parse(data=store.query_bytes(_CONSTRUCT, "application/n-triples"), format="nt")
    return graph
