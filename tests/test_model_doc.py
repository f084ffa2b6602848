"""docs/model.md is taken from the data: its worked examples are checked against what `kg build` and `kg ingest`
produce, its doctest runs, and its reference names every kg: term of the ontology.

Each TriG block of docs/model.md is preceded by a `<!-- checked: STATE -->` comment saying which graph it is
checked against: `example` (the first worked example: the seed build, and the blocks together equal
tests/data/example-russia-allied-with-assad-regime.trig, which tests/test_ontology.py checks further), `seed`
(the seed build) or `after-reports` (the seed build with the four follow-up reports of tests/data/ingest/
ingested in order, as tests/test_followup_reports.py does). Every triple of the block must be in that graph,
in the named graph the block puts it in. Its prefixes are the doc's one `turtle` block of `@prefix` lines.
"""

import doctest
import re
from collections.abc import Iterator

import pytest
import yaml
from helpers import invoke, project_with_follow_ups
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.build import BuiltGraph
from kg.settings import PROJECT_DIR
from kg.store import EmbeddedStore
from kg.vocab import KG, XSD

DOC = PROJECT_DIR / "docs" / "model.md"
EXAMPLE_TRIG = PROJECT_DIR / "tests" / "data" / "example-russia-allied-with-assad-regime.trig"
SEED_FACTS = PROJECT_DIR / "kg" / "data" / "sources" / "000_d738c459d04f11ab.yaml"
FENCE = re.compile(r"(?:<!-- checked: ([a-z-]+) -->\n)?```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
STATES = ("example", "seed", "after-reports")
# Oxigraph stores integer-derived literals as xsd:integer: compare them as such.
INTEGER_TYPES = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger}

Quad = tuple[Node, Node, Node, Node]


def blocks() -> list[tuple[str | None, str, str]]:
    """(checked state or None, language, body) of every fenced block of docs/model.md, in order."""
    return [(m.group(1), m.group(2), m.group(3)) for m in FENCE.finditer(DOC.read_text(encoding="utf-8"))]


def prefixes() -> str:
    """The doc's block of @prefix lines."""
    found = [body for _, language, body in blocks() if language == "turtle" and body.startswith("@prefix")]
    assert len(found) == 1, "docs/model.md has one turtle block of @prefix lines"
    return found[0]


def normalised(term: Node) -> Node:
    if isinstance(term, Literal) and term.datatype in INTEGER_TYPES:
        return Literal(str(term), datatype=XSD.integer)
    return term


def quads_of(dataset: Dataset) -> set[Quad]:
    return {
        (normalised(s), normalised(p), normalised(o), g.identifier if hasattr(g, "identifier") else g)
        for s, p, o, g in dataset.quads((None, None, None, None))
    }


def parse_trig(text: str) -> set[Quad]:
    dataset = Dataset()
    dataset.parse(data=text, format="trig")
    return quads_of(dataset)


def checked(state: str) -> list[str]:
    return [body for marked, language, body in blocks() if marked == state and language == "trig"]


@pytest.fixture(scope="module")
def seed_quads(built: tuple[EmbeddedStore, BuiltGraph]) -> set[Quad]:
    """Every quad of the seed build (the session's build of the project)."""
    return {
        (normalised(s), normalised(p), normalised(o), graph)
        for graph, triples in built[1].graphs.items()
        for s, p, o in triples
    }


@pytest.fixture(scope="module")
def after_reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[set[Quad]]:
    """Every quad of a copy of the project, built, with the four follow-up reports ingested in order."""
    with project_with_follow_ups(tmp_path_factory.mktemp("model-doc")):
        code, output = invoke("export", "--format", "nquads")
        assert code == 0, output
        dataset = Dataset()
        dataset.parse(data=output, format="nquads")
        yield quads_of(dataset)


def missing(block: str, graph: set[Quad]) -> list[str]:
    return sorted(" ".join(t.n3() for t in quad) for quad in parse_trig(prefixes() + block) - graph)


def test_every_trig_block_says_what_it_is_checked_against() -> None:
    trig = [marked for marked, language, _ in blocks() if language == "trig"]
    assert trig and all(marked in STATES for marked in trig), (
        "each ```trig block needs <!-- checked: STATE -->"
    )
    assert {state: len(checked(state)) > 0 for state in STATES} == dict.fromkeys(STATES, True)


@pytest.mark.parametrize("state", ["example", "seed"])
def test_the_seed_examples_are_what_kg_build_writes(seed_quads: set[Quad], state: str) -> None:
    for block in checked(state):
        assert missing(block, seed_quads) == [], f"docs/model.md ({state}): not in the build"


