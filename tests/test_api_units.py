"""The pieces behind the endpoints, without a server: negotiation, result writers, the runner, the delta."""

import asyncio
import ctypes
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.errors import ResultTooLarge
from api.execution import WORKER_STACK_BYTES, Cancelled, Job, Runner, WorkerPool
from api.negotiation import NotAcceptable, choose, choose_among, negotiate, parse_accept
from api.results import write_answer
from kg.errors import QueryTimeout
from kg.formats import FORMATS, HTML, JSON_LD, MESSAGE_JSON, MESSAGE_TEXT, N_TRIPLES, TURTLE
from kg.settings import Settings
from kg.sparql_text import analyse, with_using, written_graphs
from kg.store import EmbeddedStore, QueryAnswer
from kg.write_check import Trial, delta_update

# ------------------------------------------------------------------------------------------ negotiation


@pytest.mark.parametrize(
    ("kind", "accept", "expected"),
    [
        ("results", None, "application/sparql-results+json"),
        ("results", "*/*", "application/sparql-results+json"),
        ("results", "text/*", "text/csv"),
        ("results", "text/csv;q=0.2, text/tab-separated-values;q=0.8", "text/tab-separated-values"),
        ("results", "application/sparql-results+xml, */*;q=0.1", "application/sparql-results+xml"),
        (
            "results",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/sparql-results+xml",
        ),
        ("graph", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/turtle"),
        ("graph", "application/rdf+xml;q=0.5, text/turtle;q=0.4", "application/rdf+xml"),
        ("graph", "application/json", "application/ld+json"),
        ("graph", "*/*;q=0.1, text/turtle;q=0", "application/n-triples"),
    ],
)
def test_choose_picks_the_best_acceptable_format(kind: str, accept: str | None, expected: str) -> None:
    assert choose(kind, accept).media_type == expected  # type: ignore[arg-type]


def test_choose_refuses_what_nothing_can_carry() -> None:
    with pytest.raises(NotAcceptable):
        choose("results", "text/turtle")
    with pytest.raises(NotAcceptable):
        choose("graph", None, "csv")
    with pytest.raises(NotAcceptable):
        choose("graph", "text/turtle", None, datasets_only=True)
    assert choose("graph", "*/*", None, datasets_only=True).media_type == "application/n-quads"


def test_parse_accept_ignores_garbage() -> None:
    ranges = parse_accept(", ;q=1, text, */csv, text/csv;q=abc")
    assert [(r.media_type, r.quality) for r in ranges] == [("text/csv", 0.0)]


ENTITY = (HTML, TURTLE, JSON_LD, N_TRIPLES)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        # q-values: the highest weight wins, whatever the order
        ("text/turtle;q=0.5, application/ld+json", JSON_LD),
        ("application/n-triples;q=0.3, text/turtle;q=0.9, text/html;q=0.1", TURTLE),
        # specificity: the most specific range gives a format its weight
        ("text/*;q=0.1, text/turtle", TURTLE),
        ("text/turtle;q=0.1, text/*", HTML),
        ("*/*;q=0.2, application/*;q=0.4, application/n-triples", N_TRIPLES),
        # */* and no header: the server's first choice
        ("*/*", HTML),
        (None, HTML),
        ("", HTML),
        # q=0 excludes a format that a wildcard would have let in
        ("*/*;q=0.5, text/html;q=0", TURTLE),
        ("text/*, text/html;q=0, text/turtle;q=0", None),
        # parameters: charset must be UTF-8; others (a JSON-LD profile) do not stop a match
        ("text/turtle;charset=UTF-8", TURTLE),
        ("text/turtle;charset=iso-8859-1, application/n-triples;q=0.1", N_TRIPLES),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded,compacted"', JSON_LD),
        ("text/turtle;level=1;q=0, text/turtle;q=0.6, application/ld+json;q=0.5", JSON_LD),
        # a tie goes to the range listed first, then to the server's order
        ("application/ld+json, text/turtle", JSON_LD),
        ("application/*", JSON_LD),
        # another name of a format counts when given exactly
        ("application/json", JSON_LD),
        ("application/xhtml+xml;q=0.9, text/turtle;q=0.8", HTML),
        # nothing acceptable
        ("image/png", None),
        ("text/turtle;q=0", None),
    ],
)
def test_negotiate_follows_rfc_9110(accept: str | None, expected: object) -> None:
    assert negotiate(ENTITY, accept) is expected


