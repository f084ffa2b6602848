"""Full-text search inside SPARQL: the search service `<https://w3id.org/syria-kg/search>`.

A query asks for the entities whose names contain some words, with a score, and joins them with the rest of
the query, as `text:query` does in Jena, `bif:contains` in Virtuoso and `bds:search` in Blazegraph:

    PREFIX search: <https://w3id.org/syria-kg/search#>
    SELECT ?actor ?score WHERE {
      SERVICE <https://w3id.org/syria-kg/search> {
        ?actor search:query "al-Sharaa" ; search:score ?score ; search:name ?name ; search:limit 20 .
      }
      ?actor a kg:Actor .
    } ORDER BY DESC(?score)

`search:query` (required) is the text: every one of its words must occur in a label, alias or metonym of the
entity (any language), compared in the form `kg.names.normalise` gives (case, accents, Arabic diacritics and
letter variants, apostrophes, dashes and the article al-/el- do not matter). `search:score` binds a decimal from
0 to 1 (`kg.name_index.MATCHES`: the whole name 1, its beginning 0.9, the beginning of a word 0.8, inside a word
0.6, the words apart 0.4; 0.05 less for an alias or a metonym than for a label), `search:name` the name that
matched best, and `search:limit` caps the entities found (default `DEFAULT_LIMIT`, at most `MAX_LIMIT`).

No engine we run lets Python answer a SERVICE call, so the store rewrites the query before the engine sees it
(`expand_search`, called by `kg.store` for every query): the search runs on the store's name index
(`kg.name_index.names_of`) and the block becomes `VALUES (?actor ?score ?name) { ... }`, which joins with the
rest of the query exactly as the service's answer would. It works the same on the embedded and on a remote store,
through `kg query`, `/sparql` and every other query the project runs. Documented in docs/search.md.
"""

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import QueryError
from kg.name_index import Match, NamedStore, names_of
from kg.sparql_text import Token, _token_iri, analyse, tokens
from kg.vocab import SEARCH, SEARCH_SERVICE

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
FIELDS = ("query", "score", "name", "limit")
HELP = f'write SERVICE <{SEARCH_SERVICE}> {{ ?entity search:query "words" ; search:score ?score }} (docs/search.md)'
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f"}


@dataclass
class SearchRequest:
    """What one search block asks: the entity variable, the text, the variables to bind, the limit."""

    entity: str
    text: str
    score: str | None = None
    name: str | None = None
    limit: int = DEFAULT_LIMIT

    def values(self, matches: list[Match]) -> str:
        """The `VALUES` block that stands for the service's answer."""
        variables = [self.entity, *(v for v in (self.score, self.name) if v)]
        rows = []
        for match in matches:
            row = [str(ox.NamedNode(match.entity))]
            if self.score:
                row.append(f"{match.score:.2f}")
            if self.name:
                row.append(str(ox.Literal(match.name.text, language=match.name.language or None)))
            rows.append(f"({' '.join(row)})")
        return f"VALUES ({' '.join('?' + v for v in variables)}) {{ {' '.join(rows)} }}"


def expand_search(sparql: str, store: NamedStore) -> str:
    """The query with each search block replaced by the entities it finds; other queries unchanged."""
    if "SERVICE" not in sparql.upper():
        return sparql
    analysis = analyse(sparql)
    if str(SEARCH_SERVICE) not in analysis.services:
        return sparql
    found = tokens(sparql)
    edits: list[tuple[int, int, str]] = []
    for index, token in enumerate(found):
        position = index + 1 + (index + 1 < len(found) and found[index + 1].keyword == "SILENT")
        if token.keyword != "SERVICE" or position >= len(found):
            continue
        if _token_iri(found[position], analysis.prefixes, analysis.base) != str(SEARCH_SERVICE):
            continue
        close = _closing(found, position + 1)
        request = read_request(found[position + 2 : close], analysis.prefixes, analysis.base)
        matches = names_of(store).search(request.text, request.limit)
        edits.append((token.start, found[close].start + 1, request.values(matches)))
    for start, end, text in reversed(edits):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql


