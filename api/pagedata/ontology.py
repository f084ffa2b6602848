"""The ontology documented from `ontology/` (the files, not the store): classes, properties, relation types,
concept schemes and SHACL shapes as the `/ontology` page lists them, and the triples of the whole ontology, of
one module, of one relation type.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from api.pagedata.terms import BASE, KG, RT, curie, href_of
from kg.settings import Settings
from kg.vocab import DCTERMS, SHAPE


@lru_cache(maxsize=4)
def _ontology_graphs(
    ontology_dir: Path, stamp: tuple[tuple[str, int], ...]
) -> tuple[Graph, Graph, dict[str, Graph]]:
    """The ontology, the shapes and each module's graph, parsed from `ontology/` (cached until a file changes)."""
    ontology, shapes = Graph(), Graph()
    modules: dict[str, Graph] = {}
    for path in sorted(ontology_dir.glob("*.ttl")):
        module = Graph().parse(path, format="turtle")
        modules[path.stem] = module
        ontology += module
    for path in sorted((ontology_dir / "shapes").glob("*.ttl")):
        module = Graph().parse(path, format="turtle")
        modules["shapes/" + path.stem] = module
        shapes += module
    return ontology, shapes, modules


def ontology_graphs(settings: Settings) -> tuple[Graph, Graph, dict[str, Graph]]:
    """The parsed ontology files, re-read when one of them changes."""
    files = sorted(settings.ontology_dir.glob("*.ttl")) + sorted(settings.shapes_dir.glob("*.ttl"))
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return _ontology_graphs(settings.ontology_dir, stamp)


def _text(graph: Graph, node: Any, prop: URIRef, lang: str = "en") -> str | None:
    values = list(graph.objects(node, prop))
    for value in values:
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return str(values[0]) if values else None


def _anchor(iri: str) -> str:
    """The fragment of `/ontology` that documents an IRI.

    >>> _anchor("https://w3id.org/syria-kg/relation-type/allied-with"), _anchor("http://www.w3.org/ns/prov#Agent")
    ('rt-allied-with', 'prov-Agent')
    """
    if iri.startswith(KG):
        return iri[len(KG) :]
    if iri.startswith(RT):
        return "rt-" + iri[len(RT) :]
    if iri.startswith(SHAPE):
        return "shape-" + iri[len(SHAPE) :]
    return re.sub(r"[^A-Za-z0-9_-]", "-", curie(iri).replace(":", "-"))


def _ref(graph: Graph, node: Any, documented: set[str]) -> dict[str, Any]:
    if isinstance(node, BNode):
        return {"text": _describe_bnode(graph, node), "href": None}
    if isinstance(node, Literal):
        return {"text": str(node), "href": None}
    iri = str(node)
    href = "#" + _anchor(iri) if iri in documented else href_of(iri)
    return {"text": curie(iri), "href": href, "label": _text(graph, node, RDFS.label)}


def _describe_bnode(graph: Graph, node: BNode) -> str:
    """A short reading of a class expression or list (owl:unionOf, sh:or, ...)."""
    items = list(graph.items(node)) if (node, RDF.first, None) in graph else []
    if items:
        return (
            "("
            + " ".join(curie(str(i)) if isinstance(i, URIRef) else _describe_bnode(graph, i) for i in items)
            + ")"
        )
    parts = []
    for p, o in sorted(graph.predicate_objects(node)):
        value = (
            curie(str(o))
            if isinstance(o, URIRef)
            else _describe_bnode(graph, o)
            if isinstance(o, BNode)
            else str(o)
        )
        parts.append(f"{curie(str(p))} {value}")
    return "[" + "; ".join(parts) + "]"


