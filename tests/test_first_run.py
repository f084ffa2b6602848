"""A newcomer's first hour: each stumble reported on a fresh checkout, with the behaviour that replaced it.

Run as a person would: `kg` in a subprocess (exit code, what it prints, never a traceback), or the endpoint
over HTTP. The `kg serve` stumbles (SIGTERM, a port in use) are in test_serve.py; packaging in
test_packaging.py; README's own commands in test_readme.py.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from helpers import invoke
from processes import program

from kg.settings import PROJECT_DIR

INGEST_FIXTURE = PROJECT_DIR / "tests" / "data" / "ingest"


def kg(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    """`kg ARGS` in its own process, as typed in a shell: exit code, stdout and stderr together."""
    result = subprocess.run(
        [program("kg"), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


def test_a_missing_query_file_is_named_as_missing(project: Path) -> None:
    code, output = kg("query", "queries/who_supports_the_assad_regime_and_who_says_so.rq")
    assert code == 2
    assert "no such file: queries/who_supports_the_assad_regime_and_who_says_so.rq" in output
    code, output = kg("query", "no/such/dir/query")  # a path, though not ending in .rq
    assert (code, "no such file: no/such/dir/query" in output) == (2, True)


def test_a_query_file_given_by_path_runs(project: Path, tmp_path: Path) -> None:
    query = tmp_path / "count"
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert invoke("query", str(query)) == (0, "yes\n")


def test_readme_ingest_example_draft_is_named_by_the_analyst(project: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    shutil.copyfile(INGEST_FIXTURE / "900_test_report.txt", report)
    code, output = invoke("mentions", str(report), "--draft", str(tmp_path / "900_test_report.yaml"))
    assert code == 0, output
    draft = yaml.safe_load((tmp_path / "900_test_report.yaml").read_text(encoding="utf-8"))
    assert draft["source"]["id"] == "900_test_report"
    assert "seeds/900_test_report.txt" in (tmp_path / "900_test_report.yaml").read_text(encoding="utf-8")
    code, output = invoke("mentions", str(report), "--draft", str(tmp_path / "draft.txt"))
    assert code == 2 and "YAML file named after the source id" in output


def test_ingest_prints_the_summary_line_readme_shows(project: Path, tmp_path: Path) -> None:
    code, output = invoke(
        "ingest", str(INGEST_FIXTURE / "900_test_report.yaml"), str(INGEST_FIXTURE / "900_test_report.txt")
    )
    assert code == 0, output
    readme_line = (
        "Ingested 900_test_report: new entities 1 · statements 3 · corroborations 1 · contradictions 1"
    )
    assert readme_line in (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert output.splitlines()[0] == readme_line


def test_ingest_with_swapped_arguments_says_so(project: Path) -> None:
    facts, text = INGEST_FIXTURE / "900_test_report.yaml", INGEST_FIXTURE / "900_test_report.txt"
    code, output = kg("ingest", str(text), str(facts))
    assert code == 2
    assert "arguments look swapped" in output and "kg ingest FACTS.yaml TEXT" in output


@pytest.mark.parametrize("content", ["just a line of text\n", "- a\n- list\n", "source: a string\n", ""])
def test_ingest_of_a_yaml_file_that_is_not_facts_exits_2(project: Path, tmp_path: Path, content: str) -> None:
    facts = tmp_path / "901_not_facts.yaml"
    facts.write_text(content, encoding="utf-8")
    code, output = kg("ingest", str(facts), str(INGEST_FIXTURE / "900_test_report.txt"))
    assert code == 2
    assert "not a facts file" in output and "901_not_facts.yaml:1" in output


def test_an_undeclared_prefix_is_named_with_the_known_ones(project: Path) -> None:
    code, output = kg("query", "SELECT ?x WHERE {\n  ?x a kg:Actor\n}")
    assert code == 2
    assert "SPARQL syntax error at line 2, column 8: undeclared prefix 'kg:'" in output
    assert "PREFIX kg: <https://w3id.org/syria-kg/ontology#>" in output and "res, " in output
    assert "['%']" not in output and "u{00B7}" not in output


def test_a_parser_message_keeps_position_and_drops_character_classes(project: Path) -> None:
    code, output = kg("query", "SELECT * WHERE { ?s ?p ?o ")
    assert code == 2
    assert "line 1, column 27: expected one of " in output and '"}"' in output
    assert "[" not in output.split("expected one of ", 1)[1].splitlines()[0]
    code, output = kg("query", "SELEC * WHERE { ?s ?p ?o }")
    assert code == 2 and "expected a query form: SELECT, CONSTRUCT, ASK or DESCRIBE" in output


def test_the_endpoint_gives_the_same_readable_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x a kg:Actor }"})
    assert response.status_code == 400
    message = response.json()["error"]
    assert "line 1, column 24: undeclared prefix 'kg:'" in message
    assert "u{00B7}" not in message


def test_validate_checks_an_authored_facts_file_as_facts(project_copy: Path) -> None:
    code, output = kg("validate", "kg/data/entities.yaml", cwd=project_copy)
    assert code == 0, output
    assert "Conforms" in output and "kg/data/entities.yaml" in output


def test_validate_explains_what_to_do_with_a_new_sources_facts(project_copy: Path) -> None:
    code, output = kg("validate", str(INGEST_FIXTURE / "900_test_report.yaml"))
    assert code == 2
    assert "is a facts file" in output and "run `kg validate` alone" in output and "kg ingest" in output


def run_browser_tests(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The browser tests of one module in a pytest of their own, with `env` set and nothing else of KG_*."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KG_")} | env
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_browser_map.py", "-p", "no:cacheprovider", "-q", "-rs"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_chromium_the_browser_tests_are_skipped_and_counted(tmp_path: Path) -> None:
    result = run_browser_tests(tmp_path, KG_CHROMIUM=str(tmp_path / "no-chromium"))
    assert result.returncode == 0, result.stdout
    assert "3 skipped" in result.stdout
    assert "no Chromium at" in result.stdout and "KG_CHROMIUM" in result.stdout


def test_ci_counts_a_skipped_test_as_a_failure(tmp_path: Path) -> None:
    result = run_browser_tests(tmp_path, KG_CHROMIUM=str(tmp_path / "no-chromium"), KG_TEST_FAIL_ON_SKIP="1")
    assert result.returncode == 1, result.stdout
    assert "FAILED: 3 tests skipped while KG_TEST_FAIL_ON_SKIP is set" in result.stdout
