"""The analytics commands of `kg`: `blocs`, `diff` and `export-network` (see docs/analytics.md)."""

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kg.analytics import Options, Record, Window, blocs_report, diff, diff_report, parse_date, read_record
from kg.bloc_sensitivity import sensitivity_table
from kg.bloc_weights import load_weights
from kg.cli.common import choices, console, errors, opened_store, reports_errors
from kg.errors import InputError
from kg.exports import EXPORT_FORMATS, Run, analysis_rdf, export_graph, export_network, write_analytics
from kg.settings import get_settings

QUOTE_CHARS = 70
TOP_CENTRAL = 10

DateOption = Annotated[
    str | None,
    typer.Option(
        "--date", help="A day YYYY-MM-DD or an interval A/B ('..' for an open end); default all time."
    ),
]
ClaimedOption = Annotated[
    bool, typer.Option("--include-claimed", help="Count claimed statements and events too.")
]
UndatedOption = Annotated[
    bool, typer.Option("--include-undated/--exclude-undated", help="Count statements that have no time.")
]
SidesOption = Annotated[
    bool,
    typer.Option("--sides", help="One node per side (entities.yaml sides:) instead of each of its parts."),
]
ReportFormat = choices("ReportFormat", ("table", "json"))
FormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="How to print the report.")]
# `csv` writes two files, the nodes and the edges (csv-nodes and csv-edges write one).
NetworkFormat = choices("NetworkFormat", (*EXPORT_FORMATS, "csv"))


def register(app: typer.Typer) -> None:
    """Add `blocs`, `diff` and `export-network` to the `kg` command."""
    app.command("blocs")(reports_errors(blocs_command))
    app.command("diff")(reports_errors(diff_command))
    app.command("export-network")(reports_errors(export_network_command))


def _read() -> Record:
    with opened_store(get_settings()) as store:
        return read_record(store)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _quote(evidence: list[dict[str, Any]]) -> str:
    """The first quote of a list of tie evidence, shortened for a table cell."""
    for tie in evidence:
        for quote in tie["quotes"]:
            text = quote["text"]
            return f"“{text[:QUOTE_CHARS]}{'…' if len(text) > QUOTE_CHARS else ''}”"
    return ""


def _sign(sign: int | None) -> str:
    return {1: "+", -1: "−", 0: "±", None: "·"}[sign]


# --------------------------------------------------------------------------------------------------- kg blocs


def blocs_command(
    date: DateOption = None,
    include_claimed: ClaimedOption = False,
    include_undated: UndatedOption = True,
    sides: SidesOption = False,
    output: FormatOption = "table",
    write: Annotated[
        bool, typer.Option("--write", help="Store the results in the analytics named graph.")
    ] = False,
    weights: Annotated[
        Path | None,
        typer.Option("--weights", help="Another table of weights (format of kg/bloc_weights.yaml)."),
    ] = None,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity", help="Print how the blocs change under variants of the weights.")
    ] = False,
) -> None:
    """Blocs of the signed actor network on a date: confidence, evidence, balance, brokers, centrality."""
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    options = Options(Window.parse(date), include_claimed, include_undated, sides, load_weights(weights))
    record = _read()
    if sensitivity:
        sys.stdout.write(sensitivity_table(record, options))
        return
    report = blocs_report(record, options)
    if write:
        _write(record, options, started)
    if output == "json":
        _print_json(report)
        return
    _print_blocs(report, record)


def _write(record: Record, options: Options, started: dt.datetime) -> None:
    graph, analysis = export_graph(record, options)
    rdf = analysis_rdf(record, analysis, graph, Run.now(options, started))
    with opened_store(get_settings()) as store:
        write_analytics(store, rdf)
    errors.print(f"wrote {len(rdf):,} triples to the analytics graph")


def _side(side: dict[str, Any] | None, labels: dict[str, str]) -> str:
    """An edge of an actor: sign, neighbour, weight, who made it for the actor, and its first quote."""
    if side is None:
        return ""
    makers = {ev.get("acting_subject") or ev.get("acting_object") for ev in side["evidence"]} - {None}
    by = f", by {', '.join(sorted(labels.get(m, m.rsplit('/', 1)[-1]) for m in makers))}" if makers else ""
    return f"{_sign(side['sign'])} {labels[side['neighbour']]} ({side['weight']:.2f}{by}): {_quote(side['evidence'])}"


def _print_blocs(report: dict[str, Any], record: Record) -> None:
    labels = {iri: record.label(iri) for iri in record.actors} | {
        a["iri"]: a["label"] for a in report["actors"]
    }
    aligned = {bloc["id"] for bloc in report["blocs"] if bloc["aligned"]}
    table = Table(
        "bloc",
        "actor",
        "confidence",
        "decided by (strongest edge, weight, quote)",
        "against it (strongest)",
        title=f"Blocs ({report['parameters']['date'] or 'all time'}, weights: {report['weights']['name']})",
    )
    for actor in sorted(report["actors"], key=lambda a: (a["bloc"], -(a["confidence"] or 0), a["label"])):
        bloc = str(actor["bloc"]) if actor["bloc"] in aligned else "alone"
        broker = " (broker)" if actor["broker"] else ""
        confidence = "" if actor["confidence"] is None else f"{actor['confidence']:.2f}"
        confidence += " contested" if actor["contested"] else ""
        if actor["acts_for"]:
            why, against = f"acts for {labels[actor['acts_for']]}", ""
        else:
            why = _side(actor["support"][0] if actor["support"] else None, labels)
            against = _side(actor["against"][0] if actor["against"] else None, labels)
        table.add_row(bloc, actor["label"] + broker, confidence, why, against)
    console.print(table)
    _print_legend(report)
    balance = report["balance"]
    index = "undefined (no signed triangles)" if balance["index"] is None else f"{balance['index']:.3f}"
    console.print(
        f"Structural balance: {index}, {balance['balanced']} of {balance['triangles']} triangles balanced"
    )
    console.print(f"Frustration of the partition: {report['frustration']}")
    _print_triangles(report, labels)
    console.print(f"Brokers: {', '.join(labels[b] for b in report['brokers']) or 'none'}")
    central = sorted(report["actors"], key=lambda a: (-a["betweenness"], -a["degree"], a["label"]))[
        :TOP_CENTRAL
    ]
    table = Table("actor", "degree", "betweenness (cooperative)", title="Centrality")
    for actor in central:
        table.add_row(actor["label"], f"{actor['degree']:.3f}", f"{actor['betweenness']:.3f}")
    console.print(table)


