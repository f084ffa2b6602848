"""The one index of names: every label, alias and metonym of the graph's nodes, in every language.

Names are compared in the form `kg.names.normalise` gives them. The index answers three questions:

- which names have exactly this form (`named`, and `get` as the compiler reads it): name resolution in
  `kg ingest`, `kg build` and the importers, the alias property of `/reconcile`;
- where a text mentions a name (`spans`: runs of whole words whose form is a name's): `kg mentions`;
- which entities have a name containing these words (`search`, ranked): the browser's search, `/reconcile`'s
  suggestions and the SPARQL search service (`kg/text_search.py`).

Exact forms are kept in a dictionary; the substring search runs in SQLite FTS5 (Python's standard `sqlite3`)
with the trigram tokenizer over the normalised forms, created on the first search (the compiler's indexes never
search). `names_of(store)` gives the index of a store's names, kept in step with every update applied through
that store object (`Store.revision`): `kg build`, `kg ingest`, `kg retract`, SPARQL Update and Graph Store writes.
The decision and its alternatives: docs/decisions/20261127-one-name-index.md.
"""

import sqlite3
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from kg.names import normalise, words
from kg.sparql_text import iri_ref
from kg.vocab import ENTITIES_GRAPH, KG, RDFS, RES, SKOS, SOURCE_GRAPHS


class NamedStore(Protocol):
    """What the index reads of a store: kg.store.Store, not imported (the store runs the search service)."""

    revision: int

    def open_query(self, sparql: str, **options: Any) -> Any: ...


#: The properties that name a node, and the kind of name each gives.
PREDICATES = {
    "label": str(RDFS.label),
    "prefLabel": str(SKOS.prefLabel),
    "alias": str(SKOS.altLabel),
    "metonym": str(KG.metonym),
}
KINDS = {iri: kind for kind, iri in PREDICATES.items()}
LABEL_KINDS = frozenset({"label", "prefLabel"})
#: How a name matches a search, best first, and the score each match gives to a label (other names get
#: `OTHER_NAME_PENALTY` less): the whole name, its beginning, the beginning of one of its words, inside a word,
#: or every searched word somewhere in the name but not side by side.
MATCHES = {"exact": 1.0, "prefix": 0.9, "word": 0.8, "inside": 0.6, "words": 0.4}
OTHER_NAME_PENALTY = 0.05
# FTS5's trigram index finds substrings of at least three characters; shorter ones are scanned.
MIN_TRIGRAM = 3


@dataclass(frozen=True, order=True)
class Name:
    """One name of a node: its words, their language, the kind of name, and the graph that says so."""

    entity: str
    text: str
    language: str = ""
    kind: str = "label"
    graph: str = ""

    @property
    def is_label(self) -> bool:
        """A label (rdfs:label or skos:prefLabel), rather than an alias or a metonym."""
        return self.kind in LABEL_KINDS

    @property
    def is_authored(self) -> bool:
        """Said by the entities graph or a source's graph (not links, analytics or history)."""
        return self.graph == str(ENTITIES_GRAPH) or self.graph.startswith(SOURCE_GRAPHS)


@dataclass(frozen=True)
class Match:
    """An entity found by `NameIndex.search`: its best-matching name, how it matches, and its score (0 to 1)."""

    entity: str
    name: Name
    match: str
    score: float


