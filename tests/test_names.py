"""The one name normaliser and the one name index: same rules in Python and in the page, kept in step with writes."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.index import Index
from kg.ingest import ingest, retract
from kg.name_index import Name, NameIndex, names_of
from kg.names import normalise, words
from kg.settings import PROJECT_DIR, Settings
from kg.store import EmbeddedStore
from kg.vocab import RES

CASES = json.loads((Path(__file__).parent / "data/names/normalise-cases.json").read_text(encoding="utf-8"))
INGEST = Path(__file__).parent / "data" / "ingest"
NAMES_JS = PROJECT_DIR / "web/src/names.js"


@pytest.mark.parametrize("case", CASES, ids=[case["rule"] for case in CASES])
def test_normalise_applies_each_rule(case: dict[str, str]) -> None:
    assert normalise(case["text"]) == case["form"]


@pytest.mark.parametrize("case", CASES, ids=[case["rule"] for case in CASES])
def test_words_carry_offsets_into_the_original_text(case: dict[str, str]) -> None:
    found = words(case["text"])
    assert " ".join(word.form for word in found) == case["form"]
    for word in found:
        assert normalise(case["text"][word.start : word.end]) == word.form


def test_the_page_normalises_names_exactly_as_the_server() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the page's normaliser (web/src/names.js) cannot be checked")
    script = (
        f"import {{ normaliseName }} from {json.dumps(NAMES_JS.as_uri())};"
        "let input = ''; process.stdin.on('data', (d) => (input += d));"
        "process.stdin.on('end', () => console.log(JSON.stringify(JSON.parse(input).map(normaliseName))));"
    )
    texts = [case["text"] for case in CASES]
    result = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert dict(zip(texts, json.loads(result.stdout), strict=True)) == {c["text"]: c["form"] for c in CASES}


def test_exact_lookups_spans_and_search_follow_additions_and_removals() -> None:
    sham = Name("hts", "Hayʼat Tahrir al-Sham", "en")
    index = NameIndex([sham, Name("hts", "HTS", "en", "alias"), Name("assad", "Bashar al-Assad", "en")])
    assert index.named("hayat tahrir sham") == {sham}
    assert set(index.get("bashar assad")) == {"assad"}
    assert [m.entity for m in index.search("tahrir")] == ["hts"]
    assert sorted(index.spans("Fighters of HAYAT TAHRIR AL-SHAM and Bashar Assad's army.")) == [
        (12, 32),
        (37, 49),
    ]

    index.remove([sham])
    assert index.search("tahrir") == [] and index.named("hayat tahrir sham") == set()
    index.replace({Name("hts", "Tahrir al-Sham", "en"), Name("assad", "Bashar al-Assad", "en")})
    assert [(m.entity, m.match) for m in index.search("TAHRIR")] == [("hts", "prefix")]
    assert [m.entity for m in index.search("ss")] == ["assad"]  # under three letters: scanned, not indexed
    assert len(index) == 2


def test_search_ranks_whole_names_then_beginnings_then_words_and_labels_before_aliases() -> None:
    index = NameIndex(
        [
            Name("a", "Homs", "en"),
            Name("b", "Homs province", "en"),
            Name("c", "Homs", "en", "alias"),
            Name("d", "North of Homs", "en"),
            Name("e", "Bahomsa", "en"),
            Name("f", "Homs and Hama", "fr"),
            Name("f", "Homs et Hama", "en"),
        ]
    )
    found = [(m.entity, m.match, m.score) for m in index.search("homs")]
    assert found == [
        ("a", "exact", 1.0),
        ("c", "exact", 0.95),
        ("b", "prefix", 0.9),
        ("f", "prefix", 0.9),
        ("d", "word", 0.8),
        ("e", "inside", 0.6),
    ]
    assert index.search("homs")[3].name.language == "en"  # an English name first among equals
    assert [m.entity for m in index.search("homs", limit=2)] == ["a", "c"]
    assert [(m.entity, m.match) for m in index.search("hama homs")] == [("f", "words")]


def test_the_compiler_resolves_names_through_the_same_rules() -> None:
    index = Index()
    index.define("ahmed-al-sharaa", "entity", "test")
    index.add_names("ahmed-al-sharaa", ["Ahmed al-Sharaa", "Ahmed el-Chareh"])
    assert set(index.names.get(normalise("AHMED CHAREH"))) == {"ahmed-al-sharaa"}
    assert (
        set(index.names.get(normalise("Ahmad al-Sharaa"), ())) == set()
    )  # a spelling, not a variant: no match


def test_a_store_index_follows_build_ingest_and_retract(project: Path) -> None:
    settings = Settings(project_dir=project, data_dir=project.parent / "store")
    store = EmbeddedStore(settings.data_dir)
    try:
        assert [m.entity for m in names_of(store).search("Test Brigade")] == []
        ingest(settings, store, INGEST / "900_test_report.yaml", INGEST / "900_test_report.txt")
        found = [(m.entity.removeprefix(RES), m.match) for m in names_of(store).search("test brigade")]
        assert found == [("test-brigade", "exact")]  # not the statement "Test Brigade fights Assad regime"
        retract(settings, store, "900_test_report")
        assert names_of(store).search("test brigade") == []
        store.update(  # any update through the store, as the Writer of /sparql and /store applies them
            f"INSERT DATA {{ GRAPH <{RES}graph-for-test> {{ "
            f'<{RES}new-group> <http://www.w3.org/2000/01/rdf-schema#label> "Liwa al-Quds"@en }} }}'
        )
        assert [m.entity for m in names_of(store).search("liwa quds")] == [RES + "new-group"]
    finally:
        store.close()
