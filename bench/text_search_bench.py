"""Benchmark of full-text search in SPARQL: our search service against the `CONTAINS(LCASE(STR(?label)), …)` form
on `oxigraph serve`, same data, same run.

For each size (100k and 1M quads by default) the synthetic conflict graph of `bench/synthetic.py` (deterministic,
cached) is bulk-loaded into an on-disk store, which our app (`python -m uvicorn api.main:app`, the process
`kg serve` runs) serves, and a copy of it `oxigraph serve --union-default-graph`. Both run during the whole size;
each configuration below is measured for a window (`--duration` s after a warm-up) by 1 and by 8 concurrent
clients, configurations alternating (`--repeats` windows each, the order reversed every other round), with the
minimal keep-alive HTTP client of `endpoint_bench.py`. The 24 search words are the manifest's `label_terms`
(3 to 5 letters taken from actor names, as the endpoint benchmark's label search uses them).

Configurations (the query forms are in `QUERIES`):

- `service, all` on ours: `SERVICE <https://w3id.org/syria-kg/search> { ?entity search:query "w" ;
  search:score ?score ; search:limit 10000 }`: every entity with a matching name, with its score;
- `CONTAINS, all` on oxigraph serve: `SELECT DISTINCT ?entity` over rdfs:label, skos:prefLabel, skos:altLabel
  and kg:metonym with `FILTER (CONTAINS(LCASE(STR(?label)), "w"))`: the form the target is measured against;
- `service, top 20` on ours (`search:limit 20`: the 20 best by score) and `CONTAINS, LIMIT 20` on oxigraph serve
  (any 20, unranked: it stops at the twentieth match, the cheapest form there is, as `endpoint_bench.py` sends it);
- `CONTAINS, all` on ours: the same CONTAINS query through our endpoint, to show where the time goes.

Before measuring, every word is asked once of each form, and the entities found are compared (`agreement`): the
service must find exactly the nodes the CONTAINS form finds, statements aside (they are not in the name index:
their labels are sentences of entity names). Results: `bench/results/text-search.md` (tables, ratios, spread of
the per-window ratios, verdict against the targets: p99 ≤ 50 ms at 1M and ≥ 50× faster than the CONTAINS form)
and `bench/results/text-search.json` (every window).

Run: `python bench/text_search_bench.py` (both sizes, about 15 minutes), `--quick` (100k, one short window per
configuration, results in the temporary folder). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kg import vocab

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import endpoint_bench as eb  # noqa: E402
import synthetic  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "text-search.md"
RES = str(vocab.RES)
STATEMENT = str(vocab.KG.Statement)
PREFIXES = vocab.sparql_prefixes("kg", "rdfs", "skos") + f"PREFIX search: <{vocab.SEARCH}>\n"
QUERIES = {
    "service, all": """SELECT ?entity ?score WHERE {{
  SERVICE <{service}> {{ ?entity search:query "{term}" ; search:score ?score ; search:limit 10000 }}
}}""",
    "CONTAINS, all": """SELECT DISTINCT ?entity WHERE {{
  VALUES ?property {{ rdfs:label skos:prefLabel skos:altLabel kg:metonym }}
  ?entity ?property ?label .
  FILTER (CONTAINS(LCASE(STR(?label)), "{term}"))
}}""",
    "service, top 20": """SELECT ?entity ?score WHERE {{
  SERVICE <{service}> {{ ?entity search:query "{term}" ; search:score ?score ; search:limit 20 }}
}}""",
    "CONTAINS, LIMIT 20": """SELECT ?entity ?label WHERE {{
  VALUES ?property {{ rdfs:label skos:prefLabel skos:altLabel kg:metonym }}
  ?entity ?property ?label .
  FILTER (CONTAINS(LCASE(STR(?label)), "{term}"))
}} LIMIT 20""",
}
# (server, query form): the configurations, in the order of one round.
CONFIGS = [
    ("ours", "service, all"),
    ("oxigraph", "CONTAINS, all"),
    ("ours", "service, top 20"),
    ("oxigraph", "CONTAINS, LIMIT 20"),
    ("ours", "CONTAINS, all"),
]
# (ours, baseline) pairs whose ratio is reported; the first is the one the targets are checked on.
PAIRS = [
    (("ours", "service, all"), ("oxigraph", "CONTAINS, all")),
    (("ours", "service, top 20"), ("oxigraph", "CONTAINS, LIMIT 20")),
    (("ours", "service, all"), ("ours", "CONTAINS, all")),
]
TARGET_P99_MS = 50.0
TARGET_RATIO = 50.0


def cases(form: str, terms: list[str]) -> list[eb.Case]:
    return [
        eb.Case(
            form, PREFIXES + QUERIES[form].format(term=term, service=vocab.SEARCH_SERVICE), eb.SPARQL_JSON
        )
        for term in terms
    ]


@dataclass
class Agreement:
    """What the forms found for one word: entities (statements counted apart) and whether the sets agree."""

    term: str
    service: int
    contains: int
    contains_statements: int
    same: bool


@dataclass
class SizeResult:
    target: int
    quads: int
    names: int = 0
    ready_s: dict[str, float] = field(default_factory=dict)
    agreement: list[Agreement] = field(default_factory=list)
    runs: dict[str, list[eb.Run]] = field(default_factory=dict)  # "server|form|clients" -> windows

    def summary(self, server: str, form: str, clients: int) -> eb.Summary:
        return eb.Summary(self.runs.get(f"{server}|{form}|{clients}", []))


def entities(client: httpx.Client, url: str, case: eb.Case) -> set[str]:
    response = client.post(url, content=case.body, headers=eb.headers(case.accept))
    response.raise_for_status()
    return {row["entity"]["value"] for row in response.json()["results"]["bindings"]}


def check_agreement(size: SizeResult, running: dict[str, eb.Running], terms: list[str]) -> None:
    """Ask every word once of each form; compare what the service and the CONTAINS form find."""
    statement_query = PREFIXES + f"SELECT ?s WHERE {{ ?s a <{STATEMENT}> }}"
    with httpx.Client(timeout=600) as client:
        statements = entities_of(client, running["oxigraph"].url, statement_query)
        names = PREFIXES + (
            "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?p { rdfs:label skos:prefLabel skos:altLabel kg:metonym } "
            f'?s ?p ?o FILTER (isLiteral(?o) && STRSTARTS(STR(?s), "{RES}")) '
            f"FILTER NOT EXISTS {{ ?s a <{STATEMENT}> }} }}"
        )
        size.names = int(
            client.post(
                running["oxigraph"].url, data={"query": names}, headers={"Accept": eb.SPARQL_JSON}
            ).json()["results"]["bindings"][0]["n"]["value"]
        )
        for term, service, contains in zip(
            terms, cases("service, all", terms), cases("CONTAINS, all", terms), strict=True
        ):
            found = entities(client, running["ours"].url, service)
            baseline = {
                iri for iri in entities(client, running["oxigraph"].url, contains) if iri.startswith(RES)
            }
            nodes = baseline - statements
            size.agreement.append(
                Agreement(term, len(found), len(nodes), len(baseline & statements), found == nodes)
            )


def entities_of(client: httpx.Client, url: str, query: str) -> set[str]:
    response = client.post(url, data={"query": query}, headers={"Accept": eb.SPARQL_JSON})
    response.raise_for_status()
    return {row["s"]["value"] for row in response.json()["results"]["bindings"]}


def load_store(manifest: synthetic.Manifest, work: Path, timeout: float) -> eb.SizeSetup:
    """The bulk-loaded store our app serves, and a copy for oxigraph serve (endpoint_bench's loader)."""
    setup = eb.SizeSetup(
        manifest, work / f"search-ours-{manifest.target}", work / f"search-oxigraph-{manifest.target}"
    )
    loader = [sys.executable, str(ROOT / "bench" / "endpoint_bench.py"), "_load", "bulk_load"]
    result = eb.run_worker([*loader, manifest.path, str(setup.ours_dir)], timeout)
    if "error" in result:
        raise SystemExit(f"bulk load of {manifest.path} failed")
    shutil.rmtree(setup.oxigraph_dir, ignore_errors=True)
    shutil.copytree(setup.ours_dir, setup.oxigraph_dir)
    return setup


def run_size(args: argparse.Namespace, target: int, report: Report) -> None:
    pace = eb.Pace(args.warmup, args.duration, args.warmup * 10, args.duration * 3, args.request_timeout)
    print(f"[{eb.label(target)}] synthetic graph", flush=True)
    manifest = synthetic.ensure(target, args.seed, args.cache_dir)
    size = SizeResult(target, manifest.quads)
    report.sizes.append(size)
    setup = load_store(manifest, args.work_dir, args.load_timeout)
    terms = manifest.label_terms
    running: dict[str, eb.Running] = {}
    try:
        for server in ("ours", "oxigraph"):
            running[server] = eb.start_server(server, setup, args.work_dir, 600)
            size.ready_s[server] = running[server].ready_s
        print(f"  {manifest.quads:,} quads; servers ready; comparing answers", flush=True)
        check_agreement(size, running, terms)
        same = sum(a.same for a in size.agreement)
        print(f"  {same}/{len(terms)} words: the service finds exactly the nodes CONTAINS finds", flush=True)
        for clients in args.clients:
            for repeat in range(args.repeats):
                for server, form in CONFIGS if repeat % 2 == 0 else CONFIGS[::-1]:
                    result = eb.measure(running[server], cases(form, terms), clients, pace)
                    size.runs.setdefault(f"{server}|{form}|{clients}", []).append(result)
                    latencies = [ms for _, ms in result.latencies]
                    print(
                        f"    {server:8} {form:18} {clients} clients: {result.qps:8.1f} q/s, "
                        f"p50 {eb.percentile(latencies, 0.5):7.1f} ms, p99 {eb.percentile(latencies, 0.99):7.1f} ms, "
                        f"{sum(result.errors.values())} errors",
                        flush=True,
                    )
                report.write(args.out)
    finally:
        for server in running.values():
            server.stop()
        if not args.keep_stores:
            shutil.rmtree(setup.ours_dir, ignore_errors=True)
            shutil.rmtree(setup.oxigraph_dir, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ report


@dataclass
class Report:
    args: argparse.Namespace
    began: dt.datetime
    sizes: list[SizeResult] = field(default_factory=list)

    def write(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.markdown(), encoding="utf-8")
        out.with_suffix(".json").write_text(json.dumps(self.data(), indent=1), encoding="utf-8")

    def data(self) -> dict[str, Any]:
        return {
            "began": self.began.isoformat(timespec="seconds"),
            "machine": eb.machine(),
            "versions": eb.versions(),
            "argv": self.args.argv,
            "sizes": [
                {
                    "target": s.target,
                    "quads": s.quads,
                    "names": s.names,
                    "ready_s": s.ready_s,
                    "agreement": [asdict(a) for a in s.agreement],
                    "windows": {key: [window_data(run) for run in runs] for key, runs in s.runs.items()},
                }
                for s in self.sizes
            ],
        }

    def markdown(self) -> str:
        args = self.args
        lines = [
            "# Full-text search in SPARQL: the search service against `CONTAINS` on `oxigraph serve`",
            "",
            f"Run {self.began:%Y-%m-%d %H:%M} UTC by `{' '.join(['python bench/text_search_bench.py', *args.argv])}`"
            f" (`bench/text_search_bench.py` says how). Machine: {eb.machine()}; {eb.versions()}.",
            f"Synthetic graph of `bench/synthetic.py`, seed {args.seed}; {args.repeats} windows of "
            f"{args.duration:g} s per configuration and number of clients, configurations alternating; "
            "latencies are per request, measured by the client; q/s counts answers completed in the windows; "
            f'"others\' cores" is the CPU every other process of the machine used meanwhile (of {os.cpu_count()}).',
            "",
            "Query forms (the search word `w` cycles through the manifest's 24 `label_terms`):",
            "",
        ]
        for form, text in QUERIES.items():
            lines += [f"- **{form}**: `{' '.join(text.format(term='w').split())}`"]
        lines.append("")
        for size in self.sizes:
            lines += self.size_section(size)
        lines += self.verdict()
        return "\n".join(lines) + "\n"

    def size_section(self, size: SizeResult) -> list[str]:
        lines = [
            f"## {eb.label(size.target)} ({size.quads:,} quads, {size.names:,} names in the index)",
            "",
            f"Ready (store opened, name index read): ours {size.ready_s.get('ours', 0):.1f} s, "
            f"oxigraph serve {size.ready_s.get('oxigraph', 0):.1f} s.",
            "",
            "| server | query | clients | q/s | p50 ms | p90 ms | p99 ms | errors | server cores | others' cores |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for clients in self.args.clients:
            for server, form in CONFIGS:
                summary = size.summary(server, form, clients)
                if not summary.runs:
                    continue
                cores = sum(r.server_cores for r in summary.runs) / len(summary.runs)
                others = sum(r.background_cores for r in summary.runs) / len(summary.runs)
                lines.append(
                    f"| {eb.SERVER_LABELS[server]} | {form} | {clients} | {eb.fmt(summary.qps)} | "
                    f"{eb.fmt(summary.p(0.5), 2)} | {eb.fmt(summary.p(0.9), 2)} | {eb.fmt(summary.p(0.99), 2)} | "
                    f"{summary.error_count} | {cores:.2f} | {others:.2f} |"
                )
        lines += [
            "",
            "Ratios (baseline / ours: how many times faster ours is), pooled over the windows; in brackets the "
            "range of the same ratio window pair by window pair:",
            "",
            "| ours | baseline | clients | p50 latency | p99 latency | throughput |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for ours, base in PAIRS:
            for clients in self.args.clients:
                a, b = size.summary(*ours, clients), size.summary(*base, clients)
                if not a.runs or not b.runs:
                    continue
                lines.append(
                    f"| {ours[1]} | {eb.SERVER_LABELS[base[0]]}, {base[1]} | {clients} | "
                    f"{ratio_text(b.p(0.5), a.p(0.5), spread(a, b, 0.5))} | "
                    f"{ratio_text(b.p(0.99), a.p(0.99), spread(a, b, 0.99))} | "
                    f"{ratio_text(a.qps, b.qps, spread(a, b, None))} |"
                )
        same = sum(a.same for a in size.agreement)
        lines += [
            "",
            f"Answers: for {same} of {len(size.agreement)} words the service found exactly the nodes the CONTAINS "
            "form found (statements aside: they are not in the name index).",
            "",
            "| word | service | CONTAINS (nodes) | CONTAINS (statements) | same nodes |",
            "|---|---:|---:|---:|---|",
        ]
        for a in size.agreement:
            lines.append(
                f"| {a.term} | {a.service} | {a.contains} | {a.contains_statements} | {'yes' if a.same else 'no'} |"
            )
        lines.append("")
        return lines

    def verdict(self) -> list[str]:
        lines = ["## Verdict", ""]
        largest = max(self.sizes, key=lambda s: s.target, default=None)
        if largest is None:
            return lines
        ours, base = PAIRS[0]
        for clients in self.args.clients:
            a, b = largest.summary(*ours, clients), largest.summary(*base, clients)
            if not a.runs or not b.runs:
                continue
            p99 = a.p(0.99)
            faster = eb.ratio(b.p(0.5), a.p(0.5))
            lines.append(
                f"- {eb.label(largest.target)}, {clients} client(s): p99 of the service {p99:.1f} ms "
                f"({'meets' if p99 <= TARGET_P99_MS else 'misses'} ≤ {TARGET_P99_MS:g} ms); "
                f"{faster:.0f}× faster than CONTAINS on oxigraph serve at p50, "
                f"{eb.ratio(b.p(0.99), p99):.0f}× at p99, {eb.ratio(a.qps, b.qps):.0f}× the throughput "
                f"({'meets' if faster >= TARGET_RATIO else 'misses'} ≥ {TARGET_RATIO:g}×)."
            )
        return [*lines, ""]


def window_data(run: eb.Run) -> dict[str, Any]:
    """One window in numbers (not every latency: a window of fast answers holds thousands)."""
    latencies = [ms for _, ms in run.latencies]
    data = {key: value for key, value in asdict(run).items() if key != "latencies"}
    return data | {
        "answers": len(latencies),
        "qps": run.qps,
        **{f"p{int(f * 100)}_ms": eb.percentile(latencies, f) for f in (0.5, 0.9, 0.99)},
    }


def spread(a: eb.Summary, b: eb.Summary, fraction: float | None) -> tuple[float, float]:
    """The smallest and largest ratio over window pairs (the i-th window of each configuration)."""
    values = []
    for run_a, run_b in zip(a.runs, b.runs, strict=False):
        if fraction is None:
            values.append(eb.ratio(run_a.qps, run_b.qps))
        else:
            lat_a = [ms for _, ms in run_a.latencies]
            lat_b = [ms for _, ms in run_b.latencies]
            values.append(eb.ratio(eb.percentile(lat_b, fraction), eb.percentile(lat_a, fraction)))
    return (min(values), max(values)) if values else (float("nan"), float("nan"))


def ratio_text(numerator: float, denominator: float, window_range: tuple[float, float]) -> str:
    low, high = window_range
    return f"{eb.fmt(eb.ratio(numerator, denominator))}× ({eb.fmt(low)}–{eb.fmt(high)})"


# ------------------------------------------------------------------------------------------------ main


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    default_cache = Path(tempfile.gettempdir()) / "kg-endpoint-bench"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="Quads in the synthetic graphs.")
    add("--clients", type=int, nargs="+", default=[1, 8], help="Concurrent clients.")
    add("--duration", type=float, default=8.0, help="Seconds measured per window.")
    add("--warmup", type=float, default=2.0, help="Least unmeasured seconds before a window.")
    add("--repeats", type=int, default=3, help="Windows per configuration and number of clients.")
    add("--request-timeout", type=float, default=120.0, help="Client timeout of one request.")
    add("--load-timeout", type=float, default=900.0, help="Longest time the bulk load may take.")
    add("--seed", type=int, default=20241208)
    add("--cache-dir", type=Path, default=default_cache, help="Where generated files are cached.")
    add("--work-dir", type=Path, default=default_cache / "work", help="Stores and server logs.")
    add("--keep-stores", action="store_true", help="Keep the on-disk stores after the run.")
    add("--out", type=Path, default=None, help=f"Markdown results (default {RESULTS.relative_to(ROOT)}).")
    add("--quick", action="store_true", help="100k only, one 3 s window each; results in the cache folder.")
    args = parser.parse_args(argv)
    args.argv = list(argv)
    if args.quick:
        if args.sizes == [100_000, 1_000_000]:
            args.sizes = [100_000]
        args.duration, args.warmup, args.repeats = min(args.duration, 3.0), min(args.warmup, 1.0), 1
    if args.out is None:
        args.out = args.cache_dir / "text-search-quick.md" if args.quick else RESULTS
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    args.work_dir.mkdir(parents=True, exist_ok=True)
    report = Report(args, dt.datetime.now(dt.UTC))
    began = time.perf_counter()
    for target in args.sizes:
        run_size(args, target, report)
        report.write(args.out)
    print(f"results: {args.out} ({(time.perf_counter() - began) / 60:.1f} minutes)")


if __name__ == "__main__":
    main()
