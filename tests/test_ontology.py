"""The ontology in `ontology/`: header metadata, labels and definitions, OWL 2 DL typing, the closed Python
namespaces that mirror it, and the worked example of docs/model.md, consistent under HermiT (kg/consistency.py).

HermiT runs with `ignore_unsupported_datatypes=True`: `xsd:date` and `xsd:gYear` (ranges of kg:statedOn,
kg:fromDate, kg:untilDate and OWL-Time's inXSDDate / inXSDgYear) are outside the OWL 2 datatype map, and
HermiT refuses them otherwise. `test_only_date_datatypes_are_outside_the_owl2_datatype_map` keeps that
exception from growing. The real graph's consistency and the reports of inconsistency: tests/test_consistency.py.
"""

import hashlib
import inspect
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kg.consistency import check_consistency
from kg.quotes import locate
from kg.vocab import BASE, KG, OA, RELATION_TYPES, RT

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = Path(__file__).resolve().parent / "data"
ONTOLOGY_FILES = sorted(ONTOLOGY_DIR.glob("*.ttl"))
EXPECTED_MODULES = {
    "core",
    "actors",
    "places",
    "relations",
    "events",
    "quantities",
    "provenance",
    "alignment",
}
EXAMPLE = DATA_DIR / "example-russia-allied-with-assad-regime.trig"

KG_NS = str(KG)
RT_NS = str(RT)
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# https://www.w3.org/TR/owl2-syntax/#Datatype_Maps
OWL2_DATATYPES = {RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational} | {
    XSD[name]
    for name in (
        "decimal",
        "integer",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
        "string",
        "normalizedString",
        "token",
        "language",
        "Name",
        "NCName",
        "NMTOKEN",
        "boolean",
        "hexBinary",
        "base64Binary",
        "anyURI",
        "dateTime",
        "dateTimeStamp",
    )
}


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """All ontology modules merged into one graph."""
    merged = Graph()
    for path in ONTOLOGY_FILES:
        merged.parse(path, format="turtle")
    return merged


def _example() -> Graph:
    """The worked example of docs/model.md, all its named graphs merged into one."""
    dataset = Dataset()
    dataset.parse(EXAMPLE, format="trig")
    merged = Graph()
    for s, p, o, _graph in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def _kg_local(iri: URIRef) -> str:
    return str(iri)[len(KG_NS) :]


