"""What the sources document about the eight core actors, and a reproducible sample of statements for review.

`docs/coverage.md` is generated from the built graph by `coverage_markdown` (`kg coverage --write`); a test
compares the committed file with what the current build produces, so it cannot drift from the data:

- a table of the 28 pairs of the eight core actors (`CORE_ACTORS`): per pair, every statement between the two
  (either direction, any stance) with when it holds by the as-of rule (`kg:holdsFrom`/`kg:holdsTo` of the
  timeline graph, kg/asof.py) and the time as the source wrote it, and the number of distinct sources;
- totals: sources, statements, statements beyond the seed's;
- a random sample of statements (`sample_markdown`, also `kg sample`), drawn with a fixed seed.

A core actor is a group of entities: Hayat Tahrir al-Sham with the entities the graph says are its predecessors
(`rt:predecessor-of`, followed back) and those the issue names as such (`DECLARED_PREDECESSORS`), the Assad
regime with the parts of its side (`kg:partOfSide res:regime-side`), and one entity for each state and Hezbollah.

`blocs_markdown` writes the section of docs/analytics.md that shows the blocs on a few dates (`kg blocs`) and
what changed between them (`kg diff`), from kg.analytics' reports.
"""

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import Any

from kg.analytics import Options, Window, blocs_report, diff, diff_report, parse_date, read_record
from kg.store import Store
from kg.vocab import RES, SOURCE_GRAPHS, sparql_prefixes

SEED_SOURCE_PREFIX = "000_"  # the seed report: the first source, the one the project started from
DEFAULT_SAMPLE_SIZE = 40
DEFAULT_SAMPLE_SEED = 17
NO_RELATION = "no relation documented in our sources"
QUOTE_CHARS = 240
BLOC_DATES = ("2012-12-31", "2015-12-31", "2018-12-31", "2021-12-31", "2024-11-26")
PREFIXES = sparql_prefixes("kg", "rdfs", "skos", "prov", "oa", "time")


@dataclass(frozen=True)
class CoreActor:
    """One of the eight core actors: a key, a heading and how to find its entities."""

    key: str
    label: str
    entity: str
    side: str | None = None  # a kg:Side whose parts count as this actor
    follow_predecessors: bool = False


CORE_ACTORS = (
    CoreActor(
        "hts", "Hayat Tahrir al-Sham and its predecessors", "hayat-tahrir-al-sham", follow_predecessors=True
    ),
    CoreActor("regime", "Assad regime and its side", "assad-regime", side="regime-side"),
    CoreActor("russia", "Russia", "russia"),
    CoreActor("iran", "Iran", "iran"),
    CoreActor("hezbollah", "Hezbollah", "hezbollah"),
    CoreActor("turkey", "Turkey", "turkey"),
    CoreActor("qatar", "Qatar", "qatar"),
    CoreActor("united-states", "United States", "united-states"),
)
# The issue counts Jabhat al-Nusra among HTS's predecessors whether or not a source in the graph says so.
DECLARED_PREDECESSORS = {"hts": ("jabhat-al-nusra",)}


@dataclass(frozen=True)
class Statement:
    """A statement as the coverage table and the sample show it."""

    iri: str
    subject: str
    relation: str
    object: str
    stance: str
    holds_from: str | None
    holds_to: str | None
    time: str | None
    observed: str | None
    sources: tuple[str, ...]
    speakers: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()


@dataclass
class Graph:
    """What the generator reads from the store, once: statements, labels, groups of the core actors."""

    statements: list[Statement]
    labels: dict[str, str]
    groups: dict[str, set[str]]
    predecessor_links: dict[str, list[str]] = field(default_factory=dict)
    source_count: int = 0


# ---------------------------------------------------------------------------------------------- reading


def _value(row: dict[str, dict[str, str]], name: str) -> str | None:
    return row[name]["value"] if name in row else None


