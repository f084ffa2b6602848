"""Annotation: a statement, a name or an entity made from a span of a source's text, in the browser.

The form becomes one item of the source's facts file (docs/authoring.md): a statement (`statements:`), a name
the source attests (`names:`) or a new entity (`entities:`). Its quote is the selected text exactly as in the
source, with the `occurrence` of that span when the same words occur more than once. The item is appended as
YAML text to the right section of the file, so the analyst's own text, order and comments stay as they were,
and the new text goes through `kg.ingest.amend`: the same compiler, checks, SHACL and single transaction as an
ingest, and the file `kg build` rebuilds from.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.authoring import SOURCE_ID, load_yaml, source_text_file
from kg.errors import InputError
from kg.ingest import IngestReport, amend
from kg.names import normalise
from kg.quotes import locate
from kg.settings import Settings
from kg.sparql_text import iri_ref
from kg.store import Store
from kg.vocab import ENTITIES_GRAPH, RES, SOURCE_GRAPHS, sparql_prefixes

STANCES = ("asserted", "reported", "claimed", "denied", "rumoured")
NAME_KINDS = ("alias", "former-name", "nom-de-guerre", "transliteration")
TIME_KEYS = ("at", "from", "until")
# The fields each kind of annotation takes from the form, in the order the item is written.
STATEMENT_FIELDS = (
    "subject",
    "subject_as",
    "relation",
    "object",
    "object_as",
    "stance",
    "by",
    "said_on",
    "note",
)
NAME_FIELDS = ("entity", "name", "kind", "language", "stance", "by", "said_on", "note")
ENTITY_FIELDS = ("type", "description", "affiliation")
SECTIONS = {"statement": "statements", "name": "names", "entity": "entities"}
MAX_ID_CHARS = 80


@dataclass(frozen=True)
class Span:
    """The selected words: code point offsets in the source's text (end exclusive) and the words themselves."""

    start: int
    end: int
    exact: str


@dataclass(frozen=True)
class Annotation:
    """What the form asks for: a `kind` (statement, name or entity), the span, and the form's fields."""

    kind: str
    span: Span
    fields: dict[str, Any]


@dataclass
class Annotated:
    """What an annotation added: the item's id and section, the file written, and what the amend changed."""

    id: str
    kind: str
    file: str
    report: IngestReport


# ------------------------------------------------------------------------------------------ entry point


def annotate(settings: Settings, store: Store, source_id: str, annotation: Annotation) -> Annotated:
    """Append the annotation to the source's facts file and commit it with `kg.ingest.amend` (or raise)."""
    facts_path = facts_file(settings, source_id)
    facts_text = facts_path.read_text(encoding="utf-8")
    text = source_text(settings, facts_path, source_id)
    taken = taken_ids(store, facts_path)
    if annotation.kind == "entity":
        key, body = entity_item(annotation, taken)
        new_text = append_to_mapping(facts_text, "entities", key, body)
        item_id = key
    else:
        quote, occurrence = quote_at(text, annotation.span)
        make = statement_item if annotation.kind == "statement" else name_item
        item = make(annotation, quote, occurrence, taken)
        new_text = append_to_list(facts_text, SECTIONS[annotation.kind], item)
        item_id = item["id"]
    report = amend(settings, store, source_id, new_text)
    return Annotated(item_id, annotation.kind, str(facts_path.relative_to(settings.project_dir)), report)


def facts_file(settings: Settings, source_id: str) -> Path:
    """The facts file of a source the store holds; anything else is refused (never a path outside the project)."""
    if not SOURCE_ID.match(source_id) or source_id.startswith("."):
        raise InputError(f"'{source_id}' is not a source id")
    path = settings.facts_dir / "sources" / f"{source_id}.yaml"
    if not path.is_file():
        raise InputError(f"no facts file for source '{source_id}' (kg/data/sources/{source_id}.yaml)")
    return path


