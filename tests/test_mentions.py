"""`kg mentions`: known entities found in a text with exact offsets, short names, roles, unnamed sources, unknown
names and candidate statements; a draft facts file whose proposals ingest refuses until an analyst reviews them."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg.authoring import CompiledData, Compiler, Vocabulary, load_yaml
from kg.build import load_ontology
from kg.cli import app
from kg.cli.common import console
from kg.errors import InputError
from kg.ingest import index_from_store
from kg.mentions import Mention, Name, Reading, find_mentions, lexicon_from_store, names_from_store, read_text
from kg.review import refuse_unreviewed
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
    assert doc["events"] == [] and doc["quantities"] == []
    # Proposed statements quote their sentence exactly and wait for review, stance empty.
    assert doc["statements"] and all(
        s["review"] == "unreviewed" and s["stance"] == "" for s in doc["statements"]
    )
    damascus = next(m for m in doc["mentions"] if m["text"] == "Damascus")
    assert {c["id"] for c in damascus["candidates"]} == {"assad-regime", "damascus"}
    text = text_file.read_text(encoding="utf-8")
    assert all(text[m["start"] : m["end"]] == m["text"] for m in doc["mentions"])

    settings = get_settings()
    compiler = _compiler(settings)
    with pytest.raises(InputError, match="review: unreviewed"):
        compiler.compile_source_file(draft, CompiledData(), text_file)
    # The analyst drops the proposals, fills the title and the date; the draft then compiles (mentions ignored).
    doc = yaml.safe_load(draft.read_text(encoding="utf-8"))
    doc["statements"] = []
    doc["entities"] = {"report-950-author": doc["entities"]["report-950-author"]}
    doc["source"] |= {"title": "Synthetic copy of the seed report (test)", "date": "2024-12-08"}
    draft.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
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


# ------------------------------------------------------------------------------------------ reading a new text

PARAGRAPH = (
    "SYNTHETIC TEST TEXT. Syrian President Bashar al-Assad met his generals. Assad said the army would hold.\n"
    'Russia backs the Assad regime, the report said. "We will stay," a Kremlin source said.\n'
    "The Russian foreign ministry called for calm, while two Iraqi security officials and a source close to\n"
    "Hezbollah said that Abu Mohammed had left. The Turkish president met Hakan Fidane."
)


@pytest.fixture(scope="module")
def reading(store: EmbeddedStore) -> Reading:
    return read_text(PARAGRAPH, lexicon_from_store(store, index_from_store(store)))


def _at(reading: Reading, text: str, occurrence: int = 0) -> Mention:
    start = [i for i in range(len(PARAGRAPH)) if PARAGRAPH.startswith(text, i)][occurrence]
    return next(m for m in reading.mentions if m.start == start and m.text == text)


def test_a_surname_after_the_full_name_is_that_person_and_the_longest_name_wins(reading: Reading) -> None:
    assert _at(reading, "Bashar al-Assad").entities == ["bashar-al-assad"]
    assassad = _at(reading, "Assad", 1)  # "Assad said", after "Bashar al-Assad"
    assert (assassad.entities, assassad.kind) == (["bashar-al-assad"], "surname")
    assert _at(reading, "Assad regime").entities == ["assad-regime"]  # not the surname inside it
    for mention in reading.mentions:
        assert PARAGRAPH[mention.start : mention.end] == mention.text


def test_a_surname_without_an_earlier_full_name_is_ambiguous(store: EmbeddedStore) -> None:
    text = "Assad left. Later, Bashar al-Assad spoke."
    found = read_text(text, lexicon_from_store(store, index_from_store(store)))
    first = found.mentions[0]
    assert (first.text, first.kind) == ("Assad", "surname") and first.note.startswith("ambiguous")
    assert {"bashar-al-assad", "hafez-al-assad"} <= set(first.entities)


def test_roles_resolve_to_the_holder_the_graph_knows(reading: Reading) -> None:
    syrian = _at(reading, "Syrian President")
    assert (syrian.resolved, syrian.kind) == ("bashar-al-assad", "role")
    assert _at(reading, "Turkish president").resolved == "recep-tayyip-erdogan"


def test_unnamed_sources_are_proposed_as_speakers_with_their_affiliation(reading: Reading) -> None:
    speakers = {p.text: p for p in reading.of_kind("unnamed source")}
    assert {text: (p.type, p.affiliation) for text, p in speakers.items()} == {
        "a Kremlin source": ("UnnamedSource", "russia"),
        "two Iraqi security officials": ("UnnamedSource", "iraq"),
        "a source close to\nHezbollah": ("UnnamedSource", "hezbollah"),
    }
    kremlin = speakers["a Kremlin source"]
    assert PARAGRAPH[kremlin.start : kremlin.end] == "a Kremlin source"
    assert kremlin.label == "Kremlin source (unnamed)"


def test_a_state_body_named_by_its_adjective_is_proposed_and_matched_to_the_state(reading: Reading) -> None:
    (body,) = reading.of_kind("body")
    assert (body.text, body.slug, body.type, body.affiliation) == (
        "Russian foreign ministry",
        "foreign-ministry-of-russia",
        "PoliticalBody",
        "russia",
    )
    mention = _at(reading, "Russian foreign ministry")
    assert (mention.entities, mention.kind) == (["russia"], "adjectival")


def test_unknown_capitalised_names_are_listed_with_offsets_and_the_nearest_known_names(
    reading: Reading,
) -> None:
    unknown = {p.text: p for p in reading.of_kind("unknown name")}
    assert "Abu Mohammed" in unknown and "Hakan Fidane" in unknown
    abu = unknown["Abu Mohammed"]
    assert (abu.start, abu.end) == (PARAGRAPH.index("Abu Mohammed"), PARAGRAPH.index("Abu Mohammed") + 12)
    assert "hakan-fidan" in [entity for entity, _ in unknown["Hakan Fidane"].suggestions]
    # Known names, sentence-initial common words and unnamed-source words are not unknown names.
    assert not {"The", "Russian", "Kremlin", "Hezbollah", "Bashar al-Assad", "President"} & set(unknown)


def test_a_sentence_naming_two_actors_around_a_cue_word_gives_a_candidate_statement(reading: Reading) -> None:
    (statement,) = [s for s in reading.statements if s.cue == "backs"]
    assert (statement.subject.entities, statement.relation, statement.object.entities) == (
        ["russia"],
        "supports",
        ["assad-regime"],
    )
    assert statement.quote == "Russia backs the Assad regime, the report said."
    assert PARAGRAPH[statement.quote_start : statement.quote_start + len(statement.quote)] == statement.quote


def test_french_text_uses_the_french_labels_of_relation_types_and_roles(store: EmbeddedStore) -> None:
    text = (
        "Selon une source proche du Hezbollah, la Russie soutient le régime syrien dans la guerre. Le président turc est dans la "
        "ville, et les rebelles sont dans le pays pour la paix."
    )
    found = read_text(text, lexicon_from_store(store, index_from_store(store)))
    assert found.language == "fr"
    (statement,) = found.statements
    assert (statement.subject.entities, statement.relation, statement.object.entities, statement.cue) == (
        ["russia"],
        "supports",
        ["assad-regime"],
        "soutient",
    )
    assert statement.speaker is not None  # the unnamed source of the sentence, as the proposed `by:`
    assert (statement.speaker.text, statement.speaker.affiliation) == (
        "une source proche du Hezbollah",
        "hezbollah",
    )
    role = next(m for m in found.mentions if m.text == "Le président turc")
    assert role.resolved == "recep-tayyip-erdogan"


# ------------------------------------------------------------------------------------------ the CLI and review

REVIEWED_TEXT = (
    "Russia backs the Assad regime, the report said.\nMoscow is an ally of the Syrian government.\n"
)


def test_json_output_and_tables_that_never_cut_ids(project_copy: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    text_file = tmp_path / "text.txt"
    text_file.write_text(PARAGRAPH, encoding="utf-8")
    result = runner.invoke(app, ["mentions", str(text_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert {"mentions", "unnamed_sources", "bodies", "unknown_names", "statements"} <= set(found)
    assert "unnamed-source-close-to-hezbollah" in [p["id"] for p in found["unnamed_sources"]]
    narrow = runner.invoke(app, ["mentions", str(text_file)], env={"COLUMNS": "70"})
    assert narrow.exit_code == 0 and "…" not in narrow.output
    assert {p["id"] for p in found["unnamed_sources"]} <= set(_column(narrow.output, "proposed"))


def _column(output: str, header: str) -> list[str]:
    """The cells of a table's column, a wrapped cell's lines joined back (a row starts where `start` is set)."""
    cells: list[str] = []
    index, headers = None, []
    for line in output.splitlines():
        if line.startswith("┏"):
            headers = []
        elif line.startswith("┃"):  # a header may wrap over several lines too
            parts = [cell.strip() for cell in line.strip("┃").split("┃")]
            headers = [a + b for a, b in zip(headers, parts, strict=True)] if headers else parts
            index = next((i for i, name in enumerate(headers) if name.startswith(header)), None)
        elif line.startswith("│") and index is not None:
            row = [cell.strip() for cell in line.strip("│").split("│")]
            if row[0]:
                cells.append(row[index])
            else:
                cells[-1] += row[index]
        elif not line.startswith(("┡", "│")):
            index = None if line.startswith("└") else index
    return cells


def test_ingest_refuses_unreviewed_items_then_accepts_them_reviewed(
    project_copy: Path, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    text_file = tmp_path / "report.txt"
    text_file.write_text(REVIEWED_TEXT, encoding="utf-8")
    draft = tmp_path / "920_mentions_review.yaml"
    assert runner.invoke(app, ["mentions", str(text_file), "--draft", str(draft)]).exit_code == 0
    filled = (
        draft.read_text(encoding="utf-8")
        .replace('title: ""', "title: Synthetic review test")
        .replace('date: ""', "date: 2024-12-08")
    )
    draft.write_text(filled, encoding="utf-8")
    lines = filled.splitlines()
    marked = [
        number + 1 for number, line in enumerate(lines) if line.strip().startswith("review: unreviewed")
    ]
    assert len(marked) == 2  # the two candidate statements (the text names no new entity)

    refused = runner.invoke(app, ["ingest", str(draft), str(text_file)])
    assert refused.exit_code == 2
    message = " ".join(refused.output.split())
    assert "2 item(s) still marked 'review: unreviewed'" in message
    assert f"{draft}:{marked[0] - 1}: statement 'russia-supports-assad-regime'" in message
    assert "delete its 'review:' line" in message

    reviewed = "\n".join(line for line in lines if not line.strip().startswith("review: unreviewed"))
    reviewed = reviewed.replace('stance: ""', "stance: asserted")
    draft.write_text(reviewed + "\n", encoding="utf-8")
    accepted = runner.invoke(app, ["ingest", str(draft), str(text_file)])
    assert accepted.exit_code == 0, accepted.output
    assert "statements 1" in " ".join(accepted.output.split()) or "corroborations" in accepted.output


def test_every_marked_item_is_listed_with_its_line_and_id(tmp_path: Path) -> None:
    facts = tmp_path / "921_marked.yaml"
    facts.write_text(
        "source: {id: 921_marked}\n"
        "entities:\n"
        "  unnamed-kremlin-source:\n"
        "    review: unreviewed\n"
        "    type: [UnnamedSource]\n"
        "statements:\n"
        "  - id: russia-supports-assad-regime\n"
        "    review: unreviewed\n"
        "  - id: reviewed-already\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as refused:
        refuse_unreviewed(load_yaml(facts), "921_marked.yaml")
    assert str(refused.value).splitlines()[1:3] == [
        "  921_marked.yaml:4: entity 'unnamed-kremlin-source'",
        "  921_marked.yaml:7: statement 'russia-supports-assad-regime'",
    ]
    assert refused.value.line == 4
