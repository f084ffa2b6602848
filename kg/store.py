"""The triple store: embedded Oxigraph on disk (default), in memory, or any remote SPARQL 1.1 store.

Queries are handed to the engine as strings; rdflib's evaluator is never on this path (docs/findings.md).
The default graph of a query is the union of all named graphs, as in `oxigraph serve --union-default-graph`:
every fact lives in a named graph (one per source, plus ontology, entities, derived, inferred).
"""

import io
import json
import shutil
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import httpx
import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import QueryError, StoreUnavailable, sparql_syntax_message
from kg.formats import N_TRIPLES, RESULTS_JSON, by_media_type, named
from kg.settings import Settings
from kg.sparql_text import analyse, iri_ref, triples_text
from kg.text_search import expand_search

SPARQL_JSON = RESULTS_JSON.media_type


class Store(ABC):
    """What the rest of the project needs from a store.

    Every query passes through `expand_search` (the search service of kg/text_search.py), and every update
    counts in `revision`, which the name index (kg/name_index.py) compares with the one it reflects.
    """

    revision: int = 0

    @abstractmethod
    def query_bytes(self, sparql: str, media_type: str = SPARQL_JSON) -> bytes:
        """Run a query over the union of all graphs and serialise its answer in `media_type`."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update in one transaction."""

    @abstractmethod
    def export(self, fmt: str, graph: str | None = None) -> bytes:
        """Every quad (or the triples of one graph) in a graph format of `kg/formats.py`, by name."""

    def select(self, sparql: str) -> list[dict[str, dict[str, str]]]:
        """Rows of a SELECT as SPARQL JSON bindings (`row[var]["value"]`)."""
        answer = json.loads(self.query_bytes(sparql, SPARQL_JSON))
        if "boolean" in answer:
            raise QueryError("expected a SELECT query, got an ASK query")
        return answer["results"]["bindings"]

    def graph_counts(self) -> dict[str, int]:
        """Number of triples in each named graph."""
        rows = self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}

    def replace_graphs(self, graphs: dict[URIRef, Graph], *, drop_all: bool = False) -> None:
        """Replace the given named graphs (or everything) with new content, atomically."""
        self.update(replace_update(graphs, drop_all=drop_all))

    # The methods below serve the SPARQL and Graph Store endpoints (api/): answers are pulled lazily, so a
    # caller can stop at a deadline or a size limit, and stream what it serialises.

    #: False when the store cannot address its own default graph (a remote whose default graph is the union).
    addresses_default_graph = True
    #: True when every read gives a blank node the same label (a store in this process, not a remote one);
    #: a write's `Trial` then compares only the graphs the write may change.
    stable_blank_nodes = False

    @abstractmethod
    def open_query(
        self,
        sparql: str,
        *,
        form: str | None,
        dataset: "QueryDataset | None" = None,
        base_iri: str | None = None,
    ) -> "QueryAnswer":
        """Start a query: the union of all graphs is its default graph unless it or `dataset` names graphs."""

    @abstractmethod
    def named_graph_iris(self) -> list[str]:
        """IRIs of the named graphs, empty ones included."""

    @abstractmethod
    def has_graph(self, graph: str | None) -> bool:
        """Whether a named graph exists (`None`, the default graph, always does)."""

    @abstractmethod
    def triples_of(self, graph: str | None) -> "Answer[ox.Triple]":
        """The triples of one named graph, or of the default graph when `graph` is None, pulled lazily."""

    @abstractmethod
    def quads(self) -> "Answer[ox.Quad]":
        """Every quad of the store, pulled lazily."""

    def snapshot(self) -> ox.Store:
        """A copy of the whole store in memory (quads and empty named graphs) to try a write on."""
        copy = ox.Store()
        for iri in self.named_graph_iris():
            copy.add_graph(ox.NamedNode(iri))
        with self.quads() as quads:
            copy.extend(quads)
        return copy

    def trial_copy(self) -> "TrialCopy":
        """A private copy of the store to try a write on; `discard` it afterwards."""
        return TrialCopy(self.snapshot())

    def close(self) -> None:  # noqa: B027 (optional hook)
        """Release the store."""


