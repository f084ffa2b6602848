"""Benchmark of the incremental SHACL check: a delta of ~1,000 triples against a store of ~1M triples.

The store is made the way `kg build` makes ours, from synthetic authored facts: a deterministic generator (seeded)
writes an entities file and a few hundred source files (statements with quotes, events, figures, unnamed authors)
with their texts, the real compiler (`kg.authoring.Compiler`) turns them into named graphs, and the real reasoner
adds the derived and inferred graphs. So every statement has its evidence, quote and position selectors, time
nodes, and the shapes of `ontology/shapes/` apply as they do to the real data. The delta is one more synthetic
source (new statements, corroborations of statements already in the store, events, figures, new entities),
compiled against the store's index exactly as `kg ingest` compiles it.

Measured in the same run, on the same store and delta:

- new, ingest path: `kg.shacl_delta.DeltaCheck` on a `StoreState` (the store, the delta not yet in it), as
  `kg ingest` runs it;
- new, write path: the same check on a `DatasetState` (a dataset holding the delta), as an HTTP write runs it on
  its trial copy;
- two baselines, the code of commit fff728e kept below: `kg ingest` then (first hop from the authored graphs,
  `rdf:type` on the second, pySHACL's `focus_nodes`) and HTTP writes then (3 hops, pySHACL's validator
  subclassed to hold the focus nodes in a set);
- full: pySHACL on the whole data graph, as `kg build` validates; reading the store into rdflib is timed apart.

Verdicts: the conforming delta and planted errors (an event whose agent is a place; a figure during a place; a
new actor without an English label; for writes, the type of an evidence node removed) are each validated in full
and by every incremental check, and the results on the nodes the full validation reports are compared.

Run: `python bench/ingest_bench.py` (about 1M triples; an hour or more, ~5 GB of memory at most), or
`python bench/ingest_bench.py --triples 100000 --full-runs 1` for a quick look. The generated store is cached
(N-Quads) under the system's temporary folder, keyed by size and seed. Results go to
`bench/results/ingest-validation.md` (and `.json`).
"""

import argparse
import gc
import json
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import yaml
from pyshacl.graph_abstraction import DataGraph
from rdflib import Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.authoring import CompiledData, Compiler, Vocabulary  # noqa: E402
from kg.build import compile_facts, load_ontology  # noqa: E402
from kg.ingest import index_from_store, ingest  # noqa: E402
from kg.rdfio import add_triples, to_oxigraph, to_rdflib  # noqa: E402
from kg.reasoning import derive_and_infer  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.shacl_delta import DatasetState, DeltaCheck, StoreState, filtered_report  # noqa: E402
from kg.sparql_text import iri_ref  # noqa: E402
from kg.store import EmbeddedStore, Store  # noqa: E402
from kg.validate import ValidationReport, load_shapes, validate  # noqa: E402
from kg.vocab import (  # noqa: E402
    DERIVED_GRAPH,
    GRAPH,
    HISTORY_GRAPH,
    INFERRED_GRAPH,
    KG,
    ONTOLOGY_GRAPH,
    RDF,
    RDFS,
    RES,
    source_graph,
)
from kg.write_check import Delta  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DELTA_ID = "9999_bench_delta"
TRIPLES_PER_SOURCE = 2_450  # measured: 100 entries per source compile to about this many triples
ENTRIES_PER_SOURCE = 100
ACTOR_TYPES = [["ArmedGroup"], ["Government"], ["State", "Country"], ["Person"], ["NGO"], ["ArmedForces"]]
PLACE_TYPES = [["City"], ["Town"], ["Province"], ["Region"]]
RELATIONS = ["allied-with", "supports", "fights", "opposes", "negotiates-with", "accuses", "partner-of"]
STANCES = ["asserted"] * 5 + ["reported"] * 3 + ["claimed", "denied"]
EVENT_TYPES = ["Strike", "Capture", "Offensive", "ArmedClash", "Withdrawal", "Meeting"]
NOT_DATA = {str(g) for g in (ONTOLOGY_GRAPH, DERIVED_GRAPH, INFERRED_GRAPH, HISTORY_GRAPH)}


