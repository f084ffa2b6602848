"""Benchmark of the SPARQL endpoint: our app against raw `oxigraph serve` and rdflib-endpoint, same data, one run.

For each size (100k and 1M quads by default) the synthetic conflict graph of `bench/synthetic.py` is generated
(deterministic, cached), then:

1. Bulk load, each in its own process: pyoxigraph `Store.bulk_load` into an on-disk store (the store our app
   then serves), `oxigraph load` (the server's CLI), and the path `kg build` writes data by
   (`EmbeddedStore.replace_graphs`: rdflib graphs turned into one SPARQL `INSERT DATA` transaction; the rdflib
   parse before it is timed apart). Triples per second and ratios.
2. Endpoints, one at a time, each on 127.0.0.1 with a free port, started and stopped by this script (by PID):
   - ours: `python -m uvicorn api.main:app` (one worker: the process `kg serve` runs under its supervisor) with
     `KG_DATA_DIR` pointing at the bulk-loaded store, so the app finds the named graphs and does not build;
   - `oxigraph serve --location <copy of the same store> --union-default-graph`;
   - rdflib-endpoint (`python -m rdflib_endpoint serve <file.nq>`, the PyPI package; its load is bounded by
     `--rdflib-max-load`).
   Our app and `oxigraph serve` are started afresh for every window and measured alternately (`--repeats`
   windows each); rdflib-endpoint, slow to load, once per size and drained between windows. Each answers the
   five probe queries once (answer sizes are compared across servers), then 8 and 64 concurrent clients (a
   minimal HTTP/1.1 client on asyncio, one keep-alive connection each, form-encoded POST, `Accept-Encoding:
   identity`) send a round-robin mix for a warm-up then a measured window: label search, allies of an actor at
   a date, two-hop neighbourhood, an aggregation, a CONSTRUCT of an ego network (SPARQL JSON for SELECT,
   N-Triples for CONSTRUCT). Reported: queries per second (successful answers completed in the window /
   window), p50 and p99 latency, errors (non-2xx or exceptions, warm-up included), the server's peak memory
   (VmHWM of its process: the high-water mark since it started, loading included), the CPU it used (cores)
   and answers per CPU-second.
3. A bounded sample of our app's HTTP write path (Graph Store `POST /store?graph=` with the write token, one
   new source graph per request, SHACL-checked as every write is) for `--write-seconds`.

Results: `bench/results/endpoint.md` (the tables, ratios ours/oxigraph and ours/rdflib-endpoint, p99/p50 and a
verdict per target). Targets (issue): ≥ 0.8× `oxigraph serve` and ≥ 50× rdflib-endpoint throughput, p99 ≤ 3×
p50, zero errors.

Run: `python bench/endpoint_bench.py` (both sizes, ~20 minutes), `python bench/endpoint_bench.py --quick`
(100k only, short windows, results in the temporary folder). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx

from kg.vocab import sparql_prefixes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))  # processes.py: the start-and-wait helpers shared with the tests

import synthetic  # noqa: E402
from processes import Server, free_port, program  # noqa: E402
from processes import start_server as start_process  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "endpoint.md"
T = TypeVar("T")
SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
KINDS = ("label search", "allies at a date", "two-hop", "aggregation", "CONSTRUCT ego network")
SERVERS = ("ours", "oxigraph", "rdflib")
SERVER_LABELS = {"ours": "ours (api.main)", "oxigraph": "oxigraph serve", "rdflib": "rdflib-endpoint"}
WRITE_TOKEN = "endpoint-bench-token"
PREFIXES = sparql_prefixes("kg", "rdfs", "skos", "xsd")

# ------------------------------------------------------------------------------------------------ queries
# Anchors share the relation's basic graph pattern (docs/findings.md); every pattern of a UNION branch is
# inside the branch. Both engines plan these well: the allies query with its label join outside the branches
# took 140-420 ms on pyoxigraph (1 ms inside), and with `VALUES ?stance` 40 s on rdflib (0.4 s with IN).


def label_search(term: str) -> str:
    return (
        PREFIXES
        + f"""SELECT ?entity ?label WHERE {{
  VALUES ?property {{ rdfs:label skos:altLabel }}
  ?entity ?property ?label .
  FILTER (CONTAINS(LCASE(STR(?label)), "{term}"))
}} LIMIT 20"""
    )


def allies_at(actor: str, day: str) -> str:
    return (
        PREFIXES
        + f"""SELECT DISTINCT ?ally ?allyLabel ?type ?from ?until WHERE {{
  {{ ?statement kg:subject <{actor}> ; kg:object ?ally ; kg:relationType ?type ; kg:stance ?stance ;
                kg:during ?time .
     ?ally rdfs:label ?allyLabel . ?type kg:polarity 1 . ?time kg:fromDate ?from . }}
  UNION
  {{ ?statement kg:object <{actor}> ; kg:subject ?ally ; kg:relationType ?type ; kg:stance ?stance ;
                kg:during ?time .
     ?ally rdfs:label ?allyLabel . ?type kg:polarity 1 . ?time kg:fromDate ?from . }}
  FILTER (?stance IN (kg:Asserted, kg:Reported))
  OPTIONAL {{ ?time kg:untilDate ?until }}
  FILTER (LANG(?allyLabel) = "en")
  FILTER (?from <= "{day}"^^xsd:date && (!BOUND(?until) || ?until >= "{day}"^^xsd:date))
}}"""
    )


def two_hop(actor: str) -> str:
    return (
        PREFIXES
        + f"""SELECT DISTINCT ?other ?otherLabel WHERE {{
  ?first kg:subject <{actor}> ; kg:object ?middle .
  ?second kg:subject ?middle ; kg:object ?other .
  ?other rdfs:label ?otherLabel .
  FILTER (?other != <{actor}> && LANG(?otherLabel) = "en")
}}"""
    )


AGGREGATION = (
    PREFIXES
    + """SELECT ?type ?stance (COUNT(?statement) AS ?statements) WHERE {
  ?statement kg:relationType ?type ; kg:stance ?stance .
} GROUP BY ?type ?stance ORDER BY ?type ?stance"""
)


def ego_network(actor: str) -> str:
    return (
        PREFIXES
        + f"""CONSTRUCT {{
  ?statement kg:subject ?subject ; kg:relationType ?type ; kg:object ?object ; kg:stance ?stance .
  ?other rdfs:label ?label .
}} WHERE {{
  {{ ?statement kg:subject <{actor}> ; kg:relationType ?type ; kg:object ?other ; kg:stance ?stance .
     ?other rdfs:label ?label .
     BIND (<{actor}> AS ?subject) BIND (?other AS ?object) }}
  UNION
  {{ ?statement kg:object <{actor}> ; kg:relationType ?type ; kg:subject ?other ; kg:stance ?stance .
     ?other rdfs:label ?label .
     BIND (<{actor}> AS ?object) BIND (?other AS ?subject) }}
}}"""
    )


@dataclass
class Case:
    """One query of the mix, ready to send."""

    kind: str
    text: str
    accept: str
    body: bytes = b""

    def __post_init__(self) -> None:
        self.body = urlencode({"query": self.text}).encode("ascii")


def query_mix(manifest: synthetic.Manifest) -> list[Case]:
    """The mix, interleaved: variant i of each of the five kinds, then variant i + 1, and so on."""
    cases = []
    for i, (actor, day, term) in enumerate(
        zip(manifest.anchors, manifest.dates, manifest.label_terms, strict=False)
    ):
        cases.append(Case(KINDS[0], label_search(term), SPARQL_JSON))
        cases.append(Case(KINDS[1], allies_at(actor, day), SPARQL_JSON))
        cases.append(Case(KINDS[2], two_hop(actor), SPARQL_JSON))
        cases.append(Case(KINDS[3], AGGREGATION, SPARQL_JSON))
        other = manifest.anchors[(i + 7) % len(manifest.anchors)]
        cases.append(Case(KINDS[4], ego_network(other), N_TRIPLES))
    return cases


def headers(accept: str) -> dict[str, str]:
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": accept,
        "Accept-Encoding": "identity",
    }


def answer_size(case: Case, body: bytes) -> int:
    """Rows of a SELECT answer (SPARQL JSON) or triples of a CONSTRUCT answer (N-Triples)."""
    if case.accept == SPARQL_JSON:
        return len(json.loads(body)["results"]["bindings"])
    return sum(1 for line in body.decode("utf-8").splitlines() if line.strip())


# ------------------------------------------------------------------------------------------------ servers


def proc_status(pid: int, key: str) -> int:
    """A kB field of /proc/<pid>/status (VmHWM: peak resident memory), 0 if unavailable."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy (every core, every process) since boot, from /proc/stat."""
    with contextlib.suppress(OSError), open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


