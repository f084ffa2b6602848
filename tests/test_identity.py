"""Identity and vocabulary (issue #15): names a source attests, merged entities, relation types an analyst
declares, sides, and the PLOVER/CAMEO alignment on the ontology page.

Each facts file here is written by the test into a temporary folder, with a synthetic text ("TEST FIXTURE"),
and ingested through the documented workflow (`kg ingest`), then retracted (`kg retract`).
"""

import json
from pathlib import Path

import pytest
from app_client import client_for
from helpers import invoke
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from kg.cli.common import console
from kg.settings import Settings, get_settings
from kg.store import EmbeddedStore, Store
from kg.vocab import DECLARED_PROPERTY, RES

# The fixtures below build on the seed's entities: the project copy keeps the seed as its only source.
pytestmark = pytest.mark.seed_only

JOLANI = "Abu Mohammed al-Jolani"
NAME_TEXT = (
    "TEST FIXTURE (synthetic report written for the tests). Damascus, 9 December 2024. "
    "The leader of Hayat Tahrir al-Sham"
    f", Ahmed al-Sharaa, long known by his nom de guerre {JOLANI}, spoke in the capital. "
    f"{JOLANI} condemned the Syrian authorities for the prisons of the former regime.\n"
)
NAME_FACTS = f"""source:
  id: 905_name_fixture
  title: Synthetic report attesting a nom de guerre (test fixture)
  date: 2024-12-09
  language: en
  author: report-000-author

names:
  - id: jolani-nom-de-guerre
    entity: ahmed-al-sharaa
    name: {JOLANI}
    kind: nom-de-guerre
    language: en
    stance: asserted
    quote: long known by his nom de guerre {JOLANI}

statements:
  - id: jolani-condemns-regime
    subject: {JOLANI}                     # the name this file attests: resolves to ahmed-al-sharaa
    relation: condemns
    object: syrian-authorities            # a merged id: resolves to assad-regime
    object_as: the Syrian authorities
    stance: asserted
    quote: {JOLANI} condemned the Syrian authorities
"""

TYPE_TEXT = (
    "TEST FIXTURE (synthetic report written for the tests). Doha, 10 December 2024. Qatar pledged to rebuild "
    "the schools of Aleppo. Turkey, too, pledged to rebuild the bridges of Hama.\n"
)
TYPE_FACTS = """source:
  id: 906_declared_type
  title: Synthetic report declaring a relation type (test fixture)
  date: 2024-12-10
  language: en
  author: report-000-author

relation_types:
  - id: pledges-reconstruction-of
    label: {en: pledges reconstruction of, fr: promet de reconstruire, ar: يتعهد بإعادة إعمار}
    definition: A party promises to pay for or carry out the rebuilding of a place.
    polarity: 1
    directed: true
    parent: supports
    functional: no

statements:
  - id: qatar-pledges-aleppo
    subject: qatar
    relation: pledges-reconstruction-of
    object: aleppo
    stance: asserted
    quote: Qatar pledged to rebuild the schools of Aleppo
"""
LATER_FACTS = """source:
  id: 907_uses_declared_type
  title: Synthetic report using a declared relation type (test fixture)
  date: 2024-12-11
  language: en
  author: report-000-author

statements:
  - id: turkey-pledges-hama
    subject: turkey
    relation: pledges-reconstruction-of
    object: hama
    stance: asserted
    quote: Turkey, too, pledged to rebuild the bridges of Hama
"""


