"""Time: EDTF dates in facts files, and the one as-of rule (kg/asof.py, graph/timeline) that the browser's
slider (/api/graph), `kg blocs --date` and `kg diff` all read, checked before, during and after a change.
"""

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import invoke
from rdflib import Graph, Literal

from api.pagedata.facts import statement_by_id
from api.pagedata.graph import graph_payload
from kg.analytics import Options, Window, blocs_report, diff, diff_report, read_record
from kg.asof import apply_as_of_rule
from kg.errors import InputError
from kg.settings import Settings, get_settings
from kg.store import EmbeddedStore
from kg.temporal import add_time
from kg.vocab import KG, RES, RT, TIME, TIMELINE_GRAPH, XSD

ALLIANCE = "statement/russia-allied-with-assad-regime"
REGIME_IN_DERAA = "statement/assad-regime-controls-deraa-province-2018"
REBELS_IN_DERAA = "statement/deraa-local-rebels-control-deraa-province"
BEFORE, DURING, AFTER = "2024-11-28", "2024-12-07", "2025-06-01"

# ------------------------------------------------------------------------------------------------ EDTF dates


def time_node(spec: dict) -> tuple[Graph, dict[str, str]]:
    graph = Graph()
    node = add_time(graph, spec, Path("facts.yaml"), 7)
    return graph, {str(p).rsplit("#", 1)[-1]: str(o) for p, o in graph.predicate_objects(node)}


def test_an_approximate_year_keeps_its_edtf_text_and_its_bounds() -> None:
    _, found = time_node({"from": "2015~"})
    assert (found["edtf"], found["fromDate"]) == ("2015~/..", "2015-01-01")
    graph, found = time_node({"at": "2015~"})
    assert (found["edtf"], found["fromDate"], found["untilDate"]) == ("2015~", "2015-01-01", "2015-12-31")
    assert not list(graph.objects(None, TIME.inXSDgYear)), "an approximate year is not a certain one"


def test_an_uncertain_month_and_an_overnight_interval() -> None:
    _, month = time_node({"until": "2024-12?"})
    assert (month["edtf"], month["untilDate"]) == ("../2024-12?", "2024-12-31")
    graph, night = time_node({"at": "2024-12-07/2024-12-08"})
    assert (night["edtf"], night["fromDate"], night["untilDate"]) == (
        "2024-12-07/2024-12-08",
        "2024-12-07",
        "2024-12-08",
    )
    assert (None, TIME.hasBeginning, None) in graph and (None, TIME.hasEnd, None) in graph


def test_plain_dates_stay_what_they_were() -> None:
    _, day = time_node({"at": dt.date(2024, 12, 7)})
    assert (day["edtf"], day["inXSDDate"], day["fromDate"], day["untilDate"]) == ("2024-12-07",) + (
        "2024-12-07",
    ) * 3
    assert Literal("2017", datatype=XSD.gYear) in set(
        time_node({"at": 2017})[0].objects(None, TIME.inXSDgYear)
    )


@pytest.mark.parametrize(
    "spec",
    [
        {"at": "2024-13-45"},
        {"from": "soon"},
        {"at": "[..2015]"},
        {"from": "2015/2016"},
        {"from": "2016", "until": "2015"},
    ],
)
def test_bad_edtf_is_an_input_error_with_file_and_line(spec: dict) -> None:
    with pytest.raises(InputError) as caught:
        add_time(Graph(), spec, Path("facts.yaml"), 7)
    assert "facts.yaml" in str(caught.value) and "7" in str(caught.value)


