"""One reader of the alliance network (`kg/network.py`): the browser's alliance view (`/api/graph`) and the
analytics (`kg.analytics.read_record`, behind `/api/blocs`, `/api/diff` and `/export`) see the same statements,
with the same stance and time, and a statement that closes another ends it in both.
"""

import datetime as dt

import pyoxigraph as ox
import pytest

from api.pagedata.graph import graph_payload
from kg import vocab
from kg.analytics import Options, Record, Tie, Window, read_record
from kg.asof import apply_as_of_rule
from kg.network import Closing, read_network
from kg.store import EmbeddedStore
from kg.vocab import KG, RES, RT

CLOSED = RES + "statement/turkey-partner-of-iran-astana"
CLOSING = RES + "statement/test-closes-astana"
TEST_GRAPH = ox.NamedNode("https://w3id.org/syria-kg/graph/test-fixture")


def view_facts(store: EmbeddedStore) -> dict[str, dict]:
    return {fact["id"]: fact for fact in graph_payload(store)["facts"]}


def statement_ties(record: Record) -> dict[str, Tie]:
    """The analytics' ties that come from statements (an event's ties have ids of their own)."""
    return {tie.id: tie for tie in record.ties if tie.id == tie.fact and "#" not in tie.id}


def test_the_view_and_the_analytics_read_the_same_signed_statements(store: EmbeddedStore) -> None:
    view = view_facts(store)
    ties = statement_ties(read_record(store))
    assert len(ties) > 20
    for iri, tie in ties.items():
        fact = view[iri.removeprefix(str(RES))]
        assert fact["kind"] == "statement"
        assert fact["type"] == tie.relation
        assert fact["stance"] == tie.stance.removeprefix(str(KG)).lower()
        assert fact["pairs"] == [[tie.subject.removeprefix(str(RES)), tie.object.removeprefix(str(RES))]]
        assert (fact["from"], fact["until"]) == tuple(
            d.isoformat() if d else None for d in (tie.span.start, tie.span.end)
        )
    network = read_network(store)
    signed = {s.iri for s in network.statements if network.relation_types[s.relation].polarity}
    between_actors = {
        s.iri for s in network.statements if network.is_actor(s.subject) and network.is_actor(s.object)
    }
    assert set(ties) == signed & between_actors


@pytest.fixture(scope="module")
def with_closing(store: EmbeddedStore) -> EmbeddedStore:
    """The built graph plus an asserted statement, from a source of 1 January 2025, saying that Turkey's Astana
    partnership with Iran ended that day; the as-of rule is run again over the copy."""
    copy = EmbeddedStore(None)
    copy.ox.load(store.export("nquads"), format=ox.RdfFormat.N_QUADS)
    closing, time = ox.NamedNode(CLOSING), ox.NamedNode(RES + "time/test-2025-01-01")
    day = ox.Literal("2025-01-01", datatype=ox.NamedNode(str(vocab.XSD.date)))
    triples = [
        (closing, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(str(KG.Statement))),
        (closing, str(KG.subject), ox.NamedNode(RES + "turkey")),
        (closing, str(KG.object), ox.NamedNode(RES + "iran")),
        (closing, str(KG.relationType), ox.NamedNode(str(RT["partner-of"]))),
        (closing, str(KG.stance), ox.NamedNode(str(KG.Asserted))),
        (closing, str(KG.closes), ox.NamedNode(CLOSED)),
        (closing, str(KG.observedOn), day),
        (closing, str(KG.during), time),
        (time, str(KG.fromDate), day),
        (time, str(KG.untilDate), day),
    ]
    for subject, predicate, obj in triples:
        copy.ox.add(ox.Quad(subject, ox.NamedNode(predicate), obj, TEST_GRAPH))
    apply_as_of_rule(copy.ox)
    yield copy
    copy.close()


def test_a_closing_statement_ends_the_relation_the_day_before_it_starts_in_the_view_and_in_the_analytics(
    store: EmbeddedStore, with_closing: EmbeddedStore
) -> None:
    closed = next(s for s in read_network(with_closing).statements if s.iri == CLOSED)
    assert closed.closed_by == (Closing(CLOSING, str(KG.Asserted)),)

    before, after = view_facts(store)[CLOSED.removeprefix(str(RES))], view_facts(with_closing)
    fact = after[CLOSED.removeprefix(str(RES))]
    assert before["until"] is None and "closedBy" not in before
    assert (fact["until"], fact["closedBy"]) == ("2024-12-31", [CLOSING.removeprefix(str(RES))])

    in_2025 = Options(Window.parse("2025-06-01"))
    open_tie, closed_tie = (
        statement_ties(read_record(store))[CLOSED],
        statement_ties(read_record(with_closing))[CLOSED],
    )
    assert closed_tie.span.end == dt.date(2024, 12, 31)
    assert in_2025.admits(open_tie) and not in_2025.admits(closed_tie)


def test_a_conditional_or_hedged_item_is_no_tie_and_no_event(store: EmbeddedStore) -> None:
    """'If the rebels seize Homs, only Damascus and the coast will still be in the hands of Assad's forces': the
    seed's conditional control and the possible capture of Homs reach neither the browser nor the analytics."""
    conditional = RES + "statement/syrian-army-controls-damascus"
    possible_event = RES + "rebel-capture-of-homs"
    network = read_network(store)
    assert conditional not in {s.iri for s in network.statements}
    assert possible_event not in {e.iri for e in network.events}
    assert conditional.removeprefix(str(RES)) not in view_facts(store)
    assert conditional not in statement_ties(read_record(store))
    assert RES + "statement/deraa-local-rebels-control-deraa-province" in {s.iri for s in network.statements}
