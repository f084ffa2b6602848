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

"Holds at T" is then, everywhere (queries/, kg.network, the browser's slider, `kg blocs --date`, `kg diff`):
`?st kg:holdsFrom ?from FILTER (?from <= T) OPTIONAL { ?st kg:holdsTo ?to } FILTER (!BOUND(?to) || ?to >= T)`.
The rule is materialised rather than a custom SPARQL function so that it works on any store: a remote SPARQL
endpoint and `oxigraph serve` answer it too (docs/decisions/20261207-as-of-rule.md).

The rows are read with four SELECTs and the rule runs in Python over them: a few passes over the statements,
and per functional group a sort, so it stays linear-logarithmic in the number of statements.
"""

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.vocab import KG, TIME, TIMELINE_GRAPH, sparql_prefixes

PREFIXES = sparql_prefixes("kg", "time")
_STATEMENTS = f"""{PREFIXES}SELECT ?st ?type ?subject ?object ?stance ?from ?until ?endEarliest WHERE {{
  ?st a kg:Statement ; kg:relationType ?type ; kg:subject ?subject ; kg:object ?object ; kg:stance ?stance .
  OPTIONAL {{
    ?st kg:during ?time .
    OPTIONAL {{ ?time kg:fromDate ?from }}
    OPTIONAL {{ ?time time:hasEnd ?end . ?time kg:untilDate ?until . ?end kg:fromDate ?endEarliest }}
  }}
}}"""
_OBSERVED = f"{PREFIXES}SELECT ?st ?day WHERE {{ ?st a kg:Statement ; kg:observedOn ?day }}"
_CLOSINGS = f"""{PREFIXES}SELECT ?closing ?closed WHERE {{
  ?closing kg:closes ?closed ; kg:stance ?stance FILTER (?stance IN (kg:Asserted, kg:Reported))
}}"""
_FUNCTIONAL = f"{PREFIXES}SELECT ?type ?role WHERE {{ ?type kg:oneHolderPer ?role }}"
# What the rule reads besides each statement's subject, type, object and stance (an ingest fetches only these).
READ_PROPERTIES = (KG.during, KG.fromDate, KG.untilDate, TIME.hasEnd, KG.observedOn, KG.closes)
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


def _rows(store: ox.Store, query: str) -> Iterator[dict[str, str]]:
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [variable.value for variable in solutions.variables]
    for solution in solutions:
        yield {name: term.value for name in names if (term := solution[name]) is not None}


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _read(store: ox.Store) -> dict[str, _Statement]:
    statements: dict[str, _Statement] = {}
    ends_only: dict[str, dt.date] = {}
    for row in _rows(store, _STATEMENTS):
        if row["st"] in statements:
            continue
        found = _Statement(row["st"], row["type"], row["subject"], row["object"], row["stance"] in _FACTUAL)
        found.start, found.own_end = _day(row.get("from")), _day(row.get("until"))
        found.dated_start = found.start is not None
        statements[row["st"]] = found
        if found.start is None and "endEarliest" in row:
            ends_only[row["st"]] = _day(row["endEarliest"])  # type: ignore[assignment]
    observed: dict[str, dt.date] = {}
    for row in _rows(store, _OBSERVED):
        day = _day(row["day"])
        if day is not None and (row["st"] not in observed or day < observed[row["st"]]):
            observed[row["st"]] = day
    for iri, statement in statements.items():
        if statement.start is None and iri in observed:
            statement.start = min(observed[iri], ends_only.get(iri, observed[iri]))
        elif statement.start is None:
            statement.start = ends_only.get(iri)
        statement.end = statement.own_end
    return statements


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
    links = []
    for row in _rows(store, _CLOSINGS):
        closed, closing = statements.get(row["closed"]), statements.get(row["closing"])
        day = _closing_day(closing) if closing else None
        if closed and closed.start and day and day > closed.start:
            _cut(closed, day)
            links.append((closed.iri, closing.iri))  # type: ignore[union-attr]
    return links


def _groups(store: ox.Store, statements: dict[str, _Statement]) -> Iterator[list[_Statement]]:
    """Statements of a functional type sharing the one-holder side (the object, or the subject)."""
    roles = {row["type"]: row["role"] for row in _rows(store, _FUNCTIONAL)}
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


def timeline_quads(store: ox.Store) -> list[ox.Quad]:
    """The content of `graph/timeline` for the statements of a store (the timeline graph itself not read)."""
    statements = _read(store)
    links: dict[str, list[tuple[str, str]]] = {str(KG.endedBy): _closings(store, statements)}
    links[str(KG.supersededBy)], links[str(KG.disputedWith)] = [], []
    for group in _groups(store, statements):
        superseded, disputed = _successions(group)
        links[str(KG.supersededBy)] += superseded
        links[str(KG.disputedWith)] += disputed
    graph = ox.NamedNode(str(TIMELINE_GRAPH))
    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    quads = []
    for statement in statements.values():
        node = ox.NamedNode(statement.iri)
        if statement.start is not None:
            quads.append(
                ox.Quad(
                    node,
                    ox.NamedNode(str(KG.holdsFrom)),
                    ox.Literal(statement.start.isoformat(), datatype=date),
                    graph,
                )
            )
        if statement.end is not None:
            quads.append(
                ox.Quad(
                    node,
                    ox.NamedNode(str(KG.holdsTo)),
                    ox.Literal(statement.end.isoformat(), datatype=date),
                    graph,
                )
            )
    for prop, pairs in links.items():
        quads += [
            ox.Quad(ox.NamedNode(a), ox.NamedNode(prop), ox.NamedNode(b), graph)
            for a, b in sorted(set(pairs))
        ]
    return quads


def apply_as_of_rule(store: ox.Store) -> int:
    """Replace `graph/timeline` of an in-memory store with the as-of rule's answer; the number of triples."""
    store.update(f"DROP SILENT GRAPH <{TIMELINE_GRAPH}>")
    quads = timeline_quads(store)
    store.extend(quads)
    return len(quads)