def test_kg_ingest_of_a_bad_edtf_date_exits_2_naming_file_and_line(project: Path, tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "data" / "ingest"
    facts = tmp_path / "900_test_report.yaml"
    text = (fixtures / "900_test_report.yaml").read_text(encoding="utf-8")
    facts.write_text(text.replace("time: {at: 2024-12-07}", 'time: {at: "7 Dec 2024"}', 1), "utf-8")
    code, output = invoke("ingest", str(facts), str(fixtures / "900_test_report.txt"))
    assert code == 2, output
    assert "900_test_report.yaml" in output and "not an EDTF level 1 date" in output
    assert "Traceback" not in output


# ------------------------------------------------------------------------------------- the rule, by hand


def day(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(str(XSD.date)))


def statement(
    store: ox.Store, slug: str, subject: str, relation: str, obj: str, observed: str, start: str | None = None
) -> None:
    node, graph = ox.NamedNode(RES + f"statement/{slug}"), ox.NamedNode(RES + "test-graph")
    triples = [
        (ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(str(KG.Statement))),
        (ox.NamedNode(str(KG.subject)), ox.NamedNode(RES + subject)),
        (ox.NamedNode(str(KG.relationType)), ox.NamedNode(str(RT[relation]))),
        (ox.NamedNode(str(KG.object)), ox.NamedNode(RES + obj)),
        (ox.NamedNode(str(KG.stance)), ox.NamedNode(str(KG.Asserted))),
        (ox.NamedNode(str(KG.observedOn)), day(observed)),
    ]
    if start:
        time = ox.NamedNode(RES + f"time/{start}")
        triples.append((ox.NamedNode(str(KG.during)), time))
        store.add(ox.Quad(time, ox.NamedNode(str(KG.fromDate)), day(start), graph))
        store.add(ox.Quad(time, ox.NamedNode(str(KG.untilDate)), day(start), graph))
    store.extend(ox.Quad(node, p, o, graph) for p, o in triples)


@pytest.fixture(scope="module")
def store(seed_store: EmbeddedStore) -> EmbeddedStore:
    """The checks below read the seed's dates (an undated relation begins on the seed's day): the seed alone."""
    return seed_store


def timeline(store: ox.Store) -> set[tuple[str, str, str]]:
    apply_as_of_rule(store)
    return {
        (
            q.subject.value.rsplit("/", 1)[-1],
            q.predicate.value.rsplit("#", 1)[-1],
            q.object.value.rsplit("/", 1)[-1],
        )
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(TIMELINE_GRAPH)))
    }


@pytest.fixture
def functional() -> ox.Store:
    """A store whose ontology marks `controls` as one controller per place."""
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode(str(RT["controls"])),
            ox.NamedNode(str(KG.oneHolderPer)),
            ox.NamedNode(str(KG.ObjectRole)),
            ox.NamedNode(RES + "test-ontology"),
        )
    )
    return store


def test_an_undated_statement_holds_from_its_source_date_on(functional: ox.Store) -> None:
    statement(functional, "a", "russia", "allied-with", "assad-regime", "2024-12-07")
    assert timeline(functional) == {("a", "holdsFrom", "2024-12-07")}


def test_a_later_controller_supersedes_the_earlier_one_and_same_day_rivals_dispute(
    functional: ox.Store,
) -> None:
    statement(functional, "regime", "assad-regime", "controls", "deraa", "2024-12-07", "2018-01-01")
    statement(functional, "rebels", "local-rebels", "controls", "deraa", "2024-12-08", "2024-12-07")
    statement(functional, "again", "assad-regime", "controls", "deraa", "2024-12-08", "2024-12-07")
    assert timeline(functional) == {
        ("regime", "holdsFrom", "2018-01-01"),
        ("regime", "holdsTo", "2024-12-06"),
        ("regime", "supersededBy", "rebels"),
        ("rebels", "holdsFrom", "2024-12-07"),
        ("again", "holdsFrom", "2024-12-07"),
        ("rebels", "disputedWith", "again"),
        ("again", "disputedWith", "rebels"),
    }


# ------------------------------------------------------------------ the consumers, before, during and after


def slider_shows(store: EmbeddedStore, fact_id: str, date: str) -> bool:
    """What the browser's slider does with /api/graph: a fact shows at `date` if from <= date <= until."""
    fact = next(f for f in graph_payload(store)["facts"] if f["id"] == fact_id)
    return (
        fact["from"] is not None and fact["from"] <= date and (fact["until"] is None or fact["until"] >= date)
    )


