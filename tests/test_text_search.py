"""The SPARQL search service: entities with a score, joinable, on the embedded store, a remote store, `kg query`
and `/sparql`, following every write."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_fixtures import TOKEN
from helpers import invoke

from kg.errors import QueryError
from kg.store import EmbeddedStore
from kg.text_search import expand_search
from kg.vocab import RES

TSV = "text/tab-separated-values"
PREFIXES = """PREFIX kg: <https://w3id.org/syria-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX search: <https://w3id.org/syria-kg/search#>
"""
SERVICE = "SERVICE <https://w3id.org/syria-kg/search>"


def rows(store: EmbeddedStore, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT as tuples of values (IRIs under res: as their slugs)."""
    answer = store.select(PREFIXES + query)
    return [tuple(cell["value"].removeprefix(RES) for cell in row.values()) for row in answer]


def test_search_binds_entities_scores_and_names_joined_with_the_query(store: EmbeddedStore) -> None:
    found = rows(
        store,
        f"""SELECT ?e ?score ?name WHERE {{
          {SERVICE} {{ ?e search:query "Hayʼat TAHRIR al-Shām" ; search:score ?score ; search:name ?name }}
          ?e a kg:ArmedGroup }}""",
    )
    assert found == [("hayat-tahrir-al-sham", "1", "Hayat Tahrir al-Sham")]
    # Every word, in any order; an alias scores 0.05 less than a label; the entity joins as a variable would.
    leaders = rows(
        store,
        f"""SELECT DISTINCT ?leader ?score WHERE {{
          {SERVICE} {{ ?group search:query "sham tahrir" . ?group search:score ?score . }}
          ?statement kg:subject ?leader ; kg:object ?group ; kg:relationType ?type .
          FILTER (STRENDS(STR(?type), "/leads")) }}""",
    )
    # HTS's leaders over the years (al-Sharaa; Jabhat al-Nusra, as Jabhat Fatah al-Sham): one alias hit each
    assert ("ahmed-al-sharaa", "0.4") in leaders and {score for _, score in leaders} == {"0.4"}
    chareh = rows(
        store,
        'SELECT ?e ?s { SERVICE SILENT <https://w3id.org/syria-kg/search> { ?e search:query "chareh" ; search:score ?s } }',
    )
    assert chareh == [("ahmed-al-sharaa", "0.95")]


def test_two_searches_limits_and_no_match(store: EmbeddedStore) -> None:
    found = rows(
        store,
        f"""SELECT ?a ?b WHERE {{
          {SERVICE} {{ ?a search:query "Moscow" }}
          {SERVICE} {{ ?b search:query "Damas" ; search:limit 1 }} }}""",
    )
    assert found == [("russia", "damascus")]
    assert rows(store, f'SELECT ?e {{ {SERVICE} {{ ?e search:query "no such name anywhere" }} }}') == []
    prefixed = (
        PREFIXES
        + "PREFIX kgs: <https://w3id.org/syria-kg/> SELECT ?e { SERVICE kgs:search { ?e search:query 'moscow' } }"
    )
    assert "VALUES (?e) { (<https://w3id.org/syria-kg/id/russia>) }" in expand_search(prefixed, store)


