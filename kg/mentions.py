"""Find the known entities a new text mentions, and draft a facts file that lists them (`kg mentions`).

Names come from the store's name index (`kg.name_index.names_of`): every `rdfs:label`, `skos:altLabel` and
`kg:metonym` of an entity, in every language (English, French, Arabic), as the entities graph and the source
graphs say them. Matching rules:

- whole words: a name matches a run of whole words of the text (`NameIndex.spans`), compared in the project's
  one normalised form (`kg.names`): case, accents, Arabic diacritics and letter variants, apostrophes, dashes,
  runs of white space and the article al-/el- do not matter ("al-Chareh" finds "Ahmed el-Chareh"'s last word);
- except that names shorter than 4 characters must appear as written (`UN`, `US`, `HTS` must not match "un",
  "us");
- longest match first, without overlaps: "Rif Dimashq governorate" wins over "Rif Dimashq" inside it.

Offsets are 0-based code points, end exclusive, like `oa:TextPositionSelector` (and Python indices). A span that
several entities share (Damascus: the city, and the regime by metonymy) keeps every candidate; choosing is the
analyst's job. Nothing here proposes a relation: the draft holds the mentions and empty statement lists.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.authoring import SLUG
from kg.index import Index
from kg.name_index import Name, NameIndex, names_of
from kg.store import Store
from kg.vocab import RES

__all__ = ["Mention", "Name", "draft_document", "find_mentions", "names_from_store", "write_draft"]

CASE_SENSITIVE_BELOW = 4
MENTIONED_KINDS = ("label", "alias", "metonym")


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
    for name in names_of(store):
        slug = name.entity.removeprefix(str(RES))
        definition = index.ids.get(slug)
        if definition is None or definition.kind != "entity" or not SLUG.match(slug):
            continue
        if name.is_authored and name.kind in MENTIONED_KINDS:
            names.add(Name(slug, name.text, name.language, name.kind))
    return sorted(names, key=lambda n: (n.entity, n.kind, n.language, n.text))


def find_mentions(text: str, names: list[Name]) -> list[Mention]:
    """The non-overlapping mentions of `names` in `text`, longest first, in text order.

    >>> names = [Name("russia", "Moscow", "en", "metonym"), Name("idlib", "Idleb", "fr", "alias")]
    >>> [(m.start, m.end, m.text, m.entities) for m in find_mentions("MOSCOW’s men and Idleb.", names)]
    [(0, 6, 'MOSCOW', ['russia']), (17, 22, 'Idleb', ['idlib'])]
    """
    spans: dict[tuple[int, int], list[Name]] = {}
    for (start, end), found in NameIndex(names).spans(text).items():
        kept = [name for name in found if _as_written(name, text[start:end])]
        if kept:
            spans[(start, end)] = kept
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


def _as_written(name: Name, found: str) -> bool:
    """A short name (`UN`, `HTS`) counts only where the text writes it as the name does.

    >>> _as_written(Name("un", "UN"), "UN"), _as_written(Name("un", "UN"), "un"), _as_written(Name("x", "Iran"), "IRAN")
    (True, False, True)
    """
    return len(name.text.strip()) >= CASE_SENSITIVE_BELOW or found.split() == name.text.split()


def _candidate_order(name: Name) -> tuple[str, int, str, str]:
    return (name.entity, MENTIONED_KINDS.index(name.kind), name.language, name.text)


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
