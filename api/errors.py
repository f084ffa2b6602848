"""Errors that only HTTP has, in the project's hierarchy (kg.errors.KGError), and the one handler for all.

Every KGError carries its `http_status`; `kg_error_handler` turns any of them into a short answer: JSON
`{"error": "..."}` or plain text, as the client's Accept header prefers, with no body at all for HEAD.
A failed SHACL check (`ValidationFailed`, 422) also carries the report, as text and Turtle.
"""

import json

from fastapi import Request
from fastapi.responses import Response

from kg.errors import KGError, ValidationFailed


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


class NotAcceptable(KGError):
    """No format the client accepts can carry the answer."""

    http_status = 406


class PayloadTooLarge(KGError):
    """A request body or query over the configured size."""

    http_status = 413


class ResultTooLarge(KGError):
    """An answer larger than `max_result_bytes`; it is refused (or, once streaming, cut) rather than truncated.

    413 names a request too large for the server to process: here, a query whose answer is.
    """

    http_status = 413


class UnsupportedMediaType(KGError):
    """A request body whose media type or charset the endpoint does not read."""

    http_status = 415


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
    accept = request.headers.get("accept", "")
    if isinstance(error, ValidationFailed):
        if "text/turtle" in accept:
            return Response(error.turtle, status, headers, media_type="text/turtle")
        if _prefers_text(accept):
            return Response(error.text, status, headers, media_type="text/plain")
        body = {"error": "the write breaks the SHACL shapes; nothing was changed", "report_text": error.text}
        body["report_turtle"] = error.turtle
        return Response(json.dumps(body, ensure_ascii=False), status, headers, media_type="application/json")
    if _prefers_text(accept):
        return Response(f"{error}\n", status, headers, media_type="text/plain")
    return Response(
        json.dumps({"error": str(error)}, ensure_ascii=False), status, headers, "application/json"
    )


def _prefers_text(accept: str) -> bool:
    """Plain text for clients that ask for it (curl's */* gets JSON, a browser's text/html gets text)."""
    accept = accept.lower()
    return ("text/plain" in accept or "text/html" in accept) and "json" not in accept
