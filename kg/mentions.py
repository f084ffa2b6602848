"""Read a new text against the graph (`kg mentions`): the known entities it names, the short names, roles and
unnamed sources that stand for someone, the names the graph does not know, and candidate statements.

Known names come from the store's name index (`kg.name_index.names_of`): every `rdfs:label`, `skos:altLabel` and
`kg:metonym` of an entity, in every language (English, French, Arabic). Matching rules (`find_mentions`):

- whole words: a name matches a run of whole words of the text (`NameIndex.spans`), compared in the project's
  one normalised form (`kg.names`): case, accents, Arabic diacritics and letter variants, apostrophes, dashes,
  runs of white space and the article al-/el- do not matter ("al-Chareh" finds "Ahmed el-Chareh"'s last word);
- except that names shorter than 4 characters must appear as written (`UN`, `US`, `HTS` must not match "un",
  "us");
- longest match first, without overlaps: "Rif Dimashq governorate" wins over "Rif Dimashq" inside it.

`read_text` then reads what is left, each layer in the words no earlier layer took (`kg.mention_lexicon` holds
the word lists, from the graph and `kg/data/mention_cues.yaml`):

1. a state body named by its adjective ("the Russian foreign ministry"): a proposed entity, affiliated;
2. a role ("the president", "the Turkish president"): the person a holds-office statement of the graph gives;
3. a surname ("Assad"): the person, when that person was named in full earlier in the text, else ambiguous;
4. an adjective or a name without its article ("Russian", "Kremlin"): the entity, kind `adjectival`;
5. unnamed-source descriptors ("a Kremlin source", "two Iraqi security officials", "witnesses"): proposed
   speakers (UnnamedSource), affiliated with the entity the descriptor names;
6. capitalised runs no layer took ("Abu Mohammed"): unknown names, with the nearest known names.

Candidate statements (`propose_statements`): a sentence naming two actors around a cue word (a relation type's
label in the text's language, or a cue word of the cues file) gives subject, relation, object and the sentence as
quote. Offsets are 0-based code points, end exclusive, like `oa:TextPositionSelector` (and Python indices). A span
that several entities share keeps every candidate; choosing is the analyst's job.
"""

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.mention_lexicon import MENTIONED_KINDS, Lexicon, lexicon_from_store, names_from_store
from kg.name_index import Name, NameIndex
from kg.names import normalise, words

__all__ = [
    "Mention",
    "Name",
    "Proposal",
    "Reading",
    "StatementProposal",
    "find_mentions",
    "guess_language",
    "lexicon_from_store",
    "names_from_store",
    "read_text",
]

CASE_SENSITIVE_BELOW = 4
#: Kinds of candidate, in the order a mention lists them.
KIND_ORDER = (*MENTIONED_KINDS, "role", "surname", "adjectival")


@dataclass(frozen=True)
class Mention:
    """A span of the text that names one or more known entities (`note` says how it was resolved)."""

    start: int
    end: int
    text: str
    candidates: tuple[Name, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def entities(self) -> list[str]:
        """The distinct entity ids, in order."""
        return list(dict.fromkeys(name.entity for name in self.candidates))

    @property
    def kind(self) -> str:
        """How the span names: label, alias, metonym, role, surname or adjectival (its first candidate's)."""
        return self.candidates[0].kind if self.candidates else ""

    @property
    def resolved(self) -> str:
        """The one entity the span stands for (a role or surname: the person), else the empty string."""
        if self.note.startswith(("holder of", "surname,")) or not self.ambiguous:
            return self.candidates[0].entity if self.candidates else ""
        return ""

    @property
    def ambiguous(self) -> bool:
        """Several candidate entities: the analyst chooses."""
        return len(self.entities) > 1

    def grouped(self) -> list[dict[str, str]]:
        """One row per entity, name and kind, with the languages that name is in ("en, fr").

        >>> Mention(0, 3, "HTS", (Name("hts", "HTS", "en", "alias"), Name("hts", "HTS", "fr", "alias"))).grouped()
        [{'id': 'hts', 'name': 'HTS', 'language': 'en, fr', 'kind': 'alias'}]
        """
        rows: dict[tuple[str, str, str], list[str]] = {}
        for name in self.candidates:
            rows.setdefault((name.entity, name.text, name.kind), []).append(name.language)
        return [
            {"id": entity, "name": text, "language": ", ".join(filter(None, languages)), "kind": kind}
            for (entity, text, kind), languages in rows.items()
        ]

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        found["candidates"] = self.grouped()
        if self.note:
            found["note"] = self.note
        return found


@dataclass(frozen=True)
class Proposal:
    """A new entity the text suggests: an unnamed source, a state body, or a capitalised name the graph lacks."""

    kind: str  # "unnamed source", "body" or "unknown name"
    start: int
    end: int
    text: str
    slug: str
    label: str
    type: str = ""  # the class, when the kind gives it
    affiliation: str = ""  # the known entity the descriptor or adjective names
    suggestions: tuple[tuple[str, str], ...] = ()  # (id, name) of the nearest known names
    count: int = 1  # how many times the text says it

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end}
        found |= {"id": self.slug, "label": self.label, "type": self.type, "affiliation": self.affiliation}
        found["suggestions"] = [{"id": entity, "name": name} for entity, name in self.suggestions]
        found["count"] = self.count
        return found


