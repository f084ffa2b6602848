"""The as-of rule (kg/asof.py) at scale: `derive_and_infer` with and without it, in the same run.

Loads the synthetic graph of `bench/synthetic.py` (about `--triples` quads: sources, statements with time nodes
and source dates, the real ontology with its functional relation types) into an in-memory Oxigraph store and
times, alternating, `kg.reasoning.derive_and_infer` as it is (the as-of rule, then DERIVE and the rules) and the
same without the as-of rule (the named baseline: what a build reasoned before it). Reports medians, the spread
(min to max) and the ratio, and the size of `graph/timeline`. Writes `results/asof.json` and `results/asof.md`.

```sh
python bench/asof_bench.py                      # ~1M triples
python bench/asof_bench.py --triples 100000     # a quick look
```
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402

from kg import reasoning  # noqa: E402
from kg.vocab import TIMELINE_GRAPH  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def _fresh(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def _timed(path: Path, with_rule: bool) -> tuple[float, dict[str, int]]:
    store = _fresh(path)
    patch = mock.patch.object(reasoning, "apply_as_of_rule", lambda _store: 0)
    start = time.perf_counter()
    if with_rule:
        counts = reasoning.derive_and_infer(store)
    else:
        with patch:
            counts = reasoning.derive_and_infer(store)
    return time.perf_counter() - start, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20241208)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "kg-endpoint-bench")
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "asof.md", help="The table; the JSON goes beside it."
    )
    args = parser.parse_args()
    manifest = synthetic.ensure(args.triples, args.seed, args.cache_dir)
    path = Path(manifest.path)
    runs: dict[str, list[float]] = {"with the as-of rule": [], "baseline: without it": []}
    counts: dict[str, int] = {}
    for _ in range(args.runs):
        seconds, counts = _timed(path, with_rule=True)
        runs["with the as-of rule"].append(seconds)
        seconds, _ = _timed(path, with_rule=False)
        runs["baseline: without it"].append(seconds)
    store = _fresh(path)
    start = time.perf_counter()
    reasoning.apply_as_of_rule(store)
    rule_alone = time.perf_counter() - start
    timeline = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(TIMELINE_GRAPH)))))
    medians = {name: statistics.median(values) for name, values in runs.items()}
    result = {
        "quads": manifest.quads,
        "statements": manifest.statements,
        "timeline_triples": timeline,
        "counts": counts,
        "runs": runs,
        "medians": medians,
        "ratio": medians["with the as-of rule"] / medians["baseline: without it"],
        "as_of_rule_alone": rule_alone,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}",
        "date": time.strftime("%Y-%m-%d"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    lines = [
        "# The as-of rule at scale (`bench/asof_bench.py`)",
        "",
        f"{result['date']}, {result['machine']}; {manifest.quads:,} quads, {timeline:,} triples in graph/timeline.",
        "",
        "| `derive_and_infer` | median (s) | min – max (s) |",
        "|---|---|---|",
        *(
            f"| {name} | {medians[name]:.2f} | {min(values):.2f} – {max(values):.2f} |"
            for name, values in runs.items()
        ),
        "",
        f"Ratio with/without: {result['ratio']:.2f}. The as-of rule alone, once: {rule_alone:.2f} s.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
