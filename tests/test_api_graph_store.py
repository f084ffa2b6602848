"""Graph Store HTTP Protocol at /store on each backend (https://www.w3.org/TR/sparql11-http-rdf-update/)."""

from __future__ import annotations

import socket
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

if TYPE_CHECKING:
    from api_fixtures import Server


PERSON = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://example.org/person/1> a foaf:Person ; foaf:name "Jane Doe" ; foaf:knows [ foaf:name "Anon" ] ."""
MORE = '<http://example.org/person/1> <http://xmlns.com/foaf/0.1/nick> "JD" .'


def new_graph() -> str:
    return f"http://example.org/gsp/{uuid.uuid4()}"


def turtle_headers(server: Server) -> dict[str, str]:
    return {"Content-Type": "text/turtle", **server.auth}


def read(client: httpx.Client, graph: str) -> Graph:
    response = client.get("/store", params={"graph": graph}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.text, format="turtle")


def test_put_creates_201_then_replaces_204(client: httpx.Client, server: Server) -> None:
    graph = new_graph()
    created = client.put("/store", params={"graph": graph}, content=PERSON, headers=turtle_headers(server))
    assert created.status_code == 201
    assert "location" in created.headers
    assert len(read(client, graph)) == 4
    replaced = client.put("/store", params={"graph": graph}, content=MORE, headers=turtle_headers(server))
    assert replaced.status_code == 204
    assert len(read(client, graph)) == 1


def test_get_negotiates_rdf_formats(client: httpx.Client, server: Server) -> None:
    graph = new_graph()
    client.put("/store", params={"graph": graph}, content=PERSON, headers=turtle_headers(server))
    for media_type, rdf_format in [
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ]:
        response = client.get("/store", params={"graph": graph}, headers={"Accept": media_type})
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == media_type
        assert len(list(ox.parse(response.content, rdf_format))) == 4


def test_head_has_the_headers_of_get_and_no_body(client: httpx.Client, server: Server) -> None:
    graph = new_graph()
    client.put("/store", params={"graph": graph}, content=PERSON, headers=turtle_headers(server))
    response = client.head("/store", params={"graph": graph})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""


def test_head_and_get_of_a_missing_graph_are_404_without_breaking_keep_alive(server: Server) -> None:
    # Raw HTTP/1.1 on one connection: a HEAD answer must carry no body, or the next answer is garbled.
    host, port = urlsplit(server.url).hostname, urlsplit(server.url).port
    missing = f"/store?graph=http%3A%2F%2Fexample.org%2Fmissing%2F{uuid.uuid4()}"
    with socket.create_connection((host, port), timeout=10) as sock:
        request = f"HEAD {missing} HTTP/1.1\r\nHost: x\r\n\r\nGET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"
        sock.sendall(request.encode())
        received = b""
        while b'"boolean"' not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    first, _, rest = received.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 404")
    assert rest.startswith(b"HTTP/1.1 200"), received
    response = httpx.get(f"{server.url}{missing}")
    assert response.status_code == 404


def test_post_merges_into_a_graph(client: httpx.Client, server: Server) -> None:
    graph = new_graph()
    assert (
        client.post(
            "/store", params={"graph": graph}, content=PERSON, headers=turtle_headers(server)
        ).status_code
        == 201
    )
    merged = client.post("/store", params={"graph": graph}, content=MORE, headers=turtle_headers(server))
    assert merged.status_code == 200
    assert merged.headers["x-triples-added"] == "1"
    assert len(read(client, graph)) == 5
    again = client.post("/store", params={"graph": graph}, content=MORE, headers=turtle_headers(server))
    assert again.status_code == 200
    assert again.headers["x-triples-added"] == "0"


def test_post_multipart_form_data_merges_every_part(client: httpx.Client, server: Server) -> None:
    graph = new_graph()
    files = [
        ("file1", ("person.ttl", PERSON.encode(), "text/turtle")),
        ("file2", ("more.nt", MORE.encode(), "application/n-triples")),
    ]
    response = client.post("/store", params={"graph": graph}, files=files, headers=server.auth)
    assert response.status_code == 201, response.text
    assert len(read(client, graph)) == 5


def test_post_to_the_store_creates_a_graph_and_says_where(client: httpx.Client, server: Server) -> None:
    response = client.post("/store", content=PERSON, headers=turtle_headers(server))
    assert response.status_code == 201
    location = response.headers["location"]
    assert location.startswith(f"{server.url}/store/")
    got = httpx.get(location, headers={"Accept": "text/turtle"})
    assert got.status_code == 200
    assert (URIRef("http://example.org/person/1"), None, None) in Graph().parse(
        data=got.text, format="turtle"
    )