class TrialCopy:
    """A copy of a store made to try a write on: in memory, or a checkpoint folder deleted by `discard`."""

    def __init__(self, store: ox.Store, folder: Path | None = None) -> None:
        self.store: ox.Store | None = store
        self.folder = folder

    def discard(self) -> None:
        """Close the copy and delete its folder."""
        self.store = None  # the last reference: pyoxigraph closes RocksDB when the object goes
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


class EmbeddedStore(Store):
    """Oxigraph in this process: on disk (RocksDB) under a folder, or in memory."""

    stable_blank_nodes = True

    def __init__(self, path: Path | None = None) -> None:
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.ox = ox.Store(str(path)) if path is not None else ox.Store()
        if path is not None:  # checkpoints a crash left behind (the store is open, so no one else uses them)
            shutil.rmtree(self._trials_folder(), ignore_errors=True)

    def _trials_folder(self) -> Path:
        assert self.path is not None
        return self.path.parent / f".{self.path.name}-write-trials"

    def trial_copy(self) -> "TrialCopy":
        """On disk, a RocksDB checkpoint: hard links to the store's files, made in milliseconds at any size
        (measured: 3 ms for 1M quads, against 26 s to copy them into memory)."""
        if self.path is None:
            return super().trial_copy()
        self._trials_folder().mkdir(exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="trial-", dir=self._trials_folder()))
        self.ox.backup(str(folder / "store"))
        return TrialCopy(ox.Store(str(folder / "store")), folder)

    def query_bytes(self, sparql: str, media_type: str = SPARQL_JSON) -> bytes:
        result = self.run_query(sparql)
        return serialize_result(result, media_type)

    def run_query(self, sparql: str, **options: Any) -> Any:
        """The pyoxigraph result object (solutions, boolean or triples)."""
        # With the union flag set, pyoxigraph ignores a query's own FROM / FROM NAMED (measured): keep them.
        options.setdefault("use_default_graph_as_union", not analyse(sparql).dataset_clause)
        try:
            return self.ox.query(expand_search(sparql, self), **options)
        except SyntaxError as error:
            raise QueryError(sparql_syntax_message(error, sparql)) from error

    def update(self, sparql: str) -> None:
        try:
            self.ox.update(sparql)
        except SyntaxError as error:
            raise QueryError(sparql_syntax_message(error, sparql)) from error
        finally:
            self.revision += 1

    def export(self, fmt: str, graph: str | None = None) -> bytes:
        rdf_format = export_format(fmt, graph)
        from_graph = ox.NamedNode(graph) if graph else None
        return self.ox.dump(format=rdf_format, from_graph=from_graph)

    def open_query(
        self,
        sparql: str,
        *,
        form: str | None,
        dataset: "QueryDataset | None" = None,
        base_iri: str | None = None,
    ) -> "QueryAnswer":
        options: dict[str, Any] = {"base_iri": base_iri}
        if dataset is not None:
            options["default_graph"] = [ox.NamedNode(iri) for iri in dataset.default_graphs]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in dataset.named_graphs]
            options["use_default_graph_as_union"] = False
        result = self.run_query(sparql, **options)
        if isinstance(result, ox.QuerySolutions):
            return QueryAnswer("solutions", [v.value for v in result.variables], rows=result)
        if isinstance(result, ox.QueryBoolean):
            return QueryAnswer("boolean", boolean=bool(result))
        return QueryAnswer("triples", triples=result)

    def named_graph_iris(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str | None) -> bool:
        return graph is None or self.ox.contains_named_graph(ox.NamedNode(graph))

    def triples_of(self, graph: str | None) -> "Answer[ox.Triple]":
        graph_name = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
        quads = self.ox.quads_for_pattern(None, None, None, graph_name)
        return Answer(quad.triple for quad in quads)

    def quads(self) -> "Answer[ox.Quad]":
        return Answer(iter(self.ox.quads_for_pattern(None, None, None, None)))

    def close(self) -> None:
        self.ox.flush() if self.path is not None else None
        del self.ox


