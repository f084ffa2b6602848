"""Bloc weights (issue #21): planted blocs are recovered from noisy signed networks, contested actors rank
lowest in confidence, representatives count with the actor they act for, the weights table is data a user can
replace, and the sensitivity table of docs/analytics.md is what `kg blocs --sensitivity` prints."""

import random
from collections import Counter
from itertools import combinations
from math import comb
from pathlib import Path

import pytest

from kg.analytics import (
    ASSERTED,
    CLAIMED,
    UNDATED,
    Actor,
    Agency,
    Options,
    Quote,
    Record,
    Tie,
    Window,
    analyse_network,
    blocs_report,
    network,
    read_record,
)
from kg.bloc_sensitivity import DOC_END, DOC_START, documented_table, sensitivity_table
from kg.bloc_weights import DEFAULT_WEIGHTS, load_weights
from kg.errors import InputError
from kg.store import EmbeddedStore
from kg.vocab import KG, RES

RUMOURED = str(KG.Rumoured)
BLOC_SIZE, BLOCS = 6, 3


def link(
    subject: str, obj: str, relation: str, sign: int, *, stance: str = ASSERTED, source: str = "doc"
) -> Tie:
    fact = f"{subject}-{relation}-{obj}-{source}"
    quote = Quote(f"{subject} {relation} {obj}", source, "reporter")
    return Tie(fact, fact, subject, obj, relation, sign, False, stance, "reporter", UNDATED, (quote,))


def record_of(ties: list[Tie], agencies: list[Agency] | None = None) -> Record:
    names = {t.subject for t in ties} | {t.object for t in ties} | {a.agent for a in agencies or []}
    actors = {name: Actor(name, name, "State") for name in sorted(names)}
    return Record(actors=actors, ties=ties, events=[], agencies=agencies or [])


def planted(flip_share: float, intents: int = 0, seed: int = 21) -> tuple[list[Tie], dict[str, int]]:
    """Three blocs of six: alliances inside, fighting across, every pair tied; `flip_share` of the signs
    flipped (a flipped alliance is a verbal accusation, a flipped fight a partnership), then `intents` weak
    rapprochement ties across blocs."""
    rng = random.Random(seed)
    truth = {f"b{b}n{n}": b for b in range(BLOCS) for n in range(BLOC_SIZE)}
    pairs = list(combinations(sorted(truth), 2))
    flipped = set(rng.sample(range(len(pairs)), round(flip_share * len(pairs))))
    ties = []
    for number, (u, v) in enumerate(pairs):
        same = truth[u] == truth[v]
        if number in flipped:
            ties.append(link(u, v, "accuses", -1) if same else link(u, v, "partner-of", 1))
        else:
            ties.append(link(u, v, "allied-with", 1) if same else link(u, v, "fights", -1))
    across = [(u, v) for u, v in pairs if truth[u] != truth[v]]
    ties += [
        link(u, v, "seeks-rapprochement-with", 1, source="intent") for u, v in rng.sample(across, intents)
    ]
    return ties, truth


def adjusted_rand(truth: dict[str, int], found: dict[str, int]) -> float:
    """Adjusted Rand index of two partitions of the same nodes (1.0: identical up to numbering)."""
    nodes = sorted(truth)
    table = Counter((truth[n], found[n]) for n in nodes)
    rows, cols = Counter(truth[n] for n in nodes), Counter(found[n] for n in nodes)
    index = sum(comb(c, 2) for c in table.values())
    row_sum, col_sum = sum(comb(c, 2) for c in rows.values()), sum(comb(c, 2) for c in cols.values())
    expected = row_sum * col_sum / comb(len(nodes), 2)
    return (index - expected) / ((row_sum + col_sum) / 2 - expected)


@pytest.mark.parametrize(
    ("flip_share", "intents"), [(0.0, 0), (0.05, 0), (0.1, 0), (0.2, 0), (0.1, 20), (0.2, 30)]
)
def test_planted_blocs_are_recovered_from_flipped_signs_and_weak_intents(
    flip_share: float, intents: int
) -> None:
    ties, truth = planted(flip_share, intents)
    analysis = analyse_network(network(record_of(ties), Options())[1])
    assert adjusted_rand(truth, analysis.partition) == 1.0


def test_a_balanced_network_has_every_actor_at_full_confidence() -> None:
    ties, _ = planted(0.0)
    report = blocs_report(record_of(ties), Options())
    assert {actor["confidence"] for actor in report["actors"]} == {1.0}
    assert report["contested"] == [] and {bloc["cohesion"] for bloc in report["blocs"]} == {1.0}


def test_planted_contested_actors_rank_lowest_in_confidence() -> None:
    ties, truth = planted(0.1)
    # Two actors with material ties into two blocs: allied with half of bloc 0 and half of bloc 1.
    for actor in ("t1", "t2"):
        ties += [link(actor, n, "allied-with", 1) for n in truth if truth[n] in (0, 1) and int(n[-1]) < 3]
        ties.append(link(actor, "b2n0", "fights", -1))
    report = blocs_report(record_of(ties), Options())
    ranked = sorted(report["actors"], key=lambda actor: (actor["confidence"], actor["iri"]))
    assert {actor["iri"] for actor in ranked[:2]} == {"t1", "t2"}
    assert {"t1", "t2"} <= set(report["contested"])
    assert all(actor["confidence"] < 1.0 for actor in ranked[:2])


def test_an_intent_weighs_far_less_than_the_act_it_aims_at() -> None:
    # a seeks a rapprochement with b but fights it: the fight decides, the attempt is the evidence against.
    ties = [link("a", "b", "seeks-rapprochement-with", 1), link("a", "b", "fights", -1)]
    graph = network(record_of(ties), Options())[1]
    assert graph["a"]["b"]["sign"] == -1
    assert graph["a"]["b"]["negative"] > 5 * graph["a"]["b"]["positive"]


