"""Links to external datasets, without a network: verified links, `kg link`, `kg link --accept`, `kg enrich`,
the offline cache, an unreachable endpoint, politeness (User-Agent, rate limit, retries) and federation.

A session fixture starts a real `oxigraph serve` on 127.0.0.1, loaded with a small Wikidata-shaped graph
written below (items with rdfs:label, skos:altLabel, schema:description, wdt:P31, P625, P17, P571, P1448,
P35, P6). Its real Q-ids are only ones verified for kg/data/links.yaml or docs/linking.md; items numbered
Q9999990xx are fixture-only and exist nowhere else. Fact values in the fixture are test values, not facts.
"""

import csv
import datetime as dt
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import typer
import yaml
from api_fixtures import start_oxigraph
from processes import free_port
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from typer.testing import CliRunner

from kg.cli.linking import register
from kg.enrich import ENRICHMENT_GRAPH, WGS, coordinates, enrich, linked_entities
from kg.errors import InputError, QueryError
from kg.link_review import (
    accept,
    load_entities,
    read_accepted,
    reconcile,
    store_slugs,
    write_review,
)
from kg.links import WD, WDT, compile_links, is_wellformed_link_iri, linked_targets
from kg.settings import get_settings
from kg.store import EmbeddedStore
from kg.vocab import LINKS_GRAPH, RES
from kg.wikidata import EndpointUnavailable, WikidataClient

UA = "syria-kg-tests/1.0 (test suite; no network)"
WIKIDATA_FIXTURE = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .

# classes
wd:Q5 rdfs:label "human"@en .
wd:Q6256 rdfs:label "country"@en .
wd:Q43229 rdfs:label "organization"@en .
wd:Q486972 rdfs:label "human settlement"@en .
wd:Q515 rdfs:label "city"@en ; wdt:P279 wd:Q486972 .
wd:Q999999002 rdfs:label "fixture film class"@en .
wd:Q999999201 rdfs:label "fixture party class"@en ; wdt:P279 wd:Q43229 .

# states
wd:Q858 rdfs:label "Syria"@en , "Syrie"@fr , "سوريا"@ar ; skos:altLabel "Syrian Arab Republic"@en ;
    schema:description "sovereign state in Western Asia"@en ; wdt:P31 wd:Q6256 ;
    wdt:P625 "Point(38.0 35.0)"^^geo:wktLiteral ; wdt:P17 wd:Q858 ;
    wdt:P571 "1946-01-01T00:00:00Z"^^xsd:dateTime ;
    wdt:P1448 "Fixture Official Name of Syria"@en , "Nom officiel fictif"@fr , "ignored"@de ;
    wdt:P35 wd:Q999999101 ; wdt:P6 wd:Q999999102 .
wd:Q159 rdfs:label "Russia"@en , "Russie"@fr ; schema:description "sovereign state in Eastern Europe and Northern Asia"@en ;
    wdt:P31 wd:Q6256 ; wdt:P625 "Point(100.0 60.0)"^^geo:wktLiteral ; wdt:P35 wd:Q999999103 .
wd:Q999999103 rdfs:label "Fixture Head of Russia"@en ; wdt:P31 wd:Q5 .
wd:Q999999101 rdfs:label "Fixture Head of State"@en ; wdt:P31 wd:Q5 .
wd:Q999999102 rdfs:label "Fixture Head of Government"@en ; wdt:P31 wd:Q5 .

# a homonym of Syria that is not a country
wd:Q999999001 rdfs:label "Syria"@en ; schema:description "fixture: a film titled Syria"@en ; wdt:P31 wd:Q999999002 .

# an armed group found through an alias
wd:Q41053 rdfs:label "Hezbollah"@en , "Hezbollah"@fr ; skos:altLabel "Hizbollah"@en ;
    schema:description "Shi'a Islamist militant group and political party based in Lebanon"@en ;
    wdt:P31 wd:Q999999201 ; wdt:P17 wd:Q999999301 ; wdt:P571 "1982-01-01T00:00:00Z"^^xsd:dateTime .