# ------------------------------------------------------------------------------------------ generator


class Generator:
    """Synthetic authored facts, deterministic for a seed: entities, sources (YAML) and their texts."""

    def __init__(self, seed: int, entities: int) -> None:
        self.random = random.Random(seed)
        self.actors = [f"syn-actor-{n:05d}" for n in range(entities * 3 // 4)]
        self.places = [f"syn-place-{n:05d}" for n in range(entities - len(self.actors))]
        self.keys: list[tuple[str, str, str, str]] = []  # statements written so far, for corroborations

    def entities_document(self) -> dict[str, Any]:
        entities: dict[str, Any] = {}
        for number, slug in enumerate(self.actors):
            entities[slug] = self._entity(slug, ACTOR_TYPES[number % len(ACTOR_TYPES)], "actor", number)
        for number, slug in enumerate(self.places):
            entities[slug] = self._entity(slug, PLACE_TYPES[number % len(PLACE_TYPES)], "place", number)
        return {"entities": entities}

    @staticmethod
    def _entity(slug: str, types: list[str], what: str, number: int) -> dict[str, Any]:
        return {
            "type": types,
            "label": {"en": f"Synthetic {what} {number:05d}", "fr": f"{what} synthétique {number:05d}"},
            "aliases": {"en": [f"S{what[0].upper()}{number:05d}"]},
            "description": "A synthetic entity made by bench/ingest_bench.py; it does not exist.",
        }

    def date(self) -> str:
        return f"{self.random.randint(2011, 2024)}-{self.random.randint(1, 12):02d}-{self.random.randint(1, 28):02d}"

    def source(self, source_id: str, entries: int, corroborations: int = 0) -> tuple[dict[str, Any], str]:
        """One synthetic source: its facts document and its text (one sentence per entry, the entry's quote)."""
        rnd = self.random
        author = f"syn-author-{source_id.replace('_', '-')}"
        sentences: list[str] = [
            f"SYNTHETIC TEXT {source_id}, generated for a benchmark; nothing in it is real."
        ]
        statements, events, quantities = [], [], []
        for number in range(entries):
            kind = rnd.random()
            slug = f"s{source_id.replace('_', '-')}-{number:03d}"
            sentence = f"Sentence {number} of {source_id} says something synthetic about entry {slug}."
            sentences.append(sentence)
            base = {**self.voice(rnd.choice(STANCES)), "quote": sentence}
            if number < corroborations and self.keys:
                subject, relation, target, stance = rnd.choice(self.keys)
                statements.append(
                    {"id": slug, "subject": subject, "relation": relation, "object": target, **base}
                    | self.voice(stance)
                )
            elif kind < 0.7:
                subject, target = rnd.sample(self.actors, 2)
                relation = rnd.choice(RELATIONS)
                entry = {"id": slug, "subject": subject, "subject_as": "it", "relation": relation}
                entry |= {"object": target, **base}
                if rnd.random() < 0.5:
                    entry["time"] = {"at": self.date()}
                statements.append(entry)
                self.keys.append((subject, relation, target, entry["stance"]))
            elif kind < 0.85:
                events.append(
                    {
                        "id": slug,
                        "type": rnd.choice(EVENT_TYPES),
                        "label": {"en": f"Synthetic event {slug}"},
                        "time": {"at": self.date()},
                        "place": rnd.choice(self.places),
                        "agents": rnd.sample(self.actors, 2),
                        **base,
                    }
                )
            else:
                quantity = {"id": slug, "kind": "Deaths", "value": rnd.randint(0, 500), "unit": "people"}
                quantity |= {"qualifier": "at-least", **base}
                if events:
                    quantity["of"] = events[-1]["id"]
                quantities.append(quantity)
        document = {
            "source": {
                "id": source_id,
                "title": f"Synthetic benchmark source {source_id}",
                "date": "2024-12-31",
                "language": "en",
                "author": author,
            },
            "entities": {
                author: {
                    "type": ["UnnamedSource"],
                    "label": {"en": f"Author of synthetic source {source_id}"},
                    "description": "The unnamed voice of a synthetic benchmark source.",
                }
            },
            "statements": statements,
            "events": events,
            "quantities": quantities,
        }
        return document, "\n".join(sentences) + "\n"

    def voice(self, stance: str) -> dict[str, str]:
        """A stance and, unless it is the source's own voice, another speaker (docs/decisions/20261207-stances.md)."""
        return (
            {"stance": stance}
            if stance == "asserted"
            else {"stance": stance, "by": self.random.choice(self.actors)}
        )


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True), "utf-8"
    )