def test_a_search_block_joins_like_any_pattern_in_optional_and_subqueries(store: EmbeddedStore) -> None:
    optional = rows(
        store,
        f"""SELECT ?x ?s WHERE {{ VALUES ?x {{ <{RES}iran> <{RES}russia> }}
          OPTIONAL {{ {SERVICE} {{ ?x search:query "Moscow" ; search:score ?s }} }} }} ORDER BY ?x""",
    )
    assert optional == [("iran",), ("russia", "0.95")]  # the whole of a metonym: 0.05 below a label
    assad = f'{SERVICE} {{ ?e search:query "Assad" }}'
    counted = rows(store, f"SELECT (COUNT(?e) AS ?n) WHERE {{ {{ SELECT ?e WHERE {{ {assad} }} }} }}")
    assert counted == [(str(len(rows(store, f"SELECT ?e WHERE {{ {assad} }}"))),)] != [("0",)]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("?e search:score ?s", "search:query is missing"),
        ("?e search:query ?text", "takes a string"),
        ('?e search:query "x" ; search:colour "red"', "is not one of search:query"),
        ('<http://e/x> search:query "x"', "the one entity variable"),
        ('?e search:query "x" . ?f search:score ?s', "the one entity variable"),
        ('?e search:query "x" ; search:limit 0', "whole number from 1"),
        ('?e search:query "x" ; search:score "high"', "takes a variable"),
        ('?e search:query "x" { ?e ?p ?o }', "no nested group"),
        ('?e search:query "   "', "is empty"),
    ],
)
def test_malformed_searches_are_refused_with_a_reason(store: EmbeddedStore, block: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        store.select(f"{PREFIXES}SELECT * WHERE {{ {SERVICE} {{ {block} }} }}")


def test_kg_query_answers_the_search_service(project: Path) -> None:
    code, output = invoke(
        "query", PREFIXES + f'SELECT ?e {{ {SERVICE} {{ ?e search:query "Hezbollah" }} ?e a kg:ArmedGroup }}'
    )
    assert code == 0, output
    assert "res:hezbollah" in output and "1 rows" in output
    code, output = invoke("query", PREFIXES + f"SELECT ?e {{ {SERVICE} {{ ?e search:limit 3 }} }}")
    assert code == 2 and "search:query is missing" in output


# ------------------------------------------------------------------------------------------ over HTTP

NEW_GROUP = f"""@prefix kg: <https://w3id.org/syria-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{RES}liwa-al-quds-test> a kg:ArmedGroup ;
    rdfs:label "Liwa al-Quds (search test)"@en ; skos:prefLabel "Liwa al-Quds (search test)"@en ;
    skos:altLabel "لواء القدس"@ar .
"""
TEST_GRAPH = "https://w3id.org/syria-kg/graph/search-test"


def sparql_rows(client: httpx.Client, query: str) -> list[tuple[str, ...]]:
    response = client.post(
        "/sparql", data={"query": PREFIXES + query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    return [tuple(cell["value"].removeprefix(RES) for cell in row.values()) for row in bindings]


@pytest.fixture
def cleanup(client: httpx.Client) -> Iterator[None]:
    yield
    client.delete("/store", params={"graph": TEST_GRAPH}, headers={"Authorization": f"Bearer {TOKEN}"})


def test_sparql_endpoint_searches_and_follows_graph_store_and_update_writes(
    client: httpx.Client, cleanup: None
) -> None:
    search = f'SELECT ?e ?score {{ {SERVICE} {{ ?e search:query "liwa quds" ; search:score ?score }} }}'
    assert sparql_rows(client, search) == []
    auth = {"Authorization": f"Bearer {TOKEN}"}
    put = client.put(
        "/store",
        params={"graph": TEST_GRAPH},
        content=NEW_GROUP,
        headers={**auth, "Content-Type": "text/turtle"},
    )
    assert put.status_code == 201, put.text
    assert sparql_rows(client, search) == [("liwa-al-quds-test", "0.9")]
    assert sparql_rows(client, f'SELECT ?e {{ {SERVICE} {{ ?e search:query "القدس" }} }}') == [
        ("liwa-al-quds-test",)
    ]

    update = (
        f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> INSERT DATA {{ GRAPH <{TEST_GRAPH}> "
        f'{{ <{RES}liwa-al-quds-test> skos:altLabel "Jerusalem Brigade"@en }} }}'
    )
    assert client.post("/sparql", data={"update": update}, headers=auth).status_code == 204
    assert sparql_rows(client, f'SELECT ?e {{ {SERVICE} {{ ?e search:query "jerusalem brigade" }} }}') == [
        ("liwa-al-quds-test",)
    ]
    assert client.get("/api/search", params={"q": "LIWA AL QUDS"}).json()[0]["id"] == "liwa-al-quds-test"

    assert client.delete("/store", params={"graph": TEST_GRAPH}, headers=auth).status_code == 200
    assert sparql_rows(client, search) == []


def test_the_search_service_is_for_queries_and_other_services_keep_their_rules(client: httpx.Client) -> None:
    update = f'INSERT {{ ?e a <http://e/Found> }} WHERE {{ {SERVICE} {{ ?e search:query "Hama" }} }}'
    refused = client.post(
        "/sparql", data={"update": PREFIXES + update}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert refused.status_code == 403 and "answers queries" in refused.text
    other = client.get(
        "/sparql", params={"query": "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}
    )
    assert other.status_code == 403 and "allow-list" in other.text
    bad = client.get(
        "/sparql", params={"query": PREFIXES + f"SELECT * {{ {SERVICE} {{ ?e search:query 3 }} }}"}
    )
    assert bad.status_code == 400 and "search:query takes a string" in bad.text
