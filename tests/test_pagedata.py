"""The service layer under the page routers (`api/pagedata/`): data access that knows nothing of HTTP. What the
graph does not hold is a domain error (`kg.errors.NotInGraph`), text that cannot be an IRI an `InputError`; the
application's one error handler answers them 404 and 400, in JSON or plain text as the client asks.
"""

from collections.abc import Iterator

import pytest
from app_client import client_for
from fastapi.testclient import TestClient

from api.pagedata.facts import entity_by_id, statement_by_id
from kg.errors import InputError, NotInGraph
from kg.settings import Settings
from kg.store import EmbeddedStore


@pytest.fixture(scope="module")
def client(store: EmbeddedStore, settings: Settings) -> Iterator[TestClient]:
    yield from client_for(store, settings)


def test_the_data_layer_says_what_the_graph_does_not_hold(store: EmbeddedStore, settings: Settings) -> None:
    assert entity_by_id(store, settings, "russia")["label"] == "Russia"
    assert statement_by_id(store, settings, "statement/turkey-partner-of-iran-astana")["kind"] == "statement"
    with pytest.raises(NotInGraph, match="no entity atlantis"):
        entity_by_id(store, settings, "atlantis")
    with pytest.raises(NotInGraph, match="no statement, event or quantity statement/none"):
        statement_by_id(store, settings, "statement/none")
    with pytest.raises(InputError, match="not an IRI"):
        entity_by_id(store, settings, "a b")


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/entity?id=atlantis", 404, "no entity atlantis"),
        ("/api/statement?iri=statement/none", 404, "no statement, event or quantity statement/none"),
        (
            "/api/statement/none",
            404,
            "no statement, event or quantity https://w3id.org/syria-kg/id/statement/none",
        ),
        ("/api/entity?id=%3Cscript%3E", 400, "not an IRI: 'https://w3id.org/syria-kg/id/<script>'"),
    ],
)
def test_unknown_ids_and_non_iris_are_answered_by_the_one_error_handler(
    client: TestClient, path: str, status: int, message: str
) -> None:
    answer = client.get(path)
    assert (answer.status_code, answer.json()) == (status, {"error": message})
    text = client.get(path, headers={"Accept": "text/plain"})
    assert (text.status_code, text.text) == (status, message + "\n")
