"""Alliance analytics: a signed actor network for a day or an interval, its blocs, balance, brokers and
centrality, and what changed between two dates.

One function reads the graph (`read_record`, through `kg.network`, the one reader of the alliance
network); everything else is a pure function over that record or over a NetworkX graph, so tests can feed
hand-made graphs. The semantics (what "valid on a date" means, which nodes are actors, how events become edges, the clustering
objective) are documented in `docs/analytics.md`.

Signed clustering (correlation clustering) minimises the *frustration* of a partition: the weight of hostile
evidence inside blocs plus the weight of cooperative evidence between blocs. The search is deterministic: it
starts from NetworkX community detection on the cooperative subgraph (Louvain with a fixed seed, and the
connected components) and improves each start by moving single actors and merging blocs while the frustration
drops.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from kg.bloc_weights import DEFAULT_WEIGHTS, FLAT_WEIGHTS, Weights
from kg.errors import InputError
from kg.network import Fact, Happening, Network, Statement, read_network
from kg.store import Store
from kg.vocab import KG, RES, RT

ASSERTED, REPORTED, CLAIMED = str(KG.Asserted), str(KG.Reported), str(KG.Claimed)
HEDGED = frozenset({CLAIMED, str(KG.Rumoured)})  # enter only with include_claimed, discounted by the table
# Events whose agents act against their targets: agent → target is hostile, co-agents act together.
HOSTILE_EVENTS = frozenset(
    {"Offensive", "Strike", "Capture", "Encirclement", "Uprising", "ArmedClash", "AttackOnCivilians"}
)
LOUVAIN_SEED = 0
EPSILON = 1e-9
ALGORITHM = (
    "signed clustering: minimise frustration (hostile weight inside blocs + cooperative weight between "
    "blocs) by deterministic local search (single-actor moves and bloc merges) from Louvain communities "
    "(seed 0) and connected components of the cooperative subgraph; fewest blocs among equal frustration"
)

# ------------------------------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Span:
    """When a fact holds: inclusive days, `None` for an open end; `dated` is False without `kg:during`."""

    start: dt.date | None = None
    end: dt.date | None = None
    dated: bool = False

    def iso(self) -> str:
        """ISO 8601 interval text, `..` for an open end, `undated` when there is no time at all.

        >>> Span(dt.date(2024, 11, 27), None, True).iso()
        '2024-11-27/..'
        >>> Span().iso()
        'undated'
        """
        if not self.dated:
            return "undated"
        return f"{_iso(self.start) or '..'}/{_iso(self.end) or '..'}"


UNDATED = Span()


@dataclass(frozen=True)
class Quote:
    """One piece of evidence: the exact words, the source document, and who speaks in it (if it says)."""

    text: str
    source: str
    speaker: str | None = None


@dataclass(frozen=True)
class Tie:
    """One signed link between two actors, from one statement or from one event."""

    id: str
    fact: str
    subject: str
    object: str
    relation: str
    polarity: int
    directed: bool
    stance: str
    attributed_to: str | None
    span: Span
    quotes: tuple[Quote, ...] = ()
    acting_subject: str | None = None  # who made the tie, when it counts for the actor they act for
    acting_object: str | None = None

    def sources(self) -> set[tuple[str, str]]:
        """The corroborating sources of this tie: (source document, speaker), one per piece of evidence."""
        voice = self.attributed_to or ""
        return {(quote.source, quote.speaker or voice) for quote in self.quotes} or {(self.fact, voice)}


@dataclass(frozen=True)
class Actor:
    """An instance of a `kg:Actor` subclass."""

    iri: str
    label: str
    kind: str
    type: str = ""


@dataclass(frozen=True)
class Event:
    """An instance of a `kg:Event` subclass, with its roles."""

    iri: str
    label: str
    kind: str
    span: Span
    stance: str | None
    attributed_to: str | None
    agents: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Agency:
    """An actor that acts for another (a president for his state, an army for its government), by one
    statement of an `acts_for` relation type (kg/bloc_weights.yaml), with the days it holds."""

    agent: str
    principal: str
    relation: str
    statement: str
    stance: str
    span: Span


@dataclass
class Record:
    """Everything the analytics need from the graph, read once."""

    actors: dict[str, Actor]
    ties: list[Tie]
    events: list[Event]
    labels: dict[str, str] = field(default_factory=dict)
    side_of: dict[str, str] = field(default_factory=dict)  # actor -> its side (kg:partOfSide)
    sides: dict[str, Actor] = field(default_factory=dict)  # the sides, as nodes of a side-level network
    broader: dict[str, str] = field(default_factory=dict)  # relation slug -> its skos:broader slug
    agencies: list[Agency] = field(default_factory=list)  # who acts for whom, and through which statement
    # Statements whose subject acts on their own behalf, not for the actor they represent. The model has no
    # marker for this yet (docs/decisions/20261207-bloc-weights.md): the set stays empty until it has one.
    own_behalf: frozenset[str] = frozenset()

    def label(self, iri: str) -> str:
        """A readable name for an IRI: its English label, else its last path segment."""
        return self.labels.get(iri) or local_name(iri)


# ------------------------------------------------------------------------------------------- time and options


@dataclass(frozen=True)
class Window:
    """A day or an interval of days (inclusive); both ends `None` means all time."""

    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def parse(cls, text: str | None) -> Window:
        """`YYYY-MM-DD` (one day), `A/B` (an interval, `..` for an open end), empty for all time.

        >>> Window.parse("2024-12-07")
        Window(start=datetime.date(2024, 12, 7), end=datetime.date(2024, 12, 7))
        >>> Window.parse("2024-11-26/..").slug()
        '2024-11-26--open'
        >>> Window.parse(None).slug()
        'all'
        """
        if not text:
            return cls()
        if "/" not in text:
            day = parse_date(text)
            return cls(day, day)
        first, _, last = text.partition("/")
        window = cls(parse_date(first) if first != ".." else None, parse_date(last) if last != ".." else None)
        if window.start and window.end and window.start > window.end:
            raise InputError(f"the interval {text} ends before it starts")
        return window

    def slug(self) -> str:
        """A short name for IRIs and file names: `2024-12-07`, `2024-11-26--2024-12-07`, `all`."""
        if self.start is None and self.end is None:
            return "all"
        if self.start == self.end:
            return _iso(self.start) or "all"
        return f"{_iso(self.start) or 'open'}--{_iso(self.end) or 'open'}"

    def iso(self) -> str | None:
        """The window as the text `parse` reads, `None` for all time."""
        if self.start is None and self.end is None:
            return None
        if self.start == self.end:
            return _iso(self.start)
        return f"{_iso(self.start) or '..'}/{_iso(self.end) or '..'}"

    def overlaps(self, span: Span) -> bool:
        """Whether a dated span shares at least one day with the window.

        >>> Window.parse("2024-12-07").overlaps(Span(None, dt.date(2024, 12, 7), True))
        True
        >>> Window.parse("2024-11-26").overlaps(Span(dt.date(2024, 11, 27), None, True))
        False
        """
        starts_in_time = span.start is None or self.end is None or span.start <= self.end
        ends_in_time = span.end is None or self.start is None or span.end >= self.start
        return starts_in_time and ends_in_time


@dataclass(frozen=True)
class Options:
    """Which ties enter the network: the time window, claimed statements, undated statements."""

    window: Window = Window()
    include_claimed: bool = False
    include_undated: bool = True
    sides: bool = False  # one node per side (kg:Side) instead of its parts
    weights: Weights = DEFAULT_WEIGHTS

    def admits(self, tie_or_event: Tie | Event | Agency) -> bool:
        """Stance and time filter: a stance the table weighs above 0, claimed and rumoured only on request."""
        stance = tie_or_event.stance or ""
        if self.weights.stance(stance) <= 0 or (stance in HEDGED and not self.include_claimed):
            return False
        if not tie_or_event.span.dated:
            return self.include_undated
        return self.window.overlaps(tie_or_event.span)

    def parameters(self) -> dict[str, Any]:
        """The options as plain values, for JSON and provenance."""
        found: dict[str, Any] = {
            "date": self.window.iso(),
            "include_claimed": self.include_claimed,
            "include_undated": self.include_undated,
        }
        found |= {"sides": True} if self.sides else {}
        return found | ({"weights": self.weights.name} if self.weights.name != DEFAULT_WEIGHTS.name else {})

    def reference_day(self, ties: Iterable[Tie]) -> dt.date | None:
        """The day recency is measured from: the window's last day, else the latest day the ties mention."""
        if self.window.end is not None:
            return self.window.end
        days = [day for tie in ties for day in (tie.span.start, tie.span.end) if day is not None]
        return max(days, default=None)