def make_project(folder: Path, generator: Generator, sources: int) -> Settings:
    """A project folder (ontology copied from this repository) holding the synthetic facts and texts."""
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    (folder / "seeds").mkdir()
    (folder / "seeds" / "README.md").write_text("# seeds\n\n| file | date |\n|---|---|\n", "utf-8")
    _write(folder / "kg" / "data" / "entities.yaml", generator.entities_document())
    for number in range(sources):
        source_id = f"{number:04d}_synthetic"
        document, text = generator.source(source_id, ENTRIES_PER_SOURCE, corroborations=number % 5)
        _write(folder / "kg" / "data" / "sources" / f"{source_id}.yaml", document)
        (folder / "seeds" / f"{source_id}.txt").write_text(text, "utf-8")
    return Settings(project_dir=folder, data_dir=folder / "store", memory=True)


def build_store(settings: Settings, cache: Path) -> EmbeddedStore:
    """The compiled, reasoned store (from the cache when it exists)."""
    store = EmbeddedStore(None)
    if cache.exists():
        store.ox.bulk_load(path=str(cache), format=ox.RdfFormat.N_QUADS)
        return store
    ontology = load_ontology(settings)
    data = compile_facts(settings, ontology)
    to_oxigraph({ONTOLOGY_GRAPH: ontology, **data.graphs}, store.ox)
    derive_and_infer(store.ox)
    cache.parent.mkdir(parents=True, exist_ok=True)
    store.ox.dump(str(cache), format=ox.RdfFormat.N_QUADS)
    return store


def data_graph(store: EmbeddedStore) -> Graph:
    """The authored data (entities and sources) as one rdflib graph, as `kg build` validates it."""
    merged = Graph()
    for iri in store.graph_counts():
        if iri not in NOT_DATA:
            with store.triples_of(iri) as triples:
                add_triples(merged, triples)
    return merged


# ------------------------------------------------------------------------------------------ baselines
# The incremental checks of commit fff728e, kept to be measured against (kg/ no longer has them).


def ingest_check_before(store: Store, graph: Graph, shapes: Graph, ontology: Graph) -> ValidationReport:
    """`kg ingest` at fff728e: the delta, the authored triples of the project IRIs it names and the types of
    what those point to, validated by pySHACL with the delta's subjects as `focus_nodes`."""
    focus = sorted(str(node) for node in graph.subjects() if isinstance(node, URIRef))
    mentioned = {t for triple in graph for t in triple if _ours(t)}
    context = _describe_before(store, sorted(mentioned), "?x ?p ?o")
    pointed = {o for o in context.objects() if _ours(o)} - mentioned
    context += _describe_before(store, sorted(pointed), f"?x <{RDF.type}> ?o")
    conforms, results, text = pyshacl.validate(
        graph + context,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        focus_nodes=focus,
    )
    return ValidationReport(bool(conforms), str(text), results.serialize(format="turtle"))


def _ours(term: object) -> bool:
    return isinstance(term, URIRef) and term.startswith(str(RES))


def _describe_before(store: Store, nodes: list[URIRef], pattern: str) -> Graph:
    authored = f'FILTER (?g = <{GRAPH}entities> || STRSTARTS(STR(?g), "{GRAPH}source/"))'
    found = Graph()
    for start in range(0, len(nodes), 200):
        values = " ".join(iri_ref(node) for node in nodes[start : start + 200])
        query = f"CONSTRUCT {{ {pattern} }} WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ {pattern} }} {authored} }}"
        found.parse(data=store.query_bytes(query, "application/n-triples"), format="nt")
    return found


