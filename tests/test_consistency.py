"""OWL consistency (`kg validate --reason`, `kg build --reason`): HermiT through owlready2, with explanations."""

from pathlib import Path

import pytest
from helpers import export_without_history, invoke

from kg import consistency
from kg.build import BuiltGraph
from kg.consistency import check_consistency
from kg.settings import get_settings
from kg.store import EmbeddedStore

DATA_DIR = Path(__file__).resolve().parent / "data"
UNSATISFIABLE = DATA_DIR / "unsatisfiable-class.ttl"


def test_the_ontology_and_the_built_graph_are_consistent(built: tuple[EmbeddedStore, BuiltGraph]) -> None:
    report = check_consistency(built[1].graphs.values())
    assert report.ok, report.text()
    # every triple is handed to the reasoner, once (a triple two sources both state is one axiom)
    assert report.triples == len({triple for graph in built[1].graphs.values() for triple in graph})


def test_an_individual_of_two_disjoint_classes_is_reported_with_both(project_copy: Path) -> None:
    code, output = invoke("validate", "--reason", str(DATA_DIR / "inconsistent-person-state.ttl"))
    assert code == 1, output
    assert "inconsistent" in output
    assert (
        "res:person-and-state is a kg:Person (typed kg:Person) and a kg:State (typed kg:State), "
        "which are disjoint" in " ".join(output.split())
    )


def test_unsatisfiable_classes_are_named_with_their_disjoint_superclasses(project_copy: Path) -> None:
    code, output = invoke("validate", "--reason", str(UNSATISFIABLE))
    assert code == 1, output
    lines = " ".join(output.split())
    assert "2 unsatisfiable classes" in lines
    for cls in ("PersonState", "HeadOfPersonState"):
        assert (
            f"<https://example.org/test#{cls}>: its superclasses kg:Person and kg:State are disjoint" in lines
        )


def test_build_with_reason_refuses_an_unsatisfiable_class_and_leaves_the_store_unchanged(
    project_copy: Path,
) -> None:
    assert invoke("build")[0] == 0
    before = export_without_history()
    (project_copy / "ontology" / "unsatisfiable.ttl").write_bytes(UNSATISFIABLE.read_bytes())
    code, output = invoke("build", "--reason")
    assert code == 1, output
    assert "<https://example.org/test#PersonState>" in output
    assert export_without_history() == before


def test_without_java_the_check_says_so_and_exits_2(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_JAVA", str(tmp_path / "no-java"))
    get_settings.cache_clear()
    code, output = invoke("build", "--reason")
    assert code == 2, output
    words = " ".join(output.split())
    assert "needs Java" in words and "apt-get install default-jre-headless" in words and "KG_JAVA" in words
    assert invoke("export", "--format", "nquads") == (
        0,
        "",
    )  # failed before any work: the store is still empty


def test_java_is_the_one_kg_java_names_never_one_on_path(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.symlink_to(Path(consistency.find_java()).resolve())  # the Java of this machine, under another name
    decoy = tmp_path / "path"
    decoy.mkdir()
    (decoy / "java").write_text("#!/bin/sh\nexit 3\n")
    (decoy / "java").chmod(0o755)
    monkeypatch.setenv("PATH", str(decoy))  # a java on PATH that cannot run HermiT
    monkeypatch.setenv("KG_JAVA", str(java))
    get_settings.cache_clear()
    assert consistency.find_java() == str(java)
    code, output = invoke("validate", "--reason", str(DATA_DIR / "inconsistent-person-state.ttl"))
    assert code == 1, output
    assert "res:person-and-state is a kg:Person" in " ".join(output.split())
