"""About the service: the VoID description of the dataset, and the live counts of query workers."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.describe import void_description
from api.negotiation import choose
from api.protocol import base_url, rdf_bytes
from kg.store import RemoteStore

router = APIRouter(tags=["Service"])


@router.api_route("/void", methods=["GET", "HEAD"])
@router.api_route("/.well-known/void", methods=["GET", "HEAD"])
async def void(request: Request, settings: SettingsDep, format: str | None = None) -> Response:
    """The VoID description of the dataset (https://www.w3.org/TR/void/#well-known), Turtle by default."""
    fmt = choose("graph", request.headers.get("accept"), format)
    triples = await run_in_threadpool(void_description, base_url(request, settings), request.app.state.counts)
    return Response(rdf_bytes(triples, fmt), media_type=fmt.content_type, headers={"Vary": "Accept"})


@router.get("/status")
def status(request: Request, store: StoreDep) -> dict[str, Any]:
    """Query workers running now (and abandoned past their deadline), and which store serves."""
    kind = "remote" if isinstance(store, RemoteStore) else "embedded"
    return {"store": kind, "workers": request.app.state.runner.counts()}
