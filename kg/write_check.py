"""A change to the store (`Delta`), tried on a copy before it commits (`Trial`), applied in one update.

`kg ingest` builds its `Delta` from the graphs it compiled and reasoned. A SPARQL update or a Graph Store
write is first applied to a private copy of the store (`Trial`): a RocksDB checkpoint for the on-disk store
(hard links, milliseconds at any size), an in-memory copy otherwise; the difference between the copy before
and after, in the graphs the write may change, is its `Delta`. Either way `kg.shacl_delta` validates the
delta, and only a delta that conforms is applied to the real store, as one SPARQL update built by
`delta_update`: the store ends exactly as the copy did, or does not change at all.

Blank nodes: `DELETE DATA` cannot name a blank node, and `INSERT DATA` mints new ones. A graph whose change
removes a blank node triple, or adds one to a blank node that already existed, is therefore rewritten whole
(cleared, then inserted again from the copy), together with every graph that shares a blank node with it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import InputError
from kg.rdfio import quads_of
from kg.sparql_text import iri_ref, term
from kg.store import Store

GraphName = ox.NamedNode | ox.DefaultGraph


@dataclass
class Delta:
    """A change to the store: quads added and removed, named graphs created and dropped."""

    added: set[ox.Quad] = field(default_factory=set)
    removed: set[ox.Quad] = field(default_factory=set)
    created_graphs: set[str] = field(default_factory=set)
    dropped_graphs: set[str] = field(default_factory=set)

    @classmethod
    def adding(cls, graphs: dict[str, Graph]) -> "Delta":
        """The change that adds rdflib graphs to named graphs (new graphs are created by their triples)."""
        return cls(added={quad for iri, graph in graphs.items() for quad in quads_of(graph, iri)})

    @property
    def empty(self) -> bool:
        """True when the change changes nothing."""
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

    The state before the write is `before` (the quads of the scope) and, outside the scope, the copy itself,
    which the write left unchanged there. A store that renames blank nodes from one read to the next (a remote
    one) is compared whole, from one read.
    """

    def __init__(self, store: Store, scope: frozenset[str] | None = None, certain: bool = False) -> None:
        self.store = store
        self.copy = store.trial_copy()
        assert self.copy.store is not None
        self.scratch: ox.Store = self.copy.store
        self.scope = scope if store.stable_blank_nodes else None
        self.before = self._quads(self.scratch)
        self.before_graphs = _graph_iris(self.scratch)
        self.certain = certain
        self.before_size = len(self.scratch) if self.scope is not None and not certain else len(self.before)
        self._index: tuple[dict[ox.BlankNode, set[str]], dict[str, list[ox.Quad]]] | None = None

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
            self._index = None
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

    def _in_scope(self, key: str) -> bool:
        return self.scope is None or key in self.scope

    def _before_index(self) -> tuple[dict[ox.BlankNode, set[str]], dict[str, list[ox.Quad]]]:
        """`before` by blank node (the graphs where each occurs) and by graph."""
        if self._index is None:
            by_blank: dict[ox.BlankNode, set[str]] = defaultdict(set)
            by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
            for quad in self.before:
                by_graph[_graph_key(quad.graph_name)].append(quad)
                for blank in _blank_nodes(quad):
                    by_blank[blank].add(_graph_key(quad.graph_name))
            self._index = (by_blank, by_graph)
        return self._index

    def _graphs_in_copy(self, blank: ox.BlankNode) -> set[str]:
        quads = [
            *self.scratch.quads_for_pattern(blank, None, None),
            *self.scratch.quads_for_pattern(None, None, blank),
        ]
        return {_graph_key(quad.graph_name) for quad in quads}

    def graphs_holding(self, blank: ox.BlankNode) -> set[str]:
        """The graphs where `blank` occurs, before or after the write."""
        return self._before_index()[0].get(blank, set()) | self._graphs_in_copy(blank)

    def existed(self, blank: ox.BlankNode) -> bool:
        """True when `blank` occurred in the store before the write."""
        in_scope_before = blank in self._before_index()[0]
        return in_scope_before or any(not self._in_scope(key) for key in self._graphs_in_copy(blank))

    def quads_before(self, key: str) -> Iterable[ox.Quad]:
        """The quads of one graph before the write."""
        if self._in_scope(key):
            return self._before_index()[1].get(key, [])
        return self.scratch.quads_for_pattern(None, None, None, _graph_name(key))

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