def _print_legend(report: dict[str, Any]) -> None:
    """Aligned blocs by name (their most cooperative member) with their cohesion; the rest stand alone; then
    the contested actors."""
    groups = [bloc for bloc in report["blocs"] if bloc["aligned"]]
    alone = len(report["blocs"]) - len(groups)
    named = "; ".join(
        f"{bloc['id']} {bloc['label']} ({len(bloc['members'])}, cohesion {bloc['cohesion']:.2f})"
        for bloc in groups
    )
    console.print(
        f"Blocs: {named or 'none'}" + (f"; {alone} actors stand alone (no cooperative tie)" if alone else "")
    )
    labels = {actor["iri"]: actor["label"] for actor in report["actors"]}
    below = report["weights"]["contested_below"]
    contested = ", ".join(labels[iri] for iri in report["contested"]) or "none"
    console.print(f"Contested (less than {below:.0%} of their weight agrees with their bloc): {contested}")


def _print_triangles(report: dict[str, Any], labels: dict[str, str]) -> None:
    if not report["unbalanced_triangles"]:
        console.print("Unbalanced triangles: none")
        return
    table = Table("triangle", "edge", "sign", "quote", title="Unbalanced triangles")
    for number, triangle in enumerate(report["unbalanced_triangles"], 1):
        for edge in triangle["edges"]:
            ends = f"{labels[edge['source']]} — {labels[edge['target']]}"
            table.add_row(str(number), ends, _sign(edge["sign"]), _quote(edge["evidence"]))
    console.print(table)


# ---------------------------------------------------------------------------------------------------- kg diff


def diff_command(
    start: Annotated[str, typer.Option("--from", metavar="YYYY-MM-DD", help="The earlier day.")],
    end: Annotated[str, typer.Option("--to", metavar="YYYY-MM-DD", help="The later day.")],
    include_claimed: ClaimedOption = False,
    include_undated: UndatedOption = True,
    output: FormatOption = "table",
) -> None:
    """Relations that began, ended or changed sign between two days, with evidence, and the events between."""
    first, last = parse_date(start), parse_date(end)
    record = _read()
    report = diff_report(
        diff(record, first, last, include_claimed=include_claimed, include_undated=include_undated), record
    )
    if output == "json":
        _print_json(report)
        return
    titles = {
        "began": f"Began (valid on {last}, not on {first})",
        "ended": f"Ended (valid on {first}, not on {last})",
        "passing": "Passing (valid only in between)",
        "sign_changed": "Changed sign",
    }
    for key, title in titles.items():
        _print_changes(title, report[key])
    _print_events(report["events"], f"Events between {first} and {last}")


def _print_changes(title: str, changes: list[dict[str, Any]]) -> None:
    if not changes:
        console.print(f"{title}: none")
        return
    table = Table("subject", "relation", "object", "sign", "when", "quote", title=title)
    for change in changes:
        both = change["sign_before"] is not None and change["sign_after"] is not None
        signs = (
            f"{_sign(change['sign_before'])} → {_sign(change['sign_after'])}"
            if both
            else _sign(change["sign"])
        )
        ev = change["evidence"][0]
        when = f"{ev['from'] or '..'}/{ev['until'] or '..'}" if ev["from"] or ev["until"] else "undated"
        row = (change["subject_label"], change["relation"], change["object_label"], signs, when)
        table.add_row(*row, _quote(change["evidence"]))
    console.print(table)


def _print_events(events: list[dict[str, Any]], title: str) -> None:
    table = Table("from", "until", "type", "event", "stance", title=title)
    for event in events:
        table.add_row(
            event["from"] or "..", event["until"] or "..", event["type"], event["label"], event["stance"]
        )
    console.print(table)


# ------------------------------------------------------------------------------------------ kg export-network


def export_network_command(
    fmt: Annotated[NetworkFormat, typer.Option("--format", "-f", help="The file format to write.")],
    date: DateOption = None,
    include_claimed: ClaimedOption = False,
    include_undated: UndatedOption = True,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
) -> None:
    """Write the signed actor network for Gephi, NetworkX, R or a spreadsheet (csv writes two files)."""
    options = Options(Window.parse(date), include_claimed, include_undated)
    if fmt == "csv" and output is None:
        raise InputError("csv writes a node file and an edge file: give -o, e.g. -o network.csv")
    record = _read()
    if fmt != "csv":
        _emit(export_network(record, options, fmt), output)
        return
    assert output is not None
    stem = output.with_suffix("") if output.suffix == ".csv" else output
    for part in ("nodes", "edges"):
        _emit(export_network(record, options, f"csv-{part}"), stem.with_name(f"{stem.name}-{part}.csv"))


def _emit(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        return
    output.write_bytes(data)
    errors.print(f"wrote {len(data):,} bytes to {output}")