@dataclass(frozen=True)
class StatementProposal:
    """A candidate statement: a sentence naming two actors around a cue word."""

    subject: Mention
    relation: str
    cue: str
    cue_start: int
    object: Mention
    quote: str
    quote_start: int
    speaker: Proposal | None = None  # an unnamed source the same sentence names

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"subject": self.subject.entities[0], "relation": self.relation}
        found |= {"object": self.object.entities[0], "cue": self.cue, "cue_start": self.cue_start}
        found |= {"quote": self.quote, "start": self.quote_start, "end": self.quote_start + len(self.quote)}
        if self.speaker is not None:
            found["by"] = self.speaker.slug
        return found


@dataclass
class Reading:
    """What `read_text` found in a text."""

    text: str
    language: str
    mentions: list[Mention]
    proposals: list[Proposal]
    statements: list["StatementProposal"] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Proposal]:
        return [proposal for proposal in self.proposals if proposal.kind == kind]

    def as_dict(self) -> dict[str, Any]:
        """The reading as JSON-ready data (`kg mentions --format json`)."""
        return {
            "language": self.language,
            "mentions": [mention.as_dict() for mention in self.mentions],
            "unnamed_sources": [proposal.as_dict() for proposal in self.of_kind("unnamed source")],
            "bodies": [proposal.as_dict() for proposal in self.of_kind("body")],
            "unknown_names": [proposal.as_dict() for proposal in self.of_kind("unknown name")],
            "statements": [statement.as_dict() for statement in self.statements],
        }


# ------------------------------------------------------------------------------------------ known names


def find_mentions(text: str, names: list[Name]) -> list[Mention]:
    """The non-overlapping mentions of `names` in `text`, longest first, in text order.

    >>> names = [Name("russia", "Moscow", "en", "metonym"), Name("idlib", "Idleb", "fr", "alias")]
    >>> [(m.start, m.end, m.text, m.entities) for m in find_mentions("MOSCOW’s men and Idleb.", names)]
    [(0, 6, 'MOSCOW', ['russia']), (17, 22, 'Idleb', ['idlib'])]
    """
    return [
        Mention(start, end, text[start:end], tuple(sorted(set(found), key=_candidate_order)))
        for (start, end), found in _longest_spans(text, NameIndex(names), [False] * (len(text) + 1))
    ]


def _longest_spans(
    text: str, index: NameIndex, taken: list[bool], keep: Any = None
) -> list[tuple[tuple[int, int], list[Name]]]:
    """The spans of `index`'s names in free positions of `text`, longest first without overlaps, in text order;
    marks them taken. `keep(name, found_text)` filters the names (default: `_as_written`)."""
    keep = keep or _as_written
    spans: dict[tuple[int, int], list[Name]] = {}
    for (start, end), found in index.spans(text).items():
        kept = [name for name in found if keep(name, text[start:end])]
        if kept:
            spans[(start, end)] = kept
    chosen = []
    for start, end in sorted(spans, key=lambda span: (span[0] - span[1], span[0])):
        if any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        chosen.append(((start, end), spans[(start, end)]))
    return sorted(chosen)


