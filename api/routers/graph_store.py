"""The SPARQL 1.1 Graph Store HTTP Protocol at `/store` (https://www.w3.org/TR/sparql11-http-rdf-update/).

Graphs are named indirectly, `/store?graph=<iri>` (a relative IRI is resolved against the request's URL) or
`/store?default` for the store's own default graph (section 4.2), or directly: `/store/<path>` is the graph
whose IRI is that URL (section 4.1). GET and HEAD read (404 for a graph that does not exist; HEAD sends the
headers of GET and no body), PUT replaces, POST merges (also from `multipart/form-data`, one RDF document
per part), DELETE removes. Status codes as the W3C Graph Store tests expect them: 201 when a write creates
the graph (for the default graph: when it was empty), 204 when PUT replaces one, 200 when POST merges into or
DELETE removes one. POST to `/store` itself creates a graph `/store/<uuid>` and answers 201 with it in
`Location` (section 5.5). `GET /store` without parameters dumps the whole dataset (N-Quads or TriG).
Writes need the bearer token and pass the same SHACL check as SPARQL updates (api/writes.py).
"""

import uuid
from urllib.parse import urljoin

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.bodies import multipart_documents, parse_rdf, read_body
from api.deps import SettingsDep, StoreDep
from api.errors import BadRequest, NotFound
from api.execution import Job
from api.negotiation import choose, parse_media_type
from api.protocol import base_url, graph_iri
from api.results import ChunkWriter, write_quads, write_triples
from api.writes import require_write_token
from kg.formats import Format
from kg.settings import Settings
from kg.store import DefaultGraphUnreachable, Store

router = APIRouter(tags=["Graph Store"])

ALL = "*"  # no graph named: the whole store
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


def target_graph(request: Request, settings: Settings) -> str | None:
    """The graph a request names: an IRI, None for the default graph, ALL when it names none.

    400 when it names two, or a graph IRI this server refuses (not http(s), urn or tag after resolution).
    """
    params = request.query_params.multi_items()
    graphs = [value for key, value in params if key == "graph"]
    default = any(key == "default" for key, _ in params)
    direct = request.url.path != request.scope.get("root_path", "") + "/store"  # under KG_ROOT_PATH too
    if len(graphs) + default + direct > 1:
        raise BadRequest("name one graph: ?graph=<iri>, ?default, or the graph's own URL under /store/")
    here = base_url(request, settings) + request.scope.get("raw_path", b"/store").decode("ascii")
    if direct:
        return graph_iri(here, "graph")
    if graphs:
        return graph_iri(urljoin(here, graphs[0]), "graph")
    return None if default else ALL


def head_response(status_code: int, fmt: Format) -> Response:
    """A HEAD answer: GET's status and Content-Type, no body and no Content-Length (we do not compute it)."""
    response = Response(status_code=status_code, media_type=fmt.content_type, headers={"Vary": "Accept"})
    del response.headers["content-length"]
    return response


@router.api_route("/store", methods=METHODS)
@router.api_route("/store/{path:path}", methods=METHODS)
async def graph_store(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Graph Store HTTP Protocol: read (GET, HEAD), replace (PUT), merge (POST) or remove (DELETE) a graph."""
    if request.method in ("GET", "HEAD"):
        return await read_graph(request, store, settings)
    return await write_graph(request, store, settings)


async def read_graph(request: Request, store: Store, settings: Settings) -> Response:
    """Read one graph or, when none is named, the whole dataset."""
    graph = target_graph(request, settings)
    accept = request.headers.get("accept")
    if graph == ALL:
        fmt = choose("graph", accept, None, datasets_only=True)
    else:
        fmt = choose("graph", accept, None)
        if graph is None and not store.addresses_default_graph:
            raise DefaultGraphUnreachable()
        if not await run_in_threadpool(store.has_graph, graph):
            raise NotFound(f"there is no graph <{graph}> in this store")
    if request.method == "HEAD":
        return head_response(200, fmt)

    def produce(job: Job) -> None:
        answer = store.quads() if graph == ALL else store.triples_of(graph)
        job.closers.append(answer.close)
        with answer:
            job.format = fmt
            out = ChunkWriter(job.emit)
            if graph == ALL:
                write_quads(answer, fmt, out, job.check)
            else:
                write_triples(answer, fmt, out, job.check)
            out.flush()

    return await request.app.state.runner.stream(
        produce, timeout_s=settings.dump_timeout_s, headers={"Vary": "Accept"}, what="download"
    )


async def write_graph(request: Request, store: Store, settings: Settings) -> Response:
    """Replace (PUT), merge into (POST) or remove (DELETE) a graph; POST to the store makes a new one."""
    require_write_token(request, settings)
    graph = target_graph(request, settings)
    if graph == ALL:
        if request.method != "POST":
            raise BadRequest(f"{request.method} needs ?graph=<iri>, ?default, or the graph's own URL")
        graph = f"{base_url(request, settings)}/store/{uuid.uuid4()}"
    if graph is None and not store.addresses_default_graph:
        raise DefaultGraphUnreachable()
    base = graph if graph is not None else f"{base_url(request, settings)}/store"
    triples: list[ox.Triple] = []
    if request.method in ("PUT", "POST"):
        body = await read_body(request, settings.max_body_bytes)
        triples = parse_body(body, request.headers.get("content-type"), base, request.method)
    graph_name = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
    existed = {"before": True}

    def operation(scratch: ox.Store) -> None:
        if isinstance(graph_name, ox.NamedNode):
            existed["before"] = scratch.contains_named_graph(graph_name)
        else:  # the default graph always exists; "created" here means it held nothing
            existed["before"] = any(True for _ in scratch.quads_for_pattern(None, None, None, graph_name))
        if request.method == "DELETE" and graph is not None and not existed["before"]:
            raise NotFound(f"there is no graph <{graph}> in this store")
        if request.method in ("PUT", "DELETE"):
            if isinstance(graph_name, ox.NamedNode) and existed["before"]:
                scratch.remove_graph(graph_name)
            elif isinstance(graph_name, ox.DefaultGraph):
                scratch.clear_graph(graph_name)
        if request.method != "DELETE" and isinstance(graph_name, ox.NamedNode):
            scratch.add_graph(graph_name)
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples)

    writer = request.app.state.writer
    outcome = await request.app.state.runner.call(
        lambda job: writer.write(job, operation, frozenset({graph or ""}), certain=True),
        timeout_s=settings.write_timeout_s,
    )
    headers = outcome.headers()
    if request.method != "DELETE" and not existed["before"]:
        if graph is not None:
            headers["Location"] = graph
        return Response(status_code=201, headers=headers)
    return Response(status_code=204 if request.method == "PUT" else 200, headers=headers)


def parse_body(body: bytes, content_type: str | None, base_iri: str, method: str) -> list[ox.Triple]:
    """The triples of a PUT or POST body; POST also takes multipart/form-data (one document per part)."""
    media_type, _ = parse_media_type(content_type)
    if media_type == "multipart/form-data":
        if method != "POST":
            raise BadRequest("multipart/form-data is accepted with POST only")
        triples: list[ox.Triple] = []
        for document, part_type in multipart_documents(body, content_type or ""):
            triples += parse_rdf(document, part_type, base_iri)
        return triples
    return parse_rdf(body, content_type, base_iri)
