"""The as-of rule: when each statement holds, written once to `graph/timeline` for every reader to filter on.

For every statement (any stance), from the source graphs:

- `kg:holdsFrom` (first day, inclusive): the earliest day of its start (`from`, or its `at`), else its earliest
  `kg:observedOn` (a statement without time, in a report of 7 December, holds as of 7 December, not before);
  with only an end, the earlier of that observation and the end's earliest day.
- `kg:holdsTo` (last day, inclusive), only when it ends, the earliest of: its own end (`until`, or the end of an
  interval); the day before an asserted or reported statement that `kg:closes` it starts, or that statement's
  own end when it gives only an end (`kg:endedBy`); for a functional relation type (`kg:oneHolderPer`), the day
  before an asserted or reported statement naming another holder starts later, while it still held
  (`kg:supersededBy`). Nothing is erased.
- `kg:disputedWith`: two asserted or reported statements of a functional type naming different holders from the
  same first day; both hold.
- A statement with a `kg:modality` (possible, probable, conditional) gets its own interval but never ends,
  supersedes or disputes another: "asserted or reported" above means presented as actual.

"Holds at T" is then, everywhere (queries/, kg.network, the browser's slider, `kg blocs --date`, `kg diff`):
`?st kg:holdsFrom ?from FILTER (?from <= T) OPTIONAL { ?st kg:holdsTo ?to } FILTER (!BOUND(?to) || ?to >= T)`.
The rule is materialised rather than a custom SPARQL function so that it works on any store: a remote SPARQL
endpoint and `oxigraph serve` answer it too (docs/decisions/20261207-as-of-rule.md).

The rule reads the triples of the few properties it needs from Oxigraph's predicate index and runs in Python:
a few passes over the statements, and per functional group a sort, so it stays linear-logarithmic in the number
of statements.
"""

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.vocab import KG, TIME, TIMELINE_GRAPH, XSD

# What the rule reads besides each statement's subject, type, object and stance (an ingest fetches only these).
READ_PROPERTIES = (KG.during, KG.fromDate, KG.untilDate, TIME.hasEnd, KG.observedOn, KG.closes, KG.modality)
_FACTUAL = frozenset({str(KG.Asserted), str(KG.Reported)})
_DAY = dt.timedelta(days=1)


@dataclass
class _Statement:
    iri: str
    type: str
    subject: str
    object: str
    factual: bool
    start: dt.date | None = None
    own_end: dt.date | None = None
    end: dt.date | None = None
    holder: str = ""  # in a functional group: the side that changes (the subject, or the object)
    dated_start: bool = False  # the start comes from its time (from, at), not from the source's date


def _values(store: ox.Store, prop: URIRef) -> Iterator[tuple[str, str]]:
    """(subject, object) of every triple of one property, in any graph: a scan of Oxigraph's predicate index,
    much faster than a SPARQL join over the union of the graphs (evaluated row by row)."""
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(prop)), None, None):
        yield quad.subject.value, quad.object.value


