"""The SPARQL 1.1 Protocol endpoint `/sparql` (https://www.w3.org/TR/sparql11-protocol/).

Queries by GET, POST urlencoded and POST direct; updates by POST urlencoded and POST direct; the dataset
parameters of both; every result format by Accept or `format=`; without a query, the Service Description.
Status codes: 400 malformed query (the parser's message with line and column), repeated or conflicting
parameters; 401/403 writes without the token; 406 no acceptable format; 413 body, query or answer too large;
415 a body of another media type or charset; 422 an update that breaks the SHACL shapes; 503 past the time limit
or every slot busy.
"""

from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.bodies import read_body, utf8_text
from api.deps import SettingsDep, StoreDep
from api.describe import service_description
from api.errors import BadRequest
from api.execution import Job
from api.negotiation import UnsupportedMediaType, choose, parse_media_type
from api.protocol import base_url, graph_iri, rdf_bytes
from api.query_guard import check_query, check_update
from api.results import write_answer
from api.writes import require_write_token
from kg.errors import QueryError, sparql_syntax_message
from kg.formats import FORMATS, Format
from kg.settings import Settings
from kg.sparql_text import with_using, written_graphs
from kg.store import QueryDataset, Store

router = APIRouter(tags=["SPARQL"])

SINGLE = ("query", "update", "format")
QUERY_DATASET = ("default-graph-uri", "named-graph-uri")
UPDATE_DATASET = ("using-graph-uri", "using-named-graph-uri")
FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"


async def protocol_parameters(request: Request, settings: Settings) -> list[tuple[str, str]]:
    """The request's parameters: the URL's, plus the body's (form fields, or the query/update itself).

    https://www.w3.org/TR/sparql11-protocol/#query-operation and #update-operation.
    """
    params = request.query_params.multi_items()
    if request.method != "POST":
        return params
    media_type, _ = parse_media_type(request.headers.get("content-type"))
    if media_type not in (FORM, DIRECT_QUERY, DIRECT_UPDATE):
        raise UnsupportedMediaType(
            f"a POST to /sparql must be {FORM}, {DIRECT_QUERY} or {DIRECT_UPDATE}, "
            f"not {media_type or 'a body without Content-Type'}"
        )
    body = await read_body(request, settings.max_body_bytes)
    what = "form" if media_type == FORM else "query" if media_type == DIRECT_QUERY else "update"
    text = utf8_text(body, request.headers.get("content-type"), what)
    if media_type == FORM:
        try:
            return params + parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as error:
            raise BadRequest("a form field is not percent-encoded UTF-8") from error
    name = "query" if media_type == DIRECT_QUERY else "update"
    if any(key == name for key, _ in params):
        raise BadRequest(f"the {name} is sent twice: in the body and as a URL parameter")
    return [*params, (name, text)]


def single_values(params: list[tuple[str, str]]) -> dict[str, str]:
    """The parameters that may appear once; 400 when one is repeated or query and update come together.

    `format` may repeat when every value names the same format: SPARQLWrapper sends `format=tsv` and
    `format=text/tab-separated-values` together.
    """
    found: dict[str, str] = {}
    for key, value in params:
        if key not in SINGLE:
            continue
        if key in found and not (key == "format" and same_format(found[key], value)):
            raise BadRequest(f"the parameter '{key}' is given more than once")
        found.setdefault(key, value)
    if "query" in found and "update" in found:
        raise BadRequest("a request carries either a query or an update, not both")
    return found


def same_format(first: str, second: str) -> bool:
    """True when two `format=` values (aliases or media types) can name the same format."""

    def names(value: str) -> set[str]:
        return {f.media_type for f in FORMATS if f.is_named(value)}

    return bool(names(first) & names(second))