def parse_date(text: str) -> dt.date:
    """An ISO date, or an `InputError` a person can read.

    >>> parse_date("2024-12-07")
    datetime.date(2024, 12, 7)
    """
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise InputError(f"'{text}' is not a date (YYYY-MM-DD)") from error


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def local_name(iri: str) -> str:
    """The last segment of an IRI.

    >>> local_name("https://w3id.org/syria-kg/id/russia")
    'russia'
    >>> local_name("https://w3id.org/syria-kg/ontology#Offensive")
    'Offensive'
    """
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


# ---------------------------------------------------------------------------------------- from the network


def read_record(store: Store) -> Record:
    """Actors, signed ties (statements and hostile events) and events of the whole graph, with quotes."""
    return record_of(read_network(store))


def record_of(network: Network) -> Record:
    """What the analytics take from the network: actors, signed ties (statements whose relation type has a
    non-zero polarity, and what hostile events imply), every event, and English labels."""
    actors = _actors(network)
    labels = _english_labels(network, actors)
    events = [_event(event, labels) for event in network.events]
    ties = [_statement_tie(s, network) for s in network.statements if _polarity(s, network)]
    ties += [tie for event in events for tie in event_ties(event)]
    ties = [tie for tie in _unique(ties) if tie.subject in actors and tie.object in actors]
    side_of = {part: side for part, side in network.sides.items() if part in actors}
    sides = {
        side: Actor(side, english_label(network.names(side)) or local_name(side), "Side", str(KG.Side))
        for side in sorted(set(side_of.values()))
    }
    labels |= {iri: side.label for iri, side in sides.items()}
    record = Record(actors=actors, ties=ties, events=events, labels=labels, side_of=side_of, sides=sides)
    record.agencies = agencies(network, actors)
    record.broader = {
        iri.removeprefix(str(RT)): relation.broader.removeprefix(str(RT))
        for iri, relation in network.relation_types.items()
        if relation.broader
    }
    return record


def agencies(network: Network, actors: dict[str, Actor]) -> list[Agency]:
    """Who acts for whom: the holder of an office for the organisation or state the office is a post in
    (`org:postIn`), a person who leads an organisation for it, a spokesperson for whom they speak, a
    sub-organisation (an army) for the organisation it is part of."""
    found = []
    for statement in network.statements:
        relation = statement.relation.removeprefix(str(RT))
        principal = network.posts.get(statement.object) if relation == "holds-office" else statement.object
        if relation == "leads" and str(KG.Person) not in network.classes.get(statement.subject, frozenset()):
            continue  # a state or a group that leads a coalition does not act for it
        if principal in actors and statement.subject in actors and principal != statement.subject:
            span = _span(statement.start, statement.end)
            stance = statement.stance or ""
            found.append(Agency(statement.subject, principal, relation, statement.iri, stance, span))
    return found


def _english_labels(network: Network, actors: dict[str, Actor]) -> dict[str, str]:
    """English labels of the actors, the events and whatever fills the events' roles."""
    named = set(actors) | {event.iri for event in network.events}
    named |= {filler for event in network.events for fillers in event.roles.values() for filler in fillers}
    return {iri: label for iri in sorted(named) if (label := english_label(network.labels.get(iri, {})))}