def test_delete_removes_a_graph_and_404_after(client: httpx.Client, server: Server) -> None:
    graph = new_graph()
    client.put("/store", params={"graph": graph}, content=PERSON, headers=turtle_headers(server))
    assert client.delete("/store", params={"graph": graph}, headers=server.auth).status_code == 200
    assert client.get("/store", params={"graph": graph}).status_code == 404
    assert client.delete("/store", params={"graph": graph}, headers=server.auth).status_code == 404


def test_an_empty_graph_exists_after_put(client: httpx.Client, server: Server) -> None:
    graph = new_graph()
    assert (
        client.put("/store", params={"graph": graph}, content=b"", headers=turtle_headers(server)).status_code
        == 201
    )
    assert client.head("/store", params={"graph": graph}).status_code == 200
    assert len(read(client, graph)) == 0


def test_the_default_graph(client: httpx.Client, server: Server) -> None:
    triple = f'<http://example.org/default/{uuid.uuid4()}> <http://example.org/p> "in the default graph" .'
    emptied = client.put("/store", params={"default": ""}, content=b"", headers=turtle_headers(server))
    assert emptied.status_code in (201, 204)
    filled = client.post("/store", params={"default": ""}, content=triple, headers=turtle_headers(server))
    assert filled.status_code == 201  # the default graph held nothing: its content is new
    got = client.get("/store", params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200
    assert "in the default graph" in got.text
    assert (
        client.put("/store", params={"default": ""}, content=b"", headers=turtle_headers(server)).status_code
        == 204
    )
    assert "in the default graph" not in client.get("/store", params={"default": ""}).text


def test_direct_graph_identification(client: httpx.Client, server: Server) -> None:
    path = f"/store/person/{uuid.uuid4()}.ttl"
    graph = f"{server.url}{path}"
    assert client.put(path, content=PERSON, headers=turtle_headers(server)).status_code == 201
    assert client.head(path).status_code == 200
    indirect = client.get("/store", params={"graph": path.lstrip("/")}, headers={"Accept": "text/turtle"})
    assert indirect.status_code == 200  # a relative graph IRI resolves against the request's URL
    assert len(read(client, graph)) == 4
    assert client.post(path, content=MORE, headers=turtle_headers(server)).status_code == 200
    assert client.delete(path, headers=server.auth).status_code == 200
    assert client.head(path).status_code == 404


def test_graph_and_default_together_are_400(client: httpx.Client) -> None:
    assert client.get("/store", params={"graph": "http://example.org/g", "default": ""}).status_code == 400
    assert (
        client.get(
            "/store", params=[("graph", "http://a.example/"), ("graph", "http://b.example/")]
        ).status_code
        == 400
    )


def test_unreadable_bodies(client: httpx.Client, server: Server) -> None:
    graph = new_graph()
    wrong_type = client.put(
        "/store",
        params={"graph": graph},
        content=PERSON,
        headers={"Content-Type": "text/plain", **server.auth},
    )
    assert wrong_type.status_code == 415
    no_type = client.put("/store", params={"graph": graph}, content=PERSON, headers=server.auth)
    assert no_type.status_code == 415
    bad = client.put("/store", params={"graph": graph}, content=b"<a> <b> .", headers=turtle_headers(server))
    assert bad.status_code == 400
    assert "syntax error" in bad.json()["error"]
    assert client.get("/store", params={"graph": graph}).status_code == 404


@pytest.mark.parametrize("iri", ["file:///etc/passwd", "javascript:alert(1)", "data:,x"])
def test_graph_names_must_be_web_iris(client: httpx.Client, server: Server, iri: str) -> None:
    response = client.put("/store", params={"graph": iri}, content=MORE, headers=turtle_headers(server))
    assert response.status_code == 400


def test_rdfxml_entity_expansion_is_refused(client: httpx.Client, server: Server) -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="http://e/s">
<rdf:value>&b;</rdf:value></rdf:Description></rdf:RDF>"""
    headers = {"Content-Type": "application/rdf+xml", **server.auth}
    response = client.put("/store", params={"graph": new_graph()}, content=bomb, headers=headers)
    assert response.status_code == 400
    assert "entity" in response.json()["error"]


def test_get_store_dumps_the_whole_dataset(client: httpx.Client) -> None:
    response = client.get("/store", headers={"Accept": "application/n-quads"})
    assert response.status_code == 200
    quads = list(ox.parse(response.content, ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert "https://w3id.org/syria-kg/graph/entities" in graphs
    assert client.get("/store", headers={"Accept": "text/turtle"}).status_code == 406
    assert client.get("/store").headers["content-type"].startswith("application/n-quads")
