"""What the protocol routers (`/sparql`, `/store`, `/void`) share: the server's public base URL, graph IRIs
given as parameters, and small RDF descriptions written at once.
"""

from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from fastapi import Request

from api.describe import DESCRIPTION_PREFIXES
from api.errors import BadRequest
from api.negotiation import Format
from api.results import ChunkWriter, write_triples
from kg.settings import Settings


def base_url(request: Request, settings: Settings) -> str:
    """The server's public base URL (settings, else the one the request was sent to), without a final /."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    scope = request.scope
    return _base_url(
        scope.get("scheme", "http"),
        request.headers.get("host"),
        _server(scope),
        scope.get("root_path", ""),
    )


def _server(scope: dict[str, Any]) -> tuple[str, int] | None:
    server = scope.get("server")
    return (server[0], server[1]) if server else None  # a list in some clients' scopes (unhashable)


@lru_cache(maxsize=64)
def _base_url(scheme: str, host: str | None, server: tuple[str, int] | None, root_path: str) -> str:
    """Starlette's `request.base_url` without the final /, cached: building it costs ~20 µs a request."""
    scope = {"type": "http", "scheme": scheme, "server": server, "root_path": root_path, "path": "/"}
    scope["headers"] = [(b"host", host.encode("latin-1"))] if host is not None else []
    return str(Request(scope).base_url).rstrip("/")


def graph_iri(value: str, parameter: str) -> str:
    """An absolute IRI given as a parameter, or 400."""
    try:
        ox.NamedNode(value)
    except ValueError:
        raise BadRequest(f"{parameter}={value!r} is not an absolute IRI") from None
    if ":" not in value or value.split(":", 1)[0].lower() in ("file", "javascript", "data"):
        raise BadRequest(f"{parameter}={value!r} is not an absolute IRI this server accepts")
    return value


def rdf_bytes(triples: list[ox.Triple], fmt: Format) -> bytes:
    """A small description serialised at once, grouped by subject (not a query answer)."""
    out: list[bytes] = []
    writer = ChunkWriter(out.append)
    ordered = sorted(triples, key=lambda t: (isinstance(t.subject, ox.BlankNode), str(t.subject)))
    write_triples(ordered, fmt, writer, lambda: None, DESCRIPTION_PREFIXES)
    writer.flush()
    return b"".join(out)