def test_an_unacceptable_answer_is_406_listing_what_is_available() -> None:
    with pytest.raises(NotAcceptable) as refused:
        choose_among(ENTITY, "image/png, text/csv")
    assert "text/html, text/turtle, application/ld+json, application/n-triples" in str(refused.value)
    assert refused.value.headers == {"Vary": "Accept"}
    assert choose_among(ENTITY, "image/png", "nt") is N_TRIPLES  # format= wins over Accept


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", MESSAGE_JSON),  # curl
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", MESSAGE_TEXT),  # a browser
        ("text/plain, */*;q=0.1", MESSAGE_TEXT),
        ("application/json, text/plain", MESSAGE_JSON),
        ("text/*;q=0.5, application/json;q=0.4", MESSAGE_TEXT),
        ("*/*;q=0.5, application/json;q=0", MESSAGE_TEXT),
    ],
)
def test_error_bodies_negotiate_by_the_same_rules(accept: str, expected: object) -> None:
    assert negotiate((MESSAGE_JSON, MESSAGE_TEXT), accept) is expected


# ------------------------------------------------------------------------------------------ result writers


@pytest.fixture(scope="module")
def varied() -> ox.Store:
    store = ox.Store()
    store.update(
        """INSERT DATA {
  <http://e/s> <http://e/p> "plain" , "tab\\there \\"quoted\\" <&>"@en-GB , 42 , 1.5 , "2024-12-07"^^<http://www.w3.org/2001/XMLSchema#date> ,
    "x"^^<http://e/custom> , <http://e/o?a=1&b=2> , _:blank , "line\\nbreak, comma" , "عربي"@ar .
}"""
    )
    return store


def written(store: ox.Store, query: str, media_type: str, max_bytes: int = 100_000) -> bytes:
    fmt = next(f for f in FORMATS if f.media_type == media_type)
    answer = EmbeddedStore.__new__(EmbeddedStore)
    answer.ox = store
    chunks: list[bytes] = []
    write_answer(answer.open_query(query, form=None), fmt, chunks.append, lambda: None, max_bytes)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("media_type", "results_format"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_our_results_writers_agree_with_pyoxigraph(
    varied: ox.Store, media_type: str, results_format: ox.QueryResultsFormat
) -> None:
    query = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?o"
    ours = list(ox.parse_query_results(written(varied, query, media_type), results_format))
    native = list(
        ox.parse_query_results(varied.query(query).serialize(format=results_format), results_format)
    )
    assert [[str(s[v]) if s[v] is not None else None for v in ("s", "o", "unbound")] for s in ours] == [
        [str(s[v]) if s[v] is not None else None for v in ("s", "o", "unbound")] for s in native
    ]
    boolean = ox.parse_query_results(written(varied, "ASK { ?s ?p 42 }", media_type), results_format)
    assert bool(boolean) is True


def test_csv_writer_follows_the_csv_rules(varied: ox.Store) -> None:
    query = "SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), 'comma')) }"
    assert written(varied, query, "text/csv") == b'o\r\n"line\nbreak, comma"\r\n'


@pytest.mark.parametrize(
    ("query", "media_type"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),  # pyoxigraph's writer
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"),  # pyoxigraph's writer
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),  # ours, with prefixes
    ],
)
def test_writers_refuse_an_answer_over_the_byte_limit(varied: ox.Store, query: str, media_type: str) -> None:
    whole = written(varied, query, media_type)
    with pytest.raises(ResultTooLarge, match="larger than 100 bytes"):
        written(varied, query, media_type, max_bytes=100)
    assert written(varied, query, media_type, max_bytes=len(whole)) == whole


def test_a_refused_answer_before_streaming_is_a_413() -> None:
    async def scenario() -> None:
        def too_large(job: Job) -> None:
            job.format = FORMATS[0]
            write_answer(QueryAnswer("boolean", boolean=True), FORMATS[0], job.emit, job.check, 10)

        await runner().stream(too_large, timeout_s=1)

    with pytest.raises(ResultTooLarge) as raised:
        asyncio.run(scenario())
    assert raised.value.http_status == 413


# ------------------------------------------------------------------------------------------ runner


def runner(timeout_s: float = 0.5) -> Runner:
    return Runner(Settings(query_timeout_s=timeout_s, stream_after_bytes=1 << 20, max_concurrent_queries=2))


async def every_slot_back(run: Runner) -> None:
    """Wait until each query slot is free again: a worker hands its slot back as it lets go of its job."""
    for _ in range(run.settings.max_concurrent_queries):
        await asyncio.wait_for(run.slots.acquire(), timeout=HANG_GUARD_S)


HANG_GUARD_S = 10  # only a test that is failing waits this long


def test_a_worker_that_yields_rows_stops_at_the_deadline() -> None:
    stopped_by: list[BaseException] = []

    async def scenario() -> tuple[int, int]:
        run = runner()

        def slow_rows(job: Job) -> None:
            job.format = FORMATS[0]
            try:
                while True:
                    job.cancelled.wait(0.02)  # a row every 20 ms, like an engine working through a join
                    job.emit(b"row\n")
            except BaseException as error:
                stopped_by.append(error)
                raise

        with pytest.raises(QueryTimeout):
            await run.stream(slow_rows, timeout_s=0.3)
        await every_slot_back(run)
        return run.running, run.abandoned

    assert asyncio.run(scenario()) == (0, 0)
    assert len(stopped_by) == 1 and isinstance(stopped_by[0], Cancelled | QueryTimeout)


