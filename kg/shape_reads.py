"""What the SHACL shapes read around a focus node, worked out once from the shapes graph.

Validating a node reads a bounded part of the graph: its types, the values of the paths its shapes name, and,
for constraints on those values (`sh:class`, `sh:node`, `sh:or`, a SPARQL constraint...), what the nested
shapes read around each value. `ReadPlan` holds that as a graph of `Step`s: the root is the focus node, and
each edge is a predicate read forward (subject to object) or inverse, leading to the step of the nodes it
reaches. The plan is the union over every shape that has targets, so it holds for any focus node.

`kg.shacl_delta` walks it forward from the focus nodes to fetch only what the shapes read (the context), and
backward from the triples a change touches to find the nodes whose validation may change (the focus).

Anything whose reads cannot be bounded (SHACL rules, custom constraint components or targets, SPARQL
patterns not connected to `$this`) raises `UnboundedShapes`: guessing would silently miss violations.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, Path, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.errors import InputError
from kg.rdfio import to_oxigraph_term

# A predicate read at a step, forward or inverse; None as predicate reads every predicate (sh:closed, ?p).
# Predicates are pyoxigraph terms, as the delta check that walks the plan reads them from the store.
Edge = tuple[bool, ox.NamedNode | None]
FORWARD, INVERSE = True, False
SHACL = str(SH._NS)

# Shape predicates that read nothing beyond the values of the shape's path (already fetched by the path).
VALUE_ONLY = {
    SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minLength, SH.maxLength, SH.pattern, SH.flags,
    SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH.minInclusive, SH.maxInclusive, SH.minExclusive,
    SH.maxExclusive, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.ignoredProperties,
}  # fmt: skip
# Descriptions and bookkeeping: no reads at all.
NOT_CONSTRAINTS = {
    SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.deactivated,
    SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target,
    SH.declare, SH.prefixes,
}  # fmt: skip
COMPARISONS = {SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals}
NESTED_ONE = {SH.property, SH.node, SH["not"], SH.qualifiedValueShape}
NESTED_LIST = {SH["and"], SH["or"], SH.xone}


class UnboundedShapes(InputError):
    """The shapes use something whose reads the plan cannot bound (reported like unreadable input)."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"the incremental SHACL check cannot tell what the shapes read (kg/shape_reads.py): {message}"
        )


@dataclass(eq=False)
class Step:
    """A position around a focus node: the predicates read there and the step each one leads to."""

    edges: dict[Edge, "Step"] = field(default_factory=dict)

    def follow(self, forward: bool, predicate: URIRef | None) -> "Step":
        """The step reached from here by `predicate` (created on first use)."""
        key = (forward, None if predicate is None else _ox(predicate))
        return self.edges.setdefault(key, Step())

    def loop(self, forward: bool, predicate: URIRef) -> "Step":
        """A step reached by one or more `predicate` edges from here (`p+`), for `p*` and `p+` paths."""
        repeated = self.follow(forward, predicate)
        repeated.edges[(forward, _ox(predicate))] = repeated
        return repeated


