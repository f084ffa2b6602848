"""Quotes are found as an analyst copies them: across line breaks and whitespace of any kind, then with
punctuation folded; the offsets and the stored text are always the source's own characters."""

import random

import pytest

from kg.errors import InputError
from kg.quotes import find_all, locate, nearest_passage
from kg.yaml_text import load_yaml, parse_yaml, truth_value, whole_number

WRAPPED = "Moscow remains the main ally of the Syrian\r\ngovernment, officials said\u00a0on Sunday.\r\n"


def test_a_quote_across_a_windows_line_break_and_a_no_break_space_keeps_the_texts_characters() -> None:
    match = locate(WRAPPED, "the Syrian government, officials said on Sunday")
    assert match is not None
    assert match.exact == "the Syrian\r\ngovernment, officials said\u00a0on Sunday"
    assert WRAPPED[match.start : match.end] == match.exact
    assert match.folded == ()


def test_a_quote_written_with_line_breaks_matches_a_text_on_one_line() -> None:
    text = "Turkey and Iran ended their Astana partnership at the end of 2024."
    match = locate(text, "ended their\n   Astana\tpartnership")
    assert match is not None and match.exact == "ended their Astana partnership"
    assert (match.start, match.end) == (16, 46)


def test_offsets_are_code_points_after_characters_outside_the_basic_plane() -> None:
    text = "\U0001f4f0 report: the army\nwithdrew"
    match = locate(text, "the army withdrew")
    assert match is not None and match.start == 10 and text[match.start : match.end] == "the army\nwithdrew"


def test_occurrence_counts_matches_after_normalising_whitespace() -> None:
    text = "the main ally\nof Syria. Later: the main\nally of Syria, again."
    assert len(find_all(text, "the main ally of Syria")) == 2
    second = locate(text, "the main ally of Syria", occurrence=2)
    assert second is not None and second.exact == "the main\nally of Syria"
    assert locate(text, "the main ally of Syria", occurrence=3) is None


def test_curly_quotes_dashes_and_ellipsis_match_after_folding_and_say_so() -> None:
    text = "\u201cWe fight the regime\u2019s army\u201d \u2014 the spokesman said\u2026 twice."
    match = locate(text, '"We fight the regime\'s army" - the spokesman said... twice')
    assert match is not None
    assert match.exact == text[:-1]  # the text's own curly quotes, dash and ellipsis
    assert match.folding_note() == '\u201c for ", \u2019 for \', \u201d for ", \u2014 for -, \u2026 for ...'


def test_an_exact_match_is_preferred_to_a_folded_one() -> None:
    text = "it\u2019s here and it's there"
    match = locate(text, "it's")
    assert match is not None and match.start == 14 and match.folded == ()


def test_a_quote_not_in_the_text_gets_the_nearest_passage_with_its_line() -> None:
    rng = random.Random(16)
    words = ["army", "town", "road", "group", "said", "the", "north", "held", "talks", "week"]
    lines = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(1500)]  # about 100 KB
    lines[1234] = "Moscow remains the main ally of the Syrian government, officials said"
    text = "\n".join(lines)
    assert len(text) > 90_000
    passage = nearest_passage(text, "Moscow remains the chief ally of the Syrian regime")
    assert passage is not None and passage.line == 1235
    assert passage.text.startswith("Moscow remains the main ally of the Syrian")


def test_yaml_values_are_read_as_written() -> None:
    doc = parse_yaml(
        "at: 2024-13-45\nday: 2024-12-07\ndate: 2024\nflag: no\nvalue: 1_000\nempty:\n", "f.yaml"
    )
    assert {key: doc[key] for key in ("at", "day", "date", "flag", "value", "empty")} == {
        "at": "2024-13-45",
        "day": "2024-12-07",
        "date": "2024",
        "flag": "no",
        "value": "1_000",
        "empty": None,
    }
    assert whole_number("3", "occurrence", file="f.yaml", line=2) == 3
    assert truth_value("Yes", "directed", file="f.yaml", line=2) is True
    with pytest.raises(InputError, match=r"f\.yaml:2: 'occurrence' must be a whole number"):
        whole_number("2.5", "occurrence", file="f.yaml", line=2)


def test_a_byte_order_mark_and_windows_line_endings_are_accepted(tmp_path) -> None:
    plain, windows = tmp_path / "plain.yaml", tmp_path / "windows.yaml"
    content = "source:\n  id: x\n  title: A title\nstatements:\n  - id: a\n    quote: the words\n"
    plain.write_text(content, encoding="utf-8")
    windows.write_bytes(b"\xef\xbb\xbf" + content.replace("\n", "\r\n").encode("utf-8"))
    assert load_yaml(windows) == load_yaml(plain)