def _slug(iri: str) -> str:
    return iri[len(str(RES)) :] if iri.startswith(str(RES)) else iri


STATEMENTS_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?st ?s ?type ?o ?stance ?from ?to ?edtf ?observed WHERE {
  ?st a kg:Statement ; kg:subject ?s ; kg:relationType ?type ; kg:object ?o ; kg:stance ?stance .
  OPTIONAL { ?st kg:holdsFrom ?from } OPTIONAL { ?st kg:holdsTo ?to }
  OPTIONAL { ?st kg:during/kg:edtf ?edtf } OPTIONAL { ?st kg:observedOn ?observed }
}"""
)
EVIDENCE_QUERY = (
    PREFIXES
    + f"""SELECT DISTINCT ?st ?g ?speaker ?exact WHERE {{
  GRAPH ?g {{ ?st a kg:Statement ; kg:hasEvidence ?ev .
    OPTIONAL {{ ?ev prov:wasAttributedTo ?speaker }}
    OPTIONAL {{ ?ev oa:hasSelector ?sel . ?sel a oa:TextQuoteSelector ; oa:exact ?exact }} }}
  FILTER (STRSTARTS(STR(?g), "{SOURCE_GRAPHS}"))
}}"""
)
LABELS_QUERY = (
    PREFIXES
    + """SELECT ?x ?label WHERE { ?x skos:prefLabel ?label FILTER (LANGMATCHES(LANG(?label), "en")) }"""
)
SIDE_QUERY = PREFIXES + "SELECT ?part ?side WHERE { ?part kg:partOfSide ?side }"
SOURCES_QUERY = f"""SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{SOURCE_GRAPHS}")) }}"""


def read_graph(store: Store) -> Graph:
    """Statements with their timeline, sources, speakers and quotes; English labels; the core actors' groups."""
    labels: dict[str, str] = {}
    for row in store.select(LABELS_QUERY):
        labels.setdefault(row["x"]["value"], row["label"]["value"])
    evidence: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.select(EVIDENCE_QUERY):
        found = evidence[row["st"]["value"]]
        found["sources"].add(row["g"]["value"][len(SOURCE_GRAPHS) :])
        for name, key in (("speaker", "speakers"), ("exact", "quotes")):
            if name in row:
                found[key].add(row[name]["value"])
    rows: dict[str, dict[str, Any]] = {}
    for row in store.select(STATEMENTS_QUERY):
        rows.setdefault(row["st"]["value"], row)  # several time nodes would give several rows: keep the first
    statements = [_statement(iri, row, evidence[iri], labels) for iri, row in sorted(rows.items())]
    groups, predecessors = _groups(store, statements)
    count = int(store.select(SOURCES_QUERY)[0]["n"]["value"])
    return Graph(statements, labels, groups, predecessors, count)


def _statement(
    iri: str, row: dict[str, Any], found: dict[str, set[str]], labels: dict[str, str]
) -> Statement:
    return Statement(
        iri=iri,
        subject=_slug(row["s"]["value"]),
        relation=labels.get(row["type"]["value"], row["type"]["value"].rsplit("/", 1)[-1]),
        object=_slug(row["o"]["value"]),
        stance=row["stance"]["value"].rsplit("#", 1)[-1].lower(),
        holds_from=_value(row, "from"),
        holds_to=_value(row, "to"),
        time=_value(row, "edtf"),
        observed=_value(row, "observed"),
        sources=tuple(sorted(found["sources"])),
        speakers=tuple(sorted(labels.get(s, _slug(s)) for s in found["speakers"])),
        quotes=tuple(sorted(found["quotes"])),
    )


