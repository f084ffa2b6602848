"""Compile the analyst-authored YAML of `kg/data/` (format: docs/authoring.md) to RDF.

Every id, type, relation type and quote is checked; the first problem raises `InputError` naming the file and
line, so a broken file never reaches the store.
"""

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg import attribution
from kg.asof import span_in_graph
from kg.errors import InputError
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
from kg.quotes import find_all, locate
from kg.relation_types import compile_relation_types, register_relation_types, relation_type_iri
from kg.temporal import LINE_KEY, add_time, parse_date
from kg.vocab import (
    DCTERMS,
    ENTITIES_GRAPH,
    KG,
    OA,
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


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


def load_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors into an `InputError` with the line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise InputError(f"YAML syntax error: {error.problem}", file=str(path), line=line) from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read file: {error}", file=str(path)) from error


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


class Compiler:
    """Turns `entities.yaml` and `sources/*.yaml` into named graphs, against an index of what is known."""

    def __init__(self, vocabulary: Vocabulary, project_dir: Path, index: Index | None = None) -> None:
        self.vocabulary = vocabulary
        self.project_dir = project_dir
        self.index = index if index is not None else Index()

    # ---------------------------------------------------------------- entry points

    def compile(self, facts_dir: Path) -> CompiledData:
        """Compile every authored file under `facts_dir`: the shared entities, then each source in order."""
        entities_path = facts_dir / "entities.yaml"
        entities_doc = self._document(entities_path, "entities")
        data = CompiledData()
        self._register_entities(entities_path, entities_doc)
        entities = entities_doc.get("entities") or {}
        register_replacements(self.index, entities, str(self._rel(entities_path)))
        register_sides(self, entities_path, entities_doc)
        self._compile_entities(entities_path, entities_doc, data.graph(ENTITIES_GRAPH))
        compile_replacements(data.graph(ENTITIES_GRAPH), entities)
        compile_sides(self, entities_path, entities_doc, data.graph(ENTITIES_GRAPH))
        for path in sorted((facts_dir / "sources").glob("*.yaml")):
            data.summaries.append(self.compile_source_file(path, data))
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
        before it copies anything).
        """
        doc = self._document(path, "source")
        self.index.names_used.clear()
        self._register_entities(path, doc)
        self._register_source_ids(path, doc)
        register_relation_types(self, path, doc)
        register_names(self, path, doc)
        return self._compile_source(path, doc, data, text_path)

    def _document(self, path: Path, top_key: str) -> dict[str, Any]:
        if not path.exists():
            raise InputError("file not found", file=str(self._rel(path)))
        doc = load_yaml(path)
        if not isinstance(doc, dict) or top_key not in doc:
            raise InputError(f"expected a mapping with a '{top_key}' key", file=str(self._rel(path)), line=1)
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
            self._define(slug, "entity", path, line)
            if isinstance(body, dict):
                self.index.labels[slug] = _english(body.get("label"), slug)
                self.index.add_names(slug, _names(body))

    def _register_source_ids(self, path: Path, doc: dict[str, Any]) -> None:
        for section, kind in (("statements", "statement"), ("events", "event"), ("quantities", "quantity")):
            for entry in _entries(doc, section, path, self._rel(path)):
                self._define(entry.get("id"), kind, path, entry.get(LINE_KEY))
                if kind == "event":
                    self.index.labels[entry["id"]] = _english(entry.get("label"), entry["id"])

    def _resolve(
        self, value: Any, what: str, file: Path, line: int | None, kinds: Iterable[str] = ("entity",)
    ) -> str:
        """The id a reference names: an id itself, or a label, alias or metonym naming exactly one entity."""
        allowed = tuple(kinds)
        where = {"file": str(file), "line": line}
        if isinstance(value, str) and value in self.index.replaced_by:  # a merged id names its replacement
            value = self.index.replaced_by[value]
        if isinstance(value, str) and value in self.index.ids:
            kind = self.index.ids[value].kind
            if kind not in allowed:
                raise InputError(
                    f"'{value}' in '{what}' is a {kind}, expected {' or '.join(allowed)}", **where
                )
            return value
        named = sorted(
            slug
            for slug in self.index.names.get(normalise(str(value)), set())
            if self.index.ids.get(slug, Definition("", "")).kind in allowed
        )
        if len(named) == 1:
            self.index.note_name_used(str(value), named[0])  # a name a source attests: that source is needed
            return named[0]
        if len(named) > 1:
            candidates = ", ".join(f"{slug} ({self.index.labels.get(slug, slug)})" for slug in named)
            raise InputError(
                f"'{value}' in '{what}' is ambiguous; write one of these ids: {candidates}", **where
            )
        candidates = [slug for slug, d in self.index.ids.items() if d.kind in allowed]
        hint = difflib.get_close_matches(str(value), candidates, n=3)
        suggestion = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise InputError(f"unknown {' or '.join(allowed)} '{value}' in '{what}'{suggestion}", **where)

    def _ref(
        self, value: Any, what: str, file: Path, line: int | None, kinds: Iterable[str] = ("entity",)
    ) -> URIRef:
        """The IRI of a reference (see `_resolve`)."""
        return self.index.iri(self._resolve(value, what, file, line, kinds))

    # ---------------------------------------------------------------- entities

    def _compile_entities(self, path: Path, doc: dict[str, Any], graph: Graph) -> None:
        file = self._rel(path)
        for slug, body in _items(doc.get("entities") or {}):
            line = body.get(LINE_KEY) if isinstance(body, dict) else None
            if not isinstance(body, dict):
                raise InputError(f"entity '{slug}' must be a mapping", file=str(file), line=line)
            node = RES[slug]
            types = body.get("type")
            for type_name in [types] if isinstance(types, str) else types or []:
                if type_name not in self.vocabulary.classes:
                    raise InputError(
                        f"entity '{slug}': unknown type '{type_name}'{_close(type_name, self.vocabulary.classes)}",
                        file=str(file),
                        line=line,
                    )
                graph.add((node, RDF.type, KG[type_name]))
            if not types:
                raise InputError(f"entity '{slug}' has no type", file=str(file), line=line)
            self._add_labels(graph, node, body.get("label"), slug, file, line)
            for language, aliases in _items(body.get("aliases") or {}):
                for alias in [aliases] if isinstance(aliases, str) else aliases:
                    graph.add((node, SKOS.altLabel, Literal(str(alias), lang=language)))
            for metonym in body.get("metonyms") or []:
                graph.add((node, KG.metonym, Literal(str(metonym), lang="en")))
            if body.get("description"):
                graph.add((node, RDFS.comment, Literal(str(body["description"]), lang="en")))
            if body.get("affiliation"):
                graph.add(
                    (node, KG.affiliatedWith, self._ref(body["affiliation"], "affiliation", file, line))
                )

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
            raise InputError("'source' must be a mapping", file=str(file), line=line)
        source_id = meta.get("id")
        if not isinstance(source_id, str) or not SOURCE_ID.match(source_id) or source_id != path.stem:
            raise InputError(
                f"source id {source_id!r} must equal the file name '{path.stem}'", file=str(file), line=line
            )
        text_file = source_text_file(meta, source_id)
        text_path = text_path or self.project_dir / text_file
        if not text_path.is_file():
            raise InputError(f"source text {text_file} not found", file=str(file), line=line)
        raw = text_path.read_bytes()
        context = _SourceContext(
            id=source_id,
            file=file,
            text_file=text_file,
            text=raw.decode("utf-8"),
            node=RES[f"source/{source_id}"],
            date=parse_date(meta.get("date"), "source date", file, line),
            author=self._ref(meta.get("author"), "author", file, line),
            graph=data.graph(source_graph(source_id)),
            summary=SourceSummary(source_id, new_entities=sorted(_slugs(doc.get("entities")))),
        )
        self._compile_entities(path, doc, context.graph)
        self._add_source_node(context, meta, hashlib.sha256(raw).hexdigest(), line)
        compile_relation_types(self, context, path, doc)
        compile_names(self, context, path, doc)
        for entry in _entries(doc, "statements", path, file):
            self._compile_statement(context, entry)
        for entry in _entries(doc, "events", path, file):
            self._compile_event(context, entry)
            context.summary.events += 1
        for entry in _entries(doc, "quantities", path, file):
            self._compile_quantity(context, entry)
            context.summary.quantities += 1
        for pair in doc.get("contradictions") or []:
            self._compile_contradiction(context, pair)
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
        if meta.get("reprint_of"):  # another copy of a document already in the graph (kg/ingest.py)
            graph.add((node, KG.reprintOf, RES[f"source/{meta['reprint_of']}"]))

    def _compile_statement(self, ctx: "_SourceContext", entry: dict[str, Any]) -> None:
        """A statement node, or one more piece of evidence on an existing statement that says the same."""
        line = entry.get(LINE_KEY)
        slug = entry["id"]
        relation = entry.get("relation")
        if relation not in self.vocabulary.relation_types:
            hint = _close(str(relation), self.vocabulary.relation_types)
            raise InputError(
                f"statement '{slug}': unknown relation type '{relation}'{hint}", file=str(ctx.file), line=line
            )
        subject = self._resolve(entry.get("subject"), "subject", ctx.file, line, ("entity", "event"))
        target = self._resolve(entry.get("object"), "object", ctx.file, line, ("entity", "event"))
        stance = self._stance(entry, ctx)
        key = (subject, relation, target)
        time_key = _time_key(entry.get("time"), ctx.file, line)
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

    def _compile_event(self, ctx: "_SourceContext", entry: dict[str, Any]) -> None:
        line = entry.get(LINE_KEY)
        slug = entry["id"]
        node = RES[slug]
        event_type = entry.get("type")
        if event_type not in self.vocabulary.event_classes:
            hint = _close(str(event_type), self.vocabulary.event_classes)
            raise InputError(
                f"event '{slug}': unknown event type '{event_type}'{hint}", file=str(ctx.file), line=line
            )
        graph = ctx.graph
        part_of = attribution.event_types(graph, node, KG[event_type], entry)
        self._add_labels(graph, node, entry.get("label"), slug, ctx.file, line)
        links = (
            ("place", KG.place),
            ("agents", KG.agent),
            ("participants", KG.hasParticipant),
            ("targets", KG.target),
        )
        for key, prop in links:
            for ref in _as_list(entry.get(key)):
                graph.add((node, prop, self._ref(ref, key, ctx.file, line, ("entity", "event"))))
        if entry.get("part_of"):
            graph.add(
                (
                    node,
                    part_of,
                    self._ref(entry["part_of"], "part_of", ctx.file, line, ("entity", "event")),
                )
            )
        self._add_attestation(ctx, node, entry)

    def _compile_quantity(self, ctx: "_SourceContext", entry: dict[str, Any]) -> None:
        line = entry.get(LINE_KEY)
        slug = entry["id"]
        node = RES[slug]
        kind, unit, qualifier = entry.get("kind"), entry.get("unit"), entry.get("qualifier", "as-stated")
        file = str(ctx.file)
        if kind not in self.vocabulary.quantity_kinds:
            raise InputError(
                f"quantity '{slug}': unknown kind '{kind}'{_close(str(kind), self.vocabulary.quantity_kinds)}",
                file=file,
                line=line,
            )
        if unit not in UNITS:
            raise InputError(
                f"quantity '{slug}': unknown unit '{unit}' (one of {', '.join(UNITS)})", file=file, line=line
            )
        if qualifier not in QUALIFIERS:
            raise InputError(
                f"quantity '{slug}': unknown qualifier '{qualifier}' (one of {', '.join(QUALIFIERS)})",
                file=file,
                line=line,
            )
        amount = attribution.amount_of(entry, ctx.file)
        graph = ctx.graph
        graph.add((node, RDF.type, KG.Quantity))
        graph.add((node, KG.quantityKind, KG[kind]))
        attribution.add_amount(graph, node, amount)
        graph.add((node, KG.unit, UNITS[unit]))
        graph.add((node, KG.qualifier, QUALIFIERS[qualifier]))
        label = f"{kind}: {amount.label(qualifier)} {unit}"
        graph.add((node, RDFS.label, Literal(label, lang="en")))
        if entry.get("of"):
            graph.add(
                (node, KG.quantifies, self._ref(entry["of"], "of", ctx.file, line, ("entity", "event")))
            )
        if entry.get("part_of"):
            graph.add(
                (node, KG.partOf, self._ref(entry["part_of"], "part_of", ctx.file, line, ("quantity",)))
            )
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
        """Stance, speaker, dates, context, note and evidence quote of a statement, event or quantity."""
        line = entry.get(LINE_KEY)
        graph = ctx.graph
        attribution.add_voice(graph, node, self._voice(ctx, entry))
        attribution.add_modality(graph, node, entry, self._resolver(ctx, entry), ctx.file)
        _, said_on = self._speaker_and_date(ctx, entry)
        # When it was said only when the source says so; when the source observed it, always (its date).
        if said_on is not None:
            graph.add((node, KG.statedOn, said_on))
        graph.add((node, KG.observedOn, ctx.date))
        if entry.get("time") is not None:
            graph.add((node, KG.during, add_time(graph, entry["time"], ctx.file, line)))
        if entry.get("context"):
            context = self._ref(entry["context"], "context", ctx.file, line, ("entity", "event"))
            graph.add((node, KG.context, context))
        if entry.get("note"):
            graph.add((node, RDFS.comment, Literal(str(entry["note"]), lang="en")))
        graph.add((node, KG.hasEvidence, self._add_evidence(ctx, entry["id"], entry)))

    def _add_evidence(self, ctx: "_SourceContext", slug: str, entry: dict[str, Any]) -> URIRef:
        line = entry.get(LINE_KEY)
        quote = entry.get("quote")
        occurrence = entry.get("occurrence")
        if not isinstance(quote, str) or not quote.strip():
            raise InputError(f"'{slug}' needs a quote", file=str(ctx.file), line=line)
        count = len(find_all(ctx.text, quote))
        if count == 0:
            raise InputError(
                f"'{slug}': quote not found in seeds/{ctx.id}.txt: {quote!r}", file=str(ctx.file), line=line
            )
        if occurrence is None and count > 1:
            raise InputError(
                f"'{slug}': quote occurs {count} times in {ctx.text_file}; say which with 'occurrence: N'",
                file=str(ctx.file),
                line=line,
            )
        match = locate(ctx.text, quote, int(occurrence or 1))
        if match is None:
            raise InputError(
                f"'{slug}': quote has no occurrence {occurrence} (it occurs {count} times)",
                file=str(ctx.file),
                line=line,
            )
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


def _entries(doc: dict[str, Any], section: str, path: Path, file: Path) -> list[dict[str, Any]]:
    entries = doc.get(section) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"'{section}' must be a list of mappings", file=str(file))
    return entries


def source_text_file(meta: dict[str, Any], source_id: str) -> str:
    """Where a source's text lives in the project: `text:` if given, else `seeds/<id>.txt`."""
    return str(meta.get("text") or f"seeds/{source_id}.txt")


def _names(body: dict[str, Any]) -> list[str]:
    """Every label, alias and metonym of an authored entity."""
    names: list[str] = []
    label = body.get("label")
    names += [str(v) for k, v in _items(label)] if isinstance(label, dict) else [str(label or "")]
    for _, aliases in _items(body.get("aliases") or {}):
        names += [aliases] if isinstance(aliases, str) else [str(a) for a in aliases]
    names += [str(m) for m in body.get("metonyms") or []]
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


def _close(word: str, choices: Iterable[str]) -> str:
    hint = difflib.get_close_matches(word, list(choices), n=3)
    return f"; did you mean {', '.join(hint)}?" if hint else ""