class _FocusedValidatorBefore(pyshacl.Validator):
    """fff728e's pySHACL validator with its focus nodes in a set (the reason for the old `<0.41` pin)."""

    def make_executor(self) -> Any:
        executor = super().make_executor()
        if executor.focus_nodes is not None:
            executor.focus_nodes = frozenset(executor.focus_nodes)
        return executor


def write_check_before(after: ox.Store, delta: Delta, shapes: Graph, ontology: Graph) -> ValidationReport:
    """HTTP writes at fff728e: subjects and objects of the changed quads and the nodes pointing to a changed
    subject, their outgoing triples 3 hops deep through project IRIs and blank nodes, the types of what those
    reference; pySHACL on the focus nodes (a set), or on everything then filtered when one is blank."""
    changed = [q for q in delta.added | delta.removed if _is_data(q.graph_name)]
    subjects = {q.subject for q in changed if isinstance(q.subject, ox.NamedNode | ox.BlankNode)}
    focus = set(subjects) | {q.object for q in changed if isinstance(q.object, ox.NamedNode | ox.BlankNode)}
    for node in subjects:
        for quad in after.quads_for_pattern(None, None, node, None):
            if _is_data(quad.graph_name) and isinstance(quad.subject, ox.NamedNode | ox.BlankNode):
                focus.add(quad.subject)
    collected: set[ox.Triple] = set()
    described: set[Any] = set()
    frontier = set(focus)
    for _ in range(4):
        following: set[Any] = set()
        for node in frontier - described:
            described.add(node)
            for triple in _data_triples(after, node):
                collected.add(triple)
                target = triple.object
                if isinstance(target, ox.BlankNode) or (
                    isinstance(target, ox.NamedNode) and target.value.startswith(str(RES))
                ):
                    following.add(target)
        frontier = following
    referenced = {t.object for t in collected if isinstance(t.object, ox.NamedNode | ox.BlankNode)}
    for node in referenced - described:
        collected.update(_data_triples(after, node, ox.NamedNode(str(RDF.type))))
    blank = any(isinstance(node, ox.BlankNode) for node in focus)
    options = {
        "inference": "none",
        "advanced": True,
        "allow_warnings": True,
        "focus_nodes": None if blank else sorted(node.value for node in focus),
    }
    data = DataGraph.from_rdflib(add_triples(Graph(), collected))
    validator = _FocusedValidatorBefore(data, shacl_graph=shapes, ont_graph=ontology, options=options)
    _, results, _ = validator.run()
    return filtered_report(results, {to_rdflib(node) for node in focus})


def _is_data(graph_name: object) -> bool:
    return not isinstance(graph_name, ox.NamedNode) or graph_name.value not in NOT_DATA


def _data_triples(store: ox.Store, node: Any, predicate: ox.NamedNode | None = None) -> Iterable[ox.Triple]:
    for quad in store.quads_for_pattern(node, predicate, None, None):
        if _is_data(quad.graph_name):
            yield quad.triple


# ------------------------------------------------------------------------------------------ cases


class Case:
    """The store plus the delta, with a planted error (quads added to and removed from the delta's graph,
    or from the store itself for a write): what each check is asked to judge."""

    def __init__(
        self, name: str, delta: Delta, extra: Iterable[ox.Quad] = (), missing: Iterable[ox.Quad] = ()
    ):
        self.name = name
        self.extra, self.missing = set(extra), set(missing)
        self.base = delta
        self.ingestible = not (self.missing - delta.added)  # an ingest can only add a source graph

    def ingest_delta(self) -> Delta:
        return Delta(added=(self.base.added | self.extra) - self.missing)

    def write_delta(self) -> Delta:
        """The write's delta against the store without the delta's graph."""
        return Delta(
            added=(self.base.added | self.extra) - self.missing, removed=self.missing - self.base.added
        )

    def source_graph(self) -> Graph:
        return add_triples(Graph(), (q.triple for q in self.ingest_delta().added))


