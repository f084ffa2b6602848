"""Fixtures that run the real servers: our app under uvicorn, `oxigraph serve` as a remote store, a recorder.

Every server listens on 127.0.0.1 on a free port, is waited for until it answers, and is stopped by its
process id at the end of the session. `server` is parametrised: the protocol tests run once against the app
on the embedded on-disk store (which builds the graph at start, as `kg serve` does) and once against the app
backed by a real `oxigraph serve`, into which the graph was built through `RemoteStore`.
Load with `pytest_plugins = ["api_fixtures"]` (tests/ is on sys.path through its conftest.py).
"""

import http.server
import json
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from processes import Server, free_port, program, start_server

from kg.build import build
from kg.settings import PROJECT_DIR, Settings
from kg.store import RemoteStore

TOKEN = "test-token-1f3a"
QUERY_TIMEOUT_S = 3.0
MAX_RESULT_BYTES = 200_000


def start_app(folder: Path, name: str, *, supervised: bool = False, **settings: str) -> Server:
    """`python -m uvicorn api.main:app` (or under `api.supervisor`) on a free port, KG_* from `settings`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env |= {"KG_DATA_DIR": str(folder / "store"), "PYTHONUNBUFFERED": "1"}
    env |= {f"KG_{key.upper()}": value for key, value in settings.items()}
    program_args = ["api.supervisor"] if supervised else ["uvicorn", "api.main:app"]
    command = [sys.executable, "-m", *program_args, "--host", "127.0.0.1", "--port", str(port)]
    return start_server(
        command,
        port=port,
        probe="/status",
        log=folder / "uvicorn.log",
        name=name,
        env=env,
        cwd=PROJECT_DIR,
        token=settings.get("write_token"),
    )


def start_oxigraph(folder: Path, *, union_default_graph: bool) -> Server:
    """`oxigraph serve` (the PyPI `oxigraph` package) on a free port, storing under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        program("oxigraph"),
        "serve",
        "--location",
        str(folder / "data"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if union_default_graph:
        command.append("--union-default-graph")
    return start_server(
        command, port=port, probe="/query?query=ASK%7B%7D", log=folder / "oxigraph.log", name="oxigraph serve"
    )


@dataclass
class Recorder:
    """A local HTTP server that records every request; it answers as a tiny SPARQL endpoint would."""

    url: str
    hits: list[tuple[str, str]] = field(default_factory=list)

    def clear(self) -> None:
        self.hits.clear()


@pytest.fixture(scope="session")
def recorder() -> Iterator[Recorder]:
    """Records requests, to prove what the server fetches (and what it never does)."""
    hits: list[tuple[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            hits.append((self.command, self.path))
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            body = json.dumps(
                {
                    "head": {"vars": ["x"]},
                    "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    recorder = Recorder(f"http://127.0.0.1:{httpd.server_address[1]}")
    recorder.hits = hits
    yield recorder
    httpd.shutdown()


def common_settings(recorder: Recorder) -> dict[str, str]:
    """Limits small enough to test, the same for every backend."""
    return {
        "write_token": TOKEN,
        "query_timeout_s": str(QUERY_TIMEOUT_S),
        "max_result_bytes": str(MAX_RESULT_BYTES),
        "service_allowlist": json.dumps([f"{recorder.url}/allowed"]),
        "max_body_bytes": str(2 * 1024 * 1024),
    }


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory, recorder: Recorder) -> Iterator[Server]:
    """The app on an empty on-disk store: it builds the graph at start."""
    server = start_app(
        tmp_path_factory.mktemp("embedded"), "app (embedded store)", **common_settings(recorder)
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oxigraph_own_default(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`oxigraph serve` whose default graph is a graph of its own, with our graph built into it."""
    server = built_oxigraph(tmp_path_factory.mktemp("oxigraph-own"), union_default_graph=False)
    yield server
    server.stop()


def built_oxigraph(folder: Path, *, union_default_graph: bool) -> Server:
    """A started `oxigraph serve` with our graph built into it through the remote store."""
    server = start_oxigraph(folder, union_default_graph=union_default_graph)
    store = RemoteStore(
        f"{server.url}/query", f"{server.url}/update", union_default_graph=union_default_graph
    )
    try:
        build(Settings(), store)
    finally:
        store.close()
    return server


@pytest.fixture(scope="session")
def remote_server(
    tmp_path_factory: pytest.TempPathFactory, recorder: Recorder, oxigraph_own_default: Server
) -> Iterator[Server]:
    """The app backed by the real remote store."""
    server = start_app(
        tmp_path_factory.mktemp("remote"),
        "app (remote store)",
        remote_query_url=f"{oxigraph_own_default.url}/query",
        remote_update_url=f"{oxigraph_own_default.url}/update",
        remote_union_default_graph="false",
        **common_settings(recorder),
    )
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["embedded", "remote"])
def server(request: pytest.FixtureRequest) -> Server:
    """The app, once on each backend."""
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client for `server`."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http