class RemoteStore(Store):
    """A SPARQL 1.1 store reached over HTTP (for example `oxigraph serve`).

    Queries are sent as form-encoded POSTs, which every store accepts (Virtuoso 7.2.5 hangs on
    `application/sparql-query` bodies). With `union_default_graph` (the store answers over the union of its
    graphs, as `oxigraph serve --union-default-graph` and Virtuoso do) queries go as they are, and the store's
    own default graph cannot be read. Without it the default graph is a graph of its own, and a query that names
    no dataset is sent with every named graph as a `default-graph-uri`, which makes their union its default
    graph (https://www.w3.org/TR/sparql11-protocol/#dataset); the default graph's own triples are then not in
    that union.
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None,
        timeout: float = 60.0,
        *,
        union_default_graph: bool = True,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.union_default_graph = union_default_graph
        self.addresses_default_graph = not union_default_graph
        self.client = httpx.Client(timeout=timeout, headers={"User-Agent": "syria-kg/0.1"})
        self._graphs: tuple[float, list[str]] | None = None
        self._graphs_lock = threading.Lock()

    def _post(self, url: str, data: dict[str, str], accept: str) -> httpx.Response:
        try:
            response = self.client.post(url, data=data, headers={"Accept": accept})
        except httpx.HTTPError as error:
            raise StoreUnavailable(f"remote store at {url} cannot be reached: {error}") from error
        if response.status_code == 400:
            sent = data.get("query") or data.get("update") or ""
            raise QueryError(_remote_message(response.text, sent) or "the remote store refused the request")
        if response.status_code >= 300:
            raise StoreUnavailable(
                f"remote store at {url} answered {response.status_code}: {response.text[:500]}"
            )
        return response

    def query_bytes(self, sparql: str, media_type: str = SPARQL_JSON) -> bytes:
        form = {"query": expand_search(sparql, self), **self._union_dataset(sparql)}
        return self._post(self.query_url, form, media_type).content  # type: ignore[arg-type]

    def update(self, sparql: str) -> None:
        try:
            self._post(self.update_url, {"update": sparql}, "*/*")
        finally:
            self._graphs = None
            self.revision += 1

    def _union_dataset(self, sparql: str) -> dict[str, list[str]]:
        """Protocol parameters that make the union of the named graphs the default graph, when needed."""
        if self.union_default_graph or analyse(sparql).dataset_clause:
            return {}
        graphs = self.named_graph_iris()
        # Naming the default graph's parts also empties the named graphs unless they are named too (2.1.4).
        return {"default-graph-uri": graphs, "named-graph-uri": graphs}

    def open_query(
        self,
        sparql: str,
        *,
        form: str | None,
        dataset: "QueryDataset | None" = None,
        base_iri: str | None = None,
    ) -> "QueryAnswer":
        if base_iri and analyse(sparql).relative_iris:
            sparql = f"BASE {iri_ref(base_iri)}\n{sparql}"  # the protocol has no base parameter
        params: dict[str, Any] = {"query": expand_search(sparql, self)}
        if dataset is not None:
            params |= {"default-graph-uri": dataset.default_graphs, "named-graph-uri": dataset.named_graphs}
        else:
            params |= self._union_dataset(sparql)
        accept = {
            "SELECT": SPARQL_JSON,
            "ASK": SPARQL_JSON,
            "CONSTRUCT": N_TRIPLES.media_type,
            "DESCRIBE": N_TRIPLES.media_type,
        }.get(form or "", f"{SPARQL_JSON}, {N_TRIPLES.media_type};q=0.9")
        response = self._stream(self.query_url, params, accept)
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        reader = _ResponseReader(response)
        try:
            # Results first: application/json names SPARQL JSON here, not JSON-LD.
            results_format = by_media_type(media_type, "results")
            graph_format = by_media_type(media_type, "graph")
            if results_format is None and graph_format is not None and graph_format.rdf is not None:
                triples = _as_triples(ox.parse(reader, format=graph_format.rdf))
                return QueryAnswer("triples", triples=triples, close=response.close)
            parsed = ox.parse_query_results(reader, format=(results_format or RESULTS_JSON).results)
        except SyntaxError as error:
            response.close()
            raise StoreUnavailable(f"the remote store sent an unreadable answer: {error}") from error
        if isinstance(parsed, ox.QueryBoolean):
            response.close()
            return QueryAnswer("boolean", boolean=bool(parsed))
        variables = [v.value for v in parsed.variables]
        return QueryAnswer("solutions", variables, rows=parsed, close=response.close)

    def _stream(self, url: str, params: dict[str, Any], accept: str) -> httpx.Response:
        """A POST whose answer is read as it arrives; errors become `QueryError` / `StoreUnavailable`."""
        request = self.client.build_request("POST", url, data=params, headers={"Accept": accept})
        try:
            response = self.client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise StoreUnavailable(f"remote store at {url} cannot be reached: {error}") from error
        if response.status_code >= 300:
            text = response.read().decode("utf-8", "replace").strip()
            response.close()
            if response.status_code == 400:
                sent = str(params.get("query") or params.get("update") or "")
                raise QueryError(_remote_message(text, sent) or "the remote store refused the query")
            raise StoreUnavailable(f"remote store at {url} answered {response.status_code}: {text[:500]}")
        return response

    def named_graph_iris(self) -> list[str]:
        # Cached briefly: a store without a union default graph needs the list for every query.
        with self._graphs_lock:
            if self._graphs is not None and time.monotonic() - self._graphs[0] < GRAPH_LIST_TTL_S:
                return self._graphs[1]
            form = {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"}
            rows = json.loads(self._post(self.query_url, form, SPARQL_JSON).content)["results"]["bindings"]
            graphs = sorted(row["g"]["value"] for row in rows if row["g"]["type"] == "uri")
            self._graphs = (time.monotonic(), graphs)
            return graphs

    def has_graph(self, graph: str | None) -> bool:
        return graph is None or graph in self.named_graph_iris()

    def triples_of(self, graph: str | None) -> "Answer[ox.Triple]":
        if graph is None and not self.addresses_default_graph:
            raise DefaultGraphUnreachable()
        where = f"GRAPH {iri_ref(graph)} {{ ?s ?p ?o }}" if graph is not None else "?s ?p ?o"
        # No dataset parameters: without GRAPH the pattern reads the store's own default graph.
        response = self._stream(
            self.query_url,
            {"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"},
            N_TRIPLES.media_type,
        )
        triples = _as_triples(ox.parse(_ResponseReader(response), format=ox.RdfFormat.N_TRIPLES))
        return Answer(triples, close=response.close)

    def quads(self) -> "Answer[ox.Quad]":
        query = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
        response = self._stream(self.query_url, {"query": query}, SPARQL_JSON)
        rows = ox.parse_query_results(_ResponseReader(response), format=ox.QueryResultsFormat.JSON)

        def generate() -> Iterator[ox.Quad]:
            for row in rows:
                yield ox.Quad(row["s"], row["p"], row["o"], row["g"])
            response.close()
            if self.addresses_default_graph:
                with self.triples_of(None) as triples:
                    for triple in triples:
                        yield ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph())

        return Answer(generate(), close=response.close)

    def export(self, fmt: str, graph: str | None = None) -> bytes:
        rdf_format = export_format(fmt, graph)
        where = f"GRAPH {iri_ref(graph)} {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        rows = self.select(f"SELECT * WHERE {{ {where} }}")
        quads = [_quad_from_json(row, graph) for row in rows]
        if graph:
            return ox.serialize([q.triple for q in quads], format=rdf_format)
        return ox.serialize(quads, format=rdf_format)

    def close(self) -> None:
        self.client.close()


def export_format(fmt: str, graph: str | None) -> ox.RdfFormat:
    """The format an export is written in (a name of `kg/formats.py`); a one-graph format needs one graph."""
    found = named("graph", fmt)
    if found is None or found.rdf is None:
        raise QueryError(f"unknown RDF format '{fmt}'")
    if graph is None and not found.holds_datasets:
        raise QueryError(f"{fmt} holds one graph: choose one with --graph, or use nquads or trig")
    return found.rdf


def open_store(settings: Settings) -> Store:
    """The store the settings name: remote if a query URL is set, else embedded (memory or disk)."""
    if settings.remote_query_url:
        return RemoteStore(
            settings.remote_query_url,
            settings.remote_update_url,
            settings.remote_timeout_s,
            union_default_graph=settings.remote_union_default_graph,
        )
    return EmbeddedStore(None if settings.memory else settings.data_dir)


# ------------------------------------------------------------------------------------- lazy answers

GRAPH_LIST_TTL_S = 2.0


class DefaultGraphUnreachable(StoreUnavailable):
    """The store's own default graph cannot be read or written (a remote whose default graph is the union)."""

    http_status = 501

    def __init__(self) -> None:
        super().__init__(
            "this server's remote store answers queries over the union of its graphs, so its own default graph "
            "cannot be read or written: use a named graph (?graph=...)"
        )