def _as_written(name: Name, found: str) -> bool:
    """A short name (`UN`, `HTS`) counts only where the text writes it as the name does.

    >>> _as_written(Name("un", "UN"), "UN"), _as_written(Name("un", "UN"), "un"), _as_written(Name("x", "Iran"), "IRAN")
    (True, False, True)
    """
    return len(name.text.strip()) >= CASE_SENSITIVE_BELOW or found.split() == name.text.split()


def _capitalised(name: Name, found: str) -> bool:
    """A surname, an English adjective or a name without its article counts only capitalised ("Assad", not
    "assad"; "Russian"); French adjectives are lower case ("la diplomatie russe")."""
    if not _as_written(name, found):
        return False
    return name.language == "fr" or any(character.isupper() for character in found)


def _candidate_order(name: Name) -> tuple[str, int, str, str]:
    return (name.entity, KIND_ORDER.index(name.kind), name.language, name.text)


# ------------------------------------------------------------------------------------------ the reading


def read_text(text: str, lexicon: Lexicon) -> Reading:
    """Every layer of the module's reading of `text`, and the candidate statements."""
    language = guess_language(text)
    taken = [False] * (len(text) + 1)
    known = NameIndex(lexicon.names)
    full = [
        Mention(start, end, text[start:end], tuple(sorted(set(found), key=_candidate_order)))
        for (start, end), found in _longest_spans(text, known, taken)
    ]
    full = [_with_holders(mention, lexicon) for mention in full]
    adjectives = NameIndex(_adjectival_names(lexicon))
    bodies, body_mentions = _bodies(text, lexicon, adjectives, taken)
    roles = _roles(text, lexicon, full, taken)
    surnames = _surnames(text, lexicon, full, taken)
    adjectival = [
        Mention(start, end, text[start:end], tuple(sorted(set(found), key=_candidate_order)))
        for (start, end), found in _longest_spans(text, adjectives, taken, _capitalised)
    ]
    mentions = sorted(full + body_mentions + roles + surnames + adjectival, key=lambda m: (m.start, m.end))
    speakers = _unnamed_sources(text, language, lexicon, mentions)
    for speaker in speakers:
        taken[speaker.start : speaker.end] = [True] * (speaker.end - speaker.start)
    unknown = _unknown_names(text, lexicon, known, taken)
    reading = Reading(text, language, mentions, _merged(bodies + speakers + unknown))
    reading.statements = propose_statements(reading, lexicon)
    return reading


def _merged(proposals: list[Proposal]) -> list[Proposal]:
    """One proposal per id (the first place the text says it, and how many times), in text order."""
    first: dict[str, Proposal] = {}
    counts: dict[str, int] = {}
    for proposal in sorted(proposals, key=lambda p: p.start):
        first.setdefault(proposal.slug, proposal)
        counts[proposal.slug] = counts.get(proposal.slug, 0) + 1
    return [_replace(proposal, count=counts[slug]) for slug, proposal in first.items()]


def _replace(proposal: Proposal, **changes: Any) -> Proposal:
    return Proposal(**(proposal.__dict__ | changes))


# ---------------------------------------------------------------- adjectives and bodies

ARTICLE_PREFIX = re.compile(r"^(?:the|le|la|les|l['’])\s*", re.IGNORECASE)


def _adjectival_names(lexicon: Lexicon) -> list[Name]:
    """Demonyms ("Russian" → russia) and names said without their article ("Kremlin", from "the Kremlin")."""
    names = [
        Name(entity, word, language, "adjectival")
        for entity, by_language in lexicon.demonyms.items()
        for language, adjectives in by_language.items()
        for word in adjectives
    ]
    for name in lexicon.names:
        bare = ARTICLE_PREFIX.sub("", name.text)
        if bare != name.text and bare:
            names.append(Name(name.entity, bare, name.language, name.kind))
    return names


