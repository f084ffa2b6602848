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
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from kg.build import build
from kg.settings import PROJECT_DIR, Settings
from kg.store import RemoteStore

TOKEN = "test-token-1f3a"
QUERY_TIMEOUT_S = 3.0
MAX_RESULT_BYTES = 200_000
START_TIMEOUT_S = 180.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A process serving HTTP at `url`, with the file its output goes to."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    name: str = ""
    token: str | None = TOKEN

    def stop(self) -> None:
        """Stop the process by its id: SIGTERM, then SIGKILL after 15 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output, for failure messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    @property
    def auth(self) -> dict[str, str]:
        """The header that authorises a write."""
        return {"Authorization": f"Bearer {self.token}"}


def wait_until_up(server: Server, probe: str, timeout: float = START_TIMEOUT_S) -> None:
    """Poll `probe` until it answers 200; fail with the server's log if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(probe, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{server.name} did not answer within {timeout} s:\n{server.log_tail()}")


def start_app(folder: Path, name: str, *, supervised: bool = False, **settings: str) -> Server:
    """`python -m uvicorn api.main:app` (or under `api.supervisor`) on a free port, KG_* from `settings`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env |= {"KG_DATA_DIR": str(folder / "store"), "PYTHONUNBUFFERED": "1"}
    env |= {f"KG_{key.upper()}": value for key, value in settings.items()}
    log = folder / "uvicorn.log"
    program = ["api.supervisor"] if supervised else ["uvicorn", "api.main:app"]
    command = [sys.executable, "-m", *program, "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log, name, settings.get("write_token"))
    wait_until_up(server, f"{server.url}/status")
    return server


def start_oxigraph(folder: Path, *, union_default_graph: bool) -> Server:
    """`oxigraph serve` (the PyPI `oxigraph` package) on a free port, storing under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = ["oxigraph", "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log, "oxigraph serve", None)
    wait_until_up(server, f"{server.url}/query?query=ASK%7B%7D")
    return server


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
