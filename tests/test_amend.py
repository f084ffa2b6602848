"""Amending a source already in the store: its facts file replaced, its graph swapped in one update, or nothing."""

from pathlib import Path

import pytest
from helpers import EVENT_AT_AN_ACTOR, export_without_history, invoke

from kg.errors import InputError, ValidationFailed
from kg.history import history
from kg.ingest import amend
from kg.settings import Settings, get_settings
from kg.store import EmbeddedStore

# The fixtures below build on the seed's entities: the project copy keeps the seed as its only source.
pytestmark = pytest.mark.seed_only

FIXTURES = Path(__file__).parent / "data" / "ingest"
FACTS, TEXT = FIXTURES / "900_test_report.yaml", FIXTURES / "900_test_report.txt"
SOURCE = "900_test_report"
FACTS_FILE = "kg/data/sources/900_test_report.yaml"

# One more statement, quoted from the text the source already has.
NEW_STATEMENT = """  - id: test-regime-ally-of-russia
    subject: assad-regime
    relation: allied-with
    object: russia
    stance: asserted
    time: {at: 2024-12-07}
    quote: Moscow remains the main ally of the Syrian government
"""


def amended(settings: Settings, text: str) -> None:
    store = EmbeddedStore(settings.data_dir)
    try:
        amend(settings, store, SOURCE, text)
    finally:
        store.close()


@pytest.fixture
def ingested(project: Path) -> Settings:
    """The project, built, with the test report ingested; the settings the CLI uses."""
    code, output = invoke("ingest", str(FACTS), str(TEXT))
    assert code == 0, output
    return get_settings()


@pytest.mark.timeout(600)  # a build, an ingest, an amend and a rebuild, on a shared machine
def test_amend_swaps_the_source_graph_and_equals_a_rebuild(
    ingested: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = (ingested.project_dir / FACTS_FILE).read_text(encoding="utf-8")
    new_facts = facts.replace("\nstatements:\n", "\nstatements:\n" + NEW_STATEMENT)
    new_facts = new_facts.replace("exists only in the test fixture", "was amended")
    amended(ingested, new_facts)
    assert (ingested.project_dir / FACTS_FILE).read_text(encoding="utf-8") == new_facts
    state = export_without_history()
    flat = "\n".join(state)
    assert "statement/test-regime-ally-of-russia>" in flat
    assert "was amended" in flat and "exists only in the test fixture" not in flat
    store = EmbeddedStore(ingested.data_dir)
    try:
        assert [row["label"] for row in history(store)][-2:] == [f"ingest {SOURCE}", f"amend {SOURCE}"]
    finally:
        store.close()
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "rebuilt"))
    get_settings.cache_clear()
    assert invoke("build")[0] == 0
    assert export_without_history() == state


def test_amend_back_to_the_original_restores_the_exact_state(ingested: Settings) -> None:
    before = export_without_history()
    original = (ingested.project_dir / FACTS_FILE).read_text(encoding="utf-8")
    amended(ingested, original.replace("\nstatements:\n", "\nstatements:\n" + NEW_STATEMENT))
    assert export_without_history() != before
    amended(ingested, original)
    assert export_without_history() == before


@pytest.mark.parametrize(
    ("change", "error", "expected"),
    [
        (("Hama\n", "Aleppo\n"), InputError, "900_test_report.yaml"),
        (("subject: Test Brigade\n", "subject: Test Brigadier\n"), InputError, "Test Brigadier"),
        (("  id: 900_test_report\n", "  id: 901_other\n"), InputError, "must equal the file name"),
        (("source:\n", "source:\n  text: seeds/elsewhere.txt\n"), InputError, "keeps the source's text"),
    ],
)
def test_bad_facts_are_refused_and_change_nothing(
    ingested: Settings, change: tuple[str, str], error: type[Exception], expected: str
) -> None:
    before = export_without_history()
    original = (ingested.project_dir / FACTS_FILE).read_text(encoding="utf-8")
    bad = original.replace(*change)
    assert bad != original
    with pytest.raises(error) as raised:
        amended(ingested, bad)
    assert expected in str(raised.value)
    assert "kg-amend-" not in str(raised.value)  # errors name the source's facts file, not the draft
    assert export_without_history() == before
    assert (ingested.project_dir / FACTS_FILE).read_text(encoding="utf-8") == original


def test_facts_that_break_a_shape_are_refused_and_change_nothing(ingested: Settings) -> None:
    before = export_without_history()
    original = (ingested.project_dir / FACTS_FILE).read_text(encoding="utf-8")
    with pytest.raises(ValidationFailed, match="test-clash-at-an-actor"):
        amended(ingested, original + EVENT_AT_AN_ACTOR)
    assert export_without_history() == before
    assert (ingested.project_dir / FACTS_FILE).read_text(encoding="utf-8") == original


def test_an_amend_cannot_take_away_what_another_source_uses(ingested: Settings, tmp_path: Path) -> None:
    user = tmp_path / "930_uses_the_brigade.yaml"
    user.write_text(
        """source:
  id: 930_uses_the_brigade
  title: Synthetic report that names the Test Brigade (fixture)
  date: 2024-12-09
  language: en
  author: report-000-author
statements:
  - id: test-brigade-fights-regime-again
    subject: test-brigade
    relation: fights
    object: assad-regime
    stance: asserted
    quote: the Test Brigade, had joined the fighting
""",
        encoding="utf-8",
    )
    text = tmp_path / "930_uses_the_brigade.txt"  # another text: the same one twice would be refused
    text.write_text("A later report: the Test Brigade, had joined the fighting, it said.\n", encoding="utf-8")
    code, output = invoke("ingest", str(user), str(text))
    assert code == 0, output
    before = export_without_history()
    original = (ingested.project_dir / FACTS_FILE).read_text(encoding="utf-8")
    without_brigade = original.split("\nentities:\n")[0] + "\nstatements: []\n"
    with pytest.raises(InputError, match="test-brigade"):
        amended(ingested, without_brigade)
    assert export_without_history() == before


def test_an_unknown_source_cannot_be_amended(project: Path) -> None:
    with pytest.raises(InputError, match="no source 'no_such_source'"):
        store = EmbeddedStore(get_settings().data_dir)
        try:
            amend(get_settings(), store, "no_such_source", "source: {}\n")
        finally:
            store.close()