def _files(folder: Path, stem: str, facts: str, text: str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    facts_path, text_path = folder / f"{stem}.yaml", folder / f"{stem}.txt"
    facts_path.write_text(facts, encoding="utf-8")
    text_path.write_text(text, encoding="utf-8")
    return facts_path, text_path


def _select(store: Store, sparql: str) -> list[dict[str, str]]:
    prefixes = "PREFIX kg: <https://w3id.org/syria-kg/ontology#> PREFIX res: <https://w3id.org/syria-kg/id/> "
    return [{k: v["value"] for k, v in row.items()} for row in store.select(prefixes + sparql)]


def _mentioned(text_path: Path) -> str:
    code, output = invoke("mentions", str(text_path))
    assert code == 0, output
    return output


def _seen_by_the_app(query: str) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """The browser's search hits, /reconcile's candidates and the name attestations, as the store is."""
    settings = get_settings()
    store = EmbeddedStore(settings.data_dir)
    try:
        for client in client_for(store, settings):
            search = [hit["id"] for hit in client.get("/api/search", params={"q": query}).json()]
            batch = {"q": {"query": query, "type": "Person"}}
            answer = client.post("/reconcile", data={"queries": json.dumps(batch)}).json()
            reconciled = [candidate["id"] for candidate in answer["q"]["result"]]
        attestations = _select(
            store,
            "SELECT ?entity ?name ?stance WHERE { ?a a kg:NameAttestation ; kg:namedEntity ?entity ; "
            "kg:attestedName ?name ; kg:nameKind kg:NomDeGuerre ; kg:stance ?stance ; kg:hasEvidence ?e }",
        )
    finally:
        store.close()
    return search, reconciled, attestations


def test_seed_does_not_already_know_the_nom_de_guerre(project_dir: Path) -> None:
    entities = (project_dir / "kg/data/entities.yaml").read_text(encoding="utf-8")
    assert "Jolani" not in entities and "Joulani" not in entities


def test_a_name_a_source_attests_is_known_everywhere_until_the_source_is_retracted(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "_width", 240)  # one table row per line, so that ids are not wrapped
    probe = tmp_path / "probe.txt"
    probe.write_text(f"A later text: {JOLANI} addressed the crowd.\n", encoding="utf-8")
    assert "ahmed-al-sharaa" not in _mentioned(probe)
    facts, text = _files(tmp_path / "in", "905_name_fixture", NAME_FACTS, NAME_TEXT)

    code, output = invoke("ingest", str(facts), str(text))
    assert code == 0, output
    assert "ahmed-al-sharaa" in _mentioned(probe)
    search, reconciled, attestations = _seen_by_the_app("Jolani")
    assert search[0] == "ahmed-al-sharaa"
    assert reconciled[0] == "ahmed-al-sharaa"
    assert attestations == [
        {
            "entity": f"{RES}ahmed-al-sharaa",
            "name": JOLANI,
            "stance": "https://w3id.org/syria-kg/ontology#Asserted",
        }
    ]
    code, output = invoke(
        "query",
        "PREFIX kg: <https://w3id.org/syria-kg/ontology#> SELECT ?s ?o ?as WHERE { ?st kg:subject ?s ; "
        "kg:object ?o ; kg:objectMention ?as ; "
        "kg:relationType <https://w3id.org/syria-kg/relation-type/condemns> }",
        "--format",
        "csv",
    )
    assert f"{RES}ahmed-al-sharaa,{RES}assad-regime,the Syrian authorities" in output

    code, output = invoke("retract", "905_name_fixture")
    assert code == 0, output
    assert "ahmed-al-sharaa" not in _mentioned(probe)
    search, reconciled, attestations = _seen_by_the_app("Jolani")
    assert "ahmed-al-sharaa" not in search + reconciled and attestations == []


NAME_USER_TEXT = (
    f"TEST FIXTURE (synthetic report written for the tests). {JOLANI} threatened the Assad regime.\n"
)
NAME_USER_FACTS = f"""source:
  id: 908_uses_the_name
  title: Synthetic report naming a person only by the nom de guerre another source attests (test fixture)
  date: 2024-12-11
  language: en
  author: report-000-author

statements:
  - id: jolani-threatens-regime
    subject: {JOLANI}
    relation: threatens
    object: assad-regime
    stance: asserted
    quote: {JOLANI} threatened the Assad regime
"""


def test_the_source_of_a_name_a_later_source_relies_on_is_retracted_last(
    project: Path, tmp_path: Path
) -> None:
    attesting = _files(tmp_path / "in", "905_name_fixture", NAME_FACTS, NAME_TEXT)
    using = _files(tmp_path / "in", "908_uses_the_name", NAME_USER_FACTS, NAME_USER_TEXT)
    assert invoke("ingest", *map(str, attesting))[0] == 0
    code, output = invoke("ingest", *map(str, using))
    assert code == 0, output
    code, output = invoke("build")  # the repository's files rebuild the same graph: the name resolves
    assert code == 0, output
    code, output = invoke("retract", "905_name_fixture")
    assert code == 2 and "908_uses_the_name" in output  # a rebuild would no longer resolve the name
    assert invoke("retract", "908_uses_the_name")[0] == 0
    assert invoke("retract", "905_name_fixture")[0] == 0


def test_a_name_of_an_unknown_kind_is_refused_with_its_line(project: Path, tmp_path: Path) -> None:
    facts, text = _files(
        tmp_path / "in", "905_name_fixture", NAME_FACTS.replace("nom-de-guerre", "nickname"), NAME_TEXT
    )
    code, output = invoke("ingest", str(facts), str(text))
    assert code == 2
    assert "kind must be one of alias, former-name, nom-de-guerre, transliteration" in output
    assert "905_name_fixture.yaml" in output


def test_a_merged_entity_redirects_to_the_one_that_replaced_it(store: EmbeddedStore, settings) -> None:
    for client in client_for(store, settings):
        page = client.get("/id/syrian-authorities", follow_redirects=False)
        assert page.status_code == 301 and page.headers["location"] == "/id/assad-regime"
        turtle = client.get("/id/syrian-authorities.ttl", follow_redirects=False)
        assert turtle.headers["location"] == "/id/assad-regime.ttl"
        described = Graph().parse(data=client.get("/id/assad-regime.ttl").text, format="turtle")
    assert (
        URIRef(RES + "syrian-authorities"),
        DCTERMS.isReplacedBy,
        URIRef(RES + "assad-regime"),
    ) in described
    agents = _select(
        store, "SELECT ?agent WHERE { res:syrian-authorities-security-cordon-statement kg:agent ?agent }"
    )
    assert agents == [{"agent": f"{RES}assad-regime"}]
    # The old IRI is typed nowhere and used by nothing but the merge itself.
    old_uses = (
        "SELECT ?p WHERE { { res:syrian-authorities a ?p } UNION { ?x ?p res:syrian-authorities "
        "FILTER (?p != <http://purl.org/dc/terms/replaces>) } }"
    )
    assert _select(store, old_uses) == []


def test_a_declared_relation_type_is_used_derived_and_retracted_last(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    declared = _files(folder, "906_declared_type", TYPE_FACTS, TYPE_TEXT)
    # Another report (the same text twice would be refused as a copy): the quote is the same sentence.
    later = _files(
        folder, "907_uses_declared_type", LATER_FACTS, TYPE_TEXT + "A later report said so again.\n"
    )
    assert invoke("ingest", *map(str, declared))[0] == 0
    code, output = invoke("ingest", *map(str, later))
    assert code == 0, output
    prop = DECLARED_PROPERTY["pledges-reconstruction-of"]
    code, output = invoke(
        "query",
        f"SELECT ?s ?o WHERE {{ GRAPH <https://w3id.org/syria-kg/graph/derived> {{ ?s <{prop}> ?o }} }} "
        "ORDER BY ?s",
        "--format",
        "csv",
    )
    assert output.split() == ["s,o", f"{RES}qatar,{RES}aleppo", f"{RES}turkey,{RES}hama"]
    code, output = invoke(  # the parent's direct property holds too (sub-property rule)
        "query",
        f"ASK {{ <{RES}qatar> <https://w3id.org/syria-kg/ontology#supports> <{RES}aleppo> }}",
        "--format",
        "json",
    )
    assert json.loads(output)["boolean"] is True

    code, output = invoke("retract", "906_declared_type")
    assert code == 2 and "907_uses_declared_type" in output
    assert invoke("retract", "907_uses_declared_type")[0] == 0
    assert invoke("retract", "906_declared_type")[0] == 0
    code, output = invoke(
        "query",
        "ASK { <https://w3id.org/syria-kg/relation-type/pledges-reconstruction-of> ?p ?o }",
        "--format",
        "json",
    )
    assert json.loads(output)["boolean"] is False
    code, output = invoke("ingest", *map(str, later))
    assert code == 2 and "unknown relation type 'pledges-reconstruction-of'" in output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("polarity: 1", "polarity: 2"),
        ("functional: no", "functional: sometimes"),
        ("parent: supports", "parent: backs"),
        ("id: pledges-reconstruction-of\n", "id: allied-with\n"),
    ],
    ids=["polarity", "functional", "parent", "existing-id"],
)
def test_a_bad_declaration_is_refused_and_nothing_changes(
    project: Path, tmp_path: Path, change: str, message: str
) -> None:
    facts, text = _files(tmp_path / "in", "906_declared_type", TYPE_FACTS.replace(change, message), TYPE_TEXT)
    code, output = invoke("ingest", str(facts), str(text))
    assert code == 2, output
    assert "906_declared_type.yaml" in output
    assert not (project / "kg/data/sources/906_declared_type.yaml").exists()