def _groups(
    store: Store, statements: Sequence[Statement]
) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """The entities of each core actor; for HTS, the predecessors the graph gives (followed back)."""
    sides: dict[str, set[str]] = defaultdict(set)
    for row in store.select(SIDE_QUERY):
        sides[_slug(row["side"]["value"])].add(_slug(row["part"]["value"]))
    predecessor_of: dict[str, set[str]] = defaultdict(set)
    for st in statements:
        if st.relation == "predecessor of" and st.stance in ("asserted", "reported"):
            predecessor_of[st.object].add(st.subject)
    groups: dict[str, set[str]] = {}
    found: dict[str, list[str]] = {}
    for actor in CORE_ACTORS:
        members = {actor.entity} | (sides.get(actor.side, set()) if actor.side else set())
        if actor.follow_predecessors:
            found[actor.key] = _ancestors(actor.entity, predecessor_of)
            members |= set(found[actor.key]) | set(DECLARED_PREDECESSORS.get(actor.key, ()))
        groups[actor.key] = members
    return groups, found


def _ancestors(entity: str, predecessor_of: dict[str, set[str]]) -> list[str]:
    """Every entity the graph says came before `entity`, directly or through another predecessor.

    >>> _ancestors("hts", {"hts": {"jfs"}, "jfs": {"nusra"}})
    ['jfs', 'nusra']
    """
    seen: set[str] = set()
    todo = [entity]
    while todo:
        for earlier in predecessor_of.get(todo.pop(), ()):
            if earlier not in seen and earlier != entity:
                seen.add(earlier)
                todo.append(earlier)
    return sorted(seen)


# ---------------------------------------------------------------------------------------------- writing


def cell(text: str) -> str:
    """Text for one Markdown table cell (no line break, no unescaped bar).

    >>> cell("a | b\\nc")
    'a \\\\| b c'
    """
    return " ".join(text.replace("|", "\\|").split())


def interval(st: Statement) -> str:
    """When a statement holds by the as-of rule, and its time as the source wrote it.

    >>> interval(Statement("x", "a", "r", "b", "asserted", "2015-09-30", None, "2015-09-30/..", None, ()))
    'from 2015-09-30 (time as written: 2015-09-30/..)'
    >>> interval(Statement("x", "a", "r", "b", "asserted", "2024-12-07", None, None, "2024-12-07", ()))
    'from 2024-12-07 (undated; observed 2024-12-07)'
    """
    if st.holds_from and st.holds_to:
        held = f"{st.holds_from} to {st.holds_to}"
    elif st.holds_from:
        held = f"from {st.holds_from}"
    else:
        held = "no interval"
    written = f"time as written: {st.time}" if st.time else f"undated; observed {st.observed or 'unknown'}"
    return f"{held} ({written})"


def _relation_line(st: Statement, labels: dict[str, str]) -> str:
    stance = "" if st.stance == "asserted" else f" [{st.stance}]"
    subject, obj = _label(st.subject, labels), _label(st.object, labels)
    return f"{subject} *{st.relation}* {obj}{stance}: {interval(st)}; {len(st.sources)} source(s)"


def _label(slug: str, labels: dict[str, str]) -> str:
    return labels.get(str(RES[slug]), slug)


def pair_statements(graph: Graph, first: str, second: str) -> list[Statement]:
    """The statements between two core actors, in either direction, in order of their first day."""
    a, b = graph.groups[first], graph.groups[second]
    found = [
        st
        for st in graph.statements
        if (st.subject in a and st.object in b) or (st.subject in b and st.object in a)
    ]
    return sorted(found, key=lambda st: (st.holds_from or "", st.subject, st.relation, st.object, st.iri))


def pair_table(graph: Graph) -> str:
    """The 28 pairs: relations with their intervals and sources, or that none is documented."""
    rows = ["| pair | relations (when they hold; time as the source wrote it) | sources |", "|---|---|---|"]
    names = {actor.key: actor.label for actor in CORE_ACTORS}
    for first, second in combinations([actor.key for actor in CORE_ACTORS], 2):
        found = pair_statements(graph, first, second)
        sources = {source for st in found for source in st.sources}
        relations = "<br>".join(cell(_relation_line(st, graph.labels)) for st in found) or NO_RELATION
        rows.append(f"| {names[first]} — {names[second]} | {relations} | {len(sources)} |")
    return "\n".join(rows) + "\n"