def ontology_doc(settings: Settings) -> dict[str, Any]:
    """Classes, properties, relation types, concepts and shapes, as the ontology page lists them."""
    graph, shapes, modules = ontology_graphs(settings)
    module_of: dict[str, str] = {}
    for name, module in modules.items():
        for subject in set(module.subjects()):
            if (isinstance(subject, URIRef) and (subject, RDFS.label, None) in module) or (
                isinstance(subject, URIRef) and (subject, RDF.type, SH.NodeShape) in module
            ):
                module_of.setdefault(str(subject), name)

    def terms_of(kind: URIRef) -> list[URIRef]:
        return sorted({s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}, key=curie_key)

    classes, object_props = terms_of(OWL.Class), terms_of(OWL.ObjectProperty)
    datatype_props, annotation_props = terms_of(OWL.DatatypeProperty), terms_of(OWL.AnnotationProperty)
    relation_types = sorted(
        {s for s in graph.subjects(SKOS.inScheme, URIRef(KG + "RelationTypes")) if isinstance(s, URIRef)},
        key=curie_key,
    )
    schemes = sorted(
        {s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if str(s) != KG + "RelationTypes"},
        key=curie_key,
    )
    node_shapes = sorted(
        {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}, key=curie_key
    )
    documented = {str(t) for t in classes + object_props + datatype_props + annotation_props + relation_types}
    documented |= {str(t) for t in node_shapes} | {str(s) for s in schemes}
    for scheme in schemes:
        documented |= {str(c) for c in graph.subjects(SKOS.inScheme, scheme)}

    def term(node: URIRef, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        iri = str(node)
        return {
            "iri": iri,
            "curie": curie(iri),
            "anchor": _anchor(iri),
            "label": _text(graph, node, RDFS.label) or _text(graph, node, SKOS.prefLabel) or curie(iri),
            "definition": _text(graph, node, SKOS.definition) or _text(graph, node, RDFS.comment),
            "module": module_of.get(iri),
            "local": iri.startswith(BASE),
            **(extra or {}),
        }

    def refs(node: URIRef, prop: URIRef, g: Graph = graph) -> list[dict[str, Any]]:
        return [_ref(g, o, documented) for o in sorted(g.objects(node, prop), key=str)]

    characteristics = {
        OWL.SymmetricProperty: "symmetric",
        OWL.TransitiveProperty: "transitive",
        OWL.FunctionalProperty: "functional",
        OWL.InverseFunctionalProperty: "inverse functional",
        OWL.AsymmetricProperty: "asymmetric",
        OWL.IrreflexiveProperty: "irreflexive",
    }

    def prop_view(node: URIRef) -> dict[str, Any]:
        return term(
            node,
            {
                "domain": refs(node, RDFS.domain),
                "range": refs(node, RDFS.range),
                "super": refs(node, RDFS.subPropertyOf),
                "inverse": refs(node, OWL.inverseOf),
                "characteristics": [v for k, v in characteristics.items() if (node, RDF.type, k) in graph],
            },
        )

    shape_views = []
    for shape in node_shapes:
        properties = []
        for prop in shapes.objects(shape, SH.property):
            constraints = []
            for p, o in sorted(shapes.predicate_objects(prop)):
                if p in (SH.path, SH.message, SH.name, SH.description):
                    continue
                value = _ref(shapes, o, documented)
                constraints.append({"name": curie(str(p)), "value": value})
            path = next(shapes.objects(prop, SH.path), None)
            properties.append(
                {
                    "path": _ref(shapes, path, documented) if path is not None else None,
                    "constraints": constraints,
                    "message": _text(shapes, prop, SH.message),
                }
            )
        properties.sort(key=lambda p: p["path"]["text"] if p["path"] else "")
        targets = []
        for target_prop in (
            SH.targetClass,
            SH.targetNode,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.target,
        ):
            targets += [
                {"kind": curie(str(target_prop)), **_ref(shapes, o, documented)}
                for o in shapes.objects(shape, target_prop)
            ]
        sparql = [str(s) for c in shapes.objects(shape, SH.sparql) for s in shapes.objects(c, SH.select)]
        shape_views.append(
            {
                "iri": str(shape),
                "curie": curie(str(shape)),
                "anchor": _anchor(str(shape)),
                "label": _text(shapes, shape, RDFS.label) or curie(str(shape)),
                "comment": _text(shapes, shape, RDFS.comment),
                "message": _text(shapes, shape, SH.message),
                "module": module_of.get(str(shape)),
                "targets": targets,
                "properties": properties,
                "sparql": sparql,
            }
        )
    ontologies = []
    for name, module in modules.items():
        for node in module.subjects(RDF.type, OWL.Ontology):
            ontologies.append(
                {
                    "name": name,
                    "iri": str(node),
                    "title": _text(module, node, DCTERMS.title),
                    "description": _text(module, node, DCTERMS.description),
                    "version": _text(module, node, OWL.versionInfo),
                    "versionIRI": str(next(module.objects(node, OWL.versionIRI), "")) or None,
                    "anchor": "module-" + name.replace("/", "-"),
                }
            )
    return {
        "modules": ontologies,
        "classes": [
            term(c, {"super": refs(c, RDFS.subClassOf), "disjoint": refs(c, OWL.disjointWith)})
            for c in classes
        ],
        "object_properties": [prop_view(p) for p in object_props],
        "datatype_properties": [prop_view(p) for p in datatype_props],
        "annotation_properties": [prop_view(p) for p in annotation_props],
        "relation_types": [
            term(
                r,
                {
                    "labels": sorted(
                        (o.language or "", str(o))
                        for o in graph.objects(r, SKOS.prefLabel)
                        if isinstance(o, Literal)
                    ),
                    "polarity": _text(graph, r, URIRef(KG + "polarity")),
                    "directed": _text(graph, r, URIRef(KG + "directed")),
                    "direct": refs(r, URIRef(KG + "directProperty")),
                    "broader": refs(r, SKOS.broader),
                    # the PLOVER categories and CAMEO codes it is aligned with (ontology/alignment.ttl)
                    "exact": refs(r, SKOS.exactMatch),
                    "close": refs(r, SKOS.closeMatch),
                },
            )
            for r in relation_types
        ],
        "schemes": [
            term(
                s,
                {
                    "concepts": [
                        term(c)
                        for c in sorted(
                            {c for c in graph.subjects(SKOS.inScheme, s) if isinstance(c, URIRef)},
                            key=curie_key,
                        )
                    ]
                },
            )
            for s in schemes
        ],
        "shapes": shape_views,
    }


def curie_key(node: Any) -> str:
    """Sort key: external terms after ours, then by prefixed name."""
    iri = str(node)
    return ("1" if not iri.startswith(BASE) else "0") + curie(iri).lower()


def ontology_triples(settings: Settings, module: str | None = None) -> list[ox.Triple]:
    """The ontology (or one module, shapes included) as pyoxigraph triples."""
    graph, shapes, modules = ontology_graphs(settings)
    source = modules[module] if module else graph + shapes
    data = source.serialize(format="nt", encoding="utf-8")
    return sorted(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)), key=str)


def has_module(settings: Settings, name: str) -> bool:
    """Whether `name` is an ontology module (`core`, `shapes/statements`, ...)."""
    return name in ontology_graphs(settings)[2]


def relation_type_triples(settings: Settings, slug: str) -> list[ox.Triple]:
    """The triples about the relation type `rt:<slug>` (none when there is no such relation type)."""
    return [t for t in ontology_triples(settings) if t.subject.value == RT + slug]


def is_shape(settings: Settings, name: str) -> bool:
    """Whether `shape:<name>` is a SHACL node shape of `ontology/shapes/`."""
    return (SHAPE[name], RDF.type, SH.NodeShape) in ontology_graphs(settings)[1]
