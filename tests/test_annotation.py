"""kg/annotation.py without a store: the quote and occurrence of a selection, the item a form becomes, and the
facts file's text with the item appended (the analyst's own text and comments kept)."""

from pathlib import Path

import pytest
import yaml

from kg.annotation import (
    Annotation,
    Span,
    append_to_list,
    append_to_mapping,
    entity_item,
    quote_at,
    statement_item,
)
from kg.authoring import load_yaml
from kg.errors import InputError
from kg.quotes import locate

FIXTURES = Path(__file__).parent / "data" / "ingest"
TEXT = (FIXTURES / "940_annotation_report.txt").read_text(encoding="utf-8")
FACTS = (FIXTURES / "940_annotation_report.yaml").read_text(encoding="utf-8")


def span_of(words: str, occurrence: int = 1) -> Span:
    match = locate(TEXT, words, occurrence)
    assert match is not None
    return Span(match.start, match.end, words)


def statement(span: Span, **fields: str) -> Annotation:
    form = {"subject": "turkey", "relation": "supports-militarily", "object": "syrian-national-army"}
    return Annotation(
        "statement", span, {**form, "stance": "reported", "by": "turkish-officials-940", **fields}
    )


def test_a_selection_across_a_line_break_is_quoted_exactly_as_the_source_has_it() -> None:
    quote, occurrence = quote_at(TEXT, span_of("Ankara would keep arming the Syrian National\nArmy"))
    assert quote == "Ankara would keep arming the Syrian National\nArmy"
    assert occurrence is None  # the words occur once: no occurrence to write


def test_the_occurrence_is_the_one_selected() -> None:
    second = span_of("Syrian", 3)  # "Syrian National", "Syrian Democratic", then "Syrian\nNational Army"
    quote, occurrence = quote_at(TEXT, second)
    assert (quote, occurrence) == ("Syrian", 3)
    assert TEXT[second.end : second.end + 9] == "\nNational"


def test_a_selection_that_is_not_in_the_text_at_its_offsets_is_refused() -> None:
    moved = span_of("Ankara would")
    with pytest.raises(InputError, match="reload the page"):
        quote_at(TEXT, Span(moved.start + 1, moved.end + 1, "Ankara would"))
    with pytest.raises(InputError, match="outside the text"):
        quote_at(TEXT, Span(len(TEXT), len(TEXT) + 5, "words"))


def test_a_statement_is_appended_to_its_section_and_the_file_keeps_its_text_and_comments() -> None:
    span = span_of("Ankara would keep arming the Syrian National\nArmy")
    item = statement_item(
        statement(span, said_on="2024-12-10", time={"from": "2024-12"}), span.exact, None, set()
    )
    new_text = append_to_list(FACTS, "statements", item)
    assert new_text.startswith(FACTS)  # the section is the file's last: the item goes at its end
    added = new_text[len(FACTS) :]
    assert '    quote: "Ankara would keep arming the Syrian National\\nArmy"\n' in added
    assert "    said_on: '2024-12-10'\n" in added and "    time: {from: 2024-12}\n" in added
    entries = yaml.safe_load(new_text)["statements"]
    assert entries[-1]["quote"] == span.exact
    assert entries[-1]["id"] == "turkey-supports-militarily-syrian-national-army"
    assert entries[-1]["time"] == {"from": "2024-12"}


def test_an_item_goes_to_its_section_even_when_another_follows(tmp_path: Path) -> None:
    facts = FACTS.replace("statements:", "names: []  # none yet\n\nstatements:")
    item = {"id": "turkey-name-the-turks", "entity": "turkey", "name": "the Turks", "stance": "asserted"}
    new_text = append_to_list(facts, "names", {**item, "quote": "the Turks"})
    before, _, after = new_text.partition("names:\n")
    assert before == facts.partition("names:")[0]
    assert after.startswith("  - id: turkey-name-the-turks\n")
    assert after.endswith(facts.partition("# none yet\n")[2])  # statements and their comment as they were
    path = tmp_path / "facts.yaml"
    path.write_text(new_text, encoding="utf-8")
    assert load_yaml(path)["names"][0]["name"] == "the Turks"


def test_a_missing_section_is_created_at_the_end() -> None:
    item = {"id": "x-name", "entity": "turkey", "name": "Türkiye", "stance": "asserted", "quote": "Turkey"}
    new_text = append_to_list(FACTS, "names", item)
    assert new_text.startswith(FACTS) and new_text[len(FACTS) :].startswith("\nnames:\n  - id: x-name\n")


def test_a_new_entity_goes_into_the_entities_block() -> None:
    span = span_of("the new authorities in Damascus")
    slug, body = entity_item(
        Annotation("entity", span, {"type": "Government", "id": "new-authorities-940"}), set()
    )
    new_text = append_to_mapping(FACTS, "entities", slug, body)
    entities = yaml.safe_load(new_text)["entities"]
    assert list(entities)[-1] == "new-authorities-940"
    assert entities["new-authorities-940"] == {
        "type": "Government",
        "label": {"en": "the new authorities in Damascus"},
    }
    assert "    label: {en: the new authorities in Damascus}\n" in new_text


def test_a_layout_it_cannot_follow_is_refused_not_mangled() -> None:
    flow = FACTS.split("statements:")[0] + "statements: [{id: a, quote: b}]\n"
    with pytest.raises(InputError, match="add the item by hand"):
        append_to_list(flow, "statements", {"id": "c", "quote": "d"})


def test_an_id_already_taken_gets_a_number_and_a_missing_field_is_named() -> None:
    span = span_of("Ankara would keep arming")
    taken = {"turkey-supports-militarily-syrian-national-army"}
    item = statement_item(statement(span), span.exact, None, taken)
    assert item["id"] == "turkey-supports-militarily-syrian-national-army-2"
    with pytest.raises(InputError, match="needs a relation"):
        statement_item(statement(span, relation=""), span.exact, None, set())
    with pytest.raises(InputError, match="needs a type"):
        entity_item(Annotation("entity", span, {}), set())
