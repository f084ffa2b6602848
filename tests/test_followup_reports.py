"""Four follow-up reports (8-10 December 2024) ingest on top of the seed with every claim as structure (#15).

The reports in tests/data/ingest/901_* to 904_* are synthetic fixtures written for this test: rebels take Damascus,
a nom de guerre, asylum in Russia relayed by TASS from a Kremlin source, the 1974 Israel-Syria agreement declared
dead. They are ingested in order, through the documented workflow (`kg build`, then `kg ingest FACTS TEXT`), into
a copy of the project. Each claim of each report is listed with the SPARQL query that must find it as structure;
the as-of questions are asked before, during and after the change (the rule: docs/model.md, `kg/asof.py`).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from helpers import FOLLOW_UP_FIXTURES as FIXTURES
from helpers import FOLLOW_UP_REPORTS as REPORTS
from helpers import invoke, project_with_follow_ups

from kg.quotes import find_all

FIXTURE_MARK = "TEST FIXTURE - a synthetic report written for the test suite; it is not a real news source.\n"
PREFIXES = """PREFIX kg: <https://w3id.org/syria-kg/ontology#>
PREFIX rt: <https://w3id.org/syria-kg/relation-type/>
PREFIX res: <https://w3id.org/syria-kg/id/>
PREFIX st: <https://w3id.org/syria-kg/id/statement/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass(frozen=True)
class Claim:
    """One claim of a report, in words, and the ASK query that finds it in the graph."""

    report: str
    text: str
    ask: str


