"""`/sparql` served straight from the ASGI layer, inside the CORS and gzip middleware.

A query through FastAPI's router passes route matching, the dependency solver, the exception middleware and
the response wrappers before and after the handler: for a small query, measured, about a third of the
server's CPU per request on the event loop's thread. This middleware calls the same handler
(`api.routers.sparql.sparql`) with the store and settings the lifespan opened, and answers errors with the
application's own exception handlers, so the endpoint behaves exactly as the routed one (which stays
registered, for the OpenAPI page and for every other method, answered 405 there).
"""

import inspect
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.routers.sparql import sparql

PATH = "/sparql"
METHODS = frozenset({"GET", "HEAD", "POST"})


class DirectSparql:
    """ASGI middleware: requests for `/sparql` go to the handler directly, the rest to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _route_path(scope) != PATH or scope["method"] not in METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive, send)
        state = request.app.state
        try:
            response = await sparql(request, state.store, state.settings)
        except Exception as error:
            handler = _handler_for(request, error)
            if handler is None:
                raise  # ServerErrorMiddleware answers 500, as for a routed request
            response = handler(request, error)  # ours is a plain function; FastAPI's are coroutines
            if inspect.isawaitable(response):
                response = await response
        await response(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path without the `root_path` a proxy mounted the application under, as routing matches it."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _handler_for(request: Request, error: Exception) -> Callable[..., Response | Awaitable[Response]] | None:
    """The application's exception handler for `error`'s class or its nearest base class."""
    handlers = request.app.exception_handlers
    for cls in type(error).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None