def groups_text(graph: Graph) -> str:
    """Which entities each core actor stands for, and where the HTS predecessors come from."""
    lines = []
    for actor in CORE_ACTORS:
        members = ", ".join(f"`{slug}`" for slug in sorted(graph.groups[actor.key]))
        lines.append(f"- **{actor.label}**: {members}")
    linked = graph.predecessor_links.get("hts", [])
    declared = [slug for slug in DECLARED_PREDECESSORS["hts"] if slug not in linked]
    if linked:
        lines.append(f"- Predecessors of HTS from the graph (`predecessor of`): {', '.join(linked)}.")
    if declared:
        lines.append(
            f"- Counted as predecessors of HTS by the issue's definition, with no `predecessor of` statement in "
            f"the graph yet: {', '.join(declared)}."
        )
    return "\n".join(lines) + "\n"


def totals(graph: Graph) -> dict[str, int]:
    """Sources, statements, and the statements that the seed report does not give."""
    beyond = [st for st in graph.statements if any(not s.startswith(SEED_SOURCE_PREFIX) for s in st.sources)]
    seed_only = [st for st in graph.statements if st not in beyond]
    return {
        "sources": graph.source_count,
        "statements": len(graph.statements),
        "statements given by the seed only": len(seed_only),
        "statements beyond the seed's": len(beyond),
    }


def sample(graph: Graph, size: int = DEFAULT_SAMPLE_SIZE, seed: int = DEFAULT_SAMPLE_SEED) -> list[Statement]:
    """`size` statements drawn at random, reproducibly: the same seed and graph give the same sample."""
    if size < 1:
        raise ValueError("the sample size must be at least 1")
    ordered = sorted(graph.statements, key=lambda st: st.iri)
    drawn = random.Random(seed).sample(ordered, min(size, len(ordered)))
    return sorted(drawn, key=lambda st: st.iri)


def sample_markdown(graph: Graph, size: int = DEFAULT_SAMPLE_SIZE, seed: int = DEFAULT_SAMPLE_SEED) -> str:
    """The sample as a numbered list: triple, stance, speaker, dates, sources and the quote(s)."""
    drawn = sample(graph, size, seed)
    lines = [f"{len(drawn)} of {len(graph.statements)} statements, drawn with seed {seed}.", ""]
    for number, st in enumerate(drawn, 1):
        triple = f"{_label(st.subject, graph.labels)} *{st.relation}* {_label(st.object, graph.labels)}"
        speakers = ", ".join(st.speakers) or "none recorded"
        lines.append(f"{number}. {triple} (`{st.iri.rsplit('/', 1)[-1]}`)")
        lines.append(f"   - stance: {st.stance}; speaker: {speakers}")
        lines.append(f"   - dates: {interval(st)}; sources: {', '.join(st.sources) or 'none'}")
        for quote in st.quotes:
            short = quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS] + "…"
            lines.append(f"   - quote: “{' '.join(short.split())}”")
    return "\n".join(lines) + "\n"


def coverage_markdown(store: Store, size: int = DEFAULT_SAMPLE_SIZE, seed: int = DEFAULT_SAMPLE_SEED) -> str:
    """docs/coverage.md, from the built graph."""
    graph = read_graph(store)
    counts = "\n".join(f"| {name} | {value} |" for name, value in totals(graph).items())
    return f"""# Coverage: what our sources document about the eight core actors

<!-- Generated by `kg coverage --write` (kg/coverage.py) from the built graph; do not edit by hand.
     tests/test_coverage.py fails when this file differs from what the current build produces. -->

Each pair of the eight core actors, with every statement between them in either direction and of any stance
(a stance other than *asserted* is shown in brackets), when it holds by the as-of rule (`kg:holdsFrom` and
`kg:holdsTo` of the timeline graph, [kg/asof.py](../kg/asof.py)), the time as the source wrote it, and the number
of distinct sources; or "{NO_RELATION}".

## Totals

| count | value |
|---|---|
{counts}

## The core actors

{groups_text(graph)}
## The 28 pairs

{pair_table(graph)}
## A sample of statements for review

`kg sample --size {size} --seed {seed}` prints this list; another seed draws another sample.

{sample_markdown(graph, size, seed)}"""


