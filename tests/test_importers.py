"""ACLED and UCDP GED imports: synthetic CSV files with the real headers, imported end to end into a built copy.

Every row written here is synthetic (its notes or names say so): the tests check the importer, not the world.
"""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from helpers import export_without_history, invoke

from kg.errors import InputError
from kg.importers import ACLED_COLUMNS, UCDP_GED_COLUMNS, Gazetteer, acled_document, read_csv, ucdp_document
from kg.index import Index
from kg.settings import get_settings

# The fixtures below build on the seed's entities: the project copy keeps the seed as its only source.
pytestmark = pytest.mark.seed_only

SYNTHETIC = "SYNTHETIC TEST ROW: not a real event, written by the test suite."
PREFIXES = (
    "PREFIX kg: <https://w3id.org/syria-kg/ontology#> PREFIX res: <https://w3id.org/syria-kg/id/> "
    "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX time: <http://www.w3.org/2006/time#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)


def query(sparql: str) -> list[dict[str, str]]:
    """Distinct rows: a time node shared by two sources is in both their graphs."""
    sparql = sparql.replace("SELECT ?", "SELECT DISTINCT ?", 1)
    code, output = invoke("query", PREFIXES + sparql, "--format", "json")
    assert code == 0, output
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(output)["results"]["bindings"]]


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def acled_row(**values: str) -> dict[str, str]:
    row = {
        "event_id_cnty": "SYNT0001",
        "event_date": "2024-12-05",
        "year": "2024",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Synthetic Test Brigade",
        "inter1": "Rebel Groups",
        "actor2": "Hizballah",
        "inter2": "3",
        "interaction": "",
        "iso": "760",
        "region": "Middle East",
        "country": "Syria",
        "admin1": "Homs",
        "location": "Qousseir",
        "latitude": "0.0",
        "longitude": "0.0",
        "geo_precision": "1",
        "source": "Synthetic source",
        "source_scale": "Other",
        "notes": SYNTHETIC,
        "fatalities": "3",
        "timestamp": "1733400000",
    }
    return row | values


ACLED_ROWS = [
    acled_row(),
    acled_row(
        event_id_cnty="SYNT0002",
        event_date="6 December 2024",
        event_type="Violence against civilians",
        sub_event_type="Attack",
        actor1="Synthetic Test Militia",
        inter1="3",
        actor2="Civilians (Syria)",
        inter2="7",
        admin1="Idleb",
        location="Synthetic Village",
        fatalities="0",
    ),
    acled_row(
        event_id_cnty="SYNT0003",
        event_date="2024-12-07",
        disorder_type="Demonstrations",
        event_type="Protests",
        sub_event_type="Peaceful protest",
        actor1="Protesters (Syria)",
        inter1="Protesters",
        actor2="",
        inter2="",
        admin1="Damascus",
        location="Damascus",
        notes=SYNTHETIC + ' Its notes hold a comma, a "quoted" word\nand a second line.',
        fatalities="0",
    ),
]


def ucdp_row(**values: str) -> dict[str, str]:
    row = {
        "id": "990001",
        "relid": "SYN-2024-1-990001",
        "year": "2024",
        "active_year": "1",
        "code_status": "Clear",
        "type_of_violence": "1",
        "conflict_name": "Synthetic test conflict",
        "dyad_name": "Government of Syria - Synthetic Test Brigade",
        "side_a": "Government of Syria",
        "side_b": "Synthetic Test Brigade",
        "number_of_sources": "1",
        "source_article": SYNTHETIC,
        "where_prec": "1",
        "where_coordinates": "Hama",
        "where_description": "Synthetic description",
        "adm_1": "Hama governorate",
        "latitude": "0.0",
        "longitude": "0.0",
        "country": "Syria",
        "country_id": "652",
        "region": "Middle East",
        "event_clarity": "1",
        "date_prec": "1",
        "date_start": "2024-12-01 00:00:00.000",
        "date_end": "2024-12-03 00:00:00.000",
        "best": "5",
        "high": "7",
        "low": "4",
    }
    return row | values