def test_stance_discounts_and_corroboration_raises() -> None:
    claimed = [link("a", "b", "allied-with", 1, stance=CLAIMED)]
    rumoured = [link("a", "b", "allied-with", 1, stance=RUMOURED)]
    two_sources = [link("a", "b", "allied-with", 1), link("a", "b", "allied-with", 1, source="doc2")]
    hedged = Options(include_claimed=True)
    weights = [
        network(record_of(t), o)[1]["a"]["b"]["weight"] for t, o in [(claimed, hedged), (rumoured, hedged)]
    ]
    assert weights == [0.45, 0.225]
    assert network(record_of(claimed), Options())[1].number_of_edges() == 0  # hedged stances on request only
    assert network(record_of(two_sources), Options())[1]["a"]["b"]["weight"] == 1.35


def test_a_head_of_state_counts_with_the_state_and_is_shown_in_its_bloc() -> None:
    ties = [
        link("turkey", "russia", "partner-of", 1),
        link("russia", "regime", "allied-with", 1),
        link("erdogan", "regime", "accuses", -1),
    ]
    office = Agency("erdogan", "turkey", "holds-office", "erdogan-holds-office", ASSERTED, UNDATED)
    report = blocs_report(record_of(ties, [office]), Options())
    actors = {actor["iri"]: actor for actor in report["actors"]}
    assert actors["erdogan"]["acts_for"] == "turkey"
    assert actors["erdogan"]["bloc"] == actors["turkey"]["bloc"]
    (against,) = actors["turkey"]["against"]
    assert against["evidence"][0]["acting_subject"] == "erdogan"
    assert actors["turkey"]["confidence"] < 1.0


def test_a_weights_table_is_data_a_user_can_replace(tmp_path: Path) -> None:
    table = tmp_path / "intent-as-act.yaml"
    table.write_text("relations:\n  seeks-rapprochement-with: 1.0\ncontested_below: 0.5\n", encoding="utf-8")
    weights = load_weights(table)
    assert (weights.name, weights.relations["seeks-rapprochement-with"], weights.contested_below) == (
        "intent-as-act",
        1.0,
        0.5,
    )
    assert weights.relations["fights"] == DEFAULT_WEIGHTS.relations["fights"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("relations:\n  fights: strong\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"relations\.fights must be a number"):
        load_weights(bad)


# ------------------------------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_report(seed_store: EmbeddedStore) -> dict:
    return blocs_report(read_record(seed_store), Options(Window.parse("2024-12-07")))


def _actors(report: dict) -> dict[str, dict]:
    return {actor["iri"].removeprefix(str(RES)): actor for actor in report["actors"]}


def test_on_the_seed_turkey_is_contested_and_erdogan_counts_with_it(seed_report: dict) -> None:
    actors = _actors(seed_report)
    turkey = actors["turkey"]
    assert turkey["contested"] and turkey["confidence"] < DEFAULT_WEIGHTS.contested_below
    assert actors["recep-tayyip-erdogan"]["acts_for"] == str(RES["turkey"])
    quotes = [q["text"] for side in turkey["against"] for ev in side["evidence"] for q in ev["quotes"]]
    assert any("the hand extended by Turkey" in quote for quote in quotes)


def test_on_the_seed_observers_are_not_blocs_and_only_hostile_actors_stand_alone(seed_report: dict) -> None:
    actors = _actors(seed_report)
    assert "rami-abdel-rahman" not in actors and "syrian-observatory-for-human-rights" not in actors
    aligned = {bloc["id"] for bloc in seed_report["blocs"] if bloc["aligned"]}
    assert {actors["assad-regime"]["bloc"], actors["rebel-coalition"]["bloc"]} <= aligned
    assert actors["assad-regime"]["bloc"] != actors["rebel-coalition"]["bloc"]
    alone = {m.removeprefix(str(RES)) for b in seed_report["blocs"] if not b["aligned"] for m in b["members"]}
    assert "certain-european-countries" in alone
    assert all(side["sign"] < 0 for name in alone for side in actors[name]["support"])


def test_on_the_seed_a_confidence_of_one_means_no_tie_against(seed_report: dict) -> None:
    for actor in seed_report["actors"]:
        if actor["acts_for"] is None:
            assert (actor["confidence"] == 1.0) == (actor["against"] == []), actor["label"]


def test_over_2011_2024_what_disagrees_with_a_placement_is_always_listed(store: EmbeddedStore) -> None:
    """Confidence below 1 always comes with the ties that disagree, quoted: Russia, whose edge to the United
    States is hostile overall, is also their partner in some sources, and that tie is listed against it."""
    report = blocs_report(read_record(store), Options(Window.parse("2024-12-07")))
    for actor in report["actors"]:
        if actor["acts_for"] is None:
            assert (actor["confidence"] == 1.0) == (actor["against"] == []), actor["label"]
            for side in actor["against"]:
                assert side["evidence"] and all(ev["quotes"] for ev in side["evidence"]), actor["label"]
    russia = _actors(report)["russia"]
    assert russia["confidence"] < 1.0
    assert ("united-states", 1) in {
        (side["neighbour"].removeprefix(str(RES)), side["sign"]) for side in russia["against"]
    }


def test_the_sensitivity_table_of_the_docs_is_what_the_command_prints(
    project_dir: Path, store: EmbeddedStore
) -> None:
    doc = (project_dir / "docs" / "analytics.md").read_text(encoding="utf-8")
    assert DOC_START in doc and DOC_END in doc
    expected = sensitivity_table(read_record(store), Options(Window.parse("2024-12-07")))
    assert documented_table(doc) == expected, "run: kg blocs --date 2024-12-07 --sensitivity"
