"""Notes that state facts: `kg validate --notes`.

A `note` (rdfs:comment) explains how an analyst read the text; a fact about the world belongs in structure (a
statement, an event, a quantity), where queries, the as-of rule and the stance checks see it. This check
reads the authored YAML and lists every note that seems to hold a fact no structure carries. Heuristics, each
cheap and explainable, so a finding is a prompt to look, not a verdict:

- `quote`: words in quotation marks that no quote of the file holds: something said, or source text the
  analyst paraphrased instead of quoting;
- `number`: a figure (digits or a number word) that no quantity of the file and no date of the item holds;
- `date`: a day or a year that is neither among the item's own dates nor the source's date;
- `entity`: a known entity named outside quotation marks that the item does not refer to.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.authoring import load_yaml
from kg.names import normalise
from kg.temporal import LINE_KEY

SECTIONS = ("statements", "events", "quantities", "names")
# Fields whose values are ids of entities, events, statements or quantities the item refers to.
REFERENCE_FIELDS = (
    "subject", "object", "by", "via", "agents", "participants", "targets", "place", "of", "part_of",
    "context", "entity", "condition", "closes",
)  # fmt: skip
DATE_FIELDS = ("said_on",)
QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]+)’")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")  # fmt: skip
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, 1)}
DAY_MONTH = re.compile(
    r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")\b|\b(" + "|".join(MONTHS) + r") (\d{1,2})\b", re.I
)
YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
FIGURE = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "twenty": 20, "hundred": 100, "thousand": 1000,
    "million": 1000000, "dozen": 12,
}  # fmt: skip
VAGUE_WORDS = ("dozens", "hundreds", "thousands", "scores", "several", "many")
NUMBER_WORD = re.compile(r"\b(" + "|".join([*NUMBER_WORDS, *VAGUE_WORDS]) + r")\b", re.I)
SLUG_IN_TEXT = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b")  # an id the note cites, not a name it uses
# Shorter names ("US", "HTS") also occur as parts of other words once normalised: too many false alarms.
SHORT_NAME = 4


@dataclass(frozen=True)
class NoteFinding:
    """One reason to think a note holds a fact its item's structure does not carry."""

    file: str
    line: int | None
    item: str
    kind: str
    words: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.item}: {self.kind} {self.words!r}"


@dataclass(frozen=True)
class _FileFacts:
    """What a whole facts file carries in structure: its quotes, quantity figures and vague amounts, date."""

    quotes: tuple[str, ...]
    figures: frozenset[float]
    amounts: frozenset[str]
    source_date: str


def audit_notes(facts_dir: Path, extra_files: Iterable[Path] = ()) -> list[NoteFinding]:
    """Findings for every note of the facts files under `facts_dir` (and `extra_files`), in file order."""
    entities_doc = load_yaml(facts_dir / "entities.yaml") or {}
    files = [*sorted((facts_dir / "sources").glob("*.yaml")), *extra_files]
    docs = {path: load_yaml(path) or {} for path in files}
    names = _entity_names([entities_doc, *docs.values()])
    findings: list[NoteFinding] = []
    for path, doc in docs.items():
        findings += audit_document(doc, names, _display(path, facts_dir))
    return findings


def audit_document(doc: dict[str, Any], names: dict[str, set[str]], file: str) -> list[NoteFinding]:
    """Findings for the notes of one facts file, given the known entities' names (normalised → slugs)."""
    facts = _file_facts(doc)
    linked = _contradiction_links(doc)
    items = _items_by_id(doc)
    findings: list[NoteFinding] = []
    for item in _items_with_notes(doc):
        note = str(item["note"])
        refs = _references(item).union(*(linked.get(str(item["id"]), [])))
        refs |= set().union(*(_references(items[ref]) for ref in refs if ref in items))  # an event's own
        found = [
            *_quote_findings(note, facts),
            *_number_findings(note, item, facts),
            *_date_findings(note, item, facts),
            *_entity_findings(note, refs, names),
        ]
        findings += [
            NoteFinding(file, item.get(LINE_KEY), str(item["id"]), kind, words) for kind, words in found
        ]
    return findings


def _items_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(i["id"]): i for section in SECTIONS for i in doc.get(section) or [] if isinstance(i, dict)}


def _contradiction_links(doc: dict[str, Any]) -> dict[str, list[set[str]]]:
    """Item id → the references of the items it is listed as contradicting (a note may name them)."""
    items = _items_by_id(doc)
    linked: dict[str, list[set[str]]] = {}
    for pair in doc.get("contradictions") or []:
        if isinstance(pair, list) and len(pair) == 2 and all(str(p) in items for p in pair):
            first, second = (str(p) for p in pair)
            linked.setdefault(first, []).append(_references(items[second]))
            linked.setdefault(second, []).append(_references(items[first]))
    return linked


