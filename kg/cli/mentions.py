"""`kg mentions`: what a new text names (known entities, short names, roles, unnamed sources, unknown names) and
the candidate statements, as tables that never cut an id or as JSON; optionally a draft facts file."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.common import choices, console, opened_store, reports_errors
from kg.errors import InputError
from kg.importers import read_text
from kg.ingest import index_from_store
from kg.mention_draft import write_draft
from kg.mentions import Reading, lexicon_from_store
from kg.mentions import read_text as read_mentions
from kg.settings import get_settings

OutputFormat = choices("OutputFormat", ("table", "json"))
TABLE = OutputFormat("table")


@reports_errors
def mentions_command(
    text_file: Annotated[Path, typer.Argument(help="A new source text (UTF-8).")],
    draft: Annotated[
        Path | None,
        typer.Option(
            "--draft", help="Write a draft facts file (YAML): mentions, proposed entities and statements."
        ),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table (for people; ids are wrapped, never cut) or json.")
    ] = TABLE,
) -> None:
    """List what a text names (known entities, surnames, roles, unnamed sources, unknown names) and propose
    statements; optionally draft its facts file."""
    source_id = _draft_source_id(draft)
    text = read_text(text_file)
    with opened_store(get_settings()) as store:
        index = index_from_store(store)
        lexicon = lexicon_from_store(store, index)
    reading = read_mentions(text, lexicon)
    if output == "json":
        typer.echo(json.dumps(reading.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_tables(reading)
    if draft is not None:
        # The facts file's name is the source id (`kg ingest` reads it so); the text goes to seeds/<id>.
        text_path = f"seeds/{source_id}{text_file.suffix or '.txt'}"
        write_draft(draft, source_id, text_path, reading, set(index.ids))
        message = (
            f"Draft written to {draft}: fill title and date, review every item marked 'review: unreviewed' "
            "(then delete the marker), and write the facts."
        )
        if output == "json":
            typer.echo(message, err=True)
        else:
            console.print(message)


def _draft_source_id(draft: Path | None) -> str:
    if draft is None:
        return ""
    if draft.suffix not in (".yaml", ".yml") or not draft.stem:
        raise InputError("the draft is a YAML file named after the source id, e.g. 900_report.yaml")
    return draft.stem


def _table(*columns: str, whole: dict[str, list[str]] | None = None) -> Table:
    """A table whose cells wrap (fold) rather than being cut; the `whole` columns (ids) are made wide enough for
    their longest value, so that an id stays on one line and other columns wrap instead."""
    table = Table()
    for column in columns:
        values = (whole or {}).get(column)
        table.add_column(
            column, overflow="fold", min_width=max(map(len, values), default=None) if values else None
        )
    return table


def _print_tables(reading: Reading) -> None:
    ids = [candidate["id"] for mention in reading.mentions for candidate in mention.grouped()]
    mentions = _table("start", "end", "text", "entity", "name", "lang", "kind", "note", whole={"entity": ids})
    for mention in reading.mentions:
        for number, candidate in enumerate(mention.grouped()):
            first = number == 0
            mentions.add_row(
                str(mention.start) if first else "",
                str(mention.end) if first else "",
                mention.text if first else "",
                candidate["id"],
                candidate["name"],
                candidate["language"],
                candidate["kind"],
                mention.note if first else "",
            )
    console.print(mentions)
    ambiguous = sum(1 for mention in reading.mentions if mention.ambiguous)
    console.print(f"{len(reading.mentions)} mentions, {ambiguous} with several candidate entities")
    slugs = [proposal.slug for proposal in reading.proposals]
    proposals = _table(
        "start",
        "end",
        "text",
        "kind",
        "proposed id",
        "type",
        "affiliation",
        "nearest known",
        whole={"proposed id": slugs},
    )
    for proposal in reading.proposals:
        nearest = ", ".join(entity for entity, _ in proposal.suggestions)
        proposals.add_row(
            str(proposal.start),
            str(proposal.end),
            proposal.text,
            proposal.kind,
            proposal.slug,
            proposal.type,
            proposal.affiliation,
            nearest,
        )
    if reading.proposals:
        console.print(proposals)
    console.print(f"{len(reading.proposals)} proposed entities (unnamed sources, bodies, unknown names)")
    statements = _table("start", "subject", "relation", "object", "cue", "by")
    for statement in reading.statements:
        statements.add_row(
            str(statement.quote_start),
            statement.subject.entities[0],
            statement.relation,
            statement.object.entities[0],
            statement.cue,
            statement.speaker.slug if statement.speaker else "",
        )
    if reading.statements:
        console.print(statements)
    console.print(f"{len(reading.statements)} candidate statements")


def register(app: typer.Typer) -> None:
    """Add `mentions` to the `kg` command line."""
    app.command("mentions")(mentions_command)
