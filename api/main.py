"""The FastAPI application: `uvicorn api.main:app` (or `kg serve`) serves the graph at http://127.0.0.1:8000.

The lifespan opens the store once (embedded on disk, in memory, or remote, from the settings) and builds the
graph into it when it holds no named graph yet. Routes live in api/routers/; api/README.md lists them.
"""

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NoReturn

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from api.describe import Counts
from api.direct import DirectSparql
from api.errors import kg_error_handler
from api.execution import Runner
from api.routers import analytics, annotate, browser, entities, graph_store, meta, reconcile, sparql
from api.writes import Writer
from kg.build import build
from kg.errors import KGError
from kg.journal import recover
from kg.name_index import names_of
from kg.settings import Settings
from kg.store import Store, open_store

log = logging.getLogger("uvicorn.error")  # shown by `kg serve` and uvicorn's default logging


def exit_at_start(message: str, code: int) -> NoReturn:
    """End the process with one readable line: raised from a lifespan, an error is logged with its traceback."""
    log.error("%s", message)
    logging.shutdown()
    os._exit(code)


def open_or_exit(settings: Settings) -> Store:
    """The configured store; a store another process holds, or a remote store out of reach, ends the start."""
    try:
        return open_store(settings)
    except OSError as error:  # RocksDB's lock: one process per on-disk store
        exit_at_start(
            f"cannot open the store at {settings.data_dir} ({error}): another `kg serve` or `kg` command holds "
            "it; stop it, or serve another store (KG_DATA_DIR=…, or `kg serve --memory`)",
            2,
        )
    except KGError as error:
        exit_at_start(f"cannot open the store: {error}", error.exit_code)


class RootPath:
    """Serve the app under the path prefix of a reverse proxy (KG_ROOT_PATH), as `uvicorn --root-path` does.

    The proxy forwards https://example.org/syria/query as /query; this sets the ASGI `root_path` to /syria and
    puts it in front of `path` (the ASGI form: Starlette's routes and mounts take it off again, and the URLs
    it builds keep it: request.base_url for the service description and the Graph Store). `raw_path` stays
    what the server received. A path forwarded with the prefix still on is left as it is. FastAPI's own
    `root_path=` argument is deprecated for the server's option, which would not read our settings; the
    templates put the prefix in front of every link (macros.html `url`), the scripts find it from their own
    address (web/src/http.js).
    """

    def __init__(self, app: ASGIApp, root_path: str) -> None:
        self.app = app
        self.root_path = root_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path = scope["path"]
            if path != self.root_path and not path.startswith(self.root_path + "/"):
                path = self.root_path + path
            scope = {**scope, "root_path": self.root_path, "path": path}
        await self.app(scope, receive, send)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store (building the graph into an empty one), share it, close it at shutdown."""
    settings = Settings()  # read now: `kg serve --memory` sets KG_MEMORY after the CLI read its settings
    store = open_or_exit(settings)
    try:
        recover(settings, store)  # an ingest a crash interrupted is finished or undone first (kg/journal.py)
    except KGError as error:
        store.close()
        exit_at_start(f"an interrupted ingest cannot be recovered: {error}", error.exit_code)
    if not store.named_graph_iris():
        log.info("the store holds no graph: building it (kg build)")
        try:
            build(settings, store, lambda step: log.info("build: %s", step))
        except KGError as error:
            store.close()
            exit_at_start(f"the graph cannot be built: {error}", error.exit_code)
    app.state.settings, app.state.store = settings, store
    app.state.runner = Runner(settings)
    app.state.counts = Counts(store)
    app.state.writer = Writer(store, settings)
    names_of(store)  # the name index, read now rather than by the first search

    def committed() -> None:  # in the write's thread: the counts and the name index follow the write
        app.state.counts.invalidate()
        try:
            names_of(store)
        except KGError as error:  # the write is committed; the next search reads the names again
            log.warning("name index not refreshed after a write: %s", error)

    app.state.writer.on_commit = committed
    try:
        yield
    finally:
        store.close()


settings = Settings()
app = FastAPI(title="Syria knowledge graph", lifespan=lifespan)
app.add_exception_handler(KGError, kg_error_handler)
app.add_middleware(DirectSparql)  # innermost: inside gzip and CORS (see api/direct.py)
# Level 5, not 9: the 9.5 MB graph of a 10k-node view compresses 3.7× faster (0.10 s) for 16 % more bytes.
app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
    allow_headers=["*"],
    expose_headers=["Location", "X-Triples-Added", "X-Triples-Removed"],
)
if settings.root_path:
    app.add_middleware(RootPath, root_path=settings.root_path)  # added last: the outermost
for module in (sparql, graph_store, meta, browser, entities, analytics, reconcile, annotate):
    app.include_router(module.router)
app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static", check_dir=False), name="static")
