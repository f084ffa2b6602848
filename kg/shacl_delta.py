"""The one incremental SHACL check, for `kg ingest` and for HTTP writes: validate a change, not the graph.

A change is a `Delta` (quads added and removed). `DeltaCheck.check` validates it against the data shapes in
the state after the change, reading only what the shapes read (`kg.shape_reads.ReadPlan`):

1. **Changes.** Only data graphs count (not the ontology, derived, inferred or history graphs; `kg build`
   validates the same), and only triples whose presence in the union of the data graphs changes: a time node
   that a new source states again is no change.
2. **Focus.** The nodes whose validation may change: for each changed triple, the plan says where the shapes
   read its predicate (at the focus node itself, or a few steps away: the `rdf:type` of a node that an event
   names as its agent); walking those steps back from the triple in the state after the change gives them.
3. **Context.** Walking the plan forward from the focus nodes: every triple the shapes read for them, and
   nothing else (no generic 2- or 3-hop neighbourhood, no derived relations).
4. **Validation.** pySHACL validates the context as a whole, with the same options as `kg build`, and only
   the results on focus nodes are kept: other nodes of the context have part of their surroundings only.
   pySHACL's own `focus_nodes` option is not used: it tests each target against a list (quadratic: 73 s for
   a 3,000-triple write at 1M quads, measured), and it skips value nodes that are not focus nodes when
   nested shapes (`sh:or`, `sh:qualifiedValueShape`, `sh:node`...) validate them, so it misses violations
   (tests/test_shacl_delta.py shows it; docs/decisions/20261207-one-shacl-delta-check.md).

The state after the change is read through a `GraphState`: a pyoxigraph dataset that already holds it (the
trial copy of an HTTP write, `DatasetState`), or a `Store` with the change not yet applied (`StoreState`,
for `kg ingest`, which validates before its one-transaction commit).

If the store conformed before the change, the store after it conforms exactly when the check passes.
"""

import functools
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.rdfio import add_triples, to_rdflib
from kg.shape_reads import FORWARD, INVERSE, ReadPlan, Step
from kg.store import Store
from kg.validate import ValidationReport, run_pyshacl
from kg.vocab import DERIVED_GRAPH, HISTORY_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.write_check import Delta

# Graphs that are not data: `kg build` validates the data without them, and so does the delta check.
NOT_DATA = frozenset(str(g) for g in (ONTOLOGY_GRAPH, DERIVED_GRAPH, INFERRED_GRAPH, HISTORY_GRAPH))
VALUES_CHUNK = 400

Resource = ox.NamedNode | ox.BlankNode


def is_data(graph_name: object) -> bool:
    """True for a graph the data shapes apply to (the default graph included)."""
    return not isinstance(graph_name, ox.NamedNode) or graph_name.value not in NOT_DATA


# ------------------------------------------------------------------------------------------ states


class GraphState(ABC):
    """The data graphs in the state after a change, read by node and predicate."""

    @abstractmethod
    def matching(
        self, nodes: Collection[Resource], predicates: Collection[ox.NamedNode] | None, inverse: bool
    ) -> Iterable[ox.Quad]:
        """Data quads with one of `nodes` as subject (as object when `inverse`) and one of `predicates`
        (any when None). More may come back (callers select); none that match may be missing."""

    def stating(self, triples: Collection[ox.Triple]) -> Iterable[ox.Quad]:
        """Data quads of these triples (more may come back)."""
        subjects, predicates = {t.subject for t in triples}, {t.predicate for t in triples}
        return self.matching(subjects, predicates, inverse=False)  # type: ignore[arg-type]


class DatasetState(GraphState):
    """A pyoxigraph dataset that holds the state after the change (the trial copy of a write)."""

    def __init__(self, dataset: ox.Store) -> None:
        self.dataset = dataset

    def matching(
        self, nodes: Collection[Resource], predicates: Collection[ox.NamedNode] | None, inverse: bool
    ) -> Iterator[ox.Quad]:
        for node in nodes:
            for predicate in predicates if predicates is not None else [None]:
                if inverse:
                    quads = self.dataset.quads_for_pattern(None, predicate, node)
                else:
                    quads = self.dataset.quads_for_pattern(node, predicate, None)
                yield from (quad for quad in quads if is_data(quad.graph_name))

    def stating(self, triples: Collection[ox.Triple]) -> Iterator[ox.Quad]:
        for triple in triples:
            quads = self.dataset.quads_for_pattern(triple.subject, triple.predicate, triple.object)
            yield from (quad for quad in quads if is_data(quad.graph_name))