@dataclass
class Running:
    """A server process started by this script, and the URL of its SPARQL endpoint."""

    server: Server
    url: str
    ready_s: float = 0.0

    @property
    def name(self) -> str:
        return self.server.name

    @property
    def pid(self) -> int:
        return self.server.process.pid

    def peak_mb(self) -> float:
        return proc_status(self.pid, "VmHWM") / 1024

    def stop(self) -> None:
        """SIGTERM to its PID, SIGKILL if it lingers (rdflib-endpoint ignores SIGTERM while a query runs)."""
        self.server.stop()


def start_server(
    name: str, size: SizeSetup, work: Path, max_wait: float, write_token: bool = False
) -> Running:
    """Start one server on a free port and wait until it answers a query (or fail after `max_wait`)."""
    port = free_port()
    env = dict(os.environ)
    if name == "ours":
        # The server process `kg serve` runs (under api.supervisor, which only restarts it if it dies).
        env["KG_DATA_DIR"] = str(size.ours_dir)
        if write_token:
            env["KG_WRITE_TOKEN"] = WRITE_TOKEN
        argv = [
            sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
            "--log-config", "api/logging.json",
        ]  # fmt: skip
        path = "/sparql"
    elif name == "oxigraph":
        argv = [
            program("oxigraph"), "serve", "--location", str(size.oxigraph_dir),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph",
        ]  # fmt: skip
        path = "/query"
    else:
        argv = [
            sys.executable, "-m", "rdflib_endpoint", "serve", size.manifest.path,
            "--host", "127.0.0.1", "--port", str(port),
        ]  # fmt: skip
        path = "/"  # rdflib-endpoint 0.6 serves SPARQL at its root
    log = work / f"{name}-{size.manifest.target}-{port}.log"
    probe = f"{path}?{urlencode({'query': 'ASK { ?s ?p ?o }'})}"
    started = time.perf_counter()
    server = start_process(
        argv, port=port, probe=probe, log=log, name=name, env=env, cwd=ROOT, timeout=max_wait
    )
    return Running(server, server.url + path, time.perf_counter() - started)


# ------------------------------------------------------------------------------------------- load runner


@dataclass
class Sample:
    """One request: when it started and ended (perf_counter), its kind, and whether it succeeded."""

    start: float
    end: float
    kind: str
    ok: bool
    status: str


@dataclass
class Window:
    """The measured window of one run: opened once every client has had an answer (after the warm-up)."""

    begin: float
    start: float | None = None
    end: float | None = None
    completed: int = 0


@dataclass
class Run:
    """One measured window of one server under one number of clients."""

    server: str
    clients: int
    seconds: float  # length of the window
    latencies: list[tuple[str, float]]  # (kind, ms) of the successful answers completed in the window
    errors: dict[str, int]  # failures (warm-up included), by status or exception
    in_flight_at_end: int
    peak_mb: float
    server_cores: float
    client_cores: float
    ready_s: float
    warmup_s: float
    background_cores: float  # CPU used by every other process of the machine meanwhile

    @property
    def qps(self) -> float:
        return len(self.latencies) / self.seconds


