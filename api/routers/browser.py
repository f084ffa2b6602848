"""The graph browser: the page at `/`, the query page at `/query`, and the JSON the browser reads.

| route | answers |
|---|---|
| `GET /` | the alliance view (HTML shell; the graph is drawn by `web/src/` built into `/static/dist/`) |
| `GET /query` | the YASGUI query editor on `/sparql`, with the competency queries of `queries/` as examples |
| `GET /api/graph` | every node (entity) and every fact (statement or event) the view can show, with the legend's vocabularies |
| `GET /api/search?q=` | entities whose label, alias or metonym in any language contains `q` |
| `GET /api/statement?iri=` | one statement, event or quantity with its quotes inside their paragraphs |
| `GET /api/statement/{slug}` | the same for `https://w3id.org/syria-kg/id/statement/{slug}` |
| `GET /api/entity?id=` | an entity (slug or IRI) with every fact that names it, each with its quote, and its coordinates when `kg enrich` found some |
| `GET /api/queries` | the competency queries (`queries/*.rq`) with their `# cq:` question |

The data comes from `api/pagedata/` (no HTTP there); an unknown statement or entity is `kg.errors.NotInGraph`,
answered 404 by the application's one error handler. Everything read from the graph goes to the page as JSON or
through Jinja with autoescape on; the front end puts it in the page with `textContent`, never as markup.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from api.deps import SettingsDep, StoreDep
from api.pagedata.facts import entity_by_id, statement_by_id
from api.pagedata.graph import graph_payload
from api.pagedata.queries import competency_queries
from api.pagedata.search import search
from api.pagedata.terms import RES
from api.site import DIST_DIR, STATIC_DIR, page_context, templates

# DIST_DIR is re-exported: tests/test_map.py asks this router where its bundle is built.
__all__ = ["DIST_DIR", "router"]

router = APIRouter(tags=["browser"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    """The alliance view."""
    return templates.TemplateResponse(request, "index.html", page_context(request, title="Alliance view"))


@router.get("/query", response_class=HTMLResponse, include_in_schema=False)
def query_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The YASGUI query editor on `/sparql` with the competency queries as examples."""
    examples = competency_queries(settings)
    return templates.TemplateResponse(
        request, "query.html", page_context(request, title="Query", examples=examples)
    )


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The site icon (browsers ask for it; a 404 would show as a console error)."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


@router.get("/api/graph")
def api_graph(store: StoreDep) -> JSONResponse:
    """Every node and fact the alliance view can show, and the vocabularies of its legend and filters."""
    return JSONResponse(graph_payload(store), headers={"Cache-Control": "no-cache"})


@router.get("/api/search")
def api_search(
    store: StoreDep,
    q: Annotated[str, Query(max_length=200, description="Text to look for in labels, aliases, metonyms.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[dict[str, Any]]:
    """Entities whose label, alias or metonym (any language) contains `q`."""
    return search(store, q, limit)


@router.get("/api/statement")
def api_statement(
    store: StoreDep, settings: SettingsDep, iri: Annotated[str, Query(max_length=2000)]
) -> dict[str, Any]:
    """A statement, event or quantity with its quotes, each inside its paragraph, and what contradicts it."""
    return statement_by_id(store, settings, iri)


@router.get("/api/statement/{slug}")
def api_statement_slug(store: StoreDep, settings: SettingsDep, slug: str) -> dict[str, Any]:
    """The statement `https://w3id.org/syria-kg/id/statement/{slug}` with its quotes."""
    return statement_by_id(store, settings, RES + "statement/" + slug)


@router.get("/api/entity")
def api_entity(
    store: StoreDep, settings: SettingsDep, id: Annotated[str, Query(max_length=2000)]
) -> dict[str, Any]:
    """An entity (slug or IRI) with labels, kinds, external links and every fact that names it."""
    return entity_by_id(store, settings, id)


@router.get("/api/queries")
def api_queries(settings: SettingsDep) -> list[dict[str, str]]:
    """The competency queries of `queries/`, each with its question."""
    return competency_queries(settings)
