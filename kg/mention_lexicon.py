"""What `kg mentions` knows before it reads a text: the graph's names, persons, offices and their holders, the
relation types' labels, and the word lists of `kg/data/mention_cues.yaml` (demonyms, bodies of a state,
unnamed-source descriptors, relation cue words, capitalised words that are not names).

Everything is read once per command; `kg.mentions` does the reading of the text.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from kg.authoring import SLUG
from kg.index import Index
from kg.name_index import Name, names_of
from kg.store import Store
from kg.vocab import DECLARED_RELATION_TYPE, KG, RES, RT, SKOS

CUES_FILE = Path(__file__).parent / "data" / "mention_cues.yaml"
MENTIONED_KINDS = ("label", "alias", "metonym")
LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class DescriptorWords:
    """The words of an unnamed-source descriptor in one language (see `unnamed_sources` in the cues file)."""

    nouns: frozenset[str]
    determiners: frozenset[str]
    modifiers: frozenset[str]
    links: tuple[str, ...]


@dataclass
class Lexicon:
    """The names and word lists a reading of a text uses."""

    names: list[Name]
    persons: set[str] = field(default_factory=set)
    offices: set[str] = field(default_factory=set)
    holders: dict[str, list[str]] = field(default_factory=dict)  # office -> the persons holding it
    relation_labels: dict[str, dict[str, list[str]]] = field(
        default_factory=dict
    )  # type -> language -> words
    demonyms: dict[str, dict[str, list[str]]] = field(
        default_factory=dict
    )  # entity -> language -> adjectives
    bodies: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> body phrase -> type
    descriptors: dict[str, DescriptorWords] = field(default_factory=dict)
    not_names: frozenset[str] = frozenset()
    taken: set[str] = field(default_factory=set)  # ids in use (new ids must differ)

    @cached_property
    def _labels(self) -> dict[str, dict[str, str]]:
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for name in self.names:
            if name.kind == "label":
                labels[name.entity][name.language] = name.text
        return labels

    def label(self, entity: str, language: str = "en") -> str:
        """The entity's label in `language` (else English, else its id)."""
        labels = self._labels.get(entity, {})
        return labels.get(language) or labels.get("en") or entity


@cache
def cue_data(path: Path = CUES_FILE) -> dict[str, Any]:
    """The cues file, parsed once."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def lexicon_from_names(
    names: list[Name],
    *,
    persons: Iterable[str] = (),
    holders: dict[str, list[str]] | None = None,
    relation_labels: dict[str, dict[str, list[str]]] | None = None,
    taken: Iterable[str] = (),
    cues: dict[str, Any] | None = None,
) -> Lexicon:
    """A lexicon of these names and facts, with the word lists of the cues file (entities not named are dropped)."""
    cues = cue_data() if cues is None else cues
    known = {name.entity for name in names}
    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for relation, by_language in (relation_labels or {}).items():
        for language, words in by_language.items():
            labels[relation][language].extend(words)
    for relation, by_language in (cues.get("relation_cues") or {}).items():
        if relation in labels:
            for language, words in by_language.items():
                labels[relation][language].extend(str(word) for word in words)
    holders = holders or {}
    return Lexicon(
        names=names,
        persons=set(persons) & known,
        offices=set(holders) & known,
        holders={office: people for office, people in holders.items() if office in known},
        relation_labels={relation: dict(by_language) for relation, by_language in labels.items()},
        demonyms={
            entity: {language: [str(word) for word in words] for language, words in by_language.items()}
            for entity, by_language in (cues.get("demonyms") or {}).items()
            if entity in known
        },
        bodies={
            language: {str(phrase): str(kind) for phrase, kind in phrases.items()}
            for language, phrases in (cues.get("bodies") or {}).items()
        },
        descriptors={
            language: DescriptorWords(
                frozenset(words.get("nouns") or ()),
                frozenset(words.get("determiners") or ()),
                frozenset(words.get("modifiers") or ()),
                tuple(sorted(words.get("links") or (), key=lambda link: -len(link))),
            )
            for language, words in (cues.get("unnamed_sources") or {}).items()
        },
        not_names=frozenset(str(word) for words in (cues.get("not_names") or {}).values() for word in words),
        taken=set(taken) | known,
    )


def lexicon_from_store(store: Store, index: Index) -> Lexicon:
    """The lexicon of the store's graph: authored names of its entities, persons, offices held, relation types."""
    names = names_from_store(store, index)
    holders: dict[str, list[str]] = defaultdict(list)
    for person, office in _pairs(store, _HOLDERS):
        if person not in holders[office]:
            holders[office].append(person)
    for office in {entity for entity, _ in _pairs(store, _OFFICES)}:
        holders.setdefault(office, [])
    relation_labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for relation, label, language in _rows(store, _RELATION_LABELS):
        relation_labels[relation][language].append(label)
    return lexicon_from_names(
        names,
        persons={entity for entity, _ in _pairs(store, _PERSONS)},
        holders=dict(holders),
        relation_labels=relation_labels,
        taken=set(index.ids),
    )


def names_from_store(store: Store, index: Index) -> list[Name]:
    """Every label, alias and metonym of the entities `index` knows (events, statements and sources excluded).

    Only authored names count: those of the entities graph and of source graphs (entities a source defines), not
    the labels other graphs record about other nodes (the labels seen on Wikidata in the links graph).
    """
    names = set()
    for name in names_of(store):
        slug = name.entity.removeprefix(str(RES))
        definition = index.ids.get(slug)
        if definition is None or definition.kind != "entity" or not SLUG.match(slug):
            continue
        if name.is_authored and name.kind in MENTIONED_KINDS:
            names.add(Name(slug, name.text, name.language, name.kind))
    return sorted(names, key=lambda n: (n.entity, n.kind, n.language, n.text))


_PERSONS = f"SELECT DISTINCT ?a ?b WHERE {{ GRAPH ?g {{ ?a a <{KG.Person}> }} BIND(1 AS ?b) }}"
_OFFICES = f"SELECT DISTINCT ?a ?b WHERE {{ GRAPH ?g {{ ?a a <{KG.Office}> }} BIND(1 AS ?b) }}"
_HOLDERS = f"""SELECT DISTINCT ?a ?b WHERE {{ GRAPH ?g {{
  ?s <{KG.relationType}> <{RT["holds-office"]}> ; <{KG.subject}> ?a ; <{KG.object}> ?b }} }}"""
_RELATION_LABELS = f"""SELECT DISTINCT ?a ?b ?c WHERE {{ GRAPH ?g {{
  ?a a <{KG.RelationType}> ; <{SKOS.prefLabel}> ?b }} BIND(LANG(?b) AS ?c) }}"""


def _rows(store: Store, query: str) -> list[tuple[str, ...]]:
    answer = store.open_query(query, form="SELECT")
    try:
        return [tuple(_local(term.value) for term in row) for row in answer.rows]
    finally:
        answer.close()


def _pairs(store: Store, query: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in _rows(store, query)]


def _local(value: str) -> str:
    """An entity's or relation type's id from its IRI (other values as they are)."""
    for namespace in (str(RES), str(RT), str(DECLARED_RELATION_TYPE)):
        if value.startswith(namespace):
            return value.removeprefix(namespace)
    return value