def _bodies(
    text: str, lexicon: Lexicon, adjectives: NameIndex, taken: list[bool]
) -> tuple[list[Proposal], list[Mention]]:
    """A body of a state named by its adjective ("Russian foreign ministry"; French "la diplomatie russe")."""
    found_words = words(text)
    position = {word.start: number for number, word in enumerate(found_words)}
    ends = {word.end: number for number, word in enumerate(found_words)}
    proposals, mentions = [], []
    for (start, end), names in sorted(adjectives.spans(text).items()):
        demonyms = [
            name for name in names if name.kind == "adjectival" and _capitalised(name, text[start:end])
        ]
        if not demonyms or any(taken[start:end]):
            continue
        entity, language = demonyms[0].entity, demonyms[0].language
        phrases = lexicon.bodies.get(language, {})
        if language == "fr":
            span = _phrase_before(found_words, position.get(start), phrases)
            span = (span[0], end, span[1]) if span else None
        else:
            span = _phrase_after(found_words, ends.get(end), phrases)
            span = (start, span[0], span[1]) if span else None
        if span is None or any(taken[span[0] : span[1]]):
            continue
        body_start, body_end, phrase = span
        taken[body_start:body_end] = [True] * (body_end - body_start)
        link = "de" if language == "fr" else "of"
        label = f"{phrase[0].upper()}{phrase[1:]} {link} {lexicon.label(entity, language)}"
        slug = _unique_slug(label, lexicon.taken)
        proposals.append(
            Proposal(
                "body", body_start, body_end, text[body_start:body_end], slug, label, phrases[phrase], entity
            )
        )
        mention_name = Name(entity, text[start:end], language, "adjectival")
        mentions.append(
            Mention(
                body_start, body_end, text[body_start:body_end], (mention_name,), f"proposed entity {slug}"
            )
        )
    return proposals, mentions


def _phrase_after(found: list[Any], last: int | None, phrases: dict[str, str]) -> tuple[int, str] | None:
    """The longest phrase of `phrases` in the words right after word `last`: (its end, the phrase)."""
    if last is None:
        return None
    for phrase in sorted(phrases, key=lambda p: -len(p)):
        size = len(normalise(phrase).split())
        run = found[last + 1 : last + 1 + size]
        if len(run) == size and " ".join(word.form for word in run) == normalise(phrase):
            return run[-1].end, phrase
    return None


def _phrase_before(found: list[Any], first: int | None, phrases: dict[str, str]) -> tuple[int, str] | None:
    """The longest phrase of `phrases` in the words right before word `first`: (its start, the phrase)."""
    if first is None:
        return None
    for phrase in sorted(phrases, key=lambda p: -len(p)):
        size = len(normalise(phrase).split())
        run = found[max(first - size, 0) : first]
        if len(run) == size and " ".join(word.form for word in run) == normalise(phrase):
            return run[0].start, phrase
    return None


# ---------------------------------------------------------------- roles and surnames

ROLE_LINKS = ("of", "de", "du", "des")
ROLE_ARTICLES = {"en": ("the",), "fr": ("le", "la", "l")}


def _with_holders(mention: Mention, lexicon: Lexicon) -> Mention:
    """An office named in full ("the Turkish president") also stands for its holder, when the graph has one."""
    offices = [entity for entity in mention.entities if entity in lexicon.offices]
    holders = [holder for office in offices for holder in lexicon.holders.get(office, [])]
    if not offices or len(mention.entities) > len(offices) or not holders:
        return mention
    extra = tuple(Name(holder, lexicon.label(holder), "en", "role") for holder in dict.fromkeys(holders))
    return Mention(
        mention.start,
        mention.end,
        mention.text,
        extra + mention.candidates,
        f"holder of {', '.join(offices)}",
    )


def _role_names(lexicon: Lexicon) -> list[tuple[Name, str]]:
    """Names of offices as roles ("the president", "the Turkish president"), each with its country, if named."""
    places = {
        normalise(name.text): name.entity for name in lexicon.names if name.entity not in lexicon.offices
    }
    demonyms = {
        normalise(word): entity
        for entity, by_language in lexicon.demonyms.items()
        for adjectives in by_language.values()
        for word in adjectives
    }
    roles = []
    for name in lexicon.names:
        if name.entity not in lexicon.offices or name.language not in ROLE_ARTICLES:
            continue
        forms = normalise(name.text).split()
        country = None
        for cut, form in enumerate(forms):
            rest = [word for word in forms[cut + 1 :] if word not in ("the", "la", "le", "l", "les")]
            if form in ROLE_LINKS and " ".join(rest) in places:
                country, forms = places[" ".join(rest)], forms[:cut]
                break
        named = [demonyms[form] for form in forms if form in demonyms]
        country = country or (named[0] if named else None)
        role = " ".join(form for form in forms if form not in demonyms)
        if not role:
            continue
        for article in ROLE_ARTICLES[name.language]:
            roles.append((Name(name.entity, f"{article} {role}", name.language, "role"), ""))
            for adjective in lexicon.demonyms.get(country or "", {}).get(name.language, []):
                phrase = (
                    f"{article} {adjective} {role}"
                    if name.language == "en"
                    else f"{article} {role} {adjective}"
                )
                roles.append((Name(name.entity, phrase, name.language, "role"), country or ""))
                if name.language == "en":  # "Syrian President Bashar al-Assad"
                    roles.append((Name(name.entity, f"{adjective} {role}", "en", "role"), country or ""))
    return roles


