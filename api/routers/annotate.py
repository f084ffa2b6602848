"""The source view and annotation in the browser: read a source's text, and, with the write token, make a
statement, a name or an entity from a span of it.

| route | answers |
|---|---|
| `GET /sources` | the list of sources (HTML), each linked to its text |
| `GET /sources/{id}` | the source view: the whole text, its quotes marked, the annotation form for token holders |
| `GET /api/sources` | the sources as JSON: id, title, date, `annotatable` (it has a facts file) |
| `GET /api/sources/{id}` | one source's text with the quotes the graph holds from it (code point offsets, fact) |
| `GET /api/annotate` | whether writes are enabled and the request's bearer token accepted, and the form's choices |
| `POST /api/sources/{id}/annotations` | append a statement, name or entity to the source's facts file and commit it (201) |

A POST needs the write token (api/writes.py `require_write_token`: 403 when writes are disabled, 401 without
a valid token) and runs under the lock of every HTTP write. The work is `kg/annotation.py`, which goes through
`kg.ingest.amend`: a refused item is 400 with the compiler's message or 422 with the SHACL report, and neither
the file nor the store changes.
"""

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.deps import SettingsDep, StoreDep
from api.errors import Busy, Forbidden, Unauthorized
from api.pagedata.sources import source_list, source_with_quotes
from api.pagedata.terms import KINDS
from api.site import bundle_built, page_context, templates
from api.writes import require_write_token
from kg.annotation import NAME_KINDS, STANCES, Annotation, Span, annotate, fact_of_evidence
from kg.settings import Settings

router = APIRouter(tags=["annotation"])

# The types a new entity may take: the node kinds of the view (api/pagedata/terms.py), events aside.
ENTITY_TYPES = sorted({t for _, _, types, _ in KINDS for t in types} - {"Event", "Organisation"})
FieldValue = str | dict[str, str | None] | None


class AnnotationBody(BaseModel):
    """What the form sends: the kind of item, the selection (code point offsets and words), the fields."""

    kind: Literal["statement", "name", "entity"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    exact: str = Field(min_length=1, max_length=5000)
    fields: dict[str, FieldValue] = Field(default_factory=dict)


def write_token(request: Request, settings: SettingsDep) -> None:
    """A dependency: the request must carry the write token (checked before its body is even read)."""
    require_write_token(request, settings)


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """Every source, linked to its text."""
    context = page_context(request, title="Sources", sources=source_list(store, settings))
    return templates.TemplateResponse(request, "sources.html", context)


@router.get("/sources/{source_id}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, source_id: str, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """The source view: its text with its quotes marked (drawn by web/src/source.js)."""
    source = source_with_quotes(store, settings, source_id)
    context = page_context(request, title=source["title"], source=source, built=bundle_built("source.js"))
    return templates.TemplateResponse(request, "source.html", context)


@router.get("/api/sources")
def api_sources(store: StoreDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """Every source document of the graph."""
    return source_list(store, settings)


@router.get("/api/sources/{source_id}")
def api_source(source_id: str, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    """One source's text and the quotes the graph holds from it."""
    return source_with_quotes(store, settings, source_id)


@router.get("/api/annotate")
def api_annotate(request: Request, settings: SettingsDep) -> dict[str, Any]:
    """Whether this client may annotate (writes enabled, its bearer token accepted), and the form's choices."""
    try:
        require_write_token(request, settings)
        accepted = True
    except (Forbidden, Unauthorized):
        accepted = False
    return {
        "writable": bool(settings.write_token),
        "accepted": accepted,
        "stances": list(STANCES),
        "nameKinds": list(NAME_KINDS),
        "entityTypes": ENTITY_TYPES,
    }


@router.post("/api/sources/{source_id}/annotations", status_code=201, dependencies=[Depends(write_token)])
def api_annotation(
    request: Request, source_id: str, body: AnnotationBody, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    """Append the item to the source's facts file and commit it through the ingest path (one transaction)."""
    annotation = Annotation(body.kind, Span(body.start, body.end, body.exact), dict(body.fields))
    done = _under_write_lock(request, settings, lambda: annotate(settings, store, source_id, annotation))
    summary = done.report.summary
    return {
        "id": done.id,
        "kind": done.kind,
        "file": done.file,
        "fact": fact_of_evidence(store, source_id, done.id) if done.kind != "entity" else None,
        "counts": {
            "statements": summary.statements,
            "corroborations": summary.corroborations,
            "contradictions": summary.contradictions,
        },
    }


Result = TypeVar("Result")


def _under_write_lock(request: Request, settings: Settings, work: Callable[[], Result]) -> Result:
    """Run `work` while holding the lock of HTTP writes (api/writes.py), then refresh what follows the store."""
    writer = request.app.state.writer
    if not writer.lock.acquire(timeout=settings.write_timeout_s):
        raise Busy("another write is still running; try again in a moment")
    try:
        result = work()
        writer.on_commit()
        return result
    finally:
        writer.lock.release()