def _first(store: ox.Store, prop: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for subject, value in _values(store, prop):
        found.setdefault(subject, value)
    return found


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _read(store: ox.Store) -> dict[str, _Statement]:
    """Every statement (subject, relation type, object, stance) with its start, own end and source dates."""
    subjects, objects, stances = (_first(store, prop) for prop in (KG.subject, KG.object, KG.stance))
    # A hedged or conditional statement never ends, supersedes or disputes another: it is not presented as actual.
    hedged = _first(store, KG.modality)
    statements = {
        iri: _Statement(
            iri, kind, subjects[iri], objects[iri], stances[iri] in _FACTUAL and iri not in hedged
        )
        for iri, kind in _first(store, KG.relationType).items()
        if iri in subjects and iri in objects and iri in stances
    }
    during, end_instants = _first(store, KG.during), _first(store, TIME.hasEnd)
    starts, ends = _first(store, KG.fromDate), _first(store, KG.untilDate)
    observed: dict[str, dt.date] = {}
    for iri, text in _values(store, KG.observedOn):
        day = _day(text)
        if iri in statements and day is not None and (iri not in observed or day < observed[iri]):
            observed[iri] = day
    for iri, statement in statements.items():
        time = during.get(iri)
        statement.start = _day(starts.get(time)) if time else None
        statement.dated_start = statement.start is not None
        known = [observed[iri]] if iri in observed else []
        if time in end_instants:  # an interval with an end; an instant has none (it holds as of its day)
            statement.own_end = _day(ends.get(time))
            end_earliest = _day(starts.get(end_instants[time]))
            known += [end_earliest] if end_earliest else []
        statement.start, statement.end = own_span(statement.start, statement.own_end, known)
    return statements


Span = tuple[dt.date | None, dt.date | None]


def own_span(start: dt.date | None, own_end: dt.date | None, known: list[dt.date]) -> Span:
    """A statement's first and last day before any closing or successor: its start, else the earliest day it is
    known by (its source's date, or its end's earliest day); its own end, or None while it lasts."""
    return (start if start is not None else min(known, default=None)), own_end


def overlaps(a: Span, b: Span) -> bool:
    """Whether two spans share a day (a missing start or end is open)."""
    a_start, a_end = a
    b_start, b_end = b
    return (a_start is None or b_end is None or a_start <= b_end) and (
        b_start is None or a_end is None or b_start <= a_end
    )


def span_in_graph(graph: Graph, statement: URIRef, observed: dt.date) -> Span:
    """The own span of a statement compiled into `graph` (its time node there), seen by a source of `observed`."""
    time = graph.value(statement, KG.during)
    start = _day(str(graph.value(time, KG.fromDate) or "")) if time is not None else None
    known, own_end = [observed], None
    end_instant = graph.value(time, TIME.hasEnd) if time is not None else None
    if end_instant is not None:
        own_end = _day(str(graph.value(time, KG.untilDate) or ""))
        end_earliest = _day(str(graph.value(end_instant, KG.fromDate) or ""))
        known += [end_earliest] if end_earliest else []
    return own_span(start, own_end, known)


def _ends(statement: _Statement, day: dt.date) -> bool:
    """Whether a successor starting on `day` ends the statement: it starts later, while the statement held."""
    assert statement.start is not None
    return day > statement.start and (statement.own_end is None or day <= statement.own_end)


def _cut(statement: _Statement, day: dt.date) -> None:
    """End the statement the day before `day`, unless it already ends earlier."""
    if statement.end is None or day - _DAY < statement.end:
        statement.end = day - _DAY


def _closing_day(closing: _Statement) -> dt.date | None:
    """The day after the last day of what a closing statement closes: the day after its own end when it gives
    only an end ("the partnership ended at the end of 2024"), else its start ("on D the army withdrew")."""
    if not closing.dated_start and closing.own_end is not None:
        return closing.own_end + _DAY
    return closing.start


def _closings(store: ox.Store, statements: dict[str, _Statement]) -> list[tuple[str, str]]:
    """Cut each statement closed by an asserted or reported one; the (closed, closing) pairs."""
    links = []
    for closing_iri, closed_iri in _values(store, KG.closes):
        closed, closing = statements.get(closed_iri), statements.get(closing_iri)
        if closed is None or closing is None or not closing.factual:
            continue
        day = _closing_day(closing)
        if closed.start and day and day > closed.start:
            _cut(closed, day)
            links.append((closed.iri, closing.iri))
    return links


def _groups(store: ox.Store, statements: dict[str, _Statement]) -> Iterator[list[_Statement]]:
    """Statements of a functional type sharing the one-holder side (the object, or the subject)."""
    roles = dict(_values(store, KG.oneHolderPer))
    groups: dict[tuple[str, str], list[_Statement]] = defaultdict(list)
    for statement in statements.values():
        role = roles.get(statement.type)
        if role is not None and statement.start is not None:
            by_object = role == str(KG.ObjectRole)
            statement.holder = statement.subject if by_object else statement.object
            groups[(statement.type, statement.object if by_object else statement.subject)].append(statement)
    yield from groups.values()


def _successions(group: list[_Statement]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(superseded, superseding) and (disputed, disputing) pairs within one functional group."""
    factual = sorted((s for s in group if s.factual), key=lambda s: (s.start, s.iri))
    starts = [s.start for s in factual]
    superseded, disputed = [], []
    for statement in group:
        assert statement.start is not None
        if statement.factual:
            first = bisect.bisect_left(starts, statement.start)
            last = bisect.bisect_right(starts, statement.start)
            disputed += [
                (statement.iri, other.iri)
                for other in factual[first:last]
                if other.holder != statement.holder
            ]
        index = bisect.bisect_right(starts, statement.start)
        while index < len(factual) and factual[index].holder == statement.holder:
            index += 1
        if index == len(factual) or not _ends(statement, factual[index].start):  # type: ignore[arg-type]
            continue
        day = factual[index].start
        assert day is not None
        _cut(statement, day)
        superseded += [
            (statement.iri, other.iri)
            for other in factual[index:]
            if other.start == day and other.holder != statement.holder
        ]
    return superseded, disputed


def timeline_ntriples(store: ox.Store) -> list[str]:
    """The triples of `graph/timeline` for the statements of a store, as N-Triples lines (the timeline graph
    itself is not read). Text, loaded by Oxigraph's parser, is several times faster than building terms."""
    statements = _read(store)
    links: dict[URIRef, list[tuple[str, str]]] = {KG.endedBy: _closings(store, statements)}
    links[KG.supersededBy], links[KG.disputedWith] = [], []
    for group in _groups(store, statements):
        superseded, disputed = _successions(group)
        links[KG.supersededBy] += superseded
        links[KG.disputedWith] += disputed
    lines = []
    for prop, name in ((KG.holdsFrom, "start"), (KG.holdsTo, "end")):
        lines += [
            f'<{s.iri}> <{prop}> "{day.isoformat()}"^^<{XSD.date}> .'
            for s in statements.values()
            if (day := getattr(s, name)) is not None
        ]
    for prop, pairs in links.items():
        lines += [f"<{a}> <{prop}> <{b}> ." for a, b in sorted(set(pairs))]
    return lines


def apply_as_of_rule(store: ox.Store) -> int:
    """Replace `graph/timeline` of an in-memory store with the as-of rule's answer; the number of triples."""
    store.update(f"DROP SILENT GRAPH <{TIMELINE_GRAPH}>")
    lines = timeline_ntriples(store)
    data = "\n".join(lines).encode()
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(TIMELINE_GRAPH)))
    return len(lines)