class NameIndex:
    """Names by exact normalised form, and by substring of it (SQLite FTS5, trigram); safe across threads."""

    def __init__(self, names: Iterable[Name] = ()) -> None:
        self._lock = threading.RLock()
        self._rowids: dict[Name, int] = {}
        self._rows: dict[int, tuple[Name, str]] = {}  # rowid -> the name and its normalised form
        self._by_form: dict[str, set[Name]] = defaultdict(set)
        self._lengths: Counter[int] = Counter()  # names by number of words, for `spans`
        self._next_rowid = 1
        self._db: sqlite3.Connection | None = None
        self.add(names)

    # ---------------------------------------------------------------- changes

    def add(self, names: Iterable[Name]) -> None:
        """Index names (those already indexed are left as they are)."""
        with self._lock:
            rows = []
            for name in names:
                if name in self._rowids:
                    continue
                form = normalise(name.text)
                rowid = self._next_rowid
                self._next_rowid += 1
                self._rowids[name], self._rows[rowid] = rowid, (name, form)
                if form:
                    self._by_form[form].add(name)
                    self._lengths[form.count(" ") + 1] += 1
                    rows.append((rowid, form))
            if self._db is not None and rows:
                self._db.executemany("INSERT INTO names (rowid, form) VALUES (?, ?)", rows)

    def remove(self, names: Iterable[Name]) -> None:
        """Forget names (those not indexed are ignored)."""
        with self._lock:
            gone = []
            for name in names:
                rowid = self._rowids.pop(name, None)
                if rowid is None:
                    continue
                _, form = self._rows.pop(rowid)
                if form:
                    self._by_form[form].discard(name)
                    if not self._by_form[form]:
                        del self._by_form[form]
                    self._lengths[form.count(" ") + 1] -= 1
                    gone.append((rowid, form))
            if self._db is not None and gone:
                self._db.executemany("INSERT INTO names (names, rowid, form) VALUES ('delete', ?, ?)", gone)

    def replace(self, names: set[Name]) -> None:
        """Make the index hold exactly `names`, changing only what differs."""
        with self._lock:
            current = set(self._rowids)
            self.remove(current - names)
            self.add(names - current)

    # ---------------------------------------------------------------- exact forms

    def __len__(self) -> int:
        return len(self._rowids)

    def __iter__(self) -> Iterator[Name]:
        with self._lock:
            return iter(list(self._rowids))

    def named(self, text: str) -> set[Name]:
        """The names whose normalised form is that of `text`.

        >>> index = NameIndex([Name("hts", "Hayʼat Tahrir al-Sham"), Name("assad", "Bashar al-Assad")])
        >>> [n.entity for n in index.named("HAYAT TAHRIR SHAM")], index.named("Assad")
        (['hts'], set())
        """
        with self._lock:
            return set(self._by_form.get(normalise(text), ()))

    def get(self, form: str, default: Iterable[str] = ()) -> Iterable[str]:
        """The entities having a name of this normalised form (the compiler's lookup), else `default`."""
        with self._lock:
            found = self._by_form.get(form)
            return {name.entity for name in found} if found else default

    def spans(self, text: str) -> dict[tuple[int, int], list[Name]]:
        """Every run of whole words of `text` whose form is a name's: (start, end) offsets → those names.

        Offsets are code points, end exclusive. Runs overlap: choosing among them is the caller's job.

        >>> index = NameIndex([Name("rif", "Rif Dimashq"), Name("rif-gov", "Rif Dimashq governorate")])
        >>> sorted((span, [n.entity for n in names]) for span, names in index.spans("In RIF  DIMASHQ Governorate.").items())
        [((3, 15), ['rif']), ((3, 27), ['rif-gov'])]
        """
        found = words(text)
        spans: dict[tuple[int, int], list[Name]] = {}
        with self._lock:
            longest = max((size for size, count in self._lengths.items() if count > 0), default=0)
            for first in range(len(found)):
                for size in range(1, min(longest, len(found) - first) + 1):
                    run = found[first : first + size]
                    names = self._by_form.get(" ".join(word.form for word in run))
                    if names:
                        spans[(run[0].start, run[-1].end)] = sorted(names)
        return spans

    # ---------------------------------------------------------------- search

    def search(self, text: str, limit: int | None = None) -> list[Match]:
        """Entities having a name that contains every word of `text` (normalised), best match first.

        One `Match` per entity, with its best name: ranked by how the name matches (`MATCHES`), labels before
        other names, then by entity; among an entity's names, English then the shortest is shown. `limit`
        None: every entity found.

        >>> index = NameIndex([Name("hts", "Hayʼat Tahrir al-Sham", "en"), Name("hts", "HTS", "en", "alias"),
        ...                    Name("sham", "Shām", "en"), Name("jfs", "Jabhat Fath al-Sham", "en")])
        >>> [(m.entity, m.name.text, m.match, m.score) for m in index.search("al-sham")]
        [('sham', 'Shām', 'exact', 1.0), ('hts', 'Hayʼat Tahrir al-Sham', 'word', 0.8), ('jfs', 'Jabhat Fath al-Sham', 'word', 0.8)]
        >>> [m.entity for m in index.search("sham tahrir")], index.search("  ")
        (['hts'], [])
        """
        query = normalise(text)
        if not query:
            return []
        terms = set(query.split())
        best: dict[str, tuple[tuple[int, bool, bool, int, str], Name]] = {}
        with self._lock:
            for name, form in self._candidates(terms):
                if not all(term in form for term in terms):
                    continue
                key = (
                    _match_class(form, query),
                    not name.is_label,
                    name.language != "en",
                    len(name.text),
                    name.text,
                )
                held = best.get(name.entity)
                if held is None or key < held[0]:
                    best[name.entity] = (key, name)
        ranked = sorted(best.items(), key=lambda item: (item[1][0][:2], item[0]))
        kinds = list(MATCHES)
        return [
            Match(entity, name, kinds[key[0]], _score(kinds[key[0]], name))
            for entity, (key, name) in ranked[:limit]
        ]

    def _candidates(self, terms: set[str]) -> Iterable[tuple[Name, str]]:
        """Names that may hold every term: found by FTS5 for the terms of three letters or more, else all."""
        indexed = [term for term in terms if len(term) >= MIN_TRIGRAM]
        if not indexed:
            return self._rows.values()
        match = " ".join(f'"{term}"' for term in indexed)  # normalised terms hold no quote
        rowids = self._database().execute("SELECT rowid FROM names WHERE names MATCH ?", (match,))
        return [self._rows[rowid] for (rowid,) in rowids]

    def _database(self) -> sqlite3.Connection:
        """The FTS5 table (forms only, contentless), made on first use, then kept in step by `add`, `remove`."""
        if self._db is None:
            db = sqlite3.connect(":memory:", check_same_thread=False)  # used under `_lock` only
            db.execute("CREATE VIRTUAL TABLE names USING fts5(form, content = '', tokenize = 'trigram')")
            rows = ((rowid, form) for rowid, (_, form) in self._rows.items() if form)
            db.executemany("INSERT INTO names (rowid, form) VALUES (?, ?)", rows)
            self._db = db
        return self._db


