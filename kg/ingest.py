"""Grow the graph one source at a time: ingest a new source, retract one, and keep the history of both.

An ingest compiles the new source against what the store already knows (names, statements), validates the
change with the incremental SHACL check HTTP writes use too (kg/shacl_delta.py), and commits the source's
graph, the changes to the derived and inferred graphs and a PROV record in ONE SPARQL update (one `Delta`),
so the store holds either the state before or the state after.
"""

import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.asof import READ_PROPERTIES, Span, own_span
from kg.authoring import CompiledData, Compiler, SourceSummary, Vocabulary, load_yaml, source_text_file
from kg.build import load_ontology
from kg.errors import InputError, ValidationFailed
from kg.history import HISTORY_FILE, Activity, FileRecord, file_record
from kg.identity import attestations_in_store, replacements_in_store
from kg.index import Index, KnownStatement
from kg.journal import FileChange, Journal, commit_unit, read_text, recover, store_location
from kg.name_index import names_of
from kg.rdfio import from_oxigraph, quads_of, stored_graph, to_oxigraph
from kg.reasoning import derive_and_infer, reasoned_properties
from kg.relation_types import declared_in_store
from kg.settings import Settings
from kg.shacl_delta import DeltaCheck, StoreState
from kg.sparql_text import iri_ref
from kg.store import EmbeddedStore, Store
from kg.temporal import LINE_KEY
from kg.validate import load_shapes
from kg.vocab import (
    DCTERMS,
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    GRAPH,
    HISTORY_GRAPH,
    INFERRED_GRAPH,
    KG,
    ONTOLOGY_GRAPH,
    RDF,
    RES,
    SOURCE_GRAPHS,
    TIMELINE_GRAPH,
    source_graph,
    sparql_prefixes,
)
from kg.write_check import Delta, delta_update

SOFTWARE = RES["software/syria-kg"]
PREFIXES = sparql_prefixes("kg", "rdfs", "skos", "time")


# ------------------------------------------------------------------------------------------ the index


def index_from_store(store: Store) -> Index:
    """What the store knows: ids by kind, names of entities, and statements by (subject, type, object)."""
    index = Index()
    for row in store.select(PREFIXES + _IDS_QUERY):
        slug = _slug(row["x"]["value"])
        if slug and slug not in index.ids:
            index.define(slug, row["kind"]["value"], "the store")
    index.replaced_by |= replacements_in_store(store)
    index.attested.update(attestations_in_store(store))
    for name in sorted(names_of(store)):
        slug = _slug(name.entity)
        if slug in index.ids and name.is_authored:
            index.add_names(slug, [name.text])
            if name.language == "en" and name.kind == "label":
                index.labels.setdefault(slug, name.text)
    for row in store.select(PREFIXES + _STATEMENTS_QUERY):
        key = (_slug(row["s"]["value"]), row["t"]["value"].rsplit("/", 1)[-1], _slug(row["o"]["value"]))
        time_key = row["time"]["value"].rsplit("/", 1)[-1] if "time" in row else None
        stance = _known_stance(row)
        index.add_statement(key, KnownStatement(URIRef(row["st"]["value"]), stance, time_key, _own_span(row)))
    return index


# Ids and names come from the authored graphs only (entities and sources), not from links, analytics or history.
_AUTHORED = f"""FILTER (?g = <{ENTITIES_GRAPH}>
          || STRSTARTS(STR(?g), "{SOURCE_GRAPHS}"))"""