def english_label(labels: dict[str, str]) -> str | None:
    """The English label (`en`, then any `en-*`), else the untagged one; None when there is neither.

    >>> english_label({"fr": "Russie", "": "Russia (plain)", "en": "Russia"}), english_label({"ar": "روسيا"})
    ('Russia', None)
    """
    for lang in ("en", *sorted(tag for tag in labels if tag.startswith("en-")), ""):
        if lang in labels:
            return labels[lang]
    return None


def _span(start: str | None, end: str | None) -> Span:
    if start is None and end is None:
        return UNDATED
    return Span(
        dt.date.fromisoformat(start) if start else None, dt.date.fromisoformat(end) if end else None, True
    )


def _quotes(fact: Fact) -> tuple[Quote, ...]:
    """The fact's evidence as quotes, one per (words, source, speaker), by source and words."""
    quotes = dict.fromkeys(Quote(e.quote or "", e.source, e.speaker) for e in fact.evidence)
    return tuple(sorted(quotes, key=lambda q: (q.source, q.text)))


def _actors(network: Network) -> dict[str, Actor]:
    general = {str(KG.Actor), str(KG.Organisation)}
    actors = {}
    for iri in sorted(network.classes):
        found = network.classes[iri] & network.actor_classes
        if not found:
            continue
        specific = sorted(found - general or found)[0]
        label = english_label(network.labels.get(iri, {})) or local_name(iri)
        actors[iri] = Actor(iri, label, local_name(specific), specific)
    return actors


def _event(event: Happening, labels: dict[str, str]) -> Event:
    agents, targets = set(event.role("agent")), set(event.role("target"))
    return Event(
        iri=event.iri,
        label=labels.get(event.iri) or local_name(event.iri),
        kind=local_name(sorted(event.classes - {str(KG.Event)} or event.classes)[0]),
        span=_span(event.start, event.end),
        stance=event.stance,
        attributed_to=event.attributed_to,
        agents=tuple(sorted(agents)),
        participants=tuple(sorted(set(event.role("hasParticipant")) - agents - targets)),
        targets=tuple(sorted(targets)),
        places=event.role("place"),
        part_of=event.role("subEventOf"),
        quotes=_quotes(event),
    )


def _polarity(statement: Statement, network: Network) -> int:
    relation = network.relation_types.get(statement.relation)
    return (relation.polarity or 0) if relation else 0


def _statement_tie(statement: Statement, network: Network) -> Tie:
    relation = network.relation_types[statement.relation]
    return Tie(
        id=statement.iri,
        fact=statement.iri,
        subject=statement.subject,
        object=statement.object,
        relation=statement.relation.removeprefix(str(RT)),
        polarity=1 if _polarity(statement, network) > 0 else -1,
        directed=relation.directed,
        stance=statement.stance or "",
        attributed_to=statement.attributed_to,
        span=_span(statement.start, statement.end),  # when it holds, by the as-of rule (kg/asof.py)
        quotes=_quotes(statement),
    )


def _unique(ties: Iterable[Tie]) -> list[Tie]:
    """One tie per id (rows repeat when a statement has several times or attributions), in id order."""
    return sorted({tie.id: tie for tie in ties}.values(), key=lambda tie: tie.id)


def event_ties(event: Event) -> list[Tie]:
    """The signed ties an event implies: in a hostile event, each agent (or participant) against each target,
    and its agents and participants together.

    >>> e = Event("e", "E", "Offensive", UNDATED, ASSERTED, None, agents=("a", "b"), targets=("c",))
    >>> for t in event_ties(e):
    ...     print(t.subject, t.relation, t.object, t.polarity)
    a offensive-against c -1
    b offensive-against c -1
    a joint-offensive b 1
    """
    if event.kind not in HOSTILE_EVENTS or event.stance is None:
        return []
    side = sorted(set(event.agents) | set(event.participants))
    kind = event.kind.lower()
    common = {"fact": event.iri, "stance": event.stance, "attributed_to": event.attributed_to}
    common |= {"span": event.span, "quotes": event.quotes}
    hostile = [
        Tie(
            id=f"{event.iri}#{local_name(a)}>{local_name(t)}",
            subject=a,
            object=t,
            relation=f"{kind}-against",
            polarity=-1,
            directed=True,
            **common,
        )
        for a in side
        for t in event.targets
        if a != t
    ]
    joint = [
        Tie(
            id=f"{event.iri}#{local_name(a)}+{local_name(b)}",
            subject=a,
            object=b,
            relation=f"joint-{kind}",
            polarity=1,
            directed=False,
            **common,
        )
        for a, b in itertools.combinations(side, 2)
    ]
    return hostile + joint


# ------------------------------------------------------------------------------------------------ the network


def admitted_ties(record: Record, options: Options) -> list[Tie]:
    """The ties the options let into the network."""
    return [tie for tie in record.ties if options.admits(tie)]


@dataclass(frozen=True)
class Scale:
    """How ties are weighed in one network: the weights table (knowing the graph's broader relation types)
    and the day recency is measured from."""

    weights: Weights = DEFAULT_WEIGHTS
    reference: dt.date | None = None

    def strength(self, tie: Tie) -> float:
        """Intensity of the relation x stance discount x recency (kg/bloc_weights.yaml)."""
        weights = self.weights
        intensity = weights.intensity(tie.relation, tie.polarity)
        return round(
            intensity * weights.stance(tie.stance) * weights.recency(tie.span.end, self.reference), 6
        )


FLAT = Scale(FLAT_WEIGHTS)


def edge_weights(ties: Iterable[Tie], scale: Scale = FLAT) -> dict[str, Any]:
    """Edge attributes from the ties behind an edge: per sign, the strongest tie of each distinct source
    (document, speaker), corroborated (`Weights.corroborated`); the net sign and the total weight.

    With the flat scale every tie weighs 1 and every source counts in full:

    >>> q = (Quote("x", "doc1"),)
    >>> t = [Tie("1", "1", "a", "b", "allied-with", 1, False, ASSERTED, "v", UNDATED, q),
    ...      Tie("2", "2", "a", "b", "fights", -1, False, ASSERTED, "w", UNDATED, q)]
    >>> {k: v for k, v in edge_weights(t).items() if k != "ties"}
    {'positive': 1.0, 'negative': 1.0, 'sign': 0, 'weight': 2.0}
    """
    ties = sorted(set(ties), key=lambda tie: tie.id)
    positive = _sided_weight([tie for tie in ties if tie.polarity > 0], scale)
    negative = _sided_weight([tie for tie in ties if tie.polarity < 0], scale)
    sign = (positive > negative + EPSILON) - (positive < negative - EPSILON)
    return {
        "positive": positive,
        "negative": negative,
        "sign": sign,
        "weight": round(positive + negative, 6),
        "ties": ties,
    }