@router.api_route("/sparql", methods=["GET", "HEAD", "POST"])
async def sparql(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """SPARQL 1.1 query and update; without either, the service description."""
    params = await protocol_parameters(request, settings)
    single = single_values(params)
    many: dict[str, list[str]] = {key: [] for key in QUERY_DATASET + UPDATE_DATASET}
    for key, value in params:
        if key in many:
            many[key].append(value)
    base = base_url(request, settings)
    if "update" in single:
        if request.method != "POST":
            raise BadRequest("updates must be sent with POST (https://www.w3.org/TR/sparql11-protocol/)")
        if many["default-graph-uri"] or many["named-graph-uri"]:
            raise BadRequest(
                "default-graph-uri and named-graph-uri apply to queries; updates take using-graph-uri"
            )
        return await run_update(request, single["update"], many, store, settings, base)
    if any(many[key] for key in UPDATE_DATASET):
        raise BadRequest("using-graph-uri and using-named-graph-uri apply to updates, not queries")
    if "query" not in single:
        if request.method == "POST":
            raise BadRequest("the request has neither a query nor an update")
        return await describe_service(request, store, settings, single.get("format"), base)
    return await run_query(request, single["query"], many, single.get("format"), store, settings, base)


async def run_query(
    request: Request,
    query: str,
    many: dict[str, list[str]],
    format_param: str | None,
    store: Store,
    settings: Settings,
    base: str,
) -> Response:
    """Check, run and stream one query (https://www.w3.org/TR/sparql11-protocol/#query-operation)."""
    endpoint = f"{base}/sparql"
    analysis = check_query(query, settings, endpoint)
    dataset = None
    if many["default-graph-uri"] or many["named-graph-uri"]:
        # The protocol's dataset replaces the query's FROM / FROM NAMED (section 2.1.4).
        dataset = QueryDataset(
            [graph_iri(g, "default-graph-uri") for g in many["default-graph-uri"]],
            [graph_iri(g, "named-graph-uri") for g in many["named-graph-uri"]],
        )
    accept = request.headers.get("accept")
    expected = "graph" if analysis.form in ("CONSTRUCT", "DESCRIBE") else "results"
    chosen = choose(expected, accept, format_param)  # 406 before any work when the form is known

    def produce(job: Job) -> None:
        answer = store.open_query(query, form=analysis.form, dataset=dataset, base_iri=endpoint)
        job.closers.append(answer.close)
        try:
            kind = "graph" if answer.kind == "triples" else "results"
            fmt = chosen if chosen.kind == kind else choose(kind, accept, format_param)
            job.format = fmt
            write_answer(answer, fmt, job.emit, job.check, settings.max_result_bytes)
        finally:
            answer.close()

    return await request.app.state.runner.stream(
        produce, timeout_s=settings.query_timeout_s, headers={"Vary": "Accept"}
    )


async def run_update(
    request: Request, update: str, many: dict[str, list[str]], store: Store, settings: Settings, base: str
) -> Response:
    """Authorise, check and apply one update (https://www.w3.org/TR/sparql11-protocol/#update-operation)."""
    require_write_token(request, settings)
    endpoint = f"{base}/sparql"
    analysis = check_update(update, settings, endpoint)
    using, using_named = many["using-graph-uri"], many["using-named-graph-uri"]
    if using or using_named:
        if analysis.dataset_clause:
            raise BadRequest(
                "using-graph-uri / using-named-graph-uri cannot be combined with USING, USING NAMED or WITH "
                "in the update (https://www.w3.org/TR/sparql11-protocol/#update-operation)"
            )
        update = with_using(
            update,
            [graph_iri(g, "using-graph-uri") for g in using],
            [graph_iri(g, "using-named-graph-uri") for g in using_named],
        )

    def operation(scratch: ox.Store) -> None:
        try:
            scratch.update(update, base_iri=endpoint)
        except SyntaxError as error:
            raise QueryError(sparql_syntax_message(error, update)) from error

    writer = request.app.state.writer
    outcome = await request.app.state.runner.call(
        lambda job: writer.write(job, operation, written_graphs(update, endpoint)),
        timeout_s=settings.write_timeout_s,
    )
    return Response(status_code=204, headers=outcome.headers())


async def describe_service(
    request: Request, store: Store, settings: Settings, format_param: str | None, base: str
) -> Response:
    """The service description, in Turtle unless the client asks for another RDF format."""
    fmt: Format = choose("graph", request.headers.get("accept"), format_param)
    triples = await run_in_threadpool(service_description, base, request.app.state.counts)
    return Response(rdf_bytes(triples, fmt), media_type=fmt.content_type, headers={"Vary": "Accept"})