_IDS_QUERY = f"""SELECT DISTINCT ?x ?kind WHERE {{
  GRAPH ?g {{ ?x a ?type }} {_AUTHORED}
  FILTER (STRSTARTS(STR(?x), "{RES}"))
  BIND (IF(?type = kg:Statement, "statement", IF(?type = kg:Quantity, "quantity",
        IF(?type = kg:EventClaim || EXISTS {{ ?type rdfs:subClassOf* kg:Event }}, "event",
        IF(?type = kg:NameAttestation, "name", IF(?type = kg:Side, "side",
        IF(?type IN (kg:Evidence, kg:SourceDocument) || STRSTARTS(STR(?x), "{RES}time/"),
           "", "entity")))))) AS ?kind)
  FILTER (?kind != "")
}}"""
# With what kg.asof.own_span reads: the start, the end and its earliest day, the first source's date.
_STATEMENTS_QUERY = """SELECT ?st ?s ?t ?o ?stance ?modality ?condition ?time ?start ?end ?endEarliest
       (MIN(?seen) AS ?observed) WHERE {
  ?st a kg:Statement ; kg:subject ?s ; kg:relationType ?t ; kg:object ?o ; kg:stance ?stance .
  OPTIONAL { ?st kg:modality ?modality OPTIONAL { ?st kg:conditionalOn ?condition } }
  OPTIONAL { ?st kg:observedOn ?seen }
  OPTIONAL { ?st kg:during ?time OPTIONAL { ?time kg:fromDate ?start }
             OPTIONAL { ?time time:hasEnd ?endInstant ; kg:untilDate ?end . ?endInstant kg:fromDate ?endEarliest } }
} GROUP BY ?st ?s ?t ?o ?stance ?modality ?condition ?time ?start ?end ?endEarliest"""


def _known_stance(row: dict[str, dict[str, str]]) -> str:
    """The stance as the compiler keys it (kg/authoring.py): a hedged statement carries its modality and
    condition, so that only its like corroborates it, never a fact."""
    stance = row["stance"]["value"].rsplit("#", 1)[-1].lower()
    if "modality" not in row:
        return stance
    modality = row["modality"]["value"].rsplit("#", 1)[-1].lower()
    condition = _slug(row["condition"]["value"]) if "condition" in row else ""
    return f"{stance} ({modality} {condition})"


def _own_span(row: dict[str, dict[str, str]]) -> Span:
    def day(name: str) -> dt.date | None:
        return dt.date.fromisoformat(row[name]["value"][:10]) if name in row else None

    known = [d for d in (day("observed"), day("endEarliest")) if d is not None]
    return own_span(day("start"), day("end"), known)


def _slug(iri: str) -> str:
    """The id of one of our IRIs (`.../id/russia` → `russia`, `.../id/statement/x` → `x`).

    >>> _slug("https://w3id.org/syria-kg/id/statement/russia-allied")
    'russia-allied'
    """
    tail = iri[len(str(RES)) :] if iri.startswith(str(RES)) else iri
    return tail.removeprefix("statement/").removeprefix("name/")


# ------------------------------------------------------------------------------------------ reasoning


def reason_over_store(
    store: Store, ontology: Graph, add: dict[URIRef, Graph], drop: URIRef | None
) -> tuple[Graph, Graph, Graph]:
    """The derived, inferred and timeline graphs the store would have with `add` added and the graph `drop` removed.

    Only what the rules read is fetched: the skeleton of each statement (subject, type, object, stance), the
    triples of the properties the ontology gives characteristics to, and what the as-of rule reads (kg/asof.py).
    """
    drop_filter = f"FILTER (?g != {iri_ref(drop)})" if drop is not None else ""
    properties = " ".join(iri_ref(p) for p in sorted(reasoned_properties(ontology)))
    as_of_properties = " ".join(iri_ref(p) for p in READ_PROPERTIES)
    skeleton_query = f"""{PREFIXES}CONSTRUCT {{
      ?st a kg:Statement ; kg:subject ?s ; kg:relationType ?t ; kg:object ?o ; kg:stance ?stance .
      ?x ?p ?y .
    }} WHERE {{
      {{ GRAPH ?g {{ ?st kg:subject ?s ; kg:relationType ?t ; kg:object ?o ; kg:stance ?stance }} }}
      UNION {{ VALUES ?p {{ {properties} }} GRAPH ?g {{ ?x ?p ?y }} }}
      UNION {{ VALUES ?p {{ {as_of_properties} }} GRAPH ?g {{ ?x ?p ?y }} }}
      FILTER (STRSTARTS(STR(?g), "{SOURCE_GRAPHS}") || ?g = <{ENTITIES_GRAPH}>) {drop_filter}
    }}"""
    scratch = ox.Store()
    # The relation types earlier sources declared are schema for the rules, like the ontology's own.
    to_oxigraph({ONTOLOGY_GRAPH: ontology + declared_in_store(store), **add}, scratch)
    skeleton = store.query_bytes(skeleton_query, "application/n-triples")
    scratch.load(skeleton, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(f"{GRAPH}skeleton"))
    derive_and_infer(scratch)
    return (
        from_oxigraph(scratch, DERIVED_GRAPH),
        from_oxigraph(scratch, INFERRED_GRAPH),
        from_oxigraph(scratch, TIMELINE_GRAPH),
    )


