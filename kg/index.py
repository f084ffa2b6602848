"""What the graph already knows, as the compiler needs it: ids, names, and statements by (subject, type, object).

The same index serves a full build (filled source by source) and an ingest into an existing store (read from the
store: names from its name index, ids and statements with a few SPARQL queries), so both resolve names, find
corroborations and contradictions the same way. Names are kept in a `kg.name_index.NameIndex` and compared in
the one normalised form of `kg.names` (re-exported here as `normalise` for the compiler and the importers).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.asof import Span, overlaps
from kg.errors import InputError
from kg.name_index import Name, NameIndex
from kg.names import normalise
from kg.vocab import RES

__all__ = ["DENIAL", "Definition", "Index", "KnownStatement", "normalise"]

DENIAL = "denied"


@dataclass(frozen=True)
class KnownStatement:
    """A statement already in the graph: its IRI, stance and time (as a comparable key)."""

    iri: URIRef
    stance: str
    time_key: str | None
    span: Span = (None, None)  # its own days (kg.asof.own_span): a denial contradicts only over a shared day


@dataclass(frozen=True)
class Definition:
    """Where an id was defined (file and line, or 'the store')."""

    kind: str
    where: str


@dataclass
class Index:
    """Known ids, names and statements."""

    ids: dict[str, Definition] = field(default_factory=dict)
    names: NameIndex = field(default_factory=NameIndex)  # `names.get(normalise(name))`: the ids it names
    labels: dict[str, str] = field(default_factory=dict)
    statements: dict[tuple[str, str, str], list[KnownStatement]] = field(
        default_factory=lambda: defaultdict(list)
    )
    statement_iris: dict[str, URIRef] = field(default_factory=dict)
    replaced_by: dict[str, str] = field(default_factory=dict)  # merged id -> the id that replaces it
    # Names sources attest (kg/identity.py): (normalised name, entity) -> the attestations' IRIs; and those the
    # source being compiled resolved a reference through (it then depends on the attesting source).
    attested: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    names_used: set[str] = field(default_factory=set)

    def define(self, slug: str, kind: str, where: str) -> None:
        """Record a new id; an id defined twice is an error."""
        if slug in self.ids:
            raise InputError(f"id '{slug}' is already defined ({self.ids[slug].where})", file=where)
        self.ids[slug] = Definition(kind, where)

    def add_names(self, slug: str, names: list[str]) -> None:
        """Names (labels, aliases, metonyms) that resolve to `slug`."""
        self.names.add(Name(slug, name) for name in names)

    def note_name_used(self, name: str, slug: str) -> None:
        """Remember that a reference resolved to `slug` through `name`, if a source attests that name."""
        self.names_used |= self.attested.get((normalise(name), slug), set())

    def iri(self, slug: str) -> URIRef:
        """The IRI of a known id (statements that corroborate another resolve to the other's IRI)."""
        if self.ids[slug].kind == "statement":
            return self.statement_iris.get(slug, RES[f"statement/{slug}"])
        return RES[slug]

    def add_statement(self, key: tuple[str, str, str], known: KnownStatement) -> None:
        """Remember a statement for later corroborations and contradictions."""
        self.statements[key].append(known)

    def corroborated(
        self, key: tuple[str, str, str], stance: str, time_key: str | None
    ) -> KnownStatement | None:
        """An existing statement saying the same thing with the same stance and a compatible time."""
        for known in self.statements.get(key, []):
            if known.stance == stance and (time_key is None or known.time_key in (None, time_key)):
                return known
        return None

    def contradicted(self, key: tuple[str, str, str], stance: str, span: Span) -> list[KnownStatement]:
        """Existing statements of the same relation whose stance is opposite (a denial against the rest) over a
        shared day: a denial of one period does not contradict a report of a later one."""
        return [
            k
            for k in self.statements.get(key, [])
            if (k.stance == DENIAL) != (stance == DENIAL) and overlaps(k.span, span)
        ]