CLAIMS = [
    # ---------------------------------------------------------------- 901: Damascus taken (OSDH, a rebel commander)
    Claim(
        "901",
        "rebel forces took control of Damascus on 8 December 2024 (change of control)",
        """ASK { ?st kg:subject res:rebel-coalition ; kg:relationType rt:controls ; kg:object res:damascus ;
                     kg:stance kg:Asserted ; kg:holdsFrom "2024-12-08"^^xsd:date }""",
    ),
    Claim(
        "901",
        "government forces had held Damascus since 2011, until the rebels took it",
        """ASK { ?st kg:subject res:syrian-army ; kg:relationType rt:controls ; kg:object res:damascus ;
                     kg:holdsFrom "2011-01-01"^^xsd:date ; kg:holdsTo "2024-12-07"^^xsd:date ;
                     kg:supersededBy ?later .
                 ?later kg:subject res:rebel-coalition }""",
    ),
    Claim(
        "901",
        "rebel forces entered Damascus overnight from 7 to 8 December (an overnight event)",
        """ASK { res:capture-of-damascus-2024 a kg:Capture ; kg:agent res:rebel-coalition ; kg:target res:damascus ;
                     kg:subEventOf res:rebel-offensive-2024 ; kg:during ?t .
                 ?t kg:edtf "2024-12-07/2024-12-08" ; kg:fromDate "2024-12-07"^^xsd:date ;
                    kg:untilDate "2024-12-08"^^xsd:date }""",
    ),
    Claim(
        "901",
        "Hassan Abdel Ghani declared Damascus free on state television",
        """ASK { res:abdel-ghani-declares-damascus-free a kg:PublicStatement ; kg:agent res:hassan-abdel-ghani ;
                     kg:during/kg:fromDate "2024-12-08"^^xsd:date }""",
    ),
    Claim(
        "901",
        "the seed's rumour that Assad fled the country is confirmed by the OSDH director (a rumour confirmed)",
        """ASK { st:assad-fled-syria-rumour kg:confirmedBy st:assad-fled-syria-osdh-2024-12-08 .
                 st:assad-fled-syria-osdh-2024-12-08 kg:stance kg:Reported ;
                     prov:wasAttributedTo res:rami-abdel-rahman ; kg:subject res:bashar-al-assad ;
                     kg:relationType rt:fled-from ; kg:object res:syria .
                 st:assad-fled-syria-rumour kg:stance kg:Rumoured }""",
    ),
    Claim(
        "901",
        "the presidency's denial of 7 December does not contradict the report of 8 December",
        """ASK { GRAPH <https://w3id.org/syria-kg/graph/derived> { res:bashar-al-assad kg:fledFrom res:syria }
                 FILTER NOT EXISTS { st:assad-fled-syria-osdh-2024-12-08 kg:contradicts ?denial }
                 FILTER NOT EXISTS { ?denial kg:contradicts st:assad-fled-syria-osdh-2024-12-08 } }""",
    ),
    Claim(
        "901",
        "hundreds of soldiers abandoned their posts (a vague quantity, no invented number)",
        """ASK { res:soldiers-who-abandoned-posts-2024-12-08 a kg:Quantity ; kg:amountText ?words ;
                     kg:quantifies res:soldiers-abandon-posts-around-damascus .
                 FILTER (STR(?words) = "hundreds")
                 FILTER NOT EXISTS { res:soldiers-who-abandoned-posts-2024-12-08 kg:numericValue ?n } }""",
    ),
    Claim(
        "901",
        "dozens of officers among them (a part-of link between quantities)",
        """ASK { res:officers-who-abandoned-posts-2024-12-08 kg:amountText ?words ;
                     kg:partOf res:soldiers-who-abandoned-posts-2024-12-08 .
                 FILTER (STR(?words) = "dozens") }""",
    ),
    Claim(
        "901",
        "the army may still hold the coast, says a Western diplomat (a hedged statement)",
        """ASK { st:syrian-army-may-hold-coast kg:modality kg:Possible ; kg:stance kg:Reported ;
                     prov:wasAttributedTo res:western-diplomat-901 ; kg:subject res:syrian-army ;
                     kg:object res:mediterranean-coast-of-syria }""",
    ),
    # ---------------------------------------------------------------- 902: a nom de guerre, an offer (HTS, PM)
    Claim(
        "902",
        "Abu Mohammed al-Jolani is a nom de guerre of Ahmed al-Sharaa (a new alias of a known person)",
        """ASK { ?name a kg:NameAttestation .
                 GRAPH <https://w3id.org/syria-kg/graph/source/902_new_names_and_offers> {
                     res:ahmed-al-sharaa skos:altLabel ?alias }
                 FILTER (STR(?alias) = "Abu Mohammed al-Jolani") }""",
    ),
    Claim(
        "902",
        "Mohammed al-Jalali is Prime Minister of Syria",
        """ASK { ?st kg:subject res:mohammed-al-jalali ; kg:relationType rt:holds-office ;
                     kg:object res:prime-minister-of-syria ; kg:stance kg:Asserted .
                 FILTER NOT EXISTS { ?st kg:modality ?any } }""",
    ),
    Claim(
        "902",
        "the prime minister said on Sunday he was ready to hand over power to the opposition",
        """ASK { ?st kg:subject res:mohammed-al-jalali ; kg:relationType rt:offers-to-hand-over-power-to ;
                     kg:object res:syrian-opposition ; kg:stance kg:Reported ;
                     prov:wasAttributedTo res:mohammed-al-jalali ; kg:statedOn "2024-12-08"^^xsd:date }""",
    ),
    Claim(
        "902",
        "if the handover goes ahead, al-Jalali stays prime minister (a conditional)",
        """ASK { st:al-jalali-stays-prime-minister-if-handover kg:modality kg:Conditional ;
                     kg:conditionalOn res:handover-of-power-to-opposition ;
                     prov:wasAttributedTo res:hayat-tahrir-al-sham }""",
    ),
    Claim(
        "902",
        "the handover is a possible event, not a fact",
        """ASK { res:handover-of-power-to-opposition a kg:EventClaim ; kg:modality kg:Possible ;
                     kg:claimedEventType kg:StrategicDevelopment .
                 FILTER NOT EXISTS { res:handover-of-power-to-opposition a kg:StrategicDevelopment } }""",
    ),
    # ---------------------------------------------------------------- 903: asylum (TASS citing a Kremlin source)
    Claim(
        "903",
        "Russia granted Assad asylum, says a Kremlin source cited by TASS (a two-hop attribution)",
        """ASK { ?st kg:subject res:russia ; kg:relationType rt:grants-asylum-to ; kg:object res:bashar-al-assad ;
                     kg:stance kg:Reported ; prov:wasAttributedTo res:kremlin-source-903 ;
                     prov:qualifiedAttribution ?first , ?second .
                 ?first prov:agent res:tass ; kg:hop ?one . FILTER (?one = 1)
                 ?second prov:agent res:kremlin-source-903 ; kg:hop ?two . FILTER (?two = 2) }""",
    ),
    Claim(
        "903",
        "the Kremlin source is unnamed, described, and affiliated with Russia",
        """ASK { res:kremlin-source-903 a kg:UnnamedSource ; kg:affiliatedWith res:russia ; rdfs:label ?label .
                 FILTER (STR(?label) = "a source in the Kremlin") }""",
    ),
    Claim(
        "903",
        "Assad left Syria overnight from 7 to 8 December",
        """ASK { ?st kg:subject res:bashar-al-assad ; kg:relationType rt:leaves-country ; kg:object res:syria ;
                     kg:during/kg:edtf "2024-12-07/2024-12-08" }""",
    ),
    Claim(
        "903",
        "Assad is in Russia from 8 December; his home in Damascus since 2000 ends the day before",
        """ASK { st:assad-based-in-russia kg:holdsFrom "2024-12-08"^^xsd:date .
                 st:assad-based-in-damascus-since-2000 kg:holdsFrom "2000-01-01"^^xsd:date ;
                     kg:holdsTo "2024-12-07"^^xsd:date ; kg:supersededBy st:assad-based-in-russia }""",
    ),
    # ---------------------------------------------------------------- 904: the Golan (Netanyahu, Israeli army)
    Claim(
        "904",
        "the 1974 disengagement agreement is an agreement to which Israel and Syria are parties",
        """ASK { res:disengagement-agreement-1974 a kg:Agreement .
                 ?israel kg:subject res:israel ; kg:relationType rt:party-to ; kg:object res:disengagement-agreement-1974 ;
                     kg:holdsFrom "1974-01-01"^^xsd:date .
                 ?syria kg:subject res:syria ; kg:relationType rt:party-to ; kg:object res:disengagement-agreement-1974 }""",
    ),
    Claim(
        "904",
        "Netanyahu declared the agreement collapsed on 8 December (an agreement declared ended)",
        """ASK { st:israel-ends-disengagement-agreement kg:relationType rt:ends-agreement ;
                     kg:object res:disengagement-agreement-1974 ; prov:wasAttributedTo res:benjamin-netanyahu ;
                     kg:closes st:israel-party-to-disengagement-agreement .
                 st:israel-party-to-disengagement-agreement
                     kg:endedBy st:israel-ends-disengagement-agreement ;
                     kg:holdsTo "2024-12-07"^^xsd:date }""",
    ),
    Claim(
        "904",
        "Israeli troops deployed into the buffer zone on Sunday, the army said on Monday",
        """ASK { ?st kg:subject res:israeli-army ; kg:relationType rt:deploys-into ; kg:object res:golan-buffer-zone ;
                     kg:holdsFrom "2024-12-08"^^xsd:date ; kg:statedOn "2024-12-09"^^xsd:date }""",
    ),
    Claim(
        "904",
        "the buffer zone lies on the Golan Heights and United Nations forces have patrolled it since 1974",
        """ASK { ?where kg:subject res:golan-buffer-zone ; kg:relationType rt:located-in ; kg:object res:golan-heights .
                 ?patrol kg:subject res:united-nations ; kg:relationType rt:patrols ;
                     kg:object res:golan-buffer-zone ; kg:holdsFrom "1974-01-01"^^xsd:date }""",
    ),
    Claim(
        "904",
        "Benjamin Netanyahu is Prime Minister of Israel",
        """ASK { ?st kg:subject res:benjamin-netanyahu ; kg:relationType rt:holds-office ;
                     kg:object res:prime-minister-of-israel }""",
    ),
    Claim(
        "904",
        "Israeli strikes appear to have destroyed most of the Syrian navy (hedged: a probable event, not a fact)",
        """ASK { res:israeli-strikes-on-syrian-navy a kg:EventClaim ; kg:modality kg:Probable ;
                     kg:claimedEventType kg:Strike ; prov:wasAttributedTo res:european-diplomat-904 .
                 FILTER NOT EXISTS { res:israeli-strikes-on-syrian-navy a kg:Strike } }""",
    ),
]