@dataclass(frozen=True)
class QueryDataset:
    """An RDF dataset named by the protocol (`default-graph-uri`, `named-graph-uri`): exactly these graphs."""

    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


T = TypeVar("T")


class Answer(Generic[T]):
    """An iterator that may hold a resource (an HTTP response), released by `close()` or a `with` block."""

    def __init__(self, items: Iterable[T], close: Callable[[], None] = lambda: None) -> None:
        self._items = iter(items)
        self._close = close

    def __iter__(self) -> Iterator[T]:
        return self._items

    def __next__(self) -> T:
        return next(self._items)

    def close(self) -> None:
        """Release what the answer holds; the iterator may stop early."""
        self._close()

    def __enter__(self) -> "Answer[T]":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@dataclass
class QueryAnswer:
    """The answer to a query, pulled lazily: solutions (`rows` of terms by position), a boolean, or triples."""

    kind: Literal["solutions", "boolean", "triples"]
    variables: list[str] = field(default_factory=list)
    rows: Iterable[Any] = ()
    boolean: bool = False
    triples: Iterable[ox.Triple] = ()
    close: Callable[[], None] = lambda: None


def _as_triples(parsed: Iterable[Any]) -> Iterator[ox.Triple]:
    """pyoxigraph's parser yields quads (in the default graph) even for triple formats."""
    for item in parsed:
        yield item.triple if isinstance(item, ox.Quad) else item


