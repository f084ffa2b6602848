"""What the graph already knows, as the compiler needs it: ids, names, and statements by (subject, type, object).

The same index serves a full build (filled source by source) and an ingest into an existing store (read from the
store with a few SPARQL queries), so both resolve names, find corroborations and contradictions the same way.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.errors import InputError
from kg.vocab import RES

DENIAL = "denied"


@dataclass(frozen=True)
class KnownStatement:
    """A statement already in the graph: its IRI, stance and time (as a comparable key)."""

    iri: URIRef
    stance: str
    time_key: str | None


@dataclass(frozen=True)
class Definition:
    """Where an id was defined (file and line, or 'the store')."""

    kind: str
    where: str


@dataclass
class Index:
    """Known ids, names and statements."""

    ids: dict[str, Definition] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, str] = field(default_factory=dict)
    statements: dict[tuple[str, str, str], list[KnownStatement]] = field(
        default_factory=lambda: defaultdict(list)
    )
    statement_iris: dict[str, URIRef] = field(default_factory=dict)

    def define(self, slug: str, kind: str, where: str) -> None:
        """Record a new id; an id defined twice is an error."""
        if slug in self.ids:
            raise InputError(f"id '{slug}' is already defined ({self.ids[slug].where})", file=where)
        self.ids[slug] = Definition(kind, where)

    def add_names(self, slug: str, names: list[str]) -> None:
        """Names (labels, aliases, metonyms) that resolve to `slug`."""
        for name in names:
            self.names[normalise(name)].add(slug)

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

    def contradicted(self, key: tuple[str, str, str], stance: str) -> list[KnownStatement]:
        """Existing statements of the same relation whose stance is opposite (a denial against the rest)."""
        return [k for k in self.statements.get(key, []) if (k.stance == DENIAL) != (stance == DENIAL)]


def normalise(name: str) -> str:
    """The form names are compared in: case-folded, single spaces, typographic apostrophes made plain.

    >>> normalise("  Ahmed  al-Chareh ")
    'ahmed al-chareh'
    """
    return " ".join(name.replace("’", "'").casefold().split())