# ------------------------------------------------------------------------------------------ ingest


@dataclass
class IngestReport:
    """What an ingest or a retraction changed."""

    summary: SourceSummary
    derived_added: int = 0
    derived_removed: int = 0
    inferred_added: int = 0
    inferred_removed: int = 0
    files: list[str] = field(default_factory=list)


def ingest(settings: Settings, store: Store, facts_path: Path, text_path: Path) -> IngestReport:
    """Add one source: compile against the store, validate the delta, commit store and files as one unit."""
    recover(settings, store)
    source_id = facts_path.stem
    graph_iri = source_graph(source_id)
    if str(graph_iri) in _source_graphs(store):
        raise InputError(f"source '{source_id}' is already in the store; `kg retract {source_id}` first")
    meta = source_meta(facts_path)
    text_file = source_text_file(meta, source_id)
    text = text_path.read_bytes()
    refuse_same_text(settings, store, source_id, text, meta, str(facts_path))
    _refuse_facts_in_a_reprint(facts_path, meta)
    ontology = load_ontology(settings)
    vocabulary = Vocabulary.from_ontology(ontology + declared_in_store(store))  # and the sources' own types
    compiler = Compiler(vocabulary, settings.project_dir, index_from_store(store))
    data = CompiledData()
    summary = compiler.compile_source_file(facts_path, data, text_path)
    new_graph = data.graphs[graph_iri]
    source = Delta.adding({str(graph_iri): new_graph})
    _validate_delta(settings, store, source, ontology)
    derived, inferred, timeline = reason_over_store(store, ontology, {graph_iri: new_graph}, drop=None)
    report = IngestReport(summary)
    changes = _graph_changes(store, derived, inferred, timeline, report)
    changes.added |= source.added
    own_files = [
        FileChange(_facts_file(settings, source_id), None, _decoded(facts_path.read_bytes(), facts_path)),
        FileChange(text_file, None, _decoded(text, text_path)),
    ]
    for change in own_files:
        change.old = read_text(settings, change.path)
    report.files = [change.path for change in own_files]
    listing = _seed_listing(settings, text_file, _seed_row(text_file, meta))
    activity = Activity.new("ingest", source_id, _records(own_files), generated=RES[f"source/{source_id}"])
    _commit(settings, store, activity, changes, [*own_files, listing])
    return report


def _decoded(content: bytes, path: Path) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text ({error})", file=str(path)) from error


def _facts_file(settings: Settings, source_id: str) -> str:
    return str((settings.facts_dir / "sources" / f"{source_id}.yaml").relative_to(settings.project_dir))


def _records(changes: list[FileChange]) -> list[FileRecord]:
    return [file_record(change.path, (change.new or "").encode("utf-8")) for change in changes]