def source_text(settings: Settings, facts_path: Path, source_id: str) -> str:
    """The text a source's facts quote, read from where its `source:` block says."""
    doc = load_yaml(facts_path)
    meta = doc.get("source") if isinstance(doc, dict) else None
    text_path = settings.project_dir / source_text_file(meta if isinstance(meta, dict) else {}, source_id)
    if not text_path.is_file():
        raise InputError(f"the text of source '{source_id}' is missing ({text_path.name})")
    return text_path.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ the quote


def quote_at(text: str, span: Span) -> tuple[str, int | None]:
    """The quote of a selection and, when its words occur more than once, which occurrence the selection is.

    The occurrence is counted the way the compiler finds quotes (`kg.quotes.locate`), so the evidence lands on
    the words the analyst selected.

    >>> quote_at("Russia backs Iran. Russia backs Turkey.", Span(19, 31, "Russia backs"))
    ('Russia backs', 2)
    """
    if not 0 <= span.start < span.end <= len(text):
        raise InputError(
            f"the selection {span.start}-{span.end} is outside the text ({len(text)} characters)"
        )
    if text[span.start : span.end] != span.exact:
        raise InputError("the selected words are not at that place of the source's text: reload the page")
    if not span.exact.strip():
        raise InputError("select some words: the selection is empty or only spaces")
    occurrence, count = None, 0
    while (match := locate(text, span.exact, count + 1)) is not None:
        count += 1
        if match.start == span.start:
            occurrence = count
    if occurrence is None:
        raise InputError("the selected words cannot be quoted from this place of the text")
    return span.exact, occurrence if count > 1 else None


# ------------------------------------------------------------------------------------------ the items


def statement_item(
    annotation: Annotation, quote: str, occurrence: int | None, taken: set[str]
) -> dict[str, Any]:
    """A `statements:` entry (docs/authoring.md, "statements")."""
    form = annotation.fields
    for required in ("subject", "relation", "object", "stance"):
        if not _text(form.get(required)):
            raise InputError(f"a statement needs a {required}")
    wanted = _text(form.get("id")) or slugify(f"{form['subject']} {form['relation']} {form['object']}")
    return _evidenced_item(form, STATEMENT_FIELDS, unique_id(wanted, taken), quote, occurrence)


def name_item(annotation: Annotation, quote: str, occurrence: int | None, taken: set[str]) -> dict[str, Any]:
    """A `names:` entry: another name of a known entity, attested by this source (docs/authoring.md, "names")."""
    form = dict(annotation.fields)
    form["name"] = _text(form.get("name")) or " ".join(annotation.span.exact.split())
    for required in ("entity", "stance"):
        if not _text(form.get(required)):
            raise InputError(f"a name needs {'an' if required == 'entity' else 'a'} {required}")
    if form.get("kind") and form["kind"] not in NAME_KINDS:
        raise InputError(f"unknown kind of name '{form['kind']}' (one of {', '.join(NAME_KINDS)})")
    wanted = _text(form.get("id")) or slugify(f"{form['entity']} name {form['name']}")
    return _evidenced_item(form, NAME_FIELDS, unique_id(wanted, taken), quote, occurrence)


def _evidenced_item(
    form: dict[str, Any], fields: tuple[str, ...], item_id: str, quote: str, occurrence: int | None
) -> dict[str, Any]:
    """The item with its id, the form's fields it takes, its time and its quote."""
    item: dict[str, Any] = {"id": item_id}
    item |= _fields(form, fields)
    time = _time(form.get("time"))
    if time:
        item["time"] = Flow(time)
    return _with_quote(item, quote, occurrence)


def entity_item(annotation: Annotation, taken: set[str]) -> tuple[str, dict[str, Any]]:
    """An `entities:` entry of the facts file: its slug and body; the label is the selected words by default."""
    form = annotation.fields
    label = _text(form.get("label")) or " ".join(annotation.span.exact.split())
    if not label:
        raise InputError("a new entity needs an English label")
    if not _text(form.get("type")):
        raise InputError("a new entity needs a type (State, ArmedGroup, Person, UnnamedSource, ...)")
    slug = _text(form.get("id")) or slugify(label)
    if slug in taken:
        raise InputError(f"the id '{slug}' is already used; choose another")
    labels = {"en": label} | {lang: _text(form.get(f"label_{lang}")) for lang in ("fr", "ar")}
    body: dict[str, Any] = {
        "type": _text(form["type"]),
        "label": Flow({k: v for k, v in labels.items() if v}),
    }
    body |= {key: value for key, value in _fields(form, ENTITY_FIELDS).items() if key != "type"}
    return slug, body