def _declared(graph: Graph) -> set[URIRef]:
    """IRIs declared as classes or properties."""
    return {s for kind in DECLARATION_TYPES for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


# ---------------------------------------------------------------- files and headers


def test_ontology_has_the_expected_modules() -> None:
    assert {path.stem for path in ONTOLOGY_FILES} == EXPECTED_MODULES


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=[path.stem for path in ONTOLOGY_FILES])
def test_module_parses_and_has_header_metadata(path: Path) -> None:
    graph = _parse(path)
    ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
    assert ontologies == [URIRef(f"{BASE}ontology/{path.stem}")]
    header = ontologies[0]
    assert graph.value(header, OWL.versionIRI) == URIRef(f"{BASE}ontology/0.1.0/{path.stem}")
    assert graph.value(header, OWL.versionInfo) == Literal("0.1.0")
    assert graph.value(header, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(header, DCTERMS.created) == Literal("2026-11-25", datatype=XSD.date)
    for prop in (DCTERMS.title, DCTERMS.description):
        values = list(graph.objects(header, prop))
        assert len(values) == 1, f"{path.name}: one {prop} expected"
        assert isinstance(values[0], Literal) and values[0].language == "en" and str(values[0]).strip()


def test_each_term_is_declared_in_one_module_only() -> None:
    modules: dict[URIRef, list[str]] = defaultdict(list)
    for path in ONTOLOGY_FILES:
        graph = _parse(path)
        individuals = set(graph.subjects(RDF.type, OWL.NamedIndividual))
        for term in _declared(graph) | individuals:
            modules[term].append(path.stem)
    assert {term: found for term, found in modules.items() if len(found) > 1} == {}


# ---------------------------------------------------------------- labels and definitions


def test_every_class_and_property_has_english_label_and_definition(ontology: Graph) -> None:
    missing = []
    for term in sorted(_declared(ontology)):
        for prop in (RDFS.label, SKOS.definition):
            if not any(isinstance(v, Literal) and v.language == "en" for v in ontology.objects(term, prop)):
                missing.append(f"{ontology.namespace_manager.normalizeUri(term)} lacks {prop}@en")
    assert missing == []


def test_every_concept_and_scheme_has_pref_label_and_definition(ontology: Graph) -> None:
    concept_classes = set(ontology.transitive_subjects(RDFS.subClassOf, SKOS.Concept)) - {SKOS.Concept}
    concepts = {c for cls in concept_classes for c in ontology.subjects(RDF.type, cls)}
    schemes = set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    # stances, modalities, quantity kinds, units, qualifiers, relation types, PLOVER categories, CAMEO codes
    assert len(concepts) > 50 and len(schemes) == 8
    missing = []
    for node in sorted(concepts | schemes):
        for prop in (SKOS.prefLabel, SKOS.definition):
            if not any(v.language == "en" for v in ontology.objects(node, prop) if isinstance(v, Literal)):
                missing.append(f"{node} lacks {prop}@en")
        if node in concepts and ontology.value(node, SKOS.inScheme) not in schemes:
            missing.append(f"{node} is in no scheme")
    assert missing == []


# ---------------------------------------------------------------- OWL 2 DL typing


def test_no_iri_is_punned_between_declaration_kinds(ontology: Graph) -> None:
    kinds = (*DECLARATION_TYPES, OWL.NamedIndividual)
    seen: dict[URIRef, set[URIRef]] = defaultdict(set)
    for kind in kinds:
        for term in ontology.subjects(RDF.type, kind):
            seen[term].add(kind)
    assert {term: found for term, found in seen.items() if len(found) > 1} == {}


def test_every_predicate_used_is_declared_or_built_in(ontology: Graph) -> None:
    built_in = (str(RDF), str(RDFS), str(OWL))
    properties = {
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in ontology.subjects(RDF.type, kind)
    }
    undeclared = {p for p in ontology.predicates() if not str(p).startswith(built_in) and p not in properties}
    assert undeclared == set()


def test_relation_metadata_and_labels_are_annotation_properties(ontology: Graph) -> None:
    for prop in (KG.polarity, KG.directed, KG.directProperty, KG.metonym, SKOS.prefLabel, SKOS.definition):
        assert (prop, RDF.type, OWL.AnnotationProperty) in ontology, prop


def test_only_date_datatypes_are_outside_the_owl2_datatype_map(ontology: Graph) -> None:
    ranges = {
        o for s in ontology.subjects(RDF.type, OWL.DatatypeProperty) for o in ontology.objects(s, RDFS.range)
    }
    assert ranges - OWL2_DATATYPES == {XSD.date, XSD.gYear}


def test_every_kg_iri_used_is_declared(ontology: Graph) -> None:
    subjects = {s for s in ontology.subjects() if str(s).startswith(KG_NS)}
    used = {t for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(KG_NS)}
    assert used - subjects == set()
    assert not any(isinstance(s, BNode) for s in ontology.subjects(RDF.type, OWL.Class))


# ---------------------------------------------------------------- relation types


def test_relation_types_carry_their_metadata(ontology: Graph) -> None:
    problems = []
    for concept in sorted(ontology.subjects(RDF.type, KG.RelationType)):
        polarity = ontology.value(concept, KG.polarity)
        directed = ontology.value(concept, KG.directed)
        prop = ontology.value(concept, KG.directProperty)
        if not (
            isinstance(polarity, Literal)
            and polarity.datatype == XSD.integer
            and polarity.value in {-1, 0, 1}
        ):
            problems.append(f"{concept}: polarity {polarity!r}")
        if not (isinstance(directed, Literal) and directed.datatype == XSD.boolean):
            problems.append(f"{concept}: directed {directed!r}")
        if (prop, RDF.type, OWL.ObjectProperty) not in ontology:
            problems.append(f"{concept}: direct property {prop} is not an object property")
        elif directed is not None and (not directed.value) != (
            (prop, RDF.type, OWL.SymmetricProperty) in ontology
        ):
            problems.append(f"{concept}: undirected iff its direct property is symmetric")
        if ontology.value(concept, SKOS.inScheme) != KG.RelationTypes:
            problems.append(f"{concept}: not in kg:RelationTypes")
        if not any(v.language == "fr" for v in ontology.objects(concept, SKOS.prefLabel)):
            problems.append(f"{concept}: no French label")
    assert problems == []


def test_broader_relation_types_match_sub_properties(ontology: Graph) -> None:
    for concept, broader in ontology.subject_objects(SKOS.broader):
        if (concept, RDF.type, KG.RelationType) in ontology:
            narrow_prop = ontology.value(concept, KG.directProperty)
            broad_prop = ontology.value(broader, KG.directProperty)
            assert (narrow_prop, RDFS.subPropertyOf, broad_prop) in ontology


# ---------------------------------------------------------------- Python namespaces


def test_kg_namespace_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    in_ontology = {
        _kg_local(s) for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(KG_NS)
    }
    in_python = set(inspect.get_annotations(KG))
    assert sorted(in_python - in_ontology) == [], "in kg.vocab.KG but not in ontology/"
    assert sorted(in_ontology - in_python) == [], "in ontology/ but not in kg.vocab.KG"


def test_rt_namespace_lists_exactly_the_relation_types(ontology: Graph) -> None:
    in_ontology = {str(s)[len(RT_NS) :] for s in ontology.subjects(RDF.type, KG.RelationType)}
    assert set(RELATION_TYPES) == in_ontology
    assert len(RELATION_TYPES) == len(in_ontology)
    assert all(RT[slug] == URIRef(RT_NS + slug) for slug in RELATION_TYPES)


def test_closed_namespaces_reject_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        _ = KG.Persn
    with pytest.raises(AttributeError):
        _ = RT["allied"]


# ---------------------------------------------------------------- worked example of docs/model.md


def test_worked_example_offsets_match_the_seed() -> None:
    data = _example()
    quote = next(data.subjects(RDF.type, OA.TextQuoteSelector))
    position = next(data.subjects(RDF.type, OA.TextPositionSelector))
    raw = (ROOT / "seeds" / "000_d738c459d04f11ab.txt").read_bytes()
    match = locate(raw.decode("utf-8"), str(data.value(quote, OA.exact)))
    assert match is not None
    assert (data.value(position, OA.start).value, data.value(position, OA.end).value) == (
        match.start,
        match.end,
    )
    assert (str(data.value(quote, OA.prefix)), str(data.value(quote, OA.suffix))) == (
        match.prefix,
        match.suffix,
    )
    assert str(next(data.objects(None, KG.sha256))) == hashlib.sha256(raw).hexdigest()


# ---------------------------------------------------------------- HermiT


def test_worked_example_is_consistent_under_hermit(ontology: Graph) -> None:
    report = check_consistency([ontology, _example()])
    assert report.ok, report.text()