def _sided_weight(ties: list[Tie], scale: Scale) -> float:
    strongest: dict[tuple[str, str], float] = defaultdict(float)
    for tie in ties:
        strength = scale.strength(tie)
        for source in tie.sources():
            strongest[source] = max(strongest[source], strength)
    return scale.weights.corroborated(list(strongest.values()))


def signed_digraph(ties: Iterable[Tie], actors: dict[str, Actor], scale: Scale = FLAT) -> nx.DiGraph:
    """The signed, directed, weighted actor network: an undirected relation gives an edge each way."""
    grouped: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for tie in ties:
        grouped[tie.subject, tie.object].append(tie)
        if not tie.directed:
            grouped[tie.object, tie.subject].append(tie)
    return _graph(nx.DiGraph(), grouped, actors, scale)


def signed_graph(ties: Iterable[Tie], actors: dict[str, Actor], scale: Scale = FLAT) -> nx.Graph:
    """The undirected projection used for blocs and triangles: one edge per pair of actors."""
    grouped: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for tie in ties:
        first, second = sorted((tie.subject, tie.object))
        grouped[first, second].append(tie)
    return _graph(nx.Graph(), grouped, actors, scale)


def _graph(
    graph: nx.Graph, grouped: dict[tuple[str, str], list[Tie]], actors: dict[str, Actor], scale: Scale
) -> nx.Graph:
    for (u, v), ties in sorted(grouped.items()):
        if u == v:
            continue
        data = edge_weights(ties, scale)
        if not data["weight"]:
            continue
        for node in (u, v):
            actor = actors.get(node)
            graph.add_node(
                node, label=actor.label if actor else local_name(node), kind=actor.kind if actor else ""
            )
        graph.add_edge(u, v, **data)
    return graph


def scale_of(record: Record, options: Options, ties: Iterable[Tie]) -> Scale:
    """The weights of the options, knowing the graph's broader relation types, and the reference day."""
    return Scale(options.weights.with_broader(record.broader), options.reference_day(ties))


def network(record: Record, options: Options) -> tuple[nx.DiGraph, nx.Graph]:
    """The directed network and its undirected projection for the options: ties of those who act for
    another counted for that actor, weighed by the options' table."""
    ties = acting_for(admitted_ties(record, options), principals(record, options), record.own_behalf)
    actors = record.actors
    if options.sides:
        ties, actors = side_level_ties(ties, record.side_of), {**actors, **record.sides}
    scale = scale_of(record, options, ties)
    return signed_digraph(ties, actors, scale), signed_graph(ties, actors, scale)


def principals(record: Record, options: Options) -> dict[str, str]:
    """Whom each representative acts for in the window (chains followed: an army's general acts for the
    army's government); the first `acts_for` relation of the table that applies wins.

    >>> a = [Agency("army", "regime", "sub-organisation-of", "s1", ASSERTED, UNDATED),
    ...      Agency("general", "army", "leads", "s2", ASSERTED, UNDATED)]
    >>> principals(Record({}, [], [], agencies=a), Options())
    {'army': 'regime', 'general': 'regime'}
    """
    direct: dict[str, str] = {}
    for relation in options.weights.acts_for:
        for agency in record.agencies:
            if agency.relation == relation and agency.agent not in direct and options.admits(agency):
                direct[agency.agent] = agency.principal
    resolved = {}
    for agent in sorted(direct):
        seen, principal = {agent}, direct[agent]
        while principal in direct and direct[principal] not in seen:
            seen.add(principal)
            principal = direct[principal]
        resolved[agent] = principal
    return resolved


def acting_for(
    ties: Iterable[Tie], principal_of: dict[str, str], own_behalf: frozenset[str] = frozenset()
) -> list[Tie]:
    """Each tie with its ends replaced by the actors they act for (the original ends kept as `acting_*`);
    ties of a statement said to be on the actor's own behalf keep their ends, ties inside one principal go.

    >>> t = Tie("1", "1", "erdogan", "regime", "accuses", -1, True, ASSERTED, None, UNDATED)
    >>> [(t.subject, t.acting_subject) for t in acting_for([t], {"erdogan": "turkey"})]
    [('turkey', 'erdogan')]
    """
    lifted = []
    for tie in ties:
        if tie.fact in own_behalf:
            lifted.append(tie)
            continue
        subject, target = principal_of.get(tie.subject, tie.subject), principal_of.get(tie.object, tie.object)
        if subject == target:
            continue
        lifted.append(
            replace(
                tie,
                subject=subject,
                object=target,
                acting_subject=tie.subject if subject != tie.subject else None,
                acting_object=tie.object if target != tie.object else None,
            )
        )
    return lifted


def side_level_ties(ties: Iterable[Tie], side_of: dict[str, str]) -> list[Tie]:
    """The ties with each part of a side replaced by its side; ties inside one side are left out.

    >>> t = [Tie("1", "1", "iran", "assad", "supports", 1, True, ASSERTED, None, UNDATED),
    ...      Tie("2", "2", "army", "assad", "sub-organisation-of", 1, True, ASSERTED, None, UNDATED)]
    >>> [(t.subject, t.object) for t in side_level_ties(t, {"assad": "regime", "army": "regime"})]
    [('iran', 'regime')]
    """
    lifted = []
    for tie in ties:
        subject, target = side_of.get(tie.subject, tie.subject), side_of.get(tie.object, tie.object)
        if subject != target:
            lifted.append(replace(tie, subject=subject, object=target))
    return lifted


# ------------------------------------------------------------------------------------------------------ blocs

