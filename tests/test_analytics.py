"""Alliance analytics: known answers on hand-made signed graphs, the seed's blocs and diff, the exports."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import PROV, RDF
from typer.testing import CliRunner

from kg.analytics import (
    ASSERTED,
    CLAIMED,
    UNDATED,
    Actor,
    Event,
    Options,
    Quote,
    Record,
    Span,
    Tie,
    Window,
    analyse_network,
    blocs_report,
    diff,
    diff_report,
    event_ties,
    network,
    read_record,
    signed_blocs,
)
from kg.bloc_weights import FLAT_WEIGHTS
from kg.exports import AN, ANALYTICS_GRAPH, Run, analysis_rdf, export_graph, export_network, write_analytics
from kg.settings import get_settings
from kg.store import EmbeddedStore
from kg.vocab import KG, RES

DENIED, RUMOURED = str(KG.Denied), str(KG.Rumoured)
# Every tie 1 and every source in full (the weights before issue #21): for tests that count sources.
FLAT = Options(weights=FLAT_WEIGHTS)
SEED = "000_d738c459d04f11ab"
D = dt.date


# ------------------------------------------------------------------------------------------- hand-made graphs


def tie(
    subject: str,
    obj: str,
    sign: int,
    *,
    stance: str = ASSERTED,
    span: Span = UNDATED,
    speaker: str = "reporter",
    source: str = "doc",
) -> Tie:
    """A statement tie between two hand-made actors, with a quote naming both."""
    fact = f"{subject}-{'allied' if sign > 0 else 'fights'}-{obj}-{stance[-4:]}-{span.iso()}-{speaker}"
    quote = Quote(f"{subject} and {obj} ({'+' if sign > 0 else '-'})", source, speaker)
    relation = "allied-with" if sign > 0 else "fights"
    return Tie(fact, fact, subject, obj, relation, sign, False, stance, speaker, span, (quote,))


def record(ties: list[Tie], events: list[Event] | None = None) -> Record:
    names = {t.subject for t in ties} | {t.object for t in ties}
    actors = {name: Actor(name, name.upper(), "State") for name in sorted(names)}
    return Record(actors=actors, ties=ties, events=events or [])


def two_blocs() -> list[Tie]:
    """{a, b, c} and {d, e, f}: cooperation inside each triad, hostility across."""
    inside = [
        tie(u, v, 1) for u, v in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f")]
    ]
    across = [tie(u, v, -1) for u, v in [("a", "d"), ("b", "e"), ("c", "f")]]
    return inside + across


def test_balanced_two_bloc_graph_splits_into_its_two_blocs() -> None:
    report = blocs_report(record(two_blocs()), Options())
    blocs = {bloc["id"]: set(bloc["members"]) for bloc in report["blocs"]}
    assert sorted(blocs.values(), key=sorted) == [{"a", "b", "c"}, {"d", "e", "f"}]
    assert report["frustration"] == 0
    assert report["balance"] == {"index": 1.0, "triangles": 2, "balanced": 2, "unbalanced": 0}
    assert report["unbalanced_triangles"] == []
    assert {actor["confidence"] for actor in report["actors"]} == {1.0}


def test_every_placement_is_decided_by_quoted_edges() -> None:
    report = blocs_report(record(two_blocs()), Options())
    a = next(actor for actor in report["actors"] if actor["iri"] == "a")
    # strongest first: fighting (intensity 1.0) outweighs an alliance (0.9) in the default table
    assert [(side["neighbour"], side["sign"]) for side in a["support"]] == [("d", -1), ("b", 1), ("c", 1)]
    assert a["support"][0]["evidence"][0]["quotes"] == [
        {"text": "a and d (-)", "source": "doc", "speaker": "reporter"}
    ]
    assert a["against"] == []


def test_an_unbalanced_triangle_is_listed_with_the_quote_of_each_edge() -> None:
    ties = [tie("a", "b", 1), tie("b", "c", 1), tie("a", "c", -1)]
    report = blocs_report(record(ties), FLAT)
    assert report["balance"] == {"index": 0.0, "triangles": 1, "balanced": 0, "unbalanced": 1}
    (triangle,) = report["unbalanced_triangles"]
    assert triangle["actors"] == ["a", "b", "c"]
    edges = {
        (e["source"], e["target"]): (e["sign"], e["evidence"][0]["quotes"][0]["text"])
        for e in triangle["edges"]
    }
    assert edges == {
        ("a", "b"): (1, "a and b (+)"),
        ("b", "c"): (1, "b and c (+)"),
        ("a", "c"): (-1, "a and c (-)"),
    }
    # No partition satisfies the triangle: one edge is always frustrated, and one bloc is the simplest answer.
    assert report["frustration"] == 1
    assert len(report["blocs"]) == 1


def test_confidence_is_the_share_of_edge_weight_that_agrees_with_the_placement() -> None:
    # x cooperates with a and b but fights c, all of one bloc: 2 of its 3 sources agree with its placement.
    ties = [*two_blocs(), tie("x", "a", 1), tie("x", "b", 1), tie("x", "c", -1)]
    analysis = analyse_network(network(record(ties), FLAT)[1])
    assert analysis.partition["x"] == analysis.partition["a"]
    assert analysis.placements["x"].confidence == round(2 / 3, 3)
    assert [side.neighbour for side in analysis.placements["x"].against] == ["c"]


def test_an_actor_with_cooperative_ties_into_two_blocs_is_a_broker() -> None:
    ties = [*two_blocs(), tie("t", "a", 1), tie("t", "d", 1)]
    report = blocs_report(record(ties), Options())
    # t sits in one of the blocs; its partner in the other bloc has a cooperative tie across too.
    assert (
        "t" in report["brokers"] and set(report["brokers"]) <= {"t", "a", "d"} and len(report["brokers"]) == 2
    )
    betweenness = {actor["iri"]: actor["betweenness"] for actor in report["actors"]}
    assert max(betweenness, key=betweenness.get) == "t"


def test_signed_blocs_is_deterministic_and_ignores_node_order() -> None:
    graph = network(record(two_blocs()), Options())[1]
    shuffled = nx.Graph()
    shuffled.add_edges_from(sorted(graph.edges(data=True), reverse=True))
    assert signed_blocs(graph) == signed_blocs(shuffled) == signed_blocs(graph)


def test_weight_counts_corroborating_sources_not_repeated_sentences() -> None:
    same_voice = [tie("a", "b", 1), tie("a", "b", 1, span=Span(None, D(2024, 12, 7), True))]
    other_voice = [*same_voice, tie("a", "b", 1, speaker="osdh")]
    other_document = [*same_voice, tie("a", "b", 1, source="doc2")]
    weights = [
        network(record(ties), FLAT)[1]["a"]["b"]["weight"]
        for ties in (same_voice, other_voice, other_document)
    ]
    assert weights == [1, 2, 2]


def test_denied_and_rumoured_are_left_out_and_claimed_only_on_request() -> None:
    ties = [
        tie("a", "b", 1, stance=DENIED),
        tie("a", "c", 1, stance=RUMOURED),
        tie("a", "d", -1, stance=CLAIMED),
    ]
    default = network(record(ties), FLAT)[1]
    claimed = network(record(ties), Options(include_claimed=True, weights=FLAT_WEIGHTS))[1]
    assert list(default.edges) == []
    assert list(claimed.edges) == [("a", "d")]


@pytest.mark.parametrize(
    ("span", "day", "valid"),
    [
        (Span(D(2017, 1, 1), None, True), "2024-12-07", True),
        (Span(None, D(2024, 12, 7), True), "2024-11-26", True),
        (Span(D(2024, 12, 7), D(2024, 12, 7), True), "2024-11-26", False),
        (Span(D(2015, 1, 1), D(2015, 12, 31), True), "2024-12-07", False),
        (Span(D(2024, 11, 27), D(2024, 12, 7), True), "2024-11-20/2024-11-27", True),
        (UNDATED, "2024-12-07", True),
    ],
)
def test_a_statement_is_valid_on_a_day_its_interval_covers(span: Span, day: str, valid: bool) -> None:
    graph = network(record([tie("a", "b", 1, span=span)]), Options(Window.parse(day)))[1]
    assert graph.has_edge("a", "b") is valid


def test_undated_statements_can_be_excluded() -> None:
    ties = [tie("a", "b", 1), tie("a", "c", 1, span=Span(D(2024, 1, 1), None, True))]
    graph = network(record(ties), Options(Window.parse("2024-12-07"), include_undated=False))[1]
    assert list(graph.edges) == [("a", "c")]


def test_a_hostile_event_sets_agents_against_targets_and_together() -> None:
    event = Event(
        "e",
        "Offensive",
        "Offensive",
        Span(D(2024, 11, 27), None, True),
        ASSERTED,
        "reporter",
        agents=("a",),
        participants=("b",),
        targets=("c",),
        quotes=(Quote("launched", "doc"),),
    )
    signs = {(t.subject, t.object): (t.relation, t.polarity) for t in event_ties(event)}
    assert signs == {
        ("a", "c"): ("offensive-against", -1),
        ("b", "c"): ("offensive-against", -1),
        ("a", "b"): ("joint-offensive", 1),
    }
    meeting = Event("m", "Meeting", "Meeting", UNDATED, ASSERTED, None, agents=("a",), targets=("c",))
    assert event_ties(meeting) == []


def test_diff_lists_relations_that_began_ended_passed_or_changed_sign() -> None:
    ties = [
        tie("a", "b", 1, span=Span(None, D(2024, 11, 30), True)),
        tie("a", "c", -1, span=Span(D(2024, 12, 1), None, True)),
        tie("a", "d", 1, span=Span(D(2024, 11, 28), D(2024, 11, 28), True)),
        tie("b", "c", 1, span=Span(None, D(2024, 11, 30), True)),
        tie("b", "c", -1, span=Span(D(2024, 12, 1), None, True)),
    ]
    result = diff(record(ties), D(2024, 11, 26), D(2024, 12, 7))
    assert [(c.subject, c.relation, c.object) for c in result.began] == [
        ("a", "fights", "c"),
        ("b", "fights", "c"),
    ]
    assert [(c.subject, c.relation, c.object) for c in result.ended] == [
        ("a", "allied-with", "b"),
        ("b", "allied-with", "c"),
    ]
    assert [(c.subject, c.object) for c in result.passing] == [("a", "d")]
    assert [(c.subject, c.object, c.sign_before, c.sign_after) for c in result.sign_changed] == [
        ("b", "c", 1, -1)
    ]


# --------------------------------------------------------------------------------------------- the seed graph

REGIME_SIDE = ("assad-regime", "bashar-al-assad", "syrian-army", "russia", "iran", "hezbollah")
REBEL_SIDE = ("rebel-coalition", "hayat-tahrir-al-sham", "ahmed-al-sharaa")


@pytest.fixture(scope="module")
def seed(seed_store: EmbeddedStore) -> Record:
    return read_record(seed_store)


@pytest.fixture(scope="module")
def seed_text(project_dir: Path) -> str:
    return (project_dir / "seeds" / f"{SEED}.txt").read_text(encoding="utf-8")


def test_on_7_december_2024_the_regime_and_its_supporters_form_one_bloc_and_the_rebels_another(
    seed: Record,
) -> None:
    report = blocs_report(seed, Options(Window.parse("2024-12-07")))
    bloc = {actor["iri"].removeprefix(str(RES)): actor["bloc"] for actor in report["actors"]}
    assert {bloc[name] for name in REGIME_SIDE} == {bloc["assad-regime"]}
    assert {bloc[name] for name in REBEL_SIDE} == {bloc["rebel-coalition"]}
    assert bloc["assad-regime"] != bloc["rebel-coalition"]
    # Turkey, partner of Russia and Iran yet accusing Damascus, closes unbalanced triangles.
    triangles = report["unbalanced_triangles"]
    assert any(str(RES["turkey"]) in triangle["actors"] for triangle in triangles)


def test_each_seed_placement_is_explained_by_quotes_from_the_source(seed: Record, seed_text: str) -> None:
    report = blocs_report(seed, Options(Window.parse("2024-12-07")))
    actors = {actor["iri"].removeprefix(str(RES)): actor for actor in report["actors"]}
    for name in REGIME_SIDE + REBEL_SIDE:
        if actors[name]["acts_for"]:  # a president, an army, a leader: its ties are those of its principal
            name = actors[name]["acts_for"].removeprefix(str(RES))
        support = actors[name]["support"]
        assert support, f"{name} has no deciding edge"
        quotes = [quote["text"] for side in support for ev in side["evidence"] for quote in ev["quotes"]]
        assert quotes and all(quote in seed_text for quote in quotes), name
    russia_allies = {side["neighbour"]: side for side in actors["russia"]["support"]}
    first = russia_allies[str(RES["assad-regime"])]["evidence"][0]
    assert first["relation"] == "allied-with"
    assert "Main ally of the Syrian government, Russia" in [quote["text"] for quote in first["quotes"]]


def test_diff_from_26_november_to_7_december_2024_lists_the_offensive_and_the_captures(seed: Record) -> None:
    report = diff_report(diff(seed, D(2024, 11, 26), D(2024, 12, 7)), seed)
    events = {event["iri"].removeprefix(str(RES)): event for event in report["events"]}
    for name in (
        "rebel-offensive-2024",
        "capture-of-aleppo-2024",
        "capture-of-hama-2024",
        "capture-of-localities-2024",
    ):
        assert name in events, name
        assert events[name]["from"] == "2024-11-27" and events[name]["quotes"]
    began = {(c["subject_label"], c["relation"], c["object_label"]): c for c in report["began"]}
    offensive = began["Syrian rebel coalition", "offensive-against", "Assad regime"]
    assert offensive["sign_after"] == -1
    assert offensive["evidence"][0]["quotes"][0]["text"].startswith(
        "launched an offensive from its stronghold"
    )
    assert report["ended"] == [] and report["sign_changed"] == []


def test_the_events_timeline_is_in_date_order(seed: Record) -> None:
    events = blocs_report(seed, Options(Window.parse("2024-12-07")))["events"]
    days = [event["from"] or event["until"] for event in events]
    assert days == sorted(days)
    assert {event["in_window"] for event in events} == {True, False}


# ---------------------------------------------------------------------------------------------------- exports


def test_gexf_export_keeps_its_time_intervals_in_networkx(seed: Record) -> None:
    graph = nx.read_gexf(io.BytesIO(export_network(seed, Options(), "gexf")))
    assert graph.graph["mode"] == "dynamic"
    russia, iran, turkey = (str(RES[name]) for name in ("russia", "iran", "turkey"))
    assert graph[russia][iran]["spells"][0][0] == "2017-01-01"
    partner = graph[turkey][russia]
    assert partner["intervals"] == "2017-01-01/.."
    assert partner["spells"][0][0] == "2017-01-01"
    assert graph.nodes[russia]["label"] == "Russia" and graph.nodes[russia]["bloc"] >= 1


def test_graphml_export_reads_back_with_blocs_and_signs(seed: Record) -> None:
    graph = nx.read_graphml(io.BytesIO(export_network(seed, Options(Window.parse("2024-12-07")), "graphml")))
    regime, rebels = str(RES["assad-regime"]), str(RES["rebel-coalition"])
    assert graph[rebels][regime]["sign"] == -1
    assert graph.nodes[regime]["bloc"] != graph.nodes[rebels]["bloc"]
    assert "offensive-against" in graph[rebels][regime]["relations"].split()


def test_csv_exports_have_their_documented_headers(seed: Record) -> None:
    options = Options(Window.parse("2024-12-07"))
    nodes = list(csv.reader(io.StringIO(export_network(seed, options, "csv-nodes").decode("utf-8"))))
    edges = list(csv.reader(io.StringIO(export_network(seed, options, "csv-edges").decode("utf-8"))))
    assert nodes[0] == [
        "id",
        "label",
        "kind",
        "bloc",
        "bloc_label",
        "confidence",
        "broker",
        "degree",
        "betweenness",
        "intervals",
    ]
    assert edges[0] == [
        "source",
        "target",
        "sign",
        "weight",
        "positive",
        "negative",
        "relations",
        "intervals",
        "statements",
        "quote",
    ]
    assert len(nodes) > 10 and len(edges) > 10


def test_jsonld_export_is_rdf_with_the_analysis(seed: Record) -> None:
    document = json.loads(export_network(seed, Options(Window.parse("2024-12-07")), "jsonld"))
    assert document["@context"]["an"] == str(AN)
    rdf = Graph().parse(data=json.dumps(document), format="json-ld")
    assert len(list(rdf.subjects(RDF.type, AN.SignedNetwork))) == 1
    placement = RES["analytics/network/2024-12-07/placement/russia"]
    assert (placement, AN.actor, RES.russia) in rdf
    assert (placement, PROV.wasDerivedFrom, RES["statement/russia-allied-with-assad-regime"]) in rdf


def _copy(store: EmbeddedStore, path: Path | None = None) -> EmbeddedStore:
    """A separate store with the same quads, so writing to it leaves the session store alone."""
    copy = EmbeddedStore(path)
    copy.ox.load(store.export("nquads"), format=ox.RdfFormat.N_QUADS)
    return copy


def test_results_go_back_into_the_analytics_graph_with_their_provenance(
    seed_store: EmbeddedStore, seed: Record
) -> None:
    options = Options(Window.parse("2024-12-07"))
    graph, analysis = export_graph(seed, options)
    run = Run(
        options, dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, 12, 0, 1, tzinfo=dt.UTC)
    )
    copy = _copy(seed_store)
    write_analytics(copy, analysis_rdf(seed, analysis, graph, run))
    write_analytics(copy, analysis_rdf(seed, analysis, graph, run))  # replaces, does not add up
    rows = copy.select(f"""PREFIX an: <{AN}> PREFIX prov: <{PROV}>
        SELECT ?start ?ended ?claimed ?index WHERE {{ GRAPH <{ANALYTICS_GRAPH}> {{
          ?run a prov:Activity ; an:windowStart ?start ; prov:endedAtTime ?ended ;
               an:includeClaimed ?claimed .
          ?network prov:wasGeneratedBy ?run ; an:balanceIndex ?index . }} }}""")
    (row,) = [{key: value["value"] for key, value in row.items()} for row in rows]
    index = analysis.balance.index
    assert (row["start"], row["claimed"], float(row["index"])) == ("2024-12-07", "false", index)
    assert dt.datetime.fromisoformat(row["ended"]) == run.ended
    assert copy.graph_counts()[str(ANALYTICS_GRAPH)] == len(analysis_rdf(seed, analysis, graph, run))


# ----------------------------------------------------------------------------------------------- the commands


@pytest.fixture
def cli_store(seed_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An on-disk copy of the seed store that the CLI's settings point at."""
    path = tmp_path / "store"
    _copy(seed_store, path).close()
    monkeypatch.setenv("KG_DATA_DIR", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _invoke(*args: str) -> tuple[int, str]:
    from kg.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_kg_blocs_prints_json_and_writes_the_analytics_graph(cli_store: Path) -> None:
    code, output = _invoke("blocs", "--date", "2024-12-07", "--format", "json", "--write")
    assert code == 0, output
    report = json.loads(output[output.index("{") :])
    assert report["parameters"] == {"date": "2024-12-07", "include_claimed": False, "include_undated": True}
    store = EmbeddedStore(cli_store)
    try:
        assert store.graph_counts()[str(ANALYTICS_GRAPH)] > 100
    finally:
        store.close()


def test_kg_blocs_table_and_bad_dates(cli_store: Path) -> None:
    code, output = _invoke("blocs", "--date", "2024-12-07")
    assert code == 0, output
    assert "Structural balance: 0." in output and "contested" in output
    code, output = _invoke("blocs", "--date", "7 December")
    assert code == 2
    assert "'7 December' is not a date" in output


def test_kg_diff_and_export_network(cli_store: Path, tmp_path: Path) -> None:
    code, output = _invoke("diff", "--from", "2024-11-26", "--to", "2024-12-07")
    assert code == 0, output
    assert "Began (valid on 2024-12-07, not on 2024-11-26)" in output
    code, output = _invoke("diff", "--from", "2024-11-26", "--to", "2024-12-07", "--format", "json")
    assert code == 0, output
    assert "Rebel capture of Aleppo" in [event["label"] for event in json.loads(output)["events"]]
    code, output = _invoke("export-network", "--format", "csv", "-o", str(tmp_path / "net.csv"))
    assert code == 0, output
    assert (tmp_path / "net-nodes.csv").read_text(encoding="utf-8").startswith("id,label,kind,bloc")
    code, output = _invoke(
        "export-network", "--format", "gexf", "--date", "2024-12-07", "-o", str(tmp_path / "n.gexf")
    )
    assert code == 0, output
    assert nx.read_gexf(tmp_path / "n.gexf").number_of_edges() > 10


def test_kg_blocs_reads_another_weights_table_and_refuses_a_bad_one(cli_store: Path, tmp_path: Path) -> None:
    table = tmp_path / "verbal.yaml"
    table.write_text("name: verbal-as-material\nrelations:\n  accuses: 1.0\n", encoding="utf-8")
    code, output = _invoke("blocs", "--date", "2024-12-07", "--weights", str(table), "-f", "json")
    assert code == 0, output
    assert '"weights": "verbal-as-material"' in output
    code, output = _invoke("blocs", "--weights", str(tmp_path / "missing.yaml"))
    assert code == 2 and "no weights table" in output