def _commit(
    settings: Settings, store: Store, activity: Activity, changes: Delta, files: list[FileChange]
) -> None:
    """The store update and the files, with the history record in both, as one journaled unit."""
    history_file = str((settings.facts_dir / HISTORY_FILE).relative_to(settings.project_dir))
    old_history = read_text(settings, history_file)
    files.append(
        FileChange(history_file, old_history, (old_history or "") + activity.line(), after_commit=True)
    )
    changes.added |= set(quads_of(activity.graph(), str(HISTORY_GRAPH)))
    journal = Journal(activity.kind, activity.source_id, activity.iri, store_location(settings), files)
    commit_unit(settings, store, journal, delta_update(changes))


# ------------------------------------------------------------------------------------------ same text twice


def refuse_same_text(
    settings: Settings, store: Store, source_id: str, text: bytes, meta: dict[str, Any], facts: str
) -> None:
    """A text already in the store or the repository (same SHA-256, or the same after whitespace is normalised)
    is refused with the id it has, unless the facts declare the new source a reprint of it."""
    reprint_of = meta.get("reprint_of")
    known = _known_texts(settings, store, source_id)
    if reprint_of is not None and str(reprint_of) not in known:
        raise InputError(f"reprint_of: no source '{reprint_of}' in the store or the repository", file=facts)
    digest, normalised = hashlib.sha256(text).hexdigest(), _normalised_digest(text)
    for other, (other_digest, other_text) in sorted(known.items()):
        if other == str(reprint_of):
            continue
        if digest == other_digest:
            how = "the same SHA-256"
        elif other_text is not None and normalised == _normalised_digest(other_text):
            how = "the same text once whitespace is normalised"
        else:
            continue
        raise InputError(
            f"this text is already in the graph as source '{other}' ({how}); if it is a reprint of that "
            f"document, declare it in the facts file: `source: {{reprint_of: {other}, ...}}` (a reprint is "
            "recorded as another copy, never as corroboration)",
            file=facts,
        )


def _known_texts(
    settings: Settings, store: Store, source_id: str
) -> dict[str, tuple[str | None, bytes | None]]:
    """The other sources, in the store or the repository: their text's SHA-256 and their text, where known."""
    known: dict[str, tuple[str | None, bytes | None]] = {}
    query = f"""SELECT ?id ?file ?sha WHERE {{ GRAPH ?g {{ ?s a {iri_ref(KG.SourceDocument)} ;
      {iri_ref(DCTERMS.identifier)} ?id ; {iri_ref(KG.textFile)} ?file ; {iri_ref(KG.sha256)} ?sha }}
      FILTER (STRSTARTS(STR(?g), "{SOURCE_GRAPHS}")) }}"""
    files = {row["id"]["value"]: (row["file"]["value"], row["sha"]["value"]) for row in store.select(query)}
    for facts in sorted((settings.facts_dir / "sources").glob("*.yaml")):
        if facts.stem not in files:
            try:
                files[facts.stem] = (source_text_file(source_meta(facts), facts.stem), None)
            except InputError:
                continue  # a broken facts file is `kg build`'s to report
    for other, (text_file, digest) in files.items():
        if other == source_id:
            continue
        path = settings.project_dir / text_file
        text = path.read_bytes() if path.is_file() else None
        known[other] = (digest or (hashlib.sha256(text).hexdigest() if text is not None else None), text)
    return known


def _refuse_facts_in_a_reprint(facts: Path, meta: dict[str, Any], name: str | None = None) -> None:
    """A reprint repeats its original: its facts are the original's, so it carries none of its own (and so can
    never corroborate them)."""
    if meta.get("reprint_of") is None:
        return
    doc = load_yaml(facts)
    own = sorted(str(key) for key, value in doc.items() if key not in ("source", LINE_KEY) and value)
    if own:
        raise InputError(
            f"a reprint of {meta['reprint_of']} carries no facts of its own (they are its original's, and a copy "
            f"never corroborates them): remove {', '.join(own)}",
            file=name or str(facts),
        )