Partition = dict[str, int]


def frustration(graph: nx.Graph, partition: Partition) -> float:
    """Hostile weight inside blocs plus cooperative weight between blocs (0 for a perfectly balanced split).

    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", positive=1, negative=0); g.add_edge("b", "c", positive=0, negative=2)
    >>> frustration(g, {"a": 0, "b": 0, "c": 1}), frustration(g, {"a": 0, "b": 0, "c": 0})
    (0, 2)
    """
    return sum(
        data["negative"] if partition[u] == partition[v] else data["positive"]
        for u, v, data in graph.edges(data=True)
    )


def _cost_in(graph: nx.Graph, partition: Partition, node: str, bloc: int) -> float:
    """What `node` contributes to the frustration if it sits in `bloc`."""
    return sum(
        data["negative"] if partition[other] == bloc else data["positive"]
        for other, data in graph.adj[node].items()
        if other != node
    )


def _best_move(graph: nx.Graph, partition: Partition, node: str) -> int | None:
    """The bloc that lowers the frustration most when `node` moves there (a new bloc included), or None."""
    fresh = max(partition.values()) + 1
    candidates = sorted({partition[other] for other in graph.adj[node]} | {fresh})
    current = _cost_in(graph, partition, node, partition[node])
    cost, bloc = min((_cost_in(graph, partition, node, bloc), bloc) for bloc in candidates)
    return bloc if cost < current - EPSILON and bloc != partition[node] else None


def _best_merge(graph: nx.Graph, partition: Partition) -> tuple[int, int] | None:
    """The two blocs whose merger lowers the frustration most (more cooperation than hostility between)."""
    gain: dict[tuple[int, int], float] = defaultdict(float)
    for u, v, data in graph.edges(data=True):
        a, b = sorted((partition[u], partition[v]))
        if a != b:
            gain[a, b] += data["positive"] - data["negative"]
    best = max(sorted(gain.items()), key=lambda item: item[1], default=None)
    return best[0] if best and best[1] > EPSILON else None


def improve(graph: nx.Graph, partition: Partition) -> Partition:
    """Local search: move single actors, then merge blocs, while the frustration strictly drops."""
    partition = dict(partition)
    while True:
        moved = False
        for node in sorted(graph):
            bloc = _best_move(graph, partition, node)
            if bloc is not None:
                partition[node], moved = bloc, True
        merge = _best_merge(graph, partition)
        if merge:
            partition = {node: merge[0] if bloc == merge[1] else bloc for node, bloc in partition.items()}
        if not moved and not merge:
            return partition


def cooperative_subgraph(graph: nx.Graph) -> nx.Graph:
    """Every actor, and the edges whose net sign is cooperative, weighted by their cooperative sources."""
    positive = nx.Graph()
    positive.add_nodes_from(sorted(graph))
    positive.add_weighted_edges_from(
        (u, v, data["positive"]) for u, v, data in graph.edges(data=True) if data["sign"] > 0
    )
    return positive


def _seeds(graph: nx.Graph) -> list[list[set[str]]]:
    positive = cooperative_subgraph(graph)
    louvain = nx.community.louvain_communities(positive, weight="weight", seed=LOUVAIN_SEED)
    return [list(louvain), [set(c) for c in nx.connected_components(positive)]]


def canonical(graph: nx.Graph, partition: Partition) -> Partition:
    """Number blocs 1, 2, ... by size (largest first), then by cooperative weight, then by member name."""
    members: dict[int, list[str]] = defaultdict(list)
    for node, bloc in partition.items():
        members[bloc].append(node)

    def key(nodes: list[str]) -> tuple[int, float, str]:
        inside = graph.subgraph(nodes).size(weight="positive")
        return (-len(nodes), -inside, min(nodes))

    ordered = sorted(members.values(), key=key)
    return {node: number for number, nodes in enumerate(ordered, 1) for node in nodes}


def signed_blocs(graph: nx.Graph) -> Partition:
    """The partition into blocs with the least frustration the search finds; ties go to fewer blocs.

    A balanced two-bloc graph splits exactly:

    >>> g = nx.Graph()
    >>> for u, v, s in [("a", "b", 1), ("c", "d", 1), ("a", "c", -1), ("b", "d", -1)]:
    ...     g.add_edge(u, v, positive=int(s > 0), negative=int(s < 0), sign=s)
    >>> signed_blocs(g)
    {'a': 1, 'b': 1, 'c': 2, 'd': 2}
    """
    if not graph:
        return {}
    results = []
    for communities in _seeds(graph):
        start = {node: number for number, nodes in enumerate(communities) for node in nodes}
        found = improve(graph, start)
        results.append((frustration(graph, found), len(set(found.values())), canonical(graph, found)))
    best = min(results, key=lambda result: (result[0], result[1], sorted(result[2].items())))
    return dict(sorted(best[2].items()))


# ------------------------------------------------------------------------------------------------- placements


@dataclass(frozen=True)
class Side:
    """One edge of an actor, seen from that actor."""

    neighbour: str
    sign: int
    weight: float
    ties: tuple[Tie, ...]


@dataclass
class Placement:
    """An actor's bloc, how sure the placement is, and the edges that decide it (or speak against it)."""

    actor: str
    bloc: int
    confidence: float | None
    support: list[Side]
    against: list[Side]
    broker: bool = False
    degree: float = 0.0
    betweenness: float = 0.0
    contested: bool = False


def consistent(sign: int, same_bloc: bool) -> bool:
    """Cooperation inside a bloc or hostility across blocs agrees with a placement.

    >>> consistent(1, True), consistent(-1, True), consistent(-1, False)
    (True, False, True)
    """
    return (sign > 0) == same_bloc


