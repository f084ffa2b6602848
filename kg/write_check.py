"""Checking a write before it commits: try it on a copy, find what changed, validate around the change.

A SPARQL update or a Graph Store write is first applied to a private copy of the store (`Trial`): a RocksDB
checkpoint for the on-disk store (hard links, milliseconds at any size), an in-memory copy otherwise. The
difference between the copy before and after, in the graphs the write may change, is the write's `Delta`.
SHACL then validates the nodes the delta touches, with enough of their neighbourhood for the shapes to see
types, evidence and time nodes (`check`), never the whole graph. Only a delta that conforms is applied to the
real store, as one SPARQL update built by `delta_update`, so the store ends exactly as the copy did, or does
not change at all.

Blank nodes: `DELETE DATA` cannot name a blank node, and `INSERT DATA` mints new ones. A graph whose change
removes a blank node triple, or adds one to a blank node that already existed, is therefore rewritten whole
(cleared, then inserted again from the copy), together with every graph that shares a blank node with it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import pyshacl
from pyshacl.graph_abstraction import DataGraph
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import InputError
from kg.store import Store
from kg.validate import ValidationReport
from kg.vocab import DERIVED_GRAPH, HISTORY_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, RES

SH = Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = ox.NamedNode(str(RDF.type))
# Graphs that are not authored data: the build validates the data without them, and so does a write.
NOT_DATA = frozenset(str(g) for g in (ONTOLOGY_GRAPH, DERIVED_GRAPH, INFERRED_GRAPH, HISTORY_GRAPH))

GraphName = ox.NamedNode | ox.DefaultGraph


@dataclass
class Delta:
    """What a write changes: quads added and removed, named graphs created and dropped."""

    added: set[ox.Quad] = field(default_factory=set)
    removed: set[ox.Quad] = field(default_factory=set)
    created_graphs: set[str] = field(default_factory=set)
    dropped_graphs: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        """True when the write changes nothing."""
        return not (self.added or self.removed or self.created_graphs or self.dropped_graphs)

    def touches_default_graph(self) -> bool:
        """True when a quad of the default graph is added or removed."""
        return any(isinstance(q.graph_name, ox.DefaultGraph) for q in self.added | self.removed)


class Trial:
    """A write tried on a private copy of the store (`scratch`), compared before and after within `scope`.

    `scope` holds the graphs the write may change ('' for the default graph), as the caller knows them (the
    graph of a Graph Store request, `written_graphs` of an update), or None for every graph. Comparing only
    those graphs keeps the cost of a small write small in a large store. If the copy's size or named graphs
    show a change outside a scope found by scanning the update, the trial compares every graph instead: a
    change is never lost. `certain` skips the size check (counting costs ~0.4 s per million quads) when the
    caller's own code makes the change, confined to the scope by construction (a Graph Store request).
    """

    def __init__(self, store: Store, scope: frozenset[str] | None = None, certain: bool = False) -> None:
        self.store = store
        own = getattr(store, "ox", None)
        # Blank nodes are looked up in the store itself, which a remote store does not allow: compare everything.
        self._before_store: ox.Store | None = own if isinstance(own, ox.Store) else None
        scope = scope if self._before_store is not None else None
        self.copy = store.trial_copy()
        assert self.copy.store is not None
        self.scratch: ox.Store = self.copy.store
        self.scope = scope
        self.before = self._quads(self.scratch)
        self.before_graphs = _graph_iris(self.scratch)
        self.certain = certain
        self.before_size = len(self.scratch) if scope is not None and not certain else len(self.before)

    def _quads(self, store: ox.Store) -> set[ox.Quad]:
        if self.scope is None:
            return set(store)
        return {q for key in self.scope for q in store.quads_for_pattern(None, None, None, _graph_name(key))}

    def delta(self) -> Delta:
        """The difference the write made to the copy."""
        after = self._quads(self.scratch)
        after_graphs = _graph_iris(self.scratch)
        delta = Delta(
            added=after - self.before,
            removed=self.before - after,
            created_graphs=after_graphs - self.before_graphs,
            dropped_graphs=self.before_graphs - after_graphs,
        )
        if self.scope is not None and not self._within_scope(delta):
            self.scope = None
            with self.store.quads() as quads:  # the store itself still holds the state before the write
                self.before = set(quads)
            return self.delta()
        return delta

    def _within_scope(self, delta: Delta) -> bool:
        if self.certain:
            return True
        graphs_in_scope = (delta.created_graphs | delta.dropped_graphs) <= set(self.scope or ())
        expected_size = self.before_size + len(delta.added) - len(delta.removed)
        return graphs_in_scope and len(self.scratch) == expected_size

    def graphs_holding(self, blank: ox.BlankNode) -> set[str]:
        """The graphs where `blank` occurs, before or after the write."""
        found = set()
        for store in (self.state_before(), self.scratch):
            for quad in store.quads_for_pattern(blank, None, None, None):
                found.add(_graph_key(quad.graph_name))
            for quad in store.quads_for_pattern(None, None, blank, None):
                found.add(_graph_key(quad.graph_name))
        return found

    def existed(self, blank: ox.BlankNode) -> bool:
        """True when `blank` occurred in the store before the write."""
        before = self.state_before()
        return any(True for _ in before.quads_for_pattern(blank, None, None, None)) or any(
            True for _ in before.quads_for_pattern(None, None, blank, None)
        )

    def state_before(self) -> ox.Store:
        """The store before the write, to look blank nodes up in: the embedded store itself (unchanged while
        the write lock is held: the write goes to the copy), or for a remote store one built from `before`."""
        if self._before_store is None:
            self._before_store = ox.Store()
            self._before_store.extend(self.before)
        return self._before_store

    def discard(self) -> None:
        """Delete the copy."""
        del self.scratch
        self.copy.discard()


def _graph_iris(store: ox.Store) -> set[str]:
    graphs = set()
    for graph in store.named_graphs():
        if not isinstance(graph, ox.NamedNode):
            raise InputError("graphs named by blank nodes are not supported")
        graphs.add(graph.value)
    return graphs


# ------------------------------------------------------------------------------------------ validation


def check(
    after: ox.Store, delta: Delta, shapes: Graph, ontology: Graph | None, hops: int = 3
) -> ValidationReport:
    """Validate the nodes a delta touches, in the state after the write, against the data shapes.

    The focus nodes are the subjects and objects of the changed quads, and the nodes that point to a changed
    subject (an `sh:class` on them may depend on its types). Their neighbourhood (outgoing triples, following
    the project's own IRIs and blank nodes `hops` deep, plus the types of every node referenced) is what the
    shapes see; only violations on focus nodes count, since a node at the edge lacks part of its context.
    """
    focus = focus_nodes(after, delta)
    if not focus:
        return ValidationReport(True, "Conforms: nothing to check.", "")
    data = neighbourhood(after, focus, hops)
    # Same options as kg.validate.validate, plus the focus nodes; the results are needed as a graph (its
    # blank node focus nodes must match ours, which a Turtle round trip would rename).
    options = {
        "inference": "none",
        "advanced": True,
        "allow_warnings": True,
        "focus_nodes": _focus_option(focus),
    }
    validator = _FocusedValidator(
        DataGraph.from_rdflib(data), shacl_graph=shapes, ont_graph=ontology, options=options
    )
    _, results, _ = validator.run()
    wanted = {_to_rdflib(node) for node in focus}
    return filtered_report(results, wanted)


class _FocusedValidator(pyshacl.Validator):
    """pyshacl's validator, with its focus nodes in a set.

    pyshacl keeps the `focus_nodes` option as a list and tests every target node against it: for a write of
    3,000 triples into a 1M-quad store, 85 million comparisons (73 s, measured). A set makes each test O(1).
    """

    def make_executor(self) -> Any:
        executor = super().make_executor()
        if executor.focus_nodes is not None:
            executor.focus_nodes = frozenset(executor.focus_nodes)
        return executor


def _focus_option(focus: set[ox.NamedNode | ox.BlankNode]) -> list[str] | None:
    """The focus nodes for pyshacl to validate, or None (validate all, filter after) when one is blank.

    Without it pyshacl validates every node of the neighbourhood that a shape targets, and the nodes at its
    edge, whose context is cut off, produce violations that are thrown away: at 1M quads, 17,000 of them for
    a write of 2,000 triples. pyshacl takes IRIs only (it would skip a blank focus node).
    """
    if any(isinstance(node, ox.BlankNode) for node in focus):
        return None
    return sorted(node.value for node in focus)


def focus_nodes(after: ox.Store, delta: Delta) -> set[ox.NamedNode | ox.BlankNode]:
    """Subjects and objects of the changed data quads, and the data nodes pointing to a changed subject."""
    changed = [q for q in delta.added | delta.removed if _graph_key(q.graph_name) not in NOT_DATA]
    subjects = {q.subject for q in changed if isinstance(q.subject, ox.NamedNode | ox.BlankNode)}
    focus = set(subjects) | {q.object for q in changed if isinstance(q.object, ox.NamedNode | ox.BlankNode)}
    for node in subjects:
        for quad in after.quads_for_pattern(None, None, node, None):
            if _graph_key(quad.graph_name) not in NOT_DATA and isinstance(
                quad.subject, ox.NamedNode | ox.BlankNode
            ):
                focus.add(quad.subject)
    return focus


def neighbourhood(after: ox.Store, focus: Iterable[ox.NamedNode | ox.BlankNode], hops: int) -> Graph:
    """The data triples around `focus`: outgoing triples `hops` deep through project IRIs and blank nodes."""
    collected: set[ox.Triple] = set()
    described: set[ox.NamedNode | ox.BlankNode] = set()
    frontier = set(focus)
    for _ in range(hops + 1):
        following: set[ox.NamedNode | ox.BlankNode] = set()
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
        collected.update(_data_triples(after, node, RDF_TYPE))
    graph = Graph()
    for triple in collected:
        graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate), _to_rdflib(triple.object)))
    return graph


def _data_triples(
    store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode | None = None
) -> Iterable[ox.Triple]:
    for quad in store.quads_for_pattern(subject, predicate, None, None):
        if _graph_key(quad.graph_name) not in NOT_DATA:
            yield quad.triple


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


def _to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise InputError(
        f"cannot validate the term {term} (RDF 1.2 triple terms are not supported by SHACL here)"
    )


# ------------------------------------------------------------------------------------------ applying


def delta_update(delta: Delta, trial: Trial) -> str:
    """One SPARQL update that turns the store into the trial's copy (see the module docstring)."""
    after = trial.scratch
    rewrite = _graphs_to_rewrite(delta, trial)
    emptied = {
        _graph_key(q.graph_name)
        for q in delta.removed
        if not any(True for _ in after.quads_for_pattern(None, None, None, q.graph_name))
    } - delta.dropped_graphs
    operations = [f"DROP SILENT GRAPH <{iri}>" for iri in sorted(delta.dropped_graphs)]
    operations += [f"CLEAR SILENT {_graph_ref(key)}" for key in sorted(rewrite | emptied)]
    handled = rewrite | emptied | delta.dropped_graphs
    removals = [q for q in delta.removed if _graph_key(q.graph_name) not in handled]
    if removals:
        operations.append(f"DELETE DATA {{\n{_quads_text(removals)}\n}}")
    operations += [f"CREATE SILENT GRAPH <{iri}>" for iri in sorted(delta.created_graphs | (emptied - {""}))]
    additions = [q for q in delta.added if _graph_key(q.graph_name) not in rewrite]
    for key in sorted(rewrite):
        additions += after.quads_for_pattern(None, None, None, _graph_name(key))
    if additions:
        operations.append(f"INSERT DATA {{\n{_quads_text(additions)}\n}}")
    return " ;\n".join(operations)


def _graphs_to_rewrite(delta: Delta, trial: Trial) -> set[str]:
    """Graphs that must be cleared and inserted again because of blank nodes (module docstring)."""
    rewrite = {_graph_key(q.graph_name) for q in delta.removed if _blank_nodes(q)}
    rewrite |= {
        _graph_key(q.graph_name) for q in delta.added if any(trial.existed(b) for b in _blank_nodes(q))
    }
    pending = list(rewrite)
    seen: set[ox.BlankNode] = set()
    while pending:
        graph_name = _graph_name(pending.pop())
        blanks = {
            blank
            for store in (trial.scratch, trial.state_before())
            for quad in store.quads_for_pattern(None, None, None, graph_name)
            for blank in _blank_nodes(quad)
        } - seen
        seen |= blanks
        for blank in blanks:
            for key in trial.graphs_holding(blank) - rewrite:
                rewrite.add(key)
                pending.append(key)
    return rewrite - delta.dropped_graphs


def _blank_nodes(quad: ox.Quad) -> set[ox.BlankNode]:
    return {t for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)}


def _graph_key(graph_name: object) -> str:
    """A named graph's IRI, or '' for the default graph."""
    return graph_name.value if isinstance(graph_name, ox.NamedNode) else ""


def _graph_name(key: str) -> GraphName:
    return ox.NamedNode(key) if key else ox.DefaultGraph()


def _graph_ref(key: str) -> str:
    return f"GRAPH <{key}>" if key else "DEFAULT"


def _quads_text(quads: Iterable[ox.Quad]) -> str:
    """Quads in the syntax of `INSERT DATA` / `DELETE DATA` blocks, grouped by graph.

    >>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("x"), ox.NamedNode("http://g"))
    >>> print(_quads_text([q]))
    GRAPH <http://g> {
    <http://e/s> <http://e/p> "x" .
    }
    """
    grouped: dict[str, list[str]] = defaultdict(list)
    for quad in quads:
        grouped[_graph_key(quad.graph_name)].append(f"{quad.subject} {quad.predicate} {quad.object} .")
    blocks = []
    for key in sorted(grouped):
        body = "\n".join(sorted(grouped[key]))
        blocks.append(f"GRAPH <{key}> {{\n{body}\n}}" if key else body)
    return "\n".join(blocks)
