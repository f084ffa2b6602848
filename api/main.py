"""The FastAPI application: `uvicorn api.main:app` (or `kg serve`) serves the graph at http://127.0.0.1:8000.

The lifespan opens the store once (embedded on disk, in memory, or remote, from the settings) and builds the
graph into it when it holds no named graph yet. Routes live in api/routers/; api/README.md lists them.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from api.describe import Counts
from api.direct import DirectSparql
from api.errors import kg_error_handler
from api.execution import Runner
from api.routers import analytics, browser, entities, graph_store, meta, reconcile, sparql
from api.writes import Writer
from kg.build import build
from kg.errors import KGError
from kg.name_index import names_of
from kg.settings import Settings
from kg.store import open_store

log = logging.getLogger("uvicorn.error")  # shown by `kg serve` and uvicorn's default logging


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store (building the graph into an empty one), share it, close it at shutdown."""
    settings = Settings()  # read now: `kg serve --memory` sets KG_MEMORY after the CLI read its settings
    store = open_store(settings)
    if not store.named_graph_iris():
        log.info("the store holds no graph: building it (kg build)")
        build(settings, store, lambda step: log.info("build: %s", step))
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
for module in (sparql, graph_store, meta, browser, entities, analytics, reconcile):
    app.include_router(module.router)
app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static", check_dir=False), name="static")
