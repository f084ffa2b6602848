"""The analytics routes on the real application: `/api/blocs`, `/api/diff` and `/export`, served by uvicorn.

The server runs in a subprocess on a free port of 127.0.0.1, with its store in a temporary folder (the app
builds the graph at start), and is stopped by its process id.
"""

import csv
import io
import json
from collections.abc import Iterator

import httpx
import networkx as nx
import pytest
from api_fixtures import start_app
from rdflib import Graph

from kg.store import EmbeddedStore

RES = "https://w3id.org/syria-kg/id/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    running = start_app(tmp_path_factory.mktemp("analytics-api"), "app (analytics)")
    try:
        yield running.url
    finally:
        running.stop()


def get(base: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{base}{path}", params=params, timeout=60)


def test_api_blocs_gives_each_actor_a_bloc_and_the_events_timeline(server: str) -> None:
    response = get(server, "/api/blocs", date="2024-12-07")
    assert response.status_code == 200, response.text
    report = response.json()
    bloc = {actor["iri"].removeprefix(RES): actor["bloc"] for actor in report["actors"]}
    assert bloc["russia"] == bloc["iran"] == bloc["hezbollah"] == bloc["assad-regime"]
    assert bloc["hayat-tahrir-al-sham"] == bloc["rebel-coalition"] != bloc["assad-regime"]
    # Over 2011-2024 some triangles stay unbalanced (Turkey: partner of Russia and Iran, accusing Damascus); the
    # contested list names the actors whose confidence fell below the threshold, and only those.
    assert report["balance"]["index"] < 1.0
    assert report["contested"] == sorted(actor["iri"] for actor in report["actors"] if actor["contested"])
    assert f"{RES}capture-of-aleppo-2024" in [event["iri"] for event in report["events"]]


def test_api_blocs_rejects_a_bad_date(server: str) -> None:
    response = get(server, "/api/blocs", date="7 December")
    assert response.status_code == 400
    assert response.json() == {"error": "'7 December' is not a date (YYYY-MM-DD)"}


def test_api_diff_lists_the_offensive(server: str) -> None:
    response = get(server, "/api/diff", **{"from": "2024-11-26", "to": "2024-12-07"})
    assert response.status_code == 200, response.text
    began = [(c["subject_label"], c["relation"], c["object_label"]) for c in response.json()["began"]]
    assert ("Syrian rebel coalition", "offensive-against", "Assad regime") in began


def test_export_gexf_is_a_dynamic_graph_with_spells(server: str) -> None:
    response = get(server, "/export", format="gexf", date="2024-12-07")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/gexf+xml"
    assert (
        response.headers["content-disposition"] == 'attachment; filename="syria-kg-network-2024-12-07.gexf"'
    )
    graph = nx.read_gexf(io.BytesIO(response.content))
    assert graph.graph["mode"] == "dynamic"
    # The army acts for the regime (docs/analytics.md, "Who acts for whom"): its joint strikes with Russia are
    # the regime's, on the days of the strikes.
    assert f"{RES}syrian-army" not in graph
    edge = graph[f"{RES}russia"][f"{RES}assad-regime"]
    assert "joint-strike" in edge["relations"].split() and edge["spells"]


@pytest.mark.parametrize(
    ("fmt", "header"),
    [
        ("csv-nodes", "id,label,kind,bloc,bloc_label,confidence,broker,degree,betweenness,intervals"),
        ("csv-edges", "source,target,sign,weight,positive,negative,relations,intervals,statements,quote"),
    ],
)
def test_export_csv_has_its_header(server: str, fmt: str, header: str) -> None:
    response = get(server, "/export", format=fmt)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert ",".join(rows[0]) == header and len(rows) > 10


def test_export_graphml_and_jsonld_read_back(server: str) -> None:
    graphml = get(server, "/export", format="graphml")
    assert graphml.status_code == 200
    assert nx.read_graphml(io.BytesIO(graphml.content)).number_of_edges() > 10
    jsonld = get(server, "/export", format="jsonld", date="2024-12-07")
    assert jsonld.status_code == 200
    assert jsonld.headers["content-type"] == "application/ld+json"
    assert len(Graph().parse(data=json.dumps(jsonld.json()), format="json-ld")) > 100


def test_export_rejects_an_unknown_format(server: str) -> None:
    response = get(server, "/export", format="pajek")
    assert response.status_code == 400
    assert "unknown format 'pajek'" in response.json()["error"]


def test_the_router_answers_in_process_too(store: EmbeddedStore) -> None:
    """The routes on a bare application with the session store, whatever api/main.py mounts."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api.errors import kg_error_handler
    from api.routers.analytics import router
    from kg.errors import KGError

    app = FastAPI()
    app.add_exception_handler(KGError, kg_error_handler)
    app.include_router(router)
    app.state.store = store
    client = TestClient(app)
    blocs = client.get("/api/blocs", params={"date": "2024-11-26/2024-12-07", "include_claimed": "true"})
    assert blocs.status_code == 200, blocs.text
    assert blocs.json()["parameters"] == {
        "date": "2024-11-26/2024-12-07",
        "include_claimed": True,
        "include_undated": True,
    }
    diff = client.get("/api/diff", params={"from": "2024-12-07", "to": "2024-11-26"})
    assert diff.status_code == 400
    export = client.get("/export", params={"format": "csv-edges", "include_undated": "false"})
    assert export.status_code == 200
    assert export.headers["content-disposition"] == 'attachment; filename="syria-kg-network-all.edges.csv"'