UCDP_ROWS = [
    ucdp_row(),
    ucdp_row(
        id="990002",
        relid="SYN-2024-3-990002",
        type_of_violence="3",
        side_a="Synthetic Test Brigade",
        side_b="Civilians",
        where_coordinates="Qusayr",
        adm_1="Homs governorate",
        date_start="2024-12-04T00:00:00",
        date_end="2024-12-04T00:00:00",
        best="2",
        low="2",
        high="2",
    ),
]


def evidence_of(source_id: str) -> list[dict[str, str]]:
    return query(
        f"""SELECT ?x ?type ?exact ?start ?end ?note WHERE {{
          ?x kg:hasEvidence ?ev ; a ?type ; rdfs:comment ?note .
          ?ev oa:hasSource <https://w3id.org/syria-kg/id/source/{source_id}> ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
          FILTER (?type IN (kg:ArmedClash, kg:AttackOnCivilians, kg:Demonstration, kg:Quantity))
        }}"""
    )


def test_acled_export_imports_with_provenance_down_to_the_row(project: Path, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, ACLED_ROWS)
    code, output = invoke("import-acled", str(csv_file), "--id", "acled_synthetic_test")
    assert code == 0, output
    for expected in ("events 3", "quantities 3", "seeds/acled_synthetic_test.csv"):
        assert re.search(expected, output), expected
    installed = project / "seeds" / "acled_synthetic_test.csv"
    assert installed.read_bytes() == csv_file.read_bytes()
    assert (project / "kg/data/sources/acled_synthetic_test.yaml").is_file()

    text = csv_file.read_text(encoding="utf-8")
    rows, problems = read_csv(text, ("event_id_cnty",), "ACLED")
    assert problems == [] and len(rows) == 3 and "\n" in rows[2].raw  # the third record spans two lines
    evidence = evidence_of("acled_synthetic_test")
    assert len(evidence) == 6  # one event and one figure of deaths per row
    by_row = {row.raw: row for row in rows}
    for item in evidence:
        start, end = int(item["start"]), int(item["end"])
        assert text[start:end] == item["exact"]
        row = by_row[item["exact"]]  # the quote is exactly one CSV record
        assert start == row.start and f"CSV line {row.line}" in item["note"]

    clash = query(
        """SELECT ?type ?place ?agent ?when WHERE { res:acled-synt0001 a ?type ; kg:place ?place ;
           kg:agent ?agent ; kg:during/time:inXSDDate ?when
           FILTER NOT EXISTS { res:acled-synt0001 a ?narrower . ?narrower rdfs:subClassOf+ ?type } }"""
    )
    assert {row["type"].rsplit("#")[-1] for row in clash} == {"ArmedClash"}
    assert {row["place"].rsplit("/")[-1] for row in clash} == {"qusayr", "homs-province"}
    assert {row["agent"].rsplit("/")[-1] for row in clash} == {"synthetic-test-brigade", "hezbollah"}
    assert {row["when"] for row in clash} == {"2024-12-05"}
    attack = query(
        "SELECT ?target ?day WHERE { res:acled-synt0002 kg:target ?target ; kg:during/time:inXSDDate ?day }"
    )
    assert attack == [{"target": "https://w3id.org/syria-kg/id/civilians-syria", "day": "2024-12-06"}]
    protest = query("SELECT ?place WHERE { res:acled-synt0003 a kg:Demonstration ; kg:place ?place }")
    assert protest == [{"place": "https://w3id.org/syria-kg/id/damascus"}]
    deaths = query(
        """SELECT ?value ?by WHERE { res:acled-synt0001-deaths kg:quantifies res:acled-synt0001 ;
           kg:quantityKind kg:Deaths ; kg:numericValue ?value ; kg:qualifier kg:AsStated ;
           kg:stance kg:Asserted ; <http://www.w3.org/ns/prov#wasAttributedTo> ?by }"""
    )
    assert deaths == [{"value": "3", "by": "https://w3id.org/syria-kg/id/acled"}]
    kinds = query(
        """SELECT ?x ?type WHERE { VALUES ?x { res:synthetic-test-militia res:civilians-syria
           res:synthetic-village res:acled } ?x a ?type
           FILTER NOT EXISTS { ?x a ?narrower . ?narrower rdfs:subClassOf+ ?type } }"""
    )
    assert {(r["x"].rsplit("/")[-1], r["type"].rsplit("#")[-1]) for r in kinds} == {
        ("synthetic-test-militia", "ArmedGroup"),
        ("civilians-syria", "UnnamedSource"),
        ("synthetic-village", "Town"),
        ("acled", "NGO"),
    }