def _roles(text: str, lexicon: Lexicon, full: list[Mention], taken: list[bool]) -> list[Mention]:
    """Roles, resolved to the holder: the one the role's country names, else the one named earlier in the text."""
    roles = _role_names(lexicon)
    countries = {name: country for name, country in roles}
    found = []
    for (start, end), names in _longest_spans(text, NameIndex([name for name, _ in roles]), taken):
        offices = list(dict.fromkeys(name.entity for name in names))
        specific = any(countries.get(name) for name in names)
        holders = [holder for office in offices for holder in lexicon.holders.get(office, [])]
        earlier = _named_before(full + found, start)
        named = [holder for holder in holders if holder in earlier]
        # The role's country names one holder; else the holder named last before it ("the president").
        chosen = holders if specific and len(set(holders)) == 1 else named[-1:]
        if chosen:
            office = next(o for o in offices if chosen[0] in lexicon.holders.get(o, []))
            note = f"holder of {office}" + ("" if specific else ", the last named before")
            candidates = (Name(chosen[0], lexicon.label(chosen[0]), names[0].language, "role"),)
        else:
            note = "ambiguous role: " + ("no holder named before" if holders else "no known holder")
            candidates = tuple(
                Name(holder, lexicon.label(holder), "en", "role") for holder in dict.fromkeys(holders)
            )
            candidates = candidates or tuple(
                Name(office, lexicon.label(office), "en", "role") for office in offices
            )
        found.append(Mention(start, end, text[start:end], candidates, note))
    return found


def _named_before(mentions: list[Mention], position: int) -> list[str]:
    """The entities named unambiguously before `position`, in text order."""
    ordered = sorted((m for m in mentions if m.end <= position and m.resolved), key=lambda m: m.start)
    return [mention.resolved for mention in ordered]


def _surname_names(lexicon: Lexicon) -> list[Name]:
    """The last word of each person's names of two words or more ("al-Assad" of "Bashar al-Assad")."""
    surnames = set()
    for name in lexicon.names:
        if name.entity in lexicon.persons and len(normalise(name.text).split()) >= 2:
            last = name.text.split()[-1]
            if len(normalise(last)) >= 3 and last not in lexicon.not_names:
                surnames.add(Name(name.entity, last, "", "surname"))
    return sorted(surnames)


def _surnames(text: str, lexicon: Lexicon, full: list[Mention], taken: list[bool]) -> list[Mention]:
    """Surnames: the person named in full earlier in the text, else every person of that surname (ambiguous)."""
    found = []
    for (start, end), names in _longest_spans(text, NameIndex(_surname_names(lexicon)), taken, _capitalised):
        people = list(dict.fromkeys(name.entity for name in names))
        earlier = [person for person in _named_before(full, start) if person in people]
        if earlier and len(set(earlier)) == 1:
            person = earlier[0]
            candidates = (Name(person, lexicon.label(person), "", "surname"),)
            note = "surname, after the full name"
        else:
            candidates = tuple(Name(person, lexicon.label(person), "", "surname") for person in people)
            note = "ambiguous surname: " + (
                "several persons named earlier" if earlier else "no full name earlier"
            )
        found.append(Mention(start, end, text[start:end], candidates, note))
    return found


# ---------------------------------------------------------------- unnamed sources

TOKEN = re.compile(r"[^\W_](?:[\w’'\-]*[^\W_])?")
NUMBER = re.compile(r"^\d+$")


