"""Limits: time, size, nesting and operators; nothing fetched from the network unless allowed; concurrency."""

from __future__ import annotations

import contextlib
import csv
import io
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pyoxigraph as ox
import pytest

if TYPE_CHECKING:
    from api_fixtures import Recorder, Server


def numbers(count: int) -> str:
    return " ".join(str(i) for i in range(count))


# 100 million combinations counted: 10-20 s of work that yields no row before it ends (independent of the data),
# far past the 3 s limit on a quiet machine too (30 million took 3-5 s: too close to the limit).
BLOCKING = f"""SELECT (COUNT(*) AS ?n) WHERE {{
  VALUES ?a {{ {numbers(100)} }} VALUES ?b {{ {numbers(100)} }} VALUES ?c {{ {numbers(100)} }} VALUES ?d {{ {numbers(100)} }}
}}"""


def workers(client: httpx.Client) -> dict[str, int]:
    return client.get("/status").json()["workers"]


def wait_for_workers(client: httpx.Client, condition: Callable[[dict[str, int]], bool], what: str) -> None:
    """Poll `/status` until its worker counts meet `condition` (the server has no event to wait on)."""
    deadline = time.monotonic() + 30
    counts = workers(client)
    while not condition(counts):
        if time.monotonic() > deadline:
            pytest.fail(f"{what} never happened: {counts}")
        time.sleep(0.05)
        counts = workers(client)


def test_a_query_over_the_time_limit_is_stopped_while_a_quick_query_answers(client: httpx.Client) -> None:
    from api_fixtures import QUERY_TIMEOUT_S

    # A query that blocks before its first row: the client gets 503 at the deadline, and meanwhile another
    # query is answered at once; the blocked worker is abandoned until the engine returns (api/execution.py).
    # A query that yields rows is stopped between two rows: tests/test_api_units.py checks that part.
    outcome: dict[str, object] = {}

    def run_blocking() -> None:
        begin = time.monotonic()
        outcome["response"] = httpx.post(f"{client.base_url}/sparql", data={"query": BLOCKING}, timeout=30)
        outcome["elapsed"] = time.monotonic() - begin

    thread = threading.Thread(target=run_blocking)
    thread.start()
    # Workers abandoned by earlier tests may still be running: count only those still within their deadline.
    wait_for_workers(client, lambda w: w["running"] - w["abandoned"] >= 1, "the blocking query starting")
    quick = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    answered_while_blocked = "response" not in outcome
    thread.join(30)
    assert quick.status_code == 200
    assert answered_while_blocked
    blocked = outcome["response"]
    assert isinstance(blocked, httpx.Response)
    assert blocked.status_code == 503
    assert "time limit" in blocked.json()["error"]
    assert outcome["elapsed"] >= QUERY_TIMEOUT_S  # type: ignore[operator]
    assert workers(client)["timed_out"] >= 1


def test_an_answer_within_the_size_limit_is_whole(client: httpx.Client) -> None:
    # 1,000 rows of ~100 to 180 bytes: more than the 64 KiB sent at once (so streamed), under the limit.
    response = client.get(
        "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1000", "format": "csv"}
    )
    assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(response.text)))) == 1001
    assert len(response.content) > 64 * 1024


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv"])
def test_a_streamed_answer_over_the_limit_is_cut_not_completed(client: httpx.Client, accept: str) -> None:
    # Streaming starts after the first 64 KiB, the 200,000-byte limit strikes later, mid-stream.
    query = "SELECT * WHERE { ?s ?p ?o }"
    with (
        pytest.raises(httpx.HTTPError),  # raised while reading the body, after a 200 status line
        client.stream("GET", "/sparql", params={"query": query}, headers={"Accept": accept}) as response,
    ):
        assert response.status_code == 200
        body = response.read()
        pytest.fail(f"a complete body of {len(body)} bytes was received")


