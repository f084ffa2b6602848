"""`kg link` and `kg enrich`: links to external datasets, and the facts fetched through them (docs/linking.md)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.common import console, errors, opened_store, reports_errors
from kg.enrich import enrich
from kg.errors import InputError
from kg.link_review import accept, load_entities, reconcile, store_slugs, write_review, yaml_fragment
from kg.settings import get_settings
from kg.wikidata import WikidataClient


@reports_errors
def link_command(
    accept_file: Annotated[
        Path | None,
        typer.Option("--accept", help="Review file (TSV or CSV) whose rows marked accept=yes become links."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Review file to write (.tsv, or .csv).")] = Path(
        "review.tsv"
    ),
    endpoint: Annotated[str | None, typer.Option(help="SPARQL endpoint (default: KG_LINK_ENDPOINT).")] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use cached answers only; never call out.")
    ] = False,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Reconcile only this entity (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Candidates kept per entity.")] = 5,
    yaml_out: Annotated[
        Path | None,
        typer.Option("--yaml", help="With --accept: also write the accepted links as links.yaml."),
    ] = None,
) -> None:
    """Reconcile entities against a SPARQL endpoint into a review file, or accept the reviewed links."""
    settings = get_settings()
    with opened_store(settings) as store:
        if accept_file is not None:
            accepted = accept(store, accept_file, store_slugs(store))
            console.print(f"Accepted {len(accepted)} link(s) into graph/links from {accept_file}.")
            if yaml_out is not None and accepted:
                yaml_out.write_text(yaml_fragment(accepted), encoding="utf-8")
                console.print(f"Wrote them in links.yaml form to {yaml_out}; merge into kg/data/links.yaml.")
            return
        entities = load_entities(store, only or ())
        if not entities:
            raise InputError("no entity to reconcile in the store: run `kg build` first (or check --only)")
        client = WikidataClient.from_settings(settings, endpoint=endpoint, offline=offline)
        errors.print(f"Reconciling {len(entities)} entities against {client.endpoint} …")
        try:
            results = reconcile(client, entities, settings.link_languages, limit)
        finally:
            client.close()
    rows = write_review(out, entities, results)
    table = Table("entity", "best candidate", "label", "score", "suggested")
    for entity in entities:
        best = results[entity.slug][0] if results[entity.slug] else None
        if best:
            table.add_row(
                entity.slug, best.item, best.label, f"{best.score:.1f}", "yes" if best.suggested else ""
            )
        else:
            table.add_row(entity.slug, "—", "", "", "")
    console.print(table)
    console.print(
        f"Wrote {rows} row(s) to {out} ({client.requests_sent} request(s) sent, the rest from the cache). "
        f"Mark accept=yes on the right rows, then run `kg link --accept {out}`."
    )


@reports_errors
def enrich_command(
    endpoint: Annotated[str | None, typer.Option(help="SPARQL endpoint (default: KG_LINK_ENDPOINT).")] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use cached answers only; never call out.")
    ] = False,
) -> None:
    """Fetch coordinates, country, inception, official name and heads of state for linked entities."""
    settings = get_settings()
    client = WikidataClient.from_settings(settings, endpoint=endpoint, offline=offline)
    with opened_store(settings) as store:
        try:
            report = enrich(store, client, settings.link_languages)
        finally:
            client.close()
    table = Table(
        "fact", "values", title=f"Enriched {report.entities} linked entities from {client.endpoint}"
    )
    for name, count in report.facts.items():
        table.add_row(name, str(count))
    console.print(table)
    console.print(
        f"{report.queries} queries, {report.from_cache} answered from the cache; graph/enrichment replaced."
    )


def register(app: typer.Typer) -> None:
    """Add `link` and `enrich` to the `kg` command line."""
    app.command("link")(link_command)
    app.command("enrich")(enrich_command)