# a city (fixture-only item, standing for Damascus)
wd:Q999999301 rdfs:label "Damascus"@en , "Damas"@fr ; schema:description "fixture city"@en ;
    wdt:P31 wd:Q515 ; wdt:P17 wd:Q858 ; wdt:P625 "Point(36.29 33.51)"^^geo:wktLiteral .
"""


@pytest.fixture(scope="session")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of a real `oxigraph serve` holding the Wikidata-shaped fixture."""
    server = start_oxigraph(tmp_path_factory.mktemp("wikidata"), union_default_graph=False)
    try:
        loaded = httpx.post(
            f"{server.url}/store?default",
            content=WIKIDATA_FIXTURE.encode(),
            headers={"Content-Type": "text/turtle"},
            timeout=10,
        )
        assert loaded.status_code in (200, 201, 204), loaded.text
        yield f"{server.url}/query"
    finally:
        server.stop()  # by its process id, never by name


@pytest.fixture(scope="module")
def nquads(store: EmbeddedStore) -> bytes:
    """The built graph, to copy into stores this module may change."""
    return store.export("nquads")


def fresh_store(nquads: bytes, path: Path | None = None) -> EmbeddedStore:
    """A copy of the built graph without its verified links, so each test sees only what it accepts."""
    copy = EmbeddedStore(path)
    copy.ox.load(nquads, format=ox.RdfFormat.N_QUADS)
    copy.update(f"DROP SILENT GRAPH <{LINKS_GRAPH}>")
    return copy


def client_for(endpoint: str, cache: Path, **options: object) -> WikidataClient:
    settings = dict(min_interval_s=0.0, max_retries=1, backoff_s=0.01, timeout_s=5.0)
    settings.update(options)
    return WikidataClient(endpoint=endpoint, user_agent=UA, cache_dir=cache, **settings)  # type: ignore[arg-type]


def entity_slugs(project_dir: Path) -> set[str]:
    return set(
        yaml.safe_load((project_dir / "kg/data/entities.yaml").read_text(encoding="utf-8"))["entities"]
    )


# ------------------------------------------------------------------------------------------ verified links