def _normalised_digest(text: bytes) -> str:
    """The SHA-256 of a text with every run of whitespace (line breaks included) made one space."""
    return hashlib.sha256(
        " ".join(text.decode("utf-8", errors="replace").split()).encode("utf-8")
    ).hexdigest()


def source_meta(facts_path: Path) -> dict[str, Any]:
    """The `source:` block of a facts file; anything but a YAML mapping holding one is refused."""
    doc = load_yaml(facts_path)
    meta = doc.get("source") if isinstance(doc, dict) else None
    if not isinstance(meta, dict):
        raise InputError(
            "not a facts file: expected a YAML mapping with a 'source:' block (docs/authoring.md)",
            file=str(facts_path),
            line=1,
        )
    return meta


def retract(settings: Settings, store: Store, source_id: str) -> IngestReport:
    """Remove a source, what it added to other statements, and what was derived from it; record it."""
    recover(settings, store)
    graph_iri = source_graph(source_id)
    if str(graph_iri) not in _source_graphs(store):
        known = ", ".join(sorted(g.removeprefix(SOURCE_GRAPHS) for g in _source_graphs(store)))
        raise InputError(f"no source '{source_id}' in the store (sources: {known})")
    _refuse_if_depended_on(store, graph_iri)
    ontology = load_ontology(settings)
    derived, inferred, timeline = reason_over_store(store, ontology, {}, drop=graph_iri)
    report = IngestReport(SourceSummary(source_id))
    changes = _graph_changes(store, derived, inferred, timeline, report)
    changes.dropped_graphs.add(str(graph_iri))
    removed = _source_files(settings, source_id)
    report.files = [change.path for change in removed if change.old is not None]
    files = [*removed]
    if removed[1:]:
        files.append(_seed_listing(settings, removed[1].path, None))
    activity = Activity.new("retract", source_id, [], invalidated=RES[f"source/{source_id}"])
    _commit(settings, store, activity, changes, files)
    return report


def amend(settings: Settings, store: Store, source_id: str, facts_text: str) -> IngestReport:
    """Replace the facts of a source already in the store with `facts_text` (its text file stays as it is).

    The new facts are compiled against the store as it would be without the source's current graph, the change
    from the old graph to the new one is validated like an ingest's, and the graph swap, the changes to the
    derived, inferred and timeline graphs and a PROV record go in ONE update, journaled with the facts file
    (and the source's row of seeds/README.md). Bad input raises `InputError` or `ValidationFailed` and changes
    neither the store nor a file.
    """
    recover(settings, store)
    graph_iri = source_graph(source_id)
    if str(graph_iri) not in _source_graphs(store):
        raise InputError(f"no source '{source_id}' in the store; `kg ingest` it first")
    facts_path = settings.facts_dir / "sources" / f"{source_id}.yaml"
    relative = _facts_file(settings, source_id)
    if not facts_path.is_file():
        raise InputError("the facts file of this source is missing from the repository", file=relative)
    text_file = source_text_file(source_meta(facts_path), source_id)
    ontology = load_ontology(settings)
    with _draft(facts_text, source_id, relative) as draft:
        meta = source_meta(draft)
        if source_text_file(meta, source_id) != text_file:
            raise InputError(
                f"an amend keeps the source's text: 'text:' must stay {text_file}", file=relative
            )
        if meta.get("reprint_of") is not None:
            refuse_same_text(settings, store, source_id, b"", meta, relative)  # the original must exist
            _refuse_facts_in_a_reprint(draft, meta, relative)
        with _store_without(store, graph_iri) as others:
            vocabulary = Vocabulary.from_ontology(ontology + declared_in_store(others))
            compiler = Compiler(vocabulary, settings.project_dir, index_from_store(others))
            data = CompiledData()
            summary = compiler.compile_source_file(draft, data, settings.project_dir / text_file)
            new_graph = data.graphs[graph_iri]
            _refuse_if_still_used(store, graph_iri, new_graph)
            old_graph = stored_graph(store, graph_iri)
            derived, inferred, timeline = reason_over_store(
                others, ontology, {graph_iri: new_graph}, drop=None
            )
        report = IngestReport(summary, files=[relative])
        changes = _graph_changes(store, derived, inferred, timeline, report)
        # The timeline's change goes with the source's: the as-of facts of a removed statement go with it.
        _validate_delta(
            settings,
            store,
            Delta(
                added=set(quads_of(new_graph - old_graph, str(graph_iri))) | changes.added,
                removed=set(quads_of(old_graph - new_graph, str(graph_iri))) | changes.removed,
            ),
            ontology,
        )
    changes.dropped_graphs.add(str(graph_iri))
    changes.added |= set(quads_of(new_graph, str(graph_iri)))
    facts = FileChange(relative, read_text(settings, relative), facts_text)
    listing = _seed_listing(settings, text_file, _seed_row(text_file, meta))
    activity = Activity.new("amend", source_id, _records([facts]), generated=RES[f"source/{source_id}"])
    _commit(settings, store, activity, changes, [facts, listing])
    return report


