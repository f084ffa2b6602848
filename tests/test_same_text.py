"""The same text twice: refused with the id it has, unless declared a reprint (a copy, never corroboration);
history lists exactly the files of each ingest, in the store and in the repository; the seeds/README.md row."""

import json
from pathlib import Path

import pytest
from helpers import export_without_history, invoke

from kg.settings import get_settings

# The fixtures below build on the seed's entities: the project copy keeps the seed as its only source.
pytestmark = pytest.mark.seed_only

FIXTURES = Path(__file__).parent / "data" / "ingest"
FACTS, TEXT = FIXTURES / "900_test_report.yaml", FIXTURES / "900_test_report.txt"
COPY = "930_same_text"
REPRINT_OF = "reprint_of: 900_test_report\n"


def copy_of(
    tmp_path: Path, text: str, source_block_extra: str = "", with_statements: bool = True
) -> tuple[Path, Path]:
    """Facts and text of a new source, 930_same_text, with `text`."""
    facts = FACTS.read_text(encoding="utf-8").replace("900_test_report", COPY)
    facts = facts.replace(
        "  author: report-000-author\n", "  author: report-000-author\n  " + source_block_extra
    )
    if not with_statements:
        facts = facts.split("\nentities:\n")[0] + "\n"
    facts_path, text_path = tmp_path / f"{COPY}.yaml", tmp_path / f"{COPY}.txt"
    facts_path.write_text(facts, encoding="utf-8")
    text_path.write_text(text, encoding="utf-8")
    return facts_path, text_path


def evidence_count() -> int:
    code, output = invoke(
        "query",
        "SELECT (COUNT(?e) AS ?n) WHERE { ?s <https://w3id.org/syria-kg/ontology#hasEvidence> ?e }",
        "--format",
        "json",
    )
    assert code == 0, output
    return int(json.loads(output)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def ingested(project: Path) -> Path:
    code, output = invoke("ingest", str(FACTS), str(TEXT))
    assert code == 0, output
    return project


@pytest.mark.parametrize(
    ("variant", "how"),
    [
        (lambda text: text, "same SHA-256"),
        (lambda text: text.replace(", officials", ",\n  officials").replace("\n", "\r\n"), "whitespace"),
    ],
    ids=["identical", "rewrapped"],
)
def test_the_same_text_under_a_new_id_is_refused_with_the_id_it_has(
    ingested: Path, tmp_path: Path, variant, how
) -> None:
    before = export_without_history()
    facts, text = copy_of(tmp_path, variant(TEXT.read_text(encoding="utf-8")))
    code, output = invoke("ingest", str(facts), str(text))
    flat = " ".join(output.split())
    assert code == 2, output
    assert "already in the graph as source '900_test_report'" in flat and how in flat and "reprint_of" in flat
    assert export_without_history() == before
    assert not (ingested / f"seeds/{COPY}.txt").exists()


def test_a_declared_reprint_is_a_copy_and_never_corroborates(ingested: Path, tmp_path: Path) -> None:
    evidence = evidence_count()
    facts, text = copy_of(tmp_path, TEXT.read_text(encoding="utf-8"), REPRINT_OF)
    code, output = invoke("ingest", str(facts), str(text))
    assert code == 2 and "carries no facts of its own" in " ".join(output.split()), output
    facts, text = copy_of(tmp_path, TEXT.read_text(encoding="utf-8"), REPRINT_OF, with_statements=False)
    code, output = invoke("ingest", str(facts), str(text))
    assert code == 0, output
    assert evidence_count() == evidence
    code, output = invoke(
        "query",
        "SELECT ?o WHERE { <https://w3id.org/syria-kg/id/source/930_same_text> "
        "<https://w3id.org/syria-kg/ontology#reprintOf> ?o }",
        "--format",
        "json",
    )
    assert code == 0, output
    rows = json.loads(output)["results"]["bindings"]
    assert [row["o"]["value"] for row in rows] == ["https://w3id.org/syria-kg/id/source/900_test_report"]


def test_history_lists_exactly_the_files_of_each_ingest_and_survives_a_rebuild(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts, text = copy_of(tmp_path, TEXT.read_text(encoding="utf-8"), REPRINT_OF, with_statements=False)
    assert invoke("ingest", str(facts), str(text))[0] == 0

    def ingests() -> dict[str, list[str]]:
        code, output = invoke("history", "--format", "json")
        assert code == 0, output
        rows = json.loads(output)
        return {
            row["label"]: [file["path"] for file in row["files"]] for row in rows if row["kind"] == "ingest"
        }

    expected = {
        "ingest 900_test_report": ["kg/data/sources/900_test_report.yaml", "seeds/900_test_report.txt"],
        f"ingest {COPY}": [f"kg/data/sources/{COPY}.yaml", f"seeds/{COPY}.txt"],
    }
    assert ingests() == expected  # the two texts have one hash, yet each ingest lists only its own file
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "rebuilt"))
    get_settings.cache_clear()
    assert invoke("build")[0] == 0
    assert ingests() == expected


def test_history_wraps_long_ids_instead_of_cutting_them(ingested: Path) -> None:
    code, output = invoke("history")
    assert code == 0, output
    files_column = "".join(line.split("│")[3].strip() for line in output.splitlines() if line.count("│") == 4)
    assert (
        "kg/data/sources/900_test_report.yaml" in files_column and "seeds/900_test_report.txt" in files_column
    )
    assert "…" not in output


@pytest.mark.parametrize(
    ("extra", "origin"),
    [("url: https://example.org/report\n  ", "https://example.org/report"), ("", "not stated")],
)
def test_the_seeds_readme_row_puts_each_value_in_its_column(
    project: Path, tmp_path: Path, extra: str, origin: str
) -> None:
    facts, text = copy_of(
        tmp_path, "A different text, with nothing to quote.\n", extra, with_statements=False
    )
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("  language: en\n", "  language: en\n  publisher: afp\n"),
        "utf-8",
    )
    code, output = invoke("ingest", str(facts), str(text))
    assert code == 0, output
    readme = (project / "seeds/README.md").read_text(encoding="utf-8")
    header = next(line for line in readme.splitlines() if line.startswith("| file |"))
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{COPY}.txt` |"))
    columns = [cell.strip() for cell in header.strip("|").split("|")]
    cells = dict(zip(columns, (cell.strip() for cell in row.strip("|").split("|")), strict=True))
    assert cells == {
        "file": f"`{COPY}.txt`",
        "date": "2024-12-08",
        "language": "en",
        "publisher": "afp",
        "origin": origin,
    }
