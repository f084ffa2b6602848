"""The `kg` command: exit codes, outputs, and that bad input leaves the store exactly as it was."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import export_without_history, invoke
from rdflib import Dataset, Graph

from api.negotiation import choose_among
from kg.cli.common import FormatName
from kg.exports import EXPORT_FORMATS
from kg.formats import formats, names
from kg.vocab import DERIVED_GRAPH


def test_build_prints_counts_and_is_idempotent(project_copy: Path) -> None:
    code, output = invoke("build")
    assert code == 0, output
    assert "graph/derived" in output and "statement" in output
    first = export_without_history()
    code, output = invoke("build")
    assert code == 0, output
    assert export_without_history() == first


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _break_yaml(project: Path) -> str:
    path = project / "kg/data/sources/000_d738c459d04f11ab.yaml"
    _replace(path, "statements:", "statements: [unclosed")
    return "000_d738c459d04f11ab.yaml:"


def _break_turtle(project: Path) -> str:
    path = project / "ontology/actors.ttl"
    path.write_text(path.read_text(encoding="utf-8") + '\nkg:Broken a "unterminated .\n', encoding="utf-8")
    return "actors.ttl:"


def _quote_not_in_source(project: Path) -> str:
    path = project / "kg/data/sources/000_d738c459d04f11ab.yaml"
    _replace(path, "quote: ", "quote: NOT IN THE SOURCE ")
    return "quote not found"


def _unknown_entity(project: Path) -> str:
    path = project / "kg/data/sources/000_d738c459d04f11ab.yaml"
    _replace(path, "subject: ", "subject: no-such-actor-")
    return "unknown entity"


@pytest.mark.parametrize("breakage", [_break_yaml, _break_turtle, _quote_not_in_source, _unknown_entity])
def test_bad_input_exits_2_with_a_message_and_leaves_the_store_unchanged(
    project_copy: Path, breakage: Callable[[Path], str]
) -> None:
    assert invoke("build")[0] == 0
    before = export_without_history()
    expected_message = breakage(project_copy)
    code, output = invoke("build")
    assert code == 2, output
    assert expected_message in output.replace("\n", "")
    assert export_without_history() == before


def test_validate_exits_0_1_2(project_copy: Path, project_dir: Path, tmp_path: Path) -> None:
    assert invoke("validate")[0] == 0
    valid = project_dir / "tests/shapes/S01-valid.ttl"
    assert invoke("validate", str(valid))[0] == 0
    invalid = project_dir / "tests/shapes/S01-invalid-01.ttl"
    code, output = invoke("validate", str(invalid))
    assert code == 1, output
    assert "Constraint Violation" in output
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .", encoding="utf-8")
    code, output = invoke("validate", str(broken))
    assert code == 2
    assert "broken.ttl:1" in output.replace("\n", "")


def test_query_prints_table_csv_json(project_copy: Path) -> None:
    assert invoke("build")[0] == 0
    sparql = (
        "PREFIX kg: <https://w3id.org/syria-kg/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }"
    )
    code, output = invoke("query", sparql, "--format", "json")
    assert code == 0, output
    assert int(json.loads(output)["results"]["bindings"][0]["n"]["value"]) > 20
    code, output = invoke("query", sparql, "--format", "csv")
    assert code == 0 and output.splitlines()[0] == "n"
    code, output = invoke("query", sparql)
    assert code == 0 and "1 rows" in output
    code, output = invoke("query", sparql, "--format", "turtle")  # the names come from kg/formats.py
    assert code == 2 and "'turtle' is not one of" in output


def test_query_syntax_error_exits_2_with_position(project_copy: Path) -> None:
    assert invoke("build")[0] == 0
    code, output = invoke("query", "SELECT * WHERE { ?s ?p }")
    assert code == 2
    assert "line 1, column 25" in output


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")]
)
def test_export_formats_parse(project_copy: Path, fmt: str, rdflib_format: str) -> None:
    assert invoke("build")[0] == 0
    code, output = invoke("export", "--format", fmt)
    assert code == 0
    dataset = Dataset()
    dataset.parse(data=output, format=rdflib_format)
    assert len(dataset) > 1000


def test_export_turtle_of_one_graph(project_copy: Path) -> None:
    assert invoke("build")[0] == 0
    for name in ("turtle", "ntriples"):  # names from kg/formats.py
        code, output = invoke(
            "export", "--format", name, "--graph", "https://w3id.org/syria-kg/graph/derived"
        )
        assert code == 0
        assert len(Graph().parse(data=output, format="turtle")) > 10
    code, output = invoke("export", "--format", "turtle")
    assert code == 2 and "--graph" in output


def test_export_takes_the_aliases_and_media_types_the_http_side_takes(project_copy: Path) -> None:
    assert invoke("build")[0] == 0
    derived = str(DERIVED_GRAPH)
    for alias, name in (("ttl", "turtle"), ("NT", "ntriples"), ("text/turtle", "turtle")):
        assert invoke("export", "--format", alias, "--graph", derived) == invoke(
            "export", "--format", name, "--graph", derived
        )
    assert invoke("export", "-f", "Application/N-Quads") == invoke("export", "--format", "nquads")
    code, output = invoke("export", "--help")
    assert code == 0 and "ttl, nt, nq" in " ".join(output.split())


def test_every_name_of_a_graph_format_means_the_same_on_the_command_line_and_over_http() -> None:
    parse = FormatName("graph")
    graph_formats = formats("graph")
    for fmt in graph_formats:
        for value in (fmt.name, *fmt.aliases, fmt.media_type, *fmt.also_accepts):
            for spelled in (value, value.upper()):
                assert parse(spelled) == choose_among(graph_formats, None, spelled).name


def test_stats_lists_graphs_and_stances(project_copy: Path) -> None:
    assert invoke("build")[0] == 0
    code, output = invoke("stats")
    assert code == 0, output
    for expected in ("graph/source/000_d738c459d04f11ab", "Asserted", "Denied", "allied-with"):
        assert expected in output


@pytest.mark.parametrize(
    ("command", "formats"),
    [
        (["query", "ASK {}"], ["table", *names("results")]),
        (["export"], names("graph")),
        (["blocs"], ["table", "json"]),
        (["diff", "--from", "2024-11-26", "--to", "2024-12-07"], ["table", "json"]),
        (["export-network"], [*EXPORT_FORMATS, "csv"]),
    ],
)
def test_an_unknown_format_is_refused_with_the_formats_there_are(
    command: list[str], formats: list[str]
) -> None:
    code, output = invoke(*command, "--format", "yaml")
    assert code == 2, output
    message = " ".join(word for word in output.split() if word != "│")  # the words, out of Rich's error box
    assert f"'yaml' is not one of {', '.join(map(repr, formats))}" in message
