"""`kg build` of the repository's sources, as it is and against the named baseline, in the same run.

The baseline is the build before the two parsing caches (commit a079893): rdflib's stock SPARQL processor, which
parses the text of a SHACL-SPARQL constraint again for every focus node pySHACL checks, and the `edtf` package's
parser called for every date. Both are restored for the baseline runs (rdflib's plugin registry, a patched
`kg.temporal._parse_edtf`); the runs alternate, each into a fresh in-memory store. Reports medians, the spread
and the ratio, and checks that both builds wrote the same quads. Writes `results/build.json` and
`results/build.md`.

```sh
python bench/build_bench.py             # 3 runs each
python bench/build_bench.py --runs 1    # a quick look
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import edtf
from rdflib import plugin
from rdflib.query import Processor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import temporal, validate  # noqa: E402
from kg.build import build  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.store import EmbeddedStore  # noqa: E402

RESULTS = ROOT / "bench" / "results"


@contextmanager
def baseline() -> Iterator[None]:
    """The build as it was: rdflib's own processor, and an EDTF parse per date."""
    plugin.register("sparql", Processor, "rdflib.plugins.sparql.processor", "SPARQLProcessor")
    try:
        with mock.patch.object(temporal, "_parse_edtf", edtf.parse_edtf):
            yield
    finally:
        plugin.register("sparql", Processor, validate.__name__, validate.PreparingSPARQLProcessor.__name__)


def timed_build(cached: bool) -> tuple[float, int]:
    """Seconds of one build into a fresh store, and the number of quads it wrote."""
    validate._prepared.cache_clear()
    temporal._parse_edtf.cache_clear()
    store = EmbeddedStore(None)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        start = time.perf_counter()
        if cached:
            build(settings, store)
        else:
            with baseline():
                build(settings, store)
        seconds = time.perf_counter() - start
    quads = sum(store.graph_counts().values())
    store.close()
    return seconds, quads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"cached": [], "baseline": []}
    quads: dict[str, set[int]] = {"cached": set(), "baseline": set()}
    for _ in range(args.runs):
        for name in ("baseline", "cached"):
            seconds, count = timed_build(name == "cached")
            times[name].append(seconds)
            quads[name].add(count)
            print(f"{name}: {seconds:.1f} s, {count} quads", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "runs": args.runs,
        "seconds": times,
        "medians": medians,
        "ratio": medians["baseline"] / medians["cached"],
        "same_quads": quads["cached"] == quads["baseline"] and len(quads["cached"]) == 1,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "build.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    rows = "\n".join(
        f"| {name} | {medians[name]:.1f} s | {min(times[name]):.1f}-{max(times[name]):.1f} s |"
        for name in times
    )
    (args.out / "build.md").write_text(
        f"# `kg build` of the repository's sources ({result['date']}, {result['machine']})\n\n"
        "| build | median | spread |\n|---|---|---|\n"
        f"{rows}\n\nThe parsing caches make the build {result['ratio']:.1f}x as fast as the baseline; "
        f"same quads written: {result['same_quads']}.\n",
        encoding="utf-8",
    )
    print((args.out / "build.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