# "Holds at T", the one pattern of the as-of rule; `?st` is the statement.
HOLDS_AT = """?st kg:holdsFrom ?from . FILTER (?from <= "{day}"^^xsd:date)
OPTIONAL {{ ?st kg:holdsTo ?to }} FILTER (!BOUND(?to) || ?to >= "{day}"^^xsd:date)"""
FACTUAL = "?st kg:stance ?stance . VALUES ?stance { kg:Asserted kg:Reported } FILTER NOT EXISTS { ?st kg:modality ?m }"
WHO_CONTROLS_DAMASCUS = """SELECT DISTINCT ?answer WHERE {{
  ?st kg:relationType rt:controls ; kg:object res:damascus ; kg:subject ?answer . {factual} {holds} }}"""
WHERE_IS_ASSAD = """SELECT DISTINCT ?answer WHERE {{
  ?st kg:subject res:bashar-al-assad ; kg:relationType rt:based-in ; kg:object ?answer . {factual} {holds} }}"""
IS_ASSAD_IN_SYRIA = """SELECT DISTINCT ?answer WHERE {{
  ?st kg:subject res:bashar-al-assad ; kg:relationType rt:based-in ; kg:object ?place . {factual} {holds}
  FILTER (?place = res:syria || EXISTS {{ ?place kg:locatedIn res:syria }}) BIND ("yes" AS ?answer) }}"""