def _match_class(form: str, query: str) -> int:
    """How a name's form holding the query's words matches it: an index into `MATCHES`.

    >>> [_match_class(form, "homs") for form in ("homs", "homs city", "north homs", "bahomsa")]
    [0, 1, 2, 3]
    >>> _match_class("hama and homs", "homs hama")
    4
    """
    if form == query:
        return 0
    if form.startswith(query):
        return 1
    if f" {query}" in f" {form}":
        return 2
    return 3 if query in form else 4


def _score(match: str, name: Name) -> float:
    return round(MATCHES[match] - (0 if name.is_label else OTHER_NAME_PENALTY), 2)


# ------------------------------------------------------------------------------------------ a store's names

# Every name of a node of ours, in any named graph (the union a query sees).
_SCAN = f"""SELECT ?entity ?predicate ?name ?graph WHERE {{
  VALUES ?predicate {{ {" ".join(iri_ref(iri) for iri in PREDICATES.values())} }}
  GRAPH ?graph {{ ?entity ?predicate ?name }}
  FILTER (isLiteral(?name) && STRSTARTS(STR(?entity), "{RES}"))
}}"""
# Statements are left out: their labels are sentences made of their entities' names ("Russia allied with Assad
# regime"), not names. Read apart: a NOT EXISTS in the scan doubled its time on disk (measured at 1M triples).
_STATEMENTS = f"SELECT ?statement WHERE {{ ?statement a <{KG.Statement}> }}"


def store_names(store: "NamedStore") -> set[Name]:
    """Every label, alias and metonym of the store's nodes (IRIs under `res:`), with the graph that holds it."""
    statements = {row[0].value for row in _rows(store, _STATEMENTS)}
    return {
        Name(entity, row[2].value, row[2].language or "", KINDS[row[1].value], row[3].value)
        for row in _rows(store, _SCAN)
        if (entity := row[0].value) not in statements
    }


def _rows(store: "NamedStore", query: str) -> list[Any]:
    answer = store.open_query(query, form="SELECT")
    try:
        return list(answer.rows)
    finally:
        answer.close()


class _Tracked:
    """The index of one store and the store revision it reflects."""

    def __init__(self) -> None:
        self.index = NameIndex()
        self.revision: int | None = None
        self.lock = threading.Lock()

    def current(self, store: "NamedStore") -> NameIndex:
        if self.revision != store.revision:
            with self.lock:
                seen = store.revision  # read first: an update during the scan makes the next call scan again
                if self.revision != seen:
                    self.index.replace(store_names(store))
                    self.revision = seen
        return self.index


_TRACKED: "weakref.WeakKeyDictionary[NamedStore, _Tracked]" = weakref.WeakKeyDictionary()
_TRACKED_LOCK = threading.Lock()


def names_of(store: "NamedStore") -> NameIndex:
    """The index of `store`'s names, brought up to date with every update applied through this store object.

    The first call reads every name (about 25,000 at a million triples: under a second); after an update the
    names are read again and only the differences applied. Writes made to a remote store by other clients
    are seen after the next write through this process.
    """
    with _TRACKED_LOCK:
        tracked = _TRACKED.get(store)
        if tracked is None:
            tracked = _TRACKED[store] = _Tracked()
    return tracked.current(store)