@contextmanager
def _draft(facts_text: str, source_id: str, relative: str) -> Iterator[Path]:
    """The new facts in a file of their own (`<id>.yaml`, as the compiler wants), outside the repository; an
    error found in it names the source's facts file."""
    with tempfile.TemporaryDirectory(prefix="kg-amend-") as folder:
        draft = Path(folder) / f"{source_id}.yaml"
        draft.write_text(facts_text, encoding="utf-8")
        try:
            yield draft
        except InputError as error:
            if error.file is None or Path(error.file).name != draft.name or error.file == relative:
                raise
            where = f"{error.file}:{error.line}: " if error.line else f"{error.file}: "
            raise InputError(str(error).removeprefix(where), file=relative, line=error.line) from error


@contextmanager
def _store_without(store: Store, graph_iri: URIRef) -> Iterator[Store]:
    """A private copy of the store without one source graph (a checkpoint on disk, made in milliseconds), for
    the index, the declared relation types and the reasoning of an amend."""
    copy = store.trial_copy()
    assert copy.store is not None
    copy.store.update(f"DROP SILENT GRAPH {iri_ref(graph_iri)}")
    view = EmbeddedStore(None)
    view.ox = copy.store
    try:
        yield view
    finally:
        view.ox = ox.Store()  # let go of the checkpoint before its folder is deleted
        copy.discard()


def _refuse_if_still_used(store: Store, graph_iri: URIRef, new_graph: Graph) -> None:
    """An amend may not take away an entity or statement that other sources use."""
    graph = iri_ref(graph_iri)
    query = f"""SELECT DISTINCT ?x ?other WHERE {{
      GRAPH {graph} {{ ?x a ?type }}
      GRAPH ?other {{ ?y ?p ?x }}
      FILTER (?other != {graph} && STRSTARTS(STR(?other), "{SOURCE_GRAPHS}"))
      FILTER NOT EXISTS {{ GRAPH ?other {{ ?x a ?shared }} }}
    }}"""
    defined = set(new_graph.subjects(RDF.type, None))
    lost = sorted(
        f"{_slug(row['x']['value'])} (used by {row['other']['value'].removeprefix(SOURCE_GRAPHS)})"
        for row in store.select(query)
        if URIRef(row["x"]["value"]) not in defined
    )
    if lost:
        raise InputError(f"other sources use what the amended facts no longer define: {', '.join(lost)}")


def _source_graphs(store: Store) -> set[str]:
    return {iri for iri in store.graph_counts() if iri.startswith(SOURCE_GRAPHS)}


def _validate_delta(settings: Settings, store: Store, delta: Delta, ontology: Graph) -> None:
    """SHACL on the nodes the new source may change, in the store as it would be (kg/shacl_delta.py)."""
    check = DeltaCheck(load_shapes(settings.shapes_dir), ontology)
    report = check.check(StoreState(store, delta), delta)
    if not report.conforms:
        raise ValidationFailed(report.text, report.turtle)