class StoreState(GraphState):
    """A store (embedded or remote, read by SPARQL) with a change not yet applied to it.

    Blank nodes of the store cannot be named in a query: the check does not see past them (the authored
    data has none; an HTTP write checks its trial copy instead). The store's own default graph is not read.
    """

    def __init__(self, store: Store, delta: Delta) -> None:
        self.store = store
        self.removed = delta.removed
        self.added_from: dict[Resource, list[ox.Quad]] = defaultdict(list)
        self.added_to: dict[Resource, list[ox.Quad]] = defaultdict(list)
        for quad in delta.added:
            if is_data(quad.graph_name):
                self.added_from[quad.subject].append(quad)
                self.added_to[quad.object].append(quad)

    def matching(
        self, nodes: Collection[Resource], predicates: Collection[ox.NamedNode] | None, inverse: bool
    ) -> Iterator[ox.Quad]:
        yield from (quad for quad in self._from_store(nodes, predicates, inverse) if quad not in self.removed)
        added = self.added_to if inverse else self.added_from
        for node in nodes:
            yield from added.get(node, ())

    def _from_store(
        self, nodes: Collection[Resource], predicates: Collection[ox.NamedNode] | None, inverse: bool
    ) -> Iterator[ox.Quad]:
        named = sorted(str(node) for node in nodes if isinstance(node, ox.NamedNode))
        # One VALUES block and a FILTER: Oxigraph looks each node up in its indexes (a second VALUES block for
        # the predicates makes it scan the store: 0.35 s against 0.01 s at 36k quads, measured).
        restriction = (
            "" if predicates is None else f"FILTER (?p IN ({', '.join(sorted(map(str, predicates)))}))"
        )
        not_data = ", ".join(f"<{iri}>" for iri in sorted(NOT_DATA))
        for start in range(0, len(named), VALUES_CHUNK):
            values = " ".join(named[start : start + VALUES_CHUNK])
            query = (
                f"SELECT ?g ?s ?p ?o WHERE {{ VALUES {'?o' if inverse else '?s'} {{ {values} }} "
                f"GRAPH ?g {{ ?s ?p ?o }} {restriction} FILTER (?g NOT IN ({not_data})) }}"
            )
            answer = ox.parse_query_results(self.store.query_bytes(query), format=ox.QueryResultsFormat.JSON)
            assert isinstance(answer, ox.QuerySolutions)
            for row in answer:
                yield ox.Quad(row["s"], row["p"], row["o"], row["g"])


# ------------------------------------------------------------------------------------------ the check

# Nodes to read at each step of the plan, in one round of a walk.
Frontier = dict[Step, set[Resource]]


