"""Consistency under OWL 2 DL: the ontology and the data checked by HermiT, through owlready2 (needs Java).

SHACL checks what each node must carry; HermiT checks that the ontology's axioms (disjoint classes, domains,
ranges, sub-classes and sub-properties) leave at least one model of the whole graph, and that every class can
have members. owlready2 says only *that* the graph is inconsistent, and *which* classes are unsatisfiable;
what it cannot say, this module tells where it can: the individuals whose types (asserted, or implied by the
domain or range of a property they use) fall under two disjoint classes, and the disjoint superclasses of each
unsatisfiable class.

HermiT runs with `ignore_unsupported_datatypes`: `xsd:date` and `xsd:gYear` (ranges of kg:statedOn,
kg:fromDate, kg:untilDate and OWL-Time's inXSDDate / inXSDgYear) are outside the OWL 2 datatype map, and HermiT
refuses them otherwise (tests/test_ontology.py keeps that exception from growing).

Cost on the seed graph (2 cores, shared): 7–9 s for the ontology alone (1.2k triples), 10–15 s with every
named graph of a build (5.9k triples), about as long as the build itself; hence `kg build --reason`, an option.
"""

import io
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import owlready2
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import Inconsistent, ReasonerUnavailable
from kg.settings import get_settings
from kg.vocab import CONSISTENCY_CHECK, PREFIXES

CHECK_ONTOLOGY_IRI = str(CONSISTENCY_CHECK)
NOT_CLASSES = {OWL.NamedIndividual, OWL.Thing}


@dataclass
class ConsistencyReport:
    """What HermiT found: a model or none, the classes that can have no member, and why, where known."""

    consistent: bool
    triples: int
    seconds: float
    clashes: list[str] = field(default_factory=list)
    unsatisfiable: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable

    def text(self) -> str:
        """The finding, phrased for a person."""
        if not self.consistent:
            lines = [
                "the ontology and the data are inconsistent: HermiT finds no model of them "
                "(owlready2: OwlReadyInconsistentOntologyError)"
            ]
            lines += [f"  {clash}" for clash in self.clashes] or [
                "  no individual has two disjoint types; look at functional properties and restrictions"
            ]
            return "\n".join(lines)
        if self.unsatisfiable:
            count = len(self.unsatisfiable)
            plural = count > 1
            lines = [
                f"{count} unsatisfiable class{'es' if plural else ''} "
                f"(no individual can belong to {'them' if plural else 'it'}):"
            ]
            for name, reasons in self.unsatisfiable.items():
                lines.append(f"  {name}: {'; '.join(reasons) or 'no disjoint superclasses (a restriction?)'}")
            return "\n".join(lines)
        return f"consistent: HermiT finds a model of {self.triples:,} triples, every class satisfiable"


def find_java(java: Path | None = None) -> str:
    """The Java that runs HermiT: `java`, else the `KG_JAVA` setting (Debian's /usr/bin/java by default).

    Never looked up on PATH, so that the same Java runs whatever environment the command inherits (CI runs
    with a minimal one). `ReasonerUnavailable` when it is missing or cannot be run.
    """
    program = java or get_settings().java
    if not (program.is_file() and os.access(program, os.X_OK)):
        raise ReasonerUnavailable(
            f"the consistency check runs HermiT, which needs Java: there is none at {program}; install a Java "
            "runtime (on Debian: apt-get install default-jre-headless, which `make setup` does as root) or set "
            "KG_JAVA to the path of a java program"
        )
    return str(program)