def test_ucdp_export_imports_and_reuses_what_an_earlier_import_minted(project: Path, tmp_path: Path) -> None:
    acled = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, ACLED_ROWS[:1])
    assert invoke("import-acled", str(acled), "--id", "acled_synthetic_test")[0] == 0
    csv_file = write_csv(tmp_path / "ged.csv", UCDP_GED_COLUMNS, UCDP_ROWS)
    code, output = invoke("import-ucdp", str(csv_file), "--id", "ucdp_synthetic_test", "--date", "2025-06-01")
    assert code == 0, output
    assert "events 2 · quantities 2" in output
    text = csv_file.read_text(encoding="utf-8")
    for item in evidence_of("ucdp_synthetic_test"):
        assert text[int(item["start"]) : int(item["end"])] == item["exact"]
        assert item["exact"].startswith("99000")
    clash = query(
        """SELECT ?agent ?from ?until WHERE { res:ucdp-ged-990001 a kg:ArmedClash ; kg:agent ?agent ;
           kg:during ?t . ?t kg:fromDate ?from ; kg:untilDate ?until }"""
    )
    assert {row["agent"].rsplit("/")[-1] for row in clash} == {
        "government-of-syria",
        "synthetic-test-brigade",
    }
    assert {(row["from"], row["until"]) for row in clash} == {("2024-12-01", "2024-12-03")}
    places = query("SELECT ?place WHERE { res:ucdp-ged-990001 kg:place ?place }")
    assert {row["place"].rsplit("/")[-1] for row in places} == {"hama", "hama-province"}
    one_sided = query(
        """SELECT ?agent ?target WHERE { res:ucdp-ged-990002 a kg:AttackOnCivilians ; kg:agent ?agent ;
           kg:target ?target }"""
    )
    assert one_sided == [
        {
            "agent": "https://w3id.org/syria-kg/id/synthetic-test-brigade",
            "target": "https://w3id.org/syria-kg/id/civilians",
        }
    ]
    best = query("SELECT ?value WHERE { res:ucdp-ged-990001-deaths kg:numericValue ?value }")
    assert best == [{"value": "5"}]
    source = query(
        """SELECT ?date ?publisher WHERE { <https://w3id.org/syria-kg/id/source/ucdp_synthetic_test>
           <http://purl.org/dc/terms/date> ?date ; <http://purl.org/dc/terms/publisher> ?publisher }"""
    )
    assert source == [{"date": "2025-06-01", "publisher": "https://w3id.org/syria-kg/id/ucdp"}]


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(project: Path, tmp_path: Path) -> None:
    before = export_without_history()
    rows = [
        ACLED_ROWS[0],
        acled_row(event_id_cnty="SYNT0004", event_date="2024-13-45"),
        acled_row(event_id_cnty="SYNT0005", fatalities=""),
        acled_row(event_id_cnty="SYNT0006", event_type="Synthetic type", inter2="9"),
    ]
    csv_file = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, rows)
    code, output = invoke("import-acled", str(csv_file), "--id", "acled_bad_test")
    assert code == 2
    flat = " ".join(output.split())
    assert "3 bad row(s)" in flat and "nothing was imported" in flat
    assert re.search(r"line 3: event_date '2024-13-45' is not a date", flat)
    assert "line 4: fatalities is missing" in flat
    assert "line 5: event_type 'Synthetic type' is not an ACLED event type" in flat and "inter2 '9'" in flat
    assert "line 2" not in flat
    assert export_without_history() == before
    assert not (project / "seeds/acled_bad_test.csv").exists()
    assert not (project / "kg/data/sources/acled_bad_test.yaml").exists()

    bad_ucdp = write_csv(
        tmp_path / "ged.csv", UCDP_GED_COLUMNS, [ucdp_row(date_start="2024-12-05", date_end="2024-12-01")]
    )
    code, output = invoke("import-ucdp", str(bad_ucdp), "--id", "ucdp_bad_test")
    assert code == 2 and "line 2: date_start 2024-12-05 is after date_end 2024-12-01" in " ".join(
        output.split()
    )
    assert export_without_history() == before