def test_a_worker_stuck_in_the_engine_is_abandoned_then_counted_out() -> None:
    leave_the_engine = threading.Event()

    async def scenario() -> list[tuple[int, int]]:
        run = runner()

        def stuck(job: Job) -> None:
            leave_the_engine.wait(
                HANG_GUARD_S
            )  # like pyoxigraph sorting before its first row: no chance to check
            job.check()

        with pytest.raises(QueryTimeout):
            await run.stream(stuck, timeout_s=0.3)
        during = (run.running, run.abandoned)
        leave_the_engine.set()
        await every_slot_back(run)
        return [during, (run.running, run.abandoned)]

    assert asyncio.run(scenario()) == [(1, 1), (0, 0)]


def test_an_abandoned_worker_that_returns_after_its_event_loop_closed_lets_go_quietly() -> None:
    # A server shutting down, or a test's asyncio.run ending, closes the loop while a worker is inside the
    # engine; when the worker returns, it must neither raise (an unhandled thread exception) nor hang.
    leave_the_engine = threading.Event()
    jobs: list[Job] = []
    run = runner()

    async def scenario() -> None:
        def stuck_then_failing(job: Job) -> None:
            jobs.append(job)
            leave_the_engine.wait(HANG_GUARD_S)
            raise RuntimeError("the engine failed after the client was answered")

        with pytest.raises(QueryTimeout):
            await run.stream(stuck_then_failing, timeout_s=0.2)

    asyncio.run(scenario())
    leave_the_engine.set()
    assert jobs[0].done.wait(HANG_GUARD_S), "the worker did not let go of its job"
    assert (run.running, run.abandoned, run.completed) == (0, 0, 1)


def test_a_pool_task_that_raises_leaves_its_thread_in_the_pool(caplog: pytest.LogCaptureFixture) -> None:
    pool = WorkerPool(max_threads=1)
    second_ran = threading.Event()

    def fail() -> None:
        raise RuntimeError("boom")

    pool.submit(fail)
    pool.submit(second_ran.set)  # only the one thread can run it: it must have survived the first task
    assert second_ran.wait(HANG_GUARD_S)
    assert pool.threads == 1
    assert "a query worker task failed" in caplog.text


def thread_stack_bytes() -> int:
    """The stack size of the calling thread, as glibc created it."""
    libc = ctypes.CDLL(None)
    libc.pthread_getattr_np.argtypes = [ctypes.c_ulong, ctypes.c_void_p]
    attributes = ctypes.create_string_buffer(128)  # pthread_attr_t: 56 bytes on x86-64, 64 on arm64
    size = ctypes.c_size_t()
    assert libc.pthread_getattr_np(threading.get_ident(), attributes) == 0
    libc.pthread_attr_getstacksize(attributes, ctypes.byref(size))
    libc.pthread_attr_destroy(attributes)
    return size.value


def test_only_the_worker_threads_get_the_large_stack() -> None:
    sizes: dict[str, int] = {}
    measured = threading.Event()

    def measure_pool_thread() -> None:
        sizes["pool"] = thread_stack_bytes()
        measured.set()

    WorkerPool(max_threads=1).submit(measure_pool_thread)
    assert measured.wait(HANG_GUARD_S)
    other = threading.Thread(target=lambda: sizes.setdefault("other", thread_stack_bytes()))
    other.start()
    other.join(HANG_GUARD_S)
    assert sizes["pool"] >= WORKER_STACK_BYTES
    assert sizes["other"] < WORKER_STACK_BYTES
    assert threading.stack_size() == 0  # the process-wide setting is back to the default


def test_a_write_that_began_to_commit_finishes_past_its_deadline() -> None:
    async def scenario() -> tuple[str, int]:
        run = runner()
        began, written = threading.Event(), threading.Event()

        def commit_slowly(job: Job) -> str:
            job.begin_commit()
            began.set()
            written.wait(HANG_GUARD_S)  # the store is being written
            return "committed"

        loop = asyncio.get_running_loop()
        # Hold the loop until the write began to commit, so that its deadline strikes during the commit; the
        # commit ends on a timer later than the deadline's, and the loop runs due timers in order of time.
        loop.call_soon(began.wait, HANG_GUARD_S)
        loop.call_later(0.3, written.set)
        result = await run.call(commit_slowly, timeout_s=0.1)
        return result, run.timed_out

    assert asyncio.run(scenario()) == ("committed", 0)


