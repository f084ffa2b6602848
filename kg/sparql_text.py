"""SPARQL text: lexical analysis done before any parser sees it, and the one way terms are written into it.

Oxigraph parses and plans a query in one call that no timeout can interrupt, and a deeply nested or very long
query can overflow its stack or keep a core busy for minutes (docs/findings.md). A cheap scan over the tokens
answers what must be known beforehand: the query form (to negotiate a result format), how deep the brackets
nest and how many operators there are, which endpoints `SERVICE` calls, whether a dataset clause (`FROM`,
`USING`, `WITH`) is present, and whether an update uses `LOAD`. It also rewrites an update to carry the
protocol's `using-graph-uri` / `using-named-graph-uri` as `USING` clauses, which Oxigraph's API lacks.

The scanner follows the SPARQL 1.1 grammar's terminals (https://www.w3.org/TR/sparql11-query/#grammar) closely
enough for these questions; it never decides whether a query is valid: the engine does.

Every IRI, literal or blank node the project puts into a query or update is written by `iri_ref`, `literal` or
`term` (and `triples_text` for data blocks), after the same grammar: a value that would end the term early (a
`>` in an IRI, an unescaped quote or line break in a string) cannot change the text around it. What they
write is also valid N-Triples and N-Quads.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.errors import InputError

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
# Operators whose number drives Oxigraph's planning cost (measured: 500 triple patterns in one group take 12 s,
# 500 OPTIONALs over a minute, 5,000 UNIONs 52 s), counted by `Analysis.operators`.
OPERATOR_KEYWORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "SERVICE", "EXISTS", "GRAPH"})

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\U000EFFFF]+)
  | (?P<bnode>_:[A-Za-z0-9_\-.\u00B7-\U000EFFFF]*)
  | (?P<pname>(?:[A-Za-z\u00C0-\U000EFFFF][A-Za-z0-9_\-.\u00B7-\U000EFFFF]*)?:
              (?:[A-Za-z0-9_\-\u00B7-\U000EFFFF:%]|\\.|\.(?=[A-Za-z0-9_\-\u00B7-\U000EFFFF:%]))*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<op>\^\^|\|\||&&|!=|<=|>=)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPENERS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = frozenset(_OPENERS.values())
_ABSOLUTE_IRI = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:")


class Token(NamedTuple):
    """One terminal: its kind (a group name of `_TOKEN`), text, offset, and bracket depth before it.

    A named tuple, not a dataclass: a query of a few hundred tokens is scanned on every request, and a
    tuple is several times cheaper to build.
    """

    kind: str
    text: str
    start: int
    depth: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a bare word, else ''."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> list[Token]:
    """The tokens of `text` without white space and comments.

    >>> [t.text for t in tokens('SELECT * { ?s <http://e/p> "a}b" } # }')]
    ['SELECT', '*', '{', '?s', '<http://e/p>', '"a}b"', '}']
    >>> [t.depth for t in tokens('{ { } }')]
    [0, 1, 1, 0]
    """
    found: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if value in _CLOSERS and kind == "punct":
            depth = max(depth - 1, 0)
        found.append(Token(kind, value, match.start(), depth))
        if value in _OPENERS and kind == "punct":
            depth += 1
    return found


@dataclass
class Analysis:
    """What the scan of a query or update found (shared between callers through a cache: read it only)."""

    form: str | None = None
    max_depth: int = 0
    operators: int = 0
    dataset_clause: bool = False
    services: list[str | None] = field(default_factory=list)
    loads: bool = False
    relative_iris: bool = False
    base: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1024)
def analyse(text: str, base_iri: str | None = None) -> Analysis:
    """Scan a query or update; `base_iri` resolves relative IRIs such as a relative `SERVICE <x>`.

    Cached: the same texts come back again and again (the browser's and dashboards' queries, and the
    store looks at a query the endpoint already checked).

    >>> a = analyse('PREFIX e: <http://e/> SELECT * FROM <http://g> { SERVICE e:s { ?s ?p ?o } }')
    >>> a.form, a.dataset_clause, a.services, a.max_depth
    ('SELECT', True, ['http://e/s'], 2)
    >>> analyse('INSERT DATA { <a> <b> <c> } ; LOAD <http://x>').loads
    True
    """
    found = tokens(text)
    analysis = Analysis(base=base_iri)
    data_block_depth: int | None = None
    previous = ""
    brackets: list[str] = []
    for index, token in enumerate(found):
        keyword = token.keyword
        if token.kind == "punct" and token.text in _CLOSERS and brackets:
            brackets.pop()
        analysis.max_depth = max(analysis.max_depth, token.depth + (token.text in _OPENERS))
        if token.kind == "iri" and not _ABSOLUTE_IRI.match(token.text):
            analysis.relative_iris = True
        if keyword == "BASE" and index + 1 < len(found) and found[index + 1].kind == "iri":
            analysis.base = _resolve(found[index + 1].text[1:-1], analysis.base)
        elif keyword == "PREFIX" and index + 2 < len(found) and found[index + 2].kind == "iri":
            analysis.prefixes[found[index + 1].text.rstrip(":")] = _resolve(
                found[index + 2].text[1:-1], analysis.base
            )
        if token.depth == 0 and analysis.form is None and keyword in QUERY_FORMS:
            analysis.form = keyword
        if keyword in ("FROM", "USING") or (keyword == "WITH" and token.depth == 0):
            analysis.dataset_clause = True
        elif keyword == "LOAD" and token.depth == 0:
            analysis.loads = True
        elif keyword == "SERVICE":
            analysis.services.append(_service_endpoint(found, index, analysis))
        # INSERT DATA / DELETE DATA payloads are data, not operators: they may hold thousands of triples.
        if data_block_depth is None and previous == "DATA" and token.text == "{":
            data_block_depth = token.depth
        elif data_block_depth is not None:
            if token.text == "}" and token.depth == data_block_depth:
                data_block_depth = None
        elif _is_operator(token, brackets):
            analysis.operators += 1
        if token.kind == "punct" and token.text in _OPENERS:
            brackets.append(token.text)
        previous = keyword
    return analysis


def _is_operator(token: Token, brackets: list[str]) -> bool:
    """An operator keyword, `||` / `&&`, or a separator between triple patterns of a group."""
    if token.keyword in OPERATOR_KEYWORDS or token.text in ("||", "&&"):
        return True
    return token.text in (".", ";", ",") and bool(brackets) and brackets[-1] == "{"


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _service_endpoint(found: list[Token], index: int, analysis: Analysis) -> str | None:
    """The IRI a `SERVICE` keyword calls, or None when it is a variable or cannot be read."""
    position = index + 1
    if position < len(found) and found[position].keyword == "SILENT":
        position += 1
    if position >= len(found):
        return None
    return _token_iri(found[position], analysis.prefixes, analysis.base)


def _token_iri(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI an IRI or prefixed-name token stands for, or None (another kind, or an unknown prefix)."""
    if token.kind == "iri":
        return _resolve(token.text[1:-1], base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix)
        return namespace + re.sub(r"\\(.)", r"\1", local) if namespace is not None else None
    return None