def _with_quote(item: dict[str, Any], quote: str, occurrence: int | None) -> dict[str, Any]:
    item["quote"] = quote
    if occurrence is not None:
        item["occurrence"] = occurrence
    return item


def _fields(form: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The form's non-empty values for these fields, in this order, as the text the analyst typed."""
    return {name: _text(form[name]) for name in names if _text(form.get(name))}


def _time(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - set(TIME_KEYS):
        raise InputError(f'time takes {", ".join(TIME_KEYS)} (EDTF dates such as 2024-12-08 or "2015~")')
    return {key: _text(value[key]) for key in TIME_KEYS if _text(value.get(key))}


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


# ------------------------------------------------------------------------------------------ ids


def slugify(words: str) -> str:
    """A lower-case kebab-case ASCII id made of some words (accents and Arabic letters dropped).

    >>> slugify("Ankara  supports the Syrian National Army!")
    'ankara-supports-the-syrian-national-army'
    """
    ascii_words = normalise(words).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_words.lower()).strip("-")
    return slug[:MAX_ID_CHARS].rstrip("-") or "annotation"


def unique_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`, ... the first that no file and no graph uses yet."""
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def taken_ids(store: Store, facts_path: Path) -> set[str]:
    """Ids the source's file defines, and ids of our IRIs in the authored graphs of the store."""
    doc = load_yaml(facts_path)
    taken: set[str] = set()
    if isinstance(doc, dict):
        entities = doc.get("entities")
        if isinstance(entities, dict):
            taken |= {str(key) for key in entities}
        for section in ("statements", "events", "quantities", "names"):
            entries = doc.get(section)
            if isinstance(entries, list):
                taken |= {str(e["id"]) for e in entries if isinstance(e, dict) and "id" in e}
    query = f"""SELECT DISTINCT ?x WHERE {{
      GRAPH ?g {{ ?x a ?type }}
      FILTER (STRSTARTS(STR(?g), "{SOURCE_GRAPHS}") || ?g = {iri_ref(ENTITIES_GRAPH)})
      FILTER (STRSTARTS(STR(?x), "{RES}"))
    }}"""
    for row in store.select(query):
        tail = row["x"]["value"].removeprefix(str(RES))
        taken.add(tail.removeprefix("statement/").removeprefix("name/"))
    return taken


def source_ids_with_files(settings: Settings, store: Store) -> list[str]:
    """The sources the store holds that have a facts file: those that can be annotated."""
    in_store = {
        iri.removeprefix(SOURCE_GRAPHS) for iri in store.graph_counts() if iri.startswith(SOURCE_GRAPHS)
    }
    return sorted(s for s in in_store if (settings.facts_dir / "sources" / f"{s}.yaml").is_file())


def fact_of_evidence(store: Store, source_id: str, item_id: str) -> dict[str, str] | None:
    """The statement (or name attestation) the item's evidence went to: a new one, or one it corroborates."""
    evidence = RES[f"evidence/{source_id}/{item_id}"]
    query = f"""{sparql_prefixes("kg")}SELECT ?fact ?s ?t ?o WHERE {{
      ?fact kg:hasEvidence {iri_ref(evidence)} .
      OPTIONAL {{ ?fact kg:subject ?s ; kg:relationType ?t ; kg:object ?o }}
    }} LIMIT 1"""
    rows = store.select(query)
    if not rows:
        return None
    row = rows[0]
    found = {"iri": row["fact"]["value"]}
    for key, name in (("subject", "s"), ("relation", "t"), ("object", "o")):
        if name in row:
            found[key] = row[name]["value"].rstrip("/").rsplit("/", 1)[-1]
    return found


# ------------------------------------------------------------------------------------------ YAML text


class Flow(dict[str, Any]):
    """A small mapping written on one line (`time: {at: '2024-12-08'}`), as the analysts write them."""


class _ItemDumper(yaml.SafeDumper):
    """Writes items as analysts do: a quote holding a line break in double quotes with `\\n`, small mappings
    inline, keys in the order given; a value the loader would read as a date or a number is quoted."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if "\n" in value or "\t" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_ItemDumper.add_representer(str, _represent_str)
_ItemDumper.add_representer(Flow, _represent_flow)


def dump_item(item: Any) -> str:
    """The YAML text of an item, at indentation 0."""
    return yaml.dump(
        item, Dumper=_ItemDumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10**6
    )


def append_to_list(facts_text: str, section: str, item: dict[str, Any]) -> str:
    """The facts text with `item` appended to the list `section:` (created at the end if absent)."""
    return _append(facts_text, section, dump_item([item]), lambda old: [*(old or []), item])


def append_to_mapping(facts_text: str, section: str, key: str, body: dict[str, Any]) -> str:
    """The facts text with `key: body` added to the mapping `section:` (created at the end if absent)."""
    return _append(facts_text, section, dump_item({key: body}), lambda old: {**(old or {}), key: body})


def _append(facts_text: str, section: str, block: str, expected: Callable[[Any], Any]) -> str:
    """Insert `block` after the last entry of the top-level `section:`, with the section's indentation.

    The result is read back and compared with what was meant (the section grown by the item, every other
    section unchanged), so a layout this cannot follow (a flow sequence, an anchor) is refused, never mangled.
    """
    lines = facts_text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    header = re.compile(rf"^{re.escape(section)}:\s*(\[\]|\{{\}})?\s*(#.*)?$")
    at = next((i for i, line in enumerate(lines) if header.match(line.rstrip("\n"))), None)
    if at is None:
        while lines and not lines[-1].strip():
            lines.pop()
        text = "".join(lines) + ("\n" if lines else "") + f"{section}:\n" + _indent(block, 2)
    else:
        lines[at] = f"{section}:\n"
        end = next((i for i in range(at + 1, len(lines)) if _top_level(lines[i])), len(lines))
        content = [
            i for i in range(at + 1, end) if lines[i].strip() and not lines[i].lstrip().startswith("#")
        ]
        last = content[-1] if content else at
        indent = _indentation(lines, content)
        lines.insert(last + 1, _indent(block, indent))
        text = "".join(lines)
    _check_append(facts_text, text, section, expected)
    return text


def _top_level(line: str) -> bool:
    """A line that starts another top-level key (or ends the document), not a list item or a comment."""
    return bool(line.strip()) and not line[0].isspace() and line[0] not in "#-"


def _indentation(lines: list[str], content: list[int]) -> int:
    """How far the section's entries are indented (2 when it has none yet)."""
    for i in content:
        stripped = lines[i].lstrip(" ")
        return len(lines[i]) - len(stripped)
    return 2


def _indent(block: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in block.splitlines(keepends=True))


def _check_append(before: str, after: str, section: str, expected: Callable[[Any], Any]) -> None:
    old, new = _plain(before), _plain(after)
    wanted = {**old, section: expected(old.get(section))}
    if new != wanted:
        raise InputError(
            f"the facts file's '{section}:' section has a layout this cannot append to (a flow list, an "
            "anchor?); add the item by hand (docs/authoring.md)"
        )


def _plain(text: str) -> dict[str, Any]:
    try:
        doc = yaml.load(text, Loader=_PlainLoader)
    except yaml.YAMLError as error:
        raise InputError(f"the facts file is not valid YAML: {error}") from error
    return doc if isinstance(doc, dict) else {}


class _PlainLoader(yaml.SafeLoader):
    """Reads every scalar as the text written, so the comparison does not depend on how dates are typed."""


_PlainLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)
