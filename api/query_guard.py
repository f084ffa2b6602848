"""Bounds checked before a query or update reaches the engine, and the SERVICE allow-list.

Oxigraph parses and plans in one uninterruptible call: a deeply nested query overflows its stack, a query with
many operators keeps a core busy for minutes (measured in docs/findings.md). So the text's
size, bracket depth and operator count are bounded first, from a token scan.

Network access: `SERVICE <endpoint>` makes pyoxigraph call the endpoint, so it is refused unless the endpoint
is on `service_allowlist`; `SERVICE ?variable` is always refused. The project's search service
(`SERVICE <https://w3id.org/syria-kg/search>`, kg/text_search.py) is answered by the store, never fetched: it
is accepted in queries (not in updates). `LOAD` fetches a URL and is refused in updates (send data through the
Graph Store instead). `FROM <iri>` / `FROM NAMED <iri>` never fetch anything:
pyoxigraph reads them as names of graphs in the store (tests/test_api_limits.py checks with a server that
records every request).
"""

from api.errors import Forbidden, PayloadTooLarge
from kg.errors import QueryError
from kg.settings import Settings
from kg.sparql_text import Analysis, analyse
from kg.vocab import SEARCH_SERVICE


def check_query(text: str, settings: Settings, base_iri: str | None) -> Analysis:
    """Bounds and SERVICE allow-list for a query; its analysis (form, dataset clause) when it passes."""
    return _check(text, settings, base_iri, "query")


def check_update(text: str, settings: Settings, base_iri: str | None) -> Analysis:
    """Bounds, SERVICE allow-list and no LOAD for an update."""
    analysis = _check(text, settings, base_iri, "update")
    if analysis.loads:
        raise Forbidden("LOAD is disabled on this server (it fetches URLs); send the data to /store instead")
    return analysis


def _check(text: str, settings: Settings, base_iri: str | None, what: str) -> Analysis:
    if not text.strip():
        raise QueryError(f"the {what} is empty")
    if len(text) > settings.max_query_chars:
        raise PayloadTooLarge(
            f"the {what} has {len(text):,} characters; this server accepts at most {settings.max_query_chars:,}"
        )
    analysis = analyse(text, base_iri)
    if analysis.max_depth > settings.max_query_nesting:
        raise QueryError(
            f"the {what} nests brackets {analysis.max_depth} deep; this server accepts at most "
            f"{settings.max_query_nesting}"
        )
    if analysis.operators > settings.max_query_operators:
        raise QueryError(
            f"the {what} has {analysis.operators} operators (triple patterns, UNION, OPTIONAL, FILTER, ...); "
            f"this server accepts at most {settings.max_query_operators}"
        )
    allowed = set(settings.service_allowlist) | ({str(SEARCH_SERVICE)} if what == "query" else set())
    for endpoint in analysis.services:
        if endpoint == str(SEARCH_SERVICE) and what == "update":
            raise Forbidden(f"SERVICE <{SEARCH_SERVICE}> answers queries; an update cannot use it")
        if endpoint is None:
            raise Forbidden("SERVICE with a variable endpoint is refused; name an endpoint of the allow-list")
        if endpoint not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise Forbidden(f"SERVICE <{endpoint}> is not on this server's allow-list (allowed: {listed})")
    return analysis
