"""Errors that only HTTP has, in the project's hierarchy (kg.errors.KGError), and the one handler for all.

Every KGError carries its `http_status`; `kg_error_handler` turns any of them into a short answer: JSON
`{"error": "..."}` or plain text, as the client's Accept header prefers (negotiated like every answer, by
api/negotiation.py; a browser asking for HTML gets text), with no body at all for HEAD. A failed SHACL check
(`ValidationFailed`, 422) also carries the report, as text and Turtle. The errors of negotiation itself (406,
415) are declared in api/negotiation.py.
"""

import json

from fastapi import Request
from fastapi.responses import Response

from api.negotiation import negotiate
from kg.errors import KGError, ValidationFailed
from kg.formats import MESSAGE_JSON, MESSAGE_TEXT, TURTLE

# What an error body can be, in order of preference; a failed SHACL check can also send its report as Turtle.
MESSAGE_FORMATS = (MESSAGE_JSON, MESSAGE_TEXT)
REPORT_FORMATS = (MESSAGE_JSON, MESSAGE_TEXT, TURTLE)


class BadRequest(KGError):
    """A request the protocol does not allow: repeated or conflicting parameters, a missing query."""


class Unauthorized(KGError):
    """A write without a valid bearer token."""

    http_status = 401


class Forbidden(KGError):
    """A request the server refuses whoever asks: writes while none are enabled, LOAD, SERVICE off the list."""

    http_status = 403


class NotFound(KGError):
    """A graph that does not exist."""

    http_status = 404


class PayloadTooLarge(KGError):
    """A request body or query over the configured size."""

    http_status = 413


class ResultTooLarge(KGError):
    """An answer larger than `max_result_bytes`; it is refused (or, once streaming, cut) rather than truncated.

    413 names a request too large for the server to process: here, a query whose answer is.
    """

    http_status = 413


class ServerError(KGError):
    """Something failed inside the server (a bug, or the engine raised); the message says what."""

    http_status = 500


class Busy(KGError):
    """Every query slot is taken, or another write holds the lock, for longer than the wait allowed."""

    http_status = 503


def kg_error_handler(request: Request, error: Exception) -> Response:
    """The answer for any project error: status from the class, short message, report for a failed check."""
    assert isinstance(error, KGError)
    status = error.http_status
    headers = dict(getattr(error, "headers", {}) or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="syria-kg"')
    if status == 503:
        headers.setdefault("Retry-After", "5")
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)
    accept = request.headers.get("accept")
    if isinstance(error, ValidationFailed):
        fmt = negotiate(REPORT_FORMATS, accept) or REPORT_FORMATS[0]
        if fmt is TURTLE:
            return Response(error.turtle, status, headers, media_type=fmt.media_type)
        if fmt is MESSAGE_TEXT:
            return Response(error.text, status, headers, media_type=fmt.media_type)
        body = {"error": "the write breaks the SHACL shapes; nothing was changed", "report_text": error.text}
        body["report_turtle"] = error.turtle
        return Response(json.dumps(body, ensure_ascii=False), status, headers, media_type=fmt.media_type)
    fmt = negotiate(MESSAGE_FORMATS, accept) or MESSAGE_FORMATS[0]
    if fmt is MESSAGE_TEXT:
        return Response(f"{error}\n", status, headers, media_type=fmt.media_type)
    return Response(
        json.dumps({"error": str(error)}, ensure_ascii=False), status, headers, media_type=fmt.media_type
    )
