"""`kg query`: run a SPARQL query over all graphs and print the answer as a table, CSV, TSV or JSON."""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kg.cli.common import choices, console, opened_store, reports_errors
from kg.errors import InputError
from kg.formats import named, names
from kg.settings import get_settings
from kg.vocab import PREFIXES

# The formats the engine writes (kg/formats.py); `table` is drawn here from the JSON answer.
QueryFormat = choices("QueryFormat", ("table", *names("results")))


@reports_errors
def query_command(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or the path of a .rq file.")],
    output: Annotated[QueryFormat, typer.Option("--format", "-f", help="How to print the answer.")] = "table",
) -> None:
    """Run a SPARQL query over all graphs and print the answer."""
    text = query_text(query)
    with opened_store(get_settings()) as store:
        results_format = named("results", output)
        if results_format is not None:
            sys.stdout.write(store.query_bytes(text, results_format.media_type).decode("utf-8"))
            return
        answer = json.loads(store.query_bytes(text))
    print_answer(answer)


def query_text(argument: str) -> str:
    """The query itself, or the text of the file it names: a `.rq` name or a path (no spaces, no braces).

    >>> query_text("ASK { ?s ?p ?o }")
    'ASK { ?s ?p ?o }'
    """
    names_a_file = argument.endswith(".rq") or not any(c.isspace() or c == "{" for c in argument)
    if not names_a_file:
        return argument
    path = Path(argument)
    if not path.is_file():
        raise InputError(
            f"no such file: {argument} (give a SPARQL query in quotes, or the path of a .rq file)"
        )
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the query: {error}", file=argument) from error


def print_answer(answer: dict[str, Any]) -> None:
    """A SPARQL JSON answer as a table with prefixed names."""
    if "boolean" in answer:
        console.print("yes" if answer["boolean"] else "no")
        return
    names = answer["head"]["vars"]
    table = Table(*names, show_lines=False)
    for row in answer["results"]["bindings"]:
        table.add_row(*(shorten(row[name]) if name in row else "" for name in names))
    console.print(table)
    console.print(f"{len(answer['results']['bindings'])} rows")


def shorten(binding: dict[str, str]) -> str:
    """An IRI as prefix:name where a project prefix fits; literals as their text.

    >>> shorten({"type": "uri", "value": "https://w3id.org/syria-kg/id/russia"})
    'res:russia'
    """
    value = binding["value"]
    if binding["type"] == "uri":
        for prefix, namespace in PREFIXES.items():
            if value.startswith(str(namespace)):
                return f"{prefix}:{value[len(str(namespace)) :]}"
        return f"<{value}>"
    return value


def register(app: typer.Typer) -> None:
    """Add `query` to the `kg` command line."""
    app.command("query")(query_command)