class DeltaCheck:
    """The data shapes, the ontology's classes and what the shapes read: made once, used for every change."""

    def __init__(self, shapes: Graph, ontology: Graph | None) -> None:
        self.shapes = shapes
        self.plan = ReadPlan(shapes)
        self.ontology_part = _ontology_part(ontology)

    def check(self, state: GraphState, delta: Delta) -> ValidationReport:
        """Validate the nodes whose validation `delta` may change, in `state` (the state after it)."""
        focus = self.focus_nodes(state, delta)
        if not focus:
            return ValidationReport(True, "Conforms: nothing to check.", "")
        data = _QueriedOnce()
        for prefix, namespace in self.ontology_part.namespaces():
            data.bind(prefix, namespace)
        data += self.ontology_part
        add_triples(data, self.context(state, focus))
        # In place: `data` is ours and throwaway, and already holds what `ont_graph` would add.
        _, results, _ = run_pyshacl(data, self.shapes, None, inplace=True)
        return filtered_report(results, {to_rdflib(node) for node in focus})

    def focus_nodes(self, state: GraphState, delta: Delta) -> set[Resource]:
        """The nodes whose validation the delta may change (module docstring, 1 and 2)."""
        starts: Frontier = defaultdict(set)
        for triple in changed_triples(state, delta):
            for step in self.plan.steps_reading(FORWARD, triple.predicate):
                starts[step].add(triple.subject)
            if isinstance(triple.object, ox.NamedNode | ox.BlankNode):
                for step in self.plan.steps_reading(INVERSE, triple.predicate):
                    starts[step].add(triple.object)
        return _walk(state, starts, self._parents_round)[self.plan.root]

    def context(self, state: GraphState, focus: set[Resource]) -> set[ox.Triple]:
        """Every data triple the shapes read around the focus nodes (module docstring, 3)."""
        found: set[ox.Triple] = set()
        _walk(state, {self.plan.root: set(focus)}, lambda s, frontier: _children_round(s, frontier, found))
        return found

    def _parents_round(self, state: GraphState, frontier: Frontier) -> Frontier:
        """One step back: the nodes that reach a frontier node through the edge leading to its step."""
        parents: Frontier = defaultdict(set)
        for forward in (FORWARD, INVERSE):
            edges: dict[Resource, list[tuple[Step, ox.NamedNode | None]]] = defaultdict(list)
            for step, nodes in frontier.items():
                for parent, (edge_forward, predicate) in self.plan.parents[step]:
                    if edge_forward == forward:
                        for node in nodes:
                            edges[node].append((parent, predicate))
            if not edges:
                continue
            predicates = {predicate for pairs in edges.values() for _, predicate in pairs}
            # A node reached forward by `p` from its parent is the object of `parent p node`: read inverse.
            wanted = None if None in predicates else predicates
            quads = state.matching(edges, wanted, inverse=forward)  # type: ignore[arg-type]
            for quad in quads:
                node, parent_node = (quad.object, quad.subject) if forward else (quad.subject, quad.object)
                for parent, predicate in edges.get(node, ()):  # type: ignore[call-overload]
                    if predicate is None or predicate == quad.predicate:
                        parents[parent].add(parent_node)  # type: ignore[arg-type]
        return parents


def _ontology_part(ontology: Graph | None) -> Graph:
    """What pySHACL adds to a data graph from `ont_graph` (classes, properties, individuals, their prefixes).

    pySHACL copies it into every data graph it validates (0.3 to 0.5 s for our ontology, measured); it depends
    on the ontology alone, so it is made once, by pySHACL itself: validating an empty graph in place against
    no shapes leaves that graph holding exactly it.
    """
    part = Graph()
    if ontology is not None:
        pyshacl.validate(part, shacl_graph=Graph(), ont_graph=ontology, inplace=True)
    return part


