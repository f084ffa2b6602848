"""`kg stats`: sources and statements, triples per graph, entities per type, statements per stance and relation type."""

import typer

from kg.cli.common import opened_store, print_counts, reports_errors
from kg.coverage import read_graph, totals
from kg.settings import get_settings
from kg.vocab import ENTITIES_GRAPH, sparql_prefixes

KG_PREFIX = sparql_prefixes("kg")

STATS_QUERIES = {
    "Entities by type": KG_PREFIX
    + f"""SELECT ?key (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  GRAPH <{ENTITIES_GRAPH}> {{ ?e a ?type }}
  BIND (STRAFTER(STR(?type), "#") AS ?key)
}} GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "Statements by stance": KG_PREFIX
    + """SELECT ?key (COUNT(?s) AS ?n) WHERE { ?s a kg:Statement ; kg:stance ?stance BIND (STRAFTER(STR(?stance), "#") AS ?key) }
GROUP BY ?key ORDER BY DESC(?n)""",
    "Statements by relation type": KG_PREFIX
    + """SELECT ?key (COUNT(?s) AS ?n) WHERE { ?s a kg:Statement ; kg:relationType ?t BIND (STRAFTER(STR(?t), "relation-type/") AS ?key) }
GROUP BY ?key ORDER BY DESC(?n) ?key""",
}


@reports_errors
def stats_command() -> None:
    """Counts of sources and statements, triples per graph, entities per type, statements per stance and type."""
    with opened_store(get_settings()) as store:
        print_counts("Sources and statements", totals(read_graph(store)))
        print_counts("Triples per named graph", store.graph_counts())
        for title, sparql in STATS_QUERIES.items():
            rows = store.select(sparql)
            print_counts(title, {row["key"]["value"]: int(row["n"]["value"]) for row in rows})


def register(app: typer.Typer) -> None:
    """Add `stats` to the `kg` command line."""
    app.command("stats")(stats_command)