def test_from_never_fetches_a_url(client: httpx.Client, recorder: Recorder) -> None:
    recorder.clear()
    for query in (
        f"SELECT * FROM <{recorder.url}/from.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{recorder.url}/named.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 200
        assert response.json()["results"]["bindings"] == []
    assert recorder.hits == []


def test_service_is_refused_unless_on_the_allow_list(client: httpx.Client, recorder: Recorder) -> None:
    recorder.clear()
    for query in (
        f"SELECT * WHERE {{ SERVICE <{recorder.url}/denied> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <{recorder.url}/> SELECT * WHERE {{ SERVICE SILENT r:denied {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { VALUES ?e { <http://example.org/> } SERVICE ?e { ?s ?p ?o } }",
    ):
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 403, query
        assert "SERVICE" in response.json()["error"]
    assert recorder.hits == []
    allowed = client.get(
        "/sparql", params={"query": f"SELECT ?x WHERE {{ SERVICE <{recorder.url}/allowed> {{ ?x ?p ?o }} }}"}
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["results"]["bindings"] == [{"x": {"type": "literal", "value": "remote"}}]
    assert [path for _, path in recorder.hits] == ["/allowed"]


def test_load_is_refused(client: httpx.Client, server: Server, recorder: Recorder) -> None:
    recorder.clear()
    response = client.post("/sparql", data={"update": f"LOAD <{recorder.url}/data.ttl>"}, headers=server.auth)
    assert response.status_code == 403
    assert recorder.hits == []


def test_bodies_and_queries_over_the_limits_are_413(client: httpx.Client, server: Server) -> None:
    big = client.post(
        "/sparql", content=b"#" * (3 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"}
    )
    assert big.status_code == 413
    long_query = "ASK {} #" + "x" * 250_000
    assert client.post("/sparql", data={"query": long_query}).status_code == 413
    upload = client.put(
        "/store",
        params={"graph": "http://example.org/too-big"},
        content=b"#" * (3 * 1024 * 1024),
        headers={"Content-Type": "text/turtle", **server.auth},
    )
    assert upload.status_code == 413


def test_nesting_and_operator_bounds_are_checked_before_parsing(client: httpx.Client) -> None:
    deep = "SELECT * WHERE " + "{ " * 300 + "?s ?p ?o" + " }" * 300
    response = client.get("/sparql", params={"query": deep})
    assert response.status_code == 400
    assert "nests brackets 300 deep" in response.json()["error"]
    unions = "SELECT * WHERE { " + " UNION ".join(f"{{ ?s <http://e/p{i}> ?o }}" for i in range(300)) + " }"
    response = client.post("/sparql", data={"query": unions})
    assert response.status_code == 400
    assert "operators" in response.json()["error"]


def test_nesting_within_the_bound_runs_in_a_large_stack(client: httpx.Client) -> None:
    nested = "SELECT * WHERE " + "{ " * 190 + "?s ?p ?o" + " }" * 190 + " LIMIT 1"
    response = client.get("/sparql", params={"query": nested})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 1


def test_many_concurrent_queries_all_answer(client: httpx.Client) -> None:
    query = "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s ORDER BY DESC(?n) LIMIT 5"
    results: list[int] = []

    def ask_once() -> None:
        results.append(
            httpx.get(f"{client.base_url}/sparql", params={"query": query}, timeout=30).status_code
        )

    threads = [threading.Thread(target=ask_once) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [200] * 16


# Seven literals from our own data, cross-joined and sorted by two keys, make Oxigraph 0.5.13's sort panic
# ("user-provided comparison function does not correctly implement a total order"); the panic aborts the whole
# process, pyoxigraph or `oxigraph serve` alike, whatever thread the query runs in.
ORDER_BY_PANIC_VALUES = (
    '"the Syrian armed forces" 1110 276 "Iranian Minister of Foreign Affairs."@en "merican president affirmed that " '
    '"2018-01-01"^^<http://www.w3.org/2001/XMLSchema#date> "Suwayda"@en'
)


def seeded_folder(folder: Path) -> Path:
    """An app folder whose store already holds a graph, so the app starts without building."""
    (folder / "store").mkdir(parents=True)
    seeded = ox.Store(str(folder / "store"))
    seeded.add(
        ox.Quad(
            ox.NamedNode("http://e/s"),
            ox.NamedNode("http://e/p"),
            ox.Literal("o"),
            ox.NamedNode("http://e/g"),
        )
    )
    seeded.flush()
    del seeded
    return folder


def send_the_panic(server: Server) -> None:
    values = ORDER_BY_PANIC_VALUES
    query = f"SELECT * WHERE {{ VALUES ?c {{ {values} }} VALUES ?f {{ {values} }} }} ORDER BY ?c ?f"
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(f"{server.url}/sparql", params={"query": query}, timeout=30)


@pytest.mark.xfail(
    strict=True,
    raises=httpx.ConnectError,
    reason="Oxigraph 0.5.13 aborts the process on some ORDER BY over mixed literals (a Rust panic in its sort); "
    "no thread or timeout can contain it: api/supervisor.py restarts the server",
)
def test_an_order_by_that_panics_oxigraph_does_not_kill_the_server(tmp_path: Path) -> None:
    from api_fixtures import start_app

    server = start_app(seeded_folder(tmp_path / "app"), "app (throw-away)")
    try:
        send_the_panic(server)
        assert httpx.get(f"{server.url}/status", timeout=10).status_code == 200
    finally:
        server.stop()


def test_the_supervisor_brings_the_server_back_after_the_panic(tmp_path: Path) -> None:
    from api_fixtures import start_app

    server = start_app(seeded_folder(tmp_path / "app"), "supervised app", supervised=True)
    try:
        child = httpx.get(f"{server.url}/status", timeout=10)
        assert child.status_code == 200
        send_the_panic(server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (
                    httpx.get(
                        f"{server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5
                    ).status_code
                    == 200
                ):
                    break
            time.sleep(0.3)
        else:
            pytest.fail(f"the server did not come back:\n{server.log_tail()}")
        assert "starting it again" in server.log_tail(200)
    finally:
        server.stop()