def test_every_link_iri_is_well_formed_and_every_link_has_verification(project_dir: Path) -> None:
    graph = compile_links(project_dir / "kg/data/links.yaml", entity_slugs(project_dir))
    targets = linked_targets(graph)
    assert targets, "links.yaml yields no link"
    for subject, iris in targets.items():
        assert str(subject).startswith(str(RES))
        for iri in iris:
            assert is_wellformed_link_iri(str(iri)), iri
    nodes = set(graph.subjects(RDF.type, RDF.Statement))
    assert len(nodes) == sum(len(iris) for iris in targets.values())
    for node in nodes:
        subject, predicate, obj = (graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        assert (subject, predicate, obj) in graph, f"{node} reifies a triple that is not stated"
        assert predicate in (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
        assert graph.value(node, RDFS.label), f"{node}: no label seen"
        assert graph.value(node, DCTERMS.description), f"{node}: no description seen"
        assert str(graph.value(node, DCTERMS.source)).startswith(("https://", "http://")), node
        assert graph.value(node, DCTERMS.date) is not None, node
        if str(obj).startswith(str(WD)):
            assert graph.value(node, RDFS.label).language == "en"


def test_every_entity_is_linked_or_listed_in_the_linking_doc(project_dir: Path) -> None:
    doc = (project_dir / "docs/linking.md").read_text(encoding="utf-8")
    for slug in sorted(entity_slugs(project_dir)):
        assert f"`{slug}`" in doc, f"docs/linking.md does not list `{slug}`"
    design_actors = [
        "hayat-tahrir-al-sham",
        "assad-regime",
        "russia",
        "iran",
        "hezbollah",
        "turkey",
        "qatar",
        "united-states",
    ]
    linked = {
        str(s)[len(str(RES)) :]
        for s in linked_targets(compile_links(project_dir / "kg/data/links.yaml", entity_slugs(project_dir)))
    }
    for slug in design_actors:
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{slug}`"))
        assert slug in linked or "not verified" in row, row


def _links_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "links.yaml"
    path.write_text("links:\n" + body, encoding="utf-8")
    return path


VERIFIED = """    verified: {date: 2026-11-25, seen_at: "https://example.org/page", label: X, description: Y}
"""


@pytest.mark.parametrize(
    ("entry", "message", "line"),
    [
        ("  atlantis:\n    wikidata: Q858\n" + VERIFIED, "unknown entity 'atlantis'", 2),
        ("  syria:\n    wikidata: 858\n" + VERIFIED, "malformed wikidata id", 2),
        (
            "  syria:\n    wikidata: https://www.wikidata.org/wiki/Q858\n" + VERIFIED,
            "malformed wikidata id",
            2,
        ),
        ("  syria:\n    geonames: '16x'\n" + VERIFIED, "malformed geonames id", 2),
        ("  syria:\n    dbpedia: Syrian Arab Republic\n" + VERIFIED, "malformed dbpedia id", 2),
        ("  syria:\n    wikidata: Q858\n    relation: sameas\n" + VERIFIED, "relation 'sameas'", 2),
        ("  syria:\n    wikidata: Q858\n", "no 'verified' block", 2),
        (
            "  syria:\n    wikidata: Q858\n    verified: {date: 2026-11-25, seen_at: 'https://e.org', label: X}\n",
            "lacks description",
            4,
        ),
        (
            "  syria:\n    wikidata: Q858\n    verified: {date: 2026-11-25, seen_at: memory, label: X, description: Y}\n",
            "not an http(s) URL",
            4,
        ),
        ("  syria:\n    wikdata: Q858\n" + VERIFIED, "unknown key(s) wikdata", 2),
    ],
)
def test_compile_links_refuses_bad_entries_with_file_and_line(
    tmp_path: Path, entry: str, message: str, line: int
) -> None:
    path = _links_file(tmp_path, entry)
    with pytest.raises(InputError) as raised:
        compile_links(path, {"syria"})
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"{path}:{line}: ")


def test_compile_links_builds_canonical_iris(tmp_path: Path) -> None:
    path = _links_file(
        tmp_path, "  syria:\n    wikidata: Q858\n    geonames: 163843\n    dbpedia: Syria\n" + VERIFIED
    )
    graph = compile_links(path, {"syria"})
    assert set(graph.objects(RES["syria"], OWL.sameAs)) == {
        URIRef("http://www.wikidata.org/entity/Q858"),
        URIRef("https://sws.geonames.org/163843/"),
        URIRef("http://dbpedia.org/resource/Syria"),
    }


# ------------------------------------------------------------------------------------------ kg link


def test_link_finds_candidates_scores_them_by_name_and_kind(
    wikidata: str, store: EmbeddedStore, tmp_path: Path
) -> None:
    entities = load_entities(store, ["syria", "hezbollah", "damascus", "afp"])
    assert [e.slug for e in entities] == ["afp", "damascus", "hezbollah", "syria"]
    results = reconcile(client_for(wikidata, tmp_path), entities, ["en", "fr", "ar"])
    syria = results["syria"]
    assert [c.item for c in syria] == [str(WD["Q858"]), str(WD["Q999999001"])]
    assert (syria[0].score, syria[0].kind_ok, syria[0].suggested) == (100.0, True, True)
    assert syria[1].kind_ok is False and syria[1].score == 70.0
    assert syria[0].matched == {
        "Syria": "label",
        "Syrie": "label",
        "سوريا": "label",
        "Syrian Arab Republic": "alias",
    }
    hezbollah = results["hezbollah"][0]
    assert hezbollah.item == str(WD["Q41053"]) and hezbollah.kind_ok is True and hezbollah.suggested
    assert "Hizbollah" in hezbollah.matched
    assert results["damascus"][0].item == str(WD["Q999999301"]) and results["damascus"][0].kind_ok
    assert results["afp"] == []
    review = tmp_path / "review.tsv"
    rows = write_review(review, entities, results)
    with review.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle, dialect=csv.excel_tab))
    assert rows == len(table) == 5
    first = next(r for r in table if r["slug"] == "syria" and r["rank"] == "1")
    assert first["candidate"] == str(WD["Q858"]) and first["suggested"] == "yes" and first["accept"] == ""
    assert (
        first["candidate_description"] == "sovereign state in Western Asia" and first["endpoint"] == wikidata
    )


def test_link_sends_a_descriptive_user_agent_and_retries_after_503(tmp_path: Path) -> None:
    seen: list[str] = []
    forms: list[bytes] = []
    answers = [503, 200]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # a form POST: no URL length limit (a GET would get 501 here)
            forms.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            seen.append(self.headers.get("User-Agent", ""))
            status = answers.pop(0)
            body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}}).encode()
            self.send_response(status)
            if status == 503:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        answer = client_for(endpoint, tmp_path, max_retries=2).select("SELECT * WHERE { ?s ?p ?o }")
        assert answer.bindings == [] and not answer.from_cache
        assert seen == [UA, UA]
        assert forms[0] == forms[1] and forms[0].startswith(b"query=SELECT+%2A+WHERE")
    finally:
        server.shutdown()
        server.server_close()


def test_link_keeps_the_rate_limit(wikidata: str, tmp_path: Path) -> None:
    client = client_for(wikidata, tmp_path, min_interval_s=0.4)
    start = time.monotonic()
    client.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    client.select("SELECT * WHERE { ?s ?p ?o } LIMIT 2")
    assert time.monotonic() - start >= 0.4
    assert client.requests_sent == 2


def test_offline_answers_from_the_cache_only(wikidata: str, store: EmbeddedStore, tmp_path: Path) -> None:
    entities = load_entities(store, ["syria"])
    online = client_for(wikidata, tmp_path)
    first = reconcile(online, entities, ["en"])
    assert online.requests_sent == 1
    again = client_for(wikidata, tmp_path)
    assert reconcile(again, entities, ["en"]) == first and again.requests_sent == 0  # never asked twice
    offline = client_for(wikidata, tmp_path, offline=True)
    second = reconcile(offline, entities, ["en"])
    assert offline.requests_sent == 0
    assert [(c.item, c.score) for c in second["syria"]] == [(c.item, c.score) for c in first["syria"]]
    with pytest.raises(EndpointUnavailable, match="offline: no cached answer"):
        reconcile(offline, entities, ["fr"])


def test_unreachable_endpoint_gives_one_clear_error(tmp_path: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    client = client_for(endpoint, tmp_path, max_retries=2)
    with pytest.raises(EndpointUnavailable) as raised:
        client.select("SELECT * WHERE { ?s ?p ?o }")
    message = str(raised.value)
    assert message.startswith(f"cannot reach the SPARQL endpoint {endpoint}")
    assert "after 3 attempts" in message and "--offline" in message


def test_a_missing_endpoint_is_one_clear_error_not_a_retry(wikidata: str, tmp_path: Path) -> None:
    endpoint = wikidata.rsplit("/", 1)[0] + "/no-such-endpoint"  # the server answers 404
    client = client_for(endpoint, tmp_path, max_retries=3)
    with pytest.raises(EndpointUnavailable, match=f"the SPARQL endpoint {endpoint} failed: EndPointNotFound"):
        client.select("SELECT * WHERE { ?s ?p ?o }")
    assert client.requests_sent == 1


def test_a_cached_answer_keeps_the_time_it_was_fetched(tmp_path: Path) -> None:
    fetched_on = "Wed, 25 Nov 2026 12:00:00 GMT"  # the endpoint's clock, not ours
    rows = [{"x": {"type": "literal", "value": "1"}}]

    class Handler(http.server.BaseHTTPRequestHandler):
        def date_time_string(self, timestamp: float | None = None) -> str:
            return fetched_on

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": rows}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        fetched = client_for(endpoint, tmp_path).select("SELECT ?x WHERE { }")
    finally:
        server.shutdown()
        server.server_close()
    cached = client_for(endpoint, tmp_path, offline=True).select("SELECT ?x WHERE { }")
    assert (fetched.from_cache, cached.from_cache) == (False, True)
    assert fetched.bindings == cached.bindings == rows
    # the provenance of what `kg enrich` writes says when the endpoint answered, on every later run too
    assert fetched.retrieved_at == cached.retrieved_at == dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_bad_query_is_a_query_error_not_a_retry(wikidata: str, tmp_path: Path) -> None:
    client = client_for(wikidata, tmp_path, max_retries=3)
    with pytest.raises(QueryError, match="refused the query"):
        client.select("SELECT WHERE {")
    assert client.requests_sent == 1


# ------------------------------------------------------------------------------------------ accept


def _review_with_accepts(path: Path, accepted: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, dialect=csv.excel_tab))
    for row in rows:
        if accepted.get(row["slug"]) == row["candidate"]:
            row["accept"] = "yes"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), dialect=csv.excel_tab)
        writer.writeheader()
        writer.writerows(rows)


def test_accept_writes_links_with_provenance(wikidata: str, nquads: bytes, tmp_path: Path) -> None:
    store = fresh_store(nquads)
    entities = load_entities(store, ["syria", "hezbollah"])
    review = tmp_path / "review.tsv"
    write_review(review, entities, reconcile(client_for(wikidata, tmp_path / "cache"), entities, ["en"]))
    _review_with_accepts(review, {"syria": str(WD["Q858"]), "hezbollah": str(WD["Q41053"])})
    accepted = accept(store, review, store_slugs(store))
    assert sorted(a.link.slug for a in accepted) == ["hezbollah", "syria"]
    rows = store.select(
        f"""SELECT ?e ?rel ?item ?label ?source ?activity WHERE {{ GRAPH <{LINKS_GRAPH}> {{
  ?e ?rel ?item . ?node <{RDF.subject}> ?e ; <{RDF.object}> ?item ; <{RDFS.label}> ?label ;
    <{DCTERMS.source}> ?source ; <{PROV.wasGeneratedBy}> ?activity . ?activity a <{PROV.Activity}> }} }}
ORDER BY ?e"""
    )
    assert [(r["e"]["value"], r["rel"]["value"], r["item"]["value"], r["label"]["value"]) for r in rows] == [
        (str(RES["hezbollah"]), str(OWL.sameAs), str(WD["Q41053"]), "Hezbollah"),
        (str(RES["syria"]), str(OWL.sameAs), str(WD["Q858"]), "Syria"),
    ]
    assert {r["source"]["value"] for r in rows} == {wikidata}
    # accepting again replaces, never duplicates
    accept(store, review, store_slugs(store))
    count = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?e <{OWL.sameAs}> ?i }} }}"
    )
    assert count[0]["n"]["value"] == "2"


def test_accept_refuses_a_malformed_row_with_its_line(tmp_path: Path) -> None:
    review = tmp_path / "review.tsv"
    review.write_text(
        "slug\tcandidate\tcandidate_label\trelation\taccept\tendpoint\n"
        "syria\thttp://www.wikidata.org/entity/Q858\tSyria\tsameAs\t\thttp://e/sparql\n"
        "syria\thttps://www.wikidata.org/wiki/Q858\tSyria\tsameAs\tyes\thttp://e/sparql\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"review.tsv:3: .* is not a Wikidata entity IRI"):
        read_accepted(review, {"syria"})


# ------------------------------------------------------------------------------------------ enrich


def test_enrich_adds_facts_with_provenance_in_their_own_graph(
    wikidata: str, nquads: bytes, tmp_path: Path
) -> None:
    store = fresh_store(nquads)
    links = compile_links(Path("kg/data/links.yaml").resolve(), store_slugs(store))
    # a test-only link to the fixture city, next to the verified links of links.yaml
    links.add((RES["damascus"], OWL.sameAs, WD["Q999999301"]))
    store.replace_graphs({LINKS_GRAPH: links})
    report = enrich(
        store, client_for(wikidata, tmp_path), ["en", "fr"], now=dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    )
    assert report.facts["coordinates"] == 3  # syria, russia, damascus
    assert report.facts["head of state"] == 2 and report.facts["head of government"] == 1
    assert report.facts["official name"] == 2  # en and fr, not de
    enriched = enrichment_graph(store)
    assert (RES["syria"], WDT["P35"], WD["Q999999101"]) in enriched
    assert str(enriched.value(WD["Q999999101"], RDFS.label)) == "Fixture Head of State"
    assert (RES["hezbollah"], WDT["P35"], None) not in enriched  # heads of state only for states
    assert (RES["damascus"], WDT["P17"], WD["Q858"]) in enriched
    assert coordinates(store, "damascus") == (33.51, 36.29)
    assert float(enriched.value(RES["syria"], WGS.long)) == 38.0
    # every fact is reified and traced to an activity that names the endpoint, the query and the time
    node = next(enriched.subjects(RDF.object, WD["Q999999101"]))
    activity = enriched.value(node, PROV.wasGeneratedBy)
    assert enriched.value(node, PROV.wasDerivedFrom) == WD["Q858"]
    assert URIRef(wikidata) in set(enriched.objects(activity, PROV.used))
    query_node = next(o for o in enriched.objects(activity, PROV.used) if o != URIRef(wikidata))
    assert "wdt:P35" in str(enriched.value(query_node, RDF.value))
    assert enriched.value(activity, PROV.endedAtTime) is not None
    # nothing of it leaks into another graph
    leaked = store.select(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s <{WDT['P625']}> ?o }} FILTER (?g != <{ENRICHMENT_GRAPH}>) }}"
    )
    assert leaked == []
    # a second run offline gives the same graph from the cache
    before = len(enriched)
    again = enrich(
        store,
        client_for(wikidata, tmp_path, offline=True),
        ["en", "fr"],
        now=dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
    )
    assert again.from_cache == again.queries and again.facts == report.facts
    assert len(enrichment_graph(store)) == before
    linked = [(e.slug, str(e.item)) for e in linked_entities(store)]  # sorted by slug, then item
    assert linked == sorted(linked)
    assert {("damascus", str(WD["Q999999301"])), ("hezbollah", str(WD["Q41053"]))} <= set(linked)


def enrichment_graph(store: EmbeddedStore) -> Graph:
    return Graph().parse(data=store.export("ntriples", str(ENRICHMENT_GRAPH)), format="nt")


# ------------------------------------------------------------------------------------------ the commands


@pytest.fixture
def cli(nquads: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[typer.Typer, Path]]:
    """A `kg` app with `link` and `enrich`, its settings pointed at a built on-disk store of its own."""
    fresh_store(nquads, tmp_path / "store").close()
    for name, value in {
        "KG_DATA_DIR": str(tmp_path / "store"),
        "KG_LINK_CACHE_DIR": str(tmp_path / "cache"),
        "KG_LINK_MIN_INTERVAL_S": "0",
        "KG_LINK_MAX_RETRIES": "1",
        "KG_LINK_BACKOFF_S": "0.01",
        "KG_LINK_USER_AGENT": UA,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    app = typer.Typer()
    register(app)
    yield app, tmp_path
    get_settings.cache_clear()


def test_link_and_accept_commands(cli: tuple[typer.Typer, Path], wikidata: str) -> None:
    app, folder = cli
    runner = CliRunner()
    review = folder / "review.tsv"
    result = runner.invoke(
        app, ["link", "--endpoint", wikidata, "--only", "syria", "--only", "russia", "--out", str(review)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 3 row(s)" in " ".join(result.output.split())  # syria: two candidates, russia: one
    _review_with_accepts(review, {"syria": str(WD["Q858"]), "russia": str(WD["Q159"])})
    fragment = folder / "accepted.yaml"
    result = runner.invoke(app, ["link", "--accept", str(review), "--yaml", str(fragment)])
    assert result.exit_code == 0, result.output
    assert "Accepted 2 link(s)" in " ".join(result.output.split())
    written = yaml.safe_load(fragment.read_text(encoding="utf-8"))["links"]
    assert written["russia"]["wikidata"] == "Q159" and written["russia"]["verified"]["seen_at"] == wikidata
    # the fragment is itself valid links.yaml
    assert len(linked_targets(compile_links(fragment, {"syria", "russia"}))) == 2
    # offline from the cache, and enrich from the links just accepted
    result = runner.invoke(
        app,
        [
            "link",
            "--offline",
            "--endpoint",
            wikidata,
            "--only",
            "syria",
            "--only",
            "russia",
            "--out",
            str(review),
        ],
    )
    assert result.exit_code == 0 and "0 request(s) sent" in " ".join(result.output.split()), result.output
    result = runner.invoke(app, ["enrich", "--endpoint", wikidata])
    assert result.exit_code == 0, result.output
    assert "Enriched 2 linked entities" in " ".join(result.output.split())


def test_commands_report_an_unreachable_endpoint_with_exit_code_2(cli: tuple[typer.Typer, Path]) -> None:
    app, folder = cli
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"
    result = CliRunner().invoke(
        app, ["link", "--endpoint", endpoint, "--only", "syria", "--out", str(folder / "r.tsv")]
    )
    assert result.exit_code == 2
    assert f"cannot reach the SPARQL endpoint {endpoint}" in " ".join(result.output.split())
    result = CliRunner().invoke(app, ["enrich", "--offline", "--endpoint", endpoint])
    assert result.exit_code == 0, result.output  # nothing linked in this store yet: nothing to ask


def test_link_refuses_an_empty_store(cli: tuple[typer.Typer, Path], wikidata: str) -> None:
    app, _ = cli
    result = CliRunner().invoke(app, ["link", "--endpoint", wikidata, "--only", "no-such-entity"])
    assert result.exit_code == 2 and "no entity to reconcile" in " ".join(result.output.split())


# ------------------------------------------------------------------------------------------ federation

FEDERATED = sorted((Path(__file__).parent.parent / "queries" / "federated").glob("*.rq"))
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"


@pytest.fixture(scope="module")
def app_client(
    wikidata: str, project_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """The real application (in memory), with the local Wikidata-shaped endpoint on its SERVICE allow-list."""
    from fastapi.testclient import TestClient

    from api.main import app

    patch = pytest.MonkeyPatch()
    patch.setenv("KG_MEMORY", "true")
    patch.setenv("KG_DATA_DIR", str(tmp_path_factory.mktemp("federation") / "store"))
    patch.setenv("KG_SERVICE_ALLOWLIST", json.dumps([wikidata]))
    get_settings.cache_clear()
    try:
        with TestClient(app) as client:
            store = app.state.store
            # the links the build will compile from kg/data/links.yaml (set here while the build does not)
            links = compile_links(project_dir / "kg/data/links.yaml", store_slugs(store))
            store.replace_graphs({LINKS_GRAPH: links})
            yield client
    finally:
        patch.undo()
        get_settings.cache_clear()


def run_sparql(client: object, query: str) -> object:
    return client.post(  # type: ignore[attr-defined]
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )


def test_federated_examples_have_headers_and_name_wikidata() -> None:
    assert len(FEDERATED) >= 3
    for path in FEDERATED:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# cq: ") and "\n# returns: " in text, path.name
        assert f"SERVICE <{WIKIDATA_ENDPOINT}>" in text, path.name


@pytest.mark.parametrize("path", FEDERATED, ids=[p.stem for p in FEDERATED])
def test_federated_query_runs_through_the_app_against_an_allowed_endpoint(
    app_client: object, wikidata: str, path: Path
) -> None:
    query = path.read_text(encoding="utf-8").replace(WIKIDATA_ENDPOINT, wikidata)
    response = run_sparql(app_client, query)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    found = {(row[next(iter(row))]["value"], row["item"]["value"]) for row in rows}
    expected = {
        "where_are_the_linked_places_according_to_wikidata": {
            (str(RES["russia"]), str(WD["Q159"])),
            (str(RES["syria"]), str(WD["Q858"])),
        },
        "who_heads_the_states_that_support_the_assad_regime": {(str(RES["russia"]), str(WD["Q159"]))},
        "when_were_the_linked_actors_founded_according_to_wikidata": {
            (str(RES["hezbollah"]), str(WD["Q41053"])),
            (str(RES["syria"]), str(WD["Q858"])),
        },
    }[path.stem]
    assert found == expected
    if path.stem.startswith("who_heads"):
        assert rows[0]["headLabel"]["value"] == "Fixture Head of Russia"


def test_service_to_an_endpoint_off_the_allow_list_is_refused(app_client: object) -> None:
    query = FEDERATED[0].read_text(
        encoding="utf-8"
    )  # names https://query.wikidata.org/sparql, not allowed here
    response = run_sparql(app_client, query)
    assert response.status_code == 403
    assert f"SERVICE <{WIKIDATA_ENDPOINT}> is not on this server's allow-list" in response.text