def _graph_changes(
    store: Store, derived: Graph, inferred: Graph, timeline: Graph, report: IngestReport
) -> Delta:
    """The change that brings the derived, inferred and timeline graphs from their current to their new content."""
    changes = Delta()
    for iri, new in ((DERIVED_GRAPH, derived), (INFERRED_GRAPH, inferred), (TIMELINE_GRAPH, timeline)):
        current = stored_graph(store, iri)
        added, removed = new - current, current - new
        if iri != TIMELINE_GRAPH:
            name = "derived" if iri == DERIVED_GRAPH else "inferred"
            setattr(report, f"{name}_added", len(added))
            setattr(report, f"{name}_removed", len(removed))
        changes.added |= set(quads_of(added, str(iri)))
        changes.removed |= set(quads_of(removed, str(iri)))
    return changes


def _refuse_if_depended_on(store: Store, graph_iri: URIRef) -> None:
    """A source whose entities or statements other sources use cannot be retracted before them.

    A node both sources define (a time node such as `time/2024-12-07`, shared by value) is no dependency.
    """
    graph = iri_ref(graph_iri)
    query = f"""SELECT DISTINCT ?other WHERE {{
      GRAPH {graph} {{ ?x a ?type }}
      GRAPH ?other {{ ?y ?p ?x }}
      FILTER (?other != {graph} && STRSTARTS(STR(?other), "{SOURCE_GRAPHS}"))
      FILTER NOT EXISTS {{ GRAPH ?other {{ ?x a ?shared }} }}
    }}"""
    others = sorted(row["other"]["value"].removeprefix(SOURCE_GRAPHS) for row in store.select(query))
    if others:
        raise InputError(f"sources {', '.join(others)} use what this source defines; retract them first")


# ------------------------------------------------------------------------------------------ files


SEEDS_README = "seeds/README.md"


def _seed_row(text_file: str, meta: dict[str, Any]) -> str:
    """The source's row in the table of seeds/README.md: file | date | language | publisher | origin, where
    origin is the address the text was taken from (`url:`), or "not stated"."""

    def cell(value: object, default: str) -> str:
        text = " ".join(str(value).split()) if value not in (None, "") else default
        return text.replace("|", "\\|")

    cells = [
        f"`{Path(text_file).name}`",
        cell(meta.get("date"), "not stated"),
        cell(meta.get("language"), "not stated"),
        cell(meta.get("publisher"), "not stated"),
        cell(meta.get("url"), "not stated"),
    ]
    return "| " + " | ".join(cells) + " |"


def _seed_listing(settings: Settings, text_file: str, row: str | None) -> FileChange:
    """seeds/README.md with the source's row added if missing (`row`; a row already there, perhaps written by
    hand, is kept as it is) or taken out (None)."""
    old = read_text(settings, SEEDS_README)
    lines = old.splitlines() if old is not None else []
    name = f"| `{Path(text_file).name}` |"
    listed = [i for i, line in enumerate(lines) if line.startswith(name)]
    if row is None:
        lines = [line for i, line in enumerate(lines) if i not in listed]
    elif not listed:
        table_end = max((i for i, line in enumerate(lines) if line.startswith("| `")), default=len(lines) - 1)
        lines.insert(table_end + 1, row)
    new = "\n".join(lines) + "\n" if lines else None
    return FileChange(SEEDS_README, old, new, after_commit=True, step="during-readme-update")


def _source_files(settings: Settings, source_id: str) -> list[FileChange]:
    """The removal of a source's facts file and text file (the text only when the facts say where it is)."""
    facts = _facts_file(settings, source_id)
    changes = [FileChange(facts, read_text(settings, facts), None)]
    path = settings.project_dir / facts
    if path.is_file():
        text_file = source_text_file(source_meta(path), source_id)
        changes.append(FileChange(text_file, read_text(settings, text_file), None))
    return changes
