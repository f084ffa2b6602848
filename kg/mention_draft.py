"""The draft facts file `kg mentions --draft` writes from a reading of the text (`kg.mentions.read_text`).

What the reading proposes goes in as items marked `review: unreviewed` (`kg.review`): new entities (unnamed
sources, state bodies, unknown names) and candidate statements with their sentence as quote and the stance left
empty. The compiler refuses the file until the analyst has checked each item and deleted its marker; the
`mentions` list is a reading aid the compiler ignores.
"""

import re
import unicodedata
from pathlib import Path

import yaml

from kg.mentions import Proposal, Reading, StatementProposal
from kg.review import MARKER

__all__ = ["author_slug", "draft_document", "write_draft"]

SOURCE_NUMBER = re.compile(r"^(\d+)_")
STANCE_HINT = "analyst: asserted (the author's own voice), reported, claimed, denied or rumoured"


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


def draft_document(source_id: str, text_file: str, reading: Reading, taken: set[str]) -> str:
    """The draft facts YAML: the source block, the author, proposed entities and statements, the mentions."""
    language = reading.language
    author = author_slug(source_id, taken)
    dump = _dump
    proposed = len(reading.proposals) + len(reading.statements)
    lines = [
        f"# Draft facts for {text_file}, written by `kg mentions`: {len(reading.mentions)} mentions of known "
        f"entities, {proposed} proposed items.",
        "# Fill the title and the date, check the author, then write statements, events and quantities with",
        "# their quotes (docs/authoring.md). Each proposed item is marked `review: unreviewed`: check it (fill the",
        "# stance, fix or delete it), then delete the marker line; ingest refuses the file while a marker remains.",
        "# The `mentions` list is a reading aid: the compiler ignores it.",
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
    ]
    for proposal in reading.proposals:
        lines += _entity_lines(proposal, language)
    lines += ["", *_statement_lines(reading.statements, taken)]
    listed = [mention.as_dict() for mention in reading.mentions]
    body = yaml.safe_dump({"mentions": listed}, allow_unicode=True, sort_keys=False, width=1_000_000)
    lines += ["", "events: []", "quantities: []", "", body.rstrip("\n"), ""]
    return "\n".join(lines)


def _entity_lines(proposal: Proposal, language: str) -> list[str]:
    """A proposed entity, marked unreviewed, with where the text says it."""
    where = f"{proposal.kind}: {_dump(proposal.text)} at {proposal.start}-{proposal.end}"
    if proposal.count > 1:
        where += f" (and {proposal.count - 1} more times)"
    label_language = language if language in ("en", "fr") else "en"
    lines = [
        f"  {proposal.slug}:   # {where}",
        f"    {MARKER}",
        f"    type: [{proposal.type}]"
        if proposal.type
        else "    type: []   # analyst: Person, ArmedGroup, State, ...",
        "    label:",
        f"      {label_language}: {_dump(proposal.label)}",
    ]
    if proposal.affiliation:
        lines.append(f"    affiliation: {proposal.affiliation}")
    if proposal.suggestions:
        nearest = ", ".join(f"{entity} ({name})" for entity, name in proposal.suggestions)
        lines.append(f"    # nearest known names: {nearest}; if it is one of them, delete this entity")
    return lines


def _statement_lines(statements: list[StatementProposal], taken: set[str]) -> list[str]:
    if not statements:
        return ["statements: []"]
    lines = ["statements:"]
    used = set(taken)
    for statement in statements:
        subject, target = statement.subject.entities[0], statement.object.entities[0]
        slug = _unique(f"{subject}-{statement.relation}-{target}", used)
        used.add(slug)
        lines += [
            f"  - id: {slug}",
            f"    {MARKER}",
            f"    subject: {subject}   # {_dump(statement.subject.text)} at {statement.subject.start}",
            f"    relation: {statement.relation}   # cue {_dump(statement.cue)} at {statement.cue_start}",
            f"    object: {target}   # {_dump(statement.object.text)} at {statement.object.start}",
            f'    stance: ""   # {STANCE_HINT}',
        ]
        if statement.speaker is not None:
            lines.append(
                f"    by: {statement.speaker.slug}   # {_dump(statement.speaker.text)}, in the sentence"
            )
        lines.append(f"    quote: {_dump(statement.quote)}")
    return lines


def _unique(slug: str, used: set[str]) -> str:
    candidate, suffix = slug, 2
    while candidate in used:
        candidate, suffix = f"{slug}-{suffix}", suffix + 1
    return candidate


def _dump(value: str) -> str:
    """A YAML scalar for `value` on one line, quoted only when needed.

    >>> _dump("2024-12-07"), _dump("plain"), _dump("two\\nlines")
    ("'2024-12-07'", 'plain', '"two\\\\nlines"')
    """
    text = yaml.safe_dump(value, allow_unicode=True, width=1_000_000).removesuffix("\n...\n").rstrip("\n")
    return text if "\n" not in text else yaml.safe_dump(value, default_style='"', width=1_000_000).strip()


def write_draft(path: Path, source_id: str, text_file: str, reading: Reading, taken: set[str]) -> None:
    """Write the draft facts file (see `draft_document`)."""
    path.write_text(draft_document(source_id, text_file, reading, taken), encoding="utf-8")
