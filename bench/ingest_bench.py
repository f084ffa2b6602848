"""Benchmark of incremental validation: ingest a delta of ~1,000 triples into a store of ~1M triples.

The store is made the way `kg build` makes ours, from synthetic authored facts: a deterministic generator (seeded)
writes an entities file and a few hundred source files (statements with quotes, events, figures, unnamed authors)
with their texts, the real compiler (`kg.authoring.Compiler`) turns them into named graphs, and the real reasoner
adds the derived and inferred graphs. So every statement has its evidence, quote and position selectors, time
nodes, and the shapes of `ontology/shapes/` apply as they do to the real data. The delta is one more synthetic
source (new statements, corroborations of statements already in the store, events, figures, new entities),
compiled against the store's index exactly as `kg ingest` compiles it.

Timed in the same run, several times each (medians reported):

- incremental: what `kg ingest` does (`kg.ingest._validate_delta`): fetch the 2-hop neighbourhood of the delta from
  the store (`kg.validate.neighbourhood`), then pyshacl with `focus_nodes` = the delta's subjects
  (`kg.validate.validate`);
- full: pyshacl on the whole data graph (entities and sources, the delta included; ontology as `ont_graph`), as
  `kg build` validates; reading the store into rdflib is timed apart.
- once, for context: the whole `kg.ingest.ingest` (compile, validate, reason over the store, one-transaction commit)
  into a copy of the store.

Run: `python bench/ingest_bench.py` (about 1M triples; a few minutes, ~5 GB of memory at most), or
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
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.authoring import CompiledData, Compiler, Vocabulary  # noqa: E402
from kg.build import compile_facts, load_ontology  # noqa: E402
from kg.ingest import index_from_store, ingest  # noqa: E402
from kg.rdfio import to_oxigraph  # noqa: E402
from kg.reasoning import derive_and_infer  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402
from kg.validate import load_shapes, neighbourhood, validate  # noqa: E402
from kg.vocab import DERIVED_GRAPH, HISTORY_GRAPH, INFERRED_GRAPH, KG, ONTOLOGY_GRAPH, RDF, RES, source_graph  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DELTA_ID = "9999_bench_delta"
TRIPLES_PER_SOURCE = 2_450  # measured: 100 entries per source compile to about this many triples
ENTRIES_PER_SOURCE = 100
ACTOR_TYPES = [["ArmedGroup"], ["Government"], ["State", "Country"], ["Person"], ["NGO"], ["ArmedForces"]]
PLACE_TYPES = [["City"], ["Town"], ["Province"], ["Region"]]
RELATIONS = ["allied-with", "supports", "fights", "opposes", "negotiates-with", "accuses", "partner-of"]
STANCES = ["asserted"] * 5 + ["reported"] * 3 + ["claimed", "denied"]
EVENT_TYPES = ["Strike", "Capture", "Offensive", "ArmedClash", "Withdrawal", "Meeting"]


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
            base = {"stance": rnd.choice(STANCES), "quote": sentence}
            if number < corroborations and self.keys:
                subject, relation, target, stance = rnd.choice(self.keys)
                statements.append(
                    {"id": slug, "subject": subject, "relation": relation, "object": target, **base}
                    | {"stance": stance}
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


def lean_neighbourhood(store: EmbeddedStore, graph: Graph) -> Graph:
    """A smaller context that is enough for the shapes (a sketch for `kg.validate.neighbourhood`, not used by kg).

    First hop: every triple about the project IRIs the delta mentions, from the entity and source graphs only
    (the derived and inferred graphs hold direct relations that no shape reads, and they grow with an entity's
    degree). Second hop: only the types of the nodes those triples point to (what `sh:class` needs).
    """
    skip = f"FILTER (?g NOT IN (<{DERIVED_GRAPH}>, <{INFERRED_GRAPH}>, <{HISTORY_GRAPH}>))"
    mentioned = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(RES))}
    context = _construct(store, sorted(mentioned), "?x ?p ?o", skip)
    pointed = {o for o in context.objects() if isinstance(o, URIRef) and o.startswith(str(RES))} - mentioned
    context += _construct(store, sorted(pointed), f"?x <{RDF.type}> ?o", skip)
    return context


def _construct(store: EmbeddedStore, nodes: list[URIRef], pattern: str, graph_filter: str) -> Graph:
    found = Graph()
    for start in range(0, len(nodes), 200):
        values = " ".join(f"<{node}>" for node in nodes[start : start + 200])
        query = f"CONSTRUCT {{ {pattern} }} WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ {pattern} }} {graph_filter} }}"
        found.parse(data=store.query_bytes(query, "application/n-triples"), format="nt")
    return found


def planted_violation(delta: Graph, places: list[str]) -> Graph:
    """The delta with one error only the context reveals: an event whose agent is a place, not an actor."""
    broken = Graph()
    broken += delta
    event = next(iter(delta.subjects(KG.agent, None)))
    broken.add((event, KG.agent, RES[places[0]]))
    return broken


def data_graph(store: EmbeddedStore) -> Graph:
    """The authored data (entities and sources) as one rdflib graph, as `kg build` validates it."""
    skip = {str(ONTOLOGY_GRAPH), str(DERIVED_GRAPH), str(INFERRED_GRAPH)}
    merged = Graph()
    for iri in store.graph_counts():
        if iri not in skip and "/graph/history" not in iri:
            merged.parse(data=store.export("ntriples", iri), format="nt")
    return merged


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
    parser.add_argument("--full-runs", type=int, default=3)
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
    delta = compiled.graphs[source_graph(DELTA_ID)]
    focus = sorted({node for node in delta.subjects() if isinstance(node, URIRef)})
    print(
        f"delta: {len(delta):,} triples, {len(focus)} focus nodes ({summary.statements} statements, "
        f"{summary.corroborations} corroborations, {summary.events} events, {summary.quantities} figures)"
    )

    # Both contexts must be enough to see an error that depends on them.
    broken = planted_violation(delta, generator.places)
    for context_of in (neighbourhood, lean_neighbourhood):
        broken_focus = sorted({node for node in broken.subjects() if isinstance(node, URIRef)})
        assert not validate(broken + context_of(store, broken), shapes, ontology, broken_focus).conforms

    lean: list[dict[str, float]] = []
    for _ in range(args.incremental_runs):
        wall_context, cpu_context, context = clocked(lean_neighbourhood, store, delta)
        wall_validate, cpu_validate, report = clocked(validate, delta + context, shapes, ontology, focus)
        assert report.conforms, report.text
        lean.append(
            {
                "wall": wall_context + wall_validate,
                "cpu": cpu_context + cpu_validate,
                "context_triples": len(context),
            }
        )
        print(
            f"incremental, lean context: {wall_context + wall_validate:.3f} s, {cpu_context + cpu_validate:.3f} s CPU"
        )

    incremental: list[dict[str, float]] = []
    for _ in range(args.incremental_runs):
        wall_context, cpu_context, context = clocked(neighbourhood, store, delta)
        wall_validate, cpu_validate, report = clocked(validate, delta + context, shapes, ontology, focus)
        assert report.conforms, report.text
        incremental.append(
            {
                "wall": wall_context + wall_validate,
                "cpu": cpu_context + cpu_validate,
                "context_wall": wall_context,
                "validate_wall": wall_validate,
                "context_triples": len(context),
            }
        )
        print(f"incremental: {wall_context + wall_validate:.3f} s, {cpu_context + cpu_validate:.3f} s CPU")

    seconds_read, whole = timed(data_graph, store)
    whole += delta
    full: list[dict[str, float]] = []
    full_conforms = True
    for _ in range(args.full_runs):
        wall, cpu, report = clocked(validate, whole, shapes, ontology)
        full.append({"wall": wall, "cpu": cpu})
        full_conforms = full_conforms and report.conforms
        print(f"full: {wall:.1f} s, {cpu:.1f} s CPU (conforms: {report.conforms})", flush=True)
    whole_triples = len(whole)
    del whole
    gc.collect()

    # The whole ingest, once, into the store (it is not used afterwards).
    seconds_ingest, _ = timed(ingest, settings, store, facts, text_path)
    store.close()

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
        "seed": args.seed,
        "store_triples": store_triples,
        "validated_triples_full": whole_triples,
        "delta_triples": len(delta),
        "focus_nodes": len(focus),
        "context_triples": median(incremental, "context_triples"),
        "incremental": incremental,
        "incremental_wall_s": median(incremental, "wall"),
        "incremental_cpu_s": median(incremental, "cpu"),
        "context_wall_s": median(incremental, "context_wall"),
        "validate_wall_s": median(incremental, "validate_wall"),
        "lean": lean,
        "lean_wall_s": median(lean, "wall"),
        "lean_cpu_s": median(lean, "cpu"),
        "lean_context_triples": median(lean, "context_triples"),
        "full": full,
        "full_wall_s": median(full, "wall"),
        "full_cpu_s": median(full, "cpu"),
        "full_conforms": full_conforms,
        "read_store_into_rdflib_s": seconds_read,
        "index_from_store_s": seconds_index,
        "compile_delta_s": seconds_compile,
        "whole_ingest_s": seconds_ingest,
        "generate_s": seconds_generate,
        "build_s": None if cached else seconds_build,
        "peak_rss_gib": peak_rss_gib(),
    }
    result["ratio_wall"] = result["full_wall_s"] / result["incremental_wall_s"]
    result["ratio_cpu"] = result["full_cpu_s"] / result["incremental_cpu_s"]
    write_results(args.out, result)
    print(json.dumps({k: v for k, v in result.items() if k not in ("incremental", "full")}, indent=1))


def write_results(path: Path, r: dict[str, Any]) -> None:
    """The Markdown table (and the raw numbers as JSON beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".json").write_text(json.dumps(r, indent=1) + "\n", "utf-8")

    def runs(rows: list[dict[str, float]], key: str, digits: int) -> str:
        return ", ".join(f"{row[key]:.{digits}f}" for row in rows)

    target = "met" if r["incremental_wall_s"] < 1 else "not met"
    lines = [
        "# Incremental validation of an ingest",
        "",
        f"Written by `python bench/ingest_bench.py` on {r['date']}. Machine: {r['machine']}. The machine is",
        "shared and noisy (2 cores, other jobs running): wall-clock times vary by up to 2x between runs, so CPU",
        "times of the process are given too, and ratios from the same run hold better than absolute times. Both",
        "measurements run pyshacl in the same process, with the same shapes and ontology.",
        "",
        f"Store: {r['store_triples']:,} triples (synthetic, seed {r['seed']}, compiled and reasoned by the",
        f"project's own compiler and reasoner). Delta: one new source of {r['delta_triples']:,} triples",
        f"({r['focus_nodes']} focus nodes), with its 2-hop neighbourhood of {r['context_triples']:,.0f} triples.",
        "",
        "| validation | median wall | median CPU | runs, wall (s) | runs, CPU (s) |",
        "|---|---|---|---|---|",
        f"| incremental: neighbourhood + pyshacl on the focus nodes | **{r['incremental_wall_s']:.2f} s** "
        f"| **{r['incremental_cpu_s']:.2f} s** | {runs(r['incremental'], 'wall', 2)} "
        f"| {runs(r['incremental'], 'cpu', 2)} |",
        f"| of which: neighbourhood from the store | {r['context_wall_s']:.2f} s | | | |",
        f"| of which: pyshacl with focus nodes | {r['validate_wall_s']:.2f} s | | | |",
        f"| full: pyshacl on the whole data graph ({r['validated_triples_full']:,} triples) "
        f"| **{r['full_wall_s']:.0f} s** | **{r['full_cpu_s']:.0f} s** | {runs(r['full'], 'wall', 0)} "
        f"| {runs(r['full'], 'cpu', 0)} |",
        f"| ratio full / incremental | **{r['ratio_wall']:.0f}x** | **{r['ratio_cpu']:.0f}x** | | |",
        f"| incremental with a leaner context ({r['lean_context_triples']:,.0f} triples; sketch, see below) "
        f"| {r['lean_wall_s']:.2f} s | {r['lean_cpu_s']:.2f} s | {runs(r['lean'], 'wall', 2)} "
        f"| {runs(r['lean'], 'cpu', 2)} |",
        "",
        f"Target (the delta validated in under 1 s): {target} (median wall clock). Full validation conforms: "
        f"{r['full_conforms']}.",
        "",
        "The incremental row is what `kg ingest` runs today (`kg.ingest._validate_delta`: the 2-hop",
        "`kg.validate.neighbourhood` of the delta, then pyshacl with the delta's subjects as focus nodes). Its",
        "context is mostly the derived and inferred direct relations of the entities the delta names (and of their",
        "neighbours), which no shape reads and which grow with an entity's degree. The leaner context",
        "(`lean_neighbourhood` in the benchmark: first hop from the entity and source graphs only, second hop only",
        "`rdf:type`) gives the same verdicts: before timing, both contexts are checked to reveal a planted error",
        "that only the context can show (an event whose agent is a place).",
        "",
        "For context (one run each, wall clock):",
        "",
        "| step | time |",
        "|---|---|",
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
