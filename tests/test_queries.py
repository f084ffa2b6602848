"""Competency questions: every query in queries/ returns exactly its expected rows, every check none.

The expected answers are SPARQL TSV (https://www.w3.org/TR/sparql11-results-csv-tsv/#tsv) as Oxigraph writes
them: `kg query queries/<name>.rq --format tsv > queries/expected/<name>.tsv` regenerates one, after which
every changed row must be checked against the source text.
"""

import difflib
from pathlib import Path

import pytest

from kg.settings import PROJECT_DIR
from kg.store import EmbeddedStore

QUERIES_DIR = PROJECT_DIR / "queries"
EXPECTED_DIR = QUERIES_DIR / "expected"
CHECKS_DIR = QUERIES_DIR / "checks"
QUERIES = sorted(QUERIES_DIR.glob("*.rq"))
CHECKS = sorted(CHECKS_DIR.glob("*.rq"))
TSV = "text/tab-separated-values"
MIN_QUERIES = 25
MIN_CHECKS = 6


def tsv_lines(text: str) -> list[str]:
    """The lines of a SPARQL TSV answer: the header, then one line per row.

    Split on newlines only: TSV escapes newlines inside literals, and a row whose last values are unbound
    ends with tabs that must be kept.

    >>> tsv_lines("?a\\t?b\\n1\\t\\n")
    ['?a\\t?b', '1\\t']
    """
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def answer_diff(expected: list[str], actual: list[str]) -> str:
    """A unified diff of two answers, line by line."""
    return "\n".join(difflib.unified_diff(expected, actual, "expected", "actual", lineterm=""))


@pytest.mark.parametrize("path", QUERIES, ids=[path.name for path in QUERIES])
def test_competency_query_returns_its_expected_rows(store: EmbeddedStore, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = text.splitlines()
    assert header[0].startswith("# cq: "), f"{path.name} must start with '# cq: <question>'"
    assert any(line.startswith("# returns: ") for line in header), f"{path.name} needs a '# returns:' line"

    expected = tsv_lines((EXPECTED_DIR / f"{path.stem}.tsv").read_text(encoding="utf-8"))
    actual = tsv_lines(store.query_bytes(text, TSV).decode("utf-8"))

    assert actual[:1] == expected[:1], f"columns differ:\n{answer_diff(expected, actual)}"
    assert sorted(actual[1:]) == sorted(expected[1:]), f"rows differ:\n{answer_diff(expected, actual)}"
    assert actual[1:] == expected[1:], f"same rows, other order:\n{answer_diff(expected, actual)}"


@pytest.mark.parametrize("path", CHECKS, ids=[path.name for path in CHECKS])
def test_integrity_check_finds_no_violation(store: EmbeddedStore, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# check: "), f"{path.name} must start with '# check: <what it finds>'"
    assert path.name.endswith("-violation.rq"), f"{path.name} must be named <what>-violation.rq"

    rows = store.select(text)

    found = "\n".join(
        "  " + "  ".join(f"{name}={value['value']}" for name, value in row.items()) for row in rows[:20]
    )
    assert rows == [], f"{path.name} found {len(rows)} violation(s):\n{found}"


def test_every_query_has_expected_rows_and_every_expected_file_a_query() -> None:
    queries = {path.stem for path in QUERIES}
    expected = {path.stem for path in EXPECTED_DIR.glob("*.tsv")}

    assert len(QUERIES) >= MIN_QUERIES, f"{len(QUERIES)} competency queries, at least {MIN_QUERIES} wanted"
    assert len(CHECKS) >= MIN_CHECKS, f"{len(CHECKS)} integrity checks, at least {MIN_CHECKS} wanted"
    assert sorted(queries - expected) == [], "queries without queries/expected/<name>.tsv"
    assert sorted(expected - queries) == [], "expected answers without queries/<name>.rq"
    empty = [
        name for name in sorted(expected) if len(tsv_lines((EXPECTED_DIR / f"{name}.tsv").read_text())) < 2
    ]
    assert empty == [], "a competency query must return at least one row"
