"""Dereferencing: every IRI the graph mints has a page on this server, and the ontology documents itself.

`https://w3id.org/syria-kg/id/<path>` is served at `/id/<path>` (entities, `statement/<slug>`,
`evidence/<source>/<slug>`, `source/<id>`, `time/<value>`, `name/<slug>`): HTML for browsers, Turtle, JSON-LD or N-Triples by
content negotiation (https://www.rfc-editor.org/rfc/rfc9110#name-accept, answered with `Vary: Accept`) or by a
suffix (`.html`, `.ttl`, `.jsonld`, `.nt`). The description of an IRI is its outgoing triples, those of its
fragment IRIs (`#quote`, `#position` of evidence) and of blank nodes it points to, and its incoming triples.
An IRI with no triple gets a 404 page; the IRI of a merged entity (`dcterms:isReplacedBy`) redirects (301) to
the entity that replaced it.

`/ontology` documents every class, property, relation type, concept and shape, generated from `ontology/`;
`/ontology/<module>`, `/relation-type/<slug>` and `/shape/<id>` answer for the IRIs of modules, relation types
and shapes. `/api/relation-types` lists the relation type scheme as JSON (the annotation form completes from it).
"""

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import SettingsDep, StoreDep
from api.negotiation import choose_among, negotiate
from api.pagedata.ontology import has_module, is_shape, ontology_doc, ontology_triples, relation_type_triples
from api.pagedata.resources import description_triples, page_for
from api.pagedata.terms import BASE, PREFIX_MAP, RES, RT, iri_ref
from api.site import bundle_built, page_context, templates
from kg.formats import HTML, JSON_LD, N_TRIPLES, TURTLE, Format
from kg.identity import replacement_in_store
from kg.network import read_relation_types
from kg.vocab import SHAPE

router = APIRouter(tags=["entities"])


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
    replacement = replacement_in_store(store, iri)
    if replacement is not None:  # a merged entity: its IRI now means the one that replaced it
        suffix = path[len(stem) :]
        location = f"{request.scope.get('root_path', '')}/id/{replacement[len(RES) :]}{suffix}"
        return RedirectResponse(location, status_code=301)
    triples = description_triples(store, iri)
    if not triples:
        return not_found(request, iri, suffix_format or negotiate(FORMATS, request.headers.get("accept")))

    def render() -> Response:
        context = page_for(store, settings, iri, triples)
        context["alternates"] = [f for f in FORMATS if f.rdf is not None]
        # Only when built: a page must not ask for a script that is not there (a console error).
        facts = context["facts"]
        context["map_script"] = bool(facts and facts["coordinates"]) and bundle_built("entity-map.js")
        return templates.TemplateResponse(
            request, "entity.html", page_context(request, title=context["label"], **context)
        )

    return rdf_or_page(request, triples, suffix_format, render)


# ------------------------------------------------------------------------------------------ the ontology


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
    if not has_module(settings, stem):
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
    triples = relation_type_triples(settings, stem)
    if not triples:
        return not_found(request, RT + stem, fmt)
    chosen = fmt or negotiate(FORMATS, request.headers.get("accept"))
    if chosen is not None and chosen.rdf is None:
        return RedirectResponse(request.scope.get("root_path", "") + "/ontology#rt-" + stem, status_code=303)
    return rdf_or_page(request, triples, fmt, lambda: Response(status_code=500))


@router.get("/api/relation-types")
def relation_types(store: StoreDep) -> list[dict[str, Any]]:
    """The relation types the graph knows (the ontology's and those sources declared): slug, label, polarity."""
    return sorted(
        (
            {
                "id": iri.removeprefix(RT),
                "iri": iri,
                "label": rt.label or iri.removeprefix(RT).replace("-", " "),
                "definition": rt.definition,
                "polarity": rt.polarity or 0,
                "directed": rt.directed,
            }
            for iri, rt in read_relation_types(store).items()
            if iri.startswith(RT)
        ),
        key=lambda t: t["id"],
    )


@router.get("/shape/{name}", include_in_schema=False)
def shape(request: Request, name: str, settings: SettingsDep) -> Response:
    """A SHACL shape (`shape:<id>`): its entry on the ontology page."""
    stem, fmt = split_suffix(name)
    if not is_shape(settings, stem):
        return not_found(request, SHAPE + stem, fmt)
    return RedirectResponse(request.scope.get("root_path", "") + "/ontology#shape-" + stem, status_code=303)
