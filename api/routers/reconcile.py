"""`/reconcile`: the W3C Reconciliation Service API (v0.2) over our actors and places, as used by OpenRefine.

https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/ — GET without parameters
answers the service manifest; `queries=` (GET, or form-encoded POST) answers a reconciliation batch;
`/reconcile/preview?id=`, `/reconcile/suggest/entity|type|property?prefix=&cursor=` complete it. Every answer
allows cross-origin access (the report makes CORS mandatory) and GET answers honour a JSONP `callback`.
The logic lives in `kg.reconcile`.
"""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import StoreDep
from kg.errors import InputError, KGError
from kg.reconcile import BATCH_SIZE, Index, check_callback, manifest, suggest_properties

router = APIRouter(prefix="/reconcile", tags=["reconciliation"])
CORS = {"Access-Control-Allow-Origin": "*"}
Callback = Annotated[str | None, Query(description="JSONP: wrap the JSON answer in a call to this function.")]
Cursor = Annotated[int, Query(ge=0, description="Number of suggestions to skip.")]


def _answer(payload: Any, callback: str | None = None, status: int = 200) -> Response:
    """JSON, or JSONP when a callback is given, with CORS allowed."""
    if callback:
        body = f"/**/{check_callback(callback)}({json.dumps(payload, ensure_ascii=False)});"
        return Response(body, status_code=status, media_type="application/javascript", headers=CORS)
    return JSONResponse(payload, status_code=status, headers=CORS)


def _error(error: KGError) -> Response:
    return JSONResponse({"error": str(error)}, status_code=error.http_status, headers=CORS)


def _batch(store: StoreDep, raw: str) -> dict[str, Any]:
    try:
        batch = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError(f"'queries' is not valid JSON: {error.msg} at character {error.pos}") from error
    if isinstance(batch, dict) and len(batch) > BATCH_SIZE:
        raise _TooLarge(f"at most {BATCH_SIZE} queries per batch (got {len(batch)})")
    return Index.from_store(store).reconcile_batch(batch)


class _TooLarge(InputError):
    """A batch over the manifest's batchSize (answered 413, as the report allows)."""

    http_status = 413


@router.get("", summary="Service manifest, or a reconciliation batch given as queries=")
def reconcile_get(
    request: Request,
    store: StoreDep,
    queries: Annotated[str | None, Query(description="A reconciliation query batch, as JSON.")] = None,
    callback: Callback = None,
) -> Response:
    """Without parameters: the service manifest. With `queries`: the reconciliation result batch."""
    try:
        if queries is None:
            return _answer(manifest(str(request.base_url) + "reconcile", Index.from_store(store)), callback)
        return _answer(_batch(store, queries), callback)
    except KGError as error:
        return _error(error)


@router.post("", summary="A reconciliation batch sent as a form field queries=")
async def reconcile_post(request: Request, store: StoreDep) -> Response:
    """Answer a form-encoded `queries=` batch (the primary way to reconcile, section "Sending Reconciliation Queries")."""
    form = await request.form()
    try:
        if "extend" in form:
            raise InputError("this service does not offer data extension")
        raw = form.get("queries")
        if not isinstance(raw, str):
            raise InputError("expected a form field 'queries' holding a JSON reconciliation batch")
        return _answer(_batch(store, raw))
    except KGError as error:
        return _error(error)


@router.get("/preview", response_class=HTMLResponse, summary="HTML preview of an entity")
def reconcile_preview(
    store: StoreDep, id: Annotated[str, Query(description="Entity id (slug).")]
) -> Response:
    """A small HTML page about one entity, for an iframe."""
    page = Index.from_store(store).preview(id)
    if page is None:
        return HTMLResponse("<p>No such entity.</p>", status_code=404, headers=CORS)
    return HTMLResponse(page, headers=CORS)


@router.get("/suggest/entity", summary="Auto-complete entities")
def suggest_entity(
    store: StoreDep, prefix: Annotated[str, Query()] = "", cursor: Cursor = 0, callback: Callback = None
) -> Response:
    """Entities whose names (or ids) start with `prefix`."""
    try:
        return _answer({"result": Index.from_store(store).suggest_entities(prefix, cursor)}, callback)
    except KGError as error:
        return _error(error)


@router.get("/suggest/type", summary="Auto-complete types")
def suggest_type(
    store: StoreDep, prefix: Annotated[str, Query()] = "", cursor: Cursor = 0, callback: Callback = None
) -> Response:
    """Our actor and place classes whose names start with `prefix`."""
    try:
        return _answer({"result": Index.from_store(store).suggest_types(prefix, cursor)}, callback)
    except KGError as error:
        return _error(error)


@router.get("/suggest/property", summary="Auto-complete properties")
def suggest_property(
    prefix: Annotated[str, Query()] = "", cursor: Cursor = 0, callback: Callback = None
) -> Response:
    """The properties a reconciliation query may use."""
    try:
        return _answer({"result": suggest_properties(prefix, cursor)}, callback)
    except KGError as error:
        return _error(error)