# ------------------------------------------------------------------------------------------ applying


def delta_update(delta: Delta, trial: Trial | None = None) -> str:
    """One SPARQL update that applies `delta`.

    With the `trial` the delta was found by, the store ends exactly as the trial's copy: blank nodes are
    handled as the module docstring says, and a graph the delta empties stays as an empty graph. Without one
    (`kg ingest`), the removals and additions are applied as they are; the delta may remove no blank node.
    """
    rewrite = _graphs_to_rewrite(delta, trial) if trial is not None else set()
    emptied = _emptied_graphs(delta, trial.scratch) if trial is not None else set()
    if trial is None and any(_blank_nodes(quad) for quad in delta.removed):
        raise ValueError("DELETE DATA cannot name a blank node: apply this delta with its trial")
    operations = [f"DROP SILENT GRAPH {iri_ref(iri)}" for iri in sorted(delta.dropped_graphs)]
    operations += [f"CLEAR SILENT {_graph_ref(key)}" for key in sorted(rewrite | emptied)]
    handled = rewrite | emptied | delta.dropped_graphs
    removals = [q for q in delta.removed if _graph_key(q.graph_name) not in handled]
    if removals:
        operations.append(f"DELETE DATA {{\n{_quads_text(removals)}\n}}")
    operations += [
        f"CREATE SILENT GRAPH {iri_ref(iri)}" for iri in sorted(delta.created_graphs | (emptied - {""}))
    ]
    additions = [q for q in delta.added if _graph_key(q.graph_name) not in rewrite]
    for key in sorted(rewrite):
        assert trial is not None
        additions += trial.scratch.quads_for_pattern(None, None, None, _graph_name(key))
    if additions:
        operations.append(f"INSERT DATA {{\n{_quads_text(additions)}\n}}")
    return " ;\n".join(operations)


def _emptied_graphs(delta: Delta, after: ox.Store) -> set[str]:
    """Graphs the delta removes quads from and leaves empty (re-created, as the copy keeps them)."""
    return {
        _graph_key(q.graph_name)
        for q in delta.removed
        if not any(True for _ in after.quads_for_pattern(None, None, None, q.graph_name))
    } - delta.dropped_graphs


def _graphs_to_rewrite(delta: Delta, trial: Trial) -> set[str]:
    """Graphs that must be cleared and inserted again because of blank nodes (module docstring)."""
    rewrite = {_graph_key(q.graph_name) for q in delta.removed if _blank_nodes(q)}
    rewrite |= {
        _graph_key(q.graph_name) for q in delta.added if any(trial.existed(b) for b in _blank_nodes(q))
    }
    pending = list(rewrite)
    seen: set[ox.BlankNode] = set()
    while pending:
        key = pending.pop()
        graph_name = _graph_name(key)
        quads = [*trial.scratch.quads_for_pattern(None, None, None, graph_name), *trial.quads_before(key)]
        blanks = {blank for quad in quads for blank in _blank_nodes(quad)} - seen
        seen |= blanks
        for blank in blanks:
            for other in trial.graphs_holding(blank) - rewrite:
                rewrite.add(other)
                pending.append(other)
    return rewrite - delta.dropped_graphs


def _blank_nodes(quad: ox.Quad) -> set[ox.BlankNode]:
    return {t for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)}


def _graph_key(graph_name: object) -> str:
    """A named graph's IRI, or '' for the default graph."""
    return graph_name.value if isinstance(graph_name, ox.NamedNode) else ""


def _graph_name(key: str) -> GraphName:
    return ox.NamedNode(key) if key else ox.DefaultGraph()


def _graph_ref(key: str) -> str:
    return f"GRAPH {iri_ref(key)}" if key else "DEFAULT"


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
        grouped[_graph_key(quad.graph_name)].append(
            f"{term(quad.subject)} {term(quad.predicate)} {term(quad.object)} ."
        )
    blocks = []
    for key in sorted(grouped):
        body = "\n".join(sorted(grouped[key]))
        blocks.append(f"GRAPH {iri_ref(key)} {{\n{body}\n}}" if key else body)
    return "\n".join(blocks)
