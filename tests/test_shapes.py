"""SHACL shapes: every fixture in tests/shapes/ conforms or fails as its file name says.

`Snn-valid.ttl` must conform to every shape of its pass; `Snn-invalid-kk.ttl` must give at least one violation
from shape Snn (from the node shape itself or from one of its property shapes). Data shapes are run as the
build runs them, with the ontology as ont_graph; the shapes in ontology/shapes/ontology-terms.ttl are run with
the fixture (or the ontology) as the data graph.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Node, URIRef
from rdflib.namespace import RDF, RDFS, SH

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ONTOLOGY_DIR / "shapes"
TERMS_FILE = SHAPES_DIR / "ontology-terms.ttl"
FIXTURES_DIR = Path(__file__).resolve().parent / "shapes"

SHAPE_IRI = re.compile(r"^https://w3id\.org/syria-kg/shape/(S\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
FIXTURE_NAME = re.compile(r"^(S\d{2})-(?:valid|invalid-\d{2})$")
FIXTURES = sorted(FIXTURES_DIR.glob("S*.ttl"))


def _parse(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """All ontology modules (ontology/*.ttl) in one graph."""
    files = sorted(ONTOLOGY_DIR.glob("*.ttl"))
    assert files, f"no ontology files in {ONTOLOGY_DIR}"
    return _parse(files)


@pytest.fixture(scope="session")
def data_shapes() -> Graph:
    """The shapes run on instance data: every file of ontology/shapes/ but ontology-terms.ttl."""
    return _parse(sorted(p for p in SHAPES_DIR.glob("*.ttl") if p != TERMS_FILE))


@pytest.fixture(scope="session")
def term_shapes() -> Graph:
    """The shapes run on the ontology itself."""
    return _parse([TERMS_FILE])


def _node_shapes(shapes: Graph) -> dict[str, URIRef]:
    """Map shape id (S01) to node shape IRI."""
    found: dict[str, URIRef] = {}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        match = SHAPE_IRI.match(str(shape))
        if isinstance(shape, URIRef) and match:
            found[match.group(1)] = shape
    return found


def _owned_shapes(shapes: Graph, shape: URIRef) -> set[Node]:
    """The node shape and the property shapes nested under it, which appear as sh:sourceShape in results."""
    return set(shapes.transitive_objects(shape, SH.property))


def _validate(data: Graph, shapes: Graph, ontology: Graph | None = None) -> tuple[bool, Graph, str]:
    """Validate as kg.validate does: no inference, SHACL-AF on, warnings allowed."""
    conforms, report, text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True, allow_warnings=True
    )
    return bool(conforms), report, str(text)


def _violation_sources(report: Graph) -> Iterator[Node]:
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if (result, SH.resultSeverity, SH.Violation) in report:
            source = report.value(result, SH.sourceShape)
            if source is not None:
                yield source


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_shape_fixture(fixture: Path, ontology: Graph, data_shapes: Graph, term_shapes: Graph) -> None:
    match = FIXTURE_NAME.match(fixture.stem)
    assert match, f"{fixture.name}: name must be Snn-valid.ttl or Snn-invalid-kk.ttl"
    shape_id = match.group(1)
    if shape_id in _node_shapes(term_shapes):
        shapes = term_shapes
        conforms, report, text = _validate(_parse([fixture]), shapes)
    else:
        shapes = data_shapes
        conforms, report, text = _validate(_parse([fixture]), shapes, ontology)
    shape = _node_shapes(shapes).get(shape_id)
    assert shape is not None, f"{fixture.name}: no shape {shape_id} in {SHAPES_DIR}"
    if fixture.stem.endswith("-valid"):
        assert conforms, f"{fixture.name} should conform:\n{text}"
    else:
        owned = _owned_shapes(shapes, shape)
        sources = set(_violation_sources(report))
        assert sources & owned, f"{fixture.name} should violate {shape}:\n{text}"


def test_every_shape_is_named_documented_and_has_fixtures(data_shapes: Graph, term_shapes: Graph) -> None:
    fixture_names = {path.stem for path in FIXTURES}
    ids: list[str] = []
    problems: list[str] = []
    for shapes in (data_shapes, term_shapes):
        for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
            match = SHAPE_IRI.match(str(shape))
            if not isinstance(shape, URIRef) or not match:
                problems.append(f"{shape}: IRI must match {SHAPE_IRI.pattern}")
                continue
            shape_id = match.group(1)
            ids.append(shape_id)
            problems += [
                f"{shape}: no {prop}"
                for prop in (SH.message, RDFS.label, RDFS.comment)
                if shapes.value(shape, prop) is None
            ]
            problems += [
                f"{shape}: property shape on {shapes.value(nested, SH.path)} has no sh:message"
                for nested in _owned_shapes(shapes, shape) - {shape}
                if shapes.value(nested, SH.message) is None
            ]
            if f"{shape_id}-valid" not in fixture_names:
                problems.append(f"{shape}: no tests/shapes/{shape_id}-valid.ttl")
            if not any(name.startswith(f"{shape_id}-invalid-") for name in fixture_names):
                problems.append(f"{shape}: no tests/shapes/{shape_id}-invalid-01.ttl")
    duplicates = sorted({shape_id for shape_id in ids if ids.count(shape_id) > 1})
    assert not duplicates, f"shape ids used twice: {duplicates}"
    orphans = sorted({name for name in fixture_names if name[:3] not in ids})
    assert not orphans, f"fixtures for no shape: {orphans}"
    assert not problems, "\n".join(problems)


def test_every_targeted_shape_is_a_named_node_shape(data_shapes: Graph, term_shapes: Graph) -> None:
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    for shapes in (data_shapes, term_shapes):
        named = set(_node_shapes(shapes).values())
        targeted = {shape for target in targets for shape in shapes.subjects(target, None)}
        assert targeted <= named, (
            f"shapes with a target but no Snn IRI or sh:NodeShape type: {targeted - named}"
        )


@pytest.mark.parametrize("name", ["data", "ontology-terms"])
def test_shapes_are_well_formed_shacl(name: str, data_shapes: Graph, term_shapes: Graph) -> None:
    # meta_shacl checks the shapes graph against the SHACL-for-SHACL shapes and raises if it does not conform.
    shapes = term_shapes if name == "ontology-terms" else data_shapes
    conforms, _report, text = validate(Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True)
    assert conforms, text


def test_invalid_fixtures_say_why() -> None:
    missing = [
        path.name
        for path in FIXTURES
        if "-invalid-" in path.stem and not path.read_text(encoding="utf-8").startswith("# Invalid: ")
    ]
    assert not missing, f"first line must be '# Invalid: <why>': {missing}"


def test_ontology_conforms_to_ontology_term_shapes(ontology: Graph, term_shapes: Graph) -> None:
    conforms, _report, text = _validate(ontology, term_shapes)
    assert conforms, text


def test_empty_data_with_ontology_conforms_to_data_shapes(ontology: Graph, data_shapes: Graph) -> None:
    # The ontology is mixed into the data graph as ont_graph: none of its own nodes may trip a data shape.
    conforms, _report, text = _validate(Graph(), data_shapes, ontology)
    assert conforms, text
