"""Time `kg.reasoning.derive_and_infer` against the named baseline of commit 1eea2e5 in the same run.

The baseline is the module as it was before issue #15 (derived graph: asserted or reported statements only;
inferred graph: property characteristics only), read from git history so that the script holds no copy of it.
Both run, alternately, on the same Oxigraph store: the seed alone, and a synthetic store of about 110,000
triples (the N-Quads that `bench/ingest_bench.py --triples 100000` caches; its computed graphs are dropped).

    python bench/reasoning_bench.py                       # seed + the cached synthetic store, 7 runs each
    python bench/reasoning_bench.py --nquads FILE --runs 5

Writes results/reasoning.md and results/reasoning.json (every run, medians, spreads, ratios).
"""

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import reasoning  # noqa: E402
from kg.build import compile_facts, load_ontology  # noqa: E402
from kg.rdfio import to_oxigraph  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.vocab import DERIVED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, TIMELINE_GRAPH  # noqa: E402

BASELINE = "1eea2e5"
CACHE = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "kg-ingest-bench"


def baseline_module() -> ModuleType:
    """kg/reasoning.py of the baseline commit, loaded under another name."""
    text = subprocess.run(
        ["git", "show", f"{BASELINE}:kg/reasoning.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "reasoning_baseline.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("reasoning_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_store() -> ox.Store:
    settings = Settings()
    ontology = load_ontology(settings)
    store = ox.Store()
    to_oxigraph({ONTOLOGY_GRAPH: ontology, **compile_facts(settings, ontology).graphs}, store)
    return store


def synthetic_store(nquads: Path) -> ox.Store:
    """The cached synthetic store with the current ontology and without its computed graphs."""
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    for graph in (DERIVED_GRAPH, INFERRED_GRAPH, TIMELINE_GRAPH, ONTOLOGY_GRAPH):
        store.update(f"DROP SILENT GRAPH <{graph}>")
    to_oxigraph({ONTOLOGY_GRAPH: load_ontology(Settings())}, store)
    return store


def time_runs(store: ox.Store, modules: dict[str, ModuleType], runs: int) -> dict[str, list[float]]:
    """Wall-clock seconds of each module's derive_and_infer, alternating the order every run."""
    times: dict[str, list[float]] = {name: [] for name in modules}
    names = list(modules)
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):
            store.update(f"DROP SILENT GRAPH <{TIMELINE_GRAPH}>")
            start = time.perf_counter()
            modules[name].derive_and_infer(store)
            times[name].append(time.perf_counter() - start)
    return times


def summary(times: dict[str, list[float]]) -> dict[str, Any]:
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "runs": times,
        "median_s": medians,
        "spread_s": {name: [min(values), max(values)] for name, values in times.items()},
        "ratio_new_to_baseline": medians["new"] / medians[BASELINE],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    candidates = sorted(CACHE.glob("store-41-*.nq"))
    parser.add_argument("--nquads", type=Path, default=candidates[0] if candidates else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "reasoning")
    args = parser.parse_args()
    modules = {BASELINE: baseline_module(), "new": reasoning}
    stores = {"seed": seed_store()}
    if args.nquads is not None:
        stores[f"synthetic ({args.nquads.name})"] = synthetic_store(args.nquads)
    results: dict[str, Any] = {
        "machine": f"{platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()}"
    }
    for name, store in stores.items():
        results[name] = {"quads": len(store)} | summary(time_runs(store, modules, args.runs))
        results[name]["counts"] = modules["new"].derive_and_infer(store)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    lines = [
        "# derive_and_infer: issue #15 against the baseline of commit " + BASELINE,
        "",
        f"Machine: {results['machine']}. Wall clock, {args.runs} runs each, alternating; median (min-max).",
        "",
        "| store | quads | baseline | new | ratio new / baseline | new graph sizes |",
        "|---|---|---|---|---|---|",
    ]
    for name in stores:
        r = results[name]
        cell = {
            k: f"{r['median_s'][k]:.3f} s ({r['spread_s'][k][0]:.3f}-{r['spread_s'][k][1]:.3f})"
            for k in modules
        }
        lines.append(
            f"| {name} | {r['quads']:,} | {cell[BASELINE]} | {cell['new']} | "
            f"{r['ratio_new_to_baseline']:.1f} | {r['counts']} |"
        )
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