class ReadPlan:
    """What every shape of a shapes graph reads around its focus nodes (see the module docstring)."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.root = Step()
        _refuse_unbounded_features(shapes)
        for shape in _target_shapes(shapes):
            self._add_targets(shape)
            self._add_shape(shape, {self.root}, set())
        self.steps = list(_reachable(self.root))
        self.parents: dict[Step, list[tuple[Step, Edge]]] = {step: [] for step in self.steps}
        self.readers: dict[Edge, list[Step]] = {}
        for step in self.steps:
            for edge, child in step.edges.items():
                self.parents[child].append((step, edge))
                self.readers.setdefault(edge, []).append(step)

    def steps_reading(self, forward: bool, predicate: ox.NamedNode) -> list[Step]:
        """The steps where a triple with `predicate` is read (from its subject if forward, else object)."""
        return self.readers.get((forward, predicate), []) + self.readers.get((forward, None), [])

    def predicates(self) -> set[ox.NamedNode]:
        """Every predicate some shape reads (the edges named by a predicate)."""
        return {predicate for _, predicate in self.readers if predicate is not None}

    # -------------------------------------------------------------------------- building

    def _add_targets(self, shape: Node) -> None:
        graph = self.shapes
        if graph.value(shape, SH.targetClass) is not None or _is_class(graph, shape):
            _type_step(self.root)
        for predicate in graph.objects(shape, SH.targetSubjectsOf):
            self.root.follow(FORWARD, _iri(predicate))
        for predicate in graph.objects(shape, SH.targetObjectsOf):
            self.root.follow(INVERSE, _iri(predicate))
        for target in graph.objects(shape, SH.target):
            select = graph.value(target, SH.select)
            if select is None:
                raise UnboundedShapes(
                    f"custom target {target} of shape {shape}: only SPARQL targets are planned"
                )
            _add_sparql(str(select), _prefixes(graph, target), {self.root})

    def _add_shape(self, shape: Node, at: set[Step], seen: set[Node]) -> None:
        """The reads of `shape` validating the nodes at the steps `at`."""
        graph = self.shapes
        if (shape, SH.deactivated, Literal(True)) in graph or shape in seen:
            return
        seen = seen | {shape}
        path = graph.value(shape, SH.path)
        values = set().union(*(_path_ends(graph, path, step) for step in at)) if path is not None else at
        for predicate, value in graph.predicate_objects(shape):
            if predicate in NOT_CONSTRAINTS or predicate in VALUE_ONLY or not predicate.startswith(SHACL):
                continue
            if predicate == SH["class"]:
                for step in values:
                    _type_step(step)
            elif predicate in NESTED_ONE:
                self._add_shape(value, values, seen)
            elif predicate == SH.qualifiedValueShapesDisjoint:
                for sibling in _sibling_qualified_shapes(graph, shape) if value == Literal(True) else ():
                    self._add_shape(sibling, values, seen)
            elif predicate in NESTED_LIST:
                for member in Collection(graph, value):
                    self._add_shape(member, values, seen)
            elif predicate in COMPARISONS:
                for step in at:
                    step.follow(FORWARD, _iri(value))
            elif predicate == SH.closed:
                for step in values:
                    step.follow(FORWARD, None)
            elif predicate == SH.sparql:
                if path is not None:
                    raise UnboundedShapes(f"SPARQL constraint on the property shape {shape} ($PATH)")
                _add_sparql(_select_of(graph, value), _prefixes(graph, value), at)
            else:
                raise UnboundedShapes(f"shape {shape} uses {predicate}, whose reads the plan does not know")


def _sibling_qualified_shapes(graph: Graph, shape: Node) -> set[Node]:
    """The qualified value shapes of the other property shapes of `shape`'s parents (they check its
    values too)."""
    parents = set(graph.subjects(SH.property, shape))
    siblings = {s for parent in parents for s in graph.objects(parent, SH.property)} - {shape}
    return {q for sibling in siblings for q in graph.objects(sibling, SH.qualifiedValueShape)}


def _ox(predicate: URIRef) -> ox.NamedNode:
    return to_oxigraph_term(predicate)  # type: ignore[return-value]


def _refuse_unbounded_features(shapes: Graph) -> None:
    for feature in (
        SH.rule,
        SH.ConstraintComponent,
        SH.SPARQLTargetType,
        SH.TargetType,
        SH.expression,
        SH.js,
    ):
        if (None, feature, None) in shapes or (None, RDF.type, feature) in shapes:
            raise UnboundedShapes(f"the shapes use {feature}, whose reads the plan cannot bound")


def _target_shapes(shapes: Graph) -> list[Node]:
    """Shapes that select focus nodes themselves (the others are only reached through a parent)."""
    targeted: set[Node] = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        targeted.update(shapes.subjects(predicate, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        targeted.update(s for s in shapes.subjects(RDF.type, kind) if _is_class(shapes, s))
    return sorted(targeted, key=str)


def _is_class(graph: Graph, node: Node) -> bool:
    """A shape that is also a class targets its instances (implicit class target)."""
    return bool({RDFS.Class, OWL.Class} & set(graph.objects(node, RDF.type)))


def _type_step(step: Step) -> None:
    """`rdf:type/rdfs:subClassOf*`: what `sh:class` and class targets read."""
    _mul_ends(step.follow(FORWARD, RDF.type), FORWARD, RDFS.subClassOf, "*")


def _mul_ends(step: Step, forward: bool, predicate: URIRef, mod: str) -> set[Step]:
    if mod == "?":
        return {step, step.follow(forward, predicate)}
    repeated = step.loop(forward, predicate)
    return {step, repeated} if mod == "*" else {repeated}


def _iri(node: Node) -> URIRef:
    if not isinstance(node, URIRef):
        raise UnboundedShapes(f"expected a predicate IRI, found {node!r}")
    return node


def _reachable(root: Step) -> Iterator[Step]:
    seen: set[Step] = set()
    pending = [root]
    while pending:
        step = pending.pop()
        if step in seen:
            continue
        seen.add(step)
        yield step
        pending.extend(step.edges.values())


# ------------------------------------------------------------------------------------------ SHACL paths


def _path_ends(graph: Graph, path: Node, start: Step, forward: bool = FORWARD) -> set[Step]:
    """The steps a SHACL property path leads to from `start` (`forward` False: the path walked backwards)."""
    if isinstance(path, URIRef):
        return {start.follow(forward, path)}
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return _path_ends(graph, inverse, start, not forward)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return set().union(*(_path_ends(graph, p, start, forward) for p in Collection(graph, alternatives)))
    for predicate, mod in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        repeated = graph.value(path, predicate)
        if repeated is not None:
            return _mul_ends(start, forward, _iri(repeated), mod)
    if (path, RDF.first, None) in graph:
        members = list(Collection(graph, path))
        steps = {start}
        for member in members if forward else reversed(members):
            steps = set().union(*(_path_ends(graph, member, step, forward) for step in steps))
        return steps
    raise UnboundedShapes(f"unsupported property path {path}")


# ------------------------------------------------------------------------------------------ SPARQL


def _prefixes(graph: Graph, node: Node) -> dict[str, str]:
    """The `sh:declare` prefixes of the `sh:prefixes` of a SPARQL target or constraint."""
    found = {}
    for owner in graph.objects(node, SH.prefixes):
        for declaration in graph.objects(owner, SH.declare):
            found[str(graph.value(declaration, SH.prefix))] = str(graph.value(declaration, SH.namespace))
    return found


def _select_of(graph: Graph, constraint: Node) -> str:
    query = graph.value(constraint, SH.select) or graph.value(constraint, SH.ask)
    if query is None:
        raise UnboundedShapes(f"SPARQL constraint {constraint} has no sh:select or sh:ask")
    return str(query)


def _add_sparql(query: str, prefixes: dict[str, str], at: set[Step]) -> None:
    """The reads of a SPARQL target or constraint from `$this` (the step `at`).

    Triple patterns are covered from a side already reached from `$this`, forward first: in
    `$this p ?x . ?y p ?x`, `p` of `$this`, then the inverse `p` of `?x` only if `?y` is reached no other way.
    """
    patterns = list(_triple_patterns(prepareQuery(query, initNs=prefixes).algebra))
    reached: dict[Node, set[Step]] = {Variable("this"): set(at)}
    while patterns:
        forward = [p for p in patterns if p[0] in reached]
        backward = [p for p in patterns if _is_variable(p[2]) and p[2] in reached]
        if not forward and not backward:
            raise UnboundedShapes(f"SPARQL patterns not connected to $this: {patterns} in {query}")
        subject, path, obj = (forward or backward)[0]
        patterns.remove((subject, path, obj))
        start, end, direction = (subject, obj, FORWARD) if forward else (obj, subject, INVERSE)
        ends = set().union(*(_sparql_path_ends(path, step, direction) for step in reached[start]))
        if _is_variable(end):
            reached.setdefault(end, set()).update(ends)


def _is_variable(term: object) -> bool:
    return isinstance(term, Variable | BNode)


def _triple_patterns(algebra: object) -> Iterable[tuple[Node, object, Node]]:
    """Every triple pattern of a query's algebra, inside FILTER EXISTS, OPTIONAL and UNION too."""
    if isinstance(algebra, CompValue):
        for key, value in algebra.items():
            if key == "triples":
                yield from (tuple(t) for t in _grouped(value))
            else:
                yield from _triple_patterns(value)
    elif isinstance(algebra, list | tuple):
        for item in algebra:
            yield from _triple_patterns(item)


def _grouped(triples: list) -> list:
    if triples and not isinstance(triples[0], list | tuple):
        return [triples[i : i + 3] for i in range(0, len(triples), 3)]
    return triples


def _sparql_path_ends(path: object, start: Step, forward: bool) -> set[Step]:
    """Like `_path_ends`, for a SPARQL predicate: an IRI, a variable (any predicate) or a property path."""
    if isinstance(path, URIRef):
        return {start.follow(forward, path)}
    if _is_variable(path):
        return {start.follow(forward, None)}
    if isinstance(path, InvPath):
        return _sparql_path_ends(path.arg, start, not forward)
    if isinstance(path, SequencePath):
        steps = {start}
        for member in path.args if forward else reversed(path.args):
            steps = set().union(*(_sparql_path_ends(member, step, forward) for step in steps))
        return steps
    if isinstance(path, AlternativePath):
        return set().union(*(_sparql_path_ends(member, start, forward) for member in path.args))
    if isinstance(path, MulPath) and isinstance(path.path, URIRef):
        return _mul_ends(start, forward, path.path, str(path.mod))
    raise UnboundedShapes(f"unsupported SPARQL property path {path}" if isinstance(path, Path) else str(path))
