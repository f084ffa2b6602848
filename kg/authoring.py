"""Compile the analyst-authored YAML of `kg/data/` (format: docs/authoring.md) to RDF.

Every id, type, relation type, key and quote is checked, and every problem of a run is collected: the run ends
with one `InputErrors` listing them all, each with its file, line, item id and a suggestion (the nearest known
name, key or passage of the text), so a broken file never reaches the store and the analyst fixes everything
in one pass. A quote that matched only after folding punctuation is a warning (`SourceSummary.warnings`).
"""

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg import attribution
from kg.asof import span_in_graph
from kg.errors import InputError, InputErrors
from kg.identity import (
    compile_names,
    compile_replacements,
    compile_sides,
    record_names_used,
    register_names,
    register_replacements,
    register_sides,
)
from kg.index import Definition, Index, KnownStatement, normalise
from kg.quotes import QuoteMatch, find_all, locate, nearest_passage
from kg.relation_types import compile_relation_types, register_relation_types, relation_type_iri
from kg.review import refuse_unreviewed
from kg.temporal import LINE_KEY, add_time, parse_date
from kg.vocab import (
    DCTERMS,
    ENTITIES_GRAPH,
    KG,
    OA,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    RES,
    RT,
    SKOS,
    XSD,
    source_graph,
)
from kg.yaml_text import load_yaml, whole_number

__all__ = ["CompiledData", "Compiler", "SourceSummary", "Vocabulary", "load_yaml", "source_text_file"]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
SOURCE_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
UNITS = {
    "people": KG.UnitPeople,
    "kilometre": KG.UnitKilometre,
    "year": KG.UnitYear,
    "decade": KG.UnitDecade,
    "locality": KG.UnitLocality,
}
QUALIFIERS = {
    "at-least": KG.AtLeast,
    "around": KG.Around,
    "more-than": KG.MoreThan,
    "less-than": KG.LessThan,
    "exactly": KG.Exactly,
    "as-stated": KG.AsStated,
    "some": KG.Some,
}


# The keys each kind of mapping takes (docs/authoring.md); any other is refused with the nearest of these.
ATTESTATION_KEYS = frozenset(
    {
        "id",
        "stance",
        "by",
        "via",
        "modality",
        "condition",
        "said_on",
        "time",
        "context",
        "quote",
        "occurrence",
    }
    | {"note"}
)
KNOWN_KEYS = {
    "source file": frozenset(
        {
            "source",
            "entities",
            "statements",
            "events",
            "quantities",
            "names",
            "relation_types",
            "contradictions",
            "mentions",  # the names `kg mentions` found, left in its draft for the analyst; not compiled
        }
    ),
    "entities file": frozenset({"entities", "sides"}),
    "source": frozenset(
        {
            "id",
            "title",
            "date",
            "language",
            "author",
            "publisher",
            "url",
            "text",
            "licence",
            "retrieved",
            "part",
            "reprint_of",
        }
    ),
    "entity": frozenset(
        {"type", "label", "aliases", "metonyms", "description", "affiliation", "replaces", "post_in"}
    ),
    "statement": ATTESTATION_KEYS | {"subject", "subject_as", "relation", "object", "object_as", "closes"},
    "event": ATTESTATION_KEYS | {"type", "label", "place", "agents", "participants", "targets", "part_of"},
    "quantity": ATTESTATION_KEYS
    | {"kind", "unit", "qualifier", "value", "amount", "lower", "upper", "of", "part_of"},
}
FAILED: Any = object()  # what `Compiler._attempt` returns for a step whose problem it recorded
QUOTE_SUGGESTION_RATIO = 0.5  # below this, the nearest passage is no help


@dataclass(frozen=True)
class Vocabulary:
    """What the ontology allows authors to name: classes, event classes, relation types, quantity kinds."""

    classes: frozenset[str]
    event_classes: frozenset[str]
    relation_types: dict[str, str]  # slug -> English label (declared types are added as files declare them)
    quantity_kinds: frozenset[str]
    direct_properties: dict[str, URIRef] = field(default_factory=dict)  # slug -> its kg:directProperty

    @classmethod
    def from_ontology(cls, ontology: Graph) -> "Vocabulary":
        """Read the allowed names from the ontology graph."""
        kg_classes = {local(c) for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(KG))}
        events = {
            local(c)
            for c in ontology.transitive_subjects(RDFS.subClassOf, KG.Event)
            if str(c).startswith(str(KG)) and c != KG.Event
        }
        relation_types = {
            str(rt)[len(str(RT)) :]: _english_label(ontology, rt)
            for rt in ontology.subjects(RDF.type, KG.RelationType)
            if str(rt).startswith(str(RT))
        }
        kinds = {local(k) for k in ontology.subjects(RDF.type, KG.QuantityKind)}
        direct = {
            slug: prop
            for slug in relation_types
            if isinstance(prop := ontology.value(relation_type_iri(slug), KG.directProperty), URIRef)
        }
        return cls(frozenset(kg_classes), frozenset(events), relation_types, frozenset(kinds), direct)


def _english_label(graph: Graph, node: Node) -> str:
    """The English skos:prefLabel of a node, else its IRI."""
    labels = [lbl for lbl in graph.objects(node, SKOS.prefLabel) if getattr(lbl, "language", None) == "en"]
    return str(labels[0]) if labels else str(node)


def local(iri: Node) -> str:
    """The part of a kg: IRI after the '#'.

    >>> local(KG.State)
    'State'
    """
    return str(iri).rsplit("#", 1)[-1]