def check_consistency(graphs: Iterable[Graph], java: str | None = None) -> ConsistencyReport:
    """Run HermiT over the union of `graphs` (the ontology and any data) and explain what it finds."""
    merged = Graph()
    for graph in graphs:
        merged += graph
    owlready2.JAVA_EXE = java or find_java()
    began = time.monotonic()
    world = owlready2.World()
    try:
        ontology = world.get_ontology(CHECK_ONTOLOGY_IRI)
        ontology.load(fileobj=io.BytesIO(merged.serialize(format="nt", encoding="utf-8")), format="ntriples")
        try:
            owlready2.sync_reasoner(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            seconds = time.monotonic() - began
            return ConsistencyReport(False, len(merged), seconds, clashes=list(disjoint_types(merged)))
        except owlready2.OwlReadyJavaError as error:
            raise ReasonerUnavailable(f"HermiT could not run: {error}") from error
        unsatisfiable = sorted(
            str(cls.iri) for cls in world.inconsistent_classes() if cls is not owlready2.Nothing
        )
    finally:
        world.close()
    reasons = {name(URIRef(iri)): list(disjoint_superclasses(merged, URIRef(iri))) for iri in unsatisfiable}
    return ConsistencyReport(True, len(merged), time.monotonic() - began, unsatisfiable=reasons)


def require_consistency(graphs: Iterable[Graph], java: str | None = None) -> ConsistencyReport:
    """`check_consistency`, raising `Inconsistent` (exit 1) with the report's text unless all is well."""
    report = check_consistency(graphs, java)
    if not report.ok:
        raise Inconsistent(report.text())
    return report


# ------------------------------------------------------------------ explanations (what owlready2 does not say)


def name(iri: URIRef) -> str:
    """An IRI as prefix:name where a project prefix fits, else in angle brackets.

    >>> name(URIRef("https://w3id.org/syria-kg/ontology#Person")), name(URIRef("https://example.org/x"))
    ('kg:Person', '<https://example.org/x>')
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return f"<{iri}>"


def disjoint_pairs(graph: Graph) -> set[frozenset[URIRef]]:
    """Pairs of named classes declared disjoint (owl:disjointWith, owl:AllDisjointClasses)."""
    pairs = {frozenset((a, b)) for a, b in graph.subject_objects(OWL.disjointWith)}
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = graph.value(group, OWL.members)
        if members is not None:
            pairs |= {frozenset(pair) for pair in combinations(Collection(graph, members), 2)}
    return {pair for pair in pairs if len(pair) == 2 and all(isinstance(c, URIRef) for c in pair)}


def superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    """`cls` and its named superclasses, through rdfs:subClassOf and owl:equivalentClass."""
    found: set[URIRef] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        linked = [*graph.objects(current, RDFS.subClassOf), *graph.objects(current, OWL.equivalentClass)]
        linked += graph.subjects(OWL.equivalentClass, current)
        todo += [other for other in linked if isinstance(other, URIRef)]
    return found


def disjoint_superclasses(graph: Graph, cls: URIRef) -> Iterator[str]:
    """Why `cls` can have no member, where two of its superclasses are declared disjoint."""
    supers = superclasses(graph, cls)
    for pair in sorted(disjoint_pairs(graph), key=sorted):
        if pair <= supers:
            first, second = sorted(pair)
            yield f"its superclasses {name(first)} and {name(second)} are disjoint"


def _types(graph: Graph) -> dict[URIRef, dict[URIRef, str]]:
    """Each individual's named types with where each comes from: asserted, or a property's domain or range."""
    types: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)
    for node, cls in graph.subject_objects(RDF.type):
        if isinstance(node, URIRef) and isinstance(cls, URIRef) and cls not in NOT_CLASSES:
            types[node].setdefault(cls, f"typed {name(cls)}")
    for prop in set(graph.predicates()):
        ancestors = {prop, *graph.transitive_objects(prop, RDFS.subPropertyOf)}
        domains = {d for p in ancestors for d in graph.objects(p, RDFS.domain) if isinstance(d, URIRef)}
        ranges = {r for p in ancestors for r in graph.objects(p, RDFS.range) if isinstance(r, URIRef)}
        for subject, value in graph.subject_objects(prop) if domains or ranges else ():
            if isinstance(subject, URIRef):
                for cls in domains:
                    types[subject].setdefault(cls, f"subject of {name(prop)}, whose domain is {name(cls)}")
            if isinstance(value, URIRef):
                for cls in ranges:
                    types[value].setdefault(cls, f"object of {name(prop)}, whose range is {name(cls)}")
    return types


def disjoint_types(graph: Graph) -> Iterator[str]:
    """Individuals that fall under two disjoint classes, with the types that put them there."""
    pairs = disjoint_pairs(graph)
    ancestors: dict[URIRef, set[URIRef]] = {}
    for individual, types in sorted(_types(graph).items()):
        under: dict[URIRef, str] = {}
        for cls, origin in types.items():
            if cls not in ancestors:
                ancestors[cls] = superclasses(graph, cls)
            for ancestor in ancestors[cls]:
                under.setdefault(ancestor, origin)
        for pair in sorted(pairs, key=sorted):
            if pair <= under.keys():
                first, second = sorted(pair)
                yield (
                    f"{name(individual)} is a {name(first)} ({under[first]}) and a {name(second)} "
                    f"({under[second]}), which are disjoint"
                )
