"""Dereferencing: every IRI the graph mints has a page on this server, and the ontology documents itself.

`https://w3id.org/syria-kg/id/<path>` is served at `/id/<path>` (entities, `statement/<slug>`,
`evidence/<source>/<slug>`, `source/<id>`, `time/<value>`): HTML for browsers, Turtle, JSON-LD or N-Triples by
content negotiation (https://www.rfc-editor.org/rfc/rfc9110#name-accept, answered with `Vary: Accept`) or by a
suffix (`.html`, `.ttl`, `.jsonld`, `.nt`). The description of an IRI is its outgoing triples, those of its
fragment IRIs (`#quote`, `#position` of evidence) and of blank nodes it points to, and its incoming triples.
An IRI with no triple gets a 404 page.

`/ontology` documents every class, property, relation type, concept and shape, generated from `ontology/`;
`/ontology/<module>`, `/relation-type/<slug>` and `/shape/<id>` answer for the IRIs of modules, relation types
and shapes.
"""

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from api.deps import SettingsDep, StoreDep
from api.negotiation import choose_among, negotiate
from api.routers.browser import (
    BASE,
    DIST_DIR,
    GRAPH,
    KG,
    PREFIXES,
    RES,
    RT,
    describe,
    entity_facts,
    evidenced_details,
    external_links,
    href_of,
    iri_ref,
    labels_of,
    local_name,
    page_context,
    pick_label,
    slug_of,
    source_text,
    templates,
)
from kg.formats import HTML, JSON_LD, N_TRIPLES, TURTLE, Format
from kg.settings import Settings
from kg.store import Store

router = APIRouter(tags=["entities"])

PREFIX_MAP = {
    "res": RES,
    "kg": KG,
    "rt": RT,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": str(SKOS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "sh": str(SH),
    "shape": BASE + "shape/",
}


# The representations of an IRI, the page first: a browser's */* gets it (negotiated by api/negotiation.py).
FORMATS = (HTML, TURTLE, JSON_LD, N_TRIPLES)
BY_SUFFIX = {f.suffix: f for f in FORMATS}


def split_suffix(path: str) -> tuple[str, Format | None]:
    """A path without its format suffix, and the format the suffix names.

    >>> split_suffix("russia.ttl")[0], split_suffix("russia.ttl")[1].media_type
    ('russia', 'text/turtle')
    >>> split_suffix("time/2024-11-27--open")
    ('time/2024-11-27--open', None)
    """
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in BY_SUFFIX and stem:
        return stem, BY_SUFFIX[suffix]
    return path, None


# ------------------------------------------------------------------------------------------ descriptions


def description_query(iri: str) -> str:
    """A CONSTRUCT of the outgoing triples of `iri`, of its `#fragment` IRIs and blank nodes, and its incoming triples."""
    node = iri_ref(iri)
    return (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ "
        f"{{ {node} ?p ?o BIND({node} AS ?s) }} UNION "
        f"{{ {node} ?link ?s FILTER(isBlank(?s) || STRSTARTS(STR(?s), CONCAT(STR({node}), '#'))) ?s ?p ?o }} UNION "
        f"{{ ?s ?p {node} BIND({node} AS ?o) }} }}"
    )


def description_triples(store: Store, iri: str) -> list[ox.Triple]:
    """The triples that describe `iri` (see `description_query`), in a stable order."""
    data = store.query_bytes(description_query(iri), "application/n-triples")
    return sorted(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)), key=str)