def with_using(update: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """The update with `USING` / `USING NAMED` clauses added to every operation that has a `WHERE`.

    This is how the protocol's `using-graph-uri` and `using-named-graph-uri` take effect
    (https://www.w3.org/TR/sparql11-protocol/#update-dataset). `DELETE WHERE { P }` becomes
    `DELETE { P } USING … WHERE { P }`, its equivalent that may carry `USING`.

    >>> with_using('INSERT { ?s a <http://c> } WHERE { ?s ?p ?o }', ['http://g'], [])
    'INSERT { ?s a <http://c> } USING <http://g> WHERE { ?s ?p ?o }'
    >>> with_using('DELETE WHERE { ?s ?p ?o }', [], ['http://n'])
    'DELETE { ?s ?p ?o } USING NAMED <http://n> WHERE { ?s ?p ?o }'
    """
    clause = " ".join(
        [f"USING {iri_ref(g)}" for g in default_graphs] + [f"USING NAMED {iri_ref(g)}" for g in named_graphs]
    )
    found = tokens(update)
    edits: list[tuple[int, int, str]] = []
    for index, token in enumerate(found):
        if token.depth != 0 or token.keyword != "WHERE":
            continue
        if index > 0 and found[index - 1].keyword == "DELETE":
            end = _block_end(found, index + 1)
            if end is None:
                continue  # malformed: leave it to the parser to report
            block = update[found[index + 1].start : end]
            edits.append((token.start, token.start + len(token.text), f"{block} {clause} WHERE"))
        else:
            edits.append((token.start, token.start, f"{clause} "))
    for start, end, text in reversed(edits):
        update = update[:start] + text + update[end:]
    return update


def _block_end(found: list[Token], index: int) -> int | None:
    """Offset just past the `}` that closes the `{` at token `index`."""
    if index >= len(found) or found[index].text != "{":
        return None
    depth = found[index].depth
    for token in found[index + 1 :]:
        if token.text == "}" and token.depth == depth:
            return token.start + 1
    return None


# Update forms whose target is named after the keyword (https://www.w3.org/TR/sparql11-update/#graphManagement).
_GRAPH_MANAGEMENT = frozenset({"CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "LOAD"})


@lru_cache(maxsize=256)
def written_graphs(update: str, base_iri: str | None = None) -> frozenset[str] | None:
    """The graphs an update may change ('' for the default graph), or None when the scan cannot tell.

    An over-estimate is harmless (the write check compares those graphs before and after); a graph missed
    would be a change lost, so anything the scan does not fully follow (a variable graph in a template,
    `NAMED`, `ALL`, a prefix declared twice) gives None and the caller compares every graph.

    >>> sorted(written_graphs('PREFIX e: <http://e/> INSERT DATA { GRAPH e:g { e:s e:p 1 } }'))
    ['', 'http://e/g']
    >>> sorted(written_graphs('WITH <http://w> DELETE { ?s ?p ?o } WHERE { GRAPH <http://r> { ?s ?p ?o } }'))
    ['http://w']
    >>> sorted(written_graphs('MOVE <http://a> TO DEFAULT ; LOAD <http://x> INTO GRAPH <http://b>'))
    ['', 'http://a', 'http://b']
    >>> written_graphs('INSERT { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }') is None
    True
    >>> written_graphs('DROP ALL') is None
    True
    """
    found = tokens(update)
    names = _NameReader(base_iri)
    graphs: set[str] = set()
    with_graph: str | None = None
    index = 0
    while index < len(found):
        token = found[index]
        keyword = token.keyword
        if token.depth != 0:
            index += 1
            continue
        if keyword in ("PREFIX", "BASE"):
            if not names.declare(found, index):
                return None
            index += 3 if keyword == "PREFIX" else 2
            continue
        if token.text == ";":
            with_graph = None
        elif keyword == "WITH":
            with_graph = names.graph(found, index + 1)
            if with_graph is None:
                return None
        elif keyword in ("INSERT", "DELETE"):
            after = index + 1
            if after < len(found) and found[after].keyword in ("DATA", "WHERE"):
                after += 1
            targets = _template_graphs(found, after, names)
            if targets is None:
                return None
            graphs |= targets
            graphs.add(with_graph or "")
        elif keyword in _GRAPH_MANAGEMENT:
            targets = _managed_graphs(found, index, names)
            if targets is None:
                return None
            graphs |= targets
        index += 1
    return frozenset(graphs)


def _template_graphs(found: list[Token], index: int, names: "_NameReader") -> set[str] | None:
    """The graphs named by `GRAPH` inside the template or data block opening at token `index`."""
    if index >= len(found) or found[index].text != "{":
        return None
    depth = found[index].depth
    graphs: set[str] = set()
    for position in range(index + 1, len(found)):
        token = found[position]
        if token.text == "}" and token.depth == depth:
            return graphs
        if token.keyword == "GRAPH":
            graph = names.graph(found, position + 1)
            if graph is None:
                return None
            graphs.add(graph)
    return None


def _managed_graphs(found: list[Token], index: int, names: "_NameReader") -> set[str] | None:
    """The graphs a CLEAR, DROP, CREATE, LOAD, ADD, MOVE or COPY operation changes."""
    keyword = found[index].keyword
    position = index + 1
    if position < len(found) and found[position].keyword == "SILENT":
        position += 1
    if keyword == "LOAD":
        into = next((i for i in range(position, len(found)) if found[i].keyword in ("INTO", ";")), None)
        if into is None or found[into].text == ";":
            return {""}
        loaded = names.graph_ref(found, into + 1)
        return None if loaded is None else {loaded[0]}
    source = names.graph_ref(found, position)
    if source is None:
        return None
    if keyword in ("CLEAR", "DROP", "CREATE"):
        return {source[0]}
    target_at = source[1]
    if target_at >= len(found) or found[target_at].keyword != "TO":
        return None
    target = names.graph_ref(found, target_at + 1)
    if target is None:
        return None
    return {source[0], target[0]} if keyword == "MOVE" else {target[0]}


class _NameReader:
    """Reads graph names (IRIs, prefixed names, DEFAULT) with the prologue declared so far."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.prefixes: dict[str, str] = {}

    def declare(self, found: list[Token], index: int) -> bool:
        """Record a `PREFIX` or `BASE` declaration; False when it redefines an earlier one."""
        if found[index].keyword == "BASE":
            if index + 1 >= len(found) or found[index + 1].kind != "iri":
                return False
            self.base = _resolve(found[index + 1].text[1:-1], self.base)
            return True
        if index + 2 >= len(found) or found[index + 2].kind != "iri":
            return False
        prefix = found[index + 1].text.rstrip(":")
        namespace = _resolve(found[index + 2].text[1:-1], self.base)
        return self.prefixes.setdefault(prefix, namespace) == namespace

    def graph(self, found: list[Token], index: int) -> str | None:
        """The IRI of the graph name at token `index`, or None (a variable, or unreadable)."""
        return _token_iri(found[index], self.prefixes, self.base) if index < len(found) else None

    def graph_ref(self, found: list[Token], index: int) -> tuple[str, int] | None:
        """`DEFAULT`, `GRAPH <g>` or `<g>` at token `index`: the graph ('' for default) and the next index.

        `NAMED` and `ALL` (every graph) give None.
        """
        if index >= len(found):
            return None
        if found[index].keyword == "DEFAULT":
            return "", index + 1
        if found[index].keyword == "GRAPH":
            index += 1
        graph = self.graph(found, index)
        return None if graph is None else (graph, index + 1)


# ------------------------------------------------------------------------------------------ writing terms
# Terms are made as pyoxigraph terms, which check an IRI (RFC 3987), a language tag (BCP 47) and a blank node
# label when they are made, and written in their N-Triples form, which SPARQL reads as it is (quotes,
# backslashes and line breaks escaped): one well-kept writer instead of escapers of our own.


def iri_ref(iri: str) -> str:
    """`<iri>`, refusing what is no absolute IRI (a `>`, a space or a quote in it, no scheme): `InputError`.

    >>> iri_ref("http://example.org/a#b")
    '<http://example.org/a#b>'
    >>> iri_ref("http://example.org/a> } ; DROP ALL ; <x:y")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: not an IRI: 'http://example.org/a> } ; DROP ALL ; <x:y'
    """
    return str(_named_node(iri))


def literal(value: str, *, language: str | None = None, datatype: str | None = None) -> str:
    """A string literal with its language or datatype (none for `xsd:string`), quotes and line breaks escaped.

    >>> print(literal('say "hi"\\n'), literal("Alep", language="fr"), literal("1", datatype="http://e/int"))
    "say \\"hi\\"\\n" "Alep"@fr "1"^^<http://e/int>
    """
    if language:
        try:
            return str(ox.Literal(value, language=language))
        except ValueError as error:
            raise InputError(f"not a language tag: {language[:50]!r}") from error
    if datatype:
        return str(ox.Literal(value, datatype=_named_node(datatype)))
    return str(ox.Literal(value))


def blank_node(label: str) -> str:
    """`_:label`, refusing a label the grammar does not allow."""
    try:
        return str(ox.BlankNode(label))
    except ValueError as error:
        raise InputError(f"not a blank node label: {label[:50]!r}") from error


def term(node: object) -> str:
    """An rdflib or pyoxigraph IRI, literal or blank node as SPARQL (and N-Triples) text.

    >>> term(URIRef("http://e/a")), term(Literal(3)), term(ox.Literal("x", language="ar"))
    ('<http://e/a>', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"x"@ar')
    """
    if isinstance(node, ox.NamedNode | ox.Literal | ox.BlankNode):
        return str(node)  # checked when it was made
    if isinstance(node, URIRef):
        return iri_ref(node)
    if isinstance(node, Literal):
        return literal(str(node), language=node.language, datatype=node.datatype and str(node.datatype))
    if isinstance(node, BNode):
        return blank_node(node)
    raise InputError(f"the term {node!r} cannot be written into SPARQL")


def triples_text(triples: Iterable[tuple[object, object, object]]) -> str:
    """Triples as lines `s p o .`, for an `INSERT DATA` block (or an N-Triples document).

    >>> print(triples_text([(URIRef("http://e/s"), URIRef("http://e/p"), Literal("o"))]))
    <http://e/s> <http://e/p> "o" .
    """
    return "\n".join(f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples)


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise InputError(f"not an IRI: {iri[:200]!r}") from error
