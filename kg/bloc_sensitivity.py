"""How the blocs change when the weights change: the same window analysed under variants of the weights table.

`kg blocs --sensitivity` prints `sensitivity_table` for a date; docs/analytics.md holds its output for the
seed on 7 December 2024 between markers, and tests/test_bloc_weights.py checks that the two agree.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kg.analytics import Options, Record, blocs_report
from kg.bloc_weights import DEFAULT_WEIGHTS, FLAT_WEIGHTS, Weights

DOC_START = "<!-- sensitivity:start (kg blocs --date 2024-12-07 --sensitivity) -->"
DOC_END = "<!-- sensitivity:end -->"
INTENT = ("seeks-rapprochement-with", "offers-to-hand-over-power-to")
VERBAL = ("accuses", "condemns", "opposes", "designates", "designates-as-terrorist", "threatens")


def variants(base: Weights = DEFAULT_WEIGHTS) -> list[tuple[str, Weights]]:
    """The default table and one change at a time, then the flat table of before issue #21."""

    def relations(names: tuple[str, ...], value: float) -> dict[str, float]:
        return {**base.relations, **dict.fromkeys(names, value)}

    return [
        ("default table", base),
        ("intent weighs as an alliance (0.9)", replace(base, relations=relations(INTENT, 0.9))),
        ("verbal hostility weighs as fighting (1.0)", replace(base, relations=relations(VERBAL, 1.0))),
        ("no one acts for another (acts_for: [])", replace(base, acts_for=())),
        ("contested below 0.9", replace(base, contested_below=0.9)),
        ("contested below 0.6", replace(base, contested_below=0.6)),
        ("flat: every tie 1, no one acts for another", FLAT_WEIGHTS),
    ]


def _blocs(report: dict[str, Any]) -> str:
    labels = {actor["iri"]: actor["label"] for actor in report["actors"]}
    aligned = [bloc for bloc in report["blocs"] if bloc["aligned"]]
    return "; ".join(
        f"{bloc['label']} ({len(bloc['members'])}, cohesion {_number(bloc['cohesion'])}): "
        + ", ".join(sorted(labels[m] for m in bloc["members"] if m != bloc["anchor"]))
        for bloc in aligned
    )


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _actor(report: dict[str, Any], label: str) -> str:
    found = next((actor for actor in report["actors"] if actor["label"] == label), None)
    if found is None:
        return "not in the network"
    bloc = next(bloc for bloc in report["blocs"] if bloc["id"] == found["bloc"])
    where = bloc["label"] if bloc["aligned"] else "alone"
    return f"{where}, {_number(found['confidence'])}" + (" contested" if found["contested"] else "")


def sensitivity_table(record: Record, options: Options) -> str:
    """A Markdown table: per variant, the blocs of two or more, the contested actors, where Turkey and
    Erdogan stand, and the balance index."""
    rows = [
        "| weights | blocs (members, cohesion) | contested | Turkey | Recep Tayyip Erdogan | balance |",
        "|---|---|---|---|---|---|",
    ]
    for name, weights in variants(options.weights):
        report = blocs_report(record, replace(options, weights=weights))
        labels = {actor["iri"]: actor["label"] for actor in report["actors"]}
        contested = ", ".join(sorted(labels[iri] for iri in report["contested"])) or "none"
        index = report["balance"]["index"]
        cells = [
            name,
            _blocs(report),
            contested,
            _actor(report, "Turkey"),
            _actor(report, "Recep Tayyip Erdogan"),
        ]
        rows.append("| " + " | ".join([*cells, _number(index)]) + " |")
    return "\n".join(rows) + "\n"


def documented_table(doc: str) -> str:
    """The table between the sensitivity markers of docs/analytics.md."""
    start, end = doc.index(DOC_START) + len(DOC_START), doc.index(DOC_END)
    return doc[start:end].strip("\n") + "\n"