@dataclass
class CompiledData:
    """The RDF compiled from `kg/data/`: one graph per named graph IRI."""

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    summaries: list["SourceSummary"] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    entity_slugs: set[str] = field(default_factory=set)

    def graph(self, iri: URIRef) -> Graph:
        """The graph named `iri`, created empty on first use."""
        if iri not in self.graphs:
            self.graphs[iri] = Graph()
        return self.graphs[iri]

    def union(self) -> Graph:
        """All compiled triples in one graph (for validation)."""
        merged = Graph()
        for graph in self.graphs.values():
            merged += graph
        return merged


@dataclass
class SourceSummary:
    """What compiling one source added: counts a person wants to see after an ingest."""

    source_id: str
    new_entities: list[str] = field(default_factory=list)
    statements: int = 0
    corroborations: int = 0
    contradictions: int = 0
    events: int = 0
    quantities: int = 0
    warnings: list[str] = field(default_factory=list)


class Compiler:
    """Turns `entities.yaml` and `sources/*.yaml` into named graphs, against an index of what is known."""

    def __init__(self, vocabulary: Vocabulary, project_dir: Path, index: Index | None = None) -> None:
        self.vocabulary = vocabulary
        self.project_dir = project_dir
        self.index = index if index is not None else Index()
        self.problems: list[InputError] = []
        self._skipped: set[int] = set()  # entries whose id could not be defined: not compiled further

    # ---------------------------------------------------------------- collecting problems

    def _problem(self, error: InputError, item: Any = None) -> None:
        self.problems.append(error.about(item if isinstance(item, str) else None))

    def _attempt(
        self, where: tuple[Any, int | None], item: Any, action: Callable[..., Any], *args: Any
    ) -> Any:
        """Run one step; a problem is recorded (with the item's id) and FAILED returned, so the run goes on.

        A value of the wrong type that a step did not check for is reported as such, never as a traceback.
        """
        try:
            return action(*args)
        except InputErrors as many:
            self.problems.extend(many.problems)
        except InputError as error:
            self._problem(error, item)
        except (TypeError, AttributeError, KeyError, ValueError, IndexError) as error:
            detail = f"{type(error).__name__}: {error}"
            message = f"a value here has the wrong type or form ({detail}); see docs/authoring.md"
            self._problem(InputError(message, file=str(where[0]), line=where[1]), item)
        return FAILED

    def raise_problems(self) -> None:
        """End the run with every problem recorded so far, if any."""
        if self.problems:
            problems, self.problems = self.problems, []
            raise InputErrors(problems)

    def _check_keys(self, mapping: dict[Any, Any], kind: str, file: Path, item: Any = None) -> None:
        known = KNOWN_KEYS[kind]
        for key in mapping:
            if key == LINE_KEY or key in known:
                continue
            hint = _close(str(key), known) or f" (a {kind} takes: {', '.join(sorted(known))})"
            where = {"file": str(file), "line": mapping.get(LINE_KEY)}
            self._problem(InputError(f"unknown key '{key}' in a {kind}{hint}", **where), item)

    # ---------------------------------------------------------------- entry points

    def compile(self, facts_dir: Path) -> CompiledData:
        """Compile every authored file under `facts_dir`: the shared entities, then each source in order.

        Every problem of every file is collected; `InputErrors` lists them all at the end.
        """
        entities_path = facts_dir / "entities.yaml"
        entities_doc = self._document(entities_path, "entities")  # without it, nothing else can be checked
        file = self._rel(entities_path)
        where = (file, None)
        refuse_unreviewed(entities_doc, str(file))
        data = CompiledData()
        self._check_keys(entities_doc, "entities file", file)
        self._attempt(where, None, self._register_entities, entities_path, entities_doc)
        entities = entities_doc.get("entities") or {}
        self._attempt(where, None, register_replacements, self.index, entities, str(file))
        self._attempt(where, None, register_sides, self, entities_path, entities_doc)
        self._attempt(
            where, None, self._compile_entities, entities_path, entities_doc, data.graph(ENTITIES_GRAPH)
        )
        self._attempt(where, None, compile_replacements, data.graph(ENTITIES_GRAPH), entities)
        self._attempt(
            where, None, compile_sides, self, entities_path, entities_doc, data.graph(ENTITIES_GRAPH)
        )
        for path in sorted((facts_dir / "sources").glob("*.yaml")):
            summary = self._attempt(
                (self._rel(path), None), None, self._compile_source_file, path, data, None
            )
            if summary is not FAILED:
                data.summaries.append(summary)
        self.raise_problems()
        data.entity_slugs = {slug for slug, d in self.index.ids.items() if d.kind == "entity"}
        data.counts = {"entities": len(data.entity_slugs)}
        for name in ("statements", "corroborations", "contradictions", "events", "quantities"):
            data.counts[name] = sum(getattr(summary, name) for summary in data.summaries)
        return data

    def compile_source_file(
        self, path: Path, data: CompiledData, text_path: Path | None = None
    ) -> SourceSummary:
        """Compile one source file into its named graph of `data` (the index learns what it defines).

        `text_path` reads the source text from elsewhere than its place in the project (an ingest compiles
        before it copies anything). Every problem of the file is listed at once (`InputErrors`).
        """
        summary = self._attempt(
            (self._rel(path), None), None, self._compile_source_file, path, data, text_path
        )
        self.raise_problems()
        return summary

    def _compile_source_file(self, path: Path, data: CompiledData, text_path: Path | None) -> SourceSummary:
        doc = self._document(path, "source")
        file = self._rel(path)
        refuse_unreviewed(doc, str(file))  # items `kg mentions` proposed and no analyst checked
        self._check_keys(doc, "source file", file)
        self.index.names_used.clear()
        self._attempt((file, None), None, self._register_entities, path, doc)
        self._register_source_ids(path, doc)
        self._attempt((file, None), None, register_relation_types, self, path, doc)
        self._attempt((file, None), None, register_names, self, path, doc)
        return self._compile_source(path, doc, data, text_path)

    def _document(self, path: Path, top_key: str) -> dict[str, Any]:
        if not path.exists():
            raise InputError("file not found", file=str(self._rel(path)))
        doc = load_yaml(path)
        if not isinstance(doc, dict) or top_key not in doc:
            what = "an empty file" if doc is None else f"a {_kind_of(doc)}"
            raise InputError(
                f"expected a mapping with a '{top_key}:' key (docs/authoring.md), found {what}",
                file=str(self._rel(path)),
                line=1,
            )
        return doc

    def _rel(self, path: Path) -> Path:
        try:
            return path.resolve().relative_to(self.project_dir.resolve())
        except ValueError:
            return path

    # ---------------------------------------------------------------- id registry

    def _define(self, slug: Any, kind: str, path: Path, line: int | None) -> str:
        file = str(self._rel(path))
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise InputError(f"id {slug!r} is not a lower-case kebab-case slug", file=file, line=line)
        if slug in self.index.ids:
            raise InputError(
                f"id '{slug}' is already defined ({self.index.ids[slug].where})", file=file, line=line
            )
        self.index.define(slug, kind, f"{file}:{line}")
        return slug

    def _register_entities(self, path: Path, doc: dict[str, Any]) -> None:
        entities = doc.get("entities") or {}
        if not isinstance(entities, dict):
            raise InputError("'entities' must be a mapping of slug to entity", file=str(self._rel(path)))
        for slug, body in _items(entities):
            line = body.get(LINE_KEY) if isinstance(body, dict) else None
            self._attempt((self._rel(path), line), slug, self._register_entity, path, slug, body, line)

    def _register_entity(self, path: Path, slug: Any, body: Any, line: int | None) -> None:
        self._define(slug, "entity", path, line)
        if isinstance(body, dict):
            self.index.labels[slug] = _english(body.get("label"), slug)
            self.index.add_names(slug, _names(body))

    def _register_source_ids(self, path: Path, doc: dict[str, Any]) -> None:
        file = self._rel(path)
        for section, kind in (("statements", "statement"), ("events", "event"), ("quantities", "quantity")):
            for entry in self._entries(doc, section, file):
                line = entry.get(LINE_KEY)
                if (
                    self._attempt((file, line), None, self._define, entry.get("id"), kind, path, line)
                    is FAILED
                ):
                    self._skipped.add(id(entry))
                elif kind == "event":
                    self.index.labels[entry["id"]] = _english(entry.get("label"), entry["id"])

    def _entries(self, doc: dict[str, Any], section: str, file: Path) -> list[dict[str, Any]]:
        """The mappings of a list section; a section or an entry of the wrong shape is a problem, skipped."""
        entries = doc.get(section) or []
        if not isinstance(entries, list):
            self._problem(
                InputError(
                    f"'{section}' must be a list of entries (- id: ...), found a {_kind_of(entries)}",
                    file=str(file),
                )
            )
            return []
        kept = []
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                message = f"entry {number} of '{section}' must be a mapping (id: ..., ...), found a {_kind_of(entry)}"
                self._problem(InputError(message, file=str(file)))
            elif id(entry) not in self._skipped:
                kept.append(entry)
        return kept

    def _resolve(
        self, value: Any, what: str, file: Path, line: int | None, kinds: Iterable[str] = ("entity",)
    ) -> str:
        """The id a reference names: an id itself, or a label, alias or metonym naming exactly one entity."""
        allowed = tuple(kinds)
        where = {"file": str(file), "line": line}
        if value is None:
            raise InputError(f"'{what}' is missing: give an id or a name", **where)
        if not isinstance(value, str):
            raise InputError(
                f"'{what}' must be one id or name, found a {_kind_of(value)}: {_shown(value)}", **where
            )
        if value in self.index.replaced_by:  # a merged id names its replacement
            value = self.index.replaced_by[value]
        if value in self.index.ids:
            kind = self.index.ids[value].kind
            if kind not in allowed:
                raise InputError(
                    f"'{value}' in '{what}' is a {kind}, expected {' or '.join(allowed)}", **where
                )
            return value
        named = sorted(
            slug
            for slug in self.index.names.get(normalise(value), set())
            if self.index.ids.get(slug, Definition("", "")).kind in allowed
        )
        if len(named) == 1:
            self.index.note_name_used(value, named[0])  # a name a source attests: that source is needed
            return named[0]
        if len(named) > 1:
            candidates = ", ".join(f"{slug} ({self.index.labels.get(slug, slug)})" for slug in named)
            raise InputError(
                f"'{value}' in '{what}' is ambiguous; write one of these ids: {candidates}", **where
            )
        hint = self._nearest_names(value, allowed)
        if value in self.vocabulary.relation_types:
            hint = f"; '{value}' is a relation type: are '{what}' and 'relation' swapped?"
        raise InputError(f"unknown {' or '.join(allowed)} '{value}' in '{what}'{hint}", **where)

    def _nearest_names(self, value: str, allowed: tuple[str, ...]) -> str:
        """The ids whose id or name (label, alias, metonym) is closest to `value`, best first, as a hint: a
        misspelt "Syrian governmnet" finds the Assad regime by its name before an id that merely looks alike."""
        wanted = normalise(value)
        score: dict[str, float] = {}

        def consider(slug: str, form: str) -> None:
            matcher = difflib.SequenceMatcher(None, wanted, form)
            if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                score[slug] = max(score.get(slug, 0.0), matcher.ratio())

        for slug, definition in self.index.ids.items():
            if definition.kind in allowed:
                consider(slug, normalise(slug.replace("-", " ")))
        for name in self.index.names:
            if self.index.ids.get(name.entity, Definition("", "")).kind in allowed:
                consider(name.entity, normalise(name.text))
        hints = sorted((slug for slug, ratio in score.items() if ratio >= 0.6), key=lambda s: (-score[s], s))
        return f"; did you mean {', '.join(hints[:4])}?" if hints else ""

    def _ref(
        self, value: Any, what: str, file: Path, line: int | None, kinds: Iterable[str] = ("entity",)
    ) -> URIRef:
        """The IRI of a reference (see `_resolve`)."""
        return self.index.iri(self._resolve(value, what, file, line, kinds))

    # ---------------------------------------------------------------- entities

    def _compile_entities(self, path: Path, doc: dict[str, Any], graph: Graph) -> None:
        file = self._rel(path)
        entities = doc.get("entities") or {}
        if not isinstance(entities, dict):
            return  # reported when the ids were registered
        for slug, body in _items(entities):
            line = body.get(LINE_KEY) if isinstance(body, dict) else None
            self._attempt((file, line), slug, self._compile_entity, file, slug, body, line, graph)

    def _compile_entity(self, file: Path, slug: str, body: Any, line: int | None, graph: Graph) -> None:
        if not isinstance(body, dict):
            raise InputError(
                f"entity '{slug}' must be a mapping (type: ..., label: ...)", file=str(file), line=line
            )
        self._check_keys(body, "entity", file, slug)
        node = RES[slug]
        types = body.get("type")
        for type_name in [types] if isinstance(types, str) else types or []:
            if type_name not in self.vocabulary.classes:
                raise InputError(
                    f"entity '{slug}': unknown type '{type_name}'{_close(str(type_name), self.vocabulary.classes)}",
                    file=str(file),
                    line=line,
                )
            graph.add((node, RDF.type, KG[type_name]))
        if not types:
            raise InputError(f"entity '{slug}' has no type", file=str(file), line=line)
        self._add_labels(graph, node, body.get("label"), slug, file, line)
        if not isinstance(body.get("aliases") or {}, dict):
            raise InputError(
                f"entity '{slug}': aliases are a mapping of language to names (aliases: {{en: [...]}})",
                file=str(file),
                line=line,
            )
        for language, aliases in _items(body.get("aliases") or {}):
            for alias in [aliases] if isinstance(aliases, str) else aliases:
                graph.add((node, SKOS.altLabel, Literal(str(alias), lang=language)))
        for metonym in _as_list(body.get("metonyms")):
            graph.add((node, KG.metonym, Literal(str(metonym), lang="en")))
        if body.get("description"):
            graph.add((node, RDFS.comment, Literal(str(body["description"]), lang="en")))
        if body.get("affiliation"):
            graph.add((node, KG.affiliatedWith, self._ref(body["affiliation"], "affiliation", file, line)))
        if body.get("post_in"):  # an office's organisation or state, whom its holder acts for
            graph.add((node, ORG.postIn, self._ref(body["post_in"], "post_in", file, line)))

    def _add_labels(
        self, graph: Graph, node: URIRef, label: Any, slug: str, file: Path, line: int | None
    ) -> None:
        if isinstance(label, str):
            label = {"en": label}
        if not isinstance(label, dict) or not label.get("en"):
            raise InputError(
                f"'{slug}' needs an English label (label: {{en: ...}})", file=str(file), line=line
            )
        for language, text in _items(label):
            if not isinstance(language, str) or not LANGUAGE_TAG.match(language):
                raise InputError(
                    f"'{slug}': {language!r} is not a language tag (quote labels that hold a comma)",
                    file=str(file),
                    line=line,
                )
            graph.add((node, RDFS.label, Literal(str(text), lang=language)))
            graph.add((node, SKOS.prefLabel, Literal(str(text), lang=language)))

    # ---------------------------------------------------------------- sources

    def _compile_source(
        self, path: Path, doc: dict[str, Any], data: CompiledData, text_path: Path | None = None
    ) -> SourceSummary:
        file = self._rel(path)
        meta = doc["source"]
        line = meta.get(LINE_KEY) if isinstance(meta, dict) else None
        if not isinstance(meta, dict):
            raise InputError(
                f"'source' must be a mapping (id: ..., title: ...), found a {_kind_of(meta)}",
                file=str(file),
                line=1,
            )
        self._check_keys(meta, "source", file)
        where = (file, line)
        source_id = meta.get("id")
        if not isinstance(source_id, str) or not SOURCE_ID.match(source_id) or source_id != path.stem:
            message = f"source id {source_id!r} must equal the file name '{path.stem}'"
            self._problem(InputError(message, file=str(file), line=line))
            source_id = path.stem  # go on under the file's name, to list the other problems too
        text_file = source_text_file(meta, source_id)
        shown = str(text_path) if text_path is not None else text_file  # the path the analyst gave, if any
        read = self._attempt(
            where, None, _read_text, text_path or self.project_dir / text_file, shown, file, line
        )
        raw, text = (b"", "") if read is FAILED else read
        date = self._attempt(where, None, parse_date, meta.get("date"), "source date", file, line)
        author = self._attempt(where, None, self._ref, meta.get("author"), "author", file, line)
        context = _SourceContext(
            id=source_id,
            file=file,
            text_file=text_file,
            text=text,
            node=RES[f"source/{source_id}"],
            date=Literal("0001-01-01", datatype=XSD.date)
            if date is FAILED
            else date,  # only while listing problems
            author=RES["unknown-author"] if author is FAILED else author,
            graph=data.graph(source_graph(source_id)),
            summary=SourceSummary(source_id, new_entities=sorted(_slugs(doc.get("entities")))),
            text_shown=shown,
            has_text=read is not FAILED,
        )
        self._compile_entities(path, doc, context.graph)
        self._attempt(
            where, None, self._add_source_node, context, meta, hashlib.sha256(raw).hexdigest(), line
        )
        self._attempt((file, None), None, compile_relation_types, self, context, path, doc)
        self._attempt((file, None), None, compile_names, self, context, path, doc)
        sections: tuple[tuple[str, Callable[..., None], str | None], ...] = (
            ("statements", self._compile_statement, None),  # counted as statements or corroborations
            ("events", self._compile_event, "events"),
            ("quantities", self._compile_quantity, "quantities"),
        )
        for section, compile_entry, counter in sections:
            for entry in self._entries(doc, section, file):
                done = self._attempt(
                    (file, entry.get(LINE_KEY)), entry.get("id"), compile_entry, context, entry
                )
                if counter and done is not FAILED:
                    setattr(context.summary, counter, getattr(context.summary, counter) + 1)
        pairs = doc.get("contradictions") or []
        if not isinstance(pairs, list):
            self._problem(InputError("'contradictions' must be a list of pairs of ids", file=str(file)))
            pairs = []
        for pair in pairs:
            self._attempt((file, None), None, self._compile_contradiction, context, pair)
        record_names_used(context.graph, context.node, self.index)
        return context.summary

    def _add_source_node(
        self, ctx: "_SourceContext", meta: dict[str, Any], sha256: str, line: int | None
    ) -> None:
        graph, node = ctx.graph, ctx.node
        if not meta.get("title") or not meta.get("language"):
            raise InputError("source needs a title and a language", file=str(ctx.file), line=line)
        graph.add((node, RDF.type, KG.SourceDocument))
        graph.add((node, DCTERMS.title, Literal(str(meta["title"]), lang="en")))
        graph.add((node, RDFS.label, Literal(str(meta["title"]), lang="en")))
        graph.add((node, DCTERMS.date, ctx.date))
        graph.add((node, DCTERMS.language, Literal(str(meta["language"]))))
        graph.add((node, DCTERMS.identifier, Literal(ctx.id)))
        graph.add((node, KG.sha256, Literal(sha256)))
        graph.add((node, KG.textFile, Literal(ctx.text_file)))
        graph.add((node, PROV.wasAttributedTo, ctx.author))
        if meta.get("publisher"):
            graph.add((node, DCTERMS.publisher, self._ref(meta["publisher"], "publisher", ctx.file, line)))
        if meta.get("url"):
            graph.add((node, DCTERMS.source, URIRef(str(meta["url"]))))
        if meta.get("licence"):
            graph.add((node, DCTERMS.license, URIRef(str(meta["licence"]))))
        if meta.get("retrieved"):
            graph.add((node, KG.retrievedOn, parse_date(meta["retrieved"], "retrieval date", ctx.file, line)))
        if meta.get("part"):
            graph.add((node, KG.storedPart, Literal(str(meta["part"]))))
        if meta.get("reprint_of"):  # another copy of a document already in the graph (kg/ingest.py)
            graph.add((node, KG.reprintOf, RES[f"source/{meta['reprint_of']}"]))

    def _compile_statement(self, ctx: "_SourceContext", entry: dict[str, Any]) -> None:
        """A statement node, or one more piece of evidence on an existing statement that says the same."""
        line = entry.get(LINE_KEY)
        slug = entry["id"]
        where = (ctx.file, line)
        self._check_keys(entry, "statement", ctx.file, slug)
        relation = self._attempt(where, slug, self._relation, entry, ctx.file)
        kinds = ("entity", "event")
        subject = self._attempt(
            where, slug, self._resolve, entry.get("subject"), "subject", ctx.file, line, kinds
        )
        target = self._attempt(
            where, slug, self._resolve, entry.get("object"), "object", ctx.file, line, kinds
        )
        stance = self._attempt(where, slug, self._stance, entry, ctx)
        time_key = self._attempt(where, slug, _time_key, entry.get("time"), ctx.file, line)
        if any(part is FAILED for part in (relation, subject, target, stance, time_key)):
            self._add_attestation(ctx, RES[f"statement/{slug}"], entry)  # to list its other problems too
            return
        key = (subject, relation, target)
        # A hedged entry is its own statement: corroborating a fact with it (or it with a fact) would change what
        # the fact says. Its index key carries the modality, so only its like corroborates it.
        modality = entry.get("modality")
        known_stance = f"{stance} ({modality} {entry.get('condition') or ''})" if modality else stance
        existing = None if entry.get("closes") else self.index.corroborated(key, known_stance, time_key)
        if existing is not None:
            self.index.statement_iris[slug] = existing.iri
            ctx.graph.add((existing.iri, KG.hasEvidence, self._add_evidence(ctx, slug, entry)))
            ctx.graph.add((existing.iri, KG.observedOn, ctx.date))
            ctx.summary.corroborations += 1
            return
        node = RES[f"statement/{slug}"]
        graph = ctx.graph
        graph.add((node, RDF.type, KG.Statement))
        graph.add((node, KG.subject, self.index.iri(subject)))
        graph.add((node, KG.relationType, relation_type_iri(relation)))
        graph.add((node, KG.object, self.index.iri(target)))
        labels = self.index.labels
        label = f"{labels[subject]} {self.vocabulary.relation_types[relation]} {labels[target]}"
        graph.add((node, RDFS.label, Literal(label, lang="en")))
        for field_name, prop in (("subject_as", KG.subjectMention), ("object_as", KG.objectMention)):
            if entry.get(field_name):
                graph.add((node, prop, Literal(str(entry[field_name]))))
        if entry.get("closes"):
            closed = self._ref(entry["closes"], "closes", ctx.file, line, ("statement",))
            graph.add((node, KG.closes, closed))
        self._add_attestation(ctx, node, entry)
        span = span_in_graph(graph, node, ctx.first_day)
        for opposite in self.index.contradicted(key, stance, span):
            graph.add((node, KG.contradicts, opposite.iri))
            ctx.summary.contradictions += 1
        self.index.add_statement(key, KnownStatement(node, known_stance, time_key, span))
        ctx.summary.statements += 1

    def _relation(self, entry: dict[str, Any], file: Path) -> str:
        relation = entry.get("relation")
        if not isinstance(relation, str) or relation not in self.vocabulary.relation_types:
            hint = _close(str(relation), self.vocabulary.relation_types)
            if isinstance(relation, str) and relation in self.index.ids:
                kind = self.index.ids[relation].kind
                hint = f"; '{relation}' is an {kind}: are 'relation' and 'subject' or 'object' swapped?"
            raise InputError(
                f"statement '{entry['id']}': unknown relation type '{_shown(relation)}'{hint}",
                file=str(file),
                line=entry.get(LINE_KEY),
            )
        return relation

    def _compile_event(self, ctx: "_SourceContext", entry: dict[str, Any]) -> None:
        line = entry.get(LINE_KEY)
        slug = entry["id"]
        where = (ctx.file, line)
        self._check_keys(entry, "event", ctx.file, slug)
        node = RES[slug]
        event_type = entry.get("type")
        graph = ctx.graph
        part_of = KG.subEventOf
        if not isinstance(event_type, str) or event_type not in self.vocabulary.event_classes:
            hint = _close(str(event_type), self.vocabulary.event_classes)
            message = f"event '{slug}': unknown event type '{event_type}'{hint}"
            self._problem(InputError(message, file=str(ctx.file), line=line))
        else:
            part_of = attribution.event_types(graph, node, KG[event_type], entry)
        self._attempt(where, slug, self._add_labels, graph, node, entry.get("label"), slug, ctx.file, line)
        links = (
            ("place", KG.place),
            ("agents", KG.agent),
            ("participants", KG.hasParticipant),
            ("targets", KG.target),
            ("part_of", part_of),
        )
        for key, prop in links:
            for ref in _as_list(entry.get(key)):
                found = self._attempt(where, slug, self._ref, ref, key, ctx.file, line, ("entity", "event"))
                if found is not FAILED:
                    graph.add((node, prop, found))
        self._add_attestation(ctx, node, entry)

    def _compile_quantity(self, ctx: "_SourceContext", entry: dict[str, Any]) -> None:
        line = entry.get(LINE_KEY)
        slug = entry["id"]
        self._check_keys(entry, "quantity", ctx.file, slug)
        node = RES[slug]
        kind, unit, qualifier = entry.get("kind"), entry.get("unit"), entry.get("qualifier", "as-stated")
        file, where = str(ctx.file), (ctx.file, line)
        problems = len(self.problems)
        if kind not in self.vocabulary.quantity_kinds:
            hint = _close(str(kind), self.vocabulary.quantity_kinds)
            self._problem(InputError(f"quantity '{slug}': unknown kind '{kind}'{hint}", file=file, line=line))
        if unit not in UNITS:
            message = f"quantity '{slug}': unknown unit '{unit}' (one of {', '.join(UNITS)})"
            self._problem(InputError(message, file=file, line=line))
        if qualifier not in QUALIFIERS:
            message = f"quantity '{slug}': unknown qualifier '{qualifier}' (one of {', '.join(QUALIFIERS)})"
            self._problem(InputError(message, file=file, line=line))
        amount = self._attempt(where, slug, attribution.amount_of, entry, ctx.file)
        graph = ctx.graph
        if len(self.problems) == problems and amount is not FAILED:
            graph.add((node, RDF.type, KG.Quantity))
            graph.add((node, KG.quantityKind, KG[kind]))
            attribution.add_amount(graph, node, amount)
            graph.add((node, KG.unit, UNITS[unit]))
            graph.add((node, KG.qualifier, QUALIFIERS[qualifier]))
            label = f"{kind}: {amount.label(qualifier)} {unit}"
            graph.add((node, RDFS.label, Literal(label, lang="en")))
        for key, prop, kinds in (
            ("of", KG.quantifies, ("entity", "event")),
            ("part_of", KG.partOf, ("quantity",)),
        ):
            if entry.get(key):
                found = self._attempt(where, slug, self._ref, entry[key], key, ctx.file, line, kinds)
                if found is not FAILED:
                    graph.add((node, prop, found))
        self._add_attestation(ctx, node, entry)

    def _compile_contradiction(self, ctx: "_SourceContext", pair: Any) -> None:
        line = pair.get(LINE_KEY) if isinstance(pair, dict) else None
        if not isinstance(pair, list) or len(pair) != 2:
            raise InputError(f"a contradiction is a pair of ids, got {pair!r}", file=str(ctx.file), line=line)
        kinds = ("statement", "event", "quantity")
        first, second = (self._ref(slug, "contradictions", ctx.file, line, kinds) for slug in pair)
        if (first, KG.contradicts, second) not in ctx.graph and (
            second,
            KG.contradicts,
            first,
        ) not in ctx.graph:
            ctx.graph.add((first, KG.contradicts, second))
            ctx.summary.contradictions += 1

    # ---------------------------------------------------------------- shared parts

    def _stance(self, entry: dict[str, Any], ctx: "_SourceContext") -> str:
        return attribution.stance_of(entry, ctx.file)

    def _resolver(self, ctx: "_SourceContext", entry: dict[str, Any]) -> attribution.Resolver:
        line = entry.get(LINE_KEY)
        return lambda value, what, kinds: self._ref(value, what, ctx.file, line, kinds)

    def _voice(self, ctx: "_SourceContext", entry: dict[str, Any]) -> attribution.Voice:
        return attribution.voice_of(entry, ctx.author, self._resolver(ctx, entry), ctx.file)

    def _speaker_and_date(
        self, ctx: "_SourceContext", entry: dict[str, Any]
    ) -> tuple[URIRef, Literal | None]:
        """Who says it (default: the source's author) and when, if the entry says (`said_on`)."""
        line = entry.get(LINE_KEY)
        speaker = self._ref(entry["by"], "by", ctx.file, line) if entry.get("by") else ctx.author
        said_on = parse_date(entry["said_on"], "said_on", ctx.file, line) if entry.get("said_on") else None
        return speaker, said_on

    def _add_attestation(self, ctx: "_SourceContext", node: URIRef, entry: dict[str, Any]) -> None:
        """Stance, speaker, dates, context, note and evidence quote of a statement, event or quantity.

        Each part is checked on its own, so that one entry's problems are all listed.
        """
        line, slug = entry.get(LINE_KEY), entry["id"]
        where = (ctx.file, line)
        graph = ctx.graph
        voice = self._attempt(where, slug, self._voice, ctx, entry)
        if voice is not FAILED:
            attribution.add_voice(graph, node, voice)
        self._attempt(
            where, slug, attribution.add_modality, graph, node, entry, self._resolver(ctx, entry), ctx.file
        )
        spoken = self._attempt(where, slug, self._speaker_and_date, ctx, entry)
        # When it was said only when the source says so; when the source observed it, always (its date).
        if spoken is not FAILED and spoken[1] is not None:
            graph.add((node, KG.statedOn, spoken[1]))
        graph.add((node, KG.observedOn, ctx.date))
        if entry.get("time") is not None:
            during = self._attempt(where, slug, add_time, graph, entry["time"], ctx.file, line)
            if during is not FAILED:
                graph.add((node, KG.during, during))
        if entry.get("context"):
            kinds = ("entity", "event")
            context = self._attempt(
                where, slug, self._ref, entry["context"], "context", ctx.file, line, kinds
            )
            if context is not FAILED:
                graph.add((node, KG.context, context))
        if entry.get("note"):
            graph.add((node, RDFS.comment, Literal(str(entry["note"]), lang="en")))
        evidence = self._attempt(where, slug, self._add_evidence, ctx, slug, entry)
        if evidence is not FAILED:
            graph.add((node, KG.hasEvidence, evidence))

    def _match_quote(self, ctx: "_SourceContext", slug: str, entry: dict[str, Any]) -> QuoteMatch:
        """Where the entry's quote is in the text (kg/quotes.py); a quote not found comes with the nearest passage."""
        line = entry.get(LINE_KEY)
        where: dict[str, Any] = {"file": str(ctx.file), "line": line}
        quote = entry.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            raise InputError(f"'{slug}' needs a quote: the words of the text, as one string", **where)
        occurrence = whole_number(entry.get("occurrence"), "occurrence", **where)
        if not ctx.has_text:  # the unreadable text is a problem of its own, already listed
            return QuoteMatch(quote, 0, 0, "", "")
        count = len(find_all(ctx.text, quote))
        if count == 0:
            raise InputError(
                f"'{slug}': quote not found in {ctx.text_shown}: {quote!r}{_nearest(ctx.text, quote)}",
                **where,
            )
        if occurrence is None and count > 1:
            raise InputError(
                f"'{slug}': quote occurs {count} times in {ctx.text_shown}; say which with 'occurrence: N'",
                **where,
            )
        match = locate(ctx.text, quote, occurrence or 1)
        if match is None:
            raise InputError(
                f"'{slug}': quote has no occurrence {occurrence} (it occurs {count} times)", **where
            )
        if match.folded:
            ctx.summary.warnings.append(
                f"{ctx.file}:{line}: '{slug}': quote matched after folding punctuation: {match.folding_note()}"
            )
        return match

    def _add_evidence(self, ctx: "_SourceContext", slug: str, entry: dict[str, Any]) -> URIRef:
        match = self._match_quote(ctx, slug, entry)
        evidence = RES[f"evidence/{ctx.id}/{slug}"]
        quote_selector, position_selector = URIRef(f"{evidence}#quote"), URIRef(f"{evidence}#position")
        graph = ctx.graph
        graph.add((evidence, RDF.type, KG.Evidence))
        graph.add((evidence, OA.hasSource, ctx.node))
        # Each piece of evidence names its own speaker and date: corroborations may come from other speakers.
        speaker, said_on = self._speaker_and_date(ctx, entry)
        graph.add((evidence, PROV.wasAttributedTo, speaker))
        attribution.add_chain(graph, evidence, self._voice(ctx, entry))
        # When these words were said, only if the source says (the source's own date is on the source).
        if said_on is not None:
            graph.add((evidence, DCTERMS.date, said_on))
        graph.add((evidence, OA.hasSelector, quote_selector))
        graph.add((evidence, OA.hasSelector, position_selector))
        graph.add((quote_selector, RDF.type, OA.TextQuoteSelector))
        graph.add((quote_selector, OA.exact, Literal(match.exact)))
        graph.add((quote_selector, OA.prefix, Literal(match.prefix)))
        graph.add((quote_selector, OA.suffix, Literal(match.suffix)))
        graph.add((position_selector, RDF.type, OA.TextPositionSelector))
        graph.add((position_selector, OA.start, Literal(match.start, datatype=XSD.nonNegativeInteger)))
        graph.add((position_selector, OA.end, Literal(match.end, datatype=XSD.nonNegativeInteger)))
        return evidence