class _QueriedOnce(Graph):
    """An rdflib graph that parses each SPARQL query text once per process.

    pySHACL sends the shapes' SPARQL targets and constraints as text, and rdflib parses them every time: about
    0.1 s each, most of the cost of validating a small context (measured). The prepared query is the one
    rdflib would make, with this graph's prefixes as initial namespaces.
    """

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,  # noqa: N803
        initBindings: Any = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and processor == "sparql" and not initNs:
            query_object = _prepared(query_object, tuple(sorted((p, str(n)) for p, n in self.namespaces())))
        positional = (processor, result, initNs, initBindings, use_store_provided)
        return super().query(query_object, *positional, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


def _walk(
    state: GraphState, starts: Frontier, step_once: Callable[[GraphState, Frontier], Frontier]
) -> Frontier:
    """Rounds of `step_once` from `starts` until no (node, step) pair is new; every pair seen, by step."""
    seen: Frontier = defaultdict(set)
    frontier = {step: set(nodes) for step, nodes in starts.items() if nodes}
    while frontier:
        for step, nodes in frontier.items():
            seen[step] |= nodes
        reached = step_once(state, frontier)
        frontier = {step: nodes - seen[step] for step, nodes in reached.items() if nodes - seen[step]}
    return seen


def _children_round(state: GraphState, frontier: Frontier, found: set[ox.Triple]) -> Frontier:
    """One step forward: read the frontier's predicates, keep the triples, return the nodes they reach."""
    children: Frontier = defaultdict(set)
    for forward in (FORWARD, INVERSE):
        # Nodes grouped by the predicates their steps read, so that a store answers one query per group.
        groups: dict[frozenset[ox.NamedNode] | None, dict[Resource, list[Step]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for step, nodes in frontier.items():
            predicates = [p for direction, p in step.edges if direction == forward]
            if predicates:
                key = None if None in predicates else frozenset(predicates)  # type: ignore[arg-type]
                for node in nodes:
                    groups[key][node].append(step)
        for predicates, steps_of in groups.items():
            for quad in state.matching(steps_of, predicates, inverse=not forward):
                node, reached = (quad.subject, quad.object) if forward else (quad.object, quad.subject)
                for step in steps_of.get(node, ()):  # type: ignore[call-overload]
                    for child in (step.edges.get((forward, quad.predicate)), step.edges.get((forward, None))):
                        if child is not None:
                            found.add(quad.triple)
                            if isinstance(reached, ox.NamedNode | ox.BlankNode):
                                children[child].add(reached)
    return children


def changed_triples(state: GraphState, delta: Delta) -> set[ox.Triple]:
    """Data triples whose presence in the union of the data graphs the delta changes."""
    added = {q for q in delta.added if is_data(q.graph_name)}
    removed = {q for q in delta.removed if is_data(q.graph_name)}
    candidates = {q.triple for q in added | removed}
    after: dict[ox.Triple, set[ox.Quad]] = defaultdict(set)
    for quad in state.stating(candidates):
        if quad.triple in candidates:
            after[quad.triple].add(quad)
    # The quads of a triple before the change: those after it that it did not add, and those it removed.
    before = {triple: quads - added for triple, quads in after.items()}
    for quad in removed:
        before.setdefault(quad.triple, set()).add(quad)
    return {t for t in candidates if bool(after.get(t)) != bool(before.get(t))}


# ------------------------------------------------------------------------------------------ the report


def filtered_report(results: Graph, focus: set[Node]) -> ValidationReport:
    """The part of a pyshacl results graph about `focus`, as text for a person and as Turtle."""
    kept = [r for r in results.objects(None, SH.result) if results.value(r, SH.focusNode) in focus]
    violations = [r for r in kept if results.value(r, SH.resultSeverity) == SH.Violation]
    report = Graph()
    report.bind("sh", SH)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(not violations)))
    for result in kept:
        report.add((node, SH.result, result))
        _copy_description(results, result, report)
    lines = [f"Conforms: {not violations}", f"Results ({len(kept)}):"]
    lines += [_describe_result(results, result) for result in kept]
    return ValidationReport(not violations, "\n".join(lines), report.serialize(format="turtle"))


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    """Copy the triples of `node` and, recursively, of the blank nodes it points to."""
    for predicate, value in source.predicate_objects(node):
        target.add((node, predicate, value))
        if isinstance(value, BNode) and (value, None, None) not in target:
            _copy_description(source, value, target)


def _describe_result(results: Graph, result: Node) -> str:
    """One result as a short paragraph: severity, focus node, path, value, message, shape."""

    def show(term: Node | None) -> str:
        if term is None:
            return "-"
        if isinstance(term, BNode):
            return "[blank node]"
        return term.n3(results.namespace_manager)

    fields = [
        ("Severity", results.value(result, SH.resultSeverity)),
        ("Focus node", results.value(result, SH.focusNode)),
        ("Path", results.value(result, SH.resultPath)),
        ("Value", results.value(result, SH.value)),
        ("Shape", results.value(result, SH.sourceShape)),
        ("Constraint", results.value(result, SH.sourceConstraintComponent)),
    ]
    messages = [str(m) for m in results.objects(result, SH.resultMessage)]
    text = "- " + "; ".join(messages or ["(no message)"])
    return text + "".join(f"\n    {name}: {show(value)}" for name, value in fields if value is not None)
