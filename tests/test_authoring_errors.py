"""Authoring at an analyst's pace: a hard-wrapped report ingests on the first run, every mistake of a run is
listed at once with a suggestion, and no broken facts file ever ends in a traceback (exit 2, file and line)."""

import json
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import copy_project, export_without_history, invoke

from kg.settings import get_settings

FIXTURES = Path(__file__).parent / "data"
FACTS, TEXT = FIXTURES / "ingest" / "910_wrapped_report.yaml", FIXTURES / "ingest" / "910_wrapped_report.txt"
BROKEN = FIXTURES / "broken"

# What each file of tests/data/broken/ must be told (besides its name and exit 2).
EXPECTED = {
    "911_bad_dates": [
        ":9: 'test911-bad-month': time.at: '2024-13-45'",
        ":16:",
        "'2024-02-30'",
        ":23:",
        "'yesterday'",
    ],
    "911_billion_laughs": [":3: YAML syntax error: an alias (*name) is not allowed"],
    "911_empty": ["source:"],
    "911_occurrence_in_words": [":9:", "'occurrence' must be a whole number", "'second'"],
    "911_source_is_a_list": ["source:"],
    "911_statements_is_a_mapping": ["'statements' must be a list of entries", "found a mapping"],
    "911_subject_is_a_mapping": [
        "entry 2 of 'statements' must be a mapping",
        ":9: 'test911-mapping-subject': 'subject' must be one id or name, found a mapping: {'name': 'Moscow'}",
    ],
    "911_swapped_arguments": [
        "unknown relation type 'russia'; 'russia' is an entity: are 'relation' and 'subject' or 'object' swapped?",
        "'allied-with' is a relation type: are 'subject' and 'relation' swapped?",
        ":15: 'test911-statement-as-object': 'test911-swapped' in 'object' is a statement, expected entity or event",
    ],
    "911_tab_indentation": [":3: YAML syntax error: a tab in the indentation: indent with spaces"],
    "911_top_level_list": ["source:"],
    "911_unknown_keys": [
        "unknown key 'statement' in a source file; did you mean statements?",
        "unknown key 'subjects' in a source file (a source file takes:",
        ":12: 'test911-misspelt-key': unknown key 'subjct' in a statement; did you mean subject",
    ],
}
GENERATED = {  # too binary or too big to keep as files
    "911_invalid_utf8": (b"source:\n  id: 911_invalid_utf8\n  title: caf\xe9\n", ":3: not UTF-8 text"),
    "911_junk_5mb": (random.Random(16).randbytes(5_000_000), "too large for a facts file"),
    "911_junk_bytes": (random.Random(17).randbytes(20_000), "not UTF-8 text"),
    "911_control_character": (b"source:\n  id: \x07\n", ":2: character U+0007 is not allowed in YAML"),
    "911_nested_too_deeply": (b"source: " + b"[" * 3000 + b"]" * 3000, "nested too deeply"),
}