def test_a_reimported_row_and_a_wrong_header_are_refused(project: Path, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, ACLED_ROWS[:1])
    assert invoke("import-acled", str(first), "--id", "acled_synthetic_test")[0] == 0
    code, output = invoke("import-acled", str(first), "--id", "acled_synthetic_again")
    assert code == 2 and "already in the store" in " ".join(output.split())
    wrong = write_csv(tmp_path / "ged.csv", UCDP_GED_COLUMNS, UCDP_ROWS)
    code, output = invoke("import-acled", str(wrong), "--id", "acled_wrong_header")
    assert code == 2 and "line 1: not a ACLED header" in " ".join(output.split())


def test_retracting_an_import_restores_the_prior_export(project: Path, tmp_path: Path) -> None:
    before = export_without_history()
    # Dates no other source uses (the next test covers a date shared with the seed).
    rows = [acled_row(event_date="2023-01-0" + str(n), event_id_cnty=f"SYNT000{n}") for n in (1, 2)]
    csv_file = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, rows)
    assert (
        invoke("import-acled", str(csv_file), "--id", "acled_synthetic_test", "--date", "2023-02-01")[0] == 0
    )
    code, output = invoke("retract", "acled_synthetic_test")
    assert code == 0, output
    assert export_without_history() == before


def test_an_import_sharing_a_date_with_the_seed_can_be_retracted(project: Path, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row(event_date="2024-12-07")])
    assert invoke("import-acled", str(csv_file), "--id", "acled_synthetic_test")[0] == 0
    code, output = invoke("retract", "acled_synthetic_test")
    assert code == 0, output


def test_an_ambiguous_actor_name_makes_the_row_bad() -> None:
    index = Index()
    for slug in ("test-front-north", "test-front-south"):
        index.define(slug, "entity", "test")
        index.add_names(slug, ["Test Front"])
        index.labels[slug] = slug.replace("-", " ").title()
    gazetteer = Gazetteer(index)
    for slug in ("test-front-north", "test-front-south"):
        gazetteer.groups[slug].add("Actor")
    buffer = io.StringIO()
    write = csv.DictWriter(buffer, fieldnames=list(ACLED_COLUMNS), restval="", lineterminator="\n")
    write.writeheader()
    write.writerow(acled_row(actor1="Test Front", actor2=""))
    with pytest.raises(InputError) as error:
        acled_document(buffer.getvalue(), "acled_synthetic_test", gazetteer)
    message = str(error.value)
    assert "line 2: actor1 'Test Front' names several actors" in message
    assert "test-front-north (Test Front North), test-front-south (Test Front South)" in message
    # The same name in a place column is looked up among places only: nothing there, so a new town.
    buffer = io.StringIO()
    write = csv.DictWriter(buffer, fieldnames=list(UCDP_GED_COLUMNS), restval="", lineterminator="\n")
    write.writeheader()
    write.writerow(ucdp_row(where_coordinates="Test Front"))
    document = ucdp_document(buffer.getvalue(), "ucdp_synthetic_test", gazetteer)
    assert document["entities"]["test-front"]["type"] == ["Town"]


def test_an_import_equals_a_full_rebuild(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_file = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, ACLED_ROWS)
    assert invoke("import-acled", str(csv_file), "--id", "acled_synthetic_test")[0] == 0
    imported = export_without_history()
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "rebuilt"))
    get_settings.cache_clear()
    assert invoke("build")[0] == 0  # from kg/data/sources/acled_synthetic_test.yaml and seeds/*.csv
    assert export_without_history() == imported


def test_records_keep_their_exact_text_with_a_bom_and_crlf_line_ends() -> None:
    text = '\ufeffevent_id_cnty,notes\r\nSYNT1,"two\r\nlines"\r\n\r\nSYNT2,plain\r\n'
    rows, problems = read_csv(text, ("event_id_cnty", "notes"), "ACLED")
    assert problems == []
    assert [(row.line, row.raw, row.values["notes"]) for row in rows] == [
        (2, 'SYNT1,"two\r\nlines"', "two\r\nlines"),
        (5, "SYNT2,plain", "plain"),
    ]
    assert all(text[row.start : row.start + len(row.raw)] == row.raw for row in rows)