def planted_cases(
    delta: Delta, graph_iri: str, graph: Graph, store: EmbeddedStore, places: list[str]
) -> list[Case]:
    """The conforming delta and errors that only a complete context reveals (module docstring)."""
    name = ox.NamedNode(graph_iri)
    place = ox.NamedNode(str(RES[places[0]]))

    def quad(s: Any, p: URIRef, o: Any) -> ox.Quad:
        return ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), o, name)

    event = next(iter(graph.subjects(KG.agent, None)))
    figure = next(s for s in graph.subjects(RDF.type, KG.Quantity))
    figure_time = [quad(figure, KG.during, ox.NamedNode(str(o))) for o in graph.objects(figure, KG.during)]
    actor = RES["syn-delta-actor-0"]
    english = [
        quad(actor, RDFS.label, ox.Literal(str(o), language="en"))
        for o in graph.objects(actor, RDFS.label)
        if o.language == "en"
    ]
    evidence = _cited_evidence(store)
    return [
        Case("conforming delta", delta),
        Case("an event's agent is a place", delta, extra=[quad(event, KG.agent, place)]),
        Case("a figure during a place (nested sh:or)", delta, [quad(figure, KG.during, place)], figure_time),
        Case("a new actor without an English rdfs:label (sh:qualifiedValueShape)", delta, missing=english),
        Case("write only: an evidence node loses its rdf:type", delta, missing=[evidence]),
    ]


def _cited_evidence(store: EmbeddedStore) -> ox.Quad:
    """The `rdf:type kg:Evidence` quad of an evidence node a statement cites, from a source graph."""
    query = (
        f"""SELECT ?g ?e WHERE {{ GRAPH ?g {{ ?e a <{KG.Evidence}> }} ?st <{KG.hasEvidence}> ?e }} LIMIT 1"""
    )
    row = next(iter(store.run_query(query)))
    return ox.Quad(row["e"], ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KG.Evidence)), row["g"])