def serialize(triples: list[ox.Triple], fmt: Format) -> bytes:
    """Triples in a machine format, with the project's prefixes where the format has them."""
    assert fmt.rdf is not None
    prefixes = None
    if fmt.rdf == ox.RdfFormat.TURTLE:
        iris = {
            term.value
            for triple in triples
            for term in (triple.subject, triple.predicate, triple.object)
            if isinstance(term, ox.NamedNode)
        } | {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
        prefixes = {p: ns for p, ns in PREFIX_MAP.items() if any(i.startswith(ns) for i in iris)}
    return ox.serialize(triples, format=fmt.rdf, prefixes=prefixes)


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


def term_view(
    term: ox.NamedNode | ox.BlankNode | ox.Literal, labels: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """How the HTML page shows one RDF term."""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        return {
            "kind": "iri",
            "iri": iri,
            "text": pick_label(labels.get(iri, {})) or curie(iri),
            "curie": curie(iri),
            "href": href_of(iri) or (iri if re.match(r"^https?://", iri) else None),
        }
    if isinstance(term, ox.BlankNode):
        return {"kind": "bnode", "text": "_:" + term.value}
    lang = term.language
    datatype = None if lang else curie(term.datatype.value)
    return {"kind": "literal", "text": term.value, "lang": lang, "datatype": datatype}


def relations(store: Store, iri: str) -> dict[str, list[dict[str, Any]]]:
    """Direct triples derived from statements (graph `derived`) and inferred from them (graph `inferred`)."""
    node = iri_ref(iri)
    graphs = f"<{GRAPH}derived> <{GRAPH}inferred>"
    out_rows = store.select(
        f"SELECT DISTINCT ?g ?p ?x WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ {node} ?p ?x }} FILTER(isIRI(?x)) }}"
    )
    in_rows = store.select(
        f"SELECT DISTINCT ?g ?p ?x WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?x ?p {node} }} FILTER(isIRI(?x)) }}"
    )
    labels = labels_of(store, {r[k]["value"] for r in out_rows + in_rows for k in ("p", "x")})
    result: dict[str, list[dict[str, Any]]] = {"outgoing": [], "incoming": []}
    for key, rows in (("outgoing", out_rows), ("incoming", in_rows)):
        seen = set()
        for row in rows:
            p, x, g = row["p"]["value"], row["x"]["value"], row["g"]["value"]
            if (p, x) in seen:
                continue
            seen.add((p, x))
            result[key].append(
                {
                    "property": {
                        "iri": p,
                        "text": pick_label(labels.get(p, {})) or curie(p),
                        "href": href_of(p),
                    },
                    "other": {
                        "iri": x,
                        "text": pick_label(labels.get(x, {})) or curie(x),
                        "href": href_of(x),
                    },
                    "inferred": g.endswith("/inferred"),
                }
            )
        result[key].sort(key=lambda r: (r["property"]["text"], r["other"]["text"]))
    return result


def page_for(store: Store, settings: Settings, iri: str, triples: list[ox.Triple]) -> dict[str, Any]:
    """Everything the entity template shows for one IRI."""
    mentioned = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    mentioned |= {t.predicate.value for t in triples}
    mentioned |= {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    labels = labels_of(store, mentioned)
    outgoing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    fragments: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    incoming: list[dict[str, Any]] = []
    for triple in triples:
        subject = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else None
        if subject == iri:
            outgoing[curie(triple.predicate.value)].append(term_view(triple.object, labels))
        elif isinstance(triple.object, ox.NamedNode) and triple.object.value == iri and subject != iri:
            incoming.append(
                {
                    "subject": term_view(triple.subject, labels),
                    "property": term_view(triple.predicate, labels),
                }
            )
        else:
            name = subject or "_:" + triple.subject.value
            fragments[name][curie(triple.predicate.value)].append(term_view(triple.object, labels))
    desc = describe(store, [iri])[iri]
    types = sorted(t["value"] for t in desc.get(str(RDF.type), []))
    type_names = {local_name(t) for t in types}
    own_labels = labels.get(iri, {})
    context: dict[str, Any] = {
        "iri": iri,
        "label": pick_label(own_labels) or slug_of(iri),
        "labels": sorted(own_labels.items()),
        "types": [term_view(ox.NamedNode(t), labels) for t in types],
        "outgoing": sorted(outgoing.items()),
        "fragments": {k: sorted(v.items()) for k, v in sorted(fragments.items())},
        "incoming": sorted(incoming, key=lambda r: (r["property"]["text"], r["subject"]["text"])),
        "links": external_links(desc),
        "alternates": [f for f in FORMATS if f.rdf is not None],
        "path": "/id/" + slug_of(iri),
        "facts": None,
        "item": None,
        "source": None,
        "relations": None,
        "evidence": None,
        "map_script": False,
    }
    if type_names & {"Statement", "Evidenced", "Quantity"} or _is_event(desc):
        found = evidenced_details(store, settings, [iri])
        context["item"] = found[0] if found else None
    elif "Evidence" in type_names:
        context["evidence"] = _evidence_page(store, settings, iri)
    elif "SourceDocument" in type_names:
        context["source"] = _source_page(store, settings, iri, desc)
    elif iri.startswith(RES) and not iri.startswith(RES + "time/"):
        facts = entity_facts(store, settings, iri)
        context["facts"] = facts
        context["relations"] = relations(store, iri)
        if facts:
            context["aliases"] = facts["aliases"]
            context["description"] = facts["description"]
            # Only when built: a page must not ask for a script that is not there (a console error).
            context["map_script"] = bool(facts["coordinates"]) and (DIST_DIR / "entity-map.js").is_file()
    return context


def _is_event(desc: dict[str, list[dict[str, str]]]) -> bool:
    return bool(desc.get(KG + "stance")) and bool(desc.get(KG + "hasEvidence"))


def _evidence_page(store: Store, settings: Settings, iri: str) -> dict[str, Any]:
    """The quote of one evidence node inside its paragraph, and what it supports."""
    rows = store.select(
        PREFIXES + f"SELECT ?item WHERE {{ ?item kg:hasEvidence {iri_ref(iri)} }} ORDER BY ?item"
    )
    items = evidenced_details(store, settings, [r["item"]["value"] for r in rows], with_contradictions=False)
    for item in items:
        item["evidence"] = [e for e in item["evidence"] if e["iri"] == iri]
    return {"items": items}


def _source_page(
    store: Store, settings: Settings, iri: str, desc: dict[str, list[dict[str, str]]]
) -> dict[str, Any]:
    """A source document: its metadata, its text cut into paragraphs, and how many facts it holds."""
    text_file = (desc.get(KG + "textFile") or [{}])[0].get("value")
    text = source_text(settings, text_file)
    rows = store.select(
        PREFIXES
        + f"SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE {{ ?item kg:hasEvidence/oa:hasSource {iri_ref(iri)} }}"
    )
    count = int(rows[0]["n"]["value"]) if rows else 0
    return {
        "textFile": text_file,
        "paragraphs": [p for p in (text or "").split("\n") if p.strip()],
        "facts": count,
    }


def not_found(request: Request, iri: str, fmt: Format | None) -> Response:
    """The 404 answer for an IRI with no triple: a page for browsers, plain text otherwise."""
    if fmt is not None and fmt.rdf is not None:
        return Response(f"No triple about {iri}\n", status_code=404, media_type="text/plain")
    return templates.TemplateResponse(
        request, "404.html", page_context(request, title="Not found", iri=iri), status_code=404
    )


def rdf_or_page(
    request: Request,
    triples: list[ox.Triple],
    suffix_format: Format | None,
    render_html: Any,
) -> Response:
    """Answer with the suffix's format, else the negotiated one, else 406."""
    fmt = suffix_format or choose_among(FORMATS, request.headers.get("accept"))
    headers = {} if suffix_format else {"Vary": "Accept"}
    if fmt.rdf is None:
        response = render_html()
        response.headers.update(headers)
        return response
    media_type = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(serialize(triples, fmt), media_type=media_type, headers=headers)


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def dereference(request: Request, path: str, store: StoreDep, settings: SettingsDep) -> Response:
    """The IRI `https://w3id.org/syria-kg/id/{path}` as HTML, Turtle, JSON-LD or N-Triples."""
    stem, suffix_format = split_suffix(path)
    iri = RES + stem
    if not stem or "#" in stem:
        return not_found(request, iri, suffix_format)
    try:
        iri_ref(iri)
    except Exception:
        return not_found(request, iri, suffix_format)
    triples = description_triples(store, iri)
    if not triples:
        return not_found(request, iri, suffix_format or negotiate(FORMATS, request.headers.get("accept")))

    def render() -> Response:
        context = page_for(store, settings, iri, triples)
        return templates.TemplateResponse(
            request, "entity.html", page_context(request, title=context["label"], **context)
        )

    return rdf_or_page(request, triples, suffix_format, render)


# ------------------------------------------------------------------------------------------ the ontology


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
    if iri.startswith(BASE + "shape/"):
        return "shape-" + iri[len(BASE + "shape/") :]
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
                    "title": _text(module, node, URIRef("http://purl.org/dc/terms/title")),
                    "description": _text(module, node, URIRef("http://purl.org/dc/terms/description")),
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


@router.api_route("/ontology{suffix:path}", methods=["GET", "HEAD"], include_in_schema=False)
def ontology(request: Request, suffix: str, settings: SettingsDep) -> Response:
    """The ontology documented: classes, properties, relation types, concepts and shapes (or its RDF)."""
    if suffix.startswith("/"):
        return ontology_module(request, suffix[1:], settings)
    fmt = BY_SUFFIX.get(suffix[1:]) if suffix.startswith(".") else None
    if suffix and fmt is None:
        return not_found(request, BASE + "ontology" + suffix, None)

    def render() -> Response:
        doc = ontology_doc(settings)
        return templates.TemplateResponse(
            request, "ontology.html", page_context(request, title="Ontology", **doc)
        )

    return rdf_or_page(request, ontology_triples(settings) if fmt is None or fmt.rdf else [], fmt, render)


def ontology_module(request: Request, name: str, settings: SettingsDep) -> Response:
    """One ontology module (`/ontology/core`, `/ontology/shapes/statements`): its Turtle, or its section of the page."""
    stem, fmt = split_suffix(name)
    _graph, _shapes, modules = ontology_graphs(settings)
    if stem not in modules:
        return not_found(request, BASE + "ontology/" + name, fmt)
    chosen = fmt or negotiate(FORMATS, request.headers.get("accept"))
    if chosen is not None and chosen.rdf is None:
        return RedirectResponse(
            request.scope.get("root_path", "") + "/ontology#module-" + stem.replace("/", "-"), status_code=303
        )
    return rdf_or_page(request, ontology_triples(settings, stem), fmt, lambda: Response(status_code=500))


@router.get("/relation-type/{slug}", include_in_schema=False)
def relation_type(request: Request, slug: str, settings: SettingsDep) -> Response:
    """A relation type concept (`rt:<slug>`): its triples, or its entry on the ontology page."""
    stem, fmt = split_suffix(slug)
    triples = [t for t in ontology_triples(settings) if t.subject.value == RT + stem]
    if not triples:
        return not_found(request, RT + stem, fmt)
    chosen = fmt or negotiate(FORMATS, request.headers.get("accept"))
    if chosen is not None and chosen.rdf is None:
        return RedirectResponse(request.scope.get("root_path", "") + "/ontology#rt-" + stem, status_code=303)
    return rdf_or_page(request, triples, fmt, lambda: Response(status_code=500))


@router.get("/shape/{name}", include_in_schema=False)
def shape(request: Request, name: str, settings: SettingsDep) -> Response:
    """A SHACL shape (`shape:<id>`): its entry on the ontology page."""
    stem, fmt = split_suffix(name)
    _graph, shapes, _modules = ontology_graphs(settings)
    if (URIRef(BASE + "shape/" + stem), RDF.type, SH.NodeShape) not in shapes:
        return not_found(request, BASE + "shape/" + stem, fmt)
    return RedirectResponse(request.scope.get("root_path", "") + "/ontology#shape-" + stem, status_code=303)