AGREEMENT_IN_FORCE = """SELECT DISTINCT ?answer WHERE {{
  ?st kg:subject res:israel ; kg:relationType rt:party-to ; kg:object res:disengagement-agreement-1974 .
  {factual} {holds} BIND ("in force" AS ?answer) }}"""

AS_OF = [
    # (question, query, day, answers): before, during and after the change
    ("who controls Damascus", WHO_CONTROLS_DAMASCUS, "2024-12-06", {"res:syrian-army"}),
    ("who controls Damascus", WHO_CONTROLS_DAMASCUS, "2024-12-07", {"res:syrian-army"}),
    ("who controls Damascus", WHO_CONTROLS_DAMASCUS, "2024-12-08", {"res:rebel-coalition"}),
    ("who controls Damascus", WHO_CONTROLS_DAMASCUS, "2024-12-10", {"res:rebel-coalition"}),
    ("where is Assad based", WHERE_IS_ASSAD, "2024-12-06", {"res:damascus"}),
    ("where is Assad based", WHERE_IS_ASSAD, "2024-12-08", {"res:russia"}),
    ("where is Assad based", WHERE_IS_ASSAD, "2024-12-10", {"res:russia"}),
    ("is Assad in Syria", IS_ASSAD_IN_SYRIA, "2024-12-06", {"yes"}),
    ("is Assad in Syria", IS_ASSAD_IN_SYRIA, "2024-12-10", set()),
    ("is the 1974 agreement in force", AGREEMENT_IN_FORCE, "1990-06-01", {"in force"}),
    ("is the 1974 agreement in force", AGREEMENT_IN_FORCE, "2024-12-07", {"in force"}),
    ("is the 1974 agreement in force", AGREEMENT_IN_FORCE, "2024-12-10", set()),
]