def _items_with_notes(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for section in SECTIONS:
        for item in doc.get(section) or []:
            if isinstance(item, dict) and item.get("note") and item.get("id"):
                yield item


def _file_facts(doc: dict[str, Any]) -> _FileFacts:
    items = [item for section in SECTIONS for item in doc.get(section) or [] if isinstance(item, dict)]
    quotes = tuple(str(item["quote"]) for item in items if item.get("quote"))
    figures, amounts = set(), set()
    for quantity in doc.get("quantities") or []:
        for key in ("value", "lower", "upper"):
            if quantity.get(key) is not None:
                figures.add(float(str(quantity[key]).replace(",", "")))
        if quantity.get("amount"):
            amounts.add(str(quantity["amount"]).lower())
    source = doc.get("source") or {}
    return _FileFacts(quotes, frozenset(figures), frozenset(amounts), str(source.get("date", "")))


def _quoted_spans(note: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in QUOTED.finditer(note)]


def _unquoted(note: str) -> str:
    """The note with its quoted spans blanked out: names and figures inside quotes are the source's words."""
    return QUOTED.sub(" ", note)


def _quote_findings(note: str, facts: _FileFacts) -> Iterator[tuple[str, str]]:
    for span in _quoted_spans(note):
        words = span.strip(" .,;:…")
        if len(YEAR.sub(" ", DAY_MONTH.sub(" ", ISO_DATE.sub(" ", words))).split()) < 2:
            continue  # a date as the text words it ("On November 27"): the date check decides
        if len(words.split()) >= 2 and not any(_squash(words) in _squash(quote) for quote in facts.quotes):
            yield "quote", words


def _squash(text: str) -> str:
    """Text compared without case, quotation marks or spacing."""
    return re.sub(r"[\s“”\"‘’'()]+", " ", text).strip().lower()


def _number_findings(note: str, item: dict[str, Any], facts: _FileFacts) -> Iterator[tuple[str, str]]:
    text = _unquoted(ISO_DATE.sub(" ", DAY_MONTH.sub(" ", note)))
    carried = facts.figures | _date_numbers(item)
    for match in FIGURE.finditer(text):
        raw = match.group(0)
        value = float(raw.replace(",", ""))
        if YEAR.fullmatch(raw):
            continue  # a year: the date check decides
        if value not in carried:
            yield "number", raw
    for match in NUMBER_WORD.finditer(text):
        word = match.group(1).lower()
        vague_and_loose = word in VAGUE_WORDS and word not in facts.amounts
        if vague_and_loose or (word in NUMBER_WORDS and NUMBER_WORDS[word] not in carried):
            yield "number", match.group(1)


def _item_dates(item: dict[str, Any]) -> set[str]:
    """Every date the item's structure gives, as written (YYYY or YYYY-MM-DD, EDTF marks dropped)."""
    values: list[Any] = [item.get(key) for key in DATE_FIELDS]
    time = item.get("time")
    if isinstance(time, dict):
        values += [value for key, value in time.items() if key != LINE_KEY]
    dates: set[str] = set()
    for value in values:
        if value is not None:
            dates.update(re.findall(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", str(value)))
    return dates


def _date_numbers(item: dict[str, Any]) -> set[float]:
    return {float(part) for date in _item_dates(item) for part in date.split("-")}


def _date_findings(note: str, item: dict[str, Any], facts: _FileFacts) -> Iterator[tuple[str, str]]:
    dates = _item_dates(item) | {facts.source_date}
    years = {date[:4] for date in dates}
    days = {(int(date[5:7]), int(date[8:10])) for date in dates if len(date) == 10}
    text = note
    for match in ISO_DATE.finditer(text):
        if match.group(0) not in dates:
            yield "date", match.group(0)
    for match in DAY_MONTH.finditer(text):
        day = int(match.group(1) or match.group(4))
        month = MONTHS[(match.group(2) or match.group(3)).lower()]
        if (month, day) not in days:
            yield "date", match.group(0)
    for match in YEAR.finditer(ISO_DATE.sub(" ", text)):
        if match.group(0) not in years:
            yield "date", match.group(0)


def _entity_names(docs: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """Normalised label, alias or metonym → the slugs it names (entities.yaml and each file's entities)."""
    names: dict[str, set[str]] = {}
    for doc in docs:
        for slug, body in (doc.get("entities") or {}).items():
            if slug == LINE_KEY or not isinstance(body, dict):
                continue
            for name in _names_of(body):
                key = normalise(name)
                if len(key) >= SHORT_NAME:
                    names.setdefault(key, set()).add(str(slug))
    return names


def _names_of(body: dict[str, Any]) -> Iterator[str]:
    label = body.get("label")
    if isinstance(label, dict):
        yield from (str(v) for k, v in label.items() if k == "en")
    elif label:
        yield str(label)
    aliases = body.get("aliases") or {}
    if isinstance(aliases, dict):
        for language, values in aliases.items():
            if language != LINE_KEY:
                yield from ([values] if isinstance(values, str) else [str(v) for v in values])
    yield from (str(m) for m in body.get("metonyms") or [])


def _references(item: dict[str, Any]) -> set[str]:
    refs: set[str] = set()
    for key in REFERENCE_FIELDS:
        value = item.get(key)
        for ref in value if isinstance(value, list) else [value]:
            if ref is not None:
                refs.add(str(ref))
    return refs


def _entity_findings(note: str, refs: set[str], names: dict[str, set[str]]) -> Iterator[tuple[str, str]]:
    text = f" {normalise(SLUG_IN_TEXT.sub(' ', _unquoted(note)))} "
    refs = refs | {
        slug for ref in list(refs) for slug in names.get(normalise(ref), set())
    }  # names used as ids
    for name, slugs in names.items():
        if f" {name} " in text and not slugs & refs and not _named_by_reference(name, refs, names):
            yield "entity", name


def _named_by_reference(name: str, refs: set[str], names: dict[str, set[str]]) -> bool:
    """A longer name of a referenced entity holds this name ('Damascus' in 'Damascus countryside')."""
    return any(name in other and slugs & refs for other, slugs in names.items() if other != name)


def _display(path: Path, facts_dir: Path) -> str:
    try:
        return str(path.resolve().relative_to(facts_dir.resolve().parent.parent))
    except ValueError:
        return str(path)
