"""Find the known entities a new text mentions, and draft a facts file that lists them (`kg mentions`).

Names come from the store: every `rdfs:label`, `skos:altLabel` and `kg:metonym` of an entity, in every language
(English, French, Arabic). Matching rules:

- word boundaries: a name matches only where no word character (`\\w`, Unicode-aware, so Arabic letters count)
  touches it on either side;
- case-insensitive for names of 4 or more characters, case-sensitive for shorter ones (`UN`, `US`, `HTS` must
  not match "un", "us");
- typographic apostrophes (’ ‘ ʼ ′) count as the plain one, and any run of white space in a name matches any run
  of white space in the text;
- longest match first, without overlaps: "Rif Dimashq governorate" wins over "Rif Dimashq" inside it.

Offsets are 0-based code points, end exclusive, like `oa:TextPositionSelector` (and Python indices). A span that
several entities share (Damascus: the city, and the regime by metonymy) keeps every candidate; choosing is the
analyst's job. Nothing here proposes a relation: the draft holds the mentions and empty statement lists.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.authoring import SLUG
from kg.index import Index
from kg.store import Store

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'"})
CASE_INSENSITIVE_FROM = 4
NAME_KINDS = {
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/2004/02/skos/core#altLabel": "alias",
    "https://w3id.org/syria-kg/ontology#metonym": "metonym",
}
_NAMES_QUERY = """PREFIX kg: <https://w3id.org/syria-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?x ?p ?name (LANG(?name) AS ?lang) WHERE {
  VALUES ?p { rdfs:label skos:altLabel kg:metonym }
  GRAPH ?g { ?x ?p ?name }
  FILTER (STRSTARTS(STR(?x), "https://w3id.org/syria-kg/id/"))
  FILTER (?g = <https://w3id.org/syria-kg/graph/entities>
          || STRSTARTS(STR(?g), "https://w3id.org/syria-kg/graph/source/"))
}"""


@dataclass(frozen=True)
class Name:
    """One name of an entity: the words, their language, and whether it is a label, an alias or a metonym."""

    entity: str
    text: str
    language: str
    kind: str


@dataclass(frozen=True)
class Mention:
    """A span of the text that names one or more known entities."""

    start: int
    end: int
    text: str
    candidates: tuple[Name, ...] = field(default_factory=tuple)

    @property
    def entities(self) -> list[str]:
        """The distinct entity ids, in order."""
        return list(dict.fromkeys(name.entity for name in self.candidates))

    def grouped(self) -> list[dict[str, str]]:
        """One row per entity, name and kind, with the languages that name is in ("en, fr").

        >>> Mention(0, 3, "HTS", (Name("hts", "HTS", "en", "alias"), Name("hts", "HTS", "fr", "alias"))).grouped()
        [{'id': 'hts', 'name': 'HTS', 'language': 'en, fr', 'kind': 'alias'}]
        """
        rows: dict[tuple[str, str, str], list[str]] = {}
        for name in self.candidates:
            rows.setdefault((name.entity, name.text, name.kind), []).append(name.language)
        return [
            {"id": entity, "name": text, "language": ", ".join(languages), "kind": kind}
            for (entity, text, kind), languages in rows.items()
        ]


def names_from_store(store: Store, index: Index) -> list[Name]:
    """Every label, alias and metonym of the entities `index` knows (events, statements and sources excluded).

    Only authored names count: those of the entities graph and of source graphs (entities a source defines), not
    the labels other graphs record about other nodes (the labels seen on Wikidata in the links graph).
    """
    names = set()
    for row in store.select(_NAMES_QUERY):
        slug = row["x"]["value"].removeprefix("https://w3id.org/syria-kg/id/")
        definition = index.ids.get(slug)
        if definition is None or definition.kind != "entity" or not SLUG.match(slug):
            continue
        language = row.get("lang", {}).get("value", "")
        names.add(Name(slug, row["name"]["value"], language, NAME_KINDS[row["p"]["value"]]))
    return sorted(names, key=lambda n: (n.entity, n.kind, n.language, n.text))


def normalise_apostrophes(text: str) -> str:
    """Typographic apostrophes as plain ones; the length never changes, so offsets stay valid.

    >>> normalise_apostrophes("Dar’a")
    "Dar'a"
    """
    return text.translate(APOSTROPHES)


def name_pattern(name: str) -> re.Pattern[str]:
    """The regular expression that finds `name` as whole words.

    >>> bool(name_pattern("HTS").search("led by HTS."))
    True
    >>> bool(name_pattern("HTS").search("led by hts."))
    False
    >>> bool(name_pattern("Idleb").search("from IDLEB"))
    True
    >>> bool(name_pattern("Iran").search("Iranian"))
    False
    """
    words = normalise_apostrophes(name).split()
    body = r"\s+".join(re.escape(word) for word in words)
    flags = re.IGNORECASE if len(name.strip()) >= CASE_INSENSITIVE_FROM else 0
    return re.compile(rf"(?<!\w){body}(?!\w)", flags)


def _key(name: str) -> str:
    """Names that match the same spans share one pattern: case-folded when matched without case."""
    plain = " ".join(normalise_apostrophes(name).split())
    return plain.casefold() if len(plain) >= CASE_INSENSITIVE_FROM else plain


def find_mentions(text: str, names: list[Name]) -> list[Mention]:
    """The non-overlapping mentions of `names` in `text`, longest first, in text order.

    >>> names = [Name("russia", "Moscow", "en", "metonym"), Name("idlib", "Idleb", "fr", "alias")]
    >>> [(m.start, m.end, m.text, m.entities) for m in find_mentions("Moscow and Idleb.", names)]
    [(0, 6, 'Moscow', ['russia']), (11, 16, 'Idleb', ['idlib'])]
    """
    haystack = normalise_apostrophes(text)
    by_key: dict[str, list[Name]] = defaultdict(list)
    for name in names:
        if name.text.strip():
            by_key[_key(name.text)].append(name)
    spans: dict[tuple[int, int], list[Name]] = defaultdict(list)
    for group in by_key.values():
        for match in name_pattern(group[0].text).finditer(haystack):
            spans[match.span()].extend(group)
    chosen: list[tuple[int, int]] = []
    taken = [False] * (len(text) + 1)
    for start, end in sorted(spans, key=lambda span: (span[0] - span[1], span[0])):
        if any(taken[start:end]):
            continue
        for position in range(start, end):
            taken[position] = True
        chosen.append((start, end))
    return [
        Mention(start, end, text[start:end], tuple(sorted(set(spans[(start, end)]), key=_candidate_order)))
        for start, end in sorted(chosen)
    ]


def _candidate_order(name: Name) -> tuple[str, int, str, str]:
    return (name.entity, ("label", "alias", "metonym").index(name.kind), name.language, name.text)


# ------------------------------------------------------------------------------------------ the draft

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "with", "for", "was"},
    "fr": {"le", "la", "les", "des", "et", "du", "une", "est", "dans", "pour", "qui", "sur"},
}
SOURCE_NUMBER = re.compile(r"^(\d+)_")


def guess_language(text: str) -> str:
    """A language tag when the text leaves no doubt (Arabic script, or English or French function words
    outnumbering the other's five to one), else the empty string.

    >>> guess_language("The rebels and the army of the regime met in the town of Hama.")
    'en'
    >>> guess_language("Les rebelles et les forces du régime sont dans la ville.")
    'fr'
    >>> guess_language("HTS, OSDH")
    ''
    """
    arabic = len(ARABIC.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    if arabic > 0 and arabic > 4 * latin:
        return "ar"
    words = re.findall(r"\w+", text.casefold())
    counts = {
        language: sum(word in vocabulary for word in words) for language, vocabulary in FUNCTION_WORDS.items()
    }
    (first, top), (_, second) = sorted(counts.items(), key=lambda item: -item[1])
    return first if top >= 5 and top >= 5 * max(second, 1) else ""


def author_slug(source_id: str, taken: set[str]) -> str:
    """A slug for the unnamed voice of a report, as the project names them (`report-000-author`).

    >>> author_slug("901_ab12", set())
    'report-901-author'
    >>> author_slug("901_ab12", {"report-901-author"})
    'report-901-ab12-author'
    """
    number = SOURCE_NUMBER.match(source_id)
    base = number.group(1) if number else ""
    full = re.sub(r"[^a-z0-9]+", "-", _ascii(source_id).lower()).strip("-") or "source"
    for candidate in (f"report-{base}-author" if base else "", f"report-{full}-author"):
        if candidate and candidate not in taken:
            return candidate
    suffix = 2
    while f"report-{full}-author-{suffix}" in taken:
        suffix += 1
    return f"report-{full}-author-{suffix}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def draft_document(
    source_id: str, text_file: str, text: str, mentions: list[Mention], taken: set[str]
) -> str:
    """The draft facts YAML: a source block with what is known, the mentions, and empty lists to fill."""
    language = guess_language(text)
    author = author_slug(source_id, taken)
    dump = _dump
    lines = [
        f"# Draft facts for {text_file}, written by `kg mentions`: {len(mentions)} mentions of known entities.",
        "# Fill the title and the date, check the author, then write statements, events and quantities with",
        "# their quotes (docs/authoring.md). The `mentions` list is a reading aid: the compiler ignores it.",
        "",
        "source:",
        f"  id: {dump(source_id)}",
        '  title: ""        # analyst: the report\'s title',
        '  date: ""         # analyst: the publication date, YYYY-MM-DD',
        f"  language: {dump(language)}" + ("" if language else "     # analyst: en, fr, ar, ..."),
        f"  author: {author}   # the unnamed voice of the report (defined below); or the id of a known author",
    ]
    if text_file != f"seeds/{source_id}.txt":
        lines.append(f"  text: {dump(text_file)}")
    lines += [
        "",
        "entities:",
        f"  {author}:",
        "    type: [UnnamedSource]",
        "    label:",
        f"      en: {dump(f'Author of report {source_id} (unnamed)')}",
        f"    description: {dump(f'The unnamed author writing in the own voice of report {source_id}.')}",
        "",
    ]
    listed = [
        {
            "text": mention.text,
            "start": mention.start,
            "end": mention.end,
            "candidates": mention.grouped(),
        }
        for mention in mentions
    ]
    body = yaml.safe_dump({"mentions": listed}, allow_unicode=True, sort_keys=False, width=1_000_000)
    lines += [body.rstrip("\n"), "", "statements: []", "events: []", "quantities: []", ""]
    return "\n".join(lines)


def _dump(value: str) -> str:
    """A YAML scalar for `value`, quoted only when needed.

    >>> _dump("2024-12-07"), _dump("plain")
    ("'2024-12-07'", 'plain')
    """
    return yaml.safe_dump(value, allow_unicode=True, width=1_000_000).removesuffix("\n...\n").rstrip("\n")


def write_draft(
    path: Path, source_id: str, text_file: str, text: str, mentions: list[Mention], taken: set[str]
) -> None:
    """Write the draft facts file (see `draft_document`)."""
    path.write_text(draft_document(source_id, text_file, text, mentions, taken), encoding="utf-8")