@pytest.fixture(scope="module")
def followed_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the project, built, with the four reports ingested in order."""
    with project_with_follow_ups(tmp_path_factory.mktemp("followup")) as copy:
        yield copy


def ask(sparql: str) -> bool:
    code, output = invoke("query", PREFIXES + sparql, "--format", "json")
    assert code == 0, output
    return bool(json.loads(output)["boolean"])


def answers(sparql: str) -> set[str]:
    code, output = invoke("query", PREFIXES + sparql, "--format", "json")
    assert code == 0, output
    rows = json.loads(output)["results"]["bindings"]
    res = "https://w3id.org/syria-kg/id/"
    return {row["answer"]["value"].replace(res, "res:") for row in rows}


@pytest.mark.parametrize("claim", CLAIMS, ids=[f"{c.report}: {c.text}" for c in CLAIMS])
def test_each_claim_of_the_follow_up_reports_is_structure(followed_up: Path, claim: Claim) -> None:
    assert ask(claim.ask), f"report {claim.report}: not found as structure: {claim.text}"


@pytest.mark.parametrize(
    ("question", "query", "day", "expected"), AS_OF, ids=[f"{q} on {day}" for q, _, day, _ in AS_OF]
)
def test_as_of_answers_before_during_and_after(
    followed_up: Path, question: str, query: str, day: str, expected: set[str]
) -> None:
    sparql = query.format(factual=FACTUAL, holds=HOLDS_AT.format(day=day))
    assert answers(sparql) == expected, f"{question} on {day}"


def test_no_modal_statement_gives_a_direct_triple(followed_up: Path) -> None:
    """A possible, probable or conditional statement reaches graph/derived only if a factual one says the same."""
    leaked = answers(
        """SELECT ?answer WHERE {
          ?st kg:modality ?m ; kg:subject ?s ; kg:relationType ?type ; kg:object ?o . ?type kg:directProperty ?p .
          GRAPH <https://w3id.org/syria-kg/graph/derived> { ?s ?p ?o }
          FILTER NOT EXISTS { ?other kg:subject ?s ; kg:relationType ?type ; kg:object ?o ; kg:stance ?k .
                              VALUES ?k { kg:Asserted kg:Reported } FILTER NOT EXISTS { ?other kg:modality ?n } }
          BIND (STR(?st) AS ?answer) }"""
    )
    assert leaked == set()


def test_the_new_alias_is_known_to_kg_mentions(followed_up: Path, tmp_path: Path) -> None:
    text, draft = tmp_path / "later.txt", tmp_path / "later.yaml"
    text.write_text("Abu Mohammed al-Jolani addressed a crowd in the Umayyad Mosque.\n", encoding="utf-8")
    code, output = invoke("mentions", str(text), "--draft", str(draft))
    assert code == 0, output
    mentions = yaml.safe_load(draft.read_text(encoding="utf-8"))["mentions"]
    named = {(m["text"], c["id"]) for m in mentions for c in m["candidates"]}
    assert ("Abu Mohammed al-Jolani", "ahmed-al-sharaa") in named


@pytest.mark.parametrize("report", REPORTS)
def test_each_report_is_a_marked_fixture_and_every_quote_is_in_its_text(report: str) -> None:
    text = (FIXTURES / f"{report}.txt").read_text(encoding="utf-8")
    facts = yaml.safe_load((FIXTURES / f"{report}.yaml").read_text(encoding="utf-8"))
    assert text.startswith(FIXTURE_MARK)
    assert facts["source"]["id"] == report
    items = [
        item
        for section in ("statements", "events", "quantities", "names")
        for item in facts.get(section) or []
    ]
    missing = [item["id"] for item in items if len(find_all(text, item["quote"])) != 1]
    assert missing == [], f"quotes not found exactly once in {report}.txt"
