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
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError
from kg.quotes import find_all, locate
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
    TIME,
    XSD,
    source_graph,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
SOURCE_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
STANCES = {
    "asserted": KG.Asserted,
    "reported": KG.Reported,
    "claimed": KG.Claimed,
    "denied": KG.Denied,
    "rumoured": KG.Rumoured,
}
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
LINE_KEY = "__line__"


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
    relation_types: dict[str, str]  # slug -> English label
    quantity_kinds: frozenset[str]

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
        return cls(frozenset(kg_classes), frozenset(events), relation_types, frozenset(kinds))


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
class _Known:
    """An id that some file defines, and where."""

    kind: str
    file: str
    line: int | None


@dataclass
class CompiledData:
    """The RDF compiled from `kg/data/`: one graph per named graph IRI."""

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    source_ids: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

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


class Compiler:
    """Turns `entities.yaml` and `sources/*.yaml` into named graphs."""

    def __init__(self, vocabulary: Vocabulary, project_dir: Path) -> None:
        self.vocabulary = vocabulary
        self.project_dir = project_dir
        self.known: dict[str, _Known] = {}
        self.labels: dict[str, str] = {}

    # ---------------------------------------------------------------- entry point

    def compile(self, facts_dir: Path) -> CompiledData:
        """Compile every authored file under `facts_dir`."""
        entities_path = facts_dir / "entities.yaml"
        source_paths = sorted((facts_dir / "sources").glob("*.yaml"))
        entities_doc = self._document(entities_path, "entities")
        source_docs = [(path, self._document(path, "source")) for path in source_paths]
        self._register_entities(entities_path, entities_doc)
        for path, doc in source_docs:
            self._register_source_ids(path, doc)
        data = CompiledData()
        self._compile_entities(entities_path, entities_doc, data.graph(ENTITIES_GRAPH))
        for path, doc in source_docs:
            source_id = self._compile_source(path, doc, data)
            data.source_ids.append(source_id)
        data.counts = {kind: sum(1 for k in self.known.values() if k.kind == kind) for kind in _KINDS}
        return data

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
        if slug in self.known:
            first = self.known[slug]
            raise InputError(
                f"id '{slug}' is already defined at {first.file}:{first.line}", file=file, line=line
            )
        self.known[slug] = _Known(kind, file, line)
        return slug

    def _register_entities(self, path: Path, doc: dict[str, Any]) -> None:
        entities = doc.get("entities") or {}
        if not isinstance(entities, dict):
            raise InputError("'entities' must be a mapping of slug to entity", file=str(self._rel(path)))
        for slug, body in _items(entities):
            line = body.get(LINE_KEY) if isinstance(body, dict) else None
            self._define(slug, "entity", path, line)
            if isinstance(body, dict):
                self.labels[slug] = _english(body.get("label"), slug)

    def _register_source_ids(self, path: Path, doc: dict[str, Any]) -> None:
        for section, kind in (("statements", "statement"), ("events", "event"), ("quantities", "quantity")):
            for entry in _entries(doc, section, path, self._rel(path)):
                self._define(entry.get("id"), kind, path, entry.get(LINE_KEY))
                if kind == "event":
                    self.labels[entry["id"]] = _english(entry.get("label"), entry["id"])

    def _ref(
        self, slug: Any, what: str, file: Path, line: int | None, kinds: Iterable[str] = ("entity",)
    ) -> URIRef:
        """The IRI of a referenced id, or an `InputError` with close matches."""
        allowed = tuple(kinds)
        known = self.known.get(slug) if isinstance(slug, str) else None
        if known is None or known.kind not in allowed:
            candidates = [s for s, k in self.known.items() if k.kind in allowed]
            hint = difflib.get_close_matches(str(slug), candidates, n=3)
            suggestion = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise InputError(
                f"unknown {' or '.join(allowed)} '{slug}' in '{what}'{suggestion}", file=str(file), line=line
            )
        return RES[f"statement/{slug}"] if known.kind == "statement" else RES[slug]

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

    def _compile_source(self, path: Path, doc: dict[str, Any], data: CompiledData) -> str:
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
        text_path = self.project_dir / "seeds" / f"{source_id}.txt"
        if not text_path.exists():
            raise InputError(f"source text seeds/{source_id}.txt not found", file=str(file), line=line)
        raw = text_path.read_bytes()
        context = _SourceContext(
            id=source_id,
            file=file,
            text=raw.decode("utf-8"),
            node=RES[f"source/{source_id}"],
            date=_date(meta.get("date"), "source date", file, line),
            author=self._ref(meta.get("author"), "author", file, line),
            graph=data.graph(source_graph(source_id)),
        )
        self._add_source_node(context, meta, hashlib.sha256(raw).hexdigest(), line)
        for entry in _entries(doc, "statements", path, file):
            self._compile_statement(context, entry)
        for entry in _entries(doc, "events", path, file):
            self._compile_event(context, entry)
        for entry in _entries(doc, "quantities", path, file):
            self._compile_quantity(context, entry)
        for pair in doc.get("contradictions") or []:
            self._compile_contradiction(context, pair)
        return source_id

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
        graph.add((node, KG.textFile, Literal(f"seeds/{ctx.id}.txt")))
        graph.add((node, PROV.wasAttributedTo, ctx.author))
        if meta.get("publisher"):
            graph.add((node, DCTERMS.publisher, self._ref(meta["publisher"], "publisher", ctx.file, line)))
        if meta.get("url"):
            graph.add((node, DCTERMS.source, URIRef(str(meta["url"]))))

    def _compile_statement(self, ctx: "_SourceContext", entry: dict[str, Any]) -> None:
        line = entry.get(LINE_KEY)
        slug = entry["id"]
        node = RES[f"statement/{slug}"]
        relation = entry.get("relation")
        if relation not in self.vocabulary.relation_types:
            hint = _close(str(relation), self.vocabulary.relation_types)
            raise InputError(
                f"statement '{slug}': unknown relation type '{relation}'{hint}", file=str(ctx.file), line=line
            )
        subject = self._ref(entry.get("subject"), "subject", ctx.file, line, ("entity", "event"))
        target = self._ref(entry.get("object"), "object", ctx.file, line, ("entity", "event"))
        graph = ctx.graph
        graph.add((node, RDF.type, KG.Statement))
        graph.add((node, KG.subject, subject))
        graph.add((node, KG.relationType, RT[relation]))
        graph.add((node, KG.object, target))
        label = f"{self.labels[entry['subject']]} {self.vocabulary.relation_types[relation]} {self.labels[entry['object']]}"
        graph.add((node, RDFS.label, Literal(label, lang="en")))
        for key, prop in (("subject_as", KG.subjectMention), ("object_as", KG.objectMention)):
            if entry.get(key):
                graph.add((node, prop, Literal(str(entry[key]))))
        self._add_attestation(ctx, node, entry)

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
        graph.add((node, RDF.type, KG[event_type]))
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
                    KG.subEventOf,
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
        try:
            value = Decimal(str(entry.get("value")))
        except InvalidOperation as error:
            raise InputError(
                f"quantity '{slug}': value {entry.get('value')!r} is not a number", file=file, line=line
            ) from error
        graph = ctx.graph
        graph.add((node, RDF.type, KG.Quantity))
        graph.add((node, KG.quantityKind, KG[kind]))
        graph.add((node, KG.numericValue, Literal(value, datatype=XSD.decimal)))
        graph.add((node, KG.unit, UNITS[unit]))
        graph.add((node, KG.qualifier, QUALIFIERS[qualifier]))
        label = f"{kind}: {qualifier.replace('-', ' ')} {value} {unit}"
        graph.add((node, RDFS.label, Literal(label, lang="en")))
        if entry.get("of"):
            graph.add(
                (node, KG.quantifies, self._ref(entry["of"], "of", ctx.file, line, ("entity", "event")))
            )
        self._add_attestation(ctx, node, entry)

    def _compile_contradiction(self, ctx: "_SourceContext", pair: Any) -> None:
        line = pair.get(LINE_KEY) if isinstance(pair, dict) else None
        if not isinstance(pair, list) or len(pair) != 2:
            raise InputError(f"a contradiction is a pair of ids, got {pair!r}", file=str(ctx.file), line=line)
        kinds = ("statement", "event", "quantity")
        first, second = (self._ref(slug, "contradictions", ctx.file, line, kinds) for slug in pair)
        ctx.graph.add((first, KG.contradicts, second))

    # ---------------------------------------------------------------- shared parts

    def _add_attestation(self, ctx: "_SourceContext", node: URIRef, entry: dict[str, Any]) -> None:
        """Stance, attribution, dates, context, note and the evidence quote of a statement, event or quantity."""
        line = entry.get(LINE_KEY)
        slug = entry["id"]
        file = str(ctx.file)
        stance = entry.get("stance")
        if stance not in STANCES:
            raise InputError(
                f"'{slug}': stance must be one of {', '.join(STANCES)}, got {stance!r}", file=file, line=line
            )
        graph = ctx.graph
        graph.add((node, KG.stance, STANCES[stance]))
        speaker = self._ref(entry["by"], "by", ctx.file, line) if entry.get("by") else ctx.author
        graph.add((node, PROV.wasAttributedTo, speaker))
        said_on = _date(entry["said_on"], "said_on", ctx.file, line) if entry.get("said_on") else ctx.date
        graph.add((node, KG.statedOn, said_on))
        if entry.get("time") is not None:
            graph.add((node, KG.during, _add_time(graph, entry["time"], ctx.file, line)))
        if entry.get("context"):
            graph.add(
                (
                    node,
                    KG.context,
                    self._ref(entry["context"], "context", ctx.file, line, ("entity", "event")),
                )
            )
        if entry.get("note"):
            graph.add((node, RDFS.comment, Literal(str(entry["note"]), lang="en")))
        graph.add((node, KG.hasEvidence, self._add_evidence(ctx, slug, entry)))

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
                f"'{slug}': quote occurs {count} times in seeds/{ctx.id}.txt; say which with 'occurrence: N'",
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