# ------------------------------------------------------------------------------------------ sides


def test_side_level_blocs_see_support_to_any_part_of_the_regime(
    seed_store: EmbeddedStore, seed_project: Path
) -> None:
    store, settings = seed_store, Settings(project_dir=seed_project)  # the seed's sides and blocs
    regime, rebels = f"{RES}regime-side", f"{RES}rebel-side"
    parts = {
        f"{RES}{slug}" for slug in ("assad-regime", "bashar-al-assad", "syrian-army", "syrian-presidency")
    }
    for client in client_for(store, settings):
        report = client.get("/api/blocs", params={"date": "2024-12-07", "sides": "true"}).json()
        by_part = client.get("/api/blocs", params={"date": "2024-12-07"}).json()
        nodes = {node["id"]: node for node in client.get("/api/graph").json()["nodes"]}
    assert (
        nodes["syrian-army"]["side"] == "regime-side"
        and nodes["hayat-tahrir-al-sham"]["side"] == "rebel-side"
    )
    assert nodes["russia"]["side"] is None
    assert report["parameters"]["sides"] is True and "sides" not in by_part["parameters"]
    bloc_of = {actor["iri"]: actor["bloc"] for actor in report["actors"] if actor["acts_for"] is None}
    assert parts.isdisjoint(bloc_of) and regime in bloc_of and rebels in bloc_of
    # a part listed at all is listed as acting for its side, in the side's bloc (a person, an army)
    listed = {actor["iri"]: actor for actor in report["actors"] if actor["iri"] in parts}
    assert all(a["acts_for"] == regime and a["bloc"] == bloc_of[regime] for a in listed.values()), listed
    assert {bloc_of[f"{RES}{ally}"] for ally in ("russia", "iran", "hezbollah")} == {bloc_of[regime]}
    assert bloc_of[rebels] != bloc_of[regime]
    edges = {(edge["source"], edge["target"]): edge for edge in report["edges"]}
    # Iran backs the person, Hezbollah too, Russia the regime and the army: one edge each to the side.
    assert {"supports", "supports-militarily"} <= set(edges[f"{RES}iran", regime]["relations"])
    assert edges[f"{RES}hezbollah", regime]["sign"] == 1