# ---------------------------------------------------------------------------------------------- blocs

BLOCS_BEGIN = (
    "<!-- BEGIN generated: blocs by date (kg coverage --write, kg/coverage.py); do not edit by hand -->"
)
BLOCS_END = "<!-- END generated: blocs by date -->"


def blocs_markdown(store: Store, dates: Iterable[str] = BLOC_DATES) -> str:
    """A table of the blocs on each date (`kg blocs --date`) and what changed between them (`kg diff`)."""
    record = read_record(store)
    days = [parse_date(day) for day in dates]
    lines = [
        "## Blocs from 2012 to 2024 (generated)",
        "",
        "The blocs `kg blocs --date D` finds on each date (blocs of two or more actors, named by their most",
        "cooperative member, then their members; the number of actors that stand alone), then what `kg diff --from A --to B` reports",
        "between consecutive dates. Defaults of both commands: asserted and reported statements, undated ones",
        "included.",
        "",
        "| date | blocs | actors standing alone |",
        "|---|---|---|",
    ]
    for day in days:
        report = blocs_report(record, Options(Window.parse(day.isoformat()), False, True, False))
        groups = [bloc for bloc in report["blocs"] if len(bloc["members"]) > 1]
        named = "; ".join(_bloc_text(bloc, record.label) for bloc in groups) or "none"
        lines.append(f"| {day.isoformat()} | {cell(named)} | {len(report['blocs']) - len(groups)} |")
    lines += ["", "What changed between consecutive dates:", ""]
    for first, last in pairwise(days):
        report = diff_report(diff(record, first, last), record)
        lines.append(f"- **{first} → {last}**: " + _diff_summary(report))
    return "\n".join(lines) + "\n"


def _bloc_text(bloc: dict[str, Any], label: Any) -> str:
    """`Russia: Iran, Russia, Turkey`: the bloc's name, then its members' labels in alphabetical order."""
    members = sorted(str(label(member)) for member in bloc["members"])
    return f"{bloc['label']}: {', '.join(members)}"


def _diff_summary(report: dict[str, Any]) -> str:
    parts = []
    for key, title in (
        ("began", "began"),
        ("ended", "ended"),
        ("passing", "passing"),
        ("sign_changed", "sign"),
    ):
        changes = report.get(key) or []
        if changes:
            parts.append(f"{title}: " + "; ".join(_change_text(change) for change in changes))
    return " ".join(f"{part}." for part in parts) if parts else "no change."


def _change_text(change: dict[str, Any]) -> str:
    """`Russia allied-with Assad regime`: the labels of the two actors and the relation's local name."""
    relation = str(change.get("relation") or "").rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    subject = change.get("subject_label") or change.get("subject") or ""
    obj = change.get("object_label") or change.get("object") or ""
    return cell(f"{subject} {relation} {obj}")


def with_blocs_section(document: str, section: str) -> str:
    """docs/analytics.md with its generated section replaced (or appended at the end, marked, if absent)."""
    block = f"{BLOCS_BEGIN}\n{section}{BLOCS_END}\n"
    if BLOCS_BEGIN in document and BLOCS_END in document:
        head, rest = document.split(BLOCS_BEGIN, 1)
        tail = rest.split(BLOCS_END, 1)[1].lstrip("\n")
        return head + block + tail
    return document.rstrip("\n") + "\n\n" + block