_KINDS = ("entity", "statement", "event", "quantity")


@dataclass
class _SourceContext:
    """What every entry of one source file needs: its text, node, date, default author and graph."""

    id: str
    file: Path
    text: str
    node: URIRef
    date: Literal
    author: URIRef
    graph: Graph


def _items(mapping: dict[Any, Any]) -> Iterator[tuple[Any, Any]]:
    """Mapping items without the line bookkeeping key."""
    return ((key, value) for key, value in mapping.items() if key != LINE_KEY)


def _entries(doc: dict[str, Any], section: str, path: Path, file: Path) -> list[dict[str, Any]]:
    entries = doc.get(section) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"'{section}' must be a list of mappings", file=str(file))
    return entries


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


def _date(value: Any, what: str, file: Path, line: int | None) -> Literal:
    """A typed date literal from a YAML value: YYYY-MM-DD → xsd:date, YYYY → xsd:gYear.

    >>> _date("2017", "x", Path("f"), 1)
    rdflib.term.Literal('2017', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value)
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    try:
        return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
    except ValueError as error:
        raise InputError(
            f"{what}: {value!r} is not a date (YYYY-MM-DD or YYYY)", file=str(file), line=line
        ) from error


def _bounds(literal: Literal) -> tuple[str, str]:
    """Earliest and latest day a date or year literal may mean.

    >>> _bounds(Literal("2017", datatype=XSD.gYear))
    ('2017-01-01', '2017-12-31')
    """
    text = str(literal)
    if literal.datatype == XSD.gYear:
        return f"{text}-01-01", f"{text}-12-31"
    return text, text


def _add_instant(graph: Graph, literal: Literal) -> URIRef:
    node = RES[f"time/{literal}"]
    graph.add((node, RDF.type, TIME.Instant))
    graph.add((node, TIME.inXSDgYear if literal.datatype == XSD.gYear else TIME.inXSDDate, literal))
    earliest, latest = _bounds(literal)
    graph.add((node, KG.fromDate, Literal(earliest, datatype=XSD.date)))
    graph.add((node, KG.untilDate, Literal(latest, datatype=XSD.date)))
    return node


def _add_time(graph: Graph, spec: Any, file: Path, line: int | None) -> URIRef:
    """The OWL-Time node for `{at: D}`, `{from: D}`, `{until: D}` or `{from: D, until: D}`."""
    keys = set(spec) - {LINE_KEY} if isinstance(spec, dict) else set()
    if keys == {"at"}:
        return _add_instant(graph, _date(spec["at"], "time.at", file, line))
    if not keys or not keys <= {"from", "until"}:
        raise InputError(
            f"time must be {{at: D}}, {{from: D}}, {{until: D}} or both, got {spec!r}",
            file=str(file),
            line=line,
        )
    start = _date(spec["from"], "time.from", file, line) if "from" in keys else None
    end = _date(spec["until"], "time.until", file, line) if "until" in keys else None
    if start is not None and end is not None and _bounds(start)[0] > _bounds(end)[1]:
        raise InputError(f"time.from {start} is after time.until {end}", file=str(file), line=line)
    node = RES[f"time/{start or 'open'}--{end or 'open'}"]
    graph.add((node, RDF.type, TIME.ProperInterval))
    if start is not None:
        graph.add((node, TIME.hasBeginning, _add_instant(graph, start)))
        graph.add((node, KG.fromDate, Literal(_bounds(start)[0], datatype=XSD.date)))
    if end is not None:
        graph.add((node, TIME.hasEnd, _add_instant(graph, end)))
        graph.add((node, KG.untilDate, Literal(_bounds(end)[1], datatype=XSD.date)))
    return node