# ------------------------------------------------------------------------------------------ text


def test_keywords_inside_strings_iris_and_comments_are_not_seen() -> None:
    analysis = analyse('SELECT * WHERE { ?s <http://e/FROM> "SERVICE <x> {" } # SERVICE <http://e/y> { {')
    assert analysis.services == []
    assert not analysis.dataset_clause
    assert analysis.max_depth == 1


def test_with_using_handles_several_operations() -> None:
    update = "CLEAR ALL ; INSERT DATA { <a> <b> <c> } ; DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert with_using(update, ["http://g"], []) == (
        "CLEAR ALL ; INSERT DATA { <a> <b> <c> } ; DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }"
    )


# ------------------------------------------------------------------------------------------ delta


DELTA_CASES = [
    "INSERT DATA { GRAPH <http://g/1> { <http://e/a> <http://e/p> 1 } }",
    "DELETE WHERE { GRAPH <http://g/1> { ?b <http://e/q> 1 } }",
    "INSERT { GRAPH <http://g/2> { ?b <http://e/r> 2 } } WHERE { GRAPH <http://g/1> { ?b <http://e/q> 1 } }",
    "INSERT { GRAPH <http://g/5> { ?b <http://e/r> 5 } } WHERE { GRAPH <http://g/2> { ?b <http://e/q> 9 } }",
    "DROP GRAPH <http://g/1>",
    "CLEAR GRAPH <http://g/1>",
    "CLEAR DEFAULT ; CREATE GRAPH <http://g/3>",
    "MOVE <http://g/2> TO <http://g/6>",
    "DELETE { GRAPH ?g { ?s ?p ?o } } INSERT { GRAPH <http://g/4> { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
]


def _store_with_blank_nodes(folder: Path | None) -> EmbeddedStore:
    store = EmbeddedStore(folder)
    store.update(
        """INSERT DATA {
  <http://e/d> <http://e/p> "default" .
  GRAPH <http://g/1> { <http://e/a> <http://e/p> [ <http://e/q> 1 ] , [ <http://e/q> 2 ] . <http://e/a> <http://e/p> 3 }
  GRAPH <http://g/2> { <http://e/b> <http://e/p> 4 . <http://e/b> <http://e/p> _:shared . _:shared <http://e/q> 9 }
  GRAPH <http://g/7> { _:shared <http://e/q> 10 }
}"""
    )
    return store


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
@pytest.mark.parametrize("scope", ["scanned", "everything", "too narrow"])
@pytest.mark.parametrize("update", DELTA_CASES)
def test_the_delta_update_turns_the_store_into_the_trial(
    update: str, scope: str, on_disk: bool, tmp_path: Path
) -> None:
    store = _store_with_blank_nodes(tmp_path / "store" if on_disk else None)
    graphs = {"scanned": written_graphs(update), "everything": None, "too narrow": frozenset({"http://g/0"})}
    trial = Trial(store, graphs[scope])
    trial.scratch.update(update)
    store.update(delta_update(trial.delta(), trial))
    expected, actual = ox.Dataset(trial.scratch), ox.Dataset(store.ox)
    expected.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    actual.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert actual == expected
    assert {g.value for g in store.ox.named_graphs()} == {g.value for g in trial.scratch.named_graphs()}
    trial.discard()
    assert not list((tmp_path / ".store-write-trials").glob("*"))


@pytest.mark.parametrize(
    ("update", "graphs"),
    [
        ("CLEAR SILENT GRAPH <http://g> ; CREATE GRAPH <http://h>", {"http://g", "http://h"}),
        ("COPY DEFAULT TO GRAPH <http://g>", {"http://g"}),
        ("ADD SILENT <http://a> TO <http://b>", {"http://b"}),
        ("LOAD <http://x/doc.ttl>", {""}),
        ("BASE <http://e/> INSERT DATA { GRAPH <g> { <s> <p> 1 } }", {"", "http://e/g"}),
        ("DELETE WHERE { GRAPH <http://g> { ?s ?p ?o } }", {"", "http://g"}),
        ("DELETE { ?s ?p ?o } INSERT { GRAPH <http://b> { ?s ?p ?o } } WHERE { ?s ?p ?o }", {"", "http://b"}),
        ("CLEAR NAMED", None),
        ("DROP SILENT ALL", None),
        ("PREFIX e: <http://a/> INSERT DATA { GRAPH e:g {} } ; PREFIX e: <http://b/> CLEAR GRAPH e:g", None),
        ("INSERT DATA { GRAPH u:g { <s> <p> 1 } }", None),
    ],
)
def test_written_graphs_names_every_graph_an_update_may_change(update: str, graphs: set[str] | None) -> None:
    found = written_graphs(update)
    assert (None if found is None else set(found)) == graphs