@dataclass
class Summary:
    """The runs of one server under one number of clients, pooled."""

    runs: list[Run]

    @property
    def qps(self) -> float:
        return sum(len(r.latencies) for r in self.runs) / sum(r.seconds for r in self.runs)

    def latencies(self, kind: str | None = None) -> list[float]:
        return [ms for r in self.runs for k, ms in r.latencies if kind is None or k == kind]

    def p(self, fraction: float, kind: str | None = None) -> float:
        return percentile(self.latencies(kind), fraction)

    @property
    def completed(self) -> int:
        return sum(len(r.latencies) for r in self.runs)

    @property
    def errors(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for run in self.runs:
            for key, count in run.errors.items():
                total[key] = total.get(key, 0) + count
        return total

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def per_cpu_second(self) -> float:
        """Answers per second of the server's CPU time (less sensitive to background load than q/s)."""
        return ratio(self.completed, sum(r.seconds * r.server_cores for r in self.runs))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of a list (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Pace:
    """How long to warm up and measure: the window opens after `warmup` s once every client has had an answer
    (at most after `max_warmup` s), and lasts `duration` s, or three times as long as that first round took
    when that is longer (a server that answers in batches, like rdflib-endpoint, then shows several), at most
    `max_window` s."""

    warmup: float
    duration: float
    max_warmup: float
    max_window: float
    timeout: float


class HTTPConnection:
    """One keep-alive HTTP/1.1 connection: a request's bytes out, its status and body back.

    The load generator shares 2 cores with the server under test, so it must cost little per request: httpx
    spent 1.5-4 ms of CPU per request here (measured), which made the client the bottleneck in front of
    `oxigraph serve` (its threads sat waiting for requests). This client sends prepared bytes and reads the
    answer by Content-Length or chunked transfer coding, nothing more (the servers here send no 1xx answers).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, payload: bytes) -> tuple[int, int]:
        """Send one request; return the status and the body's length."""
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.reader, self.writer
        writer.write(payload)
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("connection closed before the answer")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = -1, False, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value
            elif name == b"connection":
                close = value == b"close"
        size = 0
        if chunked:
            while True:
                chunk = int((await reader.readline()).split(b";")[0], 16)
                if chunk == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                size += len(await reader.readexactly(chunk + 2)) - 2
        elif length >= 0:
            size = len(await reader.readexactly(length))
        else:  # the body ends with the connection
            size, close = len(await reader.read()), True
        if close:
            self.close()
        return status, size

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def request_bytes(url: str, case: Case) -> bytes:
    """The whole HTTP request for one query of the mix."""
    parts = urlsplit(url)
    head = (
        f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nAccept: {case.accept}\r\n"
        f"Accept-Encoding: identity\r\nContent-Length: {len(case.body)}\r\n\r\n"
    )
    return head.encode("ascii") + case.body


async def drive(url: str, mix: list[Case], clients: int, pace: Pace) -> tuple[list[Sample], int, Window]:
    """`clients` loops, each on its own keep-alive connection, sending the mix round-robin until the window
    closes; the requests still in flight then are abandoned (and counted)."""
    parts = urlsplit(url)
    payloads = [request_bytes(url, case) for case in mix]
    samples: list[Sample] = []
    counter = iter(range(1 << 62))
    window = Window(time.perf_counter())

    def open_window(now: float) -> None:
        first_round = now - window.begin
        window.start = now
        window.end = now + min(max(pace.duration, 3 * first_round), pace.max_window)

    async def loop() -> None:
        connection = HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80)
        try:
            while window.end is None or time.perf_counter() < window.end:
                index = next(counter) % len(mix)
                start = time.perf_counter()
                try:
                    status, size = await asyncio.wait_for(connection.request(payloads[index]), pace.timeout)
                    ok, outcome = 200 <= status < 300 and size > 0, str(status)
                except (OSError, EOFError, ValueError, TimeoutError, asyncio.IncompleteReadError) as error:
                    connection.close()
                    ok, outcome = False, type(error).__name__
                now = time.perf_counter()
                samples.append(Sample(start, now, mix[index].kind, ok, outcome))
                window.completed += 1
                if window.start is None and window.completed >= clients and now - window.begin >= pace.warmup:
                    open_window(now)
        finally:
            connection.close()

    tasks = [asyncio.create_task(loop()) for _ in range(clients)]
    while window.end is None or time.perf_counter() < window.end:
        if window.start is None and time.perf_counter() - window.begin >= pace.max_warmup:
            open_window(time.perf_counter())
        await asyncio.sleep(0.05)
    pending = [task for task in tasks if not task.done()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return samples, len(pending), window


def run_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop when it is installed (less CPU per request), else on asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


def measure(running: Running, mix: list[Case], clients: int, pace: Pace) -> Run:
    """Drive one server and keep what the measured window saw."""
    cpu_before, own_before, began = cpu_seconds(running.pid), time.process_time(), time.perf_counter()
    busy_before = machine_busy_seconds()
    samples, in_flight, window = run_loop(drive(running.url, mix, clients, pace))
    elapsed = time.perf_counter() - began
    server_cpu, own_cpu = cpu_seconds(running.pid) - cpu_before, time.process_time() - own_before
    background = machine_busy_seconds() - busy_before - server_cpu - own_cpu
    assert window.start is not None and window.end is not None
    start, end = window.start, window.end
    errors: dict[str, int] = {}
    for sample in samples:
        if not sample.ok:
            errors[sample.status] = errors.get(sample.status, 0) + 1
    return Run(
        server=running.name,
        clients=clients,
        seconds=end - start,
        latencies=[((s.kind), (s.end - s.start) * 1000) for s in samples if s.ok and start <= s.end <= end],
        errors=errors,
        in_flight_at_end=in_flight,
        peak_mb=running.peak_mb(),
        server_cores=server_cpu / elapsed,
        client_cores=own_cpu / elapsed,
        ready_s=running.ready_s,
        warmup_s=start - window.begin,
        background_cores=max(0.0, background / elapsed),
    )


def drain(running: Running, timeout: float) -> float:
    """Wait until the server answers a trivial query again (it has finished the abandoned requests)."""
    started = time.perf_counter()
    probe = Case("probe", "ASK { ?s ?p ?o }", SPARQL_JSON)
    with httpx.Client(timeout=timeout) as client, contextlib.suppress(httpx.HTTPError):
        client.post(running.url, content=probe.body, headers=headers(SPARQL_JSON))
    return time.perf_counter() - started


def probe_answers(running: Running, mix: list[Case], timeout: float) -> dict[str, int | str]:
    """Answer sizes of the first query of each kind, asked one at a time (compared across servers)."""
    sizes: dict[str, int | str] = {}
    with httpx.Client(timeout=timeout) as client:
        for case in mix[: len(KINDS)]:
            try:
                response = client.post(running.url, content=case.body, headers=headers(case.accept))
                if response.status_code == 200:
                    sizes[case.kind] = answer_size(case, response.content)
                else:
                    sizes[case.kind] = f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                sizes[case.kind] = type(error).__name__
    return sizes


# ------------------------------------------------------------------------------------------- bulk load


@dataclass
class SizeSetup:
    """The data of one size and where its stores are."""

    manifest: synthetic.Manifest
    ours_dir: Path
    oxigraph_dir: Path
    loads: dict[str, dict[str, float]] = field(default_factory=dict)


def run_worker(args: list[str], timeout: float) -> dict[str, float]:
    """Run this script's hidden `_load` step (or a command) in its own process: its JSON, wall time, peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return {"error": 1.0, "wall_s": time.perf_counter() - started}
    wall = time.perf_counter() - started
    if process.returncode != 0:
        sys.stderr.write(err.decode("utf-8", "replace")[-2000:])
        return {"error": 1.0, "wall_s": wall}
    text = out.decode("utf-8").strip().splitlines()
    result = json.loads(text[-1]) if text and text[-1].startswith("{") else {}
    result["wall_s"] = wall
    return result


def load_worker(kind: str, source: str, target: str) -> None:
    """In a child process: load `source` into a new store at `target` one way; print JSON timings."""
    import resource

    import pyoxigraph as ox

    target_dir = Path(target)
    shutil.rmtree(target_dir, ignore_errors=True)
    result: dict[str, float] = {}
    if kind == "bulk_load":
        store = ox.Store(str(target_dir))
        started = time.perf_counter()
        store.bulk_load(path=source, format=ox.RdfFormat.N_QUADS)
        store.flush()
        result["load_s"] = time.perf_counter() - started
        result["quads"] = len(store)
    else:  # the path `kg build` writes by
        from rdflib import Dataset, URIRef

        from kg.store import EmbeddedStore

        started = time.perf_counter()
        dataset = Dataset()
        dataset.parse(source, format="nquads")
        graphs = {
            URIRef(g.identifier): g for g in dataset.graphs() if isinstance(g.identifier, URIRef) and len(g)
        }
        result["parse_s"] = time.perf_counter() - started
        store = EmbeddedStore(target_dir)
        started = time.perf_counter()
        store.replace_graphs(graphs, drop_all=True)
        store.ox.flush()
        result["load_s"] = time.perf_counter() - started
        result["quads"] = len(store.ox)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def bulk_loads(manifest: synthetic.Manifest, work: Path, kg_path: bool, timeout: float) -> SizeSetup:
    """Load the file the three ways; keep the bulk-loaded store for our app and a copy for oxigraph serve."""
    size = SizeSetup(manifest, work / f"ours-{manifest.target}", work / f"oxigraph-{manifest.target}")
    me = [sys.executable, str(Path(__file__).resolve()), "_load"]
    print(f"  pyoxigraph bulk_load of {manifest.quads:,} quads", flush=True)
    size.loads["pyoxigraph bulk_load"] = run_worker(
        [*me, "bulk_load", manifest.path, str(size.ours_dir)], timeout
    )
    shutil.rmtree(size.oxigraph_dir, ignore_errors=True)
    shutil.copytree(size.ours_dir, size.oxigraph_dir)
    scratch = work / f"scratch-{manifest.target}"
    shutil.rmtree(scratch, ignore_errors=True)
    print("  oxigraph load", flush=True)
    cli = run_worker(
        [program("oxigraph"), "load", "--location", str(scratch), "--file", manifest.path], timeout
    )
    if "error" not in cli:
        cli["load_s"] = cli["wall_s"]
        cli["quads"] = manifest.quads
    size.loads["oxigraph load (CLI)"] = cli
    if kg_path:
        print("  kg path (rdflib graphs -> EmbeddedStore.replace_graphs)", flush=True)
        size.loads["kg build's write (replace_graphs)"] = run_worker(
            [*me, "kg", manifest.path, str(scratch)], timeout
        )
    shutil.rmtree(scratch, ignore_errors=True)
    return size


def write_sample(size: SizeSetup, work: Path, seconds: float) -> dict[str, Any]:
    """Graph Store POSTs of the extra sources (one graph per request) to our app, for at most `seconds`."""
    import pyoxigraph as ox

    graphs: dict[str, list[str]] = {}
    for quad in ox.parse(path=size.manifest.extra_path, format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(f"{quad.triple} .")
    running = start_server("ours", size, work, 120, write_token=True)
    store_url = running.url.removesuffix("/sparql") + "/store"
    posted, triples, failures, times = 0, 0, {}, []
    try:
        started = time.perf_counter()
        with httpx.Client(timeout=600.0) as client:
            for graph, lines in graphs.items():
                if time.perf_counter() - started > seconds:
                    break
                t0 = time.perf_counter()
                response = client.post(
                    store_url,
                    params={"graph": graph},
                    content="\n".join(lines).encode("utf-8"),
                    headers={"Content-Type": N_TRIPLES, "Authorization": f"Bearer {WRITE_TOKEN}"},
                )
                times.append(time.perf_counter() - t0)
                if response.status_code in (200, 201, 204):
                    posted += 1
                    triples += len(lines)
                else:
                    failures[str(response.status_code)] = failures.get(str(response.status_code), 0) + 1
                    if len(failures) == 1 and sum(failures.values()) == 1:
                        print(f"    write failed: {response.status_code} {response.text[:300]}", flush=True)
        elapsed = time.perf_counter() - started
    finally:
        peak = running.peak_mb()
        running.stop()
    return {
        "requests": len(times),
        "posted": posted,
        "triples": triples,
        "seconds": elapsed,
        "failures": failures,
        "median_s": statistics.median(times) if times else float("nan"),
        "peak_mb": peak,
    }


# ----------------------------------------------------------------------------------------------- report


def fmt(value: float, digits: int = 1) -> str:
    if value != value:  # NaN
        return "–"
    if value == float("inf"):
        return "∞"
    return f"{value:,.{digits}f}"


def versions() -> str:
    parts = []
    for package in ("pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "fastapi", "uvicorn", "httpx"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            parts.append(f"{package} {metadata.version(package)}")
    return ", ".join(parts)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def ratio(a: float, b: float) -> float:
    if b > 0:
        return a / b
    return float("inf") if a > 0 else float("nan")


def label(target: int) -> str:
    return f"{target // 1_000_000}M" if target >= 1_000_000 else f"{target // 1000}k"


def rate(load: dict[str, float]) -> float:
    return load["quads"] / load["load_s"] if load.get("load_s") else float("nan")


def verdict_line(title: str, checks: list[bool]) -> str:
    if not checks:
        return f"- {title}: not measured."
    met = sum(checks)
    word = "**met**" if met == len(checks) else "**not met**" if met == 0 else "**partly met**"
    return f"- {title}: {word} ({met} of {len(checks)} configurations)."


def error_text(errors: dict[str, int]) -> str:
    total = sum(errors.values())
    if not total:
        return "0"
    return f"{total} (" + ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) + ")"


@dataclass
class Report:
    """Everything measured in one run, and its Markdown."""

    args: argparse.Namespace
    started: dt.datetime
    sizes: list[SizeSetup] = field(default_factory=list)
    runs: dict[tuple[int, str, int], list[Run]] = field(default_factory=dict)
    probes: dict[tuple[int, str], dict[str, int | str]] = field(default_factory=dict)
    skipped: dict[tuple[int, str], str] = field(default_factory=dict)
    writes: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, target: int, server: str, clients: int) -> Summary | None:
        runs = self.runs.get((target, server, clients))
        return Summary(runs) if runs else None

    def markdown(self) -> str:
        a = self.args
        out: list[str] = []
        add = out.append
        command = " ".join(["python bench/endpoint_bench.py", *a.argv])
        add("# Endpoint benchmark")
        add("")
        add(f"Run on {self.started:%Y-%m-%d %H:%M} UTC with `{command}`, {self.seconds / 60:.0f} minutes.")
        add(f"Machine: {machine()}. {versions()}.")
        add("")
        add(
            "**The machine is shared and noisy**: 2 cores, which the load generator (this script) and the server "
            "under test share with whatever else runs (other processes used "
            f"{self.background_range()} cores during the windows of this run). Absolute numbers move by 2× "
            "between runs: read the **ratios**, which come from the same "
            f"run, with our app and `oxigraph serve` measured alternately ({a.repeats} windows each, order ABBA…) "
            "so that a change of background load hits both. Answers per CPU-second of the server process are "
            "given too: they depend less on how much CPU the background left to the server."
        )
        add("")
        add("## Method")
        add("")
        add(
            f"- Each window: the server is started fresh (rdflib-endpoint once per size: its load is slow), the "
            f"clients send the mix round-robin; the window opens after {a.warmup:g} s once every client has had an "
            f"answer, and lasts {a.duration:g} s (or 3× the first round, at most {a.max_window:g} s, for a "
            "server that answers in batches). q/s counts successful answers completed in the window; p50 and p99 "
            "are over those answers, the five kinds together, pooled over the windows; errors are non-2xx "
            "answers and exceptions, warm-up included; peak MB is the VmHWM of the server process (its "
            "high-water mark since it started, loading included); CPU is the cores the server process used."
        )
        add(
            "- Requests: a minimal HTTP/1.1 client on asyncio (uvloop), one keep-alive connection per client, "
            "form-encoded POST, `Accept-Encoding: identity` (so no server compresses), "
            "SPARQL JSON for SELECT, N-Triples for CONSTRUCT; client timeout "
            f"{a.request_timeout:g} s. Servers: our app as `kg serve` runs it (`uvicorn api.main:app`, one "
            "worker, default settings: 8 query slots) on the on-disk store; `oxigraph serve --location` on a copy "
            "of the same store with `--union-default-graph`; `rdflib-endpoint serve <file.nq>` (rdflib Memory "
            "`Dataset`, default union)."
        )
        add(
            "- The five queries (anchors and dates vary per request, 24 variants each; text in "
            "`bench/endpoint_bench.py`): label search (`CONTAINS(LCASE(STR(?label)), …)` over `rdfs:label` and "
            "`skos:altLabel`, `LIMIT 20`); cooperative relations of an actor holding at a date (`kg:polarity 1`, "
            "asserted or reported, `kg:fromDate`/`kg:untilDate`); actors two statements away; statements per "
            "relation type and stance (`GROUP BY`); CONSTRUCT of an actor's statements with the other ends' "
            "labels. They are written so that both engines plan them well (every pattern of a UNION branch inside "
            "the branch, `FILTER IN` rather than `VALUES`); written otherwise, the allies query took 140–420 ms on "
            "Oxigraph and 40 s on rdflib, which would change every ratio."
        )
        add("")
        add("## Data")
        add("")
        add("| size | quads | named graphs | actors | places | sources | statements | generated in |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|")
        for size in self.sizes:
            m = size.manifest
            add(
                f"| {label(m.target)} | {m.quads:,} | {m.graphs:,} | {m.actors:,} | {m.places:,} | {m.sources:,} "
                f"| {m.statements:,} | {m.seconds:.1f} s |"
            )
        add("")
        add(
            f"`bench/synthetic.py`, seed {a.seed}: the real ontology graph; actors and places with labels in "
            "en/fr/ar and aliases; one graph per source with statements (relation types of the `rt:` scheme, "
            "polarity drawn at random, stances, dates, time nodes), evidence with quote and position selectors "
            "and corroborations; derived and inferred graphs."
        )
        add("")
        add("## Throughput and latency")
        add("")
        add(
            "| size | clients | server | q/s | q/s per window | p50 ms | p99 ms | p99/p50 | errors | peak MB "
            "| server CPU (cores) | answers per CPU-second |"
        )
        add("|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for size in self.sizes:
            target = size.manifest.target
            for clients in a.clients:
                for server in a.servers:
                    name = SERVER_LABELS[server]
                    summary = self.summary(target, server, clients)
                    if summary is None:
                        why = self.skipped.get((target, server), "not run")
                        add(
                            f"| {label(target)} | {clients} | {name} | – | {why} | – | – | – | – | – | – | – |"
                        )
                        continue
                    runs = summary.runs
                    p50, p99 = summary.p(0.5), summary.p(0.99)
                    add(
                        f"| {label(target)} | {clients} | {name} | **{fmt(summary.qps)}** "
                        f"| {', '.join(fmt(r.qps) for r in runs)} | {fmt(p50)} | {fmt(p99)} | {fmt(ratio(p99, p50))} "
                        f"| {error_text(summary.errors)} | {fmt(max(r.peak_mb for r in runs), 0)} "
                        f"| {', '.join(fmt(r.server_cores, 2) for r in runs)} | {fmt(summary.per_cpu_second)} |"
                    )
        add("")
        client = [r.client_cores for runs in self.runs.values() for r in runs]
        if client:
            add(f"The load generator used {min(client):.2f} to {max(client):.2f} cores.")
        add("")
        add("## Ratios and targets")
        add("")
        add(
            "| size | clients | ours / oxigraph serve (≥ 0.8) | per window pair | per CPU-second "
            "| ours / rdflib-endpoint (≥ 50) | oxigraph / rdflib-endpoint | ours p99/p50 (≤ 3) "
            "| worst p99/p50 of one query kind | ours errors (0) |"
        )
        add("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
        checks: dict[str, list[bool]] = {key: [] for key in ("oxigraph", "rdflib", "tail", "kind", "errors")}
        for size in self.sizes:
            target = size.manifest.target
            for clients in a.clients:
                ours = self.summary(target, "ours", clients)
                if ours is None:
                    continue
                oxi, rdf = self.summary(target, "oxigraph", clients), self.summary(target, "rdflib", clients)
                r_ox = ratio(ours.qps, oxi.qps) if oxi else float("nan")
                pairs = (
                    ", ".join(fmt(ratio(o.qps, x.qps), 2) for o, x in zip(ours.runs, oxi.runs, strict=False))
                    if oxi
                    else "–"
                )
                if rdf is None:
                    rdf_text = "–"
                elif rdf.completed == 0:
                    bound = ours.qps * sum(r.seconds for r in rdf.runs)
                    rdf_text = f"> {fmt(bound)}× (no answer in the window)"
                else:
                    rdf_text = f"{fmt(ratio(ours.qps, rdf.qps))}×"
                per_cpu = ratio(ours.per_cpu_second, oxi.per_cpu_second) if oxi else float("nan")
                oxi_rdf = ratio(oxi.qps, rdf.qps) if oxi and rdf and rdf.completed else float("nan")
                tail = ratio(ours.p(0.99), ours.p(0.5))
                kinds = {k: ratio(ours.p(0.99, k), ours.p(0.5, k)) for k in KINDS if ours.latencies(k)}
                worst = max(kinds, key=lambda k: kinds[k]) if kinds else ""
                if oxi:
                    checks["oxigraph"].append(r_ox >= 0.8)
                if rdf:
                    checks["rdflib"].append(ratio(ours.qps, rdf.qps) >= 50)
                checks["tail"].append(tail <= 3)
                checks["kind"].append(bool(kinds) and kinds[worst] <= 3)
                checks["errors"].append(ours.error_count == 0)
                add(
                    f"| {label(target)} | {clients} | **{fmt(r_ox, 2)}×** | {pairs} | {fmt(per_cpu, 2)}× "
                    f"| **{rdf_text}** | {fmt(oxi_rdf)}× | {fmt(tail)} "
                    f"| {fmt(kinds.get(worst, float('nan')))} ({worst}) | {ours.error_count} |"
                )
        add("")
        add(verdict_line("Throughput ≥ 0.8× raw `oxigraph serve`", checks["oxigraph"]))
        add(verdict_line("Throughput ≥ 50× rdflib-endpoint", checks["rdflib"]))
        add(verdict_line("p99 ≤ 3× p50 over the whole mix (as the issue states it)", checks["tail"]))
        add(verdict_line("p99 ≤ 3× p50 for each query kind alone", checks["kind"]))
        add(verdict_line("Zero errors (our endpoint)", checks["errors"]))
        add("")
        add("## Latency per query kind")
        add("")
        add("p50 / p99 in ms (answers in the windows).")
        add("")
        add("| size | clients | server | " + " | ".join(KINDS) + " |")
        add("|---|---:|---|" + "---:|" * len(KINDS))
        for size in self.sizes:
            target = size.manifest.target
            for clients in a.clients:
                for server in a.servers:
                    summary = self.summary(target, server, clients)
                    if summary is None:
                        continue
                    cells = [
                        f"{fmt(summary.p(0.5, k))} / {fmt(summary.p(0.99, k))}"
                        if summary.latencies(k)
                        else "–"
                        for k in KINDS
                    ]
                    add(
                        f"| {label(target)} | {clients} | {SERVER_LABELS[server]} | "
                        + " | ".join(cells)
                        + " |"
                    )
        add("")
        add("## Same answers")
        add("")
        add(
            "Size of the answer (rows, or triples of the CONSTRUCT) to the first query of each kind, asked alone:"
        )
        add("")
        add("| size | server | " + " | ".join(KINDS) + " |")
        add("|---|---|" + "---:|" * len(KINDS))
        for (target, server), sizes in self.probes.items():
            cells = " | ".join(str(sizes.get(k, "–")) for k in KINDS)
            add(f"| {label(target)} | {SERVER_LABELS[server]} | {cells} |")
        add("")
        add(self.agreement())
        add("")
        add("## Bulk load")
        add("")
        add("| size | loader | seconds | quads/s | vs pyoxigraph bulk_load | peak MB | note |")
        add("|---|---|---:|---:|---:|---:|---|")
        for size in self.sizes:
            base_rate = rate(size.loads.get("pyoxigraph bulk_load", {}))
            for loader, r in size.loads.items():
                if "error" in r:
                    add(f"| {label(size.manifest.target)} | {loader} | – | – | – | – | failed or timed out |")
                    continue
                note = ""
                if "parse_s" in r:
                    note = (
                        f"before it, rdflib parsed the file into graphs in {r['parse_s']:.1f} s (not counted)"
                    )
                elif loader.startswith("oxigraph load"):
                    note = "wall time of the process (start-up included)"
                add(
                    f"| {label(size.manifest.target)} | {loader} | {r['load_s']:.1f} | {fmt(rate(r), 0)} "
                    f"| {fmt(ratio(rate(r), base_rate), 2)}× | {fmt(r.get('peak_mb', float('nan')), 0)} | {note} |"
                )
        add("")
        add(
            "All three write an on-disk store (RocksDB). The project has no N-Quads loader: `kg build` and "
            "`kg ingest` write through `Store.replace_graphs`, which serialises rdflib graphs into one SPARQL "
            '`INSERT DATA` that Oxigraph parses and applies in one transaction (the row "kg build\'s write").'
        )
        if self.writes:
            add("")
            add("## Writes over HTTP (our app, Graph Store `POST /store?graph=`, a bounded sample)")
            add("")
            add(
                "| size | requests | accepted | triples written | seconds | triples/s | median per request | peak MB |"
            )
            add("|---|---:|---:|---:|---:|---:|---:|---:|")
            for target, w in self.writes.items():
                accepted = f"{w['posted']}" + (f" (failed: {w['failures']})" if w["failures"] else "")
                per_second = w["triples"] / w["seconds"] if w["seconds"] else float("nan")
                add(
                    f"| {label(target)} | {w['requests']} | {accepted} | {w['triples']:,} | {w['seconds']:.1f} "
                    f"| {fmt(per_second, 0)} | {w['median_s']:.1f} s | {fmt(w['peak_mb'], 0)} |"
                )
            add("")
            add(
                "Each request adds one new source graph (about 2,700 triples: new statements about existing actors, "
                "with evidence and time nodes) with the write token. The app applies the write to a RocksDB "
                "checkpoint of the store, compares the one graph before and after, SHACL-checks the neighbourhood "
                "of the change, then commits (api/README.md): the cost follows the size of the write, not of the "
                "store."
            )
        notes = self.notes + self.batch_notes()
        if notes:
            add("")
            add("## Notes")
            add("")
            out.extend(f"- {n}" for n in notes)
        add("")
        add("To run it again: [bench/README.md](../README.md#endpoint-benchmark-endpoint_benchpy).")
        return "\n".join(out) + "\n"

    def background_range(self) -> str:
        cores = [r.background_cores for runs in self.runs.values() for r in runs]
        return f"{min(cores):.2f} to {max(cores):.2f}" if cores else "an unknown number of"

    def agreement(self) -> str:
        by_size: dict[int, list[dict[str, int | str]]] = {}
        for (target, _), sizes in self.probes.items():
            by_size.setdefault(target, []).append(sizes)
        differing = [
            f"{label(t)}: {k}"
            for t, answers in by_size.items()
            for k in KINDS
            if len({str(a.get(k)) for a in answers}) > 1
        ]
        if not differing:
            return "Every server gave an answer of the same size to every probe."
        return "**Answer sizes differ** for: " + "; ".join(differing) + "."

    def batch_notes(self) -> list[str]:
        notes = []
        for (target, server, clients), runs in self.runs.items():
            for run in runs:
                if server == "rdflib" and run.in_flight_at_end:
                    notes.append(
                        f"rdflib-endpoint, {label(target)}, {clients} clients: warm-up {run.warmup_s:.0f} s, "
                        f"window {run.seconds:.0f} s; {run.in_flight_at_end} requests were still waiting when it "
                        "closed (they are not counted). It evaluates each query synchronously inside its async "
                        "handler, so one query blocks every other client (head-of-line blocking) and answers "
                        "leave in batches."
                    )
        for (target, server), why in self.skipped.items():
            notes.append(f"{SERVER_LABELS[server]} at {label(target)}: {why}.")
        return notes


# ------------------------------------------------------------------------------------------------- main


def run_size(report: Report, target: int, work: Path) -> None:
    """Everything for one size: data, bulk loads, the servers under load, the write sample."""
    args = report.args
    pace = Pace(args.warmup, args.duration, args.max_warmup, args.max_window, args.request_timeout)
    print(f"[{label(target)}] synthetic graph", flush=True)
    manifest = synthetic.ensure(target, args.seed, args.cache_dir)
    print(f"  {manifest.quads:,} quads in {manifest.path}", flush=True)
    size = bulk_loads(manifest, work, kg_path=target in args.kg_load_sizes, timeout=args.load_timeout)
    report.sizes.append(size)
    mix = query_mix(manifest)

    def record(running: Running, clients: int) -> None:
        if (target, running.name) not in report.probes:
            report.probes[(target, running.name)] = probe_answers(running, mix, args.request_timeout)
        result = measure(running, mix, clients, pace)
        report.runs.setdefault((target, running.name, clients), []).append(result)
        print(
            f"    {SERVER_LABELS[running.name]}, {clients} clients: {result.qps:.1f} q/s in {result.seconds:.0f} s, "
            f"p50 {percentile([ms for _, ms in result.latencies], 0.5):.1f} ms, "
            f"{sum(result.errors.values())} errors, peak {result.peak_mb:.0f} MB",
            flush=True,
        )

    # Our app and oxigraph serve alternate (ABBA...), one fresh process per window.
    pair = [s for s in ("ours", "oxigraph") if s in args.servers]
    for clients in args.clients:
        for repeat in range(args.repeats):
            for server in pair if repeat % 2 == 0 else pair[::-1]:
                if (target, server) in report.skipped:
                    continue
                try:
                    running = start_server(server, size, work, 120)
                except (RuntimeError, TimeoutError) as error:
                    report.skipped[(target, server)] = str(error)
                    continue
                try:
                    record(running, clients)
                finally:
                    running.stop()
    # rdflib-endpoint: one process for every number of clients (it loads slowly), drained in between.
    if "rdflib" in args.servers:
        if target not in args.rdflib_sizes:
            report.skipped[(target, "rdflib")] = "not run at this size (--rdflib-sizes)"
        else:
            print("    rdflib-endpoint: loading", flush=True)
            try:
                running = start_server("rdflib", size, work, args.rdflib_max_load)
                report.notes.append(
                    f"rdflib-endpoint at {label(target)} took {running.ready_s:.0f} s to load the file and start."
                )
            except (RuntimeError, TimeoutError) as error:
                report.skipped[(target, "rdflib")] = str(error)
            else:
                try:
                    for clients in args.clients:
                        record(running, clients)
                        waited = drain(running, args.max_window * 4)
                        print(f"    drained in {waited:.0f} s", flush=True)
                finally:
                    running.stop()
    if target in args.write_sizes and "ours" in args.servers:
        print(f"  writes over HTTP (about {args.write_seconds:g} s)", flush=True)
        report.writes[target] = write_sample(size, work, args.write_seconds)
    if not args.keep_stores:
        shutil.rmtree(size.ours_dir, ignore_errors=True)
        shutil.rmtree(size.oxigraph_dir, ignore_errors=True)


def run(args: argparse.Namespace) -> Report:
    report = Report(args, dt.datetime.now(dt.UTC))
    began = time.perf_counter()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    for target in args.sizes:
        run_size(report, target, args.work_dir)
        report.seconds = time.perf_counter() - began
        # Written after each size, so that a run stopped half-way still reports what it measured.
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report.markdown(), encoding="utf-8")
    return report


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    default_cache = Path(tempfile.gettempdir()) / "kg-endpoint-bench"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="Quads in the synthetic graphs.")
    add("--clients", type=int, nargs="+", default=[8, 64], help="Concurrent clients.")
    add("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    add("--duration", type=float, default=15.0, help="Seconds measured per window.")
    add("--warmup", type=float, default=3.0, help="Least unmeasured seconds before a window.")
    add("--max-warmup", type=float, default=90.0, help="Longest warm-up.")
    add("--max-window", type=float, default=90.0, help="Longest window (for servers that answer in batches).")
    add("--repeats", type=int, default=3, help="Windows per configuration for our app and oxigraph serve.")
    add("--request-timeout", type=float, default=120.0, help="Client timeout of one request.")
    add("--rdflib-sizes", type=int, nargs="*", default=None, help="Sizes rdflib-endpoint runs at (all).")
    add("--rdflib-max-load", type=float, default=600.0, help="Longest rdflib-endpoint start-up (it loads).")
    add(
        "--kg-load-sizes",
        type=int,
        nargs="*",
        default=None,
        help="Sizes the kg write path is timed at (all).",
    )
    add("--write-sizes", type=int, nargs="*", default=None, help="Sizes of the HTTP write sample (all).")
    add("--write-seconds", type=float, default=30.0, help="No new write request after this many seconds.")
    add("--load-timeout", type=float, default=900.0, help="Longest time one bulk load may take.")
    add("--seed", type=int, default=20241208)
    add("--cache-dir", type=Path, default=default_cache, help="Where generated files are cached.")
    add("--work-dir", type=Path, default=default_cache / "work", help="Stores and server logs.")
    add("--keep-stores", action="store_true", help="Keep the on-disk stores after the run.")
    add("--out", type=Path, default=None, help=f"Markdown results (default {RESULTS.relative_to(ROOT)}).")
    add("--quick", action="store_true", help="100k only, one 5 s window each; results in the cache folder.")
    args = parser.parse_args(argv)
    args.argv = list(argv)
    if args.quick:
        if args.sizes == [100_000, 1_000_000]:
            args.sizes = [100_000]
        args.duration, args.warmup, args.repeats = min(args.duration, 5.0), min(args.warmup, 1.0), 1
        args.max_window, args.write_seconds = min(args.max_window, 30.0), min(args.write_seconds, 10.0)
    if args.out is None:
        args.out = args.cache_dir / "endpoint-quick.md" if args.quick else RESULTS
    args.rdflib_sizes = args.sizes if args.rdflib_sizes is None else args.rdflib_sizes
    args.kg_load_sizes = args.sizes if args.kg_load_sizes is None else args.kg_load_sizes
    args.write_sizes = args.sizes if args.write_sizes is None else args.write_sizes
    return args


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_load"]:  # a child process of bulk_loads()
        sys.path.insert(0, str(ROOT))
        load_worker(*argv[1:4])
        return
    args = parse_args(argv)
    report = run(args)
    print(f"results: {args.out} ({report.seconds / 60:.1f} minutes)")


if __name__ == "__main__":
    main()