def place(graph: nx.Graph, partition: Partition, node: str, contested_below: float = 0.0) -> Placement:
    """Confidence = share of the actor's signed edge weight that agrees with its bloc (1.0 only when all of
    it does); below `contested_below` the actor is contested. Each edge's cooperative and hostile ties are two
    sides, so that the weight which disagrees is always listed (`against`) with its quotes, even on an edge
    whose net sign agrees. Sides by weight."""
    support, against = [], []
    agreeing = total = 0.0
    for other, data in sorted(graph.adj[node].items()):
        same = partition[other] == partition[node]
        agreeing += data["positive"] if same else data["negative"]
        total += data["positive"] + data["negative"]
        for polarity, weight in ((1, data["positive"]), (-1, data["negative"])):
            ties = sorted(
                (tie for tie in data["ties"] if tie.polarity == polarity),
                key=lambda tie: (tie.id != tie.fact, tie.id),
            )
            if weight > 0 and ties:
                side = Side(other, polarity, weight, tuple(ties))
                (support if consistent(polarity, same) else against).append(side)
    confidence = _share(agreeing, total)
    placement = Placement(
        node, partition[node], confidence, sorted(support, key=_by_weight), sorted(against, key=_by_weight)
    )
    placement.contested = confidence is not None and confidence < contested_below
    return placement


def _share(part: float, whole: float) -> float | None:
    """A share rounded to 3 places that reads 1.0 only when nothing is missing.

    >>> _share(0.9999, 1.0), _share(1.0, 1.0)
    (0.999, 1.0)
    """
    if not whole:
        return None
    share = part / whole
    return 1.0 if share >= 1 - EPSILON else min(round(share, 3), 0.999)


def cohesion(graph: nx.Graph, members: Iterable[str]) -> float | None:
    """Cooperative weight over all weight between the members of a bloc; None for a bloc of one.

    >>> g = nx.Graph(); g.add_edge("a", "b", positive=3.0, negative=1.0)
    >>> cohesion(g, ["a", "b"]), cohesion(g, ["a"])
    (0.75, None)
    """
    inside = graph.subgraph(members)
    positive, negative = inside.size(weight="positive"), inside.size(weight="negative")
    return _share(positive, positive + negative)


def _by_weight(side: Side) -> tuple[float, str]:
    return (-side.weight, side.neighbour)


def brokers(graph: nx.Graph, partition: Partition) -> list[str]:
    """Actors with cooperative ties into two or more blocs.

    >>> g = nx.Graph(); g.add_edge("t", "a", sign=1); g.add_edge("t", "b", sign=1)
    >>> brokers(g, {"t": 1, "a": 1, "b": 2})
    ['t']
    """
    return sorted(
        node
        for node in graph
        if len({partition[o] for o, d in graph.adj[node].items() if d["sign"] > 0}) >= 2
    )


def centrality(graph: nx.Graph) -> tuple[dict[str, float], dict[str, float]]:
    """Degree centrality of the signed graph; betweenness on the cooperative graph (distance 1 / sources)."""
    positive = cooperative_subgraph(graph)
    for _, _, data in positive.edges(data=True):
        data["distance"] = 1 / data["weight"] if data["weight"] else 1.0
    degree = nx.degree_centrality(graph) if len(graph) > 1 else dict.fromkeys(graph, 0.0)
    return degree, nx.betweenness_centrality(positive, weight="distance")


# ---------------------------------------------------------------------------------------------------- balance


@dataclass
class Balance:
    """Structural balance: the share of triangles whose sign product is positive, and the others."""

    triangles: int
    balanced: int
    unbalanced: list[tuple[str, str, str]]

    @property
    def index(self) -> float | None:
        """Balanced triangles / all signed triangles; `None` when there are none."""
        return round(self.balanced / self.triangles, 3) if self.triangles else None


def signed_triangles(graph: nx.Graph) -> Iterator[tuple[str, str, str]]:
    """Triangles of the undirected graph whose three edges all have a sign (NetworkX clique enumeration)."""
    signed = graph.edge_subgraph((u, v) for u, v, data in graph.edges(data=True) if data["sign"] != 0)
    for clique in nx.enumerate_all_cliques(nx.Graph(signed)):
        if len(clique) > 3:
            return
        if len(clique) == 3:
            a, b, c = sorted(clique)
            yield a, b, c


def balance(graph: nx.Graph) -> Balance:
    """Count balanced triangles (sign product +1); list the unbalanced ones.

    >>> g = nx.Graph()
    >>> for u, v, s in [("a", "b", 1), ("b", "c", 1), ("a", "c", -1)]:
    ...     g.add_edge(u, v, sign=s)
    >>> b = balance(g); b.index, b.unbalanced
    (0.0, [('a', 'b', 'c')])
    """
    triangles = sorted(signed_triangles(graph))
    unbalanced = [t for t in triangles if _sign_product(graph, t) < 0]
    return Balance(len(triangles), len(triangles) - len(unbalanced), unbalanced)


def _sign_product(graph: nx.Graph, triangle: tuple[str, str, str]) -> int:
    a, b, c = triangle
    return graph[a][b]["sign"] * graph[b][c]["sign"] * graph[a][c]["sign"]


# --------------------------------------------------------------------------------------------------- analysis


@dataclass
class Analysis:
    """Blocs, placements, balance and frustration of one undirected signed network."""

    graph: nx.Graph
    partition: Partition
    placements: dict[str, Placement]
    balance: Balance
    frustration: float

    def blocs(self) -> dict[int, list[str]]:
        """Members of each bloc, by bloc number."""
        members: dict[int, list[str]] = defaultdict(list)
        for node, bloc in sorted(self.partition.items()):
            members[bloc].append(node)
        return dict(sorted(members.items()))

    def anchor(self, bloc: int) -> str:
        """The member with the most cooperative evidence inside its bloc, which names the bloc."""
        members = self.blocs()[bloc]
        inside = self.graph.subgraph(members)
        return min(members, key=lambda node: (-inside.degree(node, weight="positive"), node))


def analyse_network(graph: nx.Graph, contested_below: float = DEFAULT_WEIGHTS.contested_below) -> Analysis:
    """Blocs, confidence, evidence, brokers, centrality and balance of an undirected signed graph."""
    partition = signed_blocs(graph)
    degree, betweenness = centrality(graph)
    broker_set = set(brokers(graph, partition))
    placements = {}
    for node in sorted(graph):
        placement = place(graph, partition, node, contested_below)
        placement.broker = node in broker_set
        placement.degree, placement.betweenness = round(degree[node], 3), round(betweenness[node], 3)
        placements[node] = placement
    return Analysis(graph, partition, placements, balance(graph), frustration(graph, partition))


