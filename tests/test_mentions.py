"""`kg mentions`: known entities found in a text with exact offsets, and a draft facts file the compiler accepts."""

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg.authoring import CompiledData, Compiler, Vocabulary
from kg.build import load_ontology
from kg.cli import app
from kg.cli.common import console
from kg.errors import InputError
from kg.ingest import index_from_store
from kg.mentions import Mention, Name, find_mentions, names_from_store
from kg.settings import PROJECT_DIR, Settings, get_settings
from kg.store import EmbeddedStore

SEED = PROJECT_DIR / "seeds" / "000_d738c459d04f11ab.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def seed_mentions(store: EmbeddedStore) -> list[Mention]:
    return find_mentions(SEED.read_text(encoding="utf-8"), names_from_store(store, index_from_store(store)))


def _first(mentions: list[Mention], text: str) -> Mention:
    return next(m for m in mentions if m.text == text)


def test_offsets_are_exact_code_point_positions(seed_mentions: list[Mention]) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert seed_mentions
    for mention in seed_mentions:
        assert text[mention.start : mention.end] == mention.text
    hezbollah = _first(seed_mentions, "Hezbollah")
    assert (hezbollah.start, hezbollah.end) == (text.index("Hezbollah"), text.index("Hezbollah") + 9)
    assert hezbollah.entities == ["hezbollah"]
    assert [(n.kind, n.language) for n in hezbollah.candidates] == [("label", "en"), ("label", "fr")]


def test_metonyms_aliases_and_short_names(seed_mentions: list[Mention]) -> None:
    moscow = _first(seed_mentions, "Moscow")
    assert moscow.entities == ["russia"] and {n.kind for n in moscow.candidates} == {"metonym"}
    idleb = _first(seed_mentions, "Idleb")
    assert idleb.entities == ["idlib-province"] and {n.kind for n in idleb.candidates} == {"alias"}
    osdh = _first(seed_mentions, "OSDH")
    assert osdh.entities == ["syrian-observatory-for-human-rights"]
    assert _first(seed_mentions, "HTS").entities == ["hayat-tahrir-al-sham"]
    # The longest name wins: the full name of the Observatory, not a shorter name inside it.
    observatory = _first(seed_mentions, "Syrian Observatory for Human Rights")
    assert all(not (observatory.start < m.start < observatory.end) for m in seed_mentions)


def test_a_shared_name_keeps_every_candidate(seed_mentions: list[Mention]) -> None:
    damascus = _first(seed_mentions, "Damascus")
    assert damascus.entities == ["assad-regime", "damascus"]
    assert {(n.entity, n.kind) for n in damascus.candidates} == {
        ("assad-regime", "metonym"),
        ("damascus", "label"),
    }


def test_matching_rules_on_synthetic_text() -> None:
    names = [
        Name("un", "UN", "en", "alias"),
        Name("hts", "HTS", "en", "alias"),
        Name("iran", "Iran", "en", "label"),
        Name("rif", "Rif Dimashq", "en", "alias"),
        Name("rif-gov", "Rif Dimashq governorate", "en", "alias"),
        Name("deraa", "Dar'a", "en", "alias"),
        Name("lebanon", "لبنان", "ar", "label"),
        Name("russia", "Russie", "fr", "label"),
    ]
    text = "SYNTHETIC: un jour, the UN and hts met in Iranian towns of RIF  DIMASHQ Governorate, Dar’a, لبنان, Russie."
    found = [(m.text, m.entities) for m in find_mentions(text, names)]
    assert found == [
        ("UN", ["un"]),
        ("RIF  DIMASHQ Governorate", ["rif-gov"]),
        ("Dar’a", ["deraa"]),
        ("لبنان", ["lebanon"]),
        ("Russie", ["russia"]),
    ]


def test_cli_prints_the_table_and_writes_a_draft_the_compiler_accepts(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "_width", 240)  # one table row per line, so that ids are not wrapped
    assert runner.invoke(app, ["build"]).exit_code == 0
    text_file = tmp_path / "950_mentions_test.txt"
    shutil.copyfile(SEED, text_file)
    draft = tmp_path / "950_mentions_test.yaml"
    result = runner.invoke(app, ["mentions", str(text_file), "--draft", str(draft)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    for expected in ("Hezbollah", "idlib-province", "metonym", "syrian-observatory-for-human-rights"):
        assert expected in flat
    doc = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert doc["source"]["id"] == "950_mentions_test"
    assert (doc["source"]["title"], doc["source"]["date"], doc["source"]["language"]) == ("", "", "en")
    assert doc["statements"] == [] and doc["events"] == [] and doc["quantities"] == []
    damascus = next(m for m in doc["mentions"] if m["text"] == "Damascus")
    assert {c["id"] for c in damascus["candidates"]} == {"assad-regime", "damascus"}
    text = text_file.read_text(encoding="utf-8")
    assert all(text[m["start"] : m["end"]] == m["text"] for m in doc["mentions"])

    settings = get_settings()
    compiler = _compiler(settings)
    with pytest.raises(InputError, match="date"):
        compiler.compile_source_file(draft, CompiledData(), text_file)
    # The analyst fills the title and the date; the draft then compiles as it is (mentions are ignored).
    filled = (
        draft.read_text(encoding="utf-8")
        .replace('title: ""', "title: Synthetic copy of the seed report (test)")
        .replace('date: ""', "date: 2024-12-08")
    )
    draft.write_text(filled, encoding="utf-8")
    summary = _compiler(settings).compile_source_file(draft, CompiledData(), text_file)
    assert summary.source_id == "950_mentions_test"
    assert summary.new_entities == ["report-950-author"]
    assert (summary.statements, summary.events, summary.quantities) == (0, 0, 0)


def _compiler(settings: Settings) -> Compiler:
    store = EmbeddedStore(settings.data_dir)
    try:
        index = index_from_store(store)
    finally:
        store.close()
    return Compiler(Vocabulary.from_ontology(load_ontology(settings)), settings.project_dir, index)