def test_the_across_reports_examples_are_what_kg_ingest_writes(after_reports: set[Quad]) -> None:
    for block in checked("after-reports"):
        assert missing(block, after_reports) == [], "docs/model.md (after-reports): not in the graph"


def test_a_later_report_takes_the_superseded_state_out_of_the_current_view(
    seed_quads: set[Quad], after_reports: set[Quad]
) -> None:
    """The seed's control of Damascus is conditional, never in the current view; report 901's control by the
    rebels is, and the army's earlier control it reports is superseded (out of the view, still in its graph)."""
    derived = URIRef("https://w3id.org/syria-kg/graph/derived")
    damascus = URIRef("https://w3id.org/syria-kg/id/damascus")
    army_controls = (URIRef("https://w3id.org/syria-kg/id/syrian-army"), KG.controls, damascus, derived)
    rebels_control = (URIRef("https://w3id.org/syria-kg/id/rebel-coalition"), KG.controls, damascus, derived)
    assert army_controls not in seed_quads and rebels_control not in seed_quads
    assert army_controls not in after_reports and rebels_control in after_reports
    held = URIRef("https://w3id.org/syria-kg/id/statement/syrian-army-held-damascus-since-2011")
    assert any(q[0] == held and q[1] == KG.supersededBy for q in after_reports)


def test_the_example_trig_file_is_the_example_of_the_doc() -> None:
    """tests/data/example-…trig (offsets and HermiT: tests/test_ontology.py) holds the doc's example blocks."""
    from_doc = set().union(*(parse_trig(prefixes() + block) for block in checked("example")))
    dataset = Dataset()
    dataset.parse(EXAMPLE_TRIG, format="trig")
    assert quads_of(dataset) == from_doc


def test_the_yaml_entry_of_the_example_is_the_seed_entry() -> None:
    [shown] = [body for marked, _, body in blocks() if marked == "seed-yaml"]
    [entry] = yaml.safe_load(shown)["statements"]
    seed = yaml.safe_load(SEED_FACTS.read_text(encoding="utf-8"))["statements"]
    assert entry in seed, "docs/model.md step 1 differs from the seed's entry"


# ------------------------------------------------------------------------------------------ the as-of answers


def as_of_table() -> dict[str, tuple[set[str], set[str]]]:
    """The doc's table: day -> (holders with the seed alone, holders after the reports)."""
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d{4}-\d{2}-\d{2}) \| (.*?) \| (.*?) \|$", text, re.MULTILINE)
    return {
        day: (set(re.findall(r"`(res:[a-z-]+)`", before)), set(re.findall(r"`(res:[a-z-]+)`", after)))
        for day, before, after in rows
    }


def holders(query: str, day: str, quads: set[Quad]) -> set[str]:
    dataset = Dataset(default_union=True)
    for s, p, o, g in quads:
        dataset.graph(g).add((s, p, o))
    rows = dataset.query(query.replace('"2024-12-10"', f'"{day}"'))
    return {str(row[0]).replace("https://w3id.org/syria-kg/id/", "res:") for row in rows}


def test_the_as_of_table_is_what_the_query_answers(seed_quads: set[Quad], after_reports: set[Quad]) -> None:
    [query] = [body for marked, _, body in blocks() if marked == "who-controls-damascus"]
    table = as_of_table()
    assert len(table) >= 4
    for day, (before, after) in table.items():
        assert holders(query, day, seed_quads) == before, f"seed alone, {day}"
        assert holders(query, day, after_reports) == after, f"after the reports, {day}"


# ------------------------------------------------------------------------------------------ doctest, reference


def test_the_python_examples_of_the_doc_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_DIR)  # the example opens seeds/… as a reader at the repository's root would
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    examples = [body for _, language, body in blocks() if language == "python"]
    assert examples
    for number, body in enumerate(examples):
        test = parser.get_doctest(body, {}, f"docs/model.md python block {number}", str(DOC), 0)
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_the_reference_names_every_kg_term_of_the_ontology() -> None:
    ontology = Graph()
    for path in sorted((PROJECT_DIR / "ontology").glob("*.ttl")):
        ontology.parse(path, format="turtle")
    names = {str(s)[len(str(KG)) :] for s in ontology.subjects() if str(s).startswith(str(KG))}
    text = DOC.read_text(encoding="utf-8")
    reference = text[text.index("\n## Reference") :]
    terms = sorted(name for name in names if not re.search(rf"`kg:{name}\b", reference))
    assert terms == [], "docs/model.md's reference lacks these ontology terms"


def test_the_doc_links_to_files_that_exist() -> None:
    for target in re.findall(r"\]\((\.\./[^)#]+|[a-z-]+\.md)", DOC.read_text(encoding="utf-8")):
        assert (DOC.parent / target).exists(), target