@dataclass
class _SourceContext:
    """What every entry of one source file needs: its text, node, date, default author and graph."""

    id: str
    file: Path
    text_file: str
    text: str
    node: URIRef
    date: Literal
    author: URIRef
    graph: Graph
    summary: SourceSummary
    text_shown: str = ""  # the text's path as the analyst gave it (ingest) or as the project has it (build)
    has_text: bool = True

    @property
    def first_day(self) -> dt.date:
        """The source's date as a day (a year-only date: its first day)."""
        return (
            dt.date.fromisoformat(str(self.date))
            if len(str(self.date)) == 10
            else dt.date(int(self.date), 1, 1)
        )


def _items(mapping: dict[Any, Any]) -> Iterator[tuple[Any, Any]]:
    """Mapping items without the line bookkeeping key."""
    return ((key, value) for key, value in mapping.items() if key != LINE_KEY)


def source_text_file(meta: dict[str, Any], source_id: str) -> str:
    """Where a source's text lives in the project: `text:` if given, else `seeds/<id>.txt`."""
    return str(meta.get("text") or f"seeds/{source_id}.txt")


def _names(body: dict[str, Any]) -> list[str]:
    """Every label, alias and metonym of an authored entity."""
    names: list[str] = []
    label = body.get("label")
    names += [str(v) for k, v in _items(label)] if isinstance(label, dict) else [str(label or "")]
    aliases = body.get("aliases")
    for _, written in _items(aliases) if isinstance(aliases, dict) else ():
        names += [written] if isinstance(written, str) else [str(a) for a in _as_list(written)]
    names += [str(m) for m in _as_list(body.get("metonyms"))]
    return [name for name in names if name]


