"""The W3C SPARQL 1.1 Graph Store Protocol test suite: all 14 cases, against `/store` on both backends.

The cases are the ones defined in sparql/sparql11/graph-store-protocol/manifest-direct.ttl (5) and
manifest-indirect.ttl (9) in https://github.com/w3c/rdf-tests; manifest-direct.ttl defines
`head_non_existing_direct` without listing it in its `mf:entries`, and it is run here too. (The older
http-rdf-update/manifest.ttl is marked deprecated in favour of these.) Each test below is named after one case
and sends its requests in order, built with httpx: the same method, the same path with the manifest's `/gsp`
prefix replaced by our `/store` (so `/gsp/person/1.ttl`, direct identification, becomes `/store/person/1.ttl`,
and `/gsp?graph=…` keeps its query string byte for byte), the same Content-Type and Accept, and the same body
(the multipart body with the case's boundary and CRLF line ends). It asserts the status codes the case allows,
the Content-Type `text/turtle; charset=utf-8` where the case gives one (media type and charset compared
case-insensitively), and that the Turtle returned is isomorphic to the case's expected graph (blank nodes
included), with the documents in tests/data/w3c/.

Where we differ from the manifest, and why:
- Writes carry `Authorization: Bearer <token>`: this server refuses writes without it.
- The suite is sequential (a case reads what the previous ones wrote); here each test first deletes the graphs
  it uses (tolerating 404), so it starts from the state the case assumes and the tests run in any order.
- After a HEAD, the same connection sends one more request: a HEAD answer that carried a body would break it
  (docs/findings.md: `oxigraph serve` sends one on 404).

The servers are those of tests/test_w3c_protocol.py's `running_backend`, started again for this module.
Rerun: `python -m pytest tests/test_w3c_protocol.py tests/test_w3c_graph_store.py`; results in
docs/conformance.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from test_w3c_protocol import BACKENDS, Endpoint, running_backend

DATA = Path(__file__).parent / "data" / "w3c"
TURTLE = "text/turtle; charset=utf-8"
PERSON_1 = "http://www.example/gsp/person/1.ttl"
PERSON_2 = "http://www.example/gsp/person/2.ttl"
PERSON_4 = "http://www.example/gsp/person/4.ttl"
BOUNDARY = "a6fe4cd636164618814be9f8d3d1a0de"

OK, CREATED, NO_CONTENT, NOT_FOUND = 200, 201, 204, 404


@pytest.fixture(scope="module", params=BACKENDS)
def w3c(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """The endpoint under test, once per backend, on servers of its own."""
    backend: str = request.param
    with (
        running_backend(backend, tmp_path_factory.mktemp(f"w3c-gsp-{backend}")) as server,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        yield Endpoint(backend, server, http)


# ------------------------------------------------------------------------------------------------ helpers


def indirect(graph: str) -> str:
    """`/store?graph=<graph>`, the IRI percent-encoded as the manifest writes it (`:` and `/` too)."""
    return f"/store?graph={quote(graph, safe='')}"


def document(name: str) -> bytes:
    """A Turtle document of tests/data/w3c/."""
    return (DATA / name).read_bytes()


def forget(w3c: Endpoint, *paths: str) -> None:
    """Set-up: delete the graphs at `paths` so the case starts without them."""
    for path in paths:
        response = w3c.http.delete(path, headers=w3c.auth)
        assert response.status_code in (OK, NO_CONTENT, NOT_FOUND), f"set-up DELETE {path}: {response.text}"


def put(w3c: Endpoint, path: str, body: bytes) -> httpx.Response:
    """PUT a Turtle document (Content-Type: text/turtle; charset=utf-8)."""
    return w3c.http.put(path, content=body, headers={"Content-Type": TURTLE, **w3c.auth})


def post(w3c: Endpoint, path: str, body: bytes) -> httpx.Response:
    """POST a Turtle document (Content-Type: text/turtle; charset=utf-8)."""
    return w3c.http.post(path, content=body, headers={"Content-Type": TURTLE, **w3c.auth})


def get_turtle(w3c: Endpoint, path: str) -> httpx.Response:
    """GET with `Accept: text/turtle`."""
    return w3c.http.get(path, headers={"Accept": "text/turtle"})


def multipart_body() -> bytes:
    """The case's multipart/form-data body: two Turtle parts (family name, then given name), CRLF line ends."""
    parts = [("lastName.ttl", "person1-family-name.ttl"), ("firstName.ttl", "person1-given-name.ttl")]
    lines: list[str] = []
    for name, fixture in parts:
        lines += [
            f"--{BOUNDARY}",
            f'Content-Disposition: form-data; name="{name}"; filename="{name}"',
            "Content-Type: text/turtle; charset=utf-8",
            "",
            *(DATA / fixture).read_text().splitlines(),
            "",
        ]
    lines.append(f"--{BOUNDARY}--")
    return ("\r\n".join(lines) + "\r\n").encode()