# ------------------------------------------------------------------------------------------------------- diff


@dataclass
class Change:
    """A relation (subject, relation, object) that began or ended, or a pair of actors whose sign changed."""

    subject: str
    relation: str
    object: str
    sign_before: int | None
    sign_after: int | None
    ties: list[Tie]

    @property
    def sign(self) -> int:
        """The relation's sign where it holds (after the change, if it holds then)."""
        if self.sign_after is not None:
            return self.sign_after
        return self.sign_before if self.sign_before is not None else self.ties[0].polarity


@dataclass
class Diff:
    """What changed in the network between two dates, and the events of the interval."""

    before: Options
    after: Options
    began: list[Change]
    ended: list[Change]
    passing: list[Change]
    sign_changed: list[Change]
    events: list[Event]


Relations = dict[tuple[str, str, str], list[Tie]]


def _relations(ties: Iterable[Tie]) -> Relations:
    found: Relations = defaultdict(list)
    for tie in ties:
        subject, obj = (tie.subject, tie.object) if tie.directed else sorted((tie.subject, tie.object))
        found[subject, tie.relation, obj].append(tie)
    return found


def _changes(
    found: Relations, absent: Iterable[tuple[str, str, str]], before: bool, after: bool
) -> list[Change]:
    """Relations of `found` missing from every `absent` key set, signed on the side(s) where they hold."""
    missing = found.keys() - set(absent)
    changes = []
    for key in sorted(missing):
        sign = found[key][0].polarity
        changes.append(Change(*key, sign if before else None, sign if after else None, found[key]))
    return changes


def diff(
    record: Record,
    start: dt.date,
    end: dt.date,
    *,
    include_claimed: bool = False,
    include_undated: bool = True,
) -> Diff:
    """What changed from `start` to `end`.

    Relations valid on `end` and not on `start` began; the reverse ended; relations valid only on days
    strictly between the two are passing; pairs of actors whose net sign differs changed sign. Events
    overlapping the interval make the timeline.
    """
    if start > end:
        raise InputError(f"the first day, {start}, is after the second, {end}")
    before = Options(Window(start, start), include_claimed, include_undated)
    after = Options(Window(end, end), include_claimed, include_undated)
    between = Options(Window(start, end), include_claimed, include_undated)
    then, now = _relations(admitted_ties(record, before)), _relations(admitted_ties(record, after))
    during = _relations(admitted_ties(record, between))
    old_graph, new_graph = network(record, before)[1], network(record, after)[1]
    flipped = [
        Change(u, "net sign", v, old_graph[u][v]["sign"], new_graph[u][v]["sign"], new_graph[u][v]["ties"])
        for u, v in sorted(tuple(sorted(edge)) for edge in new_graph.edges())
        if old_graph.has_edge(u, v) and old_graph[u][v]["sign"] != new_graph[u][v]["sign"]
    ]
    return Diff(
        before,
        after,
        began=_changes(now, then, before=False, after=True),
        ended=_changes(then, now, before=True, after=False),
        passing=_changes(during, [*then, *now], before=False, after=False),
        sign_changed=flipped,
        events=timeline(record, Window(start, end)),
    )


def timeline(record: Record, window: Window | None = None) -> list[Event]:
    """Dated events (overlapping the window, if one is given), in order of their first possible day."""
    dated = [event for event in record.events if event.span.dated]
    if window is not None:
        dated = [event for event in dated if window.overlaps(event.span)]
    return sorted(dated, key=lambda event: (_first_day(event.span), event.span.end or dt.date.max, event.iri))


def _first_day(span: Span) -> dt.date:
    """Where a timeline puts a span: its start, else its end (an event known only to precede a day)."""
    return span.start or span.end or dt.date.min


# ------------------------------------------------------------------------------------------------------- JSON


def _quote_json(quote: Quote) -> dict[str, str | None]:
    return {"text": quote.text, "source": quote.source, "speaker": quote.speaker}


def tie_json(tie: Tie, scale: Scale | None = None) -> dict[str, Any]:
    """A tie as JSON: the fact IRI, relation, stance, time and quotes; with a scale, its weight; for a tie
    made by someone acting for another, who made it (`acting_subject`, `acting_object`)."""
    weight = {"weight": scale.strength(tie)} if scale else {}
    acting = {"acting_subject": tie.acting_subject} if tie.acting_subject else {}
    acting |= {"acting_object": tie.acting_object} if tie.acting_object else {}
    return (
        weight
        | acting
        | {
            "iri": tie.fact,
            "relation": tie.relation,
            "subject": tie.subject,
            "object": tie.object,
            "sign": tie.polarity,
            "stance": local_name(tie.stance),
            "attributed_to": tie.attributed_to,
            "from": _iso(tie.span.start),
            "until": _iso(tie.span.end),
            "quotes": [_quote_json(quote) for quote in tie.quotes],
        }
    )


def event_json(event: Event, record: Record, window: Window | None = None) -> dict[str, Any]:
    """An event for the timeline: IRI, label, type, days, roles with labels, stance and quotes."""

    def named(iris: Iterable[str]) -> list[dict[str, str]]:
        return [{"iri": iri, "label": record.label(iri)} for iri in iris]

    return {
        "iri": event.iri,
        "label": event.label,
        "type": event.kind,
        "from": _iso(event.span.start),
        "until": _iso(event.span.end),
        "in_window": window.overlaps(event.span) if window else None,
        "stance": local_name(event.stance) if event.stance else None,
        "agents": named(event.agents),
        "participants": named(event.participants),
        "targets": named(event.targets),
        "places": named(event.places),
        "part_of": named(event.part_of),
        "quotes": [_quote_json(quote) for quote in event.quotes],
    }