# ------------------------------------------------------------------------------------------ timing


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Wall-clock seconds of one call, and its value."""
    seconds, _, value = clocked(function, *args, **kwargs)
    return seconds, value


def clocked(function: Any, *args: Any, **kwargs: Any) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of one call (CPU time is less disturbed by other work on the machine)."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, time.process_time() - cpu, value


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="Approximate size of the store.")
    parser.add_argument(
        "--delta-entries", type=int, default=40, help="Entries of the delta source (~1k triples)."
    )
    parser.add_argument("--seed", type=int, default=20241207)
    parser.add_argument("--incremental-runs", type=int, default=7)
    parser.add_argument(
        "--full-runs",
        type=int,
        default=1,
        help="Full validations of the conforming delta (each case: one more).",
    )
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "kg-ingest-bench")
    parser.add_argument("--out", type=Path, default=RESULTS / "ingest-validation.md")
    args = parser.parse_args()

    sources = max(1, round(args.triples / TRIPLES_PER_SOURCE))
    entities = max(200, sources * 10)
    work = Path(tempfile.mkdtemp(prefix="kg-ingest-bench-"))
    try:
        run(args, sources, entities, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, sources: int, entities: int, work: Path) -> None:
    generator = Generator(args.seed, entities)
    print(f"generating {sources} sources and {entities} entities (seed {args.seed})", flush=True)
    seconds_generate, settings = timed(make_project, work / "project", generator, sources)
    cache = args.cache_dir / f"store-{sources}-{entities}-{args.seed}.nq"
    cached = cache.exists()
    seconds_build, store = timed(build_store, settings, cache)
    store_triples = sum(store.graph_counts().values())
    print(f"store: {store_triples:,} triples ({'cache' if cached else f'built in {seconds_build:.0f} s'})")

    # The delta: one more source, compiled against what the store knows, as `kg ingest` does.
    document, text = generator.source(DELTA_ID, args.delta_entries, corroborations=args.delta_entries // 4)
    document["entities"] |= {
        f"syn-delta-actor-{n}": Generator._entity(f"syn-delta-actor-{n}", ["ArmedGroup"], "new actor", n)
        for n in range(3)
    }
    facts, text_path = work / f"{DELTA_ID}.yaml", work / f"{DELTA_ID}.txt"
    _write(facts, document)
    text_path.write_text(text, "utf-8")
    ontology = load_ontology(settings)
    shapes = load_shapes(settings.shapes_dir)
    seconds_index, index = timed(index_from_store, store)
    compiler = Compiler(Vocabulary.from_ontology(ontology), settings.project_dir, index)
    compiled = CompiledData()
    seconds_compile, summary = timed(compiler.compile_source_file, facts, compiled, text_path)
    graph_iri = str(source_graph(DELTA_ID))
    graph = compiled.graphs[source_graph(DELTA_ID)]
    delta = Delta.adding({graph_iri: graph})
    seconds_plan, check = timed(DeltaCheck, shapes, ontology)
    print(
        f"delta: {len(graph):,} triples ({summary.statements} statements, {summary.corroborations} "
        f"corroborations, {summary.events} events, {summary.quantities} figures); plan built in {seconds_plan:.2f} s"
    )
    cases = planted_cases(delta, graph_iri, graph, store, generator.places)
    conforming = cases[0]
    result: dict[str, Any] = {"runs": {}, "verdicts": {case.name: {} for case in cases}}

    def measure(name: str, function: Callable[[], ValidationReport]) -> None:
        runs = []
        for _ in range(args.incremental_runs):
            wall, cpu, report = clocked(function)
            assert report.conforms, f"{name}: {report.text}"
            runs.append({"wall": wall, "cpu": cpu})
            print(f"{name}: {wall:.3f} s, {cpu:.3f} s CPU", flush=True)
        result["runs"][name] = runs

    def judge(name: str, case: Case, function: Callable[[], ValidationReport]) -> None:
        report = function()
        result["verdicts"][case.name][name] = {
            "conforms": report.conforms,
            "results": sorted(report.result_keys()),
        }
        print(
            f"{case.name} / {name}: conforms {report.conforms}, {len(report.result_keys())} results",
            flush=True,
        )

    # The ingest path: the store without the delta; the check reads it through SPARQL, the delta beside it.
    def new_ingest(case: Case) -> Callable[[], ValidationReport]:
        return lambda: check.check(StoreState(store, case.ingest_delta()), case.ingest_delta())

    def ingest_before(case: Case) -> Callable[[], ValidationReport]:
        return lambda: ingest_check_before(store, case.source_graph(), shapes, ontology)

    measure("new, ingest path", new_ingest(conforming))
    measure("kg ingest at fff728e", ingest_before(conforming))
    for case in cases:
        if case.ingestible:
            judge("new, ingest path", case, new_ingest(case))
            judge("kg ingest at fff728e", case, ingest_before(case))
    result |= _sizes(check, store, conforming)

    # The write path: the store holds the change, as the trial copy of an HTTP write does.
    def new_write(case: Case) -> Callable[[], ValidationReport]:
        return lambda: check.check(DatasetState(store.ox), case.write_delta())

    def write_before(case: Case) -> Callable[[], ValidationReport]:
        return lambda: write_check_before(store.ox, case.write_delta(), shapes, ontology)

    with applied(store, conforming.write_delta()):
        measure("new, write path", new_write(conforming))
        measure("HTTP writes at fff728e", write_before(conforming))
    for case in cases:
        with applied(store, case.write_delta()):
            judge("new, write path", case, new_write(case))
            judge("HTTP writes at fff728e", case, write_before(case))

    # Full validation of every case, as `kg build` validates.
    seconds_read, whole = timed(data_graph, store)
    full: list[dict[str, float]] = []
    for case in [conforming] * (args.full_runs - 1) + cases:
        added, removed = case.write_delta().added, case.write_delta().removed
        whole += add_triples(Graph(), (q.triple for q in added))
        whole -= add_triples(Graph(), (q.triple for q in removed))
        wall, cpu, report = clocked(validate, whole, shapes, ontology)
        full.append({"wall": wall, "cpu": cpu})
        result["verdicts"][case.name]["full"] = {
            "conforms": report.conforms,
            "results": sorted(report.result_keys()),
        }
        print(f"full, {case.name}: {wall:.1f} s, {cpu:.1f} s CPU (conforms: {report.conforms})", flush=True)
        whole -= add_triples(Graph(), (q.triple for q in added))
        whole += add_triples(Graph(), (q.triple for q in removed))
    result["runs"]["full"] = full
    whole_triples = len(whole) + len(graph)
    del whole
    gc.collect()

    # The whole ingest, once, into the store (it is not used afterwards).
    seconds_ingest, _ = timed(ingest, settings, store, facts, text_path)
    store.close()
    result |= {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, pyshacl {pyshacl.__version__}",
        "load_average": os.getloadavg(),
        "seed": args.seed,
        "store_triples": store_triples,
        "validated_triples_full": whole_triples,
        "delta_triples": len(graph),
        "read_store_into_rdflib_s": seconds_read,
        "index_from_store_s": seconds_index,
        "compile_delta_s": seconds_compile,
        "plan_s": seconds_plan,
        "whole_ingest_s": seconds_ingest,
        "generate_s": seconds_generate,
        "build_s": None if cached else seconds_build,
        "peak_rss_gib": peak_rss_gib(),
    }
    write_results(args.out, result)
    print(json.dumps({k: v for k, v in result.items() if k not in ("runs", "verdicts")}, indent=1))


def _sizes(check: DeltaCheck, store: EmbeddedStore, case: Case) -> dict[str, int]:
    """How many focus nodes and context triples the new check uses for the conforming delta."""
    state = StoreState(store, case.ingest_delta())
    focus = check.focus_nodes(state, case.ingest_delta())
    return {"focus_nodes": len(focus), "context_triples": len(check.context(state, focus))}


class applied:  # noqa: N801 (a context manager, named as the phrase it reads in: `with applied(store, delta)`)
    """The store with a delta applied inside the `with` block, and as before after it."""

    def __init__(self, store: EmbeddedStore, delta: Delta) -> None:
        self.store, self.delta = store, delta

    def __enter__(self) -> None:
        for quad in self.delta.removed:
            self.store.ox.remove(quad)
        self.store.ox.extend(self.delta.added)

    def __exit__(self, *_: object) -> None:
        for quad in self.delta.added:
            self.store.ox.remove(quad)
        self.store.ox.extend(self.delta.removed)


# ------------------------------------------------------------------------------------------ results


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def spread(runs: list[dict[str, float]], key: str) -> str:
    values = [run[key] for run in runs]
    return f"{min(values):.2f}–{max(values):.2f}"


def verdict(name: str, case: dict[str, Any]) -> str:
    """How a check's results on a case compare with the full validation's."""
    if name not in case:
        return "–"
    full, mine = set(map(tuple, case["full"]["results"])), set(map(tuple, case[name]["results"]))
    word = "conforms" if case[name]["conforms"] else f"fails ({_results(len(mine))})"
    if mine == full:
        return f"{word}, same as full"
    missed, extra = len(full - mine), len(mine - full)
    return f"**{word}: misses {missed}**" + (f", {extra} more" if extra else "")


def _results(count: int) -> str:
    return f"{count} result" + ("" if count == 1 else "s")


def write_results(path: Path, r: dict[str, Any]) -> None:
    """The Markdown tables (and the raw numbers as JSON beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".json").write_text(json.dumps(r, indent=1) + "\n", "utf-8")
    runs = r["runs"]
    full_wall, full_cpu = median(runs["full"], "wall"), median(runs["full"], "cpu")
    rows = [
        ("new, ingest path", "`kg.shacl_delta` on a `StoreState` (what `kg ingest` runs)"),
        ("kg ingest at fff728e", "`kg ingest` before: authored 2-hop context, pySHACL `focus_nodes`"),
        ("new, write path", "`kg.shacl_delta` on a `DatasetState` (what an HTTP write runs)"),
        ("HTTP writes at fff728e", "HTTP writes before: 3-hop context, pySHACL subclassed (focus set)"),
    ]
    lines = [
        "# Incremental SHACL check of a change",
        "",
        f"Written by `python bench/ingest_bench.py` on {r['date']}. Machine: {r['machine']}.",
        f"Load average at the end: {r['load_average'][0]:.1f} on 2 cores (shared with other work): wall-clock",
        "times are inflated and spread, so process CPU times are given too, and ratios from the same run hold",
        "better than absolute times. All checks run in the same process, with the same shapes and ontology.",
        "",
        f"Store: {r['store_triples']:,} triples (synthetic, seed {r['seed']}, compiled and reasoned by the",
        f"project's own compiler and reasoner). Delta: one new source of {r['delta_triples']:,} triples. The new",
        f"check validates {r['focus_nodes']} focus nodes with a context of {r['context_triples']:,} triples.",
        "",
        "| check | median wall | median CPU | wall, min–max | full / this, wall | full / this, CPU |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in rows:
        wall, cpu = median(runs[name], "wall"), median(runs[name], "cpu")
        lines.append(
            f"| {label} | **{wall:.2f} s** | **{cpu:.2f} s** | {spread(runs[name], 'wall')} "
            f"| {full_wall / wall:,.0f}x | {full_cpu / cpu:,.0f}x |"
        )
    lines.append(
        f"| full: pySHACL on the whole data graph ({r['validated_triples_full']:,} triples) | **{full_wall:.0f} s** "
        f"| **{full_cpu:.0f} s** | {spread(runs['full'], 'wall')} | 1x | 1x |"
    )
    new = ("new, ingest path", "new, write path")
    walls = ", ".join(f"{median(runs[name], 'wall'):.2f} s" for name in new)
    cpus = ", ".join(f"{median(runs[name], 'cpu'):.2f} s" for name in new)
    met = "met" if all(median(runs[name], "wall") < 1 for name in new) else "not met"
    lines += [
        "",
        f"Target (a 1,000-triple delta against 1M triples in under 1 s median, ingest and writes alike): {met} in",
        f"wall-clock time on this machine ({walls}); median CPU time {cpus}. Each check ran",
        f"{len(runs['new, ingest path'])} times on the conforming delta; the first run of the new check in the process",
        f"took {runs['new, ingest path'][0]['wall']:.2f} s ({runs['new, ingest path'][0]['cpu']:.2f} s CPU): rdflib",
        "parses the shapes' SPARQL queries then, once per process. Full validation ran once per case below.",
        "",
        "## Verdicts against full validation",
        "",
        'Each case is the store with the delta, or the delta with one planted error. "Same as full": the same',
        "results (focus node, constraint, path, value, shape) as pySHACL on the whole data graph.",
        "",
        "| case | full | " + " | ".join(name for name, _ in rows) + " |",
        "|---|---|" + "---|" * len(rows),
    ]
    for case_name, case in r["verdicts"].items():
        full = case["full"]
        cells = [verdict(name, case) for name, _ in rows]
        full_cell = "conforms" if full["conforms"] else f"fails ({_results(len(full['results']))})"
        lines.append(f"| {case_name} | {full_cell} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "For context (one run each, wall clock):",
        "",
        "| step | time |",
        "|---|---|",
        f"| making the check (what the shapes read, the ontology's part; once per process) | {r['plan_s']:.2f} s |",
        f"| read the data graphs from the store into rdflib (before a full validation) "
        f"| {r['read_store_into_rdflib_s']:.1f} s |",
        f"| `index_from_store` (ids, names, statements the compiler needs) | {r['index_from_store_s']:.2f} s |",
        f"| compile the delta against that index | {r['compile_delta_s']:.2f} s |",
        f"| whole `kg.ingest.ingest` (compile, validate, reason over the store, one-transaction commit) "
        f"| {r['whole_ingest_s']:.1f} s |",
        f"| peak memory of the benchmark process | {r['peak_rss_gib']:.1f} GiB |",
        "",
        "Run it again: `python bench/ingest_bench.py` (see bench/README.md).",
        "",
    ]
    path.write_text("\n".join(lines), "utf-8")


if __name__ == "__main__":
    main()