def assert_status(response: httpx.Response, *allowed: int) -> None:
    """The status is one of those the case allows."""
    assert response.status_code in allowed, (
        f"{response.request.method} {response.request.url.raw_path.decode()}: expected {allowed}, "
        f"got {response.status_code}: {response.text[:500]}"
    )


def assert_turtle_content_type(response: httpx.Response) -> None:
    """`Content-Type: text/turtle; charset=utf-8` (media type and charset compared case-insensitively)."""
    essence, *parameters = (response.headers.get("content-type") or "").split(";")
    params = {}
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        params[key.strip().lower()] = value.strip().strip('"').lower()
    assert (essence.strip().lower(), params.get("charset")) == ("text/turtle", "utf-8"), (
        f"expected Content-Type {TURTLE!r}, got {response.headers.get('content-type')!r}"
    )


def assert_graph(response: httpx.Response, expected: str) -> None:
    """200, Turtle in UTF-8, and a graph isomorphic to the document `expected` of tests/data/w3c/."""
    assert_status(response, OK)
    assert_turtle_content_type(response)
    got = Graph().parse(data=response.content, format="turtle", publicID=str(response.url))
    want = Graph().parse(DATA / expected, format="turtle")
    assert isomorphic(got, want), (
        f"the graph differs from {expected}:\n{got.serialize(format='nt')}\nexpected:\n"
        f"{want.serialize(format='nt')}"
    )


def assert_connection_still_usable(w3c: Endpoint) -> None:
    """One more request after a HEAD: it fails if the HEAD answer carried a body on a kept-alive connection."""
    response = w3c.http.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == OK


# ------------------------------------------------------------------------------- direct identification


def test_put_get_repeat_direct(w3c: Endpoint) -> None:
    """PUT creates a graph (201), GET returns it; PUT replaces it (200/204), GET returns the new one."""
    path = "/store/person/1.ttl"
    forget(w3c, path)
    assert_status(put(w3c, path, document("person1-john.ttl")), CREATED)
    assert_graph(get_turtle(w3c, path), "person1-john.ttl")
    assert_status(put(w3c, path, document("person1-jane.ttl")), OK, NO_CONTENT)
    assert_graph(get_turtle(w3c, path), "person1-jane.ttl")


def test_put_delete_get_delete_direct(w3c: Endpoint) -> None:
    """PUT, then DELETE (200/204); GET is then 404; a second DELETE is 404 (or 200/204)."""
    path = "/store/person/2.ttl"
    forget(w3c, path)
    assert_status(put(w3c, path, document("anonymous-alice.ttl")), CREATED, OK, NO_CONTENT)
    assert_status(w3c.http.delete(path, headers=w3c.auth), OK, NO_CONTENT)
    assert_status(w3c.http.get(path), NOT_FOUND)
    assert_status(w3c.http.delete(path, headers=w3c.auth), NOT_FOUND, OK, NO_CONTENT)


def test_post_get_post_get_direct(w3c: Endpoint) -> None:
    """POST Turtle into a graph, GET it; POST two more documents as multipart/form-data, GET the merge."""
    path = "/store/person/1.ttl"
    forget(w3c, path)
    assert_status(post(w3c, path, document("person1-jane.ttl")), OK, CREATED, NO_CONTENT)
    assert_graph(get_turtle(w3c, path), "person1-jane.ttl")
    multipart = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", **w3c.auth}
    assert_status(w3c.http.post(path, content=multipart_body(), headers=multipart), OK, NO_CONTENT)
    assert_graph(get_turtle(w3c, path), "person1-jane-merged.ttl")


def test_head_existing_direct(w3c: Endpoint) -> None:
    """PUT a graph; HEAD on it is 200 with GET's Content-Type (text/turtle; charset=utf-8) and no body."""
    path = "/store/person/1.ttl"
    forget(w3c, path)
    assert_status(put(w3c, path, document("person1-john.ttl")), OK, CREATED, NO_CONTENT)
    response = w3c.http.head(path, headers={"Accept": TURTLE})
    assert_status(response, OK)
    assert_turtle_content_type(response)
    assert response.content == b""
    assert_connection_still_usable(w3c)


def test_head_non_existing_direct(w3c: Endpoint) -> None:
    """HEAD on a graph that does not exist is 404."""
    path = "/store/person/4.ttl"
    forget(w3c, path)
    response = w3c.http.head(path, headers={"Accept": TURTLE})
    assert_status(response, NOT_FOUND)
    assert response.content == b""
    assert_connection_still_usable(w3c)


# ----------------------------------------------------------------------------- indirect identification