def broken_files(folder: Path) -> dict[Path, list[str]]:
    """The corpus: the files of tests/data/broken/ and the generated ones, written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for stem, expected in EXPECTED.items():
        files[Path(shutil.copy(BROKEN / f"{stem}.yaml", folder / f"{stem}.yaml"))] = expected
    for stem, (content, expected) in GENERATED.items():
        (folder / f"{stem}.yaml").write_bytes(content)
        files[folder / f"{stem}.yaml"] = [expected]
    return files


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory, project_dir: Path) -> Iterator[Path]:
    """One built copy of the project for the whole module: a refused ingest changes nothing."""
    root = tmp_path_factory.mktemp("authoring")
    with pytest.MonkeyPatch.context() as patch:
        copy = copy_project(project_dir, root / "project")
        patch.setenv("KG_PROJECT_DIR", str(copy))
        patch.setenv("KG_DATA_DIR", str(root / "store"))
        get_settings.cache_clear()
        code, output = invoke("build")
        assert code == 0, output
        yield copy
    get_settings.cache_clear()


def flat(output: str) -> str:
    return re.sub(r"\s*\n\s*", " ", output)


def query(sparql: str) -> list[dict[str, str]]:
    code, output = invoke("query", sparql, "--format", "json")
    assert code == 0, output
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(output)["results"]["bindings"]]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_hard_wrapped_report_ingests_on_the_first_run(built_project: Path) -> None:
    code, output = invoke("ingest", str(FACTS), str(TEXT))
    try:
        assert code == 0, output
        assert "statements 7" in output
        facts = FACTS.read_text(encoding="utf-8")
        folded = line_of(facts, "id: test910-column-fights-army")
        assert (
            f"{FACTS}:{folded}: 'test910-column-fights-army': quote matched after folding punctuation"
            in flat(output)
        )
        rows = query(
            """PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?exact ?start ?end WHERE {
              ?ev oa:hasSource <https://w3id.org/syria-kg/id/source/910_wrapped_report> ; oa:hasSelector ?q, ?p .
              ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }"""
        )
        text = TEXT.read_text(encoding="utf-8")
        assert len(rows) == 7
        for row in rows:  # the source's own characters: its line breaks, curly quotes and apostrophes
            assert text[int(row["start"]) : int(row["end"])] == row["exact"]
        assert sum("\n" in row["exact"] for row in rows) == 5
        assert any(row["exact"].startswith("\u201cWe fight the regime\u2019s army") for row in rows)
    finally:
        if code == 0:
            assert invoke("retract", "910_wrapped_report")[0] == 0


def test_every_mistake_of_a_report_is_listed_in_one_run_with_a_suggestion(
    built_project: Path, tmp_path: Path
) -> None:
    before = export_without_history()
    facts = FACTS.read_text(encoding="utf-8")
    mistakes = (
        ("object: Syrian government", "object: Syrian governmnet"),  # an unknown name
        ("quote: Iran supports the Syrian", "quote: Iran backs the Syrian"),  # a quote not in the text
        (
            "time: {at: 2024-12-08}\n    quote: rebel",
            "time: {at: 2024-13-45}\n    quote: rebel",
        ),  # a bad date
        (
            "    quote: a new group",
            "    notes: the monitor is in Britain\n    quote: a new group",
        ),  # unknown key
        (  # another speaker's words in the source's own voice
            "stance: asserted\n    quote: Turkey",
            "stance: asserted\n    by: syrian-observatory-for-human-rights\n    quote: Turkey",
        ),
    )
    for old, new in mistakes:
        assert facts.count(old) == 1, old
        facts = facts.replace(old, new)
    broken = tmp_path / FACTS.name
    broken.write_text(facts, encoding="utf-8")
    code, output = invoke("ingest", str(broken), str(TEXT))
    assert code == 2, output
    shown = flat(output)
    assert "5 problems" in shown

    def at(item: str) -> str:
        return f"{broken}:{line_of(facts, f'id: {item}')}: '{item}': "

    expected = (
        at("test910-russia-ally-of-regime") + "unknown entity or event 'Syrian governmnet' in 'object'; "
        "did you mean assad-regime",
        at("test910-iran-supports-regime")
        + f"quote not found in {TEXT}: 'Iran backs the Syrian government with "
        "advisers and money'; nearest passage (line 4): 'Iran supports the Syrian government with advisers and money,'",
        at("test910-rebels-fight-army") + "time.at: '2024-13-45' is not an EDTF level 1 date",
        at("test910-column-fights-regime") + "unknown key 'notes' in a statement; did you mean note",
        at("test910-turkey-supports-rebels") + "an asserted entry is the source's own voice",
    )
    for message in expected:
        assert message in shown, message
    assert export_without_history() == before


def expect(shown: str, where: str, fragment: str) -> None:
    """A fragment of a message; one that starts with `:LINE:` must follow the file's name."""
    assert (where + fragment if fragment.startswith(":") else fragment) in shown, (
        where,
        fragment,
        shown[-2000:],
    )


def test_no_broken_facts_file_ends_in_a_traceback_on_ingest(built_project: Path, tmp_path: Path) -> None:
    for path, expected in broken_files(tmp_path / "broken").items():
        code, output = invoke("ingest", str(path), str(TEXT))
        assert code == 2, f"{path.name}: exit {code}: {output[-2000:]}"
        assert str(path) in flat(output), path.name
        for fragment in expected:
            expect(flat(output), str(path), fragment)


def test_kg_validate_lists_the_problems_of_every_broken_file_in_one_run(project_copy: Path) -> None:
    corpus = broken_files(project_copy / "kg/data/sources")
    for path in corpus:
        shutil.copy(TEXT, project_copy / "seeds" / f"{path.stem}.txt")
    code, output = invoke("validate")
    assert code == 2, output[-3000:]
    for path, expected in corpus.items():
        assert f"kg/data/sources/{path.name}" in flat(output), path.name
        for fragment in expected:
            expect(flat(output), f"kg/data/sources/{path.name}", fragment)