def test_the_side_query_names_the_part_each_supporter_backs(store: EmbeddedStore, project_dir: Path) -> None:
    query = (
        project_dir
        / "queries/which_actors_support_the_assad_side_through_which_part_and_according_to_whom.rq"
    )
    rows = [
        {k: v["value"] for k, v in row.items()} for row in store.select(query.read_text(encoding="utf-8"))
    ]
    through = {(row["supporterLabel"], row["partLabel"]) for row in rows}
    assert {("Iran", "Assad regime"), ("Iran", "Bashar al-Assad"), ("Russia", "Syrian Army")} <= through
    assert not any(row["supporter"].endswith(("assad-regime", "syrian-army")) for row in rows)


# ------------------------------------------------------------------------------------------ vocabulary


def test_the_ontology_page_shows_the_new_types_and_their_plover_and_cameo_matches(
    store: EmbeddedStore, settings
) -> None:
    for client in client_for(store, settings):
        body = client.get("/ontology").text
    row = body.split('id="rt-grants-asylum-to"', 1)[1].split("</tr>", 1)[0]
    assert "يمنح اللجوء إلى" in row and "accorde l&#39;asile à" in row
    assert 'same as <a href="#cameo-075">cameo:075</a>' in row
    assert 'close to <a href="#plover-AID">plover:AID</a>' in row
    for anchor in (
        'id="Agreement"',
        'id="Side"',
        'id="NameAttestation"',
        'id="plover-AID"',
        'id="cameo-075"',
    ):
        assert anchor in body, anchor