def test_put_get_repeat_indirect(w3c: Endpoint) -> None:
    """As put_get_repeat_direct, with the graph named by `?graph=`."""
    path = indirect(PERSON_1)
    forget(w3c, path)
    assert_status(put(w3c, path, document("person1-john.ttl")), CREATED)
    assert_graph(get_turtle(w3c, path), "person1-john.ttl")
    assert_status(put(w3c, path, document("person1-jane.ttl")), OK, NO_CONTENT)
    assert_graph(get_turtle(w3c, path), "person1-jane.ttl")


def test_put_get_default(w3c: Endpoint) -> None:
    """PUT into the default graph (`?default`), then GET it back."""
    assert_status(put(w3c, "/store?default", document("anonymous-alice.ttl")), OK, CREATED, NO_CONTENT)
    assert_graph(get_turtle(w3c, "/store?default"), "anonymous-alice.ttl")


def test_put_delete_get_delete_indirect(w3c: Endpoint) -> None:
    """As put_delete_get_delete_direct, with the graph named by `?graph=`."""
    path = indirect(PERSON_2)
    forget(w3c, path)
    assert_status(put(w3c, path, document("anonymous-alice.ttl")), CREATED, OK, NO_CONTENT)
    assert_status(w3c.http.delete(path, headers=w3c.auth), OK, NO_CONTENT)
    assert_status(w3c.http.get(path), NOT_FOUND)
    assert_status(w3c.http.delete(path, headers=w3c.auth), NOT_FOUND, OK, NO_CONTENT)


def test_post_get_post_get_indirect(w3c: Endpoint) -> None:
    """As post_get_post_get_direct, with the graph named by `?graph=`."""
    path = indirect(PERSON_1)
    forget(w3c, path)
    assert_status(post(w3c, path, document("person1-jane.ttl")), OK, CREATED, NO_CONTENT)
    assert_graph(get_turtle(w3c, path), "person1-jane.ttl")
    multipart = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", **w3c.auth}
    assert_status(w3c.http.post(path, content=multipart_body(), headers=multipart), OK, NO_CONTENT)
    assert_graph(get_turtle(w3c, path), "person1-jane-merged.ttl")


def test_post_get_new_graph(w3c: Endpoint) -> None:
    """POST to the store itself creates a graph: 201 with its IRI in Location; `?graph=<Location>` reads it."""
    response = post(w3c, "/store", document("anonymous-alice.ttl"))
    assert_status(response, CREATED)
    location = response.headers.get("location")
    assert location, "a 201 from POST to the store must name the new graph in Location"
    assert_graph(get_turtle(w3c, f"/store?graph={location}"), "anonymous-alice.ttl")


def test_head_existing_indirect(w3c: Endpoint) -> None:
    """As head_existing_direct, with the graph named by `?graph=`."""
    path = indirect(PERSON_1)
    forget(w3c, path)
    assert_status(put(w3c, path, document("person1-john.ttl")), OK, CREATED, NO_CONTENT)
    response = w3c.http.head(path, headers={"Accept": TURTLE})
    assert_status(response, OK)
    assert_turtle_content_type(response)
    assert response.content == b""
    assert_connection_still_usable(w3c)


def test_head_non_existing_indirect(w3c: Endpoint) -> None:
    """As head_non_existing_direct, with the graph named by `?graph=`."""
    path = indirect(PERSON_4)
    forget(w3c, path)
    response = w3c.http.head(path, headers={"Accept": TURTLE})
    assert_status(response, NOT_FOUND)
    assert response.content == b""
    assert_connection_still_usable(w3c)


def test_put_get_uri_pct_encoded_indirect(w3c: Endpoint) -> None:
    """PUT with the graph IRI percent-encoded, GET with it written plainly: the same graph."""
    forget(w3c, indirect(PERSON_1))
    assert_status(put(w3c, indirect(PERSON_1), document("person1-john.ttl")), CREATED)
    assert_graph(get_turtle(w3c, f"/store?graph={PERSON_1}"), "person1-john.ttl")


def test_put_get_uri_pct_encoded_twice(w3c: Endpoint) -> None:
    """`?graph=…/%31.ttl` names …/1.ttl and `?graph=…/%2531.ttl` names …/%31.ttl: two graphs (decoded once)."""
    once = (
        "/store?graph=http://www.example/gsp/person/%31.ttl"  # the graph http://www.example/gsp/person/1.ttl
    )
    twice = "/store?graph=http://www.example/gsp/person/%2531.ttl"  # the graph …/person/%31.ttl
    forget(w3c, once, twice)
    assert_status(put(w3c, once, document("person1-john.ttl")), CREATED)
    assert_status(put(w3c, twice, document("person2-jane.ttl")), CREATED)
    assert_graph(get_turtle(w3c, once), "person1-john.ttl")
    assert_graph(get_turtle(w3c, twice), "person2-jane.ttl")
