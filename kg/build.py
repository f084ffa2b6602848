"""Build the knowledge graph: ontology + authored facts → checked, reasoned named graphs → store.

Everything is compiled, reasoned over and validated in memory first; the store is written only at the end,
in one transaction, so a broken input never changes it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.authoring import CompiledData, Compiler, Vocabulary
from kg.consistency import ConsistencyReport, find_java, require_consistency
from kg.enrich import kept_enrichment
from kg.errors import ValidationFailed
from kg.history import HISTORY_FILE, history_file_graph, record_activity
from kg.journal import recover
from kg.links import compile_links
from kg.rdfio import from_oxigraph, parse_turtle_files, stored_graph, to_oxigraph
from kg.reasoning import derive_and_infer
from kg.settings import Settings
from kg.store import Store
from kg.validate import ValidationReport, load_shapes, validate
from kg.vocab import (
    DERIVED_GRAPH,
    ENRICHMENT_GRAPH,
    HISTORY_GRAPH,
    INFERRED_GRAPH,
    LINKS_GRAPH,
    ONTOLOGY_GRAPH,
    TIMELINE_GRAPH,
)

Step = Callable[[str], None]


@dataclass
class BuiltGraph:
    """Every named graph of a build, and the counts a person wants to see."""

    graphs: dict[URIRef, Graph]
    counts: dict[str, int] = field(default_factory=dict)
    report: ValidationReport | None = None
    consistency: ConsistencyReport | None = None
    warnings: list[str] = field(default_factory=list)  # what the compiler accepted with a remark

    def data_graph(self) -> Graph:
        """The authored data (entities and sources) and the timeline, without ontology, derived or inferred
        triples (the timeline is validated with the data: its shape checks holdsFrom <= holdsTo)."""
        merged = Graph()
        for iri, graph in self.graphs.items():
            if iri not in (ONTOLOGY_GRAPH, DERIVED_GRAPH, INFERRED_GRAPH):
                merged += graph
        return merged


def load_ontology(settings: Settings) -> Graph:
    """All ontology files (not the shapes) in one graph."""
    return parse_turtle_files(sorted(settings.ontology_dir.glob("*.ttl")))


def compile_facts(settings: Settings, ontology: Graph) -> CompiledData:
    """Compile `kg/data/` against the names the ontology allows."""
    compiler = Compiler(Vocabulary.from_ontology(ontology), settings.project_dir)
    return compiler.compile(settings.facts_dir)


def assemble(settings: Settings, step: Step = lambda _: None, *, reason: bool = False) -> BuiltGraph:
    """Compile, reason and validate in memory; raise `InputError` or `ValidationFailed` on bad input.

    With `reason`, HermiT also checks the whole graph for consistency (`Inconsistent` if not; ~10 s).
    """
    java = find_java() if reason else None  # a missing Java fails before the work, not after
    step("reading the ontology")
    ontology = load_ontology(settings)
    step("compiling facts and checking quotes")
    data = compile_facts(settings, ontology)
    graphs: dict[URIRef, Graph] = {ONTOLOGY_GRAPH: ontology, **data.graphs}
    step("compiling verified links")
    graphs[LINKS_GRAPH] = compile_links(settings.facts_dir / "links.yaml", data.entity_slugs)
    step("deriving direct triples and inferring")
    scratch = ox.Store()
    to_oxigraph(graphs, scratch)
    derive_and_infer(scratch)
    graphs[DERIVED_GRAPH] = from_oxigraph(scratch, DERIVED_GRAPH)
    graphs[INFERRED_GRAPH] = from_oxigraph(scratch, INFERRED_GRAPH)
    graphs[TIMELINE_GRAPH] = from_oxigraph(scratch, TIMELINE_GRAPH)
    built = BuiltGraph(graphs, counts={**data.counts, "sources": len(data.summaries)})
    built.warnings = [warning for summary in data.summaries for warning in summary.warnings]
    if java:
        step("checking consistency with HermiT")
        built.consistency = require_consistency(graphs.values(), java)
    step("validating against the SHACL shapes")
    built.report = validate(built.data_graph(), load_shapes(settings.shapes_dir), ontology)
    if not built.report.conforms:
        raise ValidationFailed(built.report.text, built.report.turtle)
    built.counts |= {"triples": sum(len(g) for g in graphs.values())}
    return built


def build(
    settings: Settings,
    store: Store,
    step: Step = lambda _: None,
    *,
    keep_enrichment: bool = True,
    reason: bool = False,
) -> BuiltGraph:
    """Assemble the graph and replace the store's content with it in one transaction.

    History is kept (the store's, and the records of the repository's history file), and so is the enrichment graph (facts fetched by `kg enrich`, costly to fetch again) for
    the entities still linked as they were, unless `keep_enrichment` is false. `reason`: see `assemble`.
    """
    recover(settings, store)  # an ingest a crash interrupted is finished or undone before the files are read
    built = assemble(settings, step, reason=reason)
    step("writing the store")
    # The repository's history file brings back the ingest records a build from scratch would lose.
    history = stored_graph(store, HISTORY_GRAPH) + history_file_graph(settings.facts_dir / HISTORY_FILE)
    history += record_activity("build", "all-sources", sorted(settings.facts_dir.rglob("*.yaml")))
    kept = {ENRICHMENT_GRAPH: kept_enrichment(store, built.graphs[LINKS_GRAPH])} if keep_enrichment else {}
    store.replace_graphs({**built.graphs, **kept, HISTORY_GRAPH: history}, drop_all=True)
    return built
