"""Growth: ingest a second report, corroborate, contradict, close, refuse ambiguity, retract, survive SIGKILL."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import EVENT_AT_AN_ACTOR, copy_project, export_without_history, invoke

from kg.ingest import ingest
from kg.settings import Settings, get_settings
from kg.store import EmbeddedStore

# The fixtures below build on the seed's entities: the project copy keeps the seed as its only source.
pytestmark = pytest.mark.seed_only

FIXTURES = Path(__file__).parent / "data" / "ingest"
FACTS, TEXT = FIXTURES / "900_test_report.yaml", FIXTURES / "900_test_report.txt"


def query(sparql: str) -> list[dict[str, str]]:
    code, output = invoke("query", sparql, "--format", "json")
    assert code == 0, output
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(output)["results"]["bindings"]]


PREFIXES = "PREFIX kg: <https://w3id.org/syria-kg/ontology#> PREFIX res: <https://w3id.org/syria-kg/id/> "


def test_ingest_reports_changes_and_verifies_quotes(project: Path) -> None:
    code, output = invoke("ingest", str(FACTS), str(TEXT))
    assert code == 0, output
    for expected in (
        "corroborations 1",
        "contradictions 1",
        "test-brigade",
        "seeds/900_test_report.txt",
    ):
        assert re.search(expected, output), expected
    assert (project / "seeds/900_test_report.txt").read_bytes() == TEXT.read_bytes()
    assert "`900_test_report.txt`" in (project / "seeds/README.md").read_text(encoding="utf-8")
    text = TEXT.read_text(encoding="utf-8")
    rows = query(
        PREFIXES
        + """PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?exact ?start ?end WHERE {
          ?ev oa:hasSource res:source/900_test_report ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""".replace(
            "res:source/900_test_report", "<https://w3id.org/syria-kg/id/source/900_test_report>"
        )
    )
    assert len(rows) == 4
    for row in rows:
        assert text[int(row["start"]) : int(row["end"])] == row["exact"]


def test_corroborated_statement_has_two_evidences_and_the_denial_is_linked(project: Path) -> None:
    assert invoke("ingest", str(FACTS), str(TEXT))[0] == 0
    evidence = query(
        PREFIXES
        + """SELECT ?ev WHERE { ?s kg:subject res:russia ; kg:object res:assad-regime ;
          kg:relationType <https://w3id.org/syria-kg/relation-type/allied-with> ; kg:stance kg:Asserted ;
          kg:hasEvidence ?ev }"""
    )
    assert len(evidence) == 3  # two quotes in the seed, one in the new report
    denials = query(
        PREFIXES
        + "SELECT ?a ?b WHERE { ?a kg:stance kg:Denied ; kg:contradicts ?b . ?b kg:subject res:russia }"
    )
    assert len(denials) == 1
    closing = query(PREFIXES + "SELECT ?old WHERE { ?new kg:closes ?old }")
    assert closing == [{"old": "https://w3id.org/syria-kg/id/statement/turkey-partner-of-iran-astana"}]


def test_ambiguous_name_is_refused_with_candidates_and_nothing_changes(project: Path, tmp_path: Path) -> None:
    before = export_without_history()
    facts = tmp_path / "900_test_report.yaml"
    facts.write_text(
        FACTS.read_text(encoding="utf-8").replace("subject: russia\n", "subject: Damascus\n"), "utf-8"
    )
    code, output = invoke("ingest", str(facts), str(TEXT))
    assert code == 2
    flat = output.replace("\n", "")
    assert "ambiguous" in flat and "assad-regime" in flat and "damascus (Damascus)" in flat
    assert export_without_history() == before
    assert not (project / "seeds/900_test_report.txt").exists()


def test_an_ingest_that_breaks_a_shape_is_refused_and_changes_nothing(project: Path, tmp_path: Path) -> None:
    before = export_without_history()
    facts = tmp_path / "900_test_report.yaml"
    facts.write_text(FACTS.read_text(encoding="utf-8") + EVENT_AT_AN_ACTOR, "utf-8")
    code, output = invoke("ingest", str(facts), str(TEXT))
    assert code == 1, output
    flat = output.replace("\n", " ")
    assert "test-clash-at-an-actor" in flat and "kg:Place" in flat
    assert export_without_history() == before
    assert not (project / "seeds/900_test_report.txt").exists()


def test_retract_restores_the_exact_prior_export(project: Path) -> None:
    before = export_without_history()
    assert invoke("ingest", str(FACTS), str(TEXT))[0] == 0
    assert export_without_history() != before
    code, output = invoke("retract", "900_test_report")
    assert code == 0, output
    assert export_without_history() == before
    assert not (project / "kg/data/sources/900_test_report.yaml").exists()
    code, output = invoke("history")
    assert code == 0 and "ingest 900_test_report" in output and "retract 900_test_report" in output


def test_ingest_equals_a_full_rebuild(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("ingest", str(FACTS), str(TEXT))[0] == 0
    ingested = export_without_history()
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "rebuilt"))
    get_settings.cache_clear()
    assert invoke("build")[0] == 0
    assert export_without_history() == ingested


def test_a_source_cannot_be_ingested_twice_or_retracted_when_unknown(project: Path) -> None:
    assert invoke("ingest", str(FACTS), str(TEXT))[0] == 0
    code, output = invoke("ingest", str(FACTS), str(TEXT))
    assert code == 2 and "already in the store" in output
    code, output = invoke("retract", "no-such-source")
    assert code == 2 and "000_d738c459d04f11ab" in output


def test_sigkill_mid_ingest_leaves_the_state_before_or_after(project: Path, tmp_path: Path) -> None:
    before = export_without_history()
    assert invoke("ingest", str(FACTS), str(TEXT))[0] == 0
    after = export_without_history()
    assert invoke("retract", "900_test_report")[0] == 0
    env = {**os.environ}
    outcomes = set()
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.4, 3.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "ingest", str(FACTS), str(TEXT)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = export_without_history()
        assert state in (before, after), f"mixed state after SIGKILL at {delay}s"
        outcomes.add("after" if state == after else "before")
        if state == after:
            assert invoke("retract", "900_test_report")[0] == 0
        for leftover in ("kg/data/sources/900_test_report.yaml", "seeds/900_test_report.txt"):
            (project / leftover).unlink(missing_ok=True)
    assert "before" in outcomes


def test_readers_keep_getting_answers_during_an_ingest(project_dir: Path, tmp_path: Path) -> None:
    copy = copy_project(project_dir, tmp_path / "project")
    settings = Settings(project_dir=copy, data_dir=tmp_path / "store")
    store = EmbeddedStore(settings.data_dir)
    from kg.build import build

    build(settings, store)
    answers: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            answers.append(int(rows[0]["n"]["value"]))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        ingest(settings, store, FACTS, TEXT)
    finally:
        done.set()
        reader.join()
        store.close()
    assert len(answers) >= 2
    assert answers == sorted(answers)  # each read sees the state before or after, never a partial one