def _unnamed_sources(text: str, language: str, lexicon: Lexicon, mentions: list[Mention]) -> list[Proposal]:
    """Descriptors of unnamed speakers: [determiner] [modifiers] noun [link + a name] (French: modifiers after)."""
    tokens = list(TOKEN.finditer(text))
    languages = [language] if language in lexicon.descriptors else list(lexicon.descriptors)
    found = []
    for number, token in enumerate(tokens):
        for tongue in languages:
            vocabulary = lexicon.descriptors[tongue]
            if token.group().casefold() in vocabulary.nouns:
                span = _descriptor_span(text, tokens, number, vocabulary, tongue, mentions)
                if span is not None:
                    found.append(_unnamed_source(text, span, vocabulary, mentions, lexicon))
                break
    return [proposal for proposal in found if proposal is not None]


def _adjacent(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    """Only white space between two tokens (no punctuation, no line break gap of a paragraph)."""
    gap = text[left.end() : right.start()]
    return not gap.strip() and gap.count("\n") <= 1


def _descriptor_span(
    text: str,
    tokens: list[re.Match[str]],
    noun: int,
    vocabulary: Any,
    language: str,
    mentions: list[Mention],
) -> tuple[int, int, bool] | None:
    """(start, end, has a determiner) of the descriptor around the noun `tokens[noun]`, or None."""
    first, described = noun, False
    while first > 0 and noun - first < 4 and _adjacent(text, tokens[first - 1], tokens[first]):
        word = tokens[first - 1].group()
        if word.casefold() in vocabulary.modifiers or (language == "en" and word[:1].isupper()):
            first, described = first - 1, True
        else:
            break
    last = noun
    if language == "fr":
        while last + 1 < len(tokens) and last - noun < 3 and _adjacent(text, tokens[last], tokens[last + 1]):
            if tokens[last + 1].group().casefold() not in vocabulary.modifiers | _french_adjectives(
                mentions, text
            ):
                break
            last, described = last + 1, True
    determiner = first > 0 and _adjacent(text, tokens[first - 1], tokens[first])
    determiner = determiner and (
        tokens[first - 1].group().casefold() in vocabulary.determiners
        or bool(NUMBER.match(tokens[first - 1].group()))
    )
    plural = tokens[noun].group().casefold().endswith(("s", "x"))
    if not (determiner or described or plural):
        return None
    start = tokens[first - 1].start() if determiner else tokens[first].start()
    end = _linked_end(text, tokens[last].end(), vocabulary, mentions)
    return start, end, determiner


def _french_adjectives(mentions: list[Mention], text: str) -> set[str]:
    return {m.text.casefold() for m in mentions if m.kind == "adjectival" and m.text.islower()}


def _linked_end(text: str, end: int, vocabulary: Any, mentions: list[Mention]) -> int:
    """The end of "close to Hezbollah" after a descriptor ending at `end`, when a mention follows the link."""
    rest = text[end:]
    for link in vocabulary.links:
        match = re.match(rf"\s+{re.escape(link)}\s*(?:the\s+)?", rest, re.IGNORECASE)
        if match:
            named = next((m for m in mentions if m.start == end + match.end()), None)
            if named is not None:
                return named.end
    return end


def _unnamed_source(
    text: str, span: tuple[int, int, bool], vocabulary: Any, mentions: list[Mention], lexicon: Lexicon
) -> Proposal:
    start, end, has_determiner = span
    phrase = text[start:end]
    core = phrase.split(None, 1)[1] if has_determiner and " " in phrase else phrase
    inside = [m for m in mentions if start <= m.start and m.end <= end and len(m.entities) == 1]
    affiliation = inside[0].entities[0] if inside else ""
    label = f"{core[0].upper()}{core[1:]} (unnamed)"
    slug = _unique_slug(f"unnamed {core}", lexicon.taken)
    return Proposal(
        "unnamed source", start, end, phrase, slug, " ".join(label.split()), "UnnamedSource", affiliation
    )


# ---------------------------------------------------------------- unknown names

CONNECTORS = frozenset({"al", "el", "bin", "ibn", "ben", "abu", "of", "de", "du", "des", "la", "for"})
SENTENCE_END = re.compile(r"(?:[.!?:;]|^)[\s\"“‘(«—-]*$")
SUGGESTIONS = 3


def _unknown_names(text: str, lexicon: Lexicon, known: NameIndex, taken: list[bool]) -> list[Proposal]:
    """Capitalised runs of words in no mention: candidate new entities, each with the nearest known names."""
    inner = {match.group() for match in TOKEN.finditer(text) if not _opens_sentence(text, match.start())}
    # For spelling suggestions; short forms (SNA, HTS) look like any short word.
    forms = {form: entry for entry in known if len(form := normalise(entry.text)) >= CASE_SENSITIVE_BELOW}
    # Titles before a name ("President Bashar al-Assad") are the words of the offices' roles.
    titles = {word.capitalize() for name, _ in _role_names(lexicon) for word in name.text.split()[1:]}
    proposals = []
    for run in _capitalised_runs(text, taken):
        while run and (run[0].group() in lexicon.not_names or run[0].group() in CONNECTORS | titles):
            run = run[1:]
        while run and run[-1].group().casefold() in CONNECTORS:
            run = run[:-1]
        if not run:
            continue
        start, end = run[0].start(), run[-1].end()
        word = text[start:end]
        # A lone capitalised word opening a sentence ("Shortly", "Faced") is a name only if the text also
        # capitalises it inside a sentence.
        if len(run) == 1 and (len(word) < 2 or (_opens_sentence(text, start) and word not in inner)):
            continue
        slug = _unique_slug(word, lexicon.taken)
        suggestions = _suggestions(word, known, forms)
        proposals.append(Proposal("unknown name", start, end, word, slug, word, suggestions=suggestions))
    return proposals


def _opens_sentence(text: str, position: int) -> bool:
    return bool(SENTENCE_END.search(text[max(0, position - 200) : position]))


def _capitalised_runs(text: str, taken: list[bool]) -> list[list[re.Match[str]]]:
    """Runs of capitalised tokens (with connectors inside: "Abu Mohammed al-Jolani") outside taken spans."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for token in TOKEN.finditer(text):
        word = token.group()
        capital = word[:1].isupper() or bool(re.match(r"^(?:al|el)[-‐][A-Z]", word))
        free = not any(taken[token.start() : token.end()])
        joins = (
            current and _adjacent(text, current[-1], token) and text[current[-1].end() : token.start()] == " "
        )
        if free and (capital or (word.casefold() in CONNECTORS and current)) and (joins or capital):
            if not joins:
                runs.append(current)
                current = []
            current.append(token)
        else:
            runs.append(current)
            current = []
    runs.append(current)
    return [run for run in runs if run]


def _suggestions(name: str, known: NameIndex, forms: dict[str, Name]) -> tuple[tuple[str, str], ...]:
    """The nearest known names: names holding its words, then names spelt alike."""
    found: dict[str, str] = {}
    for match in known.search(name, limit=SUGGESTIONS):
        found.setdefault(match.entity, match.name.text)
    for word in sorted(normalise(name).split(), key=len, reverse=True):
        if len(word) >= 4 and len(found) < SUGGESTIONS:
            for match in known.search(word):  # names holding the whole word, not a word starting with it
                if f" {word} " in f" {normalise(match.name.text)} " and len(found) < SUGGESTIONS:
                    found.setdefault(match.entity, match.name.text)
    for form in difflib.get_close_matches(normalise(name), list(forms), n=SUGGESTIONS, cutoff=0.6):
        found.setdefault(forms[form].entity, forms[form].text)
    return tuple(list(found.items())[:SUGGESTIONS])


def _unique_slug(words_: str, taken: Iterable[str]) -> str:
    """A kebab-case id from words, not among `taken`.

    >>> _unique_slug("Foreign ministry of Russia", set()), _unique_slug("Abu Mohammed", {"abu-mohammed"})
    ('foreign-ministry-of-russia', 'abu-mohammed-2')
    """
    base = re.sub(r"[^a-z0-9]+", "-", _ascii(words_).lower()).strip("-")[:60].strip("-") or "entity"
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# ------------------------------------------------------------------------------------------ candidate statements

SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’)]*|$)|[^\n]+", re.MULTILINE)
SUFFIXES = ("ements", "ement", "ing", "ent", "ed", "es", "s", "e")


def propose_statements(reading: Reading, lexicon: Lexicon) -> list[StatementProposal]:
    """For each sentence: each cue word with an actor named before it and another after it."""
    cues = _cue_forms(lexicon, reading.language)
    actors = [_as_resolved(m) for m in reading.mentions if m.resolved and m.kind != "adjectival"]
    actors = [m for m in actors if m.entities[0] not in lexicon.offices]
    bodies = {p.start: p for p in reading.of_kind("body")}
    speakers = reading.of_kind("unnamed source")
    proposals = []
    for start, end in _sentences(reading.text):
        inside = [m for m in actors if start <= m.start and m.end <= end]
        if len(inside) < 2:
            continue
        for cue_start, cue_end, relation in _cues(reading.text, start, end, cues, inside):
            before = [m for m in inside if m.end <= cue_start]
            after = [m for m in inside if m.start >= cue_end]
            if not before or not after:
                continue
            subject, target = _as_proposed(before[-1], bodies), _as_proposed(after[0], bodies)
            if subject.entities == target.entities:
                continue
            speaker = next((s for s in speakers if start <= s.start and s.end <= end), None)
            proposals.append(
                StatementProposal(
                    subject,
                    relation,
                    reading.text[cue_start:cue_end],
                    cue_start,
                    target,
                    reading.text[start:end],
                    start,
                    speaker,
                )
            )
    return proposals


def _as_resolved(mention: Mention) -> Mention:
    """The mention with only the entity it stands for."""
    kept = tuple(name for name in mention.candidates if name.entity == mention.resolved)
    return Mention(mention.start, mention.end, mention.text, kept, mention.note)


def _as_proposed(mention: Mention, bodies: dict[int, Proposal]) -> Mention:
    """A mention of a proposed body stands for the proposed entity, not for the state its adjective names."""
    body = bodies.get(mention.start)
    if body is None or body.end != mention.end:
        return mention
    return Mention(
        mention.start, mention.end, mention.text, (Name(body.slug, body.label, "", "label"),), mention.note
    )


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without surrounding white space.

    >>> text = "Russia backs Iran. Turkey\\nfights HTS! Alone"
    >>> [text[s:e] for s, e in _sentences(text)]
    ['Russia backs Iran.', 'Turkey', 'fights HTS!', 'Alone']
    """
    spans = []
    for match in SENTENCE.finditer(text):
        chunk = match.group()
        stripped = chunk.strip()
        if stripped:
            start = match.start() + chunk.index(stripped)
            spans.append((start, start + len(stripped)))
    return spans


def _stem(word: str) -> str:
    """A crude common stem of English and French inflections ("backs", "backed", "backing" → "back").

    >>> [_stem(w) for w in ("backs", "backed", "backing", "supports", "allied", "allies")]
    ['back', 'back', 'back', 'support', 'alli', 'alli']
    """
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _cue_forms(lexicon: Lexicon, language: str) -> list[tuple[tuple[str, ...], str]]:
    """Each cue (relation labels and cue words, in the text's language or every language) as stems, longest first."""
    cues = set()
    for relation, by_language in lexicon.relation_labels.items():
        for tongue, labels in by_language.items():
            if language in ("", tongue) and tongue in ("en", "fr"):
                for label in labels:
                    stems = tuple(_stem(form) for form in normalise(label).split())
                    if stems:
                        cues.add((stems, relation))
    return sorted(cues, key=lambda cue: (-len(cue[0]), cue))


def _cues(
    text: str, start: int, end: int, cues: list[tuple[tuple[str, ...], str]], actors: list[Mention]
) -> list[tuple[int, int, str]]:
    """Cue words of the sentence outside actors' names, longest first without overlaps, in text order."""
    sentence = [w for w in words(text[start:end])]
    stems = [_stem(word.form) for word in sentence]
    inside_actor = [any(m.start <= start + w.start < m.end for m in actors) for w in sentence]
    used = [False] * len(sentence)
    found = []
    for cue, relation in cues:
        size = len(cue)
        for first in range(len(sentence) - size + 1):
            window = range(first, first + size)
            if tuple(stems[first : first + size]) != cue or any(used[i] or inside_actor[i] for i in window):
                continue
            for i in window:
                used[i] = True
            found.append((start + sentence[first].start, start + sentence[first + size - 1].end, relation))
    return sorted(found)


# ------------------------------------------------------------------------------------------ language

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "with", "for", "was"},
    "fr": {"le", "la", "les", "des", "et", "du", "une", "est", "dans", "pour", "qui", "sur"},
}


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
    found = re.findall(r"\w+", text.casefold())
    counts = {
        language: sum(word in vocabulary for word in found) for language, vocabulary in FUNCTION_WORDS.items()
    }
    (first, top), (_, second) = sorted(counts.items(), key=lambda item: -item[1])
    return first if top >= 5 and top >= 5 * max(second, 1) else ""