def test_the_slider_api_holds_an_undated_alliance_as_of_its_report_date(store: EmbeddedStore) -> None:
    assert [slider_shows(store, ALLIANCE, d) for d in (BEFORE, DURING, AFTER)] == [False, True, True]
    # Deraa: the regime until the day before the local rebels took it, then the rebels, still after.
    assert [slider_shows(store, REGIME_IN_DERAA, d) for d in ("2024-12-06", DURING, AFTER)] == [
        True,
        False,
        False,
    ]
    assert [slider_shows(store, REBELS_IN_DERAA, d) for d in ("2024-12-06", DURING, AFTER)] == [
        False,
        True,
        True,
    ]


def allied(report: dict) -> bool:
    """Whether the blocs report has the Russia–regime alliance among the edges deciding Russia's place."""
    russia = next(a for a in report["actors"] if a["iri"] == RES + "russia")
    return any(
        ev["relation"] == "allied-with" and side["neighbour"] == RES + "assad-regime"
        for side in russia["support"]
        for ev in side["evidence"]
    )


def test_blocs_on_a_date_use_the_as_of_rule(store: EmbeddedStore) -> None:
    record = read_record(store)
    found = [allied(blocs_report(record, Options(Window.parse(d)))) for d in (BEFORE, DURING, AFTER)]
    assert found == [False, True, True]


@pytest.fixture
def cli_store(store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "store"
    copy = EmbeddedStore(path)
    copy.ox.load(store.export("nquads"), format=ox.RdfFormat.N_QUADS)
    copy.close()
    monkeypatch.setenv("KG_DATA_DIR", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_kg_blocs_date_at_three_dates(cli_store: Path) -> None:
    found = []
    for date in (BEFORE, DURING, AFTER):
        code, output = invoke("blocs", "--date", date, "--format", "json")
        assert code == 0, output
        found.append(allied(json.loads(output[output.index("{") :])))
    assert found == [False, True, True]


def changes(report: dict, kind: str) -> set[tuple[str, str, str]]:
    """(subject, relation, object) of the changes of one kind, the two ends in name order (an undirected
    relation such as allied-with is listed in either order)."""
    found = set()
    for change in report[kind]:
        ends = sorted(change[end].rsplit("/", 1)[-1] for end in ("subject", "object"))
        found.add((ends[0], change["relation"], ends[1]))
    return found


def test_kg_diff_at_three_dates_an_undated_relation_begins_on_its_report_date_and_persists(
    cli_store: Path,
) -> None:
    alliance = ("assad-regime", "allied-with", "russia")
    code, output = invoke("diff", "--from", BEFORE, "--to", DURING, "--format", "json")
    assert code == 0, output
    assert alliance in changes(json.loads(output), "began")
    code, output = invoke("diff", "--from", DURING, "--to", AFTER, "--format", "json")
    assert code == 0, output
    after = json.loads(output)
    assert alliance not in changes(after, "ended") | changes(after, "began")
    # what did end: the Russian air raids in support of the army, dated 27 November to 7 December
    assert ("russia", "supports-militarily", "syrian-army") in changes(after, "ended")


def test_diff_in_python_agrees_with_the_command(store: EmbeddedStore) -> None:
    record = read_record(store)
    report = diff_report(diff(record, dt.date(2024, 11, 28), dt.date(2025, 6, 1)), record)
    assert ("assad-regime", "allied-with", "russia") in changes(report, "began")


def test_the_evidence_panel_says_when_a_statement_holds_and_who_superseded_it(
    store: EmbeddedStore, settings: Settings
) -> None:
    regime = statement_by_id(store, settings, REGIME_IN_DERAA)  # what /api/statement/<id> answers
    assert regime["holds"] == {"from": "2018-01-01", "until": "2024-12-06"}
    assert [r["id"] for r in regime["supersededBy"]] == [REBELS_IN_DERAA]
    assert regime["observedOn"] == ["2024-12-07"] and regime["statedOn"] is None
    alliance = statement_by_id(store, settings, ALLIANCE)
    assert alliance["holds"] == {"from": "2024-12-07", "until": None}