def _remote_message(text: str, sent: str = "") -> str:
    """A remote store's 400 message; Oxigraph's parser messages (about `sent`) are phrased as ours."""
    text = text.strip()
    return sparql_syntax_message(text, sent) if text.startswith("error at ") else text


class _ResponseReader(io.RawIOBase):
    """A streamed HTTP response body as a binary file, for pyoxigraph's incremental parsers."""

    def __init__(self, response: httpx.Response) -> None:
        self._chunks = response.iter_bytes()
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except (StopIteration, httpx.StreamClosed):
                return 0
            except httpx.HTTPError as error:
                raise StoreUnavailable(f"the remote store's answer was cut: {error}") from error
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


# ------------------------------------------------------------------------------------------ helpers


def serialize_result(result: Any, media_type: str) -> bytes:
    """Serialise a pyoxigraph query result in `media_type`, SPARQL results or RDF (N-Triples for a
    CONSTRUCT asked for in a results format)."""
    if isinstance(result, ox.QueryTriples):
        graph_format = by_media_type(media_type, "graph")
        if graph_format is None and by_media_type(media_type, "results") is not None:
            graph_format = N_TRIPLES
        if graph_format is None or graph_format.rdf is None:
            raise QueryError(f"a CONSTRUCT or DESCRIBE answer cannot be written as {media_type}")
        return result.serialize(format=graph_format.rdf)
    results_format = by_media_type(media_type, "results")
    if results_format is None or results_format.results is None:
        raise QueryError(f"a SELECT or ASK answer cannot be written as {media_type}")
    return result.serialize(format=results_format.results)


def _quad_from_json(row: dict[str, dict[str, str]], graph: str | None) -> ox.Quad:
    terms = [_term_from_json(row[name]) for name in ("s", "p", "o")]
    graph_name = ox.NamedNode(graph) if graph else _term_from_json(row["g"])
    return ox.Quad(terms[0], terms[1], terms[2], graph_name)


def _term_from_json(binding: dict[str, str]) -> Any:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


def replace_update(graphs: dict[URIRef, Graph], *, drop_all: bool = False) -> str:
    """One SPARQL update that replaces the named graphs (or all graphs) with `graphs`.

    >>> g = Graph(); _ = g.add((URIRef("http://e/s"), URIRef("http://e/p"), URIRef("http://e/o")))
    >>> print(replace_update({URIRef("http://e/g"): g}))
    DROP SILENT GRAPH <http://e/g> ;
    INSERT DATA {
    GRAPH <http://e/g> {
    <http://e/s> <http://e/p> <http://e/o> .
    }
    }
    """
    drops = ["DROP SILENT ALL"] if drop_all else [f"DROP SILENT GRAPH {iri_ref(iri)}" for iri in graphs]
    body = "\n".join(
        f"GRAPH {iri_ref(iri)} {{\n{triples_text(graph)}\n}}" for iri, graph in graphs.items() if len(graph)
    )
    return " ;\n".join(drops) + (f" ;\nINSERT DATA {{\n{body}\n}}" if body else "")
