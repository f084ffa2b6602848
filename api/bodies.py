"""Request bodies: read within the size limit, decoded as their media type and charset say, parsed as RDF.

The SPARQL protocol carries queries and updates in UTF-8 only
(https://www.w3.org/TR/sparql11-protocol/#query-via-post-direct): a body that declares another charset is
refused with 415 (the W3C tests `bad_query_non_utf8` and `bad_update_non_utf8` send UTF-16), and one that is
not valid UTF-8 with 400. RDF bodies (Graph Store) are parsed by pyoxigraph; RDF/XML with nested entity
declarations ("billion laughs", unbounded in Oxigraph: docs/findings.md) is refused before parsing.
"""

import re
from email import policy
from email.parser import BytesParser

import pyoxigraph as ox
from fastapi import Request

from api.errors import BadRequest, PayloadTooLarge
from api.negotiation import UnsupportedMediaType, body_format, parse_media_type
from kg.errors import InputError
from kg.formats import formats

UTF8_NAMES = ("utf-8", "utf8")
ENTITY_DECLARATION = re.compile(rb"<!ENTITY\s[^>]*(&|\bSYSTEM\b|\bPUBLIC\b)", re.IGNORECASE)
EXTENSIONS = {suffix: f.media_type for f in formats("graph") for suffix in f.suffixes}


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or 413 as soon as it is larger than `limit` bytes (declared or actually sent)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body has {int(declared):,} bytes; this server accepts {limit:,}")
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body is larger than the {limit:,} bytes this server accepts")
        parts.append(chunk)
    return b"".join(parts)


def utf8_text(body: bytes, content_type: str | None, what: str) -> str:
    """A UTF-8 body as text: 415 for a declared charset other than UTF-8, 400 for bytes that are not UTF-8."""
    _, params = parse_media_type(content_type)
    charset = params.get("charset", "utf-8").lower()
    if charset not in UTF8_NAMES:
        raise UnsupportedMediaType(f"a {what} must be sent in UTF-8, not {params['charset']}")
    try:
        return body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the {what} is not valid UTF-8 (byte {error.start})") from error


def parse_rdf(body: bytes, content_type: str | None, base_iri: str | None) -> list[ox.Triple]:
    """The triples of an RDF document; 415 for an unknown media type, 400 for a syntax error."""
    rdf_format = body_format(content_type)
    if rdf_format == ox.RdfFormat.RDF_XML and ENTITY_DECLARATION.search(body):
        raise BadRequest(
            "RDF/XML with entity declarations that nest or point outside the document is refused "
            "(entity expansion can exhaust memory)"
        )
    try:
        quads = ox.parse(body, format=rdf_format, base_iri=base_iri)
        return [quad.triple if isinstance(quad, ox.Quad) else quad for quad in quads]
    except SyntaxError as error:
        raise InputError(f"{rdf_format.name} syntax error: {error}") from error


def multipart_documents(body: bytes, content_type: str) -> list[tuple[bytes, str | None]]:
    """The parts of a multipart/form-data body as (bytes, media type); a part's type may come from its name.

    https://www.w3.org/TR/sparql11-http-rdf-update/#http-post: each part is an RDF document to merge.
    """
    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body
    )
    if not message.is_multipart():
        raise BadRequest("the multipart/form-data body has no parts (is the boundary right?)")
    documents = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True) or b""
        media_type = part.get_content_type() if part.get("content-type") else None
        if media_type in (None, "application/octet-stream", "text/plain"):
            extension = (part.get_filename() or "").rpartition(".")[2].lower()
            media_type = EXTENSIONS.get(extension, media_type)
        documents.append((payload, media_type))
    return documents