def _closing(found: list[Token], opening: int) -> int:
    """The index of the `}` closing the search block that opens at token `opening`."""
    if opening >= len(found) or found[opening].text != "{":
        raise QueryError(f"search service: a block {{ ... }} must follow the service IRI; {HELP}")
    depth = found[opening].depth
    for index in range(opening + 1, len(found)):
        token = found[index]
        if token.text in ("{", "}") and token.kind == "punct":
            if token.text == "}" and token.depth == depth:
                return index
            raise QueryError(f"search service: its block holds only triples, no nested group; {HELP}")
    raise QueryError("search service: the block is not closed with }")


def read_request(block: list[Token], prefixes: dict[str, str], base: str | None) -> SearchRequest:
    """Read the triples of a search block: one entity variable, `search:query` and the optional fields.

    >>> read_request(tokens('?e <https://w3id.org/syria-kg/search#query> "Hama" .'), {}, None)
    SearchRequest(entity='e', text='Hama', score=None, name=None, limit=1000)
    """
    fields: dict[str, list[Token]] = {}
    entity: str | None = None
    index = 0
    while index < len(block):
        subject = block[index]
        if subject.kind != "var" or (entity is not None and subject.text[1:] != entity):
            raise QueryError(f"search service: every triple's subject is the one entity variable; {HELP}")
        entity = subject.text[1:]
        index += 1
        while True:
            if index + 1 >= len(block):
                raise QueryError(f"search service: a triple is incomplete after ?{entity}; {HELP}")
            field = _field(block[index], prefixes, base)
            value, index = _object(block, index + 1)
            if field in fields:
                raise QueryError(f"search service: search:{field} is given twice")
            fields[field] = value
            if index < len(block) and block[index].text == ";":
                index += 1
                if index < len(block) and block[index].text != ".":
                    continue
            if index < len(block) and block[index].text == ".":
                index += 1
            elif index < len(block):
                raise QueryError(f"search service: unexpected {block[index].text!r}; {HELP}")
            break
    if entity is None or "query" not in fields:
        raise QueryError(f"search service: search:query is missing; {HELP}")
    return SearchRequest(
        entity,
        _text(fields["query"]),
        _variable(fields.get("score"), "score"),
        _variable(fields.get("name"), "name"),
        _limit(fields.get("limit")),
    )


def _field(token: Token, prefixes: dict[str, str], base: str | None) -> str:
    iri = _token_iri(token, prefixes, base)
    field = iri[len(str(SEARCH)) :] if iri and iri.startswith(str(SEARCH)) else None
    if field not in FIELDS:
        allowed = ", ".join(f"search:{f}" for f in FIELDS)
        raise QueryError(f"search service: {token.text} is not one of {allowed} (search: <{SEARCH}>)")
    return field


def _object(block: list[Token], index: int) -> tuple[list[Token], int]:
    """The tokens of one object (a literal with its language tag or datatype, or one term); the next index."""
    end = index + 1
    if block[index].kind == "string" and end < len(block):
        if block[end].kind == "lang":
            end += 1
        elif block[end].text == "^^":
            end += 2
    return block[index:end], end


def _text(value: list[Token]) -> str:
    token = value[0]
    if token.kind != "string":
        raise QueryError(f'search service: search:query takes a string ("words"), not {token.text}')
    quote = 3 if token.text[:3] in ('"""', "'''") else 1
    body = token.text[quote:-quote]
    text = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)
    if not text.strip():
        raise QueryError("search service: search:query is empty")
    return text


def _variable(value: list[Token] | None, field: str) -> str | None:
    if value is None:
        return None
    token = value[0]
    if len(value) != 1 or token.kind != "var":
        raise QueryError(f"search service: search:{field} takes a variable, not {token.text}")
    return token.text[1:]


def _limit(value: list[Token] | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    token = value[0]
    if token.kind != "number" or not token.text.isdigit() or not 1 <= int(token.text) <= MAX_LIMIT:
        raise QueryError(f"search service: search:limit takes a whole number from 1 to {MAX_LIMIT:,}")
    return int(token.text)