def side_json(side: Side, scale: Scale | None = None) -> dict[str, Any]:
    """One deciding (or dissenting) edge of an actor."""
    return {
        "neighbour": side.neighbour,
        "sign": side.sign,
        "weight": side.weight,
        "evidence": [tie_json(tie, scale) for tie in side.ties],
    }


def edge_json(u: str, v: str, data: dict[str, Any]) -> dict[str, Any]:
    """A network edge: ends, sign, weights, and the IRIs of the statements or events behind it."""
    return {
        "source": u,
        "target": v,
        "sign": data["sign"],
        "weight": data["weight"],
        "positive": data["positive"],
        "negative": data["negative"],
        "relations": sorted({tie.relation for tie in data["ties"]}),
        "statements": sorted({tie.fact for tie in data["ties"]}),
    }


def blocs_report(record: Record, options: Options) -> dict[str, Any]:
    """The analysis of one window as JSON: what `kg blocs --format json` prints and `/api/blocs` serves."""
    directed, undirected = network(record, options)
    weights = options.weights
    analysis = analyse_network(undirected, weights.contested_below)
    scale = scale_of(
        record, options, [tie for _, _, data in undirected.edges(data=True) for tie in data["ties"]]
    )
    placements = analysis.placements
    return {
        "parameters": options.parameters(),
        "algorithm": ALGORITHM,
        "weights": {
            "name": weights.name,
            "contested_below": weights.contested_below,
            "reference_day": _iso(scale.reference),
        },
        "blocs": [
            {
                "id": bloc,
                "label": record.label(analysis.anchor(bloc)),
                "anchor": analysis.anchor(bloc),
                "members": members,
                "aligned": _aligned(undirected, members),
                "cohesion": cohesion(undirected, members),
                "contested": [node for node in members if placements[node].contested],
            }
            for bloc, members in analysis.blocs().items()
        ],
        "actors": [_placement_json(p, record, scale) for p in placements.values()]
        + _representatives_json(record, options, analysis),
        "contested": sorted(node for node, p in placements.items() if p.contested),
        "edges": [edge_json(u, v, data) for u, v, data in sorted(directed.edges(data=True))],
        "balance": {
            "index": analysis.balance.index,
            "triangles": analysis.balance.triangles,
            "balanced": analysis.balance.balanced,
            "unbalanced": len(analysis.balance.unbalanced),
        },
        "frustration": round(analysis.frustration, 6),
        "unbalanced_triangles": [_triangle_json(undirected, t) for t in analysis.balance.unbalanced],
        "brokers": sorted(node for node, p in placements.items() if p.broker),
        "events": [event_json(event, record, options.window) for event in timeline(record)],
    }


def _aligned(graph: nx.Graph, members: list[str]) -> bool:
    """A bloc is an alignment when its members cooperate; an actor with only hostile ties stands alone."""
    return len(members) > 1 and graph.subgraph(members).size(weight="positive") > 0


def _placement_json(placement: Placement, record: Record, scale: Scale | None = None) -> dict[str, Any]:
    actor = record.actors.get(placement.actor)
    return {
        "iri": placement.actor,
        "label": record.label(placement.actor),
        "kind": actor.kind if actor else None,
        "bloc": placement.bloc,
        "confidence": placement.confidence,
        "contested": placement.contested,
        "acts_for": None,
        "broker": placement.broker,
        "degree": placement.degree,
        "betweenness": placement.betweenness,
        "support": [side_json(side, scale) for side in placement.support],
        "against": [side_json(side, scale) for side in placement.against],
    }


def _representatives_json(record: Record, options: Options, analysis: Analysis) -> list[dict[str, Any]]:
    """Those who act for an actor of the network, in its bloc and with its confidence: their ties are its."""
    found = []
    for agent, principal in sorted(principals(record, options).items()):
        node = record.side_of.get(principal, principal) if options.sides else principal
        if node not in analysis.placements or agent in analysis.placements:
            continue
        actor, placement = record.actors.get(agent), analysis.placements[node]
        found.append(
            {
                "iri": agent,
                "label": record.label(agent),
                "kind": actor.kind if actor else None,
                "bloc": placement.bloc,
                "confidence": placement.confidence,
                "contested": placement.contested,
                "acts_for": node,
                "broker": False,
                "degree": 0.0,
                "betweenness": 0.0,
                "support": [],
                "against": [],
            }
        )
    return found


def _triangle_json(graph: nx.Graph, triangle: tuple[str, str, str]) -> dict[str, Any]:
    a, b, c = triangle
    edges = []
    for u, v in ((a, b), (b, c), (a, c)):
        data = graph[u][v]
        edges.append(
            {
                "source": u,
                "target": v,
                "sign": data["sign"],
                "statements": sorted({tie.fact for tie in data["ties"]}),
                "evidence": [tie_json(tie) for tie in data["ties"]],
            }
        )
    return {"actors": list(triangle), "edges": edges}


def diff_report(result: Diff, record: Record) -> dict[str, Any]:
    """A diff as JSON: began, ended, passing and sign-changed relations with evidence, and the events."""

    def change(item: Change) -> dict[str, Any]:
        return {
            "subject": item.subject,
            "subject_label": record.label(item.subject),
            "relation": item.relation,
            "object": item.object,
            "object_label": record.label(item.object),
            "sign": item.sign,
            "sign_before": item.sign_before,
            "sign_after": item.sign_after,
            "evidence": [tie_json(tie) for tie in item.ties],
        }

    return {
        "from": result.before.window.iso(),
        "to": result.after.window.iso(),
        "parameters": {k: v for k, v in result.after.parameters().items() if k != "date"},
        "began": [change(item) for item in result.began],
        "ended": [change(item) for item in result.ended],
        "passing": [change(item) for item in result.passing],
        "sign_changed": [change(item) for item in result.sign_changed],
        "events": [event_json(event, record) for event in result.events],
    }


def actor_slug(iri: str) -> str:
    """The part of an actor IRI after `res:`, or its last segment for other IRIs.

    >>> actor_slug("https://w3id.org/syria-kg/id/russia")
    'russia'
    """
    return iri.removeprefix(str(RES)) if iri.startswith(str(RES)) else local_name(iri)