def _slugs(entities: Any) -> list[str]:
    return [slug for slug, _ in _items(entities)] if isinstance(entities, dict) else []


def _time_key(spec: Any, file: Path, line: int | None) -> str | None:
    """The time node a spec compiles to, as a key telling whether two statements speak of the same period.

    >>> _time_key({"from": 2017, "__line__": 3}, Path("f"), 3)
    '2017--open'
    """
    if spec is None:
        return None
    return str(add_time(Graph(), spec, file, line)).rsplit("/", 1)[-1]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _english(label: Any, slug: str) -> str:
    if isinstance(label, dict):
        return str(label.get("en") or slug)
    return str(label) if label else slug


def _shown(value: Any) -> str:
    """A YAML value as the analyst wrote it, without the line bookkeeping.

    >>> _shown({"name": "Moscow", "__line__": 3})
    "{'name': 'Moscow'}"
    """
    if isinstance(value, dict):
        return repr(dict(_items(value)))
    return str(value) if isinstance(value, str) else repr(value)


def _kind_of(value: Any) -> str:
    """What a YAML value is, in the words of the error messages.

    >>> _kind_of([1]), _kind_of({"a": 1}), _kind_of("x")
    ('list', 'mapping', 'string')
    """
    if isinstance(value, dict):
        return "mapping"
    return "list" if isinstance(value, list) else "string" if isinstance(value, str) else type(value).__name__


def _read_text(path: Path, shown: str, file: Path, line: int | None) -> tuple[bytes, str]:
    """A source text's bytes and its text; a missing or undecodable text names the path the analyst gave."""
    where: dict[str, Any] = {"file": str(file), "line": line}
    if not path.is_file():
        raise InputError(f"source text {shown} not found", **where)
    raw = path.read_bytes()
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"source text {shown} is not UTF-8 (byte {error.start}): save it as UTF-8", **where
        ) from error


def _nearest(text: str, quote: str) -> str:
    """The hint for a quote not found: the passage of the text nearest to it, with its line."""
    passage = nearest_passage(text, quote)
    if passage is None or passage.ratio < QUOTE_SUGGESTION_RATIO:
        return "; no passage of the text is close to it"
    return f"; nearest passage (line {passage.line}): {passage.text!r}"


def _close(word: str, choices: Iterable[str]) -> str:
    hint = difflib.get_close_matches(word, list(choices), n=3)
    return f"; did you mean {', '.join(hint)}?" if hint else ""
